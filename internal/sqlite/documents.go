package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// ---- controlled documents

const docCols = `id, org_id, title, reference, type, owner_id, classification, ack_required, ack_roles, review_months, review_due,
	retention_months, latest_version, latest_status, published_id, published_number, created_at, updated_at, archived_at`

func joinRoles(rs []bulkhead.Role) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}

func splitRoles(s string) []bulkhead.Role {
	if s == "" {
		return nil
	}
	var out []bulkhead.Role
	for _, p := range strings.Split(s, ",") {
		out = append(out, bulkhead.Role(p))
	}
	return out
}

func scanDoc(row interface{ Scan(...any) error }) (*bulkhead.Document, error) {
	var d bulkhead.Document
	var roles string
	var created, updated int64
	var due, archived sql.NullInt64
	if err := row.Scan(&d.ID, &d.OrgID, &d.Title, &d.Reference, &d.Type, &d.OwnerID, &d.Classification, &d.AckRequired, &roles,
		&d.ReviewMonths, &due, &d.RetentionMonths, &d.LatestVersion, &d.LatestStatus, &d.PublishedID, &d.PublishedNumber,
		&created, &updated, &archived); err != nil {
		return nil, err
	}
	d.AckRoles = splitRoles(roles)
	d.ReviewDue = fromNullMicros(due)
	d.CreatedAt, d.UpdatedAt, d.ArchivedAt = fromMicros(created), fromMicros(updated), fromNullMicros(archived)
	return &d, nil
}

func docArgs(d *bulkhead.Document) []any {
	return []any{d.Title, d.Reference, string(d.Type), d.OwnerID, string(d.Classification), d.AckRequired, joinRoles(d.AckRoles),
		d.ReviewMonths, nullMicros(d.ReviewDue), d.RetentionMonths, d.LatestVersion, string(d.LatestStatus), d.PublishedID, d.PublishedNumber,
		micros(d.CreatedAt), micros(d.UpdatedAt), nullMicros(d.ArchivedAt)}
}

