package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/chromedp/chromedp"
)

// riskWorld is a site, a threat, a matrix assessment with one scenario and a
// quantitative scenario with a stored run.
type riskWorld struct {
	site       *bulkhead.Site
	threat     *bulkhead.Threat
	assessment *bulkhead.RiskAssessment
	scenario   *bulkhead.Scenario
	quant      *bulkhead.Scenario
	control    *bulkhead.Control
	action     *bulkhead.TreatmentAction
}

func newRiskWorld(t *testing.T, e *env) *riskWorld {
	t.Helper()
	ctx := context.Background()
	sys := service.SystemActor(e.org.ID, "test")
	w := &riskWorld{site: e.createSite("", "Venlo DC", "NLVEN", "NL")}
	s := func(v string) *string { return &v }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.threat, err = e.svc.CreateThreat(ctx, sys, bulkhead.ThreatInput{Ref: s("T-1"), Name: s("Cargo <theft>"), Family: s("cargo")})
	must(err)
	w.assessment, err = e.svc.CreateRiskAssessment(ctx, sys, bulkhead.RiskAssessmentInput{Title: s("Venlo 2026"), Method: s("matrix"), Date: s("2026-01-10"), SiteID: &w.site.ID})
	must(err)
	w.scenario, err = e.svc.CreateScenario(ctx, sys, bulkhead.ScenarioInput{AssessmentID: &w.assessment.ID, ThreatID: &w.threat.ID, TargetID: &w.site.ID,
		Title: s("Dock theft"), Inherent: &bulkhead.Rating{Likelihood: 5, Consequence: 4}, Residual: &bulkhead.Rating{Likelihood: 3, Consequence: 4}})
	must(err)
	qa, err := e.svc.CreateRiskAssessment(ctx, sys, bulkhead.RiskAssessmentInput{Title: s("Linehaul"), Method: s("fair"), Date: s("2026-01-10")})
	must(err)
	w.quant, err = e.svc.CreateScenario(ctx, sys, bulkhead.ScenarioInput{AssessmentID: &qa.ID, ThreatID: &w.threat.ID, TargetID: &w.site.ID, Title: s("Linehaul theft"),
		FAIR: json.RawMessage(`{"tef":{"type":"poisson","mean":3},"vulnerability":{"type":"constant","value":0.3},"primary_loss":{"type":"lognormal","low":1000,"high":90000},"tolerance":50000}`)})
	must(err)
	_, err = e.svc.SimulateScenario(ctx, sys, w.quant.ID, 1000, 3)
	must(err)
	_, err = e.svc.SimulatePortfolio(ctx, sys, 1000, 3)
	must(err)
	w.control, err = e.svc.CreateControl(ctx, sys, bulkhead.ControlInput{Name: s("CCTV"), Category: s("physical"), Evidence: &[]string{"https://example.com/plan"}})
	must(err)
	w.action, err = e.svc.CreateTreatmentAction(ctx, sys, bulkhead.TreatmentActionInput{ScenarioID: &w.scenario.ID, ControlID: &w.control.ID, Title: s("Extend CCTV"), Due: s("2020-01-01")})
	must(err)
	return w
}

func TestRiskPagesRender(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	w := newRiskWorld(t, e)
	pages := []string{
		"/risk", "/risk?family=cargo&level=2&sort=title", "/risk?overdue=1", "/risk?q=nothing", "/risk/scenarios/" + w.scenario.ID,
		"/risk/scenarios/" + w.scenario.ID + "/edit", "/risk/scenarios/" + w.quant.ID, "/risk/scenarios/" + w.quant.ID + "/edit",
		"/risk/scenarios/new?assessment=" + w.assessment.ID, "/risk/assessments", "/risk/assessments/new", "/risk/assessments/" + w.assessment.ID,
		"/risk/assessments/" + w.assessment.ID + "/edit", "/risk/threats", "/risk/threats/new", "/risk/threats/import", "/risk/threats/" + w.threat.ID + "/edit",
		"/risk/controls", "/risk/controls/new", "/risk/controls/" + w.control.ID + "/edit", "/risk/treatments", "/risk/treatments?open=1",
		"/risk/treatments/new?scenario=" + w.scenario.ID, "/risk/treatments/" + w.action.ID, "/risk/settings", "/risk/matrices/import", "/risk/portfolio",
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			res := c.get(p).want(t, http.StatusOK)
			res.doc(t)
			if strings.Contains(res.body, "Cargo <theft>") {
				t.Error("a threat name rendered as markup")
			}
		})
	}
	// The heatmaps count the scenario in its cells; the LEC is drawn.
	doc := c.get("/risk/assessments/" + w.assessment.ID).doc(t)
	cells := doc.find(func(n *node) bool {
		return n.tag == "g" && n.attrs["data-cell"] == "3-4" && n.attrs["data-count"] == "1"
	})
	if len(cells) != 1 {
		t.Errorf("residual cell 3-4 with one scenario: found %d", len(cells))
	}
	if body := c.get("/risk/scenarios/" + w.quant.ID).body; !strings.Contains(body, `class="risk-lec-line`) {
		t.Error("no loss exceedance curve on the quantitative scenario")
	}
	if body := c.get("/risk/portfolio").body; !strings.Contains(body, `class="risk-lec-line`) {
		t.Error("no loss exceedance curve on the portfolio")
	}
	// Exports.
	res := c.get("/risk/export?format=csv").want(t, http.StatusOK)
	if !strings.Contains(res.body, "Dock theft") || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
		t.Errorf("csv export = %q", res.body)
	}
	if res := c.get("/risk/export?format=xlsx").want(t, http.StatusOK); !strings.HasPrefix(res.body, "PK") {
		t.Error("xlsx export is not a zip")
	}
}

