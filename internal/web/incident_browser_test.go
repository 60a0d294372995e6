package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/chromedp/chromedp"
)

// TestBrowserIncidentFlow records an incident on the form in a phone-sized
// window, sees the police notification its type owes (overdue, as the theft
// was detected more than two hours ago) and marks it sent.
func TestBrowserIncidentFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "officer@harbourline.example", bulkhead.RoleSiteOfficer, "en", "UTC")
	e.createSite("", "Venlo DC", "NLVEN", "NL")
	ctx, consoleErrors := browser(t)
	// Generous: CI runs this under the race detector on two busy cores.
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
	text := func(sel chromedp.CSS) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel, chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	step("phone-sized window", chromedp.EmulateViewport(390, 844))
	step("open login", chromedp.Navigate(e.srv.URL+"/incidents/new"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	step("fill login", chromedp.SendKeys(chromedp.CSS("#f-email"), "officer@harbourline.example"), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	step("incident form", chromedp.WaitVisible(chromedp.CSS("#f-title")))
	occurred := time.Now().UTC().Add(-5 * time.Hour).Format("2006-01-02T15:04")
	detected := time.Now().UTC().Add(-4 * time.Hour).Format("2006-01-02T15:04")
	step("fill the form",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Trailer emptied at the truck stop"),
		chromedp.SetValue(chromedp.CSS("#f-type"), "cargo_theft"),
		chromedp.SetValue(chromedp.CSS("#f-severity"), "high"),
		chromedp.SetValue(chromedp.CSS("#f-occurred_at"), occurred),
		chromedp.SetValue(chromedp.CSS("#f-detected_at"), detected),
		chromedp.SendKeys(chromedp.CSS("#f-loss"), "-5"),
		chromedp.SendKeys(chromedp.CSS("#f-currency"), "EUR"))
	if status := submit("submit with a negative loss", chromedp.CSS("form.form button[type=submit]")); status != 422 {
		t.Fatalf("negative loss: status %d, want 422", status)
	}
	if msg := text("#f-loss-error"); !strings.Contains(msg, "cannot be negative") {
		t.Errorf("loss error = %q", msg)
	}
	if e.incidentCount() != 0 {
		t.Fatal("an invalid incident was saved")
	}
	step("fix the loss", chromedp.SetValue(chromedp.CSS("#f-loss"), "18250.00"))
	if status := submit("record", chromedp.CSS("form.form button[type=submit]")); status != 200 {
		t.Fatalf("record: status %d", status)
	}
	if f := text(".flash"); f != "Incident recorded." {
		t.Errorf("flash = %q", f)
	}
	police := chromedp.CSS("li[data-recipient='police']")
	if s := text(police); !strings.Contains(s, "Overdue") {
		t.Errorf("police notification = %q, want overdue", s)
	}
	step("fill the reference", chromedp.SendKeys(chromedp.CSS("li[data-recipient='police'] input[name=reference]"), "PV-2026-0815"))
	if status := submit("mark sent", chromedp.CSS("li[data-recipient='police'] button[type=submit]")); status != 200 {
		t.Fatalf("mark sent: status %d", status)
	}
	if s := text(police); !strings.Contains(s, "Sent") || !strings.Contains(s, "PV-2026-0815") {
		t.Errorf("after marking sent: %q", s)
	}
	if s := text("#timeline"); !strings.Contains(s, "sent: police (PV-2026-0815)") {
		t.Errorf("timeline = %q", s)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors (CSP violations?): %v", errs)
	}
}
