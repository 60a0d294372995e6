package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// libraryRoutes are the API routes of requirement libraries and compliance assessments (issue 5).
func libraryRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/libraries", handler: (*Server).listLibraries},
		{Method: "POST", Path: "/api/v1/libraries/import", handler: (*Server).importLibrary},
		{Method: "GET", Path: "/api/v1/libraries/{id}", handler: (*Server).getLibrary},
		{Method: "GET", Path: "/api/v1/libraries/{id}/export", handler: (*Server).exportLibrary},
		{Method: "POST", Path: "/api/v1/libraries/{id}/sheet", handler: (*Server).importSheet},
		{Method: "GET", Path: "/api/v1/assessments", handler: (*Server).listAssessments},
		{Method: "POST", Path: "/api/v1/assessments", handler: (*Server).createAssessment},
		{Method: "GET", Path: "/api/v1/assessments/{id}", handler: (*Server).getAssessment},
		{Method: "PATCH", Path: "/api/v1/assessments/{id}", handler: (*Server).updateAssessment},
		{Method: "POST", Path: "/api/v1/assessments/{id}/answers", handler: (*Server).answerRequirement},
		{Method: "GET", Path: "/api/v1/assessments/{id}/soa", handler: (*Server).getSoA},
		{Method: "GET", Path: "/api/v1/assessments/{id}/export", handler: (*Server).exportAssessment},
		{Method: "POST", Path: "/api/v1/assessments/{id}/evidence", handler: (*Server).addAssessmentEvidence},
		{Method: "POST", Path: "/api/v1/assessments/{id}/actions", handler: (*Server).createComplianceAction},
		{Method: "GET", Path: "/api/v1/evidence/{id}", handler: (*Server).getAssessmentEvidence},
		{Method: "DELETE", Path: "/api/v1/evidence/{id}", handler: (*Server).deleteAssessmentEvidence},
		{Method: "PATCH", Path: "/api/v1/compliance-actions/{id}", handler: (*Server).updateComplianceAction},
	}
}

// ---- representations

type libraryJSON struct {
	ID              string    `json:"id"`
	URN             string    `json:"urn"`
	Version         int       `json:"version"`
	RefID           string    `json:"ref_id"`
	Name            string    `json:"name"`
	Description     string    `json:"description"`
	Provider        string    `json:"provider"`
	Packager        string    `json:"packager"`
	Objects         []string  `json:"objects"`
	FrameworkURN    string    `json:"framework_urn,omitempty"`
	Builtin         bool      `json:"builtin"`
	NodeCount       int       `json:"node_count"`
	AssessableCount int       `json:"assessable_count"`
	Verified        int       `json:"verified"`
	Harmonized      int       `json:"harmonized"`
	Secondary       int       `json:"secondary"`
	MappingCount    int       `json:"mapping_count"`
	ImportedAt      time.Time `json:"imported_at"`
}

func toLibrary(l *bulkhead.Library) libraryJSON {
	return libraryJSON{l.ID, l.URN, l.Version, l.RefID, l.Name, l.Description, l.Provider, l.Packager, strings.Fields(l.Objects), l.FrameworkURN, l.Builtin,
		l.NodeCount, l.AssessableCount, l.Verified, l.Harmonized, l.Secondary, l.MappingCount, l.ImportedAt}
}

type requirementNodeJSON struct {
	URN             string   `json:"urn"`
	RefID           string   `json:"ref_id"`
	Name            string   `json:"name"`
	Summary         string   `json:"summary"`
	ParentURN       string   `json:"parent_urn,omitempty"`
	Depth           int      `json:"depth"`
	Assessable      bool     `json:"assessable"`
	Groups          []string `json:"implementation_groups"`
	Importance      string   `json:"importance,omitempty"`
	TypicalEvidence string   `json:"typical_evidence,omitempty"`
	Guidance        string   `json:"guidance,omitempty"`
	Provenance      string   `json:"provenance,omitempty"`
}

