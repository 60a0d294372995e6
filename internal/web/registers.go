package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// The registers of clauses 4.1, 4.2, 6.2, 6.3 and 7.4 share their pages:
// a list (search, filters, sorting, paging, CSV export), a detail page with
// the record's links and history, a create/edit form re-shown with its
// errors, and an archive confirmation. Each register is a regPage spec:
// its columns, filters, form fields and details; the handlers and
// templates (reg_list, reg_detail, reg_form, reg_archive) are shared.

// Register page templates.
const (
	pageRegList     = "reg_list"
	pageRegDetail   = "reg_detail"
	pageRegForm     = "reg_form"
	pageRegArchive  = "reg_archive"
	pageRegTasks    = "reg_tasks"
	pageRegCoverage = "reg_coverage"
)

// regPageSize is the number of records a list page shows.
const regPageSize = 50

// registerRoutes registers the pages of the registers, My tasks and the
// clause coverage.
func (s *server) registerRoutes(mux *http.ServeMux) {
	for _, r := range webRegisters {
		r.register(s, mux)
	}
	for _, c := range webChildren {
		c.register(s, mux)
	}
	mux.HandleFunc("POST /changes/{id}/approve", s.auth(s.decideChange(true)))
	mux.HandleFunc("POST /changes/{id}/reject", s.auth(s.decideChange(false)))
	mux.HandleFunc("GET /tasks", s.auth(s.myTasks))
	mux.HandleFunc("GET /coverage", s.auth(s.coverage))
	s.contextRiskRoutes(mux)
}

// routable is a register or child spec.
type routable interface {
	register(s *server, mux *http.ServeMux)
}

// refs are the organisation's members and sites, for choosing and naming
// the records a register entry points at. Loaded once per request.
type refs struct {
	members []*bulkhead.Membership
	sites   []*bulkhead.Site
	member  map[string]string // user ID → name
	site    map[string]string // site ID → name
}

func (s *server) refs(c *call) *refs {
	r := &refs{member: map[string]string{}, site: map[string]string{}}
	if ms, err := s.svc.Assignees(c.r.Context(), c.actor()); err == nil {
		r.members = ms
		for _, m := range ms {
			r.member[m.UserID] = m.UserName
		}
	}
	if c.can(service.ActSiteRead) {
		f := bulkhead.SiteFilter{Status: bulkhead.StatusAll, Limit: bulkhead.MaxPageSize}
		if sites, _, err := s.svc.Sites(c.r.Context(), c.actor(), f); err == nil {
			for _, st := range sites {
				r.site[st.ID] = st.Name
				if st.ArchivedAt == nil {
					r.sites = append(r.sites, st)
				}
			}
		}
	}
	return r
}

// memberName returns a member's name, or "" for none.
func (r *refs) memberName(id string) string {
	if id == "" {
		return ""
	}
	if n := r.member[id]; n != "" {
		return n
	}
	return id
}

// memberOptions are the choices of a member select.
func (r *refs) memberOptions(c *call, selected string, noneKey string) []selectOption {
	opts := options(selected, "", c.T(noneKey))
	for _, m := range r.members {
		opts = append(opts, selectOption{Value: m.UserID, Label: m.UserName, Selected: m.UserID == selected})
	}
	return opts
}

// siteOptions are the choices of a site checkbox list.
func (r *refs) siteOptions(selected []string) []selectOption {
	var opts []selectOption
	for _, st := range r.sites {
		opts = append(opts, selectOption{Value: st.ID, Label: st.Name, Selected: slices.Contains(selected, st.ID)})
	}
	for _, id := range selected { // a linked site archived since
		if !slices.ContainsFunc(r.sites, func(st *bulkhead.Site) bool { return st.ID == id }) {
			opts = append(opts, selectOption{Value: id, Label: r.siteName(id), Selected: true})
		}
	}
	return opts
}

func (r *refs) siteName(id string) string {
	if n := r.site[id]; n != "" {
		return n
	}
	return id
}

// siteLinks are the linked sites as links.
func (r *refs) siteLinks(ids []string) []link {
	var out []link
	for _, id := range ids {
		out = append(out, link{Text: r.siteName(id), Href: "/sites/" + id})
	}
	return out
}

