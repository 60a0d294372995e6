package bulkhead

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Field error codes of inspection checklists and photos.
const (
	FieldTooMany       = "too_many"       // more entries than allowed
	FieldPhotoRequired = "photo_required" // a failed point whose checklist asks for a photo has none
	FieldPhotoType     = "photo_type"     // the content is not a JPEG, PNG or WebP image
	FieldPhotoSize     = "photo_size"     // the image is larger than MaxInspectionPhoto
)

// Limits of inspection checklists and photos.
const (
	MaxChecklistPoints  = 50       // points in one checklist
	MaxInspectionPhoto  = 10 << 20 // bytes in one photo: 10 MiB
	MaxInspectionPhotos = 20       // photos sent with one inspection
)

// EquipmentKind is what a checklist is for.
type EquipmentKind string

// Equipment kinds of checklists.
const (
	KindContainer    EquipmentKind = "container"
	KindTruckTrailer EquipmentKind = "truck_trailer"
	KindOther        EquipmentKind = "other"
)

// EquipmentKinds lists the kinds in display order.
var EquipmentKinds = []EquipmentKind{KindContainer, KindTruckTrailer, KindOther}

// ChecklistStatus is the state of one version of a checklist.
type ChecklistStatus string

// Checklist version states: the latest version is current (used for new
// inspections) or archived (no longer offered); earlier ones are
// superseded and kept for the inspections recorded against them.
const (
	ChecklistCurrent    ChecklistStatus = "current"
	ChecklistSuperseded ChecklistStatus = "superseded"
	ChecklistArchived   ChecklistStatus = "archived"
)

// ChecklistPoint is one point of a checklist. The built-in checklists
// leave Label empty: their labels are catalog keys
// ("inspection.point.<key>").
type ChecklistPoint struct {
	Key         string `json:"key"`
	Label       string `json:"label"`
	Guidance    string `json:"guidance,omitempty"`
	PhotoOnFail bool   `json:"photo_required_on_fail"`
}

// Checklist is one version of an inspection checklist: a built-in one
// (ID equal to its key, Builtin set, read-only) or one of an
// organisation's own. A version in use is never changed: editing adds a
// version.
type Checklist struct {
	ID        string
	OrgID     string
	Key       string
	Name      string // empty for the built-in ones (catalog key "inspection.template.<key>")
	Kind      EquipmentKind
	Version   int
	Points    []ChecklistPoint
	Status    ChecklistStatus
	Builtin   bool
	CreatedBy string
	CreatedAt time.Time
}

// Point returns the checklist's point with the key.
func (c *Checklist) Point(key string) (ChecklistPoint, bool) {
	for _, p := range c.Points {
		if p.Key == key {
			return p, true
		}
	}
	return ChecklistPoint{}, false
}

// BuiltinChecklist returns a built-in template as a checklist.
func BuiltinChecklist(key string) (*Checklist, bool) {
	t, ok := Template(key)
	if !ok {
		return nil, false
	}
	c := &Checklist{ID: t.Key, Key: t.Key, Kind: KindContainer, Version: 1, Status: ChecklistCurrent, Builtin: true}
	if t.Key == "truck17" {
		c.Kind = KindTruckTrailer
	}
	for _, p := range t.Points {
		c.Points = append(c.Points, ChecklistPoint{Key: p})
	}
	return c, true
}

// BuiltinChecklists returns every built-in template as a checklist.
func BuiltinChecklists() []*Checklist {
	var out []*Checklist
	for _, t := range InspectionTemplates {
		c, _ := BuiltinChecklist(t.Key)
		out = append(out, c)
	}
	return out
}

// ChecklistInput is a new checklist or a new version of one. For a new
// version, nil fields keep the previous version's values and Key is
// ignored.
type ChecklistInput struct {
	Key    *string          `json:"key"`
	Name   *string          `json:"name"`
	Kind   *EquipmentKind   `json:"kind"`
	Points []ChecklistPoint `json:"points"`
}

// ChecklistKey derives a key from a name: lower-case letters and digits
// joined by underscores, at most 40 bytes.
func ChecklistKey(name string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		default:
			sep = true
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), 40)], "_")
}

