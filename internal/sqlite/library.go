package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
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

// microsCol scans INTEGER microseconds into a time.
type microsCol struct{ t *time.Time }

func (c microsCol) Scan(v any) error {
	n, _ := v.(int64)
	*c.t = fromMicros(n)
	return nil
}

// nullMicrosCol scans nullable INTEGER microseconds into a *time.Time.
type nullMicrosCol struct{ t **time.Time }

func (c nullMicrosCol) Scan(v any) error {
	n, ok := v.(int64)
	if !ok {
		*c.t = nil
		return nil
	}
	t := fromMicros(n)
	*c.t = &t
	return nil
}

const libraryCols = `id, coalesce(org_id, ''), urn, version, ref_id, name, description, provider, packager, copyright, locale, objects, framework_urn,
	node_count, assessable_count, verified, harmonized, secondary, mapping_count, builtin, imported_at, imported_by`

func scanLibrary(row scanner, content bool) (*bulkhead.Library, error) {
	var l bulkhead.Library
	dest := []any{&l.ID, &l.OrgID, &l.URN, &l.Version, &l.RefID, &l.Name, &l.Description, &l.Provider, &l.Packager, &l.Copyright, &l.Locale, &l.Objects, &l.FrameworkURN,
		&l.NodeCount, &l.AssessableCount, &l.Verified, &l.Harmonized, &l.Secondary, &l.MappingCount, &l.Builtin, microsCol{&l.ImportedAt}, &l.ImportedBy}
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
	rows, err := q.q.QueryContext(ctx, `SELECT `+libraryCols+` FROM libraries WHERE org_id = ? OR org_id IS NULL ORDER BY lower(name), id`, orgID)
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
	l, err := scanLibrary(q.q.QueryRowContext(ctx, `SELECT `+libraryCols+`, content FROM libraries WHERE id = ? AND (org_id = ? OR org_id IS NULL)`, id, orgID), true)
	if err != nil {
		return nil, notFound(err, "Library")
	}
	return l, nil
}

// LibraryByURN returns the organisation's (or, for "", the built-in)
// library with a URN. ENOTFOUND.
func (q queries) LibraryByURN(ctx context.Context, orgID, urn string) (*bulkhead.Library, error) {
	l, err := scanLibrary(q.q.QueryRowContext(ctx, `SELECT `+libraryCols+`, content FROM libraries WHERE coalesce(org_id, '') = ? AND urn = ?`, orgID, urn), true)
	if err != nil {
		return nil, notFound(err, "Library")
	}
	return l, nil
}

// CreateLibrary stores a library. ECONFLICT.
func (q queries) CreateLibrary(ctx context.Context, l *bulkhead.Library) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO libraries (id, org_id, urn, version, ref_id, name, description, provider, packager, copyright, locale, objects, framework_urn,
		node_count, assessable_count, verified, harmonized, secondary, mapping_count, builtin, imported_at, imported_by, content)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, nullOrg(l.OrgID), l.URN, l.Version, l.RefID, l.Name, l.Description, l.Provider, l.Packager, l.Copyright, l.Locale, l.Objects, l.FrameworkURN,
		l.NodeCount, l.AssessableCount, l.Verified, l.Harmonized, l.Secondary, l.MappingCount, l.Builtin, micros(l.ImportedAt), l.ImportedBy, l.Content)
	return mapErr(err)
}

// UpdateLibrary replaces a library's content. ENOTFOUND.
func (q queries) UpdateLibrary(ctx context.Context, l *bulkhead.Library) error {
	res, err := q.q.ExecContext(ctx, `UPDATE libraries SET version = ?, ref_id = ?, name = ?, description = ?, provider = ?, packager = ?, copyright = ?, locale = ?, objects = ?, framework_urn = ?,
		node_count = ?, assessable_count = ?, verified = ?, harmonized = ?, secondary = ?, mapping_count = ?, imported_at = ?, imported_by = ?, content = ?
		WHERE id = ? AND coalesce(org_id, '') = ?`,
		l.Version, l.RefID, l.Name, l.Description, l.Provider, l.Packager, l.Copyright, l.Locale, l.Objects, l.FrameworkURN,
		l.NodeCount, l.AssessableCount, l.Verified, l.Harmonized, l.Secondary, l.MappingCount, micros(l.ImportedAt), l.ImportedBy, l.Content, l.ID, l.OrgID)
	return affectedOne(res, err, "Library")
}