// enumLabel translates a register enum value: "regv.<group>.<value>".
func (c *call) enumLabel(group, v string) string {
	if v == "" {
		return ""
	}
	return c.label(enumKey(group, v), v)
}

func enumKey(group, v string) string { return "regv." + group + "." + v }

// enumOptions are the choices of an enum select, with a leading empty one
// labelled by emptyKey ("" for none).
func enumOptions[T ~string](c *call, group string, all []T, selected, emptyKey string) []selectOption {
	var opts []selectOption
	if emptyKey != "" {
		opts = options(selected, "", c.T(emptyKey))
	}
	for _, v := range all {
		opts = append(opts, selectOption{Value: string(v), Label: c.enumLabel(group, string(v)), Selected: string(v) == selected})
	}
	return opts
}

// Ordered returns the form's fields in the order they were added.
func (f *form) Ordered() []*formField {
	out := make([]*formField, 0, len(f.order))
	for _, n := range f.order {
		out = append(out, f.Fields[n])
	}
	return out
}

// dateText shows a date in the page's language; "" for none.
func (c *call) dateText(d bulkhead.Date) string {
	if d == "" {
		return ""
	}
	return i18n.Date(c.lang, d.Time(), time.UTC)
}

// cell is one table cell.
type cell struct {
	Text  string
	Href  string
	Badge string // a badge class: ok, warn, bad, muted; "" for plain text
	Class string
}

// link is a link to a related record.
type link struct {
	Text string
	Href string
}

// prop is one line of a detail page's properties.
type prop struct {
	Label string
	Value string
	Pre   bool   // keep line breaks
	Badge string // a badge class, as in cell
	Links []link // shown instead of Value when set
	None  string // shown when Value and Links are empty
}

// section is a table of related records on a detail page (a party's
// requirements, an objective's actions), or a note where links will come.
type section struct {
	ID       string
	Title    string
	Columns  []string
	Rows     []sectionRow
	Empty    string
	AddHref  string
	AddLabel string
	Note     string
	// LinkForm, when set, links another record to the page's one;
	// LinkNote says why there is none to link.
	LinkForm *sectionForm
	LinkNote string
}

// sectionRow is one related record with its edit and archive controls.
type sectionRow struct {
	Cells       []cell
	Archived    bool
	EditHref    string
	ArchiveHref string // POST target; restore when Archived
	UnlinkHref  string // POST target removing the link to this record
	UnlinkLabel string
}

// colSpec is one column of a register list.
type colSpec[T any] struct {
	labelKey string
	sort     string // the store's sort key; "" when not sortable
	descLead bool   // the first click sorts descending
	cell     func(c *call, x T, r *refs) cell
}

// filterSpec is a register's own select filter.
type filterSpec struct {
	name     string
	labelKey string
	anyKey   string
	options  func(c *call, r *refs, selected string) []selectOption
}

// regPage describes one register's pages. T is its record, F its filter,
// I its input.
type regPage[T interface{ Meta() *bulkhead.Record }, F any, I any] struct {
	base     string // URL path, e.g. "/context-issues"
	clause   string
	titleKey string // the register's name
	introKey string
	newKey   string // "New …" button
	oneKey   string // a record's kind, singular (eyebrow)
	kind     string // audit object type
	read     service.Action
	write    service.Action
	file     string // export file name
	cols     []colSpec[T]
	filters  []filterSpec
	filter   func(q url.Values, lf bulkhead.ListFilter) F
	list     func(s *service.Service, ctx context.Context, a service.Actor, f F) ([]T, int, error)
	each     func(s *service.Service, ctx context.Context, a service.Actor, f F, fn func(T) error) error
	table    export.Table[T]
	get      func(s *service.Service, ctx context.Context, a service.Actor, id string) (T, error)
	create   func(s *service.Service, ctx context.Context, a service.Actor, in I) (T, error)
	update   func(s *service.Service, ctx context.Context, a service.Actor, id string, in I) (T, error)
	archive  func(s *service.Service, ctx context.Context, a service.Actor, id string, archive bool) (T, error)
	name     func(T) string
	// form builds the create/edit form from values (a record's, or those
	// posted); values gives a record's; input reads the posted ones.
	form     func(c *call, v url.Values, r *refs) *form
	values   func(T) url.Values
	defaults func(c *call) url.Values
	input    func(v url.Values) I
	props    func(c *call, x T, r *refs) []prop
	sections func(s *server, c *call, x T, r *refs) ([]section, error)
	// actions are extra buttons of the detail page (approve, reject).
	actions func(c *call, x T) []pageAction
}

