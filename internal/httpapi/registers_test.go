package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// auditSeq returns the organisation's audit head.
func (e *env) auditSeq() int64 {
	e.t.Helper()
	h, err := e.svc.Store().AuditHead(ctx, e.org.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return h.Seq
}

// TestRegisterAPI walks each register through the API: creation, field
// errors that store nothing, reads, paging, exports, archive and restore.
func TestRegisterAPI(t *testing.T) {
	e := setup(t)
	me := e.json("admin", "GET", "/api/v1/me", "")
	adminID := me.body["user"].(map[string]any)["id"].(string)
	created := e.json("admin", "POST", "/api/v1/changes", `{"title":"Move gate","description":"East entrance"}`)
	if created.status != http.StatusCreated {
		t.Fatalf("create change: %d %s", created.status, created.raw)
	}
	changeID := created.body["id"].(string)
	party := e.json("admin", "POST", "/api/v1/parties", `{"type":"insurer","name":"Cargo insurer"}`)
	partyID, _ := party.body["id"].(string)
	obj := e.json("admin", "POST", "/api/v1/objectives", `{"statement":"Fewer thefts","measure":"Thefts","target":4,"current":3,"start_date":"2026-01-01","due_date":"2026-12-31"}`)
	if obj.status != http.StatusCreated || obj.body["progress_percent"] != 75.0 {
		t.Fatalf("create objective: %d %s", obj.status, obj.raw)
	}
	objID := obj.body["id"].(string)

	tests := []struct {
		name, role, method, path, body string
		status                         int
		fields                         []string // fields named in the error
	}{
		{"issue", "admin", "POST", "/api/v1/context-issues", `{"origin":"external","category":"supply_chain","title":"Cargo theft","review_date":"2026-09-01"}`, 201, nil},
		{"issue: unknown category", "admin", "POST", "/api/v1/context-issues", `{"origin":"external","category":"weather","title":"Storms"}`, 422, []string{"category"}},
		{"issue: missing fields", "admin", "POST", "/api/v1/context-issues", `{"review_date":"2026-02-30"}`, 422, []string{"category", "origin", "review_date", "title"}},
		{"issue: viewer", "viewer", "POST", "/api/v1/context-issues", `{"origin":"external","category":"legal","title":"x"}`, 403, nil},
		{"issue: unknown field", "admin", "POST", "/api/v1/context-issues", `{"title":"x","colour":"red"}`, 400, []string{"colour"}},
		{"legal", "admin", "POST", "/api/v1/legal-requirements", `{"title":"UCC AEO","jurisdiction":"EU","owner_id":"` + adminID + `","last_review":"2025-01-01","next_review":"2026-01-01"}`, 201, nil},
		{"legal: review dates out of order", "admin", "POST", "/api/v1/legal-requirements", `{"title":"x","jurisdiction":"EU","last_review":"2026-01-01","next_review":"2025-12-31"}`, 422, []string{"next_review"}},
		{"legal: site of another organisation", "admin", "POST", "/api/v1/legal-requirements", `{"title":"x","jurisdiction":"EU","site_ids":["` + e.other + `"]}`, 422, []string{"site_ids"}},
		{"legal: owner not a member", "admin", "POST", "/api/v1/legal-requirements", `{"title":"x","jurisdiction":"EU","owner_id":"` + bulkhead.NewID() + `"}`, 422, []string{"owner_id"}},
		{"legal: unknown compliance", "admin", "POST", "/api/v1/legal-requirements", `{"title":"x","jurisdiction":"EU","compliance":"mostly"}`, 422, []string{"compliance"}},
		{"objective: due before start", "admin", "POST", "/api/v1/objectives", `{"statement":"x","measure":"m","target":1,"start_date":"2026-05-01","due_date":"2026-04-30"}`, 422, []string{"due_date"}},
		{"objective: target not a number", "admin", "POST", "/api/v1/objectives", `{"statement":"x","measure":"m","target":"ten"}`, 400, []string{"target"}},
		{"objective: clear current", "admin", "PATCH", "/api/v1/objectives/" + objID, `{"current":null}`, 200, nil},
		{"objective action", "admin", "POST", "/api/v1/objectives/" + objID + "/actions", `{"description":"Contract parking","owner_id":"` + adminID + `","due_date":"2026-03-01"}`, 201, nil},
		{"objective action: unknown status", "admin", "POST", "/api/v1/objectives/" + objID + "/actions", `{"description":"x","status":"blocked"}`, 422, []string{"status"}},
		{"requirement: addressed without how", "admin", "POST", "/api/v1/parties/" + partyID + "/requirements", `{"source":"contractual","description":"Secured parking","addressed":true}`, 422, []string{"how"}},
		{"requirement: unknown party", "admin", "POST", "/api/v1/parties/" + bulkhead.NewID() + "/requirements", `{"source":"legal","description":"x"}`, 404, nil},
		{"requirement", "admin", "POST", "/api/v1/parties/" + partyID + "/requirements", `{"source":"legal","description":"AEO criteria","addressed":true,"how":"Self-assessment"}`, 201, nil},
		{"change: approved by its requester", "admin", "POST", "/api/v1/changes/" + changeID + "/approve", ``, 422, []string{"approved_by"}},
		{"change: approved through an edit", "admin", "PATCH", "/api/v1/changes/" + changeID, `{"status":"approved"}`, 422, []string{"status"}},
		{"change: implemented before approval", "admin", "PATCH", "/api/v1/changes/" + changeID, `{"status":"implemented"}`, 422, []string{"status"}},
		{"change: risk reviewed without reviewer", "admin", "PATCH", "/api/v1/changes/" + changeID, `{"risk_reviewed":true}`, 422, []string{"reviewer_id", "risk_review"}},
		{"change: viewer may not decide", "viewer", "POST", "/api/v1/changes/" + changeID + "/reject", ``, 403, nil},
		{"communication", "admin", "POST", "/api/v1/communications", `{"topic":"Shift briefing","frequency":"daily","audience":"Dock staff","channel":"briefing","communicator_id":"` + adminID + `","direction":"internal"}`, 201, nil},
		{"communication: missing communicator", "admin", "POST", "/api/v1/communications", `{"topic":"x","frequency":"daily","audience":"a","channel":"fax","direction":"inbound"}`, 422, []string{"channel", "communicator_id", "direction"}},
		{"list: bad sort", "admin", "GET", "/api/v1/context-issues?sort=colour", ``, 422, []string{"sort"}},
		{"list: unknown parameter", "admin", "GET", "/api/v1/legal-requirements?colour=red", ``, 400, []string{"colour"}},
		{"get: unknown", "admin", "GET", "/api/v1/changes/" + bulkhead.NewID(), ``, 404, nil},
		{"tasks", "viewer", "GET", "/api/v1/tasks", ``, 200, nil},
		{"coverage", "admin", "GET", "/api/v1/coverage", ``, 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.auditSeq()
			r := e.json(tt.role, tt.method, tt.path, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.raw)
			}
			var got []string
			for f := range errFields(r) {
				got = append(got, f)
			}
			if strings.Join(sorted(got), ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields %v, want %v (%s)", sorted(got), tt.fields, r.raw)
			}
			if after := e.auditSeq(); tt.status >= 400 && after != before {
				t.Errorf("a refused request wrote %d audit entries", after-before)
			}
			if tt.status == 201 && !strings.HasPrefix(r.header.Get("Location"), "/api/v1/") {
				t.Errorf("Location = %q", r.header.Get("Location"))
			}
		})
	}
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

