package web

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Page templates of controlled documents.
const (
	pageDocuments     = "documents"
	pageDocument      = "document"
	pageDocForm       = "document_form"
	pageDocDraft      = "document_draft"
	pageDocVersion    = "document_version"
	documentsPageSize = 50
)

// documentRoutes registers the pages of controlled documents (issue 3).
func (s *server) documentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /documents", s.auth(s.documents))
	mux.HandleFunc("POST /documents", s.auth(s.createDocument))
	mux.HandleFunc("GET /documents/new", s.auth(s.newDocument))
	mux.HandleFunc("GET /documents/export.csv", s.auth(s.exportDocuments))
	mux.HandleFunc("GET /documents/{id}", s.auth(s.document))
	mux.HandleFunc("POST /documents/{id}", s.auth(s.updateDocument))
	mux.HandleFunc("GET /documents/{id}/edit", s.auth(s.editDocument))
	mux.HandleFunc("POST /documents/{id}/archive", s.auth(s.archiveDocument))
	mux.HandleFunc("POST /documents/{id}/restore", s.auth(s.restoreDocument))
	mux.HandleFunc("GET /documents/{id}/draft", s.auth(s.draftForm))
	tooLarge, saveDraft := withTooLarge(s.saveDraft)
	mux.HandleFunc("POST /documents/{id}/draft", s.authUpload(docMaxUploadBody, tooLarge, saveDraft))
	mux.HandleFunc("POST /documents/{id}/acknowledge", s.auth(s.acknowledge))
	mux.HandleFunc("GET /documents/{id}/versions/{vid}", s.auth(s.version))
	mux.HandleFunc("GET /documents/{id}/versions/{vid}/file", s.auth(s.versionFile))
	mux.HandleFunc("POST /documents/{id}/versions/{vid}/{step}", s.auth(s.versionStep))
}

// docMaxUploadBody bounds a posted draft: the largest file plus its fields.
const docMaxUploadBody = bulkhead.MaxDocumentFile + 1<<20

// Dynamic catalog keys of documents.
func docTypeKey(t bulkhead.DocType) string             { return "doc_type." + string(t) }
func docClassKey(c bulkhead.Classification) string     { return "doc_class." + string(c) }
func docStatusKey(st bulkhead.VersionStatus) string    { return "doc_status." + string(st) }
func (c *call) docTypeLabel(t bulkhead.DocType) string { return c.label(docTypeKey(t), string(t)) }
func (c *call) docClassLabel(x bulkhead.Classification) string {
	return c.label(docClassKey(x), string(x))
}
func (c *call) docStatusLabel(st bulkhead.VersionStatus) string {
	if st == "" {
		return c.T("doc.no_versions")
	}
	return c.label(docStatusKey(st), string(st))
}

// docNames maps the organisation's members' IDs to their names.
func (s *server) docNames(c *call) map[string]string {
	out := map[string]string{}
	ms, err := s.svc.DocumentMembers(c.r.Context(), c.actor())
	if err != nil {
		return out
	}
	for _, m := range ms {
		out[m.UserID] = m.UserName
	}
	return out
}

// docDate formats a day (a review date) in the page's language.
func (c *call) docDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(bulkhead.DateLayout)
}

// ---- list

// docSorts are the list's sortable columns; the keys are the store's.
var docSorts = []sortDef{
	{key: string(bulkhead.DocSortReference), labelKey: "doc.reference"},
	{key: string(bulkhead.DocSortTitle), labelKey: "doc.title"},
	{key: string(bulkhead.DocSortType), labelKey: "field.type"},
	{key: string(bulkhead.DocSortReview), labelKey: "doc.review_due"},
	{key: string(bulkhead.DocSortUpdated), labelKey: "field.updated", descLead: true},
}

// documentRow is a document as the list shows it.
type documentRow struct {
	*bulkhead.Document
	TypeLabel  string
	StateLabel string
	ClassLabel string
	Owner      string
	ReviewDue  string
	Overdue    bool
}

// documentsPage is the list of documents.
type documentsPage struct {
	basePage
	Filter     *form
	Rows       []documentRow
	Columns    []sortCol
	Total      int
	From, To   int
	PrevHref   string
	NextHref   string
	Filtered   bool
	ClearHref  string
	ExportHref string
}

// docList reads the list's filters, order and page from the query.
func docList(q url.Values) (*listState, bulkhead.DocumentFilter) {
	l := newListState(q, "/documents", documentsPageSize, docSorts, string(bulkhead.DocSortTitle), docFilterKeys...)
	f := bulkhead.DocumentFilter{Query: q.Get("q"), Type: bulkhead.DocType(q.Get("type")), State: bulkhead.VersionStatus(q.Get("state")),
		Classification: bulkhead.Classification(q.Get("classification")), OwnerID: q.Get("owner"), Status: q.Get("status"),
		Sort: bulkhead.DocumentSort(l.sortKey), Desc: l.desc(), Limit: documentsPageSize, Offset: l.offset()}
	return l, f
}

