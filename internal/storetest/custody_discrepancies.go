package storetest

import (
	"slices"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

func init() {
	custodyTests["DiscrepancyCounts"] = testDiscrepancyCounts
	custodyTests["DiscrepanciesByEvidence"] = testDiscrepanciesByEvidence
}

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

// testDiscrepanciesByEvidence selects discrepancies by the EPCIS events
// their evidence names (a shipment's timeline shows those of its events),
// open or closed, of the organisation only.
func testDiscrepanciesByEvidence(t *testing.T, s Store) {
	o := mkOrg(t, s, "disc-evidence")
	other := mkOrg(t, s, "disc-evidence-other")
	mk := func(org string, open bool, evidence ...string) *bulkhead.Discrepancy {
		d := &bulkhead.Discrepancy{ID: bulkhead.NewID(), OrgID: org, SiteID: "site-a", Kind: bulkhead.DiscSealMismatch, Summary: "seal number differs",
			Evidence: evidence, Open: open, CreatedAt: micro, UpdatedAt: micro}
		write(t, s, func(tx bulkhead.Tx) error { return tx.CreateDiscrepancy(ctx, d) })
		return d
	}
	a := mk(o.ID, true, "urn:uuid:e1", "urn:uuid:e2")
	b := mk(o.ID, false, "urn:uuid:e3")
	mk(o.ID, true, "urn:uuid:e4")
	mk(other.ID, true, "urn:uuid:e1")
	got, err := s.Discrepancies(ctx, bulkhead.DiscrepancyFilter{OrgID: o.ID, Evidence: []string{"urn:uuid:e2", "urn:uuid:e3", "urn:uuid:none"}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range got {
		ids = append(ids, d.ID)
	}
	want := []string{a.ID, b.ID}
	slices.Sort(ids)
	slices.Sort(want)
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("discrepancies by evidence (-want +got):\n%s", diff)
	}
}
