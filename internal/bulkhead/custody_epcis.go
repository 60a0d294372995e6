package bulkhead

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// CaptureStatus is the state of an EPCIS capture job.
type CaptureStatus string

// Capture job states. A job is running while its document is checked and
// stored; it ends in success (every event stored), partial (proceed mode:
// the valid events stored, the others reported) or failed (nothing stored).
// A job found running after a restart was interrupted and is marked failed.
const (
	CaptureRunning CaptureStatus = "running"
	CaptureSuccess CaptureStatus = "success"
	CapturePartial CaptureStatus = "partial"
	CaptureFailed  CaptureStatus = "failed"
)

// CaptureProblem is one thing wrong with a captured document or one of its
// events.
type CaptureProblem struct {
	Event   int    `json:"event"` // index in the document, -1 for the document
	EventID string `json:"eventID,omitempty"`
	Field   string `json:"field,omitempty"` // JSON pointer relative to the event
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// CaptureJob records one EPCIS capture: who sent how many events, and what
// became of them.
type CaptureJob struct {
	ID         string
	OrgID      string
	Status     CaptureStatus
	Proceed    bool // GS1-Capture-Error-Behaviour: proceed
	ActorName  string
	CreatedAt  time.Time
	FinishedAt *time.Time
	Events     int // events in the document
	Stored     int // events stored
	Bytes      int // size of the document
	Context    []byte
	Problems   []CaptureProblem
}

// EPCISEvent is one stored EPCIS event: its JSON as captured (with
// recordTime and eventID set) and the values queries filter on, normalised.
// Stored events never change: a correction is another event carrying an
// errorDeclaration.
type EPCISEvent struct {
	ID               string // our row ID, in capture order
	OrgID            string
	CaptureID        string
	EventID          string // the event's eventID (its hash when it came without)
	Hash             string // CBV 2.0 event hash ID
	Type             string
	EventTime        time.Time
	RecordTime       time.Time
	Action           string
	BizStep          string
	Disposition      string
	ReadPoint        string
	BizLocation      string
	ErrorDeclaration bool
	EPCs             []EPCRole
	Body             []byte // the event's JSON
	Context          []byte // the @context of the document it came in (read only)
	Declared         bool   // an error declaration names this event (read only)
}

// EPCRole is one identifier of an event (normalised) and its role there:
// epc, child, parent, input or output.
type EPCRole struct {
	EPC  string
	Role string
}

// EPCIS query orderings. Record-time order is capture order.
const (
	OrderEventTime  = "eventTime"
	OrderRecordTime = "recordTime"
)

// EventFilter selects stored EPCIS events: the simple event query of the
// EPCIS 2.0 REST binding. Every list is OR within itself; fields are ANDed.
// Values must already be normalised (the service does it).
type EventFilter struct {
	OrgID        string
	Types        []string
	GEEventTime  *time.Time
	LTEventTime  *time.Time
	GERecordTime *time.Time
	LTRecordTime *time.Time
	Actions      []string
	BizSteps     []string
	Dispositions []string
	ReadPoints   []string
	BizLocations []string
	EventIDs     []string // matched against eventID or hash
	MatchEPC     []string // epcList, childEPCs
	MatchParent  []string // parentID
	MatchAnyEPC  []string // any role
	ExistsError  bool     // only events carrying an errorDeclaration
	CaptureID    string
	OrderBy      string // OrderEventTime or OrderRecordTime (the default)
	Desc         bool
	After        *EventCursor // the position after which the page starts
	Limit        int
}

// EventCursor is a position in an ordered event list: the ordering value
// and the row ID of the last event of a page.
type EventCursor struct {
	Time int64  `json:"t"`
	ID   string `json:"i"`
}

// Token encodes the cursor as an opaque page token.
func (c EventCursor) Token() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseEventCursor decodes a page token. EINVALID.
func ParseEventCursor(tok string) (*EventCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(tok))
	var c EventCursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || !ValidID(c.ID) {
		return nil, Invalid(map[string]string{"nextPageToken": FieldInvalid})
	}
	return &c, nil
}

// CursorOf returns the cursor after e in the filter's order.
func (f *EventFilter) CursorOf(e *EPCISEvent) EventCursor {
	if f.OrderBy == OrderEventTime {
		return EventCursor{e.EventTime.UnixMicro(), e.ID}
	}
	return EventCursor{e.RecordTime.UnixMicro(), e.ID}
}

// EventHashKey is what the stores' hash index holds of an event hash
// ("ni:///sha-256;" and 64 hex digits): its first 16 hex digits as an
// integer, enough to tell events apart (queries then compare the whole
// hash). A value that does not start like a hash gives 0, whose rows the
// full comparison rejects. SQLite's migration computes the same key with
// the function bulkhead_hash_key, PostgreSQL's with a cast of the digits.
func EventHashKey(hash string) int64 {
	rest, ok := strings.CutPrefix(hash, "ni:///sha-256;")
	if !ok || len(rest) < 16 {
		return 0
	}
	n, err := strconv.ParseUint(rest[:16], 16, 64)
	if err != nil {
		return 0
	}
	return int64(n)
}

// CaptureRanges gives, for each capture among events, the lowest and
// highest store number of its events, seq(i) being that of events[i]: the
// stores find a capture's events within that range.
func CaptureRanges(events []*EPCISEvent, seq func(i int) int64) map[string][2]int64 {
	out := map[string][2]int64{}
	for i, e := range events {
		n := seq(i)
		r, ok := out[e.CaptureID]
		if !ok {
			r = [2]int64{n, n}
		}
		out[e.CaptureID] = [2]int64{min(r[0], n), max(r[1], n)}
	}
	return out
}

// EPCKey is what the stores' identifier index holds of a (normalised)
// EPC: the first 16 bytes of its SHA-256. Sixteen bytes tell identifiers
// apart as surely as the text (two of a billion identifiers share a key
// with a chance of about 10⁻²¹) and take a third of the room, so a capture
// dirties far fewer index pages. SQLite's migration computes the same key
// with the function bulkhead_epc_key, PostgreSQL's with sha256.
func EPCKey(epc string) []byte {
	sum := sha256.Sum256([]byte(epc))
	return sum[:16]
}
