package bulkhead

import (
	"context"
	"time"
)

// LibraryReader reads the records of issue 5: requirement libraries and compliance assessments. It is part of Reader.
type LibraryReader interface {
	// Libraries lists the libraries an organisation sees: its own imports
	// and the built-in ones (OrgID ""), by name, without Content.
	Libraries(ctx context.Context, orgID string) ([]*Library, error)
	// Library returns a library of the organisation, or a built-in one,
	// with its Content. ENOTFOUND.
	Library(ctx context.Context, orgID, id string) (*Library, error)
	// LibraryByURN returns the organisation's library with that URN, or
	// with orgID "" the built-in one. ENOTFOUND.
	LibraryByURN(ctx context.Context, orgID, urn string) (*Library, error)

	// Assessments lists an organisation's assessments, newest first.
	Assessments(ctx context.Context, orgID string) ([]*Assessment, error)
	// Assessment returns an assessment of an organisation. ENOTFOUND.
	Assessment(ctx context.Context, orgID, id string) (*Assessment, error)
	// AssessmentResults returns the stored answers of an assessment (nodes
	// never answered have no row), by node URN.
	AssessmentResults(ctx context.Context, orgID, assessmentID string) ([]*AssessmentResult, error)

	// EvidenceList lists the evidence of an assessment, or of every
	// assessment of the organisation when assessmentID is "", without
	// Content, oldest first.
	EvidenceList(ctx context.Context, orgID, assessmentID string) ([]*Evidence, error)
	// Evidence returns one evidence item with its Content. ENOTFOUND.
	Evidence(ctx context.Context, orgID, id string) (*Evidence, error)

	// ComplianceActions lists the actions of an assessment, or of every
	// assessment of the organisation when assessmentID is "", by due date.
	ComplianceActions(ctx context.Context, orgID, assessmentID string) ([]*ComplianceAction, error)
	// ComplianceAction returns one action. ENOTFOUND.
	ComplianceAction(ctx context.Context, orgID, id string) (*ComplianceAction, error)
}

// LibraryWriter changes the records of issue 5: requirement libraries and compliance assessments. It is part of Tx.
type LibraryWriter interface {
	// CreateLibrary stores a library. ECONFLICT when the organisation (or,
	// for a built-in, the installation) already has one with its URN.
	CreateLibrary(ctx context.Context, l *Library) error
	// UpdateLibrary replaces a library's metadata, counts and Content
	// (an upgrade to a newer version). ENOTFOUND.
	UpdateLibrary(ctx context.Context, l *Library) error

	// CreateAssessment stores an assessment.
	CreateAssessment(ctx context.Context, x *Assessment) error
	// UpdateAssessment saves an assessment's name, description, groups,
	// sites, status and update time. ENOTFOUND.
	UpdateAssessment(ctx context.Context, x *Assessment) error
	// PutAssessmentResult creates or replaces the answer of one node.
	PutAssessmentResult(ctx context.Context, r *AssessmentResult) error

	// CreateEvidence stores an evidence item with its Content.
	CreateEvidence(ctx context.Context, e *Evidence) error
	// DeleteEvidence removes an evidence item. ENOTFOUND.
	DeleteEvidence(ctx context.Context, orgID, id string) error

	// CreateComplianceAction stores an action.
	CreateComplianceAction(ctx context.Context, c *ComplianceAction) error
	// UpdateComplianceAction saves an action's title, notes, owner, due
	// date, status and times. ENOTFOUND.
	UpdateComplianceAction(ctx context.Context, c *ComplianceAction) error
}

