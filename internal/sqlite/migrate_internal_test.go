package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrationRebuildsWithForeignKeys replays the memberships rebuild of
// 0002 over rows that api_tokens references, and checks that a migration
// leaving a dangling reference fails and changes nothing.
func TestMigrationRebuildsWithForeignKeys(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO organizations (id, name, slug, created_at, audit_seq, audit_hash) VALUES ('o1', 'Org', 'org', 0, 0, x'')`,
		`INSERT INTO users (id, email, name, password_hash, lang, time_zone, created_at, updated_at) VALUES ('u1', 'a@x.example', 'A', 'h', 'en', 'UTC', 0, 0)`,
		`INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('o1', 'u1', 'top_management', 0)`,
		`INSERT INTO api_tokens (id, org_id, user_id, name, prefix, hash, created_at) VALUES ('t1', 'o1', 'u1', 'ci', 'bh_', x'01', 0)`,
	} {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	body, err := migrationFS.ReadFile("migrations/0002_top_management.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.applyMigration(ctx, "test_rebuild", string(body)); err != nil {
		t.Fatalf("replaying the rebuild: %v", err)
	}
	var role string
	if err := db.writer.QueryRowContext(ctx, `SELECT role FROM memberships WHERE user_id = 'u1'`).Scan(&role); err != nil || role != "top_management" {
		t.Fatalf("membership after rebuild = %q, %v", role, err)
	}
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('o1', 'u1x', 'overlord', 0)`); err == nil {
		t.Error("the rebuilt table accepts an unknown role or user")
	}
	// Foreign keys are back on after the migration.
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO api_tokens (id, org_id, user_id, name, prefix, hash, created_at) VALUES ('t2', 'o1', 'nobody', 'x', 'bh_', x'02', 0)`); err == nil {
		t.Error("foreign keys are off after a migration")
	}
	err = db.applyMigration(ctx, "test_dangling", `DELETE FROM memberships`)
	if err == nil || !strings.Contains(err.Error(), "api_tokens") {
		t.Fatalf("dangling migration: err = %v", err)
	}
	var n int
	db.writer.QueryRowContext(ctx, `SELECT count(*) FROM memberships`).Scan(&n)
	if n != 1 {
		t.Errorf("the failed migration changed memberships: %d rows", n)
	}
}
