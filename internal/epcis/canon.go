package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file builds the canonical pre-hash string of one event (CBV 2.0,
// "EPCIS event hash ID"). The input is an event as decoded JSON (the
// JSON-LD binding) or the same shape built from the XML binding: standard
// members under their EPCIS names, user extensions under CURIE keys
// ("example:myField", expanded with the JSON-LD context) or already expanded
// "{namespace}localName" keys (XML).
//
// The rules, in short (the numbers are those of the reference algorithm
// description):
//   - members are written in one fixed order (eventOrder), as key=value or,
//     for a parent, the key followed by its children; nothing separates them
//     (rules 1–4);
//   - values are trimmed (5); numbers lose trailing zeros (6, 7); times are
//     UTC with milliseconds (8, 9);
//   - the children of a list, and extension members at one level, are sorted
//     as whole strings by byte value (10–12); a "type" is written before the
//     value it qualifies (13);
//   - CBV values become Web URIs (14–16); EPC URNs and Digital Link URIs
//     become constrained canonical Digital Link URIs (17, 18);
//   - ILMD and user extensions are written as {namespace}localName=value,
//     sorted (19, 20); extensions of readPoint, bizLocation, sensorElement,
//     sensorMetadata and sensorReport close their parent (21);
//   - recordTime, eventID, errorDeclaration, comments and fields a document
//     lists in "ignoreFields" are left out.

// eventTypes are the EPCIS 2.0 event types.
var eventTypes = []string{"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"}

// eventTypeOf returns the event type named by a "type" value, which may be
// written as a term, an epcis: CURIE or a full IRI.
func eventTypeOf(v any) (string, bool) {
	s, _ := v.(string)
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "epcis:")
	s = strings.TrimPrefix(s, nsEPCIS)
	return s, slices.Contains(eventTypes, s)
}

// field kinds: how a standard member's value is written.
type kind int

const (
	kString             kind = iota // trimmed text
	kID                             // identifier: canonical Digital Link where possible
	kTime                           // timestamp: UTC, milliseconds
	kNumber                         // decimal without trailing zeros
	kBizStep                        // CBV business step
	kDisp                           // CBV disposition
	kGS1Voc                         // sensor measurement type, exception
	kComponent                      // CBV sensor component
	kEPCList                        // list of "epc" identifiers
	kQuantityList                   // list of quantityElement
	kPersistentDisp                 // {set: [...], unset: [...]}
	kLocation                       // readPoint, bizLocation: {id, extensions}
	kBizTransactionList             // [{type, bizTransaction}]
	kSourceList                     // [{type, source}]
	kDestinationList                // [{type, destination}]
	kSensorElementList              //
	kILMD                           // extensions only
	kMultiID                        // certificationInfo: one URI or several
)

type member struct {
	name string
	kind kind
}

// eventOrder is the canonical property order. It follows the reference
// algorithm description, with two points taken from its test vectors where
// the description is silent or differs: certificationInfo comes right after
// eventTimeZoneOffset, and destinationList comes before sourceList.
var eventOrder = []member{
	{"eventTime", kTime},
	{"eventTimeZoneOffset", kString},
	{"certificationInfo", kMultiID},
	{"epcList", kEPCList},
	{"parentID", kID},
	{"inputEPCList", kEPCList},
	{"childEPCs", kEPCList},
	{"quantityList", kQuantityList},
	{"childQuantityList", kQuantityList},
	{"inputQuantityList", kQuantityList},
	{"outputEPCList", kEPCList},
	{"outputQuantityList", kQuantityList},
	{"action", kString},
	{"transformationID", kID},
	{"bizStep", kBizStep},
	{"disposition", kDisp},
	{"persistentDisposition", kPersistentDisp},
	{"readPoint", kLocation},
	{"bizLocation", kLocation},
	{"bizTransactionList", kBizTransactionList},
	{"destinationList", kDestinationList},
	{"sourceList", kSourceList},
	{"sensorElementList", kSensorElementList},
	{"ilmd", kILMD},
}

// ignoredEventMembers are standard members that never enter the hash:
// recordTime and eventID are set by whoever stores or names the event, and
// an error declaration must not change the ID of the event it corrects.
// "id" is, like eventID, an alias of the event's JSON-LD @id.
var ignoredEventMembers = []string{"recordTime", "eventID", "id", "errorDeclaration", "comment", "@context"}

