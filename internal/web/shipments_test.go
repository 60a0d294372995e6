package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/chromedp/chromedp"
)

func (e *env) shipmentCount() int {
	e.t.Helper()
	_, n, err := e.db.Shipments(context.Background(), bulkhead.ShipmentFilter{OrgID: e.org.ID, Archived: bulkhead.StatusAll, Sort: bulkhead.ShipmentSortUpdated, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestShipmentPages(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	c.get("/custody/shipments").want(t, http.StatusOK).doc(t)
	c.get("/custody/shipments/new").want(t, http.StatusOK).doc(t)
	form := url.Values{"reference": {"HLX-9"}, "origin": {"ROTTERDAM"}, "destination": {"MXNLD"}, "mode": {"sea"},
		"departure": {"2026-05-10"}, "arrival": {"2026-05-01"}, "equipment": {"CSQU 305438 3 NL-1\nTGHU1234560 NL-2"}}
	doc := c.post("/custody/shipments", form).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-origin").attrs["aria-invalid"] != "true" || doc.byID("f-arrival").attrs["aria-invalid"] != "true" || e.shipmentCount() != 0 {
		t.Fatalf("bad UN/LOCODE and dates not marked, or a shipment stored")
	}
	if !strings.Contains(doc.textContent(), "TGHU1234560 NL-2") {
		t.Errorf("equipment not shown again as typed")
	}
	form.Set("origin", "nlrtm")
	form.Set("arrival", "2026-05-28")
	res := c.post("/custody/shipments", form).want(t, http.StatusSeeOther)
	shURL := res.location()
	text := c.get(shURL).want(t, http.StatusOK).doc(t).textContent()
	for _, want := range []string{"HLX-9", "NLRTM", "CSQU3054383", "TGHU1234560", "check digit wrong", "no seal recorded yet", "Custody timeline"} {
		if !strings.Contains(text, want) {
			t.Errorf("shipment page lacks %q", want)
		}
	}
	// A transition the status does not allow is refused with its message.
	if text := c.post(shURL+"/status", map[string][]string{"status": {"delivered"}}).want(t, http.StatusUnprocessableEntity).doc(t).textContent(); !strings.Contains(text, "not a change") {
		t.Errorf("bad transition message missing")
	}
	c.post(shURL+"/status", map[string][]string{"status": {"in_transit"}}).want(t, http.StatusSeeOther)
	// Edit: errors re-shown; then saved.
	c.get(shURL+"/edit").want(t, http.StatusOK).doc(t)
	form.Set("destination", "MX")
	if doc := c.post(shURL, form).want(t, http.StatusUnprocessableEntity).doc(t); doc.byID("f-destination").attrs["aria-invalid"] != "true" {
		t.Errorf("bad destination not marked")
	}
	form.Set("destination", "USLRD")
	c.post(shURL, form).want(t, http.StatusSeeOther)
	// List, filters and the CSV export.
	if text := c.get("/custody/shipments?status=in_transit&destination=uslrd").want(t, http.StatusOK).doc(t).textContent(); !strings.Contains(text, "HLX-9") {
		t.Errorf("filtered list lacks the shipment")
	}
	if text := c.get("/custody/shipments?mode=air").want(t, http.StatusOK).doc(t).textContent(); strings.Contains(text, "HLX-9") {
		t.Errorf("mode filter ignored")
	}
	c.get("/custody/shipments?origin=X").want(t, http.StatusUnprocessableEntity)
	if doc := c.get("/custody/shipments?equipment=TGHU1234560").want(t, http.StatusOK).doc(t); !strings.Contains(doc.textContent(), "HLX-9") ||
		doc.byID("f-equipment") == nil || doc.byID("f-equipment").attrs["value"] != "TGHU1234560" {
		t.Errorf("equipment filter: shipment missing, or the field not shown with the number")
	}
	if text := c.get("/custody/shipments?equipment=MSKU9070323").want(t, http.StatusOK).doc(t).textContent(); strings.Contains(text, "HLX-9") {
		t.Errorf("equipment filter ignored")
	}
	if csv := c.get("/custody/shipments/export.csv?equipment=MSKU9070323").want(t, http.StatusOK); strings.Contains(csv.body, "HLX-9") {
		t.Errorf("the export ignores the equipment filter")
	}
	csv := c.get("/custody/shipments/export.csv?q=hlx").want(t, http.StatusOK)
	if !strings.Contains(csv.body, "HLX-9,in_transit,sea,NLRTM,USLRD") || !strings.Contains(csv.body, "TGHU1234560=NL-2") {
		t.Errorf("csv = %s", csv.body)
	}
	// A viewer reads but cannot open the forms.
	e.addUser("", "viewer@harbourline.example", bulkhead.RoleViewer, "en", "UTC")
	v := e.client()
	v.login("viewer@harbourline.example")
	v.get(shURL).want(t, http.StatusOK)
	v.get("/custody/shipments/new").want(t, http.StatusForbidden)
}

// TestBrowserShipmentFlow records a shipment on the form in a phone-sized
// window, fixes a bad UN/LOCODE and opens its custody timeline.
func TestBrowserShipmentFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "officer@harbourline.example", bulkhead.RoleSiteOfficer, "en", "UTC")
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
	step("phone-sized window", chromedp.EmulateViewport(390, 844))
	step("open login", chromedp.Navigate(e.srv.URL+"/custody/shipments/new"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	step("fill login", chromedp.SendKeys(chromedp.CSS("#f-email"), "officer@harbourline.example"), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	step("shipment form", chromedp.WaitVisible(chromedp.CSS("#f-reference")))
	step("fill the form",
		chromedp.SendKeys(chromedp.CSS("#f-reference"), "HLX-7001"),
		chromedp.SendKeys(chromedp.CSS("#f-origin"), "RTM"),
		chromedp.SendKeys(chromedp.CSS("#f-destination"), "MXNLD"),
		chromedp.SetValue(chromedp.CSS("#f-mode"), "multimodal"),
		chromedp.SendKeys(chromedp.CSS("#f-equipment"), "MSKU9070323 NLHS-1"))
	if status := submit("submit with a bad origin", chromedp.CSS("form.form button[type=submit]")); status != 422 {
		t.Fatalf("bad origin: status %d, want 422", status)
	}
	if msg := text("#f-origin-error"); msg == "" {
		t.Errorf("no error at the origin")
	}
	if e.shipmentCount() != 0 {
		t.Fatal("an invalid shipment was saved")
	}
	step("fix the origin", chromedp.SetValue(chromedp.CSS("#f-origin"), "NLRTM"))
	if status := submit("record", chromedp.CSS("form.form button[type=submit]")); status != 200 {
		t.Fatalf("record: status %d", status)
	}
	if f := text(".flash"); f != "Shipment recorded." {
		t.Errorf("flash = %q", f)
	}
	if s := text("#seal-checks-title + ul"); !strings.Contains(s, "MSKU9070323") || !strings.Contains(s, "NLHS-1") {
		t.Errorf("seal checks = %q", s)
	}
	if s := text("#tl-title"); s != "Custody timeline" {
		t.Errorf("timeline heading = %q", s)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors (CSP violations?): %v", errs)
	}
}
