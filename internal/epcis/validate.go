package epcis

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Limits on what ValidateDocument reads. A capture endpoint should refuse
// larger input before reading it all (http.MaxBytesReader with
// MaxDocumentSize+1) and advertise both limits, as the EPCIS REST binding
// does with GS1-EPCIS-Capture-File-Size-Limit and GS1-EPCIS-Capture-Limit.
const (
	// MaxDocumentSize is the largest document ValidateDocument reads, in
	// bytes (10 MiB).
	MaxDocumentSize = 10 << 20
	// MaxEvents is the most events one document may hold.
	MaxEvents = 10_000
	// MaxEventValues is the most JSON values (objects, arrays, strings,
	// numbers…) one event may hold for it to be checked: an event with
	// more is reported with a "limit" problem and not checked further.
	// The schema validator keeps every error it finds, at about 1.5 KB
	// each, so without this an event of a million invalid array items (a
	// 2 MB document) would take seconds and gigabytes.
	MaxEventValues = 50_000
	// MaxProblems is the most problems a Report lists. Once a document has
	// that many, ValidateDocument stops checking its events and sets
	// Report.Truncated.
	MaxProblems = 1_000
)

// Errors ValidateDocument returns for input it cannot validate at all. The
// first two mean "too big" (HTTP 413); the others mean "not an EPCIS JSON
// document" (HTTP 400). Each may be wrapped: test with errors.Is.
var (
	// ErrTooLarge is returned for a document over MaxDocumentSize bytes.
	ErrTooLarge = fmt.Errorf("epcis: document larger than %d bytes", MaxDocumentSize)
	// ErrTooManyEvents is returned for a document with more than
	// MaxEvents events.
	ErrTooManyEvents = fmt.Errorf("epcis: document has more than %d events", MaxEvents)
	// ErrNotJSON is returned for input that is not one JSON value.
	ErrNotJSON = errors.New("epcis: not valid JSON")
	// ErrNotObject is returned for JSON whose top level is not an object.
	ErrNotObject = errors.New("epcis: want a JSON object (an EPCIS document or event)")
)

// Report is the outcome of validating one document.
type Report struct {
	// DocumentType is the document's "type": EPCISDocument,
	// EPCISQueryDocument, or the event type of a single event sent on its
	// own (the body of the REST binding's POST /events).
	DocumentType string
	// Events is the number of events in the document (1 for a single
	// event).
	Events int
	// Problems lists what is wrong: document problems first, then event
	// problems by event index and field. It is empty for a valid document.
	Problems []Problem
	// Truncated reports that the document had more than MaxProblems
	// problems: Problems lists MaxProblems of them, and some events may
	// not have been checked.
	Truncated bool
}

// Valid reports whether the document has no problems.
func (r *Report) Valid() bool { return len(r.Problems) == 0 }

// Problem is one thing wrong with a document or one of its events.
type Problem struct {
	// Event is the index of the event in eventList, from 0, or -1 for a
	// problem of the document itself. A single event sent on its own is
	// event 0.
	Event int
	// EventID is the event's eventID, if it has one.
	EventID string
	// Field is a JSON pointer (RFC 6901) to the field at fault, relative
	// to the event (or, for a document problem, to the document); "" is the
	// event or document as a whole. A missing field is named by the pointer
	// it would have.
	Field string
	// Rule names the check that failed: "schema" for the official EPCIS
	// JSON Schema, otherwise one of the business rules (see Rules).
	Rule string
	// Message says what is wrong, in English.
	Message string
}

// String returns the problem as one line: where, then what.
func (p Problem) String() string {
	var b strings.Builder
	if p.Event < 0 {
		b.WriteString("document")
	} else {
		b.WriteString("event " + strconv.Itoa(p.Event))
		if p.EventID != "" {
			fmt.Fprintf(&b, " (eventID %q)", p.EventID)
		}
	}
	if p.Field != "" {
		b.WriteString(" " + p.Field)
	}
	b.WriteString(": " + p.Message + " [" + p.Rule + "]")
	return b.String()
}

// RuleSchema is the Rule of problems found by the official JSON Schema;
// RuleLimit that of an event too large to check (see MaxEventValues).
const (
	RuleSchema = "schema"
	RuleLimit  = "limit"
)

// ValidateDocument checks an EPCIS 2.0 JSON or JSON-LD document: an
// EPCISDocument, an EPCISQueryDocument or a single event. It applies the
// official EPCIS 2.0 JSON Schema (embedded; compiled once) and then the
// business rules the schema cannot express (see Rules), and reports every
// problem it finds, each naming the event and field at fault. Where a
// business rule and the schema fault the same field, only the rule's more
// specific problem is reported.
//
// The error is non-nil only for input that cannot be validated at all:
// ErrTooLarge, ErrTooManyEvents, ErrNotJSON or ErrNotObject. A document
// that is well-formed JSON but not EPCIS gets a Report full of problems.
//
// A remote JSON-LD context is never fetched: extension prefixes must be
// declared in the document's own @context (the prefixes of the EPCIS 2.0
// context are known).
func ValidateDocument(doc []byte) (*Report, error) {
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
	return d.validate(compiledSchemas()), nil
}

