package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/chromedp/chromedp"
)

// seedIssueRisk makes a context issue and a rated risk scenario in the
// test organisation, and returns their IDs.
func seedIssueRisk(t *testing.T, e *env) (issueID, riskID string) {
	t.Helper()
	ctx := context.Background()
	sys := service.SystemActor(e.org.ID, "test")
	site := e.createSite("", "Venlo DC", "NLVEN", "NL")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	threat, err := e.svc.CreateThreat(ctx, sys, bulkhead.ThreatInput{Name: ptr("Cargo theft"), Family: ptr("cargo")})
	must(err)
	as, err := e.svc.CreateRiskAssessment(ctx, sys, bulkhead.RiskAssessmentInput{Title: ptr("Venlo 2026"), Method: ptr("matrix"), Date: ptr("2026-01-10"), SiteID: &site.ID})
	must(err)
	sc, err := e.svc.CreateScenario(ctx, sys, bulkhead.ScenarioInput{AssessmentID: &as.ID, ThreatID: &threat.ID, TargetType: ptr("site"), TargetID: &site.ID,
		Title: ptr("Theft from the dock"), Current: &bulkhead.Rating{Likelihood: 4, Consequence: 3}})
	must(err)
	issue, err := e.svc.CreateContextIssue(ctx, sys, bulkhead.ContextIssueInput{Origin: ptr("external"), Category: ptr("supply_chain"), Title: ptr("Cargo crime rising")})
	must(err)
	return issue.ID, sc.ID
}

func ptr[T any](v T) *T { return &v }

