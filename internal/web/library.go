package web

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Page templates of requirement libraries and assessments.
const (
	pageLibraries       = "library_list"
	pageLibrary         = "library_detail"
	pageLibraryImport   = "library_import"
	pageLibraryPreview  = "library_preview"
	pageAssessments     = "library_assessments"
	pageAssessment      = "library_assessment"
	pageAssessmentSoA   = "library_soa"
	maxUploadFormBytes  = 6 << 20 // a 4 MiB library, base64 in the confirm form, and the other fields
	maxEvidenceFormSize = service.MaxEvidenceSize + 1<<20
)

// libraryRoutes registers the pages of requirement libraries and compliance assessments (issue 5).
func (s *server) libraryRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /libraries", s.auth(s.libList))
	mux.HandleFunc("GET /libraries/import", s.auth(s.libraryImportForm))
	mux.HandleFunc("POST /libraries/import", s.authUpload(maxUploadFormBytes, libTooLarge, s.libraryImport))
	mux.HandleFunc("GET /libraries/{id}", s.auth(s.libDetail))
	mux.HandleFunc("GET /libraries/{id}/export", s.auth(s.libraryExport))
	mux.HandleFunc("POST /libraries/{id}/sheet", s.authUpload(maxUploadFormBytes, libTooLarge, s.librarySheet))
	mux.HandleFunc("GET /assessments", s.auth(s.assessments))
	mux.HandleFunc("POST /assessments", s.auth(s.createAssessment))
	mux.HandleFunc("GET /assessments/{id}", s.auth(s.assessment))
	mux.HandleFunc("POST /assessments/{id}/answers", s.auth(s.answerAssessment))
	mux.HandleFunc("POST /assessments/{id}/status", s.auth(s.assessmentStatus))
	mux.HandleFunc("POST /assessments/{id}/evidence", s.authUpload(maxEvidenceFormSize, libTooLarge, s.libAddEvidence))
	mux.HandleFunc("POST /assessments/{id}/actions", s.auth(s.libAddAction))
	mux.HandleFunc("POST /assessments/{id}/actions/{action}/done", s.auth(s.libCloseAction))
	mux.HandleFunc("GET /assessments/{id}/soa", s.auth(s.assessmentSoA))
	mux.HandleFunc("GET /assessments/{id}/export", s.auth(s.assessmentExport))
	mux.HandleFunc("GET /evidence/{id}", s.auth(s.libEvidenceFile))
}

// libTooLarge answers a library or evidence upload over its limit.
func libTooLarge(*call) error {
	return bulkhead.Errorf(bulkhead.EINVALID, "The upload could not be read: it is over the size limit.")
}

// uploaded returns the bytes and name of a posted file field, or of its
// base64 copy carried by a confirmation form.
func libUpload(r *http.Request, field string) (string, []byte, error) {
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File[field]; len(fhs) > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return "", nil, err
			}
			defer f.Close()
			data, err := io.ReadAll(f)
			return fhs[0].Filename, data, err
		}
	}
	if b64 := r.PostForm.Get(field + "_b64"); b64 != "" {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", nil, bulkhead.Errorf(bulkhead.EINVALID, "The upload could not be read.")
		}
		return r.PostForm.Get(field + "_name"), data, nil
	}
	return "", nil, nil
}

// ---- libraries

type libraryRow struct {
	*bulkhead.Library
	Coverage string
}

// coverage says honestly how much of a catalog is confirmed.
func (c *call) coverage(l *bulkhead.Library) string {
	if l.FrameworkURN == "" {
		return c.T("library.coverage_mappings", l.MappingCount)
	}
	return c.T("library.coverage", l.AssessableCount, l.Verified, l.Harmonized, l.Secondary)
}

type librariesPage struct {
	basePage
	Libraries []libraryRow
}

