package bulkhead

import (
	"math"
	"strings"
	"time"
)

// IncidentType is a class of the supply-chain security incident taxonomy.
type IncidentType string

// Incident types.
const (
	IncidentCargoTheft       IncidentType = "cargo_theft"
	IncidentTheftFromVehicle IncidentType = "theft_from_vehicle"
	IncidentHijacking        IncidentType = "hijacking"
	IncidentFictitiousPickup IncidentType = "fictitious_pickup"
	IncidentPilferage        IncidentType = "pilferage"
	IncidentSealTampering    IncidentType = "seal_tampering" // seal tampering or seal discrepancy
	IncidentIntrusion        IncidentType = "intrusion"
	IncidentContraband       IncidentType = "contraband_or_stowaway"
	IncidentCounterfeit      IncidentType = "counterfeit"
	IncidentInsider          IncidentType = "insider_misconduct"
	IncidentCyberLogistics   IncidentType = "cyber_logistics_data"
	IncidentPiracy           IncidentType = "piracy_armed_robbery"
	IncidentTemperature      IncidentType = "temperature_excursion"
	IncidentNaturalHazard    IncidentType = "natural_hazard"
	IncidentOther            IncidentType = "other"
)

// IncidentTypes lists the taxonomy in display order.
var IncidentTypes = []IncidentType{IncidentCargoTheft, IncidentTheftFromVehicle, IncidentHijacking, IncidentFictitiousPickup,
	IncidentPilferage, IncidentSealTampering, IncidentIntrusion, IncidentContraband, IncidentCounterfeit, IncidentInsider,
	IncidentCyberLogistics, IncidentPiracy, IncidentTemperature, IncidentNaturalHazard, IncidentOther}

// Valid reports whether t is in the taxonomy.
func (t IncidentType) Valid() bool { return inList(t, IncidentTypes) }

// Severity grades an incident's impact.
type Severity string

// Severities, lowest first.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists the grades, lowest first.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Valid reports whether s is a known grade.
func (s Severity) Valid() bool { return inList(s, Severities) }

// Rank orders grades: 1 for low … 4 for critical, 0 when unknown.
func (s Severity) Rank() int {
	for i, x := range Severities {
		if x == s {
			return i + 1
		}
	}
	return 0
}

// NeedsRootCause reports whether an incident of this grade may be closed
// only with a root cause recorded.
func (s Severity) NeedsRootCause() bool { return s.Rank() >= SeverityHigh.Rank() }

// IncidentStatus is where an incident stands in its handling.
type IncidentStatus string

// Incident statuses, in workflow order. Draft incidents were opened by the
// system (e.g. from a custody discrepancy) and await confirmation.
const (
	IncidentDraft         IncidentStatus = "draft"
	IncidentReported      IncidentStatus = "reported"
	IncidentTriaged       IncidentStatus = "triaged"
	IncidentInvestigating IncidentStatus = "investigating"
	IncidentContained     IncidentStatus = "contained"
	IncidentClosed        IncidentStatus = "closed"
)

// IncidentStatuses lists the statuses in workflow order.
var IncidentStatuses = []IncidentStatus{IncidentDraft, IncidentReported, IncidentTriaged, IncidentInvestigating, IncidentContained, IncidentClosed}

// Valid reports whether s is a known status.
func (s IncidentStatus) Valid() bool { return inList(s, IncidentStatuses) }

func (s IncidentStatus) rank() int {
	for i, x := range IncidentStatuses {
		if x == s {
			return i
		}
	}
	return -1
}

// CanMoveTo reports whether the workflow allows going from s to t: forward
// to any later status (a false alarm may be closed at triage), and from
// closed back to investigating (reopen).
func (s IncidentStatus) CanMoveTo(t IncidentStatus) bool {
	if !t.Valid() || !s.Valid() || t == IncidentDraft {
		return false
	}
	if s == IncidentClosed {
		return t == IncidentInvestigating
	}
	return t.rank() > s.rank()
}

// CauseCategory classifies a root cause.
type CauseCategory string

// Cause categories.
var CauseCategories = []CauseCategory{"people", "process", "technology", "facility", "partner", "external"}

