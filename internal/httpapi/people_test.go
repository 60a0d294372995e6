package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// TestPeopleAPI walks the register through the API: records and their
// links, the rules as 422 with the field named and nothing stored, roles,
// isolation, the RACI and competence matrices and evidence files.
func TestPeopleAPI(t *testing.T) {
	e := setup(t)
	mustID := func(r result, what string) string {
		t.Helper()
		if r.status != 201 {
			t.Fatalf("create %s = %d %s", what, r.status, r.raw)
		}
		id, _ := r.body["id"].(string)
		return id
	}
	site := mustID(e.json("admin", "POST", "/api/v1/sites", `{"name":"Rotterdam","type":"warehouse","country":"NL","unlocode":"NLRTM"}`), "site")
	comp := mustID(e.json("admin", "POST", "/api/v1/competences", `{"name":"Seal handling"}`), "competence")
	role := mustID(e.json("admin", "POST", "/api/v1/security-roles", `{"name":"Seal custodian","per_site":true,"competence_ids":["`+comp+`"]}`), "role")
	person := mustID(e.json("admin", "POST", "/api/v1/people", `{"name":"Fatima El Amrani","site_ids":["`+site+`"]}`), "person")
	mustID(e.json("admin", "POST", "/api/v1/role-assignments", `{"role_id":"`+role+`","person_id":"`+person+`","site_id":"`+site+`","from":"2025-01-01"}`), "assignment")
	course := mustID(e.json("admin", "POST", "/api/v1/courses", `{"title":"Seal handling and VVTT","recurrence_months":24,"delivery":"classroom","competence_ids":["`+comp+`"]}`), "course")
	process := mustID(e.json("admin", "POST", "/api/v1/processes", `{"name":"Seal control"}`), "process")

	m := e.json("viewer", "GET", "/api/v1/competence-matrix?site_id="+site, "")
	if m.status != 200 || m.body["gaps"] != float64(1) {
		t.Fatalf("matrix = %d %s", m.status, m.raw)
	}
	_, auditBefore := e.counts()
	for _, tt := range []struct {
		name, method, path, body, field string
		status                          int
	}{
		{"expiry before completion", "POST", "/api/v1/training", `{"person_id":"` + person + `","course_id":"` + course + `","completed":"2026-02-01","expires":"2026-01-31","result":"passed"}`, "expires", 422},
		{"bad date", "POST", "/api/v1/training", `{"person_id":"` + person + `","course_id":"` + course + `","completed":"1 Feb 2026","result":"passed"}`, "completed", 422},
		{"assignment to before from", "POST", "/api/v1/role-assignments", `{"role_id":"` + role + `","person_id":"` + person + `","site_id":"` + site + `","from":"2026-02-01","to":"2026-01-01"}`, "to", 422},
		{"per-site role without site", "POST", "/api/v1/role-assignments", `{"role_id":"` + role + `","person_id":"` + person + `","from":"2026-02-01"}`, "site_id", 422},
		{"other organisation's site", "POST", "/api/v1/people", `{"name":"Eve","site_ids":["` + e.other + `"]}`, "site_ids", 422},
		{"second A", "PUT", "/api/v1/raci", `{"rows":{"` + process + `":{"` + role + `":"A","` + comp + `":"A"}}}`, "", 422},
		{"unknown field", "POST", "/api/v1/people", `{"name":"Eve","shoe_size":44}`, "shoe_size", 400},
		{"viewer cannot create", "POST", "/api/v1/competences", `{"name":"X"}`, "", 403},
		{"bad sort", "GET", "/api/v1/training?sort=shoe_size", ``, "sort", 422},
		{"bad expiry filter", "GET", "/api/v1/training?expiry=soon", ``, "expiry", 422},
		{"unknown parameter", "GET", "/api/v1/people?colour=red", ``, "colour", 400},
	} {
		role := "admin"
		if tt.status == 403 {
			role = "viewer"
		}
		r := e.json(role, tt.method, tt.path, tt.body)
		if r.status != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, r.status, tt.status, r.raw)
			continue
		}
		if tt.field != "" && errFields(r)[tt.field] == nil {
			t.Errorf("%s: field %s not named: %s", tt.name, tt.field, r.raw)
		}
	}
	if _, after := e.counts(); after != auditBefore {
		t.Errorf("refused requests wrote %d audit entries", after-auditBefore)
	}

	// A training record closes the gap; its expiry is derived.
	tr := e.json("admin", "POST", "/api/v1/training", `{"person_id":"`+person+`","course_id":"`+course+`","completed":"2026-01-10","result":"passed"}`)
	trID := mustID(tr, "training")
	if tr.body["expires"] != "2028-01-10" || tr.header.Get("Location") != "/api/v1/training/"+trID {
		t.Errorf("training = %s, location %q", tr.raw, tr.header.Get("Location"))
	}
	if m := e.json("viewer", "GET", "/api/v1/competence-matrix?site_id="+site, ""); m.body["gaps"] != float64(0) {
		t.Errorf("gap still there: %s", m.raw)
	}
	// Evidence: mislabelled and non-image uploads are refused; a PDF is kept.
	for _, up := range []struct{ typ, body, want string }{
		{"image/png", "%PDF-1.5\nx", bulkhead.FieldUploadLabel},
		{"text/html", "<html><body>x</body></html>", bulkhead.FieldUploadType},
	} {
		r := e.do("admin", "PUT", "/api/v1/training/"+trID+"/evidence?filename=x", up.typ, up.body)
		if r.status != 422 || errFields(r)["evidence_file"] == nil {
			t.Errorf("upload %s: %d %s", up.typ, r.status, r.raw)
		}
	}
	big := "%PDF-1.5\n" + strings.Repeat("x", bulkhead.MaxEvidenceBytes)
	if r := e.do("admin", "PUT", "/api/v1/training/"+trID+"/evidence", "application/pdf", big); r.status != 422 {
		t.Errorf("oversized upload = %d %s", r.status, r.raw)
	}
	r := e.do("admin", "PUT", "/api/v1/training/"+trID+"/evidence?filename=cert.pdf", "application/pdf", "%PDF-1.5\nhello")
	if r.status != 200 || r.body["evidence_file_name"] != "cert.pdf" {
		t.Fatalf("upload = %d %s", r.status, r.raw)
	}
	ev := e.do("viewer", "GET", "/api/v1/training/"+trID+"/evidence", "", "")
	if ev.status != 200 || ev.raw != "%PDF-1.5\nhello" || ev.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(ev.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download = %d %q %v", ev.status, ev.raw, ev.header)
	}

	// RACI round trip.
	if r := e.json("admin", "PUT", "/api/v1/raci", `{"rows":{"`+process+`":{"`+role+`":"A"}}}`); r.status != 200 || !strings.Contains(r.raw, `"A"`) {
		t.Errorf("raci = %d %s", r.status, r.raw)
	}
	// Lists, paging, exports, archive and restore.
	for i := range 3 {
		mustID(e.json("admin", "POST", "/api/v1/people", fmt.Sprintf(`{"name":"Person %d","employer":"SecuriGuard"}`, i)), "person")
	}
	l := e.json("viewer", "GET", "/api/v1/people?employer=securi&limit=2&sort=-name", "")
	if l.status != 200 || l.body["total"] != float64(3) || l.body["next_offset"] != float64(2) {
		t.Errorf("people list = %s", l.raw)
	}
	if items, _ := l.body["items"].([]any); len(items) != 2 || items[0].(map[string]any)["name"] != "Person 2" {
		t.Errorf("people page = %v", l.body["items"])
	}
	csv := e.do("viewer", "GET", "/api/v1/training/export?expiry=valid", "", "")
	if csv.status != 200 || !strings.Contains(csv.raw, "Fatima El Amrani") || !strings.Contains(csv.raw, "cert.pdf") {
		t.Errorf("training export = %d %s", csv.status, csv.raw)
	}
	if r := e.json("admin", "POST", "/api/v1/people/"+person+"/archive", ""); r.status != 200 || r.body["archived_at"] == nil {
		t.Errorf("archive = %s", r.raw)
	}
	if r := e.json("admin", "PATCH", "/api/v1/people/"+person, `{"notes":"x"}`); r.status != 409 {
		t.Errorf("edit archived = %d", r.status)
	}
	if r := e.json("admin", "POST", "/api/v1/people/"+person+"/restore", ""); r.status != 200 || r.body["archived_at"] != nil {
		t.Errorf("restore = %s", r.raw)
	}
	// Another organisation's records are not found.
	other, _ := e.svc.Store().OrganizationBySlug(ctx, "two")
	op, err := e.svc.CreatePerson(ctx, service.SystemActor(other.ID, "t"), bulkhead.PersonInput{Name: ptr("Other")})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.json("admin", "GET", "/api/v1/people/"+op.ID, ""); r.status != 404 {
		t.Errorf("other organisation's person = %d", r.status)
	}
	if r := e.json("admin", "PATCH", "/api/v1/people/"+op.ID, `{"name":"Mine"}`); r.status != 404 {
		t.Errorf("edit other organisation's person = %d", r.status)
	}
}
