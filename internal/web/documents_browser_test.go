package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/chromedp/chromedp"
)

// TestBrowserDocumentFlow drives the document workflow in a real browser:
// the security manager drafts the policy and sends it for review, top
// management approves and publishes it, a site officer acknowledges it,
// and top management sees the acknowledgement count move.
func TestBrowserDocumentFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "secm@harbourline.example", bulkhead.RoleSecurityManager, "en", "Europe/Amsterdam")
	e.addUser("", "director@harbourline.example", bulkhead.RoleTopManagement, "en", "Europe/Amsterdam")
	e.addUser("", "officer@harbourline.example", bulkhead.RoleSiteOfficer, "en", "America/Matamoros")
	ctx, consoleErrors := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 150*time.Second)
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
	loginAs := func(email, next string) {
		t.Helper()
		step("open login "+email, chromedp.Navigate(e.srv.URL+"/login?next="+next), chromedp.WaitVisible(chromedp.CSS("#f-email")))
		step("fill login "+email, chromedp.SendKeys(chromedp.CSS("#f-email"), email), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
		if st := submit("log in "+email, chromedp.CSS("form[action='/login'] button[type=submit]")); st != 200 {
			t.Fatalf("login %s: status %d", email, st)
		}
	}
	logout := func() {
		t.Helper()
		if st := submit("log out", chromedp.CSS("form[action='/logout'] button[type=submit]")); st != 200 {
			t.Fatalf("logout: status %d", st)
		}
	}

	// The security manager creates the policy and drafts its text.
	loginAs("secm@harbourline.example", "/documents")
	step("documents page", chromedp.WaitVisible(chromedp.CSS("form.filters")))
	if st := submit("new document", chromedp.CSS(".page-actions a[href='/documents/new']")); st != 200 {
		t.Fatalf("new document: status %d", st)
	}
	step("fill metadata",
		chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Supply chain security policy"),
		chromedp.SendKeys(chromedp.CSS("#f-reference"), "SEC-POL-001"),
		chromedp.SetValue(chromedp.CSS("#f-type"), "policy"),
		chromedp.SetValue(chromedp.CSS("#f-ack_required"), "yes"),
		chromedp.Click(chromedp.CSS("#ack-role-site_officer")))
	if st := submit("create document", chromedp.CSS("form.form button[type=submit]")); st != 200 {
		t.Fatalf("create: status %d", st)
	}
	if f := text(".flash"); f != "The document was created." {
		t.Errorf("flash = %q", f)
	}
	if st := submit("open draft form", chromedp.CSS("#draft-link")); st != 200 {
		t.Fatalf("draft form: status %d", st)
	}
	step("write draft",
		chromedp.WaitVisible(chromedp.CSS("#f-body")),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "# Our commitments\n\nWe protect our customers' freight. <img src=x onerror=alert(1)>"),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "First issue"))
	if st := submit("save draft", chromedp.CSS("form.form button[type=submit]")); st != 200 {
		t.Fatalf("save draft: status %d", st)
	}
	if h := text(".markdown h3"); h != "Our commitments" {
		t.Errorf("rendered heading = %q", h)
	}
	if st := submit("send for review", chromedp.CSS("button[data-step='submit']")); st != 200 {
		t.Fatalf("submit: status %d", st)
	}
	if s := text("#latest-status"); !strings.Contains(s, "In review") {
		t.Errorf("status after submit = %q", s)
	}
	docURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	docPath := strings.TrimPrefix(docURL, e.srv.URL)
	logout()

	// Top management approves and publishes.
	loginAs("director@harbourline.example", docPath)
	if st := submit("approve", chromedp.CSS("button[data-step='approve']")); st != 200 {
		t.Fatalf("approve: status %d", st)
	}
	if st := submit("publish", chromedp.CSS("button[data-step='publish']")); st != 200 {
		t.Fatalf("publish: status %d", st)
	}
	if s := text("#published-version"); s != "Version 1" {
		t.Errorf("published = %q", s)
	}
	if c := text("#ack-count"); c != "0 of 1 acknowledged" {
		t.Errorf("count before = %q", c)
	}
	logout()

	// The site officer acknowledges.
	loginAs("officer@harbourline.example", docPath)
	if st := submit("acknowledge", chromedp.CSS("#ack-button")); st != 200 {
		t.Fatalf("acknowledge: status %d", st)
	}
	if s := text("#my-ack"); !strings.Contains(s, "You acknowledged version 1") {
		t.Errorf("own acknowledgement = %q", s)
	}
	logout()

	loginAs("director@harbourline.example", docPath)
	if c := text("#ack-count"); c != "1 of 1 acknowledged" {
		t.Errorf("count after = %q", c)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("browser console errors (CSP violations show here):\n%s", strings.Join(errs, "\n"))
	}
}
