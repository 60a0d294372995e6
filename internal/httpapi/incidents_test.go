package httpapi_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// incidentBody is a valid incident as JSON, an hour or so old.
func incidentBody(extra string) string {
	now := time.Now().UTC()
	s := `{"type":"cargo_theft","severity":"high","title":"Pallet missing","occurred_at":"` + now.Add(-3*time.Hour).Format(time.RFC3339) +
		`","detected_at":"` + now.Add(-2*time.Hour).Format(time.RFC3339) + `","reported_at":"` + now.Add(-time.Hour).Format(time.RFC3339) +
		`","loss":"1250.00","currency":"EUR","latitude":51.37,"longitude":6.17`
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

func (e *env) incidentCounts() (int, int64) {
	e.t.Helper()
	_, n, err := e.svc.Store().Incidents(ctx, bulkhead.IncidentFilter{OrgID: e.org.ID, Sort: bulkhead.IncidentSortOccurred, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	h, _ := e.svc.Store().AuditHead(ctx, e.org.ID)
	return n, h.Seq
}

func TestIncidentBadInputWritesNothing(t *testing.T) {
	e := setup(t)
	created := e.json("admin", "POST", "/api/v1/incidents", incidentBody(""))
	if created.status != 201 {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	id := created.body["id"].(string)
	tests := []struct {
		name, role, method, path, ctype, body string
		status                                int
		code                                  string
		fields                                []string
	}{
		{"detected before occurred", "admin", "POST", "/api/v1/incidents", "application/json",
			incidentBody(`"detected_at":"2001-01-01T00:00:00Z"`), 422, "invalid", []string{"detected_at"}},
		{"negative loss and unknown currency", "admin", "POST", "/api/v1/incidents", "application/json",
			strings.Replace(strings.Replace(incidentBody(""), `"1250.00"`, `"-1"`, 1), `"EUR"`, `"EUX"`, 1), 422, "invalid", []string{"currency", "loss"}},
		{"missing everything", "admin", "POST", "/api/v1/incidents", "application/json", `{}`, 422, "invalid",
			[]string{"detected_at", "occurred_at", "severity", "title", "type"}},
		{"unknown field", "admin", "POST", "/api/v1/incidents", "application/json", incidentBody(`"colour":"red"`), 400, "bad_request", []string{"colour"}},
		{"viewer may not record", "viewer", "POST", "/api/v1/incidents", "application/json", incidentBody(""), 403, "forbidden", nil},
		{"close without root cause", "admin", "POST", "/api/v1/incidents/" + id + "/status", "application/json", `{"status":"closed"}`, 422, "invalid", []string{"root_cause"}},
		{"backwards", "admin", "POST", "/api/v1/incidents/" + id + "/status", "application/json", `{"status":"draft"}`, 409, "conflict", []string{"status"}},
		{"bad filter", "admin", "GET", "/api/v1/incidents?severity=extreme", "", "", 422, "invalid", []string{"severity"}},
		{"bad date filter", "admin", "GET", "/api/v1/incidents?from=last+week", "", "", 400, "bad_request", []string{"from"}},
		{"bad stats month", "admin", "GET", "/api/v1/incidents/stats?from=2025-13", "", "", 400, "bad_request", []string{"from"}},
		{"import wrong columns", "admin", "POST", "/api/v1/incidents/import?mode=commit", "text/csv", "a,b\n1,2\n", 422, "invalid", []string{"file"}},
		{"viewer may not import", "viewer", "POST", "/api/v1/incidents/import", "text/csv", "a\n", 403, "forbidden", nil},
		{"bad rule", "admin", "PUT", "/api/v1/incidents/rules", "application/json", `{"rules":[{"recipient":"press","hours":1}]}`, 422, "invalid", []string{"recipient"}},
		{"link kind", "admin", "POST", "/api/v1/incidents/" + id + "/links", "application/json", `{"kind":"planet","ref_id":"x"}`, 422, "invalid", []string{"kind"}},
		{"action without owner", "admin", "POST", "/api/v1/incidents/" + id + "/actions", "application/json", `{"title":"x","due":"2026-01-01"}`, 422, "invalid", []string{"owner_id"}},
		{"empty evidence", "admin", "POST", "/api/v1/incidents/" + id + "/evidence?name=a.txt", "application/octet-stream", "", 422, "invalid", []string{"file"}},
		{"no such notification", "admin", "POST", "/api/v1/incidents/" + id + "/notifications/nope/sent", "application/json", `{}`, 404, "not_found", nil},
		{"unknown incident", "admin", "GET", "/api/v1/incidents/" + bulkhead.NewID(), "", "", 404, "not_found", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, entries := e.incidentCounts()
			r := e.do(tt.role, tt.method, tt.path, tt.ctype, tt.body)
			if r.status != tt.status || errCode(r) != tt.code {
				t.Errorf("got %d %s, want %d %s", r.status, r.raw, tt.status, tt.code)
			}
			var fields []string
			for f, msg := range errFields(r) {
				fields = append(fields, f)
				if s, _ := msg.(string); s == "" || strings.HasPrefix(s, "err.") {
					t.Errorf("field %s has no readable message: %v", f, msg)
				}
			}
			sort.Strings(fields)
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if n2, e2 := e.incidentCounts(); n2 != n || e2 != entries {
				t.Errorf("a failed request wrote: incidents %d → %d, audit entries %d → %d", n, n2, entries, e2)
			}
		})
	}
}

func TestIncidentLifecycleAPI(t *testing.T) {
	e := setup(t)
	r := e.json("admin", "POST", "/api/v1/incidents", incidentBody(`"lane":"Venlo → Milan"`))
	if r.status != 201 || r.header.Get("Location") == "" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	notes := r.body["notifications"].([]any)
	if len(notes) != 3 {
		t.Fatalf("owed notifications = %v", notes)
	}
	var police string
	for _, n := range notes {
		m := n.(map[string]any)
		if m["recipient"] == "police" {
			police = m["id"].(string)
			if m["overdue"] != true {
				t.Errorf("police notification due 2 h after detection is not overdue: %v", m)
			}
		}
	}
	steps := []struct {
		method, path, ctype, body string
		status                    int
	}{
		{"POST", "/api/v1/incidents/" + id + "/notifications/" + police + "/sent", "application/json", `{"reference":"PV-1"}`, 200},
		{"POST", "/api/v1/incidents/" + id + "/status", "application/json", `{"status":"triaged","note":"seen"}`, 200},
		{"POST", "/api/v1/incidents/" + id + "/notes", "application/json", `{"body":"CCTV requested"}`, 201},
		{"POST", "/api/v1/incidents/" + id + "/links", "application/json", `{"kind":"risk","ref_id":"R-7","label":"Night theft"}`, 201},
		{"POST", "/api/v1/incidents/" + id + "/evidence?name=note.txt", "application/octet-stream", "seal photo placeholder", 201},
		{"PATCH", "/api/v1/incidents/" + id, "application/json", `{"root_cause":"Badge of a leaver still active","cause_category":"process","rca_method":"cause_categories"}`, 200},
		{"POST", "/api/v1/incidents/" + id + "/status", "application/json", `{"status":"closed"}`, 200},
		{"PUT", "/api/v1/incidents/rules", "application/json", `{"rules":[{"type":"seal_tampering","recipient":"customs","hours":24}]}`, 200},
	}
	for _, s := range steps {
		if r := e.do("admin", s.method, s.path, s.ctype, s.body); r.status != s.status {
			t.Fatalf("%s %s: %d %s", s.method, s.path, r.status, r.raw)
		}
	}
	r = e.json("admin", "GET", "/api/v1/incidents/"+id, "")
	if r.body["status"] != "closed" || len(r.body["links"].([]any)) != 1 || len(r.body["evidence"].([]any)) != 1 {
		t.Fatalf("record: %s", r.raw)
	}
	ev := r.body["evidence"].([]any)[0].(map[string]any)
	if ev["content_type"] != "text/plain; charset=utf-8" || len(ev["sha256"].(string)) != 64 {
		t.Errorf("evidence = %v", ev)
	}
	file := e.do("viewer", "GET", "/api/v1/incidents/"+id+"/evidence/"+ev["id"].(string), "", "")
	if file.status != 200 || file.raw != "seal photo placeholder" || !strings.HasPrefix(file.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %q %v", file.status, file.raw, file.header)
	}
	list := e.json("viewer", "GET", "/api/v1/incidents?type=cargo_theft&status=closed&q=pallet&sort=-loss", "")
	if list.status != 200 || list.body["total"] != 1.0 {
		t.Errorf("list: %s", list.raw)
	}
	st := e.json("viewer", "GET", "/api/v1/incidents/stats", "")
	if st.status != 200 || st.body["total"] != 1.0 || st.body["losses"].(map[string]any)["EUR"] != "1250.00" || len(st.body["by_month"].([]any)) != 12 {
		t.Errorf("stats: %s", st.raw)
	}
	csv := e.do("viewer", "GET", "/api/v1/incidents/export", "", "")
	if csv.status != 200 || !strings.Contains(csv.raw, "Pallet missing") || !strings.Contains(csv.raw, "Venlo → Milan") {
		t.Errorf("csv export: %d %s", csv.status, csv.raw)
	}
	xlsx := e.do("viewer", "GET", "/api/v1/incidents/export?format=xlsx", "", "")
	if xlsx.status != 200 || !strings.HasPrefix(xlsx.raw, "PK") {
		t.Errorf("xlsx export: %d", xlsx.status)
	}
	// The export reads back as the import's own format.
	imp := e.do("admin", "POST", "/api/v1/incidents/import", "text/csv", csv.raw)
	if imp.status != 200 || imp.body["good"] != 1.0 || imp.body["committed"] != false {
		t.Errorf("preview own export: %s", imp.raw)
	}
	imp = e.do("admin", "POST", "/api/v1/incidents/import?mode=commit", "text/csv", csv.raw)
	if imp.status != http.StatusCreated || imp.body["imported"] != 1.0 {
		t.Errorf("commit own export: %s", imp.raw)
	}
	var rules struct {
		Rules   []map[string]any `json:"rules"`
		Default bool             `json:"default"`
	}
	json.Unmarshal([]byte(e.json("viewer", "GET", "/api/v1/incidents/rules", "").raw), &rules)
	if rules.Default || len(rules.Rules) != 1 {
		t.Errorf("rules = %+v", rules)
	}
}