// document is a decoded document split for validation.
type document struct {
	root   map[string]any
	typ    string
	single bool  // root is one event, not a document
	events []any // the members of eventList, in order
	// shell is root with eventList emptied: the document schema checks
	// it, while each event is checked on its own (same schema, same
	// result, and the events can be checked in parallel).
	shell  map[string]any
	ctx    *ldContext // the document's @context over the EPCIS prefixes
	ctxErr error      // why the document's @context cannot be read
}

// readDocument finds the events: epcisBody.eventList of an EPCISDocument,
// epcisBody.queryResults.resultsBody.eventList of an EPCISQueryDocument,
// or the object itself when it is an event (no epcisBody).
func readDocument(root map[string]any) *document {
	d := &document{root: root, shell: root}
	d.typ, _ = root["type"].(string)
	_, hasBody := root["epcisBody"]
	if !hasBody && d.typ != "EPCISDocument" && d.typ != "EPCISQueryDocument" {
		d.single = true
		d.events = []any{root}
		return d
	}
	// emptied copies the maps on the way to eventList, so that root is
	// not changed.
	path := []string{"epcisBody", "eventList"}
	if d.typ == "EPCISQueryDocument" {
		path = []string{"epcisBody", "queryResults", "resultsBody", "eventList"}
	}
	d.shell = emptied(root, path, &d.events)
	return d
}

// emptied returns obj with the array at path replaced by an empty one,
// storing the array's members in events; obj itself when there is no array
// there.
func emptied(obj map[string]any, path []string, events *[]any) map[string]any {
	v, ok := obj[path[0]]
	if !ok {
		return obj
	}
	var nv any
	if len(path) == 1 {
		list, ok := v.([]any)
		if !ok {
			return obj
		}
		*events = list
		nv = []any{}
	} else {
		child, ok := v.(map[string]any)
		if !ok {
			return obj
		}
		nc := emptied(child, path[1:], events)
		if *events == nil {
			return obj // no array at the end of path: nothing was copied
		}
		nv = nc
	}
	c := make(map[string]any, len(obj))
	for k, x := range obj {
		c[k] = x
	}
	c[path[0]] = nv
	return c
}

// parallelFrom is the number of events from which a document's events are
// checked on several cores.
const parallelFrom = 64

// parallel calls f(0) … f(n-1), on up to GOMAXPROCS goroutines when n is
// large enough to repay them. Each goroutine takes the next few indexes in
// turn, so that one slow stretch does not hold up the rest.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/(parallelFrom/2))
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	const batch = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				start := int(next.Add(batch)) - batch
				if start >= n {
					return
				}
				for i := start; i < min(start+batch, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

func (d *document) validate(s *schemas) *Report {
	r := &Report{DocumentType: d.typ, Events: len(d.events)}
	if d.single {
		if t, ok := d.root["type"].(string); ok {
			r.DocumentType = t
		}
	}
	if d.ctx, d.ctxErr = defaultContext().with(d.root["@context"]); d.ctxErr != nil {
		d.ctx = defaultContext()
	}

	docRules, eventRules := d.documentRuleProblems()
	if !d.single {
		var defs []failure
		var alts []alternatives
		if d.typ == "EPCISDocument" || d.typ == "EPCISQueryDocument" {
			defs, alts = s.failures(s.root, d.shell)
		}
		r.Problems = append(r.Problems, resolve(-1, "", docRules, defs, alts)...)
	}

	results := make([][]Problem, len(d.events))
	var found atomic.Int64 // problems so far, to stop at MaxProblems
	found.Add(int64(len(r.Problems)))
	check := func(i int) {
		if found.Load() >= MaxProblems {
			return
		}
		defer func() { found.Add(int64(len(results[i]))) }()
		ev := d.events[i]
		id := eventIDOf(ev)
		if countValues(ev, MaxEventValues) > MaxEventValues {
			results[i] = []Problem{{Event: i, EventID: id, Rule: RuleLimit,
				Message: fmt.Sprintf("event holds more than %d JSON values; it was not checked", MaxEventValues)}}
			return
		}
		rules := slices.Concat(eventRules[i], d.eventRuleProblems(i))
		var defs []failure
		var alts []alternatives
		if schemaApplies(ev) {
			sch := s.eventSchema(ev)
			if d.single {
				sch = s.root
			}
			defs, alts = s.failures(sch, ev)
		}
		results[i] = resolve(i, id, rules, defs, alts)
	}
	parallel(len(d.events), check)
	for _, ps := range results {
		r.Problems = append(r.Problems, ps...)
	}
	if found.Load() > MaxProblems || len(r.Problems) > MaxProblems {
		r.Truncated = true
		r.Problems = slices.Clip(r.Problems[:min(len(r.Problems), MaxProblems)])
	}
	return r
}

// countValues counts the JSON values in v, itself included, stopping once
// the count passes limit.
func countValues(v any, limit int) int {
	n := 1
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			if n > limit {
				break
			}
			n += countMember(x, limit-n)
		}
	case []any:
		for _, x := range v {
			if n > limit {
				break
			}
			n += countMember(x, limit-n)
		}
	}
	return n
}

