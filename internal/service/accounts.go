package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Session and login limits.
const (
	SessionIdle      = 12 * time.Hour     // a session unused this long expires
	SessionMax       = 7 * 24 * time.Hour // and none lives longer than this
	sessionTouchStep = time.Minute        // last-seen is written at most this often
	LoginWindow      = 15 * time.Minute   // failures are counted over this window
	LoginMaxPerUser  = 5                  // failures per e-mail in the window
	LoginMaxPerIP    = 30                 // failures per client address in the window
	MinPasswordLen   = 12
	TokenPrefix      = "bh_"
)

// randomToken returns n random bytes in URL-safe base64.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the SHA-256 of a session or API token, the form stored.
func HashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// CreateOrganization creates an organisation; only the system may.
// EFORBIDDEN, EINVALID, ECONFLICT.
func (s *Service) CreateOrganization(ctx context.Context, a Actor, name, slug string) (*bulkhead.Organization, error) {
	if !a.System {
		return nil, bulkhead.Errorf(bulkhead.EFORBIDDEN, "Only an installation administrator can create organisations.")
	}
	o := &bulkhead.Organization{ID: bulkhead.NewID(), Name: strings.TrimSpace(name), Slug: strings.ToLower(strings.TrimSpace(slug)), CreatedAt: s.now()}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	a.OrgID = o.ID
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateOrganization(ctx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "organization.create", "organization", o.ID, map[string]any{"name": o.Name, "slug": o.Slug})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// NewUser is the input for AddMember.
type NewUser struct {
	Email    string
	Name     string
	Password string // required when the e-mail is new
	Role     bulkhead.Role
	Lang     string
	TimeZone string
}

func checkPassword(pw string) string {
	switch {
	case len(pw) < MinPasswordLen:
		return bulkhead.FieldShort
	case len(pw) > 1024:
		return bulkhead.FieldTooLong
	}
	return ""
}

// AddMember gives a person a role in the actor's organisation, creating the
// user when the e-mail is new (then Password is required). EFORBIDDEN,
// EINVALID, ECONFLICT (already a member).
func (s *Service) AddMember(ctx context.Context, a Actor, in NewUser) (*bulkhead.User, error) {
	if err := authorize(a, ActMemberAdmin); err != nil {
		return nil, err
	}
	in.Email = bulkhead.NormalizeEmail(in.Email)
	if in.Lang == "" {
		in.Lang = "en"
	}
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if !in.Role.Valid() {
		return nil, bulkhead.Invalid(map[string]string{"role": bulkhead.FieldChoice})
	}
	var user *bulkhead.User
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		u, err := tx.UserByEmail(ctx, in.Email)
		switch bulkhead.ErrorCode(err) {
		case "":
			if _, err := tx.Membership(ctx, a.OrgID, u.ID); err == nil {
				return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "That person is already a member.", Fields: map[string]string{"email": bulkhead.FieldTaken}}
			}
		case bulkhead.ENOTFOUND:
			now := s.now()
			u = &bulkhead.User{ID: bulkhead.NewID(), Email: in.Email, Name: strings.TrimSpace(in.Name), Lang: in.Lang, TimeZone: in.TimeZone, CreatedAt: now, UpdatedAt: now}
			verr := u.Validate()
			fields := bulkhead.ErrorFields(verr)
			if fields == nil {
				fields = map[string]string{}
			}
			if c := checkPassword(in.Password); c != "" {
				fields["password"] = c
			}
			if len(fields) > 0 {
				return bulkhead.Invalid(fields)
			}
			if u.PasswordHash, err = HashPassword(in.Password); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		default:
			return err
		}
		user = u
		if err := tx.PutMembership(ctx, &bulkhead.Membership{OrgID: a.OrgID, UserID: u.ID, Role: in.Role, CreatedAt: s.now()}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "member.add", "user", u.ID, map[string]any{"email": u.Email, "name": u.Name, "role": string(in.Role)})
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

// Members lists the actor's organisation's members. EFORBIDDEN.
func (s *Service) Members(ctx context.Context, a Actor) ([]*bulkhead.Membership, error) {
	if err := authorize(a, ActMemberRead); err != nil {
		return nil, err
	}
	return s.store.Members(ctx, a.OrgID)
}

// SetPassword sets a user's password and ends their sessions. A user may
// change their own password (giving the current one); the system may set
// anyone's. The change is recorded in each of the user's organisations.
// EFORBIDDEN, EINVALID, ENOTFOUND.
func (s *Service) SetPassword(ctx context.Context, a Actor, userID, current, next string) error {
	if !a.System && a.UserID != userID {
		return bulkhead.Errorf(bulkhead.EFORBIDDEN, "You can only change your own password.")
	}
	if c := checkPassword(next); c != "" {
		return bulkhead.Invalid(map[string]string{"password": c})
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if !a.System && !CheckPassword(u.PasswordHash, current) {
			return bulkhead.Invalid(map[string]string{"current_password": bulkhead.FieldInvalid})
		}
		u.PasswordHash, u.UpdatedAt = hash, s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		ms, err := tx.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			b := a
			b.OrgID = m.OrgID
			if err := s.record(ctx, tx, b, "user.password", "user", u.ID, map[string]any{"email": u.Email}); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateProfile changes the actor's own name, language and time zone.
// EINVALID.
func (s *Service) UpdateProfile(ctx context.Context, a Actor, name, lang, tz string) (*bulkhead.User, error) {
	var out *bulkhead.User
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		u, err := tx.User(ctx, a.UserID)
		if err != nil {
			return err
		}
		before := map[string]any{"name": u.Name, "lang": u.Lang, "time_zone": u.TimeZone}
		u.Name, u.Lang, u.TimeZone = strings.TrimSpace(name), lang, strings.TrimSpace(tz)
		if err := u.Validate(); err != nil {
			return err
		}
		out = u
		changes := diff(before, map[string]any{"name": u.Name, "lang": u.Lang, "time_zone": u.TimeZone})
		if len(changes) == 0 {
			return nil
		}
		u.UpdatedAt = s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "user.profile", "user", u.ID, map[string]any{"changes": changes})
	})
	return out, err
}

