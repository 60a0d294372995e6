package service_test

import (
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// shipmentInput is a valid shipment Rotterdam → Monterrey with one
// container and its expected seal.
func shipmentInput(ref string) bulkhead.ShipmentInput {
	return bulkhead.ShipmentInput{Reference: ptr(ref), Origin: ptr("nlrtm"), Destination: ptr("MX NLD"), Mode: ptr("multimodal"),
		Carrier: ptr("Harbour Lines"), Departure: ptr("2026-05-01"), Arrival: ptr("2026-05-20"),
		Equipment: &[]bulkhead.EquipmentInput{{Number: "CSQU3054383", Seals: []string{"nl-0001234"}}}}
}

// systemShipment records a shipment as the system.
func systemShipment(svc *service.Service, f *fixture, ref string) *bulkhead.Shipment {
	sh, err := svc.CreateShipment(ctx, service.SystemActor(f.org.ID, "test"), shipmentInput(ref))
	if err != nil {
		panic(err)
	}
	return sh
}

func shipmentReadTest(svc *service.Service, f *fixture) func(a service.Actor) error {
	return func(a service.Actor) error {
		if _, _, err := svc.Shipments(ctx, a, bulkhead.ShipmentFilter{}); err != nil {
			return err
		}
		sh := systemShipment(svc, f, "READ-"+string(a.Role))
		if _, err := svc.Shipment(ctx, a, sh.ID); err != nil {
			return err
		}
		_, err := svc.ShipmentTimeline(ctx, a, sh.ID, 0)
		return err
	}
}

func shipmentManageTest(svc *service.Service, f *fixture) func(a service.Actor) error {
	return func(a service.Actor) error {
		sh := systemShipment(svc, f, "MANAGE-"+string(a.Role))
		if _, err := svc.SetShipmentStatus(ctx, a, sh.ID, bulkhead.ShipmentInTransit); err != nil {
			return err
		}
		_, err := svc.CreateShipment(ctx, a, shipmentInput("NEW-"+string(a.Role)))
		return err
	}
}

func TestShipmentRules(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := newFixture(t, svc, "shipments")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	in := shipmentInput("HLX-1")
	in.SiteID = &f.site.ID
	in.Equipment = &[]bulkhead.EquipmentInput{{Number: "csqu 305438 3", Seals: []string{"NL-1"}}, {Number: "TGHU1234560", Seals: []string{"NL-2", "NL-3"}}}
	in.EPCs = &[]string{"urn:epc:id:sscc:4012345.0000000001"}
	sh, err := svc.CreateShipment(ctx, officer, in)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Origin != "NLRTM" || sh.Destination != "MXNLD" || sh.Status != bulkhead.ShipmentPlanned || len(sh.Equipment) != 2 {
		t.Fatalf("created = %+v", sh)
	}
	// A wrong check digit is kept as written and flagged.
	if e := sh.Equipment[1]; e.Number != "TGHU1234560" || e.CheckOK || !sh.Equipment[0].CheckOK || sh.Equipment[0].Number != "CSQU3054383" {
		t.Errorf("equipment = %+v", sh.Equipment)
	}
	got, err := svc.Shipment(ctx, f.actors[bulkhead.RoleViewer], sh.ID)
	if err != nil || len(got.Equipment) != 2 || got.Equipment[1].CheckOK || len(got.Equipment[1].Seals) != 2 || len(got.EPCs) != 1 {
		t.Fatalf("read back = %+v %v", got, err)
	}

	// Bad input: field errors, nothing stored.
	bad := shipmentInput("HLX-2")
	bad.Origin, bad.Arrival, bad.Mode = ptr("ROTTERDAM"), ptr("2026-04-01"), ptr("ship")
	bad.EPCs = &[]string{"not an epc"}
	bad.SiteID = ptr("no-such-site")
	_, err = svc.CreateShipment(ctx, officer, bad)
	fe := bulkhead.ErrorFields(err)
	if bulkhead.ErrorCode(err) != bulkhead.EINVALID || fe["origin"] != bulkhead.FieldUNLOCODE || fe["arrival"] != bulkhead.FieldDateOrder || fe["mode"] != bulkhead.FieldChoice ||
		fe["epcs"] == "" || fe["site_id"] != bulkhead.FieldUnknownSite {
		t.Errorf("bad input: %v", err)
	}
	dup := shipmentInput("HLX-3")
	dup.Equipment = &[]bulkhead.EquipmentInput{{Number: "CSQU3054383"}, {Number: "csqu3054383"}}
	if _, err := svc.CreateShipment(ctx, officer, dup); bulkhead.ErrorFields(err)["equipment"] != bulkhead.FieldDuplicate {
		t.Errorf("duplicate equipment: %v", err)
	}
	if _, err := svc.CreateShipment(ctx, officer, shipmentInput("HLX-1")); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT || bulkhead.ErrorFields(err)["reference"] != bulkhead.FieldTaken {
		t.Errorf("reference taken: %v", err)
	}
	if _, total, _ := svc.Shipments(ctx, officer, bulkhead.ShipmentFilter{Archived: bulkhead.StatusAll}); total != 1 {
		t.Errorf("%d shipments stored, want 1", total)
	}

	// Transitions.
	if _, err := svc.SetShipmentStatus(ctx, officer, sh.ID, bulkhead.ShipmentDelivered); bulkhead.ErrorFields(err)["status"] != bulkhead.FieldTransition {
		t.Errorf("planned → delivered: %v", err)
	}
	if _, err := svc.SetShipmentStatus(ctx, officer, sh.ID, bulkhead.ShipmentInTransit); err != nil {
		t.Fatal(err)
	}
	if sh, err = svc.SetShipmentStatus(ctx, officer, sh.ID, bulkhead.ShipmentDelivered); err != nil || sh.Status != bulkhead.ShipmentDelivered {
		t.Fatal(sh, err)
	}
	if _, err := svc.SetShipmentStatus(ctx, officer, sh.ID, bulkhead.ShipmentCancelled); bulkhead.ErrorFields(err)["status"] != bulkhead.FieldTransition {
		t.Errorf("delivered → cancelled: %v", err)
	}
	// Edit, archive, no edits while archived, restore.
	if sh, err = svc.UpdateShipment(ctx, officer, sh.ID, bulkhead.ShipmentInput{Carrier: ptr("Other Lines")}); err != nil || sh.Carrier != "Other Lines" {
		t.Fatal(sh, err)
	}
	if _, err := svc.UpdateShipment(ctx, officer, sh.ID, bulkhead.ShipmentInput{Departure: ptr("2026-06-01")}); bulkhead.ErrorFields(err)["arrival"] != bulkhead.FieldDateOrder {
		t.Errorf("departure after arrival: %v", err)
	}
	if _, err := svc.ArchiveShipment(ctx, officer, sh.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateShipment(ctx, officer, sh.ID, bulkhead.ShipmentInput{Carrier: ptr("X")}); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("edit archived: %v", err)
	}
	// Nor a status change (API and CLI reach it as well as the page).
	planned := systemShipment(svc, f, "HLX-ARCH")
	if _, err := svc.ArchiveShipment(ctx, officer, planned.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetShipmentStatus(ctx, officer, planned.ID, bulkhead.ShipmentInTransit); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("status change of an archived shipment: %v", err)
	}
	if got, _ := svc.Shipment(ctx, officer, planned.ID); got.Status != bulkhead.ShipmentPlanned {
		t.Errorf("archived shipment's status changed to %s", got.Status)
	}
	// Restoring and changing the status in one update is allowed.
	if got, err := svc.UpdateShipment(ctx, officer, planned.ID, bulkhead.ShipmentInput{Archived: ptr(false), Status: ptr(string(bulkhead.ShipmentInTransit))}); err != nil || got.Status != bulkhead.ShipmentInTransit || got.ArchivedAt != nil {
		t.Errorf("restore and move = %+v, %v", got, err)
	}
	if _, err := svc.ArchiveShipment(ctx, officer, planned.ID, true); err != nil {
		t.Fatal(err)
	}
	if list, _, _ := svc.Shipments(ctx, officer, bulkhead.ShipmentFilter{}); len(list) != 0 {
		t.Errorf("archived shipment listed as active")
	}
	if _, err := svc.ArchiveShipment(ctx, officer, sh.ID, false); err != nil {
		t.Fatal(err)
	}
	// Another organisation's shipment is not found.
	other := newFixture(t, svc, "shipments-other")
	if _, err := svc.Shipment(ctx, other.actors[bulkhead.RoleAdmin], sh.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other org: %v", err)
	}
	if _, err := svc.SetShipmentStatus(ctx, other.actors[bulkhead.RoleAdmin], sh.ID, bulkhead.ShipmentCancelled); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other org change: %v", err)
	}
	// Every change is in the audit trail.
	var actions []string
	entries, _, err := svc.AuditEntries(ctx, f.actors[bulkhead.RoleAdmin], bulkhead.AuditFilter{ObjectType: "shipment", ObjectID: sh.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "shipment.create") || !strings.Contains(got, "shipment.status") ||
		!strings.Contains(got, "shipment.archive") || !strings.Contains(got, "shipment.restore") || !strings.Contains(got, "shipment.update") {
		t.Errorf("audit actions: %s", got)
	}
}

func TestShipmentTimeline(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := newFixture(t, svc, "shipment-tl")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	in := shipmentInput("TL-1")
	in.Equipment = &[]bulkhead.EquipmentInput{{Number: "CSQU3054383", Seals: []string{"NL-0001234"}}, {Number: "MSKU9070323", Seals: []string{"NL-0005678"}}}
	sh, err := svc.CreateShipment(ctx, officer, in)
	if err != nil {
		t.Fatal(err)
	}
	// Container 1: sealed, read right. Container 2: sealed, read as another
	// number (a seal_mismatch discrepancy).
	for _, c := range []struct{ number, equipment, read string }{{"NL-0001234", "CSQU3054383", "NL-0001234"}, {"NL-0005678", "MSKU9070323", "NL-0009999"}} {
		seal, err := svc.IssueSeal(ctx, officer, sealInput(f, c.number))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "affix", Equipment: c.equipment}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "verify", Method: "verify", ObservedNumber: c.read}); err != nil {
			t.Fatal(err)
		}
	}
	tl, err := svc.ShipmentTimeline(ctx, f.actors[bulkhead.RoleAuditor], sh.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Steps) != 4 {
		t.Fatalf("%d steps, want 4 (issue events name no container)", len(tl.Steps))
	}
	for i := 1; i < len(tl.Steps); i++ {
		if tl.Steps[i].Event.EventTime.Before(tl.Steps[i-1].Event.EventTime) {
			t.Errorf("steps out of order at %d", i)
		}
	}
	if len(tl.SealChecks) != 2 || tl.SealChecks[0].Status != service.SealCheckOK || tl.SealChecks[1].Status != service.SealCheckMismatch ||
		len(tl.SealChecks[1].Unexpected) != 1 || tl.SealChecks[1].Unexpected[0] != "NL-0009999" {
		t.Errorf("seal checks = %+v", tl.SealChecks)
	}
	if len(tl.Discrepancies) != 1 || tl.Discrepancies[0].Kind != bulkhead.DiscSealMismatch {
		t.Errorf("discrepancies = %+v", tl.Discrepancies)
	}
	if tl.Steps[0].Seal == "" || len(tl.Steps[0].Equipment) != 1 {
		t.Errorf("first step = %+v", tl.Steps[0])
	}
}

