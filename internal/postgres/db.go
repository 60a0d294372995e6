// Package postgres implements bulkhead.Store on PostgreSQL with pgx/v5. It
// mirrors package sqlite method by method: the same embedded migration
// names, the same error codes, ordering, paging and counts. Migrations run
// under an advisory lock so that several instances may start at once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrations returns the embedded migration file names in order. They are
// the same names as package sqlite's.
func Migrations() []string {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "migrations/")
	}
	sort.Strings(names)
	return names
}

// migrationLockKey is the pg_advisory_lock key held while migrating. Advisory
// locks are per database, so it only serialises instances sharing one.
const migrationLockKey int64 = 0x42_756c_6b68_6561 // "Bulkhea"

// DB is a bulkhead.Store on a PostgreSQL database.
type DB struct {
	queries
	pool *pgxpool.Pool
}

var _ bulkhead.Store = (*DB)(nil)

// Open connects to the PostgreSQL database named by dsn (a libpq keyword/value
// string or a postgres:// URL, with pgxpool's pool_* settings allowed) and
// applies pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres dsn: %w", err)
	}
	if err := migrate(ctx, cfg.ConnConfig.Copy()); err != nil {
		return nil, err
	}
	// The pool is made after migrating, so that no connection caches
	// statements prepared against an older schema.
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres pool: %w", err)
	}
	db := &DB{pool: pool, queries: queries{q: pool}}
	if err := db.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool, waiting for connections in use to be released.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.pool.Ping(ctx)
}

// Exec runs raw SQL outside the store contract. Tests use it to tamper with
// rows. Without args it uses the simple protocol, so query may hold several
// ;-separated statements (run in one implicit transaction).
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.pool.Exec(ctx, query, args...)
	return err
}

// Write runs fn in one READ COMMITTED transaction, committed when fn returns
// nil and rolled back otherwise. Appends to an organisation's audit trail
// serialise on its row (LockAuditHead), and the single records a Tx reads
// (site, user, API token) stay locked until it ends (see lockRow), so that
// read-modify-write is as safe as under SQLite's single writer.
func (db *DB) Write(ctx context.Context, fn func(bulkhead.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return mapErr(err)
	}
	// Rolling back a committed transaction is a no-op; the rollback also
	// runs if fn panics. It runs even when ctx is done, so that the
	// connection goes back to the pool clean.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(&txn{queries{q: tx, lock: lockRow}}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return mapErr(err)
	}
	return nil
}

// Sites returns one page of an organisation's sites and the total that
// match the normalised filter, both read in one REPEATABLE READ snapshot so
// that they agree; knowing the total, a page in the second half is read from
// the end (see queries.sites).
func (db *DB) Sites(ctx context.Context, f bulkhead.SiteFilter) ([]*bulkhead.Site, int, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	list, total, err := queries{q: tx}.sites(ctx, f, true)
	if err != nil {
		return nil, 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, 0, mapErr(err)
	}
	return list, total, nil
}

// migrate applies pending migrations on a dedicated connection holding a
// session advisory lock, each migration in its own transaction. The
// connection is closed at the end, which also drops the lock if unlocking
// failed.
func migrate(ctx context.Context, cfg *pgx.ConnConfig) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("lock for migrations: %w", err)
	}
	// Under the lock: CREATE TABLE IF NOT EXISTS itself races between
	// sessions.
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, name := range Migrations() {
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return err
		}
		if err := applyMigration(ctx, conn, name, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("unlock after migrations: %w", err)
	}
	return nil
}

func applyMigration(ctx context.Context, conn *pgx.Conn, name, body string) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	// No arguments: the simple protocol, which runs the file's statements.
	if _, err := tx.Exec(ctx, body); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, bulkhead.Now()); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// AppliedMigrations lists the migrations recorded as applied, by name.
func (db *DB) AppliedMigrations(ctx context.Context) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT name FROM schema_migrations ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SQLSTATE codes mapped to bulkhead error codes.
const (
	pgUniqueViolation      = "23505"
	pgCheckViolation       = "23514"
	pgForeignKeyViolation  = "23503"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// mapErr turns driver errors into bulkhead error codes, by SQLSTATE and
// constraint name.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return bulkhead.Errorf(bulkhead.ENOTFOUND, "Record not found.")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUniqueViolation:
			e := bulkhead.Errorf(bulkhead.ECONFLICT, "A record with that value already exists.")
			switch pe.ConstraintName {
			case "organizations_slug_key":
				e.Fields = map[string]string{"slug": bulkhead.FieldTaken}
			case "users_email_key":
				e.Fields = map[string]string{"email": bulkhead.FieldTaken}
			}
			return e
		case pgCheckViolation:
			return bulkhead.Errorf(bulkhead.EINVALID, "A value is not one of the allowed choices.")
		case pgForeignKeyViolation:
			return bulkhead.Errorf(bulkhead.EINVALID, "A referenced record does not exist.")
		case pgSerializationFailure, pgDeadlockDetected:
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The database is busy; try again.")
		}
	}
	return err
}

// utc returns t in UTC: pgx scans TIMESTAMPTZ in the local zone.
func utc(t time.Time) time.Time { return t.UTC() }

// utcPtr returns a nullable time in UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
