package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// ---- seals

const sealCols = `id, org_id, site_id, number, class, type, source, manufacturer, status, equipment, equipment_ok, created_at, updated_at`

func scanSeal(row interface{ Scan(...any) error }) (*bulkhead.Seal, error) {
	var s bulkhead.Seal
	var created, updated int64
	if err := row.Scan(&s.ID, &s.OrgID, &s.SiteID, &s.Number, &s.Class, &s.Type, &s.Source, &s.Manufacturer, &s.Status, &s.Equipment, &s.EquipmentCheckOK, &created, &updated); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &s, nil
}

func (q queries) Seal(ctx context.Context, orgID, id string) (*bulkhead.Seal, error) {
	s, err := scanSeal(q.q.QueryRowContext(ctx, `SELECT `+sealCols+` FROM seals WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Seal")
	}
	return s, nil
}

func (q queries) Seals(ctx context.Context, f bulkhead.SealFilter) ([]*bulkhead.Seal, error) {
	where, args := []string{"org_id = ?"}, []any{f.OrgID}
	if f.SiteID != "" {
		where, args = append(where, "site_id = ?"), append(args, f.SiteID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Number != "" {
		where, args = append(where, "number = ?"), append(args, f.Number)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+sealCols+` FROM seals WHERE `+strings.Join(where, " AND ")+` ORDER BY updated_at DESC, id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Seal
	for rows.Next() {
		s, err := scanSeal(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

func (q queries) CreateSeal(ctx context.Context, s *bulkhead.Seal) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO seals (`+sealCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.OrgID, s.SiteID, s.Number, s.Class, s.Type, s.Source, s.Manufacturer, s.Status, s.Equipment, s.EquipmentCheckOK, micros(s.CreatedAt), micros(s.UpdatedAt))
	err = mapErr(err)
	if e, ok := err.(*bulkhead.Error); ok && e.Code == bulkhead.ECONFLICT {
		e.Message, e.Fields = "A seal with that number is already recorded.", map[string]string{"number": bulkhead.FieldTaken}
	}
	return err
}

func (q queries) UpdateSeal(ctx context.Context, s *bulkhead.Seal) error {
	res, err := q.q.ExecContext(ctx, `UPDATE seals SET status = ?, equipment = ?, equipment_ok = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		s.Status, s.Equipment, s.EquipmentCheckOK, micros(s.UpdatedAt), s.OrgID, s.ID)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return bulkhead.NotFound("Seal")
	}
	return nil
}

const sealEventCols = `id, org_id, seal_id, at, action, site_id, method, observed_number, equipment, equipment_ok, authorized, actor_name, note, epcis_event_id`

func (q queries) SealEvents(ctx context.Context, orgID, sealID string) ([]*bulkhead.SealEvent, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+sealEventCols+` FROM seal_events WHERE org_id = ? AND seal_id = ? ORDER BY at, id`, orgID, sealID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.SealEvent
	for rows.Next() {
		var e bulkhead.SealEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.OrgID, &e.SealID, &at, &e.Action, &e.SiteID, &e.Method, &e.ObservedNumber, &e.Equipment, &e.EquipmentCheckOK,
			&e.Authorized, &e.ActorName, &e.Note, &e.EPCISEventID); err != nil {
			return nil, mapErr(err)
		}
		e.At = fromMicros(at)
		out = append(out, &e)
	}
	return out, mapErr(rows.Err())
}

func (q queries) InsertSealEvent(ctx context.Context, e *bulkhead.SealEvent) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO seal_events (`+sealEventCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.OrgID, e.SealID, micros(e.At), e.Action, e.SiteID, e.Method, e.ObservedNumber, e.Equipment, e.EquipmentCheckOK, e.Authorized, e.ActorName, e.Note, e.EPCISEventID)
	return mapErr(err)
}

// ---- discrepancies

const discCols = `id, org_id, site_id, kind, summary, seal_id, evidence, open, assignee_id, resolution, incident_id, created_at, updated_at, closed_at`

func scanDisc(row interface{ Scan(...any) error }) (*bulkhead.Discrepancy, error) {
	var d bulkhead.Discrepancy
	var seal sql.NullString
	var evidence string
	var created, updated int64
	var closed sql.NullInt64
	if err := row.Scan(&d.ID, &d.OrgID, &d.SiteID, &d.Kind, &d.Summary, &seal, &evidence, &d.Open, &d.AssigneeID, &d.Resolution, &d.IncidentID, &created, &updated, &closed); err != nil {
		return nil, err
	}
	d.SealID = seal.String
	if err := json.Unmarshal([]byte(evidence), &d.Evidence); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt, d.ClosedAt = fromMicros(created), fromMicros(updated), fromNullMicros(closed)
	return &d, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func evidenceJSON(ev []string) string {
	if ev == nil {
		ev = []string{}
	}
	b, _ := json.Marshal(ev)
	return string(b)
}

func (q queries) Discrepancy(ctx context.Context, orgID, id string) (*bulkhead.Discrepancy, error) {
	d, err := scanDisc(q.q.QueryRowContext(ctx, `SELECT `+discCols+` FROM discrepancies WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Discrepancy")
	}
	return d, nil
}

func (q queries) Discrepancies(ctx context.Context, f bulkhead.DiscrepancyFilter) ([]*bulkhead.Discrepancy, error) {
	where, args := []string{"org_id = ?"}, []any{f.OrgID}
	if f.SiteID != "" {
		where, args = append(where, "site_id = ?"), append(args, f.SiteID)
	}
	if f.SealID != "" {
		where, args = append(where, "seal_id = ?"), append(args, f.SealID)
	}
	if f.OpenOnly {
		where = append(where, "open = 1")
	}
	if f.AssigneeID != "" {
		where, args = append(where, "assignee_id = ?"), append(args, f.AssigneeID)
	}
	if len(f.Evidence) > 0 {
		// One JSON parameter, however many eventIDs.
		ids, _ := json.Marshal(f.Evidence)
		where = append(where, "EXISTS (SELECT 1 FROM json_each(discrepancies.evidence) e WHERE e.value IN (SELECT value FROM json_each(?)))")
		args = append(args, string(ids))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+discCols+` FROM discrepancies WHERE `+strings.Join(where, " AND ")+` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Discrepancy
	for rows.Next() {
		d, err := scanDisc(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

func (q queries) OpenDiscrepancyCounts(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT site_id, count(*) FROM discrepancies WHERE org_id = ? AND open = 1 GROUP BY site_id`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var site string
		var n int
		if err := rows.Scan(&site, &n); err != nil {
			return nil, mapErr(err)
		}
		out[site] = n
	}
	return out, mapErr(rows.Err())
}

func (q queries) CreateDiscrepancy(ctx context.Context, d *bulkhead.Discrepancy) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO discrepancies (`+discCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.OrgID, d.SiteID, d.Kind, d.Summary, nullString(d.SealID), evidenceJSON(d.Evidence), d.Open, d.AssigneeID, d.Resolution, d.IncidentID,
		micros(d.CreatedAt), micros(d.UpdatedAt), nullMicros(d.ClosedAt))
	return mapErr(err)
}

func (q queries) UpdateDiscrepancy(ctx context.Context, d *bulkhead.Discrepancy) error {
	res, err := q.q.ExecContext(ctx, `UPDATE discrepancies SET open = ?, assignee_id = ?, resolution = ?, incident_id = ?, updated_at = ?, closed_at = ? WHERE org_id = ? AND id = ?`,
		d.Open, d.AssigneeID, d.Resolution, d.IncidentID, micros(d.UpdatedAt), nullMicros(d.ClosedAt), d.OrgID, d.ID)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return bulkhead.NotFound("Discrepancy")
	}
	return nil
}

// ---- inspections

const inspectionCols = `id, org_id, site_id, template, coalesce(template_id, ''), equipment, equipment_ok, inspector, at, results, failed, epcis_event_id, created_at`

func scanInspection(row interface{ Scan(...any) error }) (*bulkhead.Inspection, error) {
	var in bulkhead.Inspection
	var at, created int64
	var results string
	if err := row.Scan(&in.ID, &in.OrgID, &in.SiteID, &in.Template, &in.TemplateID, &in.Equipment, &in.EquipmentCheckOK, &in.Inspector, &at, &results, &in.Failed, &in.EPCISEventID, &created); err != nil {
		return nil, err
	}
	in.At, in.CreatedAt = fromMicros(at), fromMicros(created)
	return &in, json.Unmarshal([]byte(results), &in.Results)
}

func (q queries) Inspection(ctx context.Context, orgID, id string) (*bulkhead.Inspection, error) {
	in, err := scanInspection(q.q.QueryRowContext(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Inspection")
	}
	return in, nil
}

func (q queries) Inspections(ctx context.Context, f bulkhead.InspectionFilter) ([]*bulkhead.Inspection, error) {
	where, args := "org_id = ?", []any{f.OrgID}
	if f.SiteID != "" {
		where, args = where+" AND site_id = ?", append(args, f.SiteID)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE `+where+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Inspection
	for rows.Next() {
		in, err := scanInspection(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, in)
	}
	return out, mapErr(rows.Err())
}

func (q queries) CreateInspection(ctx context.Context, in *bulkhead.Inspection) error {
	results, err := json.Marshal(in.Results)
	if err != nil {
		return err
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO inspections (`+inspectionInsertCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ID, in.OrgID, in.SiteID, in.Template, nullString(in.TemplateID), in.Equipment, in.EquipmentCheckOK, in.Inspector, micros(in.At), string(results), in.Failed, in.EPCISEventID, micros(in.CreatedAt))
	return mapErr(err)
}