var docFilterKeys = []string{"q", "type", "state", "classification", "owner", "status"}

// documents lists documents with search, filters, sorting and paging
// (GET /documents).
func (s *server) documents(c *call) error {
	q := c.r.URL.Query()
	l, f := docList(q)
	names := s.docNames(c)
	p := &documentsPage{basePage: c.base("docs.title"), ClearHref: "/documents"}
	p.Filter = c.docFilterForm(q, names)
	p.Filtered, p.ExportHref, p.Columns = l.filtered, l.exportHref(), l.columns(c)
	docs, total, err := s.svc.Documents(c.r.Context(), c.actor(), f)
	status := http.StatusOK
	switch bulkhead.ErrorCode(err) {
	case "":
	case bulkhead.EINVALID:
		p.Filter.setErrors(c, bulkhead.ErrorFields(err))
		status = http.StatusUnprocessableEntity
	default:
		return err
	}
	now := time.Now()
	p.Total = total
	for _, d := range docs {
		p.Rows = append(p.Rows, documentRow{Document: d, TypeLabel: c.docTypeLabel(d.Type), StateLabel: c.docStatusLabel(d.LatestStatus),
			ClassLabel: c.docClassLabel(d.Classification), Owner: names[d.OwnerID], ReviewDue: c.docDate(d.ReviewDue), Overdue: d.ReviewOverdue(now)})
	}
	p.From, p.To, p.PrevHref, p.NextHref = l.paging(len(docs), total)
	s.render(c.w, c.r, status, pageDocuments, p)
	return nil
}

// exportDocuments sends the matching documents as CSV
// (GET /documents/export.csv).
func (s *server) exportDocuments(c *call) error {
	_, f := docList(c.r.URL.Query())
	f.Limit, f.Offset = 1, 0 // checks the filters; the export takes every row
	if _, _, err := s.svc.Documents(c.r.Context(), c.actor(), f); err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	c.w.Header().Set("Content-Disposition", `attachment; filename="documents.csv"`)
	err := export.Documents(c.w, func(fn func(*bulkhead.Document) error) error {
		return s.svc.EachDocument(c.r.Context(), c.actor(), f, fn)
	})
	if err != nil {
		requestLog(c.r).Error("document export failed", "err", err)
	}
	return nil
}

// docFilterForm is the list's search and filter form.
func (c *call) docFilterForm(q url.Values, names map[string]string) *form {
	f := newForm()
	f.add(&formField{Name: "q", Label: c.T("docs.search"), Type: "search", Value: q.Get("q"), MaxLength: 200})
	types := options(q.Get("type"), "", c.T("docs.any"))
	for _, t := range bulkhead.DocTypes {
		types = append(types, selectOption{Value: string(t), Label: c.docTypeLabel(t), Selected: q.Get("type") == string(t)})
	}
	f.add(&formField{Name: "type", Label: c.T("field.type"), Kind: "select", Options: types})
	states := options(q.Get("state"), "", c.T("docs.any"))
	for _, st := range bulkhead.VersionStatuses {
		states = append(states, selectOption{Value: string(st), Label: c.docStatusLabel(st), Selected: q.Get("state") == string(st)})
	}
	f.add(&formField{Name: "state", Label: c.T("doc.state"), Kind: "select", Options: states})
	classes := options(q.Get("classification"), "", c.T("docs.any"))
	for _, x := range bulkhead.Classifications {
		classes = append(classes, selectOption{Value: string(x), Label: c.docClassLabel(x), Selected: q.Get("classification") == string(x)})
	}
	f.add(&formField{Name: "classification", Label: c.T("doc.classification"), Kind: "select", Options: classes})
	f.add(&formField{Name: "owner", Label: c.T("doc.owner"), Kind: "select", Options: c.memberOptions(q.Get("owner"), names, c.T("docs.any"))})
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

// memberOptions lists the members by name, after an empty choice.
func (c *call) memberOptions(selected string, names map[string]string, empty string) []selectOption {
	ids := make([]string, 0, len(names))
	for id := range names {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return strings.Compare(names[a], names[b]) })
	out := options(selected, "", empty)
	for _, id := range ids {
		out = append(out, selectOption{Value: id, Label: names[id], Selected: id == selected})
	}
	return out
}

// ---- metadata form

// docRoleCheck is one checkbox of the acknowledging roles.
type docRoleCheck struct {
	Value   string
	Label   string
	Checked bool
}

