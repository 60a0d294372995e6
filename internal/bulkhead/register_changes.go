package bulkhead

// ChangeStatus is where a planned change stands.
type ChangeStatus string

// Change statuses. Approved and rejected are set only by the approval
// decision, by a member other than the requester.
const (
	ChangeProposed    ChangeStatus = "proposed"
	ChangeApproved    ChangeStatus = "approved"
	ChangeRejected    ChangeStatus = "rejected"
	ChangeImplemented ChangeStatus = "implemented"
	ChangeCancelled   ChangeStatus = "cancelled"
)

// ChangeStatuses lists the statuses in display order.
var ChangeStatuses = []ChangeStatus{ChangeProposed, ChangeApproved, ChangeRejected, ChangeImplemented, ChangeCancelled}

// PlannedChange is a change to the security management system or what it
// covers, planned with a security risk review and approved before it is
// made (ISO 28000 6.3).
type PlannedChange struct {
	Record
	Title        string
	Description  string
	Reason       string
	SiteIDs      []string // affected sites
	Processes    string   // affected processes and activities
	RiskReview   string   // the security risk review's findings
	RiskReviewed bool
	ReviewerID   string // member who reviewed the risks
	RequesterID  string // member who asked for the change
	ApprovedBy   string // member who decided; never the requester
	ApprovedOn   Date
	PlannedDate  Date // planned implementation date
	Status       ChangeStatus
}

// PlannedChangeInput holds the editable fields of a planned change. For
// updates, nil fields are left unchanged. The approval decision is not
// among them: it is its own action (ApproveChange).
type PlannedChangeInput struct {
	Title        *string   `json:"title"`
	Description  *string   `json:"description"`
	Reason       *string   `json:"reason"`
	SiteIDs      *[]string `json:"site_ids"`
	Processes    *string   `json:"processes"`
	RiskReview   *string   `json:"risk_review"`
	RiskReviewed *bool     `json:"risk_reviewed"`
	ReviewerID   *string   `json:"reviewer_id"`
	RequesterID  *string   `json:"requester_id"`
	PlannedDate  *string   `json:"planned_date"`
	Status       *string   `json:"status"`
}

// Apply copies the set fields of in onto x.
func (in PlannedChangeInput) Apply(x *PlannedChange) {
	setText(&x.Title, in.Title)
	setLong(&x.Description, in.Description)
	setLong(&x.Reason, in.Reason)
	if in.SiteIDs != nil {
		x.SiteIDs = IDList(*in.SiteIDs)
	}
	setLong(&x.Processes, in.Processes)
	setLong(&x.RiskReview, in.RiskReview)
	if in.RiskReviewed != nil {
		x.RiskReviewed = *in.RiskReviewed
	}
	setText(&x.ReviewerID, in.ReviewerID)
	setText(&x.RequesterID, in.RequesterID)
	setDate(&x.PlannedDate, in.PlannedDate)
	setEnum(&x.Status, in.Status)
}

// Validate checks a change's fields and the rules of its approval: a risk
// review marked done names its reviewer and findings; a decision names a
// member other than the requester and a date; an implemented change was
// approved first.
func (x *PlannedChange) Validate() error {
	c := checks{}
	c.text("title", x.Title, true, 300)
	c.text("description", x.Description, true, 10000)
	c.text("reason", x.Reason, false, 5000)
	for _, id := range x.SiteIDs {
		c.id("site_ids", id, false)
	}
	if len(x.SiteIDs) > 500 {
		c["site_ids"] = FieldTooLong
	}
	c.text("processes", x.Processes, false, 2000)
	c.text("risk_review", x.RiskReview, x.RiskReviewed, 10000)
	c.id("reviewer_id", x.ReviewerID, x.RiskReviewed)
	c.id("requester_id", x.RequesterID, true)
	c.id("approved_by", x.ApprovedBy, false)
	c.date("approved_on", x.ApprovedOn, false)
	c.date("planned_date", x.PlannedDate, false)
	enumCheck(c, "status", x.Status, ChangeStatuses, true)
	decided := x.Status == ChangeApproved || x.Status == ChangeRejected || x.Status == ChangeImplemented
	if decided {
		if x.ApprovedBy == "" {
			if x.Status == ChangeImplemented {
				c["status"] = FieldNotApproved
			} else {
				c["status"] = FieldApprovalOnly
			}
		} else if x.ApprovedOn == "" {
			c["approved_on"] = FieldRequired
		}
	}
	if x.ApprovedBy != "" && x.ApprovedBy == x.RequesterID {
		c["approved_by"] = FieldSelfApproval
	}
	return c.err()
}

// Planned change sort keys.
var ChangeSorts = []string{"planned_date", "title", "status", "updated_at"}

// ChangeFilter selects and orders planned changes.
type ChangeFilter struct {
	ListFilter
	Status ChangeStatus
	SiteID string
}

// Normalize validates the filter and fills its defaults.
func (f *ChangeFilter) Normalize() error {
	c := checks{}
	f.normalize(c, ChangeSorts)
	enumCheck(c, "status", f.Status, ChangeStatuses, false)
	c.id("site_id", f.SiteID, false)
	return c.err()
}
