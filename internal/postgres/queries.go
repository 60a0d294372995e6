package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// querier is what *pgxpool.Pool and pgx.Tx share.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// lockRow is appended to the reads of single records that a transaction
// may go on to change (site, user, API token). SQLite runs one write
// transaction at a time, so a read-modify-write there is atomic; under READ
// COMMITTED two transactions could both read a row and the later write
// would undo the earlier one (e.g. a profile edit restoring a password hash
// just changed). NO KEY UPDATE, unlike UPDATE, does not block inserts whose
// foreign keys point at the row.
const lockRow = ` FOR NO KEY UPDATE`

// queries implements bulkhead.Reader (and, inside a transaction, the
// writes of bulkhead.Tx) over a querier.
type queries struct {
	q    querier
	lock string // "" outside a transaction, lockRow inside one
}

// txn is a bulkhead.Tx.
type txn struct{ queries }

var _ bulkhead.Tx = (*txn)(nil)

func notFound(err error, what string) error {
	if err == pgx.ErrNoRows {
		return bulkhead.NotFound(what)
	}
	return mapErr(err)
}

// collect reads every row with scan, mapping errors.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, x)
	}
	return out, mapErr(rows.Err())
}

// ---- organisations

const orgCols = `id, slug, name, created_at`

func scanOrg(row pgx.Row) (*bulkhead.Organization, error) {
	var o bulkhead.Organization
	if err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.CreatedAt); err != nil {
		return nil, err
	}
	o.CreatedAt = utc(o.CreatedAt)
	return &o, nil
}

