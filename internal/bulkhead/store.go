package bulkhead

import (
	"context"
	"time"
)

// Reader reads records. Methods return ENOTFOUND for a missing record, never
// nil, nil. Organisation-scoped methods take the organisation's ID and treat a
// record of another organisation as missing.
type Reader interface {
	RegisterReader
	PeopleReader
	DocumentReader
	RiskReader
	LibraryReader
	CustodyReader
	IncidentReader

	// Organization returns an organisation by ID. ENOTFOUND.
	Organization(ctx context.Context, id string) (*Organization, error)
	// OrganizationBySlug returns an organisation by slug. ENOTFOUND.
	OrganizationBySlug(ctx context.Context, slug string) (*Organization, error)
	// Organizations lists every organisation, by name.
	Organizations(ctx context.Context) ([]*Organization, error)

	// User returns a user by ID. ENOTFOUND.
	User(ctx context.Context, id string) (*User, error)
	// UserByEmail returns a user by normalised e-mail. ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// Membership returns a user's membership of an organisation. ENOTFOUND.
	Membership(ctx context.Context, orgID, userID string) (*Membership, error)
	// Memberships lists a user's memberships, by organisation name.
	Memberships(ctx context.Context, userID string) ([]*Membership, error)
	// Members lists an organisation's memberships, by user name.
	Members(ctx context.Context, orgID string) ([]*Membership, error)

	// SessionByHash returns an unexpired-or-not session by token hash. ENOTFOUND.
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	// APITokenByHash returns a token by hash. ENOTFOUND.
	APITokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	// APITokens lists a user's tokens in an organisation, newest first.
	APITokens(ctx context.Context, orgID, userID string) ([]*APIToken, error)
	// APIToken returns a token of an organisation by ID. ENOTFOUND.
	APIToken(ctx context.Context, orgID, id string) (*APIToken, error)
	// LoginFailures counts failed logins recorded for key since a time.
	LoginFailures(ctx context.Context, key string, since time.Time) (int, error)

	// Site returns a site of an organisation. ENOTFOUND.
	Site(ctx context.Context, orgID, id string) (*Site, error)
	// Sites returns one page of an organisation's sites and the total that
	// match the filter. The filter must be normalised.
	Sites(ctx context.Context, f SiteFilter) ([]*Site, int, error)
	// SiteCounts returns the number of active sites per type.
	SiteCounts(ctx context.Context, orgID string) (map[SiteType]int, error)

	// AuditEntries returns entries matching the filter, newest first, and the
	// total number that match.
	AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
	// AuditHead returns the recorded head of an organisation's trail.
	AuditHead(ctx context.Context, orgID string) (AuditHead, error)
	// ScanAudit calls fn for every entry of an organisation with from <= Seq
	// < to, in sequence order. The entry passed to fn is reused between
	// calls. Stops at fn's first error.
	ScanAudit(ctx context.Context, orgID string, from, to int64, fn func(*AuditEntry) error) error
}

// Tx is a write transaction. Every change made through it is committed
// together with the audit entries appended in it, or not at all. Reads of a
// single record through a Tx (Site, User, UserByEmail, APIToken)
// lock that record until the transaction ends, so that read-modify-write
// sequences in the service cannot lose a concurrent change (SQLite's single
// writer gives this for free; PostgreSQL takes row locks).
type Tx interface {
	Reader
	RegisterWriter
	PeopleWriter
	DocumentWriter
	RiskWriter
	LibraryWriter
	CustodyWriter
	IncidentWriter

	// LockAuditHead returns the organisation's trail head and holds the lock
	// that serialises appends to it until the transaction ends. ENOTFOUND.
	LockAuditHead(ctx context.Context, orgID string) (AuditHead, error)
	// InsertAudit stores a sealed entry and moves the organisation's head to it.
	InsertAudit(ctx context.Context, e *AuditEntry) error

	// CreateOrganization stores a new organisation. ECONFLICT on a taken slug.
	CreateOrganization(ctx context.Context, o *Organization) error
	// CreateUser stores a new user. ECONFLICT on a taken e-mail.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser saves a user's name, password hash, language, time zone and
	// disabled time. ENOTFOUND.
	UpdateUser(ctx context.Context, u *User) error
	// PutMembership creates or changes a membership.
	PutMembership(ctx context.Context, m *Membership) error

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s *Session) error
	// TouchSession moves a session's last-seen and expiry times.
	TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error
	// DeleteSession removes a session (logout). Missing sessions are ignored.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of a user (password change).
	DeleteUserSessions(ctx context.Context, userID string) error
	// DeleteExpiredSessions removes sessions that expired before t.
	DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error)

	// CreateAPIToken stores a token.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// RevokeAPIToken sets a token's revocation time. ENOTFOUND.
	RevokeAPIToken(ctx context.Context, orgID, id string, at time.Time) error
	// TouchAPIToken sets a token's last-used time.
	TouchAPIToken(ctx context.Context, id string, at time.Time) error

	// RecordLoginFailure notes a failed login for key at t.
	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	// ClearLoginFailures forgets the failures of key.
	ClearLoginFailures(ctx context.Context, key string) error

	// CreateSite stores a new site.
	CreateSite(ctx context.Context, s *Site) error
	// UpdateSite saves every field of a site. ENOTFOUND.
	UpdateSite(ctx context.Context, s *Site) error
}

// Store is a database holding Bulkhead's records. Its Reader methods read
// outside any transaction; Write runs fn in one transaction, committed when
// fn returns nil and rolled back otherwise.
type Store interface {
	Reader
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping checks that the database answers (for /readyz).
	Ping(ctx context.Context) error
	Close() error
}
