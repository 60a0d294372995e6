package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// maxTokenDays bounds a token's lifetime chosen in the form.
const maxTokenDays = 3650

// tokenRow is an API token as the account page lists it.
type tokenRow struct {
	*bulkhead.APIToken
	Created  string
	LastUsed string
	Expires  string
	Status   string
	State    string // active, expired, revoked: the badge's class
}

// accountPage is the user's own settings.
type accountPage struct {
	basePage
	Profile   *form
	Password  *form
	TokenForm *form
	Tokens    []tokenRow
	TimeZones []string
	Role      string // the user's role, translated
}

func (c *call) profileForm(name, lang, tz string) *form {
	f := newForm()
	f.add(&formField{Name: "name", Label: c.T("field.full_name"), Value: name, Required: true, MaxLength: 200, Autocomplete: "name"})
	langs := []selectOption{}
	for _, l := range i18n.Languages() {
		langs = append(langs, selectOption{Value: l, Label: c.label(langKey(l), l), Selected: l == lang})
	}
	f.add(&formField{Name: "lang", Label: c.T("field.lang"), Kind: "select", Options: langs, Required: true})
	f.add(&formField{Name: "time_zone", Label: c.T("field.time_zone"), Hint: c.T("hint.user_time_zone"), Value: tz, Required: true,
		List: "tz-list", Autocomplete: "off", Autocapitalize: "none"})
	return f
}

func (c *call) passwordForm() *form {
	f := newForm()
	f.add(&formField{Name: "current_password", Label: c.T("field.current_password"), Type: "password", Required: true, Autocomplete: "current-password"})
	f.add(&formField{Name: "password", Label: c.T("field.new_password"), Hint: c.T("hint.password", service.MinPasswordLen), Type: "password", Required: true, Autocomplete: "new-password"})
	f.add(&formField{Name: "confirm", Label: c.T("field.confirm_password"), Type: "password", Required: true, Autocomplete: "new-password"})
	return f
}

func (c *call) tokenForm(name, days string) *form {
	f := newForm()
	f.idPrefix = "token-"
	f.add(&formField{Name: "name", Label: c.T("field.token_name"), Hint: c.T("hint.token_name"), Value: name, Required: true, MaxLength: 100, Autocomplete: "off"})
	f.add(&formField{Name: "expires_in", Label: c.T("field.expires_in"), Hint: c.T("hint.expires_in"), Value: days, Type: "number",
		InputMode: "numeric", Min: "1", Max: strconv.Itoa(maxTokenDays)})
	return f
}

// renderAccount shows the account page; forms passed non-nil keep their
// values and errors.
func (s *server) renderAccount(c *call, status int, profile, password, token *form) error {
	tokens, err := s.svc.APITokens(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	u := c.au.User
	if profile == nil {
		profile = c.profileForm(u.Name, u.Lang, u.TimeZone)
	}
	if password == nil {
		password = c.passwordForm()
	}
	if token == nil {
		token = c.tokenForm("", "")
	}
	p := &accountPage{basePage: c.base("account.title"), Profile: profile, Password: password, TokenForm: token,
		TimeZones: commonTimeZones, Role: c.roleLabel(c.au.Actor.Role)}
	now := time.Now()
	for _, t := range tokens {
		row := tokenRow{APIToken: t, Created: c.dateTime(t.CreatedAt), LastUsed: c.T("token.never_used"), Expires: c.T("token.no_expiry")}
		if t.LastUsedAt != nil {
			row.LastUsed = c.dateTime(*t.LastUsedAt)
		}
		if t.ExpiresAt != nil {
			row.Expires = c.dateTime(*t.ExpiresAt)
		}
		switch {
		case t.RevokedAt != nil:
			row.State, row.Status = "revoked", c.T("token.revoked_on", c.dateTime(*t.RevokedAt))
		case !t.Active(now):
			row.State, row.Status = "expired", c.T("token.expired")
		default:
			row.State, row.Status = "active", c.T("token.active")
		}
		p.Tokens = append(p.Tokens, row)
	}
	s.render(c.w, c.r, status, pageAccount, p)
	return nil
}

// account shows the profile, password and API-token forms (GET /account).
func (s *server) account(c *call) error {
	return s.renderAccount(c, http.StatusOK, nil, nil, nil)
}

// updateProfile saves name, language and time zone (POST /account/profile).
func (s *server) updateProfile(c *call) error {
	v := c.r.PostForm
	_, err := s.svc.UpdateProfile(c.r.Context(), c.actor(), v.Get("name"), v.Get("lang"), v.Get("time_zone"))
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f := c.profileForm(v.Get("name"), v.Get("lang"), v.Get("time_zone"))
		f.setErrors(c, bulkhead.ErrorFields(err))
		return s.renderAccount(c, http.StatusUnprocessableEntity, f, nil, nil)
	}
	if err != nil {
		return err
	}
	return c.redirect("/account", "flash.profile_saved")
}

