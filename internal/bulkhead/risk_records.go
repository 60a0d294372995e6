package bulkhead

import (
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Field error codes of the risk records (keys "err.<code>" in the risk
// catalogs).
const (
	FieldRiskScale     = "risk_scale"     // a rating outside the assessment's matrix
	FieldRiskScore     = "risk_score"     // a method score outside its range
	FieldRiskDate      = "risk_date"      // not a YYYY-MM-DD date
	FieldRiskAuthority = "risk_authority" // the role may not accept this risk
	FieldRiskURL       = "risk_url"       // not an http(s) link
	FieldRiskPast      = "risk_past"      // a date that must lie in the future
	FieldRiskMatrix    = "risk_matrix"    // a malformed risk matrix
)

// ThreatFamily groups the threat catalogue.
type ThreatFamily string

// Threat families.
const (
	FamilyPhysical     ThreatFamily = "physical"
	FamilyPersonnel    ThreatFamily = "personnel"
	FamilyCyber        ThreatFamily = "cyber"
	FamilyCargo        ThreatFamily = "cargo"
	FamilyNatural      ThreatFamily = "natural"
	FamilyGeopolitical ThreatFamily = "geopolitical"
)

// ThreatFamilies lists every family in display order.
var ThreatFamilies = []ThreatFamily{FamilyPhysical, FamilyPersonnel, FamilyCyber, FamilyCargo, FamilyNatural, FamilyGeopolitical}

// Valid reports whether f is a known family.
func (f ThreatFamily) Valid() bool { return slices.Contains(ThreatFamilies, f) }

// Threat is an entry of the organisation's threat catalogue.
type Threat struct {
	ID          string
	OrgID       string
	Ref         string // short reference, unique in the organisation, e.g. "T-CARGO-01"
	Name        string
	Family      ThreatFamily
	Description string
	URN         string // the CISO Assistant URN it was imported from, if any
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ThreatInput holds the editable fields of a threat; nil fields are left
// unchanged.
type ThreatInput struct {
	Ref         *string `json:"ref"`
	Name        *string `json:"name"`
	Family      *string `json:"family"`
	Description *string `json:"description"`
}

// Apply copies the set fields of in onto t.
func (in ThreatInput) Apply(t *Threat) {
	if in.Ref != nil {
		t.Ref = strings.TrimSpace(*in.Ref)
	}
	if in.Name != nil {
		t.Name = strings.TrimSpace(*in.Name)
	}
	if in.Family != nil {
		t.Family = ThreatFamily(strings.TrimSpace(*in.Family))
	}
	if in.Description != nil {
		t.Description = strings.TrimRight(*in.Description, " \t\r\n")
	}
}

// Validate checks a threat's fields.
func (t *Threat) Validate() error {
	f := map[string]string{}
	riskText(f, "ref", t.Ref, 50, false)
	riskText(f, "name", t.Name, 200, true)
	if t.Family == "" {
		f["family"] = FieldRequired
	} else if !t.Family.Valid() {
		f["family"] = FieldChoice
	}
	riskText(f, "description", t.Description, 10000, false)
	return riskInvalidIf(f)
}

// text checks a text field's presence and length.
func riskText(f map[string]string, name, v string, max int, required bool) {
	switch {
	case required && v == "":
		f[name] = FieldRequired
	case len(v) > max:
		f[name] = FieldTooLong
	}
}

func riskInvalidIf(f map[string]string) error {
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// MatrixLevel is one probability, impact or risk level of a matrix.
type MatrixLevel struct {
	Abbrev      string `json:"abbreviation"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Colour      string `json:"colour,omitempty"` // #rrggbb, risk levels only
}

// RiskMatrix is a likelihood × consequence grid whose cells are risk
// levels, of any size. Levels are ordered from lowest to highest; ratings
// are 1-based indexes into Likelihood and Consequence.
type RiskMatrix struct {
	ID          string        `json:"id"`
	OrgID       string        `json:"-"`
	Ref         string        `json:"ref"`
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	URN         string        `json:"urn,omitempty"`
	Likelihood  []MatrixLevel `json:"likelihood"`
	Consequence []MatrixLevel `json:"consequence"`
	Levels      []MatrixLevel `json:"levels"`
	// Grid[l][c] is the 0-based risk level of likelihood l+1 and
	// consequence c+1.
	Grid      [][]int   `json:"grid"`
	CreatedAt time.Time `json:"-"`
}

var hexColourRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate checks the matrix's shape: 2 to 10 likelihood and consequence
// levels, 2 to 10 risk levels with colours, a full grid of known levels.
func (m *RiskMatrix) Validate() error {
	f := map[string]string{}
	riskText(f, "name", m.Name, 200, true)
	scale := func(name string, ls []MatrixLevel, colours bool) {
		if len(ls) < 2 || len(ls) > 10 {
			f[name] = FieldRiskMatrix
			return
		}
		for _, l := range ls {
			if strings.TrimSpace(l.Name) == "" || len(l.Name) > 100 || len(l.Abbrev) > 20 || (colours && !hexColourRE.MatchString(l.Colour)) {
				f[name] = FieldRiskMatrix
			}
		}
	}
	scale("likelihood", m.Likelihood, false)
	scale("consequence", m.Consequence, false)
	scale("levels", m.Levels, true)
	if len(f) == 0 {
		if len(m.Grid) != len(m.Likelihood) {
			f["grid"] = FieldRiskMatrix
		}
		for _, row := range m.Grid {
			if len(row) != len(m.Consequence) {
				f["grid"] = FieldRiskMatrix
			}
			for _, v := range row {
				if v < 0 || v >= len(m.Levels) {
					f["grid"] = FieldRiskMatrix
				}
			}
		}
	}
	return riskInvalidIf(f)
}

// Level returns the 0-based risk level of a rating, or -1 when the rating
// is unset or outside the matrix.
func (m *RiskMatrix) Level(r Rating) int {
	if !m.InScale(r) || r.Likelihood == 0 {
		return -1
	}
	return m.Grid[r.Likelihood-1][r.Consequence-1]
}

// InScale reports whether r is unset (0, 0) or lies inside the matrix.
func (m *RiskMatrix) InScale(r Rating) bool {
	if r.Likelihood == 0 && r.Consequence == 0 {
		return true
	}
	return r.Likelihood >= 1 && r.Likelihood <= len(m.Likelihood) && r.Consequence >= 1 && r.Consequence <= len(m.Consequence)
}

// LevelName returns the name of a 0-based level, or "" for -1.
func (m *RiskMatrix) LevelName(level int) string {
	if level < 0 || level >= len(m.Levels) {
		return ""
	}
	return m.Levels[level].Name
}

// RiskSettings are an organisation's risk settings.
type RiskSettings struct {
	OrgID string
	// Appetite is the highest 0-based risk level the organisation accepts
	// without a formal acceptance. On a matrix with fewer levels it is
	// clamped to the matrix's highest level but one.
	Appetite int
	// MatrixID is the default matrix of new assessments: a built-in key
	// ("5x5", "3x3") or the ID of an imported matrix.
	MatrixID  string
	UpdatedAt time.Time
}

// AppetiteFor returns the appetite level on matrix m.
func (s *RiskSettings) AppetiteFor(m *RiskMatrix) int {
	return max(0, min(s.Appetite, len(m.Levels)-2))
}

// RiskAssessmentStatus is where an assessment is in its workflow.
type RiskAssessmentStatus string

// RiskAssessment statuses: draft → in review → approved (and back to draft to
// revise).
const (
	RiskDraft    RiskAssessmentStatus = "draft"
	RiskInReview RiskAssessmentStatus = "in_review"
	RiskApproved RiskAssessmentStatus = "approved"
)

// RiskAssessmentStatuses lists every status in workflow order.
var RiskAssessmentStatuses = []RiskAssessmentStatus{RiskDraft, RiskInReview, RiskApproved}

// RiskMethod is how an assessment rates its scenarios.
type RiskMethod string

// Risk methods.
const (
	MethodMatrix RiskMethod = "matrix" // likelihood × consequence on the matrix
	MethodTVC    RiskMethod = "tvc"    // threat × vulnerability × consequence scores
	MethodCarver RiskMethod = "carver" // CARVER + Shock for critical nodes
	MethodFAIR   RiskMethod = "fair"   // quantitative, with the Monte Carlo engine
)

// RiskMethods lists every method.
var RiskMethods = []RiskMethod{MethodMatrix, MethodTVC, MethodCarver, MethodFAIR}

// RiskAssessment is a risk assessment: a scope rated with one method on one
// matrix by an assessor.
type RiskAssessment struct {
	ID         string
	OrgID      string
	Title      string
	Scope      string
	SiteID     string // the site assessed, when it is one site
	Method     RiskMethod
	Matrix     *RiskMatrix // a copy of the matrix chosen at creation
	AssessorID string
	Date       time.Time // the assessment date (midnight UTC)
	Status     RiskAssessmentStatus
	NextReview *time.Time
	ApprovedBy string
	ApprovedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// RiskAssessmentInput holds the editable fields of an assessment.
type RiskAssessmentInput struct {
	Title      *string `json:"title"`
	Scope      *string `json:"scope"`
	SiteID     *string `json:"site_id"`
	Method     *string `json:"method"`
	Matrix     *string `json:"matrix"` // on creation only: "5x5", "3x3" or an imported matrix's ID
	AssessorID *string `json:"assessor_id"`
	Date       *string `json:"date"`        // YYYY-MM-DD
	NextReview *string `json:"next_review"` // YYYY-MM-DD or ""
}

// ParseRiskDate reads a YYYY-MM-DD date as midnight UTC.
func ParseRiskDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return t, err == nil
}

// Apply copies the set fields of in onto a, recording malformed dates in f.
func (in RiskAssessmentInput) Apply(a *RiskAssessment, f map[string]string) {
	if in.Title != nil {
		a.Title = strings.TrimSpace(*in.Title)
	}
	if in.Scope != nil {
		a.Scope = strings.TrimRight(*in.Scope, " \t\r\n")
	}
	if in.SiteID != nil {
		a.SiteID = strings.TrimSpace(*in.SiteID)
	}
	if in.Method != nil {
		a.Method = RiskMethod(strings.TrimSpace(*in.Method))
	}
	if in.AssessorID != nil {
		a.AssessorID = strings.TrimSpace(*in.AssessorID)
	}
	if in.Date != nil {
		if d, ok := ParseRiskDate(*in.Date); ok {
			a.Date = d
		} else {
			f["date"] = FieldRiskDate
		}
	}
	if in.NextReview != nil {
		if strings.TrimSpace(*in.NextReview) == "" {
			a.NextReview = nil
		} else if d, ok := ParseRiskDate(*in.NextReview); ok {
			a.NextReview = &d
		} else {
			f["next_review"] = FieldRiskDate
		}
	}
}

// Validate checks an assessment's own fields (references are checked by the
// service). f holds errors found while applying input.
func (a *RiskAssessment) Validate(f map[string]string) error {
	riskText(f, "title", a.Title, 200, true)
	riskText(f, "scope", a.Scope, 10000, false)
	if a.Method == "" {
		f["method"] = FieldRequired
	} else if !slices.Contains(RiskMethods, a.Method) {
		f["method"] = FieldChoice
	}
	if a.Date.IsZero() && f["date"] == "" {
		f["date"] = FieldRequired
	}
	if a.NextReview != nil && !a.Date.IsZero() && a.NextReview.Before(a.Date) {
		f["next_review"] = FieldRiskPast
	}
	if !slices.Contains(RiskAssessmentStatuses, a.Status) {
		f["status"] = FieldChoice
	}
	return riskInvalidIf(f)
}

// TargetType is the kind of thing a scenario threatens. Sites exist now;
// lanes, processes, partners and assets join as their registers arrive: a
// new target type is a constant here, a CHECK value in the migration and a
// lookup in the service's target resolver.
type TargetType string

// Target types.
const (
	TargetSite TargetType = "site"
)

// TargetTypes lists the target types that can be chosen today.
var TargetTypes = []TargetType{TargetSite}

// Rating is a likelihood and a consequence on a matrix, 1-based; 0, 0 is
// not rated.
type Rating struct {
	Likelihood  int `json:"likelihood"`
	Consequence int `json:"consequence"`
}

// Rated reports whether the rating is set.
func (r Rating) Rated() bool { return r.Likelihood > 0 }

// Treatment is the decision taken on a scenario.
type Treatment string

// Treatment decisions.
const (
	TreatNone     Treatment = ""
	TreatAvoid    Treatment = "avoid"
	TreatReduce   Treatment = "reduce"
	TreatTransfer Treatment = "transfer"
	TreatAccept   Treatment = "accept"
)

// Treatments lists the decisions (without "not decided").
var Treatments = []Treatment{TreatAvoid, TreatReduce, TreatTransfer, TreatAccept}

// TVCScores are Threat, Vulnerability and Consequence scores, each 1–5.
// Normalised risk = T·V·C / 125 in (0, 1]; on the matrix, likelihood comes
// from the geometric mean √(T·V) and consequence from C, each mapped
// linearly from 1–5 onto the matrix's scale and rounded half up.
type TVCScores struct {
	Threat        int `json:"threat"`
	Vulnerability int `json:"vulnerability"`
	Consequence   int `json:"consequence"`
}

// CarverScores are the seven CARVER + Shock criteria of a critical node,
// each 1–10.
type CarverScores struct {
	Node            string `json:"node"`
	Criticality     int    `json:"criticality"`
	Accessibility   int    `json:"accessibility"`
	Recuperability  int    `json:"recuperability"`
	Vulnerability   int    `json:"vulnerability"`
	Effect          int    `json:"effect"`
	Recognizability int    `json:"recognizability"`
	Shock           int    `json:"shock"`
}

// Total is the sum of the seven criteria (7–70).
func (c *CarverScores) Total() int {
	return c.Criticality + c.Accessibility + c.Recuperability + c.Vulnerability + c.Effect + c.Recognizability + c.Shock
}

// Scenario is a risk: a threat against a target, rated before any control
// (inherent), with today's controls (current) and after treatment
// (residual).
type Scenario struct {
	ID               string
	OrgID            string
	AssessmentID     string
	ThreatID         string
	TargetType       TargetType
	TargetID         string
	Title            string
	Vulnerability    string
	ExistingControls string
	Inherent         Rating
	Current          Rating
	Residual         Rating
	// Levels are 0-based levels of the assessment's matrix, -1 when not
	// rated; the service computes them.
	InherentLevel int
	CurrentLevel  int
	ResidualLevel int
	OwnerID       string
	Treatment     Treatment
	Rationale     string
	TVC           *TVCScores
	Carver        *CarverScores
	// FAIR is one scenario of the quantitative engine's input (its JSON
	// form, internal/fair), without an id: the scenario's ID names it.
	FAIR      json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ScenarioInput holds the editable fields of a scenario.
type ScenarioInput struct {
	AssessmentID     *string         `json:"assessment_id"` // on creation only
	ThreatID         *string         `json:"threat_id"`
	TargetType       *string         `json:"target_type"`
	TargetID         *string         `json:"target_id"`
	Title            *string         `json:"title"`
	Vulnerability    *string         `json:"vulnerability"`
	ExistingControls *string         `json:"existing_controls"`
	Inherent         *Rating         `json:"inherent"`
	Current          *Rating         `json:"current"`
	Residual         *Rating         `json:"residual"`
	OwnerID          *string         `json:"owner_id"`
	Treatment        *string         `json:"treatment"`
	Rationale        *string         `json:"rationale"`
	TVC              *TVCScores      `json:"tvc"`
	Carver           *CarverScores   `json:"carver"`
	FAIR             json.RawMessage `json:"fair"`
}

// Apply copies the set fields of in onto s.
func (in ScenarioInput) Apply(s *Scenario) {
	str := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	str(&s.ThreatID, in.ThreatID)
	if in.TargetType != nil {
		s.TargetType = TargetType(strings.TrimSpace(*in.TargetType))
	}
	str(&s.TargetID, in.TargetID)
	str(&s.Title, in.Title)
	str(&s.Vulnerability, in.Vulnerability)
	str(&s.ExistingControls, in.ExistingControls)
	str(&s.OwnerID, in.OwnerID)
	str(&s.Rationale, in.Rationale)
	if in.Treatment != nil {
		s.Treatment = Treatment(strings.TrimSpace(*in.Treatment))
	}
	for _, p := range []struct {
		dst *Rating
		src *Rating
	}{{&s.Inherent, in.Inherent}, {&s.Current, in.Current}, {&s.Residual, in.Residual}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if in.TVC != nil {
		x := *in.TVC
		s.TVC = &x
	}
	if in.Carver != nil {
		x := *in.Carver
		x.Node = strings.TrimSpace(x.Node)
		s.Carver = &x
	}
	if in.FAIR != nil {
		if string(in.FAIR) == "null" {
			s.FAIR = nil
		} else {
			s.FAIR = slices.Clone(in.FAIR)
		}
	}
}

// Validate checks a scenario's own fields against its assessment's matrix
// (references are checked by the service).
func (s *Scenario) Validate(m *RiskMatrix) error {
	f := map[string]string{}
	riskText(f, "title", s.Title, 200, true)
	riskText(f, "vulnerability", s.Vulnerability, 10000, false)
	riskText(f, "existing_controls", s.ExistingControls, 10000, false)
	riskText(f, "rationale", s.Rationale, 10000, false)
	if s.ThreatID == "" {
		f["threat_id"] = FieldRequired
	}
	if s.TargetType == "" {
		f["target_type"] = FieldRequired
	} else if !slices.Contains(TargetTypes, s.TargetType) {
		f["target_type"] = FieldChoice
	}
	if s.TargetID == "" {
		f["target_id"] = FieldRequired
	}
	for name, r := range map[string]Rating{"inherent": s.Inherent, "current": s.Current, "residual": s.Residual} {
		if !m.InScale(r) {
			f[name] = FieldRiskScale
		}
	}
	if s.Treatment != TreatNone && !slices.Contains(Treatments, s.Treatment) {
		f["treatment"] = FieldChoice
	}
	if s.Treatment != TreatNone && s.Rationale == "" {
		f["rationale"] = FieldRequired
	}
	if t := s.TVC; t != nil {
		for name, v := range map[string]int{"tvc.threat": t.Threat, "tvc.vulnerability": t.Vulnerability, "tvc.consequence": t.Consequence} {
			if v < 1 || v > 5 {
				f[name] = FieldRiskScore
			}
		}
	}
	if c := s.Carver; c != nil {
		riskText(f, "carver.node", c.Node, 200, true)
		for name, v := range map[string]int{"carver.criticality": c.Criticality, "carver.accessibility": c.Accessibility,
			"carver.recuperability": c.Recuperability, "carver.vulnerability": c.Vulnerability, "carver.effect": c.Effect,
			"carver.recognizability": c.Recognizability, "carver.shock": c.Shock} {
			if v < 1 || v > 10 {
				f[name] = FieldRiskScore
			}
		}
	}
	return riskInvalidIf(f)
}

// scaleTo maps a score in [lo, hi] linearly onto 1..n, rounding half up.
func scaleTo(v float64, lo, hi float64, n int) int {
	x := 1 + (v-lo)/(hi-lo)*float64(n-1)
	r := int(x + 0.5)
	return max(1, min(n, r))
}

// TVCRating places TVC scores on matrix m (see TVCScores).
func TVCRating(t *TVCScores, m *RiskMatrix) Rating {
	l := math.Sqrt(float64(t.Threat * t.Vulnerability))
	return Rating{Likelihood: scaleTo(l, 1, 5, len(m.Likelihood)), Consequence: scaleTo(float64(t.Consequence), 1, 5, len(m.Consequence))}
}

// TVCNormalised is T·V·C / 125.
func TVCNormalised(t *TVCScores) float64 {
	return float64(t.Threat*t.Vulnerability*t.Consequence) / 125
}

// CarverRating places CARVER + Shock scores on matrix m: likelihood from
// the mean of the attacker's criteria (accessibility, vulnerability,
// recognizability), consequence from the mean of the defender's
// (criticality, recuperability, effect, shock), each mapped linearly from
// 1–10 onto the matrix's scale and rounded half up.
func CarverRating(c *CarverScores, m *RiskMatrix) Rating {
	l := float64(c.Accessibility+c.Vulnerability+c.Recognizability) / 3
	k := float64(c.Criticality+c.Recuperability+c.Effect+c.Shock) / 4
	return Rating{Likelihood: scaleTo(l, 1, 10, len(m.Likelihood)), Consequence: scaleTo(k, 1, 10, len(m.Consequence))}
}

// ScenarioRow is a scenario as the register lists it, with the names of
// what it refers to.
type ScenarioRow struct {
	Scenario
	ThreatName      string
	ThreatFamily    ThreatFamily
	AssessmentTitle string
	SiteID          string // the target site, when the target is a site
	SiteName        string
	NextReview      *time.Time // the assessment's
}

// ScenarioSort names a column the register can be sorted by.
type ScenarioSort string

// Register sort keys.
const (
	ScenarioSortLevel   ScenarioSort = "level" // residual level, then current, then inherent
	ScenarioSortTitle   ScenarioSort = "title"
	ScenarioSortUpdated ScenarioSort = "updated_at"
)

// ScenarioSorts lists the accepted sort keys.
var ScenarioSorts = []ScenarioSort{ScenarioSortLevel, ScenarioSortTitle, ScenarioSortUpdated}

// ScenarioFilter selects and orders the register.
type ScenarioFilter struct {
	OrgID        string
	AssessmentID string
	SiteID       string
	Family       ThreatFamily
	Level        int // residual level, 0-based; -1 (or unset via HasLevel) for any
	HasLevel     bool
	OwnerID      string
	Overdue      bool      // only scenarios whose assessment is past its next review
	Today        time.Time // set by the service for Overdue
	Query        string
	Sort         ScenarioSort
	Desc         bool
	Limit        int
	Offset       int
}

// Normalize validates the filter and fills its defaults.
func (f *ScenarioFilter) Normalize() error {
	fe := map[string]string{}
	if f.Family != "" && !f.Family.Valid() {
		fe["family"] = FieldChoice
	}
	if f.HasLevel && (f.Level < 0 || f.Level > 9) {
		fe["level"] = FieldInvalid
	}
	if f.Sort == "" {
		f.Sort = ScenarioSortLevel
		f.Desc = true
	}
	if !slices.Contains(ScenarioSorts, f.Sort) {
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
	return riskInvalidIf(fe)
}

// ControlCategory classifies an applied control.
type ControlCategory string

// Control categories.
const (
	ControlPhysical    ControlCategory = "physical"
	ControlPersonnel   ControlCategory = "personnel"
	ControlProcedural  ControlCategory = "procedural"
	ControlTechnical   ControlCategory = "technical"
	ControlCargo       ControlCategory = "cargo"
	ControlInformation ControlCategory = "information"
)

// ControlCategories lists every category.
var ControlCategories = []ControlCategory{ControlPhysical, ControlPersonnel, ControlProcedural, ControlTechnical, ControlCargo, ControlInformation}

// ControlStatus is where a control is in its life.
type ControlStatus string

// Control statuses.
const (
	ControlPlanned     ControlStatus = "planned"
	ControlInProgress  ControlStatus = "in_progress"
	ControlImplemented ControlStatus = "implemented"
	ControlRetired     ControlStatus = "retired"
)

// ControlStatuses lists every status.
var ControlStatuses = []ControlStatus{ControlPlanned, ControlInProgress, ControlImplemented, ControlRetired}

// Control is an applied control of the controls register.
type Control struct {
	ID            string
	OrgID         string
	Name          string
	Category      ControlCategory
	OwnerID       string
	Status        ControlStatus
	SiteIDs       []string
	Evidence      []string // links (http or https)
	Effectiveness int      // 1 (weak) to 5 (strong); 0 not rated
	Description   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ControlInput holds the editable fields of a control.
type ControlInput struct {
	Name          *string   `json:"name"`
	Category      *string   `json:"category"`
	OwnerID       *string   `json:"owner_id"`
	Status        *string   `json:"status"`
	SiteIDs       *[]string `json:"site_ids"`
	Evidence      *[]string `json:"evidence"`
	Effectiveness *int      `json:"effectiveness"`
	Description   *string   `json:"description"`
}

// Apply copies the set fields of in onto c.
func (in ControlInput) Apply(c *Control) {
	if in.Name != nil {
		c.Name = strings.TrimSpace(*in.Name)
	}
	if in.Category != nil {
		c.Category = ControlCategory(strings.TrimSpace(*in.Category))
	}
	if in.OwnerID != nil {
		c.OwnerID = strings.TrimSpace(*in.OwnerID)
	}
	if in.Status != nil {
		c.Status = ControlStatus(strings.TrimSpace(*in.Status))
	}
	clean := func(xs []string) []string {
		out := []string{}
		for _, x := range xs {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		return out
	}
	if in.SiteIDs != nil {
		c.SiteIDs = clean(*in.SiteIDs)
	}
	if in.Evidence != nil {
		c.Evidence = clean(*in.Evidence)
	}
	if in.Effectiveness != nil {
		c.Effectiveness = *in.Effectiveness
	}
	if in.Description != nil {
		c.Description = strings.TrimRight(*in.Description, " \t\r\n")
	}
}

// Validate checks a control's own fields.
func (c *Control) Validate() error {
	f := map[string]string{}
	riskText(f, "name", c.Name, 200, true)
	if c.Category == "" {
		f["category"] = FieldRequired
	} else if !slices.Contains(ControlCategories, c.Category) {
		f["category"] = FieldChoice
	}
	if !slices.Contains(ControlStatuses, c.Status) {
		f["status"] = FieldChoice
	}
	if c.Effectiveness < 0 || c.Effectiveness > 5 {
		f["effectiveness"] = FieldRiskScore
	}
	if len(c.Evidence) > 50 {
		f["evidence"] = FieldTooLong
	}
	for _, e := range c.Evidence {
		u, err := url.Parse(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(e) > 2000 {
			f["evidence"] = FieldRiskURL
		}
	}
	if len(c.SiteIDs) > 500 {
		f["site_ids"] = FieldTooLong
	}
	riskText(f, "description", c.Description, 10000, false)
	return riskInvalidIf(f)
}

// TreatmentStatus is where a treatment action stands.
type TreatmentStatus string

// Treatment action statuses.
const (
	TreatmentOpen       TreatmentStatus = "open"
	TreatmentInProgress TreatmentStatus = "in_progress"
	TreatmentDone       TreatmentStatus = "done"
	TreatmentCancelled  TreatmentStatus = "cancelled"
)

// TreatmentStatuses lists every status.
var TreatmentStatuses = []TreatmentStatus{TreatmentOpen, TreatmentInProgress, TreatmentDone, TreatmentCancelled}

// Closed reports whether the action needs no more work.
func (s TreatmentStatus) Closed() bool { return s == TreatmentDone || s == TreatmentCancelled }

// TreatmentAction is a piece of work that treats a scenario, usually by
// putting a control in place.
type TreatmentAction struct {
	ID         string
	OrgID      string
	ScenarioID string
	ControlID  string // optional
	Title      string
	OwnerID    string
	Due        *time.Time
	Status     TreatmentStatus
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TreatmentActionInput holds the editable fields of a treatment action.
type TreatmentActionInput struct {
	ScenarioID *string `json:"scenario_id"` // on creation only
	ControlID  *string `json:"control_id"`
	Title      *string `json:"title"`
	OwnerID    *string `json:"owner_id"`
	Due        *string `json:"due"` // YYYY-MM-DD or ""
	Status     *string `json:"status"`
}

// Apply copies the set fields of in onto t, recording a malformed date in f.
func (in TreatmentActionInput) Apply(t *TreatmentAction, f map[string]string) {
	if in.ControlID != nil {
		t.ControlID = strings.TrimSpace(*in.ControlID)
	}
	if in.Title != nil {
		t.Title = strings.TrimSpace(*in.Title)
	}
	if in.OwnerID != nil {
		t.OwnerID = strings.TrimSpace(*in.OwnerID)
	}
	if in.Status != nil {
		t.Status = TreatmentStatus(strings.TrimSpace(*in.Status))
	}
	if in.Due != nil {
		if strings.TrimSpace(*in.Due) == "" {
			t.Due = nil
		} else if d, ok := ParseRiskDate(*in.Due); ok {
			t.Due = &d
		} else {
			f["due"] = FieldRiskDate
		}
	}
}

// Validate checks a treatment action's own fields.
func (t *TreatmentAction) Validate(f map[string]string) error {
	riskText(f, "title", t.Title, 200, true)
	if !slices.Contains(TreatmentStatuses, t.Status) {
		f["status"] = FieldChoice
	}
	return riskInvalidIf(f)
}

// TreatmentFilter selects treatment actions.
type TreatmentFilter struct {
	OrgID      string
	ScenarioID string
	ControlID  string
	OpenOnly   bool // not done or cancelled
}

// Acceptance records that someone with the authority accepted a scenario's
// residual risk above the appetite, until an expiry.
type Acceptance struct {
	ID         string
	OrgID      string
	ScenarioID string
	AcceptedBy string // user ID
	Role       Role   // the acceptor's role at the time
	Level      int    // the residual level accepted
	Rationale  string
	ExpiresAt  time.Time
	CreatedAt  time.Time
}

// Expired reports whether the acceptance has lapsed at now.
func (a *Acceptance) Expired(now time.Time) bool { return !now.Before(a.ExpiresAt) }

// AcceptanceInput is what the acceptor gives.
type AcceptanceInput struct {
	Rationale *string `json:"rationale"`
	Expires   *string `json:"expires"` // YYYY-MM-DD
}

// SimulationRun is a stored run of the quantitative engine: its input and
// output documents (internal/fair JSON), so that it can be shown and re-run.
type SimulationRun struct {
	ID         string
	OrgID      string
	ScenarioID string // "" for a portfolio run
	Iterations int
	Input      json.RawMessage
	Output     json.RawMessage
	CreatedBy  string
	CreatedAt  time.Time
}
