package epcis

import (
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

// canonicaliser writes pre-hash strings for events read with one context.
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

// parts are the members of one object, sorted by split.
type parts struct {
	std   map[string]any
	ext   []keyValue
	other []keyValue
}

type keyValue struct {
	key string
	val any
}

// split sorts the members of an object into standard members (the names in
// std and extra), namespaced extension members and other, unknown members,
// expanding keys and dropping ignored ones. Two keys that expand alike stay
// two members, so they hash like one member with two values.
func (c *canonicaliser) split(obj map[string]any, std []member, extra []string, path string) (parts, error) {
	s := parts{std: map[string]any{}}
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		if k == "@context" {
			continue
		}
		if slices.ContainsFunc(std, func(m member) bool { return m.name == k }) || slices.Contains(extra, k) {
			s.std[k] = v
			continue
		}
		ek, err := c.ctx.expandKey(k)
		if err != nil {
			return s, &fieldError{join(path, k), err}
		}
		if c.ignore[ek] {
			continue
		}
		if strings.HasPrefix(ek, "{") {
			s.ext = append(s.ext, keyValue{ek, v})
		} else {
			s.other = append(s.other, keyValue{ek, v})
		}
	}
	return s, nil
}

// event returns the pre-hash string of one event.
func (c *canonicaliser) event(ev map[string]any) (string, error) {
	extra := append([]string{"type"}, ignoredEventMembers...)
	s, err := c.split(ev, eventOrder, extra, "")
	if err != nil {
		return "", err
	}
	typ, ok := eventTypeOf(s.std["type"])
	if !ok {
		if s.std["type"] == nil {
			return "", errAt("type", "missing")
		}
		return "", errAt("type", "%v is not an EPCIS event type (want one of %s)", s.std["type"], strings.Join(eventTypes, ", "))
	}
	if s.std["eventTime"] == nil {
		return "", errAt("eventTime", "missing")
	}
	var b strings.Builder
	b.WriteString("eventType=" + typ)
	var exts []string // user extensions and the residue of standard members
	for _, m := range eventOrder {
		v, ok := s.std[m.name]
		if !ok {
			continue
		}
		str, residue, err := c.member(m, v, m.name)
		if err != nil {
			return "", err
		}
		b.WriteString(str)
		if residue != "" {
			exts = append(exts, residue)
		}
	}
	more, err := c.extensions(append(s.ext, s.other...), "")
	if err != nil {
		return "", err
	}
	exts = append(exts, more...)
	slices.Sort(exts)
	b.WriteString(strings.Join(exts, ""))
	return b.String(), nil
}

