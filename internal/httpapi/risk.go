package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// riskRoutes are the API routes of security risk assessment and treatment (issue 4).
func riskRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/risk/threats", handler: (*Server).listThreats},
		{Method: "POST", Path: "/api/v1/risk/threats", handler: (*Server).createThreat},
		{Method: "POST", Path: "/api/v1/risk/threats/import", handler: (*Server).importThreats},
		{Method: "GET", Path: "/api/v1/risk/threats/{id}", handler: (*Server).getThreat},
		{Method: "PATCH", Path: "/api/v1/risk/threats/{id}", handler: (*Server).updateThreat},
		{Method: "GET", Path: "/api/v1/risk/matrices", handler: (*Server).listMatrices},
		{Method: "POST", Path: "/api/v1/risk/matrices/import", handler: (*Server).importMatrices},
		{Method: "GET", Path: "/api/v1/risk/settings", handler: (*Server).getRiskSettings},
		{Method: "PUT", Path: "/api/v1/risk/settings", handler: (*Server).putRiskSettings},
		{Method: "GET", Path: "/api/v1/risk/assessments", handler: (*Server).listRiskAssessments},
		{Method: "POST", Path: "/api/v1/risk/assessments", handler: (*Server).createRiskAssessment},
		{Method: "GET", Path: "/api/v1/risk/assessments/{id}", handler: (*Server).getRiskAssessment},
		{Method: "PATCH", Path: "/api/v1/risk/assessments/{id}", handler: (*Server).updateRiskAssessment},
		{Method: "POST", Path: "/api/v1/risk/assessments/{id}/status", handler: (*Server).setRiskAssessmentStatus},
		{Method: "GET", Path: "/api/v1/risk/scenarios", handler: (*Server).listScenarios},
		{Method: "POST", Path: "/api/v1/risk/scenarios", handler: (*Server).createScenario},
		{Method: "GET", Path: "/api/v1/risk/scenarios/export", handler: (*Server).exportScenarios},
		{Method: "GET", Path: "/api/v1/risk/scenarios/{id}", handler: (*Server).getScenario},
		{Method: "PATCH", Path: "/api/v1/risk/scenarios/{id}", handler: (*Server).updateScenario},
		{Method: "POST", Path: "/api/v1/risk/scenarios/{id}/accept", handler: (*Server).acceptRisk},
		{Method: "POST", Path: "/api/v1/risk/scenarios/{id}/simulate", handler: (*Server).simulateScenario},
		{Method: "GET", Path: "/api/v1/risk/scenarios/{id}/runs", handler: (*Server).listScenarioRuns},
		{Method: "POST", Path: "/api/v1/risk/portfolio/simulate", handler: (*Server).simulatePortfolio},
		{Method: "GET", Path: "/api/v1/risk/runs/{id}", handler: (*Server).getRun},
		{Method: "GET", Path: "/api/v1/risk/controls", handler: (*Server).listControls},
		{Method: "POST", Path: "/api/v1/risk/controls", handler: (*Server).createControl},
		{Method: "GET", Path: "/api/v1/risk/controls/{id}", handler: (*Server).getControl},
		{Method: "PATCH", Path: "/api/v1/risk/controls/{id}", handler: (*Server).updateControl},
		{Method: "GET", Path: "/api/v1/risk/treatments", handler: (*Server).listTreatments},
		{Method: "POST", Path: "/api/v1/risk/treatments", handler: (*Server).createTreatment},
		{Method: "GET", Path: "/api/v1/risk/treatments/{id}", handler: (*Server).getTreatment},
		{Method: "PATCH", Path: "/api/v1/risk/treatments/{id}", handler: (*Server).updateTreatment},
	}
}

// ---- representations

