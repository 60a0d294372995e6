package bulkhead

import (
	"bufio"
	_ "embed"
	"slices"
	"strings"
	"time"
)

// IncidentEntry is one line of an incident's timeline: who did or noted
// what, when. Status changes, assignments, notifications sent, evidence and
// links appear there automatically.
type IncidentEntry struct {
	ID         string
	OrgID      string
	IncidentID string
	At         time.Time
	ActorID    string
	ActorName  string
	Kind       string // note, created, status, assign, notification, evidence, link, root_cause, action, edit
	Body       string
}

// Timeline entry kinds.
var IncidentEntryKinds = []string{"note", "created", "status", "assign", "notification", "evidence", "link", "root_cause", "action", "edit"}

// Recipient is who must be told of an incident.
type Recipient string

// Recipients.
var Recipients = []Recipient{"customs", "police", "insurer", "customer", "certification_body", "other"}

// Valid reports whether r is a known recipient.
func (r Recipient) Valid() bool { return inList(r, Recipients) }

// IncidentRule says who must be told of incidents of a type (any when
// empty) at or above a severity (any when empty), within how many hours of
// detection.
type IncidentRule struct {
	ID          string
	OrgID       string
	Type        IncidentType // "" for any type
	MinSeverity Severity     // "" for any severity
	Recipient   Recipient
	Hours       int
	Note        string // e.g. "TAPA FSR holders: report to TAPA within 72 h"
}

// Matches reports whether the rule applies to an incident.
func (r *IncidentRule) Matches(inc *Incident) bool {
	if r.Type != "" && r.Type != inc.Type {
		return false
	}
	return r.MinSeverity == "" || inc.Severity.Rank() >= r.MinSeverity.Rank()
}

// Validate checks a rule.
func (r *IncidentRule) Validate() error {
	f := map[string]string{}
	if r.Type != "" && !r.Type.Valid() {
		f["type"] = FieldChoice
	}
	if r.MinSeverity != "" && !r.MinSeverity.Valid() {
		f["min_severity"] = FieldChoice
	}
	if r.Recipient == "" {
		f["recipient"] = FieldRequired
	} else if !r.Recipient.Valid() {
		f["recipient"] = FieldChoice
	}
	if r.Hours < 0 || r.Hours > 24*365 {
		f["hours"] = FieldInvalid
	}
	if len(r.Note) > 500 {
		f["note"] = FieldTooLong
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// IncidentNotification is a notification owed for an incident: to whom, by
// when, and once sent, by whom, when and under which reference.
type IncidentNotification struct {
	ID         string
	OrgID      string
	IncidentID string
	Recipient  Recipient
	DueAt      time.Time
	Note       string
	SentAt     *time.Time
	SentByID   string
	SentBy     string
	Reference  string
	CreatedAt  time.Time

	// Filled by OverdueIncidentNotifications.
	IncidentTitle string
	SiteID        string
}

// Overdue reports whether the notification is unsent past its deadline.
func (n *IncidentNotification) Overdue(now time.Time) bool {
	return n.SentAt == nil && now.After(n.DueAt)
}

// MaxIncidentEvidenceBytes bounds one evidence file.
const MaxIncidentEvidenceBytes = 20 << 20

// IncidentEvidence is a file attached to an incident, kept in the database
// so that application instances stay stateless.
type IncidentEvidence struct {
	ID          string
	OrgID       string
	IncidentID  string
	Name        string
	ContentType string // sniffed from the content
	Size        int64
	SHA256      string // hex
	Data        []byte // only when read one by one
	UploadedAt  time.Time
	UploadedBy  string
}

// IncidentLink refers loosely to a record elsewhere (a risk, a custody
// event, a nonconformity …) by kind, ID and a label to show.
type IncidentLink struct {
	ID         string
	OrgID      string
	IncidentID string
	Kind       string
	RefID      string
	Label      string
	CreatedAt  time.Time
}

// IncidentLinkKinds are the kinds of records an incident links to.
var IncidentLinkKinds = []string{"risk", "epcis_event", "shipment", "equipment", "seal", "inspection", "discrepancy", "nonconformity", "other"}

// Validate checks a link.
func (l *IncidentLink) Validate() error {
	f := map[string]string{}
	if !inList(l.Kind, IncidentLinkKinds) {
		f["kind"] = FieldChoice
	}
	if l.RefID == "" {
		f["ref_id"] = FieldRequired
	} else if len(l.RefID) > 300 {
		f["ref_id"] = FieldTooLong
	}
	if len(l.Label) > 200 {
		f["label"] = FieldTooLong
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// CorrectiveAction is an action decided after an incident's root-cause
// analysis, with an owner and a due date.
type CorrectiveAction struct {
	ID         string
	OrgID      string
	IncidentID string
	Title      string
	OwnerID    string
	OwnerName  string // filled on reads
	Due        time.Time
	DoneAt     *time.Time
	CreatedAt  time.Time

	IncidentTitle string // filled by CorrectiveActionsDue
}

// DiscrepancyKind is what a custody check found wrong.
type DiscrepancyKind string

// Discrepancy kinds the custody area reports.
const (
	DiscrepancySealMismatch     DiscrepancyKind = "seal_mismatch"
	DiscrepancySealBroken       DiscrepancyKind = "seal_broken"
	DiscrepancyInspectionFailed DiscrepancyKind = "inspection_failed"
	DiscrepancyCustodyGap       DiscrepancyKind = "custody_gap"
)

// DiscrepancyRef is what the custody area hands over when a discrepancy is
// found: enough to open a draft incident linked to its evidence.
type DiscrepancyRef struct {
	ID           string // the discrepancy's ID; one incident per discrepancy
	Kind         DiscrepancyKind
	SiteID       string
	ShipmentRef  string
	EquipmentRef string
	EventIDs     []string // EPCIS event IDs of the evidence
	Summary      string
	DetectedAt   time.Time
}

// IncidentType returns the taxonomy class a discrepancy suggests.
func (d DiscrepancyRef) IncidentType() IncidentType {
	switch d.Kind {
	case DiscrepancySealMismatch, DiscrepancySealBroken:
		return IncidentSealTampering
	case DiscrepancyInspectionFailed:
		return IncidentContraband
	}
	return IncidentOther
}

//go:embed iso4217.txt
var currencyList string

var currencies = func() map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(currencyList))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, name, _ := strings.Cut(line, " ")
		m[code] = strings.TrimSpace(name)
	}
	return m
}()

// ValidCurrency reports whether code is an active ISO 4217 currency code.
func ValidCurrency(code string) bool { _, ok := currencies[code]; return ok }

// CurrencyCodes returns the active ISO 4217 codes, sorted.
func CurrencyCodes() []string {
	out := make([]string, 0, len(currencies))
	for c := range currencies {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