// member writes one standard member. The residue is the canonical form of
// whatever the member held that the standard does not define there (an
// unknown sensorReport attribute, say): it is hashed among the event's user
// extensions, under the path of standard names that leads to it, as the
// reference implementation does, so that no content escapes the hash.
func (c *canonicaliser) member(m member, v any, path string) (str, residue string, err error) {
	switch m.kind {
	case kString, kID, kTime, kNumber, kBizStep, kDisp, kGS1Voc, kComponent:
		val, err := c.scalar(m.kind, v, path)
		if err != nil || val == "" {
			return "", "", err
		}
		return m.name + "=" + val, "", nil
	case kMultiID:
		vals, err := c.scalars(kID, "", v, path)
		if err != nil {
			return "", "", err
		}
		for i := range vals {
			vals[i] = m.name + "=" + vals[i]
		}
		return joinSorted("", vals), "", nil
	case kEPCList:
		vals, err := c.scalars(kID, "epc=", v, path)
		if err != nil {
			return "", "", err
		}
		return joinSorted(m.name, vals), "", nil
	case kPersistentDisp:
		obj, err := object(v, path)
		if err != nil {
			return "", "", err
		}
		s, err := c.split(obj, []member{{"set", kDisp}, {"unset", kDisp}}, nil, path)
		if err != nil {
			return "", "", err
		}
		var all []string // set=… then unset=…, each sorted
		for _, k := range []string{"set", "unset"} {
			if x, ok := s.std[k]; ok {
				vals, err := c.scalars(kDisp, k+"=", x, join(path, k))
				if err != nil {
					return "", "", err
				}
				slices.Sort(vals)
				all = append(all, vals...)
			}
		}
		res, err := c.residue(m.name, append(s.ext, s.other...), nil, path)
		if err != nil {
			return "", "", err
		}
		if len(all) == 0 {
			return "", res, nil
		}
		return m.name + strings.Join(all, ""), res, nil
	case kLocation:
		obj, err := object(v, path)
		if err != nil {
			return "", "", err
		}
		return c.structure(m.name, obj, locationOrder, true, path)
	case kQuantityList, kBizTransactionList, kSourceList, kDestinationList, kSensorElementList:
		items, err := objects(v, path)
		if err != nil {
			return "", "", err
		}
		var strs, residues []string
		for i, obj := range items {
			var s, r string
			p := index(path, i)
			switch m.kind {
			case kQuantityList:
				s, r, err = c.structure("quantityElement", obj, quantityOrder, false, p)
			case kBizTransactionList:
				s, r, err = c.typed("bizTransaction", vocBTT, obj, p)
			case kSourceList:
				s, r, err = c.typed("source", vocSDT, obj, p)
			case kDestinationList:
				s, r, err = c.typed("destination", vocSDT, obj, p)
			case kSensorElementList:
				s, r, err = c.sensorElement(obj, p)
			}
			if err != nil {
				return "", "", err
			}
			if s != "" {
				strs = append(strs, s)
			}
			if r != "" {
				residues = append(residues, r)
			}
		}
		return joinSorted(m.name, strs), joinSorted(m.name, residues), nil
	case kILMD:
		obj, err := object(v, path)
		if err != nil {
			return "", "", err
		}
		var kvs []keyValue
		for _, k := range sortedKeys(obj) {
			if k == "@context" {
				continue
			}
			ek, err := c.ctx.expandKey(k)
			if err != nil {
				return "", "", &fieldError{join(path, k), err}
			}
			if !c.ignore[ek] {
				kvs = append(kvs, keyValue{ek, obj[k]})
			}
		}
		strs, err := c.extensions(kvs, path)
		if err != nil {
			return "", "", err
		}
		return joinSorted(m.name, strs), "", nil
	}
	return "", "", fmt.Errorf("epcis: internal error: member kind %d", m.kind)
}

// structure writes an object with a fixed member order: name, its standard
// members, then (if it is an extension point) its user extensions, sorted.
func (c *canonicaliser) structure(name string, obj map[string]any, order []member, extensionPoint bool, path string) (str, residue string, err error) {
	s, err := c.split(obj, order, nil, path)
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	for _, m := range order {
		if v, ok := s.std[m.name]; ok {
			val, err := c.scalar(m.kind, v, join(path, m.name))
			if err != nil {
				return "", "", err
			}
			if val != "" {
				b.WriteString(m.name + "=" + val)
			}
		}
	}
	leftover := append(s.ext, s.other...)
	if extensionPoint {
		exts, err := c.extensions(s.ext, path)
		if err != nil {
			return "", "", err
		}
		slices.Sort(exts)
		b.WriteString(strings.Join(exts, ""))
		leftover = s.other
	}
	residue, err = c.residue(name, leftover, nil, path)
	if err != nil || b.Len() == 0 {
		return "", residue, err
	}
	return name + b.String(), residue, nil
}