// changePassword sets a new password (POST /account/password). The service
// ends every session of the user, this one included, so the user logs in
// again with the new password.
func (s *server) changePassword(c *call) error {
	v := c.r.PostForm
	f := c.passwordForm()
	if v.Get("password") != v.Get("confirm") {
		f.setErrors(c, map[string]string{"confirm": "confirm_mismatch"})
		return s.renderAccount(c, http.StatusUnprocessableEntity, nil, f, nil)
	}
	err := s.svc.SetPassword(c.r.Context(), c.actor(), c.au.User.ID, v.Get("current_password"), v.Get("password"))
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f.setErrors(c, bulkhead.ErrorFields(err))
		return s.renderAccount(c, http.StatusUnprocessableEntity, nil, f, nil)
	}
	if err != nil {
		return err
	}
	s.clearCookie(c.w, c.r, sessionCookie, "/")
	return c.redirect("/login", "flash.password_changed")
}

// tokenCreatedPage shows a new token, the only time it is shown.
type tokenCreatedPage struct {
	basePage
	Token   string
	Name    string
	Expires string
}

// createToken makes an API token and shows it once (POST /account/tokens).
// The answer is the page itself, not a redirect, so the secret never sits
// in a cookie or a URL; it is marked no-store.
func (s *server) createToken(c *call) error {
	v := c.r.PostForm
	name, days := v.Get("name"), strings.TrimSpace(v.Get("expires_in"))
	var ttl time.Duration
	if days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > maxTokenDays {
			f := c.tokenForm(name, days)
			f.setErrors(c, map[string]string{"expires_in": bulkhead.FieldInvalid})
			return s.renderAccount(c, http.StatusUnprocessableEntity, nil, nil, f)
		}
		ttl = time.Duration(n) * 24 * time.Hour
	}
	raw, t, err := s.svc.CreateAPIToken(c.r.Context(), c.actor(), name, ttl)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f := c.tokenForm(name, days)
		f.setErrors(c, bulkhead.ErrorFields(err))
		return s.renderAccount(c, http.StatusUnprocessableEntity, nil, nil, f)
	}
	if err != nil {
		return err
	}
	p := &tokenCreatedPage{basePage: c.base("token.created_title"), Token: raw, Name: t.Name, Expires: c.T("token.no_expiry")}
	if t.ExpiresAt != nil {
		p.Expires = c.dateTime(*t.ExpiresAt)
	}
	c.w.Header().Set("Cache-Control", "no-store")
	s.render(c.w, c.r, http.StatusCreated, pageTokenCreated, p)
	return nil
}

// revokeToken revokes one of the user's tokens (POST /account/tokens/{id}/revoke).
func (s *server) revokeToken(c *call) error {
	if err := s.svc.RevokeAPIToken(c.r.Context(), c.actor(), c.r.PathValue("id")); err != nil {
		return err
	}
	return c.redirect("/account#tokens", "flash.token_revoked")
}

// memberRow is a member as the list shows them.
type memberRow struct {
	UserID string
	Name   string
	Email  string
	Role   string
	Since  string
	You    bool
	// For administrators: the role choices, and a problem with this row's
	// last change.
	RoleOptions []selectOption
	RoleError   string
}