const assessmentCols = `id, org_id, library_id, name, description, impl_groups, site_ids, status, created_at, updated_at, created_by`

func scanAssessment(row scanner) (*bulkhead.Assessment, error) {
	var x bulkhead.Assessment
	var groups, sites string
	if err := row.Scan(&x.ID, &x.OrgID, &x.LibraryID, &x.Name, &x.Description, &groups, &sites, &x.Status, microsCol{&x.CreatedAt}, microsCol{&x.UpdatedAt}, &x.CreatedBy); err != nil {
		return nil, err
	}
	x.Groups, x.SiteIDs = splitLines(groups), splitLines(sites)
	return &x, nil
}

// Assessments lists an organisation's assessments, newest first.
func (q queries) Assessments(ctx context.Context, orgID string) ([]*bulkhead.Assessment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+assessmentCols+` FROM assessments WHERE org_id = ? ORDER BY id DESC`, orgID)
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
	x, err := scanAssessment(q.q.QueryRowContext(ctx, `SELECT `+assessmentCols+` FROM assessments WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Assessment")
	}
	return x, nil
}

// CreateAssessment stores an assessment.
func (q queries) CreateAssessment(ctx context.Context, x *bulkhead.Assessment) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO assessments (`+assessmentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.OrgID, x.LibraryID, x.Name, x.Description, lines(x.Groups), lines(x.SiteIDs), string(x.Status), micros(x.CreatedAt), micros(x.UpdatedAt), x.CreatedBy)
	return mapErr(err)
}

// UpdateAssessment saves an assessment. ENOTFOUND.
func (q queries) UpdateAssessment(ctx context.Context, x *bulkhead.Assessment) error {
	res, err := q.q.ExecContext(ctx, `UPDATE assessments SET name = ?, description = ?, impl_groups = ?, site_ids = ?, status = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		x.Name, x.Description, lines(x.Groups), lines(x.SiteIDs), string(x.Status), micros(x.UpdatedAt), x.OrgID, x.ID)
	return affectedOne(res, err, "Assessment")
}

const resultCols = `org_id, assessment_id, node_urn, status, notes, justification, controls, inferred_status, inferred_from, updated_at, updated_by`

// AssessmentResults returns the answers of an assessment.
func (q queries) AssessmentResults(ctx context.Context, orgID, assessmentID string) ([]*bulkhead.AssessmentResult, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+resultCols+` FROM assessment_results WHERE org_id = ? AND assessment_id = ? ORDER BY node_urn`, orgID, assessmentID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.AssessmentResult
	for rows.Next() {
		var r bulkhead.AssessmentResult
		if err := rows.Scan(&r.OrgID, &r.AssessmentID, &r.NodeURN, &r.Status, &r.Notes, &r.Justification, &r.Controls, &r.InferredStatus, &r.InferredFrom, microsCol{&r.UpdatedAt}, &r.UpdatedBy); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &r)
	}
	return out, mapErr(rows.Err())
}

// PutAssessmentResult creates or replaces one answer.
func (q queries) PutAssessmentResult(ctx context.Context, r *bulkhead.AssessmentResult) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO assessment_results (`+resultCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assessment_id, node_urn) DO UPDATE SET status = excluded.status, notes = excluded.notes, justification = excluded.justification,
		controls = excluded.controls, inferred_status = excluded.inferred_status, inferred_from = excluded.inferred_from, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.OrgID, r.AssessmentID, r.NodeURN, string(r.Status), r.Notes, r.Justification, r.Controls, string(r.InferredStatus), r.InferredFrom, micros(r.UpdatedAt), r.UpdatedBy)
	return mapErr(err)
}

const evidenceCols = `id, org_id, assessment_id, node_urn, name, url, content_type, size, sha256, valid_until, created_at, created_by`

