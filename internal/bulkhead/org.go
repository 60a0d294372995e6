package bulkhead

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Organization is a tenant: every record belongs to exactly one.
type Organization struct {
	ID        string
	Slug      string // short unique handle used by the CLI and URLs
	Name      string
	CreatedAt time.Time
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// Validate checks an organisation's fields.
func (o *Organization) Validate() error {
	f := map[string]string{}
	if strings.TrimSpace(o.Name) == "" {
		f["name"] = FieldRequired
	} else if len(o.Name) > 200 {
		f["name"] = FieldTooLong
	}
	if !slugRE.MatchString(o.Slug) {
		f["slug"] = FieldInvalid
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

// Role is a user's role within one organisation.
type Role string

// The roles, from most to least powerful. Their permissions are the table in
// package service.
const (
	RoleAdmin           Role = "admin"
	RoleTopManagement   Role = "top_management" // ISO 28000 5.1: approves the policy, accepts residual risk, chairs management review
	RoleSecurityManager Role = "security_manager"
	RoleSiteOfficer     Role = "site_officer"
	RoleAuditor         Role = "auditor"
	RoleContributor     Role = "contributor"
	RoleViewer          Role = "viewer"
	RolePartner         Role = "partner"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleTopManagement, RoleSecurityManager, RoleSiteOfficer, RoleAuditor, RoleContributor, RoleViewer, RolePartner}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Languages the UI is translated into.
var Languages = []string{"en", "es"}

// User is a person who can log in. A user may belong to several
// organisations, with one role in each (Membership).
type User struct {
	ID           string
	Email        string // unique, lower case
	Name         string
	PasswordHash string // argon2id, PHC string format
	Lang         string // "en" or "es"
	TimeZone     string // IANA name, e.g. "Europe/Rotterdam"
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DisabledAt   *time.Time
}

// NormalizeEmail lower-cases and trims an e-mail address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a user's fields (not the password, which the service checks
// before hashing).
func (u *User) Validate() error {
	f := map[string]string{}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		f["email"] = FieldEmail
	}
	if strings.TrimSpace(u.Name) == "" {
		f["name"] = FieldRequired
	} else if len(u.Name) > 200 {
		f["name"] = FieldTooLong
	}
	if !validLang(u.Lang) {
		f["lang"] = FieldChoice
	}
	if !ValidTimeZone(u.TimeZone) {
		f["time_zone"] = FieldTimeZone
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

func validLang(l string) bool {
	for _, x := range Languages {
		if l == x {
			return true
		}
	}
	return false
}

// ValidTimeZone reports whether name is a loadable IANA time zone ("UTC" included).
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// Membership gives a user a role in an organisation.
type Membership struct {
	OrgID     string
	UserID    string
	Role      Role
	CreatedAt time.Time
	// Filled on reads for display.
	OrgName  string
	OrgSlug  string
	UserName string
	Email    string
}

// Session is a logged-in browser. Only the SHA-256 of its token is stored.
type Session struct {
	ID        string
	TokenHash []byte
	UserID    string
	OrgID     string
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
}

// APIToken lets a program act as a user in one organisation. Only the SHA-256
// of the token is stored; the token itself is shown once at creation.
type APIToken struct {
	ID         string
	OrgID      string
	UserID     string
	Name       string
	Prefix     string // first characters of the token, to recognise it
	Hash       []byte
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token may be used at t.
func (t *APIToken) Active(at time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || at.Before(*t.ExpiresAt))
}
