package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
)

// ---- controlled documents

// docRebind turns the ? placeholders of a statement into $1, $2 …, so that the
// document statements read like their SQLite twins.
func docRebind(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

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

func scanDoc(row pgx.Row) (*bulkhead.Document, error) {
	var d bulkhead.Document
	var roles, typ, class, status string
	if err := row.Scan(&d.ID, &d.OrgID, &d.Title, &d.Reference, &typ, &d.OwnerID, &class, &d.AckRequired, &roles,
		&d.ReviewMonths, &d.ReviewDue, &d.RetentionMonths, &d.LatestVersion, &status, &d.PublishedID, &d.PublishedNumber,
		&d.CreatedAt, &d.UpdatedAt, &d.ArchivedAt); err != nil {
		return nil, err
	}
	d.Type, d.Classification, d.LatestStatus = bulkhead.DocType(typ), bulkhead.Classification(class), bulkhead.VersionStatus(status)
	d.AckRoles = splitRoles(roles)
	d.ReviewDue = utcPtr(d.ReviewDue)
	d.CreatedAt, d.UpdatedAt, d.ArchivedAt = utc(d.CreatedAt), utc(d.UpdatedAt), utcPtr(d.ArchivedAt)
	return &d, nil
}

func docArgs(d *bulkhead.Document) []any {
	return []any{d.Title, d.Reference, string(d.Type), d.OwnerID, string(d.Classification), d.AckRequired, joinRoles(d.AckRoles),
		d.ReviewMonths, d.ReviewDue, d.RetentionMonths, d.LatestVersion, string(d.LatestStatus), d.PublishedID, d.PublishedNumber,
		d.CreatedAt, d.UpdatedAt, d.ArchivedAt}
}

// Document returns a document; inside a transaction it locks the row.
func (q queries) Document(ctx context.Context, orgID, id string) (*bulkhead.Document, error) {
	d, err := scanDoc(q.q.QueryRow(ctx, `SELECT `+docCols+` FROM documents WHERE org_id = $1 AND id = $2`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Document")
	}
	return d, nil
}

var docOrder = map[bulkhead.DocumentSort]string{
	bulkhead.DocSortTitle:     `lower(title COLLATE "C")`,
	bulkhead.DocSortReference: `reference COLLATE "C"`,
	bulkhead.DocSortType:      `type COLLATE "C"`,
	bulkhead.DocSortReview:    `review_due`,
	bulkhead.DocSortUpdated:   `updated_at`,
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
		cs := make([]string, len(f.Classes))
		for i, c := range f.Classes {
			cs[i] = string(c)
		}
		add("classification = ANY(?)", cs)
	}
	if f.ReviewBefore != nil {
		add("review_due < ?", *f.ReviewBefore)
	}
	if f.AckRequired {
		where = append(where, "ack_required AND published_id <> ''")
	}
	if f.Published {
		where = append(where, "published_id <> ''")
	}
	if f.Query != "" {
		p := bulkhead.LikePattern(f.Query)
		where = append(where, `(lower(title COLLATE "C") LIKE ? ESCAPE '\' OR lower(reference COLLATE "C") LIKE ? ESCAPE '\')`)
		args = append(args, p, p)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRow(ctx, docRebind(`SELECT count(*) FROM documents WHERE `+w), args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	// A page past the middle is read from the other end, in the opposite
	// order, and reversed: skipping rows costs time in proportion to the
	// offset.
	desc, limit, offset, reverse := f.Desc, f.Limit, f.Offset, false
	if offset > total/2 && offset < total {
		reverse, desc = true, !desc
		offset = total - f.Offset - f.Limit
		if offset < 0 {
			limit, offset = limit+offset, 0
		}
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	nulls := ""
	if f.Sort == bulkhead.DocSortReview {
		nulls = " NULLS LAST"
		if desc {
			nulls = " NULLS FIRST"
		}
	}
	order := docOrder[f.Sort] + dir + nulls + `, id COLLATE "C"` + dir
	// The page's ids come from the sort key's index alone (an index-only
	// scan where the visibility map allows), and only then its rows: the
	// rows skipped by the offset are never fetched from the table.
	rows, err := q.q.Query(ctx, docRebind(`SELECT `+docCols+` FROM documents WHERE id IN (SELECT id FROM documents WHERE `+w+
		` ORDER BY `+order+` LIMIT ? OFFSET ?) ORDER BY `+order), append(args, limit, offset)...)
	list, err := collect(rows, err, scanDoc)
	if err != nil {
		return nil, 0, err
	}
	if reverse {
		slices.Reverse(list)
	}
	if list == nil {
		list = []*bulkhead.Document{}
	}
	return list, total, nil
}

func (q queries) CreateDocument(ctx context.Context, d *bulkhead.Document) error {
	_, err := q.q.Exec(ctx, docRebind(`INSERT INTO documents (`+docCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		append([]any{d.ID, d.OrgID}, docArgs(d)...)...)
	return mapErr(err)
}

func (q queries) UpdateDocument(ctx context.Context, d *bulkhead.Document) error {
	tag, err := q.q.Exec(ctx, docRebind(`UPDATE documents SET title = ?, reference = ?, type = ?, owner_id = ?, classification = ?, ack_required = ?,
		ack_roles = ?, review_months = ?, review_due = ?, retention_months = ?, latest_version = ?, latest_status = ?, published_id = ?,
		published_number = ?, created_at = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`),
		append(docArgs(d), d.OrgID, d.ID)...)
	return affectedOne(tag, err, "Document")
}

// ---- versions

const versionCols = `id, org_id, document_id, number, status, body, note, file_name, file_type, file_size, file_sha256, scope,
	author_id, created_at, updated_at, submitted_by, submitted_at, approved_by, approved_role, approved_at, published_by, published_at, obsoleted_at`

func scanVersion(row pgx.Row) (*bulkhead.DocumentVersion, error) {
	var v bulkhead.DocumentVersion
	var scope, status, role string
	if err := row.Scan(&v.ID, &v.OrgID, &v.DocumentID, &v.Number, &status, &v.Body, &v.Note, &v.FileName, &v.FileType, &v.FileSize,
		&v.FileSHA256, &scope, &v.AuthorID, &v.CreatedAt, &v.UpdatedAt, &v.SubmittedBy, &v.SubmittedAt, &v.ApprovedBy, &role, &v.ApprovedAt,
		&v.PublishedBy, &v.PublishedAt, &v.ObsoletedAt); err != nil {
		return nil, err
	}
	v.Status, v.ApprovedRole = bulkhead.VersionStatus(status), bulkhead.Role(role)
	if scope != "" {
		v.Scope = &bulkhead.ScopeDetails{}
		if err := json.Unmarshal([]byte(scope), v.Scope); err != nil {
			return nil, err
		}
	}
	v.CreatedAt, v.UpdatedAt = utc(v.CreatedAt), utc(v.UpdatedAt)
	v.SubmittedAt, v.ApprovedAt, v.PublishedAt, v.ObsoletedAt = utcPtr(v.SubmittedAt), utcPtr(v.ApprovedAt), utcPtr(v.PublishedAt), utcPtr(v.ObsoletedAt)
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
		v.AuthorID, v.CreatedAt, v.UpdatedAt, v.SubmittedBy, v.SubmittedAt, v.ApprovedBy, string(v.ApprovedRole),
		v.ApprovedAt, v.PublishedBy, v.PublishedAt, v.ObsoletedAt}, nil
}

// DocumentVersion returns a version; inside a transaction it locks the row.
func (q queries) DocumentVersion(ctx context.Context, orgID, id string) (*bulkhead.DocumentVersion, error) {
	v, err := scanVersion(q.q.QueryRow(ctx, `SELECT `+versionCols+` FROM document_versions WHERE org_id = $1 AND id = $2`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Document version")
	}
	return v, nil
}

func (q queries) versions(ctx context.Context, query string, args ...any) ([]*bulkhead.DocumentVersion, error) {
	rows, err := q.q.Query(ctx, docRebind(`SELECT `+versionCols+` FROM document_versions WHERE `+query), args...)
	list, err := collect(rows, err, scanVersion)
	if list == nil && err == nil {
		list = []*bulkhead.DocumentVersion{}
	}
	return list, err
}

func (q queries) DocumentVersions(ctx context.Context, orgID, documentID string) ([]*bulkhead.DocumentVersion, error) {
	return q.versions(ctx, `org_id = ? AND document_id = ? ORDER BY number DESC`, orgID, documentID)
}

func (q queries) DocumentVersionsByStatus(ctx context.Context, orgID string, status bulkhead.VersionStatus) ([]*bulkhead.DocumentVersion, error) {
	return q.versions(ctx, `org_id = ? AND status = ? ORDER BY updated_at, id COLLATE "C"`, orgID, string(status))
}

func (q queries) DocumentFile(ctx context.Context, orgID, versionID string) ([]byte, error) {
	var b []byte
	err := q.q.QueryRow(ctx, `SELECT content FROM document_files WHERE org_id = $1 AND version_id = $2`, orgID, versionID).Scan(&b)
	if err != nil {
		return nil, notFound(err, "File")
	}
	return b, nil
}

func (q queries) putFile(ctx context.Context, v *bulkhead.DocumentVersion, file []byte) error {
	if file == nil {
		if !v.HasFile() {
			_, err := q.q.Exec(ctx, `DELETE FROM document_files WHERE version_id = $1`, v.ID)
			return mapErr(err)
		}
		return nil
	}
	_, err := q.q.Exec(ctx, `INSERT INTO document_files (version_id, org_id, content) VALUES ($1, $2, $3)
		ON CONFLICT (version_id) DO UPDATE SET content = excluded.content`, v.ID, v.OrgID, file)
	return mapErr(err)
}

func (q queries) CreateDocumentVersion(ctx context.Context, v *bulkhead.DocumentVersion, file []byte) error {
	args, err := versionArgs(v)
	if err != nil {
		return err
	}
	_, err = q.q.Exec(ctx, docRebind(`INSERT INTO document_versions (`+versionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
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
	tag, err := q.q.Exec(ctx, docRebind(`UPDATE document_versions SET status = ?, body = ?, note = ?, file_name = ?, file_type = ?, file_size = ?,
		file_sha256 = ?, scope = ?, author_id = ?, created_at = ?, updated_at = ?, submitted_by = ?, submitted_at = ?, approved_by = ?,
		approved_role = ?, approved_at = ?, published_by = ?, published_at = ?, obsoleted_at = ? WHERE org_id = ? AND id = ?`),
		append(args, v.OrgID, v.ID)...)
	if err := affectedOne(tag, err, "Document version"); err != nil {
		return err
	}
	return q.putFile(ctx, v, file)
}

// ---- acknowledgements

func scanAck(row pgx.Row) (*bulkhead.DocumentAck, error) {
	var a bulkhead.DocumentAck
	var at time.Time
	if err := row.Scan(&a.OrgID, &a.DocumentID, &a.VersionID, &a.UserID, &at); err != nil {
		return nil, err
	}
	a.At = utc(at)
	return &a, nil
}

func (q queries) acks(ctx context.Context, where string, args ...any) ([]*bulkhead.DocumentAck, error) {
	rows, err := q.q.Query(ctx, docRebind(`SELECT org_id, document_id, version_id, user_id, at FROM document_acks WHERE `+where+` ORDER BY at, user_id COLLATE "C"`), args...)
	list, err := collect(rows, err, scanAck)
	if list == nil && err == nil {
		list = []*bulkhead.DocumentAck{}
	}
	return list, err
}

func (q queries) DocumentAcks(ctx context.Context, orgID, versionID string) ([]*bulkhead.DocumentAck, error) {
	return q.acks(ctx, `org_id = ? AND version_id = ?`, orgID, versionID)
}

func (q queries) UserDocumentAcks(ctx context.Context, orgID, userID string) ([]*bulkhead.DocumentAck, error) {
	return q.acks(ctx, `org_id = ? AND user_id = ?`, orgID, userID)
}

func (q queries) CreateDocumentAck(ctx context.Context, a *bulkhead.DocumentAck) error {
	_, err := q.q.Exec(ctx, `INSERT INTO document_acks (org_id, document_id, version_id, user_id, at) VALUES ($1, $2, $3, $4, $5)`,
		a.OrgID, a.DocumentID, a.VersionID, a.UserID, a.At)
	return mapErr(err)
}
