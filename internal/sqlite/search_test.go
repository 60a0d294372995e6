package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
	"github.com/google/go-cmp/cmp"
)

// TestSearchIndexLifecycle checks searches before the queued sites are
// indexed, after, and after edits, and that the indexed path really answers
// from the index (a stale index entry with no queue entry is not found by
// text that is only in the index).
func TestSearchIndexLifecycle(t *testing.T) {
	ctx := context.Background()
	db := open(t).(*sqlite.DB)
	org := &bulkhead.Organization{ID: bulkhead.NewID(), Slug: "s", Name: "S", CreatedAt: bulkhead.Now()}
	now := bulkhead.Now()
	mk := func(name, notes string) *bulkhead.Site {
		return &bulkhead.Site{ID: bulkhead.NewID(), OrgID: org.ID, Name: name, Type: bulkhead.SiteYard, Country: "NL", TimeZone: "UTC", Notes: notes, CreatedAt: now, UpdatedAt: now}
	}
	a, b := mk("Maasvlakte Yard", "gate 7"), mk("Botlek Yard", "reefer plugs")
	if err := db.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateOrganization(ctx, org); err != nil {
			return err
		}
		if err := tx.CreateSite(ctx, a); err != nil {
			return err
		}
		return tx.CreateSite(ctx, b)
	}); err != nil {
		t.Fatal(err)
	}
	search := func(q string) []string {
		t.Helper()
		f := bulkhead.SiteFilter{OrgID: org.ID, Query: q}
		f.Normalize()
		sites, n, err := db.Sites(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range sites {
			names = append(names, s.Name)
		}
		if n != len(names) {
			t.Errorf("search %q: total %d but %d rows", q, n, len(names))
		}
		return names
	}
	check := func(when, q string, want ...string) {
		t.Helper()
		if diff := cmp.Diff(want, search(q)); diff != "" {
			t.Errorf("%s, search %q (-want +got):\n%s", when, q, diff)
		}
	}
	drain := func() {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := db.IndexSearch(ctx); err != nil {
				t.Fatal(err)
			}
			var queued int
			if err := db.QueryRow(ctx, `SELECT count(*) FROM sites_search_queue`, &queued); err != nil {
				t.Fatal(err)
			}
			if queued == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d sites still queued", queued)
			}
		}
	}
	check("queued", "vlakte", "Maasvlakte Yard")
	check("queued", "REEFER", "Botlek Yard")
	check("queued", "yard", "Botlek Yard", "Maasvlakte Yard")
	drain()
	check("indexed", "vlakte", "Maasvlakte Yard")
	check("indexed", "yard", "Botlek Yard", "Maasvlakte Yard")
	check("indexed, short query", "ga", "Maasvlakte Yard")

	a.Name, a.UpdatedAt = "Europoort Yard", bulkhead.Now()
	if err := db.Write(ctx, func(tx bulkhead.Tx) error { return tx.UpdateSite(ctx, a) }); err != nil {
		t.Fatal(err)
	}
	check("renamed, queued", "europoort", "Europoort Yard")
	check("renamed, queued", "vlakte")
	drain()
	check("renamed, indexed", "europoort", "Europoort Yard")
	check("renamed, indexed", "vlakte")

	// The index answers on its own once drained: a site changed behind the
	// triggers' back is found by its indexed text only.
	if err := db.Exec(ctx, `DROP TRIGGER sites_search_update`); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `UPDATE sites SET notes = 'plugs for reefers' WHERE name = 'Botlek Yard'`); err != nil {
		t.Fatal(err)
	}
	check("stale index", "reefer plugs") // indexed text, but LIKE rejects: no false hit
	check("stale index", "for reefers")  // not in the index, not queued: not a candidate
}
