package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// docEnv adds members of the roles the document workflow needs, with tokens.
func docEnv(t *testing.T) *env {
	e := setup(t)
	for _, r := range []bulkhead.Role{bulkhead.RoleSecurityManager, bulkhead.RoleTopManagement, bulkhead.RoleSiteOfficer, bulkhead.RolePartner} {
		email := string(r) + "@one.example"
		u, err := e.svc.AddMember(ctx, service.SystemActor(e.org.ID, "test"), service.NewUser{Email: email, Name: string(r), Password: "a long test password", Role: r})
		if err != nil {
			t.Fatal(err)
		}
		raw, _, err := e.svc.CreateAPIToken(ctx, service.Actor{UserID: u.ID, Name: email, OrgID: e.org.ID, Role: r}, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[string(r)] = raw
	}
	return e
}

// upload posts a multipart file (with the part Content-Type the client
// claims) to path.
func (e *env) docUpload(role, method, path, name, claimed string, content []byte, note string) result {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if note != "" {
		mw.WriteField("note", note)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", claimed)
	pw, err := mw.CreatePart(h)
	if err != nil {
		e.t.Fatal(err)
	}
	pw.Write(content)
	mw.Close()
	return e.do(role, method, path, mw.FormDataContentType(), b.String())
}

func (e *env) docAuditSeq() int64 {
	e.t.Helper()
	h, err := e.svc.Store().AuditHead(ctx, e.org.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return h.Seq
}

func docStr(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func TestDocumentAPIWorkflow(t *testing.T) {
	t.Parallel()
	e := docEnv(t)
	r := e.json("security_manager", "POST", "/api/v1/documents", `{"reference":"sec-pol-001","title":"Security policy","type":"policy","ack_required":true,"review_months":12}`)
	if r.status != 201 || docStr(r.body, "reference") != "SEC-POL-001" || r.header.Get("Location") == "" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := docStr(r.body, "id")
	base := "/api/v1/documents/" + id
	r = e.json("security_manager", "POST", base+"/versions", `{"body":"# Policy\n\n<script>alert(1)</script>","note":"first"}`)
	if r.status != 201 || r.body["number"].(float64) != 1 || docStr(r.body, "status") != "draft" {
		t.Fatalf("draft: %d %s", r.status, r.raw)
	}
	vid := docStr(r.body, "id")
	vbase := base + "/versions/" + vid

	steps := []struct {
		name, role, method, path, body string
		status                         int
		code                           string
	}{
		{"publish a draft", "security_manager", "POST", vbase + "/publish", "", 409, "conflict"},
		{"submit", "security_manager", "POST", vbase + "/submit", "", 200, ""},
		{"edit in review", "security_manager", "PATCH", vbase, `{"body":"changed"}`, 409, "conflict"},
		{"publish without approval", "security_manager", "POST", vbase + "/publish", "", 409, "conflict"},
		{"approve: wrong role for a policy", "admin", "POST", vbase + "/approve", "", 403, "forbidden"},
		{"approve: viewer", "viewer", "POST", vbase + "/approve", "", 403, "forbidden"},
		{"acknowledge before publication", "site_officer", "POST", base + "/acknowledge", "", 409, "conflict"},
		{"approve", "top_management", "POST", vbase + "/approve", "", 200, ""},
		{"publish", "security_manager", "POST", vbase + "/publish", "", 200, ""},
		{"edit published", "security_manager", "PATCH", vbase, `{"body":"changed"}`, 409, "conflict"},
		{"acknowledge", "site_officer", "POST", base + "/acknowledge", `{"version_id":"` + vid + `"}`, 200, ""},
		{"acknowledge an unknown version", "viewer", "POST", base + "/acknowledge", `{"version_id":"nope"}`, 404, "not_found"},
		{"partner cannot read internal", "partner", "GET", base, "", 404, "not_found"},
		{"acknowledgements: site officer may not see", "site_officer", "GET", base + "/acknowledgements", "", 403, "forbidden"},
	}
	for _, st := range steps {
		before := e.docAuditSeq()
		r := e.json(st.role, st.method, st.path, st.body)
		if r.status != st.status || (st.code != "" && errCode(r) != st.code) {
			t.Fatalf("%s: %d %s, want %d %s", st.name, r.status, r.raw, st.status, st.code)
		}
		if st.status >= 400 && e.docAuditSeq() != before {
			t.Errorf("%s: refused but the audit trail moved", st.name)
		}
	}
	r = e.json("admin", "GET", base+"/acknowledgements", "")
	if r.status != 200 || r.body["acknowledged"].(float64) != 1 || r.body["total"].(float64) != 6 {
		t.Fatalf("acknowledgements: %s", r.raw)
	}
	// The author of a new draft may not approve it.
	r = e.json("top_management", "POST", base+"/versions", `{"body":"v2"}`)
	v2 := base + "/versions/" + docStr(r.body, "id")
	e.json("top_management", "POST", v2+"/submit", "")
	if r = e.json("top_management", "POST", v2+"/approve", ""); r.status != 403 {
		t.Errorf("author approves: %d %s", r.status, r.raw)
	}
	// Versions list, newest first; the body is kept as written (escaped only when shown).
	r = e.json("viewer", "GET", base+"/versions", "")
	items, _ := r.body["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["number"].(float64) != 2 || !strings.Contains(items[1].(map[string]any)["body"].(string), "<script>") {
		t.Errorf("versions: %s", r.raw)
	}
}

func TestDocumentAPIBadInput(t *testing.T) {
	t.Parallel()
	e := docEnv(t)
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"missing title", `{"reference":"A-1","type":"form"}`, 422, "title"},
		{"bad type", `{"reference":"A-1","title":"x","type":"memo"}`, 422, "type"},
		{"bad date", `{"reference":"A-1","title":"x","type":"form","review_due":"2030-13-01"}`, 422, "review_due"},
		{"review date in the past", `{"reference":"A-1","title":"x","type":"form","review_due":"2001-01-01"}`, 422, "review_due"},
		{"unknown field", `{"reference":"A-1","title":"x","type":"form","colour":"red"}`, 400, "colour"},
		{"wrong JSON type", `{"reference":"A-1","title":"x","type":"form","review_months":"twelve"}`, 400, "review_months"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.docAuditSeq()
			r := e.json("security_manager", "POST", "/api/v1/documents", tt.body)
			if r.status != tt.status || errFields(r)[tt.field] == nil {
				t.Errorf("%d %s, want %d with field %s", r.status, r.raw, tt.status, tt.field)
			}
			if e.docAuditSeq() != before {
				t.Error("something was written")
			}
		})
	}
	r := e.json("security_manager", "POST", "/api/v1/documents", `{"reference":"A-1","title":"x","type":"form"}`)
	if r = e.json("security_manager", "POST", "/api/v1/documents", `{"reference":"a-1","title":"y","type":"form"}`); r.status != 409 || errFields(r)["reference"] == nil {
		t.Errorf("duplicate reference: %d %s", r.status, r.raw)
	}
	if r = e.json("viewer", "POST", "/api/v1/documents", `{"reference":"B-1","title":"x","type":"form"}`); r.status != 403 {
		t.Errorf("viewer creates: %d", r.status)
	}
	if r = e.json("admin", "GET", "/api/v1/documents?sort=colour", ""); r.status != 422 {
		t.Errorf("bad sort: %d", r.status)
	}
	if r = e.json("admin", "GET", "/api/v1/documents?colour=red", ""); r.status != 400 {
		t.Errorf("unknown parameter: %d", r.status)
	}
}

func TestDocumentAPIUpload(t *testing.T) {
	t.Parallel()
	e := docEnv(t)
	r := e.json("security_manager", "POST", "/api/v1/documents", `{"reference":"FRM-1","title":"Seal log","type":"form"}`)
	base := "/api/v1/documents/" + docStr(r.body, "id")
	pdf := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	bad := []struct {
		name, file, claimed string
		content             []byte
		status              int
	}{
		{"exe renamed pdf", "seal-log.pdf", "application/pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 64)...), 422},
		{"html sent as pdf", "seal-log.pdf", "application/pdf", []byte("<!doctype html><script>alert(1)</script>"), 422},
		{"png named pdf", "seal-log.pdf", "application/pdf", png, 422},
		{"empty file", "seal-log.pdf", "application/pdf", []byte{}, 422},
		{"far over 20 MiB", "huge.pdf", "application/pdf", append(append([]byte{}, pdf...), make([]byte, bulkhead.MaxDocumentFile+2<<20)...), 413},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			before := e.docAuditSeq()
			r := e.docUpload("security_manager", "POST", base+"/versions", tt.file, tt.claimed, tt.content, "")
			if r.status != tt.status || errFields(r)["file"] == nil {
				t.Errorf("%d %s, want %d with a file error", r.status, r.raw, tt.status)
			}
			if e.docAuditSeq() != before {
				t.Error("something was written")
			}
		})
	}
	// A real PDF, sent with a misleading part type: the content decides.
	r = e.docUpload("security_manager", "POST", base+"/versions", "../../Seal log.pdf", "text/html", pdf, "scanned form")
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.raw)
	}
	f, _ := r.body["file"].(map[string]any)
	sum := sha256.Sum256(pdf)
	if docStr(f, "type") != "application/pdf" || docStr(f, "sha256") != hex.EncodeToString(sum[:]) || docStr(f, "name") != "Seal log.pdf" || docStr(r.body, "note") != "scanned form" {
		t.Errorf("file = %v", r.body)
	}
	vid := docStr(r.body, "id")
	req, _ := http.NewRequest("GET", e.srv.URL+base+"/versions/"+vid+"/file", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["viewer"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, pdf) || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v", resp.StatusCode, resp.Header)
	}
	// Replacing the draft's file with a PNG keeps the version.
	r = e.docUpload("security_manager", "PATCH", base+"/versions/"+vid, "seal.png", "application/octet-stream", png, "")
	if r.status != 200 || docStr(r.body["file"].(map[string]any), "type") != "image/png" {
		t.Errorf("replace: %d %s", r.status, r.raw)
	}
	// Markdown versions have no file.
	r = e.json("security_manager", "PATCH", base+"/versions/"+vid, `{"body":"Now text."}`)
	if r.status != 200 || r.body["file"] != nil {
		t.Errorf("to Markdown: %s", r.raw)
	}
	if r = e.json("viewer", "GET", base+"/versions/"+vid+"/file", ""); r.status != 404 {
		t.Errorf("file of a Markdown version: %d", r.status)
	}
}

