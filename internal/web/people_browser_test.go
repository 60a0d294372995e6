package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/chromedp/chromedp"
)

// TestBrowserCompetenceGapFlow drives the competence matrix in a real
// browser: a person's required competence shows as a gap, the user records
// the training through the form, and the gap is gone.
//
// It does not run in parallel: one browser at a time keeps the other
// browser flows within their deadlines on a small CI machine.
func TestBrowserCompetenceGapFlow(t *testing.T) {
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "officer@harbourline.example", bulkhead.RoleSiteOfficer, "en", "Europe/Amsterdam")
	bg := context.Background()
	sys := service.SystemActor(e.org.ID, "test")
	p := func(s string) *string { return &s }
	site := e.createSite("", "Rotterdam Port Warehouse", "NLRTM", "NL")
	comp, err := e.svc.CreateCompetence(bg, sys, bulkhead.CompetenceInput{Name: p("Seal handling")})
	if err != nil {
		t.Fatal(err)
	}
	role, _ := e.svc.CreateSecurityRole(bg, sys, bulkhead.SecurityRoleInput{Name: p("Seal custodian"), PerSite: new(bool), CompetenceIDs: &[]string{comp.ID}})
	person, _ := e.svc.CreatePerson(bg, sys, bulkhead.PersonInput{Name: p("Fatima El Amrani"), SiteIDs: &[]string{site.ID}})
	if _, err := e.svc.CreateRoleAssignment(bg, sys, bulkhead.RoleAssignmentInput{RoleID: &role.ID, PersonID: &person.ID, SiteID: &site.ID, From: p("2025-01-01")}); err != nil {
		t.Fatal(err)
	}
	course, err := e.svc.CreateCourse(bg, sys, bulkhead.CourseInput{Title: p("Seal handling and VVTT"), RecurrenceMonths: func() *int { n := 24; return &n }(),
		Delivery: p("classroom"), CompetenceIDs: &[]string{comp.ID}})
	if err != nil {
		t.Fatal(err)
	}

	ctx, consoleErrors := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
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
	gapJS := `(() => {
		const i = [...document.querySelectorAll("#competence-matrix thead th")].findIndex(th => th.dataset.competence === "` + comp.ID + `");
		return document.querySelector("tr[data-person='` + person.ID + `']").children[i].dataset.state;
	})()`
	state := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](gapJS))
		if err != nil {
			t.Fatalf("cell state: %v", err)
		}
		return s
	}

	matrix := e.srv.URL + "/competence-matrix?site_id=" + site.ID
	step("open login", chromedp.Navigate(matrix), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	step("fill login",
		chromedp.SendKeys(chromedp.CSS("#f-email"), "officer@harbourline.example"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	step("matrix", chromedp.WaitVisible(chromedp.CSS("#competence-matrix")))
	if s := state(); s != "missing" {
		t.Fatalf("cell before training = %q, want missing", s)
	}
	if !eval(`document.getElementById("matrix-total-gaps").textContent.trim() === "1"`) {
		t.Error("total gaps is not 1")
	}

	if status := submit("open training form", chromedp.CSS("a[href='/training/new']")); status != 200 {
		t.Fatalf("training form: status %d", status)
	}
	step("fill training form",
		chromedp.WaitVisible(chromedp.CSS("#f-person_id")),
		chromedp.SetValue(chromedp.CSS("#f-person_id"), person.ID),
		chromedp.SetValue(chromedp.CSS("#f-course_id"), course.ID),
		chromedp.SetValue(chromedp.CSS("#f-completed"), bulkhead.Day(time.Now()).AddDate(0, 0, -10).Format(bulkhead.DateLayout)),
		chromedp.SendKeys(chromedp.CSS("#f-evidence_note"), "Attendance list, binder 4"))
	if status := submit("save training", chromedp.CSS("form.form button[type=submit]")); status != 200 {
		t.Fatalf("save training: status %d", status)
	}
	if !eval(`document.querySelector(".flash") !== null && document.querySelector("h1").textContent.includes("Fatima El Amrani")`) {
		t.Error("no training detail page with a flash after saving")
	}

	step("matrix again", chromedp.Navigate(matrix), chromedp.WaitVisible(chromedp.CSS("#competence-matrix")))
	if s := state(); s != "valid" {
		t.Errorf("cell after training = %q, want valid", s)
	}
	if !eval(`document.getElementById("matrix-total-gaps").textContent.trim() === "0"`) {
		t.Error("the gap did not disappear")
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("browser console errors (CSP violations show here):\n%s", strings.Join(errs, "\n"))
	}
}
