package bulkhead

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ContainerNumber checks an ISO 6346 container (equipment) number: three
// letters of owner code, a category letter (U, J or Z), six digits of
// serial and a check digit. It returns the number in its compact form
// (upper case, no spaces or dashes), whether it has that shape, and whether
// the check digit is right. A wrong check digit is reported, never
// corrected: the record keeps the number as written.
func ContainerNumber(s string) (norm string, wellFormed, checkOK bool) {
	norm = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "/", "").Replace(strings.TrimSpace(s)))
	if len(norm) != 11 {
		return norm, false, false
	}
	for i := range 11 {
		c := norm[i]
		switch {
		case i < 3 && (c < 'A' || c > 'Z'):
			return norm, false, false
		case i == 3 && c != 'U' && c != 'J' && c != 'Z':
			return norm, false, false
		case i > 3 && (c < '0' || c > '9'):
			return norm, false, false
		}
	}
	return norm, true, ContainerCheckDigit(norm[:10]) == int(norm[10]-'0')
}

// ContainerCheckDigit computes the ISO 6346 check digit of the first ten
// characters of a container number: letters count 10 upwards skipping
// multiples of 11, each character is weighted by 2 to the power of its
// position, and the sum modulo 11 (10 read as 0) is the digit.
func ContainerCheckDigit(first10 string) int {
	sum := 0
	for i := 0; i < len(first10) && i < 10; i++ {
		c := first10[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = 10 + int(c-'A')
			v += (v - 1) / 10 // 11, 22 and 33 are skipped
		}
		sum += v << i
	}
	return sum % 11 % 10
}

// SealClass is the ISO 17712 class of a mechanical seal: indicative,
// security or high security.
type SealClass string

// Seal classes.
const (
	SealIndicative   SealClass = "I"
	SealSecurity     SealClass = "S"
	SealHighSecurity SealClass = "H"
)

// SealClasses, SealTypes and SealSources list the allowed values; the type
// and source codes are those of the DCSA reference data.
var (
	SealClasses = []SealClass{SealHighSecurity, SealSecurity, SealIndicative}
	SealTypes   = []string{"BLT", "WIR", "KLP"}               // bolt, wire, keyless padlock
	SealSources = []string{"CAR", "SHI", "CUS", "PHY", "VET"} // carrier, shipper, customs, phytosanitary, veterinary
)

// SealStatus is where a seal is in its life.
type SealStatus string

// Seal states: issued from a site's stock, affixed to equipment, verified
// (checked in place), then removed (authorised), broken (found or made
// broken without authorisation) or destroyed.
const (
	SealIssued    SealStatus = "issued"
	SealAffixed   SealStatus = "affixed"
	SealVerified  SealStatus = "verified"
	SealRemoved   SealStatus = "removed"
	SealBroken    SealStatus = "broken"
	SealDestroyed SealStatus = "destroyed"
)

// SealStatuses lists the states in life order.
var SealStatuses = []SealStatus{SealIssued, SealAffixed, SealVerified, SealRemoved, SealBroken, SealDestroyed}

// SealAction is a transition of a seal.
type SealAction string

// Seal actions.
const (
	SealActIssue   SealAction = "issue"
	SealActAffix   SealAction = "affix"
	SealActVerify  SealAction = "verify"
	SealActRemove  SealAction = "remove"
	SealActBreak   SealAction = "break"
	SealActDestroy SealAction = "destroy"
)

// SealActions lists the transitions a user may record (issue is the
// creation of the seal).
var SealActions = []SealAction{SealActAffix, SealActVerify, SealActRemove, SealActBreak, SealActDestroy}

// SealMethods are the ways of verifying a seal in place (the VVTT
// practice): look at it, check its number, pull it, twist it.
var SealMethods = []string{"view", "verify", "tug", "twist"}

// sealNext maps each action to the states it may start from and the state
// it leads to.
var sealNext = map[SealAction]struct {
	from []SealStatus
	to   SealStatus
}{
	SealActAffix:   {[]SealStatus{SealIssued}, SealAffixed},
	SealActVerify:  {[]SealStatus{SealAffixed, SealVerified}, SealVerified},
	SealActRemove:  {[]SealStatus{SealAffixed, SealVerified}, SealRemoved},
	SealActBreak:   {[]SealStatus{SealAffixed, SealVerified}, SealBroken},
	SealActDestroy: {[]SealStatus{SealIssued, SealRemoved, SealBroken}, SealDestroyed},
}

// Next returns the state action leads to from st, and false when the
// action is not allowed from st.
func (st SealStatus) Next(action SealAction) (SealStatus, bool) {
	n, ok := sealNext[action]
	if !ok {
		return st, false
	}
	for _, f := range n.from {
		if f == st {
			return n.to, true
		}
	}
	return st, false
}

