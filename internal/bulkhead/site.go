package bulkhead

import (
	"regexp"
	"strings"
	"time"
)

// SiteType is the kind of facility a site is.
type SiteType string

// Site types.
const (
	SiteWarehouse    SiteType = "warehouse"
	SiteDC           SiteType = "distribution_centre"
	SitePortFacility SiteType = "port_facility"
	SiteTerminal     SiteType = "terminal"
	SiteCrossDock    SiteType = "cross_dock"
	SitePlant        SiteType = "plant"
	SiteOffice       SiteType = "office"
	SiteYard         SiteType = "yard"
)

// SiteTypes lists every site type in display order.
var SiteTypes = []SiteType{SiteWarehouse, SiteDC, SitePortFacility, SiteTerminal, SiteCrossDock, SitePlant, SiteOffice, SiteYard}

// Valid reports whether t is a known site type.
func (t SiteType) Valid() bool {
	for _, x := range SiteTypes {
		if t == x {
			return true
		}
	}
	return false
}

// Site is a facility of the organisation: the first risk target and the
// place where operations (seals, inspections, incidents) happen.
type Site struct {
	ID         string
	OrgID      string
	Name       string
	Type       SiteType
	UNLOCODE   string // five characters: ISO 3166 country + three-character location, e.g. "NLRTM"
	Address    string
	Country    string // ISO 3166-1 alpha-2
	TimeZone   string // IANA name; times at the site are shown in it
	Notes      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ArchivedAt *time.Time
}

// SiteInput holds the editable fields of a site. For updates, nil fields are
// left unchanged.
type SiteInput struct {
	Name     *string `json:"name"`
	Type     *string `json:"type"`
	UNLOCODE *string `json:"unlocode"`
	Address  *string `json:"address"`
	Country  *string `json:"country"`
	TimeZone *string `json:"time_zone"`
	Notes    *string `json:"notes"`
}

// Apply copies the set fields of in onto s, normalising their form.
func (in SiteInput) Apply(s *Site) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&s.Name, in.Name)
	if in.Type != nil {
		s.Type = SiteType(strings.TrimSpace(*in.Type))
	}
	if in.UNLOCODE != nil {
		s.UNLOCODE = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(*in.UNLOCODE), " ", ""))
	}
	set(&s.Address, in.Address)
	if in.Country != nil {
		s.Country = strings.ToUpper(strings.TrimSpace(*in.Country))
	}
	set(&s.TimeZone, in.TimeZone)
	if in.Notes != nil {
		s.Notes = strings.TrimRight(*in.Notes, " \t\r\n")
	}
}

var (
	unlocodeRE = regexp.MustCompile(`^[A-Z]{2}[A-Z2-9]{3}$`)
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
)

// ValidUNLOCODE reports whether s has the shape of a UN/LOCODE: a two-letter
// country code followed by three letters or digits 2–9.
func ValidUNLOCODE(s string) bool { return unlocodeRE.MatchString(s) }

// Validate checks a site's fields.
func (s *Site) Validate() error {
	f := map[string]string{}
	switch {
	case s.Name == "":
		f["name"] = FieldRequired
	case len(s.Name) > 200:
		f["name"] = FieldTooLong
	}
	if s.Type == "" {
		f["type"] = FieldRequired
	} else if !s.Type.Valid() {
		f["type"] = FieldChoice
	}
	if s.Country == "" {
		f["country"] = FieldRequired
	} else if !countryRE.MatchString(s.Country) {
		f["country"] = FieldCountry
	}
	if s.UNLOCODE != "" {
		if !ValidUNLOCODE(s.UNLOCODE) {
			f["unlocode"] = FieldUNLOCODE
		} else if _, bad := f["country"]; !bad && s.UNLOCODE[:2] != s.Country {
			f["unlocode"] = FieldMismatch
		}
	}
	if len(s.Address) > 500 {
		f["address"] = FieldTooLong
	}
	if s.TimeZone == "" {
		f["time_zone"] = FieldRequired
	} else if !ValidTimeZone(s.TimeZone) {
		f["time_zone"] = FieldTimeZone
	}
	if len(s.Notes) > 10000 {
		f["notes"] = FieldTooLong
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// SiteSort names a column sites can be sorted by.
type SiteSort string

// Site sort keys.
const (
	SiteSortName     SiteSort = "name"
	SiteSortType     SiteSort = "type"
	SiteSortCountry  SiteSort = "country"
	SiteSortUNLOCODE SiteSort = "unlocode"
	SiteSortCreated  SiteSort = "created_at"
	SiteSortUpdated  SiteSort = "updated_at"
)

// SiteSorts lists the accepted sort keys.
var SiteSorts = []SiteSort{SiteSortName, SiteSortType, SiteSortCountry, SiteSortUNLOCODE, SiteSortCreated, SiteSortUpdated}

// Status filters for archivable records.
const (
	StatusActive   = "active"
	StatusArchived = "archived"
	StatusAll      = "all"
)

// SiteFilter selects and orders sites of one organisation.
type SiteFilter struct {
	OrgID   string
	Query   string // case-insensitive substring of name, UN/LOCODE, address or notes
	Type    SiteType
	Country string
	Status  string // StatusActive (default), StatusArchived or StatusAll
	Sort    SiteSort
	Desc    bool
	Limit   int
	Offset  int
}

// Page limits for list endpoints.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Normalize validates the filter and fills its defaults.
func (f *SiteFilter) Normalize() error {
	fe := map[string]string{}
	if f.Status == "" {
		f.Status = StatusActive
	}
	if f.Status != StatusActive && f.Status != StatusArchived && f.Status != StatusAll {
		fe["status"] = FieldChoice
	}
	if f.Type != "" && !f.Type.Valid() {
		fe["type"] = FieldChoice
	}
	f.Country = strings.ToUpper(strings.TrimSpace(f.Country))
	if f.Country != "" && !countryRE.MatchString(f.Country) {
		fe["country"] = FieldCountry
	}
	if f.Sort == "" {
		f.Sort = SiteSortName
	}
	ok := false
	for _, s := range SiteSorts {
		ok = ok || s == f.Sort
	}
	if !ok {
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

// LikePattern turns a search query into a case-insensitive substring pattern
// for SQL LIKE with '\' as the escape character. Only ASCII letters are
// folded, as SQLite's lower() folds only those: both stores lower-case the
// searched column the same way, so "Über" finds "Über" on either.
func LikePattern(q string) string {
	var b strings.Builder
	b.WriteByte('%')
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\\' || c == '%' || c == '_':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('%')
	return b.String()
}