// checkDemoShipments checks the demo's shipments (called from
// TestDemoCustody, which loads the demo once).
func checkDemoShipments(t *testing.T, svc *service.Service, sys service.Actor) {
	t.Helper()
	list, total, err := svc.Shipments(ctx, sys, bulkhead.ShipmentFilter{Origin: "NLRTM", Destination: "MXNLD", Status: bulkhead.ShipmentDelivered, Sort: bulkhead.ShipmentSortReference})
	if err != nil || total != 3 {
		t.Fatalf("demo shipments NLRTM → MXNLD delivered: %d %v", total, err)
	}
	checks := map[string]string{}
	for _, sh := range list {
		tl, err := svc.ShipmentTimeline(ctx, sys, sh.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(tl.Steps) < 7 || tl.Gaps != 0 || len(tl.SealChecks) != 1 {
			t.Errorf("%s: %d steps, %d gaps, %d seal checks", sh.Reference, len(tl.Steps), tl.Gaps, len(tl.SealChecks))
			continue
		}
		checks[sh.Reference] = tl.SealChecks[0].Status
		if sh.Reference == "HLX-2612" && (len(tl.Discrepancies) != 1 || tl.Discrepancies[0].Kind != bulkhead.DiscSealMismatch) {
			t.Errorf("HLX-2612 discrepancies = %+v", tl.Discrepancies)
		}
		if sh.Reference == "HLX-2613" && sh.Equipment[0].CheckOK {
			t.Errorf("HLX-2613: wrong check digit not flagged")
		}
	}
	if checks["HLX-2611"] != service.SealCheckOK || checks["HLX-2612"] != service.SealCheckMismatch || checks["HLX-2613"] != service.SealCheckOK {
		t.Errorf("seal checks = %v", checks)
	}
}
