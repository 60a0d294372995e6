package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gs1JSONDir holds copies of the 47 JSON-LD examples of github.com/gs1/EPCIS
// (see its README).
const gs1JSONDir = "testdata/gs1-json"

// readGS1JSON returns the copied GS1 examples by path under gs1JSONDir.
func readGS1JSON(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(gs1JSONDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".jsonld") {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(gs1JSONDir, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 47 {
		t.Fatalf("%d examples in %s, want 47", len(files), gs1JSONDir)
	}
	return files
}

// TestValidateGS1Examples: every official example is valid, under the
// official schema and the business rules.
func TestValidateGS1Examples(t *testing.T) {
	total := 0
	for name, data := range readGS1JSON(t) {
		r, err := ValidateDocument(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, p := range r.Problems {
			t.Errorf("%s: %s", name, p)
		}
		total += r.Events
	}
	// 56 events, as shared/design/research/standards-data.md §1.6 counts.
	if total != 56 {
		t.Errorf("%d events in all, want 56", total)
	}
}

// example returns a copy of a GS1 example, decoded.
func example(t testing.TB, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(gs1JSONDir, name))
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodeValue(data)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

func encode(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// eventOf returns event i of a decoded EPCISDocument.
func eventOf(doc map[string]any, i int) map[string]any {
	return lookup(doc, indexPointer("/epcisBody/eventList", i)).(map[string]any)
}

// sensorReport returns report j of sensor element i of ev.
func sensorReport(ev map[string]any, i, j int) map[string]any {
	return lookup(ev, fmt.Sprintf("/sensorElementList/%d/sensorReport/%d", i, j)).(map[string]any)
}

// Names of the examples the mutation tests start from, and the eventIDs of
// their events.
const (
	objectExample         = "Example_9.6.1-ObjectEvent.jsonld" // two ObjectEvents
	objectID0             = "ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0"
	objectID1             = "ni:///sha-256;00e1e6eba3a7cc6125be4793a631f0af50f8322e0ab5f2c0bab994a11cec1d79?ver=CBV2.0"
	transformationExample = "Example_9.6.4-TransformationEvent.jsonld"
	transformationID0     = "ni:///sha-256;e65c3a997e77f34b58306da7a82ab0fc91c7820013287700f0b50345e5795b97?ver=CBV2.0"
	sensorExample         = "WithSensorData/SensorDataExample2.jsonld" // minValue/maxValue reports
	sensorID0             = "ni:///sha-256;0301ed4c40065cde36eb9cc80780312d903a031a91d105639df4e649a9d01200?ver=CBV2.0"
	queryExample          = "EPCISQueryDocument.jsonld"
)

// want is an expected problem: Msg is a part of the message.
type want struct {
	Event   int
	EventID string
	Field   string
	Rule    string
	Msg     string
}

type mutation struct {
	name   string
	from   string
	mutate func(doc map[string]any)
	want   []want
}

// mutations each break one valid example in one way, and name the one
// problem that must be reported.
var mutations = []mutation{
	{
		name:   "missing @context",
		from:   objectExample,
		mutate: func(doc map[string]any) { delete(doc, "@context") },
		want:   []want{{-1, "", "/@context", RuleContext, "missing @context"}},
	},
	{
		name: "@context without the EPCIS context",
		from: objectExample,
		mutate: func(doc map[string]any) {
			doc["@context"] = []any{map[string]any{"example": "http://ns.example.com/epcis/"}}
		},
		want: []want{{-1, "", "/@context", RuleContext, "does not reference the EPCIS 2.0 context"}},
	},
	{
		name: "undeclared extension prefix",
		from: objectExample,
		mutate: func(doc map[string]any) {
			ev := eventOf(doc, 1)
			ev["acme:myField"] = ev["example:myField"]
			delete(ev, "example:myField")
		},
		want: []want{{1, objectID1, "/acme:myField", RuleExtensionPrefix, `prefix "acme" is not declared`}},
	},
	{
		name: "undeclared prefix in an ilmd member",
		from: transformationExample,
		mutate: func(doc map[string]any) {
			eventOf(doc, 0)["ilmd"].(map[string]any)["acme:lot"] = "42"
		},
		want: []want{{0, transformationID0, "/ilmd/acme:lot", RuleExtensionPrefix, `prefix "acme"`}},
	},
	{
		name: "undeclared prefix nested in an extension",
		from: objectExample,
		mutate: func(doc map[string]any) {
			eventOf(doc, 1)["example:myField"] = map[string]any{"acme:inner": "x", "example:ok": "y"}
		},
		want: []want{{1, objectID1, "/example:myField/acme:inner", RuleExtensionPrefix, `prefix "acme"`}},
	},
	{
		name: "undeclared prefix, name with a slash",
		from: objectExample,
		mutate: func(doc map[string]any) {
			eventOf(doc, 1)["acme:a/b~c"] = "x"
		},
		want: []want{{1, objectID1, "/acme:a~1b~0c", RuleExtensionPrefix, `prefix "acme"`}},
	},
	{
		name: "full URI extension field",
		from: objectExample,
		mutate: func(doc map[string]any) {
			eventOf(doc, 1)["https://ns.acme.example/epcis/seal"] = "x"
			eventOf(doc, 1)["urn:acme:seal"] = "y"
			eventOf(doc, 1)["FooEvent"] = "z"
		},
		want: []want{{1, objectID1, "/FooEvent", RuleExtensionPrefix, "no namespace"}},
	},
	{
		name:   "extension field without a namespace",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["myField"] = "x" },
		want:   []want{{1, objectID1, "/myField", RuleExtensionPrefix, "no namespace"}},
	},
	{
		name:   "eventTime without time zone",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["eventTime"] = "2005-04-04T20:33:31.116" },
		want:   []want{{1, objectID1, "/eventTime", RuleTime, "has no time zone"}},
	},
	{
		name:   "recordTime not a timestamp",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["recordTime"] = "yesterday" },
		want:   []want{{0, objectID0, "/recordTime", RuleTime, "not an RFC 3339 timestamp"}},
	},
	{
		name:   "creationDate without time zone",
		from:   objectExample,
		mutate: func(doc map[string]any) { doc["creationDate"] = "2005-07-11T11:30:47" },
		want:   []want{{-1, "", "/creationDate", RuleTime, "has no time zone"}},
	},
	{
		name: "sensor report time without time zone",
		from: sensorExample,
		mutate: func(doc map[string]any) {
			sensorReport(eventOf(doc, 0), 0, 1)["time"] = "2019-04-02T14:00:00"
		},
		want: []want{{0, sensorID0, "/sensorElementList/0/sensorReport/1/time", RuleTime, "has no time zone"}},
	},
	{
		name:   "offset without leading zero",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["eventTimeZoneOffset"] = "-6:00" },
		want:   []want{{1, objectID1, "/eventTimeZoneOffset", RuleTimeZoneOffset, "want ±hh:mm"}},
	},
	{
		name:   "offset beyond 14 hours",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["eventTimeZoneOffset"] = "+14:30" },
		want:   []want{{0, objectID0, "/eventTimeZoneOffset", RuleTimeZoneOffset, "from -14:00 to +14:00"}},
	},
	{
		name:   "duplicate eventID",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["eventID"] = objectID0 },
		want:   []want{{1, objectID0, "/eventID", RuleDuplicateEventID, "event 0 has the same"}},
	},
	{
		name:   "missing action",
		from:   objectExample,
		mutate: func(doc map[string]any) { delete(eventOf(doc, 1), "action") },
		want:   []want{{1, objectID1, "/action", RuleAction, "required on an ObjectEvent"}},
	},
	{
		name:   "action on a TransformationEvent",
		from:   transformationExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["action"] = "ADD" },
		want:   []want{{0, transformationID0, "/action", RuleAction, "a TransformationEvent has no action"}},
	},
	{
		name: "ilmd on an OBSERVE ObjectEvent",
		from: objectExample,
		mutate: func(doc map[string]any) {
			eventOf(doc, 0)["ilmd"] = map[string]any{"example:batch": "XYZ"}
		},
		want: []want{{0, objectID0, "/ilmd", RuleILMD, "only with action ADD"}},
	},
	{
		name:   "action not a string",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["action"] = 5 },
		want:   []want{{1, objectID1, "/action", RuleSchema, "want string, got number"}},
	},
	{
		name:   "action not a term",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["action"] = "observe" },
		want:   []want{{1, objectID1, "/action", RuleSchema, `"observe" is not an allowed value (want one of OBSERVE, ADD, DELETE)`}},
	},
	{
		name:   "bizStep not a string",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["bizStep"] = 5 },
		want:   []want{{0, objectID0, "/bizStep", RuleSchema, "want string, got number"}},
	},
	{
		name:   "bizStep neither a CBV term nor a URI",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["bizStep"] = "shippin" },
		want:   []want{{0, objectID0, "/bizStep", RuleSchema, `"shippin" is not an absolute URI`}},
	},
	{
		name:   "epcList not an array",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["epcList"] = "urn:epc:id:sgtin:0614141.107346.2018" },
		want:   []want{{1, objectID1, "/epcList", RuleSchema, "want array, got string"}},
	},
	{
		name:   "epcList member not a string",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["epcList"] = []any{1} },
		want:   []want{{1, objectID1, "/epcList/0", RuleSchema, "want string, got number"}},
	},
	{
		name:   "readPoint not an object",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["readPoint"] = "urn:epc:id:sgln:0614141.07346.1234" },
		want:   []want{{0, objectID0, "/readPoint", RuleSchema, "want object, got string"}},
	},
	{
		name: "quantity not a number",
		from: transformationExample,
		mutate: func(doc map[string]any) {
			lookup(eventOf(doc, 0), "/inputQuantityList/1").(map[string]any)["quantity"] = "30"
		},
		want: []want{{0, transformationID0, "/inputQuantityList/1/quantity", RuleSchema, "want number, got string"}},
	},
	{
		name: "unexpected field in a quantity element",
		from: transformationExample,
		mutate: func(doc map[string]any) {
			lookup(eventOf(doc, 0), "/inputQuantityList/0").(map[string]any)["lot"] = "A"
		},
		want: []want{{0, transformationID0, "/inputQuantityList/0/lot", RuleSchema, "allows no other fields"}},
	},
	{
		name:   "standard field of another event type",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["childEPCs"] = []any{"urn:epc:id:sgtin:0614141.107346.2019"} },
		want:   []want{{1, objectID1, "/childEPCs", RuleSchema, "a standard EPCIS field, but not one of this object"}},
	},
	{
		name: "ObjectEvent naming no objects",
		from: objectExample,
		mutate: func(doc map[string]any) {
			delete(eventOf(doc, 1), "epcList")
		},
		want: []want{{1, objectID1, "", RuleSchema, "matches none of the allowed forms"}},
	},
	{
		name:   "sensor value not a number",
		from:   sensorExample,
		mutate: func(doc map[string]any) { sensorReport(eventOf(doc, 0), 0, 2)["minValue"] = "160.0" },
		want:   []want{{0, sensorID0, "/sensorElementList/0/sensorReport/2/minValue", RuleSensorValue, "want a number, got a string"}},
	},
	{
		name:   "sensor minValue above maxValue",
		from:   sensorExample,
		mutate: func(doc map[string]any) { sensorReport(eventOf(doc, 0), 0, 1)["minValue"] = json.Number("12.3") },
		want:   []want{{0, sensorID0, "/sensorElementList/0/sensorReport/1/minValue", RuleSensorValue, "minValue 12.3 is greater than maxValue 12.2"}},
	},
	{
		name:   "unknown event type",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 1)["type"] = "FooEvent" },
		want:   []want{{1, objectID1, "/type", RuleEventType, `unknown event type "FooEvent"`}},
	},
	{
		name:   "event type as a CURIE",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["type"] = "epcis:ObjectEvent" },
		want:   []want{{0, objectID0, "/type", RuleEventType, `write the event type as the term "ObjectEvent"`}},
	},
	{
		name:   "missing type",
		from:   objectExample,
		mutate: func(doc map[string]any) { delete(eventOf(doc, 0), "type") },
		want:   []want{{0, objectID0, "/type", RuleEventType, "missing: want one of ObjectEvent"}},
	},
	{
		name:   "type not a string",
		from:   objectExample,
		mutate: func(doc map[string]any) { eventOf(doc, 0)["type"] = []any{"ObjectEvent"} },
		want:   []want{{0, objectID0, "/type", RuleEventType, "want a string, got an array"}},
	},
	{
		name:   "document type misspelt",
		from:   objectExample,
		mutate: func(doc map[string]any) { doc["type"] = "EPCISDokument" },
		want:   []want{{-1, "", "/type", RuleDocumentType, `"EPCISDokument" is not a document type`}},
	},
	{
		name: "event not an object",
		from: objectExample,
		mutate: func(doc map[string]any) {
			lookup(doc, "/epcisBody/eventList").([]any)[1] = 5
		},
		want: []want{{1, "", "", RuleSchema, "want object, got number"}},
	},
	{
		name:   "document without schemaVersion",
		from:   objectExample,
		mutate: func(doc map[string]any) { delete(doc, "schemaVersion") },
		want:   []want{{-1, "", "/schemaVersion", RuleSchema, "required field is missing"}},
	},
	{
		name:   "document extension with an undeclared prefix",
		from:   objectExample,
		mutate: func(doc map[string]any) { doc["acme:batch"] = "7" },
		want:   []want{{-1, "", "/acme:batch", RuleExtensionPrefix, `prefix "acme"`}},
	},
	{
		name: "event of a query document",
		from: queryExample,
		mutate: func(doc map[string]any) {
			delete(lookup(doc, "/epcisBody/queryResults/resultsBody/eventList/1").(map[string]any), "action")
		},
		want: []want{{1, objectID1, "/action", RuleAction, "required on an ObjectEvent"}},
	},
}

