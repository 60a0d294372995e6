// Package sqlite implements bulkhead.Store on embedded SQLite
// (modernc.org/sqlite, pure Go). It is set up for a server: WAL journal, a
// busy timeout, foreign keys on, one writer connection whose transactions
// begin IMMEDIATE, beside a pool of reader connections.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrations returns the embedded migration file names in order.
func Migrations() []string { return migrationNames(migrationFS) }

func migrationNames(fsys fs.FS) []string {
	names, _ := fs.Glob(fsys, "migrations/*.sql")
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "migrations/")
	}
	sort.Strings(names)
	return names
}

// DB is a bulkhead.Store on a SQLite file.
type DB struct {
	queries
	writer *sql.DB
	reader *sql.DB
	wcache *stmtCache
	rcache *stmtCache

	stopIndex    context.CancelFunc // stops the background goroutine
	indexDone    chan struct{}
	checkpointer *sql.DB // one connection for WAL checkpoints
}

var _ bulkhead.Store = (*DB)(nil)

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-32000)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "mmap_size(1073741824)")
	// Writes do not checkpoint: the store's background goroutine does,
	// on its own connection, so commits never wait for one (see search.go).
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Add("_pragma", "journal_size_limit(67108864)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if need be) the SQLite database at path and applies
// pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{writer: w}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	cp, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	cp.SetMaxOpenConns(1)
	db.checkpointer = cp
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	db.reader = r
	db.wcache, db.rcache = newStmtCache(w), newStmtCache(r)
	db.queries = queries{q: poolQuerier{db.rcache}}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	ictx, cancel := context.WithCancel(context.Background())
	db.stopIndex, db.indexDone = cancel, make(chan struct{})
	go db.indexLoop(ictx)
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.stopIndex != nil {
		db.stopIndex()
		<-db.indexDone
	}
	if db.rcache != nil {
		db.rcache.close()
		db.wcache.close()
	}
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.checkpointer != nil {
		db.checkpointer.ExecContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`)
		errs = append(errs, db.checkpointer.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	return errors.Join(errs...)
}

// Ping checks both pools.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return err
	}
	return db.reader.PingContext(ctx)
}

// Exec runs a statement on the writer connection, outside the store
// contract. Tests use it to tamper with rows.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.writer.ExecContext(ctx, query, args...)
	return err
}

// SerialWrites reports that the store runs one write transaction at a
// time (the service plans some writes around it).
func (db *DB) SerialWrites() bool { return true }

// Write runs fn in one IMMEDIATE transaction on the writer connection.
func (db *DB) Write(ctx context.Context, fn func(bulkhead.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(&txn{queries{q: txQuerier{tx: tx, c: db.wcache}}}); err != nil {
		tx.Rollback()
		db.wcache.prepareWanted(ctx)
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err)
	}
	db.wcache.prepareWanted(ctx)
	return nil
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, name := range Migrations() {
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return err
		}
		if err := db.applyMigration(ctx, name, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// applyMigration runs one migration in its own IMMEDIATE transaction on a
// dedicated writer connection. Foreign keys are off while it runs, as
// SQLite's procedure for rebuilding a table requires, and checked with
// foreign_key_check before it commits: a migration that leaves a dangling
// reference fails and changes nothing.
func (db *DB) applyMigration(ctx context.Context, name, body string) error {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	tx, err := conn.BeginTx(ctx, nil) // IMMEDIATE: serialises with other processes
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	var dangling []string
	for rows.Next() {
		var table, parent string
		var rowid, fkid sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			rows.Close()
			return err
		}
		dangling = append(dangling, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(dangling) > 0 {
		return fmt.Errorf("foreign keys broken: %s", strings.Join(dangling, "; "))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, bulkhead.Now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}

// AppliedMigrations lists the migrations recorded as applied.
func (db *DB) AppliedMigrations(ctx context.Context) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// mapErr turns driver errors into bulkhead error codes.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return bulkhead.Errorf(bulkhead.ENOTFOUND, "Record not found.")
	}
	var se *sqlite3.Error
	if errors.As(err, &se) {
		msg := se.Error()
		switch se.Code() {
		case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
			e := bulkhead.Errorf(bulkhead.ECONFLICT, "A record with that value already exists.")
			switch {
			case strings.Contains(msg, "organizations.slug"):
				e.Fields = map[string]string{"slug": bulkhead.FieldTaken}
			case strings.Contains(msg, "users.email"):
				e.Fields = map[string]string{"email": bulkhead.FieldTaken}
			}
			return e
		case sqlite3lib.SQLITE_CONSTRAINT_CHECK:
			return bulkhead.Errorf(bulkhead.EINVALID, "A value is not one of the allowed choices.")
		case sqlite3lib.SQLITE_CONSTRAINT_FOREIGNKEY:
			return bulkhead.Errorf(bulkhead.EINVALID, "A referenced record does not exist.")
		case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The database is busy; try again.")
		}
	}
	return err
}

// Time helpers: SQLite keeps times as INTEGER microseconds, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) time.Time { return time.UnixMicro(n).UTC() }

func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromNullMicros(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}

// QueryRow runs a one-row query on the writer and scans it into dest; tests
// use it to look at store internals.
func (db *DB) QueryRow(ctx context.Context, query string, dest ...any) error {
	return db.writer.QueryRowContext(ctx, query).Scan(dest...)
}
