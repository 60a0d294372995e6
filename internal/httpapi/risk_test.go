package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// riskSetup gives the organisation a site, a threat, an assessment and a
// quantitative scenario through the API.
func riskSetup(t *testing.T, e *env) (site, threat, assessment, scenario string) {
	t.Helper()
	r := e.json("admin", "POST", "/api/v1/sites", `{"name":"Venlo DC","type":"distribution_centre","country":"NL"}`)
	if r.status != 201 {
		t.Fatalf("site: %d %s", r.status, r.raw)
	}
	site = r.body["id"].(string)
	r = e.json("admin", "POST", "/api/v1/risk/threats", `{"ref":"T-1","name":"Cargo theft","family":"cargo"}`)
	if r.status != 201 {
		t.Fatalf("threat: %d %s", r.status, r.raw)
	}
	threat = r.body["id"].(string)
	r = e.json("admin", "POST", "/api/v1/risk/assessments", `{"title":"Venlo","method":"fair","date":"2026-03-01","site_id":"`+site+`"}`)
	if r.status != 201 {
		t.Fatalf("assessment: %d %s", r.status, r.raw)
	}
	assessment = r.body["id"].(string)
	r = e.json("admin", "POST", "/api/v1/risk/scenarios", fmt.Sprintf(`{"assessment_id":%q,"threat_id":%q,"target_type":"site","target_id":%q,"title":"Dock theft",
		"inherent":{"likelihood":5,"consequence":4},"residual":{"likelihood":4,"consequence":4},
		"fair":{"tef":{"type":"poisson","mean":3},"vulnerability":{"type":"constant","value":0.3},"primary_loss":{"type":"lognormal","low":1000,"high":90000}}}`, assessment, threat, site))
	if r.status != 201 {
		t.Fatalf("scenario: %d %s", r.status, r.raw)
	}
	scenario = r.body["id"].(string)
	return site, threat, assessment, scenario
}

