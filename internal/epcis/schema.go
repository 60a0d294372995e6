package epcis

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	schemakind "github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// This file holds the schema half of ValidateDocument: the official EPCIS
// 2.0 JSON Schema, compiled once, and the translation of its error trees
// into Problems.

// schemaJSON is the official EPCIS 2.0 JSON Schema (draft-07), unchanged;
// see schema/README.md for its source and licence.
//
//go:embed schema/EPCIS-JSON-Schema.json
var schemaJSON []byte

// schemaURL is the schema's own $id.
const schemaURL = "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"

// regexpTimeout bounds one pattern match. The schema's patterns are simple
// and the backtracking stack is bounded too; a match that times out counts
// as a mismatch, so the check fails closed. The limit is on wall-clock
// time, so it must leave room for a busy machine: at 100 ms, valid
// documents were rejected ("OBSERVE" not matching ^OBSERVE$) while the
// process was starved of CPU for a moment.
const regexpTimeout = 2 * time.Second

// ecmaRegexp adapts regexp2 to jsonschema.Regexp. The schema's patterns are
// ECMAScript (JSON Schema says so, and two of them use negative lookahead,
// which Go's RE2 engine cannot compile).
type ecmaRegexp regexp2.Regexp

func compileECMARegexp(pattern string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	if q := compileRE2Equivalent(pattern); q != nil {
		return q, nil
	}
	re.MatchTimeout = regexpTimeout
	return (*ecmaRegexp)(re), nil
}

// re2Regexp is a schema pattern that Go's regexp package matches exactly
// as ECMAScript does (see compileRE2Equivalent), in linear time and
// without a timeout; negated, it is ^(?!X) matched as "not ^X".
type re2Regexp struct {
	pattern string // as the schema writes it
	re      *regexp.Regexp
	negated bool
}

func (re *re2Regexp) MatchString(s string) bool { return re.re.MatchString(s) != re.negated }

func (re *re2Regexp) String() string { return re.pattern }

// compileRE2Equivalent compiles an ECMAScript pattern with Go's regexp
// package when both read it alike, or returns nil. They do for a pattern
// built only of ASCII letters, digits and the punctuation below as
// literals, the escapes \d (ASCII digits in both, regexp2's ECMAScript mode
// included) and \ before punctuation, classes of those without negation,
// groups, alternation, the quantifiers * + ? {n} {n,} {n,m}, ^ at the very
// start and $ at the very end (without the m flag, both mean the ends of
// the string: neither lets $ match before a final newline). No "."
// (ECMAScript's excludes \r and more), no \w, \s or \b, no (?…) but a
// whole-pattern ^(?!X), which matches exactly where ^X does not: ^ ties
// the lookahead to the start of the string. Such a pattern is a regular
// expression over ASCII characters, so whether a string holds a match
// does not depend on the engine's search order. A test compares the two
// engines on every pattern of the schema.
func compileRE2Equivalent(pattern string) *re2Regexp {
	body, negated := pattern, false
	if inner, ok := strings.CutPrefix(pattern, "^(?!"); ok && strings.HasSuffix(inner, ")") {
		inner = inner[:len(inner)-1]
		if !plainRegexp(inner) {
			return nil
		}
		body, negated = "^(?:"+inner+")", true
	} else if !plainRegexp(strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")) {
		return nil
	}
	re, err := regexp.Compile(body)
	if err != nil {
		return nil
	}
	return &re2Regexp{pattern: pattern, re: re, negated: negated}
}