// validKey reports whether s is a checklist or point key: 1 to 40 of a-z,
// 0-9, "_" and "-", starting with a letter or digit.
func validKey(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '_' || r == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// Normalize trims the input's text and derives missing point keys from
// their labels.
func (in *ChecklistInput) Normalize() {
	for _, p := range []*string{in.Key, in.Name} {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
	for i := range in.Points {
		p := &in.Points[i]
		p.Key, p.Label, p.Guidance = strings.TrimSpace(p.Key), strings.TrimSpace(p.Label), strings.TrimSpace(p.Guidance)
		if p.Key == "" && p.Label != "" {
			p.Key = ChecklistKey(p.Label)
		}
	}
}

// Validate checks a checklist: a name, a well-formed key that is not a
// built-in one, a kind, 1 to MaxChecklistPoints points with unique
// well-formed keys and labels. creating says whether name, kind and points
// are required (a new checklist) or may be nil (a new version). EINVALID
// with fields such as "points.2.key" (points counted from 0).
func (in *ChecklistInput) Validate(creating bool) error {
	f := map[string]string{}
	if creating || in.Name != nil {
		switch {
		case in.Name == nil || *in.Name == "":
			f["name"] = FieldRequired
		case utf8.RuneCountInString(*in.Name) > 200:
			f["name"] = FieldTooLong
		}
	}
	if creating && in.Key != nil && *in.Key != "" {
		if _, builtin := Template(*in.Key); builtin || !validKey(*in.Key) {
			f["key"] = FieldInvalid
		}
	}
	if creating || in.Kind != nil {
		if in.Kind == nil || !oneOf(*in.Kind, EquipmentKinds) {
			f["kind"] = FieldChoice
		}
	}
	if creating || in.Points != nil {
		switch {
		case len(in.Points) == 0:
			f["points"] = FieldRequired
		case len(in.Points) > MaxChecklistPoints:
			f["points"] = FieldTooMany
		}
		seen := map[string]bool{}
		for i, p := range in.Points {
			n := "points." + strconv.Itoa(i) + "."
			switch {
			case p.Key == "":
				f[n+"key"] = FieldRequired
			case !validKey(p.Key):
				f[n+"key"] = FieldInvalid
			case seen[p.Key]:
				f[n+"key"] = FieldTaken
			}
			seen[p.Key] = true
			switch {
			case p.Label == "":
				f[n+"label"] = FieldRequired
			case utf8.RuneCountInString(p.Label) > 200:
				f[n+"label"] = FieldTooLong
			}
			if utf8.RuneCountInString(p.Guidance) > 1000 {
				f[n+"guidance"] = FieldTooLong
			}
		}
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// ChecklistFilter selects checklists of an organisation: the latest
// version of each (current or archived), or with Key every version of one,
// newest first.
type ChecklistFilter struct {
	OrgID string
	Key   string
}

// InspectionPhoto is an image taken at one point of an inspection.
// Data is empty in lists.
type InspectionPhoto struct {
	ID           string
	OrgID        string
	InspectionID string
	Point        string
	ContentType  string
	Size         int
	SHA256       string // hex
	Data         []byte
	CreatedBy    string
	CreatedAt    time.Time
}

// PhotoUpload is an image sent for a point of an inspection.
type PhotoUpload struct {
	Point string
	Data  []byte
}

// Accepted photo media types.
var photoTypes = []string{"image/jpeg", "image/png", "image/webp"}

// CheckPhoto decides an uploaded photo's type by its content alone (a PDF
// sent as image/png is refused) and checks its size. It returns the media
// type, or a field error code: FieldRequired, FieldPhotoSize,
// FieldPhotoType.
func CheckPhoto(b []byte) (contentType, code string) {
	if len(b) == 0 {
		return "", FieldRequired
	}
	if len(b) > MaxInspectionPhoto {
		return "", FieldPhotoSize
	}
	ct := http.DetectContentType(b)
	if !oneOf(ct, photoTypes) {
		return "", FieldPhotoType
	}
	return ct, ""
}

// NewInspectionPhoto builds the record of a checked photo.
func NewInspectionPhoto(orgID, inspectionID, point, contentType, by string, data []byte, at time.Time) *InspectionPhoto {
	sum := sha256.Sum256(data)
	return &InspectionPhoto{ID: NewID(), OrgID: orgID, InspectionID: inspectionID, Point: point, ContentType: contentType, Size: len(data),
		SHA256: hex.EncodeToString(sum[:]), Data: data, CreatedBy: by, CreatedAt: at}
}
