package service_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

func TestSealLifecycle(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "seals")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	seal, err := svc.IssueSeal(ctx, officer, sealInput(f, "nl-0001234"))
	if err != nil {
		t.Fatal(err)
	}
	if seal.Number != "NL-0001234" || seal.Status != bulkhead.SealIssued {
		t.Fatalf("seal = %+v", seal)
	}
	if _, err := svc.IssueSeal(ctx, officer, sealInput(f, "NL-0001234")); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("duplicate number: %v", err)
	}
	bad := sealInput(f, "X1")
	bad.Class, bad.Type = ptr("Z"), ptr("TAPE")
	if _, err := svc.IssueSeal(ctx, officer, bad); bulkhead.ErrorCode(err) != bulkhead.EINVALID || bulkhead.ErrorFields(err)["class"] == "" || bulkhead.ErrorFields(err)["type"] == "" {
		t.Errorf("bad class and type: %v", err)
	}
	// Verifying before affixing is not allowed.
	if _, err := svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "verify", Method: "tug"}); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("verify an issued seal: %v", err)
	}
	tr, err := svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "affix", Equipment: "csqu 305438 3"})
	if err != nil || tr.Seal.Status != bulkhead.SealAffixed || tr.Seal.Equipment != "CSQU3054383" || !tr.Seal.EquipmentCheckOK || len(tr.Discrepancies) != 0 {
		t.Fatalf("affix: %+v %v", tr, err)
	}
	// A method is required to verify.
	if _, err := svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "verify"}); bulkhead.ErrorFields(err)["method"] != bulkhead.FieldRequired {
		t.Errorf("verify without method: %v", err)
	}
	tr, err = svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "verify", Method: "twist", ObservedNumber: "NL-0001234"})
	if err != nil || tr.Seal.Status != bulkhead.SealVerified || len(tr.Discrepancies) != 0 {
		t.Fatalf("verify: %+v %v", tr, err)
	}
	// The number read at arrival differs: a discrepancy with its evidence.
	tr, err = svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "verify", Method: "verify", ObservedNumber: "NL-0009999"})
	if err != nil || len(tr.Discrepancies) != 1 || tr.Discrepancies[0].Kind != bulkhead.DiscSealMismatch || tr.Discrepancies[0].Evidence[0] != tr.Event.EPCISEventID {
		t.Fatalf("mismatch: %+v %v", tr, err)
	}
	// Removal without authorisation.
	tr, err = svc.RecordSealEvent(ctx, officer, seal.ID, bulkhead.SealEventInput{Action: "remove"})
	if err != nil || len(tr.Discrepancies) != 1 || tr.Discrepancies[0].Kind != bulkhead.DiscSealBroken {
		t.Fatalf("unauthorised removal: %+v %v", tr, err)
	}
	_, log, err := svc.Seal(ctx, officer, seal.ID)
	if err != nil || len(log) != 5 {
		t.Fatalf("log: %d entries, %v", len(log), err)
	}
	// Every transition is an EPCIS event on the seal, and the container's
	// events are found by its BIC.
	p := query(t, svc, f.actors[bulkhead.RoleAdmin], "MATCH_anyEPC=urn:bulkhead:seal:NL-0001234")
	if len(p.Events) != 5 {
		t.Errorf("seal events in the repository: %d", len(p.Events))
	}
	p = query(t, svc, f.actors[bulkhead.RoleAdmin], "MATCH_epc=urn:epc:id:bic:CSQU3054383&EQ_bizStep=inspecting")
	if len(p.Events) != 2 {
		t.Errorf("inspections of the container: %d", len(p.Events))
	}
	var body map[string]any
	json.Unmarshal(p.Events[0].Body, &body)
	if sealExt, _ := body["bh:seal"].(map[string]any); sealExt["bh:method"] != "twist" {
		t.Errorf("event extension = %v", body)
	}

	// Tasks: unassigned discrepancies go to those who manage them.
	tasks, err := svc.MyTasks(ctx, f.actors[bulkhead.RoleSecurityManager])
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks = %v, %v", tasks, err)
	}
	if tasks, _ := svc.MyTasks(ctx, f.actors[bulkhead.RoleViewer]); len(tasks) != 0 {
		t.Errorf("viewer tasks = %v", tasks)
	}
	// Assign one to the contributor, who then has it; close it.
	d := tr.Discrepancies[0]
	contr := f.actors[bulkhead.RoleContributor]
	if _, err := svc.UpdateDiscrepancy(ctx, officer, d.ID, service.DiscrepancyUpdate{AssigneeID: &contr.UserID}); err != nil {
		t.Fatal(err)
	}
	if tasks, _ := svc.MyTasks(ctx, contr); len(tasks) != 1 || tasks[0].Href != "/custody/discrepancies/"+d.ID {
		t.Errorf("contributor tasks = %v", tasks)
	}
	if _, err := svc.UpdateDiscrepancy(ctx, officer, d.ID, service.DiscrepancyUpdate{Close: ptr(true)}); bulkhead.ErrorFields(err)["resolution"] != bulkhead.FieldRequired {
		t.Errorf("close without resolution: %v", err)
	}
	if _, err := svc.UpdateDiscrepancy(ctx, officer, d.ID, service.DiscrepancyUpdate{AssigneeID: ptr("nobody")}); bulkhead.ErrorFields(err)["assignee_id"] == "" {
		t.Errorf("assign to a non-member: %v", err)
	}
	got, err := svc.UpdateDiscrepancy(ctx, officer, d.ID, service.DiscrepancyUpdate{Close: ptr(true), Resolution: ptr("Removal was authorised by phone; paperwork filed."), IncidentID: ptr("INC-7")})
	if err != nil || got.Open || got.ClosedAt == nil || got.IncidentID != "INC-7" {
		t.Fatalf("close: %+v %v", got, err)
	}
	if open, _ := svc.Discrepancies(ctx, officer, bulkhead.DiscrepancyFilter{OpenOnly: true, SiteID: f.site.ID}); len(open) != 1 {
		t.Errorf("open discrepancies of the site: %d", len(open))
	}
}

