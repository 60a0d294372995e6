package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries implements bulkhead.Reader (and, inside a transaction, the
// writes of bulkhead.Tx) over a querier.
type queries struct{ q querier }

// txn is a bulkhead.Tx.
type txn struct{ queries }

var _ bulkhead.Tx = (*txn)(nil)

func notFound(err error, what string) error {
	if err == sql.ErrNoRows {
		return bulkhead.NotFound(what)
	}
	return mapErr(err)
}

// ---- organisations

const orgCols = `id, slug, name, created_at`

func scanOrg(row interface{ Scan(...any) error }) (*bulkhead.Organization, error) {
	var o bulkhead.Organization
	var created int64
	if err := row.Scan(&o.ID, &o.Slug, &o.Name, &created); err != nil {
		return nil, err
	}
	o.CreatedAt = fromMicros(created)
	return &o, nil
}

func (q queries) Organization(ctx context.Context, id string) (*bulkhead.Organization, error) {
	o, err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM organizations WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Organisation")
	}
	return o, nil
}

func (q queries) OrganizationBySlug(ctx context.Context, slug string) (*bulkhead.Organization, error) {
	o, err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM organizations WHERE slug = ?`, slug))
	if err != nil {
		return nil, notFound(err, "Organisation")
	}
	return o, nil
}

func (q queries) Organizations(ctx context.Context) ([]*bulkhead.Organization, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+orgCols+` FROM organizations ORDER BY name, id`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, o)
	}
	return out, mapErr(rows.Err())
}

func (q queries) CreateOrganization(ctx context.Context, o *bulkhead.Organization) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO organizations (id, slug, name, created_at) VALUES (?, ?, ?, ?)`,
		o.ID, o.Slug, o.Name, micros(o.CreatedAt))
	return mapErr(err)
}

// ---- users and memberships

const userCols = `id, email, name, password_hash, lang, time_zone, created_at, updated_at, disabled_at`

func scanUser(row interface{ Scan(...any) error }) (*bulkhead.User, error) {
	var u bulkhead.User
	var created, updated int64
	var disabled sql.NullInt64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Lang, &u.TimeZone, &created, &updated, &disabled); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt, u.DisabledAt = fromMicros(created), fromMicros(updated), fromNullMicros(disabled)
	return &u, nil
}

func (q queries) User(ctx context.Context, id string) (*bulkhead.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

func (q queries) UserByEmail(ctx context.Context, email string) (*bulkhead.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

func (q queries) CreateUser(ctx context.Context, u *bulkhead.User) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.Name, u.PasswordHash, u.Lang, u.TimeZone, micros(u.CreatedAt), micros(u.UpdatedAt), nullMicros(u.DisabledAt))
	return mapErr(err)
}

func (q queries) UpdateUser(ctx context.Context, u *bulkhead.User) error {
	res, err := q.q.ExecContext(ctx, `UPDATE users SET name = ?, password_hash = ?, lang = ?, time_zone = ?, updated_at = ?, disabled_at = ? WHERE id = ?`,
		u.Name, u.PasswordHash, u.Lang, u.TimeZone, micros(u.UpdatedAt), nullMicros(u.DisabledAt), u.ID)
	return affectedOne(res, err, "User")
}

func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return bulkhead.NotFound(what)
	}
	return nil
}

const memberCols = `m.org_id, m.user_id, m.role, m.created_at, o.name, o.slug, u.name, u.email`
const memberFrom = ` FROM memberships m JOIN organizations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id`

func scanMember(row interface{ Scan(...any) error }) (*bulkhead.Membership, error) {
	var m bulkhead.Membership
	var created int64
	if err := row.Scan(&m.OrgID, &m.UserID, &m.Role, &created, &m.OrgName, &m.OrgSlug, &m.UserName, &m.Email); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMicros(created)
	return &m, nil
}

func (q queries) Membership(ctx context.Context, orgID, userID string) (*bulkhead.Membership, error) {
	m, err := scanMember(q.q.QueryRowContext(ctx, `SELECT `+memberCols+memberFrom+` WHERE m.org_id = ? AND m.user_id = ?`, orgID, userID))
	if err != nil {
		return nil, notFound(err, "Membership")
	}
	return m, nil
}

func (q queries) members(ctx context.Context, where, order string, arg string) ([]*bulkhead.Membership, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+memberCols+memberFrom+` WHERE `+where+` ORDER BY `+order, arg)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.Membership
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