// membersPage lists the organisation's members; admins also get the form
// to add one.
type membersPage struct {
	basePage
	Members []memberRow
	Form    *form
}

func (c *call) memberForm(v map[string]string) *form {
	f := newForm()
	f.add(&formField{Name: "email", Label: c.T("field.email"), Type: "email", Value: v["email"], Required: true, Autocomplete: "off", Autocapitalize: "none"})
	f.add(&formField{Name: "name", Label: c.T("field.full_name"), Hint: c.T("hint.member_name"), Value: v["name"], MaxLength: 200, Autocomplete: "off"})
	role := v["role"]
	if role == "" {
		role = string(bulkhead.RoleViewer)
	}
	roles := []selectOption{}
	for _, r := range bulkhead.Roles {
		roles = append(roles, selectOption{Value: string(r), Label: c.roleLabel(r), Selected: string(r) == role})
	}
	f.add(&formField{Name: "role", Label: c.T("field.role"), Kind: "select", Options: roles, Required: true})
	f.add(&formField{Name: "password", Label: c.T("field.initial_password"), Hint: c.T("hint.initial_password", service.MinPasswordLen),
		Type: "password", Autocomplete: "new-password"})
	return f
}

func (s *server) renderMembers(c *call, status int, f *form) error {
	return s.renderMembersRowError(c, status, f, "", "")
}

// renderMembersRowError renders the members page with a field error code
// shown at one member's role control.
func (s *server) renderMembersRowError(c *call, status int, f *form, userID, errCode string) error {
	ms, err := s.svc.Members(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	admin := c.can(service.ActMemberAdmin)
	p := &membersPage{basePage: c.base("members.title")}
	for _, m := range ms {
		row := memberRow{UserID: m.UserID, Name: m.UserName, Email: m.Email, Role: c.roleLabel(m.Role),
			Since: i18n.Date(c.lang, m.CreatedAt, c.loc), You: m.UserID == c.au.User.ID}
		if admin {
			for _, r := range bulkhead.Roles {
				row.RoleOptions = append(row.RoleOptions, selectOption{Value: string(r), Label: c.roleLabel(r), Selected: r == m.Role})
			}
			if m.UserID == userID && errCode != "" {
				row.RoleError = c.errMessage(errCode)
			}
		}
		p.Members = append(p.Members, row)
	}
	if c.can(service.ActMemberAdmin) {
		if f == nil {
			f = c.memberForm(nil)
		}
		p.Form = f
	}
	s.render(c.w, c.r, status, pageMembers, p)
	return nil
}

// members lists the members (GET /members).
func (s *server) members(c *call) error { return s.renderMembers(c, http.StatusOK, nil) }

// setMemberRole changes a member's role (POST /members/{id}/role).
func (s *server) setMemberRole(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.SetMemberRole(c.r.Context(), c.actor(), id, bulkhead.Role(c.r.PostForm.Get("role")))
	if fields := bulkhead.ErrorFields(err); fields["role"] != "" {
		status := http.StatusUnprocessableEntity
		if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
			status = http.StatusConflict
		}
		return s.renderMembersRowError(c, status, nil, id, fields["role"])
	}
	if err != nil {
		return err
	}
	return c.redirect("/members", "flash.member_role_changed")
}

// addMember adds a person (POST /members).
func (s *server) addMember(c *call) error {
	v := c.r.PostForm
	in := service.NewUser{Email: v.Get("email"), Name: v.Get("name"), Password: v.Get("password"),
		Role: bulkhead.Role(v.Get("role")), Lang: c.au.User.Lang, TimeZone: c.au.User.TimeZone}
	_, err := s.svc.AddMember(c.r.Context(), c.actor(), in)
	if fields := bulkhead.ErrorFields(err); len(fields) > 0 {
		f := c.memberForm(map[string]string{"email": v.Get("email"), "name": v.Get("name"), "role": v.Get("role")})
		f.setErrors(c, fields)
		status := http.StatusUnprocessableEntity
		if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
			status = http.StatusConflict
		}
		return s.renderMembers(c, status, f)
	}
	if err != nil {
		return err
	}
	return c.redirect("/members", "flash.member_added")
}
