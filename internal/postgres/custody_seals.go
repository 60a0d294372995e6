package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
)

// ---- seals

const sealCols = `id, org_id, site_id, number, class, type, source, manufacturer, status, equipment, equipment_ok, created_at, updated_at`

func scanSeal(row pgx.Row) (*bulkhead.Seal, error) {
	var s bulkhead.Seal
	if err := row.Scan(&s.ID, &s.OrgID, &s.SiteID, &s.Number, &s.Class, &s.Type, &s.Source, &s.Manufacturer, &s.Status, &s.Equipment, &s.EquipmentCheckOK, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = utc(s.CreatedAt), utc(s.UpdatedAt)
	return &s, nil
}

// Seal returns a seal; inside a transaction it locks it. ENOTFOUND.
func (q queries) Seal(ctx context.Context, orgID, id string) (*bulkhead.Seal, error) {
	s, err := scanSeal(q.q.QueryRow(ctx, `SELECT `+sealCols+` FROM seals WHERE org_id = $1 AND id = $2`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Seal")
	}
	return s, nil
}

// filterSQL builds a WHERE clause from column = value pairs (empty values
// skipped) plus raw conditions.
func filterSQL(pairs [][2]string, raw ...string) (string, []any) {
	var where []string
	var args []any
	for _, p := range pairs {
		if p[1] != "" {
			args = append(args, p[1])
			where = append(where, p[0]+" = $"+strconv.Itoa(len(args)))
		}
	}
	where = append(where, raw...)
	return strings.Join(where, " AND "), args
}

// Seals lists seals matching the filter, newest first.
func (q queries) Seals(ctx context.Context, f bulkhead.SealFilter) ([]*bulkhead.Seal, error) {
	where, args := filterSQL([][2]string{{"org_id", f.OrgID}, {"site_id", f.SiteID}, {"status", string(f.Status)}, {"number", f.Number}})
	args = append(args, f.Limit)
	rows, err := q.q.Query(ctx, `SELECT `+sealCols+` FROM seals WHERE `+where+` ORDER BY updated_at DESC, id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	return collect(rows, err, scanSeal)
}

// CreateSeal stores a new seal. ECONFLICT on a number already used.
func (q queries) CreateSeal(ctx context.Context, s *bulkhead.Seal) error {
	_, err := q.q.Exec(ctx, `INSERT INTO seals (`+sealCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		s.ID, s.OrgID, s.SiteID, s.Number, s.Class, s.Type, s.Source, s.Manufacturer, s.Status, s.Equipment, s.EquipmentCheckOK, s.CreatedAt, s.UpdatedAt)
	err = mapErr(err)
	if e, ok := err.(*bulkhead.Error); ok && e.Code == bulkhead.ECONFLICT {
		e.Message, e.Fields = "A seal with that number is already recorded.", map[string]string{"number": bulkhead.FieldTaken}
	}
	return err
}

// UpdateSeal saves a seal's status and equipment. ENOTFOUND.
func (q queries) UpdateSeal(ctx context.Context, s *bulkhead.Seal) error {
	tag, err := q.q.Exec(ctx, `UPDATE seals SET status = $1, equipment = $2, equipment_ok = $3, updated_at = $4 WHERE org_id = $5 AND id = $6`,
		s.Status, s.Equipment, s.EquipmentCheckOK, s.UpdatedAt, s.OrgID, s.ID)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return bulkhead.NotFound("Seal")
	}
	return nil
}

const sealEventCols = `id, org_id, seal_id, at, action, site_id, method, observed_number, equipment, equipment_ok, authorized, actor_name, note, epcis_event_id`

// SealEvents returns a seal's log, oldest first.
func (q queries) SealEvents(ctx context.Context, orgID, sealID string) ([]*bulkhead.SealEvent, error) {
	rows, err := q.q.Query(ctx, `SELECT `+sealEventCols+` FROM seal_events WHERE org_id = $1 AND seal_id = $2 ORDER BY at, id`, orgID, sealID)
	return collect(rows, err, func(r pgx.Row) (*bulkhead.SealEvent, error) {
		var e bulkhead.SealEvent
		if err := r.Scan(&e.ID, &e.OrgID, &e.SealID, &e.At, &e.Action, &e.SiteID, &e.Method, &e.ObservedNumber, &e.Equipment, &e.EquipmentCheckOK,
			&e.Authorized, &e.ActorName, &e.Note, &e.EPCISEventID); err != nil {
			return nil, err
		}
		e.At = utc(e.At)
		return &e, nil
	})
}

// InsertSealEvent appends to a seal's log.
func (q queries) InsertSealEvent(ctx context.Context, e *bulkhead.SealEvent) error {
	_, err := q.q.Exec(ctx, `INSERT INTO seal_events (`+sealEventCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.ID, e.OrgID, e.SealID, e.At, e.Action, e.SiteID, e.Method, e.ObservedNumber, e.Equipment, e.EquipmentCheckOK, e.Authorized, e.ActorName, e.Note, e.EPCISEventID)
	return mapErr(err)
}

// ---- discrepancies

const discCols = `id, org_id, site_id, kind, summary, seal_id, evidence, open, assignee_id, resolution, incident_id, created_at, updated_at, closed_at`

func scanDisc(row pgx.Row) (*bulkhead.Discrepancy, error) {
	var d bulkhead.Discrepancy
	var seal *string
	var evidence string
	if err := row.Scan(&d.ID, &d.OrgID, &d.SiteID, &d.Kind, &d.Summary, &seal, &evidence, &d.Open, &d.AssigneeID, &d.Resolution, &d.IncidentID, &d.CreatedAt, &d.UpdatedAt, &d.ClosedAt); err != nil {
		return nil, err
	}
	if seal != nil {
		d.SealID = *seal
	}
	if err := json.Unmarshal([]byte(evidence), &d.Evidence); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt, d.ClosedAt = utc(d.CreatedAt), utc(d.UpdatedAt), utcPtr(d.ClosedAt)
	return &d, nil
}

func evidenceJSON(ev []string) string {
	if ev == nil {
		ev = []string{}
	}
	b, _ := json.Marshal(ev)
	return string(b)
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Discrepancy returns a discrepancy; inside a transaction it locks it.
// ENOTFOUND.
func (q queries) Discrepancy(ctx context.Context, orgID, id string) (*bulkhead.Discrepancy, error) {
	d, err := scanDisc(q.q.QueryRow(ctx, `SELECT `+discCols+` FROM discrepancies WHERE org_id = $1 AND id = $2`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Discrepancy")
	}
	return d, nil
}

// Discrepancies lists discrepancies matching the filter, newest first.
func (q queries) Discrepancies(ctx context.Context, f bulkhead.DiscrepancyFilter) ([]*bulkhead.Discrepancy, error) {
	var raw []string
	if f.OpenOnly {
		raw = append(raw, "open")
	}
	where, args := filterSQL([][2]string{{"org_id", f.OrgID}, {"site_id", f.SiteID}, {"seal_id", f.SealID}, {"assignee_id", f.AssigneeID}}, raw...)
	if len(f.Evidence) > 0 {
		args = append(args, f.Evidence)
		where += " AND evidence::jsonb ?| $" + strconv.Itoa(len(args)) + "::text[]"
	}
	args = append(args, f.Limit)
	rows, err := q.q.Query(ctx, `SELECT `+discCols+` FROM discrepancies WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	return collect(rows, err, scanDisc)
}

// OpenDiscrepancyCounts returns the open discrepancies by site.
func (q queries) OpenDiscrepancyCounts(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := q.q.Query(ctx, `SELECT site_id, count(*) FROM discrepancies WHERE org_id = $1 AND open GROUP BY site_id`, orgID)
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

// CreateDiscrepancy stores a new discrepancy.
func (q queries) CreateDiscrepancy(ctx context.Context, d *bulkhead.Discrepancy) error {
	_, err := q.q.Exec(ctx, `INSERT INTO discrepancies (`+discCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		d.ID, d.OrgID, d.SiteID, d.Kind, d.Summary, nullString(d.SealID), evidenceJSON(d.Evidence), d.Open, d.AssigneeID, d.Resolution, d.IncidentID,
		d.CreatedAt, d.UpdatedAt, d.ClosedAt)
	return mapErr(err)
}

// UpdateDiscrepancy saves a discrepancy's follow-up. ENOTFOUND.
func (q queries) UpdateDiscrepancy(ctx context.Context, d *bulkhead.Discrepancy) error {
	tag, err := q.q.Exec(ctx, `UPDATE discrepancies SET open = $1, assignee_id = $2, resolution = $3, incident_id = $4, updated_at = $5, closed_at = $6 WHERE org_id = $7 AND id = $8`,
		d.Open, d.AssigneeID, d.Resolution, d.IncidentID, d.UpdatedAt, d.ClosedAt, d.OrgID, d.ID)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return bulkhead.NotFound("Discrepancy")
	}
	return nil
}

// ---- inspections

const inspectionCols = `id, org_id, site_id, template, coalesce(template_id, ''), equipment, equipment_ok, inspector, at, results, failed, epcis_event_id, created_at`

func scanInspection(row pgx.Row) (*bulkhead.Inspection, error) {
	var in bulkhead.Inspection
	var results string
	if err := row.Scan(&in.ID, &in.OrgID, &in.SiteID, &in.Template, &in.TemplateID, &in.Equipment, &in.EquipmentCheckOK, &in.Inspector, &in.At, &results, &in.Failed, &in.EPCISEventID, &in.CreatedAt); err != nil {
		return nil, err
	}
	in.At, in.CreatedAt = utc(in.At), utc(in.CreatedAt)
	return &in, json.Unmarshal([]byte(results), &in.Results)
}

// Inspection returns an inspection of an organisation. ENOTFOUND.
func (q queries) Inspection(ctx context.Context, orgID, id string) (*bulkhead.Inspection, error) {
	in, err := scanInspection(q.q.QueryRow(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Inspection")
	}
	return in, nil
}

// Inspections lists inspections matching the filter, newest first.
func (q queries) Inspections(ctx context.Context, f bulkhead.InspectionFilter) ([]*bulkhead.Inspection, error) {
	where, args := filterSQL([][2]string{{"org_id", f.OrgID}, {"site_id", f.SiteID}})
	args = append(args, f.Limit)
	rows, err := q.q.Query(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE `+where+` ORDER BY at DESC, id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	return collect(rows, err, scanInspection)
}

// CreateInspection stores an inspection with its results.
func (q queries) CreateInspection(ctx context.Context, in *bulkhead.Inspection) error {
	results, err := json.Marshal(in.Results)
	if err != nil {
		return err
	}
	_, err = q.q.Exec(ctx, `INSERT INTO inspections (`+inspectionInsertCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		in.ID, in.OrgID, in.SiteID, in.Template, nullString(in.TemplateID), in.Equipment, in.EquipmentCheckOK, in.Inspector, in.At, string(results), in.Failed, in.EPCISEventID, in.CreatedAt)
	return mapErr(err)
}
