package sqlite

import (
	"context"
	"encoding/json"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Inspection checklists and photos (issue 6).

// inspectionInsertCols are the inspections columns written on insert
// (inspectionCols reads template_id through coalesce).
const inspectionInsertCols = `id, org_id, site_id, template, template_id, equipment, equipment_ok, inspector, at, results, failed, epcis_event_id, created_at`

const checklistCols = `id, org_id, key, name, kind, version, points, status, created_by, created_at`

func scanChecklist(row interface{ Scan(...any) error }) (*bulkhead.Checklist, error) {
	var c bulkhead.Checklist
	var points string
	var created int64
	if err := row.Scan(&c.ID, &c.OrgID, &c.Key, &c.Name, &c.Kind, &c.Version, &points, &c.Status, &c.CreatedBy, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicros(created)
	return &c, json.Unmarshal([]byte(points), &c.Points)
}

// InspectionTemplate returns a version of an organisation's own checklist.
// ENOTFOUND.
func (q queries) InspectionTemplate(ctx context.Context, orgID, id string) (*bulkhead.Checklist, error) {
	c, err := scanChecklist(q.q.QueryRowContext(ctx, `SELECT `+checklistCols+` FROM inspection_templates WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Checklist")
	}
	return c, nil
}

// InspectionTemplates lists the latest version of each checklist by name,
// or every version of one key, newest first.
func (q queries) InspectionTemplates(ctx context.Context, f bulkhead.ChecklistFilter) ([]*bulkhead.Checklist, error) {
	query, args := `SELECT `+checklistCols+` FROM inspection_templates WHERE org_id = ? AND status <> 'superseded' ORDER BY name, key`, []any{f.OrgID}
	if f.Key != "" {
		query, args = `SELECT `+checklistCols+` FROM inspection_templates WHERE org_id = ? AND key = ? ORDER BY version DESC`, []any{f.OrgID, f.Key}
	}
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Checklist
	for rows.Next() {
		c, err := scanChecklist(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// CreateInspectionTemplate stores a checklist version. ECONFLICT.
func (q queries) CreateInspectionTemplate(ctx context.Context, c *bulkhead.Checklist) error {
	points, err := json.Marshal(c.Points)
	if err != nil {
		return err
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO inspection_templates (`+checklistCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.Key, c.Name, c.Kind, c.Version, string(points), c.Status, c.CreatedBy, micros(c.CreatedAt))
	return mapErr(err)
}

// SetInspectionTemplateStatus changes a checklist version's status.
// ENOTFOUND.
func (q queries) SetInspectionTemplateStatus(ctx context.Context, orgID, id string, st bulkhead.ChecklistStatus) error {
	res, err := q.q.ExecContext(ctx, `UPDATE inspection_templates SET status = ? WHERE org_id = ? AND id = ?`, st, orgID, id)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return bulkhead.NotFound("Checklist")
	}
	return nil
}

const photoMetaCols = `id, org_id, inspection_id, point, content_type, size, sha256, created_by, created_at`

func scanPhoto(row interface{ Scan(...any) error }, withData bool) (*bulkhead.InspectionPhoto, error) {
	var p bulkhead.InspectionPhoto
	var created int64
	dest := []any{&p.ID, &p.OrgID, &p.InspectionID, &p.Point, &p.ContentType, &p.Size, &p.SHA256, &p.CreatedBy, &created}
	if withData {
		dest = append(dest, &p.Data)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMicros(created)
	return &p, nil
}

// InspectionPhotos lists an inspection's photos without their data.
func (q queries) InspectionPhotos(ctx context.Context, orgID, inspectionID string) ([]*bulkhead.InspectionPhoto, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+photoMetaCols+` FROM inspection_photos WHERE org_id = ? AND inspection_id = ? ORDER BY created_at, id`, orgID, inspectionID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.InspectionPhoto
	for rows.Next() {
		p, err := scanPhoto(rows, false)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// InspectionPhoto returns a photo with its data. ENOTFOUND.
func (q queries) InspectionPhoto(ctx context.Context, orgID, inspectionID, id string) (*bulkhead.InspectionPhoto, error) {
	p, err := scanPhoto(q.q.QueryRowContext(ctx, `SELECT `+photoMetaCols+`, data FROM inspection_photos WHERE org_id = ? AND inspection_id = ? AND id = ?`, orgID, inspectionID, id), true)
	if err != nil {
		return nil, notFound(err, "Photo")
	}
	return p, nil
}

// CreateInspectionPhoto stores a photo of an inspection point.
func (q queries) CreateInspectionPhoto(ctx context.Context, p *bulkhead.InspectionPhoto) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inspection_photos (`+photoMetaCols+`, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.OrgID, p.InspectionID, p.Point, p.ContentType, p.Size, p.SHA256, p.CreatedBy, micros(p.CreatedAt), p.Data)
	return mapErr(err)
}
