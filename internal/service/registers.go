package service

import (
	"context"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Register actions: read and write (create, edit, archive, restore, and the
// child records) per register, and the approval of planned changes.
const (
	ActIssueRead    Action = "context_issue.read"
	ActIssueWrite   Action = "context_issue.write"
	ActPartyRead    Action = "party.read"
	ActPartyWrite   Action = "party.write"
	ActLegalRead    Action = "legal_requirement.read"
	ActLegalWrite   Action = "legal_requirement.write"
	ActObjRead      Action = "objective.read"
	ActObjWrite     Action = "objective.write"
	ActChangeRead   Action = "change.read"
	ActChangeWrite  Action = "change.write"
	ActChangeDecide Action = "change.approve"
	ActCommRead     Action = "communication.read"
	ActCommWrite    Action = "communication.write"
)

// registerGrants are the permission rows of the registers of clauses 4.1,
// 4.2, 6.2, 6.3 and 7.4. Everyone inside the organisation reads them;
// security managers keep them; top management also sets objectives and
// decides on changes; site officers and contributors may propose changes.
var registerGrants = []grant{
	{ActIssueRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActIssueWrite, []bulkhead.Role{admin, secm}},
	{ActPartyRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActPartyWrite, []bulkhead.Role{admin, secm}},
	{ActLegalRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActLegalWrite, []bulkhead.Role{admin, secm}},
	{ActObjRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActObjWrite, []bulkhead.Role{admin, topm, secm}},
	{ActChangeRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActChangeWrite, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActChangeDecide, []bulkhead.Role{admin, topm, secm}},
	{ActCommRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActCommWrite, []bulkhead.Role{admin, secm}},
}

// can reports whether the actor may take an action.
func (a Actor) can(act Action) bool { return a.System || Can(a.Role, act) }

// registerTasks returns what falls due for the actor in the registers:
// legal requirements overdue for review (their owner's, and every one for
// admins and security managers), the actor's overdue objective actions,
// context issues past their review date (for who keeps them) and planned
// changes awaiting a decision (for who may decide, but not their requester).
func (s *Service) registerTasks(ctx context.Context, a Actor) ([]Task, error) {
	const max = 50
	today := bulkhead.DateOf(s.now())
	var out []Task
	if a.can(ActLegalRead) {
		f := bulkhead.LegalFilter{ListFilter: bulkhead.ListFilter{OrgID: a.OrgID, Sort: "next_review", Limit: max}, ReviewBefore: today}
		if !a.can(ActLegalWrite) {
			f.OwnerID = a.UserID
		}
		if f.OwnerID == "" || bulkhead.ValidID(f.OwnerID) {
			if err := f.Normalize(); err != nil {
				return nil, err
			}
			list, _, err := s.store.LegalRequirements(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, x := range list {
				out = append(out, Task{Kind: "legal_requirement.review", Title: x.Title, Href: "/legal/" + x.ID, Due: x.NextReview.Time(), Overdue: true})
			}
		}
	}
	if a.can(ActObjRead) && bulkhead.ValidID(a.UserID) {
		list, err := s.store.OverdueActions(ctx, a.OrgID, a.UserID, today, max)
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			out = append(out, Task{Kind: "objective_action.overdue", Title: x.Description, Href: "/objectives/" + x.ObjectiveID, Due: x.DueDate.Time(), Overdue: true})
		}
	}
	if a.can(ActIssueWrite) {
		f := bulkhead.ContextIssueFilter{ListFilter: bulkhead.ListFilter{OrgID: a.OrgID, Sort: "review_date", Limit: max}, ReviewBefore: today}
		if err := f.Normalize(); err != nil {
			return nil, err
		}
		list, _, err := s.store.ContextIssues(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			out = append(out, Task{Kind: "context_issue.review", Title: x.Title, Href: "/context-issues/" + x.ID, Due: x.ReviewDate.Time(), Overdue: true})
		}
	}
	if a.can(ActChangeDecide) {
		f := bulkhead.ChangeFilter{ListFilter: bulkhead.ListFilter{OrgID: a.OrgID, Sort: "planned_date", Limit: max}, Status: bulkhead.ChangeProposed}
		if err := f.Normalize(); err != nil {
			return nil, err
		}
		list, _, err := s.store.PlannedChanges(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			if x.RequesterID == a.UserID {
				continue
			}
			out = append(out, Task{Kind: "planned_change.approve", Title: x.Title, Href: "/changes/" + x.ID, Due: x.PlannedDate.Time(),
				Overdue: x.PlannedDate != "" && x.PlannedDate < today})
		}
	}
	return out, nil
}

// registerCoverage reports, for the sub-clauses the registers serve (4.1,
// 4.2.1, 4.2.2, 6.2, 6.3, 7.4), what exists and what needs attention: for
// requirements of parties, those not yet addressed; for planned changes,
// those awaiting a decision; for context issues, also those with no linked
// risk; elsewhere, records overdue for review or past their due date.
func (s *Service) registerCoverage(ctx context.Context, a Actor) ([]ClauseStatus, error) {
	counts, err := s.store.RegisterCounts(ctx, a.OrgID, bulkhead.DateOf(s.now()))
	if err != nil {
		return nil, err
	}
	type place struct {
		clause, href string
		read         Action
		needed       bool // the clause wants at least one such record
	}
	places := map[string]place{
		bulkhead.KindContextIssue:     {"4.1", "/context-issues", ActIssueRead, true},
		bulkhead.KindParty:            {"4.2.1", "/parties", ActPartyRead, true},
		bulkhead.KindPartyRequirement: {"4.2.1", "/parties", ActPartyRead, true},
		bulkhead.KindLegal:            {"4.2.2", "/legal", ActLegalRead, true},
		bulkhead.KindObjective:        {"6.2", "/objectives", ActObjRead, true},
		bulkhead.KindObjectiveAction:  {"6.2", "/objectives", ActObjRead, false},
		bulkhead.KindChange:           {"6.3", "/changes", ActChangeRead, false},
		bulkhead.KindCommunication:    {"7.4", "/communication", ActCommRead, true},
	}
	var out []ClauseStatus
	for _, c := range counts {
		p, ok := places[c.Kind]
		if !ok || !a.can(p.read) {
			continue
		}
		out = append(out, ClauseStatus{Clause: p.clause, Kind: c.Kind, Href: p.href, Count: c.Count, Overdue: c.Attention, Missing: p.needed && c.Count == 0})
	}
	// Each issue should be considered in the risk assessment (6.1): 4.1
	// also says how many active issues no risk scenario is linked to.
	if a.can(ActIssueRead) && a.can(ActRiskRead) {
		rc, err := s.store.ContextRiskCoverage(ctx, a.OrgID)
		if err != nil {
			return nil, err
		}
		out = append(out, ClauseStatus{Clause: "4.1", Kind: bulkhead.KindContextIssueRisk, Href: "/context-issues?unlinked=1", Count: rc.Issues, Overdue: rc.Unlinked})
	}
	return out, nil
}

// Assignees lists the organisation's members, by name, for choosing owners,
// reviewers and communicators in the registers. EFORBIDDEN.
func (s *Service) Assignees(ctx context.Context, a Actor) ([]*bulkhead.Membership, error) {
	for _, act := range []Action{ActIssueRead, ActPartyRead, ActLegalRead, ActObjRead, ActChangeRead, ActCommRead} {
		if a.can(act) {
			return s.store.Members(ctx, a.OrgID)
		}
	}
	return nil, authorize(a, ActLegalRead)
}
