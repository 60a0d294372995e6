package bulkhead

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Field error codes of the registers (ISO 28000 clauses 4, 6.2, 6.3, 7.4).
const (
	FieldDateOrder    = "date_order"    // a date lies before the one it must follow
	FieldNotMember    = "not_member"    // not a member of the organisation
	FieldUnknownSite  = "unknown_site"  // not an active site of the organisation
	FieldSelfApproval = "self_approval" // a change approved by the member who requested it
	FieldNotApproved  = "not_approved"  // a change implemented before it was approved
	FieldApprovalOnly = "approval_only" // a status only the approval action sets
	FieldNumber       = "number"        // not a number
	FieldDate         = "date"          // not a date (YYYY-MM-DD)
	FieldArchived     = "archived"      // an archived record, which must be restored before it is linked
)

// RegisterFieldCodes lists the field error codes the registers add, so that
// the catalogs can be checked for their messages.
var RegisterFieldCodes = []string{FieldDateOrder, FieldNotMember, FieldUnknownSite, FieldSelfApproval, FieldNotApproved, FieldApprovalOnly, FieldNumber, FieldDate, FieldArchived}

// Record holds what every register entry has: identity, organisation and
// its life-cycle times. Archiving keeps the record and its history; nothing
// in a register is ever deleted.
type Record struct {
	ID         string
	OrgID      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ArchivedAt *time.Time
}

// Meta returns the record's common fields, so that code shared by every
// register (archive, restore, audit) can reach them.
func (r *Record) Meta() *Record { return r }

// Date is a calendar date, "YYYY-MM-DD", or "" for none. Dates in this
// form sort and compare as strings.
type Date string

// DateOf returns the UTC calendar date of t.
func DateOf(t time.Time) Date { return Date(t.UTC().Format(time.DateOnly)) }

// Valid reports whether d is empty or a real date.
func (d Date) Valid() bool {
	if d == "" {
		return true
	}
	t, err := time.Parse(time.DateOnly, string(d))
	return err == nil && t.Format(time.DateOnly) == string(d)
}

// Before reports whether both dates are set and d is before e.
func (d Date) Before(e Date) bool { return d != "" && e != "" && d < e }

// Time returns the date's midnight UTC; zero for no date.
func (d Date) Time() time.Time {
	t, _ := time.Parse(time.DateOnly, string(d))
	return t
}

// validEnum reports whether v is one of all.
func validEnum[T ~string](v T, all []T) bool { return slices.Contains(all, v) }

// checks collects field errors.
type checks map[string]string

// text checks a text field's presence and length.
func (c checks) text(name, v string, required bool, max int) {
	switch {
	case required && v == "":
		c[name] = FieldRequired
	case len(v) > max:
		c[name] = FieldTooLong
	}
}

// date checks a date field.
func (c checks) date(name string, d Date, required bool) {
	switch {
	case required && d == "":
		c[name] = FieldRequired
	case !d.Valid():
		c[name] = FieldDate
	}
}

// order marks later when both dates are valid and later is before earlier.
func (c checks) order(later string, earlierDate, laterDate Date) {
	if _, bad := c[later]; bad {
		return
	}
	if earlierDate.Valid() && laterDate.Valid() && laterDate.Before(earlierDate) {
		c[later] = FieldDateOrder
	}
}

// enum checks an enum field.
func enumCheck[T ~string](c checks, name string, v T, all []T, required bool) {
	switch {
	case v == "" && required:
		c[name] = FieldRequired
	case v != "" && !validEnum(v, all):
		c[name] = FieldChoice
	}
}

// id checks an optional reference's shape.
func (c checks) id(name, v string, required bool) {
	switch {
	case v == "" && required:
		c[name] = FieldRequired
	case v != "" && !ValidID(v):
		c[name] = FieldInvalid
	}
}

func (c checks) err() error {
	if len(c) > 0 {
		return Invalid(c)
	}
	return nil
}

// Input helpers: trim text, normalise dates.

func setText(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimSpace(*src)
	}
}

func setLong(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimRight(strings.TrimLeft(*src, "\r\n"), " \t\r\n")
	}
}

func setDate(dst *Date, src *string) {
	if src != nil {
		*dst = Date(strings.TrimSpace(*src))
	}
}

func setEnum[T ~string](dst *T, src *string) {
	if src != nil {
		*dst = T(strings.TrimSpace(*src))
	}
}

// IDList normalises a list of IDs: trimmed, without blanks or duplicates,
// sorted.
func IDList(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ParseNumber reads a decimal number as typed in a form ("12.5", "12,5").
func ParseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// FormatNumber writes a number without needless decimals.
func FormatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ListFilter is what every register list takes: the organisation, a search,
// the archive status, a sort key with direction, and a page.
type ListFilter struct {
	OrgID  string
	Query  string // case-insensitive substring of the register's text fields
	Status string // StatusActive (default), StatusArchived or StatusAll
	Sort   string // one of the register's sort keys; "" for its default
	Desc   bool
	Limit  int
	Offset int
}

// normalize validates the common part of a filter and fills its defaults;
// sorts lists the accepted sort keys, the first being the default.
func (f *ListFilter) normalize(c checks, sorts []string) {
	if f.Status == "" {
		f.Status = StatusActive
	}
	if f.Status != StatusActive && f.Status != StatusArchived && f.Status != StatusAll {
		c["status"] = FieldChoice
	}
	if f.Sort == "" {
		f.Sort = sorts[0]
	}
	if !slices.Contains(sorts, f.Sort) {
		c["sort"] = FieldChoice
	}
	f.Query = strings.TrimSpace(f.Query)
	if len(f.Query) > 200 {
		c["q"] = FieldTooLong
	}
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > MaxPageSize {
		c["limit"] = FieldInvalid
	}
	if f.Offset < 0 {
		c["offset"] = FieldInvalid
	}
}

// RegisterCount is how many active records of one kind an organisation
// holds and how many of them need attention (overdue for review, past due,
// awaiting approval, not yet addressed: the kind says which).
type RegisterCount struct {
	Kind      string
	Count     int
	Attention int
}

// Register kinds, also the audit trail's object types.
const (
	KindContextIssue     = "context_issue"
	KindParty            = "interested_party"
	KindPartyRequirement = "party_requirement"
	KindLegal            = "legal_requirement"
	KindObjective        = "objective"
	KindObjectiveAction  = "objective_action"
	KindChange           = "planned_change"
	KindCommunication    = "communication"
)

// RegisterKinds lists the kinds in register order.
var RegisterKinds = []string{KindContextIssue, KindParty, KindPartyRequirement, KindLegal, KindObjective, KindObjectiveAction, KindChange, KindCommunication}
