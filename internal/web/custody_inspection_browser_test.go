package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/chromedp/chromedp"
)

// TestBrowserInspectionPhotoFlow records, in a phone-sized window, an
// inspection against an organisation's own checklist whose failed point
// needs a photo: first without one (the photo input is marked), then with
// a PNG chosen in the file input, and sees the photo shown on the
// inspection's page.
func TestBrowserInspectionPhotoFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "officer@harbourline.example", bulkhead.RoleSiteOfficer, "en", "UTC")
	site := e.createSite("", "Valencia reefer yard", "ESVLC", "ES")
	kind, key, name := bulkhead.KindTruckTrailer, "reefer", "Reefer pre-trip check"
	if _, err := e.svc.CreateInspectionTemplate(context.Background(), service.SystemActor(e.org.ID, "test"), bulkhead.ChecklistInput{
		Key: &key, Name: &name, Kind: &kind, Points: []bulkhead.ChecklistPoint{
			{Key: "unit", Label: "Reefer unit panels", Guidance: "Count the panel screws.", PhotoOnFail: true},
			{Key: "drain", Label: "Drain holes clear"}}}); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "panel.png")
	if err := os.WriteFile(photo, smallPNG(t), 0o600); err != nil {
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

	step("phone-sized window", chromedp.EmulateViewport(390, 844))
	step("open login", chromedp.Navigate(e.srv.URL+"/custody/inspections/new?template=reefer"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	step("fill login", chromedp.SendKeys(chromedp.CSS("#f-email"), "officer@harbourline.example"), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	step("inspection form", chromedp.WaitVisible(chromedp.CSS("select[name='r.unit']")))
	step("fill the checklist, the unit failed",
		chromedp.SetValue(chromedp.CSS("#f-site_id"), site.ID),
		chromedp.SendKeys(chromedp.CSS("#f-equipment"), "TRL-12"),
		chromedp.SetValue(chromedp.CSS("select[name='r.unit']"), "fail"),
		chromedp.SendKeys(chromedp.CSS("input[name='n.unit']"), "Two panel screws missing."),
		chromedp.SetValue(chromedp.CSS("select[name='r.drain']"), "pass"))
	if status := submit("save without a photo", chromedp.CSS("form.form button[type=submit]")); status != 422 {
		t.Fatalf("without the photo: status %d, want 422", status)
	}
	if !eval(`document.querySelector("input[name='f.unit']").getAttribute("aria-invalid") === "true" &&
		document.querySelector("input[name='f.unit']").getAttribute("capture") === "environment"`) {
		t.Error("the missing photo is not marked at its input")
	}
	step("choose the photo", chromedp.SetUploadFiles(chromedp.CSS("input[name='f.unit']"), []string{photo}))
	if status := submit("save with the photo", chromedp.CSS("form.form button[type=submit]")); status != 200 {
		t.Fatalf("with the photo: status %d", status)
	}
	step("inspection page", chromedp.WaitVisible(chromedp.CSS(".inspection-photos img")))
	loaded, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector(".inspection-photos img"); return i.complete && i.naturalWidth === 6; })()`))
	if err != nil || !loaded {
		t.Errorf("the photo did not load: %v", err)
	}
	if !eval(`document.querySelector("h1").textContent.includes("Reefer pre-trip check")`) {
		t.Error("the page does not name the checklist")
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %s", strings.Join(errs, "; "))
	}
}