// documentFormPage is the create/edit page of a document's metadata.
type documentFormPage struct {
	basePage
	Form     *form
	Doc      *bulkhead.Document // nil when creating
	AckRoles []docRoleCheck
	Action   string
	Cancel   string
	Submit   string
}

// docForm is the metadata form, filled from a document.
func (c *call) docForm(d *bulkhead.Document, names map[string]string) *form {
	f := newForm()
	f.add(&formField{Name: "title", Label: c.T("doc.title"), Value: d.Title, Required: true, MaxLength: 200, Autocomplete: "off"})
	f.add(&formField{Name: "reference", Label: c.T("doc.reference"), Hint: c.T("doc.reference_hint"), Value: d.Reference, Required: true, MaxLength: 40,
		Autocomplete: "off", Autocapitalize: "characters"})
	types := options(string(d.Type), "", c.T("doc.choose_type"))
	for _, t := range bulkhead.DocTypes {
		types = append(types, selectOption{Value: string(t), Label: c.docTypeLabel(t), Selected: d.Type == t})
	}
	f.add(&formField{Name: "type", Label: c.T("field.type"), Hint: c.T("doc.type_hint"), Kind: "select", Options: types, Required: true})
	f.add(&formField{Name: "owner_id", Label: c.T("doc.owner"), Kind: "select", Options: c.memberOptions(d.OwnerID, names, c.T("doc.choose_owner")), Required: true})
	var classes []selectOption
	for _, x := range bulkhead.Classifications {
		classes = append(classes, selectOption{Value: string(x), Label: c.docClassLabel(x), Selected: d.Classification == x})
	}
	f.add(&formField{Name: "classification", Label: c.T("doc.classification"), Hint: c.T("doc.classification_hint"), Kind: "select", Options: classes, Required: true})
	ack := "no"
	if d.AckRequired {
		ack = "yes"
	}
	f.add(&formField{Name: "ack_required", Label: c.T("doc.ack_required"), Kind: "select", Options: options(ack, "no", c.T("common.no"), "yes", c.T("common.yes"))})
	f.add(&formField{Name: "ack_roles", Label: c.T("doc.ack_roles")})
	f.add(&formField{Name: "review_months", Label: c.T("doc.review_months"), Hint: c.T("doc.review_months_hint"), Type: "number", Min: "0", Max: "120",
		Value: strconv.Itoa(d.ReviewMonths), InputMode: "numeric"})
	f.add(&formField{Name: "review_due", Label: c.T("doc.review_due"), Hint: c.T("doc.review_due_hint"), Type: "date", Value: c.docDate(d.ReviewDue)})
	f.add(&formField{Name: "retention_months", Label: c.T("doc.retention_months"), Type: "number", Min: "0", Max: "1200",
		Value: strconv.Itoa(d.RetentionMonths), InputMode: "numeric"})
	return f
}

// docInput reads the posted metadata; every field is set. Numbers that do
// not parse are reported as field errors.
func docInput(v url.Values) (bulkhead.DocumentInput, map[string]string) {
	get := func(k string) *string { x := v.Get(k); return &x }
	fe := map[string]string{}
	num := func(k string) *int {
		s := strings.TrimSpace(v.Get(k))
		if s == "" {
			return new(int)
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fe[k] = bulkhead.FieldInvalid
		}
		return &n
	}
	ack := v.Get("ack_required") == "yes"
	roles := v["ack_roles"]
	if roles == nil {
		roles = []string{}
	}
	return bulkhead.DocumentInput{Title: get("title"), Reference: get("reference"), Type: get("type"), OwnerID: get("owner_id"),
		Classification: get("classification"), AckRequired: &ack, AckRoles: &roles, ReviewMonths: num("review_months"),
		ReviewDue: get("review_due"), RetentionMonths: num("retention_months")}, fe
}

// formDocument holds the posted values as typed, to show them again.
func formDocument(v url.Values) *bulkhead.Document {
	d := &bulkhead.Document{Title: v.Get("title"), Reference: v.Get("reference"), Type: bulkhead.DocType(v.Get("type")), OwnerID: v.Get("owner_id"),
		Classification: bulkhead.Classification(v.Get("classification")), AckRequired: v.Get("ack_required") == "yes"}
	for _, r := range v["ack_roles"] {
		d.AckRoles = append(d.AckRoles, bulkhead.Role(r))
	}
	d.ReviewMonths, _ = strconv.Atoi(v.Get("review_months"))
	d.RetentionMonths, _ = strconv.Atoi(v.Get("retention_months"))
	if t, err := time.Parse(bulkhead.DateLayout, v.Get("review_due")); err == nil {
		d.ReviewDue = &t
	}
	return d
}

