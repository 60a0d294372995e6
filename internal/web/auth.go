package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Cookie and form field names.
const (
	sessionCookie   = "bulkhead_session"
	loginCSRFCookie = "bulkhead_login_csrf"
	flashCookie     = "bulkhead_flash"
	csrfField       = "csrf_token"
)

// handlerFunc is a page handler. An error it returns becomes the page its
// code calls for (404, 403, login redirect …); handlers render forms with
// field errors themselves.
type handlerFunc func(c *call) error

// newCall starts a request's context, in the browser's language until a
// session says otherwise.
func (s *server) newCall(w http.ResponseWriter, r *http.Request) *call {
	return &call{s: s, w: w, r: r, lang: i18n.Match(r.Header.Get("Accept-Language")), loc: loadLocation("UTC")}
}

// setAuth makes an authenticated user the request's subject.
func (c *call) setAuth(au *service.Authenticated) {
	c.au = au
	if i18n.Has(au.User.Lang, "app.name") {
		c.lang = au.User.Lang
	}
	c.loc = loadLocation(au.User.TimeZone)
}

// public wraps a page anyone may open; a valid session is used when present.
func (s *server) public(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := s.newCall(w, r)
		if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
			if au, err := s.svc.SessionAuth(r.Context(), ck.Value); err == nil {
				c.setAuth(au)
			}
		}
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// auth wraps a page that needs a session: without one the browser goes to
// the login page (and comes back after). Every POST must carry the
// session's CSRF token.
func (s *server) auth(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := s.newCall(w, r)
		au := s.session(c)
		if au == nil {
			return
		}
		if r.Method == http.MethodPost {
			if err := parseForm(w, r); err != nil {
				s.fail(c, err)
				return
			}
			if !tokensEqual(au.Session.CSRFToken, r.PostForm.Get(csrfField)) {
				requestLog(r).Warn("csrf token missing or wrong", "user", au.User.ID)
				s.errorPage(c, http.StatusForbidden, errorCSRF)
				return
			}
		}
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// session checks the request's session cookie and sets the session on c.
// Without a valid session it answers the request itself (the login page, or
// an error) and returns nil.
func (s *server) session(c *call) *service.Authenticated {
	tok := ""
	if ck, err := c.r.Cookie(sessionCookie); err == nil {
		tok = ck.Value
	}
	au, err := s.svc.SessionAuth(c.r.Context(), tok)
	if err != nil {
		if bulkhead.ErrorCode(err) == bulkhead.EUNAUTHORIZED {
			if tok != "" {
				s.clearCookie(c.w, c.r, sessionCookie, "/")
			}
			c.redirectToLogin()
			return nil
		}
		s.fail(c, err)
		return nil
	}
	c.setAuth(au)
	return au
}

// uploadMemory is how much of a multipart body is held in memory; the rest
// of its files goes to temporary files, removed after the request.
const uploadMemory = 8 << 20

// authUpload is auth for POSTs of forms that may carry files
// (multipart/form-data, or url-encoded when no file is sent): the body may
// be up to limit bytes, and the CSRF token is read from the parsed fields,
// which ParseForm alone does not see in a multipart body. A body over the
// limit is not read and changes nothing: tooLarge answers it (the form with
// the file's error, or a 413 page).
func (s *server) authUpload(limit int64, tooLarge, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := s.newCall(w, r)
		au := s.session(c)
		if au == nil {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(uploadMemory)
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll()
			}
		} else {
			err = r.ParseForm()
		}
		next := h
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			next = tooLarge
		case err != nil:
			s.fail(c, bulkhead.Errorf(bulkhead.EINVALID, "The form could not be read."))
			return
		case !tokensEqual(au.Session.CSRFToken, r.PostForm.Get(csrfField)):
			requestLog(r).Warn("csrf token missing or wrong", "user", au.User.ID)
			s.errorPage(c, http.StatusForbidden, errorCSRF)
			return
		}
		if err := next(c); err != nil {
			s.fail(c, err)
		}
	}
}

// tooLargePage answers an upload over its limit with a 413 page.
func (s *server) tooLargePage(title, body string) handlerFunc {
	return func(c *call) error {
		s.errorPage(c, http.StatusRequestEntityTooLarge, errorText{TitleKey: title, BodyKey: body})
		return nil
	}
}

// withTooLarge adapts a handler that shows its own form's error for a body
// over the limit to authUpload's pair of handlers.
func withTooLarge(h func(c *call, tooLarge bool) error) (tooLarge, ok handlerFunc) {
	return func(c *call) error { return h(c, true) }, func(c *call) error { return h(c, false) }
}

// tokensEqual compares a CSRF token with the one sent, in constant time.
func tokensEqual(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// redirectToLogin sends the browser to the login page, remembering a GET's
// address to come back to.
func (c *call) redirectToLogin() {
	target := "/login"
	if c.r.Method == http.MethodGet && c.r.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(c.r.URL.RequestURI())
	}
	http.Redirect(c.w, c.r, target, http.StatusSeeOther)
}

