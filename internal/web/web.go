// Package web is Bulkhead's server-rendered web UI: the pages security
// managers, site officers and auditors use in a browser. Its templates and
// static assets are embedded and parsed when the handler is made; every page
// goes through the service layer, which checks roles, so the UI only hides
// what a role cannot do and never decides it.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Options configure the web UI.
type Options struct {
	// Logger receives request errors; nil discards them.
	Logger *slog.Logger
	// Version is shown in the page footer.
	Version string
	// SecureCookies marks cookies Secure even on plain-HTTP requests, for
	// deployments behind a TLS-terminating proxy.
	SecureCookies bool
}

// server holds what the handlers share. It is read-only after New.
type server struct {
	svc    *service.Service
	log    *slog.Logger
	opts   Options
	pages  map[string]*template.Template
	assets *assets
}

// New returns the web UI's handler, which serves every path outside /api:
// the pages and /static/. It parses every template and hashes every static
// asset first, so a missing or broken template fails here, not at the first
// request.
func New(svc *service.Service, opts Options) (http.Handler, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	a, err := loadAssets(staticFS)
	if err != nil {
		return nil, err
	}
	s := &server{svc: svc, log: opts.Logger, opts: opts, assets: a}
	if s.pages, err = parsePages(templateFS, template.FuncMap{"asset": a.path}); err != nil {
		return nil, err
	}
	return s.handler(), nil
}

// handler wraps the routes in the middleware every response goes through.
func (s *server) handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.plainError(w, r, http.StatusForbidden)
	}))
	return s.securityHeaders(s.withRequestLog(cop.Handler(s.routes())))
}

// routes lists every page of the UI.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{hash}/{name}", s.static)

	mux.HandleFunc("GET /login", s.public(s.loginForm))
	mux.HandleFunc("POST /login", s.public(s.login))
	mux.HandleFunc("POST /logout", s.auth(s.logout))
	mux.HandleFunc("POST /org", s.auth(s.switchOrg))

	mux.HandleFunc("GET /{$}", s.auth(s.dashboard))
	mux.HandleFunc("GET /areas/{area}", s.auth(s.area))

	mux.HandleFunc("GET /sites", s.auth(s.sites))
	mux.HandleFunc("POST /sites", s.auth(s.createSite))
	mux.HandleFunc("GET /sites/new", s.auth(s.newSite))
	mux.HandleFunc("GET /sites/export.csv", s.auth(s.exportSites))
	mux.HandleFunc("GET /sites/{id}", s.auth(s.site))
	mux.HandleFunc("POST /sites/{id}", s.auth(s.updateSite))
	mux.HandleFunc("GET /sites/{id}/edit", s.auth(s.editSite))
	mux.HandleFunc("GET /sites/{id}/archive", s.auth(s.confirmArchiveSite))
	mux.HandleFunc("POST /sites/{id}/archive", s.auth(s.archiveSite))
	mux.HandleFunc("POST /sites/{id}/restore", s.auth(s.restoreSite))

	mux.HandleFunc("GET /audit", s.auth(s.audit))
	mux.HandleFunc("GET /audit/verify", s.auth(s.verifyAudit))

	mux.HandleFunc("GET /account", s.auth(s.account))
	mux.HandleFunc("POST /account/profile", s.auth(s.updateProfile))
	mux.HandleFunc("POST /account/password", s.auth(s.changePassword))
	mux.HandleFunc("POST /account/tokens", s.auth(s.createToken))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", s.auth(s.revokeToken))

	mux.HandleFunc("GET /members", s.auth(s.members))
	mux.HandleFunc("POST /members", s.auth(s.addMember))
	mux.HandleFunc("POST /members/{id}/role", s.auth(s.setMemberRole))

	s.registerRoutes(mux)
	s.peopleRoutes(mux)
	s.documentRoutes(mux)
	s.riskRoutes(mux)
	s.libraryRoutes(mux)
	s.custodyRoutes(mux)
	s.incidentRoutes(mux)

	mux.HandleFunc("/", s.public(s.notFound))
	return mux
}

// contentSecurityPolicy allows only the application's own scripts, styles
// and images: no inline code, no framing, forms posting only to us.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries.
func (s *server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const (
	logKey ctxKey = iota
	reqIDKey
)

// withRequestLog gives each request an ID and a logger carrying it, so
// that an error page's reference number leads to the log line.
func (s *server) withRequestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [6]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		l := s.log.With("request_id", id, "method", r.Method, "path", r.URL.Path)
		ctx := context.WithValue(context.WithValue(r.Context(), logKey, l), reqIDKey, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requestLog returns the request's logger.
func requestLog(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(logKey).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// requestID returns the request's ID.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(reqIDKey).(string)
	return id
}

// secure reports whether cookies set in answer to r must be Secure.
func (s *server) secure(r *http.Request) bool { return r.TLS != nil || s.opts.SecureCookies }

// loadLocation returns the named zone, or UTC when it cannot be loaded.
func loadLocation(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