func (s *server) renderDocForm(c *call, status int, d *bulkhead.Document, shown *bulkhead.Document, f *form) {
	p := &documentFormPage{Form: f}
	for _, r := range bulkhead.Roles {
		p.AckRoles = append(p.AckRoles, docRoleCheck{Value: string(r), Label: c.roleLabel(r), Checked: slices.Contains(shown.AckRoles, r)})
	}
	if d == nil {
		p.basePage = c.base("doc.new_title")
		p.Action, p.Cancel, p.Submit = "/documents", "/documents", c.T("doc.create")
	} else {
		p.basePage = c.base("doc.edit_title", d.Title)
		p.Doc = d
		p.Action, p.Cancel, p.Submit = "/documents/"+d.ID, "/documents/"+d.ID, c.T("common.save")
	}
	s.render(c.w, c.r, status, pageDocForm, p)
}

// newDocument shows the empty metadata form (GET /documents/new).
func (s *server) newDocument(c *call) error {
	if !c.can(service.ActDocumentCreate) {
		return forbidden()
	}
	d := &bulkhead.Document{OwnerID: c.au.User.ID, Classification: bulkhead.ClassInternal, ReviewMonths: 12, Type: bulkhead.DocType(c.r.URL.Query().Get("type"))}
	s.renderDocForm(c, http.StatusOK, nil, d, c.docForm(d, s.docNames(c)))
	return nil
}

