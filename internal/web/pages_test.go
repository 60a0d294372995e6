package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/google/go-cmp/cmp"
)

// TestEveryPageRenders opens every page as an admin and checks each is
// well-formed HTML that follows the page rules.
func TestEveryPageRenders(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	st := e.createSite("", "Rotterdam Port Warehouse", "NLRTM", "NL")
	e.createSite("", "Venlo DC", "NLVEN", "NL")
	archived := e.createSite("", "Old Yard", "", "BE")
	if _, err := e.svc.ArchiveSite(context.Background(), service.SystemActor(e.org.ID, "test"), archived.ID, true); err != nil {
		t.Fatal(err)
	}
	c.post("/account/tokens", url.Values{"name": {"ERP"}, "expires_in": {"30"}}).want(t, http.StatusCreated).doc(t)
	c.post("/sites/"+st.ID, url.Values{"name": {"Rotterdam Port Warehouse 2"}, "type": {"terminal"}, "unlocode": {"NLRTM"},
		"country": {"NL"}, "time_zone": {"Europe/Amsterdam"}, "notes": {"Dock 3"}}).want(t, http.StatusSeeOther)

	pages := []string{
		"/", "/sites", "/sites?q=rotterdam", "/sites?status=all&sort=updated&dir=desc", "/sites?type=warehouse&country=nl",
		"/sites?q=nothing-matches", "/sites/new", "/sites/" + st.ID, "/sites/" + st.ID + "/edit", "/sites/" + st.ID + "/archive",
		"/sites/" + archived.ID, "/audit", "/audit?object_type=site&object_id=" + st.ID, "/audit?actor=system", "/audit/verify",
		"/account", "/members",
	}
	for _, a := range areaList {
		pages = append(pages, "/areas/"+a.Slug)
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			c.get(p).want(t, http.StatusOK).doc(t)
		})
	}
	t.Run("404", func(t *testing.T) {
		doc := c.get("/no/such/page").want(t, http.StatusNotFound).doc(t)
		if !strings.Contains(doc.textContent(), "Page not found") {
			t.Errorf("404 page lacks its heading")
		}
	})
	t.Run("login", func(t *testing.T) {
		e.client().get("/login").want(t, http.StatusOK).doc(t)
	})
	t.Run("logged-out 404", func(t *testing.T) {
		e.client().get("/nope").want(t, http.StatusNotFound).doc(t)
	})
}

// TestNewParsesTemplates checks that a missing or broken template fails
// parsing, so that New fails at start-up.
func TestNewParsesTemplates(t *testing.T) {
	t.Parallel()
	good := fstest.MapFS{"templates/layout.html": {Data: []byte(`{{define "layout"}}{{template "content" .}}{{end}}`)},
		"templates/partials/x.html": {Data: []byte(`{{define "x"}}{{end}}`)}}
	for _, n := range pageNames {
		good["templates/pages/"+n+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}ok{{end}}`)}
	}
	if _, err := parsePages(good, nil); err != nil {
		t.Fatalf("complete set: %v", err)
	}
	tests := []struct {
		name   string
		change func(fstest.MapFS)
	}{
		{"missing page", func(m fstest.MapFS) { delete(m, "templates/pages/sites.html") }},
		{"broken syntax", func(m fstest.MapFS) {
			m["templates/pages/site.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{if}}{{end}}`)}
		}},
		{"no content block", func(m fstest.MapFS) { m["templates/pages/site.html"] = &fstest.MapFile{Data: []byte(`hello`)} }},
		{"missing layout", func(m fstest.MapFS) { delete(m, "templates/layout.html") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fstest.MapFS{}
			for k, v := range good {
				m[k] = v
			}
			tt.change(m)
			if _, err := parsePages(m, nil); err == nil {
				t.Error("parsePages succeeded, want an error")
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	anon := e.client()
	css := regexp1(t, c.get("/").body, `href="(/static/[0-9a-f]+/app\.css)"`)
	tests := []struct {
		name string
		res  *response
	}{
		{"page", c.get("/sites")},
		{"login", anon.get("/login")},
		{"redirect", anon.get("/sites")},
		{"not found", c.get("/nowhere")},
		{"static", c.get(css)},
		{"forbidden post", c.postRaw("/sites", url.Values{"name": {"x"}})},
	}
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for k := range want {
				got[k] = tt.res.header.Get(k)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

// regexp1 returns the first submatch of pattern in s.
func regexp1(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no match for %s", pattern)
	}
	return m[1]
}

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	page := c.get("/").body
	for _, name := range []string{"app.css", "app.js", "logo.svg"} {
		t.Run(name, func(t *testing.T) {
			path := regexp1(t, page, `"(/static/[0-9a-f]{16}/`+strings.ReplaceAll(name, ".", `\.`)+`)"`)
			res := c.get(path).want(t, http.StatusOK)
			if got := res.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", got)
			}
			body, _ := staticFS.ReadFile("static/" + name)
			if res.body != string(body) {
				t.Error("served body differs from the embedded file")
			}
			if ct := res.header.Get("Content-Type"); ct == "" || strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q", ct)
			}
			stale := strings.Replace(path, "/static/", "/static/0000", 1)
			e.client().get(stale).want(t, http.StatusNotFound)
		})
	}
}

