package epcis

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// This file holds the fast path of the schema check: a pre-check that can
// only tell that the schema library would accept a value, so that the
// library's validation, which allocates a few objects for every schema
// keyword it applies, runs only for values with problems (whose report it
// then writes, as before) and for the few it cannot decide.
//
// The pre-check is not a validator of its own: it walks the schema the
// library compiled from the official EPCIS 2.0 JSON Schema, keyword by
// keyword, with the library's semantics, calling the library's own format
// checks and the compiled patterns. It knows only the keywords that schema
// uses; a subschema with any other keyword set is undecided, and so is
// anything the pre-check does not mirror exactly (an "integer" type, a
// non-string enumeration, a Go value that is not decoded JSON, a $ref
// cycle): undecided goes to the library. Two format checks have a
// shortcut for their common case (quickURI, quickDateTime), each tested
// against the library's check. Tests compare the pre-check's verdicts with
// the library's on a corpus of valid and broken values, and the reports
// ValidateDocument writes with and without it.

// verdict is the pre-check's answer for a value against a subschema. The
// verdicts are ordered so that the verdict of several keywords that must
// all hold is the least of theirs, and that of alternatives the greatest.
type verdict int8

const (
	rejected  verdict = iota // the library would report problems
	undecided                // the library must decide
	accepted                 // the library would report none
)

// jsonTypes are the JSON types as bits, the library's "types" keyword
// mirrored.
const (
	typeNull uint8 = 1 << iota
	typeBoolean
	typeNumber
	typeInteger
	typeString
	typeArray
	typeObject
)

var typeBits = map[string]uint8{
	"null": typeNull, "boolean": typeBoolean, "number": typeNumber, "integer": typeInteger,
	"string": typeString, "array": typeArray, "object": typeObject,
}

// fastNode is one compiled subschema, as the pre-check reads it.
type fastNode struct {
	unsupported bool  // a keyword the pre-check does not mirror is set
	boolean     *bool // a boolean schema

	types uint8 // 0: any type
	// enum holds the values of an enumeration of strings.
	enum      map[string]struct{}
	hasEnum   bool
	format    func(any) error
	ref       *fastNode
	refOnly   bool // before draft 2019-09, a $ref ends the checks
	required  []string
	props     map[string]*fastNode
	propList  []namedNode // props, to iterate over
	addlFalse bool
	addl      *fastNode
	names     *fastNode // propertyNames

	minItems, maxItems int // -1: none
	unique             bool
	items              *fastNode
	itemList           []*fastNode
	addlItemsFalse     bool
	addlItems          *fastNode

	minLength, maxLength int // -1: none
	pattern              jsonschema.Regexp

	not                 *fastNode
	allOf, anyOf, oneOf []*fastNode
	ifN, thenN, elseN   *fastNode
}

// namedNode is a member of properties.
type namedNode struct {
	name string
	node *fastNode
}

// handledFields are the fields of jsonschema.Schema the pre-check reads,
// or may ignore (annotations and identifiers). A subschema with any other
// field set is undecided.
var handledFields = map[string]bool{
	"DraftVersion": true, "Location": true, "ID": true, "Anchor": true,
	"Title": true, "Description": true, "Default": true, "Comment": true,
	"ReadOnly": true, "WriteOnly": true, "Examples": true, "Deprecated": true,

	"Bool": true, "Ref": true, "Types": true, "Enum": true, "Format": true,
	"Not": true, "AllOf": true, "AnyOf": true, "OneOf": true, "If": true, "Then": true, "Else": true,
	"Required": true, "PropertyNames": true, "Properties": true, "AdditionalProperties": true,
	"MinItems": true, "MaxItems": true, "UniqueItems": true, "Items": true, "AdditionalItems": true,
	"MinLength": true, "MaxLength": true, "Pattern": true,
}

// fastCompiler turns library schemas into fastNodes, each once.
type fastCompiler map[*jsonschema.Schema]*fastNode