// Organization returns an organisation by ID. ENOTFOUND.
func (q queries) Organization(ctx context.Context, id string) (*bulkhead.Organization, error) {
	o, err := scanOrg(q.q.QueryRow(ctx, `SELECT `+orgCols+` FROM organizations WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "Organisation")
	}
	return o, nil
}

// OrganizationBySlug returns an organisation by slug. ENOTFOUND.
func (q queries) OrganizationBySlug(ctx context.Context, slug string) (*bulkhead.Organization, error) {
	o, err := scanOrg(q.q.QueryRow(ctx, `SELECT `+orgCols+` FROM organizations WHERE slug = $1`, slug))
	if err != nil {
		return nil, notFound(err, "Organisation")
	}
	return o, nil
}

// Organizations lists every organisation, by name (byte order).
func (q queries) Organizations(ctx context.Context) ([]*bulkhead.Organization, error) {
	rows, err := q.q.Query(ctx, `SELECT `+orgCols+` FROM organizations ORDER BY name COLLATE "C", id COLLATE "C"`)
	return collect(rows, err, scanOrg)
}

// CreateOrganization stores a new organisation. ECONFLICT on a taken slug.
func (q queries) CreateOrganization(ctx context.Context, o *bulkhead.Organization) error {
	_, err := q.q.Exec(ctx, `INSERT INTO organizations (id, slug, name, created_at) VALUES ($1, $2, $3, $4)`,
		o.ID, o.Slug, o.Name, o.CreatedAt)
	return mapErr(err)
}

// ---- users and memberships

const userCols = `id, email, name, password_hash, lang, time_zone, created_at, updated_at, disabled_at`

func scanUser(row pgx.Row) (*bulkhead.User, error) {
	var u bulkhead.User
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Lang, &u.TimeZone, &u.CreatedAt, &u.UpdatedAt, &u.DisabledAt); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt, u.DisabledAt = utc(u.CreatedAt), utc(u.UpdatedAt), utcPtr(u.DisabledAt)
	return &u, nil
}

// User returns a user by ID; inside a transaction it locks the row. ENOTFOUND.
func (q queries) User(ctx context.Context, id string) (*bulkhead.User, error) {
	u, err := scanUser(q.q.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`+q.lock, id))
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

// UserByEmail returns a user by normalised e-mail; inside a transaction it
// locks the row. ENOTFOUND.
func (q queries) UserByEmail(ctx context.Context, email string) (*bulkhead.User, error) {
	u, err := scanUser(q.q.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`+q.lock, email))
	if err != nil {
		return nil, notFound(err, "User")
	}
	return u, nil
}

// CreateUser stores a new user. ECONFLICT on a taken e-mail.
func (q queries) CreateUser(ctx context.Context, u *bulkhead.User) error {
	_, err := q.q.Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, u.Email, u.Name, u.PasswordHash, u.Lang, u.TimeZone, u.CreatedAt, u.UpdatedAt, u.DisabledAt)
	return mapErr(err)
}

// UpdateUser saves a user's name, password hash, language, time zone and
// disabled time. ENOTFOUND.
func (q queries) UpdateUser(ctx context.Context, u *bulkhead.User) error {
	tag, err := q.q.Exec(ctx, `UPDATE users SET name = $1, password_hash = $2, lang = $3, time_zone = $4, updated_at = $5, disabled_at = $6 WHERE id = $7`,
		u.Name, u.PasswordHash, u.Lang, u.TimeZone, u.UpdatedAt, u.DisabledAt, u.ID)
	return affectedOne(tag, err, "User")
}

func affectedOne(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return bulkhead.NotFound(what)
	}
	return nil
}

const memberCols = `m.org_id, m.user_id, m.role, m.created_at, o.name, o.slug, u.name, u.email`
const memberFrom = ` FROM memberships m JOIN organizations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id`

func scanMember(row pgx.Row) (*bulkhead.Membership, error) {
	var m bulkhead.Membership
	var role string
	if err := row.Scan(&m.OrgID, &m.UserID, &role, &m.CreatedAt, &m.OrgName, &m.OrgSlug, &m.UserName, &m.Email); err != nil {
		return nil, err
	}
	m.Role, m.CreatedAt = bulkhead.Role(role), utc(m.CreatedAt)
	return &m, nil
}

// Membership returns a user's membership of an organisation. ENOTFOUND.
func (q queries) Membership(ctx context.Context, orgID, userID string) (*bulkhead.Membership, error) {
	m, err := scanMember(q.q.QueryRow(ctx, `SELECT `+memberCols+memberFrom+` WHERE m.org_id = $1 AND m.user_id = $2`, orgID, userID))
	if err != nil {
		return nil, notFound(err, "Membership")
	}
	return m, nil
}

func (q queries) members(ctx context.Context, where, order string, arg string) ([]*bulkhead.Membership, error) {
	rows, err := q.q.Query(ctx, `SELECT `+memberCols+memberFrom+` WHERE `+where+` ORDER BY `+order, arg)
	return collect(rows, err, scanMember)
}

// Memberships lists a user's memberships, by organisation name.
func (q queries) Memberships(ctx context.Context, userID string) ([]*bulkhead.Membership, error) {
	return q.members(ctx, `m.user_id = $1`, `o.name COLLATE "C", o.id COLLATE "C"`, userID)
}

// Members lists an organisation's memberships, by user name.
func (q queries) Members(ctx context.Context, orgID string) ([]*bulkhead.Membership, error) {
	return q.members(ctx, `m.org_id = $1`, `u.name COLLATE "C", u.id COLLATE "C"`, orgID)
}

// PutMembership creates or changes a membership. EINVALID for an unknown
// role, user or organisation.
func (q queries) PutMembership(ctx context.Context, m *bulkhead.Membership) error {
	_, err := q.q.Exec(ctx, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`, m.OrgID, m.UserID, string(m.Role), m.CreatedAt)
	return mapErr(err)
}

// ---- sessions

// SessionByHash returns a session by token hash, expired or not. ENOTFOUND.
func (q queries) SessionByHash(ctx context.Context, hash []byte) (*bulkhead.Session, error) {
	var s bulkhead.Session
	err := q.q.QueryRow(ctx, `SELECT id, token_hash, user_id, org_id, csrf_token, created_at, expires_at, last_seen FROM sessions WHERE token_hash = $1`, hash).
		Scan(&s.ID, &s.TokenHash, &s.UserID, &s.OrgID, &s.CSRFToken, &s.CreatedAt, &s.ExpiresAt, &s.LastSeen)
	if err != nil {
		return nil, notFound(err, "Session")
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeen = utc(s.CreatedAt), utc(s.ExpiresAt), utc(s.LastSeen)
	return &s, nil
}

// CreateSession stores a session.
func (q queries) CreateSession(ctx context.Context, s *bulkhead.Session) error {
	_, err := q.q.Exec(ctx, `INSERT INTO sessions (id, token_hash, user_id, org_id, csrf_token, created_at, expires_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, s.TokenHash, s.UserID, s.OrgID, s.CSRFToken, s.CreatedAt, s.ExpiresAt, s.LastSeen)
	return mapErr(err)
}

// TouchSession moves a session's last-seen and expiry times.
func (q queries) TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error {
	_, err := q.q.Exec(ctx, `UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE id = $3`, lastSeen, expires, id)
	return mapErr(err)
}

// DeleteSession removes a session; a missing one is ignored.
func (q queries) DeleteSession(ctx context.Context, id string) error {
	_, err := q.q.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return mapErr(err)
}

// DeleteUserSessions removes every session of a user.
func (q queries) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := q.q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return mapErr(err)
}

// DeleteExpiredSessions removes sessions that expired before t and returns
// how many.
func (q queries) DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error) {
	tag, err := q.q.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, t)
	if err != nil {
		return 0, mapErr(err)
	}
	return int(tag.RowsAffected()), nil
}

// ---- API tokens

const tokenCols = `id, org_id, user_id, name, prefix, hash, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row pgx.Row) (*bulkhead.APIToken, error) {
	var t bulkhead.APIToken
	if err := row.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
		return nil, err
	}
	t.CreatedAt = utc(t.CreatedAt)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = utcPtr(t.ExpiresAt), utcPtr(t.LastUsedAt), utcPtr(t.RevokedAt)
	return &t, nil
}

// APITokenByHash returns a token by hash. ENOTFOUND.
func (q queries) APITokenByHash(ctx context.Context, hash []byte) (*bulkhead.APIToken, error) {
	t, err := scanToken(q.q.QueryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = $1`, hash))
	if err != nil {
		return nil, notFound(err, "API token")
	}
	return t, nil
}

// APIToken returns a token of an organisation by ID; inside a transaction
// it locks the row. ENOTFOUND.
func (q queries) APIToken(ctx context.Context, orgID, id string) (*bulkhead.APIToken, error) {
	t, err := scanToken(q.q.QueryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE org_id = $1 AND id = $2`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "API token")
	}
	return t, nil
}

// APITokens lists a user's tokens in an organisation, newest first.
func (q queries) APITokens(ctx context.Context, orgID, userID string) ([]*bulkhead.APIToken, error) {
	rows, err := q.q.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY id COLLATE "C" DESC`, orgID, userID)
	return collect(rows, err, scanToken)
}

// CreateAPIToken stores a token. EINVALID when the user is not a member of
// the token's organisation.
func (q queries) CreateAPIToken(ctx context.Context, t *bulkhead.APIToken) error {
	_, err := q.q.Exec(ctx, `INSERT INTO api_tokens (`+tokenCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, t.OrgID, t.UserID, t.Name, t.Prefix, t.Hash, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt)
	return mapErr(err)
}

// RevokeAPIToken sets a token's revocation time. ENOTFOUND when the token is
// missing, of another organisation or already revoked.
func (q queries) RevokeAPIToken(ctx context.Context, orgID, id string, at time.Time) error {
	tag, err := q.q.Exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL`, at, orgID, id)
	return affectedOne(tag, err, "API token")
}

// TouchAPIToken sets a token's last-used time.
func (q queries) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	_, err := q.q.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at, id)
	return mapErr(err)
}