// redirect answers a POST with a redirect, leaving a flash message (a
// catalog key, never markup) for the next page.
func (c *call) redirect(to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(c.w, &http.Cookie{Name: flashCookie, Value: flashKey, Path: "/", MaxAge: 60,
			HttpOnly: true, Secure: c.s.secure(c.r), SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(c.w, c.r, to, http.StatusSeeOther)
	return nil
}

// takeFlash returns the flash message's key once and deletes the cookie.
// Only keys of the flash namespace that the catalog knows are accepted.
func (c *call) takeFlash() string {
	ck, err := c.r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	c.s.clearCookie(c.w, c.r, flashCookie, "/")
	if !strings.HasPrefix(ck.Value, "flash.") || !i18n.Has(i18n.Default, ck.Value) {
		return ""
	}
	return ck.Value
}

func (s *server) clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// safeNext returns next when it is a path on this site, else "/". It refuses
// absolute and scheme-relative URLs ("//evil", "/\evil") so that the login
// page cannot be made to send users elsewhere.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return next
}

// clientIP returns the address login failures are counted against: the
// connection's peer, which serve --trusted-proxies rewrites from X-Forwarded-For.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginPage is the login form.
type loginPage struct {
	basePage
	Form    *form
	Next    string
	Message string // translated failure message
}

func (c *call) loginForm(email string) *form {
	f := newForm()
	f.add(&formField{Name: "email", Label: c.T("field.email"), Type: "email", Value: email, Required: true, Autocomplete: "username", Autocapitalize: "none"})
	f.add(&formField{Name: "password", Label: c.T("field.password"), Type: "password", Required: true, Autocomplete: "current-password"})
	return f
}

// showLogin renders the login form with a fresh double-submit token: a random
// value both in a cookie and in the form, which must match on POST (the
// session's token does not exist yet).
func (s *server) showLogin(c *call, status int, email, msg string) {
	tok := newToken()
	http.SetCookie(c.w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/login", MaxAge: 3600,
		HttpOnly: true, Secure: s.secure(c.r), SameSite: http.SameSiteLaxMode})
	p := &loginPage{basePage: c.base("login.title"), Form: c.loginForm(email), Next: safeNext(c.r.FormValue("next")), Message: msg}
	p.CSRF = tok
	s.render(c.w, c.r, status, pageLogin, p)
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginForm shows the login page (GET /login).
func (s *server) loginForm(c *call) error {
	if c.au != nil {
		return c.redirect(safeNext(c.r.FormValue("next")), "")
	}
	s.showLogin(c, http.StatusOK, "", "")
	return nil
}

// login checks the credentials (POST /login).
func (s *server) login(c *call) error {
	if err := parseForm(c.w, c.r); err != nil {
		return err
	}
	email := strings.TrimSpace(c.r.PostForm.Get("email"))
	ck, err := c.r.Cookie(loginCSRFCookie)
	if err != nil || !tokensEqual(ck.Value, c.r.PostForm.Get(csrfField)) {
		s.showLogin(c, http.StatusForbidden, email, c.T("login.expired"))
		return nil
	}
	tok, sess, err := s.svc.Login(c.r.Context(), email, c.r.PostForm.Get("password"), clientIP(c.r))
	switch bulkhead.ErrorCode(err) {
	case "":
	case bulkhead.ETOOMANY:
		s.showLogin(c, http.StatusTooManyRequests, email, c.T("login.throttled", int(service.LoginWindow.Minutes())))
		return nil
	case bulkhead.EUNAUTHORIZED:
		s.showLogin(c, http.StatusUnauthorized, email, c.T("login.failed"))
		return nil
	default:
		return err
	}
	http.SetCookie(c.w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: sess.CreatedAt.Add(service.SessionMax),
		HttpOnly: true, Secure: s.secure(c.r), SameSite: http.SameSiteLaxMode})
	s.clearCookie(c.w, c.r, loginCSRFCookie, "/login")
	return c.redirect(safeNext(c.r.PostForm.Get("next")), "")
}

// logout ends the session (POST /logout).
func (s *server) logout(c *call) error {
	if err := s.svc.Logout(c.r.Context(), c.au); err != nil {
		return err
	}
	s.clearCookie(c.w, c.r, sessionCookie, "/")
	return c.redirect("/login", "flash.logged_out")
}

// switchOrg moves the session to another of the user's organisations
// (POST /org).
func (s *server) switchOrg(c *call) error {
	if err := s.svc.SwitchOrganization(c.r.Context(), c.au, c.r.PostForm.Get("org_id")); err != nil {
		return err
	}
	return c.redirect("/", "flash.org_switched")
}