// createDocument saves a new document (POST /documents).
func (s *server) createDocument(c *call) error {
	in, fe := docInput(c.r.PostForm)
	var d *bulkhead.Document
	var err error
	if len(fe) == 0 {
		d, err = s.svc.CreateDocument(c.r.Context(), c.actor(), in)
	} else {
		err = bulkhead.Invalid(fe)
	}
	if code := bulkhead.ErrorCode(err); code == bulkhead.EINVALID || (code == bulkhead.ECONFLICT && bulkhead.ErrorFields(err) != nil) {
		shown := formDocument(c.r.PostForm)
		f := c.docForm(shown, s.docNames(c))
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderDocForm(c, http.StatusUnprocessableEntity, nil, shown, f)
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/documents/"+d.ID, "flash.document_created")
}

// editDocument shows the metadata form (GET /documents/{id}/edit).
func (s *server) editDocument(c *call) error {
	d, err := s.svc.Document(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActDocumentUpdate) {
		return forbidden()
	}
	if d.ArchivedAt != nil {
		return c.redirect("/documents/"+d.ID, "flash.document_archived_edit")
	}
	s.renderDocForm(c, http.StatusOK, d, d, c.docForm(d, s.docNames(c)))
	return nil
}

// updateDocument saves the metadata (POST /documents/{id}).
func (s *server) updateDocument(c *call) error {
	id := c.r.PathValue("id")
	in, fe := docInput(c.r.PostForm)
	var err error
	if len(fe) == 0 {
		_, err = s.svc.UpdateDocument(c.r.Context(), c.actor(), id, in)
	} else {
		err = bulkhead.Invalid(fe)
	}
	code := bulkhead.ErrorCode(err)
	switch {
	case code == "":
		return c.redirect("/documents/"+id, "flash.document_updated")
	case code == bulkhead.EINVALID || (code == bulkhead.ECONFLICT && bulkhead.ErrorFields(err) != nil):
		d, gerr := s.svc.Document(c.r.Context(), c.actor(), id)
		if gerr != nil {
			return gerr
		}
		shown := formDocument(c.r.PostForm)
		f := c.docForm(shown, s.docNames(c))
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderDocForm(c, http.StatusUnprocessableEntity, d, shown, f)
		return nil
	case code == bulkhead.ECONFLICT:
		return c.redirect("/documents/"+id, "flash.document_archived_edit")
	}
	return err
}

// archiveDocument archives a document (POST /documents/{id}/archive).
func (s *server) archiveDocument(c *call) error {
	d, err := s.svc.ArchiveDocument(c.r.Context(), c.actor(), c.r.PathValue("id"), true)
	if err != nil {
		return err
	}
	return c.redirect("/documents/"+d.ID, "flash.document_archived")
}

// restoreDocument restores a document (POST /documents/{id}/restore).
func (s *server) restoreDocument(c *call) error {
	d, err := s.svc.ArchiveDocument(c.r.Context(), c.actor(), c.r.PathValue("id"), false)
	if err != nil {
		return err
	}
	return c.redirect("/documents/"+d.ID, "flash.document_restored")
}

// ---- detail

// docScopeView is a scope version's structured fields for display.
type docScopeView struct {
	Sites      []docSiteLink
	Activities []string
	Segments   []string
	Exclusions []bulkhead.Exclusion
}

// docSiteLink is a site in scope.
type docSiteLink struct {
	ID   string
	Name string
}

// docVersionView is a version ready to show.
type docVersionView struct {
	*bulkhead.DocumentVersion
	HTML        template.HTML
	StatusLabel string
	Author      string
	SubmittedBy string
	ApprovedBy  string
	ApproverAs  string
	PublishedBy string
	Scope       *docScopeView
	FileHref    string
	Href        string
	SizeKB      string
	c           *call
}

// T translates a catalog key, for the version partials.
func (v *docVersionView) T(key string, args ...any) string { return v.c.T(key, args...) }

// At formats a time in the user's zone.
func (v *docVersionView) At(t time.Time) string { return v.c.dateTime(t) }

// When formats an optional time in the user's zone; "" for nil.
func (v *docVersionView) When(t *time.Time) string {
	if t == nil {
		return ""
	}
	return v.c.dateTime(*t)
}

func (s *server) docVersionView(c *call, d *bulkhead.Document, v *bulkhead.DocumentVersion, names map[string]string, content bool) (*docVersionView, error) {
	vv := &docVersionView{DocumentVersion: v, StatusLabel: c.docStatusLabel(v.Status), Author: docNameOr(names, v.AuthorID, c),
		SubmittedBy: docNameOr(names, v.SubmittedBy, c), ApprovedBy: docNameOr(names, v.ApprovedBy, c), PublishedBy: docNameOr(names, v.PublishedBy, c),
		Href: fmt.Sprintf("/documents/%s/versions/%s", d.ID, v.ID), c: c}
	if v.ApprovedRole != "" {
		vv.ApproverAs = c.roleLabel(v.ApprovedRole)
	}
	if v.HasFile() {
		vv.FileHref = vv.Href + "/file"
		vv.SizeKB = strconv.FormatFloat(float64(v.FileSize)/1024, 'f', 1, 64)
	}
	if !content {
		return vv, nil
	}
	if v.Body != "" {
		h, err := renderMarkdown(v.Body)
		if err != nil {
			return nil, err
		}
		vv.HTML = h
	}
	if v.Scope != nil {
		sv := &docScopeView{Activities: v.Scope.Activities, Segments: v.Scope.Segments, Exclusions: v.Scope.Exclusions}
		for _, id := range v.Scope.SiteIDs {
			name := id
			if c.can(service.ActSiteRead) {
				if st, err := s.svc.Site(c.r.Context(), c.actor(), id); err == nil {
					name = st.Name
				}
			}
			sv.Sites = append(sv.Sites, docSiteLink{ID: id, Name: name})
		}
		vv.Scope = sv
	}
	return vv, nil
}

func docNameOr(names map[string]string, id string, c *call) string {
	if id == "" {
		return ""
	}
	if n, ok := names[id]; ok {
		return n
	}
	if id == "system" {
		return c.T("audit.system")
	}
	return id
}

// docStepButton is a workflow action the user may take on a version.
type docStepButton struct {
	Action  string
	Label   string
	Primary bool
}

// docAckGroupView is a site's acknowledgements.
type docAckGroupView struct {
	service.AckGroup
	Name    string
	Members []docAckMemberView
}

type docAckMemberView struct {
	service.AckMember
	RoleLabel string
	When      string
}

// documentPage is a document's page.
type documentPage struct {
	basePage
	Doc        *bulkhead.Document
	TypeLabel  string
	ClassLabel string
	StateLabel string
	Owner      string
	AckRoles   string
	ReviewDue  string
	Overdue    bool
	Published  *docVersionView
	Latest     *docVersionView // the newest version when it is not the published one
	Steps      []docStepButton
	Versions   []*docVersionView
	CanDraft   bool
	DraftLabel string
	MustAck    bool
	MyAck      string // when the user acknowledged the published version
	CanAck     bool
	AckReport  *service.AckReport
	AckGroups  []docAckGroupView
	Alert      string
	Rows       []auditRow
	ShowAudit  bool
}

// document shows one document (GET /documents/{id}).
func (s *server) document(c *call) error {
	return s.renderDocument(c, http.StatusOK, c.r.PathValue("id"), "")
}

func (s *server) renderDocument(c *call, status int, id, alert string) error {
	ctx := c.r.Context()
	d, err := s.svc.Document(ctx, c.actor(), id)
	if err != nil {
		return err
	}
	vs, err := s.svc.DocumentVersions(ctx, c.actor(), d.ID)
	if err != nil {
		return err
	}
	names := s.docNames(c)
	p := &documentPage{basePage: c.base("doc.page_title", d.Reference, d.Title), Doc: d, TypeLabel: c.docTypeLabel(d.Type),
		ClassLabel: c.docClassLabel(d.Classification), StateLabel: c.docStatusLabel(d.LatestStatus), Owner: names[d.OwnerID],
		ReviewDue: c.docDate(d.ReviewDue), Overdue: d.ReviewOverdue(time.Now()), Alert: alert}
	var roles []string
	for _, r := range d.AckRoles {
		roles = append(roles, c.roleLabel(r))
	}
	p.AckRoles = strings.Join(roles, ", ")
	for _, v := range vs {
		showContent := v.ID == d.PublishedID || v.Number == d.LatestVersion
		vv, err := s.docVersionView(c, d, v, names, showContent)
		if err != nil {
			return err
		}
		p.Versions = append(p.Versions, vv)
		if v.ID == d.PublishedID {
			p.Published = vv
		} else if v.Number == d.LatestVersion {
			p.Latest = vv
		}
	}
	active := d.ArchivedAt == nil
	if latest := p.Latest; latest != nil && active {
		switch latest.Status {
		case bulkhead.VersionDraft:
			if c.can(service.ActDocumentUpdate) {
				p.Steps = append(p.Steps, docStepButton{"submit", c.T("doc.step.submit"), true})
			}
		case bulkhead.VersionInReview:
			if c.can(service.ActDocumentApprove) && bulkhead.CanApproveDoc(d.Type, c.au.Actor.Role) && latest.AuthorID != c.au.User.ID {
				p.Steps = append(p.Steps, docStepButton{"approve", c.T("doc.step.approve"), true}, docStepButton{"return", c.T("doc.step.return"), false})
			}
		case bulkhead.VersionApproved:
			if c.can(service.ActDocumentPublish) {
				p.Steps = append(p.Steps, docStepButton{"publish", c.T("doc.step.publish"), true})
			}
		}
	}
	p.CanDraft = active && c.can(service.ActDocumentUpdate)
	p.DraftLabel = c.T("doc.new_draft")
	if p.Latest != nil && p.Latest.Status == bulkhead.VersionDraft {
		p.DraftLabel = c.T("doc.edit_draft")
	} else if d.LatestVersion == 0 {
		p.DraftLabel = c.T("doc.write_first")
	}
	if d.PublishedID != "" && d.AckRequired {
		p.MustAck = d.MustAcknowledge(c.au.Actor.Role)
		p.CanAck = active && c.can(service.ActDocumentAck)
		if k, err := s.svc.MyAcknowledgement(ctx, c.actor(), d.ID); err != nil {
			return err
		} else if k != nil {
			p.MyAck = c.dateTime(k.At)
		}
		if c.can(service.ActDocumentAckReport) {
			rep, err := s.svc.DocumentAckReport(ctx, c.actor(), d.ID)
			if err != nil {
				return err
			}
			p.AckReport = rep
			if rep != nil {
				for _, g := range rep.Groups {
					gv := docAckGroupView{AckGroup: g, Name: g.SiteName}
					if g.SiteID == "" {
						gv.Name = c.T("doc.ack.no_site")
					}
					for _, m := range g.Members {
						mv := docAckMemberView{AckMember: m, RoleLabel: c.roleLabel(m.Role)}
						if m.At != nil {
							mv.When = c.dateTime(*m.At)
						}
						gv.Members = append(gv.Members, mv)
					}
					p.AckGroups = append(p.AckGroups, gv)
				}
			}
		}
	}
	if c.can(service.ActAuditRead) {
		entries, _, err := s.svc.AuditEntries(ctx, c.actor(), bulkhead.AuditFilter{ObjectType: "document", ObjectID: d.ID, Limit: 10})
		if err != nil {
			return err
		}
		p.ShowAudit = true
		an := newNameCache(s, c)
		for _, e := range entries {
			p.Rows = append(p.Rows, c.auditRow(e, an))
		}
	}
	s.render(c.w, c.r, status, pageDocument, p)
	return nil
}

// docVersionPage shows one version.
type docVersionPage struct {
	basePage
	Doc   *bulkhead.Document
	Shown *docVersionView
}

// version shows one version of a document (GET /documents/{id}/versions/{vid}).
func (s *server) version(c *call) error {
	d, err := s.svc.Document(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.svc.DocumentVersion(c.r.Context(), c.actor(), d.ID, c.r.PathValue("vid"))
	if err != nil {
		return err
	}
	vv, err := s.docVersionView(c, d, v, s.docNames(c), true)
	if err != nil {
		return err
	}
	s.render(c.w, c.r, http.StatusOK, pageDocVersion, &docVersionPage{basePage: c.base("doc.version_title", d.Reference, v.Number), Doc: d, Shown: vv})
	return nil
}

// versionFile sends a version's file as an attachment of the type found in
// its content (GET /documents/{id}/versions/{vid}/file).
func (s *server) versionFile(c *call) error {
	v, b, err := s.svc.DocumentFile(c.r.Context(), c.actor(), c.r.PathValue("id"), c.r.PathValue("vid"))
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", v.FileType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": v.FileName}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(b)
	return nil
}

// versionStep takes a workflow step on a version
// (POST /documents/{id}/versions/{vid}/{step}). A refusal shows the
// document again with the reason.
func (s *server) versionStep(c *call) error {
	steps := map[string]struct {
		fn    func(ctx context.Context, a service.Actor, docID, id string) (*bulkhead.DocumentVersion, error)
		flash string
	}{
		"submit":   {s.svc.SubmitVersion, "flash.document_submitted"},
		"approve":  {s.svc.ApproveVersion, "flash.document_approved"},
		"return":   {s.svc.ReturnVersion, "flash.document_returned"},
		"publish":  {s.svc.PublishVersion, "flash.document_published"},
		"obsolete": {s.svc.ObsoleteVersion, "flash.document_obsoleted"},
	}
	id := c.r.PathValue("id")
	st, ok := steps[c.r.PathValue("step")]
	if !ok {
		return bulkhead.NotFound("Page")
	}
	_, err := st.fn(c.r.Context(), c.actor(), id, c.r.PathValue("vid"))
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/documents/"+id, st.flash)
	case bulkhead.ECONFLICT:
		return s.renderDocument(c, http.StatusConflict, id, c.T("doc.refused.conflict"))
	case bulkhead.EFORBIDDEN:
		return s.renderDocument(c, http.StatusForbidden, id, c.T("doc.refused.forbidden"))
	}
	return err
}