// Library is a stored requirement library: the canonical CISO Assistant
// YAML of what was imported (Content) and the figures shown in lists.
type Library struct {
	ID    string
	OrgID string // "" for a library shipped with Bulkhead
	URN   string
	// Version is the library's version; a library replaces one with the
	// same URN only when its version is higher.
	Version     int
	RefID       string
	Name        string
	Description string
	Provider    string
	Packager    string
	Copyright   string
	Locale      string
	// Objects names what the library publishes, e.g. "framework" or
	// "requirement_mapping_sets risk_matrix", space separated.
	Objects string
	// FrameworkURN is the URN of the library's framework, or "".
	FrameworkURN string
	// NodeCount and AssessableCount count the framework's requirement
	// nodes and those answered in an assessment.
	NodeCount       int
	AssessableCount int
	// Verified, Harmonized and Secondary count assessable nodes by
	// provenance; assessable nodes with no provenance are not counted.
	Verified   int
	Harmonized int
	Secondary  int
	// MappingCount counts the requirement mappings of its mapping sets.
	MappingCount int
	Builtin      bool
	Content      []byte // canonical YAML; nil in lists
	ImportedAt   time.Time
	ImportedBy   string
}

// AssessmentStatus is the state of a compliance assessment.
type AssessmentStatus string

// Assessment statuses.
const (
	AssessmentOpen   AssessmentStatus = "open"
	AssessmentClosed AssessmentStatus = "closed"
)

// Assessment is a compliance assessment of one framework: a scope (groups
// and sites) and, per assessable requirement, an AssessmentResult.
type Assessment struct {
	ID          string
	OrgID       string
	LibraryID   string
	Name        string
	Description string
	// Groups are implementation-group ref IDs of the framework ("" none:
	// every requirement is in scope).
	Groups    []string
	SiteIDs   []string
	Status    AssessmentStatus
	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string
}

// ResultStatus is the answer to one requirement.
type ResultStatus string

// Result statuses.
const (
	ResultNotAssessed   ResultStatus = "not_assessed"
	ResultCompliant     ResultStatus = "compliant"
	ResultPartial       ResultStatus = "partially_compliant"
	ResultNonCompliant  ResultStatus = "non_compliant"
	ResultNotApplicable ResultStatus = "not_applicable"
)

// ResultStatuses lists the statuses in display order.
var ResultStatuses = []ResultStatus{ResultNotAssessed, ResultCompliant, ResultPartial, ResultNonCompliant, ResultNotApplicable}

// Valid reports whether r is a known status.
func (r ResultStatus) Valid() bool {
	for _, x := range ResultStatuses {
		if r == x {
			return true
		}
	}
	return false
}

// AssessmentResult is the answer to one requirement of an assessment.
type AssessmentResult struct {
	OrgID         string
	AssessmentID  string
	NodeURN       string
	Status        ResultStatus
	Notes         string
	Justification string // why a requirement is not applicable
	// Controls names the controls that meet the requirement (free text or
	// links until the risk area's controls can be linked).
	Controls string
	// InferredStatus is a status suggested from a mapped requirement
	// answered in another assessment; it never counts until a user
	// reviews it. "" when there is none.
	InferredStatus ResultStatus
	InferredFrom   string // where the suggestion came from, for the reviewer
	UpdatedAt      time.Time
	UpdatedBy      string
}

// Evidence is a file (bytes kept in the database) or a link supporting a
// requirement of an assessment.
type Evidence struct {
	ID           string
	OrgID        string
	AssessmentID string
	NodeURN      string
	Name         string
	URL          string // for a link; "" for a file
	ContentType  string
	Size         int64
	SHA256       string // hex digest of Content
	Content      []byte // nil in lists
	ValidUntil   *time.Time
	CreatedAt    time.Time
	CreatedBy    string
}

// GapActionStatus is the state of a compliance action.
type GapActionStatus string

// Action statuses.
const (
	GapActionOpen GapActionStatus = "open"
	GapActionDone GapActionStatus = "done"
)

// ComplianceAction is work that closes a gap of an assessment.
type ComplianceAction struct {
	ID           string
	OrgID        string
	AssessmentID string
	NodeURN      string
	Title        string
	Notes        string
	OwnerID      string
	Due          *time.Time
	Status       GapActionStatus
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     *time.Time
}
