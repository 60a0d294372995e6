package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

func TestMarkdownIsSafe(t *testing.T) {
	t.Parallel()
	src := "# Title\n\nText <script>alert(1)</script> and <img src=x onerror=alert(2)>.\n\n" +
		"<div onclick=\"steal()\">block html</div>\n\n" +
		"[click](javascript:alert(3)) [also](JAVASCRIPT:alert(4)) [data](data:text/html;base64,PHNjcmlwdD4=) " +
		"[ok](https://example.com/a?b=1) ![img](javascript:alert(5))\n\n{onclick=alert(6)}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	h, err := renderMarkdown(src)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.ToLower(string(h))
	for _, bad := range []string{"<script", "onerror=", "onclick=\"", "javascript:", "data:text/html", "<div", "<img src=\"x\""} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered Markdown contains %q:\n%s", bad, h)
		}
	}
	for _, good := range []string{"<h3>title</h3>", `<a href="https://example.com/a?b=1">ok</a>`, "<table>", "<td>2</td>"} {
		if !strings.Contains(out, good) {
			t.Errorf("rendered Markdown lacks %q:\n%s", good, h)
		}
	}
}

// docEnv is an env with the members the document workflow needs.
func docEnv(t *testing.T) (*env, map[bulkhead.Role]*client) {
	t.Helper()
	e := newEnv(t)
	clients := map[bulkhead.Role]*client{}
	for _, r := range []bulkhead.Role{bulkhead.RoleAdmin, bulkhead.RoleTopManagement, bulkhead.RoleSecurityManager, bulkhead.RoleSiteOfficer, bulkhead.RoleViewer} {
		email := strings.ReplaceAll(string(r), "_", ".") + "@harbourline.example"
		e.addUser("", email, r, "en", "Europe/Amsterdam")
		c := e.client()
		c.login(email)
		clients[r] = c
	}
	return e, clients
}