// acknowledge records the user's acknowledgement of the published version
// (POST /documents/{id}/acknowledge); version_id names the version the
// user read, so that one published since is not acknowledged unread.
func (s *server) acknowledge(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.Acknowledge(c.r.Context(), c.actor(), id, c.r.PostForm.Get("version_id"))
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/documents/"+id, "flash.document_acknowledged")
	case bulkhead.ECONFLICT:
		return s.renderDocument(c, http.StatusConflict, id, c.T("doc.refused.ack"))
	}
	return err
}

// ---- draft form

// docSiteCheck is a site offered for the scope.
type docSiteCheck struct {
	ID      string
	Name    string
	Checked bool
}

// docExclusionRow is one row of the scope's exclusions.
type docExclusionRow struct {
	N             int
	Item          string
	Justification string
}

// docDraftPage is the form that writes a draft: Markdown text or a file, a
// note and, for the scope, its fields.
type docDraftPage struct {
	basePage
	Doc        *bulkhead.Document
	Form       *form
	Latest     *bulkhead.DocumentVersion
	IsScope    bool
	Sites      []docSiteCheck
	Exclusions []docExclusionRow
	EditsDraft bool
}

// docDraftValues are the form's values, from a version or from a post.
type docDraftValues struct {
	Body, Note, Activities, Segments string
	SiteIDs                          []string
	Exclusions                       []bulkhead.Exclusion
}