func (q queries) Memberships(ctx context.Context, userID string) ([]*bulkhead.Membership, error) {
	return q.members(ctx, `m.user_id = ?`, `o.name, o.id`, userID)
}

func (q queries) Members(ctx context.Context, orgID string) ([]*bulkhead.Membership, error) {
	return q.members(ctx, `m.org_id = ?`, `u.name, u.id`, orgID)
}

func (q queries) PutMembership(ctx context.Context, m *bulkhead.Membership) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`, m.OrgID, m.UserID, string(m.Role), micros(m.CreatedAt))
	return mapErr(err)
}

// ---- sessions

func (q queries) SessionByHash(ctx context.Context, hash []byte) (*bulkhead.Session, error) {
	var s bulkhead.Session
	var created, expires, seen int64
	err := q.q.QueryRowContext(ctx, `SELECT id, token_hash, user_id, org_id, csrf_token, created_at, expires_at, last_seen FROM sessions WHERE token_hash = ?`, hash).
		Scan(&s.ID, &s.TokenHash, &s.UserID, &s.OrgID, &s.CSRFToken, &created, &expires, &seen)
	if err != nil {
		return nil, notFound(err, "Session")
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeen = fromMicros(created), fromMicros(expires), fromMicros(seen)
	return &s, nil
}

func (q queries) CreateSession(ctx context.Context, s *bulkhead.Session) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, user_id, org_id, csrf_token, created_at, expires_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.TokenHash, s.UserID, s.OrgID, s.CSRFToken, micros(s.CreatedAt), micros(s.ExpiresAt), micros(s.LastSeen))
	return mapErr(err)
}

func (q queries) TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?`, micros(lastSeen), micros(expires), id)
	return mapErr(err)
}

func (q queries) DeleteSession(ctx context.Context, id string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return mapErr(err)
}

func (q queries) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return mapErr(err)
}

func (q queries) DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, micros(t))
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return int(n), mapErr(err)
}

// ---- API tokens

const tokenCols = `id, org_id, user_id, name, prefix, hash, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*bulkhead.APIToken, error) {
	var t bulkhead.APIToken
	var created int64
	var expires, used, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &created, &expires, &used, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMicros(created)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromNullMicros(expires), fromNullMicros(used), fromNullMicros(revoked)
	return &t, nil
}

func (q queries) APITokenByHash(ctx context.Context, hash []byte) (*bulkhead.APIToken, error) {
	t, err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash))
	if err != nil {
		return nil, notFound(err, "API token")
	}
	return t, nil
}

func (q queries) APIToken(ctx context.Context, orgID, id string) (*bulkhead.APIToken, error) {
	t, err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "API token")
	}
	return t, nil
}

func (q queries) APITokens(ctx context.Context, orgID, userID string) ([]*bulkhead.APIToken, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE org_id = ? AND user_id = ? ORDER BY id DESC`, orgID, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

func (q queries) CreateAPIToken(ctx context.Context, t *bulkhead.APIToken) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO api_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.UserID, t.Name, t.Prefix, t.Hash, micros(t.CreatedAt), nullMicros(t.ExpiresAt), nullMicros(t.LastUsedAt), nullMicros(t.RevokedAt))
	return mapErr(err)
}

func (q queries) RevokeAPIToken(ctx context.Context, orgID, id string, at time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE org_id = ? AND id = ? AND revoked_at IS NULL`, micros(at), orgID, id)
	return affectedOne(res, err, "API token")
}

func (q queries) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, micros(at), id)
	return mapErr(err)
}

// ---- login throttling

func (q queries) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE key = ? AND at >= ?`, key, micros(since)).Scan(&n)
	return n, mapErr(err)
}

