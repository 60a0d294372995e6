package storetest

import (
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

func init() { custodyTests["DiscrepancyCounts"] = testDiscrepancyCounts }

// testDiscrepancyCounts checks the open discrepancies by site the dashboard
// shows: closed ones and other organisations' are not counted.
func testDiscrepancyCounts(t *testing.T, s Store) {
	o := mkOrg(t, s, "disc-count")
	other := mkOrg(t, s, "disc-count-other")
	mk := func(org, site string, open bool) {
		d := &bulkhead.Discrepancy{ID: bulkhead.NewID(), OrgID: org, SiteID: site, Kind: bulkhead.DiscSealMismatch, Summary: "seal number differs",
			Evidence: []string{"urn:uuid:e1"}, Open: open, CreatedAt: micro, UpdatedAt: micro}
		if !open {
			closed := micro
			d.ClosedAt, d.Resolution = &closed, "checked"
		}
		write(t, s, func(tx bulkhead.Tx) error { return tx.CreateDiscrepancy(ctx, d) })
	}
	empty, err := s.OpenDiscrepancyCounts(ctx, o.ID)
	if err != nil || len(empty) != 0 {
		t.Fatalf("no discrepancies: %v, %v", empty, err)
	}
	mk(o.ID, "site-a", true)
	mk(o.ID, "site-a", true)
	mk(o.ID, "site-b", true)
	mk(o.ID, "site-b", false)
	mk(o.ID, "site-c", false)
	mk(o.ID, "", true)
	mk(other.ID, "site-a", true)
	got, err := s.OpenDiscrepancyCounts(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"site-a": 2, "site-b": 1, "": 1}, got); diff != "" {
		t.Errorf("open discrepancy counts (-want +got):\n%s", diff)
	}
}