// Login checks an e-mail and password, counting failures per e-mail and per
// client address, and on success opens a session in the user's first
// organisation. It returns the raw session token (for the cookie).
// EUNAUTHORIZED, ETOOMANY.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (string, *bulkhead.Session, error) {
	email = bulkhead.NormalizeEmail(email)
	now := s.now()
	keys := []string{"email:" + email, "ip:" + clientIP}
	limits := []int{LoginMaxPerUser, LoginMaxPerIP}
	for i, k := range keys {
		n, err := s.store.LoginFailures(ctx, k, now.Add(-LoginWindow))
		if err != nil {
			return "", nil, err
		}
		if n >= limits[i] {
			return "", nil, bulkhead.Errorf(bulkhead.ETOOMANY, "Too many failed log-in attempts. Try again in %d minutes.", int(LoginWindow.Minutes()))
		}
	}
	fail := func() (string, *bulkhead.Session, error) {
		err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
			for _, k := range keys {
				if err := tx.RecordLoginFailure(ctx, k, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return "", nil, err
		}
		return "", nil, bulkhead.Errorf(bulkhead.EUNAUTHORIZED, "E-mail or password is wrong.")
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			return "", nil, err
		}
		CheckPassword(dummyHash, password)
		return fail()
	}
	if !CheckPassword(u.PasswordHash, password) || u.DisabledAt != nil {
		return fail()
	}
	ms, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return "", nil, err
	}
	if len(ms) == 0 {
		return fail()
	}
	tok := randomToken(32)
	sess := &bulkhead.Session{
		ID: bulkhead.NewID(), TokenHash: HashToken(tok), UserID: u.ID, OrgID: ms[0].OrgID,
		CSRFToken: randomToken(32), CreatedAt: now, ExpiresAt: now.Add(SessionIdle), LastSeen: now,
	}
	a := Actor{UserID: u.ID, Name: u.Email, OrgID: sess.OrgID, Role: ms[0].Role, Via: "web"}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.ClearLoginFailures(ctx, keys[0]); err != nil {
			return err
		}
		if _, err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "user.login", "user", u.ID, map[string]any{"client": clientIP})
	})
	if err != nil {
		return "", nil, err
	}
	return tok, sess, nil
}