func toRequirementNode(n *catalog.RequirementNode) requirementNodeJSON {
	g := n.ImplementationGroups
	if g == nil {
		g = []string{}
	}
	return requirementNodeJSON{n.URN, n.RefID, n.Name, n.Description, n.ParentURN, n.Depth, n.Assessable, g, string(n.Importance), n.TypicalEvidence, n.Annotation, string(n.Provenance)}
}

type libraryPreviewJSON struct {
	DryRun     bool     `json:"dry_run"`
	URN        string   `json:"urn"`
	Name       string   `json:"name"`
	Version    int      `json:"version"`
	OldVersion int      `json:"old_version"`
	Added      []string `json:"added"`
	Changed    []string `json:"changed"`
	Removed    []string `json:"removed"`
	Mappings   int      `json:"mappings"`
	Warnings   []string `json:"warnings"`
}

func toLibraryPreview(p *service.ImportPreview) libraryPreviewJSON {
	nz := func(x []string) []string {
		if x == nil {
			return []string{}
		}
		return x
	}
	return libraryPreviewJSON{true, p.URN, p.Name, p.Version, p.OldVersion, nz(p.Added), nz(p.Changed), nz(p.Removed), p.Mappings, nz(p.Warnings)}
}

type readinessJSON struct {
	RefID         string          `json:"ref_id,omitempty"`
	Name          string          `json:"name,omitempty"`
	Total         int             `json:"total"`
	Assessed      int             `json:"assessed"`
	Compliant     int             `json:"compliant"`
	Partial       int             `json:"partially_compliant"`
	NonCompliant  int             `json:"non_compliant"`
	NotApplicable int             `json:"not_applicable"`
	Inferred      int             `json:"inferred_to_review"`
	Gaps          int             `json:"gaps"`
	Expiring      int             `json:"evidence_expiring"`
	OpenActions   int             `json:"open_actions"`
	PctAssessed   int             `json:"pct_assessed"`
	PctCompliant  int             `json:"pct_compliant"`
	Clauses       []readinessJSON `json:"clauses,omitempty"`
}

func toReadiness(r *service.Readiness) readinessJSON {
	out := readinessJSON{r.RefID, r.Name, r.Total, r.Assessed, r.Compliant, r.Partial, r.NonCompliant, r.NotApplicable, r.Inferred, r.Gaps, r.Expiring, r.OpenActions, r.PctAssessed(), r.PctCompliant(), nil}
	for _, c := range r.Clauses {
		out.Clauses = append(out.Clauses, toReadiness(c))
	}
	return out
}

type assessmentJSON struct {
	ID          string              `json:"id"`
	LibraryID   string              `json:"library_id"`
	Library     string              `json:"library"`
	Name        string              `json:"name"`
	Description string              `json:"description"`
	Groups      []string            `json:"groups"`
	SiteIDs     []string            `json:"site_ids"`
	Status      string              `json:"status"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
	Readiness   readinessJSON       `json:"readiness"`
	Rows        []assessmentRowJSON `json:"requirements,omitempty"`
}

type assessmentResultJSON struct {
	Status         string    `json:"status"`
	Notes          string    `json:"notes"`
	Justification  string    `json:"justification"`
	Controls       string    `json:"controls"`
	InferredStatus string    `json:"inferred_status,omitempty"`
	InferredFrom   string    `json:"inferred_from,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
}

type assessmentEvidenceJSON struct {
	ID          string     `json:"id"`
	NodeURN     string     `json:"node_urn"`
	Name        string     `json:"name"`
	URL         string     `json:"url,omitempty"`
	ContentType string     `json:"content_type,omitempty"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256,omitempty"`
	ValidUntil  *time.Time `json:"valid_until"`
	CreatedAt   time.Time  `json:"created_at"`
}

func toAssessmentEvidence(e *bulkhead.Evidence) assessmentEvidenceJSON {
	return assessmentEvidenceJSON{e.ID, e.NodeURN, e.Name, e.URL, e.ContentType, e.Size, e.SHA256, e.ValidUntil, e.CreatedAt}
}

type complianceActionJSON struct {
	ID           string     `json:"id"`
	AssessmentID string     `json:"assessment_id"`
	NodeURN      string     `json:"node_urn"`
	Title        string     `json:"title"`
	Notes        string     `json:"notes"`
	OwnerID      string     `json:"owner_id"`
	Due          *time.Time `json:"due"`
	Status       string     `json:"status"`
	ClosedAt     *time.Time `json:"closed_at"`
}