func (s *server) libList(c *call) error {
	libs, err := s.svc.Libraries(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &librariesPage{basePage: c.base("library.title")}
	for _, l := range libs {
		p.Libraries = append(p.Libraries, libraryRow{l, c.coverage(l)})
	}
	s.render(c.w, c.r, http.StatusOK, pageLibraries, p)
	return nil
}

type libNodeRow struct {
	*catalog.RequirementNode
	Indent int
}

type libraryPage struct {
	basePage
	Library  *bulkhead.Library
	Coverage string
	Nodes    []libNodeRow
	Groups   []catalog.ImplementationGroup
	Sets     []*catalog.RequirementMappingSet
	// Counterparts are each requirement's harmonized-structure
	// counterparts in other frameworks, by requirement URN.
	Counterparts map[string][]service.Counterpart
	Error        string
}

func (s *server) libDetail(c *call) error {
	return s.renderLibrary(c, http.StatusOK, "")
}

func (s *server) renderLibrary(c *call, status int, msg string) error {
	d, err := s.svc.Library(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	p := &libraryPage{basePage: c.base("library.detail_title", d.Name), Library: d.Library, Coverage: c.coverage(d.Library), Error: msg,
		Sets: mappingSetsOf(d.Parsed)}
	if fw := d.Parsed.Objects.Framework; fw != nil {
		p.Groups = fw.ImplementationGroupsDefinition
		if p.Counterparts, err = s.svc.HarmonizedCounterparts(c.r.Context(), c.actor(), fw.URN); err != nil {
			return err
		}
		for i := range fw.RequirementNodes {
			n := &fw.RequirementNodes[i]
			p.Nodes = append(p.Nodes, libNodeRow{n, min(n.Depth, 6)})
		}
	}
	s.render(c.w, c.r, status, pageLibrary, p)
	return nil
}

func mappingSetsOf(lib *catalog.Library) []*catalog.RequirementMappingSet {
	var out []*catalog.RequirementMappingSet
	if lib.Objects.RequirementMappingSet != nil {
		out = append(out, lib.Objects.RequirementMappingSet)
	}
	for i := range lib.Objects.RequirementMappingSets {
		out = append(out, &lib.Objects.RequirementMappingSets[i])
	}
	return out
}

func (s *server) libraryExport(c *call) error {
	id := c.r.PathValue("id")
	var l *bulkhead.Library
	var data []byte
	var err error
	ext, ctype := ".yaml", "application/yaml; charset=utf-8"
	switch c.r.URL.Query().Get("format") {
	case "oscal":
		l, data, err = s.svc.ExportLibraryOSCAL(c.r.Context(), c.actor(), id)
		ext, ctype = ".oscal.json", "application/json"
	default:
		l, data, err = s.svc.ExportLibrary(c.r.Context(), c.actor(), id)
	}
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", ctype)
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+libFileName(l.RefID)+ext+`"`)
	_, _ = c.w.Write(data)
	return nil
}

// libFileName keeps ASCII letters, digits, dot, dash and underscore.
func libFileName(s string) string {
	out := strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return r
		}
		return '_'
	}, s)
	if out == "" {
		return "export"
	}
	return out
}

type libImportPage struct {
	basePage
	Error string
}

func (s *server) libraryImportForm(c *call) error {
	if !c.can(service.ActLibraryImport) {
		return forbidden()
	}
	s.render(c.w, c.r, http.StatusOK, pageLibraryImport, &libImportPage{basePage: c.base("library.import_title")})
	return nil
}

type libPreviewPage struct {
	basePage
	Preview  *service.ImportPreview
	Action   string
	FileName string
	FileB64  string
	Replace  bool
	Cancel   string
}

// libraryImport previews an uploaded library, or imports it when the
// preview's confirmation comes back (POST /libraries/import).
func (s *server) libraryImport(c *call) error {
	if !c.can(service.ActLibraryImport) {
		return forbidden()
	}
	name, data, err := libUpload(c.r, "file")
	if err != nil {
		return err
	}
	if len(data) == 0 {
		s.render(c.w, c.r, http.StatusUnprocessableEntity, pageLibraryImport, &libImportPage{basePage: c.base("library.import_title"), Error: c.T("library.no_file")})
		return nil
	}
	if c.r.PostForm.Get("confirm") == "1" {
		l, err := s.svc.ImportLibrary(c.r.Context(), c.actor(), name, data)
		if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
			s.render(c.w, c.r, http.StatusUnprocessableEntity, pageLibraryImport, &libImportPage{basePage: c.base("library.import_title"), Error: bulkhead.ErrorMessage(err)})
			return nil
		}
		if err != nil {
			return err
		}
		return c.redirect("/libraries/"+l.ID, "flash.library_imported")
	}
	pv, err := s.svc.PreviewLibraryImport(c.r.Context(), c.actor(), name, data)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		s.render(c.w, c.r, http.StatusUnprocessableEntity, pageLibraryImport, &libImportPage{basePage: c.base("library.import_title"), Error: bulkhead.ErrorMessage(err)})
		return nil
	}
	if err != nil {
		return err
	}
	s.render(c.w, c.r, http.StatusOK, pageLibraryPreview, &libPreviewPage{basePage: c.base("library.preview_title"), Preview: pv, Action: "/libraries/import",
		FileName: name, FileB64: base64.StdEncoding.EncodeToString(data), Cancel: "/libraries"})
	return nil
}

