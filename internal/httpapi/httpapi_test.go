package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/httpapi"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
	"github.com/google/go-cmp/cmp"
)

var ctx = context.Background()

type env struct {
	t      *testing.T
	srv    *httptest.Server
	svc    *service.Service
	org    *bulkhead.Organization
	tokens map[string]string // role → token
	other  string            // a site of another organisation
}

func setup(t *testing.T) *env {
	t.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db, nil)
	e := &env{t: t, svc: svc, tokens: map[string]string{}}
	mkOrg := func(slug string) (*bulkhead.Organization, map[string]service.Actor) {
		org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org "+slug, slug)
		if err != nil {
			t.Fatal(err)
		}
		actors := map[string]service.Actor{}
		for _, r := range []bulkhead.Role{bulkhead.RoleAdmin, bulkhead.RoleViewer} {
			email := string(r) + "@" + slug + ".example"
			u, err := svc.AddMember(ctx, service.SystemActor(org.ID, "test"), service.NewUser{Email: email, Name: string(r), Password: "a long test password", Role: r})
			if err != nil {
				t.Fatal(err)
			}
			actors[string(r)] = service.Actor{UserID: u.ID, Name: email, OrgID: org.ID, Role: r}
		}
		return org, actors
	}
	var actors map[string]service.Actor
	e.org, actors = mkOrg("one")
	for r, a := range actors {
		raw, _, err := svc.CreateAPIToken(ctx, a, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = raw
	}
	_, otherActors := mkOrg("two")
	s, err := svc.CreateSite(ctx, otherActors["admin"], bulkhead.SiteInput{Name: ptr("Other DC"), Type: ptr("warehouse"), Country: ptr("DE")})
	if err != nil {
		t.Fatal(err)
	}
	e.other = s.ID
	e.srv = httptest.NewServer(httpapi.New(svc, nil))
	t.Cleanup(e.srv.Close)
	return e
}

func ptr[T any](v T) *T { return &v }

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (e *env) do(role, method, path, contentType, body string) result {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	json.Unmarshal(b, &r.body)
	return r
}

func (e *env) json(role, method, path, body string) result {
	e.t.Helper()
	return e.do(role, method, path, "application/json", body)
}

