package bulkhead

import (
	"strings"
	"time"
)

// DocType is the kind of a controlled document (ISO 28000 7.5).
type DocType string

// Document types.
const (
	DocPolicy          DocType = "policy"
	DocProcedure       DocType = "procedure"
	DocPlan            DocType = "plan"
	DocWorkInstruction DocType = "work_instruction"
	DocRecordTemplate  DocType = "record_template"
	DocForm            DocType = "form"
	DocScope           DocType = "scope" // the scope statement (4.3)
)

// DocTypes lists every document type in display order.
var DocTypes = []DocType{DocPolicy, DocScope, DocProcedure, DocPlan, DocWorkInstruction, DocRecordTemplate, DocForm}

// Valid reports whether t is a known document type.
func (t DocType) Valid() bool { return oneOf(t, DocTypes) }

// docApprovers is who may approve a version of each type of document: the
// security policy and the scope are top management's to approve (ISO 28000
// 5.1, 5.2); the operational documents are the security manager's, with top
// management and the administrator as stand-ins.
var docApprovers = map[DocType][]Role{
	DocPolicy:          {RoleTopManagement},
	DocScope:           {RoleTopManagement},
	DocProcedure:       {RoleSecurityManager, RoleTopManagement, RoleAdmin},
	DocPlan:            {RoleSecurityManager, RoleTopManagement, RoleAdmin},
	DocWorkInstruction: {RoleSecurityManager, RoleTopManagement, RoleAdmin},
	DocRecordTemplate:  {RoleSecurityManager, RoleTopManagement, RoleAdmin},
	DocForm:            {RoleSecurityManager, RoleTopManagement, RoleAdmin},
}

// DocApprovers returns the roles that may approve a version of a document
// of type t.
func DocApprovers(t DocType) []Role { return docApprovers[t] }

// CanApproveDoc reports whether role r may approve documents of type t.
func CanApproveDoc(t DocType, r Role) bool { return oneOf(r, docApprovers[t]) }

// Classification is a document's access classification.
type Classification string

// Access classifications, from the most to the least open.
const (
	ClassPublic       Classification = "public"
	ClassInternal     Classification = "internal"
	ClassConfidential Classification = "confidential"
	ClassRestricted   Classification = "restricted"
)

// Classifications lists every classification, most open first.
var Classifications = []Classification{ClassPublic, ClassInternal, ClassConfidential, ClassRestricted}

// Valid reports whether c is a known classification.
func (c Classification) Valid() bool { return oneOf(c, Classifications) }

// VersionStatus is where a document version stands in its approval
// workflow: draft → in_review → approved → published → obsolete.
type VersionStatus string

// Version statuses.
const (
	VersionDraft     VersionStatus = "draft"
	VersionInReview  VersionStatus = "in_review"
	VersionApproved  VersionStatus = "approved"
	VersionPublished VersionStatus = "published"
	VersionObsolete  VersionStatus = "obsolete"
)

// VersionStatuses lists every version status in workflow order.
var VersionStatuses = []VersionStatus{VersionDraft, VersionInReview, VersionApproved, VersionPublished, VersionObsolete}

// Valid reports whether s is a known version status.
func (s VersionStatus) Valid() bool { return oneOf(s, VersionStatuses) }

func oneOf[T comparable](x T, list []T) bool {
	for _, y := range list {
		if x == y {
			return true
		}
	}
	return false
}

// Document is a controlled document: its metadata. The content lives in its
// versions; the document records which version is the latest and which one
// is published.
type Document struct {
	ID              string
	OrgID           string
	Title           string
	Reference       string // unique in the organisation, e.g. "SEC-POL-001"
	Type            DocType
	OwnerID         string // the member responsible for keeping it current
	Classification  Classification
	AckRequired     bool
	AckRoles        []Role     // roles that must acknowledge; empty: every member
	ReviewMonths    int        // review period; 0: none
	ReviewDue       *time.Time // midnight UTC of the review-due day
	RetentionMonths int        // how long superseded versions are kept; 0: not set
	LatestVersion   int        // number of the newest version; 0: none yet
	LatestStatus    VersionStatus
	PublishedID     string // ID of the published version; "" when none
	PublishedNumber int
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ArchivedAt      *time.Time
}

// MustAcknowledge reports whether members of role r must acknowledge the
// document's published version.
func (d *Document) MustAcknowledge(r Role) bool {
	return d.AckRequired && d.PublishedID != "" && (len(d.AckRoles) == 0 || oneOf(r, d.AckRoles))
}

// ReviewOverdue reports whether the document's review date has passed.
func (d *Document) ReviewOverdue(now time.Time) bool {
	return d.ArchivedAt == nil && d.ReviewDue != nil && d.ReviewDue.Before(now)
}