// librarySheet previews or imports a spreadsheet that completes or
// replaces a catalog (POST /libraries/{id}/sheet).
func (s *server) librarySheet(c *call) error {
	if !c.can(service.ActLibraryImport) {
		return forbidden()
	}
	id := c.r.PathValue("id")
	name, data, err := libUpload(c.r, "file")
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return s.renderLibrary(c, http.StatusUnprocessableEntity, c.T("library.no_file"))
	}
	in := service.SpreadsheetImport{LibraryID: id, Replace: c.r.PostForm.Get("mode") == "replace", File: name, Data: data}
	if c.r.PostForm.Get("confirm") == "1" {
		l, err := s.svc.ImportSpreadsheet(c.r.Context(), c.actor(), in)
		if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
			return s.renderLibrary(c, http.StatusUnprocessableEntity, bulkhead.ErrorMessage(err))
		}
		if err != nil {
			return err
		}
		return c.redirect("/libraries/"+l.ID, "flash.library_imported")
	}
	pv, err := s.svc.PreviewSpreadsheetImport(c.r.Context(), c.actor(), in)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		return s.renderLibrary(c, http.StatusUnprocessableEntity, bulkhead.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	s.render(c.w, c.r, http.StatusOK, pageLibraryPreview, &libPreviewPage{basePage: c.base("library.preview_title"), Preview: pv, Action: "/libraries/" + id + "/sheet",
		FileName: name, FileB64: base64.StdEncoding.EncodeToString(data), Replace: in.Replace, Cancel: "/libraries/" + id})
	return nil
}

// ---- assessments

type libraryOption struct {
	ID, Name string
	Groups   []catalog.ImplementationGroup
}

type assessmentsPage struct {
	basePage
	Assessments []*service.AssessmentSummary
	Libraries   []libraryOption
	Sites       []*bulkhead.Site
	Form        *form
}

func (s *server) assessments(c *call) error {
	return s.renderAssessments(c, http.StatusOK, nil)
}

