package service

import (
	"context"
	"maps"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

func noLinks[T any](context.Context, bulkhead.Tx, Actor, T) error { return nil }

func validated(apply func(), validate func() error) error {
	apply()
	return validate()
}

// ---- context issues (4.1)

var issueKind = &regKind[*bulkhead.ContextIssue]{
	kind: bulkhead.KindContextIssue, read: ActIssueRead, write: ActIssueWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.ContextIssue, error) {
		return r.ContextIssue(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.ContextIssue) error {
		return tx.CreateContextIssue(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.ContextIssue) error {
		return tx.UpdateContextIssue(ctx, x)
	},
	audit: func(x *bulkhead.ContextIssue) map[string]any {
		return map[string]any{"origin": string(x.Origin), "category": string(x.Category), "title": x.Title, "description": x.Description,
			"effect": x.Effect, "review_date": string(x.ReviewDate)}
	},
	links: noLinks[*bulkhead.ContextIssue],
}

// CreateContextIssue records a context issue. EFORBIDDEN, EINVALID.
func (s *Service) CreateContextIssue(ctx context.Context, a Actor, in bulkhead.ContextIssueInput) (*bulkhead.ContextIssue, error) {
	return createRecord(s, ctx, a, issueKind, &bulkhead.ContextIssue{}, func(x *bulkhead.ContextIssue) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ContextIssue returns a context issue. EFORBIDDEN, ENOTFOUND.
func (s *Service) ContextIssue(ctx context.Context, a Actor, id string) (*bulkhead.ContextIssue, error) {
	return getRecord(s, ctx, a, issueKind, id)
}

// ContextIssues lists context issues. EFORBIDDEN, EINVALID.
func (s *Service) ContextIssues(ctx context.Context, a Actor, f bulkhead.ContextIssueFilter) ([]*bulkhead.ContextIssue, int, error) {
	if err := listCheck(a, ActIssueRead, &f.ListFilter, f.Normalize); err != nil {
		return nil, 0, err
	}
	return s.store.ContextIssues(ctx, f)
}

// EachContextIssue calls fn for every context issue matching the filter,
// in its order, for exports. EFORBIDDEN, EINVALID.
func (s *Service) EachContextIssue(ctx context.Context, a Actor, f bulkhead.ContextIssueFilter, fn func(*bulkhead.ContextIssue) error) error {
	if err := listCheck(a, ActIssueRead, &f.ListFilter, f.Normalize); err != nil {
		return err
	}
	return eachPage(&f.ListFilter, func() ([]*bulkhead.ContextIssue, int, error) { return s.store.ContextIssues(ctx, f) }, fn)
}

// UpdateContextIssue changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateContextIssue(ctx context.Context, a Actor, id string, in bulkhead.ContextIssueInput) (*bulkhead.ContextIssue, error) {
	return updateRecord(s, ctx, a, issueKind, id, func(x *bulkhead.ContextIssue) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ArchiveContextIssue archives or restores a context issue. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveContextIssue(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.ContextIssue, error) {
	return archiveRecord(s, ctx, a, issueKind, id, archive)
}

// ---- interested parties and their requirements (4.2.1)

var partyKind = &regKind[*bulkhead.InterestedParty]{
	kind: bulkhead.KindParty, read: ActPartyRead, write: ActPartyWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.InterestedParty, error) {
		return r.InterestedParty(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.InterestedParty) error {
		return tx.CreateInterestedParty(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.InterestedParty) error {
		return tx.UpdateInterestedParty(ctx, x)
	},
	audit: func(x *bulkhead.InterestedParty) map[string]any {
		return map[string]any{"type": string(x.Type), "name": x.Name, "contact": x.Contact, "notes": x.Notes}
	},
	links: noLinks[*bulkhead.InterestedParty],
}

// CreateInterestedParty records an interested party. EFORBIDDEN, EINVALID.
func (s *Service) CreateInterestedParty(ctx context.Context, a Actor, in bulkhead.InterestedPartyInput) (*bulkhead.InterestedParty, error) {
	return createRecord(s, ctx, a, partyKind, &bulkhead.InterestedParty{}, func(x *bulkhead.InterestedParty) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// InterestedParty returns an interested party. EFORBIDDEN, ENOTFOUND.
func (s *Service) InterestedParty(ctx context.Context, a Actor, id string) (*bulkhead.InterestedParty, error) {
	return getRecord(s, ctx, a, partyKind, id)
}

// InterestedParties lists interested parties. EFORBIDDEN, EINVALID.
func (s *Service) InterestedParties(ctx context.Context, a Actor, f bulkhead.PartyFilter) ([]*bulkhead.InterestedParty, int, error) {
	if err := listCheck(a, ActPartyRead, &f.ListFilter, f.Normalize); err != nil {
		return nil, 0, err
	}
	return s.store.InterestedParties(ctx, f)
}

// EachInterestedParty calls fn for every matching party, for exports.
// EFORBIDDEN, EINVALID.
func (s *Service) EachInterestedParty(ctx context.Context, a Actor, f bulkhead.PartyFilter, fn func(*bulkhead.InterestedParty) error) error {
	if err := listCheck(a, ActPartyRead, &f.ListFilter, f.Normalize); err != nil {
		return err
	}
	return eachPage(&f.ListFilter, func() ([]*bulkhead.InterestedParty, int, error) { return s.store.InterestedParties(ctx, f) }, fn)
}

// UpdateInterestedParty changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateInterestedParty(ctx context.Context, a Actor, id string, in bulkhead.InterestedPartyInput) (*bulkhead.InterestedParty, error) {
	return updateRecord(s, ctx, a, partyKind, id, func(x *bulkhead.InterestedParty) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ArchiveInterestedParty archives or restores a party; its requirements
// stay as they are. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveInterestedParty(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.InterestedParty, error) {
	return archiveRecord(s, ctx, a, partyKind, id, archive)
}

var partyReqKind = &regKind[*bulkhead.PartyRequirement]{
	kind: bulkhead.KindPartyRequirement, read: ActPartyRead, write: ActPartyWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.PartyRequirement, error) {
		return r.PartyRequirement(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.PartyRequirement) error {
		return tx.CreatePartyRequirement(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.PartyRequirement) error {
		return tx.UpdatePartyRequirement(ctx, x)
	},
	audit: func(x *bulkhead.PartyRequirement) map[string]any {
		return map[string]any{"party_id": x.PartyID, "source": string(x.Source), "description": x.Description, "addressed": x.Addressed, "how": x.How}
	},
	links: func(ctx context.Context, tx bulkhead.Tx, a Actor, x *bulkhead.PartyRequirement) error {
		_, err := tx.InterestedParty(ctx, a.OrgID, x.PartyID)
		return err
	},
}

// CreatePartyRequirement adds a requirement to a party. EFORBIDDEN,
// ENOTFOUND (the party), EINVALID, ECONFLICT (an archived party).
func (s *Service) CreatePartyRequirement(ctx context.Context, a Actor, partyID string, in bulkhead.PartyRequirementInput) (*bulkhead.PartyRequirement, error) {
	if err := authorize(a, ActPartyWrite); err != nil {
		return nil, err
	}
	if p, err := s.store.InterestedParty(ctx, a.OrgID, partyID); err != nil {
		return nil, err
	} else if p.ArchivedAt != nil {
		return nil, bulkhead.Errorf(bulkhead.ECONFLICT, "The party is archived; restore it before adding requirements.")
	}
	return createRecord(s, ctx, a, partyReqKind, &bulkhead.PartyRequirement{PartyID: partyID}, func(x *bulkhead.PartyRequirement) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// PartyRequirement returns a requirement. EFORBIDDEN, ENOTFOUND.
func (s *Service) PartyRequirement(ctx context.Context, a Actor, id string) (*bulkhead.PartyRequirement, error) {
	return getRecord(s, ctx, a, partyReqKind, id)
}

// PartyRequirements lists a party's requirements, archived ones included.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) PartyRequirements(ctx context.Context, a Actor, partyID string) ([]*bulkhead.PartyRequirement, error) {
	if _, err := s.InterestedParty(ctx, a, partyID); err != nil {
		return nil, err
	}
	return s.store.PartyRequirements(ctx, a.OrgID, partyID)
}

// UpdatePartyRequirement changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdatePartyRequirement(ctx context.Context, a Actor, id string, in bulkhead.PartyRequirementInput) (*bulkhead.PartyRequirement, error) {
	return updateRecord(s, ctx, a, partyReqKind, id, func(x *bulkhead.PartyRequirement) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ArchivePartyRequirement archives or restores a requirement. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchivePartyRequirement(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.PartyRequirement, error) {
	return archiveRecord(s, ctx, a, partyReqKind, id, archive)
}

// ---- legal, regulatory and other requirements (4.2.2)

var legalKind = &regKind[*bulkhead.LegalRequirement]{
	kind: bulkhead.KindLegal, read: ActLegalRead, write: ActLegalWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.LegalRequirement, error) {
		return r.LegalRequirement(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.LegalRequirement) error {
		return tx.CreateLegalRequirement(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.LegalRequirement) error {
		return tx.UpdateLegalRequirement(ctx, x)
	},
	audit: func(x *bulkhead.LegalRequirement) map[string]any {
		return map[string]any{"title": x.Title, "jurisdiction": x.Jurisdiction, "reference": x.Reference, "summary": x.Summary,
			"site_ids": joinIDs(x.SiteIDs), "owner_id": x.OwnerID, "last_review": string(x.LastReview), "next_review": string(x.NextReview),
			"compliance": string(x.Compliance)}
	},
	links: func(ctx context.Context, tx bulkhead.Tx, a Actor, x *bulkhead.LegalRequirement) error {
		l := newLinkCheck(ctx, tx, a)
		if err := l.member("owner_id", x.OwnerID); err != nil {
			return err
		}
		if err := l.sites("site_ids", x.SiteIDs); err != nil {
			return err
		}
		return l.err()
	},
}

// CreateLegalRequirement records a legal requirement; compliance starts
// as not assessed. EFORBIDDEN, EINVALID.
func (s *Service) CreateLegalRequirement(ctx context.Context, a Actor, in bulkhead.LegalRequirementInput) (*bulkhead.LegalRequirement, error) {
	x := &bulkhead.LegalRequirement{Compliance: bulkhead.NotAssessed, SiteIDs: []string{}}
	return createRecord(s, ctx, a, legalKind, x, func(x *bulkhead.LegalRequirement) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// LegalRequirement returns a legal requirement. EFORBIDDEN, ENOTFOUND.
func (s *Service) LegalRequirement(ctx context.Context, a Actor, id string) (*bulkhead.LegalRequirement, error) {
	return getRecord(s, ctx, a, legalKind, id)
}

// LegalRequirements lists legal requirements. EFORBIDDEN, EINVALID.
func (s *Service) LegalRequirements(ctx context.Context, a Actor, f bulkhead.LegalFilter) ([]*bulkhead.LegalRequirement, int, error) {
	if err := listCheck(a, ActLegalRead, &f.ListFilter, f.Normalize); err != nil {
		return nil, 0, err
	}
	return s.store.LegalRequirements(ctx, f)
}

// EachLegalRequirement calls fn for every matching requirement, for
// exports. EFORBIDDEN, EINVALID.
func (s *Service) EachLegalRequirement(ctx context.Context, a Actor, f bulkhead.LegalFilter, fn func(*bulkhead.LegalRequirement) error) error {
	if err := listCheck(a, ActLegalRead, &f.ListFilter, f.Normalize); err != nil {
		return err
	}
	return eachPage(&f.ListFilter, func() ([]*bulkhead.LegalRequirement, int, error) { return s.store.LegalRequirements(ctx, f) }, fn)
}

// UpdateLegalRequirement changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateLegalRequirement(ctx context.Context, a Actor, id string, in bulkhead.LegalRequirementInput) (*bulkhead.LegalRequirement, error) {
	return updateRecord(s, ctx, a, legalKind, id, func(x *bulkhead.LegalRequirement) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ArchiveLegalRequirement archives or restores a legal requirement. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveLegalRequirement(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.LegalRequirement, error) {
	return archiveRecord(s, ctx, a, legalKind, id, archive)
}

// ---- objectives and their actions (6.2)

func numOrNil(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

var objectiveKind = &regKind[*bulkhead.Objective]{
	kind: bulkhead.KindObjective, read: ActObjRead, write: ActObjWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.Objective, error) {
		return r.Objective(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.Objective) error {
		return tx.CreateObjective(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.Objective) error {
		return tx.UpdateObjective(ctx, x)
	},
	audit: func(x *bulkhead.Objective) map[string]any {
		return map[string]any{"statement": x.Statement, "measure": x.Measure, "target": x.Target, "unit": x.Unit, "current": numOrNil(x.Current),
			"start_date": string(x.StartDate), "due_date": string(x.DueDate), "owner_id": x.OwnerID, "status": string(x.Status)}
	},
	links: func(ctx context.Context, tx bulkhead.Tx, a Actor, x *bulkhead.Objective) error {
		l := newLinkCheck(ctx, tx, a)
		if err := l.member("owner_id", x.OwnerID); err != nil {
			return err
		}
		return l.err()
	},
}

// applyObjective applies an input and validates the result, reporting
// numbers that do not parse together with the other field errors.
func applyObjective(in bulkhead.ObjectiveInput, x *bulkhead.Objective) error {
	bad := in.Apply(x)
	err := x.Validate()
	if len(bad) == 0 {
		return err
	}
	fields := map[string]string{}
	maps.Copy(fields, bulkhead.ErrorFields(err))
	maps.Copy(fields, bad)
	return bulkhead.Invalid(fields)
}

// CreateObjective records an objective; it starts as planned. EFORBIDDEN, EINVALID.
func (s *Service) CreateObjective(ctx context.Context, a Actor, in bulkhead.ObjectiveInput) (*bulkhead.Objective, error) {
	if in.Target == nil {
		in.Target = new(string)
	}
	return createRecord(s, ctx, a, objectiveKind, &bulkhead.Objective{Status: bulkhead.ObjectivePlanned}, func(x *bulkhead.Objective) error {
		return applyObjective(in, x)
	})
}

// Objective returns an objective. EFORBIDDEN, ENOTFOUND.
func (s *Service) Objective(ctx context.Context, a Actor, id string) (*bulkhead.Objective, error) {
	return getRecord(s, ctx, a, objectiveKind, id)
}

// Objectives lists objectives. EFORBIDDEN, EINVALID.
func (s *Service) Objectives(ctx context.Context, a Actor, f bulkhead.ObjectiveFilter) ([]*bulkhead.Objective, int, error) {
	if err := listCheck(a, ActObjRead, &f.ListFilter, f.Normalize); err != nil {
		return nil, 0, err
	}
	return s.store.Objectives(ctx, f)
}

// EachObjective calls fn for every matching objective, for exports.
// EFORBIDDEN, EINVALID.
func (s *Service) EachObjective(ctx context.Context, a Actor, f bulkhead.ObjectiveFilter, fn func(*bulkhead.Objective) error) error {
	if err := listCheck(a, ActObjRead, &f.ListFilter, f.Normalize); err != nil {
		return err
	}
	return eachPage(&f.ListFilter, func() ([]*bulkhead.Objective, int, error) { return s.store.Objectives(ctx, f) }, fn)
}

// UpdateObjective changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateObjective(ctx context.Context, a Actor, id string, in bulkhead.ObjectiveInput) (*bulkhead.Objective, error) {
	return updateRecord(s, ctx, a, objectiveKind, id, func(x *bulkhead.Objective) error { return applyObjective(in, x) })
}

// ArchiveObjective archives or restores an objective. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveObjective(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Objective, error) {
	return archiveRecord(s, ctx, a, objectiveKind, id, archive)
}

var actionKind = &regKind[*bulkhead.ObjectiveAction]{
	kind: bulkhead.KindObjectiveAction, read: ActObjRead, write: ActObjWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.ObjectiveAction, error) {
		return r.ObjectiveAction(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.ObjectiveAction) error {
		return tx.CreateObjectiveAction(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.ObjectiveAction) error {
		return tx.UpdateObjectiveAction(ctx, x)
	},
	audit: func(x *bulkhead.ObjectiveAction) map[string]any {
		return map[string]any{"objective_id": x.ObjectiveID, "description": x.Description, "owner_id": x.OwnerID, "due_date": string(x.DueDate), "status": string(x.Status)}
	},
	links: func(ctx context.Context, tx bulkhead.Tx, a Actor, x *bulkhead.ObjectiveAction) error {
		l := newLinkCheck(ctx, tx, a)
		if err := l.member("owner_id", x.OwnerID); err != nil {
			return err
		}
		return l.err()
	},
}

// CreateObjectiveAction adds an action to an objective; it starts open.
// EFORBIDDEN, ENOTFOUND (the objective), EINVALID, ECONFLICT (an archived objective).
func (s *Service) CreateObjectiveAction(ctx context.Context, a Actor, objectiveID string, in bulkhead.ObjectiveActionInput) (*bulkhead.ObjectiveAction, error) {
	if err := authorize(a, ActObjWrite); err != nil {
		return nil, err
	}
	if o, err := s.store.Objective(ctx, a.OrgID, objectiveID); err != nil {
		return nil, err
	} else if o.ArchivedAt != nil {
		return nil, bulkhead.Errorf(bulkhead.ECONFLICT, "The objective is archived; restore it before adding actions.")
	}
	x := &bulkhead.ObjectiveAction{ObjectiveID: objectiveID, Status: bulkhead.ActionOpen}
	return createRecord(s, ctx, a, actionKind, x, func(x *bulkhead.ObjectiveAction) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ObjectiveAction returns an action. EFORBIDDEN, ENOTFOUND.
func (s *Service) ObjectiveAction(ctx context.Context, a Actor, id string) (*bulkhead.ObjectiveAction, error) {
	return getRecord(s, ctx, a, actionKind, id)
}

// ObjectiveActions lists an objective's actions, archived ones included.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) ObjectiveActions(ctx context.Context, a Actor, objectiveID string) ([]*bulkhead.ObjectiveAction, error) {
	if _, err := s.Objective(ctx, a, objectiveID); err != nil {
		return nil, err
	}
	return s.store.ObjectiveActions(ctx, a.OrgID, objectiveID)
}

// UpdateObjectiveAction changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateObjectiveAction(ctx context.Context, a Actor, id string, in bulkhead.ObjectiveActionInput) (*bulkhead.ObjectiveAction, error) {
	return updateRecord(s, ctx, a, actionKind, id, func(x *bulkhead.ObjectiveAction) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ArchiveObjectiveAction archives or restores an action. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveObjectiveAction(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.ObjectiveAction, error) {
	return archiveRecord(s, ctx, a, actionKind, id, archive)
}

// ---- planned changes (6.3)

var changeKind = &regKind[*bulkhead.PlannedChange]{
	kind: bulkhead.KindChange, read: ActChangeRead, write: ActChangeWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.PlannedChange, error) {
		return r.PlannedChange(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.PlannedChange) error {
		return tx.CreatePlannedChange(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.PlannedChange) error {
		return tx.UpdatePlannedChange(ctx, x)
	},
	audit: func(x *bulkhead.PlannedChange) map[string]any {
		return map[string]any{"title": x.Title, "description": x.Description, "reason": x.Reason, "site_ids": joinIDs(x.SiteIDs),
			"processes": x.Processes, "risk_review": x.RiskReview, "risk_reviewed": x.RiskReviewed, "reviewer_id": x.ReviewerID,
			"requester_id": x.RequesterID, "approved_by": x.ApprovedBy, "approved_on": string(x.ApprovedOn),
			"planned_date": string(x.PlannedDate), "status": string(x.Status)}
	},
	links: func(ctx context.Context, tx bulkhead.Tx, a Actor, x *bulkhead.PlannedChange) error {
		l := newLinkCheck(ctx, tx, a)
		for f, id := range map[string]string{"reviewer_id": x.ReviewerID, "requester_id": x.RequesterID, "approved_by": x.ApprovedBy} {
			if err := l.member(f, id); err != nil {
				return err
			}
		}
		if err := l.sites("site_ids", x.SiteIDs); err != nil {
			return err
		}
		return l.err()
	},
}

// applyChange applies an edit to a change and validates it. The decision
// statuses (approved, rejected) are set only by DecideChange, and a change
// is implemented only once approved.
func applyChange(in bulkhead.PlannedChangeInput, x *bulkhead.PlannedChange) error {
	was := x.Status
	in.Apply(x)
	err := x.Validate()
	fields := map[string]string{}
	maps.Copy(fields, bulkhead.ErrorFields(err))
	if x.Status != was {
		switch {
		case x.Status == bulkhead.ChangeApproved || x.Status == bulkhead.ChangeRejected:
			fields["status"] = bulkhead.FieldApprovalOnly
		case x.Status == bulkhead.ChangeImplemented && was != bulkhead.ChangeApproved:
			fields["status"] = bulkhead.FieldNotApproved
		}
	}
	if len(fields) > 0 {
		return bulkhead.Invalid(fields)
	}
	return err
}

// CreatePlannedChange records a proposed change; the requester defaults to
// the actor. EFORBIDDEN, EINVALID.
func (s *Service) CreatePlannedChange(ctx context.Context, a Actor, in bulkhead.PlannedChangeInput) (*bulkhead.PlannedChange, error) {
	x := &bulkhead.PlannedChange{Status: bulkhead.ChangeProposed, SiteIDs: []string{}}
	if !a.System {
		x.RequesterID = a.UserID
	}
	return createRecord(s, ctx, a, changeKind, x, func(x *bulkhead.PlannedChange) error { return applyChange(in, x) })
}

// PlannedChange returns a planned change. EFORBIDDEN, ENOTFOUND.
func (s *Service) PlannedChange(ctx context.Context, a Actor, id string) (*bulkhead.PlannedChange, error) {
	return getRecord(s, ctx, a, changeKind, id)
}

// PlannedChanges lists planned changes. EFORBIDDEN, EINVALID.
func (s *Service) PlannedChanges(ctx context.Context, a Actor, f bulkhead.ChangeFilter) ([]*bulkhead.PlannedChange, int, error) {
	if err := listCheck(a, ActChangeRead, &f.ListFilter, f.Normalize); err != nil {
		return nil, 0, err
	}
	return s.store.PlannedChanges(ctx, f)
}

// EachPlannedChange calls fn for every matching change, for exports.
// EFORBIDDEN, EINVALID.
func (s *Service) EachPlannedChange(ctx context.Context, a Actor, f bulkhead.ChangeFilter, fn func(*bulkhead.PlannedChange) error) error {
	if err := listCheck(a, ActChangeRead, &f.ListFilter, f.Normalize); err != nil {
		return err
	}
	return eachPage(&f.ListFilter, func() ([]*bulkhead.PlannedChange, int, error) { return s.store.PlannedChanges(ctx, f) }, fn)
}

// UpdatePlannedChange changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdatePlannedChange(ctx context.Context, a Actor, id string, in bulkhead.PlannedChangeInput) (*bulkhead.PlannedChange, error) {
	return updateRecord(s, ctx, a, changeKind, id, func(x *bulkhead.PlannedChange) error { return applyChange(in, x) })
}

// ArchivePlannedChange archives or restores a planned change. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchivePlannedChange(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.PlannedChange, error) {
	return archiveRecord(s, ctx, a, changeKind, id, archive)
}

// DecideChange approves (approve=true) or rejects a proposed change as the
// actor, today. The requester may not decide on their own change, and a
// change is approved only after its security risk review. EFORBIDDEN,
// ENOTFOUND, EINVALID (approved_by: self_approval; risk_reviewed: required),
// ECONFLICT (already decided, or archived).
func (s *Service) DecideChange(ctx context.Context, a Actor, id string, approve bool) (*bulkhead.PlannedChange, error) {
	if err := authorize(a, ActChangeDecide); err != nil {
		return nil, err
	}
	var out *bulkhead.PlannedChange
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := tx.PlannedChange(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if x.ArchivedAt != nil {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The record is archived; restore it before editing.")
		}
		if x.Status != bulkhead.ChangeProposed {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "Only a proposed change can be approved or rejected; this one is %s.", x.Status)
		}
		if x.RequesterID == a.UserID {
			return bulkhead.Invalid(map[string]string{"approved_by": bulkhead.FieldSelfApproval})
		}
		if approve && !x.RiskReviewed {
			return bulkhead.Invalid(map[string]string{"risk_reviewed": bulkhead.FieldRequired})
		}
		before := changeKind.audit(x)
		x.ApprovedBy, x.ApprovedOn, x.Status = a.UserID, bulkhead.DateOf(s.now()), bulkhead.ChangeRejected
		action := bulkhead.KindChange + ".reject"
		if approve {
			x.Status, action = bulkhead.ChangeApproved, bulkhead.KindChange+".approve"
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if err := changeKind.links(ctx, tx, a, x); err != nil {
			return err
		}
		x.UpdatedAt = s.now()
		if err := tx.UpdatePlannedChange(ctx, x); err != nil {
			return err
		}
		out = x
		return s.record(ctx, tx, a, action, bulkhead.KindChange, x.ID, map[string]any{"changes": diff(before, changeKind.audit(x))})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- communication plan (7.4)

var commKind = &regKind[*bulkhead.Communication]{
	kind: bulkhead.KindCommunication, read: ActCommRead, write: ActCommWrite,
	get: func(ctx context.Context, r bulkhead.Reader, orgID, id string) (*bulkhead.Communication, error) {
		return r.Communication(ctx, orgID, id)
	},
	create: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.Communication) error {
		return tx.CreateCommunication(ctx, x)
	},
	update: func(ctx context.Context, tx bulkhead.Tx, x *bulkhead.Communication) error {
		return tx.UpdateCommunication(ctx, x)
	},
	audit: func(x *bulkhead.Communication) map[string]any {
		return map[string]any{"topic": x.Topic, "frequency": string(x.Frequency), "timing": x.Timing, "audience": x.Audience,
			"channel": string(x.Channel), "communicator_id": x.CommunicatorID, "direction": string(x.Direction), "notes": x.Notes}
	},
	links: func(ctx context.Context, tx bulkhead.Tx, a Actor, x *bulkhead.Communication) error {
		l := newLinkCheck(ctx, tx, a)
		if err := l.member("communicator_id", x.CommunicatorID); err != nil {
			return err
		}
		return l.err()
	},
}

// CreateCommunication adds a line to the communication plan. EFORBIDDEN, EINVALID.
func (s *Service) CreateCommunication(ctx context.Context, a Actor, in bulkhead.CommunicationInput) (*bulkhead.Communication, error) {
	return createRecord(s, ctx, a, commKind, &bulkhead.Communication{}, func(x *bulkhead.Communication) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// Communication returns a line of the plan. EFORBIDDEN, ENOTFOUND.
func (s *Service) Communication(ctx context.Context, a Actor, id string) (*bulkhead.Communication, error) {
	return getRecord(s, ctx, a, commKind, id)
}

// Communications lists the communication plan. EFORBIDDEN, EINVALID.
func (s *Service) Communications(ctx context.Context, a Actor, f bulkhead.CommunicationFilter) ([]*bulkhead.Communication, int, error) {
	if err := listCheck(a, ActCommRead, &f.ListFilter, f.Normalize); err != nil {
		return nil, 0, err
	}
	return s.store.Communications(ctx, f)
}

// EachCommunication calls fn for every matching line, for exports.
// EFORBIDDEN, EINVALID.
func (s *Service) EachCommunication(ctx context.Context, a Actor, f bulkhead.CommunicationFilter, fn func(*bulkhead.Communication) error) error {
	if err := listCheck(a, ActCommRead, &f.ListFilter, f.Normalize); err != nil {
		return err
	}
	return eachPage(&f.ListFilter, func() ([]*bulkhead.Communication, int, error) { return s.store.Communications(ctx, f) }, fn)
}

// UpdateCommunication changes the given fields. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateCommunication(ctx context.Context, a Actor, id string, in bulkhead.CommunicationInput) (*bulkhead.Communication, error) {
	return updateRecord(s, ctx, a, commKind, id, func(x *bulkhead.Communication) error {
		return validated(func() { in.Apply(x) }, x.Validate)
	})
}

// ArchiveCommunication archives or restores a line of the plan. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveCommunication(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Communication, error) {
	return archiveRecord(s, ctx, a, commKind, id, archive)
}
