package epcis

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file prepares a document for a repository: one decode, the checks of
// ValidateDocument, and for each event that passes them its hash, the values
// a repository indexes and its JSON, all computed on every core before the
// repository writes anything.

// EPC roles: where in an event an identifier appears. MATCH_epc looks at
// RoleEPC and RoleChild, MATCH_parentID at RoleParent, MATCH_anyEPC at all.
const (
	RoleEPC    = "epc"    // epcList
	RoleChild  = "child"  // childEPCs
	RoleParent = "parent" // parentID
	RoleInput  = "input"  // inputEPCList
	RoleOutput = "output" // outputEPCList
)

// EPCRef is one identifier of an event, normalised (NormaliseEPC), with the
// role it plays there.
type EPCRef struct {
	EPC  string
	Role string
}

// PreparedEvent is one event of a prepared document.
type PreparedEvent struct {
	// Index is the event's position in the document, from 0.
	Index int
	// OK reports that the event has no problems: only such events are
	// read further and may be stored.
	OK bool
	// Type is the event type, e.g. "ObjectEvent".
	Type string
	// EventID is the eventID the document gives; when it gives none,
	// Prepare sets it to Hash (and the JSON carries it).
	EventID string
	// Hash is the CBV 2.0 event hash ID.
	Hash string
	// EventTime is the event time in UTC.
	EventTime time.Time
	// Action, BizStep, Disposition, ReadPoint and BizLocation are the
	// event's values, normalised: CBV values as Web URIs, identifiers as
	// canonical GS1 Digital Link URIs where they are GS1 keys.
	Action, BizStep, Disposition, ReadPoint, BizLocation string
	// ErrorDeclaration reports that the event declares an earlier event
	// erroneous (it carries errorDeclaration).
	ErrorDeclaration bool
	// EPCs lists the event's identifiers by role, each once.
	EPCs []EPCRef
	// JSON is the event as received, re-encoded, with recordTime set to
	// the time passed to Prepare and eventID set when it had none.
	JSON []byte
}

// Prepared is a document checked and read for capture.
type Prepared struct {
	// Report is what ValidateDocument would report for the document.
	Report *Report
	// Context is the document's "@context" as JSON (nil if it has none):
	// a repository keeps it so that the events' extension prefixes can be
	// read when they are queried back.
	Context []byte
	// Events lists the events in document order.
	Events []PreparedEvent
}

// Prepare checks a document as ValidateDocument does (same errors, same
// Report) and reads every event without problems for storage, stamping
// recordTime into each. Events with problems have OK false and only Index
// and EventID set. The work is spread over GOMAXPROCS goroutines.
func Prepare(doc []byte, recordTime time.Time) (*Prepared, error) {
	if len(doc) > MaxDocumentSize {
		return nil, ErrTooLarge
	}
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	root, err := decodeValue(doc)
	if err != nil {
		return nil, err
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w, got %s", ErrNotObject, jsonKind(root))
	}
	d := readDocument(obj)
	if len(d.events) > MaxEvents {
		return nil, ErrTooManyEvents
	}
	p := &Prepared{Report: d.validate(compiledSchemas()), Events: make([]PreparedEvent, len(d.events))}
	if c, ok := obj["@context"]; ok {
		if p.Context, err = marshalTree(c); err != nil {
			return nil, err
		}
	}
	bad := make(map[int]bool)
	docProblem := false
	for _, pr := range p.Report.Problems {
		if pr.Event < 0 {
			docProblem = true
		}
		bad[pr.Event] = true
	}
	if p.Report.Truncated {
		docProblem = true // some events may not have been checked
	}
	jd := &jsonDocument{ctx: d.ctx}
	if !d.single {
		jd.collectIgnore(obj)
		if body, ok := obj["epcisBody"].(map[string]any); ok {
			jd.collectIgnore(body)
			if qr, ok := body["queryResults"].(map[string]any); ok {
				jd.collectIgnore(qr)
				if rb, ok := qr["resultsBody"].(map[string]any); ok {
					jd.collectIgnore(rb)
				}
			}
		}
	}
	c, cerr := newCanonicaliser(d.ctx, jd.ignore)
	rt := recordTime.UTC().Format("2006-01-02T15:04:05.000Z")
	errs := make([]error, len(d.events))
	parallel(len(d.events), func(i int) {
		pe := &p.Events[i]
		pe.Index = i
		pe.EventID = eventIDOf(d.events[i])
		if docProblem || bad[i] || cerr != nil {
			return
		}
		ev := d.events[i].(map[string]any)
		h, err := c.hash(ev, i, false) // the pre-hash string is not kept
		if err != nil {
			errs[i] = err
			return
		}
		pe.Hash = h.Hash
		if pe.EventID == "" {
			pe.EventID = h.Hash
		}
		if err := pe.read(ev); err != nil {
			errs[i] = err
			return
		}
		// The JSON is the event's with recordTime and eventID stamped, as
		// json.Marshal writes it (the map itself is left as it is).
		b, err := marshalEvent(ev, keyValue{"recordTime", rt}, keyValue{"eventID", pe.EventID})
		if err != nil {
			errs[i] = &Error{Index: i, EventID: pe.EventID, Err: err}
			return
		}
		pe.JSON = b
		pe.OK = true
	})
	if cerr != nil {
		p.Report.Problems = append(p.Report.Problems, Problem{Event: -1, Field: "/ignoreFields", Rule: RuleSchema, Message: cerr.Error()})
	}
	// A hashing failure on an event the checks passed is a problem of that
	// event, reported like the others.
	for i, err := range errs {
		if err == nil {
			continue
		}
		msg, field := err.Error(), ""
		if e, ok := err.(*Error); ok {
			msg, field = e.Err.Error(), "/"+strings.ReplaceAll(e.Field, ".", "/")
		}
		p.Report.Problems = append(p.Report.Problems, Problem{Event: i, EventID: p.Events[i].EventID, Field: field, Rule: "hash", Message: msg})
	}
	slices.SortStableFunc(p.Report.Problems, func(a, b Problem) int { return a.Event - b.Event })
	return p, nil
}