func (fc fastCompiler) node(s *jsonschema.Schema) *fastNode {
	if s == nil {
		return nil
	}
	if n, ok := fc[s]; ok {
		return n
	}
	n := &fastNode{minItems: -1, maxItems: -1, minLength: -1, maxLength: -1}
	fc[s] = n
	rv := reflect.ValueOf(s).Elem()
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.IsExported() && !handledFields[f.Name] && !rv.Field(i).IsZero() {
			n.unsupported = true
			return n
		}
	}
	n.boolean = s.Bool
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			n.types |= typeBits[t]
		}
	}
	if s.Enum != nil {
		n.hasEnum = true
		n.enum = make(map[string]struct{}, len(s.Enum.Values))
		for _, v := range s.Enum.Values {
			str, ok := v.(string)
			if !ok {
				n.unsupported = true
				return n
			}
			n.enum[str] = struct{}{}
		}
	}
	if s.Format != nil {
		n.format = s.Format.Validate
		switch s.Format.Name {
		case "uri":
			n.format = quickURI(s.Format.Validate)
		case "date-time":
			n.format = quickDateTime(s.Format.Validate)
		}
	}
	n.ref = fc.node(s.Ref)
	n.refOnly = s.DraftVersion < 2019
	n.required = s.Required
	if s.Properties != nil {
		n.props = make(map[string]*fastNode, len(s.Properties))
		for k, p := range s.Properties {
			n.props[k] = fc.node(p)
			n.propList = append(n.propList, namedNode{k, n.props[k]})
		}
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		n.addlFalse = !a
	case *jsonschema.Schema:
		n.addl = fc.node(a)
	default:
		n.unsupported = true
	}
	n.names = fc.node(s.PropertyNames)
	if s.MinItems != nil {
		n.minItems = *s.MinItems
	}
	if s.MaxItems != nil {
		n.maxItems = *s.MaxItems
	}
	n.unique = s.UniqueItems
	switch it := s.Items.(type) {
	case nil:
	case *jsonschema.Schema:
		n.items = fc.node(it)
	case []*jsonschema.Schema:
		n.itemList = fc.nodes(it)
	default:
		n.unsupported = true
	}
	switch a := s.AdditionalItems.(type) {
	case nil:
	case bool:
		n.addlItemsFalse = !a
	case *jsonschema.Schema:
		n.addlItems = fc.node(a)
	default:
		n.unsupported = true
	}
	if s.MinLength != nil {
		n.minLength = *s.MinLength
	}
	if s.MaxLength != nil {
		n.maxLength = *s.MaxLength
	}
	n.pattern = s.Pattern
	n.not = fc.node(s.Not)
	n.allOf, n.anyOf, n.oneOf = fc.nodes(s.AllOf), fc.nodes(s.AnyOf), fc.nodes(s.OneOf)
	n.ifN, n.thenN, n.elseN = fc.node(s.If), fc.node(s.Then), fc.node(s.Else)
	return n
}

func (fc fastCompiler) nodes(ss []*jsonschema.Schema) []*fastNode {
	if ss == nil {
		return nil
	}
	out := make([]*fastNode, len(ss))
	for i, s := range ss {
		out[i] = fc.node(s)
	}
	return out
}

// maxSameValue bounds how many subschemas apply to one value in a chain
// ($ref, allOf, anyOf…) before the pre-check gives up: the library reports
// a $ref cycle, and the pre-check leaves that to it.
const maxSameValue = 64

// jsonType returns v's type bit, or 0 for a Go value that is not decoded
// JSON (the library reports it as invalid).
func jsonType(v any) uint8 {
	switch v := v.(type) {
	case nil:
		return typeNull
	case bool:
		return typeBoolean
	case json.Number, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return typeNumber
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return typeNumber
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return 0
		}
		return typeNumber
	case string:
		return typeString
	case []any:
		return typeArray
	case map[string]any:
		return typeObject
	}
	return 0
}

