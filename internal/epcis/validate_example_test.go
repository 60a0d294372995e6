package epcis_test

import (
	"errors"
	"fmt"

	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

func ExampleValidateDocument() {
	doc := []byte(`{
	  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
	  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2022-02-17T11:30:47.0Z",
	  "epcisBody": {"eventList": [{
	    "type": "ObjectEvent",
	    "eventTime": "2022-02-16T12:50:00.000", "eventTimeZoneOffset": "+01:00",
	    "epcList": ["urn:epc:id:sscc:4012345.1112223334"],
	    "bizStep": "departing",
	    "acme:sealNumber": "SL-0042",
	    "readPoint": {"id": "urn:epc:id:sgln:4012345.00022.0"}
	  }]}
	}`)
	report, err := epcis.ValidateDocument(doc)
	switch {
	case errors.Is(err, epcis.ErrTooLarge), errors.Is(err, epcis.ErrTooManyEvents):
		fmt.Println("413:", err)
		return
	case err != nil:
		fmt.Println("400:", err)
		return
	}
	fmt.Println("valid:", report.Valid())
	for _, p := range report.Problems {
		fmt.Println(p)
	}
	// Output:
	// valid: false
	// event 0 /acme:sealNumber: namespace prefix "acme" is not declared in @context [extension-prefix]
	// event 0 /action: required on an ObjectEvent: want ADD, OBSERVE or DELETE [action]
	// event 0 /eventTime: timestamp "2022-02-16T12:50:00.000" has no time zone: end it with Z or an offset such as +01:00 [time]
}
