package epcis

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var captureTime = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// TestPrepareGS1Examples: every official example prepares without problems,
// with the hashes HashDocument gives, and each prepared event's JSON (under
// the document's context) hashes alike.
func TestPrepareGS1Examples(t *testing.T) {
	for name, data := range readGS1JSON(t) {
		want, err := HashDocument(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, err := Prepare(data, captureTime)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !p.Report.Valid() {
			t.Errorf("%s: problems %v", name, p.Report.Problems)
			continue
		}
		if len(p.Events) != len(want) {
			t.Fatalf("%s: %d events, want %d", name, len(p.Events), len(want))
		}
		for i, ev := range p.Events {
			if !ev.OK || ev.Hash != want[i].Hash {
				t.Errorf("%s event %d: ok=%v hash %s, want %s", name, i, ev.OK, ev.Hash, want[i].Hash)
			}
			if ev.Type == "" || ev.EventTime.IsZero() {
				t.Errorf("%s event %d: type %q time %v", name, i, ev.Type, ev.EventTime)
			}
			var m map[string]any
			if err := json.Unmarshal(ev.JSON, &m); err != nil {
				t.Fatal(err)
			}
			if m["recordTime"] != "2026-11-27T12:00:00.000Z" || m["eventID"] != ev.EventID {
				t.Errorf("%s event %d: recordTime %v eventID %v", name, i, m["recordTime"], m["eventID"])
			}
			var ctx any
			if p.Context != nil {
				json.Unmarshal(p.Context, &ctx)
				if _, own := m["@context"]; !own {
					m["@context"] = ctx
				}
			}
			b, _ := json.Marshal(m)
			h, err := HashDocument(b)
			if err != nil || len(h) != 1 || h[0].Hash != ev.Hash {
				t.Errorf("%s event %d: stored JSON hashes to %v (%v), want %s", name, i, h, err, ev.Hash)
			}
		}
	}
}

func TestPrepareIndexedValues(t *testing.T) {
	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://example.com/ns/"}],
	"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[
	{"type":"AggregationEvent","eventTime":"2026-01-02T03:04:05.678+02:00","eventTimeZoneOffset":"+02:00","action":"ADD",
	 "parentID":"urn:epc:id:sscc:4012345.0000000001","childEPCs":["urn:epc:id:sgtin:4012345.011111.1","https://example.org/01/04012345111118/21/1"],
	 "bizStep":"packing","disposition":"https://ref.gs1.org/cbv/Disp-in_progress","readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},"ex:seal":"X1"},
	{"type":"ObjectEvent","eventTime":"2026-01-02T03:04:05Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:bad"]}
	]}}`
	p, err := Prepare([]byte(doc), captureTime)
	if err != nil {
		t.Fatal(err)
	}
	ev := p.Events[0]
	if !ev.OK || ev.Type != "AggregationEvent" || ev.Action != "ADD" ||
		ev.BizStep != "https://ref.gs1.org/cbv/BizStep-packing" || ev.Disposition != "https://ref.gs1.org/cbv/Disp-in_progress" ||
		!strings.HasPrefix(ev.ReadPoint, "https://id.gs1.org/414/") || !ev.EventTime.Equal(time.Date(2026, 1, 2, 1, 4, 5, 678e6, time.UTC)) {
		t.Errorf("event 0 = %+v", ev)
	}
	// The URN and the Digital Link of one item are one EPC.
	if len(ev.EPCs) != 2 || ev.EPCs[0] != (EPCRef{"https://id.gs1.org/01/04012345111118/21/1", RoleChild}) || ev.EPCs[1].Role != RoleParent {
		t.Errorf("EPCs = %v", ev.EPCs)
	}
	if p.Events[1].OK || p.Report.Valid() {
		t.Errorf("event 1 with a malformed EPC: ok, problems %v", p.Report.Problems)
	}
	for _, pr := range p.Report.Problems {
		if pr.Event != 1 {
			t.Errorf("problem %v not of event 1", pr)
		}
	}
	if _, err := Prepare([]byte(`[1]`), captureTime); !errors.Is(err, ErrNotObject) {
		t.Errorf("array: %v", err)
	}
}

// TestPrepareManyEPCs: an event with many identifiers, some the same item
// written twice, lists each once, in document order; a malformed one is
// reported at its position.
func TestPrepareManyEPCs(t *testing.T) {
	var epcs, want []string
	for i := range 40 {
		epcs = append(epcs, fmt.Sprintf(`"urn:epc:id:sgtin:4012345.011111.%d"`, i))
		want = append(want, fmt.Sprintf("https://id.gs1.org/01/04012345111118/21/%d", i))
		if i%10 == 9 { // the same item as a Digital Link
			epcs = append(epcs, fmt.Sprintf(`"https://example.org/01/04012345111118/21/%d"`, i))
		}
	}
	doc := func(list []string) []byte {
		return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
	"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[
	{"type":"ObjectEvent","eventTime":"2026-01-02T03:04:05Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":[` + strings.Join(list, ",") + `]}]}}`)
	}
	p, err := Prepare(doc(epcs), captureTime)
	if err != nil {
		t.Fatal(err)
	}
	ev := p.Events[0]
	if !ev.OK || len(ev.EPCs) != len(want) {
		t.Fatalf("event = %+v, problems %v", ev, p.Report.Problems)
	}
	for i, r := range ev.EPCs {
		if r != (EPCRef{want[i], RoleEPC}) {
			t.Errorf("EPCs[%d] = %v, want %s", i, r, want[i])
		}
	}
	epcs[20] = `"urn:epc:id:sgtin:bad"`
	p, err = Prepare(doc(epcs), captureTime)
	if err != nil {
		t.Fatal(err)
	}
	if p.Events[0].OK || len(p.Report.Problems) != 1 || p.Report.Problems[0].Field != "/epcList/20" {
		t.Errorf("malformed EPC: ok %v, problems %+v", p.Events[0].OK, p.Report.Problems)
	}
}