func scanEvidence(row scanner, content bool) (*bulkhead.Evidence, error) {
	var e bulkhead.Evidence
	dest := []any{&e.ID, &e.OrgID, &e.AssessmentID, &e.NodeURN, &e.Name, &e.URL, &e.ContentType, &e.Size, &e.SHA256, nullMicrosCol{&e.ValidUntil}, microsCol{&e.CreatedAt}, &e.CreatedBy}
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
	query, args := `SELECT `+evidenceCols+` FROM assessment_evidence WHERE org_id = ?`, []any{orgID}
	if assessmentID != "" {
		query += ` AND assessment_id = ?`
		args = append(args, assessmentID)
	}
	rows, err := q.q.QueryContext(ctx, query+` ORDER BY id`, args...)
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
	e, err := scanEvidence(q.q.QueryRowContext(ctx, `SELECT `+evidenceCols+`, content FROM assessment_evidence WHERE org_id = ? AND id = ?`, orgID, id), true)
	if err != nil {
		return nil, notFound(err, "Evidence")
	}
	return e, nil
}

// CreateEvidence stores an evidence item.
func (q queries) CreateEvidence(ctx context.Context, e *bulkhead.Evidence) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO assessment_evidence (`+evidenceCols+`, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.OrgID, e.AssessmentID, e.NodeURN, e.Name, e.URL, e.ContentType, e.Size, e.SHA256, nullMicros(e.ValidUntil), micros(e.CreatedAt), e.CreatedBy, e.Content)
	return mapErr(err)
}

// DeleteEvidence removes an evidence item. ENOTFOUND.
func (q queries) DeleteEvidence(ctx context.Context, orgID, id string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM assessment_evidence WHERE org_id = ? AND id = ?`, orgID, id)
	return affectedOne(res, err, "Evidence")
}

const actionCols = `id, org_id, assessment_id, node_urn, title, notes, owner_id, due, status, created_at, updated_at, closed_at`

func scanAction(row scanner) (*bulkhead.ComplianceAction, error) {
	var c bulkhead.ComplianceAction
	if err := row.Scan(&c.ID, &c.OrgID, &c.AssessmentID, &c.NodeURN, &c.Title, &c.Notes, &c.OwnerID, nullMicrosCol{&c.Due}, &c.Status, microsCol{&c.CreatedAt}, microsCol{&c.UpdatedAt}, nullMicrosCol{&c.ClosedAt}); err != nil {
		return nil, err
	}
	return &c, nil
}

// ComplianceActions lists actions by due date (undated last).
func (q queries) ComplianceActions(ctx context.Context, orgID, assessmentID string) ([]*bulkhead.ComplianceAction, error) {
	query, args := `SELECT `+actionCols+` FROM compliance_actions WHERE org_id = ?`, []any{orgID}
	if assessmentID != "" {
		query += ` AND assessment_id = ?`
		args = append(args, assessmentID)
	}
	rows, err := q.q.QueryContext(ctx, query+` ORDER BY due IS NULL, due, id`, args...)
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
	c, err := scanAction(q.q.QueryRowContext(ctx, `SELECT `+actionCols+` FROM compliance_actions WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Action")
	}
	return c, nil
}

// CreateComplianceAction stores an action.
func (q queries) CreateComplianceAction(ctx context.Context, c *bulkhead.ComplianceAction) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO compliance_actions (`+actionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.AssessmentID, c.NodeURN, c.Title, c.Notes, c.OwnerID, nullMicros(c.Due), string(c.Status), micros(c.CreatedAt), micros(c.UpdatedAt), nullMicros(c.ClosedAt))
	return mapErr(err)
}

// UpdateComplianceAction saves an action. ENOTFOUND.
func (q queries) UpdateComplianceAction(ctx context.Context, c *bulkhead.ComplianceAction) error {
	res, err := q.q.ExecContext(ctx, `UPDATE compliance_actions SET title = ?, notes = ?, owner_id = ?, due = ?, status = ?, updated_at = ?, closed_at = ? WHERE org_id = ? AND id = ?`,
		c.Title, c.Notes, c.OwnerID, nullMicros(c.Due), string(c.Status), micros(c.UpdatedAt), nullMicros(c.ClosedAt), c.OrgID, c.ID)
	return affectedOne(res, err, "Action")
}