// counts returns the organisation's number of sites and audit entries.
func (e *env) counts() (int, int64) {
	e.t.Helper()
	_, n, err := e.svc.Store().Sites(ctx, bulkhead.SiteFilter{OrgID: e.org.ID, Status: bulkhead.StatusAll, Sort: bulkhead.SiteSortName, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	h, err := e.svc.Store().AuditHead(ctx, e.org.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return n, h.Seq
}

func errFields(r result) map[string]any {
	e, _ := r.body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

func errCode(r result) string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	var inDoc, inRoutes []string
	for p, ops := range doc.Paths {
		for m := range ops {
			inDoc = append(inDoc, strings.ToUpper(m)+" "+p)
		}
	}
	for _, r := range httpapi.Routes() {
		inRoutes = append(inRoutes, r.Method+" "+r.Path)
	}
	sort.Strings(inDoc)
	sort.Strings(inRoutes)
	if diff := cmp.Diff(inRoutes, inDoc); diff != "" {
		t.Errorf("OpenAPI paths differ from the routes (-routes +doc):\n%s", diff)
	}
	// And the served document is the embedded one.
	e := setup(t)
	r := e.do("", "GET", "/api/v1/openapi.json", "", "")
	if r.status != 200 || r.raw != string(httpapi.OpenAPI()) {
		t.Errorf("GET openapi.json = %d", r.status)
	}
}

func TestSiteLifecycle(t *testing.T) {
	e := setup(t)
	r := e.json("admin", "POST", "/api/v1/sites", `{"name":"Rotterdam DC","type":"distribution_centre","unlocode":"nlrtm","country":"nl","time_zone":"Europe/Amsterdam","address":"Maasvlakte 1"}`)
	if r.status != 201 {
		t.Fatalf("create = %d %s", r.status, r.raw)
	}
	id, _ := r.body["id"].(string)
	if loc := r.header.Get("Location"); loc != "/api/v1/sites/"+id || r.body["unlocode"] != "NLRTM" {
		t.Errorf("Location %q, body %v", loc, r.body)
	}
	r = e.json("admin", "PATCH", "/api/v1/sites/"+id, `{"notes":"Gate 4 only"}`)
	if r.status != 200 || r.body["notes"] != "Gate 4 only" || r.body["name"] != "Rotterdam DC" {
		t.Fatalf("patch = %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/sites/"+id+"/archive", ``)
	if r.status != 200 || r.body["archived_at"] == nil {
		t.Fatalf("archive = %d %s", r.status, r.raw)
	}
	r = e.do("viewer", "GET", "/api/v1/sites?status=archived", "", "")
	if r.status != 200 || r.body["total"] != float64(1) {
		t.Fatalf("list archived = %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/sites/"+id+"/restore", ``)
	if r.status != 200 || r.body["archived_at"] != nil {
		t.Fatalf("restore = %d %s", r.status, r.raw)
	}
	r = e.do("viewer", "GET", "/api/v1/audit?object_id="+id, "", "")
	if r.status != 403 {
		t.Errorf("viewer reads the audit trail: %d", r.status)
	}
	r = e.do("admin", "GET", "/api/v1/audit?object_id="+id, "", "")
	items, _ := r.body["items"].([]any)
	var actions []string
	for _, it := range items {
		actions = append(actions, it.(map[string]any)["action"].(string))
	}
	if diff := cmp.Diff([]string{"site.restore", "site.archive", "site.update", "site.create"}, actions); diff != "" {
		t.Errorf("audit actions (-want +got):\n%s", diff)
	}
	r = e.do("admin", "GET", "/api/v1/audit/verify", "", "")
	if r.status != 200 || r.body["intact"] != true {
		t.Errorf("verify = %d %s", r.status, r.raw)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	e := setup(t)
	ok := `{"name":"Hamburg Yard","type":"yard","country":"DE"}`
	tests := []struct {
		name, role, method, path, ctype, body string
		status                                int
		code                                  string
		fields                                []string
	}{
		{"no token", "", "POST", "/api/v1/sites", "application/json", ok, 401, "unauthorized", nil},
		{"malformed JSON", "admin", "POST", "/api/v1/sites", "application/json", `{"name":`, 400, "bad_request", nil},
		{"syntax error", "admin", "POST", "/api/v1/sites", "application/json", `{"name" "x"}`, 400, "bad_request", nil},
		{"unknown field", "admin", "POST", "/api/v1/sites", "application/json", `{"name":"X","type":"yard","country":"DE","colour":"red"}`, 400, "bad_request", []string{"colour"}},
		{"wrong JSON type", "admin", "POST", "/api/v1/sites", "application/json", `{"name":5,"type":"yard","country":"DE"}`, 400, "bad_request", []string{"name"}},
		{"two objects", "admin", "POST", "/api/v1/sites", "application/json", ok + ok, 400, "bad_request", nil},
		{"array", "admin", "POST", "/api/v1/sites", "application/json", `[1]`, 400, "bad_request", nil},
		{"oversized", "admin", "POST", "/api/v1/sites", "application/json", `{"name":"` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}`, 413, "too_large", nil},
		{"not JSON", "admin", "POST", "/api/v1/sites", "text/plain", ok, 415, "unsupported_media_type", nil},
		{"missing required", "admin", "POST", "/api/v1/sites", "application/json", `{}`, 422, "invalid", []string{"country", "name", "type"}},
		{"invalid enum", "admin", "POST", "/api/v1/sites", "application/json", `{"name":"X","type":"castle","country":"DE"}`, 422, "invalid", []string{"type"}},
		{"UN/LOCODE shape", "admin", "POST", "/api/v1/sites", "application/json", `{"name":"X","type":"yard","country":"DE","unlocode":"DE-HAM"}`, 422, "invalid", []string{"unlocode"}},
		{"viewer may not create", "viewer", "POST", "/api/v1/sites", "application/json", ok, 403, "forbidden", nil},
		{"other org's site", "admin", "PATCH", "/api/v1/sites/" + e.other, "application/json", `{"name":"Mine now"}`, 404, "not_found", nil},
		{"other org's site archive", "admin", "POST", "/api/v1/sites/" + e.other + "/archive", "", ``, 404, "not_found", nil},
		{"unknown query parameter", "admin", "GET", "/api/v1/sites?colour=red", "", ``, 400, "bad_request", []string{"colour"}},
		{"bad limit", "admin", "GET", "/api/v1/sites?limit=100000", "", ``, 422, "invalid", []string{"limit"}},
		{"non-numeric offset", "admin", "GET", "/api/v1/sites?offset=x", "", ``, 400, "bad_request", []string{"offset"}},
		{"bad sort", "admin", "GET", "/api/v1/sites?sort=-colour", "", ``, 422, "invalid", []string{"sort"}},
		{"no such endpoint", "admin", "GET", "/api/v1/nothing", "", ``, 404, "not_found", nil},
		{"bad token expiry", "admin", "POST", "/api/v1/tokens", "application/json", `{"name":"x","expires_in_days":0}`, 422, "invalid", []string{"expires_in_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sites, entries := e.counts()
			r := e.do(tt.role, tt.method, tt.path, tt.ctype, tt.body)
			if r.status != tt.status || errCode(r) != tt.code {
				t.Errorf("got %d %s, want %d %s", r.status, r.raw, tt.status, tt.code)
			}
			var fields []string
			for f, msg := range errFields(r) {
				fields = append(fields, f)
				if s, _ := msg.(string); s == "" || strings.HasPrefix(s, "err.") {
					t.Errorf("field %s has no readable message: %v", f, msg)
				}
			}
			sort.Strings(fields)
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if s2, e2 := e.counts(); s2 != sites || e2 != entries {
				t.Errorf("a failed request wrote: sites %d → %d, audit entries %d → %d", sites, s2, entries, e2)
			}
		})
	}
}

func TestListPagingAndTokens(t *testing.T) {
	e := setup(t)
	for _, n := range []string{"Echo", "alpha", "Delta", "bravo", "Charlie"} {
		if r := e.json("admin", "POST", "/api/v1/sites", `{"name":"`+n+`","type":"office","country":"ES"}`); r.status != 201 {
			t.Fatal(r.raw)
		}
	}
	names := func(r result) []string {
		var out []string
		for _, it := range r.body["items"].([]any) {
			out = append(out, it.(map[string]any)["name"].(string))
		}
		return out
	}
	r := e.do("viewer", "GET", "/api/v1/sites?limit=2&offset=2&sort=-name", "", "")
	if diff := cmp.Diff([]string{"Charlie", "bravo"}, names(r)); diff != "" || r.body["total"] != float64(5) || r.body["next_offset"] != float64(4) {
		t.Errorf("page = %s (-want +got):\n%s", r.raw, diff)
	}
	r = e.do("viewer", "GET", "/api/v1/sites?q=HAR", "", "")
	if diff := cmp.Diff([]string{"Charlie"}, names(r)); diff != "" || r.body["next_offset"] != nil {
		t.Errorf("search = %s", r.raw)
	}

	r = e.json("viewer", "POST", "/api/v1/tokens", `{"name":"laptop","expires_in_days":30}`)
	raw, _ := r.body["token"].(string)
	if r.status != 201 || !strings.HasPrefix(raw, "bh_") {
		t.Fatalf("create token = %d %s", r.status, r.raw)
	}
	e.tokens["laptop"] = raw
	r = e.do("laptop", "GET", "/api/v1/me", "", "")
	if r.status != 200 || r.body["role"] != "viewer" {
		t.Fatalf("me = %d %s", r.status, r.raw)
	}
	id := r.body["token"].(map[string]any)["id"].(string)
	if r := e.do("laptop", "DELETE", "/api/v1/tokens/"+id, "", ""); r.status != 204 {
		t.Fatalf("revoke = %d %s", r.status, r.raw)
	}
	if r := e.do("laptop", "GET", "/api/v1/me", "", ""); r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("revoked token still works: %d", r.status)
	}
}

func TestExportSites(t *testing.T) {
	e := setup(t)
	for _, body := range []string{
		`{"name":"Venlo DC","type":"distribution_centre","country":"NL","unlocode":"NLVEN","notes":"=HYPERLINK(\"http://x\")"}`,
		`{"name":"Antwerp Cross-dock","type":"cross_dock","country":"BE"}`,
		`{"name":"Rotterdam Port Warehouse","type":"warehouse","country":"NL"}`,
	} {
		if r := e.json("admin", "POST", "/api/v1/sites", body); r.status != 201 {
			t.Fatal(r.raw)
		}
	}
	r := e.do("viewer", "GET", "/api/v1/sites/export?country=NL&sort=-name", "", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export = %d %s %s", r.status, r.header.Get("Content-Type"), r.raw)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.raw, "\ufeff")), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,name,type,") ||
		!strings.Contains(lines[1], ",Venlo DC,distribution_centre,NLVEN,") || !strings.Contains(lines[1], `"'=HYPERLINK(""http://x"")"`) ||
		!strings.Contains(lines[2], ",Rotterdam Port Warehouse,warehouse,") {
		t.Errorf("export:\n%s", r.raw)
	}
	if r := e.do("viewer", "GET", "/api/v1/sites/export?status=sideways", "", ""); r.status != 422 || errFields(r)["status"] == nil {
		t.Errorf("bad filter = %d %s", r.status, r.raw)
	}
	if r := e.do("viewer", "GET", "/api/v1/sites/export?limit=5", "", ""); r.status != 400 {
		t.Errorf("unknown parameter = %d", r.status)
	}
}

func TestUpdateMemberRole(t *testing.T) {
	e := setup(t)
	r := e.do("admin", "GET", "/api/v1/members", "", "")
	var viewerID, adminID string
	for _, it := range r.body["items"].([]any) {
		m := it.(map[string]any)
		switch m["role"] {
		case "viewer":
			viewerID = m["user_id"].(string)
		case "admin":
			adminID = m["user_id"].(string)
		}
	}
	tests := []struct {
		name, role, path, body string
		status                 int
	}{
		{"viewer may not", "viewer", "/api/v1/members/" + viewerID, `{"role":"admin"}`, 403},
		{"unknown role", "admin", "/api/v1/members/" + viewerID, `{"role":"emperor"}`, 422},
		{"missing role", "admin", "/api/v1/members/" + viewerID, `{}`, 422},
		{"unknown field", "admin", "/api/v1/members/" + viewerID, `{"role":"auditor","colour":1}`, 400},
		{"no such member", "admin", "/api/v1/members/01ZZZZZZZZZZZZZZZZZZZZZZZZ", `{"role":"auditor"}`, 404},
		{"last admin", "admin", "/api/v1/members/" + adminID, `{"role":"viewer"}`, 409},
		{"promote", "admin", "/api/v1/members/" + viewerID, `{"role":"auditor"}`, 200},
	}
	for _, tt := range tests {
		if r := e.json(tt.role, "PATCH", tt.path, tt.body); r.status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, r.status, r.raw, tt.status)
		}
	}
	if r := e.do("viewer", "GET", "/api/v1/audit", "", ""); r.status != 200 {
		t.Errorf("the promoted auditor cannot read the trail: %d", r.status)
	}
}

func TestAddMember(t *testing.T) {
	e := setup(t)
	body := `{"email":"Rosa@One.example","name":"Rosa","role":"site_officer","password":"a long enough password","lang":"es","time_zone":"America/Monterrey"}`
	if r := e.json("viewer", "POST", "/api/v1/members", body); r.status != 403 {
		t.Errorf("viewer adds a member: %d", r.status)
	}
	r := e.json("admin", "POST", "/api/v1/members", body)
	if r.status != 201 || r.body["email"] != "rosa@one.example" || r.body["role"] != "site_officer" {
		t.Fatalf("add = %d %s", r.status, r.raw)
	}
	if r := e.json("admin", "POST", "/api/v1/members", body); r.status != 409 || errFields(r)["email"] == nil {
		t.Errorf("again = %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/members", `{"email":"not-an-email","name":"X","role":"viewer","password":"short"}`)
	if r.status != 422 || errFields(r)["email"] == nil || errFields(r)["password"] == nil {
		t.Errorf("bad member = %d %s", r.status, r.raw)
	}
}