func TestValidateMutations(t *testing.T) {
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			doc := example(t, m.from)
			m.mutate(doc)
			r, err := ValidateDocument(encode(t, doc))
			if err != nil {
				t.Fatal(err)
			}
			checkProblems(t, r.Problems, m.want)
		})
	}
}

func checkProblems(t *testing.T, got []Problem, wants []want) {
	t.Helper()
	var gotW []want
	for i, p := range got {
		w := want{p.Event, p.EventID, p.Field, p.Rule, ""}
		if i < len(wants) && strings.Contains(p.Message, wants[i].Msg) {
			w.Msg = wants[i].Msg
		} else {
			w.Msg = p.Message
		}
		gotW = append(gotW, w)
	}
	if diff := cmp.Diff(wants, gotW); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestValidateSingleEvent: an event sent on its own (REST POST /events) is
// event 0, and needs its own @context.
func TestValidateSingleEvent(t *testing.T) {
	doc := example(t, objectExample)
	ev := eventOf(doc, 1)
	ev["@context"] = doc["@context"]
	r, err := ValidateDocument(encode(t, ev))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Report{DocumentType: "ObjectEvent", Events: 1}, r); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}

	delete(ev, "@context")
	r, err = ValidateDocument(encode(t, ev))
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, r.Problems, []want{{0, objectID1, "/@context", RuleContext, "missing @context"}})
}