// Valid reports whether c is a known category.
func (c CauseCategory) Valid() bool { return inList(c, CauseCategories) }

// RCAMethods are the root-cause analysis methods offered.
var RCAMethods = []string{"five_whys", "cause_categories"}

// Incident is a security incident of the organisation (ISO 28000 8.6,
// 10.2): what happened, where, its handling and its root cause.
type Incident struct {
	ID           string
	OrgID        string
	Type         IncidentType
	Severity     Severity
	Status       IncidentStatus
	Title        string
	Description  string
	OccurredAt   time.Time
	DetectedAt   time.Time
	ReportedAt   time.Time
	SiteID       string // "" when not at a site of ours
	Lane         string // free text until lanes exist, e.g. "Venlo → Milan"
	ShipmentRef  string
	EquipmentRef string // container or trailer number
	Partner      string // free text until partners exist
	UNLOCODE     string
	Latitude     *float64
	Longitude    *float64
	LossCents    int64  // hundredths of Currency
	Currency     string // ISO 4217, "" when no loss recorded
	ReporterID   string // member who recorded it, "" for imports
	Reporter     string // name of who reported it
	AssigneeID   string
	Source       string // manual, custody, import
	SourceRef    string // the source's reference (discrepancy ID, ASAM reference …)

	// Root cause and lessons.
	RCAMethod           string // five_whys or cause_categories
	CauseCategory       CauseCategory
	RootCause           string
	Whys                string // one "why" a line
	ContributingFactors string
	LessonsLearned      string

	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  *time.Time
}

// Incident sources.
const (
	SourceManual  = "manual"
	SourceCustody = "custody"
	SourceImport  = "import"
)

// IncidentInput holds the editable fields of an incident; nil fields are
// left unchanged. Times are RFC 3339; the loss is a decimal string.
type IncidentInput struct {
	Type                *string  `json:"type"`
	Severity            *string  `json:"severity"`
	Title               *string  `json:"title"`
	Description         *string  `json:"description"`
	OccurredAt          *string  `json:"occurred_at"`
	DetectedAt          *string  `json:"detected_at"`
	ReportedAt          *string  `json:"reported_at"`
	SiteID              *string  `json:"site_id"`
	Lane                *string  `json:"lane"`
	ShipmentRef         *string  `json:"shipment_ref"`
	EquipmentRef        *string  `json:"equipment_ref"`
	Partner             *string  `json:"partner"`
	UNLOCODE            *string  `json:"unlocode"`
	Latitude            *float64 `json:"latitude"`
	Longitude           *float64 `json:"longitude"`
	ClearPosition       bool     `json:"clear_position"`
	Loss                *string  `json:"loss"`
	Currency            *string  `json:"currency"`
	Reporter            *string  `json:"reporter"`
	RCAMethod           *string  `json:"rca_method"`
	CauseCategory       *string  `json:"cause_category"`
	RootCause           *string  `json:"root_cause"`
	Whys                *string  `json:"whys"`
	ContributingFactors *string  `json:"contributing_factors"`
	LessonsLearned      *string  `json:"lessons_learned"`
}

// ParseTime reads a time as RFC 3339, or as the "2006-01-02T15:04" of an
// HTML datetime-local control in loc, or as a bare date (midnight in loc).
func ParseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC().Truncate(time.Microsecond), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ParseMoney reads a non-negative decimal with at most two decimals
// ("1234.5", "1,234.50" is refused to avoid locale confusion) into
// hundredths. ok is false when s is not a number; neg when it is negative.
func ParseMoney(s string) (cents int64, ok, neg bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true, false
	}
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 15 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, false, neg
	}
	var n int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false, neg
		}
	}
	for _, c := range whole {
		n = n*10 + int64(c-'0')
	}
	n *= 100
	switch len(frac) {
	case 1:
		n += int64(frac[0]-'0') * 10
	case 2:
		n += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if neg && n == 0 {
		neg = false
	}
	return n, true, neg
}

