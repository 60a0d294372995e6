package web

import (
	"context"
	"net/http"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Risks linked to context issues: the section of a context issue's page
// that lists them, links one and unlinks one, and the list of context
// issues on a risk scenario's page.

// contextRiskRoutes adds the link and unlink forms' targets.
func (s *server) contextRiskRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /context-issues/{id}/risks", s.auth(s.linkIssueRisk))
	mux.HandleFunc("POST /context-issues/{id}/risks/{riskID}/unlink", s.auth(s.unlinkIssueRisk))
}

// sectionForm is a small form inside a detail page's section.
type sectionForm struct {
	Action string
	Field  *formField
	Submit string
}

// riskLinkErrs carries, in a request's context, the field errors of a
// refused link, so that the re-shown page marks the form's select.
type riskLinkErrs struct{}

// issueRisksSection is the linked risks of a context issue: each with its
// current and residual level and its status, an unlink button, and a form
// to link one of the organisation's other scenarios.
func (s *server) issueRisksSection(c *call, x *bulkhead.ContextIssue) (section, error) {
	sec := section{ID: "risks", Title: c.T("reg.issues.risks"), Empty: c.T("reg.issues.risks_empty"),
		Columns: []string{c.T("reg.issues.risk"), c.T("reg.issues.risk_assessment"), c.T("reg.issues.risk_current"), c.T("reg.issues.risk_residual"), c.T("field.status")}}
	if !c.can(service.ActRiskRead) {
		sec.Note = c.T("reg.issues.risks_hidden")
		return sec, nil
	}
	ctx := c.r.Context()
	risks, err := s.svc.ContextIssueRisks(ctx, c.actor(), x.ID)
	if err != nil {
		return sec, err
	}
	canLink := c.can(service.ActIssueWrite) && x.ArchivedAt == nil
	linked := map[string]bool{}
	for _, r := range risks {
		linked[r.RiskID] = true
		row := sectionRow{Cells: []cell{
			{Text: r.Title, Href: "/risk/scenarios/" + r.RiskID},
			{Text: r.AssessmentTitle, Href: "/risk/assessments/" + r.AssessmentID},
			levelCell(c, r.CurrentLevelName, r.Current),
			levelCell(c, r.ResidualLevelName, bulkhead.Rating{}),
			{Text: c.T("reg.issues.risk_status", c.riskStatus(r.AssessmentStatus), c.label(riskTreatKey(r.Treatment), string(r.Treatment)))},
		}}
		if canLink {
			row.UnlinkHref, row.UnlinkLabel = "/context-issues/"+x.ID+"/risks/"+r.RiskID+"/unlink", c.T("reg.issues.unlink")
		}
		sec.Rows = append(sec.Rows, row)
	}
	if !canLink {
		return sec, nil
	}
	all, err := s.svc.LinkableRisks(ctx, c.actor())
	if err != nil {
		return sec, err
	}
	errs, _ := ctx.Value(riskLinkErrs{}).(map[string]string)
	chosen := ""
	if errs != nil {
		chosen = c.r.PostForm.Get("risk_id")
	}
	opts := []selectOption{{Value: "", Label: c.T("reg.issues.choose_risk")}}
	for _, r := range all {
		if !linked[r.ID] {
			opts = append(opts, selectOption{Value: r.ID, Label: r.Title + " · " + r.AssessmentTitle, Selected: r.ID == chosen})
		}
	}
	if len(opts) == 1 {
		sec.LinkNote = c.T("reg.issues.no_risks_to_link")
		return sec, nil
	}
	f := newForm()
	f.idPrefix = "risk-"
	fl := f.add(&formField{Name: "risk_id", Label: c.T("reg.issues.link_label"), Kind: "select", Options: opts, Required: true})
	if errs != nil {
		f.setErrors(c, errs)
	}
	sec.LinkForm = &sectionForm{Action: "/context-issues/" + x.ID + "/risks", Field: fl, Submit: c.T("reg.issues.link")}
	return sec, nil
}

// levelCell shows a matrix level's name, with the rating when there is one.
func levelCell(c *call, name string, r bulkhead.Rating) cell {
	switch {
	case name == "":
		return cell{Text: c.T("reg.issues.not_rated"), Class: "muted"}
	case r.Rated():
		return cell{Text: c.T("reg.issues.level_rating", name, r.Likelihood, r.Consequence), Class: "nowrap"}
	}
	return cell{Text: name, Class: "nowrap"}
}

// linkIssueRisk links the chosen risk scenario to a context issue (POST
// /context-issues/{id}/risks). A refusal re-shows the issue with the
// problem marked at the form and summarised at the top.
func (s *server) linkIssueRisk(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.LinkContextIssueRisk(c.r.Context(), c.actor(), id, bulkhead.ContextIssueRiskInput{RiskID: get(c.r.PostForm, "risk_id")})
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/context-issues/"+id+"#risks", "flash.issue_risk_linked")
	case bulkhead.EINVALID, bulkhead.ECONFLICT:
		codes := bulkhead.ErrorFields(err)
		if len(codes) == 0 { // an archived issue: restore it first
			return c.redirect("/context-issues/"+id, "flash.reg_archived_edit")
		}
		f := newForm()
		f.Heading = c.T("form.errors_title")
		for name, code := range codes {
			label, href := c.fieldLabel(name), ""
			if name == "risk_id" {
				label, href = c.T("reg.issues.link_label"), "#f-risk-risk_id"
			}
			f.Errors = append(f.Errors, formError{Href: href, Message: c.T("form.field_error", label, c.errMessage(code))})
		}
		c.r = c.r.WithContext(context.WithValue(c.r.Context(), riskLinkErrs{}, codes))
		return issuePage.detail(s, c, http.StatusUnprocessableEntity, f)
	}
	return err
}

// unlinkIssueRisk removes a link (POST
// /context-issues/{id}/risks/{riskID}/unlink).
func (s *server) unlinkIssueRisk(c *call) error {
	id := c.r.PathValue("id")
	err := s.svc.UnlinkContextIssueRisk(c.r.Context(), c.actor(), id, c.r.PathValue("riskID"))
	if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
		return c.redirect("/context-issues/"+id, "flash.reg_archived_edit")
	}
	if err != nil {
		return err
	}
	return c.redirect("/context-issues/"+id+"#risks", "flash.issue_risk_unlinked")
}

// riskIssueRow is a context issue on a risk scenario's page.
type riskIssueRow struct {
	Title    string
	Href     string
	Origin   string
	Category string
	Archived bool
}

// scenarioContextIssues lists the context issues linked to a scenario, for
// its page; nil when the member may not read context issues.
func (s *server) scenarioContextIssues(c *call, scenarioID string) ([]riskIssueRow, error) {
	if !c.can(service.ActIssueRead) {
		return nil, nil
	}
	issues, err := s.svc.RiskContextIssues(c.r.Context(), c.actor(), scenarioID)
	if err != nil {
		return nil, err
	}
	out := make([]riskIssueRow, 0, len(issues))
	for _, x := range issues {
		out = append(out, riskIssueRow{Title: x.Title, Href: "/context-issues/" + x.IssueID, Origin: c.enumLabel("origin", string(x.Origin)),
			Category: c.enumLabel("category", string(x.Category)), Archived: x.ArchivedAt != nil})
	}
	return out, nil
}