// check returns the verdict for v. chain counts the subschemas applied to
// v so far without descending into a member.
func (n *fastNode) check(v any, chain int) verdict {
	if n.unsupported || chain > maxSameValue {
		return undecided
	}
	if n.boolean != nil {
		if *n.boolean {
			return accepted
		}
		return rejected
	}
	t := jsonType(v)
	if t == 0 {
		return undecided
	}
	if n.types != 0 && n.types&t == 0 {
		if t == typeNumber && n.types&typeInteger != 0 {
			return undecided // whether a number is an integer is the library's to say
		}
		return rejected
	}
	if n.hasEnum {
		s, ok := v.(string)
		if !ok {
			return rejected
		}
		if _, ok := n.enum[s]; !ok {
			return rejected
		}
	}
	if n.format != nil && n.format(v) != nil {
		return rejected
	}
	out := accepted
	if n.ref != nil {
		out = n.ref.check(v, chain+1)
		if n.refOnly || out == rejected {
			return out
		}
	}
	switch v := v.(type) {
	case map[string]any:
		out = min(out, n.object(v))
	case []any:
		out = min(out, n.array(v))
	case string:
		out = min(out, n.str(v))
	}
	if out == rejected {
		return out
	}
	if n.not != nil {
		out = min(out, accepted-n.not.check(v, chain+1)) // accepted and rejected swap
	}
	for _, s := range n.allOf {
		if out == rejected {
			return out
		}
		out = min(out, s.check(v, chain+1))
	}
	if n.anyOf != nil && out != rejected {
		alt := rejected
		for _, s := range n.anyOf {
			if alt = max(alt, s.check(v, chain+1)); alt == accepted {
				break
			}
		}
		out = min(out, alt)
	}
	if n.oneOf != nil && out != rejected {
		matched := 0
		for _, s := range n.oneOf {
			switch s.check(v, chain+1) {
			case accepted:
				matched++
			case undecided:
				return undecided
			}
		}
		if matched != 1 {
			return rejected
		}
	}
	if n.ifN != nil && out != rejected {
		var branch *fastNode
		switch n.ifN.check(v, chain+1) {
		case accepted:
			branch = n.thenN
		case rejected:
			branch = n.elseN
		default:
			return undecided
		}
		if branch != nil {
			out = min(out, branch.check(v, chain+1))
		}
	}
	return out
}

func (n *fastNode) object(obj map[string]any) verdict {
	for _, k := range n.required {
		if _, ok := obj[k]; !ok {
			return rejected
		}
	}
	out := accepted
	if n.addl == nil && !n.addlFalse && len(n.propList) < len(obj) {
		// Only the members properties names are checked: look them up
		// rather than go through the object.
		for _, p := range n.propList {
			if x, ok := obj[p.name]; ok {
				if out = min(out, p.node.check(x, 0)); out == rejected {
					return out
				}
			}
		}
	} else {
		for k, x := range obj {
			if out = min(out, n.member(k, x)); out == rejected {
				return out
			}
		}
	}
	if n.names != nil {
		for k := range obj {
			if out = min(out, n.names.check(k, 0)); out == rejected {
				return out
			}
		}
	}
	return out
}

// member checks one member of an object against properties and
// additionalProperties.
func (n *fastNode) member(k string, x any) verdict {
	if p, ok := n.props[k]; ok {
		return p.check(x, 0)
	}
	if n.addlFalse {
		return rejected
	}
	if n.addl != nil {
		return n.addl.check(x, 0)
	}
	return accepted
}

func (n *fastNode) array(arr []any) verdict {
	if n.minItems >= 0 && len(arr) < n.minItems || n.maxItems >= 0 && len(arr) > n.maxItems {
		return rejected
	}
	out := accepted
	if n.unique && len(arr) > 1 {
		if out = min(out, uniqueItems(arr)); out == rejected {
			return out
		}
	}
	evaluated := 0
	if n.items != nil {
		for _, x := range arr {
			if out = min(out, n.items.check(x, 0)); out == rejected {
				return out
			}
		}
		evaluated = len(arr)
	} else if n.itemList != nil {
		evaluated = min(len(arr), len(n.itemList))
		for i, x := range arr[:evaluated] {
			if out = min(out, n.itemList[i].check(x, 0)); out == rejected {
				return out
			}
		}
	}
	if n.addlItemsFalse && evaluated != len(arr) {
		return rejected
	}
	if n.addlItems != nil {
		for _, x := range arr[evaluated:] {
			if out = min(out, n.addlItems.check(x, 0)); out == rejected {
				return out
			}
		}
	}
	return out
}

// uniqueItems decides uniqueItems: arrays of strings, and short arrays
// of anything; a long array of other values is the library's (it hashes
// them).
func uniqueItems(arr []any) verdict {
	strs := true
	for _, x := range arr {
		if _, ok := x.(string); !ok {
			strs = false
			break
		}
	}
	switch {
	case strs && len(arr) > 16:
		seen := make(map[string]struct{}, len(arr))
		for _, x := range arr {
			s := x.(string)
			if _, ok := seen[s]; ok {
				return rejected
			}
			seen[s] = struct{}{}
		}
		return accepted
	case !strs && len(arr) > 20:
		return undecided
	}
	for i := 1; i < len(arr); i++ {
		for j := range i {
			switch sameJSON(arr[i], arr[j]) {
			case accepted:
				return rejected
			case undecided:
				return undecided
			}
		}
	}
	return accepted
}

