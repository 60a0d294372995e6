package bulkhead

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ShipmentMode is how a shipment travels.
type ShipmentMode string

// Shipment modes.
const (
	ModeSea        ShipmentMode = "sea"
	ModeRoad       ShipmentMode = "road"
	ModeRail       ShipmentMode = "rail"
	ModeAir        ShipmentMode = "air"
	ModeMultimodal ShipmentMode = "multimodal"
)

// ShipmentModes lists the modes in display order.
var ShipmentModes = []ShipmentMode{ModeSea, ModeRoad, ModeRail, ModeAir, ModeMultimodal}

// ShipmentStatus is where a shipment is in its life.
type ShipmentStatus string

// Shipment states: planned, then in transit, then delivered; a planned or
// moving shipment may be cancelled.
const (
	ShipmentPlanned   ShipmentStatus = "planned"
	ShipmentInTransit ShipmentStatus = "in_transit"
	ShipmentDelivered ShipmentStatus = "delivered"
	ShipmentCancelled ShipmentStatus = "cancelled"
)

// ShipmentStatuses lists the states in life order.
var ShipmentStatuses = []ShipmentStatus{ShipmentPlanned, ShipmentInTransit, ShipmentDelivered, ShipmentCancelled}

// shipmentNext maps each state to the states it may move to.
var shipmentNext = map[ShipmentStatus][]ShipmentStatus{
	ShipmentPlanned:   {ShipmentInTransit, ShipmentCancelled},
	ShipmentInTransit: {ShipmentDelivered, ShipmentCancelled},
}

// CanMoveTo reports whether a shipment in state st may move to next.
func (st ShipmentStatus) CanMoveTo(next ShipmentStatus) bool {
	return slices.Contains(shipmentNext[st], next)
}

// NextStatuses returns the states a shipment in st may move to.
func (st ShipmentStatus) NextStatuses() []ShipmentStatus { return shipmentNext[st] }

// Shipment limits.
const (
	MaxShipmentEquipment = 50
	MaxShipmentEPCs      = 200
	MaxShipmentSeals     = 10
)

// ShipmentEquipment is a container or trailer of a shipment with the seal
// numbers expected on it. Number is kept as written (compacted to upper
// case without spaces); CheckOK is false when it is not a well-formed ISO
// 6346 number with the right check digit: flagged, never corrected.
type ShipmentEquipment struct {
	Number  string   `json:"number"`
	CheckOK bool     `json:"check_ok"`
	Seals   []string `json:"seals"`
}

// EPC returns the equipment's EPC (urn:epc:id:bic:…) when its number is a
// well-formed ISO 6346 number, else "".
func (e ShipmentEquipment) EPC() string {
	if norm, ok, _ := ContainerNumber(e.Number); ok {
		return "urn:epc:id:bic:" + norm
	}
	return ""
}

// Shipment is a movement of goods from an origin to a destination (UN/LOCODEs)
// by a mode, with its carrier and other parties (as text until partners are
// records), the equipment it travels in with the expected seals, and any
// other EPCs (SSCC pallets, SGTIN items) whose custody events belong to it.
type Shipment struct {
	ID          string
	OrgID       string
	Reference   string
	Origin      string // UN/LOCODE
	Destination string // UN/LOCODE
	Mode        ShipmentMode
	Carrier     string
	Parties     string // other parties (forwarder, consignee, …) as text
	Departure   string // planned departure date, YYYY-MM-DD, or ""
	Arrival     string // planned arrival date, YYYY-MM-DD, or ""
	Status      ShipmentStatus
	SiteID      string // site of origin, optional
	Notes       string
	Equipment   []ShipmentEquipment
	EPCs        []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ArchivedAt  *time.Time
}

// EquipmentInput is one container or trailer as given.
type EquipmentInput struct {
	Number string   `json:"number"`
	Seals  []string `json:"seals"`
}

// ShipmentInput holds the editable fields of a shipment. For updates, nil
// fields are left unchanged. Status and Archived are changes of state,
// checked against the allowed transitions.
type ShipmentInput struct {
	Reference   *string           `json:"reference"`
	Origin      *string           `json:"origin"`
	Destination *string           `json:"destination"`
	Mode        *string           `json:"mode"`
	Carrier     *string           `json:"carrier"`
	Parties     *string           `json:"parties"`
	Departure   *string           `json:"departure"`
	Arrival     *string           `json:"arrival"`
	SiteID      *string           `json:"site_id"`
	Notes       *string           `json:"notes"`
	Equipment   *[]EquipmentInput `json:"equipment"`
	EPCs        *[]string         `json:"epcs"`
	Status      *string           `json:"status"`
	Archived    *bool             `json:"archived"`
}