// plainRegexp reports whether p uses only the syntax compileRE2Equivalent
// allows, without anchors, with balanced parentheses and brackets, and
// with each quantifier after something to repeat (a lazy "?" may follow
// it).
func plainRegexp(p string) bool {
	depth, inClass := 0, false
	// atom: the last token can take a quantifier; lazy: it is one, and
	// a "?" may make it lazy.
	atom, lazy := false, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		quantifier := false
		switch {
		case c == '\\':
			if i+1 == len(p) {
				return false
			}
			i++
			if p[i] != 'd' && strings.IndexByte(`.\/-+*?()[]{}|^$:`, p[i]) < 0 {
				return false
			}
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(":/-,_@%=&~'\"#!<> ;", c) >= 0:
		case inClass:
			switch c {
			case ']':
				inClass = false
			case '+', '*', '?', '(', ')', '|', '{', '}', '$':
			default:
				return false // [, ^ and the rest
			}
		case c == '[':
			if i+1 < len(p) && (p[i+1] == '^' || p[i+1] == ']') {
				return false
			}
			inClass = true
		case c == '(':
			if i+1 < len(p) && p[i+1] == '?' {
				return false
			}
			depth++
		case c == ')':
			if depth--; depth < 0 {
				return false
			}
		case c == '|':
		case c == '?' && lazy:
			lazy = false
			continue
		case c == '+' || c == '*' || c == '?':
			quantifier = true
		case c == '{':
			j, commas := i+1, 0
			for j < len(p) && ('0' <= p[j] && p[j] <= '9' || p[j] == ',') {
				if p[j] == ',' {
					commas++
				}
				j++
			}
			if j == i+1 || j == len(p) || p[j] != '}' || p[i+1] == ',' || commas > 1 {
				return false
			}
			i = j
			quantifier = true
		default:
			return false // ^ $ . } ] and the rest
		}
		if quantifier && !atom {
			return false
		}
		atom = !quantifier && !inClass && c != '(' && c != '|'
		lazy = quantifier
	}
	return depth == 0 && !inClass
}

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

// schemas are the compiled entry points ValidateDocument uses.
type schemas struct {
	root *jsonschema.Schema // the whole schema: a document or a single event
	// event is what the schema applies to each member of eventList.
	event *jsonschema.Schema
	// byType holds the definition of each standard event type. For an
	// object whose "type" is one of these names, event amounts to exactly
	// this definition (its if/then chain selects it and nothing else), so
	// validating against it directly skips five failing "if" tests.
	byType map[string]*jsonschema.Schema
	// pre holds the pre-check's form of root, event and byType (see
	// fastNode); nil leaves every value to the library.
	pre fastCompiler
}

// compiledSchemas compiles the embedded schema on first use.
var compiledSchemas = sync.OnceValue(func() *schemas {
	s, err := compileSchemas(true)
	if err != nil {
		// The schema is embedded and a test compiles it: this is a
		// build defect, not bad input.
		panic("epcis: compiling the embedded EPCIS JSON Schema: " + err.Error())
	}
	return s
})

// namesURL names a copy of the schema that the property-name checks of the
// fast schema are compiled from (see cacheNameChecks).
const namesURL = "urn:bulkhead:epcis-json-schema:property-names"

// compileSchemas compiles the embedded schema. With fast set, it compiles
// a faster equivalent: each anyOf lists its plain enumerations first (see
// preferEnums) and property names are checked through a cache (see
// cacheNameChecks). Tests compile it both ways and compare the reports.
func compileSchemas(fast bool) (*schemas, error) {
	doc, err := unmarshalSchema(fast)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(compileECMARegexp)
	c.UseLoader(jsonschema.SchemeURLLoader{}) // no file or network access: everything is embedded
	c.AssertFormat()                          // the draft-07 default, made explicit: "uri" and "date-time" are checked
	if fast {
		names, err := unmarshalSchema(true)
		if err != nil {
			return nil, err
		}
		names.(map[string]any)["$id"] = namesURL
		if err := c.AddResource(namesURL, names); err != nil {
			return nil, err
		}
		for _, nc := range cacheNameChecks(doc, "") {
			c.RegisterFormat(&jsonschema.Format{Name: nc.format, Validate: nc.validate})
			if nc.sch, err = c.Compile(namesURL + "#" + nc.ptr); err != nil {
				return nil, err
			}
		}
	}
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	s := &schemas{byType: map[string]*jsonschema.Schema{}}
	if s.root, err = c.Compile(schemaURL); err != nil {
		return nil, err
	}
	if s.event, err = c.Compile(schemaURL + "#/definitions/EPCIS-Document-Event"); err != nil {
		return nil, err
	}
	for _, t := range eventTypes {
		if s.byType[t], err = c.Compile(schemaURL + "#/definitions/" + t); err != nil {
			return nil, err
		}
	}
	s.pre = fastCompiler{}
	s.pre.node(s.root)
	s.pre.node(s.event)
	for _, sch := range s.byType {
		s.pre.node(sch)
	}
	return s, nil
}

