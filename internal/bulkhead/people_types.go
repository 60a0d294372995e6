package bulkhead

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Field error codes of the people register (keys "err.<code>" in the
// catalogs).
const (
	FieldExpiryOrder  = "expiry_before_completion" // a training record expires before it was completed
	FieldToOrder      = "to_before_from"           // an assignment ends before it starts
	FieldRACISingleA  = "raci_single_a"            // a process has more than one Accountable role
	FieldLinkUnknown  = "link_unknown"             // a linked record does not exist in the organisation
	FieldUploadSize   = "upload_too_large"         // an evidence file is larger than MaxEvidenceBytes
	FieldUploadType   = "upload_type"              // an evidence file is not a PDF or an image
	FieldUploadLabel  = "upload_mismatch"          // an evidence file's declared type is not what it holds
	FieldRoleNotLocal = "role_site"                // a per-site role assigned without a site, or the reverse
)

// DateLayout is how dates without a time (training completion and expiry,
// assignment periods) are written in forms, the API, CSV and the databases.
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date as midnight UTC.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	return t, err == nil
}

// Day truncates t to its day in UTC.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FormatDate writes a date as YYYY-MM-DD; nil is "".
func FormatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(DateLayout)
}

// MaxEvidenceBytes bounds an uploaded evidence file (10 MiB).
const MaxEvidenceBytes = 10 << 20

// EvidenceTypes are the content types accepted for evidence files, as
// http.DetectContentType names them.
var EvidenceTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}

// Person is someone who works for or with the organisation (ISO 28000 7.1,
// 7.2): own staff or a contractor's, a user of Bulkhead or not.
type Person struct {
	ID         string
	OrgID      string
	Name       string
	Email      string
	JobTitle   string
	Employer   string // "" for own staff, else the contractor's or partner's name
	UserID     string // the member of the organisation this person is, or ""
	SiteIDs    []string
	Notes      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ArchivedAt *time.Time
}

// PersonInput holds the editable fields of a person; nil fields are left
// unchanged on update.
type PersonInput struct {
	Name     *string   `json:"name"`
	Email    *string   `json:"email"`
	JobTitle *string   `json:"job_title"`
	Employer *string   `json:"employer"`
	UserID   *string   `json:"user_id"`
	SiteIDs  *[]string `json:"site_ids"`
	Notes    *string   `json:"notes"`
}

func setTrim(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimSpace(*src)
	}
}

func setPeopleText(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimRight(*src, " \t\r\n")
	}
}

// cleanIDs trims, drops empties and duplicates, and sorts a link list.
func cleanIDs(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Apply copies the set fields of in onto p.
func (in PersonInput) Apply(p *Person) {
	setTrim(&p.Name, in.Name)
	if in.Email != nil {
		p.Email = NormalizeEmail(*in.Email)
	}
	setTrim(&p.JobTitle, in.JobTitle)
	setTrim(&p.Employer, in.Employer)
	setTrim(&p.UserID, in.UserID)
	if in.SiteIDs != nil {
		p.SiteIDs = cleanIDs(*in.SiteIDs)
	}
	setPeopleText(&p.Notes, in.Notes)
}

func checkName(f map[string]string, key, v string, max int) {
	switch {
	case v == "":
		f[key] = FieldRequired
	case len(v) > max:
		f[key] = FieldTooLong
	}
}

func checkLen(f map[string]string, key, v string, max int) {
	if len(v) > max {
		f[key] = FieldTooLong
	}
}

// Validate checks a person's own fields (links are checked by the service).
func (p *Person) Validate() error {
	f := map[string]string{}
	checkName(f, "name", p.Name, 200)
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 254 {
			f["email"] = FieldEmail
		}
	}
	checkLen(f, "job_title", p.JobTitle, 200)
	checkLen(f, "employer", p.Employer, 200)
	checkLen(f, "notes", p.Notes, 10000)
	if len(p.SiteIDs) > 200 {
		f["site_ids"] = FieldTooLong
	}
	return invalidIf(f)
}

