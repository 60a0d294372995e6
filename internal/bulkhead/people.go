package bulkhead

import (
	"context"
	"time"
)

// PeopleReader reads the people register and what hangs on it (ISO 28000
// 5.3 security roles and their assignments, 7.1/7.2 courses, training
// records and competences). It is part of Reader. Every method takes the
// organisation's ID and treats a record of another organisation as missing;
// single-record reads return ENOTFOUND.
type PeopleReader interface {
	// Person returns a person with their site IDs. ENOTFOUND.
	Person(ctx context.Context, orgID, id string) (*Person, error)
	// People returns one page of people and the total that match. The
	// filter must be normalised (PeopleSorts).
	People(ctx context.Context, f PeopleFilter) ([]*Person, int, error)
	// PersonByUser returns the active person linked to a user. ENOTFOUND.
	PersonByUser(ctx context.Context, orgID, userID string) (*Person, error)
	// Competence returns a competence. ENOTFOUND.
	Competence(ctx context.Context, orgID, id string) (*Competence, error)
	// Competences returns one page of competences (CompetenceSorts).
	Competences(ctx context.Context, f PeopleFilter) ([]*Competence, int, error)
	// SecurityRole returns a security role with its required competences. ENOTFOUND.
	SecurityRole(ctx context.Context, orgID, id string) (*SecurityRole, error)
	// SecurityRoles returns one page of security roles (SecurityRoleSorts).
	SecurityRoles(ctx context.Context, f PeopleFilter) ([]*SecurityRole, int, error)
	// RoleAssignment returns an assignment. ENOTFOUND.
	RoleAssignment(ctx context.Context, orgID, id string) (*RoleAssignment, error)
	// RoleAssignments returns one page of assignments, filtered by role,
	// person and site (AssignmentSorts), with names filled.
	RoleAssignments(ctx context.Context, f PeopleFilter) ([]*RoleAssignment, int, error)
	// Process returns a process. ENOTFOUND.
	Process(ctx context.Context, orgID, id string) (*Process, error)
	// Processes returns one page of processes (ProcessSorts).
	Processes(ctx context.Context, f PeopleFilter) ([]*Process, int, error)
	// RACI returns every RACI cell of the organisation.
	RACI(ctx context.Context, orgID string) ([]RACICell, error)
	// Course returns a course with the competences it gives. ENOTFOUND.
	Course(ctx context.Context, orgID, id string) (*Course, error)
	// Courses returns one page of courses (CourseSorts).
	Courses(ctx context.Context, f PeopleFilter) ([]*Course, int, error)
	// TrainingRecord returns a training record with names filled. ENOTFOUND.
	TrainingRecord(ctx context.Context, orgID, id string) (*TrainingRecord, error)
	// TrainingRecords returns one page of training records, filtered by
	// person, course, site and expiry state (TrainingSorts), names filled.
	TrainingRecords(ctx context.Context, f PeopleFilter) ([]*TrainingRecord, int, error)
	// EvidenceFile returns an uploaded evidence file with its bytes. ENOTFOUND.
	EvidenceFile(ctx context.Context, orgID, id string) (*EvidenceFile, error)
	// CompetenceMatrix returns what the competence matrix of a site (all
	// sites when siteID is "") is made of, as of the day today, in a few
	// set-based queries.
	CompetenceMatrix(ctx context.Context, orgID, siteID string, today time.Time) (*MatrixData, error)
	// ExpiringTraining returns, for each person and course, the latest
	// active training record that expires on or before the day until
	// (superseded records left out), with names filled.
	ExpiringTraining(ctx context.Context, orgID string, until time.Time) ([]*TrainingRecord, error)
	// VacantSiteRoles returns, for each active per-site security role and
	// each active site, the pairs with nobody assigned on the day today.
	VacantSiteRoles(ctx context.Context, orgID string, today time.Time) ([]VacantRole, error)
	// PeopleSites maps the user ID of every active person linked to a user
	// to the IDs of the sites they work at.
	PeopleSites(ctx context.Context, orgID string) (map[string][]string, error)
	// PeopleCounts counts the active records of the register.
	PeopleCounts(ctx context.Context, orgID string) (PeopleCounts, error)
}

// PeopleWriter changes the people register. It is part of Tx. Updates save
// every field, including the link lists, and return ENOTFOUND for a missing
// record.
type PeopleWriter interface {
	CreatePerson(ctx context.Context, p *Person) error
	UpdatePerson(ctx context.Context, p *Person) error
	CreateCompetence(ctx context.Context, c *Competence) error
	UpdateCompetence(ctx context.Context, c *Competence) error
	CreateSecurityRole(ctx context.Context, r *SecurityRole) error
	UpdateSecurityRole(ctx context.Context, r *SecurityRole) error
	CreateRoleAssignment(ctx context.Context, a *RoleAssignment) error
	UpdateRoleAssignment(ctx context.Context, a *RoleAssignment) error
	CreateProcess(ctx context.Context, p *Process) error
	UpdateProcess(ctx context.Context, p *Process) error
	// SetRACI replaces the RACI cells of one process.
	SetRACI(ctx context.Context, orgID, processID string, cells []RACICell) error
	CreateCourse(ctx context.Context, c *Course) error
	UpdateCourse(ctx context.Context, c *Course) error
	CreateTrainingRecord(ctx context.Context, t *TrainingRecord) error
	UpdateTrainingRecord(ctx context.Context, t *TrainingRecord) error
	// CreateEvidenceFile stores an uploaded file.
	CreateEvidenceFile(ctx context.Context, f *EvidenceFile) error
}