// failures is schemaFailures, skipped for a value the pre-check finds
// valid.
func (s *schemas) failures(sch *jsonschema.Schema, v any) ([]failure, []alternatives) {
	if n := s.pre[sch]; n != nil && n.check(v, 0) == accepted {
		return nil, nil
	}
	return schemaFailures(sch, v)
}

// preferEnums moves, in every anyOf of the schema, the alternatives that
// are plain enumerations ({"type": "string", "enum": [...]}) in front of
// the others. anyOf is a logical "or", so the order of its alternatives does
// not change what validates; but the validator stops at the first
// alternative that holds, and the common case (a standard field name, a
// CBV term) is an enumeration, whose check is far cheaper than the URI
// format and lookahead pattern of the alternative listed first. Draft-07
// has no keyword (unevaluatedProperties) that could observe which
// alternative was tried.
func preferEnums(v any) {
	switch v := v.(type) {
	case map[string]any:
		if alts, ok := v["anyOf"].([]any); ok {
			slices.SortStableFunc(alts, func(a, b any) int { return enumRank(a) - enumRank(b) })
		}
		for _, x := range v {
			preferEnums(x)
		}
	case []any:
		for _, x := range v {
			preferEnums(x)
		}
	}
}

func unmarshalSchema(preferEnumerations bool) (any, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err == nil && preferEnumerations {
		preferEnums(doc)
	}
	return doc, err
}

// nameCheck stands for one propertyNames subschema of the schema.
//
// The validator checks each property name against propertyNames by
// starting a validation of its own, which costs an event a quarter to a
// third of its validation time; yet an EPCIS document uses a few dozen names
// over and over. cacheNameChecks therefore replaces each "propertyNames":
// P by a custom format, applied to the object, that checks every name
// against P (compiled from an unchanged copy of the schema) and remembers
// the verdict. Same names, same verdicts, same schema: only the repetition
// goes. The format sits in an allOf of its own because a failed format ends
// the checks of the schema object it is in, and the object's other
// keywords must still report.
type nameCheck struct {
	format string             // the format's name
	ptr    string             // JSON pointer to P in the schema
	sch    *jsonschema.Schema // P

	// known maps names to their verdicts. Readers load it without a
	// lock; a writer, under mu, stores a copy with the new name added.
	known atomic.Pointer[map[string]bool]
	mu    sync.Mutex
}

// maxKnownNames bounds each cache: property names are the sender's to
// choose. Names beyond it are checked every time.
const (
	maxKnownNames  = 1024
	maxKnownLength = 128
)

// cacheNameChecks replaces the propertyNames keywords of v, at pointer ptr
// in the schema, and returns their checks.
func cacheNameChecks(v any, ptr string) []*nameCheck {
	var out []*nameCheck
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			out = append(out, cacheNameChecks(v[k], childPointer(ptr, k))...)
		}
		if p, ok := v["propertyNames"]; ok && p != nil {
			nc := &nameCheck{ptr: childPointer(ptr, "propertyNames")}
			nc.known.Store(&map[string]bool{})
			nc.format = "bulkhead-property-names:" + nc.ptr
			delete(v, "propertyNames")
			allOf, _ := v["allOf"].([]any)
			v["allOf"] = append(allOf, map[string]any{"format": nc.format})
			out = append(out, nc)
		}
	case []any:
		for i, x := range v {
			out = append(out, cacheNameChecks(x, indexPointer(ptr, i))...)
		}
	}
	return out
}

// validate is the format: v's property names all satisfy P.
func (nc *nameCheck) validate(v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var bad []string
	for name := range obj {
		if !nc.valid(name) {
			bad = append(bad, name)
		}
	}
	if bad == nil {
		return nil
	}
	slices.Sort(bad)
	return &badNamesError{bad}
}

func (nc *nameCheck) valid(name string) bool {
	if ok, known := (*nc.known.Load())[name]; known {
		return ok
	}
	ok := nc.sch.Validate(name) == nil
	if len(name) <= maxKnownLength {
		nc.mu.Lock()
		if old := *nc.known.Load(); len(old) < maxKnownNames {
			known := make(map[string]bool, len(old)+1)
			for k, v := range old {
				known[k] = v
			}
			// A copy: the decoder's strings share one copy of the whole
			// document, which the cache would otherwise keep for good.
			known[strings.Clone(name)] = ok
			nc.known.Store(&known)
		}
		nc.mu.Unlock()
	}
	return ok
}

// badNamesError lists the property names a nameCheck rejects.
type badNamesError struct{ names []string }