// TestValidateManyProblems: problems come in order (document, then events
// by index and field), several to an event, also when the events are
// checked in parallel.
func TestValidateManyProblems(t *testing.T) {
	doc := bigDocument(t, 300)
	delete(doc, "schemaVersion")
	delete(eventOf(doc, 299), "action")
	eventOf(doc, 299)["eventTimeZoneOffset"] = "+1"
	eventOf(doc, 3)["eventID"] = eventOf(doc, 0)["eventID"]
	eventOf(doc, 150)["bizStep"] = 5
	r, err := ValidateDocument(encode(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, r.Problems, []want{
		{-1, "", "/schemaVersion", RuleSchema, "required field is missing"},
		{3, "urn:uuid:00000000-0000-4000-8000-000000000000", "/eventID", RuleDuplicateEventID, "event 0 has the same"},
		{150, "urn:uuid:00000150-0000-4000-8000-000000000000", "/bizStep", RuleSchema, "want string, got number"},
		{299, "urn:uuid:00000299-0000-4000-8000-000000000000", "/action", RuleAction, "required"},
		{299, "urn:uuid:00000299-0000-4000-8000-000000000000", "/eventTimeZoneOffset", RuleTimeZoneOffset, "want ±hh:mm"},
	})
}

func TestValidateUnusableInput(t *testing.T) {
	tooMany := `{"type": "EPCISDocument", "epcisBody": {"eventList": [{}` + strings.Repeat(`, {}`, MaxEvents) + `]}}`
	tests := []struct {
		name string
		doc  []byte
		want error
	}{
		{"too large", bytes.Repeat([]byte(" "), MaxDocumentSize+1), ErrTooLarge},
		{"too many events", []byte(tooMany), ErrTooManyEvents},
		{"empty", nil, ErrNotJSON},
		{"truncated", []byte(`{"type": "EPCISDocument"`), ErrNotJSON},
		{"two values", []byte(`{} {}`), ErrNotJSON},
		{"bad event", []byte(`{"epcisBody": {"eventList": [{"a": }]}}`), ErrNotJSON},
		{"trailing comma", []byte(`{"epcisBody": {"eventList": [1,]}}`), ErrNotJSON},
		{"bad escape", []byte(`{"epcisBody": {"eventList": ["\x"]}}`), ErrNotJSON},
		{"array", []byte(`[{"type": "ObjectEvent"}]`), ErrNotObject},
		{"string", []byte(`"EPCISDocument"`), ErrNotObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ValidateDocument(tt.doc)
			if !errors.Is(err, tt.want) || r != nil {
				t.Errorf("got %v, %v; want %v", r, err, tt.want)
			}
		})
	}
}