func toComplianceAction(c *bulkhead.ComplianceAction) complianceActionJSON {
	return complianceActionJSON{c.ID, c.AssessmentID, c.NodeURN, c.Title, c.Notes, c.OwnerID, c.Due, string(c.Status), c.ClosedAt}
}

// counterpartJSON is a harmonized-structure counterpart of a requirement
// in another framework; relationship is read from the requirement's side.
type counterpartJSON struct {
	LibraryID     string `json:"library_id"`
	FrameworkName string `json:"framework"`
	NodeURN       string `json:"node_urn"`
	RefID         string `json:"ref_id"`
	Name          string `json:"name"`
	Relationship  string `json:"relationship"`
	Strength      int    `json:"strength,omitempty"`
	Rationale     string `json:"rationale"`
}

// toCounterparts are a requirement's harmonized-structure counterparts.
func toCounterparts(cs []service.Counterpart) []counterpartJSON {
	var out []counterpartJSON
	for _, c := range cs {
		out = append(out, counterpartJSON{c.LibraryID, c.FrameworkName, c.NodeURN, c.RefID, c.Name, string(c.Relationship), c.Strength, c.Rationale})
	}
	return out
}

type assessmentRowJSON struct {
	requirementNodeJSON
	Counterparts []counterpartJSON        `json:"harmonized_counterparts,omitempty"`
	Result       *assessmentResultJSON    `json:"result"`
	Evidence     []assessmentEvidenceJSON `json:"evidence,omitempty"`
	Actions      []complianceActionJSON   `json:"actions,omitempty"`
}

func toAssessment(x *bulkhead.Assessment, lib *bulkhead.Library, rd *service.Readiness) assessmentJSON {
	nz := func(x []string) []string {
		if x == nil {
			return []string{}
		}
		return x
	}
	return assessmentJSON{x.ID, x.LibraryID, lib.Name, x.Name, x.Description, nz(x.Groups), nz(x.SiteIDs), string(x.Status), x.CreatedAt, x.UpdatedAt, toReadiness(rd), nil}
}

func toAssessmentResult(r *bulkhead.AssessmentResult) *assessmentResultJSON {
	if r == nil {
		return nil
	}
	return &assessmentResultJSON{string(r.Status), r.Notes, r.Justification, r.Controls, string(r.InferredStatus), r.InferredFrom, r.UpdatedAt}
}

// ---- handlers

