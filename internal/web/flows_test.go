package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "UTC")
	c := e.client()

	t.Run("wrong password", func(t *testing.T) {
		res := c.tryLogin("admin@harbourline.example", "not the password", "").want(t, http.StatusUnauthorized)
		doc := res.doc(t)
		if !strings.Contains(doc.textContent(), "The e-mail address or password is not correct.") {
			t.Error("no generic failure message")
		}
		if got := doc.byID("f-email").attrs["value"]; got != "admin@harbourline.example" {
			t.Errorf("e-mail not kept: %q", got)
		}
		if got := doc.byID("f-password").attrs["value"]; got != "" {
			t.Errorf("password echoed back: %q", got)
		}
	})
	t.Run("unknown user gets the same answer", func(t *testing.T) {
		res := c.tryLogin("nobody@harbourline.example", "whatever-password", "").want(t, http.StatusUnauthorized)
		if !strings.Contains(res.body, "The e-mail address or password is not correct.") {
			t.Error("no generic failure message")
		}
	})
	t.Run("throttled after repeated failures", func(t *testing.T) {
		for i := 1; i < service.LoginMaxPerUser; i++ { // one failure above already counts
			c.tryLogin("admin@harbourline.example", "still wrong", "").want(t, http.StatusUnauthorized)
		}
		res := c.tryLogin("admin@harbourline.example", testPassword, "").want(t, http.StatusTooManyRequests)
		if !strings.Contains(res.doc(t).textContent(), "Too many failed attempts") {
			t.Error("no throttling message")
		}
	})
	t.Run("missing double-submit token", func(t *testing.T) {
		fresh := e.client()
		res := fresh.postRaw("/login", url.Values{"email": {"admin@harbourline.example"}, "password": {testPassword}, csrfField: {"forged"}})
		res.want(t, http.StatusForbidden)
		if strings.Contains(res.header.Get("Set-Cookie"), sessionCookie+"=") && !strings.Contains(res.header.Get("Set-Cookie"), sessionCookie+"=;") {
			t.Error("a session cookie was set")
		}
	})
}

func TestLoginRedirectsAndLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "UTC")
	c := e.client()

	res := c.get("/sites?q=rotterdam").want(t, http.StatusSeeOther)
	if got, want := res.location(), "/login?next="+url.QueryEscape("/sites?q=rotterdam"); got != want {
		t.Errorf("redirect to %q, want %q", got, want)
	}
	if got := c.get(res.location()).want(t, http.StatusOK).doc(t).find(func(n *node) bool { return n.attrs["name"] == "next" }); len(got) != 1 || got[0].attrs["value"] != "/sites?q=rotterdam" {
		t.Error("login form does not carry next")
	}
	tests := []struct{ next, want string }{
		{"/sites?q=rotterdam", "/sites?q=rotterdam"},
		{"//evil.example/", "/"},
		{"https://evil.example/", "/"},
	}
	for _, tt := range tests {
		c := e.client()
		res := c.tryLogin("admin@harbourline.example", testPassword, tt.next).want(t, http.StatusSeeOther)
		if res.location() != tt.want {
			t.Errorf("next=%q: redirect to %q, want %q", tt.next, res.location(), tt.want)
		}
		var cookie *http.Cookie
		for _, ck := range (&http.Response{Header: res.header}).Cookies() {
			if ck.Name == sessionCookie {
				cookie = ck
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
			t.Errorf("session cookie = %+v", cookie)
		}
	}

	c.login("admin@harbourline.example")
	res = c.post("/logout", nil).want(t, http.StatusSeeOther)
	if res.location() != "/login" {
		t.Errorf("logout redirects to %q", res.location())
	}
	if !strings.Contains(c.get("/login").body, "You have logged out.") {
		t.Error("no logout message")
	}
	c.get("/").want(t, http.StatusSeeOther)
}