func (q queries) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, key, micros(at))
	if err != nil {
		return mapErr(err)
	}
	// Forget failures older than a day so the table stays small.
	_, err = q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ? AND at < ?`, key, micros(at.Add(-24*time.Hour)))
	return mapErr(err)
}

func (q queries) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
	return mapErr(err)
}

// ---- sites

const siteCols = `id, org_id, name, type, unlocode, address, country, time_zone, notes, created_at, updated_at, archived_at`

func scanSite(row interface{ Scan(...any) error }) (*bulkhead.Site, error) {
	var s bulkhead.Site
	var created, updated int64
	var archived sql.NullInt64
	if err := row.Scan(&s.ID, &s.OrgID, &s.Name, &s.Type, &s.UNLOCODE, &s.Address, &s.Country, &s.TimeZone, &s.Notes, &created, &updated, &archived); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt, s.ArchivedAt = fromMicros(created), fromMicros(updated), fromNullMicros(archived)
	return &s, nil
}

func (q queries) Site(ctx context.Context, orgID, id string) (*bulkhead.Site, error) {
	s, err := scanSite(q.q.QueryRowContext(ctx, `SELECT `+siteCols+` FROM sites WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Site")
	}
	return s, nil
}

var siteOrder = map[bulkhead.SiteSort]string{
	bulkhead.SiteSortName:     "lower(name)",
	bulkhead.SiteSortType:     "type",
	bulkhead.SiteSortCountry:  "country",
	bulkhead.SiteSortUNLOCODE: "unlocode",
	bulkhead.SiteSortCreated:  "id", // IDs sort in creation order
	bulkhead.SiteSortUpdated:  "updated_at",
}

func (q queries) Sites(ctx context.Context, f bulkhead.SiteFilter) ([]*bulkhead.Site, int, error) {
	where := []string{"org_id = ?"}
	args := []any{f.OrgID}
	switch f.Status {
	case bulkhead.StatusActive:
		where = append(where, "archived_at IS NULL")
	case bulkhead.StatusArchived:
		where = append(where, "archived_at IS NOT NULL")
	}
	if f.Type != "" {
		where = append(where, "type = ?")
		args = append(args, string(f.Type))
	}
	if f.Country != "" {
		where = append(where, "country = ?")
		args = append(args, f.Country)
	}
	from := "sites"
	var total int
	if f.Query == "" {
		// Totals come from the trigger-maintained counts.
		cw := strings.Replace(strings.Join(where, " AND "), "archived_at IS NULL", "archived = 0", 1)
		cw = strings.Replace(cw, "archived_at IS NOT NULL", "archived = 1", 1)
		if err := q.q.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM site_counts WHERE `+cw, args...).Scan(&total); err != nil {
			return nil, 0, mapErr(err)
		}
	} else {
		if utf8.RuneCountInString(f.Query) >= 3 {
			// Candidates come from the trigram index (the outer loop, so
			// the planner does not walk a sort index probing each row);
			// the LIKE predicate below decides exactly.
			from = "(SELECT rowid AS match_rid FROM sites_search WHERE sites_search MATCH ? UNION SELECT rid FROM sites_search_queue) AS m CROSS JOIN sites ON sites.rid = m.match_rid"
			args = append([]any{`"` + strings.ReplaceAll(f.Query, `"`, `""`) + `"`}, args...)
		}
		p := bulkhead.LikePattern(f.Query)
		where = append(where, `(lower(name) LIKE ? ESCAPE '\' OR lower(unlocode) LIKE ? ESCAPE '\' OR lower(address) LIKE ? ESCAPE '\' OR lower(notes) LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p, p)
		if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM `+from+` WHERE `+strings.Join(where, " AND "), args...).Scan(&total); err != nil {
			return nil, 0, mapErr(err)
		}
	}
	w := strings.Join(where, " AND ")
	// A page past the middle is read from the other end: skipping rows
	// costs time in proportion to the offset.
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
	order := siteOrder[f.Sort] + dir + ", id" + dir
	rows, err := q.q.QueryContext(ctx, `SELECT `+siteCols+` FROM `+from+` WHERE `+w+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	out := make([]*bulkhead.Site, 0, f.Limit)
	for rows.Next() {
		s, err := scanSite(rows)
		if err != nil {
			return nil, 0, mapErr(err)
		}
		out = append(out, s)
	}
	if reverse {
		slices.Reverse(out)
	}
	return out, total, mapErr(rows.Err())
}

func (q queries) SiteCounts(ctx context.Context, orgID string) (map[bulkhead.SiteType]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT type, sum(n) FROM site_counts WHERE org_id = ? AND archived = 0 GROUP BY type HAVING sum(n) > 0`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[bulkhead.SiteType]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, mapErr(err)
		}
		out[bulkhead.SiteType(t)] = n
	}
	return out, mapErr(rows.Err())
}

func (q queries) CreateSite(ctx context.Context, s *bulkhead.Site) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO sites (`+siteCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.OrgID, s.Name, string(s.Type), s.UNLOCODE, s.Address, s.Country, s.TimeZone, s.Notes, micros(s.CreatedAt), micros(s.UpdatedAt), nullMicros(s.ArchivedAt))
	return mapErr(err)
}