var (
	metadataOrder = []member{
		{"time", kTime}, {"startTime", kTime}, {"endTime", kTime},
		{"deviceID", kID}, {"deviceMetadata", kID}, {"rawData", kID},
		{"dataProcessingMethod", kID}, {"bizRules", kID},
	}
	reportOrder = []member{
		{"type", kGS1Voc}, {"exception", kGS1Voc},
		{"deviceID", kID}, {"deviceMetadata", kID}, {"rawData", kID}, {"dataProcessingMethod", kID},
		{"time", kTime}, {"microorganism", kID}, {"chemicalSubstance", kID},
		{"value", kNumber}, {"component", kComponent},
		{"stringValue", kString}, {"booleanValue", kString}, {"hexBinaryValue", kString}, {"uriValue", kID},
		{"minValue", kNumber}, {"maxValue", kNumber}, {"meanValue", kNumber}, {"sDev", kNumber},
		{"percRank", kNumber}, {"percValue", kNumber},
		{"uom", kString}, {"coordinateReferenceSystem", kID},
	}
	quantityOrder = []member{{"epcClass", kID}, {"quantity", kNumber}, {"uom", kString}}
	locationOrder = []member{{"id", kID}}
)

// fieldError is an error in one member of an event; path names it, e.g.
// "sensorElementList[0].sensorReport[2].time".
type fieldError struct {
	path string
	err  error
}