// pageAction is a button on a detail page that posts to Href.
type pageAction struct {
	Href  string
	Label string
	Class string
}

func (p *regPage[T, F, I]) register(s *server, mux *http.ServeMux) {
	mux.HandleFunc("GET "+p.base, s.auth(func(c *call) error { return p.listPage(s, c) }))
	mux.HandleFunc("POST "+p.base, s.auth(func(c *call) error { return p.save(s, c, "") }))
	mux.HandleFunc("GET "+p.base+"/new", s.auth(func(c *call) error { return p.newPage(s, c) }))
	mux.HandleFunc("GET "+p.base+"/export.csv", s.auth(func(c *call) error { return p.exportCSV(s, c) }))
	mux.HandleFunc("GET "+p.base+"/{id}", s.auth(func(c *call) error { return p.detail(s, c, http.StatusOK, nil) }))
	mux.HandleFunc("POST "+p.base+"/{id}", s.auth(func(c *call) error { return p.save(s, c, c.r.PathValue("id")) }))
	mux.HandleFunc("GET "+p.base+"/{id}/edit", s.auth(func(c *call) error { return p.editPage(s, c) }))
	mux.HandleFunc("GET "+p.base+"/{id}/archive", s.auth(func(c *call) error { return p.confirmArchive(s, c) }))
	mux.HandleFunc("POST "+p.base+"/{id}/archive", s.auth(func(c *call) error { return p.setArchived(s, c, true) }))
	mux.HandleFunc("POST "+p.base+"/{id}/restore", s.auth(func(c *call) error { return p.setArchived(s, c, false) }))
}

// regListPage is a register's list.
type regListPage struct {
	basePage
	Base       string
	Clause     string
	Intro      string
	NewHref    string
	NewLabel   string
	Filter     *form
	Columns    []sortCol
	Rows       []regListRow
	Total      int
	From, To   int
	PrevHref   string
	NextHref   string
	Filtered   bool
	ClearHref  string
	ExportHref string
}

// regListRow is one record of a list.
type regListRow struct {
	Cells    []cell
	Archived bool
}

// listFilter reads the common list parameters: q, status (archive
// status), sort and dir, page.
func (p *regPage[T, F, I]) listFilter(q url.Values) (lf bulkhead.ListFilter, sortKey, dir string, page int) {
	sortKey, dir = q.Get("sort"), q.Get("dir")
	col := slices.IndexFunc(p.cols, func(cs colSpec[T]) bool { return cs.sort != "" && cs.sort == sortKey })
	if col < 0 {
		sortKey = p.cols[0].sort
	}
	if dir != "desc" {
		dir = "asc"
	}
	page, _ = strconv.Atoi(q.Get("page"))
	if page < 1 || page > 1_000_000 {
		page = 1
	}
	lf = bulkhead.ListFilter{Query: q.Get("q"), Status: q.Get("status"), Sort: sortKey, Desc: dir == "desc", Limit: regPageSize, Offset: (page - 1) * regPageSize}
	return lf, sortKey, dir, page
}

