package web

import (
	"bytes"
	"context"
	"time"

	"encoding/base64"
	"fmt"
	"github.com/chromedp/chromedp"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// postFile submits a multipart form with one file and the CSRF token.
func (c *client) postFile(path string, fields url.Values, fileField, fileName string, data []byte) *response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField(csrfField, c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		w, _ := mw.CreateFormFile(fileField, fileName)
		w.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func libID(t *testing.T, e *env, urn string) string {
	t.Helper()
	libs, err := e.svc.Libraries(context.Background(), service.SystemActor(e.org.ID, "test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range libs {
		if l.URN == urn {
			return l.ID
		}
	}
	t.Fatalf("no library %s", urn)
	return ""
}

const webMini = `urn: urn:acme:risk:library:web
locale: en
ref_id: WEB
name: Web framework
description: Test.
version: 1
provider: Acme
packager: acme
objects:
  framework:
    urn: urn:acme:risk:framework:web
    ref_id: WEB
    name: Web
    requirement_nodes:
    - urn: urn:acme:risk:req_node:web:1
      assessable: true
      depth: 1
      ref_id: "1"
      name: One
`

func TestLibraryPages(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	ctx := context.Background()
	admin, err := e.svc.Store().UserByEmail(ctx, "admin@harbourline.example")
	if err != nil {
		t.Fatal(err)
	}
	iso := libID(t, e, "urn:bulkhead:risk:library:iso28000-2022")
	ct := libID(t, e, "urn:bulkhead:risk:library:ctpat-msc")
	sys := service.SystemActor(e.org.ID, "test")

	// Import: bad file re-shown with the place named, nothing stored.
	head, _ := e.svc.Store().AuditHead(ctx, e.org.ID)
	r := c.postFile("/libraries/import", nil, "file", "bad.yaml", []byte("urn: [\n")).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, "bad.yaml: line 1") {
		t.Errorf("bad import page lacks the place:\n%s", r.body)
	}
	r.doc(t)
	// Preview, then confirm.
	r = c.postFile("/libraries/import", nil, "file", "web.yaml", []byte(webMini)).want(t, http.StatusOK)
	r.doc(t)
	if after, _ := e.svc.Store().AuditHead(ctx, e.org.ID); after.Seq != head.Seq {
		t.Fatal("preview stored something")
	}
	c.postFile("/libraries/import", url.Values{"confirm": {"1"}, "file_name": {"web.yaml"}, "file_b64": {b64(webMini)}}, "", "", nil).want(t, http.StatusSeeOther)
	web := libID(t, e, "urn:acme:risk:library:web")
	// Spreadsheet preview with an error, then a good one.
	r = c.postFile("/libraries/"+ct+"/sheet", nil, "file", "msc.csv", []byte("ref_id,parent,title\n6.9,99,X\n")).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, "msc.csv: row 2 (ref 6.9): parent 99 does not exist") {
		t.Errorf("sheet error not shown")
	}
	c.postFile("/libraries/"+ct+"/sheet", nil, "file", "msc.csv", []byte("ref_id,parent,title\n6.9,6,Extra\n")).want(t, http.StatusOK).doc(t)

	// Assessments: create with a bad form, then a good one.
	c.post("/assessments", url.Values{"library_id": {iso}}).want(t, http.StatusUnprocessableEntity).doc(t)
	r = c.post("/assessments", url.Values{"library_id": {ct}, "name": {"CTPAT HC"}, "groups": {ct + "|highway_carrier"}}).want(t, http.StatusSeeOther)
	xc := strings.TrimPrefix(r.location(), "/assessments/")
	xi, err := e.svc.CreateAssessment(ctx, sys, service.AssessmentInput{LibraryID: &iso, Name: libPtr("ISO gap")})
	if err != nil {
		t.Fatal(err)
	}
	k := rowIndex(t, e, xc, "6.1")
	// Not applicable without justification: re-shown, nothing stored.
	c.post("/assessments/"+xc+"/answers", url.Values{"status-" + k: {"not_applicable"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	c.post("/assessments/"+xc+"/answers", url.Values{"status-" + k: {"compliant"}, "controls-" + k: {"SOP-04"}}).want(t, http.StatusSeeOther)
	// ISO 8.4 now shows an inferred status to review.
	r = c.get("/assessments/"+xi.ID).want(t, http.StatusOK)
	r.doc(t)
	if !strings.Contains(r.body, "Inferred, review") || !strings.Contains(r.body, "CTPAT HC") {
		t.Error("inferred status not shown on the ISO assessment")
	}
	// Evidence upload and a gap action.
	c.postFile("/assessments/"+xc+"/evidence", url.Values{"node_urn": {"urn:bulkhead:risk:req_node:ctpat-msc:6.1"}, "valid_until": {"2030-01-01"}}, "file", "seal-log.csv", []byte("a,b\n")).want(t, http.StatusSeeOther)
	c.post("/assessments/"+xi.ID+"/answers", url.Values{"status-" + rowIndex(t, e, xi.ID, "6.1.2"): {"non_compliant"}}).want(t, http.StatusSeeOther)
	c.post("/assessments/"+xi.ID+"/actions", url.Values{"node_urn": {"urn:bulkhead:risk:req_node:iso28000-2022:6.1.2"}, "title": {""}, "owner_id": {admin.ID}}).want(t, http.StatusUnprocessableEntity).doc(t)
	c.post("/assessments/"+xi.ID+"/actions", url.Values{"node_urn": {"urn:bulkhead:risk:req_node:iso28000-2022:6.1.2"}, "title": {"Method"}, "owner_id": {admin.ID}, "due": {"2030-01-01"}}).want(t, http.StatusSeeOther)

	for _, p := range []string{"/libraries", "/libraries/import", "/libraries/" + iso, "/libraries/" + ct, "/libraries/" + web,
		"/libraries/" + libID(t, e, "urn:bulkhead:risk:library:mapping-ctpat-msc-iso28000"), "/assessments", "/assessments/" + xc, "/assessments/" + xi.ID, "/assessments/" + xi.ID + "/soa"} {
		t.Run(p, func(t *testing.T) { c.get(p).want(t, http.StatusOK).doc(t) })
	}
	if r := c.get("/assessments/"+xi.ID+"/soa?format=csv").want(t, http.StatusOK); !strings.Contains(r.body, "6.1.2,") {
		t.Errorf("SoA CSV:\n%s", r.body)
	}
	if r := c.get("/libraries/"+iso+"/export?format=oscal").want(t, http.StatusOK); !strings.Contains(r.body, `"catalog"`) {
		t.Error("OSCAL export")
	}
	c.get("/assessments/"+xi.ID+"/export?format=poam").want(t, http.StatusOK)

	// A viewer sees the pages but no forms that change anything.
	vc := e.client()
	e.addUser(e.org.ID, "viewer@example.com", bulkhead.RoleViewer, "es", "UTC")
	vc.login("viewer@example.com")
	if r := vc.get("/assessments/"+xc).want(t, http.StatusOK); strings.Contains(r.body, `name="status-`) {
		t.Error("viewer gets the answer form")
	}
	vc.get("/libraries/import").want(t, http.StatusForbidden)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// rowIndex is the answer-table key of a requirement in an assessment: its
// URN.
func rowIndex(t *testing.T, e *env, id, ref string) string {
	t.Helper()
	v, err := e.svc.Assessment(context.Background(), service.SystemActor(e.org.ID, "test"), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range v.Rows {
		if row.Node.RefID == ref {
			return row.Node.URN
		}
	}
	t.Fatalf("no requirement %s", ref)
	return ""
}

// TestBrowserAssessmentFlow drives the assessment pages in a real browser:
// start an ISO 28000 assessment, mark a requirement not applicable without
// a justification and see the row marked, then justify it and see the
// readiness change.
func TestBrowserAssessmentFlow(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "Europe/Amsterdam")
	iso := libID(t, e, "urn:bulkhead:risk:library:iso28000-2022")
	ctx, consoleErrors := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
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
	step("open login", chromedp.Navigate(e.srv.URL+"/assessments"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	step("fill login", chromedp.SendKeys(chromedp.CSS("#f-email"), "admin@harbourline.example"), chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword))
	if status := submit("log in", chromedp.CSS("form[action='/login'] button[type=submit]")); status != 200 {
		t.Fatalf("after login: status %d", status)
	}
	step("fill new assessment", chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SetValue(chromedp.CSS("#f-library_id"), iso), chromedp.SendKeys(chromedp.CSS("#f-name"), "Browser gap"))
	if status := submit("create", chromedp.CSS("form[action='/assessments'] button[type=submit]")); status != 200 {
		t.Fatalf("create: status %d", status)
	}
	const sel = `select[name="status-urn:bulkhead:risk:req_node:iso28000-2022:4.3"]`
	step("mark 4.3 not applicable", chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), "not_applicable"))
	if status := submit("save without justification", chromedp.CSS("form[action$='/answers'] button[type=submit]")); status != 422 {
		t.Fatalf("save: status %d, want 422", status)
	}
	if msg := text("tr.has-error .field-error"); !strings.Contains(msg, "justification") {
		t.Errorf("row error = %q", msg)
	}
	step("justify", chromedp.SendKeys(chromedp.CSS(`input[name="justification-urn:bulkhead:risk:req_node:iso28000-2022:4.3"]`), "Single site"))
	if status := submit("save", chromedp.CSS("form[action$='/answers'] button[type=submit]")); status != 200 {
		t.Fatalf("save: status %d", status)
	}
	if got := text(".lib-kpis"); !strings.Contains(got, "2 % assessed") {
		t.Errorf("readiness after one answer: %q", got)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// TestLibraryHarmonizedPages: the library list shows the five
// harmonized-structure frameworks with their coverage line; an ISO 28000
// requirement shows its counterparts (catalog page and assessment row), and
// answering it pre-fills the ISO/IEC 27001 clause with its source shown.
func TestLibraryHarmonizedPages(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	ctx := context.Background()
	sys := service.SystemActor(e.org.ID, "test")
	libs, err := e.svc.Libraries(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	list := c.get("/libraries").want(t, http.StatusOK)
	list.doc(t)
	hs := map[string]*bulkhead.Library{}
	for _, l := range libs {
		if strings.HasSuffix(l.URN, "-hs") && l.FrameworkURN != "" {
			hs[l.URN] = l
			line := fmt.Sprintf("%d requirements: 0 confirmed in primary sources, %d harmonized structure, 0 from secondary sources only", l.AssessableCount, l.AssessableCount)
			if !strings.Contains(list.body, ">"+l.Name+"<") || !strings.Contains(list.body, line) {
				t.Errorf("library list lacks %s with %q", l.Name, line)
			}
		}
	}
	if len(hs) != 5 {
		t.Fatalf("%d harmonized-structure libraries listed", len(hs))
	}
	iso := libID(t, e, "urn:bulkhead:risk:library:iso28000-2022")
	q := hs["urn:bulkhead:risk:library:iso9001-2015-hs"].ID
	x := hs["urn:bulkhead:risk:library:iso27001-2022-hs"].ID
	r := c.get("/libraries/"+iso).want(t, http.StatusOK)
	r.doc(t)
	for _, want := range []string{`id="n-10.1"`, "Same harmonized-structure clause (evidence reusable) in", `href="/libraries/` + q + `#n-10.3"`, `href="/libraries/` + x + `#n-9.2.1"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("ISO 28000 page lacks %s", want)
		}
	}
	if r := c.get("/libraries/"+x).want(t, http.StatusOK); !strings.Contains(r.body, `href="/libraries/`+iso+`#n-9.2.1"`) {
		t.Error("ISO/IEC 27001 page does not link back to ISO 28000 9.2.1")
	}

	xi, err := e.svc.CreateAssessment(ctx, sys, service.AssessmentInput{LibraryID: &iso, Name: libPtr("ISO gap")})
	if err != nil {
		t.Fatal(err)
	}
	xs, err := e.svc.CreateAssessment(ctx, sys, service.AssessmentInput{LibraryID: &x, Name: libPtr("ISMS clauses")})
	if err != nil {
		t.Fatal(err)
	}
	c.post("/assessments/"+xi.ID+"/answers", url.Values{"status-" + rowIndex(t, e, xi.ID, "9.2.1"): {"compliant"}}).want(t, http.StatusSeeOther)
	r = c.get("/assessments/"+xs.ID).want(t, http.StatusOK)
	r.doc(t)
	for _, want := range []string{"Inferred, review", "ISO gap — ISO 28000:2022 9.2.1: compliant (equal)", `href="/libraries/` + iso + `#n-9.2.1"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("27001 assessment lacks %q", want)
		}
	}
	if r := c.get("/assessments/"+xi.ID).want(t, http.StatusOK); !strings.Contains(r.body, `href="/libraries/`+x+`#n-9.2.1"`) {
		t.Error("ISO 28000 assessment row does not show its 27001 counterpart")
	}
}
