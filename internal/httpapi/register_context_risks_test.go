package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// TestContextIssueRiskAPI links, lists and unlinks a risk scenario on a
// context issue through the API, with the bad requests refused and nothing
// written for them.
func TestContextIssueRiskAPI(t *testing.T) {
	e := setup(t)
	sys := service.SystemActor(e.org.ID, "test")
	site, err := e.svc.CreateSite(ctx, sys, bulkhead.SiteInput{Name: ptr("Venlo DC"), Type: ptr("warehouse"), Country: ptr("NL")})
	if err != nil {
		t.Fatal(err)
	}
	threat, err := e.svc.CreateThreat(ctx, sys, bulkhead.ThreatInput{Name: ptr("Cargo theft"), Family: ptr("cargo")})
	if err != nil {
		t.Fatal(err)
	}
	as, err := e.svc.CreateRiskAssessment(ctx, sys, bulkhead.RiskAssessmentInput{Title: ptr("Venlo 2026"), Method: ptr("matrix"), Date: ptr("2026-01-10"), SiteID: &site.ID})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.svc.CreateScenario(ctx, sys, bulkhead.ScenarioInput{AssessmentID: &as.ID, ThreatID: &threat.ID, TargetType: ptr("site"), TargetID: &site.ID,
		Title: ptr("Theft from the dock"), Current: &bulkhead.Rating{Likelihood: 4, Consequence: 3}, Residual: &bulkhead.Rating{Likelihood: 2, Consequence: 2}})
	if err != nil {
		t.Fatal(err)
	}
	issue := e.json("admin", "POST", "/api/v1/context-issues", `{"origin":"external","category":"supply_chain","title":"Cargo crime rising"}`)
	if issue.status != http.StatusCreated {
		t.Fatalf("create issue: %d %s", issue.status, issue.raw)
	}
	issueID := issue.body["id"].(string)
	gone := e.json("admin", "POST", "/api/v1/context-issues", `{"origin":"internal","category":"legal","title":"Old dispute"}`)
	goneID := gone.body["id"].(string)
	if r := e.json("admin", "POST", "/api/v1/context-issues/"+goneID+"/archive", ``); r.status != http.StatusOK {
		t.Fatalf("archive: %d %s", r.status, r.raw)
	}
	risks := "/api/v1/context-issues/" + issueID + "/risks"
	link := `{"risk_id":"` + sc.ID + `"}`

	tests := []struct {
		name, role, method, path, body string
		status                         int
		fields                         string // fields named in the error, comma-separated
	}{
		{"link", "admin", "POST", risks, link, 201, ""},
		{"duplicate", "admin", "POST", risks, link, 409, "risk_id"},
		{"unknown risk", "admin", "POST", risks, `{"risk_id":"` + bulkhead.NewID() + `"}`, 422, "risk_id"},
		{"risk id not an ID", "admin", "POST", risks, `{"risk_id":"R-1"}`, 422, "risk_id"},
		{"no risk id", "admin", "POST", risks, `{}`, 422, "risk_id"},
		{"risk id a number", "admin", "POST", risks, `{"risk_id":7}`, 400, "risk_id"},
		{"unknown field", "admin", "POST", risks, `{"risk_id":"` + sc.ID + `","note":"x"}`, 400, "note"},
		{"not JSON", "admin", "POST", risks, `risk_id=1`, 400, ""},
		{"archived issue", "admin", "POST", "/api/v1/context-issues/" + goneID + "/risks", link, 409, ""},
		{"unknown issue", "admin", "POST", "/api/v1/context-issues/" + bulkhead.NewID() + "/risks", link, 404, ""},
		{"viewer may not link", "viewer", "POST", risks, link, 403, ""},
		{"viewer reads", "viewer", "GET", risks, ``, 200, ""},
		{"scenario's issues", "viewer", "GET", "/api/v1/risk/scenarios/" + sc.ID + "/context-issues", ``, 200, ""},
		{"unknown scenario's issues", "viewer", "GET", "/api/v1/risk/scenarios/" + bulkhead.NewID() + "/context-issues", ``, 404, ""},
		{"list: unknown parameter", "viewer", "GET", risks + "?sort=title", ``, 400, "sort"},
		{"viewer may not unlink", "viewer", "DELETE", risks + "/" + sc.ID, ``, 403, ""},
		{"unlink unknown", "admin", "DELETE", risks + "/" + bulkhead.NewID(), ``, 404, ""},
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
			if strings.Join(sorted(got), ",") != tt.fields {
				t.Errorf("fields %v, want %q (%s)", sorted(got), tt.fields, r.raw)
			}
			after := e.auditSeq()
			if tt.status >= 400 && after != before {
				t.Errorf("a refused request wrote %d audit entries", after-before)
			}
			if tt.status == 201 && after != before+1 {
				t.Errorf("a link wrote %d audit entries, want 1", after-before)
			}
		})
	}

	r := e.json("viewer", "GET", risks, ``)
	items, _ := r.body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("linked risks: %s", r.raw)
	}
	got := items[0].(map[string]any)
	if got["risk_id"] != sc.ID || got["title"] != "Theft from the dock" || fmt.Sprint(got["current"]) != "map[consequence:3 level:2 likelihood:4]" || got["current_level_name"] == "" ||
		got["assessment_status"] != "draft" {
		t.Errorf("linked risk = %v", got)
	}
	// The list of issues without a linked risk leaves this one out until it
	// is unlinked; a non-boolean value is refused.
	unlinked := func() []any {
		t.Helper()
		r := e.json("viewer", "GET", "/api/v1/context-issues?unlinked=true", ``)
		if r.status != http.StatusOK {
			t.Fatalf("unlinked issues: %d %s", r.status, r.raw)
		}
		items, _ := r.body["items"].([]any)
		return items
	}
	for _, x := range unlinked() {
		if x.(map[string]any)["id"] == issueID {
			t.Errorf("a linked issue is listed as unlinked")
		}
	}
	if r := e.json("viewer", "GET", "/api/v1/context-issues?unlinked=maybe", ``); r.status != http.StatusBadRequest || !strings.Contains(r.raw, "unlinked") {
		t.Errorf("unlinked=maybe: %d %s", r.status, r.raw)
	}
	r = e.json("viewer", "GET", "/api/v1/risk/scenarios/"+sc.ID+"/context-issues", ``)
	if items, _ := r.body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["issue_id"] != issueID {
		t.Errorf("scenario's issues: %s", r.raw)
	}

	// Unlink; a second time it is gone.
	before := e.auditSeq()
	if r := e.json("admin", "DELETE", risks+"/"+sc.ID, ``); r.status != http.StatusNoContent {
		t.Fatalf("unlink: %d %s", r.status, r.raw)
	}
	if e.auditSeq() != before+1 {
		t.Errorf("unlink wrote %d audit entries, want 1", e.auditSeq()-before)
	}
	if r := e.json("admin", "DELETE", risks+"/"+sc.ID, ``); r.status != http.StatusNotFound {
		t.Errorf("second unlink: %d %s", r.status, r.raw)
	}
	if r := e.json("viewer", "GET", risks, ``); !strings.Contains(r.raw, `"items":[]`) {
		t.Errorf("after unlink: %s", r.raw)
	}
	found := false
	for _, x := range unlinked() {
		found = found || x.(map[string]any)["id"] == issueID
	}
	if !found {
		t.Errorf("the unlinked issue is not listed with unlinked=true")
	}
}