// TestValidateBOM: a UTF-8 byte order mark is not an error.
func TestValidateBOM(t *testing.T) {
	data := append([]byte("\xef\xbb\xbf"), readGS1JSON(t)[objectExample]...)
	r, err := ValidateDocument(data)
	if err != nil || !r.Valid() {
		t.Errorf("got %v, %v; want a valid document", r, err)
	}
}

// TestValidateDoesNotChangeInput: the document's tree is shared, not
// copied, on its way to the schema; emptying eventList must not reach it.
func TestValidateDoesNotChangeInput(t *testing.T) {
	doc := example(t, queryExample)
	d := readDocument(doc)
	if len(d.events) != 2 || len(lookup(d.shell, "/epcisBody/queryResults/resultsBody/eventList").([]any)) != 0 {
		t.Fatalf("events %d, shell %v", len(d.events), d.shell)
	}
	if n := len(lookup(doc, "/epcisBody/queryResults/resultsBody/eventList").([]any)); n != 2 {
		t.Errorf("input eventList has %d events after readDocument, want 2", n)
	}
}

// corpus returns the documents the schema-equivalence tests run on: the
// examples and every mutation.
func corpus(t *testing.T) map[string]map[string]any {
	out := map[string]map[string]any{}
	for name := range readGS1JSON(t) {
		out[name] = example(t, name)
	}
	for _, m := range mutations {
		doc := example(t, m.from)
		m.mutate(doc)
		out["mutation: "+m.name] = doc
	}
	return out
}