type riskThreatJSON struct {
	ID          string    `json:"id"`
	Ref         string    `json:"ref"`
	Name        string    `json:"name"`
	Family      string    `json:"family"`
	Description string    `json:"description"`
	URN         string    `json:"urn"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toRiskThreat(t *bulkhead.Threat) riskThreatJSON {
	return riskThreatJSON{t.ID, t.Ref, t.Name, string(t.Family), t.Description, t.URN, t.CreatedAt, t.UpdatedAt}
}

func riskDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

type riskAssessmentJSON struct {
	ID         string               `json:"id"`
	Title      string               `json:"title"`
	Scope      string               `json:"scope"`
	SiteID     string               `json:"site_id"`
	Method     string               `json:"method"`
	Matrix     *bulkhead.RiskMatrix `json:"matrix"`
	AssessorID string               `json:"assessor_id"`
	Date       string               `json:"date"`
	Status     string               `json:"status"`
	NextReview *string              `json:"next_review"`
	ApprovedBy string               `json:"approved_by"`
	ApprovedAt *time.Time           `json:"approved_at"`
	CreatedAt  time.Time            `json:"created_at"`
	UpdatedAt  time.Time            `json:"updated_at"`
}

func toRiskAssessment(a *bulkhead.RiskAssessment) riskAssessmentJSON {
	return riskAssessmentJSON{a.ID, a.Title, a.Scope, a.SiteID, string(a.Method), a.Matrix, a.AssessorID, a.Date.Format(time.DateOnly), string(a.Status),
		riskDate(a.NextReview), a.ApprovedBy, a.ApprovedAt, a.CreatedAt, a.UpdatedAt}
}

type riskRatingJSON struct {
	Likelihood  int `json:"likelihood"`
	Consequence int `json:"consequence"`
	Level       int `json:"level"` // 0-based level of the assessment's matrix; -1 not rated
}

type riskScenarioJSON struct {
	ID               string                 `json:"id"`
	AssessmentID     string                 `json:"assessment_id"`
	ThreatID         string                 `json:"threat_id"`
	TargetType       string                 `json:"target_type"`
	TargetID         string                 `json:"target_id"`
	Title            string                 `json:"title"`
	Vulnerability    string                 `json:"vulnerability"`
	ExistingControls string                 `json:"existing_controls"`
	Inherent         riskRatingJSON         `json:"inherent"`
	Current          riskRatingJSON         `json:"current"`
	Residual         riskRatingJSON         `json:"residual"`
	OwnerID          string                 `json:"owner_id"`
	Treatment        string                 `json:"treatment"`
	Rationale        string                 `json:"rationale"`
	TVC              *bulkhead.TVCScores    `json:"tvc"`
	Carver           *bulkhead.CarverScores `json:"carver"`
	FAIR             json.RawMessage        `json:"fair"`
	CreatedAt        time.Time              `json:"created_at"`
	UpdatedAt        time.Time              `json:"updated_at"`
	// Register rows only.
	ThreatName   string  `json:"threat_name,omitempty"`
	ThreatFamily string  `json:"threat_family,omitempty"`
	SiteName     string  `json:"site_name,omitempty"`
	Assessment   string  `json:"assessment_title,omitempty"`
	NextReview   *string `json:"next_review,omitempty"`
}

func toRiskScenario(x *bulkhead.Scenario) riskScenarioJSON {
	fairIn := x.FAIR
	if fairIn == nil {
		fairIn = json.RawMessage("null")
	}
	return riskScenarioJSON{ID: x.ID, AssessmentID: x.AssessmentID, ThreatID: x.ThreatID, TargetType: string(x.TargetType), TargetID: x.TargetID,
		Title: x.Title, Vulnerability: x.Vulnerability, ExistingControls: x.ExistingControls,
		Inherent: riskRatingJSON{x.Inherent.Likelihood, x.Inherent.Consequence, x.InherentLevel},
		Current:  riskRatingJSON{x.Current.Likelihood, x.Current.Consequence, x.CurrentLevel},
		Residual: riskRatingJSON{x.Residual.Likelihood, x.Residual.Consequence, x.ResidualLevel},
		OwnerID:  x.OwnerID, Treatment: string(x.Treatment), Rationale: x.Rationale, TVC: x.TVC, Carver: x.Carver, FAIR: fairIn,
		CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt}
}

type riskControlJSON struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Category      string    `json:"category"`
	OwnerID       string    `json:"owner_id"`
	Status        string    `json:"status"`
	SiteIDs       []string  `json:"site_ids"`
	Evidence      []string  `json:"evidence"`
	Effectiveness int       `json:"effectiveness"`
	Description   string    `json:"description"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func riskStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func toRiskControl(c *bulkhead.Control) riskControlJSON {
	return riskControlJSON{c.ID, c.Name, string(c.Category), c.OwnerID, string(c.Status), riskStrings(c.SiteIDs), riskStrings(c.Evidence), c.Effectiveness, c.Description, c.CreatedAt, c.UpdatedAt}
}

type riskTreatmentJSON struct {
	ID         string    `json:"id"`
	ScenarioID string    `json:"scenario_id"`
	ControlID  string    `json:"control_id"`
	Title      string    `json:"title"`
	OwnerID    string    `json:"owner_id"`
	Due        *string   `json:"due"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func toRiskTreatment(t *bulkhead.TreatmentAction) riskTreatmentJSON {
	return riskTreatmentJSON{t.ID, t.ScenarioID, t.ControlID, t.Title, t.OwnerID, riskDate(t.Due), string(t.Status), t.CreatedAt, t.UpdatedAt}
}

type riskAcceptanceJSON struct {
	ID         string    `json:"id"`
	ScenarioID string    `json:"scenario_id"`
	AcceptedBy string    `json:"accepted_by"`
	Role       string    `json:"role"`
	Level      int       `json:"level"`
	Rationale  string    `json:"rationale"`
	Expires    string    `json:"expires"`
	CreatedAt  time.Time `json:"created_at"`
}

type riskRunJSON struct {
	ID         string          `json:"id"`
	ScenarioID string          `json:"scenario_id"`
	Iterations int             `json:"iterations"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	Input      json.RawMessage `json:"input"`
	Output     json.RawMessage `json:"output"`
}

func toRiskRun(r *bulkhead.SimulationRun) riskRunJSON {
	return riskRunJSON{r.ID, r.ScenarioID, r.Iterations, r.CreatedBy, r.CreatedAt, r.Input, r.Output}
}

func riskItems[T, U any](xs []T, f func(T) U) map[string]any {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return map[string]any{"items": out}
}

// ---- threats and matrices

func (s *Server) listThreats(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	ts, err := s.svc.Threats(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, riskItems(ts, toRiskThreat))
	return nil
}

func (s *Server) createThreat(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ThreatInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CreateThreat(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk/threats/"+t.ID)
	writeJSON(w, http.StatusCreated, toRiskThreat(t))
	return nil
}

func (s *Server) getThreat(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	t, err := s.svc.Threat(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskThreat(t))
	return nil
}

func (s *Server) updateThreat(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ThreatInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.UpdateThreat(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskThreat(t))
	return nil
}

// readYAML reads a CISO Assistant library body (application/yaml or
// text/yaml).
func riskReadYAML(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch strings.TrimSpace(ct) {
	case "application/yaml", "application/x-yaml", "text/yaml":
	default:
		return nil, &bulkhead.Error{Code: codeUnsupported, Message: "Send the library as application/yaml."}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &bulkhead.Error{Code: codeTooLarge, Message: "The library is larger than 4 MiB."}
		}
		return nil, &bulkhead.Error{Code: codeBadRequest, Message: "The body could not be read."}
	}
	return b, nil
}

func (s *Server) importThreats(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "family")
	if err != nil {
		return err
	}
	body, err := riskReadYAML(w, r)
	if err != nil {
		return err
	}
	n, err := s.svc.ImportThreats(r.Context(), au.Actor, body, bulkhead.ThreatFamily(q.str("family")))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"imported": n})
	return nil
}