func draftValuesOf(v *bulkhead.DocumentVersion) docDraftValues {
	var dv docDraftValues
	if v == nil {
		return dv
	}
	dv.Body = v.Body
	if v.Status == bulkhead.VersionDraft {
		dv.Note = v.Note
	}
	if v.Scope != nil {
		dv.SiteIDs, dv.Exclusions = v.Scope.SiteIDs, v.Scope.Exclusions
		dv.Activities, dv.Segments = strings.Join(v.Scope.Activities, "\n"), strings.Join(v.Scope.Segments, "\n")
	}
	return dv
}

// docMaxExclusionRows is how many exclusion rows the form offers.
const docMaxExclusionRows = 8

func postedDraftValues(v url.Values) docDraftValues {
	dv := docDraftValues{Body: v.Get("body"), Note: v.Get("note"), Activities: v.Get("activities"), Segments: v.Get("segments"), SiteIDs: v["site_ids"]}
	for i := range docMaxExclusionRows {
		item, why := v.Get(fmt.Sprintf("exclusion_%d", i)), v.Get(fmt.Sprintf("justification_%d", i))
		if item != "" || why != "" {
			dv.Exclusions = append(dv.Exclusions, bulkhead.Exclusion{Item: item, Justification: why})
		}
	}
	return dv
}

