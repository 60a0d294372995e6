package bulkhead

// Compliance is the assessed state of compliance with a requirement.
type Compliance string

// Compliance states.
const (
	Compliant          Compliance = "compliant"
	PartiallyCompliant Compliance = "partially"
	NonCompliant       Compliance = "non_compliant"
	NotAssessed        Compliance = "not_assessed"
)

// Compliances lists the states in display order.
var Compliances = []Compliance{Compliant, PartiallyCompliant, NonCompliant, NotAssessed}

// LegalRequirement is a legal, regulatory or other requirement the
// organisation must meet (ISO 28000 4.2.2), with its owner and review dates.
type LegalRequirement struct {
	Record
	Title        string
	Jurisdiction string // e.g. "EU", "NL", "US"
	Reference    string // e.g. the regulation and article
	Summary      string
	SiteIDs      []string // sites it applies to; empty means every site
	OwnerID      string   // a member; "" for none
	LastReview   Date
	NextReview   Date
	Compliance   Compliance
}

// LegalRequirementInput holds the editable fields of a legal requirement.
// For updates, nil fields are left unchanged.
type LegalRequirementInput struct {
	Title        *string   `json:"title"`
	Jurisdiction *string   `json:"jurisdiction"`
	Reference    *string   `json:"reference"`
	Summary      *string   `json:"summary"`
	SiteIDs      *[]string `json:"site_ids"`
	OwnerID      *string   `json:"owner_id"`
	LastReview   *string   `json:"last_review"`
	NextReview   *string   `json:"next_review"`
	Compliance   *string   `json:"compliance"`
}

// Apply copies the set fields of in onto x.
func (in LegalRequirementInput) Apply(x *LegalRequirement) {
	setText(&x.Title, in.Title)
	setText(&x.Jurisdiction, in.Jurisdiction)
	setText(&x.Reference, in.Reference)
	setLong(&x.Summary, in.Summary)
	if in.SiteIDs != nil {
		x.SiteIDs = IDList(*in.SiteIDs)
	}
	setText(&x.OwnerID, in.OwnerID)
	setDate(&x.LastReview, in.LastReview)
	setDate(&x.NextReview, in.NextReview)
	setEnum(&x.Compliance, in.Compliance)
}

// Validate checks a legal requirement's fields; the next review may not lie
// before the last.
func (x *LegalRequirement) Validate() error {
	c := checks{}
	c.text("title", x.Title, true, 300)
	c.text("jurisdiction", x.Jurisdiction, true, 100)
	c.text("reference", x.Reference, false, 300)
	c.text("summary", x.Summary, false, 10000)
	for _, id := range x.SiteIDs {
		c.id("site_ids", id, false)
	}
	if len(x.SiteIDs) > 500 {
		c["site_ids"] = FieldTooLong
	}
	c.id("owner_id", x.OwnerID, false)
	c.date("last_review", x.LastReview, false)
	c.date("next_review", x.NextReview, false)
	c.order("next_review", x.LastReview, x.NextReview)
	enumCheck(c, "compliance", x.Compliance, Compliances, true)
	return c.err()
}

// Legal requirement sort keys.
var LegalSorts = []string{"title", "jurisdiction", "next_review", "compliance", "updated_at"}

// LegalFilter selects and orders legal requirements.
type LegalFilter struct {
	ListFilter
	Compliance   Compliance
	OwnerID      string
	SiteID       string // requirements that apply to this site (including those for every site)
	ReviewBefore Date   // only requirements whose next review is before this date
}

// Normalize validates the filter and fills its defaults.
func (f *LegalFilter) Normalize() error {
	c := checks{}
	f.normalize(c, LegalSorts)
	enumCheck(c, "compliance", f.Compliance, Compliances, false)
	c.id("owner_id", f.OwnerID, false)
	c.id("site_id", f.SiteID, false)
	c.date("review_before", f.ReviewBefore, false)
	return c.err()
}
