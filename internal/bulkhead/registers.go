package bulkhead

import "context"

// RegisterReader reads the registers of ISO 28000 clauses 4, 6.2, 6.3 and
// 7.4: context issues, interested parties and their requirements, legal
// requirements, objectives and their actions, planned changes and the
// communication plan. List methods take a normalised filter and return one
// page and the total that match. It is part of Reader.
type RegisterReader interface {
	// ContextIssue returns a context issue. ENOTFOUND.
	ContextIssue(ctx context.Context, orgID, id string) (*ContextIssue, error)
	// ContextIssues lists context issues.
	ContextIssues(ctx context.Context, f ContextIssueFilter) ([]*ContextIssue, int, error)

	// InterestedParty returns an interested party. ENOTFOUND.
	InterestedParty(ctx context.Context, orgID, id string) (*InterestedParty, error)
	// InterestedParties lists interested parties.
	InterestedParties(ctx context.Context, f PartyFilter) ([]*InterestedParty, int, error)
	// PartyRequirement returns a party's requirement. ENOTFOUND.
	PartyRequirement(ctx context.Context, orgID, id string) (*PartyRequirement, error)
	// PartyRequirements lists every requirement of a party, archived ones
	// included, oldest first.
	PartyRequirements(ctx context.Context, orgID, partyID string) ([]*PartyRequirement, error)

	// LegalRequirement returns a legal requirement. ENOTFOUND.
	LegalRequirement(ctx context.Context, orgID, id string) (*LegalRequirement, error)
	// LegalRequirements lists legal requirements.
	LegalRequirements(ctx context.Context, f LegalFilter) ([]*LegalRequirement, int, error)

	// Objective returns an objective. ENOTFOUND.
	Objective(ctx context.Context, orgID, id string) (*Objective, error)
	// Objectives lists objectives.
	Objectives(ctx context.Context, f ObjectiveFilter) ([]*Objective, int, error)
	// ObjectiveAction returns an objective's action. ENOTFOUND.
	ObjectiveAction(ctx context.Context, orgID, id string) (*ObjectiveAction, error)
	// ObjectiveActions lists every action of an objective, archived ones
	// included, by due date.
	ObjectiveActions(ctx context.Context, orgID, objectiveID string) ([]*ObjectiveAction, error)
	// OverdueActions lists open, active actions of active objectives due
	// before a date, of one owner ("" for any), by due date, at most limit.
	OverdueActions(ctx context.Context, orgID, ownerID string, before Date, limit int) ([]*ObjectiveAction, error)

	// PlannedChange returns a planned change. ENOTFOUND.
	PlannedChange(ctx context.Context, orgID, id string) (*PlannedChange, error)
	// PlannedChanges lists planned changes.
	PlannedChanges(ctx context.Context, f ChangeFilter) ([]*PlannedChange, int, error)

	// Communication returns a line of the communication plan. ENOTFOUND.
	Communication(ctx context.Context, orgID, id string) (*Communication, error)
	// Communications lists the communication plan.
	Communications(ctx context.Context, f CommunicationFilter) ([]*Communication, int, error)

	// ContextIssueRisks lists the risk scenarios linked to a context issue,
	// by title.
	ContextIssueRisks(ctx context.Context, orgID, issueID string) ([]*LinkedRisk, error)
	// RiskContextIssues lists the context issues a risk scenario is linked
	// to, archived ones included, by title.
	RiskContextIssues(ctx context.Context, orgID, riskID string) ([]*LinkedIssue, error)
	// ContextRiskCoverage counts the active context issues and those with
	// no linked risk scenario.
	ContextRiskCoverage(ctx context.Context, orgID string) (ContextRiskCoverage, error)

	// RegisterCounts returns, for every kind in RegisterKinds, the number of
	// active records and of those needing attention on date today.
	RegisterCounts(ctx context.Context, orgID string, today Date) ([]RegisterCount, error)
}

// RegisterWriter changes the registers. Create stores a new record; Update
// saves every field of one (its archive time included) and returns
// ENOTFOUND when it does not exist. Linked sites are replaced as a whole.
// It is part of Tx.
type RegisterWriter interface {
	CreateContextIssue(ctx context.Context, x *ContextIssue) error
	UpdateContextIssue(ctx context.Context, x *ContextIssue) error
	CreateInterestedParty(ctx context.Context, x *InterestedParty) error
	UpdateInterestedParty(ctx context.Context, x *InterestedParty) error
	CreatePartyRequirement(ctx context.Context, x *PartyRequirement) error
	UpdatePartyRequirement(ctx context.Context, x *PartyRequirement) error
	CreateLegalRequirement(ctx context.Context, x *LegalRequirement) error
	UpdateLegalRequirement(ctx context.Context, x *LegalRequirement) error
	CreateObjective(ctx context.Context, x *Objective) error
	UpdateObjective(ctx context.Context, x *Objective) error
	CreateObjectiveAction(ctx context.Context, x *ObjectiveAction) error
	UpdateObjectiveAction(ctx context.Context, x *ObjectiveAction) error
	CreatePlannedChange(ctx context.Context, x *PlannedChange) error
	UpdatePlannedChange(ctx context.Context, x *PlannedChange) error
	CreateCommunication(ctx context.Context, x *Communication) error
	UpdateCommunication(ctx context.Context, x *Communication) error
	// CreateContextIssueRisk links a risk scenario to a context issue.
	// ECONFLICT when the pair is already linked; EINVALID when either
	// record is not of the link's organisation.
	CreateContextIssueRisk(ctx context.Context, l *ContextIssueRisk) error
	// DeleteContextIssueRisk removes a link. ENOTFOUND.
	DeleteContextIssueRisk(ctx context.Context, orgID, issueID, riskID string) error
}
