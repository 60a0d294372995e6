package epcis

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// libraryOnly returns s without its pre-check: every value goes to the
// library.
func libraryOnly(s *schemas) *schemas {
	c := *s
	c.pre = nil
	return &c
}

// bothForms returns the schema as ValidateDocument compiles it and as
// published (whose propertyNames the pre-check reads itself).
func bothForms(t *testing.T) map[string]*schemas {
	t.Helper()
	published, err := compileSchemas(false)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*schemas{"fast": compiledSchemas(), "published": published}
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, x := range v {
			c[k] = deepCopy(x)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = deepCopy(x)
		}
		return c
	}
	return v
}

// slot is a place in a decoded value: a member of an object or an item of
// an array.
type slot struct {
	obj map[string]any
	key string
	arr []any
	i   int
}

func slots(v any, out []slot) []slot {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, slot{obj: v, key: k})
			out = slots(v[k], out)
		}
	case []any:
		for i, x := range v {
			out = append(out, slot{arr: v, i: i})
			out = slots(x, out)
		}
	}
	return out
}

// mutationNames are member names the random mutations add: standard
// fields (of some object), extensions with and without a declared prefix,
// full URIs and names no URI can be.
var mutationNames = []string{"type", "action", "epcList", "bizStep", "id", "value", "minValue", "sensorReport",
	"eventTime", "childEPCs", "quantityList", "ex:extra", "undeclared:extra", "extra", "https://example.com/x",
	"urn:x:y", "@id", "", " ", "ex:", ":x", "a b", "http://[::1", "declarationTime", "reason"}