func TestRiskFormsShowProblems(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	w := newRiskWorld(t, e)
	head := func() int64 {
		h, err := e.db.AuditHead(context.Background(), e.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		return h.Seq
	}
	before := head()
	// A scenario without a title, a bad rating: re-shown, marked, nothing stored.
	res := c.post("/risk/scenarios", url.Values{"assessment_id": {w.assessment.ID}, "threat_id": {w.threat.ID}, "target_id": {w.site.ID},
		"title": {""}, "inherent": {"9,9"}, "vulnerability": {"<script>x</script>"}}).want(t, http.StatusUnprocessableEntity)
	doc := res.doc(t)
	for _, id := range []string{"f-title", "f-inherent"} {
		if n := doc.byID(id); n == nil || n.attrs["aria-invalid"] != "true" {
			t.Errorf("%s not marked invalid", id)
		}
	}
	if strings.Contains(res.body, "<script>x</script>") {
		t.Error("input rendered as markup")
	}
	// Bad quantitative inputs name the problem at the field.
	res = c.post("/risk/scenarios/"+w.quant.ID, url.Values{"threat_id": {w.threat.ID}, "target_id": {w.site.ID}, "title": {"Linehaul theft"},
		"fair": {`{"tef":{"type":"pert_vose","min":5,"mode":1,"max":9},"vulnerability":{"type":"constant","value":0.3},"primary_loss":{"type":"constant","value":5}}`}}).
		want(t, http.StatusUnprocessableEntity)
	if msg := res.doc(t).byID("f-fair-error"); msg == nil || !strings.Contains(msg.textContent(), "fair.tef.mode") {
		t.Errorf("fair error = %v", msg)
	}
	// An acceptance by a role without the authority.
	res = c.post("/risk/scenarios/"+w.scenario.ID+"/accept", url.Values{"rationale": {"x"}, "expires": {"2099-01-01"}}).want(t, http.StatusForbidden)
	if !strings.Contains(res.body, "no authority") {
		t.Error("acceptance refusal does not say why")
	}
	// A threat with an unknown family and a taken reference.
	doc = c.post("/risk/threats", url.Values{"name": {"X"}, "ref": {"T-1"}, "family": {"cargo"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	if n := doc.byID("f-ref"); n == nil || n.attrs["aria-invalid"] != "true" {
		t.Error("taken reference not marked")
	}
	// A control with a site that does not exist.
	doc = c.post("/risk/controls", url.Values{"name": {"Fence"}, "category": {"physical"}, "status": {"planned"}, "sites": {"XXABC"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	if n := doc.byID("f-sites"); n == nil || n.attrs["aria-invalid"] != "true" {
		t.Error("unknown site not marked")
	}
	if after := head(); after != before {
		t.Errorf("audit moved %d → %d on refused forms", before, after)
	}
	// A valid edit saves and shows in the history.
	c.post("/risk/scenarios/"+w.scenario.ID, url.Values{"threat_id": {w.threat.ID}, "target_id": {w.site.ID}, "title": {"Dock theft"},
		"inherent": {"5,4"}, "residual": {"2,2"}, "treatment": {"reduce"}, "rationale": {"Cage the pallets"}}).want(t, http.StatusSeeOther)
	if body := c.get("/risk/scenarios/" + w.scenario.ID).body; !strings.Contains(body, "Cage the pallets") || !strings.Contains(body, "Risk scenario changed") {
		t.Error("edit not shown with its history")
	}
}

func TestRiskRoles(t *testing.T) {
	t.Parallel()
	e, _ := newAdmin(t)
	w := newRiskWorld(t, e)
	e.addUser("", "viewer@harbourline.example", bulkhead.RoleViewer, "es", "Europe/Madrid")
	e.addUser("", "partner@harbourline.example", bulkhead.RolePartner, "en", "UTC")
	v := e.client()
	v.login("viewer@harbourline.example")
	body := v.get("/risk").want(t, http.StatusOK).body
	if strings.Contains(body, "/risk/assessments\">Añadir") || !strings.Contains(body, "Registro de riesgos") {
		t.Error("viewer sees the Spanish register without add actions")
	}
	v.get("/risk/scenarios/"+w.scenario.ID+"/edit").want(t, http.StatusForbidden)
	v.post("/risk/scenarios/"+w.scenario.ID, url.Values{"title": {"x"}}).want(t, http.StatusForbidden)
	p := e.client()
	p.login("partner@harbourline.example")
	p.get("/risk").want(t, http.StatusForbidden)
}

// TestBrowserRiskFlow drives the risk pages in a real browser: create a
// scenario in an assessment, rate it, and find it on the residual heatmap.
func TestBrowserRiskFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "Europe/Amsterdam")
	ctx0 := context.Background()
	sys := service.SystemActor(e.org.ID, "test")
	site := e.createSite("", "Nuevo Laredo Yard", "MXNLD", "MX")
	s := func(v string) *string { return &v }
	threat, err := e.svc.CreateThreat(ctx0, sys, bulkhead.ThreatInput{Name: s("Hijacking"), Family: s("cargo")})
	if err != nil {
		t.Fatal(err)
	}
	as, err := e.svc.CreateRiskAssessment(ctx0, sys, bulkhead.RiskAssessmentInput{Title: s("Yard assessment"), Method: s("matrix"), Date: s("2026-02-01"), SiteID: &site.ID})
	if err != nil {
		t.Fatal(err)
	}
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
	eval := func(js string) bool {
		t.Helper()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return ok
	}

	step("open login", chromedp.Navigate(e.srv.URL+"/risk/assessments/"+as.ID), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	step("fill login", chromedp.SendKeys(chromedp.CSS("#f-email"), "admin@harbourline.example"), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	step("assessment page", chromedp.WaitVisible(chromedp.CSS("svg.risk-heatmap[data-kind=residual]")))
	if !eval(`[...document.querySelectorAll("svg.risk-heatmap g.risk-cell")].every(g => g.dataset.count === "0")`) {
		t.Error("heatmap not empty before any scenario")
	}
	if status := submit("open scenario form", chromedp.CSS(".page-actions a[href^='/risk/scenarios/new']")); status != 200 {
		t.Fatalf("scenario form: status %d", status)
	}
	// Submitted without a title: the form comes back with the problem marked.
	step("fill scenario without title",
		chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.SetValue(chromedp.CSS("#f-threat_id"), threat.ID),
		chromedp.SetValue(chromedp.CSS("#f-inherent"), "5,5"),
		chromedp.SetValue(chromedp.CSS("#f-residual"), "3,4"))
	if status := submit("submit without title", chromedp.CSS("form.form button[type=submit]")); status != 422 {
		t.Fatalf("scenario without title: status %d, want 422", status)
	}
	if !eval(`document.getElementById("f-title").getAttribute("aria-invalid") === "true" && document.getElementById("f-residual").value === "3,4"`) {
		t.Error("the missing title is not marked, or the ratings were lost")
	}
	step("give a title", chromedp.SendKeys(chromedp.CSS("#f-title"), "Hijacking on the approach road"))
	if status := submit("save scenario", chromedp.CSS("form.form button[type=submit]")); status != 200 {
		t.Fatalf("save scenario: status %d", status)
	}
	step("scenario page", chromedp.WaitVisible(chromedp.CSS("#risk-ratings")))
	if !eval(`document.getElementById("risk-ratings").textContent.includes("High") && document.getElementById("risk-ratings").textContent.includes("Critical")`) {
		t.Error("ratings not shown as levels")
	}
	if status := submit("back to the assessment", chromedp.CSS(".breadcrumb a[href^='/risk/assessments/']")); status != 200 {
		t.Fatalf("assessment: status %d", status)
	}
	step("heatmap", chromedp.WaitVisible(chromedp.CSS("svg.risk-heatmap[data-kind=residual]")))
	if !eval(`document.querySelector("svg.risk-heatmap[data-kind=residual] g[data-cell='3-4']").dataset.count === "1" &&
		document.querySelector("svg.risk-heatmap[data-kind=inherent] g[data-cell='5-5']").dataset.count === "1" &&
		document.querySelector("svg.risk-heatmap[data-kind=residual] g[data-cell='3-4'] text").textContent === "1"`) {
		t.Error("the scenario is not on the heatmaps where it was rated")
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("browser console errors (CSP violations show here):\n%s", strings.Join(errs, "\n"))
	}
}

func TestRiskWhatIfPage(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	w := newRiskWorld(t, e)
	c.get("/risk/scenarios/"+w.quant.ID).want(t, http.StatusOK)
	res := c.post("/risk/scenarios/"+w.quant.ID+"/simulate", url.Values{"iterations": {"1000"}, "seed": {"2"},
		"what_if": {`[{"id":"x","vulnerability":{"type":"constant","value":7}}]`}}).want(t, http.StatusUnprocessableEntity)
	if n := res.doc(t).byID("f-sim-what_if"); n == nil || n.attrs["aria-invalid"] != "true" {
		t.Error("bad what-if not marked")
	}
	c.post("/risk/scenarios/"+w.quant.ID+"/simulate", url.Values{"iterations": {"1000"}, "seed": {"2"},
		"what_if": {`[{"id":"half","name":"Half the vulnerability","vulnerability":{"type":"constant","value":0.15}}]`}}).want(t, http.StatusSeeOther)
	if body := c.get("/risk/scenarios/" + w.quant.ID).body; !strings.Contains(body, "What-if Half the vulnerability") {
		t.Error("what-if result not shown")
	}
}