func (q queries) UpdateSite(ctx context.Context, s *bulkhead.Site) error {
	res, err := q.q.ExecContext(ctx, `UPDATE sites SET name = ?, type = ?, unlocode = ?, address = ?, country = ?, time_zone = ?, notes = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		s.Name, string(s.Type), s.UNLOCODE, s.Address, s.Country, s.TimeZone, s.Notes, micros(s.UpdatedAt), nullMicros(s.ArchivedAt), s.OrgID, s.ID)
	return affectedOne(res, err, "Site")
}

// ---- audit trail

const auditCols = `org_id, seq, id, at, actor_id, actor_name, action, object_type, object_id, change, change_digest, prev_hash, hash`

func scanAudit(row interface{ Scan(...any) error }, e *bulkhead.AuditEntry) error {
	var at int64
	if err := row.Scan(&e.OrgID, &e.Seq, &e.ID, &at, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID, &e.Change, &e.ChangeDigest, &e.PrevHash, &e.Hash); err != nil {
		return err
	}
	e.At = fromMicros(at)
	return nil
}

func (q queries) AuditEntries(ctx context.Context, f bulkhead.AuditFilter) ([]*bulkhead.AuditEntry, int, error) {
	where := []string{"org_id = ?"}
	args := []any{f.OrgID}
	add := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	add("object_type", f.ObjectType)
	add("object_id", f.ObjectID)
	add("actor_id", f.ActorID)
	add("action", f.Action)
	w := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM audit_entries WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	if f.BeforeSeq > 0 {
		w += " AND seq < ?"
		args = append(args, f.BeforeSeq)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_entries WHERE `+w+` ORDER BY seq DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.AuditEntry
	for rows.Next() {
		var e bulkhead.AuditEntry
		if err := scanAudit(rows, &e); err != nil {
			return nil, 0, mapErr(err)
		}
		out = append(out, &e)
	}
	return out, total, mapErr(rows.Err())
}

func (q queries) AuditHead(ctx context.Context, orgID string) (bulkhead.AuditHead, error) {
	var h bulkhead.AuditHead
	err := q.q.QueryRowContext(ctx, `SELECT audit_seq, audit_hash FROM organizations WHERE id = ?`, orgID).Scan(&h.Seq, &h.Hash)
	if err != nil {
		return h, notFound(err, "Organisation")
	}
	if h.Seq == 0 {
		h.Hash = append([]byte(nil), bulkhead.GenesisHash...)
	}
	return h, nil
}

func (q queries) ScanAudit(ctx context.Context, orgID string, from, to int64, fn func(*bulkhead.AuditEntry) error) error {
	rows, err := q.q.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_entries WHERE org_id = ? AND seq >= ? AND seq < ? ORDER BY seq`, orgID, from, to)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	var e bulkhead.AuditEntry
	for rows.Next() {
		if err := scanAudit(rows, &e); err != nil {
			return mapErr(err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// LockAuditHead reads the head; the writer connection's IMMEDIATE
// transaction already holds SQLite's write lock, which serialises appends.
func (q queries) LockAuditHead(ctx context.Context, orgID string) (bulkhead.AuditHead, error) {
	return q.AuditHead(ctx, orgID)
}

func (q queries) InsertAudit(ctx context.Context, e *bulkhead.AuditEntry) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO audit_entries (`+auditCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.OrgID, e.Seq, e.ID, micros(e.At), e.ActorID, e.ActorName, e.Action, e.ObjectType, e.ObjectID, e.Change, e.ChangeDigest, e.PrevHash, e.Hash)
	if err != nil {
		return mapErr(err)
	}
	res, err := q.q.ExecContext(ctx, `UPDATE organizations SET audit_seq = ?, audit_hash = ? WHERE id = ? AND audit_seq = ?`, e.Seq, e.Hash, e.OrgID, e.Seq-1)
	if err != nil {
		return mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapErr(err)
	} else if n == 0 {
		return bulkhead.Errorf(bulkhead.ECONFLICT, "The audit trail moved on during the change; try again.")
	}
	return nil
}
