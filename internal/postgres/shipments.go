package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
)

// ---- shipments

const shipmentCols = `id, org_id, reference, origin, destination, mode, carrier, parties, departure, arrival, status, site_id, notes, epcs, created_at, updated_at, archived_at`

// shipmentOrder sorts text columns bytewise, as SQLite does.
var shipmentOrder = map[bulkhead.ShipmentSort]string{
	bulkhead.ShipmentSortReference:   `reference COLLATE "C"`,
	bulkhead.ShipmentSortStatus:      `status COLLATE "C"`,
	bulkhead.ShipmentSortMode:        `mode COLLATE "C"`,
	bulkhead.ShipmentSortOrigin:      `origin COLLATE "C"`,
	bulkhead.ShipmentSortDestination: `destination COLLATE "C"`,
	bulkhead.ShipmentSortDeparture:   `departure COLLATE "C"`,
	bulkhead.ShipmentSortArrival:     `arrival COLLATE "C"`,
	bulkhead.ShipmentSortUpdated:     `updated_at`,
}

func scanShipment(row pgx.Row) (*bulkhead.Shipment, error) {
	var s bulkhead.Shipment
	var epcs string
	if err := row.Scan(&s.ID, &s.OrgID, &s.Reference, &s.Origin, &s.Destination, &s.Mode, &s.Carrier, &s.Parties, &s.Departure, &s.Arrival,
		&s.Status, &s.SiteID, &s.Notes, &epcs, &s.CreatedAt, &s.UpdatedAt, &s.ArchivedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(epcs), &s.EPCs); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt, s.ArchivedAt = utc(s.CreatedAt), utc(s.UpdatedAt), utcPtr(s.ArchivedAt)
	return &s, nil
}

func stringsJSON(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Shipment returns a shipment with its equipment; inside a transaction it
// locks it. ENOTFOUND.
func (q queries) Shipment(ctx context.Context, orgID, id string) (*bulkhead.Shipment, error) {
	s, err := scanShipment(q.q.QueryRow(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE org_id = $1 AND id = $2`+q.lock, orgID, id))
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
	ids := make([]string, 0, len(ships))
	for _, s := range ships {
		byID[s.ID] = s
		ids = append(ids, s.ID)
	}
	rows, err := q.q.Query(ctx, `SELECT shipment_id, number, check_ok, seals FROM shipment_equipment WHERE org_id = $1 AND shipment_id = ANY($2)
		ORDER BY shipment_id, position`, orgID, ids)
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
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	where := []string{"org_id = " + arg(f.OrgID)}
	switch f.Archived {
	case bulkhead.StatusActive:
		where = append(where, "archived_at IS NULL")
	case bulkhead.StatusArchived:
		where = append(where, "archived_at IS NOT NULL")
	}
	for _, c := range [][2]string{{"status", string(f.Status)}, {"mode", string(f.Mode)}, {"origin", f.Origin}, {"destination", f.Destination}} {
		if c[1] != "" {
			where = append(where, c[0]+" = "+arg(c[1]))
		}
	}
	if f.Equipment != "" {
		where = append(where, "id IN (SELECT shipment_id FROM shipment_equipment WHERE org_id = "+arg(f.OrgID)+" AND number = "+arg(f.Equipment)+")")
	}
	if f.Query != "" {
		p := arg(bulkhead.LikePattern(f.Query))
		// lower(col COLLATE "C") folds ASCII letters only, as SQLite does.
		var or []string
		for _, col := range []string{"reference", "carrier", "parties", "notes"} {
			or = append(or, `lower(`+col+` COLLATE "C") LIKE `+p+` ESCAPE '\'`)
		}
		or = append(or, `id IN (SELECT shipment_id FROM shipment_equipment WHERE org_id = `+arg(f.OrgID)+` AND lower(number COLLATE "C") LIKE `+p+` ESCAPE '\')`)
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRow(ctx, `SELECT count(*) FROM shipments WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	lim, off := arg(f.Limit), arg(f.Offset)
	rows, err := q.q.Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE `+w+` ORDER BY `+shipmentOrder[f.Sort]+dir+`, id`+dir+` LIMIT `+lim+` OFFSET `+off, args...)
	out, err := collect(rows, err, scanShipment)
	if err != nil {
		return nil, 0, err
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
	_, err := q.q.Exec(ctx, `INSERT INTO shipments (`+shipmentCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		s.ID, s.OrgID, s.Reference, s.Origin, s.Destination, string(s.Mode), s.Carrier, s.Parties, s.Departure, s.Arrival, string(s.Status), s.SiteID, s.Notes,
		stringsJSON(s.EPCs), s.CreatedAt, s.UpdatedAt, s.ArchivedAt)
	if err != nil {
		return shipmentConflict(err)
	}
	return q.insertShipmentEquipment(ctx, s)
}

func (q queries) insertShipmentEquipment(ctx context.Context, s *bulkhead.Shipment) error {
	for i, e := range s.Equipment {
		if _, err := q.q.Exec(ctx, `INSERT INTO shipment_equipment (shipment_id, org_id, position, number, check_ok, seals) VALUES ($1, $2, $3, $4, $5, $6)`,
			s.ID, s.OrgID, i, e.Number, e.CheckOK, stringsJSON(e.Seals)); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// UpdateShipment saves a shipment and replaces its equipment. ENOTFOUND.
func (q queries) UpdateShipment(ctx context.Context, s *bulkhead.Shipment) error {
	tag, err := q.q.Exec(ctx, `UPDATE shipments SET reference = $1, origin = $2, destination = $3, mode = $4, carrier = $5, parties = $6, departure = $7,
		arrival = $8, status = $9, site_id = $10, notes = $11, epcs = $12, updated_at = $13, archived_at = $14 WHERE org_id = $15 AND id = $16`,
		s.Reference, s.Origin, s.Destination, string(s.Mode), s.Carrier, s.Parties, s.Departure, s.Arrival, string(s.Status), s.SiteID, s.Notes,
		stringsJSON(s.EPCs), s.UpdatedAt, s.ArchivedAt, s.OrgID, s.ID)
	if err != nil {
		return shipmentConflict(err)
	}
	if tag.RowsAffected() == 0 {
		return bulkhead.NotFound("Shipment")
	}
	if _, err := q.q.Exec(ctx, `DELETE FROM shipment_equipment WHERE org_id = $1 AND shipment_id = $2`, s.OrgID, s.ID); err != nil {
		return mapErr(err)
	}
	return q.insertShipmentEquipment(ctx, s)
}