func invalidIf(f map[string]string) error {
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// Competence is a skill or qualification a security role needs and a
// course gives (seal handling, threat awareness, PFSO certificate …).
type Competence struct {
	ID          string
	OrgID       string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ArchivedAt  *time.Time
}

// CompetenceInput holds the editable fields of a competence.
type CompetenceInput struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// Apply copies the set fields of in onto c.
func (in CompetenceInput) Apply(c *Competence) {
	setTrim(&c.Name, in.Name)
	setPeopleText(&c.Description, in.Description)
}

// Validate checks a competence.
func (c *Competence) Validate() error {
	f := map[string]string{}
	checkName(f, "name", c.Name, 200)
	checkLen(f, "description", c.Description, 10000)
	return invalidIf(f)
}

// SecurityRole is a role of the security management system with its
// responsibilities and authorities (ISO 28000 5.3): SMS owner, site
// security officer, PFSO, seal custodian, internal auditor …
type SecurityRole struct {
	ID               string
	OrgID            string
	Name             string
	Responsibilities string
	Authorities      string
	CompetenceIDs    []string // competences a holder needs
	PerSite          bool     // every site needs someone in this role
	CreatedAt        time.Time
	UpdatedAt        time.Time
	ArchivedAt       *time.Time
}

// SecurityRoleInput holds the editable fields of a security role.
type SecurityRoleInput struct {
	Name             *string   `json:"name"`
	Responsibilities *string   `json:"responsibilities"`
	Authorities      *string   `json:"authorities"`
	CompetenceIDs    *[]string `json:"competence_ids"`
	PerSite          *bool     `json:"per_site"`
}

// Apply copies the set fields of in onto r.
func (in SecurityRoleInput) Apply(r *SecurityRole) {
	setTrim(&r.Name, in.Name)
	setPeopleText(&r.Responsibilities, in.Responsibilities)
	setPeopleText(&r.Authorities, in.Authorities)
	if in.CompetenceIDs != nil {
		r.CompetenceIDs = cleanIDs(*in.CompetenceIDs)
	}
	if in.PerSite != nil {
		r.PerSite = *in.PerSite
	}
}

// Validate checks a security role.
func (r *SecurityRole) Validate() error {
	f := map[string]string{}
	checkName(f, "name", r.Name, 200)
	checkLen(f, "responsibilities", r.Responsibilities, 10000)
	checkLen(f, "authorities", r.Authorities, 10000)
	if len(r.CompetenceIDs) > 100 {
		f["competence_ids"] = FieldTooLong
	}
	return invalidIf(f)
}

// RoleAssignment puts a person in a security role, at a site when the role
// is needed per site, for a period.
type RoleAssignment struct {
	ID         string
	OrgID      string
	RoleID     string
	PersonID   string
	SiteID     string // "" for an organisation-wide role
	From       time.Time
	To         *time.Time // nil: open-ended
	Notes      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ArchivedAt *time.Time
	// Filled on reads for display.
	RoleName   string
	PersonName string
	SiteName   string
}

// RoleAssignmentInput holds the editable fields of an assignment; dates are
// YYYY-MM-DD, "" for an open end.
type RoleAssignmentInput struct {
	RoleID   *string `json:"role_id"`
	PersonID *string `json:"person_id"`
	SiteID   *string `json:"site_id"`
	From     *string `json:"from"`
	To       *string `json:"to"`
	Notes    *string `json:"notes"`
}

// Apply copies the set fields of in onto a, reporting unreadable dates.
func (in RoleAssignmentInput) Apply(a *RoleAssignment, f map[string]string) {
	setTrim(&a.RoleID, in.RoleID)
	setTrim(&a.PersonID, in.PersonID)
	setTrim(&a.SiteID, in.SiteID)
	if in.From != nil {
		if t, ok := ParseDate(*in.From); ok {
			a.From = t
		} else if strings.TrimSpace(*in.From) == "" {
			a.From = time.Time{}
		} else {
			f["from"] = FieldDate
		}
	}
	if in.To != nil {
		if strings.TrimSpace(*in.To) == "" {
			a.To = nil
		} else if t, ok := ParseDate(*in.To); ok {
			a.To = &t
		} else {
			f["to"] = FieldDate
		}
	}
	setPeopleText(&a.Notes, in.Notes)
}

// Validate checks an assignment's own fields; f may hold date errors from
// Apply.
func (a *RoleAssignment) Validate(f map[string]string) error {
	if a.RoleID == "" {
		f["role_id"] = FieldRequired
	}
	if a.PersonID == "" {
		f["person_id"] = FieldRequired
	}
	if a.From.IsZero() && f["from"] == "" {
		f["from"] = FieldRequired
	}
	if a.To != nil && !a.From.IsZero() && a.To.Before(a.From) && f["to"] == "" {
		f["to"] = FieldToOrder
	}
	checkLen(f, "notes", a.Notes, 10000)
	return invalidIf(f)
}

// CurrentOn reports whether the assignment holds on day.
func (a *RoleAssignment) CurrentOn(day time.Time) bool {
	return a.ArchivedAt == nil && !a.From.After(day) && (a.To == nil || !a.To.Before(day))
}

// Process is an activity of the organisation that the RACI matrix shares
// out between security roles (container stuffing, seal control …).
type Process struct {
	ID          string
	OrgID       string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ArchivedAt  *time.Time
}

// ProcessInput holds the editable fields of a process.
type ProcessInput struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// Apply copies the set fields of in onto p.
func (in ProcessInput) Apply(p *Process) {
	setTrim(&p.Name, in.Name)
	setPeopleText(&p.Description, in.Description)
}

// Validate checks a process.
func (p *Process) Validate() error {
	f := map[string]string{}
	checkName(f, "name", p.Name, 200)
	checkLen(f, "description", p.Description, 10000)
	return invalidIf(f)
}

// RACI values: Responsible, Accountable, Consulted, Informed.
const (
	RACIResponsible = "R"
	RACIAccountable = "A"
	RACIConsulted   = "C"
	RACIInformed    = "I"
)

// RACIValues lists the values of a RACI cell in display order.
var RACIValues = []string{RACIResponsible, RACIAccountable, RACIConsulted, RACIInformed}

// RACICell is one non-empty cell of the RACI matrix.
type RACICell struct {
	ProcessID string `json:"process_id"`
	RoleID    string `json:"role_id"`
	Value     string `json:"value"`
}

// ValidateRACIRow checks one process's row: values from RACIValues, at most
// one Accountable role. Field errors are keyed by role ID.
func ValidateRACIRow(cells map[string]string) error {
	f := map[string]string{}
	var as []string
	for role, v := range cells {
		if v == "" {
			continue
		}
		if !slices.Contains(RACIValues, v) {
			f[role] = FieldChoice
		}
		if v == RACIAccountable {
			as = append(as, role)
		}
	}
	if len(as) > 1 {
		slices.Sort(as)
		for _, r := range as[1:] {
			f[r] = FieldRACISingleA
		}
	}
	return invalidIf(f)
}

// CourseDelivery is how a course is given.
type CourseDelivery string

// Course deliveries.
const (
	DeliveryClassroom CourseDelivery = "classroom"
	DeliveryELearning CourseDelivery = "e_learning"
	DeliveryDrill     CourseDelivery = "drill"
	DeliveryOnTheJob  CourseDelivery = "on_the_job"
)

// CourseDeliveries lists every delivery in display order.
var CourseDeliveries = []CourseDelivery{DeliveryClassroom, DeliveryELearning, DeliveryDrill, DeliveryOnTheJob}

// Course is training that gives competences, once or again every
// RecurrenceMonths months.
type Course struct {
	ID               string
	OrgID            string
	Title            string
	Description      string
	CompetenceIDs    []string
	RecurrenceMonths int // 0: once, never expires by itself
	Delivery         CourseDelivery
	CreatedAt        time.Time
	UpdatedAt        time.Time
	ArchivedAt       *time.Time
}

// CourseInput holds the editable fields of a course.
type CourseInput struct {
	Title            *string   `json:"title"`
	Description      *string   `json:"description"`
	CompetenceIDs    *[]string `json:"competence_ids"`
	RecurrenceMonths *int      `json:"recurrence_months"`
	Delivery         *string   `json:"delivery"`
}

// Apply copies the set fields of in onto c.
func (in CourseInput) Apply(c *Course) {
	setTrim(&c.Title, in.Title)
	setPeopleText(&c.Description, in.Description)
	if in.CompetenceIDs != nil {
		c.CompetenceIDs = cleanIDs(*in.CompetenceIDs)
	}
	if in.RecurrenceMonths != nil {
		c.RecurrenceMonths = *in.RecurrenceMonths
	}
	if in.Delivery != nil {
		c.Delivery = CourseDelivery(strings.TrimSpace(*in.Delivery))
	}
}

// Validate checks a course.
func (c *Course) Validate() error {
	f := map[string]string{}
	checkName(f, "title", c.Title, 200)
	checkLen(f, "description", c.Description, 10000)
	if c.RecurrenceMonths < 0 || c.RecurrenceMonths > 240 {
		f["recurrence_months"] = FieldInvalid
	}
	if c.Delivery == "" {
		f["delivery"] = FieldRequired
	} else if !slices.Contains(CourseDeliveries, c.Delivery) {
		f["delivery"] = FieldChoice
	}
	if len(c.CompetenceIDs) > 100 {
		f["competence_ids"] = FieldTooLong
	}
	return invalidIf(f)
}

// TrainingResult is the outcome of a training record. A failed result gives
// no competence.
type TrainingResult string

// Training results.
const (
	ResultPassed   TrainingResult = "passed"
	ResultAttended TrainingResult = "attended"
	ResultFailed   TrainingResult = "failed"
)

// TrainingResults lists every result in display order.
var TrainingResults = []TrainingResult{ResultPassed, ResultAttended, ResultFailed}

// TrainingRecord is a person's completion of a course, with its expiry and
// evidence.
type TrainingRecord struct {
	ID             string
	OrgID          string
	PersonID       string
	CourseID       string
	Completed      time.Time
	Expires        *time.Time // nil: does not expire
	Result         TrainingResult
	EvidenceNote   string // a note or a link
	EvidenceFileID string // an uploaded file, or ""
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ArchivedAt     *time.Time
	// Filled on reads for display.
	PersonName   string
	CourseTitle  string
	EvidenceName string
}

// TrainingInput holds the editable fields of a training record. An empty
// expiry is derived from the course's recurrence.
type TrainingInput struct {
	PersonID     *string `json:"person_id"`
	CourseID     *string `json:"course_id"`
	Completed    *string `json:"completed"`
	Expires      *string `json:"expires"`
	Result       *string `json:"result"`
	EvidenceNote *string `json:"evidence_note"`
}

// Apply copies the set fields of in onto t, reporting unreadable dates.
// It reports whether an expiry was given explicitly ("" counts as not).
func (in TrainingInput) Apply(t *TrainingRecord, f map[string]string) (expiryGiven bool) {
	setTrim(&t.PersonID, in.PersonID)
	setTrim(&t.CourseID, in.CourseID)
	if in.Completed != nil {
		if d, ok := ParseDate(*in.Completed); ok {
			t.Completed = d
		} else if strings.TrimSpace(*in.Completed) == "" {
			t.Completed = time.Time{}
		} else {
			f["completed"] = FieldDate
		}
	}
	if in.Expires != nil {
		if strings.TrimSpace(*in.Expires) == "" {
			t.Expires = nil
		} else if d, ok := ParseDate(*in.Expires); ok {
			t.Expires, expiryGiven = &d, true
		} else {
			f["expires"] = FieldDate
		}
	}
	if in.Result != nil {
		t.Result = TrainingResult(strings.TrimSpace(*in.Result))
	}
	setPeopleText(&t.EvidenceNote, in.EvidenceNote)
	return expiryGiven
}

// DeriveExpiry sets the expiry from the completion date and a course's
// recurrence (none for a one-off course).
func (t *TrainingRecord) DeriveExpiry(recurrenceMonths int) {
	if recurrenceMonths <= 0 || t.Completed.IsZero() {
		t.Expires = nil
		return
	}
	e := t.Completed.AddDate(0, recurrenceMonths, 0)
	t.Expires = &e
}

// Validate checks a training record's own fields; f may hold date errors
// from Apply.
func (t *TrainingRecord) Validate(f map[string]string) error {
	if t.PersonID == "" {
		f["person_id"] = FieldRequired
	}
	if t.CourseID == "" {
		f["course_id"] = FieldRequired
	}
	if t.Completed.IsZero() && f["completed"] == "" {
		f["completed"] = FieldRequired
	}
	if t.Expires != nil && !t.Completed.IsZero() && t.Expires.Before(t.Completed) && f["expires"] == "" {
		f["expires"] = FieldExpiryOrder
	}
	if t.Result == "" {
		f["result"] = FieldRequired
	} else if !slices.Contains(TrainingResults, t.Result) {
		f["result"] = FieldChoice
	}
	checkLen(f, "evidence_note", t.EvidenceNote, 2000)
	return invalidIf(f)
}

// ExpiryState is where a training record or a competence stands on a day.
type ExpiryState string

// Expiry states. Missing is a gap: required and not held.
const (
	StateValid    ExpiryState = "valid"
	StateExpiring ExpiryState = "expiring" // within ExpiringDays
	StateExpired  ExpiryState = "expired"
	StateMissing  ExpiryState = "missing"
)

// ExpiringDays is how far ahead an expiry counts as "expiring".
const ExpiringDays = 30

// ExpiryStateOn returns the state of an expiry date on day.
func ExpiryStateOn(expires *time.Time, day time.Time) ExpiryState {
	switch {
	case expires == nil:
		return StateValid
	case expires.Before(day):
		return StateExpired
	case !expires.After(day.AddDate(0, 0, ExpiringDays)):
		return StateExpiring
	}
	return StateValid
}

// EvidenceFile is an uploaded file backing a training record, kept in the
// database so that application instances stay stateless.
type EvidenceFile struct {
	ID          string
	OrgID       string
	Name        string // the file name as uploaded, cleaned
	ContentType string // sniffed from the content
	Size        int64
	SHA256      string // hex
	Data        []byte
	CreatedAt   time.Time
}

// MatrixPerson is a row of the competence matrix.
type MatrixPerson struct {
	ID       string
	Name     string
	JobTitle string
	Employer string
}

// MatrixNeed says that a person needs a competence (through a role).
type MatrixNeed struct {
	PersonID     string
	CompetenceID string
}

// MatrixHeld is the latest expiry of a competence a person holds through
// non-failed training (nil: never expires).
type MatrixHeld struct {
	PersonID     string
	CompetenceID string
	Expires      *time.Time
}

// MatrixData is what the store returns for a competence matrix; the
// service turns it into cells.
type MatrixData struct {
	People      []MatrixPerson
	Competences []*Competence // the ones needed by anyone, by name
	Needs       []MatrixNeed
	Held        []MatrixHeld
}

// VacantRole is a per-site role with nobody in it at a site.
type VacantRole struct {
	RoleID   string
	RoleName string
	SiteID   string
	SiteName string
}

// PeopleCounts counts the active records of the people register.
type PeopleCounts struct {
	People, Competences, Roles, Assignments, Processes, Courses, Training int
}

// PeopleFilter selects and orders records of the people register. Only the
// fields a record type knows are used.
type PeopleFilter struct {
	OrgID    string
	Query    string // case-insensitive substring of the names and texts
	Status   string // StatusActive (default), StatusArchived or StatusAll
	SiteID   string
	PersonID string
	CourseID string
	RoleID   string
	Employer string      // people: "own" for own staff, else a substring
	Expiry   ExpiryState // training: valid, expiring or expired on Today
	Today    time.Time
	Sort     string
	Desc     bool
	Limit    int
	Offset   int
}

// Sort keys of the people register's lists; the first is the default.
var (
	PeopleSorts       = []string{"name", "employer", "job_title", "email", "updated_at"}
	CompetenceSorts   = []string{"name", "updated_at"}
	SecurityRoleSorts = []string{"name", "updated_at"}
	AssignmentSorts   = []string{"from", "to", "role", "person"}
	ProcessSorts      = []string{"name", "updated_at"}
	CourseSorts       = []string{"title", "recurrence_months", "delivery", "updated_at"}
	TrainingSorts     = []string{"completed", "expires", "person", "course"}
)

// Normalize validates the filter against the sort keys of its record type
// and fills its defaults.
func (f *PeopleFilter) Normalize(sorts []string) error {
	fe := map[string]string{}
	if f.Status == "" {
		f.Status = StatusActive
	}
	if f.Status != StatusActive && f.Status != StatusArchived && f.Status != StatusAll {
		fe["status"] = FieldChoice
	}
	if f.Sort == "" {
		f.Sort = sorts[0]
	}
	if !slices.Contains(sorts, f.Sort) {
		fe["sort"] = FieldChoice
	}
	switch f.Expiry {
	case "", StateValid, StateExpiring, StateExpired:
	default:
		fe["expiry"] = FieldChoice
	}
	f.Query = strings.TrimSpace(f.Query)
	if len(f.Query) > 200 {
		fe["q"] = FieldTooLong
	}
	f.Employer = strings.TrimSpace(f.Employer)
	for k, v := range map[string]string{"site_id": f.SiteID, "person_id": f.PersonID, "course_id": f.CourseID, "role_id": f.RoleID} {
		if v != "" && !ValidID(v) {
			fe[k] = FieldInvalid
		}
	}
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > MaxPageSize {
		fe["limit"] = FieldInvalid
	}
	if f.Offset < 0 {
		fe["offset"] = FieldInvalid
	}
	if f.Today.IsZero() {
		f.Today = Day(time.Now())
	}
	return invalidIf(fe)
}
