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
	Template         string // the checklist's key
	TemplateID       string // the version of an organisation's own checklist; empty for a built-in one
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
	// Photos are images of points sent with the inspection (multipart
	// uploads; not part of the JSON body).
	Photos []PhotoUpload `json:"-"`
}

// Validate checks an inspection against a built-in checklist; see
// ValidateFor.
func (in *InspectionInput) Validate() error {
	c, _ := BuiltinChecklist(in.Template)
	return in.ValidateFor(c)
}

// ValidateFor checks an inspection against a checklist (nil: the template
// is unknown): every point answered once, a note for each failed point, a
// photo for each failed point whose checklist asks for one, photos only of
// the checklist's points and of an accepted type and size. EINVALID with
// fields such as "results.doors" or "photos.doors".
func (in *InspectionInput) ValidateFor(c *Checklist) error {
	f := map[string]string{}
	if strings.TrimSpace(in.SiteID) == "" {
		f["site_id"] = FieldRequired
	}
	ok := c != nil
	if !ok {
		f["template"] = FieldChoice
		c = &Checklist{}
	}
	if len(in.Equipment) > 20 {
		f["equipment"] = FieldTooLong
	}
	photos := map[string]bool{}
	if len(in.Photos) > MaxInspectionPhotos {
		f["photos"] = FieldTooMany
	}
	for _, ph := range in.Photos {
		if _, known := c.Point(ph.Point); !known {
			if ok {
				f["photos"] = FieldUnknown
			}
			continue
		}
		if _, code := CheckPhoto(ph.Data); code != "" {
			f["photos."+ph.Point] = code
			continue
		}
		photos[ph.Point] = true
	}
	got := map[string]PointResult{}
	for _, r := range in.Results {
		if _, dup := got[r.Point]; dup || !ok {
			continue
		}
		got[r.Point] = r
	}
	for _, p := range c.Points {
		r, answered := got[p.Key]
		switch {
		case !answered || r.Result == "":
			f["results."+p.Key] = FieldRequired
		case r.Result != PointPass && r.Result != PointFail && r.Result != PointNA:
			f["results."+p.Key] = FieldChoice
		case r.Result == PointFail && strings.TrimSpace(r.Note) == "":
			f["results."+p.Key] = FieldRequired
		case utf8.RuneCountInString(r.Note) > 1000:
			f["results."+p.Key] = FieldTooLong
		case r.Result == PointFail && p.PhotoOnFail && !photos[p.Key] && f["photos."+p.Key] == "":
			f["photos."+p.Key] = FieldPhotoRequired
		}
	}
	for p := range got {
		if _, known := c.Point(p); ok && !known {
			f["results."+p] = FieldUnknown
		}
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// InspectionFilter selects inspections.
type InspectionFilter struct {
	OrgID  string
	SiteID string
	Limit  int
}