// TestIssueRiskPages links a risk on a context issue's page through the
// forms: bad choices come back marked with nothing stored, a link shows on
// both records' pages, a viewer sees it without the controls, and
// unlinking removes it.
func TestIssueRiskPages(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	issueID, riskID := seedIssueRisk(t, e)
	page := "/context-issues/" + issueID
	body := c.get(page).want(t, http.StatusOK).body
	if !strings.Contains(body, `id="f-risk-risk_id"`) || !strings.Contains(body, `value="`+riskID+`"`) || !strings.Contains(body, "No risk scenario is linked") {
		t.Fatal("the issue's page lacks the link form, the scenario to choose or the empty note")
	}
	for name, form := range map[string]url.Values{
		"nothing chosen":           {"risk_id": {""}},
		"unknown scenario":         {"risk_id": {bulkhead.NewID()}},
		"not a scenario ID at all": {"risk_id": {"<b>x</b>"}},
	} {
		t.Run(name, func(t *testing.T) {
			before := e.auditHead()
			res := c.post(page+"/risks", form).want(t, http.StatusUnprocessableEntity)
			doc := res.doc(t)
			if sel := doc.byID("f-risk-risk_id"); sel == nil || sel.attrs["aria-invalid"] != "true" {
				t.Error("the select is not marked")
			}
			if !strings.Contains(res.body, `class="error-summary"`) {
				t.Error("no error summary")
			}
			if e.auditHead() != before {
				t.Error("a refused link was recorded")
			}
		})
	}
	before := e.auditHead()
	if loc := c.post(page+"/risks", url.Values{"risk_id": {riskID}}).want(t, http.StatusSeeOther).location(); !strings.HasPrefix(loc, page) {
		t.Errorf("redirect to %q", loc)
	}
	if e.auditHead() != before+1 {
		t.Errorf("a link wrote %d audit entries, want 1", e.auditHead()-before)
	}
	body = c.get(page).want(t, http.StatusOK).body
	if !strings.Contains(body, `href="/risk/scenarios/`+riskID+`"`) || !strings.Contains(body, "(4 × 3)") || !strings.Contains(body, page+"/risks/"+riskID+"/unlink") {
		t.Error("the issue's page lacks the linked risk, its rating or its unlink button")
	}
	// Linking it again is refused at the form (the page offers it no more,
	// but a stale page may still post it).
	res := c.post(page+"/risks", url.Values{"risk_id": {riskID}}).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.body, "is already there") {
		t.Error("no message for a duplicate link")
	}
	if body := c.get("/risk/scenarios/"+riskID).want(t, http.StatusOK).body; !strings.Contains(body, `href="`+page+`"`) || !strings.Contains(body, "Cargo crime rising") {
		t.Error("the scenario's page does not list its context issue")
	}
	// A viewer sees the link but neither form nor button, and may not post.
	e.addUser("", "viewer@harbourline.example", bulkhead.RoleViewer, "en", "UTC")
	v := e.client()
	v.login("viewer@harbourline.example")
	body = v.get(page).want(t, http.StatusOK).body
	if !strings.Contains(body, "Theft from the dock") || strings.Contains(body, "f-risk-risk_id") || strings.Contains(body, "/unlink") {
		t.Error("the viewer's page shows the wrong controls")
	}
	v.post(page+"/risks/"+riskID+"/unlink", url.Values{}).want(t, http.StatusForbidden)
	c.post(page+"/risks/"+riskID+"/unlink", url.Values{}).want(t, http.StatusSeeOther)
	if body := c.get(page).body; strings.Contains(body, `href="/risk/scenarios/`+riskID+`"`) {
		t.Error("the risk is still listed after unlinking")
	}
	c.post(page+"/risks/"+riskID+"/unlink", url.Values{}).want(t, http.StatusNotFound)

	// Clause coverage counts the issue as having no linked risk and leads
	// to the list of such issues, which holds it; the list of all issues
	// filtered so holds no linked one.
	other, err := e.svc.CreateContextIssue(context.Background(), service.SystemActor(e.org.ID, "test"),
		bulkhead.ContextIssueInput{Origin: ptr("internal"), Category: ptr("organisational"), Title: ptr("Linked elsewhere")})
	if err != nil {
		t.Fatal(err)
	}
	c.post("/context-issues/"+other.ID+"/risks", url.Values{"risk_id": {riskID}}).want(t, http.StatusSeeOther)
	if cov := c.get("/coverage").want(t, http.StatusOK).body; !strings.Contains(cov, `href="/context-issues?unlinked=1"`) || !strings.Contains(cov, "2 context issues, 1 without a linked risk") {
		t.Error("coverage does not count the unlinked issue or lead to the list of them")
	}
	list := c.get("/context-issues?unlinked=1").want(t, http.StatusOK).body
	if !strings.Contains(list, `href="`+page+`"`) || strings.Contains(list, `href="/context-issues/`+other.ID+`"`) || !strings.Contains(list, `<option value="1" selected>None linked</option>`) {
		t.Error("the list of issues without a linked risk is wrong, or the filter is not shown as chosen")
	}

	// An archived issue takes no link and loses none: the page says to
	// restore it first, and nothing changes.
	c.post(page+"/risks", url.Values{"risk_id": {riskID}}).want(t, http.StatusSeeOther)
	if _, err := e.svc.ArchiveContextIssue(context.Background(), service.SystemActor(e.org.ID, "test"), issueID, true); err != nil {
		t.Fatal(err)
	}
	before = e.auditHead()
	for _, path := range []string{page + "/risks", page + "/risks/" + riskID + "/unlink"} {
		res := c.post(path, url.Values{"risk_id": {riskID}}).want(t, http.StatusSeeOther)
		if res.location() != page {
			t.Errorf("POST %s on an archived issue went to %q", path, res.location())
		}
		if body := c.get(res.location()).want(t, http.StatusOK).body; !strings.Contains(body, "restore it before editing") || !strings.Contains(body, `href="/risk/scenarios/`+riskID+`"`) {
			t.Errorf("POST %s on an archived issue: no restore message, or the link is gone", path)
		}
	}
	if e.auditHead() != before {
		t.Errorf("refused changes to an archived issue wrote %d audit entries", e.auditHead()-before)
	}
}

// TestBrowserIssueRiskLink links a risk scenario on a context issue's page
// in a real browser and sees it listed.
func TestBrowserIssueRiskLink(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "Europe/Amsterdam")
	issueID, riskID := seedIssueRisk(t, e)
	ctx, consoleErrors := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	step := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	submit := func(name string, sel chromedp.CSS) int64 {
		t.Helper()
		res, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res.Status
	}
	step("open login", chromedp.Navigate(e.srv.URL+"/context-issues/"+issueID), chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "admin@harbourline.example"), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	form := "form[action='/context-issues/" + issueID + "/risks']"
	if status := submit("link with nothing chosen", chromedp.CSS(form+" button[type=submit]")); status != 422 {
		t.Fatalf("empty choice: status %d, want 422", status)
	}
	step("choose the scenario", chromedp.WaitVisible(chromedp.CSS("#f-risk-risk_id")), chromedp.SetValue(chromedp.CSS("#f-risk-risk_id"), riskID))
	if status := submit("link", chromedp.CSS(form+" button[type=submit]")); status != 200 {
		t.Fatalf("link: status %d", status)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#risks table"), chromedp.NodeVisible))
	if err != nil || !strings.Contains(text, "Theft from the dock") || !strings.Contains(text, "Venlo 2026") {
		t.Errorf("linked risks table = %q, %v", text, err)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("browser console errors:\n%s", strings.Join(errs, "\n"))
	}
}