// Authenticated is what a valid session or API token resolves to.
type Authenticated struct {
	Actor   Actor
	User    *bulkhead.User
	Session *bulkhead.Session  // nil for API tokens
	Token   *bulkhead.APIToken // nil for sessions
	Orgs    []*bulkhead.Membership
}

// SessionAuth resolves a session token, sliding its idle expiry.
// EUNAUTHORIZED when missing, expired or the user lost access.
func (s *Service) SessionAuth(ctx context.Context, tok string) (*Authenticated, error) {
	unauth := bulkhead.Errorf(bulkhead.EUNAUTHORIZED, "Your session has ended; please log in again.")
	if tok == "" {
		return nil, unauth
	}
	sess, err := s.store.SessionByHash(ctx, HashToken(tok))
	if err != nil {
		if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
			return nil, unauth
		}
		return nil, err
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.CreatedAt) > SessionMax {
		return nil, unauth
	}
	au, err := s.resolve(ctx, sess.UserID, sess.OrgID, "web")
	if err != nil {
		return nil, err
	}
	au.Session = sess
	if now.Sub(sess.LastSeen) >= sessionTouchStep {
		exp := now.Add(SessionIdle)
		if err := s.store.Write(ctx, func(tx bulkhead.Tx) error { return tx.TouchSession(ctx, sess.ID, now, exp) }); err != nil {
			s.log.Warn("touch session", "err", err)
		}
		sess.LastSeen, sess.ExpiresAt = now, exp
	}
	return au, nil
}

func (s *Service) resolve(ctx context.Context, userID, orgID, via string) (*Authenticated, error) {
	unauth := bulkhead.Errorf(bulkhead.EUNAUTHORIZED, "Your access has ended; please log in again.")
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, unauth
	}
	if u.DisabledAt != nil {
		return nil, unauth
	}
	ms, err := s.store.Memberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.OrgID == orgID {
			return &Authenticated{
				Actor: Actor{UserID: u.ID, Name: u.Email, OrgID: orgID, Role: m.Role, Lang: u.Lang, TimeZone: u.TimeZone, Via: via},
				User:  u, Orgs: ms,
			}, nil
		}
	}
	return nil, unauth
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, au *Authenticated) error {
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.DeleteSession(ctx, au.Session.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, au.Actor, "user.logout", "user", au.User.ID, map[string]any{})
	})
}

// SwitchOrganization moves a session to another organisation the user
// belongs to. ENOTFOUND when they do not.
func (s *Service) SwitchOrganization(ctx context.Context, au *Authenticated, orgID string) error {
	for _, m := range au.Orgs {
		if m.OrgID == orgID {
			return s.store.Write(ctx, func(tx bulkhead.Tx) error {
				if err := tx.DeleteSession(ctx, au.Session.ID); err != nil {
					return err
				}
				sess := *au.Session
				sess.OrgID = orgID
				return tx.CreateSession(ctx, &sess)
			})
		}
	}
	return bulkhead.NotFound("Organisation")
}

// CreateAPIToken makes a token for the actor in their organisation and
// returns it once; only its hash is kept. A zero ttl never expires.
// EFORBIDDEN, EINVALID.
func (s *Service) CreateAPIToken(ctx context.Context, a Actor, name string, ttl time.Duration) (string, *bulkhead.APIToken, error) {
	if err := authorize(a, ActTokenOwn); err != nil {
		return "", nil, err
	}
	if a.System {
		return "", nil, bulkhead.Errorf(bulkhead.EINVALID, "Tokens belong to a user; name one.")
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", nil, bulkhead.Invalid(map[string]string{"name": bulkhead.FieldRequired})
	case len(name) > 100:
		return "", nil, bulkhead.Invalid(map[string]string{"name": bulkhead.FieldTooLong})
	case ttl < 0:
		return "", nil, bulkhead.Invalid(map[string]string{"expires_in": bulkhead.FieldInvalid})
	}
	raw := TokenPrefix + randomToken(32)
	now := s.now()
	t := &bulkhead.APIToken{ID: bulkhead.NewID(), OrgID: a.OrgID, UserID: a.UserID, Name: name, Prefix: raw[:len(TokenPrefix)+6], Hash: HashToken(raw), CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "token.create", "api_token", t.ID, map[string]any{"name": t.Name, "prefix": t.Prefix, "expires_at": t.ExpiresAt})
	})
	if err != nil {
		return "", nil, err
	}
	return raw, t, nil
}

