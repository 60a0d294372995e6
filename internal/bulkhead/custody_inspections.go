package bulkhead

import (
	"strings"
	"time"
	"unicode/utf8"
)

// InspectionTemplate is a checklist: the points an inspector goes through,
// in order. Point names are catalog keys ("inspection.point.<key>"), in our
// own words.
type InspectionTemplate struct {
	Key    string
	Points []string
}

// InspectionTemplates are the built-in checklists: the seven places of a
// container and the seventeen of a truck and trailer where goods or people
// can be hidden, as supply-chain security programmes ask them to be
// checked.
var InspectionTemplates = []InspectionTemplate{
	{Key: "container7", Points: []string{"front_wall", "left_side", "right_side", "floor", "ceiling", "doors", "undercarriage"}},
	{Key: "truck17", Points: []string{"bumper", "engine", "tyres", "cab_floor", "fuel_tanks", "cab_compartments", "air_tanks", "drive_shafts",
		"fifth_wheel", "trailer_undercarriage", "trailer_doors", "trailer_floor", "trailer_sides", "trailer_front", "trailer_roof", "reefer_unit", "exhaust"}},
}

// Template returns a built-in template by key.
func Template(key string) (InspectionTemplate, bool) {
	for _, t := range InspectionTemplates {
		if t.Key == key {
			return t, true
		}
	}
	return InspectionTemplate{}, false
}

// Inspection point results.
const (
	PointPass = "pass"
	PointFail = "fail"
	PointNA   = "na"
)

// PointResult is the outcome of one point.
type PointResult struct {
	Point  string `json:"point"`
	Result string `json:"result"` // pass, fail, na
	Note   string `json:"note,omitempty"`
}

// Inspection is one run through a checklist on a piece of equipment.
type Inspection struct {
	ID               string
	OrgID            string
	SiteID           string
	Template         string
	Equipment        string // container or trailer number, as written
	EquipmentCheckOK bool   // false for a container number failing ISO 6346
	Inspector        string
	At               time.Time
	Results          []PointResult
	Failed           int
	EPCISEventID     string
	CreatedAt        time.Time
}

// InspectionInput is an inspection to record.
type InspectionInput struct {
	SiteID    string        `json:"site_id"`
	Template  string        `json:"template"`
	Equipment string        `json:"equipment"`
	At        time.Time     `json:"at"`
	Results   []PointResult `json:"results"`
}

// Validate checks an inspection: a known template, every point answered
// once, a note for each failed point. EINVALID with fields such as
// "results.doors".
func (in *InspectionInput) Validate() error {
	f := map[string]string{}
	if strings.TrimSpace(in.SiteID) == "" {
		f["site_id"] = FieldRequired
	}
	tpl, ok := Template(in.Template)
	if !ok {
		f["template"] = FieldChoice
	}
	if len(in.Equipment) > 20 {
		f["equipment"] = FieldTooLong
	}
	got := map[string]PointResult{}
	for _, r := range in.Results {
		if _, dup := got[r.Point]; dup || !ok {
			continue
		}
		got[r.Point] = r
	}
	for _, p := range tpl.Points {
		r, answered := got[p]
		switch {
		case !answered || r.Result == "":
			f["results."+p] = FieldRequired
		case r.Result != PointPass && r.Result != PointFail && r.Result != PointNA:
			f["results."+p] = FieldChoice
		case r.Result == PointFail && strings.TrimSpace(r.Note) == "":
			f["results."+p] = FieldRequired
		case utf8.RuneCountInString(r.Note) > 1000:
			f["results."+p] = FieldTooLong
		}
	}
	for p := range got {
		if ok && !containsString(tpl.Points, p) {
			f["results."+p] = FieldUnknown
		}
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// InspectionFilter selects inspections.
type InspectionFilter struct {
	OrgID  string
	SiteID string
	Limit  int
}