// ---- login throttling

// LoginFailures counts failed logins recorded for key since a time.
func (q queries) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE key = $1 AND at >= $2`, key, since).Scan(&n)
	return n, mapErr(err)
}

// RecordLoginFailure notes a failed login for key at t, forgetting the
// key's failures older than a day.
func (q queries) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	_, err := q.q.Exec(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, at)
	if err != nil {
		return mapErr(err)
	}
	// Forget failures older than a day so the table stays small.
	_, err = q.q.Exec(ctx, `DELETE FROM login_failures WHERE key = $1 AND at < $2`, key, at.Add(-24*time.Hour))
	return mapErr(err)
}

// ClearLoginFailures forgets the failures of key.
func (q queries) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := q.q.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
	return mapErr(err)
}

// ---- sites

const siteCols = `id, org_id, name, type, unlocode, address, country, time_zone, notes, created_at, updated_at, archived_at`

func scanSite(row pgx.Row) (*bulkhead.Site, error) { return scanSiteAnd(row) }

// scanSiteAnd scans siteCols and then more columns into more.
func scanSiteAnd(row pgx.Row, more ...any) (*bulkhead.Site, error) {
	var s bulkhead.Site
	var typ string
	dst := append([]any{&s.ID, &s.OrgID, &s.Name, &typ, &s.UNLOCODE, &s.Address, &s.Country, &s.TimeZone, &s.Notes, &s.CreatedAt, &s.UpdatedAt, &s.ArchivedAt}, more...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	s.Type = bulkhead.SiteType(typ)
	s.CreatedAt, s.UpdatedAt, s.ArchivedAt = utc(s.CreatedAt), utc(s.UpdatedAt), utcPtr(s.ArchivedAt)
	return &s, nil
}

// Site returns a site of an organisation; inside a transaction it locks the
// row. ENOTFOUND.
func (q queries) Site(ctx context.Context, orgID, id string) (*bulkhead.Site, error) {
	s, err := scanSite(q.q.QueryRow(ctx, `SELECT `+siteCols+` FROM sites WHERE org_id = $1 AND id = $2`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Site")
	}
	return s, nil
}

// siteOrder holds the sort expressions. Text sorts in the "C" collation, and
// lower() is applied to the "C"-collated column so that it folds ASCII only:
// both as SQLite does, whatever the cluster's locale. Each expression, with
// the tie-breaker id COLLATE "C", is exactly the key of an index of
// migration 0001 (sites_active_*_idx for active sites), so that the ids of
// a page come from an index-only scan in either direction.
var siteOrder = map[bulkhead.SiteSort]string{
	bulkhead.SiteSortName:     `lower(name COLLATE "C")`,
	bulkhead.SiteSortType:     `type COLLATE "C"`,
	bulkhead.SiteSortCountry:  `country COLLATE "C"`,
	bulkhead.SiteSortUNLOCODE: `unlocode COLLATE "C"`,
	bulkhead.SiteSortCreated:  `id COLLATE "C"`, // IDs sort in creation order, as in SQLite
	bulkhead.SiteSortUpdated:  `updated_at`,
}

// siteSearchCols are the columns a site search matches. The predicate on
// each, lower(col COLLATE "C") LIKE pattern, is the expression of its
// trigram index (sites_*_trgm_idx).
var siteSearchCols = []string{"name", "unlocode", "address", "notes"}

// Sites returns one page of an organisation's sites and the total that
// match the normalised filter. Inside a transaction a page is always read
// from its start; DB.Sites reads in one snapshot, which lets it read a page
// in the second half from the end.
func (q queries) Sites(ctx context.Context, f bulkhead.SiteFilter) ([]*bulkhead.Site, int, error) {
	return q.sites(ctx, f, false)
}

// sites runs the statements of siteQuery. Without a search it reads the
// total and then the page; with fromEnd, which needs both in one snapshot, a
// page past the middle is read in the opposite order and reversed, so that
// no more than half of the matching sites are skipped. A search reads the
// page and the total together, and counts apart only when the page is empty.
func (q queries) sites(ctx context.Context, f bulkhead.SiteFilter, fromEnd bool) ([]*bulkhead.Site, int, error) {
	sq := newSiteQuery(f)
	var total int
	count := func() error {
		return mapErr(q.q.QueryRow(ctx, sq.count, sq.args...).Scan(&total))
	}
	var list []*bulkhead.Site
	if f.Query != "" {
		sql, args := sq.search()
		rows, err := q.q.Query(ctx, sql, args...)
		list, err = collect(rows, err, func(row pgx.Row) (*bulkhead.Site, error) { return scanSiteAnd(row, &total) })
		if err == nil && len(list) == 0 {
			err = count()
		}
		if err != nil {
			return nil, 0, err
		}
	} else {
		if err := count(); err != nil {
			return nil, 0, err
		}
		sql, args, reversed := sq.page(total, fromEnd)
		if sql != "" {
			rows, err := q.q.Query(ctx, sql, args...)
			if list, err = collect(rows, err, scanSite); err != nil {
				return nil, 0, err
			}
		}
		if reversed {
			slices.Reverse(list)
		}
	}
	if list == nil {
		list = make([]*bulkhead.Site, 0)
	}
	return list, total, nil
}

// siteQuery builds the statements of Sites for a normalised filter.
type siteQuery struct {
	f     bulkhead.SiteFilter
	where string // the filter over sites
	args  []any  // the arguments of where and count
	count string // the total that match
}

func newSiteQuery(f bulkhead.SiteFilter) siteQuery {
	where := []string{"org_id = $1"}
	counts := []string{"org_id = $1"} // the same filter over site_counts
	args := []any{f.OrgID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Status {
	case bulkhead.StatusActive:
		where = append(where, "archived_at IS NULL")
		counts = append(counts, "NOT archived")
	case bulkhead.StatusArchived:
		where = append(where, "archived_at IS NOT NULL")
		counts = append(counts, "archived")
	}
	// Equality is the same in every (deterministic) collation; "C" is the
	// one the indexes hold type and country in.
	if f.Type != "" {
		p := arg(string(f.Type))
		where = append(where, `type COLLATE "C" = `+p)
		counts = append(counts, "type = "+p)
	}
	if f.Country != "" {
		p := arg(f.Country)
		where = append(where, `country COLLATE "C" = `+p)
		counts = append(counts, "country = "+p)
	}
	sq := siteQuery{f: f}
	if f.Query == "" {
		// site_counts is kept exact by triggers on sites.
		sq.count = `SELECT COALESCE(sum(n), 0)::bigint FROM site_counts WHERE ` + strings.Join(counts, " AND ")
	} else {
		p := arg(bulkhead.LikePattern(f.Query))
		var or []string
		for _, col := range siteSearchCols {
			or = append(or, `lower(`+col+` COLLATE "C") LIKE `+p+` ESCAPE '\'`)
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	sq.where = strings.Join(where, " AND ")
	if f.Query != "" {
		// The trigram indexes find the candidates.
		sq.count = `SELECT count(*) FROM sites WHERE ` + sq.where
	}
	sq.args = args
	return sq
}