func TestSecureCookieBehindProxy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "UTC")
	h, err := New(e.svc, Options{SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/login", nil)
	rec := recorder(h, req)
	for _, ck := range rec.Result().Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s not Secure", ck.Name)
		}
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	st := e.createSite("", "Rotterdam Port Warehouse", "NLRTM", "NL")
	site := url.Values{"name": {"Forged"}, "type": {"warehouse"}, "country": {"NL"}, "time_zone": {"UTC"}}
	tests := []struct {
		name  string
		path  string
		token []string
		hdr   map[string]string
	}{
		{name: "no token", path: "/sites"},
		{name: "wrong token", path: "/sites", token: []string{"not-the-token"}},
		{name: "empty token", path: "/sites", token: []string{""}},
		{name: "no token on archive", path: "/sites/" + st.ID + "/archive"},
		{name: "cross-origin with a valid token", path: "/sites", token: []string{"VALID"}, hdr: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{name: "foreign origin with a valid token", path: "/sites", token: []string{"VALID"}, hdr: map[string]string{"Origin": "https://evil.example"}},
	}
	c.get("/")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.siteCount()
			f := url.Values{}
			for k, v := range site {
				f[k] = v
			}
			for _, tok := range tt.token {
				if tok == "VALID" {
					tok = c.csrf
				}
				f.Set(csrfField, tok)
			}
			req := httptestRequest(t, http.MethodPost, e.srv.URL+tt.path, f)
			for k, v := range tt.hdr {
				req.Header.Set(k, v)
			}
			c.do(req).want(t, http.StatusForbidden)
			if after := e.siteCount(); after != before {
				t.Errorf("sites %d → %d: something was written", before, after)
			}
			got, err := e.svc.Site(context.Background(), service.SystemActor(e.org.ID, "test"), st.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ArchivedAt != nil {
				t.Error("site was archived")
			}
		})
	}
	// The same form with the token goes through.
	c.post("/sites", site).want(t, http.StatusSeeOther)
}

func TestCreateSiteInvalid(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	before := e.siteCount()
	res := c.post("/sites", url.Values{"name": {"Rotterdam Port Warehouse"}, "type": {"warehouse"}, "unlocode": {"NL1"},
		"country": {"NL"}, "time_zone": {"Europe/Amsterdam"}, "notes": {"<b>dock 3</b>"}}).want(t, http.StatusUnprocessableEntity)
	doc := res.doc(t)
	if after := e.siteCount(); after != before {
		t.Errorf("sites %d → %d after an invalid form", before, after)
	}
	input := doc.byID("f-unlocode")
	if input == nil {
		t.Fatal("no unlocode input")
	}
	if input.attrs["aria-invalid"] != "true" {
		t.Error("unlocode input not aria-invalid")
	}
	if input.attrs["value"] != "NL1" {
		t.Errorf("user's value not kept: %q", input.attrs["value"])
	}
	msg := doc.byID("f-unlocode-error")
	if msg == nil {
		t.Fatal("no error message for unlocode")
	}
	if !strings.Contains(msg.textContent(), "must be a UN/LOCODE") {
		t.Errorf("error message = %q", msg.textContent())
	}
	if !strings.Contains(" "+input.attrs["aria-describedby"]+" ", " f-unlocode-error ") {
		t.Errorf("aria-describedby = %q", input.attrs["aria-describedby"])
	}
	// At the field: the message and the input share the field's container.
	field := msg.closest(func(n *node) bool { return n.hasClass("field") })
	if field == nil || field.byID("f-unlocode") == nil {
		t.Error("error message is not inside the unlocode field")
	}
	if doc.byID("f-name").attrs["aria-invalid"] != "" {
		t.Error("valid name field marked invalid")
	}
	if got := doc.byID("f-notes").textContent(); got != "<b>dock 3</b>" {
		t.Errorf("notes = %q, want the text as typed (escaped in HTML)", got)
	}
	if strings.Contains(res.body, "<b>dock 3</b>") {
		t.Error("user input rendered as markup")
	}
	summary := doc.find(func(n *node) bool { return n.hasClass("error-summary") })
	if len(summary) != 1 || len(summary[0].find(func(n *node) bool { return n.tag == "a" && n.attrs["href"] == "#f-unlocode" })) != 1 {
		t.Error("error summary does not link to the unlocode field")
	}

	// A mismatching country is an error at the same field too.
	res = c.post("/sites", url.Values{"name": {"X"}, "type": {"warehouse"}, "unlocode": {"BEANR"}, "country": {"NL"}, "time_zone": {"UTC"}})
	if !strings.Contains(res.want(t, http.StatusUnprocessableEntity).doc(t).byID("f-unlocode-error").textContent(), "does not match the country") {
		t.Error("no mismatch message")
	}
}