// FormatMoney writes hundredths as a decimal with two places.
func FormatMoney(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	s := itoa(cents/100) + "." + string(rune('0'+cents%100/10)) + string(rune('0'+cents%10))
	if neg {
		s = "-" + s
	}
	return s
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Apply copies the set fields of in onto inc, normalising them. Fields that
// do not parse are reported as field errors (times, loss); the rest is
// checked by Validate.
func (in IncidentInput) Apply(inc *Incident, loc *time.Location) map[string]string {
	fe := map[string]string{}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if in.Type != nil {
		inc.Type = IncidentType(strings.TrimSpace(*in.Type))
	}
	if in.Severity != nil {
		inc.Severity = Severity(strings.TrimSpace(*in.Severity))
	}
	set(&inc.Title, in.Title)
	if in.Description != nil {
		inc.Description = strings.TrimRight(*in.Description, " \t\r\n")
	}
	tm := func(name string, dst *time.Time, src *string) {
		if src == nil {
			return
		}
		if strings.TrimSpace(*src) == "" {
			*dst = time.Time{}
			return
		}
		t, ok := ParseTime(*src, loc)
		if !ok {
			fe[name] = FieldInvalid
			return
		}
		*dst = t
	}
	tm("occurred_at", &inc.OccurredAt, in.OccurredAt)
	tm("detected_at", &inc.DetectedAt, in.DetectedAt)
	tm("reported_at", &inc.ReportedAt, in.ReportedAt)
	set(&inc.SiteID, in.SiteID)
	set(&inc.Lane, in.Lane)
	set(&inc.ShipmentRef, in.ShipmentRef)
	if in.EquipmentRef != nil {
		inc.EquipmentRef = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(*in.EquipmentRef), " ", ""))
	}
	set(&inc.Partner, in.Partner)
	if in.UNLOCODE != nil {
		inc.UNLOCODE = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(*in.UNLOCODE), " ", ""))
	}
	if in.ClearPosition {
		inc.Latitude, inc.Longitude = nil, nil
	}
	if in.Latitude != nil {
		v := *in.Latitude
		inc.Latitude = &v
	}
	if in.Longitude != nil {
		v := *in.Longitude
		inc.Longitude = &v
	}
	if in.Loss != nil {
		c, ok, neg := ParseMoney(*in.Loss)
		switch {
		case neg:
			fe["loss"] = FieldNegativeAmount
		case !ok:
			fe["loss"] = FieldInvalid
		default:
			inc.LossCents = c
		}
	}
	if in.Currency != nil {
		inc.Currency = strings.ToUpper(strings.TrimSpace(*in.Currency))
	}
	set(&inc.Reporter, in.Reporter)
	set(&inc.RCAMethod, in.RCAMethod)
	if in.CauseCategory != nil {
		inc.CauseCategory = CauseCategory(strings.TrimSpace(*in.CauseCategory))
	}
	set(&inc.RootCause, in.RootCause)
	set(&inc.Whys, in.Whys)
	set(&inc.ContributingFactors, in.ContributingFactors)
	set(&inc.LessonsLearned, in.LessonsLearned)
	return fe
}

// Field error codes of incidents.
const (
	FieldBeforeOccurred  = "before_occurred"   // detected before it occurred
	FieldBeforeDetected  = "before_detected"   // reported before it was detected
	FieldNegativeAmount  = "negative_amount"   // a loss below zero
	FieldCurrencyCode    = "currency_code"     // not an active ISO 4217 code
	FieldRootCauseNeeded = "root_cause_needed" // closing a high/critical incident without a root cause
	FieldCoordinates     = "coordinates"       // latitude/longitude out of range or one without the other
	FieldInFuture        = "in_future"
	FieldFileTooLarge    = "file_too_large"
	FieldCSVHeader       = "csv_header"
	FieldDuplicate       = "duplicate"
)