// read fills the indexed values from the decoded event.
func (pe *PreparedEvent) read(ev map[string]any) error {
	pe.Type, _ = eventTypeOf(ev["type"])
	ts, _ := ev["eventTime"].(string)
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(ts))
	if err != nil {
		return &Error{Index: pe.Index, EventID: pe.EventID, Field: "eventTime", Err: err}
	}
	pe.EventTime = t.UTC()
	pe.Action, _ = ev["action"].(string)
	if s, ok := ev["bizStep"].(string); ok {
		pe.BizStep = NormaliseBizStep(s)
	}
	if s, ok := ev["disposition"].(string); ok {
		pe.Disposition = NormaliseDisposition(s)
	}
	pe.ReadPoint = locationID(ev["readPoint"])
	pe.BizLocation = locationID(ev["bizLocation"])
	_, pe.ErrorDeclaration = ev["errorDeclaration"].(map[string]any)
	lists := [...]struct{ role, key string }{
		{RoleEPC, "epcList"}, {RoleChild, "childEPCs"}, {RoleInput, "inputEPCList"}, {RoleOutput, "outputEPCList"},
	}
	n := 1 // parentID
	for _, l := range lists {
		x, _ := ev[l.key].([]any)
		n += len(x)
	}
	var seen map[EPCRef]bool // past a few identifiers; fewer are compared one by one
	var bad error
	// add adds one identifier, found at key (or at key.j, if j >= 0).
	add := func(role, key string, j int, v any) {
		s, ok := v.(string)
		if !ok || s == "" {
			return
		}
		r := EPCRef{NormaliseEPC(s), role}
		if bad == nil && r.EPC == strings.TrimSpace(s) && gs1EPCURN(s) {
			field := key
			if j >= 0 {
				field = key + "." + strconv.Itoa(j)
			}
			bad = &Error{Index: pe.Index, EventID: pe.EventID, Field: field, Err: fmt.Errorf("%q is not a well-formed EPC URN (GS1 Tag Data Standard)", s)}
		}
		if seen == nil && len(pe.EPCs) >= 16 {
			seen = make(map[EPCRef]bool, n)
			for _, x := range pe.EPCs {
				seen[x] = true
			}
		}
		if seen != nil {
			if seen[r] {
				return
			}
			seen[r] = true
		} else if slices.Contains(pe.EPCs, r) {
			return
		}
		if pe.EPCs == nil {
			pe.EPCs = make([]EPCRef, 0, n)
		}
		pe.EPCs = append(pe.EPCs, r)
	}
	for _, l := range lists {
		if x, ok := ev[l.key].([]any); ok {
			for j, v := range x {
				add(l.role, l.key, j, v)
			}
		}
	}
	add(RoleParent, "parentID", -1, ev["parentID"])
	return bad
}

func locationID(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["id"].(string)
	if s == "" {
		return ""
	}
	return NormaliseEPC(s)
}

// NormaliseEPC returns the form of an identifier a repository matches on:
// EPC URNs and GS1 Digital Link URIs on any domain become the constrained
// canonical Digital Link URI (so that urn:epc:id:sgtin:… and
// https://example.com/01/…/21/… match alike); anything else is returned
// trimmed but otherwise unchanged.
func NormaliseEPC(s string) string { return normaliseIdentifier(strings.TrimSpace(s)) }

// NormaliseBizStep returns a business step as a CBV Web URI: "shipping",
// "cbv:BizStep-shipping", "urn:epcglobal:cbv:bizstep:shipping" and
// "https://ref.gs1.org/cbv/BizStep-shipping" are one value. User-defined
// steps (other URIs) are returned unchanged.
func NormaliseBizStep(s string) string { return vocBizStep.normalise(strings.TrimSpace(s)) }

// NormaliseDisposition returns a disposition as a CBV Web URI, as
// NormaliseBizStep does for business steps.
func NormaliseDisposition(s string) string { return vocDisp.normalise(strings.TrimSpace(s)) }

// EventTypes returns the five EPCIS 2.0 event types.
func EventTypes() []string { return slices.Clone(eventTypes) }

// gs1URNSchemes are the EPC URN schemes of GS1 keys, which NormaliseEPC
// converts: one it cannot convert is malformed.
var gs1URNSchemes = []string{"sgtin", "upui", "sscc", "sgln", "pgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "sgcn", "cpi", "ginc", "gsin", "itip"}

func gs1EPCURN(s string) bool {
	rest, ok := strings.CutPrefix(s, "urn:epc:id:")
	if !ok {
		return false
	}
	scheme, _, _ := strings.Cut(rest, ":")
	return slices.Contains(gs1URNSchemes, scheme)
}
