package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The PostgreSQL server the tests of every package run on.

// PostgresServer returns the DSN of the test server from BULKHEAD_TEST_POSTGRES.
// Without one the test is skipped, or fails when BULKHEAD_REQUIRE_POSTGRES=1
// (CI must not pass by skipping PostgreSQL).
func PostgresServer(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("BULKHEAD_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("BULKHEAD_REQUIRE_POSTGRES") == "1" {
			t.Fatal("BULKHEAD_REQUIRE_POSTGRES=1 but BULKHEAD_TEST_POSTGRES is empty: set it to the DSN of a PostgreSQL server " +
				"whose user may CREATE DATABASE (scripts/pg.sh start DIR starts one and prints its DSN)")
		}
		t.Skip("BULKHEAD_TEST_POSTGRES is not set; skipping the PostgreSQL tests")
	}
	return dsn
}

// serverExec runs one statement on the test server's own database.
func serverExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns dsn pointing at database name instead.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		u.Path, u.RawPath = "/"+name, ""
		q := u.Query()
		q.Del("dbname")
		q.Del("database")
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	// Keyword/value form: a later keyword overrides an earlier one.
	return dsn + " dbname=" + name, nil
}

// FreshPostgres creates an empty database on the test server, dropped when
// the test ends, and returns a DSN for it.
func FreshPostgres(t testing.TB) string {
	t.Helper()
	server := PostgresServer(t)
	b := make([]byte, 8)
	rand.Read(b)
	name := "bh_" + hex.EncodeToString(b)
	// The store must sort and search as SQLite does whatever the
	// database's locale, so test databases get a locale whose order
	// differs from byte order ('a' < 'B') and whose lower() folds
	// non-ASCII letters: ICU's en-US, where the server has ICU (PostgreSQL
	// 15 and later, built with ICU), else the server's default.
	create := "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
	var err error
	for try := 0; try < 20; try++ {
		err = serverExec(context.Background(), server, create)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			break
		}
		switch pe.Code {
		case "55006":
			// CREATE DATABASE fails while another session is connected
			// to the template; tests run in parallel, so retry briefly.
			time.Sleep(time.Duration(50*(try+1)) * time.Millisecond)
			continue
		case "42601", "42704", "22023", "0A000":
			// No ICU (or no LOCALE_PROVIDER before PostgreSQL 15).
			t.Logf("no ICU en-US database (%v); using the server's default locale", err)
			create = "CREATE DATABASE " + name
			continue
		}
		break
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := serverExec(ctx, server, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	dsn, err := withDatabase(server, name)
	if err != nil {
		t.Fatalf("test dsn: %v", err)
	}
	return dsn
}