func (p *regPage[T, F, I]) listPage(s *server, c *call) error {
	if !c.can(p.read) {
		return forbidden()
	}
	q := c.r.URL.Query()
	lf, sortKey, dir, page := p.listFilter(q)
	r := s.refs(c)
	lp := &regListPage{basePage: c.base(p.titleKey), Base: p.base, Clause: p.clause, Intro: c.T(p.introKey), ClearHref: p.base}
	if c.can(p.write) {
		lp.NewHref, lp.NewLabel = p.base+"/new", c.T(p.newKey)
	}
	keys := []string{"q", "status"}
	fm := newForm()
	fm.add(&formField{Name: "q", Label: c.T("reg.search"), Type: "search", Value: q.Get("q"), MaxLength: 200})
	for _, fs := range p.filters {
		keys = append(keys, fs.name)
		fm.add(&formField{Name: fs.name, Label: c.T(fs.labelKey), Kind: "select", Options: append(options(q.Get(fs.name), "", c.T(fs.anyKey)), fs.options(c, r, q.Get(fs.name))...)})
	}
	status := q.Get("status")
	if status == "" {
		status = bulkhead.StatusActive
	}
	fm.add(&formField{Name: "status", Label: c.T("reg.record_status"), Kind: "select", Options: options(status,
		bulkhead.StatusActive, c.T(statusKey(bulkhead.StatusActive)),
		bulkhead.StatusArchived, c.T(statusKey(bulkhead.StatusArchived)),
		bulkhead.StatusAll, c.T(statusKey(bulkhead.StatusAll)))})
	lp.Filter = fm
	for _, k := range keys {
		lp.Filtered = lp.Filtered || (q.Get(k) != "" && !(k == "status" && q.Get(k) == bulkhead.StatusActive))
	}
	link := func(set map[string]string) string {
		v := url.Values{}
		for _, k := range keys {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		if sortKey != p.cols[0].sort || dir != "asc" {
			v.Set("sort", sortKey)
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
			return p.base
		}
		return p.base + "?" + v.Encode()
	}
	lp.ExportHref = p.base + "/export.csv" + strings.TrimPrefix(link(map[string]string{"page": ""}), p.base)
	for _, cs := range p.cols {
		col := sortCol{Label: c.T(cs.labelKey)}
		if cs.sort != "" {
			next := "asc"
			if cs.descLead {
				next = "desc"
			}
			if cs.sort == sortKey {
				if dir == "asc" {
					col.AriaSort, col.Hint, next = "ascending", c.T("sort.ascending"), "desc"
				} else {
					col.AriaSort, col.Hint, next = "descending", c.T("sort.descending"), "asc"
				}
			}
			col.Href = link(map[string]string{"sort": cs.sort, "dir": next, "page": ""})
		}
		lp.Columns = append(lp.Columns, col)
	}
	items, total, err := p.list(s.svc, c.r.Context(), c.actor(), p.filter(q, lf))
	code := http.StatusOK
	switch bulkhead.ErrorCode(err) {
	case "":
	case bulkhead.EINVALID:
		fm.setErrors(c, bulkhead.ErrorFields(err))
		code = http.StatusUnprocessableEntity
	default:
		return err
	}
	lp.Total = total
	for _, x := range items {
		row := regListRow{Archived: x.Meta().ArchivedAt != nil}
		for i, cs := range p.cols {
			cl := cs.cell(c, x, r)
			if i == 0 {
				cl.Href, cl.Class = p.base+"/"+x.Meta().ID, "strong"
			}
			row.Cells = append(row.Cells, cl)
		}
		lp.Rows = append(lp.Rows, row)
	}
	if len(items) > 0 {
		lp.From, lp.To = lf.Offset+1, lf.Offset+len(items)
	}
	if page > 1 {
		lp.PrevHref = link(map[string]string{"page": strconv.Itoa(page - 1)})
	}
	if lf.Offset+len(items) < total {
		lp.NextHref = link(map[string]string{"page": strconv.Itoa(page + 1)})
	}
	s.render(c.w, c.r, code, pageRegList, lp)
	return nil
}

func (p *regPage[T, F, I]) exportCSV(s *server, c *call) error {
	lf, _, _, _ := p.listFilter(c.r.URL.Query())
	lf.Limit, lf.Offset = 1, 0
	f := p.filter(c.r.URL.Query(), lf)
	if _, _, err := p.list(s.svc, c.r.Context(), c.actor(), f); err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+p.file+`.csv"`)
	if err := p.table.Write(c.w, func(fn func(T) error) error { return p.each(s.svc, c.r.Context(), c.actor(), f, fn) }); err != nil {
		requestLog(c.r).Error("register export failed", "register", p.file, "err", err)
	}
	return nil
}

