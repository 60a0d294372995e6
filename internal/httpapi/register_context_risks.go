package httpapi

import (
	"net/http"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// contextRiskRoutes are the routes of the risks linked to context issues,
// from both sides.
func contextRiskRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/context-issues/{id}/risks", handler: (*Server).contextIssueRisks},
		{Method: "POST", Path: "/api/v1/context-issues/{id}/risks", handler: (*Server).linkContextIssueRisk},
		{Method: "DELETE", Path: "/api/v1/context-issues/{id}/risks/{riskID}", handler: (*Server).unlinkContextIssueRisk},
		{Method: "GET", Path: "/api/v1/risk/scenarios/{id}/context-issues", handler: (*Server).riskContextIssues},
	}
}

// linkedRiskJSON is a risk scenario linked to a context issue; its ratings
// take the risk register's shape.
type linkedRiskJSON struct {
	RiskID            string         `json:"risk_id"`
	Title             string         `json:"title"`
	AssessmentID      string         `json:"assessment_id"`
	AssessmentTitle   string         `json:"assessment_title"`
	AssessmentStatus  string         `json:"assessment_status"`
	Current           riskRatingJSON `json:"current"`
	CurrentLevelName  string         `json:"current_level_name"`
	ResidualLevel     int            `json:"residual_level"` // -1 not rated
	ResidualLevelName string         `json:"residual_level_name"`
	Treatment         string         `json:"treatment"`
	LinkedAt          time.Time      `json:"linked_at"`
}

// linkedIssueJSON is a context issue linked to a risk scenario.
type linkedIssueJSON struct {
	IssueID    string     `json:"issue_id"`
	Title      string     `json:"title"`
	Origin     string     `json:"origin"`
	Category   string     `json:"category"`
	ReviewDate string     `json:"review_date"`
	ArchivedAt *time.Time `json:"archived_at"`
	LinkedAt   time.Time  `json:"linked_at"`
}

func toLinkedRisk(r *bulkhead.LinkedRisk) linkedRiskJSON {
	return linkedRiskJSON{RiskID: r.RiskID, Title: r.Title, AssessmentID: r.AssessmentID, AssessmentTitle: r.AssessmentTitle,
		AssessmentStatus: string(r.AssessmentStatus), Current: riskRatingJSON{r.Current.Likelihood, r.Current.Consequence, r.CurrentLevel},
		CurrentLevelName: r.CurrentLevelName, ResidualLevel: r.ResidualLevel, ResidualLevelName: r.ResidualLevelName, Treatment: string(r.Treatment), LinkedAt: r.LinkedAt}
}

func (s *Server) writeIssueRisks(w http.ResponseWriter, r *http.Request, au *service.Authenticated, status int) error {
	risks, err := s.svc.ContextIssueRisks(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Items []linkedRiskJSON `json:"items"`
	}{Items: make([]linkedRiskJSON, len(risks))}
	for i, x := range risks {
		out.Items[i] = toLinkedRisk(x)
	}
	writeJSON(w, status, out)
	return nil
}

// contextIssueRisks lists the risks linked to a context issue.
func (s *Server) contextIssueRisks(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	return s.writeIssueRisks(w, r, au, http.StatusOK)
}

// linkContextIssueRisk links a risk scenario ({"risk_id": …}) and answers
// with the issue's linked risks.
func (s *Server) linkContextIssueRisk(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ContextIssueRiskInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.LinkContextIssueRisk(r.Context(), au.Actor, r.PathValue("id"), in); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/context-issues/"+r.PathValue("id")+"/risks")
	return s.writeIssueRisks(w, r, au, http.StatusCreated)
}

// unlinkContextIssueRisk removes a link.
func (s *Server) unlinkContextIssueRisk(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if err := s.svc.UnlinkContextIssueRisk(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("riskID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// riskContextIssues lists the context issues a risk scenario is linked to.
func (s *Server) riskContextIssues(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	issues, err := s.svc.RiskContextIssues(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Items []linkedIssueJSON `json:"items"`
	}{Items: make([]linkedIssueJSON, len(issues))}
	for i, x := range issues {
		out.Items[i] = linkedIssueJSON{x.IssueID, x.Title, string(x.Origin), string(x.Category), string(x.ReviewDate), x.ArchivedAt, x.LinkedAt}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