// DocumentInput holds the editable metadata of a document. For updates, nil
// fields are left unchanged. ReviewDue is a date, YYYY-MM-DD, or "" for none.
type DocumentInput struct {
	Title           *string   `json:"title"`
	Reference       *string   `json:"reference"`
	Type            *string   `json:"type"`
	OwnerID         *string   `json:"owner_id"`
	Classification  *string   `json:"classification"`
	AckRequired     *bool     `json:"ack_required"`
	AckRoles        *[]string `json:"ack_roles"`
	ReviewMonths    *int      `json:"review_months"`
	ReviewDue       *string   `json:"review_due"`
	RetentionMonths *int      `json:"retention_months"`
}

// Apply copies the set fields of in onto d, normalising their form. Fields
// that cannot be read (a malformed date, an unknown role) are returned as
// field errors; the rest are applied.
func (in DocumentInput) Apply(d *Document) map[string]string {
	fe := map[string]string{}
	if in.Title != nil {
		d.Title = strings.TrimSpace(*in.Title)
	}
	if in.Reference != nil {
		d.Reference = strings.ToUpper(strings.TrimSpace(*in.Reference))
	}
	if in.Type != nil {
		d.Type = DocType(strings.TrimSpace(*in.Type))
	}
	if in.OwnerID != nil {
		d.OwnerID = strings.TrimSpace(*in.OwnerID)
	}
	if in.Classification != nil {
		d.Classification = Classification(strings.TrimSpace(*in.Classification))
	}
	if in.AckRequired != nil {
		d.AckRequired = *in.AckRequired
	}
	if in.AckRoles != nil {
		d.AckRoles = nil
		for _, r := range *in.AckRoles {
			r = strings.TrimSpace(r)
			if r == "" {
				continue
			}
			if !Role(r).Valid() {
				fe["ack_roles"] = FieldChoice
				continue
			}
			if !oneOf(Role(r), d.AckRoles) {
				d.AckRoles = append(d.AckRoles, Role(r))
			}
		}
	}
	if in.ReviewMonths != nil {
		d.ReviewMonths = *in.ReviewMonths
	}
	if in.ReviewDue != nil {
		s := strings.TrimSpace(*in.ReviewDue)
		if s == "" {
			d.ReviewDue = nil
		} else if t, err := time.Parse(DateLayout, s); err != nil {
			fe["review_due"] = FieldDate
		} else {
			d.ReviewDue = &t
		}
	}
	if in.RetentionMonths != nil {
		d.RetentionMonths = *in.RetentionMonths
	}
	return fe
}

// Field error codes of documents.
const (
	FieldFileType = "file_type" // the content is not an accepted file type
	FieldFileSize = "file_size" // the file is larger than MaxDocumentFile
	FieldFileName = "file_name" // the name's extension does not match the content
	FieldRange    = "range"     // a number outside its allowed range
	FieldLocked   = "locked"    // a field that can no longer change
)

// Validate checks a document's metadata. (The owner being a member, and the
// review date following publication, are checked by the service, which can
// read them.)
func (d *Document) Validate() map[string]string {
	f := map[string]string{}
	switch {
	case d.Title == "":
		f["title"] = FieldRequired
	case len(d.Title) > 200:
		f["title"] = FieldTooLong
	}
	switch {
	case d.Reference == "":
		f["reference"] = FieldRequired
	case len(d.Reference) > 40:
		f["reference"] = FieldTooLong
	case strings.ContainsAny(d.Reference, " \t\r\n"):
		f["reference"] = FieldInvalid
	}
	if d.Type == "" {
		f["type"] = FieldRequired
	} else if !d.Type.Valid() {
		f["type"] = FieldChoice
	}
	if d.OwnerID == "" {
		f["owner_id"] = FieldRequired
	}
	if d.Classification == "" {
		f["classification"] = FieldRequired
	} else if !d.Classification.Valid() {
		f["classification"] = FieldChoice
	}
	if d.ReviewMonths < 0 || d.ReviewMonths > 120 {
		f["review_months"] = FieldRange
	}
	if d.RetentionMonths < 0 || d.RetentionMonths > 1200 {
		f["retention_months"] = FieldRange
	}
	return f
}

// Exclusion is a part of the organisation's activities left out of the
// management system's scope, with the reason why.
type Exclusion struct {
	Item          string `json:"item"`
	Justification string `json:"justification"`
}

// ScopeDetails are the structured fields of a scope statement's version
// (ISO 28000 4.3), beside its text.
type ScopeDetails struct {
	SiteIDs    []string    `json:"site_ids"`
	Activities []string    `json:"activities"`
	Segments   []string    `json:"segments"` // supply-chain segments in scope
	Exclusions []Exclusion `json:"exclusions"`
}