func (q queries) Document(ctx context.Context, orgID, id string) (*bulkhead.Document, error) {
	d, err := scanDoc(q.q.QueryRowContext(ctx, `SELECT `+docCols+` FROM documents WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Document")
	}
	return d, nil
}

var docOrder = map[bulkhead.DocumentSort]string{
	bulkhead.DocSortTitle:     "lower(title)",
	bulkhead.DocSortReference: "reference",
	bulkhead.DocSortType:      "type",
	bulkhead.DocSortReview:    "coalesce(review_due, 9223372036854775807)",
	bulkhead.DocSortUpdated:   "updated_at",
}

func (q queries) Documents(ctx context.Context, f bulkhead.DocumentFilter) ([]*bulkhead.Document, int, error) {
	where := []string{"org_id = ?"}
	args := []any{f.OrgID}
	switch f.Status {
	case bulkhead.StatusActive:
		where = append(where, "archived_at IS NULL")
	case bulkhead.StatusArchived:
		where = append(where, "archived_at IS NOT NULL")
	}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Type != "" {
		add("type = ?", string(f.Type))
	}
	if f.State != "" {
		add("latest_status = ?", string(f.State))
	}
	if f.Classification != "" {
		add("classification = ?", string(f.Classification))
	}
	if f.OwnerID != "" {
		add("owner_id = ?", f.OwnerID)
	}
	if f.Classes != nil {
		ph := make([]string, len(f.Classes))
		for i, c := range f.Classes {
			ph[i] = "?"
			args = append(args, string(c))
		}
		where = append(where, "classification IN ("+strings.Join(ph, ", ")+")")
		if len(f.Classes) == 0 {
			where = append(where, "0 = 1")
		}
	}
	if f.ReviewBefore != nil {
		add("review_due < ?", micros(*f.ReviewBefore))
	}
	if f.AckRequired {
		where = append(where, "ack_required = 1 AND published_id <> ''")
	}
	if f.Published {
		where = append(where, "published_id <> ''")
	}
	if f.Query != "" {
		p := bulkhead.LikePattern(f.Query)
		where = append(where, `(lower(title) LIKE ? ESCAPE '\' OR lower(reference) LIKE ? ESCAPE '\')`)
		args = append(args, p, p)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	desc, limit, offset, reverse := docPageFromEnd(f, total)
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	order := docOrder[f.Sort] + dir + ", id" + dir
	rows, err := q.q.QueryContext(ctx, `SELECT `+docCols+` FROM documents WHERE `+w+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	out := make([]*bulkhead.Document, 0, f.Limit)
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, 0, mapErr(err)
		}
		out = append(out, d)
	}
	if reverse {
		slices.Reverse(out)
	}
	return out, total, mapErr(rows.Err())
}

// docPageFromEnd reads a page past the middle from the other end, in the
// opposite order (reversed afterwards): skipping rows costs time in
// proportion to the offset.
func docPageFromEnd(f bulkhead.DocumentFilter, total int) (desc bool, limit, offset int, reverse bool) {
	desc, limit, offset = f.Desc, f.Limit, f.Offset
	if offset > total/2 && offset < total {
		reverse, desc = true, !desc
		offset = total - f.Offset - f.Limit
		if offset < 0 {
			limit, offset = limit+offset, 0
		}
	}
	return desc, limit, offset, reverse
}

func (q queries) CreateDocument(ctx context.Context, d *bulkhead.Document) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO documents (`+docCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{d.ID, d.OrgID}, docArgs(d)...)...)
	return mapErr(err)
}

func (q queries) UpdateDocument(ctx context.Context, d *bulkhead.Document) error {
	res, err := q.q.ExecContext(ctx, `UPDATE documents SET title = ?, reference = ?, type = ?, owner_id = ?, classification = ?, ack_required = ?,
		ack_roles = ?, review_months = ?, review_due = ?, retention_months = ?, latest_version = ?, latest_status = ?, published_id = ?,
		published_number = ?, created_at = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		append(docArgs(d), d.OrgID, d.ID)...)
	return affectedOne(res, err, "Document")
}

// ---- versions

const versionCols = `id, org_id, document_id, number, status, body, note, file_name, file_type, file_size, file_sha256, scope,
	author_id, created_at, updated_at, submitted_by, submitted_at, approved_by, approved_role, approved_at, published_by, published_at, obsoleted_at`

func scanVersion(row interface{ Scan(...any) error }) (*bulkhead.DocumentVersion, error) {
	var v bulkhead.DocumentVersion
	var scope string
	var created, updated int64
	var submitted, approved, published, obsoleted sql.NullInt64
	if err := row.Scan(&v.ID, &v.OrgID, &v.DocumentID, &v.Number, &v.Status, &v.Body, &v.Note, &v.FileName, &v.FileType, &v.FileSize,
		&v.FileSHA256, &scope, &v.AuthorID, &created, &updated, &v.SubmittedBy, &submitted, &v.ApprovedBy, &v.ApprovedRole, &approved,
		&v.PublishedBy, &published, &obsoleted); err != nil {
		return nil, err
	}
	if scope != "" {
		v.Scope = &bulkhead.ScopeDetails{}
		if err := json.Unmarshal([]byte(scope), v.Scope); err != nil {
			return nil, err
		}
	}
	v.CreatedAt, v.UpdatedAt = fromMicros(created), fromMicros(updated)
	v.SubmittedAt, v.ApprovedAt, v.PublishedAt, v.ObsoletedAt = fromNullMicros(submitted), fromNullMicros(approved), fromNullMicros(published), fromNullMicros(obsoleted)
	return &v, nil
}

func scopeJSON(s *bulkhead.ScopeDetails) (string, error) {
	if s == nil {
		return "", nil
	}
	b, err := json.Marshal(s)
	return string(b), err
}

func versionArgs(v *bulkhead.DocumentVersion) ([]any, error) {
	scope, err := scopeJSON(v.Scope)
	if err != nil {
		return nil, err
	}
	return []any{string(v.Status), v.Body, v.Note, v.FileName, v.FileType, v.FileSize, v.FileSHA256, scope,
		v.AuthorID, micros(v.CreatedAt), micros(v.UpdatedAt), v.SubmittedBy, nullMicros(v.SubmittedAt), v.ApprovedBy, string(v.ApprovedRole),
		nullMicros(v.ApprovedAt), v.PublishedBy, nullMicros(v.PublishedAt), nullMicros(v.ObsoletedAt)}, nil
}

func (q queries) DocumentVersion(ctx context.Context, orgID, id string) (*bulkhead.DocumentVersion, error) {
	v, err := scanVersion(q.q.QueryRowContext(ctx, `SELECT `+versionCols+` FROM document_versions WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Document version")
	}
	return v, nil
}

func (q queries) versions(ctx context.Context, query string, args ...any) ([]*bulkhead.DocumentVersion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+versionCols+` FROM document_versions WHERE `+query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []*bulkhead.DocumentVersion{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

func (q queries) DocumentVersions(ctx context.Context, orgID, documentID string) ([]*bulkhead.DocumentVersion, error) {
	return q.versions(ctx, `org_id = ? AND document_id = ? ORDER BY number DESC`, orgID, documentID)
}

func (q queries) DocumentVersionsByStatus(ctx context.Context, orgID string, status bulkhead.VersionStatus) ([]*bulkhead.DocumentVersion, error) {
	return q.versions(ctx, `org_id = ? AND status = ? ORDER BY updated_at, id`, orgID, string(status))
}

func (q queries) DocumentFile(ctx context.Context, orgID, versionID string) ([]byte, error) {
	var b []byte
	err := q.q.QueryRowContext(ctx, `SELECT content FROM document_files WHERE org_id = ? AND version_id = ?`, orgID, versionID).Scan(&b)
	if err != nil {
		return nil, notFound(err, "File")
	}
	return b, nil
}

func (q queries) putFile(ctx context.Context, v *bulkhead.DocumentVersion, file []byte) error {
	if file == nil {
		if !v.HasFile() {
			_, err := q.q.ExecContext(ctx, `DELETE FROM document_files WHERE version_id = ?`, v.ID)
			return mapErr(err)
		}
		return nil
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO document_files (version_id, org_id, content) VALUES (?, ?, ?)
		ON CONFLICT (version_id) DO UPDATE SET content = excluded.content`, v.ID, v.OrgID, file)
	return mapErr(err)
}

func (q queries) CreateDocumentVersion(ctx context.Context, v *bulkhead.DocumentVersion, file []byte) error {
	args, err := versionArgs(v)
	if err != nil {
		return err
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO document_versions (`+versionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{v.ID, v.OrgID, v.DocumentID, v.Number}, args...)...)
	if err != nil {
		return mapErr(err)
	}
	return q.putFile(ctx, v, file)
}

func (q queries) UpdateDocumentVersion(ctx context.Context, v *bulkhead.DocumentVersion, file []byte) error {
	args, err := versionArgs(v)
	if err != nil {
		return err
	}
	res, err := q.q.ExecContext(ctx, `UPDATE document_versions SET status = ?, body = ?, note = ?, file_name = ?, file_type = ?, file_size = ?,
		file_sha256 = ?, scope = ?, author_id = ?, created_at = ?, updated_at = ?, submitted_by = ?, submitted_at = ?, approved_by = ?,
		approved_role = ?, approved_at = ?, published_by = ?, published_at = ?, obsoleted_at = ? WHERE org_id = ? AND id = ?`,
		append(args, v.OrgID, v.ID)...)
	if err := affectedOne(res, err, "Document version"); err != nil {
		return err
	}
	return q.putFile(ctx, v, file)
}

// ---- acknowledgements

func (q queries) acks(ctx context.Context, where string, args ...any) ([]*bulkhead.DocumentAck, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT org_id, document_id, version_id, user_id, at FROM document_acks WHERE `+where+` ORDER BY at, user_id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []*bulkhead.DocumentAck{}
	for rows.Next() {
		var a bulkhead.DocumentAck
		var at int64
		if err := rows.Scan(&a.OrgID, &a.DocumentID, &a.VersionID, &a.UserID, &at); err != nil {
			return nil, mapErr(err)
		}
		a.At = fromMicros(at)
		out = append(out, &a)
	}
	return out, mapErr(rows.Err())
}

func (q queries) DocumentAcks(ctx context.Context, orgID, versionID string) ([]*bulkhead.DocumentAck, error) {
	return q.acks(ctx, `org_id = ? AND version_id = ?`, orgID, versionID)
}

func (q queries) UserDocumentAcks(ctx context.Context, orgID, userID string) ([]*bulkhead.DocumentAck, error) {
	return q.acks(ctx, `org_id = ? AND user_id = ?`, orgID, userID)
}

func (q queries) CreateDocumentAck(ctx context.Context, a *bulkhead.DocumentAck) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO document_acks (org_id, document_id, version_id, user_id, at) VALUES (?, ?, ?, ?, ?)`,
		a.OrgID, a.DocumentID, a.VersionID, a.UserID, micros(a.At))
	return mapErr(err)
}