func TestAssetHash(t *testing.T) {
	t.Parallel()
	a := assetHash([]byte("body { color: black }"))
	b := assetHash([]byte("body { color: navy }"))
	if a == b {
		t.Errorf("different content, same hash %s", a)
	}
	if a != assetHash([]byte("body { color: black }")) {
		t.Error("hash is not deterministic")
	}
	if len(a) != 16 {
		t.Errorf("hash %q has %d characters, want 16", a, len(a))
	}
	fs1 := fstest.MapFS{"static/app.css": {Data: []byte("a{}")}, "static/app.js": {Data: []byte("")}, "static/logo.svg": {Data: []byte("<svg/>")}}
	fs2 := fstest.MapFS{"static/app.css": {Data: []byte("b{}")}, "static/app.js": {Data: []byte("")}, "static/logo.svg": {Data: []byte("<svg/>")}}
	as1, err := loadAssets(fs1)
	if err != nil {
		t.Fatal(err)
	}
	as2, err := loadAssets(fs2)
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := as1.path("app.css")
	p2, _ := as2.path("app.css")
	if p1 == p2 {
		t.Errorf("changed app.css kept its path %s", p1)
	}
	j1, _ := as1.path("app.js")
	j2, _ := as2.path("app.js")
	if j1 != j2 {
		t.Errorf("unchanged app.js moved: %s → %s", j1, j2)
	}
	if _, err := as1.path("missing.css"); err == nil {
		t.Error("unknown asset: no error")
	}
	delete(fs1, "static/app.js")
	if _, err := loadAssets(fs1); err == nil {
		t.Error("missing app.js: no error")
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/sites", "/sites"},
		{"/sites?q=a&status=all", "/sites?q=a&status=all"},
		{"//evil.example/x", "/"},
		{`/\evil.example`, "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"sites", "/"},
		{"/login", "/"},
		{"/a\nb", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDescribeChange(t *testing.T) {
	t.Parallel()
	c := &call{lang: "en", loc: time.UTC}
	tests := []struct {
		name   string
		obj    string
		change string
		want   []changeLine
	}{
		{"update", "site", `{"changes":{"type":{"from":"warehouse","to":"terminal"},"name":{"from":"A","to":"B"}}}`, []changeLine{
			{Field: "Name", From: "A", To: "B", HasFrom: true},
			{Field: "Type", From: "Warehouse", To: "Terminal", HasFrom: true},
		}},
		{"create skips empty", "site", `{"after":{"name":"A","notes":"","country":"NL"}}`, []changeLine{
			{Field: "Name", To: "A"}, {Field: "Country", To: "NL"},
		}},
		{"flags", "site", `{"archived":true}`, []changeLine{{Field: "Archived", To: "yes"}}},
		{"role", "user", `{"email":"a@b.c","role":"viewer"}`, []changeLine{{Field: "E-mail", To: "a@b.c"}, {Field: "Role", To: "Viewer"}}},
		{"unknown field", "thing", `{"colour":"red"}`, []changeLine{{Field: "colour", To: "red"}}},
		{"empty", "user", `{}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.describeChange(&bulkhead.AuditEntry{ObjectType: tt.obj, Change: []byte(tt.change)})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
