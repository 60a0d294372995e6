package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
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

// TestMigrationNumbersEvents stores events as 0012 left the schema, applies
// 0013 (events numbered, identifier rows keyed by number, capture ranges,
// the hash index on a prefix) and reads them back through the store.
func TestMigrationNumbersEvents(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	old := &DB{writer: w}
	if _, err := w.ExecContext(ctx, `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range Migrations() {
		if name >= "0013" {
			break
		}
		body, _ := migrationFS.ReadFile("migrations/" + name)
		if err := old.applyMigration(ctx, name, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	stmts := []string{
		`INSERT INTO organizations (id, name, slug, created_at, audit_seq, audit_hash) VALUES ('o1', 'Org', 'org', 0, 0, x''), ('o2', 'Other', 'other', 0, 0, x'')`,
		`INSERT INTO epcis_captures (id, org_id, status, proceed, actor_name, created_at, event_count, bytes) VALUES ('c1', 'o1', 'success', 0, 'a', 1, 2, 10), ('c2', 'o2', 'success', 0, 'a', 2, 1, 10)`,
	}
	for i, ev := range []struct{ id, org, capture, hash, epc string }{
		{"e1", "o1", "c1", "ni:///sha-256;1111222233334444aaaa?ver=CBV2.0", "urn:x:1"},
		{"e2", "o2", "c2", "ni:///sha-256;5555666677778888bbbb?ver=CBV2.0", "urn:x:1"},
		{"e3", "o1", "c1", "ni:///sha-256;9999000011112222cccc?ver=CBV2.0", "urn:x:2"},
	} {
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO epcis_events (id, org_id, capture_id, event_id, hash, type, event_time, record_time, action, biz_step, disposition, read_point, biz_location, error_declaration, body)
				VALUES ('%s', '%s', '%s', 'urn:%s', '%s', 'ObjectEvent', %d, %d, 'OBSERVE', '', '', '', '', 0, '{}')`, ev.id, ev.org, ev.capture, ev.id, ev.hash, i, i),
			fmt.Sprintf(`INSERT INTO epcis_event_epcs (org_id, epc, event_time, event, role) VALUES ('%s', '%s', %d, '%s', 'epc')`, ev.org, ev.epc, i, ev.id))
	}
	for _, q := range stmts {
		if _, err := w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	w.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrading: %v", err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name string
		f    bulkhead.EventFilter
		want []string
	}{
		{"MATCH_epc", bulkhead.EventFilter{OrgID: "o1", MatchEPC: []string{"urn:x:1", "urn:x:2"}}, []string{"urn:e1", "urn:e3"}},
		{"MATCH_epc, other org", bulkhead.EventFilter{OrgID: "o2", MatchEPC: []string{"urn:x:1"}}, []string{"urn:e2"}},
		{"capture", bulkhead.EventFilter{OrgID: "o1", CaptureID: "c1"}, []string{"urn:e1", "urn:e3"}},
		{"hash", bulkhead.EventFilter{OrgID: "o1", EventIDs: []string{"ni:///sha-256;9999000011112222cccc?ver=CBV2.0"}}, []string{"urn:e3"}},
	} {
		tc.f.Limit = 10
		got, err := db.EPCISEvents(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.EventID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, ids, tc.want)
		}
	}
	// New events are numbered after the migrated ones.
	j := &bulkhead.CaptureJob{ID: "c3", OrgID: "o1", Status: bulkhead.CaptureRunning, ActorName: "a", CreatedAt: time.Now(), Events: 1}
	e := &bulkhead.EPCISEvent{ID: bulkhead.NewID(), OrgID: "o1", CaptureID: "c3", EventID: "urn:e4", Hash: "ni:///sha-256;44?ver=CBV2.0", Type: "ObjectEvent",
		EventTime: time.Now(), RecordTime: time.Now(), Action: "OBSERVE", Body: []byte("{}"), EPCs: []bulkhead.EPCRole{{EPC: "urn:x:2", Role: "epc"}}}
	err = db.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateCaptureJob(ctx, j); err != nil {
			return err
		}
		return tx.InsertEPCISEvents(ctx, []*bulkhead.EPCISEvent{e})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: "o1", MatchEPC: []string{"urn:x:2"}, Limit: 10})
	if err != nil || len(got) != 2 {
		t.Errorf("after a new capture: %d events, %v", len(got), err)
	}
}