func (e *badNamesError) Error() string {
	return "invalid property names " + strings.Join(e.names, ", ")
}

func enumRank(v any) int {
	m, ok := v.(map[string]any)
	if !ok || m["enum"] == nil {
		return 1
	}
	for k := range m {
		if k != "enum" && k != "type" {
			return 1
		}
	}
	return 0
}

// eventSchema returns the schema to validate one member of eventList with.
func (s *schemas) eventSchema(ev any) *jsonschema.Schema {
	if m, ok := ev.(map[string]any); ok {
		if t, ok := m["type"].(string); ok {
			if sch := s.byType[t]; sch != nil {
				return sch
			}
		}
	}
	return s.event
}

// failure is one thing the schema found wrong, before it becomes a
// Problem: the field (a JSON pointer relative to the validated value) and a
// message.
type failure struct {
	field, msg string
}

// alternatives is an anyOf (or oneOf) none of whose alternatives holds:
// the failures of each.
type alternatives struct {
	field    string
	branches [][]failure
}

// schemaFailures validates v and returns the failures outside any anyOf
// (definite: each must be fixed) and the failed anyOfs.
func schemaFailures(sch *jsonschema.Schema, v any) ([]failure, []alternatives) {
	err := sch.Validate(v)
	if err == nil {
		return nil, nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []failure{{"", err.Error()}}, nil
	}
	var defs []failure
	var alts []alternatives
	collect(ve, pointer(ve.InstanceLocation), v, &defs, &alts)
	return defs, alts
}

// collect walks an error tree. loc is the error's field: for most errors
// their InstanceLocation, but see fieldOf.
func collect(e *jsonschema.ValidationError, loc string, root any, defs *[]failure, alts *[]alternatives) {
	switch k := e.ErrorKind.(type) {
	case *schemakind.AnyOf:
		*alts = append(*alts, alternatives{loc, branches(e, loc, root)})
		return
	case *schemakind.OneOf:
		if k.Subschemas == nil {
			*alts = append(*alts, alternatives{loc, branches(e, loc, root)})
			return
		}
	}
	if len(e.Causes) == 0 || isLeaf(e) {
		*defs = append(*defs, describe(e, loc)...)
		return
	}
	for _, c := range e.Causes {
		collect(c, fieldOf(c, loc, root), root, defs, alts)
	}
}

func branches(e *jsonschema.ValidationError, loc string, root any) [][]failure {
	var out [][]failure
	for _, c := range e.Causes {
		out = append(out, flatten(c, fieldOf(c, loc, root), root))
	}
	return out
}

// flatten returns every failure under e, alternatives included.
func flatten(e *jsonschema.ValidationError, loc string, root any) []failure {
	if len(e.Causes) == 0 || isLeaf(e) {
		return describe(e, loc)
	}
	var out []failure
	for _, c := range e.Causes {
		out = append(out, flatten(c, fieldOf(c, loc, root), root)...)
	}
	return out
}

// isLeaf reports errors whose causes explain nothing more to the sender:
// the causes of a propertyNames error are the name's own checks, at
// locations inside the name.
func isLeaf(e *jsonschema.ValidationError) bool {
	_, ok := e.ErrorKind.(*schemakind.PropertyNames)
	return ok
}

// fieldOf returns the field of error e whose parent error is at parentLoc.
//
// jsonschema v6.0.3 sets a propertyNames error's InstanceLocation to a
// slice it goes on reusing (validator.go: "verr.InstanceLocation =
// vd.vloc", without the copy every other error gets), so by the time the
// error is read its location may name another field (upstream issue
// santhosh-tekuri/jsonschema#258, fix proposed in #269). The fast schema
// has no propertyNames keyword left (see nameCheck), but the published one,
// which tests compare it with, has. The keyword applies
// to the object its schema validates, and in the EPCIS schema every such
// schema is reached by $ref or allOf, which keep the instance location: the
// parent error's location is the object's. It is used when the object
// there holds the property, as it must; otherwise the error's own location
// is kept.
func fieldOf(e *jsonschema.ValidationError, parentLoc string, root any) string {
	if k, ok := e.ErrorKind.(*schemakind.PropertyNames); ok {
		if obj, ok := lookup(root, parentLoc).(map[string]any); ok {
			if _, ok := obj[k.Property]; ok {
				return parentLoc
			}
		}
	}
	return pointer(e.InstanceLocation)
}