// TestFastSchemaKeepsResults: the faster form of the schema (enumerations
// first in each anyOf, cached property-name checks) reports exactly what
// the schema as published reports.
func TestFastSchemaKeepsResults(t *testing.T) {
	published, err := compileSchemas(false)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range corpus(t) {
		a := readDocument(doc).validate(published)
		b := readDocument(doc).validate(compiledSchemas())
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s: published schema (-) vs reordered (+):\n%s", name, diff)
		}
	}
}

// TestEventDispatch: for a standard event type, the type's own definition
// finds what the schema's event definition (an if/then chain over the
// types) finds.
func TestEventDispatch(t *testing.T) {
	s := compiledSchemas()
	n := 0
	for name, doc := range corpus(t) {
		for i, ev := range readDocument(doc).events {
			direct := s.eventSchema(ev)
			if direct == s.event {
				continue
			}
			n++
			d1, a1 := schemaFailures(direct, ev)
			d2, a2 := schemaFailures(s.event, ev)
			p1, p2 := resolve(i, "", nil, d1, a1), resolve(i, "", nil, d2, a2)
			if diff := cmp.Diff(p2, p1); diff != "" {
				t.Errorf("%s event %d: EPCIS-Document-Event (-) vs the type's definition (+):\n%s", name, i, diff)
			}
		}
	}
	if n < 56 {
		t.Errorf("compared %d events, want at least 56", n)
	}
}

// TestSensorNumberFields: the sensor-value rule covers exactly the
// sensorReport members the schema types as numbers.
func TestSensorNumberFields(t *testing.T) {
	var schema struct {
		Definitions map[string]struct {
			Properties map[string]struct {
				Ref string `json:"$ref"`
			}
		}
	}
	if err := json.Unmarshal(schemaJSON, &schema); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for name, p := range schema.Definitions["sensorReport"].Properties {
		if p.Ref == "#/definitions/decimal" {
			numbers = append(numbers, name)
		}
	}
	slices.Sort(numbers)
	want := slices.Sorted(slices.Values(sensorNumberFields))
	if diff := cmp.Diff(want, numbers); diff != "" {
		t.Errorf("sensorNumberFields (-) vs the schema (+):\n%s", diff)
	}
}

