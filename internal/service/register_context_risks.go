package service

import (
	"context"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Risks linked to context issues (ISO 28000 4.1 → 6.1). Linking is part of
// keeping the context register, so it takes the context issue's write
// action; seeing the links takes reading both the context issues and the
// risk register.

// Audit actions of the links, recorded on the context issue.
const (
	actionIssueLinkRisk   = bulkhead.KindContextIssue + ".link_risk"
	actionIssueUnlinkRisk = bulkhead.KindContextIssue + ".unlink_risk"
)

// authorizeAll checks every action in turn. EFORBIDDEN.
func authorizeAll(a Actor, acts ...Action) error {
	for _, act := range acts {
		if err := authorize(a, act); err != nil {
			return err
		}
	}
	return nil
}

// ContextIssueRisks lists the risk scenarios linked to a context issue, by
// title, with the names of their levels. EFORBIDDEN, ENOTFOUND.
func (s *Service) ContextIssueRisks(ctx context.Context, a Actor, issueID string) ([]*bulkhead.LinkedRisk, error) {
	if err := authorizeAll(a, ActIssueRead, ActRiskRead); err != nil {
		return nil, err
	}
	if _, err := s.store.ContextIssue(ctx, a.OrgID, issueID); err != nil {
		return nil, err
	}
	risks, err := s.store.ContextIssueRisks(ctx, a.OrgID, issueID)
	if err != nil {
		return nil, err
	}
	matrices := map[string]*bulkhead.RiskMatrix{}
	for _, r := range risks {
		m, ok := matrices[r.AssessmentID]
		if !ok {
			as, err := s.store.RiskAssessment(ctx, a.OrgID, r.AssessmentID)
			if err != nil {
				return nil, err
			}
			m = as.Matrix
			matrices[r.AssessmentID] = m
		}
		if m != nil {
			r.CurrentLevelName, r.ResidualLevelName = m.LevelName(r.CurrentLevel), m.LevelName(r.ResidualLevel)
		}
	}
	return risks, nil
}

// RiskContextIssues lists the context issues a risk scenario is linked to,
// archived ones included, by title. EFORBIDDEN, ENOTFOUND.
func (s *Service) RiskContextIssues(ctx context.Context, a Actor, riskID string) ([]*bulkhead.LinkedIssue, error) {
	if err := authorizeAll(a, ActRiskRead, ActIssueRead); err != nil {
		return nil, err
	}
	if _, err := s.store.Scenario(ctx, a.OrgID, riskID); err != nil {
		return nil, err
	}
	return s.store.RiskContextIssues(ctx, a.OrgID, riskID)
}

// LinkableRisks lists the organisation's risk scenarios by title, at most
// MaxPageSize, for choosing one to link to a context issue. EFORBIDDEN.
func (s *Service) LinkableRisks(ctx context.Context, a Actor) ([]*bulkhead.ScenarioRow, error) {
	if err := authorizeAll(a, ActIssueWrite, ActRiskRead); err != nil {
		return nil, err
	}
	rows, _, err := s.Scenarios(ctx, a, bulkhead.ScenarioFilter{Sort: bulkhead.ScenarioSortTitle, Limit: bulkhead.MaxPageSize})
	return rows, err
}

// LinkContextIssueRisk links a risk scenario of the organisation to one of
// its context issues. A scenario of another organisation, or none, is a
// field error on risk_id; an archived issue must be restored first
// (ECONFLICT, as for any edit); a pair already linked is ECONFLICT with a
// field error on risk_id. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) LinkContextIssueRisk(ctx context.Context, a Actor, issueID string, in bulkhead.ContextIssueRiskInput) (*bulkhead.ContextIssueRisk, error) {
	if err := authorizeAll(a, ActIssueWrite, ActRiskRead); err != nil {
		return nil, err
	}
	riskID := ""
	if in.RiskID != nil {
		riskID = *in.RiskID
	}
	c := map[string]string{}
	switch {
	case riskID == "":
		c["risk_id"] = bulkhead.FieldRequired
	case !bulkhead.ValidID(riskID):
		c["risk_id"] = bulkhead.FieldLinkUnknown
	}
	if len(c) > 0 {
		return nil, bulkhead.Invalid(c)
	}
	l := &bulkhead.ContextIssueRisk{OrgID: a.OrgID, IssueID: issueID, RiskID: riskID, CreatedAt: s.now()}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		issue, err := tx.ContextIssue(ctx, a.OrgID, issueID)
		if err != nil {
			return err
		}
		sc, err := tx.Scenario(ctx, a.OrgID, riskID)
		switch bulkhead.ErrorCode(err) {
		case "":
		case bulkhead.ENOTFOUND:
			c["risk_id"] = bulkhead.FieldLinkUnknown
		default:
			return err
		}
		if issue.ArchivedAt != nil {
			return errArchived("context issue")
		}
		if len(c) > 0 {
			return bulkhead.Invalid(c)
		}
		if err := tx.CreateContextIssueRisk(ctx, l); err != nil {
			if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
				return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "The risk is already linked to this context issue.",
					Fields: map[string]string{"risk_id": bulkhead.FieldDuplicate}}
			}
			return err
		}
		return s.record(ctx, tx, a, actionIssueLinkRisk, bulkhead.KindContextIssue, issueID, map[string]any{"risk_id": riskID, "risk_title": sc.Title})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// UnlinkContextIssueRisk removes the link between a context issue and a