func TestSealWrongCheckDigitIsFlagged(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "checkdigit")
	adm := f.actors[bulkhead.RoleAdmin]
	seal, err := svc.IssueSeal(ctx, adm, sealInput(f, "CUS-1"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := svc.RecordSealEvent(ctx, adm, seal.ID, bulkhead.SealEventInput{Action: "affix", Equipment: "CSQU3054384"})
	if err != nil {
		t.Fatal(err)
	}
	// Kept as written, flagged, and a discrepancy opened.
	if tr.Seal.Equipment != "CSQU3054384" || tr.Seal.EquipmentCheckOK || len(tr.Discrepancies) != 1 || tr.Discrepancies[0].Kind != bulkhead.DiscEquipmentCheck {
		t.Fatalf("affix with a wrong check digit: %+v", tr)
	}
	p := query(t, svc, adm, "EQ_eventID="+tr.Event.EPCISEventID)
	var body map[string]any
	json.Unmarshal(p.Events[0].Body, &body)
	if eq, _ := body["bh:equipment"].(map[string]any); eq["bh:checkDigit"] != "invalid" || eq["bh:number"] != "CSQU3054384" {
		t.Errorf("event equipment = %v", body["bh:equipment"])
	}
}

func TestDemoCustody(t *testing.T) {
	svc := newService(t)
	if _, err := svc.LoadDemo(ctx, "a demo password 123"); err != nil {
		t.Fatal(err)
	}
	org, err := svc.Store().OrganizationBySlug(ctx, "harbourline")
	if err != nil {
		t.Fatal(err)
	}
	sys := service.SystemActor(org.ID, "test")
	seals, _ := svc.Seals(ctx, sys, bulkhead.SealFilter{})
	open, _ := svc.Discrepancies(ctx, sys, bulkhead.DiscrepancyFilter{OpenOnly: true})
	all, _ := svc.Discrepancies(ctx, sys, bulkhead.DiscrepancyFilter{})
	kinds := map[bulkhead.DiscrepancyKind]bool{}
	for _, d := range open {
		kinds[d.Kind] = true
	}
	if len(seals) != 3 || len(open) != 2 || !kinds[bulkhead.DiscSealMismatch] || !kinds[bulkhead.DiscInspectionFailed] || len(all) != 3 {
		t.Fatalf("demo: %d seals, %d open discrepancies, %d in all", len(seals), len(open), len(all))
	}
	p := query(t, svc, sys, "MATCH_anyEPC=urn:epc:id:bic:CSQU3054383&orderBy=eventTime")
	if len(p.Events) != 7 { // 3 seal events and 4 carrier events
		t.Errorf("custody timeline of CSQU3054383: %d events", len(p.Events))
	}
	if ins, _ := svc.Inspections(ctx, sys, bulkhead.InspectionFilter{}); len(ins) != 2 || ins[0].Failed != 1 || ins[1].TemplateID == "" { // truck17 and the own checklist
		t.Errorf("demo inspections = %v", ins)
	}

	// The custody timeline of the mismatched container.
	tl, err := svc.CustodyTimeline(ctx, sys, "urn:epc:id:bic:CSQU3054383", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Steps) != 7 || tl.Steps[0].Seal != "NLHS-0408114" || tl.Steps[0].SealState != "affixed" || tl.Steps[0].WhereSiteID == "" {
		t.Fatalf("timeline = %+v", tl.Steps[0])
	}
	// Departing on day 1, arriving on day 10: in transit, not a gap.
	if tl.Gaps != 0 {
		t.Errorf("gaps = %d", tl.Gaps)
	}
	for i := 1; i < len(tl.Steps); i++ {
		if tl.Steps[i].Event.EventTime.Before(tl.Steps[i-1].Event.EventTime) {
			t.Errorf("out of order at %d", i)
		}
	}
	if _, err := svc.CustodyTimeline(ctx, sys, " ", 0); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Errorf("empty EPC: %v", err)
	}
	checkDemoShipments(t, svc, sys)
}

