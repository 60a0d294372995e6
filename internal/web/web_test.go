package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
)

// testPassword is every test user's password.
const testPassword = "correct horse battery staple"

// lockedBuffer collects the server's log lines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// env is a running web UI over a fresh SQLite database with one
// organisation.
type env struct {
	t   *testing.T
	db  *sqlite.DB
	svc *service.Service
	srv *httptest.Server
	org *bulkhead.Organization
	log *lockedBuffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bulkhead.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db, nil)
	org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Harbourline Logistics", "harbourline")
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	h, err := New(svc, Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, svc: svc, srv: srv, org: org, log: logs}
}

// addUser makes a member of an organisation (the env's by default).
func (e *env) addUser(orgID, email string, role bulkhead.Role, lang, tz string) *bulkhead.User {
	e.t.Helper()
	if orgID == "" {
		orgID = e.org.ID
	}
	u, err := e.svc.AddMember(context.Background(), service.SystemActor(orgID, "test"), service.NewUser{
		Email: email, Name: strings.Split(email, "@")[0], Password: testPassword, Role: role, Lang: lang, TimeZone: tz})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// createSite makes a site through the service as the system.
func (e *env) createSite(orgID, name, unlocode, country string) *bulkhead.Site {
	e.t.Helper()
	if orgID == "" {
		orgID = e.org.ID
	}
	typ, tz := "warehouse", "Europe/Amsterdam"
	st, err := e.svc.CreateSite(context.Background(), service.SystemActor(orgID, "test"), bulkhead.SiteInput{
		Name: &name, Type: &typ, UNLOCODE: &unlocode, Country: &country, TimeZone: &tz})
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// siteCount returns the number of sites of the env's organisation, any status.
func (e *env) siteCount() int {
	e.t.Helper()
	_, n, err := e.db.Sites(context.Background(), bulkhead.SiteFilter{OrgID: e.org.ID, Status: bulkhead.StatusAll, Sort: bulkhead.SiteSortName, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// client is a browser-like HTTP client with a cookie jar that does not
// follow redirects, so tests see them.
type client struct {
	t    *testing.T
	e    *env
	hc   *http.Client
	csrf string // the session's CSRF token, read from the last page
	lang string // Accept-Language
}

func (e *env) client() *client {
	e.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{t: e.t, e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   string
	log    func() string // the server's log, for failure messages
}

// location returns a redirect's target path.
func (r *response) location() string { return r.header.Get("Location") }

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if m := csrfRE.FindStringSubmatch(string(b)); m != nil && !strings.HasPrefix(req.URL.Path, "/login") {
		c.csrf = m[1]
	}
	return &response{status: res.StatusCode, header: res.Header, body: string(b), log: c.e.log.String}
}

// get requests a path.
func (c *client) get(path string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post submits a form as is (no token added).
func (c *client) postRaw(path string, form url.Values) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// post submits a form with the session's CSRF token.
func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/")
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(csrfField, c.csrf)
	return c.postRaw(path, f)
}

// tryLogin submits the login form with the double-submit token the login
// page hands out.
func (c *client) tryLogin(email, password, next string) *response {
	c.t.Helper()
	page := c.get("/login")
	m := csrfRE.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("login page has no CSRF token:\n%s", page.body)
	}
	f := url.Values{"email": {email}, "password": {password}, csrfField: {m[1]}}
	if next != "" {
		f.Set("next", next)
	}
	return c.postRaw("/login", f)
}

// login logs in and fails the test unless it works.
func (c *client) login(email string) {
	c.t.Helper()
	res := c.tryLogin(email, testPassword, "")
	if res.status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d, want 303:\n%s", email, res.status, res.body)
	}
	if home := c.get("/"); home.status != http.StatusOK {
		c.t.Fatalf("after login: GET / = %d", home.status)
	}
}

// want checks a response's status.
func (r *response) want(t *testing.T, status int) *response {
	t.Helper()
	if r.status != status {
		body := r.body
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("status %d, want %d; body:\n%s\nserver log:\n%s", r.status, status, body, r.log())
	}
	return r
}

// doc parses the response's HTML and checks the rules every page follows.
func (r *response) doc(t *testing.T) *node {
	t.Helper()
	doc, err := parseHTML(r.body)
	if err != nil {
		t.Fatalf("HTML does not parse: %v", err)
	}
	for _, p := range checkPage(doc) {
		t.Errorf("page problem: %s", p)
	}
	return doc
}

// newAdmin returns an env and a logged-in admin client.
func newAdmin(t *testing.T) (*env, *client) {
	t.Helper()
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "Europe/Amsterdam")
	c := e.client()
	c.login("admin@harbourline.example")
	return e, c
}

// httptestRequest builds a request, with a form body when form is not nil.
func httptestRequest(t *testing.T, method, target string, form url.Values) *http.Request {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// recorder serves one request in memory.
func recorder(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
