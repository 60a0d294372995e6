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
	service.ActEPCISCapture:      "Y-YY-Y-Y",
	service.ActEPCISRead:         "YYYYYYY-",
	service.ActSealRead:          "YYYYYYY-",
	service.ActSealIssue:         "Y-YY----",
	service.ActSealRecord:        "Y-YY-Y--",
	service.ActShipmentRead:      "YYYYYYY-",
	service.ActShipmentManage:    "Y-YY----",
	service.ActDiscrepancyRead:   "YYYYYYY-",
	service.ActDiscrepancyManage: "Y-YY----",
	service.ActInspectionRead:    "YYYYYYY-",
	service.ActInspectionRecord:  "Y-YY-Y--",

	// Organisations' own inspection checklists.
	service.ActInspectionTemplate: "Y-Y-----",
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
		service.ActSealRead: func(a service.Actor) error {
			if _, err := svc.Seals(ctx, a, bulkhead.SealFilter{}); err != nil {
				return err
			}
			_, _, err := svc.Seal(ctx, a, systemSeal(svc, f, "READ-"+string(a.Role)).ID)
			return err
		},
		service.ActSealIssue: func(a service.Actor) error {
			_, err := svc.IssueSeal(ctx, a, sealInput(f, "ISSUE-"+string(a.Role)))
			return err
		},
		service.ActSealRecord: func(a service.Actor) error {
			seal := systemSeal(svc, f, "REC-"+string(a.Role))
			_, err := svc.RecordSealEvent(ctx, a, seal.ID, bulkhead.SealEventInput{Action: "affix", Equipment: "CSQU3054383"})
			return err
		},
		service.ActShipmentRead:   shipmentReadTest(svc, f),
		service.ActShipmentManage: shipmentManageTest(svc, f),
		service.ActDiscrepancyRead: func(a service.Actor) error {
			if _, err := svc.Discrepancies(ctx, a, bulkhead.DiscrepancyFilter{}); err != nil {
				return err
			}
			_, err := svc.Discrepancy(ctx, a, systemDiscrepancy(svc, f, "DR-"+string(a.Role)).ID)
			return err
		},
		service.ActInspectionRead: func(a service.Actor) error {
			_, err := svc.Inspections(ctx, a, bulkhead.InspectionFilter{})
			return err
		},
		service.ActInspectionRecord: func(a service.Actor) error {
			_, _, err := svc.RecordInspection(ctx, a, inspectionInput(f, "container7", ""))
			return err
		},
		service.ActInspectionTemplate: func(a service.Actor) error {
			_, err := svc.CreateInspectionTemplate(ctx, a, checklistInput("authz-"+string(a.Role), "Authz "+string(a.Role)))
			return err
		},
		service.ActDiscrepancyManage: func(a service.Actor) error {
			d := systemDiscrepancy(svc, f, "DM-"+string(a.Role))
			_, err := svc.UpdateDiscrepancy(ctx, a, d.ID, service.DiscrepancyUpdate{Resolution: ptr("checked"), Close: ptr(true)})
			return err
		},
	}
}

func sealInput(f *fixture, number string) bulkhead.SealInput {
	number = strings.ReplaceAll(number, "_", "-")
	return bulkhead.SealInput{SiteID: &f.site.ID, Number: ptr(number), Class: ptr("H"), Type: ptr("BLT"), Source: ptr("CAR"), Manufacturer: ptr("Acme Seals")}
}

// systemSeal issues a seal as the system.
func systemSeal(svc *service.Service, f *fixture, number string) *bulkhead.Seal {
	seal, err := svc.IssueSeal(ctx, service.SystemActor(f.org.ID, "test"), sealInput(f, number))
	if err != nil {
		panic(err)
	}
	return seal
}

// systemDiscrepancy opens a discrepancy as the system: a seal found broken.
func systemDiscrepancy(svc *service.Service, f *fixture, number string) *bulkhead.Discrepancy {
	sys := service.SystemActor(f.org.ID, "test")
	seal := systemSeal(svc, f, number)
	if _, err := svc.RecordSealEvent(ctx, sys, seal.ID, bulkhead.SealEventInput{Action: "affix", Equipment: "CSQU3054383"}); err != nil {
		panic(err)
	}
	tr, err := svc.RecordSealEvent(ctx, sys, seal.ID, bulkhead.SealEventInput{Action: "break"})
	if err != nil || len(tr.Discrepancies) != 1 {
		panic(fmt.Sprint(err, tr))
	}
	return tr.Discrepancies[0]
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

// inspectionInput answers every point of a template: pass, except failed.
func inspectionInput(f *fixture, template, failed string) bulkhead.InspectionInput {
	tpl, _ := bulkhead.Template(template)
	in := bulkhead.InspectionInput{SiteID: f.site.ID, Template: template, Equipment: "CSQU3054383"}
	for _, p := range tpl.Points {
		r := bulkhead.PointResult{Point: p, Result: bulkhead.PointPass}
		if p == failed {
			r.Result, r.Note = bulkhead.PointFail, "Welded patch not on the drawings."
		}
		in.Results = append(in.Results, r)
	}
	return in
}
