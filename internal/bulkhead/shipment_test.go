package bulkhead

import (
	"reflect"
	"testing"
)

func TestParseEquipmentLines(t *testing.T) {
	got := ParseEquipmentLines("CSQU 305438 3 NL-1, NL-2\n\n  msku9070323;NLHS-9\nTRAILER-7\r\n")
	want := []EquipmentInput{{Number: "CSQU3054383", Seals: []string{"NL-1", "NL-2"}}, {Number: "msku9070323", Seals: []string{"NLHS-9"}}, {Number: "TRAILER-7", Seals: []string{}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
}

func TestShipmentTransitions(t *testing.T) {
	for _, tc := range []struct {
		from, to ShipmentStatus
		ok       bool
	}{
		{ShipmentPlanned, ShipmentInTransit, true}, {ShipmentPlanned, ShipmentCancelled, true}, {ShipmentPlanned, ShipmentDelivered, false},
		{ShipmentInTransit, ShipmentDelivered, true}, {ShipmentInTransit, ShipmentCancelled, true}, {ShipmentInTransit, ShipmentPlanned, false},
		{ShipmentDelivered, ShipmentCancelled, false}, {ShipmentCancelled, ShipmentPlanned, false},
	} {
		if got := tc.from.CanMoveTo(tc.to); got != tc.ok {
			t.Errorf("%s → %s: %v", tc.from, tc.to, got)
		}
	}
}

func TestShipmentValidate(t *testing.T) {
	in := ShipmentInput{Reference: ptrS(" R1 "), Origin: ptrS("nl rtm"), Destination: ptrS("MXNLD"), Mode: ptrS("Sea"),
		Equipment: &[]EquipmentInput{{Number: "TGHU1234560", Seals: []string{"a-1"}}}}
	s := &Shipment{Status: ShipmentPlanned}
	in.Apply(s)
	if err := s.Validate(); err != nil || s.Origin != "NLRTM" || s.Mode != ModeSea || s.Equipment[0].CheckOK || s.Equipment[0].Seals[0] != "A-1" {
		t.Fatalf("%+v %v", s, err)
	}
	s.Destination, s.Departure, s.Arrival = "MX-NLD", "2026-05-02", "2026-05-01"
	fe := ErrorFields(s.Validate())
	if fe["destination"] != FieldUNLOCODE || fe["arrival"] != FieldDateOrder {
		t.Errorf("fields = %v", fe)
	}
}

func ptrS(s string) *string { return &s }