// order returns the ORDER BY list of a direction.
func (sq siteQuery) order(desc bool) string {
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return siteOrder[sq.f.Sort] + dir + `, id COLLATE "C"` + dir
}

// withPage returns the arguments plus limit and offset, and the LIMIT
// clause that takes them.
func (sq siteQuery) withPage(limit, offset int) ([]any, string) {
	args := append(slices.Clip(sq.args), limit, offset)
	return args, ` LIMIT $` + strconv.Itoa(len(args)-1) + ` OFFSET $` + strconv.Itoa(len(args))
}

// page returns the statement of the page of a filter without a search, and
// whether its rows come in reverse order; "" when the page is empty. With
// fromEnd and the total, a page nearer the end is read from the end in the
// opposite order.
//
// The statement finds the page's ids first, by an index-only scan of the
// sort key's index (skipping the offset there costs far less than in the
// table), or of a filter's when that is cheaper, and then fetches their
// rows.
func (sq siteQuery) page(total int, fromEnd bool) (sql string, args []any, reversed bool) {
	f := sq.f
	offset, limit, desc := f.Offset, f.Limit, f.Desc
	if fromEnd {
		if offset >= total {
			return "", nil, false
		}
		end := min(offset+limit, total)
		if back := total - end; back < offset {
			offset, limit, desc, reversed = back, end-offset, !desc, true
		}
	}
	args, page := sq.withPage(limit, offset)
	order := sq.order(desc)
	return `SELECT ` + siteCols + ` FROM sites WHERE id = ANY(ARRAY(
		SELECT id FROM sites WHERE ` + sq.where + ` ORDER BY ` + order + page + `)) ORDER BY ` + order, args, reversed
}