// Validate checks the scope's fields: each exclusion needs a justification.
func (s *ScopeDetails) Validate(f map[string]string) {
	for _, list := range [][]string{s.Activities, s.Segments} {
		for _, x := range list {
			if len(x) > 500 {
				f["scope"] = FieldTooLong
			}
		}
	}
	for _, e := range s.Exclusions {
		if e.Item == "" || e.Justification == "" {
			f["exclusions"] = FieldRequired
		}
		if len(e.Item) > 500 || len(e.Justification) > 2000 {
			f["exclusions"] = FieldTooLong
		}
	}
}

// DocumentVersion is one version of a controlled document: Markdown text or
// an uploaded file, and its trail through the approval workflow. A version
// past draft is never edited.
type DocumentVersion struct {
	ID         string
	OrgID      string
	DocumentID string
	Number     int
	Status     VersionStatus
	Body       string // Markdown; "" when the version is a file
	Note       string // what changed
	FileName   string
	FileType   string // media type, from the content
	FileSize   int64
	FileSHA256 string // hex
	Scope      *ScopeDetails
	AuthorID   string
	CreatedAt  time.Time
	UpdatedAt  time.Time

	SubmittedBy  string
	SubmittedAt  *time.Time
	ApprovedBy   string
	ApprovedRole Role // the approver's role when approving
	ApprovedAt   *time.Time
	PublishedBy  string
	PublishedAt  *time.Time
	ObsoletedAt  *time.Time
}

// HasFile reports whether the version's content is an uploaded file.
func (v *DocumentVersion) HasFile() bool { return v.FileSHA256 != "" }

// VersionInput is the content of a new or edited draft version: Markdown,
// or a file (File set, Body ignored), plus a change note and, for a scope
// statement, its structured fields.
type VersionInput struct {
	Body     *string       `json:"body"`
	Note     *string       `json:"note"`
	Scope    *ScopeDetails `json:"scope"`
	File     []byte        `json:"-"`
	FileName string        `json:"-"`
}

// DocumentAck is a member's acknowledgement that they have read a published
// version (ISO 28000 7.3).
type DocumentAck struct {
	OrgID      string
	DocumentID string
	VersionID  string
	UserID     string
	At         time.Time
}

// DocumentSort names a column documents can be sorted by.
type DocumentSort string

// Document sort keys.
const (
	DocSortTitle     DocumentSort = "title"
	DocSortReference DocumentSort = "reference"
	DocSortType      DocumentSort = "type"
	DocSortReview    DocumentSort = "review_due"
	DocSortUpdated   DocumentSort = "updated_at"
)

// DocumentSorts lists the accepted sort keys.
var DocumentSorts = []DocumentSort{DocSortTitle, DocSortReference, DocSortType, DocSortReview, DocSortUpdated}

// DocumentFilter selects and orders documents of one organisation.
type DocumentFilter struct {
	OrgID          string
	Query          string // case-insensitive substring of title or reference
	Type           DocType
	State          VersionStatus // status of the latest version
	Classification Classification
	OwnerID        string
	Status         string           // StatusActive (default), StatusArchived or StatusAll
	Classes        []Classification // set by the service: the classifications the reader may see
	ReviewBefore   *time.Time       // only documents due for review before this time
	AckRequired    bool             // only published documents that require acknowledgement
	Published      bool             // only documents with a published version
	Sort           DocumentSort
	Desc           bool
	Limit          int
	Offset         int
}

// Normalize validates the filter and fills its defaults.
func (f *DocumentFilter) Normalize() error {
	fe := map[string]string{}
	if f.Status == "" {
		f.Status = StatusActive
	}
	if f.Status != StatusActive && f.Status != StatusArchived && f.Status != StatusAll {
		fe["status"] = FieldChoice
	}
	if f.Type != "" && !f.Type.Valid() {
		fe["type"] = FieldChoice
	}
	if f.State != "" && !f.State.Valid() {
		fe["state"] = FieldChoice
	}
	if f.Classification != "" && !f.Classification.Valid() {
		fe["classification"] = FieldChoice
	}
	if f.Sort == "" {
		f.Sort = DocSortTitle
	}
	if !oneOf(f.Sort, DocumentSorts) {
		fe["sort"] = FieldChoice
	}
	f.Query = strings.TrimSpace(f.Query)
	if len(f.Query) > 200 {
		fe["q"] = FieldTooLong
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
	if len(fe) > 0 {
		return Invalid(fe)
	}
	return nil
}
