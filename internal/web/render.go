package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

//go:embed templates
var templateFS embed.FS

// Page template names. New fails when one has no template.
const (
	pageLogin        = "login"
	pageDashboard    = "dashboard"
	pageArea         = "area"
	pageSites        = "sites"
	pageSite         = "site"
	pageSiteForm     = "site_form"
	pageSiteArchive  = "site_archive"
	pageAudit        = "audit"
	pageVerify       = "verify"
	pageAccount      = "account"
	pageTokenCreated = "token_created"
	pageMembers      = "members"
	pageError        = "error"
)

var pageNames = []string{pageLogin, pageDashboard, pageArea, pageSites, pageSite, pageSiteForm, pageSiteArchive,
	pageAudit, pageVerify, pageAccount, pageTokenCreated, pageMembers, pageError}

// parsePages parses the layout and partials once, then one clone of them per
// page file, each page defining the "content" block the layout calls.
func parsePages(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	files, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		if t, err = t.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		name := strings.TrimSuffix(path.Base(f), ".html")
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: template %s defines no content block", f)
		}
		pages[name] = t
	}
	for _, n := range pageNames {
		if pages[n] == nil {
			return nil, fmt.Errorf("web: template for page %q is missing", n)
		}
	}
	return pages, nil
}

// render executes a page into a buffer and sends it, so that a template
// error becomes a clean error page rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t := s.pages[name]
	var buf bytes.Buffer
	if t == nil {
		requestLog(r).Error("render: no such page", "page", name)
		s.plainError(w, r, http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		requestLog(r).Error("render", "page", name, "err", err)
		if name != pageError {
			s.plainError(w, r, http.StatusInternalServerError)
			return
		}
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// call is one request's context: who is asking, in which language and time
// zone. Public pages have no au.
type call struct {
	s    *server
	w    http.ResponseWriter
	r    *http.Request
	au   *service.Authenticated
	lang string
	loc  *time.Location
}

// T translates a catalog key into the request's language.
func (c *call) T(key string, args ...any) string { return i18n.T(c.lang, key, args...) }

// actor returns the acting user.
func (c *call) actor() service.Actor { return c.au.Actor }

// can reports whether the user's role allows an action.
func (c *call) can(a service.Action) bool { return c.au != nil && service.Can(c.au.Actor.Role, a) }

// navItem is one link of the navigation.
type navItem struct {
	Href   string
	Label  string
	Badge  string // clause number, for the management-system areas
	Active bool
}

// navSection is a titled group of links.
type navSection struct {
	Title string
	Items []navItem
}

// basePage is what every page's data carries; page structs embed it. Its
// methods are the template's helpers, bound to the request's language.
type basePage struct {
	c         *call
	Title     string
	Lang      string
	User      *bulkhead.User
	Org       *bulkhead.Membership // the current organisation and role
	Orgs      []*bulkhead.Membership
	CSRF      string
	Flash     string // translated flash message
	Nav       []navSection
	Version   string
	RequestID string
}

// base builds the common page data for a page titled by a catalog key.
func (c *call) base(titleKey string, args ...any) basePage {
	b := basePage{c: c, Title: c.T(titleKey, args...), Lang: c.lang, Version: c.s.opts.Version, RequestID: requestID(c.r)}
	if k := c.takeFlash(); k != "" {
		b.Flash = c.T(k)
	}
	if c.au == nil {
		return b
	}
	b.User = c.au.User
	b.Orgs = c.au.Orgs
	for _, m := range c.au.Orgs {
		if m.OrgID == c.au.Actor.OrgID {
			b.Org = m
		}
	}
	if c.au.Session != nil {
		b.CSRF = c.au.Session.CSRFToken
	}
	b.Nav = c.nav()
	return b
}

// nav builds the navigation: the overview, the ISO 28000 areas, the
// registers and administration, leaving out what the role cannot open.
func (c *call) nav() []navSection {
	p := c.r.URL.Path
	item := func(href, key string) navItem {
		active := p == href || (href != "/" && strings.HasPrefix(p, href+"/"))
		return navItem{Href: href, Label: c.T(key), Active: active}
	}
	main := navSection{Items: []navItem{item("/", "nav.dashboard"), item("/tasks", "nav.tasks"), item("/coverage", "nav.coverage")}}
	areas := navSection{Title: c.T("nav.areas")}
	for _, a := range areaList {
		it := item("/areas/"+a.Slug, a.TitleKey)
		it.Badge = a.Clause
		if a.BadgeKey != "" {
			it.Badge = c.T(a.BadgeKey)
		}
		areas.Items = append(areas.Items, it)
	}
	regs := navSection{Title: c.T("nav.registers")}
	if c.can(service.ActSiteRead) {
		regs.Items = append(regs.Items, item("/sites", "nav.sites"))
	}
	if c.can(service.ActAuditRead) {
		regs.Items = append(regs.Items, item("/audit", "nav.audit"))
	}
	admin := navSection{Title: c.T("nav.admin")}
	if c.can(service.ActMemberRead) {
		admin.Items = append(admin.Items, item("/members", "nav.members"))
	}
	admin.Items = append(admin.Items, item("/account", "nav.account"))
	out := []navSection{main, areas}
	if len(regs.Items) > 0 {
		out = append(out, regs)
	}
	return append(out, admin)
}

// T translates a catalog key: {{.T "sites.title"}}.
func (b *basePage) T(key string, args ...any) string { return b.c.T(key, args...) }

// Num formats an integer for the page's language.
func (b *basePage) Num(n any) string {
	switch v := n.(type) {
	case int:
		return i18n.Number(b.Lang, int64(v))
	case int64:
		return i18n.Number(b.Lang, v)
	}
	return fmt.Sprint(n)
}

// DateTime formats a time in the user's time zone.
func (b *basePage) DateTime(t time.Time) string { return i18n.DateTime(b.Lang, t, b.c.loc) }

// DateTimePtr formats an optional time, or returns "" for nil.
func (b *basePage) DateTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return b.DateTime(*t)
}

// ISOTime formats a time for a <time datetime> attribute.
func (b *basePage) ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Can reports whether the user's role allows an action, e.g. {{if .Can "site.create"}}.
func (b *basePage) Can(action string) bool { return b.c.can(service.Action(action)) }

// TimeZone is the name of the user's time zone.
func (b *basePage) TimeZone() string { return b.c.loc.String() }

// SiteTypeLabel translates a site type.
func (b *basePage) SiteTypeLabel(t bulkhead.SiteType) string { return b.c.siteTypeLabel(t) }

// RoleLabel translates a role.
func (b *basePage) RoleLabel(r bulkhead.Role) string { return b.c.roleLabel(r) }

// CountryName returns the name of an ISO 3166 country in the page's language.
func (b *basePage) CountryName(code string) string { return countryName(b.Lang, code) }

// Dynamic catalog keys. The i18n test walks every value these can take.
func siteTypeKey(t bulkhead.SiteType) string { return "site_type." + string(t) }
func roleKey(r bulkhead.Role) string         { return "role." + string(r) }
func actionKey(a string) string              { return "action." + a }
func objectKey(t string) string              { return "object." + t }
func fieldKey(f string) string               { return "field." + f }
func errKey(code string) string              { return "err." + code }
func statusKey(s string) string              { return "status." + s }
func langKey(l string) string                { return "lang." + l }
func breakKey(code string) string            { return "audit.break." + code }

// label translates a dynamic key, falling back to raw for values added to
// the domain before the catalogs learnt them.
func (c *call) label(key, raw string) string {
	if i18n.Has(c.lang, key) || i18n.Has(i18n.Default, key) {
		return c.T(key)
	}
	return raw
}

func (c *call) siteTypeLabel(t bulkhead.SiteType) string { return c.label(siteTypeKey(t), string(t)) }
func (c *call) roleLabel(r bulkhead.Role) string         { return c.label(roleKey(r), string(r)) }
func (c *call) actionLabel(a string) string              { return c.label(actionKey(a), a) }
func (c *call) objectLabel(t string) string              { return c.label(objectKey(t), t) }
func (c *call) fieldLabel(f string) string               { return c.label(fieldKey(f), f) }

// errMessage translates a field error code.
func (c *call) errMessage(code string) string {
	if i18n.Has(i18n.Default, errKey(code)) {
		return c.T(errKey(code))
	}
	return c.T(errKey(bulkhead.FieldInvalid))
}

// countryName returns a region's name in lang, or "" when code is not a
// known region.
func countryName(lang, code string) string {
	if len(code) != 2 {
		return ""
	}
	reg, err := language.ParseRegion(code)
	if err != nil {
		return ""
	}
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	name := display.Regions(tag).Name(reg)
	if name == "" || name == code {
		return ""
	}
	return name
}

// dateTime formats a time in the user's time zone.
func (c *call) dateTime(t time.Time) string { return i18n.DateTime(c.lang, t, c.loc) }

// dateTimeIn formats a time in another zone, naming the zone.
func (c *call) dateTimeIn(t time.Time, loc *time.Location) string {
	return c.T("time.in_zone", i18n.DateTime(c.lang, t, loc), loc.String())
}
