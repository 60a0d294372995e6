package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
	"github.com/bulkhead-sms/bulkhead/internal/storetest"
)

func open(t *testing.T) storetest.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bulkhead.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestContract(t *testing.T) { storetest.Run(t, open) }

func TestMigrationsRecorded(t *testing.T) {
	db := open(t).(*sqlite.DB)
	got, err := db.AppliedMigrations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sqlite.Migrations()) || len(got) == 0 {
		t.Fatalf("applied %v, embedded %v", got, sqlite.Migrations())
	}
}
