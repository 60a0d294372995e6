package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const webEPCISDoc = `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://example.com/ns/"}],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":[
{"type":"ObjectEvent","eventID":"urn:example:web-1","eventTime":"2026-05-01T10:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:4012345.011111.9"],"action":"OBSERVE","bizStep":"shipping","ex:x":"1"},
{"type":"ObjectEvent","eventID":"urn:example:web-2","eventTime":"2026-05-01T11:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:4012345.011111.8"],"action":"LOOK"}]}}`

func TestCustodyCaptureAndSearch(t *testing.T) {
	t.Parallel()
	_, c := newAdmin(t)
	// Not JSON: the form is shown again with the problem at the field.
	doc := c.post("/custody/capture", url.Values{"document": {"not json"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-cap-document") == nil || !strings.Contains(doc.textContent(), "not json") {
		t.Errorf("capture form not re-shown with the document")
	}
	// One bad event, rollback: the job lists the problem by event and field.
	res := c.post("/custody/capture", url.Values{"document": {webEPCISDoc}}).want(t, http.StatusSeeOther)
	text := c.get(res.location()).want(t, http.StatusOK).doc(t).textContent()
	for _, want := range []string{"nothing was stored", "Event 1", "/action", "0 of 2 stored"} {
		if !strings.Contains(text, want) {
			t.Errorf("job page lacks %q", want)
		}
	}
	// Proceed: the valid event is stored and found by its EPC as a Digital Link.
	res = c.post("/custody/capture", url.Values{"document": {webEPCISDoc}, "behaviour": {"proceed"}}).want(t, http.StatusSeeOther)
	if text := c.get(res.location()).want(t, http.StatusOK).doc(t).textContent(); !strings.Contains(text, "1 of 2 stored") {
		t.Errorf("proceed job page: %s", text)
	}
	text = c.get("/custody?epc="+url.QueryEscape("https://id.gs1.org/01/04012345111118/21/9")).want(t, http.StatusOK).doc(t).textContent()
	if !strings.Contains(text, "urn:example:web-1") {
		t.Errorf("search by Digital Link did not find the event")
	}
	if text := c.get("/custody?event_type=AggregationEvent").want(t, http.StatusOK).doc(t).textContent(); !strings.Contains(text, "No event matches") {
		t.Errorf("empty search: %s", text)
	}
}

func TestSealPagesAndDiscrepancy(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	st := e.createSite("", "Rotterdam Port Warehouse", "NLRTM", "NL")
	c.get("/custody/seals").want(t, http.StatusOK).doc(t)
	// Bad input: the form comes back with the fields marked, nothing stored.
	doc := c.post("/custody/seals", url.Values{"site_id": {st.ID}, "number": {"bad number!"}, "class": {"H"}, "type": {"BLT"}, "source": {"CAR"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-seal-number").attrs["aria-invalid"] != "true" || !strings.Contains(doc.textContent(), "No seal recorded") {
		t.Errorf("bad seal number not marked, or a seal stored")
	}
	res := c.post("/custody/seals", url.Values{"site_id": {st.ID}, "number": {"NL-5551"}, "class": {"H"}, "type": {"BLT"}, "source": {"CAR"}, "manufacturer": {"Acme"}}).want(t, http.StatusSeeOther)
	sealURL := res.location()
	c.get(sealURL).want(t, http.StatusOK).doc(t)
	// Verify before affixing: refused, form re-shown.
	c.post(sealURL+"/events", url.Values{"action": {"verify"}, "method": {"tug"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	c.post(sealURL+"/events", url.Values{"action": {"affix"}, "equipment": {"CSQU3054384"}}).want(t, http.StatusSeeOther)
	res = c.post(sealURL+"/events", url.Values{"action": {"verify"}, "method": {"verify"}, "observed_number": {"NL-5552"}}).want(t, http.StatusSeeOther)
	text := c.get(res.location()).want(t, http.StatusOK).doc(t).textContent()
	for _, want := range []string{"a discrepancy was opened", "CSQU3054384", "Check digit wrong", "Read as NL-5552.", "Seal number mismatch"} {
		if !strings.Contains(text, want) {
			t.Errorf("seal page lacks %q", want)
		}
	}
	// The site page lists the open discrepancies of the site.
	site := c.get("/sites/"+st.ID).want(t, http.StatusOK).doc(t)
	if !strings.Contains(site.textContent(), "Open chain-of-custody discrepancies") || !strings.Contains(site.textContent(), "Seal number mismatch") {
		t.Errorf("site page lacks the discrepancies")
	}
	dashDisc := func() string {
		home := c.get("/").want(t, http.StatusOK).doc(t)
		stat := home.find(func(n *node) bool { return n.attrs["data-stat"] == "discrepancies" })
		if len(stat) != 1 {
			t.Fatalf("dashboard has %d discrepancy figures", len(stat))
		}
		return stat[0].textContent()
	}
	before := dashDisc()
	if before == "0" {
		t.Errorf("dashboard shows no open discrepancy")
	}
	list := c.get("/custody/discrepancies").want(t, http.StatusOK).doc(t)
	var href string
	for _, a := range list.tags("a") {
		if strings.HasPrefix(a.attrs["href"], "/custody/discrepancies/") && a.textContent() == "Seal number mismatch" {
			href = a.attrs["href"]
		}
	}
	if href == "" {
		t.Fatal("no discrepancy link")
	}
	c.get(href).want(t, http.StatusOK).doc(t)
	// Closing needs a resolution.
	c.post(href, url.Values{"state": {"closed"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	c.post(href, url.Values{"state": {"closed"}, "resolution": {"Misread at the gate."}}).want(t, http.StatusSeeOther)
	if text := c.get("/custody/discrepancies").want(t, http.StatusOK).doc(t).textContent(); strings.Count(text, "Seal number mismatch") != 0 {
		t.Errorf("closed discrepancy still listed as open")
	}
	if after := dashDisc(); after == before {
		t.Errorf("dashboard still shows %s open discrepancies after one was closed", after)
	}
	c.get("/custody/discrepancies?all=1").want(t, http.StatusOK).doc(t)
	tl := c.get("/custody/timeline?epc="+url.QueryEscape("urn:bulkhead:seal:NL-5551")).want(t, http.StatusOK).doc(t).textContent()
	if !strings.Contains(tl, "3 events, 0 gaps") || !strings.Contains(tl, "NL-5551") {
		t.Errorf("timeline: %s", tl)
	}
	c.get("/custody/timeline").want(t, http.StatusOK).doc(t)
	c.get("/custody").want(t, http.StatusOK).doc(t)
}

func TestInspectionPages(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	st := e.createSite("", "Monterrey DC", "MXNLD", "MX")
	c.get("/custody/inspections").want(t, http.StatusOK).doc(t)
	form := c.get("/custody/inspections/new?template=truck17").want(t, http.StatusOK).doc(t)
	if len(form.tags("fieldset")) != 17 {
		t.Errorf("17-point form has %d fieldsets", len(form.tags("fieldset")))
	}
	c.get("/custody/inspections/new?template=plane").want(t, http.StatusNotFound)
	v := url.Values{"template": {"container7"}, "site_id": {st.ID}, "equipment": {"CSQU3054383"}}
	for _, p := range []string{"front_wall", "left_side", "right_side", "floor", "ceiling", "doors", "undercarriage"} {
		v.Set("r."+p, "pass")
	}
	v.Set("r.floor", "fail") // without a note: re-shown, the note marked
	doc := c.post("/custody/inspections", v).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-n.floor").attrs["aria-invalid"] != "true" {
		t.Errorf("missing note not marked")
	}
	v.Set("n.floor", "Fresh weld on the floor cross-member.")
	res := c.post("/custody/inspections", v).want(t, http.StatusSeeOther)
	text := c.get(res.location()).want(t, http.StatusOK).doc(t).textContent()
	for _, want := range []string{"a discrepancy was opened", "1 failed", "Fresh weld", "Floor (inside)"} {
		if !strings.Contains(text, want) {
			t.Errorf("inspection page lacks %q", want)
		}
	}
	if text := c.get("/custody/discrepancies").want(t, http.StatusOK).doc(t).textContent(); !strings.Contains(text, "Inspection point failed") {
		t.Errorf("no inspection discrepancy listed")
	}
}