// countMember is countValues without a call for a scalar.
func countMember(x any, limit int) int {
	switch x.(type) {
	case map[string]any, []any:
		return countValues(x, limit)
	}
	return 1
}

// schemaApplies reports whether the schema has anything to say about an
// event beyond what the "type" rules report. It has not when the event is
// an object without a string "type": the schema's if/then chain tests
// "type" without requiring it, so such an object meets every "if" and is
// checked as all five event types at once, and the problems that gives are
// noise. (The same holds for the document: its schema is applied only
// under a document type.)
func schemaApplies(ev any) bool {
	m, ok := ev.(map[string]any)
	if !ok {
		return true // "want object"
	}
	_, ok = m["type"].(string)
	return ok
}

func eventIDOf(ev any) string {
	m, _ := ev.(map[string]any)
	id, _ := m["eventID"].(string)
	return id
}

// resolve merges the rule problems and schema failures of one event (or of
// the document) into the problems to report, ordered by field:
//   - a field a rule faults is reported by the rule alone;
//   - the schema's failures at one field become one problem;
//   - a failed anyOf is left out when one of its alternatives fails only
//     at fields already reported (fixing those fixes it); otherwise it is
//     reported at its one field, or at the object it applies to when its
//     alternatives fail at several.
func resolve(event int, id string, rules []Problem, defs []failure, alts []alternatives) []Problem {
	if len(rules) == 0 && len(defs) == 0 && len(alts) == 0 {
		return nil
	}
	reported := map[string]bool{}
	for _, p := range rules {
		reported[p.Field] = true
	}
	for _, f := range defs {
		reported[f.field] = true
	}
	for _, a := range alts {
		if f, ok := explainAlternatives(a, reported); ok {
			defs = append(defs, f)
		}
	}
	ruled := map[string]bool{}
	for _, p := range rules {
		ruled[p.Field] = true
	}
	out := slices.Clone(rules)
	byField := map[string]int{} // field → index in out
	for _, f := range defs {
		if ruled[f.field] {
			continue
		}
		if i, ok := byField[f.field]; ok {
			if !strings.Contains(out[i].Message, f.msg) {
				out[i].Message += "; " + f.msg
			}
			continue
		}
		byField[f.field] = len(out)
		out = append(out, Problem{Field: f.field, Rule: RuleSchema, Message: f.msg})
	}
	for i := range out {
		out[i].Event, out[i].EventID = event, id
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// explainAlternatives words a failed anyOf, unless one of its alternatives
// fails only at fields already reported.
func explainAlternatives(a alternatives, reported map[string]bool) (failure, bool) {
	fields := map[string]bool{}
	for _, br := range a.branches {
		covered := true
		for _, f := range br {
			fields[f.field] = true
			covered = covered && reported[f.field]
		}
		if covered && len(br) > 0 {
			return failure{}, false
		}
	}
	var opts []string
	if len(fields) == 1 {
		// One field: say what each alternative wants of it.
		var field string
		for f := range fields {
			field = f
		}
		for _, br := range a.branches {
			for _, f := range br {
				if !slices.Contains(opts, f.msg) {
					opts = append(opts, f.msg)
				}
			}
		}
		if len(opts) == 1 {
			return failure{field, opts[0]}, true
		}
		slices.Sort(opts) // the schema's order of alternatives carries no meaning
		return failure{field, "matches none of the allowed forms: " + strings.Join(opts, "; or ")}, true
	}
	const maxParts = 5 // per alternative, so that a long array cannot make a huge message
	for _, br := range a.branches {
		var parts []string
		for _, f := range br {
			parts = append(parts, relativeField(a.field, f.field)+": "+f.msg)
		}
		slices.Sort(parts)
		if len(parts) > maxParts {
			parts = append(parts[:maxParts], fmt.Sprintf("and %d more", len(parts)-maxParts))
		}
		opts = append(opts, "("+strings.Join(parts, ", ")+")")
	}
	slices.Sort(opts)
	return failure{a.field, "matches none of the allowed forms: " + strings.Join(opts, " or ")}, true
}

func relativeField(base, field string) string {
	if rel, ok := strings.CutPrefix(field, base+"/"); ok {
		return rel
	}
	if field == base {
		return "(this object)"
	}
	return field
}

// pointer writes a JSON pointer from its unescaped tokens.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteString("/")
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

func childPointer(base, name string) string { return base + "/" + escapeToken(name) }

func indexPointer(base string, i int) string { return base + "/" + strconv.Itoa(i) }

var (
	tokenEscaper   = strings.NewReplacer("~", "~0", "/", "~1")
	tokenUnescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

func escapeToken(t string) string {
	if !strings.ContainsAny(t, "~/") {
		return t
	}
	return tokenEscaper.Replace(t)
}

// lookup returns the value a JSON pointer names in v, or nil.
func lookup(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, t := range strings.Split(ptr[1:], "/") {
		t = tokenUnescaper.Replace(t)
		switch x := v.(type) {
		case map[string]any:
			v = x[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