// compactCode upper-cases a code and drops spaces.
func compactCode(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// Apply copies the set fields of in (except Status and Archived) onto s,
// normalising their form. Equipment numbers are compacted and their ISO 6346
// check recorded.
func (in ShipmentInput) Apply(s *Shipment) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if in.Reference != nil {
		s.Reference = strings.TrimSpace(*in.Reference)
	}
	if in.Origin != nil {
		s.Origin = compactCode(*in.Origin)
	}
	if in.Destination != nil {
		s.Destination = compactCode(*in.Destination)
	}
	if in.Mode != nil {
		s.Mode = ShipmentMode(strings.ToLower(strings.TrimSpace(*in.Mode)))
	}
	set(&s.Carrier, in.Carrier)
	set(&s.Parties, in.Parties)
	set(&s.Departure, in.Departure)
	set(&s.Arrival, in.Arrival)
	set(&s.SiteID, in.SiteID)
	if in.Notes != nil {
		s.Notes = strings.TrimRight(*in.Notes, " \t\r\n")
	}
	if in.Equipment != nil {
		s.Equipment = nil
		for _, e := range *in.Equipment {
			norm, wellFormed, checkOK := ContainerNumber(e.Number)
			eq := ShipmentEquipment{Number: norm, CheckOK: wellFormed && checkOK, Seals: []string{}}
			for _, sn := range e.Seals {
				if sn = strings.ToUpper(strings.TrimSpace(sn)); sn != "" {
					eq.Seals = append(eq.Seals, sn)
				}
			}
			s.Equipment = append(s.Equipment, eq)
		}
	}
	if in.EPCs != nil {
		s.EPCs = nil
		for _, e := range *in.EPCs {
			if e = strings.TrimSpace(e); e != "" {
				s.EPCs = append(s.EPCs, e)
			}
		}
	}
}