func TestSiteLifecycle(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	res := c.post("/sites", url.Values{"name": {"Rotterdam Port Warehouse"}, "type": {"port_facility"}, "unlocode": {"nl rtm"},
		"country": {"nl"}, "time_zone": {"Asia/Singapore"}, "address": {"Maasvlakteweg 210"}, "notes": {"Dock 3"}}).want(t, http.StatusSeeOther)
	id := strings.TrimPrefix(res.location(), "/sites/")
	if !bulkhead.ValidID(id) {
		t.Fatalf("redirect to %q", res.location())
	}
	doc := c.get(res.location()).want(t, http.StatusOK).doc(t)
	text := doc.textContent()
	for _, want := range []string{"The site was created.", "Rotterdam Port Warehouse", "Port facility", "NLRTM", "Netherlands",
		"Maasvlakteweg 210", "Asia/Singapore", "(Europe/Amsterdam)", "(Asia/Singapore)", "Site created"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}
	// The flash is shown once.
	if strings.Contains(c.get(res.location()).body, "The site was created.") {
		t.Error("flash shown twice")
	}

	edit := c.get("/sites/"+id+"/edit").want(t, http.StatusOK).doc(t)
	if edit.byID("f-name").attrs["value"] != "Rotterdam Port Warehouse" {
		t.Error("edit form not filled")
	}
	res = c.post("/sites/"+id, url.Values{"name": {"Rotterdam Terminal"}, "type": {"terminal"}, "unlocode": {"NLRTM"},
		"country": {"NL"}, "time_zone": {"Europe/Amsterdam"}, "address": {"Maasvlakteweg 210"}, "notes": {"Dock 3"}}).want(t, http.StatusSeeOther)
	text = c.get(res.location()).want(t, http.StatusOK).doc(t).textContent()
	for _, want := range []string{"Your changes were saved.", "Rotterdam Terminal", "Site changed", "Port facility", "Terminal"} {
		if !strings.Contains(text, want) {
			t.Errorf("after edit, page lacks %q", want)
		}
	}
	// Invalid edit: 422, nothing saved.
	c.post("/sites/"+id, url.Values{"name": {""}, "type": {"terminal"}, "country": {"NL"}, "time_zone": {"Mars/Olympus"}}).
		want(t, http.StatusUnprocessableEntity).doc(t)
	st, err := e.svc.Site(context.Background(), service.SystemActor(e.org.ID, "test"), id)
	if err != nil || st.Name != "Rotterdam Terminal" {
		t.Fatalf("after invalid edit: %v %+v", err, st)
	}

	c.get("/sites/"+id+"/archive").want(t, http.StatusOK).doc(t)
	res = c.post("/sites/"+id+"/archive", nil).want(t, http.StatusSeeOther)
	text = c.get(res.location()).want(t, http.StatusOK).doc(t).textContent()
	if !strings.Contains(text, "The site was archived.") || !strings.Contains(text, "Restore") {
		t.Error("archived page lacks message or restore button")
	}
	if strings.Contains(c.get("/sites").body, "Rotterdam Terminal") {
		t.Error("archived site still in the active list")
	}
	if !strings.Contains(c.get("/sites?status=archived").body, "Rotterdam Terminal") {
		t.Error("archived site not in the archived list")
	}
	if res := c.get("/sites/"+id+"/edit").want(t, http.StatusSeeOther); res.location() != "/sites/"+id {
		t.Errorf("editing an archived site redirects to %q", res.location())
	}
	if !strings.Contains(c.post("/sites/"+id, url.Values{"name": {"X"}}).location(), "/sites/"+id) {
		t.Error("posting an edit of an archived site does not go back to it")
	}

	res = c.post("/sites/"+id+"/restore", nil).want(t, http.StatusSeeOther)
	if !strings.Contains(c.get(res.location()).body, "The site was restored.") {
		t.Error("no restore message")
	}
	if !strings.Contains(c.get("/sites").body, "Rotterdam Terminal") {
		t.Error("restored site not in the active list")
	}

	audit := c.get("/audit").want(t, http.StatusOK).doc(t)
	var actions []string
	for _, tr := range audit.find(func(n *node) bool { return n.tag == "tr" && n.attrs["data-action"] != "" }) {
		actions = append(actions, tr.attrs["data-action"])
	}
	want := []string{"site.restore", "site.archive", "site.update", "site.create"}
	if len(actions) < len(want) || strings.Join(actions[:len(want)], " ") != strings.Join(want, " ") {
		t.Errorf("newest audit actions = %v, want %v first", actions, want)
	}
	if links := audit.find(func(n *node) bool { return n.tag == "a" && n.attrs["href"] == "/sites/"+id }); len(links) == 0 {
		t.Error("audit entries do not link to the site")
	}
}

