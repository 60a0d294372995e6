package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// sitesPageSize is the number of sites a list page shows.
const sitesPageSize = 50

// siteSortParams maps the list's sort parameter to the store's sort keys.
var siteSortParams = []struct {
	param    string
	sort     bulkhead.SiteSort
	labelKey string
	descLead bool // first click sorts newest first
}{
	{param: "name", sort: bulkhead.SiteSortName, labelKey: "field.name"},
	{param: "type", sort: bulkhead.SiteSortType, labelKey: "field.type"},
	{param: "country", sort: bulkhead.SiteSortCountry, labelKey: "field.country"},
	{param: "unlocode", sort: bulkhead.SiteSortUNLOCODE, labelKey: "field.unlocode"},
	{param: "updated", sort: bulkhead.SiteSortUpdated, labelKey: "field.updated", descLead: true},
}

// sortCol is a sortable column header.
type sortCol struct {
	Label    string
	Href     string
	AriaSort string // ascending, descending, or "" when not the sort column
	Hint     string // translated "sorted …" for screen readers
}

// siteRow is a site as the list shows it.
type siteRow struct {
	*bulkhead.Site
	TypeLabel   string
	CountryName string
	Updated     string
}

// sitesPage is the list of sites.
type sitesPage struct {
	basePage
	Filter     *form
	Sites      []siteRow
	Columns    []sortCol
	Total      int
	From, To   int
	PrevHref   string
	NextHref   string
	Filtered   bool
	ClearHref  string
	ExportHref string
}

// siteListFilter reads the list's filters and sort from the query string.
func siteListFilter(q url.Values) (f bulkhead.SiteFilter, sortParam, dir string) {
	f = bulkhead.SiteFilter{
		Query: q.Get("q"), Type: bulkhead.SiteType(q.Get("type")), Country: q.Get("country"),
		Status: q.Get("status"), Limit: sitesPageSize,
	}
	sortParam, dir = q.Get("sort"), q.Get("dir")
	if sortParam == "" {
		sortParam = "name"
	}
	sortOK := false
	for _, sp := range siteSortParams {
		if sp.param == sortParam {
			f.Sort, sortOK = sp.sort, true
		}
	}
	if !sortOK {
		sortParam, f.Sort = "name", bulkhead.SiteSortName
	}
	if dir != "desc" {
		dir = "asc"
	}
	f.Desc = dir == "desc"
	return f, sortParam, dir
}

