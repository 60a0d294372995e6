package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// The people register's pages (ISO 28000 5.3, 7.1, 7.2): people,
// competences, security roles and their assignments, the RACI matrix,
// courses, training records and the competence matrix. Every list has
// search, filters, sorting, paging and a CSV export; every record a detail
// page, a form re-shown with its errors, and archive/restore.

// Page template names of the people register.
const (
	pagePeopleList   = "people_list"
	pagePeopleForm   = "people_form"
	pagePeopleDetail = "people_detail"
	pagePeopleMatrix = "people_matrix"
	pagePeopleRACI   = "people_raci"
)

// peopleRoutes registers the pages of the people register (issue 3).
func (s *server) peopleRoutes(mux *http.ServeMux) {
	for _, k := range peopleKinds(s) {
		mux.HandleFunc("GET "+k.path, s.auth(k.list))
		mux.HandleFunc("GET "+k.path+"/export.csv", s.auth(k.export))
		mux.HandleFunc("GET "+k.path+"/new", s.auth(k.newForm))
		mux.HandleFunc("GET "+k.path+"/{id}", s.auth(k.detail))
		mux.HandleFunc("GET "+k.path+"/{id}/edit", s.auth(k.editForm))
		mux.HandleFunc("POST "+k.path+"/{id}/archive", s.auth(func(c *call) error { return k.archive(c, true) }))
		mux.HandleFunc("POST "+k.path+"/{id}/restore", s.auth(func(c *call) error { return k.archive(c, false) }))
		post := s.auth
		if k.multipart {
			post = func(h handlerFunc) http.HandlerFunc {
				return s.authUpload(bulkhead.MaxEvidenceBytes+maxFormBytes, s.tooLargePage("people.upload_too_large.title", "people.upload_too_large.body"), h)
			}
		}
		mux.HandleFunc("POST "+k.path, post(k.create))
		mux.HandleFunc("POST "+k.path+"/{id}", post(k.update))
	}
	mux.HandleFunc("GET /training/{id}/evidence", s.auth(s.trainingEvidence))
	mux.HandleFunc("GET /competence-matrix", s.auth(s.competenceMatrix))
	mux.HandleFunc("GET /competence-matrix/export.csv", s.auth(s.exportCompetenceMatrix))
	mux.HandleFunc("GET /raci", s.auth(s.raci))
	mux.HandleFunc("POST /raci", s.auth(s.saveRACI))
}

// peopleTabs are the register's sections, shown above each of its pages.
var peopleTabs = []struct{ href, key string }{
	{"/people", "people.tab.people"},
	{"/competence-matrix", "people.tab.matrix"},
	{"/training", "people.tab.training"},
	{"/courses", "people.tab.courses"},
	{"/competences", "people.tab.competences"},
	{"/security-roles", "people.tab.roles"},
	{"/role-assignments", "people.tab.assignments"},
	{"/raci", "people.tab.raci"},
}

// peopleBase is what every page of the register carries.
type peopleBase struct {
	basePage
	Tabs []navItem
}

func (c *call) peopleBase(title string) peopleBase {
	b := peopleBase{basePage: c.base("people.title")}
	b.Title = title
	p := c.r.URL.Path
	for _, t := range peopleTabs {
		active := p == t.href || strings.HasPrefix(p, t.href+"/") || (t.href == "/raci" && strings.HasPrefix(p, "/raci"))
		b.Tabs = append(b.Tabs, navItem{Href: t.href, Label: c.T(t.key), Active: active})
	}
	return b
}

// pCell is one cell of a list or section table.
type pCell struct {
	Text  string
	Href  string
	Badge string // badge class, when the text is a badge
	Class string
}

// pRow is one row of a list or section table.
type pRow struct{ Cells []pCell }

// pLink is a link in a detail fact.
type pLink struct{ Text, Href string }

// pFact is one line of a detail page.
type pFact struct {
	Label string
	Value string
	Href  string
	Links []pLink
	Pre   bool
}

// pSection is a table of linked records on a detail page.
type pSection struct {
	Title    string
	Columns  []string
	Rows     []pRow
	AddHref  string
	AddLabel string
}

// peopleListPage is a list of one record type.
type peopleListPage struct {
	peopleBase
	Intro        string
	Path         string
	NewHref      string
	NewLabel     string
	Filter       *form
	FilterFields []*formField
	Columns      []sortCol
	Rows         []pRow
	Total        int
	From, To     int
	PrevHref     string
	NextHref     string
	ExportHref   string
	Filtered     bool
}

// peopleFormPage is a create or edit form.
type peopleFormPage struct {
	peopleBase
	ListHref   string
	ListTitle  string
	RecordHref string
	RecordName string
	Form       *form
	Fields     []*formField
	Action     string
	Cancel     string
	Submit     string
	Multipart  bool
}

