package web

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/chromedp/chromedp"
)

// browserPath returns the Chromium to drive, or skips the test when there is
// none (failing instead when BULKHEAD_REQUIRE_BROWSER=1, as CI sets it).
func browserPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("BULKHEAD_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("BULKHEAD_REQUIRE_BROWSER") == "1" {
			t.Fatalf("Chromium not found at %s (set BULKHEAD_CHROMIUM): %v", p, err)
		}
		t.Skipf("Chromium not found at %s; set BULKHEAD_CHROMIUM or BULKHEAD_REQUIRE_BROWSER=1", p)
	}
	return p
}

// browser starts a headless Chromium for one test and returns its context.
// It also collects the console's errors, which is where the browser reports
// Content-Security-Policy violations.
func browser(t *testing.T) (ctx context.Context, consoleErrors func() []string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browserPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// Start the browser before anything else, on a context without a
	// deadline: a deadline on the first Run would stop the whole browser.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	var (
		mu   sync.Mutex
		errs []string
		done = make(chan struct{})
	)
	messages := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			// The browser logs every 4xx answer; the flow expects its 422.
			expected := m.Source == "network" && strings.Contains(m.Text, "status of 422")
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !expected {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		<-done
	})
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// TestBrowserSiteFlow drives the UI in a real browser: log in, create a site
// with a bad UN/LOCODE and see the error at the field, fix it, then find the
// site.create entry in the audit trail and check the trail is intact.
func TestBrowserSiteFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "Europe/Amsterdam")
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
	text := func(sel chromedp.CSS) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel, chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	eval := func(js string) bool {
		t.Helper()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return ok
	}

	step("open login", chromedp.Navigate(e.srv.URL+"/sites"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	step("fill login",
		chromedp.SendKeys(chromedp.CSS("#f-email"), "admin@harbourline.example"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	// The login came back to the page asked for.
	step("sites page", chromedp.WaitVisible(chromedp.CSS("form.filters")))
	if h := text("h1"); h != "Sites" {
		t.Errorf("h1 = %q, want Sites", h)
	}

	if status := submit("open new-site form", chromedp.CSS(".page-actions a[href='/sites/new']")); status != 200 {
		t.Fatalf("new-site form: status %d", status)
	}
	step("fill site with a bad UN/LOCODE",
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Rotterdam Port Warehouse"),
		chromedp.SetValue(chromedp.CSS("#f-type"), "port_facility"),
		chromedp.SendKeys(chromedp.CSS("#f-country"), "NL"),
		chromedp.SendKeys(chromedp.CSS("#f-unlocode"), "NL1"))
	if status := submit("submit bad site", chromedp.CSS("form.form button[type=submit]")); status != 422 {
		t.Fatalf("bad site: status %d, want 422", status)
	}
	msg := text("#f-unlocode-error")
	if !strings.Contains(msg, "must be a UN/LOCODE") {
		t.Errorf("unlocode error = %q", msg)
	}
	if !eval(`(() => {
		const input = document.getElementById("f-unlocode");
		const err = document.getElementById("f-unlocode-error");
		return input.getAttribute("aria-invalid") === "true" &&
			input.getAttribute("aria-describedby").split(" ").includes("f-unlocode-error") &&
			err.closest(".field") === input.closest(".field") &&
			input.value === "NL1" &&
			document.getElementById("f-name").value === "Rotterdam Port Warehouse";
	})()`) {
		t.Error("the error is not tied to the unlocode field, or the values were lost")
	}
	if !eval(`document.activeElement !== null && document.activeElement.classList.contains("error-summary")`) {
		t.Error("the error summary did not take focus")
	}
	if e.siteCount() != 0 {
		t.Fatal("an invalid site was saved")
	}

	if !eval(`(() => { const i = document.getElementById("f-unlocode"); i.value = ""; return i.value === ""; })()`) {
		t.Fatal("could not clear the unlocode field")
	}
	step("fix the UN/LOCODE", chromedp.SendKeys(chromedp.CSS("#f-unlocode"), "NLRTM"))
	if status := submit("save site", chromedp.CSS("form.form button[type=submit]")); status != 200 {
		t.Fatalf("save site: status %d", status)
	}
	if f := text(".flash"); f != "The site was created." {
		t.Errorf("flash = %q", f)
	}
	if h := text("h1"); !strings.Contains(h, "Rotterdam Port Warehouse") {
		t.Errorf("detail h1 = %q", h)
	}

	if status := submit("open audit trail", chromedp.CSS("nav a[href='/audit']")); status != 200 {
		t.Fatalf("audit: status %d", status)
	}
	row := text("tr[data-action='site.create']")
	for _, want := range []string{"Site created", "Rotterdam Port Warehouse", "NLRTM", "Port facility"} {
		if !strings.Contains(row, want) {
			t.Errorf("site.create row lacks %q: %s", want, row)
		}
	}
	if status := submit("verify trail", chromedp.CSS(".page-actions a[href='/audit/verify']")); status != 200 {
		t.Fatalf("verify: status %d", status)
	}
	if r := text("#verify-result"); r != "Intact" {
		t.Errorf("verify result = %q, want Intact", r)
	}

	// On a phone the navigation folds behind a menu button.
	step("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.WaitVisible(chromedp.CSS(".menu-toggle")))
	if eval(`getComputedStyle(document.getElementById("sidebar")).display !== "none"`) {
		t.Error("sidebar open on a phone before the menu is opened")
	}
	step("open menu", chromedp.Click(chromedp.CSS(".menu-toggle")), chromedp.WaitVisible(chromedp.CSS("#sidebar nav")))
	if !eval(`document.querySelector(".menu-toggle").getAttribute("aria-expanded") === "true"`) {
		t.Error("menu button does not report it is expanded")
	}

	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("browser console errors (CSP violations show here):\n%s", strings.Join(errs, "\n"))
	}
}