// typed writes a bizTransaction, source or destination: its type (a CBV
// vocabulary value) first, then the identifier.
func (c *canonicaliser) typed(name string, voc vocab, obj map[string]any, path string) (str, residue string, err error) {
	s, err := c.split(obj, []member{{"type", kString}, {name, kID}}, nil, path)
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	if v, ok := s.std["type"]; ok {
		t, err := c.scalar(kString, v, join(path, "type"))
		if err != nil {
			return "", "", err
		}
		if t != "" {
			b.WriteString("type=" + voc.normalise(t))
		}
	}
	if v, ok := s.std[name]; ok {
		id, err := c.scalar(kID, v, join(path, name))
		if err != nil {
			return "", "", err
		}
		if id != "" {
			b.WriteString(name + "=" + id)
		}
	}
	residue, err = c.residue(name, append(s.ext, s.other...), nil, path)
	return b.String(), residue, err
}

// sensorElement writes sensorElement, its sensorMetadata, its sensorReports
// (sorted) and its own extensions (sorted).
func (c *canonicaliser) sensorElement(obj map[string]any, path string) (str, residue string, err error) {
	s, err := c.split(obj, []member{{"sensorMetadata", kString}, {"sensorReport", kString}}, nil, path)
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	var residues []string
	if v, ok := s.std["sensorMetadata"]; ok {
		p := join(path, "sensorMetadata")
		md, err := object(v, p)
		if err != nil {
			return "", "", err
		}
		str, r, err := c.structure("sensorMetadata", md, metadataOrder, true, p)
		if err != nil {
			return "", "", err
		}
		b.WriteString(str)
		if r != "" {
			residues = append(residues, r)
		}
	}
	if v, ok := s.std["sensorReport"]; ok {
		p := join(path, "sensorReport")
		reports, err := objects(v, p)
		if err != nil {
			return "", "", err
		}
		var strs []string
		for i, rep := range reports {
			str, r, err := c.structure("sensorReport", rep, reportOrder, true, index(p, i))
			if err != nil {
				return "", "", err
			}
			if str != "" {
				strs = append(strs, str)
			}
			if r != "" {
				residues = append(residues, r)
			}
		}
		b.WriteString(joinSorted("", strs))
	}
	exts, err := c.extensions(s.ext, path)
	if err != nil {
		return "", "", err
	}
	b.WriteString(joinSorted("", exts))
	residue, err = c.residue("sensorElement", s.other, residues, path)
	if err != nil || b.Len() == 0 {
		return "", residue, err
	}
	return "sensorElement" + b.String(), residue, nil
}

// residue writes the members a standard structure does not define, and the
// residues of its children, under the structure's name; "" if none.
func (c *canonicaliser) residue(name string, kvs []keyValue, children []string, path string) (string, error) {
	strs, err := c.extensions(kvs, path)
	if err != nil {
		return "", err
	}
	return joinSorted(name, append(strs, children...)), nil
}

// extensions writes user extension members (or any member the standard
// does not define) in their generic form; the caller sorts them.
func (c *canonicaliser) extensions(kvs []keyValue, path string) ([]string, error) {
	var out []string
	for _, kv := range kvs {
		strs, err := c.generic(kv.key, kv.val, join(path, kv.key), 0)
		if err != nil {
			return nil, err
		}
		out = append(out, strs...)
	}
	return out, nil
}

// maxDepth bounds the nesting of extension values (encoding/json already
// stops at 10,000 levels; this keeps the hasher's own recursion modest).
const maxDepth = 1000

var errTooDeep = errors.New("extension nested too deeply")