// TestRegisterAPIListExportArchive pages, sorts, searches and exports a
// register, then archives and restores one record.
func TestRegisterAPIListExportArchive(t *testing.T) {
	e := setup(t)
	var ids []string
	for i := range 7 {
		r := e.json("admin", "POST", "/api/v1/context-issues", fmt.Sprintf(`{"origin":"internal","category":"economic","title":"Issue %d","effect":"=cmd"}`, i))
		if r.status != 201 {
			t.Fatalf("create: %s", r.raw)
		}
		ids = append(ids, r.body["id"].(string))
	}
	page := e.json("viewer", "GET", "/api/v1/context-issues?sort=-title&limit=3&offset=3", "")
	items, _ := page.body["items"].([]any)
	if page.status != 200 || len(items) != 3 || page.body["total"] != 7.0 || page.body["next_offset"] != 6.0 {
		t.Fatalf("page: %s", page.raw)
	}
	if first := items[0].(map[string]any)["title"]; first != "Issue 3" {
		t.Errorf("first of the page = %v, want Issue 3", first)
	}
	if r := e.json("viewer", "GET", "/api/v1/context-issues?q=ISSUE%205", ""); r.body["total"] != 1.0 {
		t.Errorf("search: %s", r.raw)
	}
	csv := e.do("viewer", "GET", "/api/v1/context-issues/export?sort=title", "", "")
	if csv.status != 200 || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", csv.status, csv.raw)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv.raw, "\ufeff")), "\n")
	if len(lines) != 8 || !strings.HasPrefix(lines[0], "id,origin,category,title") || !strings.Contains(lines[1], "'=cmd") {
		t.Errorf("export lines = %q", lines[:2])
	}
	r := e.json("admin", "POST", "/api/v1/context-issues/"+ids[0]+"/archive", "")
	if r.status != 200 || r.body["archived_at"] == nil {
		t.Fatalf("archive: %s", r.raw)
	}
	if r := e.json("admin", "PATCH", "/api/v1/context-issues/"+ids[0], `{"title":"x"}`); r.status != http.StatusConflict {
		t.Errorf("edit archived: %d", r.status)
	}
	if r := e.json("admin", "GET", "/api/v1/context-issues?status=archived", ""); r.body["total"] != 1.0 {
		t.Errorf("archived list: %s", r.raw)
	}
	if r := e.json("admin", "POST", "/api/v1/context-issues/"+ids[0]+"/restore", ""); r.status != 200 || r.body["archived_at"] != nil {
		t.Errorf("restore: %s", r.raw)
	}
}