// APITokens lists the actor's tokens. EFORBIDDEN.
func (s *Service) APITokens(ctx context.Context, a Actor) ([]*bulkhead.APIToken, error) {
	if err := authorize(a, ActTokenOwn); err != nil {
		return nil, err
	}
	return s.store.APITokens(ctx, a.OrgID, a.UserID)
}

// RevokeAPIToken revokes one of the actor's tokens (an admin may revoke any
// token of the organisation). EFORBIDDEN, ENOTFOUND.
func (s *Service) RevokeAPIToken(ctx context.Context, a Actor, id string) error {
	if err := authorize(a, ActTokenOwn); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		t, err := tx.APIToken(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if t.UserID != a.UserID && !a.System && !Can(a.Role, ActMemberAdmin) {
			return bulkhead.NotFound("API token")
		}
		if err := tx.RevokeAPIToken(ctx, a.OrgID, id, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "token.revoke", "api_token", t.ID, map[string]any{"name": t.Name, "prefix": t.Prefix})
	})
}

// TokenAuth resolves an API token, noting its last use (at most once a
// minute). EUNAUTHORIZED when unknown, revoked or expired.
func (s *Service) TokenAuth(ctx context.Context, raw string) (*Authenticated, error) {
	unauth := bulkhead.Errorf(bulkhead.EUNAUTHORIZED, "The API token is missing, unknown, revoked or expired.")
	if !strings.HasPrefix(raw, TokenPrefix) {
		return nil, unauth
	}
	t, err := s.store.APITokenByHash(ctx, HashToken(raw))
	if err != nil {
		if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
			return nil, unauth
		}
		return nil, err
	}
	now := s.now()
	if !t.Active(now) {
		return nil, unauth
	}
	au, err := s.resolve(ctx, t.UserID, t.OrgID, "api")
	if err != nil {
		return nil, unauth
	}
	au.Token = t
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= time.Minute {
		if err := s.store.Write(ctx, func(tx bulkhead.Tx) error { return tx.TouchAPIToken(ctx, t.ID, now) }); err != nil {
			s.log.Warn("touch api token", "err", err)
		}
		t.LastUsedAt = &now
	}
	return au, nil
}

// SetMemberRole changes a member's role in the actor's organisation; the
// change applies to their sessions and tokens at once. The organisation
// always keeps at least one administrator.
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) SetMemberRole(ctx context.Context, a Actor, userID string, role bulkhead.Role) (*bulkhead.Membership, error) {
	if err := authorize(a, ActMemberAdmin); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, bulkhead.Invalid(map[string]string{"role": bulkhead.FieldChoice})
	}
	var out *bulkhead.Membership
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		m, err := tx.Membership(ctx, a.OrgID, userID)
		if err != nil {
			return bulkhead.NotFound("Member")
		}
		out = m
		if m.Role == role {
			return nil
		}
		if m.Role == bulkhead.RoleAdmin {
			ms, err := tx.Members(ctx, a.OrgID)
			if err != nil {
				return err
			}
			admins := 0
			for _, x := range ms {
				if x.Role == bulkhead.RoleAdmin {
					admins++
				}
			}
			if admins <= 1 {
				return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "The organisation needs at least one administrator.", Fields: map[string]string{"role": bulkhead.FieldLastAdmin}}
			}
		}
		from := m.Role
		m.Role = role
		if err := tx.PutMembership(ctx, m); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "member.role", "user", userID, map[string]any{"email": m.Email, "changes": map[string]fieldChange{"role": {From: string(from), To: string(role)}}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
