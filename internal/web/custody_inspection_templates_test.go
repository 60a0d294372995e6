package web

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// postInspectionMultipart posts form fields and files (by field name) with the
// session's CSRF token.
func (c *client) postInspectionMultipart(path string, fields url.Values, files map[string][]byte) *response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/")
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField(csrfField, c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile(name, "photo.png")
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &b)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 6, 6))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestChecklistPages(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	st := e.createSite("", "Valencia reefer yard", "ESVLC", "ES")
	c.get("/custody/inspection-templates").want(t, http.StatusOK).doc(t)
	form := c.get("/custody/inspection-templates/new").want(t, http.StatusOK).doc(t)
	if n := len(form.tags("fieldset")); n != checklistFormRows {
		t.Errorf("new checklist form has %d rows", n)
	}
	v := url.Values{"name": {"Reefer pre-trip check"}, "kind": {"truck_trailer"}, "rows": {"8"},
		"p.0.label": {"Reefer unit panels"}, "p.0.key": {"unit"}, "p.0.photo": {"1"},
		"p.2.label": {"Drain holes clear"}, "p.2.key": {"unit"}}
	// "Add more rows" re-shows the form with what was typed and more rows.
	more := url.Values{"more": {"1"}}
	for k, vs := range v {
		more[k] = vs
	}
	doc := c.post("/custody/inspection-templates", more).want(t, http.StatusOK).doc(t)
	if n := len(doc.tags("fieldset")); n != checklistFormRows+checklistMoreRows || doc.byID("f-p.0.label").attrs["value"] != "Reefer unit panels" {
		t.Errorf("more rows: %d rows", n)
	}
	// A duplicate point key is marked at its row (the blank row between is skipped).
	doc = c.post("/custody/inspection-templates", v).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-p.2.key").attrs["aria-invalid"] != "true" {
		t.Errorf("duplicate key not marked at row 3")
	}
	v.Set("p.2.key", "drain")
	res := c.post("/custody/inspection-templates", v).want(t, http.StatusSeeOther)
	text := c.get(res.location()).want(t, http.StatusOK).doc(t).textContent()
	for _, want := range []string{"Reefer pre-trip check", "Drain holes clear", "version 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("checklist page lacks %q", want)
		}
	}
	list := c.get("/custody/inspections").want(t, http.StatusOK).doc(t)
	if !strings.Contains(list.textContent(), "Reefer pre-trip check") {
		t.Errorf("the inspection list does not offer the checklist")
	}

	// The inspection form: one fieldset per point, a camera-friendly photo input.
	form = c.get("/custody/inspections/new?template=reefer_pre_trip_check").want(t, http.StatusOK).doc(t)
	if n := len(form.tags("fieldset")); n != 2 {
		t.Fatalf("inspection form has %d fieldsets", n)
	}
	if in := form.byID("f-f.unit"); in.attrs["type"] != "file" || in.attrs["capture"] != "environment" {
		t.Errorf("photo input = %v", in.attrs)
	}
	iv := url.Values{"template": {"reefer_pre_trip_check"}, "site_id": {st.ID}, "equipment": {"TRL-12"},
		"r.unit": {"fail"}, "n.unit": {"Two panel screws missing."}, "r.drain": {"pass"}}
	doc = c.postInspectionMultipart("/custody/inspections?template=reefer_pre_trip_check", iv, nil).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-f.unit").attrs["aria-invalid"] != "true" {
		t.Errorf("missing photo not marked")
	}
	doc = c.postInspectionMultipart("/custody/inspections", iv, map[string][]byte{"f.unit": []byte("%PDF-1.7 not an image")}).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-f.unit").attrs["aria-invalid"] != "true" || !strings.Contains(doc.textContent(), "JPEG, PNG or WebP") {
		t.Errorf("PDF photo not marked")
	}
	img := smallPNG(t)
	res = c.postInspectionMultipart("/custody/inspections", iv, map[string][]byte{"f.unit": img}).want(t, http.StatusSeeOther)
	page := c.get(res.location()).want(t, http.StatusOK).doc(t)
	imgs := page.find(func(n *node) bool {
		return n.tag == "img" && strings.HasPrefix(n.attrs["src"], "/custody/inspections/")
	})
	if len(imgs) != 1 || !strings.Contains(page.textContent(), "a discrepancy was opened") {
		t.Fatalf("inspection page shows %d photos", len(imgs))
	}
	photo := c.get(imgs[0].attrs["src"]).want(t, http.StatusOK)
	if photo.header.Get("Content-Type") != "image/png" || photo.header.Get("X-Content-Type-Options") != "nosniff" || photo.body != string(img) {
		t.Errorf("photo served as %v", photo.header)
	}
	// Added later; a wrong file re-shows the page with the error.
	doc = c.postInspectionMultipart(res.location()+"/photos", url.Values{"point": {"drain"}}, map[string][]byte{"photo": []byte("<html>")}).want(t, http.StatusUnprocessableEntity).doc(t)
	if doc.byID("f-photo").attrs["aria-invalid"] != "true" {
		t.Errorf("refused photo not marked")
	}
	c.postInspectionMultipart(res.location()+"/photos", url.Values{"point": {"drain"}}, map[string][]byte{"photo": img}).want(t, http.StatusSeeOther)
	if n := len(c.get(res.location()).want(t, http.StatusOK).doc(t).find(func(n *node) bool {
		return n.tag == "img" && strings.HasPrefix(n.attrs["src"], "/custody/inspections/")
	})); n != 2 {
		t.Errorf("photos after adding one = %d", n)
	}

	// A new version; the inspection keeps version 1.
	chk, _, err := e.svc.InspectionTemplate(t.Context(), service.SystemActor(e.org.ID, "test"), "reefer_pre_trip_check")
	if err != nil {
		t.Fatal(err)
	}
	edit := c.get("/custody/inspection-templates/"+chk.ID+"/edit").want(t, http.StatusOK).doc(t)
	if edit.byID("f-p.1.key").attrs["value"] != "drain" {
		t.Errorf("edit form does not hold the points")
	}
	ev := url.Values{"name": {"Reefer pre-trip check"}, "kind": {"truck_trailer"}, "rows": {"3"},
		"p.0.label": {"Reefer unit panels"}, "p.0.key": {"unit"}, "p.1.label": {"Drain holes clear"}, "p.1.key": {"drain"},
		"p.2.label": {"Set temperature matches the order"}}
	res2 := c.post("/custody/inspection-templates/"+chk.ID+"/versions", ev).want(t, http.StatusSeeOther)
	if text := c.get(res2.location()).want(t, http.StatusOK).doc(t).textContent(); !strings.Contains(text, "version 2") || !strings.Contains(text, "Superseded") {
		t.Errorf("new version page lacks its version or history")
	}
	if text := c.get(res.location()).want(t, http.StatusOK).doc(t).textContent(); !strings.Contains(text, "version 1") {
		t.Errorf("the inspection does not keep version 1")
	}
	c.post(res2.location()+"/archive", url.Values{}).want(t, http.StatusSeeOther)
	c.get("/custody/inspections/new?template=reefer_pre_trip_check").want(t, http.StatusNotFound)
}