// postDocMultipart posts a multipart form (with the session's CSRF token unless
// token is "-") and an optional file.
func (c *client) postDocMultipart(path string, fields url.Values, fileName string, file []byte, token string) *response {
	c.t.Helper()
	if token == "" {
		if c.csrf == "" {
			c.get("/")
		}
		token = c.csrf
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if token != "-" {
		mw.WriteField(csrfField, token)
	}
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &b)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// docByRef finds the document of a reference.
func (e *env) docByRef(ref string) *bulkhead.Document {
	e.t.Helper()
	list, _, err := e.svc.Documents(context.Background(), service.SystemActor(e.org.ID, "test"), bulkhead.DocumentFilter{Query: ref, Status: bulkhead.StatusAll})
	if err != nil || len(list) != 1 {
		e.t.Fatalf("document %s: %d found, %v", ref, len(list), err)
	}
	return list[0]
}

func (e *env) docAuditSeq() int64 {
	e.t.Helper()
	h, err := e.svc.Store().AuditHead(context.Background(), e.org.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return h.Seq
}

func TestDocumentWebFlow(t *testing.T) {
	t.Parallel()
	e, cs := docEnv(t)
	secm, topm, admin, siteo := cs[bulkhead.RoleSecurityManager], cs[bulkhead.RoleTopManagement], cs[bulkhead.RoleAdmin], cs[bulkhead.RoleSiteOfficer]
	secm.get("/documents/new").want(t, http.StatusOK).doc(t)
	// Bad metadata: the form comes back with the problems at their fields.
	before := e.docAuditSeq()
	bad := secm.post("/documents", url.Values{"title": {""}, "reference": {"POL 1"}, "type": {"policy"}, "classification": {"internal"},
		"review_due": {"2001-02-03"}, "review_months": {"x"}}).want(t, http.StatusUnprocessableEntity)
	doc := bad.doc(t)
	for _, id := range []string{"f-review_months-error"} {
		if len(doc.find(func(n *node) bool { return n.attrs["id"] == id })) != 1 {
			t.Errorf("no %s in the re-shown form", id)
		}
	}
	bad = secm.post("/documents", url.Values{"title": {""}, "reference": {"POL 1"}, "type": {"policy"}, "classification": {"internal"},
		"review_due": {"2001-02-03"}, "owner_id": {"nobody"}}).want(t, http.StatusUnprocessableEntity)
	doc = bad.doc(t)
	for _, id := range []string{"f-title-error", "f-reference-error", "f-review_due-error", "f-owner_id-error"} {
		if len(doc.find(func(n *node) bool { return n.attrs["id"] == id })) != 1 {
			t.Errorf("no %s in the re-shown form:\n%s", id, bad.body)
		}
	}
	if !strings.Contains(bad.body, "is before the date it must follow") {
		t.Error("the date-order message is missing")
	}
	if e.docAuditSeq() != before {
		t.Fatal("an invalid document was saved")
	}
	secmUser, _ := e.svc.Store().UserByEmail(context.Background(), "security.manager@harbourline.example")
	res := secm.post("/documents", url.Values{"title": {"Security policy"}, "reference": {"sec-pol-001"}, "type": {"policy"},
		"owner_id": {secmUser.ID}, "classification": {"internal"}, "ack_required": {"yes"}, "ack_roles": {"site_officer", "viewer"},
		"review_months": {"12"}}).want(t, http.StatusSeeOther)
	d := e.docByRef("SEC-POL-001")
	if res.location() != "/documents/"+d.ID || !d.AckRequired || len(d.AckRoles) != 2 {
		t.Fatalf("created %+v, redirect %s", d, res.location())
	}
	secm.get("/documents/"+d.ID).want(t, http.StatusOK).doc(t)
	secm.get("/documents/"+d.ID+"/draft").want(t, http.StatusOK).doc(t)

	// A draft without a CSRF token is refused.
	before = e.docAuditSeq()
	secm.postDocMultipart("/documents/"+d.ID+"/draft", url.Values{"body": {"x"}}, "", nil, "-").want(t, http.StatusForbidden)
	secm.postDocMultipart("/documents/"+d.ID+"/draft", url.Values{"body": {"x"}}, "", nil, "wrong").want(t, http.StatusForbidden)
	// A mislabelled upload is shown at the file field.
	page := secm.postDocMultipart("/documents/"+d.ID+"/draft", url.Values{"body": {""}}, "policy.pdf", []byte("<html><script>alert(1)</script></html>"), "").
		want(t, http.StatusUnprocessableEntity)
	page.doc(t)
	if !strings.Contains(page.body, `id="f-file-error"`) || !strings.Contains(page.body, "checked by its content") {
		t.Errorf("file error not shown:\n%s", page.body)
	}
	if e.docAuditSeq() != before {
		t.Fatal("a refused draft wrote something")
	}
	body := "# Our policy\n\nWe keep freight safe. <script>alert('x')</script> [bad](javascript:alert(1))"
	secm.postDocMultipart("/documents/"+d.ID+"/draft", url.Values{"body": {body}, "note": {"First issue"}}, "", nil, "").want(t, http.StatusSeeOther)
	page = secm.get("/documents/"+d.ID).want(t, http.StatusOK)
	page.doc(t)
	if !strings.Contains(page.body, "<h3>Our policy</h3>") || strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "javascript:") {
		t.Errorf("draft not rendered safely:\n%s", page.body)
	}
	v := docLatest(t, e, d.ID)

	// Publishing without approval is refused, with the reason on the page.
	before = e.docAuditSeq()
	page = secm.post("/documents/"+d.ID+"/versions/"+v.ID+"/publish", nil).want(t, http.StatusConflict)
	if !strings.Contains(page.body, `id="doc-alert"`) {
		t.Error("refusal not explained")
	}
	secm.post("/documents/"+d.ID+"/versions/"+v.ID+"/submit", nil).want(t, http.StatusSeeOther)
	// The admin may not approve a policy; the button is not offered either.
	if strings.Contains(admin.get("/documents/"+d.ID).body, `data-step="approve"`) {
		t.Error("admin is offered the policy's approval")
	}
	admin.post("/documents/"+d.ID+"/versions/"+v.ID+"/approve", nil).want(t, http.StatusForbidden)
	if e.docAuditSeq() != before+1 {
		t.Errorf("refusals wrote to the trail: %d → %d", before, e.docAuditSeq())
	}
	if !strings.Contains(topm.get("/documents/"+d.ID).body, `data-step="approve"`) {
		t.Error("top management is not offered the approval")
	}
	topm.post("/documents/"+d.ID+"/versions/"+v.ID+"/approve", nil).want(t, http.StatusSeeOther)
	secm.post("/documents/"+d.ID+"/versions/"+v.ID+"/publish", nil).want(t, http.StatusSeeOther)

	// The site officer acknowledges; the count moves.
	page = siteo.get("/documents/"+d.ID).want(t, http.StatusOK)
	page.doc(t)
	if !strings.Contains(page.body, `id="ack-button"`) {
		t.Fatal("no acknowledge button for the site officer")
	}
	if c := docAckCount(secm.get("/documents/" + d.ID).body); c != "0 of 2 acknowledged" {
		t.Errorf("count before = %q", c)
	}
	siteo.post("/documents/"+d.ID+"/acknowledge", url.Values{"version_id": {v.ID}}).want(t, http.StatusSeeOther)
	if c := docAckCount(secm.get("/documents/" + d.ID).body); c != "1 of 2 acknowledged" {
		t.Errorf("count after = %q", c)
	}
	if !strings.Contains(siteo.get("/documents/"+d.ID).body, `id="my-ack"`) {
		t.Error("the site officer's acknowledgement is not shown")
	}

	// Editing the published text starts version 2; version 1 stays published.
	secm.postDocMultipart("/documents/"+d.ID+"/draft", url.Values{"body": {"# Our policy\n\nVersion two."}}, "", nil, "").want(t, http.StatusSeeOther)
	v2 := docLatest(t, e, d.ID)
	if v2.Number != 2 || v2.Status != bulkhead.VersionDraft {
		t.Errorf("after editing: v%d %s", v2.Number, v2.Status)
	}
	// Acknowledging the draft is refused.
	siteo.post("/documents/"+d.ID+"/acknowledge", url.Values{"version_id": {v2.ID}}).want(t, http.StatusConflict)

	// Pages render and pass the page rules.
	for _, p := range []string{"/documents", "/documents?q=pol&type=policy&state=draft&sort=review_due&dir=desc", "/documents?status=all&classification=internal",
		"/documents/" + d.ID + "/versions/" + v.ID, "/documents/" + d.ID + "/edit", "/areas/leadership", "/areas/support", "/audit?object_type=document&object_id=" + d.ID} {
		r := secm.get(p).want(t, http.StatusOK)
		if i := strings.Index(r.body, "%!"); i >= 0 {
			t.Logf("%s: %s", p, r.body[max(0, i-300):i+50])
		}
		r.doc(t)
	}
	if !strings.Contains(secm.get("/areas/support").body, `href="/documents"`) {
		t.Error("the support area does not link the documents")
	}
	// CSV export.
	csv := secm.get("/documents/export.csv?type=policy").want(t, http.StatusOK)
	if !strings.Contains(csv.body, "SEC-POL-001,Security policy,policy,internal") {
		t.Errorf("export:\n%s", csv.body)
	}
	// A viewer has no draft or approval controls.
	vp := cs[bulkhead.RoleViewer].get("/documents/"+d.ID).want(t, http.StatusOK)
	if strings.Contains(vp.body, "/draft") || strings.Contains(vp.body, "data-step") {
		t.Error("viewer sees editing controls")
	}
	cs[bulkhead.RoleViewer].get("/documents/"+d.ID+"/draft").want(t, http.StatusForbidden)
}

func docAckCount(body string) string {
	i := strings.Index(body, `id="ack-count"`)
	if i < 0 {
		return ""
	}
	s := body[i:]
	s = s[strings.Index(s, `stat-value">`)+len(`stat-value">`):]
	return s[:strings.Index(s, "<")]
}

func docLatest(t *testing.T, e *env, docID string) *bulkhead.DocumentVersion {
	t.Helper()
	vs, err := e.svc.DocumentVersions(context.Background(), service.SystemActor(e.org.ID, "test"), docID)
	if err != nil || len(vs) == 0 {
		t.Fatalf("versions: %v", err)
	}
	return vs[0]
}

func TestDocumentWebUploadAndScope(t *testing.T) {
	t.Parallel()
	e, cs := docEnv(t)
	secm := cs[bulkhead.RoleSecurityManager]
	st := e.createSite("", "Rotterdam Port Warehouse", "NLRTM", "NL")
	sys := service.SystemActor(e.org.ID, "test")
	secmUser, _ := e.svc.Store().UserByEmail(context.Background(), "security.manager@harbourline.example")
	mk := func(ref, typ string) *bulkhead.Document {
		d, err := e.svc.CreateDocument(context.Background(), sys, bulkhead.DocumentInput{Reference: &ref, Title: &ref, Type: &typ, OwnerID: &secmUser.ID})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	form := mk("FRM-1", "form")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
	secm.postDocMultipart("/documents/"+form.ID+"/draft", url.Values{"note": {"scan"}}, "seal-log.pdf", pdf, "").want(t, http.StatusSeeOther)
	v := docLatest(t, e, form.ID)
	page := secm.get("/documents/"+form.ID).want(t, http.StatusOK)
	page.doc(t)
	if !strings.Contains(page.body, v.FileSHA256) || !strings.Contains(page.body, "/file") {
		t.Error("the file's SHA-256 or link is not shown")
	}
	dl := secm.get("/documents/"+form.ID+"/versions/"+v.ID+"/file").want(t, http.StatusOK)
	if dl.body != string(pdf) || dl.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %v", dl.header)
	}
	// Too large: the form says so at the file field, nothing changes.
	before := e.docAuditSeq()
	big := append(append([]byte{}, pdf...), make([]byte, bulkhead.MaxDocumentFile+2<<20)...)
	page = secm.postDocMultipart("/documents/"+form.ID+"/draft", nil, "big.pdf", big, "").want(t, http.StatusRequestEntityTooLarge)
	page.doc(t)
	if !strings.Contains(page.body, `id="f-file-error"`) || !strings.Contains(page.body, "at most 20 MiB") {
		t.Errorf("size error not at the field:\n%.2000s", page.body)
	}
	if e.docAuditSeq() != before {
		t.Error("an oversized upload wrote something")
	}

	// The scope: an exclusion without a justification is refused at its field.
	scope := mk("SCP-1", "scope")
	secm.get("/documents/"+scope.ID+"/draft").want(t, http.StatusOK).doc(t)
	page = secm.postDocMultipart("/documents/"+scope.ID+"/draft", url.Values{"body": {"Scope."}, "site_ids": {st.ID}, "exclusion_0": {"Brokerage"}}, "", nil, "").
		want(t, http.StatusUnprocessableEntity)
	page.doc(t)
	if !strings.Contains(page.body, `id="f-exclusions-error"`) || !strings.Contains(page.body, `value="Brokerage"`) {
		t.Errorf("exclusion error not shown or value lost:\n%.3000s", page.body)
	}
	secm.postDocMultipart("/documents/"+scope.ID+"/draft", url.Values{"body": {"Scope."}, "site_ids": {st.ID}, "activities": {"Storage\nStuffing"},
		"exclusion_0": {"Brokerage"}, "justification_0": {"Bought in"}}, "", nil, "").want(t, http.StatusSeeOther)
	page = secm.get("/documents/"+scope.ID).want(t, http.StatusOK)
	page.doc(t)
	for _, want := range []string{"Rotterdam Port Warehouse", "Stuffing", "Bought in"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("scope page lacks %q", want)
		}
	}
}

