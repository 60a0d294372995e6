package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// ---- shipments

const shipmentCols = `id, org_id, reference, origin, destination, mode, carrier, parties, departure, arrival, status, site_id, notes, epcs, created_at, updated_at, archived_at`

var shipmentOrder = map[bulkhead.ShipmentSort]string{
	bulkhead.ShipmentSortReference:   "reference",
	bulkhead.ShipmentSortStatus:      "status",
	bulkhead.ShipmentSortMode:        "mode",
	bulkhead.ShipmentSortOrigin:      "origin",
	bulkhead.ShipmentSortDestination: "destination",
	bulkhead.ShipmentSortDeparture:   "departure",
	bulkhead.ShipmentSortArrival:     "arrival",
	bulkhead.ShipmentSortUpdated:     "updated_at",
}

func scanShipment(row interface{ Scan(...any) error }) (*bulkhead.Shipment, error) {
	var s bulkhead.Shipment
	var epcs string
	var created, updated int64
	var archived sql.NullInt64
	if err := row.Scan(&s.ID, &s.OrgID, &s.Reference, &s.Origin, &s.Destination, &s.Mode, &s.Carrier, &s.Parties, &s.Departure, &s.Arrival,
		&s.Status, &s.SiteID, &s.Notes, &epcs, &created, &updated, &archived); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(epcs), &s.EPCs); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt, s.ArchivedAt = fromMicros(created), fromMicros(updated), fromNullMicros(archived)
	return &s, nil
}

func stringsJSON(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Shipment returns a shipment with its equipment. ENOTFOUND.
func (q queries) Shipment(ctx context.Context, orgID, id string) (*bulkhead.Shipment, error) {
	s, err := scanShipment(q.q.QueryRowContext(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Shipment")
	}
	if err := q.shipmentEquipment(ctx, orgID, []*bulkhead.Shipment{s}); err != nil {
		return nil, err
	}
	return s, nil
}

// shipmentEquipment loads the equipment of the given shipments.
func (q queries) shipmentEquipment(ctx context.Context, orgID string, ships []*bulkhead.Shipment) error {
	if len(ships) == 0 {
		return nil
	}
	byID := map[string]*bulkhead.Shipment{}
	args := []any{orgID}
	for _, s := range ships {
		byID[s.ID] = s
		args = append(args, s.ID)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT shipment_id, number, check_ok, seals FROM shipment_equipment WHERE org_id = ? AND shipment_id IN (?`+
		strings.Repeat(", ?", len(ships)-1)+`) ORDER BY shipment_id, position`, args...)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, seals string
		var e bulkhead.ShipmentEquipment
		if err := rows.Scan(&id, &e.Number, &e.CheckOK, &seals); err != nil {
			return mapErr(err)
		}
		if err := json.Unmarshal([]byte(seals), &e.Seals); err != nil {
			return err
		}
		byID[id].Equipment = append(byID[id].Equipment, e)
	}
	return mapErr(rows.Err())
}

// Shipments returns a page of shipments matching the filter and the count.
func (q queries) Shipments(ctx context.Context, f bulkhead.ShipmentFilter) ([]*bulkhead.Shipment, int, error) {
	where, args := []string{"org_id = ?"}, []any{f.OrgID}
	switch f.Archived {
	case bulkhead.StatusActive:
		where = append(where, "archived_at IS NULL")
	case bulkhead.StatusArchived:
		where = append(where, "archived_at IS NOT NULL")
	}
	for _, c := range [][2]string{{"status", string(f.Status)}, {"mode", string(f.Mode)}, {"origin", f.Origin}, {"destination", f.Destination}} {
		if c[1] != "" {
			where, args = append(where, c[0]+" = ?"), append(args, c[1])
		}
	}
	if f.Equipment != "" {
		where, args = append(where, "id IN (SELECT shipment_id FROM shipment_equipment WHERE org_id = ? AND number = ?)"), append(args, f.OrgID, f.Equipment)
	}
	if f.Query != "" {
		p := bulkhead.LikePattern(f.Query)
		where = append(where, `(lower(reference) LIKE ? ESCAPE '\' OR lower(carrier) LIKE ? ESCAPE '\' OR lower(parties) LIKE ? ESCAPE '\' OR lower(notes) LIKE ? ESCAPE '\'`+
			` OR id IN (SELECT shipment_id FROM shipment_equipment WHERE org_id = ? AND lower(number) LIKE ? ESCAPE '\'))`)
		args = append(args, p, p, p, p, f.OrgID, p)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM shipments WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE `+w+` ORDER BY `+shipmentOrder[f.Sort]+dir+`, id`+dir+` LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	var out []*bulkhead.Shipment
	for rows.Next() {
		s, err := scanShipment(rows)
		if err != nil {
			rows.Close()
			return nil, 0, mapErr(err)
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, mapErr(err)
	}
	if err := q.shipmentEquipment(ctx, f.OrgID, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func shipmentConflict(err error) error {
	err = mapErr(err)
	if e, ok := err.(*bulkhead.Error); ok && e.Code == bulkhead.ECONFLICT {
		e.Message, e.Fields = "A shipment with that reference is already recorded.", map[string]string{"reference": bulkhead.FieldTaken}
	}
	return err
}

// CreateShipment stores a new shipment with its equipment. ECONFLICT.
func (q queries) CreateShipment(ctx context.Context, s *bulkhead.Shipment) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO shipments (`+shipmentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.OrgID, s.Reference, s.Origin, s.Destination, s.Mode, s.Carrier, s.Parties, s.Departure, s.Arrival, s.Status, s.SiteID, s.Notes,
		stringsJSON(s.EPCs), micros(s.CreatedAt), micros(s.UpdatedAt), nullMicros(s.ArchivedAt))
	if err != nil {
		return shipmentConflict(err)
	}
	return q.insertShipmentEquipment(ctx, s)
}

func (q queries) insertShipmentEquipment(ctx context.Context, s *bulkhead.Shipment) error {
	for i, e := range s.Equipment {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO shipment_equipment (shipment_id, org_id, position, number, check_ok, seals) VALUES (?, ?, ?, ?, ?, ?)`,
			s.ID, s.OrgID, i, e.Number, e.CheckOK, stringsJSON(e.Seals)); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// UpdateShipment saves a shipment and replaces its equipment. ENOTFOUND.
func (q queries) UpdateShipment(ctx context.Context, s *bulkhead.Shipment) error {
	res, err := q.q.ExecContext(ctx, `UPDATE shipments SET reference = ?, origin = ?, destination = ?, mode = ?, carrier = ?, parties = ?, departure = ?,
		arrival = ?, status = ?, site_id = ?, notes = ?, epcs = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		s.Reference, s.Origin, s.Destination, s.Mode, s.Carrier, s.Parties, s.Departure, s.Arrival, s.Status, s.SiteID, s.Notes,
		stringsJSON(s.EPCs), micros(s.UpdatedAt), nullMicros(s.ArchivedAt), s.OrgID, s.ID)
	if err != nil {
		return shipmentConflict(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return bulkhead.NotFound("Shipment")
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM shipment_equipment WHERE org_id = ? AND shipment_id = ?`, s.OrgID, s.ID); err != nil {
		return mapErr(err)
	}
	return q.insertShipmentEquipment(ctx, s)
}
