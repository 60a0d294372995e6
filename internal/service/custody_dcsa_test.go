package service_test

import (
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

const dcsaEvents = `[
 {"eventID":"84db923d-2a19-4eb0-beb5-446c1ec57d34","eventType":"EQUIPMENT","eventClassifierCode":"ACT","eventDateTime":"2026-03-07T09:41:00+01:00",
  "equipmentEventTypeCode":"LOAD","equipmentReference":"APZU4812090","ISOEquipmentCode":"22GP","emptyIndicatorCode":"LADEN",
  "eventLocation":{"locationName":"Maasvlakte","UNLocationCode":"NLRTM"},"seals":[{"sealNumber":"NL-7781","sealSource":"CAR","sealType":"BLT"}]},
 {"eventID":"e1","eventType":"EQUIPMENT","eventClassifierCode":"ACT","eventDateTime":"2026-03-20T15:00:00-06:00",
  "equipmentEventTypeCode":"RMVD","equipmentReference":"APZU4812091","eventLocation":{"UNLocationCode":"MXNLD"},"seals":[{"sealNumber":"NL-7781"}]}
]`

func TestDCSAImport(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "dcsa")
	adm := f.actors[bulkhead.RoleAdmin]
	job, err := svc.CaptureDCSA(ctx, adm, []byte(dcsaEvents), false)
	if err != nil || job.Status != bulkhead.CaptureSuccess || job.Stored != 2 {
		t.Fatalf("job = %+v, %v", job, err)
	}
	p := query(t, svc, adm, "EQ_readPoint=urn:bulkhead:unlocode:NLRTM&EQ_bizStep=loading&MATCH_epc=urn:epc:id:bic:APZU4812090")
	if len(p.Events) != 1 || p.Events[0].EventID != "urn:uuid:84db923d-2a19-4eb0-beb5-446c1ec57d34" {
		t.Fatalf("LOAD event = %+v", p.Events)
	}
	// APZU4812091 has a wrong check digit: kept, flagged.
	p = query(t, svc, adm, "MATCH_epc=urn:epc:id:bic:APZU4812091")
	if len(p.Events) != 1 || !strings.Contains(string(p.Events[0].Body), `"bh:checkDigit":"invalid"`) || p.Events[0].Disposition != "https://ref.gs1.org/cbv/Disp-container_open" {
		t.Errorf("RMVD event = %s", p.Events[0].Body)
	}
	for _, bad := range []string{`{"eventType":"SHIPMENT"}`, `[{"equipmentEventTypeCode":"FLY","eventDateTime":"x","equipmentReference":"nope"}]`, `"x"`} {
		if _, err := svc.CaptureDCSA(ctx, adm, []byte(bad), false); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
			t.Errorf("%s: %v", bad, err)
		}
	}
	_, err = service.DCSAToEPCIS([]byte(`[{"equipmentEventTypeCode":"FLY","eventDateTime":"x","equipmentReference":"nope"}]`))
	if f := bulkhead.ErrorFields(err); f["events[0].equipmentEventTypeCode"] == "" || f["events[0].eventDateTime"] == "" || f["events[0].equipmentReference"] == "" {
		t.Errorf("fields = %v", f)
	}
}