// peopleDetailPage is one record with its links.
type peopleDetailPage struct {
	peopleBase
	Kind         string
	Name         string
	ListHref     string
	ListTitle    string
	Self         string
	Archived     bool
	CanManage    bool
	Facts        []pFact
	Sections     []pSection
	ActivityHref string
}

// sortDef is a sortable column: its store sort key and label.
type sortDef struct {
	key      string
	labelKey string
	descLead bool
}

// peopleKind is one record type's set of pages. The functions close over
// the server; list, detail and the forms are written per type below.
type peopleKind struct {
	path      string
	multipart bool
	list      handlerFunc
	export    handlerFunc
	newForm   handlerFunc
	detail    handlerFunc
	editForm  handlerFunc
	create    handlerFunc
	update    handlerFunc
	archive   func(c *call, archive bool) error
}

// pageSize is the number of rows a list page shows.
const peoplePageSize = 50

// listState is a list page's sorting, paging and filters as its query
// string gives them, and the links that keep them (shared by the list
// pages of people and shipments).
type listState struct {
	q        url.Values
	path     string
	sorts    []sortDef
	def      sortDef // the order without sort and dir parameters
	sortKey  string
	dir      string
	page     int
	pageSize int
	filters  []string // query keys that filter
	filtered bool
}

// newListState reads a list's state from q. def is the key of the default
// sort, one of sorts. A sort without a valid dir takes the column's lead
// direction; a status or archived filter set to "active" (the default)
// does not count as filtering.
func newListState(q url.Values, path string, pageSize int, sorts []sortDef, def string, filters ...string) *listState {
	l := &listState{q: q, path: path, sorts: sorts, pageSize: pageSize, filters: filters}
	for _, s := range sorts {
		if s.key == def {
			l.def = s
		}
	}
	chosen, ok := l.def, false
	for _, s := range sorts {
		if s.key == q.Get("sort") {
			chosen, ok = s, true
		}
	}
	l.sortKey, l.dir = chosen.key, q.Get("dir")
	if !ok || (l.dir != "asc" && l.dir != "desc") {
		l.dir = leadDir(chosen)
	}
	l.page, _ = strconv.Atoi(q.Get("page"))
	if l.page < 1 || l.page > 1_000_000 {
		l.page = 1
	}
	for _, k := range filters {
		if v := q.Get(k); v != "" && !((k == "status" || k == "archived") && v == bulkhead.StatusActive) {
			l.filtered = true
		}
	}
	return l
}

// leadDir is the direction a column sorts in first.
func leadDir(s sortDef) string {
	if s.descLead {
		return "desc"
	}
	return "asc"
}

func (l *listState) desc() bool  { return l.dir == "desc" }
func (l *listState) offset() int { return (l.page - 1) * l.pageSize }

// link returns the list's address with some parameters changed.
func (l *listState) link(set map[string]string) string {
	v := url.Values{}
	for _, k := range l.filters {
		if x := l.q.Get(k); x != "" {
			v.Set(k, x)
		}
	}
	if l.sortKey != l.def.key || l.dir != leadDir(l.def) {
		v.Set("sort", l.sortKey)
		v.Set("dir", l.dir)
	}
	if l.page > 1 {
		v.Set("page", strconv.Itoa(l.page))
	}
	for k, x := range set {
		if x == "" {
			v.Del(k)
		} else {
			v.Set(k, x)
		}
	}
	if len(v) == 0 {
		return l.path
	}
	return l.path + "?" + v.Encode()
}

// exportHref is the CSV export of the list with its filters and order.
func (l *listState) exportHref() string {
	return l.path + "/export.csv" + strings.TrimPrefix(l.link(map[string]string{"page": ""}), l.path)
}

// paging gives the rows shown (from, to; 0 for none) and the links to the
// pages before and after, n rows of total being shown.
func (l *listState) paging(n, total int) (from, to int, prev, next string) {
	if n > 0 {
		from, to = l.offset()+1, l.offset()+n
	}
	if l.page > 1 {
		prev = l.link(map[string]string{"page": strconv.Itoa(l.page - 1)})
	}
	if l.offset()+n < total {
		next = l.link(map[string]string{"page": strconv.Itoa(l.page + 1)})
	}
	return from, to, prev, next
}

// columns are the sortable column heads, then unsortable ones labelled by
// the extra keys.
func (l *listState) columns(c *call, extra ...string) []sortCol {
	var cols []sortCol
	for _, sd := range l.sorts {
		col := sortCol{Label: c.T(sd.labelKey)}
		next := leadDir(sd)
		if sd.key == l.sortKey {
			if l.dir == "asc" {
				col.AriaSort, col.Hint, next = "ascending", c.T("sort.ascending"), "desc"
			} else {
				col.AriaSort, col.Hint, next = "descending", c.T("sort.descending"), "asc"
			}
		}
		col.Href = l.link(map[string]string{"sort": sd.key, "dir": next, "page": ""})
		cols = append(cols, col)
	}
	for _, k := range extra {
		cols = append(cols, sortCol{Label: c.T(k)})
	}
	return cols
}