// ParseEquipmentLines reads equipment as typed in a form: one container or
// trailer per line, its number first and then the expected seal numbers,
// separated by spaces, commas or semicolons.
func ParseEquipmentLines(text string) []EquipmentInput {
	var out []EquipmentInput
	for line := range strings.SplitSeq(text, "\n") {
		f := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\r' })
		if len(f) == 0 {
			continue
		}
		// A container number typed in groups ("MSKU 907032 3") is joined
		// back: owner code and category first, then digits.
		num, rest := f[0], f[1:]
		if len(num) == 4 && !isDigits(num[:1]) {
			for len(rest) > 0 && isDigits(rest[0]) && len(num)+len(rest[0]) <= 11 {
				num, rest = num+rest[0], rest[1:]
			}
		}
		out = append(out, EquipmentInput{Number: num, Seals: rest})
	}
	return out
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// EquipmentLines writes equipment back in the form's format.
func EquipmentLines(eq []ShipmentEquipment) string {
	var b strings.Builder
	for _, e := range eq {
		b.WriteString(e.Number)
		for _, s := range e.Seals {
			b.WriteString(" " + s)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// validSealNumber reports whether s has the shape of a seal number: up to
// 40 capital letters, digits and hyphens (seals and the seals a shipment
// expects alike).
func validSealNumber(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Validate checks a shipment's fields. EINVALID with field errors. EPCs
// are checked (and normalised) by the service, which knows their syntax.
func (s *Shipment) Validate() error {
	f := map[string]string{}
	switch {
	case s.Reference == "":
		f["reference"] = FieldRequired
	case utf8.RuneCountInString(s.Reference) > 100:
		f["reference"] = FieldTooLong
	}
	for k, v := range map[string]string{"origin": s.Origin, "destination": s.Destination} {
		switch {
		case v == "":
			f[k] = FieldRequired
		case !ValidUNLOCODE(v):
			f[k] = FieldUNLOCODE
		}
	}
	if s.Mode == "" {
		f["mode"] = FieldRequired
	} else if !slices.Contains(ShipmentModes, s.Mode) {
		f["mode"] = FieldChoice
	}
	if !slices.Contains(ShipmentStatuses, s.Status) {
		f["status"] = FieldChoice
	}
	if utf8.RuneCountInString(s.Carrier) > 200 {
		f["carrier"] = FieldTooLong
	}
	if utf8.RuneCountInString(s.Parties) > 2000 {
		f["parties"] = FieldTooLong
	}
	var dep, arr time.Time
	var err error
	if s.Departure != "" {
		if dep, err = time.Parse(time.DateOnly, s.Departure); err != nil {
			f["departure"] = FieldDate
		}
	}
	if s.Arrival != "" {
		if arr, err = time.Parse(time.DateOnly, s.Arrival); err != nil {
			f["arrival"] = FieldDate
		}
	}
	if !dep.IsZero() && !arr.IsZero() && arr.Before(dep) {
		f["arrival"] = FieldDateOrder
	}
	if len(s.SiteID) > 64 {
		f["site_id"] = FieldInvalid
	}
	if len(s.Notes) > 10000 {
		f["notes"] = FieldTooLong
	}
	seen := map[string]bool{}
	if len(s.Equipment) > MaxShipmentEquipment {
		f["equipment"] = FieldTooLong
	}
	for _, e := range s.Equipment {
		switch {
		case e.Number == "" || len(e.Number) > 20:
			f["equipment"] = FieldInvalid
		case seen[e.Number]:
			f["equipment"] = FieldDuplicate
		case len(e.Seals) > MaxShipmentSeals:
			f["equipment"] = FieldTooLong
		}
		seen[e.Number] = true
		for _, sn := range e.Seals {
			if !validSealNumber(sn) {
				f["equipment"] = FieldSealNumber
			}
		}
	}
	if len(s.EPCs) > MaxShipmentEPCs {
		f["epcs"] = FieldTooLong
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// Field error codes of shipments (besides the shared ones).
const (
	FieldSealNumber = "seal_number" // not a seal number
	FieldTransition = "transition"  // a status change the shipment's state does not allow
)

// ShipmentFieldCodes lists the field error codes shipments use beyond the
// foundation's, so that the catalogs can be checked for their messages.
var ShipmentFieldCodes = []string{FieldDateOrder, FieldDate, FieldDuplicate, FieldSealNumber, FieldTransition, FieldUnknownSite}

// ShipmentSort names a column shipments can be sorted by.
type ShipmentSort string

// Shipment sort keys.
const (
	ShipmentSortReference   ShipmentSort = "reference"
	ShipmentSortStatus      ShipmentSort = "status"
	ShipmentSortMode        ShipmentSort = "mode"
	ShipmentSortOrigin      ShipmentSort = "origin"
	ShipmentSortDestination ShipmentSort = "destination"
	ShipmentSortDeparture   ShipmentSort = "departure"
	ShipmentSortArrival     ShipmentSort = "arrival"
	ShipmentSortUpdated     ShipmentSort = "updated_at"
)

// ShipmentSorts lists the accepted sort keys.
var ShipmentSorts = []ShipmentSort{ShipmentSortReference, ShipmentSortStatus, ShipmentSortMode, ShipmentSortOrigin,
	ShipmentSortDestination, ShipmentSortDeparture, ShipmentSortArrival, ShipmentSortUpdated}

// ShipmentFilter selects and orders shipments of one organisation.
type ShipmentFilter struct {
	OrgID       string
	Query       string // case-insensitive substring of reference, carrier, parties, notes or an equipment number
	Status      ShipmentStatus
	Mode        ShipmentMode
	Origin      string
	Destination string
	Equipment   string // exact equipment number
	Archived    string // StatusActive (default), StatusArchived or StatusAll
	Sort        ShipmentSort
	Desc        bool
	Limit       int
	Offset      int
}

// Normalize validates the filter and fills its defaults.
func (f *ShipmentFilter) Normalize() error {
	fe := map[string]string{}
	if f.Archived == "" {
		f.Archived = StatusActive
	}
	if f.Archived != StatusActive && f.Archived != StatusArchived && f.Archived != StatusAll {
		fe["archived"] = FieldChoice
	}
	if f.Status != "" && !slices.Contains(ShipmentStatuses, f.Status) {
		fe["status"] = FieldChoice
	}
	if f.Mode != "" && !slices.Contains(ShipmentModes, f.Mode) {
		fe["mode"] = FieldChoice
	}
	f.Origin, f.Destination = compactCode(f.Origin), compactCode(f.Destination)
	if f.Origin != "" && !ValidUNLOCODE(f.Origin) {
		fe["origin"] = FieldUNLOCODE
	}
	if f.Destination != "" && !ValidUNLOCODE(f.Destination) {
		fe["destination"] = FieldUNLOCODE
	}
	f.Equipment = compactCode(f.Equipment)
	if f.Sort == "" {
		f.Sort = ShipmentSortUpdated
		f.Desc = true
	}
	if !slices.Contains(ShipmentSorts, f.Sort) {
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
