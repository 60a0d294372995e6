package bulkhead

// Origin says whether an issue or a communication concerns the inside or
// the outside of the organisation.
type Origin string

// Origins.
const (
	OriginInternal Origin = "internal"
	OriginExternal Origin = "external"
)

// Origins lists both origins.
var Origins = []Origin{OriginInternal, OriginExternal}

// IssueCategory groups context issues (PESTLE plus supply chain and the
// organisation itself).
type IssueCategory string

// Issue categories.
const (
	IssuePolitical      IssueCategory = "political"
	IssueEconomic       IssueCategory = "economic"
	IssueSocial         IssueCategory = "social"
	IssueTechnological  IssueCategory = "technological"
	IssueLegal          IssueCategory = "legal"
	IssueEnvironmental  IssueCategory = "environmental"
	IssueSupplyChain    IssueCategory = "supply_chain"
	IssueOrganisational IssueCategory = "organisational"
)

// IssueCategories lists the categories in display order.
var IssueCategories = []IssueCategory{IssuePolitical, IssueEconomic, IssueSocial, IssueTechnological, IssueLegal, IssueEnvironmental, IssueSupplyChain, IssueOrganisational}

// ContextIssue is an internal or external issue that affects the security
// management system (ISO 28000 4.1). The risk scenarios that consider it
// (6.1) are linked to it by ContextIssueRisk.
type ContextIssue struct {
	Record
	Origin      Origin
	Category    IssueCategory
	Title       string
	Description string
	Effect      string // how the issue affects the SMS
	ReviewDate  Date   // when the issue is next looked at again
}

// ContextIssueInput holds the editable fields of a context issue. For
// updates, nil fields are left unchanged.
type ContextIssueInput struct {
	Origin      *string `json:"origin"`
	Category    *string `json:"category"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Effect      *string `json:"effect"`
	ReviewDate  *string `json:"review_date"`
}

// Apply copies the set fields of in onto x.
func (in ContextIssueInput) Apply(x *ContextIssue) {
	setEnum(&x.Origin, in.Origin)
	setEnum(&x.Category, in.Category)
	setText(&x.Title, in.Title)
	setLong(&x.Description, in.Description)
	setLong(&x.Effect, in.Effect)
	setDate(&x.ReviewDate, in.ReviewDate)
}

// Validate checks a context issue's fields.
func (x *ContextIssue) Validate() error {
	c := checks{}
	enumCheck(c, "origin", x.Origin, Origins, true)
	enumCheck(c, "category", x.Category, IssueCategories, true)
	c.text("title", x.Title, true, 200)
	c.text("description", x.Description, false, 10000)
	c.text("effect", x.Effect, false, 10000)
	c.date("review_date", x.ReviewDate, false)
	return c.err()
}

// Context issue sort keys.
var ContextIssueSorts = []string{"title", "category", "origin", "review_date", "updated_at"}

// ContextIssueFilter selects and orders context issues.
type ContextIssueFilter struct {
	ListFilter
	Origin       Origin
	Category     IssueCategory
	ReviewBefore Date // only issues whose review date is before this date
	Unlinked     bool // only issues no risk scenario is linked to (4.1 → 6.1)
}

// Normalize validates the filter and fills its defaults.
func (f *ContextIssueFilter) Normalize() error {
	c := checks{}
	f.normalize(c, ContextIssueSorts)
	enumCheck(c, "origin", f.Origin, Origins, false)
	enumCheck(c, "category", f.Category, IssueCategories, false)
	c.date("review_before", f.ReviewBefore, false)
	return c.err()
}