func (s *Server) listMatrices(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	ms, err := s.svc.RiskMatrices(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ms})
	return nil
}

func (s *Server) importMatrices(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	body, err := riskReadYAML(w, r)
	if err != nil {
		return err
	}
	ms, err := s.svc.ImportRiskMatrices(r.Context(), au.Actor, body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"items": ms})
	return nil
}

type riskSettingsJSON struct {
	Appetite *int    `json:"appetite"`
	MatrixID *string `json:"matrix_id"`
}

func (s *Server) getRiskSettings(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	st, err := s.svc.RiskSettings(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, riskSettingsJSON{&st.Appetite, &st.MatrixID})
	return nil
}

func (s *Server) putRiskSettings(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in riskSettingsJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := map[string]string{}
	if in.Appetite == nil {
		f["appetite"] = bulkhead.FieldRequired
	}
	if in.MatrixID == nil {
		f["matrix_id"] = bulkhead.FieldRequired
	}
	if len(f) > 0 {
		return bulkhead.Invalid(f)
	}
	st, err := s.svc.UpdateRiskSettings(r.Context(), au.Actor, *in.Appetite, *in.MatrixID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, riskSettingsJSON{&st.Appetite, &st.MatrixID})
	return nil
}

// ---- assessments

func (s *Server) listRiskAssessments(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	as, err := s.svc.RiskAssessments(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, riskItems(as, toRiskAssessment))
	return nil
}

