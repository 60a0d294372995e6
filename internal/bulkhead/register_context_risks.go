package bulkhead

import "time"

// KindContextIssueRisk is the audit trail's object type of a link between a
// context issue and a risk scenario.
const KindContextIssueRisk = "context_issue_risk"

// ContextIssueRisk links a context issue (4.1) to a risk scenario of the
// risk register (6.1) that considers it. A pair is linked at most once;
// both records belong to the link's organisation.
type ContextIssueRisk struct {
	OrgID     string
	IssueID   string
	RiskID    string // the scenario's ID
	CreatedAt time.Time
}

// ContextIssueRiskInput is a request to link a risk scenario to a context
// issue.
type ContextIssueRiskInput struct {
	RiskID *string `json:"risk_id"`
}

// LinkedRisk is a risk scenario as a context issue's page lists it: the
// scenario's title, its current rating and level, its residual level, its
// treatment decision and the status of its assessment.
type LinkedRisk struct {
	RiskID           string
	Title            string
	AssessmentID     string
	AssessmentTitle  string
	AssessmentStatus RiskAssessmentStatus
	Current          Rating
	CurrentLevel     int // 0-based level of the assessment's matrix; -1 when not rated
	ResidualLevel    int
	Treatment        Treatment
	LinkedAt         time.Time
	// The names of the current and residual levels in the assessment's
	// matrix ("" when not rated); the service fills them.
	CurrentLevelName  string
	ResidualLevelName string
}

// LinkedIssue is a context issue as a risk scenario's page lists it.
type LinkedIssue struct {
	IssueID    string
	Title      string
	Origin     Origin
	Category   IssueCategory
	ReviewDate Date
	ArchivedAt *time.Time
	LinkedAt   time.Time
}

// ContextRiskCoverage is how many active context issues an organisation
// holds and how many of them no risk scenario is linked to.
type ContextRiskCoverage struct {
	Issues   int
	Unlinked int
}