// generic writes an extension member: key=value for a value, the key
// followed by its members (sorted) for an object, and one string per
// element for an array (JSON-LD arrays are unordered sets of values; the
// caller sorts). String values get the same identifier normalisation as
// standard identifiers; an empty value writes just the key.
func (c *canonicaliser) generic(key string, v any, path string, depth int) ([]string, error) {
	if depth > maxDepth {
		return nil, &fieldError{path, errTooDeep}
	}
	switch v := v.(type) {
	case []any:
		var out []string
		for i, x := range v {
			strs, err := c.generic(key, x, index(path, i), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, strs...)
		}
		return out, nil
	case map[string]any:
		if val, ok := v["@value"]; ok {
			return c.generic(key, val, path, depth+1)
		}
		for _, kw := range []string{"@list", "@set"} {
			if val, ok := v[kw]; ok {
				return c.generic(key, val, path, depth+1)
			}
		}
		if id, ok := v["@id"]; ok && len(v) == 1 {
			return c.generic(key, id, path, depth+1)
		}
		var children []string
		for _, k := range sortedKeys(v) {
			if k == "@context" {
				continue
			}
			ek, err := c.ctx.expandKey(k)
			if err != nil {
				return nil, &fieldError{join(path, k), err}
			}
			if c.ignore[ek] {
				continue
			}
			strs, err := c.generic(ek, v[k], join(path, k), depth+1)
			if err != nil {
				return nil, err
			}
			children = append(children, strs...)
		}
		return []string{joinSorted(key, children)}, nil
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return []string{key}, nil
		}
		return []string{key + "=" + normaliseIdentifier(s)}, nil
	case nil:
		return []string{key}, nil
	}
	s, err := leaf(v, path)
	if err != nil {
		return nil, err
	}
	return []string{key + "=" + s}, nil
}

// scalar writes a standard member's value; "" means absent.
func (c *canonicaliser) scalar(k kind, v any, path string) (string, error) {
	if v == nil {
		return "", nil
	}
	if k == kNumber {
		return number(v, path)
	}
	s, err := leaf(v, path)
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	switch k {
	case kID:
		return normaliseIdentifier(s), nil
	case kTime:
		t, err := canonicalTime(s)
		if err != nil {
			return "", &fieldError{path, fmt.Errorf("%q: %w", s, err)}
		}
		return t, nil
	case kBizStep:
		return vocBizStep.normalise(s), nil
	case kDisp:
		return vocDisp.normalise(s), nil
	case kGS1Voc:
		return vocGS1.normalise(s), nil
	case kComponent:
		return vocComponent.normalise(s), nil
	}
	return s, nil
}

// scalars writes a member that holds one value or an array of values, each
// prefixed by prefix.
func (c *canonicaliser) scalars(k kind, prefix string, v any, path string) ([]string, error) {
	arr, isArray := v.([]any)
	if !isArray {
		arr = []any{v}
	}
	var out []string
	for i, x := range arr {
		p := path
		if isArray {
			p = index(path, i)
		}
		if _, isObj := x.(map[string]any); isObj {
			return nil, errAt(p, "want a string, got an object")
		}
		s, err := c.scalar(k, x, p)
		if err != nil {
			return nil, err
		}
		if s != "" {
			out = append(out, prefix+s)
		}
	}
	return out, nil
}

// leaf writes a JSON scalar as text.
func leaf(v any, path string) (string, error) {
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
	return "", errAt(path, "want a single value, got %s", jsonKind(v))
}

// number writes a numeric value without trailing zeros. Text that is not a
// decimal number (possible in XML) is kept as written.
func number(v any, path string) (string, error) {
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
		return "", errAt(path, "%v is not a finite number", v)
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
		return "", errAt(path, "want a number, got %s", jsonKind(v))
	}
	if out, ok := canonicalDecimal(s); ok {
		return out, nil
	}
	return s, nil
}

func object(v any, path string) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errAt(path, "want an object, got %s", jsonKind(v))
	}
	return obj, nil
}

// objects reads a list of objects; a single object counts as a list of one
// (JSON-LD does not distinguish them).
func objects(v any, path string) ([]map[string]any, error) {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}, nil
	case []any:
		out := make([]map[string]any, 0, len(v))
		for i, x := range v {
			obj, err := object(x, index(path, i))
			if err != nil {
				return nil, err
			}
			out = append(out, obj)
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, errAt(path, "want an array of objects, got %s", jsonKind(v))
}

// joinSorted sorts strs and writes them after name; "" if strs is empty.
func joinSorted(name string, strs []string) string {
	if len(strs) == 0 {
		return ""
	}
	slices.Sort(strs)
	return name + strings.Join(strs, "")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
