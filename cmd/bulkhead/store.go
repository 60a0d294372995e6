package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/postgres"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
)

// storeFlags are the flags every command that opens the database takes.
type storeFlags struct {
	data string
	db   string
}

func (sf *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&sf.data, "data", "bulkhead-data", "data `directory` (SQLite database, demo credentials); created if missing")
	fs.StringVar(&sf.db, "db", "", "database: empty for SQLite in the data directory, a SQLite file path, or a postgres:// `DSN`")
}

// isPostgres reports whether --db is a PostgreSQL DSN: a postgres:// URL or
// a libpq key=value string.
func (sf *storeFlags) isPostgres() bool {
	return strings.HasPrefix(sf.db, "postgres://") || strings.HasPrefix(sf.db, "postgresql://") ||
		strings.Contains(sf.db, "host=") || strings.Contains(sf.db, "dbname=")
}

// sqlitePath is the SQLite database file the flags name.
func (sf *storeFlags) sqlitePath() string {
	if sf.db != "" {
		return strings.TrimPrefix(sf.db, "sqlite:")
	}
	return filepath.Join(sf.data, "bulkhead.db")
}

// open opens (and migrates) the store the flags name.
func (sf *storeFlags) open(ctx context.Context) (bulkhead.Store, error) {
	if sf.isPostgres() {
		db, err := postgres.Open(ctx, sf.db)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL: %w", err)
		}
		return db, nil
	}
	if err := os.MkdirAll(filepath.Dir(sf.sqlitePath()), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db, err := sqlite.Open(ctx, sf.sqlitePath())
	if err != nil {
		return nil, fmt.Errorf("open SQLite database %s: %w", sf.sqlitePath(), err)
	}
	return db, nil
}

// lockData takes an exclusive lock on the data directory so that a second
// server on the same SQLite database refuses to start instead of competing
// with the first. The lock ends with the process.
func lockData(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "serve.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another bulkhead server is already using the data directory %s (lock %s); stop it first or use another --data", dir, path)
		}
		return nil, err
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid())
	return f, nil
}

// cliActor resolves --org and --as into an actor: the user's role in that
// organisation applies, and the audit trail names them.
func cliActor(ctx context.Context, st bulkhead.Store, orgSlug, email string) (service.Actor, error) {
	org, err := orgBySlug(ctx, st, orgSlug)
	if err != nil {
		return service.Actor{}, err
	}
	if email == "" {
		return service.Actor{}, &usageError{"--as EMAIL is required: the user the change is made as"}
	}
	u, err := st.UserByEmail(ctx, bulkhead.NormalizeEmail(email))
	if err != nil {
		return service.Actor{}, fmt.Errorf("user %s: %w", email, err)
	}
	m, err := st.Membership(ctx, org.ID, u.ID)
	if err != nil {
		return service.Actor{}, bulkhead.Errorf(bulkhead.ENOTFOUND, "%s is not a member of %s.", email, orgSlug)
	}
	return service.Actor{UserID: u.ID, Name: u.Email, OrgID: org.ID, Role: m.Role, Lang: u.Lang, TimeZone: u.TimeZone, Via: "cli"}, nil
}

func orgBySlug(ctx context.Context, st bulkhead.Store, slug string) (*bulkhead.Organization, error) {
	if slug == "" {
		return nil, &usageError{"--org SLUG is required"}
	}
	org, err := st.OrganizationBySlug(ctx, slug)
	if err != nil {
		return nil, bulkhead.Errorf(bulkhead.ENOTFOUND, "No organisation with slug %q.", slug)
	}
	return org, nil
}

// asUser holds the flags of commands that act as a member of an
// organisation: --data, --db, --org and the member's e-mail.
type asUser struct {
	storeFlags
	org, email string
}

// register adds the flags; the e-mail flag is named userFlag ("as" or
// "email").
func (u *asUser) register(fs *flag.FlagSet, userFlag, userUsage string) {
	u.storeFlags.register(fs)
	fs.StringVar(&u.org, "org", "", "organisation `slug` (required)")
	fs.StringVar(&u.email, userFlag, "", userUsage)
}

// open opens the store and resolves the member acting; the caller closes
// the store.
func (u *asUser) open(ctx context.Context) (bulkhead.Store, service.Actor, error) {
	st, err := u.storeFlags.open(ctx)
	if err != nil {
		return nil, service.Actor{}, err
	}
	a, err := cliActor(ctx, st, u.org, u.email)
	if err != nil {
		st.Close()
		return nil, service.Actor{}, err
	}
	return st, a, nil
}
