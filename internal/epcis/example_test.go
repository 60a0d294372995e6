package epcis_test

import (
	"fmt"

	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

func ExampleHashDocument() {
	doc := []byte(`{
	  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
	  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2022-02-17T11:30:47.0Z",
	  "epcisBody": {"eventList": [{
	    "type": "ObjectEvent",
	    "eventTime": "2022-02-16T12:50:00.000+01:00", "eventTimeZoneOffset": "+01:00",
	    "recordTime": "2022-02-16T12:51:03Z",
	    "epcList": ["urn:epc:id:sscc:4012345.1112223334"],
	    "action": "OBSERVE", "bizStep": "departing",
	    "readPoint": {"id": "urn:epc:id:sgln:4012345.00022.0"}
	  }]}
	}`)
	hashes, err := epcis.HashDocument(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range hashes {
		fmt.Println(h.PreHash)
		fmt.Println(h.Hash)
	}
	// Output:
	// eventType=ObjectEventeventTime=2022-02-16T11:50:00.000ZeventTimeZoneOffset=+01:00epcListepc=https://id.gs1.org/00/140123451122233341action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departingreadPointid=https://id.gs1.org/414/4012345000221
	// ni:///sha-256;acc894e2292c7c1b880d4405232269f39a58a1a23027afaced2e7614d3b7f360?ver=CBV2.0
}

func ExamplePreHash() {
	event := map[string]any{
		"type":                "ObjectEvent",
		"eventTime":           "2020-03-04T11:00:30.000+01:00",
		"eventTimeZoneOffset": "+01:00",
		"epcList":             []any{"https://example.com/01/9506000134352/21/17?lang=de"},
		"action":              "OBSERVE",
		"sensorElementList": []any{map[string]any{
			"sensorReport": []any{map[string]any{"type": "Temperature", "value": 21.50, "uom": "CEL"}},
		}},
		"example:batch": "B-1",
		"@context":      map[string]any{"example": "https://ns.example.com/epcis/"},
	}
	pre, err := epcis.PreHash(event)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pre)
	// Output:
	// eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00epcListepc=https://id.gs1.org/01/09506000134352/21/17action=OBSERVEsensorElementListsensorElementsensorReporttype=https://gs1.org/voc/Temperaturevalue=21.5uom=CEL{https://ns.example.com/epcis/}batch=B-1
}