func (s *Server) createRiskAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.RiskAssessmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.CreateRiskAssessment(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk/assessments/"+a.ID)
	writeJSON(w, http.StatusCreated, toRiskAssessment(a))
	return nil
}

func (s *Server) getRiskAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	a, err := s.svc.RiskAssessment(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskAssessment(a))
	return nil
}

func (s *Server) updateRiskAssessment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.RiskAssessmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Matrix != nil {
		return bulkhead.Invalid(map[string]string{"matrix": bulkhead.FieldUnknown})
	}
	a, err := s.svc.UpdateRiskAssessment(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskAssessment(a))
	return nil
}

func (s *Server) setRiskAssessmentStatus(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.SetRiskAssessmentStatus(r.Context(), au.Actor, r.PathValue("id"), bulkhead.RiskAssessmentStatus(in.Status))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskAssessment(a))
	return nil
}

// ---- scenarios

// riskScenarioFilter reads the register's filter parameters.
func riskScenarioFilter(q *query) bulkhead.ScenarioFilter {
	f := bulkhead.ScenarioFilter{AssessmentID: q.str("assessment_id"), SiteID: q.str("site_id"), Family: bulkhead.ThreatFamily(q.str("family")),
		OwnerID: q.str("owner_id"), Query: q.str("q")}
	if q.str("level") != "" {
		f.HasLevel, f.Level = true, q.int("level", 0)
	}
	switch q.str("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		q.fields["overdue"] = bulkhead.FieldInvalid
	}
	sort := q.str("sort")
	if d, ok := strings.CutPrefix(sort, "-"); ok {
		f.Desc, sort = true, d
	}
	f.Sort = bulkhead.ScenarioSort(sort)
	return f
}

var riskScenarioParams = []string{"assessment_id", "site_id", "family", "owner_id", "q", "level", "overdue", "sort"}

