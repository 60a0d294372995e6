package service

import (
	"context"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Actions of requirement libraries and compliance assessments.
const (
	ActLibraryRead      Action = "library.read"
	ActLibraryImport    Action = "library.import"
	ActAssessmentRead   Action = "assessment.read"
	ActAssessmentManage Action = "assessment.manage"
	ActAssessmentAnswer Action = "assessment.answer"
	ActAssessmentAction Action = "assessment.action"
)

// libraryGrants are the permission rows of requirement libraries and compliance assessments (issue 5).
var libraryGrants = []grant{
	{ActLibraryRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActLibraryImport, []bulkhead.Role{admin, secm}},
	{ActAssessmentRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActAssessmentManage, []bulkhead.Role{admin, secm}},
	{ActAssessmentAnswer, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActAssessmentAction, []bulkhead.Role{admin, secm, siteo}},
}

// libraryTasks returns what falls due for the actor in requirement libraries and compliance assessments (issue 5), for My tasks
// and the dashboard: overdue actions for their owners and evidence expiring
// within 30 days for whoever added it; security managers and admins see
// every one.
func (s *Service) libraryTasks(ctx context.Context, a Actor) ([]Task, error) {
	if !Can(a.Role, ActAssessmentRead) && !a.System {
		return nil, nil
	}
	manager := a.Role == bulkhead.RoleSecurityManager || a.Role == bulkhead.RoleAdmin
	now := s.now()
	var out []Task
	actions, err := s.store.ComplianceActions(ctx, a.OrgID, "")
	if err != nil {
		return nil, err
	}
	for _, c := range actions {
		if c.Status != bulkhead.GapActionOpen || c.Due == nil || !c.Due.Before(now) || (c.OwnerID != a.UserID && !manager) {
			continue
		}
		out = append(out, Task{Kind: "assessment.action", Title: c.Title, Href: "/assessments/" + c.AssessmentID + "#actions", Due: *c.Due, Overdue: true})
	}
	evidence, err := s.store.EvidenceList(ctx, a.OrgID, "")
	if err != nil {
		return nil, err
	}
	for _, e := range evidence {
		if e.ValidUntil == nil || !e.ValidUntil.Before(now.Add(EvidenceExpiryWindow)) || (e.CreatedBy != a.UserID && !manager) {
			continue
		}
		out = append(out, Task{Kind: "assessment.evidence", Title: e.Name, Href: "/assessments/" + e.AssessmentID, Due: *e.ValidUntil, Overdue: e.ValidUntil.Before(now)})
	}
	return out, nil
}

// demoLibrary adds the demo organisation's records of requirement libraries and compliance assessments (issue 5):
// an ISO 28000 gap assessment and a C-TPAT highway-carrier self-assessment,
// both partly answered, with evidence, a gap action and inferred answers,
// and the ISO 9001 harmonized-structure clauses of the integrated
// management system, pre-filled from the ISO 28000 answers.
func (s *Service) demoLibrary(ctx context.Context, d *demoOrg) error {
	secm := d.as(bulkhead.RoleSecurityManager)
	libs, err := s.Libraries(ctx, secm)
	if err != nil {
		return err
	}
	byURN := map[string]*bulkhead.Library{}
	for _, l := range libs {
		byURN[l.URN] = l
	}
	iso, ctpat := byURN["urn:bulkhead:risk:library:iso28000-2022"], byURN["urn:bulkhead:risk:library:ctpat-msc"]
	qms := byURN["urn:bulkhead:risk:library:iso9001-2015-hs"]
	if iso == nil || ctpat == nil || qms == nil {
		return nil
	}
	sites := []string{}
	for _, site := range d.sites {
		sites = append(sites, site.ID)
	}
	ctx1, err := s.CreateAssessment(ctx, secm, AssessmentInput{LibraryID: &iso.ID, Name: sp("ISO 28000 gap assessment 2026"),
		Description: sp("First gap assessment against ISO 28000:2022 before the certification audit."), SiteIDs: &sites})
	if err != nil {
		return err
	}
	// Started before the ISO 28000 answers, so that they pre-fill it.
	ims, err := s.CreateAssessment(ctx, secm, AssessmentInput{LibraryID: &qms.ID, Name: sp("ISO 9001 clauses of the integrated management system"),
		Description: sp("Harmonized-structure clauses shared with the quality system: reuse the ISO 28000 evidence.")})
	if err != nil {
		return err
	}
	groups := []string{"highway_carrier"}
	mx := []string{d.sites[3].ID}
	ct, err := s.CreateAssessment(ctx, secm, AssessmentInput{LibraryID: &ctpat.ID, Name: sp("C-TPAT highway carrier self-assessment"),
		Description: sp("Annual security profile review for the Nuevo Laredo long-haul operation."), Groups: &groups, SiteIDs: &mx})
	if err != nil {
		return err
	}
	answer := func(x *bulkhead.Assessment, node, status, notes string) error {
		in := AnswerInput{Status: &status, Notes: &notes}
		if status == string(bulkhead.ResultNotApplicable) {
			in.Justification = &notes
		}
		_, err := s.AnswerRequirement(ctx, secm, x.ID, node, in)
		return err
	}
	isoNode := func(ref string) string { return "urn:bulkhead:risk:req_node:iso28000-2022:" + ref }
	ctNode := func(ref string) string { return "urn:bulkhead:risk:req_node:ctpat-msc:" + ref }
	for _, x := range []struct{ node, status, notes string }{
		{isoNode("4.1"), "compliant", "Context analysis reviewed by the board in January."},
		{isoNode("4.2.1"), "compliant", "Interested-party register kept in the document system."},
		{isoNode("4.3"), "partially_compliant", "Scope written, but the Antwerp cross-dock is not yet named."},
		{isoNode("5.2.1"), "compliant", "Security policy signed by the managing director."},
		{isoNode("6.1.2"), "non_compliant", "No documented security risk assessment method yet."},
		{isoNode("7.2"), "partially_compliant", "Training matrix exists; competence records incomplete for night shift."},
	} {
		if err := answer(ctx1, x.node, x.status, x.notes); err != nil {
			return err
		}
	}
	// A combined audit programme answered on the quality side pre-fills
	// ISO 28000 9.2.1 and 9.2.2.
	if err := answer(ims, "urn:bulkhead:risk:req_node:iso9001-2015-hs:9.2", "compliant", "One internal audit programme covers quality and security."); err != nil {
		return err
	}
	for _, x := range []struct{ node, status, notes string }{
		{ctNode("1.1"), "compliant", "Signed statement of support displayed at the yard entrance."},
		{ctNode("6.1"), "compliant", "Seal procedure SOP-SEC-04 covers issue, log and discrepancies."},
		{ctNode("6.2"), "partially_compliant", "ISO 17712 seals used; two trailers left unsealed in March."},
	} {
		if err := answer(ct, x.node, x.status, x.notes); err != nil {
			return err
		}
	}
	valid := s.now().Add(20 * 24 * time.Hour).Truncate(24 * time.Hour)
	if _, err := s.AddEvidence(ctx, secm, ct.ID, AssessmentEvidenceInput{NodeURN: ctNode("6.1"), Name: "Seal log March.csv", ContentType: "text/csv",
		Content: []byte("seal,trailer,applied\nHLX1000231,TR-118,2026-03-02\n"), ValidUntil: &valid}); err != nil {
		return err
	}
	due := s.now().Add(-3 * 24 * time.Hour).Truncate(24 * time.Hour)
	if _, err := s.CreateComplianceAction(ctx, secm, ctx1.ID, ComplianceActionInput{NodeURN: sp(isoNode("6.1.2")), Title: sp("Write the security risk assessment method"),
		OwnerID: &d.users[bulkhead.RoleSecurityManager].ID, Due: &due}); err != nil {
		return err
	}
	return nil
}