// sameJSON compares two JSON values as the library does (numbers by
// value): accepted when equal, rejected when not, undecided for Go values
// that are not decoded JSON.
func sameJSON(a, b any) verdict {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return rejected
		}
		for k, x := range a {
			y, ok := b[k]
			if !ok {
				return rejected
			}
			if eq := sameJSON(x, y); eq != accepted {
				return eq
			}
		}
		return accepted
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return rejected
		}
		for i := range a {
			if eq := sameJSON(a[i], b[i]); eq != accepted {
				return eq
			}
		}
		return accepted
	case nil:
		return truth(b == nil)
	case bool:
		y, ok := b.(bool)
		return truth(ok && a == y)
	case string:
		y, ok := b.(string)
		return truth(ok && a == y)
	case json.Number, float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if jsonType(b) != typeNumber {
			return rejected
		}
		x, ok1 := new(big.Rat).SetString(fmt.Sprint(a))
		y, ok2 := new(big.Rat).SetString(fmt.Sprint(b))
		return truth(ok1 && ok2 && x.Cmp(y) == 0)
	}
	return undecided
}

func truth(b bool) verdict {
	if b {
		return accepted
	}
	return rejected
}

func (n *fastNode) str(s string) verdict {
	if n.minLength >= 0 || n.maxLength >= 0 {
		l := utf8.RuneCountInString(s)
		if n.minLength >= 0 && l < n.minLength || n.maxLength >= 0 && l > n.maxLength {
			return rejected
		}
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		return rejected
	}
	return accepted
}

// quickURI returns the library's "uri" format check with a shortcut for
// the form most EPCIS identifiers take, a URI with a scheme and no
// authority (urn:epc:id:…): net/url parses such a string without checking
// what follows the scheme, unless it has a fragment or a control
// character, and the library then finds it absolute. A test compares the
// shortcut with the library's check.
func quickURI(validate func(any) error) func(any) error {
	return func(v any) error {
		if s, ok := v.(string); ok && opaqueURI(s) {
			return nil
		}
		return validate(v)
	}
}

// opaqueURI reports whether s is scheme:rest, with rest not starting with
// "/", and neither a "#" nor a control character in s.
func opaqueURI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !isScheme(s[:colon]) || colon+1 < len(s) && s[colon+1] == '/' {
		return false
	}
	for i := colon + 1; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c == '#' {
			return false
		}
	}
	return true
}

// isScheme reports whether s is a letter followed by letters, digits, "+",
// "-" and ".".
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// quickDateTime returns the library's "date-time" format check with a
// shortcut for the plain form (2024-05-01T12:00:00.000+02:00, or with Z),
// which the library accepts when the date is one time.Parse accepts (the
// library's own test) and the hour, minute, second and offset are in
// range. Leap seconds and anything unusual go to the library. A test
// compares the shortcut with the library's check.
func quickDateTime(validate func(any) error) func(any) error {
	return func(v any) error {
		if s, ok := v.(string); ok && plainDateTime(s) {
			return nil
		}
		return validate(v)
	}
}

// plainDateTime reports whether s is yyyy-mm-ddThh:mm:ss[.f…](Z|±hh:mm),
// digits in every place, a date time.Parse accepts, hh ≤ 23, mm ≤ 59,
// ss ≤ 59 and an offset of at most 23:59.
func plainDateTime(s string) bool {
	if len(s) < 20 || s[10] != 'T' && s[10] != 't' {
		return false
	}
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return false
	}
	t := s[11:]
	h, okH := twoDigits(t, 0)
	m, okM := twoDigits(t, 3)
	sec, okS := twoDigits(t, 6)
	if !okH || !okM || !okS || t[2] != ':' || t[5] != ':' || h > 23 || m > 59 || sec > 59 {
		return false
	}
	t = t[8:]
	if rest, ok := strings.CutPrefix(t, "."); ok {
		i := 0
		for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return false
		}
		t = rest[i:]
	}
	if t == "Z" || t == "z" {
		return true
	}
	zh, okZH := twoDigits(t, 1)
	zm, okZM := twoDigits(t, 4)
	return len(t) == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':' && okZH && okZM && zh <= 23 && zm <= 59
}

// twoDigits reads the two decimal digits at s[i:i+2].
func twoDigits(s string, i int) (int, bool) {
	if i+2 > len(s) || s[i] < '0' || s[i] > '9' || s[i+1] < '0' || s[i+1] > '9' {
		return 0, false
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
}