func (e *fieldError) Error() string { return e.path + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

func errAt(path string, format string, args ...any) error {
	return &fieldError{path, fmt.Errorf(format, args...)}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// fieldPath is the path of the member being read, as errors name it (join
// and index write the same text): a stack of member names and array
// indexes, pushed and popped as the canonicaliser goes down and up the
// event. It is written out only when an error needs it: a path is followed
// to every member read, and almost none is ever shown.
type fieldPath struct{ segs []pathSeg }

type pathSeg struct {
	name    string
	index   int
	isIndex bool
}

// push enters member name.
func (p *fieldPath) push(name string) { p.segs = append(p.segs, pathSeg{name: name}) }

// pushIndex enters element i.
func (p *fieldPath) pushIndex(i int) { p.segs = append(p.segs, pathSeg{index: i, isIndex: true}) }

// pop leaves the member or element last entered.
func (p *fieldPath) pop() { p.segs = p.segs[:len(p.segs)-1] }

// String writes the path: "sensorElementList[0].sensorReport[2].time".
func (p *fieldPath) String() string {
	s := ""
	for _, seg := range p.segs {
		if seg.isIndex {
			s = index(s, seg.index)
		} else {
			s = join(s, seg.name)
		}
	}
	return s
}

// child writes the path of member name of the current one.
func (p *fieldPath) child(name string) string { return join(p.String(), name) }

// canonicaliser writes pre-hash strings for events read with one context.
// It is not changed once made, so goroutines may share it.
type canonicaliser struct {
	ctx    *ldContext
	ignore map[string]bool // expanded keys of fields to leave out
}

func newCanonicaliser(ctx *ldContext, ignore []any) (*canonicaliser, error) {
	c := &canonicaliser{ctx: ctx, ignore: map[string]bool{"{" + nsRDFS + "}comment": true}}
	for _, v := range ignore {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("ignoreFields: want strings, got %s", jsonKind(v))
		}
		k, err := ctx.expandKey(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("ignoreFields: %q: %w", s, err)
		}
		c.ignore[k] = true
	}
	return c, nil
}

// maxStd bounds the standard members (and extra names) of one object.
const maxStd = 32

// parts are the members of one object, sorted by split.
type parts struct {
	std   [maxStd]any // by position in the standard members, then the extra names
	has   uint64      // which of std are present
	ext   []keyValue
	other []keyValue
}

// get returns standard member (or extra name) i.
func (s *parts) get(i int) (any, bool) { return s.std[i], s.has&(1<<i) != 0 }

type keyValue struct {
	key string
	val any
}

// Standard member lists of the structures with a fixed shape.
var (
	eventExtra         = append([]string{"type"}, ignoredEventMembers...)
	persistentDispStd  = []member{{"set", kDisp}, {"unset", kDisp}}
	sensorElementStd   = []member{{"sensorMetadata", kString}, {"sensorReport", kString}}
	bizTransactionStd  = []member{{"type", kString}, {"bizTransaction", kID}}
	sourceStd          = []member{{"type", kString}, {"source", kID}}
	destinationStd     = []member{{"type", kString}, {"destination", kID}}
	persistentDispKeys = []string{"set", "unset"}
)

func init() {
	if len(eventOrder)+len(eventExtra) > maxStd || len(reportOrder) > maxStd {
		panic("epcis: maxStd is too small")
	}
}

// split sorts the members of an object into standard members (the names in
// std and extra), namespaced extension members and other, unknown members,
// expanding keys and dropping ignored ones. Two keys that expand alike stay
// two members, so they hash like one member with two values. The members
// that are not standard are read in key order (so that the first error is
// always the same one).
func (c *canonicaliser) split(s *parts, obj map[string]any, std []member, extra []string, path *fieldPath) error {
	var buf [8]string
	rest := buf[:0]
	for k, v := range obj {
		if k == "@context" {
			continue
		}
		if i := stdIndex(std, extra, k); i >= 0 {
			s.std[i] = v
			s.has |= 1 << i
			continue
		}
		rest = append(rest, k)
	}
	if len(rest) > 1 {
		slices.Sort(rest)
	}
	for _, k := range rest {
		ek, err := c.ctx.expandKey(k)
		if err != nil {
			return &fieldError{path.child(k), err}
		}
		if c.ignore[ek] {
			continue
		}
		if strings.HasPrefix(ek, "{") {
			s.ext = append(s.ext, keyValue{ek, obj[k]})
		} else {
			s.other = append(s.other, keyValue{ek, obj[k]})
		}
	}
	return nil
}

// stdIndex returns the position of k among std and then extra; -1 if it is
// in neither.
func stdIndex(std []member, extra []string, k string) int {
	for i := range std {
		if std[i].name == k {
			return i
		}
	}
	for i, x := range extra {
		if x == k {
			return len(std) + i
		}
	}
	return -1
}

// preHashSize is a first guess at the length of a pre-hash string.
const preHashSize = 1024

// event appends the pre-hash string of one event to b.
func (c *canonicaliser) event(b []byte, ev map[string]any, path *fieldPath) ([]byte, error) {
	var s parts
	if err := c.split(&s, ev, eventOrder, eventExtra, path); err != nil {
		return b, err
	}
	tv, _ := s.get(len(eventOrder)) // "type"
	typ, ok := eventTypeOf(tv)
	if !ok {
		if tv == nil {
			return b, errAt("type", "missing")
		}
		return b, errAt("type", "%v is not an EPCIS event type (want one of %s)", tv, strings.Join(eventTypes, ", "))
	}
	if t, _ := s.get(0); t == nil { // eventTime
		return b, errAt("eventTime", "missing")
	}
	b = append(b, "eventType="...)
	b = append(b, typ...)
	var exts []string // user extensions and the residue of standard members
	for i, m := range eventOrder {
		v, ok := s.get(i)
		if !ok {
			continue
		}
		var residue string
		var err error
		path.push(m.name)
		b, residue, err = c.member(b, m, v, path)
		if err != nil {
			return b, err
		}
		path.pop()
		if residue != "" {
			exts = append(exts, residue)
		}
	}
	exts, err := c.extensions(exts, append(s.ext, s.other...), path)
	if err != nil {
		return b, err
	}
	return appendSorted(b, "", exts), nil
}

// appendMember appends name=value for a standard member holding one value;
// nothing if the value is empty.
func (c *canonicaliser) appendMember(b []byte, name string, k kind, v any, path *fieldPath) ([]byte, error) {
	mark := len(b)
	b = append(b, name...)
	b = append(b, '=')
	n := len(b)
	b, err := c.appendScalar(b, k, v, path)
	if err != nil || len(b) == n {
		return b[:mark], err
	}
	return b, nil
}

// member appends one standard member to b. The residue is the canonical
// form of whatever the member held that the standard does not define there
// (an unknown sensorReport attribute, say): it is hashed among the event's
// user extensions, under the path of standard names that leads to it, as
// the reference implementation does, so that no content escapes the hash.
func (c *canonicaliser) member(b []byte, m member, v any, path *fieldPath) (_ []byte, residue string, err error) {
	switch m.kind {
	case kString, kID, kTime, kNumber, kBizStep, kDisp, kGS1Voc, kComponent:
		b, err = c.appendMember(b, m.name, m.kind, v, path)
		return b, "", err
	case kMultiID:
		var buf [8]string
		vals, err := c.scalars(buf[:0], kID, v, path)
		if err != nil {
			return b, "", err
		}
		slices.Sort(vals)
		for _, x := range vals {
			b = append(b, m.name...)
			b = append(b, '=')
			b = append(b, x...)
		}
		return b, "", nil
	case kEPCList:
		var buf [8]string
		vals, err := c.scalars(buf[:0], kID, v, path)
		if err != nil || len(vals) == 0 {
			return b, "", err
		}
		slices.Sort(vals)
		b = append(b, m.name...)
		for _, x := range vals {
			b = append(b, "epc="...)
			b = append(b, x...)
		}
		return b, "", nil
	case kPersistentDisp:
		obj, err := object(v, path)
		if err != nil {
			return b, "", err
		}
		var s parts
		if err := c.split(&s, obj, persistentDispStd, nil, path); err != nil {
			return b, "", err
		}
		mark := len(b)
		b = append(b, m.name...)
		start := len(b)
		for i, k := range persistentDispKeys { // set=… then unset=…, each sorted
			if x, ok := s.get(i); ok {
				path.push(k)
				vals, err := c.scalars(nil, kDisp, x, path)
				if err != nil {
					return b[:mark], "", err
				}
				path.pop()
				slices.Sort(vals)
				for _, val := range vals {
					b = append(b, k...)
					b = append(b, '=')
					b = append(b, val...)
				}
			}
		}
		if len(b) == start {
			b = b[:mark]
		}
		res, err := c.residue(m.name, append(s.ext, s.other...), nil, path)
		if err != nil {
			return b[:mark], "", err
		}
		return b, res, nil
	case kLocation:
		obj, err := object(v, path)
		if err != nil {
			return b, "", err
		}
		return c.structure(b, m.name, obj, locationOrder, true, path)
	case kQuantityList, kBizTransactionList, kSourceList, kDestinationList, kSensorElementList:
		var buf [8]map[string]any
		items, err := objects(buf[:0], v, path)
		if err != nil {
			return b, "", err
		}
		mark := len(b)
		b = append(b, m.name...)
		start := len(b)
		var spanBuf [8]span
		spans := spanBuf[:0]
		var residues []string
		for i, obj := range items {
			var r string
			path.pushIndex(i)
			from := len(b)
			switch m.kind {
			case kQuantityList:
				b, r, err = c.structure(b, "quantityElement", obj, quantityOrder, false, path)
			case kBizTransactionList:
				b, r, err = c.typed(b, "bizTransaction", bizTransactionStd, vocBTT, obj, path)
			case kSourceList:
				b, r, err = c.typed(b, "source", sourceStd, vocSDT, obj, path)
			case kDestinationList:
				b, r, err = c.typed(b, "destination", destinationStd, vocSDT, obj, path)
			case kSensorElementList:
				b, r, err = c.sensorElement(b, obj, path)
			}
			if err != nil {
				return b[:mark], "", err
			}
			path.pop()
			if len(b) > from {
				spans = append(spans, span{from, len(b)})
			}
			if r != "" {
				residues = append(residues, r)
			}
		}
		if len(b) == start {
			b = b[:mark]
		} else {
			b = sortSpans(b, start, spans)
		}
		return b, joinSorted(m.name, residues), nil
	case kILMD:
		obj, err := object(v, path)
		if err != nil {
			return b, "", err
		}
		var kvs []keyValue
		for _, k := range sortedKeys(obj) {
			if k == "@context" {
				continue
			}
			ek, err := c.ctx.expandKey(k)
			if err != nil {
				return b, "", &fieldError{path.child(k), err}
			}
			if !c.ignore[ek] {
				kvs = append(kvs, keyValue{ek, obj[k]})
			}
		}
		strs, err := c.extensions(nil, kvs, path)
		if err != nil {
			return b, "", err
		}
		return appendSorted(b, m.name, strs), "", nil
	}
	return b, "", fmt.Errorf("epcis: internal error: member kind %d", m.kind)
}

// span is the text b[start:end] of one item of a list being written.
type span struct{ start, end int }

// sortSpans reorders the items written into b from start on, which spans
// cover, so that they follow each other sorted by byte value.
func sortSpans(b []byte, start int, spans []span) []byte {
	cmp := func(x, y span) int { return bytes.Compare(b[x.start:x.end], b[y.start:y.end]) }
	if slices.IsSortedFunc(spans, cmp) {
		return b
	}
	slices.SortFunc(spans, cmp)
	items := bytes.Clone(b[start:])
	b = b[:start]
	for _, s := range spans {
		b = append(b, items[s.start-start:s.end-start]...)
	}
	return b
}

// appendSorted sorts strs and appends them after name; nothing if strs is
// empty.
func appendSorted(b []byte, name string, strs []string) []byte {
	if len(strs) == 0 {
		return b
	}
	slices.Sort(strs)
	b = append(b, name...)
	for _, s := range strs {
		b = append(b, s...)
	}
	return b
}

// structure appends an object with a fixed member order: name, its standard
// members, then (if it is an extension point) its user extensions, sorted;
// nothing if all that is empty.
func (c *canonicaliser) structure(b []byte, name string, obj map[string]any, order []member, extensionPoint bool, path *fieldPath) (_ []byte, residue string, err error) {
	var s parts
	if err := c.split(&s, obj, order, nil, path); err != nil {
		return b, "", err
	}
	mark := len(b)
	b = append(b, name...)
	start := len(b)
	for i, m := range order {
		if v, ok := s.get(i); ok {
			path.push(m.name)
			if b, err = c.appendMember(b, m.name, m.kind, v, path); err != nil {
				return b[:mark], "", err
			}
			path.pop()
		}
	}
	leftover := append(s.ext, s.other...)
	if extensionPoint {
		exts, err := c.extensions(nil, s.ext, path)
		if err != nil {
			return b[:mark], "", err
		}
		b = appendSorted(b, "", exts)
		leftover = s.other
	}
	residue, err = c.residue(name, leftover, nil, path)
	if err != nil || len(b) == start {
		return b[:mark], residue, err
	}
	return b, residue, nil
}

// typed appends a bizTransaction, source or destination: its type (a CBV
// vocabulary value) first, then the identifier. std is {type, name}.
func (c *canonicaliser) typed(b []byte, name string, std []member, voc vocab, obj map[string]any, path *fieldPath) (_ []byte, residue string, err error) {
	var s parts
	if err := c.split(&s, obj, std, nil, path); err != nil {
		return b, "", err
	}
	mark := len(b)
	if v, ok := s.get(0); ok {
		path.push("type")
		t, err := c.scalar(kString, v, path)
		if err != nil {
			return b, "", err
		}
		path.pop()
		if t != "" {
			b = append(b, "type="...)
			b = voc.appendNormalised(b, t)
		}
	}
	if v, ok := s.get(1); ok {
		path.push(name)
		if b, err = c.appendMember(b, name, kID, v, path); err != nil {
			return b[:mark], "", err
		}
		path.pop()
	}
	residue, err = c.residue(name, append(s.ext, s.other...), nil, path)
	if err != nil {
		return b[:mark], "", err
	}
	return b, residue, nil
}

// sensorElement appends sensorElement, its sensorMetadata, its
// sensorReports (sorted) and its own extensions (sorted); nothing if all
// that is empty.
func (c *canonicaliser) sensorElement(b []byte, obj map[string]any, path *fieldPath) (_ []byte, residue string, err error) {
	var s parts
	if err := c.split(&s, obj, sensorElementStd, nil, path); err != nil {
		return b, "", err
	}
	mark := len(b)
	b = append(b, "sensorElement"...)
	start := len(b)
	var residues []string
	if v, ok := s.get(0); ok {
		path.push("sensorMetadata")
		md, err := object(v, path)
		if err != nil {
			return b[:mark], "", err
		}
		var r string
		if b, r, err = c.structure(b, "sensorMetadata", md, metadataOrder, true, path); err != nil {
			return b[:mark], "", err
		}
		path.pop()
		if r != "" {
			residues = append(residues, r)
		}
	}
	if v, ok := s.get(1); ok {
		path.push("sensorReport")
		var buf [8]map[string]any
		reports, err := objects(buf[:0], v, path)
		if err != nil {
			return b[:mark], "", err
		}
		from := len(b)
		var spanBuf [8]span
		spans := spanBuf[:0]
		for i, rep := range reports {
			var r string
			path.pushIndex(i)
			at := len(b)
			if b, r, err = c.structure(b, "sensorReport", rep, reportOrder, true, path); err != nil {
				return b[:mark], "", err
			}
			path.pop()
			if len(b) > at {
				spans = append(spans, span{at, len(b)})
			}
			if r != "" {
				residues = append(residues, r)
			}
		}
		b = sortSpans(b, from, spans)
		path.pop()
	}
	exts, err := c.extensions(nil, s.ext, path)
	if err != nil {
		return b[:mark], "", err
	}
	b = appendSorted(b, "", exts)
	residue, err = c.residue("sensorElement", s.other, residues, path)
	if err != nil || len(b) == start {
		return b[:mark], residue, err
	}
	return b, residue, nil
}

// residue writes the members a standard structure does not define, and the
// residues of its children, under the structure's name; "" if none.
func (c *canonicaliser) residue(name string, kvs []keyValue, children []string, path *fieldPath) (string, error) {
	if len(kvs) == 0 && len(children) == 0 {
		return "", nil
	}
	strs, err := c.extensions(nil, kvs, path)
	if err != nil {
		return "", err
	}
	return joinSorted(name, append(strs, children...)), nil
}

// extensions appends to out the user extension members (or any member the
// standard does not define) in their generic form; the caller sorts them.
func (c *canonicaliser) extensions(out []string, kvs []keyValue, path *fieldPath) ([]string, error) {
	for _, kv := range kvs {
		var err error
		path.push(kv.key)
		if out, err = c.generic(out, kv.key, kv.val, path, 0); err != nil {
			return nil, err
		}
		path.pop()
	}
	return out, nil
}

// maxDepth bounds the nesting of extension values (encoding/json already
// stops at 10,000 levels; this keeps the hasher's own recursion modest).
const maxDepth = 1000

var errTooDeep = errors.New("extension nested too deeply")

// generic appends to out the strings of an extension member: key=value for
// a value, the key followed by its members (sorted) for an object, and one
// string per element for an array (JSON-LD arrays are unordered sets of
// values; the caller sorts). String values get the same identifier
// normalisation as standard identifiers; an empty value writes just the
// key.
func (c *canonicaliser) generic(out []string, key string, v any, path *fieldPath, depth int) ([]string, error) {
	if depth > maxDepth {
		return nil, &fieldError{path.String(), errTooDeep}
	}
	switch v := v.(type) {
	case []any:
		for i, x := range v {
			var err error
			path.pushIndex(i)
			if out, err = c.generic(out, key, x, path, depth+1); err != nil {
				return nil, err
			}
			path.pop()
		}
		return out, nil
	case map[string]any:
		if val, ok := v["@value"]; ok {
			return c.generic(out, key, val, path, depth+1)
		}
		for _, kw := range [...]string{"@list", "@set"} {
			if val, ok := v[kw]; ok {
				return c.generic(out, key, val, path, depth+1)
			}
		}
		if id, ok := v["@id"]; ok && len(v) == 1 {
			return c.generic(out, key, id, path, depth+1)
		}
		var keyBuf [8]string
		keys := keyBuf[:0]
		for k := range v {
			if k != "@context" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		var childBuf [8]string
		children := childBuf[:0]
		for _, k := range keys {
			ek, err := c.ctx.expandKey(k)
			if err != nil {
				return nil, &fieldError{path.child(k), err}
			}
			if c.ignore[ek] {
				continue
			}
			path.push(k)
			if children, err = c.generic(children, ek, v[k], path, depth+1); err != nil {
				return nil, err
			}
			path.pop()
		}
		return append(out, joinSorted(key, children)), nil
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return append(out, key), nil
		}
		var buf [256]byte
		b := append(append(buf[:0], key...), '=')
		return append(out, string(appendIdentifier(b, s))), nil
	case nil:
		return append(out, key), nil
	}
	s, err := leaf(v, path)
	if err != nil {
		return nil, err
	}
	return append(out, key+"="+s), nil
}

// appendScalar appends a standard member's value; nothing means absent.
func (c *canonicaliser) appendScalar(b []byte, k kind, v any, path *fieldPath) ([]byte, error) {
	if v == nil {
		return b, nil
	}
	if k == kNumber {
		s, err := number(v, path)
		return append(b, s...), err
	}
	s, err := leaf(v, path)
	if err != nil {
		return b, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return b, nil
	}
	switch k {
	case kID:
		return appendIdentifier(b, s), nil
	case kTime:
		b, err := appendCanonicalTime(b, s)
		if err != nil {
			return b, &fieldError{path.String(), fmt.Errorf("%q: %w", s, err)}
		}
		return b, nil
	case kBizStep:
		return vocBizStep.appendNormalised(b, s), nil
	case kDisp:
		return vocDisp.appendNormalised(b, s), nil
	case kGS1Voc:
		return vocGS1.appendNormalised(b, s), nil
	case kComponent:
		return vocComponent.appendNormalised(b, s), nil
	}
	return append(b, s...), nil
}

// scalar returns a standard member's value; "" means absent.
func (c *canonicaliser) scalar(k kind, v any, path *fieldPath) (string, error) {
	switch k {
	case kString, kNumber, kID:
		// values that need no copy beyond what leaf, number and
		// normaliseIdentifier make
		if v == nil {
			return "", nil
		}
		if k == kNumber {
			return number(v, path)
		}
		s, err := leaf(v, path)
		if s = strings.TrimSpace(s); err != nil || s == "" || k == kString {
			return s, err
		}
		return normaliseIdentifier(s), nil
	}
	b, err := c.appendScalar(nil, k, v, path)
	return string(b), err
}

// scalars appends to out the values of a member that holds one value or an
// array of values.
func (c *canonicaliser) scalars(out []string, k kind, v any, path *fieldPath) ([]string, error) {
	one := func(x any, p *fieldPath) error {
		if _, isObj := x.(map[string]any); isObj {
			return errAt(p.String(), "want a string, got an object")
		}
		s, err := c.scalar(k, x, p)
		if err != nil {
			return err
		}
		if s != "" {
			out = append(out, s)
		}
		return nil
	}
	arr, isArray := v.([]any)
	if !isArray {
		return out, one(v, path)
	}
	for i, x := range arr {
		path.pushIndex(i)
		if err := one(x, path); err != nil {
			return nil, err
		}
		path.pop()
	}
	return out, nil
}

// leaf writes a JSON scalar as text.
func leaf(v any, path *fieldPath) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case json.Number, float64, float32, int, int64, int32, uint, uint64, uint32:
		return number(v, path)
	case nil:
		return "", nil
	}
	return "", errAt(path.String(), "want a single value, got %s", jsonKind(v))
}

