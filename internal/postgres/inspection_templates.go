package postgres

import (
	"context"
	"encoding/json"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
)

// Inspection checklists and photos (issue 6).

// inspectionInsertCols are the inspections columns written on insert
// (inspectionCols reads template_id through coalesce).
const inspectionInsertCols = `id, org_id, site_id, template, template_id, equipment, equipment_ok, inspector, at, results, failed, epcis_event_id, created_at`

const checklistCols = `id, org_id, key, name, kind, version, points, status, created_by, created_at`

func scanChecklist(row pgx.Row) (*bulkhead.Checklist, error) {
	var c bulkhead.Checklist
	var points string
	if err := row.Scan(&c.ID, &c.OrgID, &c.Key, &c.Name, &c.Kind, &c.Version, &points, &c.Status, &c.CreatedBy, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt = utc(c.CreatedAt)
	return &c, json.Unmarshal([]byte(points), &c.Points)
}

// InspectionTemplate returns a version of an organisation's own checklist.
// ENOTFOUND.
func (q queries) InspectionTemplate(ctx context.Context, orgID, id string) (*bulkhead.Checklist, error) {
	c, err := scanChecklist(q.q.QueryRow(ctx, `SELECT `+checklistCols+` FROM inspection_templates WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Checklist")
	}
	return c, nil
}

// InspectionTemplates lists the latest version of each checklist by name,
// or every version of one key, newest first.
func (q queries) InspectionTemplates(ctx context.Context, f bulkhead.ChecklistFilter) ([]*bulkhead.Checklist, error) {
	if f.Key != "" {
		rows, err := q.q.Query(ctx, `SELECT `+checklistCols+` FROM inspection_templates WHERE org_id = $1 AND key = $2 ORDER BY version DESC`, f.OrgID, f.Key)
		return collect(rows, err, scanChecklist)
	}
	rows, err := q.q.Query(ctx, `SELECT `+checklistCols+` FROM inspection_templates WHERE org_id = $1 AND status <> 'superseded' ORDER BY name COLLATE "C", key COLLATE "C"`, f.OrgID)
	return collect(rows, err, scanChecklist)
}

// CreateInspectionTemplate stores a checklist version. ECONFLICT.
func (q queries) CreateInspectionTemplate(ctx context.Context, c *bulkhead.Checklist) error {
	points, err := json.Marshal(c.Points)
	if err != nil {
		return err
	}
	_, err = q.q.Exec(ctx, `INSERT INTO inspection_templates (`+checklistCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		c.ID, c.OrgID, c.Key, c.Name, c.Kind, c.Version, string(points), c.Status, c.CreatedBy, c.CreatedAt)
	return mapErr(err)
}

// SetInspectionTemplateStatus changes a checklist version's status.
// ENOTFOUND.
func (q queries) SetInspectionTemplateStatus(ctx context.Context, orgID, id string, st bulkhead.ChecklistStatus) error {
	tag, err := q.q.Exec(ctx, `UPDATE inspection_templates SET status = $1 WHERE org_id = $2 AND id = $3`, st, orgID, id)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return bulkhead.NotFound("Checklist")
	}
	return nil
}

const photoMetaCols = `id, org_id, inspection_id, point, content_type, size, sha256, created_by, created_at`

func scanPhotoMeta(row pgx.Row) (*bulkhead.InspectionPhoto, error) {
	var p bulkhead.InspectionPhoto
	if err := row.Scan(&p.ID, &p.OrgID, &p.InspectionID, &p.Point, &p.ContentType, &p.Size, &p.SHA256, &p.CreatedBy, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.CreatedAt = utc(p.CreatedAt)
	return &p, nil
}

// InspectionPhotos lists an inspection's photos without their data.
func (q queries) InspectionPhotos(ctx context.Context, orgID, inspectionID string) ([]*bulkhead.InspectionPhoto, error) {
	rows, err := q.q.Query(ctx, `SELECT `+photoMetaCols+` FROM inspection_photos WHERE org_id = $1 AND inspection_id = $2 ORDER BY created_at, id`, orgID, inspectionID)
	return collect(rows, err, scanPhotoMeta)
}

// InspectionPhoto returns a photo with its data. ENOTFOUND.
func (q queries) InspectionPhoto(ctx context.Context, orgID, inspectionID, id string) (*bulkhead.InspectionPhoto, error) {
	var p bulkhead.InspectionPhoto
	err := q.q.QueryRow(ctx, `SELECT `+photoMetaCols+`, data FROM inspection_photos WHERE org_id = $1 AND inspection_id = $2 AND id = $3`, orgID, inspectionID, id).
		Scan(&p.ID, &p.OrgID, &p.InspectionID, &p.Point, &p.ContentType, &p.Size, &p.SHA256, &p.CreatedBy, &p.CreatedAt, &p.Data)
	if err != nil {
		return nil, notFound(err, "Photo")
	}
	p.CreatedAt = utc(p.CreatedAt)
	return &p, nil
}

// CreateInspectionPhoto stores a photo of an inspection point.
func (q queries) CreateInspectionPhoto(ctx context.Context, p *bulkhead.InspectionPhoto) error {
	_, err := q.q.Exec(ctx, `INSERT INTO inspection_photos (`+photoMetaCols+`, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.OrgID, p.InspectionID, p.Point, p.ContentType, p.Size, p.SHA256, p.CreatedBy, p.CreatedAt, p.Data)
	return mapErr(err)
}