func (s *Server) listLibraries(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	libs, err := s.svc.Libraries(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := make([]libraryJSON, len(libs))
	for i, l := range libs {
		out[i] = toLibrary(l)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) getLibrary(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	d, err := s.svc.Library(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	type nodeJSON struct {
		requirementNodeJSON
		Counterparts []counterpartJSON `json:"harmonized_counterparts,omitempty"`
	}
	out := struct {
		libraryJSON
		Nodes []nodeJSON `json:"requirements"`
	}{toLibrary(d.Library), []nodeJSON{}}
	if fw := d.Parsed.Objects.Framework; fw != nil {
		cs, err := s.svc.HarmonizedCounterparts(r.Context(), au.Actor, fw.URN)
		if err != nil {
			return err
		}
		for i := range fw.RequirementNodes {
			n := &fw.RequirementNodes[i]
			out.Nodes = append(out.Nodes, nodeJSON{toRequirementNode(n), toCounterparts(cs[n.URN])})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// readLibraryUpload reads a raw request body of at most limit bytes.
func readLibraryUpload(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &bulkhead.Error{Code: codeTooLarge, Message: fmt.Sprintf("The file is larger than %d bytes.", limit)}
		}
		return nil, &bulkhead.Error{Code: codeBadRequest, Message: "The body could not be read."}
	}
	return data, nil
}

func libraryDryRun(r *http.Request) bool {
	v := r.URL.Query().Get("dry_run")
	return v == "1" || v == "true"
}

func libraryUploadName(r *http.Request, def string) string {
	if n := strings.TrimSpace(r.URL.Query().Get("file")); n != "" && len(n) <= 200 {
		return n
	}
	return def
}

func (s *Server) importLibrary(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	data, err := readLibraryUpload(w, r, catalog.MaxFileSize+1)
	if err != nil {
		return err
	}
	file := libraryUploadName(r, "upload")
	if libraryDryRun(r) {
		p, err := s.svc.PreviewLibraryImport(r.Context(), au.Actor, file, data)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toLibraryPreview(p))
		return nil
	}
	l, err := s.svc.ImportLibrary(r.Context(), au.Actor, file, data)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/libraries/"+l.ID)
	writeJSON(w, http.StatusCreated, toLibrary(l))
	return nil
}

func (s *Server) importSheet(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	data, err := readLibraryUpload(w, r, catalog.MaxFileSize+1)
	if err != nil {
		return err
	}
	mode := r.URL.Query().Get("mode")
	if mode != "" && mode != "complete" && mode != "replace" {
		return bulkhead.Invalid(map[string]string{"mode": bulkhead.FieldChoice})
	}
	in := service.SpreadsheetImport{LibraryID: r.PathValue("id"), Replace: mode == "replace", File: libraryUploadName(r, "sheet.csv"), Data: data}
	if libraryDryRun(r) {
		p, err := s.svc.PreviewSpreadsheetImport(r.Context(), au.Actor, in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toLibraryPreview(p))
		return nil
	}
	l, err := s.svc.ImportSpreadsheet(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/libraries/"+l.ID)
	writeJSON(w, http.StatusCreated, toLibrary(l))
	return nil
}

func (s *Server) exportLibrary(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	id := r.PathValue("id")
	switch f := r.URL.Query().Get("format"); f {
	case "", "ciso-assistant":
		l, data, err := s.svc.ExportLibrary(r.Context(), au.Actor, id)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+libraryFileName(l.RefID)+`.yaml"`)
		w.Write(data)
	case "oscal":
		l, data, err := s.svc.ExportLibraryOSCAL(r.Context(), au.Actor, id)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+libraryFileName(l.RefID)+`.oscal.json"`)
		w.Write(data)
	default:
		return bulkhead.Invalid(map[string]string{"format": bulkhead.FieldChoice})
	}
	return nil
}

// libraryFileName keeps letters, digits, dot, dash and underscore of a file name.
func libraryFileName(s string) string {
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

func (s *Server) listAssessments(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	xs, err := s.svc.Assessments(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := make([]assessmentJSON, len(xs))
	for i, x := range xs {
		out[i] = toAssessment(x.Assessment, x.Library, x.Readiness)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) createAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in service.AssessmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := s.svc.CreateAssessment(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	return s.writeAssessment(w, r, au, x.ID, http.StatusCreated)
}

func (s *Server) writeAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated, id string, status int) error {
	v, err := s.svc.Assessment(r.Context(), au.Actor, id)
	if err != nil {
		return err
	}
	out := toAssessment(v.Assessment, v.Library.Library, v.Readiness)
	cs, err := s.svc.HarmonizedCounterparts(r.Context(), au.Actor, v.Framework.URN)
	if err != nil {
		return err
	}
	for _, row := range v.Rows {
		if !row.InScope {
			continue
		}
		rj := assessmentRowJSON{requirementNodeJSON: toRequirementNode(row.Node), Counterparts: toCounterparts(cs[row.Node.URN]), Result: toAssessmentResult(row.Result)}
		for _, e := range row.Evidence {
			rj.Evidence = append(rj.Evidence, toAssessmentEvidence(e))
		}
		for _, c := range row.Actions {
			rj.Actions = append(rj.Actions, toComplianceAction(c))
		}
		out.Rows = append(out.Rows, rj)
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/assessments/"+id)
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) getAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	return s.writeAssessment(w, r, au, r.PathValue("id"), http.StatusOK)
}

func (s *Server) updateAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in service.AssessmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.LibraryID != nil {
		return bulkhead.Invalid(map[string]string{"library_id": bulkhead.FieldInvalid})
	}
	if _, err := s.svc.UpdateAssessment(r.Context(), au.Actor, r.PathValue("id"), in); err != nil {
		return err
	}
	return s.writeAssessment(w, r, au, r.PathValue("id"), http.StatusOK)
}

type answerBody struct {
	NodeURN string `json:"node_urn"`
	service.AnswerInput
}

func (s *Server) answerRequirement(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in answerBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.NodeURN == "" {
		return bulkhead.Invalid(map[string]string{"node_urn": bulkhead.FieldRequired})
	}
	res, err := s.svc.AnswerRequirement(r.Context(), au.Actor, r.PathValue("id"), in.NodeURN, in.AnswerInput)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAssessmentResult(res))
	return nil
}

func (s *Server) getSoA(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	v, rows, err := s.svc.StatementOfApplicability(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="soa-`+libraryFileName(v.ID)+`.csv"`)
		if err := service.WriteSoACSV(w, rows); err != nil {
			s.log.Error("SoA export failed", "err", err)
		}
		return nil
	case "", "json":
	default:
		return bulkhead.Invalid(map[string]string{"format": bulkhead.FieldChoice})
	}
	type soaRow struct {
		RefID         string `json:"ref_id"`
		Title         string `json:"title"`
		Applicable    bool   `json:"applicable"`
		Justification string `json:"justification"`
		Controls      string `json:"controls"`
		Status        string `json:"status"`
	}
	out := make([]soaRow, len(rows))
	for i, x := range rows {
		out[i] = soaRow{x.RefID, x.Name, x.Applicable, x.Justification, x.Controls, string(x.Status)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) exportAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	kinds := map[string]string{"oscal-ar": "assessment-results", "oscal-poam": "poam"}
	kind, ok := kinds[r.URL.Query().Get("format")]
	if !ok {
		return bulkhead.Invalid(map[string]string{"format": bulkhead.FieldChoice})
	}
	data, err := s.svc.ExportAssessmentOSCAL(r.Context(), au.Actor, r.PathValue("id"), kind)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+kind+`-`+libraryFileName(r.PathValue("id"))+`.json"`)
	w.Write(data)
	return nil
}

// addAssessmentEvidence takes a link as JSON ({node_urn, name, url, valid_until}) or
// a file as the raw body with node_urn, name and valid_until (YYYY-MM-DD)
// in the query.
func (s *Server) addAssessmentEvidence(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in service.AssessmentEvidenceInput
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		if err := decode(w, r, &in); err != nil {
			return err
		}
		in.Content = nil
	} else {
		data, err := readLibraryUpload(w, r, service.MaxEvidenceSize+1)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		in = service.AssessmentEvidenceInput{NodeURN: q.Get("node_urn"), Name: q.Get("name"), ContentType: mt, Content: data}
		if v := q.Get("valid_until"); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return bulkhead.Invalid(map[string]string{"valid_until": bulkhead.FieldInvalid})
			}
			in.ValidUntil = &t
		}
	}
	e, err := s.svc.AddEvidence(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAssessmentEvidence(e))
	return nil
}

func (s *Server) getAssessmentEvidence(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	e, err := s.svc.EvidenceFile(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if e.URL != "" {
		writeJSON(w, http.StatusOK, toAssessmentEvidence(e))
		return nil
	}
	// Served as a download, never rendered in the API's origin.
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+libraryFileName(e.Name)+`"`)
	w.Header().Set("Digest", "sha-256="+e.SHA256)
	http.ServeContent(w, r, "", e.CreatedAt, bytes.NewReader(e.Content))
	return nil
}

func (s *Server) deleteAssessmentEvidence(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if err := s.svc.DeleteEvidence(r.Context(), au.Actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) createComplianceAction(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in service.ComplianceActionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.CreateComplianceAction(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toComplianceAction(c))
	return nil
}

func (s *Server) updateComplianceAction(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in service.ComplianceActionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.NodeURN != nil {
		return bulkhead.Invalid(map[string]string{"node_urn": bulkhead.FieldInvalid})
	}
	c, err := s.svc.UpdateComplianceAction(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toComplianceAction(c))
	return nil
}