// search returns the statement of the page of a filter with a search: its
// sites' columns and, in one more column, the total that match. The sites
// that match, found through the trigram indexes, are counted and their ids
// sorted by key; then the page's rows are fetched. (Left to itself, the
// planner would rather walk the sort key's index and test each site it
// passes, which is slow when the matches cluster far along the sort order,
// as a search for a town does by name.)
func (sq siteQuery) search() (sql string, args []any) {
	args, page := sq.withPage(sq.f.Limit, sq.f.Offset)
	dir := " ASC"
	if sq.f.Desc {
		dir = " DESC"
	}
	return `WITH p AS (
		SELECT id, n FROM (
			SELECT id, ` + siteOrder[sq.f.Sort] + ` AS k, count(*) OVER () AS n FROM sites WHERE ` + sq.where + `
		) m ORDER BY k` + dir + `, id COLLATE "C"` + dir + page + `)
	SELECT ` + siteCols + `, (SELECT n FROM p LIMIT 1) FROM sites WHERE id = ANY(ARRAY(SELECT id FROM p)) ORDER BY ` + sq.order(sq.f.Desc), args
}

// SiteCounts returns the number of active sites per type, from site_counts.
// Types without active sites are left out.
func (q queries) SiteCounts(ctx context.Context, orgID string) (map[bulkhead.SiteType]int, error) {
	rows, err := q.q.Query(ctx, `SELECT type, sum(n)::bigint FROM site_counts WHERE org_id = $1 AND NOT archived GROUP BY type HAVING sum(n) > 0`, orgID)
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

// CreateSite stores a new site. EINVALID for an unknown type or
// organisation.
func (q queries) CreateSite(ctx context.Context, s *bulkhead.Site) error {
	_, err := q.q.Exec(ctx, `INSERT INTO sites (`+siteCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		s.ID, s.OrgID, s.Name, string(s.Type), s.UNLOCODE, s.Address, s.Country, s.TimeZone, s.Notes, s.CreatedAt, s.UpdatedAt, s.ArchivedAt)
	return mapErr(err)
}

// UpdateSite saves every field of a site. ENOTFOUND, EINVALID.
func (q queries) UpdateSite(ctx context.Context, s *bulkhead.Site) error {
	tag, err := q.q.Exec(ctx, `UPDATE sites SET name = $1, type = $2, unlocode = $3, address = $4, country = $5, time_zone = $6, notes = $7, updated_at = $8, archived_at = $9 WHERE org_id = $10 AND id = $11`,
		s.Name, string(s.Type), s.UNLOCODE, s.Address, s.Country, s.TimeZone, s.Notes, s.UpdatedAt, s.ArchivedAt, s.OrgID, s.ID)
	return affectedOne(tag, err, "Site")
}

// ---- audit trail

const auditCols = `org_id, seq, id, at, actor_id, actor_name, action, object_type, object_id, change, change_digest, prev_hash, hash`

func scanAudit(row pgx.Row, e *bulkhead.AuditEntry) error {
	if err := row.Scan(&e.OrgID, &e.Seq, &e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID, &e.Change, &e.ChangeDigest, &e.PrevHash, &e.Hash); err != nil {
		return err
	}
	e.At = utc(e.At)
	return nil
}

// AuditEntries returns entries matching the filter, newest first, and the
// total number that match (ignoring BeforeSeq).
func (q queries) AuditEntries(ctx context.Context, f bulkhead.AuditFilter) ([]*bulkhead.AuditEntry, int, error) {
	where := []string{"org_id = $1"}
	args := []any{f.OrgID}
	add := func(col, v string) {
		if v != "" {
			args = append(args, v)
			where = append(where, col+" = $"+strconv.Itoa(len(args)))
		}
	}
	add("object_type", f.ObjectType)
	add("object_id", f.ObjectID)
	add("actor_id", f.ActorID)
	add("action", f.Action)
	w := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRow(ctx, `SELECT count(*) FROM audit_entries WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	if f.BeforeSeq > 0 {
		args = append(args, f.BeforeSeq)
		w += " AND seq < $" + strconv.Itoa(len(args))
	}
	args = append(args, f.Limit)
	rows, err := q.q.Query(ctx, `SELECT `+auditCols+` FROM audit_entries WHERE `+w+` ORDER BY seq DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	out, err := collect(rows, err, func(row pgx.Row) (*bulkhead.AuditEntry, error) {
		var e bulkhead.AuditEntry
		return &e, scanAudit(row, &e)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// auditHead reads an organisation's head, with lock appended to the query.
func (q queries) auditHead(ctx context.Context, orgID, lock string) (bulkhead.AuditHead, error) {
	var h bulkhead.AuditHead
	err := q.q.QueryRow(ctx, `SELECT audit_seq, audit_hash FROM organizations WHERE id = $1`+lock, orgID).Scan(&h.Seq, &h.Hash)
	if err != nil {
		return h, notFound(err, "Organisation")
	}
	if h.Seq == 0 {
		h.Hash = append([]byte(nil), bulkhead.GenesisHash...)
	}
	return h, nil
}

// AuditHead returns the recorded head of an organisation's trail; an empty
// trail's hash is bulkhead.GenesisHash. ENOTFOUND.
func (q queries) AuditHead(ctx context.Context, orgID string) (bulkhead.AuditHead, error) {
	return q.auditHead(ctx, orgID, "")
}

// ScanAudit calls fn for every entry of an organisation with from <= Seq <
// to, in sequence order, reusing one entry. It stops at fn's first error and
// returns it.
func (q queries) ScanAudit(ctx context.Context, orgID string, from, to int64, fn func(*bulkhead.AuditEntry) error) error {
	rows, err := q.q.Query(ctx, `SELECT `+auditCols+` FROM audit_entries WHERE org_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`, orgID, from, to)
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

// LockAuditHead reads the head and locks the organisation's row until the
// transaction ends, so appends to one trail serialise; under READ COMMITTED
// a waiting transaction then reads the head its predecessor committed.
// The lock is NO KEY UPDATE, the one PostgreSQL's own UPDATE of audit_seq
// takes: FOR UPDATE would also conflict with the KEY SHARE lock that every
// insert referencing the organisation (a site, a session) takes, and two
// transactions that each insert a site and then append would deadlock.
// ENOTFOUND.
func (q queries) LockAuditHead(ctx context.Context, orgID string) (bulkhead.AuditHead, error) {
	return q.auditHead(ctx, orgID, ` FOR NO KEY UPDATE`)
}

// InsertAudit stores a sealed entry and moves the organisation's head to
// it. ECONFLICT when the head is no longer the entry's predecessor.
func (q queries) InsertAudit(ctx context.Context, e *bulkhead.AuditEntry) error {
	_, err := q.q.Exec(ctx, `INSERT INTO audit_entries (`+auditCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.OrgID, e.Seq, e.ID, e.At, e.ActorID, e.ActorName, e.Action, e.ObjectType, e.ObjectID, e.Change, e.ChangeDigest, e.PrevHash, e.Hash)
	if err != nil {
		return mapErr(err)
	}
	tag, err := q.q.Exec(ctx, `UPDATE organizations SET audit_seq = $1, audit_hash = $2 WHERE id = $3 AND audit_seq = $1 - 1`, e.Seq, e.Hash, e.OrgID)
	if err := affectedOne(tag, err, "Organisation"); err != nil {
		return bulkhead.Errorf(bulkhead.ECONFLICT, "The audit trail moved on during the change; try again.")
	}
	return nil
}
