package bulkhead

// PartyType is the kind of an interested party.
type PartyType string

// Party types.
const (
	PartyCustomer          PartyType = "customer"
	PartyCustomsRegulator  PartyType = "customs_regulator"
	PartyAuthority         PartyType = "authority"
	PartyInsurer           PartyType = "insurer"
	PartyEmployees         PartyType = "employees"
	PartyBusinessPartner   PartyType = "business_partner"
	PartySupplier          PartyType = "supplier"
	PartyCommunity         PartyType = "community"
	PartyCertificationBody PartyType = "certification_body"
	PartyOwner             PartyType = "owner"
	PartyOther             PartyType = "other"
)

// PartyTypes lists the party types in display order.
var PartyTypes = []PartyType{PartyCustomer, PartyCustomsRegulator, PartyAuthority, PartyInsurer, PartyEmployees, PartyBusinessPartner,
	PartySupplier, PartyCommunity, PartyCertificationBody, PartyOwner, PartyOther}

// InterestedParty is a person or organisation whose needs bear on the
// security management system (ISO 28000 4.2.1). Its requirements are child
// records.
type InterestedParty struct {
	Record
	Type    PartyType
	Name    string
	Contact string
	Notes   string
}

// InterestedPartyInput holds the editable fields of a party. For updates,
// nil fields are left unchanged.
type InterestedPartyInput struct {
	Type    *string `json:"type"`
	Name    *string `json:"name"`
	Contact *string `json:"contact"`
	Notes   *string `json:"notes"`
}

// Apply copies the set fields of in onto x.
func (in InterestedPartyInput) Apply(x *InterestedParty) {
	setEnum(&x.Type, in.Type)
	setText(&x.Name, in.Name)
	setLong(&x.Contact, in.Contact)
	setLong(&x.Notes, in.Notes)
}

// Validate checks a party's fields.
func (x *InterestedParty) Validate() error {
	c := checks{}
	enumCheck(c, "type", x.Type, PartyTypes, true)
	c.text("name", x.Name, true, 200)
	c.text("contact", x.Contact, false, 1000)
	c.text("notes", x.Notes, false, 10000)
	return c.err()
}

// Interested party sort keys.
var PartySorts = []string{"name", "type", "updated_at"}

// PartyFilter selects and orders interested parties.
type PartyFilter struct {
	ListFilter
	Type PartyType
}

// Normalize validates the filter and fills its defaults.
func (f *PartyFilter) Normalize() error {
	c := checks{}
	f.normalize(c, PartySorts)
	enumCheck(c, "type", f.Type, PartyTypes, false)
	return c.err()
}

// RequirementSource says where a party's requirement comes from.
type RequirementSource string

// Requirement sources.
const (
	SourceLegal       RequirementSource = "legal"
	SourceContractual RequirementSource = "contractual"
	SourceVoluntary   RequirementSource = "voluntary"
)

// RequirementSources lists the sources in display order.
var RequirementSources = []RequirementSource{SourceLegal, SourceContractual, SourceVoluntary}

// PartyRequirement is one need or expectation of an interested party, and
// whether and how the SMS addresses it.
type PartyRequirement struct {
	Record
	PartyID     string
	Source      RequirementSource
	Description string
	Addressed   bool
	How         string // how the SMS addresses it
}

// PartyRequirementInput holds the editable fields of a requirement. For
// updates, nil fields are left unchanged.
type PartyRequirementInput struct {
	Source      *string `json:"source"`
	Description *string `json:"description"`
	Addressed   *bool   `json:"addressed"`
	How         *string `json:"how"`
}

// Apply copies the set fields of in onto x.
func (in PartyRequirementInput) Apply(x *PartyRequirement) {
	setEnum(&x.Source, in.Source)
	setLong(&x.Description, in.Description)
	if in.Addressed != nil {
		x.Addressed = *in.Addressed
	}
	setLong(&x.How, in.How)
}

// Validate checks a requirement's fields: one the SMS addresses says how.
func (x *PartyRequirement) Validate() error {
	c := checks{}
	enumCheck(c, "source", x.Source, RequirementSources, true)
	c.text("description", x.Description, true, 5000)
	c.text("how", x.How, x.Addressed, 5000)
	return c.err()
}