// Seal is a mechanical freight-container seal (ISO 17712) held in a site's
// stock and then used on equipment.
type Seal struct {
	ID           string
	OrgID        string
	SiteID       string // the site whose stock it came from
	Number       string
	Class        SealClass
	Type         string
	Source       string
	Manufacturer string
	Status       SealStatus
	Equipment    string // container number it is affixed to, as written
	// EquipmentCheckOK is false when Equipment is not a well-formed ISO
	// 6346 number with a right check digit: flagged, never corrected.
	EquipmentCheckOK bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// SealInput holds the fields of a new seal.
type SealInput struct {
	SiteID       *string `json:"site_id"`
	Number       *string `json:"number"`
	Class        *string `json:"class"`
	Type         *string `json:"type"`
	Source       *string `json:"source"`
	Manufacturer *string `json:"manufacturer"`
}

// Seal returns a seal built from the input, normalised.
func (in SealInput) Seal() *Seal {
	get := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}
	return &Seal{SiteID: get(in.SiteID), Number: strings.ToUpper(get(in.Number)), Class: SealClass(strings.ToUpper(get(in.Class))),
		Type: strings.ToUpper(get(in.Type)), Source: strings.ToUpper(get(in.Source)), Manufacturer: get(in.Manufacturer), EquipmentCheckOK: true}
}

// Validate checks a seal's fields. EINVALID with field errors.
func (s *Seal) Validate() error {
	f := map[string]string{}
	switch {
	case s.SiteID == "":
		f["site_id"] = FieldRequired
	}
	switch {
	case s.Number == "":
		f["number"] = FieldRequired
	case len(s.Number) > 40:
		f["number"] = FieldTooLong
	case !validSealNumber(s.Number):
		f["number"] = FieldInvalid
	}
	if !oneOf(s.Class, SealClasses) {
		f["class"] = FieldChoice
	}
	if !oneOf(s.Type, SealTypes) {
		f["type"] = FieldChoice
	}
	if !oneOf(s.Source, SealSources) {
		f["source"] = FieldChoice
	}
	if utf8.RuneCountInString(s.Manufacturer) > 200 {
		f["manufacturer"] = FieldTooLong
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// SealEvent is one entry of a seal's log: a transition, where and by whom,
// and the EPCIS event that records it in the repository.
type SealEvent struct {
	ID               string
	OrgID            string
	SealID           string
	At               time.Time
	Action           SealAction
	SiteID           string
	Method           string // verification method
	ObservedNumber   string // the number read on the seal when verifying
	Equipment        string
	EquipmentCheckOK bool
	Authorized       bool // a removal someone authorised
	ActorName        string
	Note             string
	EPCISEventID     string
}

// SealEventInput is a transition to record.
type SealEventInput struct {
	Action         string    `json:"action"`
	SiteID         string    `json:"site_id"`
	At             time.Time `json:"at"` // when it happened; now when zero
	Equipment      string    `json:"equipment"`
	Method         string    `json:"method"`
	ObservedNumber string    `json:"observed_number"`
	Authorized     bool      `json:"authorized"`
	Note           string    `json:"note"`
}

// SealFilter selects seals.
type SealFilter struct {
	OrgID  string
	SiteID string
	Status SealStatus
	Number string // exact number
	Limit  int
}

// DiscrepancyKind says what went wrong in the chain of custody.
type DiscrepancyKind string

// Discrepancy kinds.
const (
	DiscSealMismatch     DiscrepancyKind = "seal_mismatch"     // the number read differs from the one affixed
	DiscSealBroken       DiscrepancyKind = "seal_broken"       // broken or removed without authorisation
	DiscInspectionFailed DiscrepancyKind = "inspection_failed" // an inspection point failed
	DiscCustodyGap       DiscrepancyKind = "custody_gap"       // no custody event for too long
	DiscEquipmentCheck   DiscrepancyKind = "equipment_check"   // a container number with a wrong check digit
)

// DiscrepancyKinds lists the kinds.
var DiscrepancyKinds = []DiscrepancyKind{DiscSealMismatch, DiscSealBroken, DiscInspectionFailed, DiscCustodyGap, DiscEquipmentCheck}

// Discrepancy is something in the chain of custody that needs follow-up:
// what, where, the evidence (EPCIS eventIDs), who follows it up, and how
// it was closed. IncidentID links the incident opened for it, if any.
type Discrepancy struct {
	ID         string
	OrgID      string
	SiteID     string
	Kind       DiscrepancyKind
	Summary    string
	SealID     string
	Evidence   []string
	Open       bool
	AssigneeID string
	Resolution string
	IncidentID string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ClosedAt   *time.Time
}

// DiscrepancyFilter selects discrepancies.
type DiscrepancyFilter struct {
	OrgID      string
	SiteID     string
	SealID     string
	OpenOnly   bool
	AssigneeID string
	// Evidence selects the discrepancies whose evidence names any of
	// these EPCIS eventIDs.
	Evidence []string
	Limit    int
}