// risk scenario. An archived issue must be restored first (ECONFLICT).
// EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Service) UnlinkContextIssueRisk(ctx context.Context, a Actor, issueID, riskID string) error {
	if err := authorizeAll(a, ActIssueWrite, ActRiskRead); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		issue, err := tx.ContextIssue(ctx, a.OrgID, issueID)
		if err != nil {
			return err
		}
		if issue.ArchivedAt != nil {
			return errArchived("context issue")
		}
		title := ""
		if sc, err := tx.Scenario(ctx, a.OrgID, riskID); err == nil {
			title = sc.Title
		}
		if err := tx.DeleteContextIssueRisk(ctx, a.OrgID, issueID, riskID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, actionIssueUnlinkRisk, bulkhead.KindContextIssue, issueID, map[string]any{"risk_id": riskID, "risk_title": title})
	})
}

// demoContextRisks links the demo organisation's context issues to the risk
// scenarios that consider them. It runs after both the registers' and the
// risk area's demo content exist. Two issues (the AEO re-assessment and the
// budget freeze) stay unlinked, so the coverage page has something to ask
// for.
func (s *Service) demoContextRisks(ctx context.Context, d *demoOrg) error {
	secm := d.as(bulkhead.RoleSecurityManager)
	f := bulkhead.ContextIssueFilter{ListFilter: bulkhead.ListFilter{Limit: bulkhead.MaxPageSize}}
	issues, _, err := s.ContextIssues(ctx, secm, f)
	if err != nil {
		return err
	}
	risks, _, err := s.Scenarios(ctx, secm, bulkhead.ScenarioFilter{Sort: bulkhead.ScenarioSortTitle, Limit: bulkhead.MaxPageSize})
	if err != nil {
		return err
	}
	issueIDs, riskIDs := map[string]string{}, map[string]string{}
	for _, x := range issues {
		issueIDs[x.Title] = x.ID
	}
	for _, x := range risks {
		riskIDs[x.Title] = x.ID
	}
	for issue, linked := range map[string][]string{
		"Organised cargo theft on Benelux motorway parking areas": {"Theft of high-value electronics from the docks"},
		"Border congestion and cartel activity around Nuevo Laredo": {"Hijacking on the yard approach road", "Narcotics hidden in northbound trailers",
			"Road blockades during civil unrest", "Seal tampering before the border crossing"},
		"Ransomware attacks on port community systems":           {"Manipulation of WMS delivery addresses"},
		"High turnover of agency staff on the Venlo night shift": {"Insider collusion in the warehouse"},
	} {
		for _, title := range linked {
			issueID, riskID := issueIDs[issue], riskIDs[title]
			if issueID == "" || riskID == "" { // the other demo content changed: link what still exists
				continue
			}
			if _, err := s.LinkContextIssueRisk(ctx, secm, issueID, bulkhead.ContextIssueRiskInput{RiskID: &riskID}); err != nil {
				return err
			}
		}
	}
	return nil
}
