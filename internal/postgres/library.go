package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5/pgtype"
)

// The requirement-library and assessment queries (migration 0007).

// lines joins a list for a TEXT column; splitLines reverses it.
func lines(xs []string) string { return strings.Join(xs, "\n") }

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// utcCol scans a TIMESTAMPTZ into a UTC time.
type utcCol struct{ t *time.Time }

func (c utcCol) ScanTimestamptz(v pgtype.Timestamptz) error {
	*c.t = v.Time.UTC()
	return nil
}

// nullUTCCol scans a nullable TIMESTAMPTZ into a UTC *time.Time.
type nullUTCCol struct{ t **time.Time }

func (c nullUTCCol) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*c.t = nil
		return nil
	}
	t := v.Time.UTC()
	*c.t = &t
	return nil
}

const libraryCols = `id, coalesce(org_id, ''), urn, version, ref_id, name, description, provider, packager, copyright, locale, objects, framework_urn,
	node_count, assessable_count, verified, harmonized, secondary, mapping_count, builtin, imported_at, imported_by`

func scanLibrary(row scanner, content bool) (*bulkhead.Library, error) {
	var l bulkhead.Library
	dest := []any{&l.ID, &l.OrgID, &l.URN, &l.Version, &l.RefID, &l.Name, &l.Description, &l.Provider, &l.Packager, &l.Copyright, &l.Locale, &l.Objects, &l.FrameworkURN,
		&l.NodeCount, &l.AssessableCount, &l.Verified, &l.Harmonized, &l.Secondary, &l.MappingCount, &l.Builtin, utcCol{&l.ImportedAt}, &l.ImportedBy}
	if content {
		dest = append(dest, &l.Content)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &l, nil
}

func nullOrg(orgID string) any {
	if orgID == "" {
		return nil
	}
	return orgID
}

// Libraries lists an organisation's libraries and the built-in ones.
func (q queries) Libraries(ctx context.Context, orgID string) ([]*bulkhead.Library, error) {
	rows, err := q.q.Query(ctx, `SELECT `+libraryCols+` FROM libraries WHERE org_id = $1 OR org_id IS NULL ORDER BY lower(name COLLATE "C"), id COLLATE "C"`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Library
	for rows.Next() {
		l, err := scanLibrary(rows, false)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, l)
	}
	return out, mapErr(rows.Err())
}

// Library returns a library of the organisation or a built-in one. ENOTFOUND.
func (q queries) Library(ctx context.Context, orgID, id string) (*bulkhead.Library, error) {
	l, err := scanLibrary(q.q.QueryRow(ctx, `SELECT `+libraryCols+`, content FROM libraries WHERE id = $1 AND (org_id = $2 OR org_id IS NULL)`, id, orgID), true)
	if err != nil {
		return nil, notFound(err, "Library")
	}
	return l, nil
}

// LibraryByURN returns the organisation's (or, for "", the built-in)
// library with a URN. ENOTFOUND.
func (q queries) LibraryByURN(ctx context.Context, orgID, urn string) (*bulkhead.Library, error) {
	l, err := scanLibrary(q.q.QueryRow(ctx, `SELECT `+libraryCols+`, content FROM libraries WHERE coalesce(org_id, '') = $1 AND urn = $2`, orgID, urn), true)
	if err != nil {
		return nil, notFound(err, "Library")
	}
	return l, nil
}

// CreateLibrary stores a library. ECONFLICT.
func (q queries) CreateLibrary(ctx context.Context, l *bulkhead.Library) error {
	_, err := q.q.Exec(ctx, `INSERT INTO libraries (id, org_id, urn, version, ref_id, name, description, provider, packager, copyright, locale, objects, framework_urn,
		node_count, assessable_count, verified, harmonized, secondary, mapping_count, builtin, imported_at, imported_by, content)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		l.ID, nullOrg(l.OrgID), l.URN, l.Version, l.RefID, l.Name, l.Description, l.Provider, l.Packager, l.Copyright, l.Locale, l.Objects, l.FrameworkURN,
		l.NodeCount, l.AssessableCount, l.Verified, l.Harmonized, l.Secondary, l.MappingCount, l.Builtin, l.ImportedAt, l.ImportedBy, l.Content)
	return mapErr(err)
}

// UpdateLibrary replaces a library's content. ENOTFOUND.
func (q queries) UpdateLibrary(ctx context.Context, l *bulkhead.Library) error {
	res, err := q.q.Exec(ctx, `UPDATE libraries SET version = $1, ref_id = $2, name = $3, description = $4, provider = $5, packager = $6, copyright = $7, locale = $8, objects = $9, framework_urn = $10,
		node_count = $11, assessable_count = $12, verified = $13, harmonized = $14, secondary = $15, mapping_count = $16, imported_at = $17, imported_by = $18, content = $19
		WHERE id = $20 AND coalesce(org_id, '') = $21`,
		l.Version, l.RefID, l.Name, l.Description, l.Provider, l.Packager, l.Copyright, l.Locale, l.Objects, l.FrameworkURN,
		l.NodeCount, l.AssessableCount, l.Verified, l.Harmonized, l.Secondary, l.MappingCount, l.ImportedAt, l.ImportedBy, l.Content, l.ID, l.OrgID)
	return affectedOne(res, err, "Library")
}

const assessmentCols = `id, org_id, library_id, name, description, impl_groups, site_ids, status, created_at, updated_at, created_by`

func scanAssessment(row scanner) (*bulkhead.Assessment, error) {
	var x bulkhead.Assessment
	var groups, sites string
	if err := row.Scan(&x.ID, &x.OrgID, &x.LibraryID, &x.Name, &x.Description, &groups, &sites, &x.Status, utcCol{&x.CreatedAt}, utcCol{&x.UpdatedAt}, &x.CreatedBy); err != nil {
		return nil, err
	}
	x.Groups, x.SiteIDs = splitLines(groups), splitLines(sites)
	return &x, nil
}

// Assessments lists an organisation's assessments, newest first.
func (q queries) Assessments(ctx context.Context, orgID string) ([]*bulkhead.Assessment, error) {
	rows, err := q.q.Query(ctx, `SELECT `+assessmentCols+` FROM assessments WHERE org_id = $1 ORDER BY id COLLATE "C" DESC`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Assessment
	for rows.Next() {
		x, err := scanAssessment(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, x)
	}
	return out, mapErr(rows.Err())
}

// Assessment returns an assessment. ENOTFOUND.
func (q queries) Assessment(ctx context.Context, orgID, id string) (*bulkhead.Assessment, error) {
	x, err := scanAssessment(q.q.QueryRow(ctx, `SELECT `+assessmentCols+` FROM assessments WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Assessment")
	}
	return x, nil
}

// CreateAssessment stores an assessment.
func (q queries) CreateAssessment(ctx context.Context, x *bulkhead.Assessment) error {
	_, err := q.q.Exec(ctx, `INSERT INTO assessments (`+assessmentCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		x.ID, x.OrgID, x.LibraryID, x.Name, x.Description, lines(x.Groups), lines(x.SiteIDs), string(x.Status), x.CreatedAt, x.UpdatedAt, x.CreatedBy)
	return mapErr(err)
}

// UpdateAssessment saves an assessment. ENOTFOUND.
func (q queries) UpdateAssessment(ctx context.Context, x *bulkhead.Assessment) error {
	res, err := q.q.Exec(ctx, `UPDATE assessments SET name = $1, description = $2, impl_groups = $3, site_ids = $4, status = $5, updated_at = $6 WHERE org_id = $7 AND id = $8`,
		x.Name, x.Description, lines(x.Groups), lines(x.SiteIDs), string(x.Status), x.UpdatedAt, x.OrgID, x.ID)
	return affectedOne(res, err, "Assessment")
}

const resultCols = `org_id, assessment_id, node_urn, status, notes, justification, controls, inferred_status, inferred_from, updated_at, updated_by`

// AssessmentResults returns the answers of an assessment.
func (q queries) AssessmentResults(ctx context.Context, orgID, assessmentID string) ([]*bulkhead.AssessmentResult, error) {
	rows, err := q.q.Query(ctx, `SELECT `+resultCols+` FROM assessment_results WHERE org_id = $1 AND assessment_id = $2 ORDER BY node_urn COLLATE "C"`, orgID, assessmentID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.AssessmentResult
	for rows.Next() {
		var r bulkhead.AssessmentResult
		if err := rows.Scan(&r.OrgID, &r.AssessmentID, &r.NodeURN, &r.Status, &r.Notes, &r.Justification, &r.Controls, &r.InferredStatus, &r.InferredFrom, utcCol{&r.UpdatedAt}, &r.UpdatedBy); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &r)
	}
	return out, mapErr(rows.Err())
}

// PutAssessmentResult creates or replaces one answer.
func (q queries) PutAssessmentResult(ctx context.Context, r *bulkhead.AssessmentResult) error {
	_, err := q.q.Exec(ctx, `INSERT INTO assessment_results (`+resultCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (assessment_id, node_urn) DO UPDATE SET status = excluded.status, notes = excluded.notes, justification = excluded.justification,
		controls = excluded.controls, inferred_status = excluded.inferred_status, inferred_from = excluded.inferred_from, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.OrgID, r.AssessmentID, r.NodeURN, string(r.Status), r.Notes, r.Justification, r.Controls, string(r.InferredStatus), r.InferredFrom, r.UpdatedAt, r.UpdatedBy)
	return mapErr(err)
}

const evidenceCols = `id, org_id, assessment_id, node_urn, name, url, content_type, size, sha256, valid_until, created_at, created_by`

func scanEvidence(row scanner, content bool) (*bulkhead.Evidence, error) {
	var e bulkhead.Evidence
	dest := []any{&e.ID, &e.OrgID, &e.AssessmentID, &e.NodeURN, &e.Name, &e.URL, &e.ContentType, &e.Size, &e.SHA256, nullUTCCol{&e.ValidUntil}, utcCol{&e.CreatedAt}, &e.CreatedBy}
	if content {
		dest = append(dest, &e.Content)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &e, nil
}

// EvidenceList lists evidence without content.
func (q queries) EvidenceList(ctx context.Context, orgID, assessmentID string) ([]*bulkhead.Evidence, error) {
	query, args := `SELECT `+evidenceCols+` FROM assessment_evidence WHERE org_id = $1`, []any{orgID}
	if assessmentID != "" {
		query += ` AND assessment_id = $2`
		args = append(args, assessmentID)
	}
	rows, err := q.q.Query(ctx, query+` ORDER BY id COLLATE "C"`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Evidence
	for rows.Next() {
		e, err := scanEvidence(rows, false)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// Evidence returns one evidence item with content. ENOTFOUND.
func (q queries) Evidence(ctx context.Context, orgID, id string) (*bulkhead.Evidence, error) {
	e, err := scanEvidence(q.q.QueryRow(ctx, `SELECT `+evidenceCols+`, content FROM assessment_evidence WHERE org_id = $1 AND id = $2`, orgID, id), true)
	if err != nil {
		return nil, notFound(err, "Evidence")
	}
	return e, nil
}

// CreateEvidence stores an evidence item.
func (q queries) CreateEvidence(ctx context.Context, e *bulkhead.Evidence) error {
	_, err := q.q.Exec(ctx, `INSERT INTO assessment_evidence (`+evidenceCols+`, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.ID, e.OrgID, e.AssessmentID, e.NodeURN, e.Name, e.URL, e.ContentType, e.Size, e.SHA256, e.ValidUntil, e.CreatedAt, e.CreatedBy, e.Content)
	return mapErr(err)
}

// DeleteEvidence removes an evidence item. ENOTFOUND.
func (q queries) DeleteEvidence(ctx context.Context, orgID, id string) error {
	res, err := q.q.Exec(ctx, `DELETE FROM assessment_evidence WHERE org_id = $1 AND id = $2`, orgID, id)
	return affectedOne(res, err, "Evidence")
}

const actionCols = `id, org_id, assessment_id, node_urn, title, notes, owner_id, due, status, created_at, updated_at, closed_at`

func scanAction(row scanner) (*bulkhead.ComplianceAction, error) {
	var c bulkhead.ComplianceAction
	if err := row.Scan(&c.ID, &c.OrgID, &c.AssessmentID, &c.NodeURN, &c.Title, &c.Notes, &c.OwnerID, nullUTCCol{&c.Due}, &c.Status, utcCol{&c.CreatedAt}, utcCol{&c.UpdatedAt}, nullUTCCol{&c.ClosedAt}); err != nil {
		return nil, err
	}
	return &c, nil
}

// ComplianceActions lists actions by due date (undated last).
func (q queries) ComplianceActions(ctx context.Context, orgID, assessmentID string) ([]*bulkhead.ComplianceAction, error) {
	query, args := `SELECT `+actionCols+` FROM compliance_actions WHERE org_id = $1`, []any{orgID}
	if assessmentID != "" {
		query += ` AND assessment_id = $2`
		args = append(args, assessmentID)
	}
	rows, err := q.q.Query(ctx, query+` ORDER BY due IS NULL, due, id COLLATE "C"`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.ComplianceAction
	for rows.Next() {
		c, err := scanAction(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// ComplianceAction returns one action. ENOTFOUND.
func (q queries) ComplianceAction(ctx context.Context, orgID, id string) (*bulkhead.ComplianceAction, error) {
	c, err := scanAction(q.q.QueryRow(ctx, `SELECT `+actionCols+` FROM compliance_actions WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Action")
	}
	return c, nil
}

// CreateComplianceAction stores an action.
func (q queries) CreateComplianceAction(ctx context.Context, c *bulkhead.ComplianceAction) error {
	_, err := q.q.Exec(ctx, `INSERT INTO compliance_actions (`+actionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, c.OrgID, c.AssessmentID, c.NodeURN, c.Title, c.Notes, c.OwnerID, c.Due, string(c.Status), c.CreatedAt, c.UpdatedAt, c.ClosedAt)
	return mapErr(err)
}

// UpdateComplianceAction saves an action. ENOTFOUND.
func (q queries) UpdateComplianceAction(ctx context.Context, c *bulkhead.ComplianceAction) error {
	res, err := q.q.Exec(ctx, `UPDATE compliance_actions SET title = $1, notes = $2, owner_id = $3, due = $4, status = $5, updated_at = $6, closed_at = $7 WHERE org_id = $8 AND id = $9`,
		c.Title, c.Notes, c.OwnerID, c.Due, string(c.Status), c.UpdatedAt, c.ClosedAt, c.OrgID, c.ID)
	return affectedOne(res, err, "Action")
}