// mutationValues are values the random mutations write: of every JSON
// type, CBV terms and URIs well and badly formed, dates, offsets.
var mutationValues = []any{nil, true, false, json.Number("0"), json.Number("-1.5"), json.Number("1e400"),
	json.Number("12"), "", " ", "ADD", "OBSERVE", "DELETE", "add", "ObjectEvent", "AggregationEvent",
	"TransformationEvent", "shipping", "in_transit", "cbv:BizStep-shipping", "urn:epcglobal:cbv:bizstep:shipping",
	"https://ref.gs1.org/cbv/BizStep-shipping", "urn:epc:id:sgtin:0614141.107346.2018", "https://id.gs1.org/01/09520123456788/21/12345",
	"http://[::1", "http://[::1]/x", "http:// bad", "not a uri", "relative/path", "urn:", "x:y", "%zz:y", "a:%zz",
	"2005-04-03T20:33:31.116-06:00", "2005-04-03T20:33:31Z", "2005-04-03 20:33:31Z", "2005-13-03T20:33:31Z",
	"2005-04-03T20:33:31", "+01:00", "-14:00", "+14:01", "01:00", "KGM", "kg", "CEL", "1.0", "2.0", "2", "ABCDEF",
	"xyz", "urn:epcglobal:cbv:x", "https://ns.gs1.org/cbv/x", "https://gs1.org/voc/x", "gs1:Temperature",
	"Temperature", "po", "owning_party", "location", []any{}, []any{"a"}, []any{"a", "a"}, []any{json.Number("1"), json.Number("1.0")},
	[]any{nil}, map[string]any{}, map[string]any{"id": "urn:epc:id:sgln:0614141.00777.0"}, map[string]any{"type": "po"},
	map[string]any{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": json.Number("200"), "uom": "KGM"},
	map[string]any{"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00001"},
}

// mutate makes one random change to v, in place.
func mutate(rnd *rand.Rand, v any) {
	ss := slots(v, nil)
	if len(ss) == 0 {
		return
	}
	s := ss[rnd.IntN(len(ss))]
	val := func() any { return deepCopy(mutationValues[rnd.IntN(len(mutationValues))]) }
	switch op := rnd.IntN(6); {
	case s.obj != nil && op == 0:
		delete(s.obj, s.key)
	case s.obj != nil && op == 1:
		s.obj[mutationNames[rnd.IntN(len(mutationNames))]] = val()
	case s.obj != nil:
		s.obj[s.key] = val()
	case op == 0:
		s.arr[s.i] = deepCopy(s.arr[0]) // a duplicate, often
	default:
		s.arr[s.i] = val()
	}
}

// mutatedCorpus returns the examples and the mutations of the validation
// tests, and n random mutations of each example (one to three changes to
// one of its events, or to the document around them).
func mutatedCorpus(t *testing.T, n int) map[string]map[string]any {
	out := corpus(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, name := range slices.Sorted(maps.Keys(readGS1JSON(t))) {
		for i := range n {
			doc := example(t, name)
			d := readDocument(doc)
			var target any = doc
			if len(d.events) > 0 && rnd.IntN(4) > 0 {
				target = d.events[rnd.IntN(len(d.events))]
			}
			for range 1 + rnd.IntN(3) {
				mutate(rnd, target)
			}
			out[fmt.Sprintf("%s random mutation %d", name, i)] = doc
		}
	}
	return out
}

// TestPrecheckKeepsReports: with and without the pre-check, every
// document of the corpus gets the same report, and the pre-check's
// verdicts on its events and document shells agree with the library.
func TestPrecheckKeepsReports(t *testing.T) {
	docs := mutatedCorpus(t, 40)
	for form, s := range bothForms(t) {
		lib := libraryOnly(s)
		count := map[verdict]int{}
		for _, name := range slices.Sorted(maps.Keys(docs)) {
			doc := docs[name]
			want := readDocument(doc).validate(lib)
			got := readDocument(doc).validate(s)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s, %s schema: library only (-) vs with the pre-check (+):\n%s", name, form, diff)
			}
			d := readDocument(doc)
			checkVerdict(t, name+" (document)", s, s.root, d.shell, count)
			for i, ev := range d.events {
				if !schemaApplies(ev) {
					continue
				}
				checkVerdict(t, fmt.Sprintf("%s event %d", name, i), s, s.eventSchema(ev), ev, count)
				checkVerdict(t, fmt.Sprintf("%s event %d (as EPCIS-Document-Event)", name, i), s, s.event, ev, count)
			}
		}
		t.Logf("%s schema: %d accepted, %d rejected, %d undecided", form, count[accepted], count[rejected], count[undecided])
		// The corpus holds valid and broken events both; a pre-check that
		// decides neither kind tests nothing.
		if count[accepted] < 100 || count[rejected] < 100 {
			t.Errorf("%s schema: verdicts %v, want at least 100 accepted and 100 rejected", form, count)
		}
	}
}

// checkVerdict compares the pre-check's verdict on v with the library's.
func checkVerdict(t *testing.T, name string, s *schemas, sch *jsonschema.Schema, v any, count map[verdict]int) {
	t.Helper()
	n := s.pre[sch]
	if n == nil {
		t.Fatalf("%s: no pre-check for schema %s", name, sch.Location)
	}
	got := n.check(v, 0)
	count[got]++
	valid := sch.Validate(v) == nil
	if got == accepted && !valid || got == rejected && valid {
		t.Errorf("%s: pre-check says %v, the library valid=%v (schema %s)", name, got, valid, sch.Location)
	}
}

// TestPrecheckAcceptsExamples: the pre-check decides the events of the GS1
// examples by itself (otherwise it would save nothing).
func TestPrecheckAcceptsExamples(t *testing.T) {
	s := compiledSchemas()
	for name := range readGS1JSON(t) {
		d := readDocument(example(t, name))
		if got := s.pre[s.root].check(d.shell, 0); got != accepted {
			t.Errorf("%s: document: %v", name, got)
		}
		for i, ev := range d.events {
			if got := s.pre[s.eventSchema(ev)].check(ev, 0); got != accepted {
				t.Errorf("%s event %d: %v", name, i, got)
			}
		}
	}
}

// TestPrecheckSubschemas: every subschema of the EPCIS schema, applied to
// every distinct value in the corpus, gets from the pre-check a verdict
// the library agrees with. This reaches the keywords and branches (not,
// if/then, oneOf) that whole events seldom exercise.
func TestPrecheckSubschemas(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	docs := mutatedCorpus(t, 10)
	seen := map[string]bool{}
	var values []any
	var collect func(v any)
	collect = func(v any) {
		b, _ := json.Marshal(v)
		if len(b) > 2000 || seen[string(b)] {
			return
		}
		seen[string(b)] = true
		values = append(values, v)
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				collect(x)
			}
		case []any:
			for _, x := range v {
				collect(x)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		for _, ev := range readDocument(docs[name]).events {
			collect(ev)
		}
	}
	for _, v := range mutationValues {
		collect(v)
	}
	for _, name := range mutationNames {
		collect(name)
	}
	s := compiledSchemas()
	count := map[verdict]int{}
	for sch, n := range s.pre {
		for _, v := range values {
			got := n.check(v, 0)
			count[got]++
			if got == undecided {
				continue
			}
			if valid := sch.Validate(v) == nil; got == accepted != valid {
				t.Errorf("schema %s, value %s: pre-check says %v, the library valid=%v", sch.Location, encode(t, v), got, valid)
			}
		}
	}
	t.Logf("%d subschemas, %d values: %v", len(s.pre), len(values), count)
}

func (v verdict) String() string {
	switch v {
	case accepted:
		return "accepted"
	case rejected:
		return "rejected"
	}
	return "undecided"
}

// TestPrecheckKeywords: on small schemas that use each keyword the
// pre-check reads, in ways the EPCIS schema does not (overlapping oneOf
// alternatives, tuples, numbers compared by value, characters beyond
// ASCII), the pre-check agrees with the library; a schema with a keyword
// it does not read leaves every value undecided.
func TestPrecheckKeywords(t *testing.T) {
	schemaTexts := []string{
		`{"type": "string", "minLength": 2, "maxLength": 3}`,
		`{"type": ["string", "null"], "pattern": "^a(?!b)"}`,
		`{"enum": ["a", "b"]}`,
		`{"format": "uri"}`,
		`{"format": "date-time"}`,
		`{"not": {"type": "string"}}`,
		`{"oneOf": [{"type": "string"}, {"enum": ["a"]}, {"type": "array"}]}`,
		`{"anyOf": [{"type": "number"}, {"pattern": "^x"}]}`,
		`{"allOf": [{"type": "object"}, {"required": ["a"]}]}`,
		`{"if": {"properties": {"t": {"enum": ["a"]}}}, "then": {"required": ["x"]}, "else": {"required": ["y"]}}`,
		`{"properties": {"a": {"type": "string"}}, "additionalProperties": false}`,
		`{"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "number"}}`,
		`{"propertyNames": {"pattern": "^[a-z]+$"}}`,
		`{"items": {"type": "string"}, "minItems": 1, "maxItems": 2}`,
		`{"items": [{"type": "string"}, {"type": "number"}], "additionalItems": false}`,
		`{"items": [{"type": "string"}], "additionalItems": {"type": "boolean"}}`,
		`{"uniqueItems": true}`,
		`{"definitions": {"d": {"type": "array", "items": {"$ref": "#/definitions/d"}}}, "$ref": "#/definitions/d"}`,
		`true`,
		`false`,
		`{"type": "integer"}`,
	}
	undecidedOnly := []string{
		`{"minimum": 1}`,
		`{"const": "a"}`,
		`{"enum": [1, "a"]}`,
		`{"patternProperties": {"^a": {"type": "string"}}}`,
	}
	var values []any
	for _, text := range []string{`null`, `true`, `0`, `1.0`, `1`, `-2.5`, `""`, `"a"`, `"ab"`, `"ac"`, `"abc"`, `"abcd"`,
		`"éé"`, `"x"`, `"x:y"`, `"not a uri"`, `"http://[::1"`, `"2005-04-03T20:33:31Z"`, `"2005-04-03T20:33:31"`,
		`[]`, `["a"]`, `["a", 1]`, `["a", 1, true]`, `["a", "a"]`, `[1, 1.0]`, `[1, 2]`, `[{"a": 1}, {"a": 1.0}]`,
		`[{"a": 1}, {"b": 1}]`, `[[null], [null]]`, `[["a"], ["b"]]`, `[[]]`, `[[[]]]`, `[[1]]`, `["a", true, false]`,
		`{}`, `{"a": "x"}`, `{"a": 1}`, `{"b": 1}`, `{"b": "x"}`, `{"a": "x", "B": 1}`, `{"t": "a", "x": 1}`,
		`{"t": "a", "y": 1}`, `{"t": "b", "y": 1}`, `{"t": "b", "x": 1}`, `{"t": 1, "y": 1}`} {
		v, err := decodeValue([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, v)
	}
	for i := range 30 {
		values = append(values, []any{"s" + fmt.Sprint(i%25)}) // below and above the pairwise limit
	}
	long := make([]any, 30)
	for i := range long {
		long[i] = fmt.Sprint(i)
	}
	values = append(values, long, append(slices.Clone(long), "7"))
	compile := func(text string) *jsonschema.Schema {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := doc.(map[string]any); ok {
			m["$schema"] = "http://json-schema.org/draft-07/schema#"
		}
		c := jsonschema.NewCompiler()
		c.UseRegexpEngine(compileECMARegexp)
		c.AssertFormat()
		if err := c.AddResource("urn:test", doc); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile("urn:test")
		if err != nil {
			t.Fatal(err)
		}
		return sch
	}
	for _, text := range schemaTexts {
		sch := compile(text)
		n := fastCompiler{}.node(sch)
		decided := 0
		for _, v := range values {
			got := n.check(v, 0)
			if got == undecided {
				continue
			}
			decided++
			if valid := sch.Validate(v) == nil; got == accepted != valid {
				t.Errorf("schema %s, value %s: pre-check says %v, the library valid=%v", text, encode(t, v), got, valid)
			}
		}
		if decided < len(values)/2 {
			t.Errorf("schema %s: decided %d of %d values", text, decided, len(values))
		}
	}
	for _, text := range undecidedOnly {
		n := fastCompiler{}.node(compile(text))
		for _, v := range values {
			if got := n.check(v, 0); got != undecided {
				t.Errorf("schema %s, value %s: %v, want undecided", text, encode(t, v), got)
			}
		}
	}
}

var uriSamples = []string{"urn:epc:id:sgtin:0614141.107346.2018", "urn:", "urn:?", "urn:?/x", "urn:x#y", "urn:x#%zz",
	"urn:/x", "urn://x", "https://example.com/x", "http://[::1", "x+y.z-1:abc", "1x:y", "+x:y", ":x", "x", "",
	"urn:a b", "urn:a\tb", "urn:a\x7fb", "urn:é", "URN:X", "a:%zz", "a_b:c", "ni:///sha-256;abc?ver=CBV2.0",
	"urn:uuid:6d1ad4a3-c7c4-4ea6-8c4c-1f3a8a0f6e7e", "mailto:x@example.com", "tel:+1-816-555-1212", "a:b:c:d"}

// TestOpaqueURI: what the shortcut of the "uri" format lets through, the
// library's check accepts; and the shortcut takes EPC URNs.
func TestOpaqueURI(t *testing.T) {
	lib := libraryFormat(t, "uri")
	for _, s := range uriSamples {
		if opaqueURI(s) && lib(s) != nil {
			t.Errorf("opaqueURI(%q) is true, but the library rejects it: %v", s, lib(s))
		}
	}
	for _, s := range []string{"urn:epc:id:sgtin:0614141.107346.2018", "urn:epcglobal:cbv:bt:0614141073467:1152", "urn:"} {
		if !opaqueURI(s) {
			t.Errorf("opaqueURI(%q) is false", s)
		}
	}
	for _, s := range []string{"https://example.com/x", "urn:x#y", "urn:a\tb", "urn:/x", "1x:y", "x", "a_b:c"} {
		if opaqueURI(s) {
			t.Errorf("opaqueURI(%q) is true", s)
		}
	}
}

func FuzzOpaqueURI(f *testing.F) {
	for _, s := range uriSamples {
		f.Add(s)
	}
	lib := libraryFormat(f, "uri")
	f.Fuzz(func(t *testing.T, s string) {
		if opaqueURI(s) && lib(s) != nil {
			t.Errorf("opaqueURI(%q) is true, but the library rejects it: %v", s, lib(s))
		}
	})
}

// libraryFormat returns the library's check of a format.
func libraryFormat(t testing.TB, name string) func(any) error {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("urn:test", map[string]any{"$schema": "http://json-schema.org/draft-07/schema#", "format": name}); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("urn:test")
	if err != nil {
		t.Fatal(err)
	}
	return sch.Format.Validate
}

var dateTimeSamples = []string{"2005-04-03T20:33:31.116-06:00", "2005-04-03T20:33:31Z", "2005-04-03t20:33:31z",
	"2005-04-03 20:33:31Z", "2005-13-03T20:33:31Z", "2005-02-29T20:33:31Z", "2004-02-29T20:33:31Z", "0000-01-01T00:00:00Z",
	"2005-04-03T20:33:31", "2005-04-03T24:00:00Z", "2005-04-03T23:60:00Z", "2005-04-03T23:59:60Z", "2005-04-03T23:59:59.Z",
	"2005-04-03T23:59:59.1234567890123+14:00", "2005-04-03T23:59:59+24:00", "2005-04-03T23:59:59+23:60",
	"2005-04-03T23:59:59+2300", "2005-04-03T+1:00:00Z", "2005-4-03T20:33:31Z", "2005-04-03T20:33:31+01:00 ",
	"２００５-04-03T20:33:31Z", "2005-04-03T20:33:31.٣Z", "2005-04-03T20:33:31-00:00"}

// TestPlainDateTime: what the shortcut of the "date-time" format (and of
// the "time" rule) lets through, the library's check and canonicalTime
// accept; and the shortcut takes the usual forms.
func TestPlainDateTime(t *testing.T) {
	lib := libraryFormat(t, "date-time")
	for _, s := range dateTimeSamples {
		checkPlainDateTime(t, lib, s)
	}
	accepted := 0
	for _, y := range []string{"0000", "1900", "2000", "2001", "2004", "9999"} {
		for mo := range 14 {
			for d := range 33 {
				for _, tm := range []string{"00:00:00Z", "23:59:59.9+23:59", "24:00:00Z", "12:60:00Z", "12:00:60-01:00", "12:00:00+24:00", "12:00:00-00:60"} {
					s := fmt.Sprintf("%s-%02d-%02dT%s", y, mo, d, tm)
					if plainDateTime(s) {
						accepted++
						checkPlainDateTime(t, lib, s)
					}
				}
			}
		}
	}
	if want := 2 * (3*366 + 3*365); accepted != want { // each day of the six years (0000, 2000 and 2004 leap), at two valid times
		t.Errorf("plainDateTime accepted %d dates and times, want %d", accepted, want)
	}
	for _, s := range []string{"2005-04-03T20:33:31.116-06:00", "2005-04-03T20:33:31Z", "2004-02-29t20:33:31z"} {
		if !plainDateTime(s) {
			t.Errorf("plainDateTime(%q) is false", s)
		}
	}
	for _, s := range []string{"2005-02-29T20:33:31Z", "2005-04-03T23:59:60Z", "2005-04-03T23:59:59.Z", "2005-04-03T20:33:31"} {
		if plainDateTime(s) {
			t.Errorf("plainDateTime(%q) is true", s)
		}
	}
}

func FuzzPlainDateTime(f *testing.F) {
	for _, s := range dateTimeSamples {
		f.Add(s)
	}
	lib := libraryFormat(f, "date-time")
	f.Fuzz(func(t *testing.T, s string) {
		checkPlainDateTime(t, lib, s)
	})
}

// checkPlainDateTime: if plainDateTime takes s, so do the library's
// "date-time" check and the "time" rule's canonicalTime.
func checkPlainDateTime(t *testing.T, lib func(any) error, s string) {
	t.Helper()
	if !plainDateTime(s) {
		return
	}
	if err := lib(s); err != nil {
		t.Errorf("plainDateTime(%q) is true, but the library rejects it: %v", s, err)
	}
	if _, err := canonicalTime(s); err != nil {
		t.Errorf("plainDateTime(%q) is true, but canonicalTime rejects it: %v", s, err)
	}
}

// FuzzPrecheck: on any JSON document, ValidateDocument reports the same
// with and without the pre-check, and the pre-check's verdict on each
// event agrees with the library. Seeds: the GS1 examples and a few odd
// documents. Run with: go test -fuzz=FuzzPrecheck ./internal/epcis/
func FuzzPrecheck(f *testing.F) {
	for _, data := range readGS1JSON(f) {
		f.Add(data)
	}
	for _, s := range []string{`{}`, `{"type": "ObjectEvent"}`, `{"type": "EPCISDocument", "epcisBody": {"eventList": [1, null, {}]}}`,
		`{"type": "ObjectEvent", "action": "ADD", "epcList": ["a", "a"], "@context": ["x", "x"]}`,
		`{"type": "ObjectEvent", "action": "OBSERVE", "ilmd": {}, "eventTime": "2005-04-03T20:33:60Z", "eventTimeZoneOffset": "+14:00"}`,
		`{"type": "AssociationEvent", "action": "ADD", "parentID": "urn:x", "childEPCs": [], "bizStep": "urn:epcglobal:cbv:x"}`} {
		f.Add([]byte(s))
	}
	s := compiledSchemas()
	lib := libraryOnly(s)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodeValue(data)
		if err != nil {
			return
		}
		root, ok := v.(map[string]any)
		if !ok {
			return
		}
		d := readDocument(root)
		if len(d.events) > MaxEvents {
			return
		}
		want := readDocument(root).validate(lib)
		got := d.validate(s)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("library only (-) vs with the pre-check (+):\n%s", diff)
		}
		for i, ev := range d.events {
			if schemaApplies(ev) && countValues(ev, MaxEventValues) <= MaxEventValues {
				checkVerdict(t, fmt.Sprintf("event %d", i), s, s.eventSchema(ev), ev, map[verdict]int{})
			}
		}
	})
}