// sites lists sites with search, filters, sorting and paging (GET /sites).
func (s *server) sites(c *call) error {
	q := c.r.URL.Query()
	f, sortParam, dir := siteListFilter(q)
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 || page > 1_000_000 {
		page = 1
	}
	f.Offset = (page - 1) * sitesPageSize

	p := &sitesPage{basePage: c.base("sites.title"), ClearHref: "/sites"}
	p.Filtered = f.Query != "" || f.Type != "" || f.Country != "" || (f.Status != "" && f.Status != bulkhead.StatusActive)
	p.Filter = c.siteFilterForm(q)

	link := func(set map[string]string) string {
		v := url.Values{}
		for _, k := range []string{"q", "type", "country", "status"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		if sortParam != "name" || dir != "asc" {
			v.Set("sort", sortParam)
			v.Set("dir", dir)
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		for k, x := range set {
			if x == "" {
				v.Del(k)
			} else {
				v.Set(k, x)
			}
		}
		if len(v) == 0 {
			return "/sites"
		}
		return "/sites?" + v.Encode()
	}
	p.ExportHref = "/sites/export.csv"
	if v := strings.TrimPrefix(link(map[string]string{"page": ""}), "/sites"); v != "" {
		p.ExportHref += v
	}
	for _, sp := range siteSortParams {
		col := sortCol{Label: c.T(sp.labelKey)}
		next := "asc"
		if sp.descLead {
			next = "desc"
		}
		if sp.param == sortParam {
			if dir == "asc" {
				col.AriaSort, col.Hint, next = "ascending", c.T("sort.ascending"), "desc"
			} else {
				col.AriaSort, col.Hint, next = "descending", c.T("sort.descending"), "asc"
			}
		}
		col.Href = link(map[string]string{"sort": sp.param, "dir": next, "page": ""})
		p.Columns = append(p.Columns, col)
	}

	sites, total, err := s.svc.Sites(c.r.Context(), c.actor(), f)
	status := http.StatusOK
	switch bulkhead.ErrorCode(err) {
	case "":
	case bulkhead.EINVALID:
		p.Filter.setErrors(c, bulkhead.ErrorFields(err))
		status = http.StatusUnprocessableEntity
	default:
		return err
	}
	p.Total = total
	for _, st := range sites {
		p.Sites = append(p.Sites, siteRow{Site: st, TypeLabel: c.siteTypeLabel(st.Type), CountryName: countryName(c.lang, st.Country), Updated: c.dateTime(st.UpdatedAt)})
	}
	if len(sites) > 0 {
		p.From, p.To = f.Offset+1, f.Offset+len(sites)
	}
	if page > 1 {
		p.PrevHref = link(map[string]string{"page": strconv.Itoa(page - 1)})
	}
	if f.Offset+len(sites) < total {
		p.NextHref = link(map[string]string{"page": strconv.Itoa(page + 1)})
	}
	s.render(c.w, c.r, status, pageSites, p)
	return nil
}

// exportSites sends every site matching the list's filters, in its order,
// as CSV (GET /sites/export.csv).
func (s *server) exportSites(c *call) error {
	f, _, _ := siteListFilter(c.r.URL.Query())
	f.Limit = 1
	if _, _, err := s.svc.Sites(c.r.Context(), c.actor(), f); err != nil {
		return err // forbidden or a bad filter: an error page, not a file
	}
	c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	c.w.Header().Set("Content-Disposition", `attachment; filename="sites.csv"`)
	err := export.Sites(c.w, func(fn func(*bulkhead.Site) error) error {
		return s.svc.EachSite(c.r.Context(), c.actor(), f, fn)
	})
	if err != nil {
		// The headers are sent: log it; the client gets a truncated file.
		requestLog(c.r).Error("site export failed", "err", err)
	}
	return nil
}

// siteFilterForm is the list's search and filter form.
func (c *call) siteFilterForm(q url.Values) *form {
	f := newForm()
	f.add(&formField{Name: "q", Label: c.T("sites.search"), Type: "search", Value: q.Get("q"), MaxLength: 200})
	types := options(q.Get("type"), "", c.T("sites.any_type"))
	for _, t := range bulkhead.SiteTypes {
		types = append(types, selectOption{Value: string(t), Label: c.siteTypeLabel(t), Selected: q.Get("type") == string(t)})
	}
	f.add(&formField{Name: "type", Label: c.T("field.type"), Kind: "select", Options: types})
	f.add(&formField{Name: "country", Label: c.T("field.country"), Value: q.Get("country"), MaxLength: 2, Autocapitalize: "characters"})
	status := q.Get("status")
	if status == "" {
		status = bulkhead.StatusActive
	}
	f.add(&formField{Name: "status", Label: c.T("field.status"), Kind: "select", Options: options(status,
		bulkhead.StatusActive, c.T(statusKey(bulkhead.StatusActive)),
		bulkhead.StatusArchived, c.T(statusKey(bulkhead.StatusArchived)),
		bulkhead.StatusAll, c.T(statusKey(bulkhead.StatusAll)))})
	return f
}

// siteForm is the create/edit form, filled from a site.
func (c *call) siteForm(st *bulkhead.Site) *form {
	f := newForm()
	f.add(&formField{Name: "name", Label: c.T("field.name"), Value: st.Name, Required: true, MaxLength: 200, Autocomplete: "off"})
	types := options(string(st.Type), "", c.T("site.choose_type"))
	for _, t := range bulkhead.SiteTypes {
		types = append(types, selectOption{Value: string(t), Label: c.siteTypeLabel(t), Selected: st.Type == t})
	}
	f.add(&formField{Name: "type", Label: c.T("field.type"), Kind: "select", Options: types, Required: true})
	f.add(&formField{Name: "country", Label: c.T("field.country"), Hint: c.T("hint.country"), Value: st.Country, Required: true,
		MaxLength: 2, Autocapitalize: "characters", Autocomplete: "off"})
	f.add(&formField{Name: "unlocode", Label: c.T("field.unlocode"), Hint: c.T("hint.unlocode"), Value: st.UNLOCODE,
		Autocapitalize: "characters", Autocomplete: "off"})
	f.add(&formField{Name: "time_zone", Label: c.T("field.time_zone"), Hint: c.T("hint.time_zone"), Value: st.TimeZone,
		Required: true, List: "tz-list", Autocomplete: "off", Autocapitalize: "none"})
	f.add(&formField{Name: "address", Label: c.T("field.address"), Kind: "textarea", Value: st.Address, MaxLength: 500})
	f.add(&formField{Name: "notes", Label: c.T("field.notes"), Hint: c.T("hint.notes"), Kind: "textarea", Value: st.Notes, MaxLength: 10000})
	return f
}

// siteInput reads the posted site fields; every field is set, so an edit
// saves what the form shows.
func siteInput(form url.Values) bulkhead.SiteInput {
	get := func(k string) *string { v := form.Get(k); return &v }
	return bulkhead.SiteInput{Name: get("name"), Type: get("type"), UNLOCODE: get("unlocode"), Address: get("address"),
		Country: get("country"), TimeZone: get("time_zone"), Notes: get("notes")}
}

// siteFormPage is the create/edit page.
type siteFormPage struct {
	basePage
	Form      *form
	Site      *bulkhead.Site // nil when creating
	Action    string
	Cancel    string
	Submit    string
	TimeZones []string
}

func (s *server) renderSiteForm(c *call, status int, st *bulkhead.Site, f *form) {
	p := &siteFormPage{Form: f, TimeZones: commonTimeZones}
	if st == nil {
		p.basePage = c.base("site.new_title")
		p.Action, p.Cancel, p.Submit = "/sites", "/sites", c.T("site.create")
	} else {
		p.basePage = c.base("site.edit_title", st.Name)
		p.Site = st
		p.Action, p.Cancel, p.Submit = "/sites/"+st.ID, "/sites/"+st.ID, c.T("common.save")
	}
	s.render(c.w, c.r, status, pageSiteForm, p)
}

// forbidden is the error for a page the role may not open. The service
// decides it for every change; form pages ask its permission table first so
// that nobody fills in a form they cannot submit.
func forbidden() error { return bulkhead.Errorf(bulkhead.EFORBIDDEN, "Your role does not allow this.") }

// newSite shows the empty site form (GET /sites/new).
func (s *server) newSite(c *call) error {
	if !c.can(service.ActSiteCreate) {
		return forbidden()
	}
	tz := c.au.User.TimeZone
	s.renderSiteForm(c, http.StatusOK, nil, c.siteForm(&bulkhead.Site{TimeZone: tz}))
	return nil
}

// createSite saves a new site (POST /sites).
func (s *server) createSite(c *call) error {
	in := siteInput(c.r.PostForm)
	st, err := s.svc.CreateSite(c.r.Context(), c.actor(), in)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f := c.siteForm(formSite(c.r.PostForm))
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderSiteForm(c, http.StatusUnprocessableEntity, nil, f)
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/sites/"+st.ID, "flash.site_created")
}

// formSite holds the posted values as typed, to show them again.
func formSite(v url.Values) *bulkhead.Site {
	return &bulkhead.Site{Name: v.Get("name"), Type: bulkhead.SiteType(v.Get("type")), UNLOCODE: v.Get("unlocode"),
		Address: v.Get("address"), Country: v.Get("country"), TimeZone: v.Get("time_zone"), Notes: v.Get("notes")}
}

// timePair is a moment shown in the user's and the site's time zone.
type timePair struct {
	User string
	Site string
	ISO  string
}

// sitePage is a site's detail page.
type sitePage struct {
	basePage
	Site          *bulkhead.Site
	TypeLabel     string
	CountryName   string
	Created       timePair
	Updated       timePair
	Archived      *timePair
	SiteZone      string
	Rows          []auditRow
	ActivityTotal int
	ActivityHref  string
	ShowActivity  bool
}

// site shows one site (GET /sites/{id}).
func (s *server) site(c *call) error {
	st, err := s.svc.Site(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	siteLoc := loadLocation(st.TimeZone)
	pair := func(t time.Time) timePair {
		return timePair{User: c.dateTimeIn(t, c.loc), Site: c.dateTimeIn(t, siteLoc), ISO: t.UTC().Format(time.RFC3339)}
	}
	p := &sitePage{basePage: c.base("site.title", st.Name), Site: st, TypeLabel: c.siteTypeLabel(st.Type),
		CountryName: countryName(c.lang, st.Country), Created: pair(st.CreatedAt), Updated: pair(st.UpdatedAt), SiteZone: siteLoc.String()}
	if st.ArchivedAt != nil {
		a := pair(*st.ArchivedAt)
		p.Archived = &a
	}
	if c.can(service.ActAuditRead) {
		entries, total, err := s.svc.AuditEntries(c.r.Context(), c.actor(), bulkhead.AuditFilter{ObjectType: "site", ObjectID: st.ID, Limit: 10})
		if err != nil {
			return err
		}
		p.ShowActivity, p.ActivityTotal = true, total
		p.ActivityHref = "/audit?" + url.Values{"object_type": {"site"}, "object_id": {st.ID}}.Encode()
		names := newNameCache(s, c)
		names.sites[st.ID] = st.Name
		for _, e := range entries {
			p.Rows = append(p.Rows, c.auditRow(e, names))
		}
	}
	s.render(c.w, c.r, http.StatusOK, pageSite, p)
	return nil
}

// editSite shows the edit form (GET /sites/{id}/edit).
func (s *server) editSite(c *call) error {
	st, err := s.svc.Site(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActSiteUpdate) {
		return forbidden()
	}
	if st.ArchivedAt != nil {
		return c.redirect("/sites/"+st.ID, "flash.site_archived_edit")
	}
	s.renderSiteForm(c, http.StatusOK, st, c.siteForm(st))
	return nil
}

// updateSite saves an edit (POST /sites/{id}).
func (s *server) updateSite(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.UpdateSite(c.r.Context(), c.actor(), id, siteInput(c.r.PostForm))
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/sites/"+id, "flash.site_updated")
	case bulkhead.EINVALID:
		st, gerr := s.svc.Site(c.r.Context(), c.actor(), id)
		if gerr != nil {
			return gerr
		}
		f := c.siteForm(formSite(c.r.PostForm))
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderSiteForm(c, http.StatusUnprocessableEntity, st, f)
		return nil
	case bulkhead.ECONFLICT:
		return c.redirect("/sites/"+id, "flash.site_archived_edit")
	}
	return err
}

// siteArchivePage asks to confirm archiving.
type siteArchivePage struct {
	basePage
	Site *bulkhead.Site
}

// confirmArchiveSite asks before archiving (GET /sites/{id}/archive).
func (s *server) confirmArchiveSite(c *call) error {
	st, err := s.svc.Site(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActSiteArchive) {
		return forbidden()
	}
	if st.ArchivedAt != nil {
		return c.redirect("/sites/"+st.ID, "")
	}
	s.render(c.w, c.r, http.StatusOK, pageSiteArchive, &siteArchivePage{basePage: c.base("site.archive_title", st.Name), Site: st})
	return nil
}

// archiveSite archives a site (POST /sites/{id}/archive).
func (s *server) archiveSite(c *call) error {
	st, err := s.svc.ArchiveSite(c.r.Context(), c.actor(), c.r.PathValue("id"), true)
	if err != nil {
		return err
	}
	return c.redirect("/sites/"+st.ID, "flash.site_archived")
}

// restoreSite brings an archived site back (POST /sites/{id}/restore).
func (s *server) restoreSite(c *call) error {
	st, err := s.svc.ArchiveSite(c.r.Context(), c.actor(), c.r.PathValue("id"), false)
	if err != nil {
		return err
	}
	return c.redirect("/sites/"+st.ID, "flash.site_restored")
}
