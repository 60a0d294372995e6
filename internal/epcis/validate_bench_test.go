package epcis

import (
	"fmt"
	"strings"
	"testing"
)

// captureShapedDocument returns an EPCISDocument of n events shaped like
// those bench epcis-capture sends: object and aggregation events with EPC
// lists, CBV steps and dispositions, SGLN locations, business transactions,
// parties, an extension under a declared prefix and, on every tenth event,
// a sensor report.
func captureShapedDocument(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"bh":"https://bulkhead.example/epcis/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-27T10:00:00Z","epcisBody":{"eventList":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"%s","eventID":"urn:uuid:0badcafe-0000-4000-8000-%012d","eventTime":"2026-01-01T01:00:%02d.000+01:00","eventTimeZoneOffset":"+01:00",`,
			map[bool]string{true: "AggregationEvent", false: "ObjectEvent"}[i%7 == 0], i, i%60)
		if i%7 == 0 {
			fmt.Fprintf(&b, `"parentID":"urn:epc:id:sscc:4012345.%010d","childEPCs":["urn:epc:id:sgtin:4012345.000%02d.%d"],"action":"ADD","bizStep":"packing","disposition":"in_progress",`, i, i%40, i)
		} else {
			fmt.Fprintf(&b, `"epcList":["urn:epc:id:sgtin:4012345.000%02d.%d","urn:epc:id:sgtin:4012345.000%02d.%d"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",`, i%40, i, (i+1)%40, i+1)
		}
		fmt.Fprintf(&b, `"readPoint":{"id":"urn:epc:id:sgln:4012345.%05d.%d"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.%05d.0"},`, i%50, i%9+1, i%50)
		fmt.Fprintf(&b, `"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:PO-%06d"}],`, i)
		fmt.Fprintf(&b, `"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:4012345.00000"}],"destinationList":[{"type":"location","destination":"urn:epc:id:sgln:4098765.%05d.0"}],`, i%50)
		if i%10 == 0 {
			fmt.Fprintf(&b, `"sensorElementList":[{"sensorMetadata":{"time":"2026-01-01T00:00:%02d.000Z"},"sensorReport":[{"type":"Temperature","value":%d.5,"uom":"CEL"}]}],`, i%60, 2+i%6)
		}
		fmt.Fprintf(&b, `"bh:equipment":"MSKU%07d","bh:seal":{"bh:number":"NL%07d","bh:class":"H","bh:state":"affixed"}}`, i, i)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkValidateDecoded measures validation alone (schema and rules,
// no decoding) of a 1,000-event document shaped like a capture.
func BenchmarkValidateDecoded(b *testing.B) {
	v, err := decodeValue(captureShapedDocument(1000))
	if err != nil {
		b.Fatal(err)
	}
	s := compiledSchemas()
	d := readDocument(v.(map[string]any))
	if r := d.validate(s); !r.Valid() {
		b.Fatalf("problems: %v", r.Problems[0])
	}
	for b.Loop() {
		d.validate(s)
	}
}
