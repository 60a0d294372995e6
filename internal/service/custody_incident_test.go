package service_test

import (
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// TestDiscrepancyOpensIncident: a failed inspection point opens, in the same
// transaction, one draft incident linked to the discrepancy and its evidence
// event; asking again for the same discrepancy returns that incident.
func TestDiscrepancyOpensIncident(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "disc-incident")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	insp, disc, err := svc.RecordInspection(ctx, officer, inspectionInput(f, "truck17", "fifth_wheel"))
	if err != nil || disc == nil {
		t.Fatalf("failed inspection: %v %v", disc, err)
	}
	if disc.IncidentID == "" {
		t.Fatal("the discrepancy carries no incident")
	}
	stored, err := svc.Discrepancy(ctx, officer, disc.ID)
	if err != nil || stored.IncidentID != disc.IncidentID {
		t.Fatalf("stored discrepancy: %+v %v", stored, err)
	}
	admin := f.actors[bulkhead.RoleAdmin]
	rec, err := svc.IncidentRecord(ctx, admin, disc.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Incident.Status != bulkhead.IncidentDraft || rec.Incident.SiteID != f.site.ID || rec.Incident.SourceRef != disc.ID {
		t.Errorf("incident = %+v", rec.Incident)
	}
	links := map[string]string{}
	for _, l := range rec.Links {
		links[l.Kind] = l.RefID
	}
	if links["discrepancy"] != disc.ID || links["epcis_event"] != insp.EPCISEventID {
		t.Errorf("links = %v", links)
	}
	again, created, err := svc.OpenIncidentFromDiscrepancy(ctx, admin, bulkhead.DiscrepancyRef{ID: disc.ID, Kind: disc.Kind, SiteID: disc.SiteID, DetectedAt: disc.CreatedAt})
	if err != nil || created || again.ID != disc.IncidentID {
		t.Errorf("second open = %v, created %v, %v", again, created, err)
	}
	// A passed inspection opens nothing.
	_, none, err := svc.RecordInspection(ctx, officer, inspectionInput(f, "container7", ""))
	if err != nil || none != nil {
		t.Errorf("passed inspection: %v %v", none, err)
	}
}