func (s *server) renderAssessments(c *call, status int, f *form) error {
	xs, err := s.svc.Assessments(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &assessmentsPage{basePage: c.base("assessment.title"), Assessments: xs}
	if c.can(service.ActAssessmentManage) {
		libs, err := s.svc.Libraries(c.r.Context(), c.actor())
		if err != nil {
			return err
		}
		for _, l := range libs {
			if l.FrameworkURN == "" {
				continue
			}
			d, err := s.svc.Library(c.r.Context(), c.actor(), l.ID)
			if err != nil {
				return err
			}
			p.Libraries = append(p.Libraries, libraryOption{l.ID, l.Name, d.Parsed.Objects.Framework.ImplementationGroupsDefinition})
		}
		if c.can(service.ActSiteRead) {
			sites, _, err := s.svc.Sites(c.r.Context(), c.actor(), bulkhead.SiteFilter{Limit: bulkhead.MaxPageSize})
			if err != nil {
				return err
			}
			p.Sites = sites
		}
		if f == nil {
			f = c.assessmentForm(p.Libraries, "", "")
		}
		p.Form = f
	}
	s.render(c.w, c.r, status, pageAssessments, p)
	return nil
}

func (c *call) assessmentForm(libs []libraryOption, libID, name string) *form {
	f := newForm()
	opts := options(libID, "", c.T("assessment.choose_library"))
	for _, l := range libs {
		opts = append(opts, selectOption{Value: l.ID, Label: l.Name, Selected: l.ID == libID})
	}
	f.add(&formField{Name: "library_id", Label: c.T("assessment.library"), Kind: "select", Options: opts, Required: true})
	f.add(&formField{Name: "name", Label: c.T("field.name"), Value: name, Required: true, MaxLength: 200, Autocomplete: "off"})
	return f
}

func (s *server) createAssessment(c *call) error {
	form := c.r.PostForm
	groups := []string{}
	libID := form.Get("library_id")
	for _, g := range form["groups"] {
		// Group options carry their library: "<library id>|<group>".
		if lib, ref, ok := strings.Cut(g, "|"); ok && lib == libID {
			groups = append(groups, ref)
		}
	}
	sites := form["site_ids"]
	x, err := s.svc.CreateAssessment(c.r.Context(), c.actor(), service.AssessmentInput{LibraryID: &libID, Name: libPtr(form.Get("name")),
		Description: libPtr(form.Get("description")), Groups: &groups, SiteIDs: &sites})
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		libs := []libraryOption{}
		all, _ := s.svc.Libraries(c.r.Context(), c.actor())
		for _, l := range all {
			if l.FrameworkURN != "" {
				libs = append(libs, libraryOption{ID: l.ID, Name: l.Name})
			}
		}
		f := c.assessmentForm(libs, libID, form.Get("name"))
		f.setErrors(c, bulkhead.ErrorFields(err))
		return s.renderAssessments(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return c.redirect("/assessments/"+x.ID, "flash.assessment_created")
}

func libPtr[T any](v T) *T { return &v }

type libAnswerRow struct {
	*service.AssessmentRow
	Indent   int
	Status   string
	Error    string
	Notes    string
	Justif   string
	Controls string
	Gap      bool
}

type libMember struct{ ID, Name string }

type assessmentPage struct {
	basePage
	View       *service.AssessmentView
	Rows       []libAnswerRow
	Statuses   []bulkhead.ResultStatus
	HasErrors  bool
	Members    []libMember
	Gaps       []libAnswerRow
	Expiring   time.Time
	Sites      []string
	CanAnswer  bool
	CanManage  bool
	CanActions bool
	Message    string
	// Counterparts are each requirement's harmonized-structure
	// counterparts in other frameworks, by requirement URN.
	Counterparts map[string][]service.Counterpart
}

func (s *server) assessment(c *call) error {
	return s.renderAssessment(c, http.StatusOK, nil, "")
}

// renderAssessment shows an assessment; posted answers with their errors
// are shown again as typed.
func (s *server) renderAssessment(c *call, status int, posted map[string]libAnswerRow, msg string) error {
	v, err := s.svc.Assessment(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	p := &assessmentPage{basePage: c.base("assessment.detail_title", v.Name), View: v, Statuses: bulkhead.ResultStatuses, Message: msg,
		CanAnswer: c.can(service.ActAssessmentAnswer) && v.Status == bulkhead.AssessmentOpen, CanManage: c.can(service.ActAssessmentManage),
		CanActions: c.can(service.ActAssessmentAction), Expiring: time.Now().Add(service.EvidenceExpiryWindow)}
	if p.Counterparts, err = s.svc.HarmonizedCounterparts(c.r.Context(), c.actor(), v.Framework.URN); err != nil {
		return err
	}
	for _, row := range v.Rows {
		if !row.InScope && row.Node.Assessable {
			continue
		}
		ar := libAnswerRow{AssessmentRow: row, Indent: min(row.Node.Depth, 6), Status: string(bulkhead.ResultNotAssessed)}
		if r := row.Result; r != nil {
			ar.Status, ar.Notes, ar.Justif, ar.Controls = string(r.Status), r.Notes, r.Justification, r.Controls
			ar.Gap = r.Status == bulkhead.ResultPartial || r.Status == bulkhead.ResultNonCompliant
		}
		if pr, ok := posted[row.Node.URN]; ok {
			ar.Status, ar.Notes, ar.Justif, ar.Controls, ar.Error = pr.Status, pr.Notes, pr.Justif, pr.Controls, pr.Error
			p.HasErrors = p.HasErrors || pr.Error != ""
		}
		p.Rows = append(p.Rows, ar)
		if ar.Gap {
			p.Gaps = append(p.Gaps, ar)
		}
	}
	if p.CanActions && c.can(service.ActMemberRead) {
		ms, err := s.svc.Members(c.r.Context(), c.actor())
		if err != nil {
			return err
		}
		for _, m := range ms {
			p.Members = append(p.Members, libMember{m.UserID, m.UserName})
		}
	} else if p.CanActions {
		p.Members = []libMember{{c.actor().UserID, c.au.User.Name}}
	}
	s.render(c.w, c.r, status, pageAssessment, p)
	return nil
}

// answerAssessment saves the answer table (fields named by requirement
// URN): only rows that changed are written, and nothing is written when any
// row is invalid.
func (s *server) answerAssessment(c *call) error {
	v, err := s.svc.Assessment(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	form := c.r.PostForm
	type change struct {
		urn string
		in  service.AnswerInput
	}
	var changes []change
	posted := map[string]libAnswerRow{}
	bad := false
	for _, row := range v.Rows {
		if !row.InScope {
			continue
		}
		key := row.Node.URN
		if _, ok := form["status-"+key]; !ok {
			continue
		}
		pr := libAnswerRow{Status: form.Get("status-" + key), Notes: form.Get("notes-" + key), Justif: form.Get("justification-" + key), Controls: form.Get("controls-" + key)}
		cur := libAnswerRow{Status: string(bulkhead.ResultNotAssessed)}
		if r := row.Result; r != nil {
			cur = libAnswerRow{Status: string(r.Status), Notes: r.Notes, Justif: r.Justification, Controls: r.Controls}
		}
		accept := form.Get("accept-"+key) == "1"
		switch {
		case !bulkhead.ResultStatus(pr.Status).Valid():
			pr.Error = c.T(errKey(bulkhead.FieldChoice))
		case pr.Status == string(bulkhead.ResultNotApplicable) && strings.TrimSpace(pr.Justif) == "":
			pr.Error = c.T("assessment.justification_required")
		}
		if pr.Error != "" {
			bad = true
		}
		posted[row.Node.URN] = pr
		same := pr.Status == cur.Status && strings.TrimSpace(pr.Notes) == cur.Notes && strings.TrimSpace(pr.Justif) == cur.Justif && strings.TrimSpace(pr.Controls) == cur.Controls
		if same && !accept {
			continue
		}
		in := service.AnswerInput{Notes: &pr.Notes, Justification: &pr.Justif, Controls: &pr.Controls, AcceptInferred: accept}
		if !accept || pr.Status != cur.Status {
			in.Status = &pr.Status
		}
		changes = append(changes, change{row.Node.URN, in})
	}
	if bad {
		return s.renderAssessment(c, http.StatusUnprocessableEntity, posted, "")
	}
	for _, ch := range changes {
		if _, err := s.svc.AnswerRequirement(c.r.Context(), c.actor(), v.ID, ch.urn, ch.in); err != nil {
			if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
				pr := posted[ch.urn]
				pr.Error = c.T("assessment.answer_invalid")
				posted[ch.urn] = pr
				return s.renderAssessment(c, http.StatusUnprocessableEntity, posted, "")
			}
			return err
		}
	}
	return c.redirect("/assessments/"+v.ID, "flash.answers_saved")
}

func (s *server) assessmentStatus(c *call) error {
	st := c.r.PostForm.Get("status")
	if _, err := s.svc.UpdateAssessment(c.r.Context(), c.actor(), c.r.PathValue("id"), service.AssessmentInput{Status: &st}); err != nil {
		return err
	}
	return c.redirect("/assessments/"+c.r.PathValue("id"), "flash.assessment_updated")
}

func (s *server) libAddEvidence(c *call) error {
	id := c.r.PathValue("id")
	form := c.r.PostForm
	in := service.AssessmentEvidenceInput{NodeURN: form.Get("node_urn"), Name: form.Get("name"), URL: form.Get("url")}
	name, data, err := libUpload(c.r, "file")
	if err != nil {
		return err
	}
	if len(data) > 0 {
		in.Content = data
		if in.Name == "" {
			in.Name = name
		}
		if mf := c.r.MultipartForm; mf != nil && len(mf.File["file"]) > 0 {
			in.ContentType = mf.File["file"][0].Header.Get("Content-Type")
		}
	}
	if v := form.Get("valid_until"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, c.loc)
		if err != nil {
			return s.renderAssessment(c, http.StatusUnprocessableEntity, nil, c.T("assessment.evidence_invalid", c.fieldLabel("valid_until")))
		}
		in.ValidUntil = &t
	}
	_, err = s.svc.AddEvidence(c.r.Context(), c.actor(), id, in)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		var fields []string
		for k := range bulkhead.ErrorFields(err) {
			fields = append(fields, c.fieldLabel(k))
		}
		slices.Sort(fields)
		return s.renderAssessment(c, http.StatusUnprocessableEntity, nil, c.T("assessment.evidence_invalid", strings.Join(fields, ", ")))
	}
	if err != nil {
		return err
	}
	return c.redirect("/assessments/"+id+"#evidence", "flash.evidence_added")
}

func (s *server) libAddAction(c *call) error {
	id := c.r.PathValue("id")
	form := c.r.PostForm
	in := service.ComplianceActionInput{NodeURN: libPtr(form.Get("node_urn")), Title: libPtr(form.Get("title")), OwnerID: libPtr(form.Get("owner_id"))}
	if v := form.Get("due"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, c.loc)
		if err != nil {
			return s.renderAssessment(c, http.StatusUnprocessableEntity, nil, c.T("assessment.action_invalid", c.fieldLabel("due")))
		}
		in.Due = &t
	}
	_, err := s.svc.CreateComplianceAction(c.r.Context(), c.actor(), id, in)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		var fields []string
		for k := range bulkhead.ErrorFields(err) {
			fields = append(fields, c.fieldLabel(k))
		}
		slices.Sort(fields)
		return s.renderAssessment(c, http.StatusUnprocessableEntity, nil, c.T("assessment.action_invalid", strings.Join(fields, ", ")))
	}
	if err != nil {
		return err
	}
	return c.redirect("/assessments/"+id+"#actions", "flash.action_created")
}

