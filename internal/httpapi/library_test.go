package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const isoLibURN = "urn:bulkhead:risk:library:iso28000-2022"

// libraryID finds a library by URN through the API.
func (e *env) libraryID(urn string) string {
	e.t.Helper()
	r := e.do("viewer", "GET", "/api/v1/libraries", "", "")
	if r.status != http.StatusOK {
		e.t.Fatalf("list libraries: %d %s", r.status, r.raw)
	}
	for _, it := range r.body["items"].([]any) {
		m := it.(map[string]any)
		if m["urn"] == urn {
			return m["id"].(string)
		}
	}
	e.t.Fatalf("library %s not listed", urn)
	return ""
}

const apiMini = `urn: urn:acme:risk:library:api
locale: en
ref_id: API
name: API framework
description: Test.
version: 1
provider: Acme
packager: acme
objects:
  framework:
    urn: urn:acme:risk:framework:api
    ref_id: API
    name: API
    requirement_nodes:
    - urn: urn:acme:risk:req_node:api:1
      assessable: true
      depth: 1
      ref_id: "1"
      name: One
`

func TestLibraryAPI(t *testing.T) {
	e := setup(t)
	iso := e.libraryID(isoLibURN)
	r := e.do("viewer", "GET", "/api/v1/libraries/"+iso, "", "")
	if r.status != 200 || len(r.body["requirements"].([]any)) != 63 {
		t.Fatalf("get library: %d", r.status)
	}
	// Clause 10.1 lists its harmonized-structure counterparts, numbered as
	// each edition numbers continual improvement.
	var refs []string
	for _, n := range r.body["requirements"].([]any) {
		n := n.(map[string]any)
		if n["ref_id"] != "10.1" {
			continue
		}
		cs, _ := n["harmonized_counterparts"].([]any)
		for _, c := range cs {
			c := c.(map[string]any)
			refs = append(refs, c["ref_id"].(string)+" "+c["relationship"].(string))
		}
	}
	if got := strings.Join(refs, ","); got != "10.3 equal,10.2 equal,10.3 equal,10.3 equal,10.1 equal" {
		t.Errorf("ISO 28000 10.1 counterparts: %s", got)
	}
	_, before := e.counts()
	tests := []struct {
		name, role, method, path, ctype, body string
		status                                int
		want                                  string
	}{
		{"no token", "", "GET", "/api/v1/libraries", "", "", 401, ""},
		{"viewer cannot import", "viewer", "POST", "/api/v1/libraries/import", "application/yaml", apiMini, 403, ""},
		{"malformed YAML names the line", "admin", "POST", "/api/v1/libraries/import?file=x.yaml", "application/yaml", "urn: [\n", 422, "x.yaml: line 1"},
		{"dry run stores nothing", "admin", "POST", "/api/v1/libraries/import?dry_run=true", "application/yaml", apiMini, 200, `"added":["1"]`},
		{"unknown library", "viewer", "GET", "/api/v1/libraries/nope", "", "", 404, ""},
		{"bad export format", "viewer", "GET", "/api/v1/libraries/" + iso + "/export?format=pdf", "", "", 422, ""},
		{"sheet bad parent", "admin", "POST", "/api/v1/libraries/" + iso + "/sheet?file=s.csv&dry_run=1", "text/csv", "ref_id,parent,title\n11,99,X\n", 422, "s.csv: row 2 (ref 11): parent 99 does not exist"},
		{"sheet bad mode", "admin", "POST", "/api/v1/libraries/" + iso + "/sheet?mode=merge", "text/csv", "ref_id,title\n11,X\n", 422, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.role, tt.method, tt.path, tt.ctype, tt.body)
			if r.status != tt.status || !strings.Contains(r.raw, tt.want) {
				t.Fatalf("got %d %s, want %d containing %q", r.status, r.raw, tt.status, tt.want)
			}
		})
	}
	if _, after := e.counts(); after != before {
		t.Errorf("audit moved from %d to %d", before, after)
	}
	r = e.do("admin", "POST", "/api/v1/libraries/import?file=api.yaml", "application/yaml", apiMini)
	if r.status != 201 || r.body["node_count"].(float64) != 1 {
		t.Fatalf("import: %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	r = e.do("viewer", "GET", "/api/v1/libraries/"+id+"/export?format=ciso-assistant", "", "")
	if r.status != 200 || r.raw != apiMini {
		t.Errorf("export differs from import:\n%s", r.raw)
	}
	r = e.do("admin", "POST", "/api/v1/libraries/import", "application/yaml", apiMini)
	if r.status != 422 || !strings.Contains(r.raw, "not newer") {
		t.Errorf("same version again: %d %s", r.status, r.raw)
	}
	r = e.do("viewer", "GET", "/api/v1/libraries/"+iso+"/export?format=oscal", "", "")
	if r.status != 200 || !strings.Contains(r.raw, `"catalog"`) {
		t.Errorf("OSCAL export: %d", r.status)
	}
}

func TestAssessmentAPI(t *testing.T) {
	e := setup(t)
	iso := e.libraryID(isoLibURN)
	r := e.json("viewer", "POST", "/api/v1/assessments", `{"library_id":"`+iso+`","name":"x"}`)
	if r.status != 403 {
		t.Fatalf("viewer create: %d", r.status)
	}
	for _, tt := range []struct {
		body, field string
		status      int
	}{
		{`{"library_id":"` + iso + `"}`, "name", 422},
		{`{"name":"x"}`, "library_id", 422},
		{`{"library_id":"` + iso + `","name":"x","colour":"red"}`, "colour", 400},
		{`{"library_id":"` + iso + `","name":"x","site_ids":["` + e.other + `"]}`, "site_ids", 422},
	} {
		r := e.json("admin", "POST", "/api/v1/assessments", tt.body)
		if r.status != tt.status || errFields(r)[tt.field] == nil {
			t.Errorf("%s: %d %s", tt.body, r.status, r.raw)
		}
	}
	r = e.json("admin", "POST", "/api/v1/assessments", `{"library_id":"`+iso+`","name":"Gap 2026"}`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	x := r.body["id"].(string)
	node := "urn:bulkhead:risk:req_node:iso28000-2022:4.3"
	r = e.json("admin", "POST", "/api/v1/assessments/"+x+"/answers", `{"node_urn":"`+node+`","status":"not_applicable"}`)
	if r.status != 422 || errFields(r)["justification"] == nil {
		t.Errorf("n/a without justification: %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/assessments/"+x+"/answers", `{"node_urn":"`+node+`","status":"not_applicable","justification":"One site"}`)
	if r.status != 200 {
		t.Fatalf("answer: %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/assessments/"+x+"/answers", `{"node_urn":"urn:bulkhead:risk:req_node:iso28000-2022:6.1.2","status":"non_compliant"}`)
	if r.status != 200 {
		t.Fatalf("answer: %d %s", r.status, r.raw)
	}
	r = e.do("viewer", "GET", "/api/v1/assessments/"+x, "", "")
	rd := r.body["readiness"].(map[string]any)
	if r.status != 200 || rd["assessed"].(float64) != 2 || rd["gaps"].(float64) != 1 {
		t.Errorf("readiness: %v", rd)
	}
	// Its rows carry the harmonized-structure counterparts, as the page does.
	found := false
	for _, row := range r.body["requirements"].([]any) {
		row := row.(map[string]any)
		if row["ref_id"] == "9.2.1" {
			cs, _ := row["harmonized_counterparts"].([]any)
			found = len(cs) == 5
		}
	}
	if !found {
		t.Errorf("assessment row 9.2.1 lacks its five harmonized-structure counterparts")
	}
	r = e.do("viewer", "GET", "/api/v1/assessments/"+x+"/soa?format=csv", "", "")
	if r.status != 200 || !strings.Contains(r.raw, "4.3,Determining the scope of the security management system,no,One site") {
		t.Errorf("SoA CSV: %d %s", r.status, r.raw)
	}
	// Evidence upload as raw bytes, download with the same bytes.
	q := url.Values{"node_urn": {node}, "name": {"scope.txt"}, "valid_until": {"2030-01-01"}}
	r = e.do("admin", "POST", "/api/v1/assessments/"+x+"/evidence?"+q.Encode(), "text/plain", "scope v1")
	if r.status != 201 || r.body["sha256"] == "" {
		t.Fatalf("evidence: %d %s", r.status, r.raw)
	}
	ev := r.body["id"].(string)
	r = e.do("viewer", "GET", "/api/v1/evidence/"+ev, "", "")
	if r.status != 200 || r.raw != "scope v1" || r.header.Get("Content-Disposition") == "" {
		t.Errorf("download: %d %q", r.status, r.raw)
	}
	r = e.do("admin", "POST", "/api/v1/assessments/"+x+"/evidence?node_urn="+url.QueryEscape(node)+"&name=a&valid_until=soon", "text/plain", "x")
	if r.status != 422 || errFields(r)["valid_until"] == nil {
		t.Errorf("bad date: %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/assessments/"+x+"/actions", `{"node_urn":"urn:bulkhead:risk:req_node:iso28000-2022:6.1.2","title":"Method","owner_id":"nobody"}`)
	if r.status != 422 || errFields(r)["owner_id"] == nil {
		t.Errorf("action with unknown owner: %d %s", r.status, r.raw)
	}
	for _, f := range []string{"oscal-ar", "oscal-poam"} {
		r = e.do("viewer", "GET", "/api/v1/assessments/"+x+"/export?format="+f, "", "")
		if r.status != 200 || r.body["assessment-results"] == nil && r.body["plan-of-action-and-milestones"] == nil {
			t.Errorf("%s: %d", f, r.status)
		}
	}
	r = e.json("admin", "PATCH", "/api/v1/assessments/"+x, `{"status":"closed"}`)
	if r.status != 200 || r.body["status"] != "closed" {
		t.Errorf("close: %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/assessments/"+x+"/answers", `{"node_urn":"`+node+`","status":"compliant"}`)
	if r.status != 409 {
		t.Errorf("answer on closed: %d", r.status)
	}
	r = e.do("admin", "DELETE", "/api/v1/evidence/"+ev, "", "")
	if r.status != 204 {
		t.Errorf("delete evidence: %d", r.status)
	}
}