func TestValidOffset(t *testing.T) {
	for s, want := range map[string]bool{
		"+00:00": true, "-00:00": true, "+05:30": true, "-12:45": true, "+14:00": true, "-14:00": true,
		"+14:01": false, "+15:00": false, "+05:60": false, "05:00": false, "+5:00": false, "+05:00 ": false,
		"+0a:00": false, "Z": false, "": false, "+05-00": false,
	} {
		if got := validOffset(s); got != want {
			t.Errorf("validOffset(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestRules(t *testing.T) {
	var names []string
	for _, r := range Rules() {
		if r.Description == "" {
			t.Errorf("rule %s has no description", r.Name)
		}
		names = append(names, r.Name)
	}
	want := []string{RuleDocumentType, RuleContext, RuleExtensionPrefix, RuleTime, RuleDuplicateEventID, RuleEventType,
		RuleAction, RuleILMD, RuleTimeZoneOffset, RuleSensorValue, RuleLimit}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

// bigDocument returns an EPCISDocument of n copies of the second
// ObjectEvent of GS1 example 9.6.1 (11 fields and a user extension), each
// with its own eventID.
func bigDocument(t testing.TB, n int) map[string]any {
	t.Helper()
	return copies(t, objectExample, 1, n)
}

// copies returns the GS1 example from with its eventList replaced by n
// copies of its event i, each with its own eventID.
func copies(t testing.TB, from string, i, n int) map[string]any {
	t.Helper()
	doc := example(t, from)
	ev := encode(t, eventOf(doc, i))
	events := make([]any, n)
	for i := range events {
		v, err := decodeValue(ev)
		if err != nil {
			t.Fatal(err)
		}
		e := v.(map[string]any)
		e["eventID"] = fmt.Sprintf("urn:uuid:%08d-0000-4000-8000-000000000000", i)
		events[i] = e
	}
	doc["epcisBody"] = map[string]any{"eventList": events}
	return doc
}

// BenchmarkValidateDocument validates documents of 1,000 events: copies of
// a typical ObjectEvent (about 640 bytes) and of the GS1 example with every
// ObjectEvent field (about 5 KB, with sensor data and extensions).
func BenchmarkValidateDocument(b *testing.B) {
	const n = 1000
	for _, bm := range []struct {
		name  string
		from  string
		event int
	}{
		{"ObjectEvent", objectExample, 1},
		{"ObjectEventAllFields", "WithFullCombinationOfFields/object_event_all_possible_fields.jsonld", 0},
	} {
		b.Run(bm.name, func(b *testing.B) {
			data := encode(b, copies(b, bm.from, bm.event, n))
			if r, err := ValidateDocument(data); err != nil || !r.Valid() {
				b.Fatalf("%v %v", r, err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ValidateDocument(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestValidateLimits: an event too large to check gets one "limit"
// problem; a document with too many problems gets MaxProblems of them and
// Truncated.
func TestValidateLimits(t *testing.T) {
	doc := example(t, objectExample)
	list := make([]any, MaxEventValues)
	for i := range list {
		list[i] = json.Number("1") // each one a schema problem
	}
	eventOf(doc, 1)["epcList"] = list
	r, err := ValidateDocument(encode(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, r.Problems, []want{{1, objectID1, "", RuleLimit, "more than 50000 JSON values"}})

	doc = bigDocument(t, 400)
	for _, ev := range lookup(doc, "/epcisBody/eventList").([]any) {
		ev := ev.(map[string]any)
		ev["action"], ev["eventTimeZoneOffset"], ev["bizStep"] = "observe", "+1", 1
	}
	r, err = ValidateDocument(encode(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Truncated || len(r.Problems) != MaxProblems {
		t.Errorf("Truncated %v with %d problems; want true with %d", r.Truncated, len(r.Problems), MaxProblems)
	}
	if p := r.Problems[0]; p.Event != 0 || p.Field != "/action" {
		t.Errorf("first problem %v, want event 0 /action", p)
	}
}

func TestCountValues(t *testing.T) {
	v, err := decodeValue([]byte(`{"a": [1, {"b": null}, "c"], "d": {}}`))
	if err != nil {
		t.Fatal(err)
	}
	for limit, want := range map[int]int{100: 7, 7: 7, 3: 4, 0: 1} {
		if got := countValues(v, limit); got != want {
			t.Errorf("countValues(limit %d) = %d, want %d", limit, got, want)
		}
	}
}
