package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// The shipment contract tests join the custody map.
func init() {
	custodyTests["Shipments"] = testShipments
	custodyTests["ShipmentList"] = testShipmentList
}

func mkShipment(org, ref string, i int) *bulkhead.Shipment {
	modes := bulkhead.ShipmentModes
	return &bulkhead.Shipment{ID: bulkhead.NewID(), OrgID: org, Reference: ref, Origin: "NLRTM", Destination: []string{"MXNLD", "BEANR"}[i%2],
		Mode: modes[i%len(modes)], Carrier: fmt.Sprintf("Carrier %d", i%3), Parties: "Forwarder Ünited", Departure: fmt.Sprintf("2026-05-%02d", i%28+1),
		Arrival: fmt.Sprintf("2026-06-%02d", i%28+1), Status: bulkhead.ShipmentStatuses[i%4], Notes: "n", EPCs: []string{},
		Equipment: []bulkhead.ShipmentEquipment{{Number: fmt.Sprintf("CSQU%07d", i), CheckOK: i%2 == 0, Seals: []string{"S-1", "S-2"}}},
		CreatedAt: micro, UpdatedAt: micro.Add(time.Duration(i) * time.Second)}
}

func testShipments(t *testing.T, s Store) {
	o := mkOrg(t, s, "ship")
	other := mkOrg(t, s, "ship-other")
	sh := mkShipment(o.ID, "HLX-1", 1)
	sh.EPCs = []string{"urn:epc:id:sscc:4012345.0000000001"}
	sh.Equipment = append(sh.Equipment, bulkhead.ShipmentEquipment{Number: "TRAILER-7", CheckOK: false, Seals: []string{}})
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateShipment(ctx, sh) })
	got, err := s.Shipment(ctx, o.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(sh, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	_, err = s.Shipment(ctx, other.ID, sh.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)

	// The reference is unique per organisation only.
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateShipment(ctx, mkShipment(o.ID, "HLX-1", 2)) })
	wantCode(t, err, bulkhead.ECONFLICT)
	if bulkhead.ErrorFields(err)["reference"] != bulkhead.FieldTaken {
		t.Errorf("conflict fields = %v", bulkhead.ErrorFields(err))
	}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateShipment(ctx, mkShipment(other.ID, "HLX-1", 2)) })

	// An update replaces the fields and the equipment; a failed
	// transaction leaves it as it was.
	sh.Status, sh.Carrier, sh.Equipment = bulkhead.ShipmentInTransit, "Other", []bulkhead.ShipmentEquipment{{Number: "MSKU9070323", CheckOK: true, Seals: []string{"X"}}}
	now := micro.Add(time.Hour)
	sh.UpdatedAt, sh.ArchivedAt = now, &now
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateShipment(ctx, sh) })
	got, _ = s.Shipment(ctx, o.ID, sh.ID)
	if d := cmp.Diff(sh, got); d != "" {
		t.Errorf("after update (-want +got):\n%s", d)
	}
	err = s.Write(ctx, func(tx bulkhead.Tx) error {
		c := *got
		c.Equipment = nil
		if err := tx.UpdateShipment(ctx, &c); err != nil {
			return err
		}
		return bulkhead.Errorf(bulkhead.EINTERNAL, "roll back")
	})
	wantCode(t, err, bulkhead.EINTERNAL)
	if got, _ = s.Shipment(ctx, o.ID, sh.ID); len(got.Equipment) != 1 {
		t.Errorf("rolled-back update kept: %+v", got.Equipment)
	}
	miss := *sh
	miss.ID = bulkhead.NewID()
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.UpdateShipment(ctx, &miss) }), bulkhead.ENOTFOUND)
}

func testShipmentList(t *testing.T, s Store) {
	o := mkOrg(t, s, "shiplist")
	other := mkOrg(t, s, "shiplist-other")
	write(t, s, func(tx bulkhead.Tx) error {
		for i := range 30 {
			sh := mkShipment(o.ID, fmt.Sprintf("REF-%02d", i), i)
			if i == 29 {
				sh.ArchivedAt = &micro
			}
			if err := tx.CreateShipment(ctx, sh); err != nil {
				return err
			}
		}
		return tx.CreateShipment(ctx, mkShipment(other.ID, "REF-00", 0))
	})
	list := func(f bulkhead.ShipmentFilter) ([]*bulkhead.Shipment, int) {
		t.Helper()
		f.OrgID = o.ID
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		out, total, err := s.Shipments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return out, total
	}
	page, total := list(bulkhead.ShipmentFilter{Limit: 10})
	if total != 29 || len(page) != 10 || page[0].Reference != "REF-28" || len(page[0].Equipment) != 1 || len(page[0].Equipment[0].Seals) != 2 {
		t.Fatalf("default page: total %d, %d rows, first %+v", total, len(page), page[0])
	}
	page, _ = list(bulkhead.ShipmentFilter{Sort: bulkhead.ShipmentSortReference, Limit: 5, Offset: 5})
	if page[0].Reference != "REF-05" || page[4].Reference != "REF-09" {
		t.Errorf("sorted by reference, second page: %s … %s", page[0].Reference, page[4].Reference)
	}
	if _, total = list(bulkhead.ShipmentFilter{Archived: bulkhead.StatusAll}); total != 30 {
		t.Errorf("all: %d", total)
	}
	if _, total = list(bulkhead.ShipmentFilter{Archived: bulkhead.StatusArchived}); total != 1 {
		t.Errorf("archived: %d", total)
	}
	if _, total = list(bulkhead.ShipmentFilter{Status: bulkhead.ShipmentDelivered, Destination: "beanr"}); total != 0 {
		t.Errorf("delivered to BEANR: %d (delivered ones go to MXNLD)", total) // i%4 == 2 → even → MXNLD
	}
	if _, total = list(bulkhead.ShipmentFilter{Status: bulkhead.ShipmentDelivered, Destination: "MXNLD", Mode: bulkhead.ModeRail}); total != 2 {
		t.Errorf("delivered by rail to MXNLD: %d", total) // i ∈ {2, 22}
	}
	// Search: reference, carrier, parties (non-ASCII kept), equipment number.
	if _, total = list(bulkhead.ShipmentFilter{Query: "ref-1"}); total != 10 {
		t.Errorf("q=ref-1: %d", total)
	}
	if _, total = list(bulkhead.ShipmentFilter{Query: "CARRIER 2"}); total != 9 {
		t.Errorf("q=carrier 2: %d", total)
	}
	if _, total = list(bulkhead.ShipmentFilter{Query: "Ünited"}); total != 29 {
		t.Errorf("q=Ünited: %d", total)
	}
	if page, total = list(bulkhead.ShipmentFilter{Query: "csqu0000017"}); total != 1 || page[0].Reference != "REF-17" {
		t.Errorf("q=equipment: %d", total)
	}
	if page, total = list(bulkhead.ShipmentFilter{Equipment: "CSQU0000003"}); total != 1 || page[0].Reference != "REF-03" {
		t.Errorf("equipment filter: %d", total)
	}
	if _, total = list(bulkhead.ShipmentFilter{Query: "100%"}); total != 0 {
		t.Errorf("q=100%%: %d", total)
	}
}