// listQuery is the state of a people list page read from its query string.
type listQuery struct {
	*listState
	f bulkhead.PeopleFilter
}

func newListQuery(c *call, path string, sorts []sortDef, filters ...string) *listQuery {
	q := c.r.URL.Query()
	l := &listQuery{listState: newListState(q, path, peoplePageSize, sorts, sorts[0].key, append([]string{"q", "status"}, filters...)...)}
	l.f = bulkhead.PeopleFilter{Query: q.Get("q"), Status: q.Get("status"), SiteID: q.Get("site_id"), PersonID: q.Get("person_id"),
		CourseID: q.Get("course_id"), RoleID: q.Get("role_id"), Employer: q.Get("employer"), Expiry: bulkhead.ExpiryState(q.Get("expiry")),
		Sort: l.sortKey, Desc: l.desc(), Limit: peoplePageSize, Offset: l.offset()}
	return l
}

// fill fills a list page's paging, sorting and export links.
func (l *listQuery) fill(c *call, p *peopleListPage, n, total int, extraCols ...string) {
	p.Path, p.Total, p.Filtered = l.path, total, l.filtered
	p.ExportHref = l.exportHref()
	p.From, p.To, p.PrevHref, p.NextHref = l.paging(n, total)
	p.Columns = l.columns(c, extraCols...)
}

// listError turns a bad filter into field errors on the filter form (422)
// and passes any other error on.
func listError(c *call, f *form, err error) (int, error) {
	switch bulkhead.ErrorCode(err) {
	case "":
		return http.StatusOK, nil
	case bulkhead.EINVALID:
		f.setErrors(c, bulkhead.ErrorFields(err))
		return http.StatusUnprocessableEntity, nil
	}
	return 0, err
}

// filterForm is the search and status filter every list has, plus extra
// fields.
func (c *call) filterForm(q url.Values, searchKey string, extra ...*formField) (*form, []*formField) {
	f := newForm()
	fields := []*formField{f.add(&formField{Name: "q", Label: c.T(searchKey), Type: "search", Value: q.Get("q"), MaxLength: 200})}
	for _, x := range extra {
		fields = append(fields, f.add(x))
	}
	status := q.Get("status")
	if status == "" {
		status = bulkhead.StatusActive
	}
	fields = append(fields, f.add(&formField{Name: "status", Label: c.T("field.status"), Kind: "select", Options: options(status,
		bulkhead.StatusActive, c.T(statusKey(bulkhead.StatusActive)),
		bulkhead.StatusArchived, c.T(statusKey(bulkhead.StatusArchived)),
		bulkhead.StatusAll, c.T(statusKey(bulkhead.StatusAll)))}))
	return f, fields
}

// statusCell shows whether a record is archived.
func (c *call) statusCell(archived bool) pCell {
	if archived {
		return pCell{Text: c.T("status.archived"), Badge: "badge-muted"}
	}
	return pCell{Text: c.T("status.active"), Badge: "badge-ok"}
}

// stateCell shows a date with its expiry state.
func (c *call) stateCell(state bulkhead.ExpiryState, date string) pCell {
	return pCell{Text: strings.TrimSpace(c.T("people.state."+string(state)) + " " + date), Badge: stateBadge(state), Class: "nowrap"}
}

func stateBadge(s bulkhead.ExpiryState) string {
	switch s {
	case bulkhead.StateValid:
		return "badge-ok"
	case bulkhead.StateExpiring:
		return "badge-warn"
	case bulkhead.StateExpired, bulkhead.StateMissing:
		return "badge-danger"
	}
	return "badge-muted"
}