// Validate checks an incident's fields against each other. now bounds the
// times (a few minutes of clock skew allowed).
func (inc *Incident) Validate(now time.Time) error {
	f := map[string]string{}
	inc.validateInto(f, now)
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

func (inc *Incident) validateInto(f map[string]string, now time.Time) {
	put := func(k, v string) {
		if _, ok := f[k]; !ok {
			f[k] = v
		}
	}
	if inc.Type == "" {
		put("type", FieldRequired)
	} else if !inc.Type.Valid() {
		put("type", FieldChoice)
	}
	if inc.Severity == "" {
		put("severity", FieldRequired)
	} else if !inc.Severity.Valid() {
		put("severity", FieldChoice)
	}
	if !inc.Status.Valid() {
		put("status", FieldChoice)
	}
	switch {
	case inc.Title == "":
		put("title", FieldRequired)
	case len(inc.Title) > 200:
		put("title", FieldTooLong)
	}
	if len(inc.Description) > 20000 {
		put("description", FieldTooLong)
	}
	future := now.Add(10 * time.Minute)
	if inc.OccurredAt.IsZero() {
		put("occurred_at", FieldRequired)
	} else if inc.OccurredAt.After(future) {
		put("occurred_at", FieldInFuture)
	}
	if inc.DetectedAt.IsZero() {
		put("detected_at", FieldRequired)
	} else if inc.DetectedAt.After(future) {
		put("detected_at", FieldInFuture)
	} else if !inc.OccurredAt.IsZero() && inc.DetectedAt.Before(inc.OccurredAt) {
		put("detected_at", FieldBeforeOccurred)
	}
	if inc.ReportedAt.IsZero() {
		put("reported_at", FieldRequired)
	} else if inc.ReportedAt.After(future) {
		put("reported_at", FieldInFuture)
	} else if !inc.DetectedAt.IsZero() && inc.ReportedAt.Before(inc.DetectedAt) {
		put("reported_at", FieldBeforeDetected)
	}
	if inc.SiteID != "" && !ValidID(inc.SiteID) {
		put("site_id", FieldInvalid)
	}
	for k, v := range map[string]string{"lane": inc.Lane, "shipment_ref": inc.ShipmentRef, "equipment_ref": inc.EquipmentRef,
		"partner": inc.Partner, "reporter": inc.Reporter} {
		if len(v) > 200 {
			put(k, FieldTooLong)
		}
	}
	if inc.UNLOCODE != "" && !ValidUNLOCODE(inc.UNLOCODE) {
		put("unlocode", FieldUNLOCODE)
	}
	if (inc.Latitude == nil) != (inc.Longitude == nil) {
		if inc.Latitude == nil {
			put("latitude", FieldCoordinates)
		} else {
			put("longitude", FieldCoordinates)
		}
	}
	if inc.Latitude != nil && (math.IsNaN(*inc.Latitude) || *inc.Latitude < -90 || *inc.Latitude > 90) {
		put("latitude", FieldCoordinates)
	}
	if inc.Longitude != nil && (math.IsNaN(*inc.Longitude) || *inc.Longitude < -180 || *inc.Longitude > 180) {
		put("longitude", FieldCoordinates)
	}
	if inc.LossCents < 0 {
		put("loss", FieldNegativeAmount)
	}
	if inc.Currency != "" && !ValidCurrency(inc.Currency) {
		put("currency", FieldCurrencyCode)
	} else if inc.Currency == "" && inc.LossCents > 0 {
		put("currency", FieldRequired)
	}
	if inc.RCAMethod != "" && !inList(inc.RCAMethod, RCAMethods) {
		put("rca_method", FieldChoice)
	}
	if inc.CauseCategory != "" && !inc.CauseCategory.Valid() {
		put("cause_category", FieldChoice)
	}
	for k, v := range map[string]string{"root_cause": inc.RootCause, "whys": inc.Whys, "contributing_factors": inc.ContributingFactors, "lessons_learned": inc.LessonsLearned} {
		if len(v) > 10000 {
			put(k, FieldTooLong)
		}
	}
	if inc.Status == IncidentClosed && inc.Severity.NeedsRootCause() && inc.RootCause == "" {
		put("root_cause", FieldRootCauseNeeded)
	}
}

// Month returns the incident's month of occurrence as yyyymm.
func (inc *Incident) Month() int { return MonthOf(inc.OccurredAt) }

// MonthOf returns t's month in UTC as yyyymm.
func MonthOf(t time.Time) int {
	t = t.UTC()
	return t.Year()*100 + int(t.Month())
}

// SearchText is what a text search of incidents matches: the searchable
// fields, ASCII letters lower-cased (as LikePattern folds a query), one a
// line so that a match never spans two fields. Stores keep it in a column
// so that a search reads one value per incident.
func (inc *Incident) SearchText() string {
	var b strings.Builder
	for i, s := range []string{inc.Title, inc.Description, inc.ShipmentRef, inc.EquipmentRef, inc.Lane, inc.Partner, inc.SourceRef} {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j := 0; j < len(s); j++ {
			c := s[j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			} else if c == '\n' {
				c = ' '
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Open reports whether the incident is still being handled.
func (inc *Incident) Open() bool { return inc.Status != IncidentClosed }

// IncidentSort names a column incidents can be sorted by.
type IncidentSort string

// Incident sort keys.
const (
	IncidentSortOccurred IncidentSort = "occurred_at"
	IncidentSortDetected IncidentSort = "detected_at"
	IncidentSortSeverity IncidentSort = "severity"
	IncidentSortType     IncidentSort = "type"
	IncidentSortStatus   IncidentSort = "status"
	IncidentSortLoss     IncidentSort = "loss"
	IncidentSortTitle    IncidentSort = "title"
	IncidentSortUpdated  IncidentSort = "updated_at"
)

// IncidentSorts lists the accepted sort keys.
var IncidentSorts = []IncidentSort{IncidentSortOccurred, IncidentSortDetected, IncidentSortSeverity, IncidentSortType,
	IncidentSortStatus, IncidentSortLoss, IncidentSortTitle, IncidentSortUpdated}

// StatusOpen filters incidents not yet closed.
const StatusOpen = "open"

// IncidentFilter selects and orders incidents of one organisation.
type IncidentFilter struct {
	OrgID      string
	Query      string // case-insensitive substring of title, description, references, lane or partner
	Type       IncidentType
	Severity   Severity
	Status     string // an IncidentStatus, StatusOpen, or "" for all
	SiteID     string
	AssigneeID string
	From, To   time.Time // occurred in [From, To); zero for unbounded
	Sort       IncidentSort
	Desc       bool
	Limit      int
	Offset     int
}

// Normalize validates the filter and fills its defaults (newest first).
func (f *IncidentFilter) Normalize() error {
	fe := map[string]string{}
	if f.Type != "" && !f.Type.Valid() {
		fe["type"] = FieldChoice
	}
	if f.Severity != "" && !f.Severity.Valid() {
		fe["severity"] = FieldChoice
	}
	if f.Status != "" && f.Status != StatusOpen && !IncidentStatus(f.Status).Valid() {
		fe["status"] = FieldChoice
	}
	if f.SiteID != "" && !ValidID(f.SiteID) {
		fe["site_id"] = FieldInvalid
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		fe["to"] = FieldInvalid
	}
	if f.Sort == "" {
		f.Sort, f.Desc = IncidentSortOccurred, true
	}
	if !inList(f.Sort, IncidentSorts) {
		fe["sort"] = FieldChoice
	}
	f.Query = strings.Join(strings.Fields(f.Query), " ")
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

// IncidentStatsFilter selects the incidents the analysis charts count: by
// month of occurrence in [FromMonth, ToMonth] (yyyymm), and optionally one
// type, severity or site.
type IncidentStatsFilter struct {
	OrgID     string
	FromMonth int
	ToMonth   int
	Type      IncidentType
	Severity  Severity
	SiteID    string
}

// IncidentGroup is one bar of an analysis chart: a key (type, site ID, lane
// or yyyymm month), the number of incidents and their losses per currency.
type IncidentGroup struct {
	Key    string
	Count  int
	Losses map[string]int64 // currency → hundredths
}

// IncidentStats are the analysis charts' figures.
type IncidentStats struct {
	Total   int
	Losses  map[string]int64
	ByType  []IncidentGroup
	BySite  []IncidentGroup // Key "" for incidents not at a site
	ByLane  []IncidentGroup // Key "" for incidents without a lane
	ByMonth []IncidentGroup // every month of the range, empty ones included
}

func inList[T comparable](x T, list []T) bool {
	for _, y := range list {
		if x == y {
			return true
		}
	}
	return false
}