// number writes a numeric value without trailing zeros. Text that is not a
// decimal number (possible in XML) is kept as written.
func number(v any, path *fieldPath) (string, error) {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
	case float64:
		if out, ok := formatFloat(v); ok {
			return out, nil
		}
		return "", errAt(path.String(), "%v is not a finite number", v)
	case float32:
		return number(float64(v), path)
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case int32:
		return strconv.FormatInt(int64(v), 10), nil
	case uint:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), nil
	case nil:
		return "", nil
	default:
		return "", errAt(path.String(), "want a number, got %s", jsonKind(v))
	}
	if out, ok := canonicalDecimal(s); ok {
		return out, nil
	}
	return s, nil
}

func object(v any, path *fieldPath) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errAt(path.String(), "want an object, got %s", jsonKind(v))
	}
	return obj, nil
}

// objects appends to out a list of objects; a single object counts as a
// list of one (JSON-LD does not distinguish them).
func objects(out []map[string]any, v any, path *fieldPath) ([]map[string]any, error) {
	switch v := v.(type) {
	case map[string]any:
		return append(out, v), nil
	case []any:
		for i, x := range v {
			path.pushIndex(i)
			obj, err := object(x, path)
			if err != nil {
				return nil, err
			}
			path.pop()
			out = append(out, obj)
		}
		return out, nil
	case nil:
		return out, nil
	}
	return nil, errAt(path.String(), "want an array of objects, got %s", jsonKind(v))
}

// joinSorted sorts strs and writes them after name; "" if strs is empty.
func joinSorted(name string, strs []string) string {
	if len(strs) == 0 {
		return ""
	}
	return string(appendSorted(nil, name, strs))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