func TestDocumentWebListPaging(t *testing.T) {
	t.Parallel()
	e, cs := docEnv(t)
	sys := service.SystemActor(e.org.ID, "test")
	u, _ := e.svc.Store().UserByEmail(context.Background(), "admin@harbourline.example")
	for i := range 55 {
		ref, title, typ := fmt.Sprintf("P-%03d", i), fmt.Sprintf("Procedure %03d", i), "procedure"
		if _, err := e.svc.CreateDocument(context.Background(), sys, bulkhead.DocumentInput{Reference: &ref, Title: &title, Type: &typ, OwnerID: &u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	c := cs[bulkhead.RoleViewer]
	page := c.get("/documents").want(t, http.StatusOK)
	page.doc(t)
	if !strings.Contains(page.body, "Documents 1–50 of 55") || !strings.Contains(page.body, `rel="next"`) {
		t.Error("first page count or next link missing")
	}
	page = c.get("/documents?page=2").want(t, http.StatusOK)
	if !strings.Contains(page.body, "Documents 51–55 of 55") || !strings.Contains(page.body, "P-054") {
		t.Error("second page wrong")
	}
	page = c.get("/documents?sort=reference&dir=desc").want(t, http.StatusOK)
	if i, j := strings.Index(page.body, "P-054"), strings.Index(page.body, "P-053"); i < 0 || j < 0 || i > j {
		t.Error("descending reference sort wrong")
	}
	c.get("/documents?type=memo").want(t, http.StatusUnprocessableEntity).doc(t)
}