func (s *server) libCloseAction(c *call) error {
	if _, err := s.svc.UpdateComplianceAction(c.r.Context(), c.actor(), c.r.PathValue("action"), service.ComplianceActionInput{Status: libPtr("done")}); err != nil {
		return err
	}
	return c.redirect("/assessments/"+c.r.PathValue("id")+"#actions", "flash.action_closed")
}

type libSoAPage struct {
	basePage
	View *service.AssessmentView
	Rows []service.SoARow
}

func (s *server) assessmentSoA(c *call) error {
	v, rows, err := s.svc.StatementOfApplicability(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if c.r.URL.Query().Get("format") == "csv" {
		c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		c.w.Header().Set("Content-Disposition", `attachment; filename="statement-of-applicability.csv"`)
		if err := service.WriteSoACSV(c.w, rows); err != nil {
			requestLog(c.r).Error("SoA export failed", "err", err)
		}
		return nil
	}
	s.render(c.w, c.r, http.StatusOK, pageAssessmentSoA, &libSoAPage{basePage: c.base("assessment.soa_title", v.Name), View: v, Rows: rows})
	return nil
}

func (s *server) assessmentExport(c *call) error {
	kind := "assessment-results"
	if c.r.URL.Query().Get("format") == "poam" {
		kind = "poam"
	}
	data, err := s.svc.ExportAssessmentOSCAL(c.r.Context(), c.actor(), c.r.PathValue("id"), kind)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		return s.renderAssessment(c, http.StatusUnprocessableEntity, nil, c.T("assessment.no_gaps"))
	}
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+kind+`.oscal.json"`)
	_, _ = c.w.Write(data)
	return nil
}

// evidenceFile sends an evidence file as a download (never shown inline,
// so an uploaded HTML file cannot run in the application's origin).
func (s *server) libEvidenceFile(c *call) error {
	e, err := s.svc.EvidenceFile(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if e.URL != "" {
		http.Redirect(c.w, c.r, e.URL, http.StatusSeeOther)
		return nil
	}
	c.w.Header().Set("Content-Type", "application/octet-stream")
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+libFileName(e.Name)+`"`)
	http.ServeContent(c.w, c.r, "", e.CreatedAt, bytes.NewReader(e.Content))
	return nil
}
