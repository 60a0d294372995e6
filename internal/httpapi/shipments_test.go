package httpapi_test

import (
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

const shipmentBody = `{"reference":"HLX-1","origin":"NLRTM","destination":"MXNLD","mode":"sea","carrier":"Harbour Lines",
"departure":"2026-05-01","arrival":"2026-05-20","equipment":[{"number":"CSQU3054383","seals":["NL-1"]},{"number":"TGHU1234560","seals":[]}]}`

func TestShipmentsAPI(t *testing.T) {
	e := setup(t)
	r := e.json("admin", "POST", "/api/v1/shipments", shipmentBody)
	if r.status != 201 || r.header.Get("Location") == "" || r.body["status"] != "planned" {
		t.Fatalf("create = %d %s", r.status, r.raw)
	}
	id, _ := r.body["id"].(string)
	eq, _ := r.body["equipment"].([]any)
	if len(eq) != 2 || eq[0].(map[string]any)["check_ok"] != true || eq[1].(map[string]any)["check_ok"] != false {
		t.Errorf("equipment = %v (a wrong check digit is flagged, not refused)", eq)
	}
	_, audits := e.counts()

	// Bad input: status and field, nothing stored.
	other, err := e.svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org three", "three")
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := e.svc.CreateShipment(ctx, service.SystemActor(other.ID, "test"), bulkhead.ShipmentInput{Reference: ptr("X"), Origin: ptr("DEHAM"),
		Destination: ptr("DEBRV"), Mode: ptr("rail")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, role, method, path, body string
		status                         int
		field                          string
	}{
		{"bad UN/LOCODE", "admin", "POST", "/api/v1/shipments", `{"reference":"B1","origin":"ROTTERDAM","destination":"MXNLD","mode":"sea"}`, 422, "origin"},
		{"arrival before departure", "admin", "POST", "/api/v1/shipments", `{"reference":"B2","origin":"NLRTM","destination":"MXNLD","mode":"sea","departure":"2026-05-02","arrival":"2026-05-01"}`, 422, "arrival"},
		{"bad mode", "admin", "POST", "/api/v1/shipments", `{"reference":"B3","origin":"NLRTM","destination":"MXNLD","mode":"ship"}`, 422, "mode"},
		{"bad seal number", "admin", "POST", "/api/v1/shipments", `{"reference":"B4","origin":"NLRTM","destination":"MXNLD","mode":"sea","equipment":[{"number":"CSQU3054383","seals":["no good"]}]}`, 422, "equipment"},
		{"reference taken", "admin", "POST", "/api/v1/shipments", `{"reference":"HLX-1","origin":"NLRTM","destination":"MXNLD","mode":"sea"}`, 409, "reference"},
		{"unknown field", "admin", "POST", "/api/v1/shipments", `{"reference":"B5","ship":"yes"}`, 400, ""},
		{"viewer may not create", "viewer", "POST", "/api/v1/shipments", shipmentBody, 403, ""},
		{"bad transition", "admin", "PATCH", "/api/v1/shipments/" + id, `{"status":"delivered"}`, 422, "status"},
		{"unknown status", "admin", "PATCH", "/api/v1/shipments/" + id, `{"status":"lost"}`, 422, "status"},
		{"bad edit", "admin", "PATCH", "/api/v1/shipments/" + id, `{"destination":"MX"}`, 422, "destination"},
		{"other org's shipment", "admin", "GET", "/api/v1/shipments/" + foreign.ID, "", 404, ""},
		{"other org's shipment edit", "admin", "PATCH", "/api/v1/shipments/" + foreign.ID, `{"status":"in_transit"}`, 404, ""},
		{"other org's timeline", "admin", "GET", "/api/v1/shipments/" + foreign.ID + "/timeline", "", 404, ""},
		{"bad filter", "admin", "GET", "/api/v1/shipments?origin=XX", "", 422, "origin"},
		{"unknown parameter", "admin", "GET", "/api/v1/shipments?colour=red", "", 400, "colour"},
		{"export: bad filter", "admin", "GET", "/api/v1/shipments/export?origin=XX", "", 422, "origin"},
		{"export: paging is not a filter", "admin", "GET", "/api/v1/shipments/export?limit=5", "", 400, "limit"},
	} {
		r := e.json(tc.role, tc.method, tc.path, tc.body)
		if r.status != tc.status || (tc.field != "" && errFields(r)[tc.field] == nil) {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
	}
	if _, n := e.counts(); n != audits {
		t.Errorf("bad input wrote %d audit entries", n-audits)
	}

	// Status changes along the allowed path; edits; the list and its filters.
	if r := e.json("admin", "PATCH", "/api/v1/shipments/"+id, `{"status":"in_transit","carrier":"Other Lines"}`); r.status != 200 || r.body["status"] != "in_transit" || r.body["carrier"] != "Other Lines" {
		t.Errorf("patch = %d %s", r.status, r.raw)
	}
	if r := e.json("viewer", "GET", "/api/v1/shipments?status=in_transit&origin=nlrtm&sort=-reference", ""); r.status != 200 || r.body["total"] != 1.0 {
		t.Errorf("list = %d %s", r.status, r.raw)
	}
	if r := e.json("viewer", "GET", "/api/v1/shipments?q=tghu", ""); r.status != 200 || r.body["total"] != 1.0 {
		t.Errorf("search by equipment = %d %s", r.status, r.raw)
	}
	// The export: CSV of the filtered list, equipment failing ISO 6346 named.
	if r := e.json("viewer", "GET", "/api/v1/shipments/export?equipment=TGHU1234560", ""); r.status != 200 ||
		!strings.HasPrefix(strings.TrimPrefix(r.raw, "\ufeff"), "id,reference,status,") || strings.Count(r.raw, "\n") != 2 || !strings.Contains(r.raw, ",HLX-1,in_transit,") {
		t.Errorf("export = %d %s", r.status, r.raw)
	}
	if r := e.json("viewer", "GET", "/api/v1/shipments/export?status=cancelled", ""); r.status != 200 || strings.Count(r.raw, "\n") != 1 {
		t.Errorf("export of no shipment = %d %s", r.status, r.raw)
	}
	if r := e.json("viewer", "GET", "/api/v1/shipments/"+id, ""); r.status != 200 || r.body["reference"] != "HLX-1" {
		t.Errorf("get = %d %s", r.status, r.raw)
	}
	r = e.json("viewer", "GET", "/api/v1/shipments/"+id+"/timeline", "")
	checks, _ := r.body["sealChecks"].([]any)
	if r.status != 200 || len(checks) != 2 || checks[0].(map[string]any)["status"] != "not_seen" || checks[1].(map[string]any)["status"] != "none_expected" {
		t.Errorf("timeline = %d %s", r.status, r.raw)
	}
	if r := e.json("admin", "PATCH", "/api/v1/shipments/"+id, `{"archived":true}`); r.status != 200 || r.body["archived"] != true {
		t.Errorf("archive = %d %s", r.status, r.raw)
	}
}