// english formats the library's own messages for the error kinds describe
// has no wording of its own for.
var english = message.NewPrinter(language.English)

// describe words a leaf error as failures, naming the field at fault: a
// missing or unexpected field is reported at its own pointer rather than
// at the object that lacks or holds it.
func describe(e *jsonschema.ValidationError, loc string) []failure {
	switch k := e.ErrorKind.(type) {
	case *schemakind.Required:
		out := make([]failure, 0, len(k.Missing))
		for _, name := range k.Missing {
			out = append(out, failure{childPointer(loc, name), "required field is missing"})
		}
		return out
	case *schemakind.PropertyNames:
		return []failure{{childPointer(loc, k.Property), unexpectedName(k.Property)}}
	case *schemakind.AdditionalProperties:
		out := make([]failure, 0, len(k.Properties))
		for _, name := range k.Properties {
			out = append(out, failure{childPointer(loc, name), "unexpected field: this object allows no other fields"})
		}
		return out
	case *schemakind.Type:
		return []failure{{loc, fmt.Sprintf("want %s, got %s", strings.Join(k.Want, " or "), k.Got)}}
	case *schemakind.Enum:
		return []failure{{loc, fmt.Sprintf("%s is not an allowed value (%s)", quoteValue(k.Got), listValues(k.Want))}}
	case *schemakind.Format:
		if bad, ok := k.Err.(*badNamesError); ok {
			out := make([]failure, 0, len(bad.names))
			for _, name := range bad.names {
				out = append(out, failure{childPointer(loc, name), unexpectedName(name)})
			}
			return out
		}
		what := k.Want
		switch k.Want {
		case "uri":
			what = "an absolute URI"
		case "date-time":
			what = "an RFC 3339 date-time with a time zone"
		}
		return []failure{{loc, fmt.Sprintf("%s is not %s: %v", quoteValue(k.Got), what, k.Err)}}
	case *schemakind.Pattern:
		return []failure{{loc, fmt.Sprintf("%s does not match the pattern %s", quoteValue(k.Got), k.Want)}}
	case *schemakind.Not:
		return []failure{{loc, "not allowed here"}}
	case *schemakind.FalseSchema:
		return []failure{{loc, "not allowed here"}}
	case *schemakind.MinItems:
		return []failure{{loc, fmt.Sprintf("want at least %d item(s), got %d", k.Want, k.Got)}}
	case *schemakind.UniqueItems:
		return []failure{{loc, fmt.Sprintf("items %d and %d are equal; the items must be unique", k.Duplicates[0], k.Duplicates[1])}}
	case *schemakind.OneOf:
		return []failure{{loc, fmt.Sprintf("matches alternatives %d and %d of the schema; exactly one must match", k.Subschemas[0], k.Subschemas[1])}}
	}
	return []failure{{loc, e.ErrorKind.LocalizedString(english)}}
}

// unexpectedName explains a property name that propertyNames rejects.
func unexpectedName(name string) string {
	switch {
	case slices.Contains(eventFields, name):
		return "unexpected field: a standard EPCIS field, but not one of this object"
	case !strings.Contains(name, ":"):
		return "unexpected field: not a field of this object; an extension field needs a namespace (prefix:name, with the prefix declared in @context, or a full URI)"
	}
	return "unexpected field: not a field of this object, nor an extension named by a valid URI"
}

// maxQuoted bounds how much of a rejected value a message repeats.
const maxQuoted = 80

// quoteValue writes a JSON value for a message, cut short if long.
func quoteValue(v any) string {
	var s string
	if str, ok := v.(string); ok {
		s = str
	} else {
		s = fmt.Sprint(v)
	}
	if r := []rune(s); len(r) > maxQuoted {
		s = string(r[:maxQuoted]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// listValues writes an enumeration: in full when short, else its size and
// first members (the CBV lists run to dozens of terms).
func listValues(vals []any) string {
	const show = 6
	var parts []string
	for i, v := range vals {
		if i == show {
			break
		}
		parts = append(parts, fmt.Sprint(v))
	}
	if len(vals) <= show {
		return "want one of " + strings.Join(parts, ", ")
	}
	return fmt.Sprintf("want one of the %d values the schema lists: %s, …", len(vals), strings.Join(parts, ", "))
}
