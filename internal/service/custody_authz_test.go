package service_test

import (
	"fmt"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// custodyExpected is the permission matrix of the issue 6 custody actions
// (columns as in coreExpected).
var custodyExpected = map[service.Action]string{
	//                         admin topm secm site audit contr view partner
	service.ActEPCISCapture: "Y-YY-Y-Y",
	service.ActEPCISRead:    "YYYYYYY-",
}

// custodyActionTests performs each issue 6 custody action.
func custodyActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return map[service.Action]func(a service.Actor) error{
		service.ActEPCISCapture: func(a service.Actor) error {
			_, err := svc.CaptureEPCIS(ctx, a, epcisDoc("authz-"+string(a.Role), 2), false)
			return err
		},
		service.ActEPCISRead: func(a service.Actor) error {
			_, err := svc.EPCISEvents(ctx, a, bulkhead.EventFilter{})
			return err
		},
	}
}

// epcisDoc returns a valid EPCIS document of n shipping events whose
// eventIDs start with prefix, with a user extension under its own prefix.
func epcisDoc(prefix string, n int) []byte {
	var evs []string
	for i := range n {
		evs = append(evs, fmt.Sprintf(`{"type":"ObjectEvent","eventID":"urn:example:%s-%d","eventTime":"2026-05-0%dT10:00:00.000+02:00","eventTimeZoneOffset":"+02:00",
"epcList":["urn:epc:id:sgtin:4012345.011111.%d"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",
"readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},"ex:seal":"SEAL-%d"}`, prefix, i, i%9+1, i, i))
	}
	return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://example.com/epcis/"}],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":[` + strings.Join(evs, ",") + `]}}`)
}