func (s *Server) listScenarios(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, append(riskScenarioParams, "limit", "offset")...)
	if err != nil {
		return err
	}
	f := riskScenarioFilter(q)
	f.Limit = q.int("limit", bulkhead.DefaultPageSize)
	f.Offset = q.int("offset", 0)
	if err := q.err(); err != nil {
		return err
	}
	rows, total, err := s.svc.Scenarios(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = bulkhead.DefaultPageSize
	}
	out := listJSON[riskScenarioJSON]{Items: make([]riskScenarioJSON, len(rows)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i, x := range rows {
		j := toRiskScenario(&x.Scenario)
		j.ThreatName, j.ThreatFamily, j.SiteName, j.Assessment, j.NextReview = x.ThreatName, string(x.ThreatFamily), x.SiteName, x.AssessmentTitle, riskDate(x.NextReview)
		out.Items[i] = j
	}
	if next := f.Offset + len(rows); next < total {
		out.NextOffset = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) exportScenarios(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, append(riskScenarioParams, "format")...)
	if err != nil {
		return err
	}
	f := riskScenarioFilter(q)
	format := q.str("format")
	if format == "" {
		format = "csv"
	}
	if err := q.err(); err != nil {
		return err
	}
	if format != "csv" && format != "xlsx" {
		return &bulkhead.Error{Code: codeBadRequest, Message: "format is csv or xlsx.", Fields: map[string]string{"format": bulkhead.FieldChoice}}
	}
	probe := f
	probe.Limit = 1
	if _, _, err := s.svc.Scenarios(r.Context(), au.Actor, probe); err != nil {
		return err
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="risk-register.`+format+`"`)
	if err := s.svc.ExportRisks(r.Context(), au.Actor, f, format, w); err != nil {
		s.log.Error("risk export failed", "err", err)
	}
	return nil
}

func (s *Server) createScenario(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ScenarioInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := s.svc.CreateScenario(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk/scenarios/"+x.ID)
	writeJSON(w, http.StatusCreated, toRiskScenario(x))
	return nil
}

func (s *Server) getScenario(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	x, err := s.svc.Scenario(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskScenario(x))
	return nil
}

func (s *Server) updateScenario(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ScenarioInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.AssessmentID != nil {
		return bulkhead.Invalid(map[string]string{"assessment_id": bulkhead.FieldUnknown})
	}
	x, err := s.svc.UpdateScenario(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskScenario(x))
	return nil
}

func (s *Server) acceptRisk(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.AcceptanceInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.AcceptRisk(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, riskAcceptanceJSON{a.ID, a.ScenarioID, a.AcceptedBy, string(a.Role), a.Level, a.Rationale, a.ExpiresAt.Format(time.DateOnly), a.CreatedAt})
	return nil
}

// riskRunInput is the body of a simulate request.
type riskRunInput struct {
	Iterations *int              `json:"iterations"`
	Seed       *uint64           `json:"seed"`
	WhatIf     []json.RawMessage `json:"what_if"` // scenario runs only
}

func (in riskRunInput) values() (int, uint64) {
	n, seed := 10_000, uint64(0)
	if in.Iterations != nil {
		n = *in.Iterations
	}
	if in.Seed != nil {
		seed = *in.Seed
	}
	return n, seed
}

func (s *Server) simulateScenario(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in riskRunInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, seed := in.values()
	var run *bulkhead.SimulationRun
	var err error
	if len(in.WhatIf) > 0 {
		run, err = s.svc.SimulateWhatIf(r.Context(), au.Actor, r.PathValue("id"), n, seed, in.WhatIf)
	} else {
		run, err = s.svc.SimulateScenario(r.Context(), au.Actor, r.PathValue("id"), n, seed)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk/runs/"+run.ID)
	writeJSON(w, http.StatusCreated, toRiskRun(run))
	return nil
}

func (s *Server) simulatePortfolio(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in riskRunInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if len(in.WhatIf) > 0 {
		return bulkhead.Invalid(map[string]string{"what_if": bulkhead.FieldUnknown})
	}
	n, seed := in.values()
	run, err := s.svc.SimulatePortfolio(r.Context(), au.Actor, n, seed)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk/runs/"+run.ID)
	writeJSON(w, http.StatusCreated, toRiskRun(run))
	return nil
}

func (s *Server) listScenarioRuns(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if _, err := s.svc.Scenario(r.Context(), au.Actor, r.PathValue("id")); err != nil {
		return err
	}
	runs, err := s.svc.SimulationRuns(r.Context(), au.Actor, r.PathValue("id"), 20)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, riskItems(runs, toRiskRun))
	return nil
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	run, err := s.svc.SimulationRun(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskRun(run))
	return nil
}

// ---- controls and treatment actions

func (s *Server) listControls(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	cs, err := s.svc.Controls(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, riskItems(cs, toRiskControl))
	return nil
}

func (s *Server) createControl(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ControlInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.CreateControl(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk/controls/"+c.ID)
	writeJSON(w, http.StatusCreated, toRiskControl(c))
	return nil
}

func (s *Server) getControl(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	c, err := s.svc.Control(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskControl(c))
	return nil
}

func (s *Server) updateControl(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ControlInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.UpdateControl(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskControl(c))
	return nil
}

func (s *Server) listTreatments(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "scenario_id", "control_id", "open")
	if err != nil {
		return err
	}
	f := bulkhead.TreatmentFilter{ScenarioID: q.str("scenario_id"), ControlID: q.str("control_id"), OpenOnly: q.bool("open")}
	if err := q.err(); err != nil {
		return err
	}
	ts, err := s.svc.TreatmentActions(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, riskItems(ts, toRiskTreatment))
	return nil
}

func (s *Server) createTreatment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.TreatmentActionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CreateTreatmentAction(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk/treatments/"+t.ID)
	writeJSON(w, http.StatusCreated, toRiskTreatment(t))
	return nil
}

func (s *Server) getTreatment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	t, err := s.svc.TreatmentAction(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskTreatment(t))
	return nil
}

func (s *Server) updateTreatment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.TreatmentActionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.ScenarioID != nil {
		return bulkhead.Invalid(map[string]string{"scenario_id": bulkhead.FieldUnknown})
	}
	t, err := s.svc.UpdateTreatmentAction(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRiskTreatment(t))
	return nil
}
