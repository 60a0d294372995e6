package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/chromedp/chromedp"
)

// TestBrowserChangeFlow drives the planned-change pages in a real browser:
// propose a change with a field missing and see the error at it, fix it,
// tick an affected site, save, then try to approve one's own change and see
// the refusal.
func TestBrowserChangeFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "Europe/Amsterdam")
	site := e.createSite("", "Nuevo Laredo Yard", "MXNLD", "MX")
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

	step("open login", chromedp.Navigate(e.srv.URL+"/changes/new"), chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "admin@harbourline.example"), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	step("fill without a description", chromedp.WaitVisible(chromedp.CSS("#f-title")), chromedp.SendKeys(chromedp.CSS("#f-title"), "Move the gatehouse"))
	if status := submit("submit", chromedp.CSS("form.form button[type=submit]")); status != 422 {
		t.Fatalf("incomplete change: status %d, want 422", status)
	}
	if !eval(`(() => {
		const d = document.getElementById("f-description");
		return d.getAttribute("aria-invalid") === "true" && document.getElementById("f-description-error") !== null &&
			document.getElementById("f-title").value === "Move the gatehouse";
	})()`) {
		t.Error("the missing description is not marked, or the title was lost")
	}
	step("fix and tick the site",
		chromedp.SendKeys(chromedp.CSS("#f-description"), "The gate moves to the east entrance."),
		chromedp.Click(chromedp.CSS("#f-site_ids-0")))
	if status := submit("save", chromedp.CSS("form.form button[type=submit]")); status != 200 {
		t.Fatalf("save: status %d", status)
	}
	if !eval(`document.querySelector("h1").textContent.includes("Move the gatehouse") && document.querySelector("a[href='/sites/` + site.ID + `']") !== null`) {
		t.Error("the change's page lacks its title or its site")
	}
	if status := submit("approve own change", chromedp.CSS("form[action$='/approve'] button")); status != 422 {
		t.Fatalf("self-approval: status %d, want 422", status)
	}
	ok, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".error-summary"), chromedp.NodeVisible))
	if err != nil || !strings.Contains(ok, "cannot be the member who requested the change") {
		t.Errorf("self-approval message = %q, %v", ok, err)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("browser console errors:\n%s", strings.Join(errs, "\n"))
	}
}