func TestRiskAPI(t *testing.T) {
	e := setup(t)
	site, threat, assessment, scenario := riskSetup(t, e)

	tests := []struct {
		name, role, method, path, body string
		status                         int
		field                          string // a field the error must name
	}{
		{"list threats", "viewer", "GET", "/api/v1/risk/threats", "", 200, ""},
		{"viewer cannot add a threat", "viewer", "POST", "/api/v1/risk/threats", `{"name":"x","family":"cargo"}`, 403, ""},
		{"unknown family", "admin", "POST", "/api/v1/risk/threats", `{"name":"x","family":"weather"}`, 422, "family"},
		{"taken reference", "admin", "POST", "/api/v1/risk/threats", `{"ref":"T-1","name":"x","family":"cargo"}`, 409, "ref"},
		{"unknown field", "admin", "POST", "/api/v1/risk/threats", `{"name":"x","family":"cargo","colour":"red"}`, 400, "colour"},
		{"rating outside the matrix", "admin", "PATCH", "/api/v1/risk/scenarios/" + scenario, `{"residual":{"likelihood":6,"consequence":1}}`, 422, "residual"},
		{"PERT mode above max", "admin", "PATCH", "/api/v1/risk/scenarios/" + scenario,
			`{"fair":{"tef":{"type":"pert_vose","min":1,"mode":9,"max":5},"vulnerability":{"type":"constant","value":0.3},"primary_loss":{"type":"constant","value":10}}}`, 422, "fair.tef.mode"},
		{"moving a scenario", "admin", "PATCH", "/api/v1/risk/scenarios/" + scenario, `{"assessment_id":"x"}`, 422, "assessment_id"},
		{"bad date", "admin", "PATCH", "/api/v1/risk/assessments/" + assessment, `{"next_review":"31/12/2026"}`, 422, "next_review"},
		{"iterations 0", "admin", "POST", "/api/v1/risk/scenarios/" + scenario + "/simulate", `{"iterations":0}`, 422, "iterations"},
		{"iterations absurd", "admin", "POST", "/api/v1/risk/scenarios/" + scenario + "/simulate", `{"iterations":999999999}`, 422, "iterations"},
		{"acceptance by admin", "admin", "POST", "/api/v1/risk/scenarios/" + scenario + "/accept", `{"rationale":"x","expires":"2027-01-01"}`, 403, "role"},
		{"bad register filter", "viewer", "GET", "/api/v1/risk/scenarios?family=weather", "", 422, "family"},
		{"unknown register parameter", "viewer", "GET", "/api/v1/risk/scenarios?colour=red", "", 400, "colour"},
		{"bad export format", "viewer", "GET", "/api/v1/risk/scenarios/export?format=pdf", "", 400, "format"},
		{"appetite beyond the matrix", "admin", "PUT", "/api/v1/risk/settings", `{"appetite":7,"matrix_id":"5x5"}`, 422, "appetite"},
		{"draft straight to approved", "admin", "POST", "/api/v1/risk/assessments/" + assessment + "/status", `{"status":"approved"}`, 409, "status"},
		{"control with a bad link", "admin", "POST", "/api/v1/risk/controls", `{"name":"CCTV","category":"physical","evidence":["ftp://x"]}`, 422, "evidence"},
		{"treatment for no scenario", "admin", "POST", "/api/v1/risk/treatments", `{"title":"x"}`, 422, "scenario_id"},
		{"matrix import as JSON", "admin", "POST", "/api/v1/risk/matrices/import", `{}`, 415, ""},
		{"another organisation's site", "admin", "POST", "/api/v1/risk/scenarios",
			fmt.Sprintf(`{"assessment_id":%q,"threat_id":%q,"target_type":"site","target_id":%q,"title":"x","fair":{"tef":{"type":"constant","value":1},"vulnerability":{"type":"constant","value":0.5},"primary_loss":{"type":"constant","value":1}}}`, assessment, threat, e.other), 422, "target_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, before := e.counts()
			r := e.json(tc.role, tc.method, tc.path, tc.body)
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.status, tc.status, r.raw)
			}
			if tc.field != "" {
				if _, ok := errFields(r)[tc.field]; !ok {
					t.Errorf("error fields = %v, want %s", errFields(r), tc.field)
				}
			}
			if _, after := e.counts(); tc.status >= 400 && after != before {
				t.Errorf("audit moved %d → %d on a refused request", before, after)
			}
		})
	}

	// The happy path: simulate, read the run back, list the register, export.
	r := e.json("admin", "POST", "/api/v1/risk/scenarios/"+scenario+"/simulate", `{"iterations":2000,"seed":9}`)
	if r.status != 201 {
		t.Fatalf("simulate: %d %s", r.status, r.raw)
	}
	out, _ := r.body["output"].(map[string]any)
	if out["seed"] != float64(9) || out["iterations"] != float64(2000) {
		t.Errorf("run output = %v", out)
	}
	runID := r.body["id"].(string)
	if r := e.json("viewer", "GET", "/api/v1/risk/runs/"+runID, ""); r.status != 200 {
		t.Errorf("get run: %d", r.status)
	}
	r = e.json("viewer", "GET", "/api/v1/risk/scenarios?site_id="+site+"&level=2&sort=title", "")
	if r.status != 200 || r.body["total"] != float64(1) {
		t.Fatalf("register: %d %s", r.status, r.raw)
	}
	item := r.body["items"].([]any)[0].(map[string]any)
	if item["threat_family"] != "cargo" || item["site_name"] != "Venlo DC" || item["residual"].(map[string]any)["level"] != float64(2) {
		t.Errorf("register item = %v", item)
	}
	r = e.do("viewer", "GET", "/api/v1/risk/scenarios/export", "", "")
	if r.status != 200 || !strings.Contains(r.raw, "Dock theft") || !strings.Contains(r.raw, "High") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Errorf("csv export: %d %q", r.status, r.raw)
	}
	r = e.do("viewer", "GET", "/api/v1/risk/scenarios/export?format=xlsx", "", "")
	if r.status != 200 || !strings.HasPrefix(r.raw, "PK") {
		t.Errorf("xlsx export: %d", r.status)
	}
	if r := e.json("viewer", "GET", "/api/v1/risk/scenarios/"+scenario+"/runs", ""); r.status != 200 || len(r.body["items"].([]any)) != 1 {
		t.Errorf("runs: %d %s", r.status, r.raw)
	}
	// Another organisation's records are not found.
	if r := e.json("admin", "GET", "/api/v1/risk/scenarios/"+e.other, ""); r.status != 404 {
		t.Errorf("foreign id: %d", r.status)
	}
}

func TestRiskWhatIfAPI(t *testing.T) {
	e := setup(t)
	_, _, _, scenario := riskSetup(t, e)
	r := e.json("admin", "POST", "/api/v1/risk/scenarios/"+scenario+"/simulate",
		`{"iterations":2000,"seed":4,"what_if":[{"id":"halve","vulnerability":{"type":"constant","value":0.15}}]}`)
	if r.status != 201 {
		t.Fatalf("what-if: %d %s", r.status, r.raw)
	}
	w := r.body["output"].(map[string]any)["what_if"].([]any)[0].(map[string]any)
	change := w["change"].(map[string]any)["mean"].(float64)
	if w["scenario"] != scenario || change >= 0 {
		t.Errorf("what-if = %v (halving the vulnerability should lower the loss)", w)
	}
	r = e.json("admin", "POST", "/api/v1/risk/scenarios/"+scenario+"/simulate",
		`{"iterations":2000,"what_if":[{"id":"bad","vulnerability":{"type":"constant","value":1.5}}]}`)
	if r.status != 422 {
		t.Fatalf("bad what-if: %d %s", r.status, r.raw)
	}
	if _, ok := errFields(r)["what_if[0].vulnerability.value"]; !ok {
		t.Errorf("fields = %v", errFields(r))
	}
}