func TestSitesListing(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	err := e.db.Write(context.Background(), func(tx bulkhead.Tx) error {
		for i := 0; i < 60; i++ {
			now := bulkhead.Now()
			country := "NL"
			if i%3 == 0 {
				country = "MX"
			}
			if err := tx.CreateSite(context.Background(), &bulkhead.Site{ID: bulkhead.NewID(), OrgID: e.org.ID, Name: fmt.Sprintf("Site %02d", i),
				Type: bulkhead.SiteWarehouse, Country: country, TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := c.get("/sites").want(t, http.StatusOK).doc(t)
	if !strings.Contains(doc.textContent(), "1–50 of 60") {
		t.Error("no range text 1–50 of 60")
	}
	ths := doc.find(func(n *node) bool { return n.tag == "th" && n.attrs["aria-sort"] != "" })
	if len(ths) != 1 || ths[0].attrs["aria-sort"] != "ascending" || !strings.Contains(ths[0].textContent(), "Name") {
		t.Error("name column not marked aria-sort=ascending")
	}
	next := doc.find(func(n *node) bool { return n.tag == "a" && n.attrs["rel"] == "next" })
	if len(next) != 1 {
		t.Fatal("no next-page link")
	}
	page2 := c.get(next[0].attrs["href"]).want(t, http.StatusOK).doc(t)
	if !strings.Contains(page2.textContent(), "51–60 of 60") || !strings.Contains(page2.textContent(), "Site 59") {
		t.Error("page 2 wrong")
	}
	desc := c.get("/sites?sort=name&dir=desc").want(t, http.StatusOK).doc(t)
	rows := desc.find(func(n *node) bool { return n.tag == "tbody" })[0].tags("tr")
	if !strings.Contains(rows[0].textContent(), "Site 59") {
		t.Errorf("first row sorted desc = %q", rows[0].textContent())
	}
	if th := desc.find(func(n *node) bool { return n.attrs["aria-sort"] == "descending" }); len(th) != 1 {
		t.Error("no descending column")
	}
	mx := c.get("/sites?country=mx").want(t, http.StatusOK).doc(t)
	if !strings.Contains(mx.textContent(), "1–20 of 20") {
		t.Errorf("country filter: %q", mx.find(func(n *node) bool { return n.hasClass("result-count") })[0].textContent())
	}
	none := c.get("/sites?q=zzz").want(t, http.StatusOK).doc(t)
	if !strings.Contains(none.textContent(), "No sites match") {
		t.Error("no empty-result state")
	}
	bad := c.get("/sites?country=Netherlands").want(t, http.StatusUnprocessableEntity).doc(t)
	if bad.byID("f-country-error") == nil {
		t.Error("bad filter not shown at the country field")
	}
}

func TestEmptySitesState(t *testing.T) {
	t.Parallel()
	_, c := newAdmin(t)
	doc := c.get("/sites").want(t, http.StatusOK).doc(t)
	if !strings.Contains(doc.textContent(), "No sites yet") {
		t.Error("no empty state")
	}
	if len(doc.find(func(n *node) bool { return n.tag == "a" && n.attrs["href"] == "/sites/new" })) == 0 {
		t.Error("empty state offers no way to add a site")
	}
}

func TestRolesAndIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("", "viewer@harbourline.example", bulkhead.RoleViewer, "en", "UTC")
	e.addUser("", "officer@harbourline.example", bulkhead.RoleSiteOfficer, "en", "UTC")
	e.addUser("", "partner@harbourline.example", bulkhead.RolePartner, "en", "UTC")
	st := e.createSite("", "Venlo DC", "NLVEN", "NL")

	other, err := e.svc.CreateOrganization(context.Background(), service.SystemActor("", "test"), "Other Co", "other-co")
	if err != nil {
		t.Fatal(err)
	}
	foreign := e.createSite(other.ID, "Foreign Site", "", "DE")

	viewer := e.client()
	viewer.login("viewer@harbourline.example")
	t.Run("viewer", func(t *testing.T) {
		before := e.siteCount()
		viewer.get("/sites/new").want(t, http.StatusForbidden).doc(t)
		viewer.post("/sites", url.Values{"name": {"Nope"}, "type": {"warehouse"}, "country": {"NL"}, "time_zone": {"UTC"}}).want(t, http.StatusForbidden)
		if e.siteCount() != before {
			t.Error("viewer created a site")
		}
		viewer.get("/sites/"+st.ID+"/edit").want(t, http.StatusForbidden)
		viewer.post("/sites/"+st.ID+"/archive", nil).want(t, http.StatusForbidden)
		viewer.get("/audit").want(t, http.StatusForbidden)
		viewer.get("/members").want(t, http.StatusForbidden)
		list := viewer.get("/sites").want(t, http.StatusOK).doc(t)
		if len(list.find(func(n *node) bool { return n.attrs["href"] == "/sites/new" })) != 0 {
			t.Error("viewer is offered a new-site link")
		}
		detail := viewer.get("/sites/"+st.ID).want(t, http.StatusOK).doc(t)
		if len(detail.find(func(n *node) bool { return strings.HasSuffix(n.attrs["href"], "/edit") })) != 0 {
			t.Error("viewer is offered an edit link")
		}
		nav := viewer.get("/").want(t, http.StatusOK).doc(t)
		if len(nav.find(func(n *node) bool { return n.attrs["href"] == "/audit" })) != 0 {
			t.Error("viewer sees the audit trail in the navigation")
		}
	})
	t.Run("site officer may edit, not archive", func(t *testing.T) {
		officer := e.client()
		officer.login("officer@harbourline.example")
		officer.get("/sites/"+st.ID+"/edit").want(t, http.StatusOK).doc(t)
		officer.get("/sites/"+st.ID+"/archive").want(t, http.StatusForbidden)
	})
	t.Run("partner cannot list sites", func(t *testing.T) {
		partner := e.client()
		partner.login("partner@harbourline.example")
		partner.get("/sites").want(t, http.StatusForbidden).doc(t)
		partner.get("/").want(t, http.StatusOK).doc(t)
	})
	t.Run("another organisation's site is not found", func(t *testing.T) {
		admin := e.client()
		e.addUser("", "admin@harbourline.example", bulkhead.RoleAdmin, "en", "UTC")
		admin.login("admin@harbourline.example")
		for _, p := range []string{"/sites/" + foreign.ID, "/sites/" + foreign.ID + "/edit", "/sites/" + foreign.ID + "/archive"} {
			admin.get(p).want(t, http.StatusNotFound).doc(t)
		}
		admin.post("/sites/"+foreign.ID, url.Values{"name": {"Hijack"}, "type": {"warehouse"}, "country": {"DE"}, "time_zone": {"UTC"}}).want(t, http.StatusNotFound)
		admin.post("/sites/"+foreign.ID+"/archive", nil).want(t, http.StatusNotFound)
		got, err := e.svc.Site(context.Background(), service.SystemActor(other.ID, "test"), foreign.ID)
		if err != nil || got.Name != "Foreign Site" || got.ArchivedAt != nil {
			t.Errorf("foreign site changed: %+v %v", got, err)
		}
	})
}

func TestSpanish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("", "gerente@harbourline.example", bulkhead.RoleSecurityManager, "es", "America/Mexico_City")
	err := e.db.Write(context.Background(), func(tx bulkhead.Tx) error {
		for i := 0; i < 1234; i++ {
			now := bulkhead.Now()
			if err := tx.CreateSite(context.Background(), &bulkhead.Site{ID: bulkhead.NewID(), OrgID: e.org.ID, Name: fmt.Sprintf("Sitio %04d", i),
				Type: bulkhead.SiteYard, Country: "MX", TimeZone: "America/Mexico_City", CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.login("gerente@harbourline.example")
	list := c.get("/sites").want(t, http.StatusOK).doc(t)
	if got := list.tags("html")[0].attrs["lang"]; got != "es" {
		t.Errorf("html lang = %q", got)
	}
	text := list.textContent()
	for _, want := range []string{"1–50 de 1.234", "Sitios", "Nuevo sitio", "Patio", "Aplicar filtros", "Cerrar sesión"} {
		if !strings.Contains(text, want) {
			t.Errorf("Spanish list lacks %q", want)
		}
	}
	home := c.get("/").want(t, http.StatusOK).doc(t)
	if got := home.find(func(n *node) bool { return n.attrs["data-stat"] == "sites" })[0].textContent(); got != "1.234" {
		t.Errorf("site count = %q, want 1.234", got)
	}
	if !strings.Contains(home.textContent(), "Sitios por tipo") {
		t.Error("dashboard not in Spanish")
	}
	// The login page follows the browser's language.
	anon := e.client()
	anon.lang = "es-MX,es;q=0.9"
	login := anon.get("/login").want(t, http.StatusOK).doc(t)
	if login.tags("html")[0].attrs["lang"] != "es" || !strings.Contains(login.textContent(), "Inicia sesión") {
		t.Error("login page not in Spanish for an es browser")
	}
	res := anon.tryLogin("gerente@harbourline.example", "mal", "").want(t, http.StatusUnauthorized)
	if !strings.Contains(res.body, "El correo electrónico o la contraseña no son correctos.") {
		t.Error("failure message not in Spanish")
	}
}

func TestAccount(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	t.Run("profile", func(t *testing.T) {
		res := c.post("/account/profile", url.Values{"name": {"Ada"}, "lang": {"es"}, "time_zone": {"Mars/Base"}}).want(t, http.StatusUnprocessableEntity)
		doc := res.doc(t)
		if doc.byID("f-time_zone-error") == nil || doc.byID("f-time_zone").attrs["value"] != "Mars/Base" {
			t.Error("time-zone error not at the field, or value lost")
		}
		c.post("/account/profile", url.Values{"name": {"Ada Admin"}, "lang": {"es"}, "time_zone": {"America/Monterrey"}}).want(t, http.StatusSeeOther)
		page := c.get("/account").want(t, http.StatusOK).doc(t)
		if !strings.Contains(page.textContent(), "Tu perfil se guardó.") || page.tags("html")[0].attrs["lang"] != "es" {
			t.Error("profile change not applied (language)")
		}
		c.post("/account/profile", url.Values{"name": {"Ada Admin"}, "lang": {"en"}, "time_zone": {"Europe/Amsterdam"}}).want(t, http.StatusSeeOther)
	})
	t.Run("tokens", func(t *testing.T) {
		c.post("/account/tokens", url.Values{"name": {"ERP"}, "expires_in": {"abc"}}).want(t, http.StatusUnprocessableEntity).doc(t).byID("f-token-expires_in-error")
		res := c.post("/account/tokens", url.Values{"name": {"ERP link"}, "expires_in": {"90"}}).want(t, http.StatusCreated)
		if res.header.Get("Cache-Control") != "no-store" {
			t.Errorf("token page Cache-Control = %q", res.header.Get("Cache-Control"))
		}
		doc := res.doc(t)
		tok := doc.byID("new-token").attrs["value"]
		if !strings.HasPrefix(tok, service.TokenPrefix) {
			t.Fatalf("token = %q", tok)
		}
		if !strings.Contains(doc.textContent(), "This is the only time it is shown.") {
			t.Error("no show-once warning")
		}
		if _, err := e.svc.TokenAuth(context.Background(), tok); err != nil {
			t.Errorf("shown token does not work: %v", err)
		}
		account := c.get("/account").want(t, http.StatusOK)
		if strings.Contains(account.body, tok) {
			t.Error("token shown again")
		}
		form := account.doc(t).find(func(n *node) bool {
			return n.tag == "form" && strings.HasSuffix(n.attrs["action"], "/revoke")
		})
		if len(form) != 1 {
			t.Fatalf("%d revoke forms", len(form))
		}
		c.post(form[0].attrs["action"], nil).want(t, http.StatusSeeOther)
		if !strings.Contains(c.get("/account").body, "Revoked") {
			t.Error("token not shown as revoked")
		}
		if _, err := e.svc.TokenAuth(context.Background(), tok); err == nil {
			t.Error("revoked token still works")
		}
	})
	t.Run("password", func(t *testing.T) {
		res := c.post("/account/password", url.Values{"current_password": {testPassword}, "password": {"a brand new passphrase"},
			"confirm": {"a different passphrase"}}).want(t, http.StatusUnprocessableEntity)
		doc := res.doc(t)
		if msg := doc.byID("f-confirm-error"); msg == nil || !strings.Contains(msg.textContent(), "does not match the new password") {
			t.Error("mismatch not shown at the confirm field")
		}
		res = c.post("/account/password", url.Values{"current_password": {"wrong current"}, "password": {"a brand new passphrase"},
			"confirm": {"a brand new passphrase"}}).want(t, http.StatusUnprocessableEntity)
		if res.doc(t).byID("f-current_password-error") == nil {
			t.Error("wrong current password not shown at its field")
		}
		res = c.post("/account/password", url.Values{"current_password": {testPassword}, "password": {"short"}, "confirm": {"short"}}).want(t, http.StatusUnprocessableEntity)
		if res.doc(t).byID("f-password-error") == nil {
			t.Error("short password not shown at its field")
		}
		res = c.post("/account/password", url.Values{"current_password": {testPassword}, "password": {"a brand new passphrase"},
			"confirm": {"a brand new passphrase"}}).want(t, http.StatusSeeOther)
		if res.location() != "/login" {
			t.Errorf("after password change: redirect to %q", res.location())
		}
		if !strings.Contains(c.get("/login").body, "Log in with the new password.") {
			t.Error("no message on the login page")
		}
		c.get("/account").want(t, http.StatusSeeOther)
		c.tryLogin("admin@harbourline.example", "a brand new passphrase", "").want(t, http.StatusSeeOther)
	})
}

func TestMembers(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	e.addUser("", "auditor@harbourline.example", bulkhead.RoleAuditor, "en", "UTC")
	res := c.post("/members", url.Values{"email": {"new.person@harbourline.example"}, "name": {"New Person"}, "role": {"site_officer"},
		"password": {"initial passphrase 1"}}).want(t, http.StatusSeeOther)
	doc := c.get(res.location()).want(t, http.StatusOK).doc(t)
	text := doc.textContent()
	for _, want := range []string{"The member was added.", "New Person", "new.person@harbourline.example", "Site security officer"} {
		if !strings.Contains(text, want) {
			t.Errorf("members page lacks %q", want)
		}
	}
	bad := c.post("/members", url.Values{"email": {"not-an-email"}, "name": {"X"}, "role": {"viewer"}, "password": {"initial passphrase 1"}}).
		want(t, http.StatusUnprocessableEntity).doc(t)
	if bad.byID("f-email-error") == nil || bad.byID("f-email").attrs["value"] != "not-an-email" {
		t.Error("bad e-mail not shown at its field")
	}
	dup := c.post("/members", url.Values{"email": {"new.person@harbourline.example"}, "role": {"viewer"}}).want(t, http.StatusConflict).doc(t)
	if msg := dup.byID("f-email-error"); msg == nil || !strings.Contains(msg.textContent(), "is already taken") {
		t.Error("duplicate member not shown at the e-mail field")
	}
	auditor := e.client()
	auditor.login("auditor@harbourline.example")
	page := auditor.get("/members").want(t, http.StatusOK).doc(t)
	if page.byID("add") != nil {
		t.Error("auditor is offered the add-member form")
	}
	auditor.post("/members", url.Values{"email": {"x@harbourline.example"}, "role": {"admin"}, "password": {"initial passphrase 1"}}).want(t, http.StatusForbidden)
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	c.post("/sites", url.Values{"name": {"Venlo DC"}, "type": {"distribution_centre"}, "unlocode": {"NLVEN"}, "country": {"NL"},
		"time_zone": {"Europe/Amsterdam"}}).want(t, http.StatusSeeOther)
	doc := c.get("/audit?object_type=site").want(t, http.StatusOK).doc(t)
	rows := doc.find(func(n *node) bool { return n.tag == "tr" && n.attrs["data-action"] == "site.create" })
	if len(rows) != 1 {
		t.Fatalf("%d site.create rows", len(rows))
	}
	text := rows[0].textContent()
	for _, want := range []string{"Site created", "admin", "Venlo DC", "Distribution centre", "NLVEN"} {
		if !strings.Contains(text, want) {
			t.Errorf("site.create row lacks %q: %s", want, text)
		}
	}
	if n := len(doc.find(func(n *node) bool { return n.tag == "tr" && n.attrs["data-action"] == "user.login" })); n != 0 {
		t.Errorf("object filter let %d login entries through", n)
	}

	verify := c.get("/audit/verify").want(t, http.StatusOK).doc(t)
	if !strings.Contains(verify.textContent(), "Intact") {
		t.Errorf("verify page: %s", verify.textContent())
	}

	// Tamper with an entry: the page must say so.
	if err := e.db.Exec(context.Background(), `UPDATE audit_entries SET actor_name = 'someone else' WHERE org_id = ? AND seq = 2`, e.org.ID); err != nil {
		t.Fatal(err)
	}
	broken := c.get("/audit/verify").want(t, http.StatusOK).doc(t)
	text = broken.textContent()
	if strings.Contains(text, "Intact") || !strings.Contains(text, "Broken") || !strings.Contains(text, "#2") {
		t.Errorf("tampered trail: %s", text)
	}
}

func TestAuditPaging(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	for i := 0; i < 55; i++ {
		e.createSite("", fmt.Sprintf("Site %02d", i), "", "NL")
	}
	doc := c.get("/audit").want(t, http.StatusOK).doc(t)
	rows := doc.find(func(n *node) bool { return n.tag == "tr" && n.attrs["data-action"] != "" })
	if len(rows) != auditPageSize {
		t.Fatalf("%d rows, want %d", len(rows), auditPageSize)
	}
	older := doc.find(func(n *node) bool { return n.tag == "a" && n.attrs["rel"] == "next" })
	if len(older) != 1 {
		t.Fatal("no link to older entries")
	}
	page2 := c.get(older[0].attrs["href"]).want(t, http.StatusOK).doc(t)
	rows2 := page2.find(func(n *node) bool { return n.tag == "tr" && n.attrs["data-action"] != "" })
	if len(rows2) == 0 || len(rows)+len(rows2) < 57 {
		t.Errorf("page 2 has %d rows", len(rows2))
	}
	if !strings.Contains(rows2[len(rows2)-1].textContent(), "#1") {
		t.Error("last page does not end at entry #1")
	}
}

func TestOrganisationSwitch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other, err := e.svc.CreateOrganization(context.Background(), service.SystemActor("", "test"), "Zeta Freight", "zeta")
	if err != nil {
		t.Fatal(err)
	}
	e.addUser("", "multi@harbourline.example", bulkhead.RoleAdmin, "en", "UTC")
	e.addUser(other.ID, "multi@harbourline.example", bulkhead.RoleViewer, "en", "UTC")
	e.createSite(other.ID, "Zeta Yard", "", "DE")
	c := e.client()
	c.login("multi@harbourline.example")
	doc := c.get("/").want(t, http.StatusOK).doc(t)
	if doc.byID("org-switch") == nil {
		t.Fatal("no organisation switcher")
	}
	c.post("/org", url.Values{"org_id": {other.ID}}).want(t, http.StatusSeeOther)
	if !strings.Contains(c.get("/sites").body, "Zeta Yard") {
		t.Error("after switching, the other organisation's sites are not shown")
	}
	c.post("/org", url.Values{"org_id": {"01J0000000000000000000000Z"}}).want(t, http.StatusNotFound)
}

func TestInternalErrorShowsNoDetails(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	res := c.get("/sites").want(t, http.StatusInternalServerError)
	doc := res.doc(t)
	text := strings.ToLower(doc.textContent())
	for _, leak := range []string{"sql", "database", "closed"} {
		if strings.Contains(text, leak) {
			t.Errorf("error page mentions %q", leak)
		}
	}
	if !strings.Contains(doc.textContent(), "Something went wrong") {
		t.Error("no error heading")
	}
	id := regexp1(t, doc.textContent(), `Reference: ([0-9a-f]+)`)
	if !strings.Contains(e.log.String(), "request_id="+id) {
		t.Errorf("log has no line for request %s:\n%s", id, e.log.String())
	}
}

// TestSiteExport downloads the list as CSV with the list's filters and
// order, and refuses a role without read access.
func TestSiteExport(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	e.createSite("", "Venlo Distribution Centre", "NLVEN", "NL")
	e.createSite("", "Antwerp Cross-dock", "BEANR", "BE")
	e.createSite("", "Rotterdam Port Warehouse", "NLRTM", "NL")

	list := c.get("/sites?country=NL&sort=name&dir=desc").want(t, http.StatusOK)
	if !strings.Contains(list.body, `href="/sites/export.csv?country=NL&amp;dir=desc&amp;sort=name"`) {
		t.Errorf("the list does not link its export with its filters:\n%s", list.body)
	}
	r := c.get("/sites/export.csv?country=NL&sort=name&dir=desc").want(t, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q", ct)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\ufeff")), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,name,") || !strings.Contains(lines[1], "Venlo Distribution Centre") || !strings.Contains(lines[2], "Rotterdam Port Warehouse") {
		t.Errorf("export:\n%s", r.body)
	}
	c.get("/sites/export.csv?status=sideways").want(t, http.StatusBadRequest)

	e.addUser("", "partner@harbourline.example", bulkhead.RolePartner, "en", "UTC")
	p := e.client()
	p.login("partner@harbourline.example")
	p.get("/sites/export.csv").want(t, http.StatusForbidden)
}

// TestMemberRoleChange changes a role from the members page, refuses to
// leave the organisation without an administrator (the error at that row),
// and refuses non-administrators.
func TestMemberRoleChange(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	admin, err := e.svc.Store().UserByEmail(context.Background(), "admin@harbourline.example")
	if err != nil {
		t.Fatal(err)
	}
	v := e.addUser("", "vera@harbourline.example", bulkhead.RoleViewer, "en", "UTC")

	page := c.get("/members").want(t, http.StatusOK)
	if !strings.Contains(page.body, `action="/members/`+v.ID+`/role"`) {
		t.Fatal("no role form on the members page")
	}
	r := c.post("/members/"+v.ID+"/role", url.Values{"role": {"auditor"}}).want(t, http.StatusSeeOther)
	if r.location() != "/members" {
		t.Errorf("redirect to %q", r.location())
	}
	if m, _ := e.svc.Store().Membership(context.Background(), e.org.ID, v.ID); m.Role != bulkhead.RoleAuditor {
		t.Errorf("role = %s, want auditor", m.Role)
	}
	last := c.post("/members/"+admin.ID+"/role", url.Values{"role": {"viewer"}}).want(t, http.StatusConflict)
	if !strings.Contains(last.body, `id="role-`+admin.ID+`-error"`) || !strings.Contains(last.body, "at least one administrator") {
		t.Errorf("the last-admin error is not shown at the row:\n%s", last.body)
	}
	c.post("/members/"+v.ID+"/role", url.Values{"role": {"tsar"}}).want(t, http.StatusUnprocessableEntity)
	c.postRaw("/members/"+v.ID+"/role", url.Values{"role": {"admin"}}).want(t, http.StatusForbidden) // no CSRF token

	vc := e.client()
	vc.login("vera@harbourline.example")
	vc.post("/members/"+v.ID+"/role", url.Values{"role": {"admin"}}).want(t, http.StatusForbidden)
	if m, _ := e.svc.Store().Membership(context.Background(), e.org.ID, v.ID); m.Role != bulkhead.RoleAuditor {
		t.Errorf("a refused change wrote: role = %s", m.Role)
	}
}