// siteOptions lists the organisation's active sites for a select or
// checkboxes, marking the chosen ones.
func (s *server) siteOptions(c *call, chosen ...string) ([]selectOption, map[string]string, error) {
	names := map[string]string{}
	var out []selectOption
	err := s.svc.EachSite(c.r.Context(), c.actor(), bulkhead.SiteFilter{Status: bulkhead.StatusAll}, func(st *bulkhead.Site) error {
		names[st.ID] = st.Name
		sel := contains(chosen, st.ID)
		if st.ArchivedAt == nil || sel {
			out = append(out, selectOption{Value: st.ID, Label: st.Name, Selected: sel})
		}
		return nil
	})
	return out, names, err
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// competenceOptions lists active competences (and chosen archived ones).
func (s *server) competenceOptions(c *call, chosen []string) ([]selectOption, map[string]string, error) {
	names := map[string]string{}
	var out []selectOption
	err := s.svc.EachCompetence(c.r.Context(), c.actor(), bulkhead.PeopleFilter{Status: bulkhead.StatusAll}, func(x *bulkhead.Competence) error {
		names[x.ID] = x.Name
		sel := contains(chosen, x.ID)
		if x.ArchivedAt == nil || sel {
			out = append(out, selectOption{Value: x.ID, Label: x.Name, Selected: sel})
		}
		return nil
	})
	return out, names, err
}

// writeCSV starts a CSV download.
func csvDownload(w http.ResponseWriter, name string) *export.CSV {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return export.NewCSV(w)
}

// getp returns a pointer to a posted value, so that an edit saves what the
// form shows.
func getp(v url.Values, k string) *string { x := v.Get(k); return &x }

// getList returns a pointer to a posted list (checkboxes).
func getList(v url.Values, k string) *[]string {
	xs := v[k]
	if xs == nil {
		xs = []string{}
	}
	return &xs
}

// renderForm shows a create or edit form.
func (s *server) renderPeopleForm(c *call, status int, p *peopleFormPage) {
	s.render(c.w, c.r, status, pagePeopleForm, p)
}

// formPage builds the common parts of a form page; rec is "" for a new
// record.
func (c *call) formPage(listHref, listKey, recHref, recName, newKey string, f *form, fields []*formField) *peopleFormPage {
	p := &peopleFormPage{ListHref: listHref, ListTitle: c.T(listKey), Form: f, Fields: fields}
	if recHref == "" {
		p.peopleBase = c.peopleBase(c.T(newKey))
		p.Action, p.Cancel, p.Submit = listHref, listHref, c.T("people.create")
	} else {
		p.peopleBase = c.peopleBase(c.T("people.edit_title", recName))
		p.RecordHref, p.RecordName = recHref, recName
		p.Action, p.Cancel, p.Submit = recHref, recHref, c.T("common.save")
	}
	return p
}

// saved answers a successful create or edit.
func (c *call) saved(href string) error { return c.redirect(href, "flash.people_saved") }

// archived answers an archive or restore.
func (c *call) archivedFlash(href string, archive bool) error {
	if archive {
		return c.redirect(href, "flash.people_archived")
	}
	return c.redirect(href, "flash.people_restored")
}

// activity links to a record's audit entries, for roles that may read them.
func (c *call) activity(objType, id string) string {
	if !c.can(service.ActAuditRead) {
		return ""
	}
	return "/audit?" + url.Values{"object_type": {objType}, "object_id": {id}}.Encode()
}

// upload reads the evidence file of a multipart form, or nil when none was
// chosen.
func upload(c *call) (*service.Upload, error) {
	if c.r.MultipartForm == nil {
		return nil, nil
	}
	fh := c.r.MultipartForm.File["evidence_file"]
	if len(fh) == 0 || fh[0].Filename == "" {
		return nil, nil
	}
	up := &service.Upload{Name: fh[0].Filename, DeclaredType: fh[0].Header.Get("Content-Type")}
	if fh[0].Size > bulkhead.MaxEvidenceBytes {
		up.TooLarge = true
		return up, nil
	}
	f, err := fh[0].Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	up.Data, err = io.ReadAll(io.LimitReader(f, bulkhead.MaxEvidenceBytes+1))
	return up, err
}

// dynamicPeopleKeys are the catalog keys the register builds at run time;
// the i18n test checks them.
func dynamicPeopleKeys() []string {
	var keys []string
	for _, s := range []bulkhead.ExpiryState{bulkhead.StateValid, bulkhead.StateExpiring, bulkhead.StateExpired, bulkhead.StateMissing} {
		keys = append(keys, "people.state."+string(s))
	}
	for _, d := range bulkhead.CourseDeliveries {
		keys = append(keys, "people.delivery."+string(d))
	}
	for _, r := range bulkhead.TrainingResults {
		keys = append(keys, "people.result."+string(r))
	}
	for _, code := range []string{bulkhead.FieldExpiryOrder, bulkhead.FieldToOrder, bulkhead.FieldRACISingleA, bulkhead.FieldLinkUnknown,
		bulkhead.FieldUploadSize, bulkhead.FieldUploadType, bulkhead.FieldUploadLabel, bulkhead.FieldDate, bulkhead.FieldRoleNotLocal} {
		keys = append(keys, errKey(code))
	}
	for _, k := range []string{service.TaskTrainingExpiring, service.TaskTrainingExpired, service.TaskRoleVacant} {
		keys = append(keys, "task."+k)
	}
	for _, k := range []string{"security_role", "person", "training_record"} {
		keys = append(keys, "coverage."+k)
	}
	return keys
}

// peopleT translates a dynamic key of the register.
func (c *call) peopleT(key string) string {
	if i18n.Has(c.lang, key) || i18n.Has(i18n.Default, key) {
		return c.T(key)
	}
	return key
}