func TestDocumentAPIListAndExport(t *testing.T) {
	t.Parallel()
	e := docEnv(t)
	for i, typ := range []string{"procedure", "procedure", "plan", "form"} {
		class := "internal"
		if i == 3 {
			class = "public"
		}
		r := e.json("security_manager", "POST", "/api/v1/documents", fmt.Sprintf(`{"reference":"D-%d","title":"Doc %d","type":%q,"classification":%q}`, i, i, typ, class))
		if r.status != 201 {
			t.Fatal(r.raw)
		}
	}
	r := e.json("admin", "GET", "/api/v1/documents?type=procedure&sort=-reference&limit=1", "")
	items, _ := r.body["items"].([]any)
	if r.status != 200 || r.body["total"].(float64) != 2 || len(items) != 1 || docStr(items[0].(map[string]any), "reference") != "D-1" || r.body["next_offset"].(float64) != 1 {
		t.Errorf("filtered list: %s", r.raw)
	}
	if r = e.json("partner", "GET", "/api/v1/documents", ""); r.body["total"].(float64) != 1 {
		t.Errorf("partner sees: %s", r.raw)
	}
	r = e.do("admin", "GET", "/api/v1/documents/export?q=doc", "", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || strings.Count(r.raw, "\n") != 5 || !strings.Contains(r.raw, "D-3,Doc 3,form,public") {
		t.Errorf("export: %d\n%s", r.status, r.raw)
	}
}
