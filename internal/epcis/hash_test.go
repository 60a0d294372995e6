package epcis

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPreHashMap feeds PreHash and Hash events decoded by encoding/json the
// ordinary way (numbers as float64), with the document's context copied
// into the event, and expects the vectors' results.
func TestPreHashMap(t *testing.T) {
	for _, name := range []string{"ReferenceEventHashAlgorithm", "ReferenceEventHashAlgorithm2", "epcisDocWithVariousEventTypes", "epclist_normalisation"} {
		data, err := os.ReadFile(filepath.Join(vectorDir, name+".jsonld"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Context   any `json:"@context"`
			EPCISBody struct {
				EventList []map[string]any `json:"eventList"`
			} `json:"epcisBody"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		wantPre := readLines(t, filepath.Join(vectorDir, name+".prehashes"))
		wantHash := readLines(t, filepath.Join(vectorDir, name+".hashes"))
		for i, ev := range doc.EPCISBody.EventList {
			ev["@context"] = doc.Context
			pre, err := PreHash(ev)
			if err != nil {
				t.Fatalf("%s event %d: %v", name, i, err)
			}
			if pre != wantPre[i] {
				t.Errorf("%s event %d (-want +got):\n%s", name, i, cmp.Diff(readable(wantPre[i]), readable(pre)))
			}
			h, err := Hash(ev)
			if err != nil || h != wantHash[i] {
				t.Errorf("%s event %d: Hash = %q, %v; want %q", name, i, h, err, wantHash[i])
			}
		}
	}
}

// TestBareEvents hashes an event on its own and an array of events, in
// JSON and XML, and expects the hash of the same event in a document.
func TestBareEvents(t *testing.T) {
	const event = `{"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00", "eventTimeZoneOffset": "+01:00",
		"epcList": ["urn:epc:id:sgtin:0614141.011111.987"], "action": "OBSERVE", "bizStep": "departing",
		"disposition": "in_transit", "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.0", "example:myField1": "AB-12"},
		"bizTransactionList": [{"type": "po", "bizTransaction": "urn:epc:id:gdti:4012345.11111.123"}],
		"sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
		"destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00000"}],
		"example:userExt": "CD-34"`
	const ctx = `"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "https://ns.example.com/epcis/"}]`
	const xmlEvent = `<ObjectEvent xmlns:example="https://ns.example.com/epcis/">
		<eventTime>2020-03-04T11:00:30+01:00</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
		<epcList><epc>urn:epc:id:sgtin:0614141.011111.987</epc></epcList><action>OBSERVE</action>
		<bizStep>urn:epcglobal:cbv:bizstep:departing</bizStep><disposition>urn:epcglobal:cbv:disp:in_transit</disposition>
		<readPoint><id>urn:epc:id:sgln:4012345.00011.0</id><example:myField1>AB-12</example:myField1></readPoint>
		<bizTransactionList><bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epc:id:gdti:4012345.11111.123</bizTransaction></bizTransactionList>
		<sourceList><source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:4012345.00000</source></sourceList>
		<destinationList><destination type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:0614141.00000</destination></destinationList>
		<example:userExt>CD-34</example:userExt></ObjectEvent>`
	want := readLines(t, filepath.Join(vectorDir, "ReferenceEventHashAlgorithm3.hashes"))[0]
	for name, doc := range map[string]string{
		"bare event":     event + "," + ctx + "}",
		"array":          "[" + event + "," + ctx + "}]",
		"document":       `{"type": "EPCISDocument", ` + ctx + `, "epcisBody": {"eventList": [` + event + `}]}}`,
		"bare XML event": xmlEvent,
		"XML query":      `<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2"><EPCISBody><QueryResults><resultsBody><EventList>` + xmlEvent + `</EventList></resultsBody></QueryResults></EPCISBody></epcisq:EPCISQueryDocument>`,
	} {
		hs, err := HashDocument([]byte(doc))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(hs) != 1 || hs[0].Hash != want {
			t.Errorf("%s: %+v, want one event hashed %s", name, hs, want)
		}
	}
}

func TestEmptyDocument(t *testing.T) {
	for _, doc := range []string{
		`{"type": "EPCISDocument", "epcisBody": {"eventList": []}}`,
		`{"type": "EPCISQueryDocument", "epcisBody": {"queryResults": {"resultsBody": {}}}}`,
		`[]`,
		`<EPCISDocument><EPCISBody><EventList/></EPCISBody></EPCISDocument>`,
	} {
		hs, err := HashDocument([]byte(doc))
		if err != nil || len(hs) != 0 {
			t.Errorf("%s: %v, %v; want no events and no error", doc, hs, err)
		}
	}
}

// TestIgnoredFields checks that what the hash leaves out changes nothing,
// and that what it keeps changes the hash.
func TestIgnoredFields(t *testing.T) {
	base := map[string]any{
		"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00", "eventTimeZoneOffset": "+01:00",
		"epcList": []any{"urn:epc:id:sscc:4012345.0000000333"}, "action": "OBSERVE",
	}
	want, err := Hash(base)
	if err != nil {
		t.Fatal(err)
	}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		m[k] = v
		return m
	}
	for k, v := range map[string]any{
		"recordTime":       "2020-03-04T11:00:31Z",
		"eventID":          "ni:///sha-256;00?ver=CBV2.0",
		"errorDeclaration": map[string]any{"declarationTime": "2020-03-05T00:00:00Z", "reason": "incorrect_data"},
		"rdfs:comment":     "a note",
		"comment":          "a note",
	} {
		if got, err := Hash(with(k, v)); err != nil || got != want {
			t.Errorf("with %s: hash %s, %v; want it unchanged", k, got, err)
		}
	}
	for k, v := range map[string]any{
		"disposition":   "in_transit",
		"gs1:something": "x",
		"unknownField":  "x", // hashed as written rather than dropped
		"epcList":       []any{"urn:epc:id:sscc:4012345.0000000334"},
	} {
		if got, err := Hash(with(k, v)); err != nil || got == want {
			t.Errorf("with %s: hash %s, %v; want it changed", k, got, err)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		index     int
		eventID   string
		field     string
		msg       string
	}{
		{"not JSON", `{"type": `, -2, "", "", "not valid JSON"},
		{"trailing data", `{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z"} {}`, -2, "", "", "data after"},
		{"not XML", `<EPCISDocument><EventList>`, -2, "", "", "not valid XML"},
		{"no events", `{"type": "EPCISDocument"}`, -2, "", "", "no epcisBody"},
		{"eventList not an array", `{"epcisBody": {"eventList": {}}}`, -2, "", "", "eventList: want an array"},
		{"event not an object", `[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z"}, 7]`, 1, "", "", "want an object"},
		{"no type", `[{"eventTime": "2020-01-01T00:00:00Z"}]`, 0, "", "type", "missing"},
		{"unknown type", `[{"type": "Event", "eventTime": "2020-01-01T00:00:00Z"}]`, 0, "", "type", "not an EPCIS event type"},
		{"no eventTime", `[{"type": "ObjectEvent"}]`, 0, "", "eventTime", "missing"},
		{
			"bad eventTime",
			`[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z"}, {"type": "ObjectEvent", "eventID": "urn:uuid:1", "eventTime": "2020-01-01T00:00:00"}]`,
			1, "urn:uuid:1", "eventTime", "no time zone",
		},
		{
			"bad sensor time",
			`[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "sensorElementList": [{"sensorReport": [{"type": "Temperature"}, {"time": "noon"}]}]}]`,
			0, "", "sensorElementList[0].sensorReport[1].time", "not an RFC 3339 timestamp",
		},
		{"epc not a string", `[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "epcList": [{"epc": "x"}]}]`, 0, "", "epcList[0]", "want a string"},
		{"readPoint not an object", `[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "readPoint": "urn:x"}]`, 0, "", "readPoint", "want an object"},
		{"quantity not a number", `[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "quantityList": [{"quantity": [1]}]}]`, 0, "", "quantityList[0].quantity", "want a number"},
		{"undeclared prefix", `[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "acme:lot": "7"}]`, 0, "", "acme:lot", "undeclared namespace prefix"},
		{"XML epcList", `<ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime><epcList><id>x</id></epcList></ObjectEvent>`, 0, "", "epcList[0]", "want an <epc> element"},
	}
	for _, tt := range tests {
		_, err := HashDocument([]byte(tt.doc))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %q does not say %q", tt.name, err, tt.msg)
		}
		var e *Error
		if tt.index == -2 { // a document error, not an event's
			if errors.As(err, &e) {
				t.Errorf("%s: %v is an event error", tt.name, err)
			}
			continue
		}
		if !errors.As(err, &e) {
			t.Errorf("%s: %v is not an *Error", tt.name, err)
			continue
		}
		if e.Index != tt.index || e.EventID != tt.eventID || e.Field != tt.field {
			t.Errorf("%s: event %d, eventID %q, field %q; want %d, %q, %q", tt.name, e.Index, e.EventID, e.Field, tt.index, tt.eventID, tt.field)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := PreHash(map[string]any{"type": "ObjectEvent", "eventID": "urn:uuid:1", "eventTime": "soon"})
	want := `epcis: event (eventID "urn:uuid:1"), field eventTime: "soon": not an RFC 3339 timestamp`
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	_, err = HashDocument([]byte(`[{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z"}, {"type": "ObjectEvent", "eventTime": "soon"}]`))
	want = `epcis: event 1, field eventTime: "soon": not an RFC 3339 timestamp`
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestNumbers checks that a number hashes alike however JSON or XML writes
// it, and that text in a string field is never read as a number.
func TestNumbers(t *testing.T) {
	hash := func(doc string) string {
		t.Helper()
		hs, err := HashDocument([]byte(doc))
		if err != nil || len(hs) != 1 {
			t.Fatalf("%s: %v", doc, err)
		}
		return hs[0].PreHash
	}
	const head = `{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "sensorElementList": [{"sensorReport": [{"type": "Temperature", `
	want := hash(head + `"value": 26, "stringValue": "007"}]}]}`)
	for _, v := range []string{`26.0`, `2.6e1`, `26.000`, `"26.0"`} {
		if got := hash(head + `"value": ` + v + `, "stringValue": "007"}]}]}`); got != want {
			t.Errorf("value %s: %s, want %s", v, got, want)
		}
	}
	xml := `<ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime><sensorElementList><sensorElement><sensorReport type="gs1:Temperature" value="26.00" stringValue="007"/></sensorElement></sensorElementList></ObjectEvent>`
	if got := hash(xml); got != want {
		t.Errorf("XML: %s, want %s", got, want)
	}
	if !strings.Contains(want, "stringValue=007") {
		t.Errorf("stringValue changed: %s", want)
	}
}