func (s *server) renderDraft(c *call, status int, d *bulkhead.Document, latest *bulkhead.DocumentVersion, dv docDraftValues, errs map[string]string) error {
	f := newForm()
	f.add(&formField{Name: "body", Label: c.T("doc.body"), Hint: c.T("doc.body_hint"), Kind: "textarea", Value: dv.Body})
	f.add(&formField{Name: "file", Label: c.T("doc.file"), Hint: c.T("doc.file_hint"), Type: "file"})
	f.add(&formField{Name: "note", Label: c.T("doc.note"), Hint: c.T("doc.note_hint"), Kind: "textarea", Value: dv.Note, MaxLength: 2000})
	p := &docDraftPage{basePage: c.base("doc.draft_title", d.Reference), Doc: d, Form: f, Latest: latest, IsScope: d.Type == bulkhead.DocScope,
		EditsDraft: latest != nil && latest.Status == bulkhead.VersionDraft}
	if p.IsScope {
		f.add(&formField{Name: "site_ids", Label: c.T("doc.scope.sites")})
		f.add(&formField{Name: "activities", Label: c.T("doc.scope.activities"), Hint: c.T("doc.scope.one_per_line"), Kind: "textarea", Value: dv.Activities})
		f.add(&formField{Name: "segments", Label: c.T("doc.scope.segments"), Hint: c.T("doc.scope.one_per_line"), Kind: "textarea", Value: dv.Segments})
		f.add(&formField{Name: "exclusions", Label: c.T("doc.scope.exclusions")})
		sites, _, err := s.svc.Sites(c.r.Context(), c.actor(), bulkhead.SiteFilter{Limit: bulkhead.MaxPageSize})
		if err != nil && bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
			return err
		}
		for _, st := range sites {
			p.Sites = append(p.Sites, docSiteCheck{ID: st.ID, Name: st.Name, Checked: slices.Contains(dv.SiteIDs, st.ID)})
		}
		for i, e := range dv.Exclusions {
			p.Exclusions = append(p.Exclusions, docExclusionRow{N: i, Item: e.Item, Justification: e.Justification})
		}
		for i := len(p.Exclusions); i < min(len(dv.Exclusions)+2, docMaxExclusionRows); i++ {
			p.Exclusions = append(p.Exclusions, docExclusionRow{N: i})
		}
	}
	if errs != nil {
		f.setErrors(c, errs)
	}
	s.render(c.w, c.r, status, pageDocDraft, p)
	return nil
}

// docLatestVersion returns a document's newest version, or nil.
func (s *server) docLatestVersion(c *call, d *bulkhead.Document) (*bulkhead.DocumentVersion, error) {
	if d.LatestVersion == 0 {
		return nil, nil
	}
	vs, err := s.svc.DocumentVersions(c.r.Context(), c.actor(), d.ID)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return vs[0], nil
}

// draftForm shows the draft form, filled with the latest version's text
// (GET /documents/{id}/draft).
func (s *server) draftForm(c *call) error {
	d, err := s.svc.Document(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActDocumentUpdate) {
		return forbidden()
	}
	if d.ArchivedAt != nil {
		return c.redirect("/documents/"+d.ID, "flash.document_archived_edit")
	}
	latest, err := s.docLatestVersion(c, d)
	if err != nil {
		return err
	}
	return s.renderDraft(c, http.StatusOK, d, latest, draftValuesOf(latest), nil)
}

// saveDraft saves the draft (POST /documents/{id}/draft, multipart).
func (s *server) saveDraft(c *call, tooLarge bool) error {
	d, err := s.svc.Document(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	latest, err := s.docLatestVersion(c, d)
	if err != nil {
		return err
	}
	if tooLarge {
		return s.renderDraft(c, http.StatusRequestEntityTooLarge, d, latest, draftValuesOf(latest), map[string]string{"file": bulkhead.FieldFileSize})
	}
	form := c.r.PostForm
	dv := postedDraftValues(form)
	in := bulkhead.VersionInput{Body: &dv.Body, Note: &dv.Note}
	if fhs := c.r.MultipartForm.File["file"]; len(fhs) == 1 && fhs[0].Size > 0 {
		f, err := fhs[0].Open()
		if err != nil {
			return err
		}
		in.File, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return err
		}
		in.FileName = fhs[0].Filename
	} else if strings.TrimSpace(dv.Body) == "" && latest != nil && latest.HasFile() {
		// Keep the file: the draft is a new version of the same file.
		in.Body = nil
	}
	if d.Type == bulkhead.DocScope {
		in.Scope = &bulkhead.ScopeDetails{SiteIDs: dv.SiteIDs, Activities: strings.Split(dv.Activities, "\n"), Segments: strings.Split(dv.Segments, "\n"), Exclusions: dv.Exclusions}
	}
	_, err = s.svc.SaveDraft(c.r.Context(), c.actor(), d.ID, in)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		return s.renderDraft(c, http.StatusUnprocessableEntity, d, latest, dv, bulkhead.ErrorFields(err))
	}
	if err != nil {
		return err
	}
	return c.redirect("/documents/"+d.ID, "flash.document_draft_saved")
}