func TestInspections(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "inspect")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	insp, disc, err := svc.RecordInspection(ctx, officer, inspectionInput(f, "container7", ""))
	if err != nil || disc != nil || insp.Failed != 0 || len(insp.Results) != 7 {
		t.Fatalf("passed inspection: %+v %v %v", insp, disc, err)
	}
	insp, disc, err = svc.RecordInspection(ctx, officer, inspectionInput(f, "truck17", "fifth_wheel"))
	if err != nil || disc == nil || disc.Kind != bulkhead.DiscInspectionFailed || insp.Failed != 1 || disc.Evidence[0] != insp.EPCISEventID {
		t.Fatalf("failed inspection: %+v %+v %v", insp, disc, err)
	}
	// A failed point needs a note; every point needs an answer.
	in := inspectionInput(f, "truck17", "fifth_wheel")
	in.Results[8].Note = ""
	in.Results = in.Results[:16]
	_, _, err = svc.RecordInspection(ctx, officer, in)
	if fe := bulkhead.ErrorFields(err); fe["results.fifth_wheel"] != bulkhead.FieldRequired || fe["results.exhaust"] != bulkhead.FieldRequired {
		t.Errorf("missing note and point: %v", err)
	}
	if _, _, err := svc.RecordInspection(ctx, officer, bulkhead.InspectionInput{SiteID: f.site.ID, Template: "plane"}); bulkhead.ErrorFields(err)["template"] == "" {
		t.Errorf("unknown template: %v", err)
	}
	p := query(t, svc, officer, "MATCH_epc=urn:epc:id:bic:CSQU3054383&EQ_bizStep=inspecting&EQ_disposition=damaged")
	if len(p.Events) != 1 {
		t.Errorf("failed inspection events: %d", len(p.Events))
	}
	list, _ := svc.Inspections(ctx, f.actors[bulkhead.RoleViewer], bulkhead.InspectionFilter{})
	if len(list) != 2 {
		t.Errorf("inspections = %d", len(list))
	}
}

func TestCustodyGap(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "gap")
	adm := f.actors[bulkhead.RoleAdmin]
	ev := func(id, at, disp string) string {
		return `{"type":"ObjectEvent","eventID":"urn:example:` + id + `","eventTime":"` + at + `","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:bic:CSQU3054383"],` +
			`"action":"OBSERVE","bizStep":"storing","disposition":"` + disp + `","readPoint":{"id":"urn:bulkhead:site:` + f.site.ID + `"}}`
	}
	doc := func(evs ...string) []byte {
		return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",` +
			`"creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":[` + strings.Join(evs, ",") + `]}}`)
	}
	// In the yard on 1 May, in transit on 2 May, arriving 20 May: no gap.
	capture(t, svc, adm, doc(ev("g1", "2026-05-01T08:00:00Z", "in_progress"), ev("g2", "2026-05-02T08:00:00Z", "in_transit")), false)
	capture(t, svc, adm, doc(ev("g3", "2026-05-20T08:00:00Z", "in_progress")), false)
	// Then nothing for six days while standing in the yard: a gap.
	capture(t, svc, adm, doc(ev("g4", "2026-05-26T08:00:00Z", "in_progress")), false)
	ds, _ := svc.Discrepancies(ctx, adm, bulkhead.DiscrepancyFilter{})
	if len(ds) != 1 || ds[0].Kind != bulkhead.DiscCustodyGap || ds[0].SiteID != f.site.ID || len(ds[0].Evidence) != 2 || ds[0].Evidence[1] != "urn:example:g4" {
		t.Fatalf("discrepancies = %+v", ds)
	}
	tl, err := svc.CustodyTimeline(ctx, adm, "urn:epc:id:bic:CSQU3054383", 0)
	if err != nil || tl.Gaps != 1 || tl.Steps[3].Gap != 144*time.Hour {
		t.Errorf("timeline gaps = %+v, %v", tl, err)
	}
}

// A timeline is of one identifier, even one whose serial holds a comma (GS1
// serials may): it is not read as a list of two.
func TestTimelineIdentifierWithComma(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "comma")
	adm := f.actors[bulkhead.RoleAdmin]
	const epc = "urn:example:crate:A,7"
	capture(t, svc, adm, []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",`+
		`"creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":[`+
		`{"type":"ObjectEvent","eventID":"urn:example:c1","eventTime":"2026-05-01T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["`+epc+`"],"action":"OBSERVE","bizStep":"storing"},`+
		`{"type":"ObjectEvent","eventID":"urn:example:c2","eventTime":"2026-05-01T09:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:example:crate:A"],"action":"OBSERVE","bizStep":"storing"}]}}`), false)
	tl, err := svc.CustodyTimeline(ctx, adm, epc, 0)
	if err != nil || len(tl.Steps) != 1 || tl.Steps[0].Event.EventID != "urn:example:c1" || tl.EPC != epc {
		t.Fatalf("timeline of %s = %+v, %v", epc, tl, err)
	}
}