// regDetailPage is a record's page.
type regDetailPage struct {
	basePage
	Base          string
	ListTitle     string
	Eyebrow       string
	Name          string
	Archived      bool
	ArchivedText  string
	EditHref      string
	ArchiveHref   string
	RestoreHref   string
	Actions       []pageAction
	Errors        *form
	Props         []prop
	Record        []prop
	Sections      []section
	Rows          []auditRow
	ShowActivity  bool
	ActivityTotal int
	ActivityHref  string
}

func (p *regPage[T, F, I]) detail(s *server, c *call, code int, errs *form) error {
	x, err := p.get(s.svc, c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	m := x.Meta()
	r := s.refs(c)
	dp := &regDetailPage{basePage: c.base(p.oneKey), Base: p.base, ListTitle: c.T(p.titleKey), Eyebrow: c.T(p.oneKey), Name: p.name(x),
		Archived: m.ArchivedAt != nil, Errors: errs}
	dp.Title = p.name(x)
	if c.can(p.write) {
		if m.ArchivedAt != nil {
			dp.RestoreHref = p.base + "/" + m.ID + "/restore"
		} else {
			dp.EditHref, dp.ArchiveHref = p.base+"/"+m.ID+"/edit", p.base+"/"+m.ID+"/archive"
		}
	}
	if m.ArchivedAt != nil {
		dp.ArchivedText = c.T("reg.archived_banner", c.dateTime(*m.ArchivedAt))
	}
	if p.actions != nil && m.ArchivedAt == nil {
		dp.Actions = p.actions(c, x)
	}
	dp.Props = p.props(c, x, r)
	dp.Record = []prop{{Label: c.T("field.created"), Value: c.dateTime(m.CreatedAt)}, {Label: c.T("field.updated"), Value: c.dateTime(m.UpdatedAt)},
		{Label: c.T("field.id"), Value: m.ID}}
	if p.sections != nil {
		if dp.Sections, err = p.sections(s, c, x, r); err != nil {
			return err
		}
	}
	if c.can(service.ActAuditRead) {
		entries, total, err := s.svc.AuditEntries(c.r.Context(), c.actor(), bulkhead.AuditFilter{ObjectType: p.kind, ObjectID: m.ID, Limit: 10})
		if err != nil {
			return err
		}
		dp.ShowActivity, dp.ActivityTotal = true, total
		dp.ActivityHref = "/audit?" + url.Values{"object_type": {p.kind}, "object_id": {m.ID}}.Encode()
		names := newNameCache(s, c)
		for _, e := range entries {
			row := c.auditRow(e, names)
			row.Object = dp.Name
			dp.Rows = append(dp.Rows, row)
		}
	}
	s.render(c.w, c.r, code, pageRegDetail, dp)
	return nil
}

// regFormPage is a create/edit form.
type regFormPage struct {
	basePage
	ListTitle string
	ListHref  string
	Name      string // the record edited; "" when creating
	NameHref  string
	Form      *form
	Action    string
	Cancel    string
	Submit    string
}

func (p *regPage[T, F, I]) renderForm(s *server, c *call, code int, x T, editing bool, v url.Values, errs map[string]string) {
	r := s.refs(c)
	f := p.form(c, v, r)
	if errs != nil {
		f.setErrors(c, errs)
	}
	fp := &regFormPage{ListTitle: c.T(p.titleKey), ListHref: p.base, Form: f}
	if !editing {
		fp.basePage = c.base(p.newKey)
		fp.Action, fp.Cancel, fp.Submit = p.base, p.base, c.T("reg.create")
	} else {
		id := x.Meta().ID
		fp.basePage = c.base("reg.edit_title", p.name(x))
		fp.Name, fp.NameHref = p.name(x), p.base+"/"+id
		fp.Action, fp.Cancel, fp.Submit = p.base+"/"+id, p.base+"/"+id, c.T("common.save")
	}
	s.render(c.w, c.r, code, pageRegForm, fp)
}

func (p *regPage[T, F, I]) newPage(s *server, c *call) error {
	if !c.can(p.write) {
		return forbidden()
	}
	var zero T
	v := url.Values{}
	if p.defaults != nil {
		v = p.defaults(c)
	}
	p.renderForm(s, c, http.StatusOK, zero, false, v, nil)
	return nil
}

func (p *regPage[T, F, I]) editPage(s *server, c *call) error {
	x, err := p.get(s.svc, c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(p.write) {
		return forbidden()
	}
	if x.Meta().ArchivedAt != nil {
		return c.redirect(p.base+"/"+x.Meta().ID, "flash.reg_archived_edit")
	}
	p.renderForm(s, c, http.StatusOK, x, true, p.values(x), nil)
	return nil
}

// save creates (id == "") or updates a record from the posted form; a
// form with errors comes back with them marked and nothing saved.
func (p *regPage[T, F, I]) save(s *server, c *call, id string) error {
	in := p.input(c.r.PostForm)
	var x T
	var err error
	if id == "" {
		x, err = p.create(s.svc, c.r.Context(), c.actor(), in)
	} else {
		x, err = p.update(s.svc, c.r.Context(), c.actor(), id, in)
	}
	switch bulkhead.ErrorCode(err) {
	case "":
		if id == "" {
			return c.redirect(p.base+"/"+x.Meta().ID, "flash.reg_created")
		}
		return c.redirect(p.base+"/"+id, "flash.reg_updated")
	case bulkhead.EINVALID:
		var cur T
		if id != "" {
			var gerr error
			if cur, gerr = p.get(s.svc, c.r.Context(), c.actor(), id); gerr != nil {
				return gerr
			}
		}
		p.renderForm(s, c, http.StatusUnprocessableEntity, cur, id != "", c.r.PostForm, bulkhead.ErrorFields(err))
		return nil
	case bulkhead.ECONFLICT:
		if id != "" {
			return c.redirect(p.base+"/"+id, "flash.reg_archived_edit")
		}
	}
	return err
}

// regArchivePage asks to confirm archiving.
type regArchivePage struct {
	basePage
	ListTitle string
	ListHref  string
	Name      string
	Href      string
}

func (p *regPage[T, F, I]) confirmArchive(s *server, c *call) error {
	x, err := p.get(s.svc, c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(p.write) {
		return forbidden()
	}
	href := p.base + "/" + x.Meta().ID
	if x.Meta().ArchivedAt != nil {
		return c.redirect(href, "")
	}
	s.render(c.w, c.r, http.StatusOK, pageRegArchive, &regArchivePage{basePage: c.base("reg.archive_title", p.name(x)),
		ListTitle: c.T(p.titleKey), ListHref: p.base, Name: p.name(x), Href: href})
	return nil
}

func (p *regPage[T, F, I]) setArchived(s *server, c *call, archive bool) error {
	x, err := p.archive(s.svc, c.r.Context(), c.actor(), c.r.PathValue("id"), archive)
	if err != nil {
		return err
	}
	flash := "flash.reg_restored"
	if archive {
		flash = "flash.reg_archived"
	}
	return c.redirect(p.base+"/"+x.Meta().ID, flash)
}

// childPage describes the pages of a register's child records (a party's
// requirements, an objective's actions): a form to add and edit, archive
// and restore buttons on the parent's page.
type childPage[T interface{ Meta() *bulkhead.Record }, I any] struct {
	parentBase string // the parent register, e.g. "/parties"
	sub        string // path under the parent, e.g. "requirements"
	base       string // the child's own path, e.g. "/party-requirements"
	write      service.Action
	newKey     string
	editKey    string
	parentName func(s *service.Service, ctx context.Context, a service.Actor, id string) (string, error)
	parentID   func(T) string
	get        func(s *service.Service, ctx context.Context, a service.Actor, id string) (T, error)
	create     func(s *service.Service, ctx context.Context, a service.Actor, parentID string, in I) (T, error)
	update     func(s *service.Service, ctx context.Context, a service.Actor, id string, in I) (T, error)
	archive    func(s *service.Service, ctx context.Context, a service.Actor, id string, archive bool) (T, error)
	form       func(c *call, v url.Values, r *refs) *form
	values     func(T) url.Values
	input      func(v url.Values) I
}

func (p *childPage[T, I]) register(s *server, mux *http.ServeMux) {
	mux.HandleFunc("GET "+p.parentBase+"/{id}/"+p.sub+"/new", s.auth(func(c *call) error { return p.formPage(s, c, c.r.PathValue("id"), "", nil, nil) }))
	mux.HandleFunc("POST "+p.parentBase+"/{id}/"+p.sub, s.auth(func(c *call) error { return p.save(s, c, c.r.PathValue("id"), "") }))
	mux.HandleFunc("GET "+p.base+"/{id}/edit", s.auth(func(c *call) error {
		x, err := p.get(s.svc, c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if x.Meta().ArchivedAt != nil {
			return c.redirect(p.parentBase+"/"+p.parentID(x), "flash.reg_archived_edit")
		}
		return p.formPage(s, c, p.parentID(x), x.Meta().ID, p.values(x), nil)
	}))
	mux.HandleFunc("POST "+p.base+"/{id}", s.auth(func(c *call) error {
		x, err := p.get(s.svc, c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		return p.save(s, c, p.parentID(x), x.Meta().ID)
	}))
	for _, archive := range []bool{true, false} {
		verb, flash := "restore", "flash.reg_restored"
		if archive {
			verb, flash = "archive", "flash.reg_archived"
		}
		mux.HandleFunc("POST "+p.base+"/{id}/"+verb, s.auth(func(c *call) error {
			x, err := p.archive(s.svc, c.r.Context(), c.actor(), c.r.PathValue("id"), archive)
			if err != nil {
				return err
			}
			return c.redirect(p.parentBase+"/"+p.parentID(x), flash)
		}))
	}
}

func (p *childPage[T, I]) formPage(s *server, c *call, parentID, id string, v url.Values, errs map[string]string) error {
	if !c.can(p.write) {
		return forbidden()
	}
	name, err := p.parentName(s.svc, c.r.Context(), c.actor(), parentID)
	if err != nil {
		return err
	}
	if v == nil {
		v = url.Values{}
	}
	f := p.form(c, v, s.refs(c))
	code := http.StatusOK
	if errs != nil {
		f.setErrors(c, errs)
		code = http.StatusUnprocessableEntity
	}
	parentHref := p.parentBase + "/" + parentID
	fp := &regFormPage{ListTitle: name, ListHref: parentHref, Form: f, Cancel: parentHref}
	if id == "" {
		fp.basePage = c.base(p.newKey)
		fp.Action, fp.Submit = parentHref+"/"+p.sub, c.T("reg.create")
	} else {
		fp.basePage = c.base(p.editKey)
		fp.Action, fp.Submit = p.base+"/"+id, c.T("common.save")
	}
	s.render(c.w, c.r, code, pageRegForm, fp)
	return nil
}

func (p *childPage[T, I]) save(s *server, c *call, parentID, id string) error {
	in := p.input(c.r.PostForm)
	var err error
	flash := "flash.reg_updated"
	if id == "" {
		_, err = p.create(s.svc, c.r.Context(), c.actor(), parentID, in)
		flash = "flash.reg_created"
	} else {
		_, err = p.update(s.svc, c.r.Context(), c.actor(), id, in)
	}
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect(p.parentBase+"/"+parentID, flash)
	case bulkhead.EINVALID:
		return p.formPage(s, c, parentID, id, c.r.PostForm, bulkhead.ErrorFields(err))
	case bulkhead.ECONFLICT:
		return c.redirect(p.parentBase+"/"+parentID, "flash.reg_archived_edit")
	}
	return err
}

// decideChange approves or rejects a planned change (POST
// /changes/{id}/approve|reject). A refusal (own change, no risk review)
// shows the change again with the problem.
func (s *server) decideChange(approve bool) handlerFunc {
	return func(c *call) error {
		id := c.r.PathValue("id")
		_, err := s.svc.DecideChange(c.r.Context(), c.actor(), id, approve)
		switch bulkhead.ErrorCode(err) {
		case "":
			if approve {
				return c.redirect("/changes/"+id, "flash.change_approved")
			}
			return c.redirect("/changes/"+id, "flash.change_rejected")
		case bulkhead.EINVALID:
			f := newForm()
			f.Heading = c.T("form.errors_title")
			for name, code := range bulkhead.ErrorFields(err) {
				f.Errors = append(f.Errors, formError{Message: c.T("form.field_error", c.label("regf."+name, name), c.errMessage(code))})
			}
			return changePage.detail(s, c, http.StatusUnprocessableEntity, f)
		}
		return err
	}
}

// taskRow is a task as the pages show it.
type taskRow struct {
	Kind    string
	Label   string
	Title   string
	Href    string
	Due     string
	DueISO  string
	Overdue bool
}

func (c *call) taskRows(tasks []service.Task) []taskRow {
	out := make([]taskRow, 0, len(tasks))
	for _, t := range tasks {
		row := taskRow{Kind: t.Kind, Label: c.label("task."+t.Kind, t.Kind), Title: t.Title, Href: t.Href, Overdue: t.Overdue}
		if !t.Due.IsZero() {
			row.Due, row.DueISO = i18n.Date(c.lang, t.Due, time.UTC), t.Due.UTC().Format(time.DateOnly)
		}
		out = append(out, row)
	}
	return out
}

// tasksPage is My tasks.
type tasksPage struct {
	basePage
	Tasks   []taskRow
	Overdue int
}

// myTasks lists what falls due for the user, overdue first (GET /tasks).
func (s *server) myTasks(c *call) error {
	tasks, err := s.svc.MyTasks(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &tasksPage{basePage: c.base("tasks.title"), Tasks: c.taskRows(tasks)}
	for _, t := range tasks {
		if t.Overdue {
			p.Overdue++
		}
	}
	s.render(c.w, c.r, http.StatusOK, pageRegTasks, p)
	return nil
}

// coverageClause is one sub-clause of the coverage page.
type coverageClause struct {
	Clause string
	Title  string
	Lines  []coverageLine
}

// coverageLine is one register's contribution to a sub-clause.
type coverageLine struct {
	Text    string
	Href    string
	Missing bool
	Warn    bool
	Notes   []string
}

// coveragePage is the clause coverage.
type coveragePage struct {
	basePage
	Clauses []coverageClause
}

// coverageClauses are the sub-clauses of ISO 28000:2022 clauses 4 to 7 the
// page lists (IDs from the standard's outline; titles are our own words,
// in the catalogs as coverage.clause.<id>).
var coverageClauses = []string{"4.1", "4.2.1", "4.2.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3", "7.1", "7.2", "7.3", "7.4", "7.5"}

// coverageKinds are the record kinds whose coverage lines the catalogs
// word specially ("coverage.kind.<kind>", with the count and the number
// needing attention); other kinds use a generic line.
var coverageKinds = bulkhead.RegisterKinds

// coverage shows, for each sub-clause of clauses 4 to 7, what records exist
// and what is missing or overdue (GET /coverage).
func (s *server) coverage(c *call) error {
	statuses, err := s.svc.ClauseCoverage(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &coveragePage{basePage: c.base("coverage.title")}
	byClause := map[string][]service.ClauseStatus{}
	var extra []string
	for _, st := range statuses {
		if !slices.Contains(coverageClauses, st.Clause) && !slices.Contains(extra, st.Clause) {
			extra = append(extra, st.Clause)
		}
		byClause[st.Clause] = append(byClause[st.Clause], st)
	}
	for _, cl := range append(slices.Clone(coverageClauses), extra...) {
		cc := coverageClause{Clause: cl, Title: c.label("coverage.clause."+cl, "")}
		for _, st := range byClause[cl] {
			line := coverageLine{Href: st.Href, Missing: st.Missing, Warn: st.Overdue > 0, Notes: st.Notes}
			key := "coverage.kind." + st.Kind
			if i18n.Has(i18n.Default, key) {
				line.Text = c.T(key, i18n.Number(c.lang, int64(st.Count)), i18n.Number(c.lang, int64(st.Overdue)))
			} else {
				line.Text = c.T("coverage.generic", c.label("object."+st.Kind, st.Kind), i18n.Number(c.lang, int64(st.Count)), i18n.Number(c.lang, int64(st.Overdue)))
			}
			cc.Lines = append(cc.Lines, line)
		}
		p.Clauses = append(p.Clauses, cc)
	}
	s.render(c.w, c.r, http.StatusOK, pageRegCoverage, p)
	return nil
}
