package export

import (
	"io"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// ShipmentHeader is the header row of a shipments export.
var ShipmentHeader = []string{"id", "reference", "status", "mode", "origin", "destination", "carrier", "parties", "departure", "arrival",
	"equipment", "equipment_check", "expected_seals", "epcs", "site_id", "notes", "created_at", "updated_at", "archived_at"}

// ShipmentRow is one shipment as a row under ShipmentHeader: equipment
// numbers space-separated, equipment failing ISO 6346 named in
// equipment_check, expected seals as NUMBER=SEAL pairs.
func ShipmentRow(s *bulkhead.Shipment) []string {
	var eq, bad, seals []string
	for _, e := range s.Equipment {
		eq = append(eq, e.Number)
		if !e.CheckOK {
			bad = append(bad, e.Number)
		}
		for _, n := range e.Seals {
			seals = append(seals, e.Number+"="+n)
		}
	}
	return []string{s.ID, s.Reference, string(s.Status), string(s.Mode), s.Origin, s.Destination, s.Carrier, s.Parties, s.Departure, s.Arrival,
		strings.Join(eq, " "), strings.Join(bad, " "), strings.Join(seals, " "), strings.Join(s.EPCs, " "), s.SiteID, s.Notes,
		Time(&s.CreatedAt), Time(&s.UpdatedAt), Time(s.ArchivedAt)}
}

// Shipments writes a whole shipments export: the header, then each
// shipment each gives.
func Shipments(w io.Writer, each func(func(*bulkhead.Shipment) error) error) error {
	c := NewCSV(w)
	if err := c.Write(append([]string(nil), ShipmentHeader...)...); err != nil {
		return err
	}
	if err := each(func(s *bulkhead.Shipment) error { return c.Write(ShipmentRow(s)...) }); err != nil {
		return err
	}
	return c.Flush()
}
