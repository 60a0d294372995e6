// Package httpapi serves Bulkhead's JSON API under /api/v1: all routes in
// one function, thin handlers (decode → service → encode), one table from
// error codes to HTTP statuses, and an OpenAPI 3.1 document checked against
// the routes by a test.
package httpapi

import (
	"bytes"
	"embed"

	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// MaxBodyBytes limits request bodies.
const MaxBodyBytes = 1 << 20

// openapiFS holds the OpenAPI document: openapi.json for the foundation and
// one fragment per area of the product in openapi/ (paths, components and
// tags), merged into one document at start-up.
//
//go:embed openapi.json openapi
var openapiFS embed.FS

var openapiDoc = mustMergeOpenAPI(openapiFS)

// OpenAPI returns the OpenAPI document.
func OpenAPI() []byte { return openapiDoc }

// Server is the JSON API handler.
type Server struct {
	svc *service.Service
	log *slog.Logger
	mux *http.ServeMux
}

// Route is one API route; Routes lists them all.
type Route struct {
	Method  string
	Path    string // ServeMux pattern path, with {name} wildcards
	Public  bool   // served without a token
	handler func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error
}

// Routes returns every route of the API. It is the single list the server
// registers and the OpenAPI test compares against.
func Routes() []Route {
	var all []Route
	for _, area := range [][]Route{coreRoutes(), registerRoutes(), peopleRoutes(), documentRoutes(), riskRoutes(), libraryRoutes(), custodyRoutes(), incidentRoutes()} {
		all = append(all, area...)
	}
	return all
}

// coreRoutes are the foundation's routes; each area of the product lists
// its routes in its own file.
func coreRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/openapi.json", Public: true, handler: (*Server).openapi},
		{Method: "GET", Path: "/api/v1/me", handler: (*Server).me},
		{Method: "GET", Path: "/api/v1/sites", handler: (*Server).listSites},
		{Method: "POST", Path: "/api/v1/sites", handler: (*Server).createSite},
		{Method: "GET", Path: "/api/v1/sites/export", handler: (*Server).exportSites},
		{Method: "GET", Path: "/api/v1/sites/{id}", handler: (*Server).getSite},
		{Method: "PATCH", Path: "/api/v1/sites/{id}", handler: (*Server).updateSite},
		{Method: "POST", Path: "/api/v1/sites/{id}/archive", handler: (*Server).archiveSite},
		{Method: "POST", Path: "/api/v1/sites/{id}/restore", handler: (*Server).restoreSite},
		{Method: "GET", Path: "/api/v1/audit", handler: (*Server).listAudit},
		{Method: "GET", Path: "/api/v1/audit/verify", handler: (*Server).verifyAudit},
		{Method: "GET", Path: "/api/v1/members", handler: (*Server).listMembers},
		{Method: "POST", Path: "/api/v1/members", handler: (*Server).addMember},
		{Method: "PATCH", Path: "/api/v1/members/{user_id}", handler: (*Server).updateMember},
		{Method: "GET", Path: "/api/v1/tokens", handler: (*Server).listTokens},
		{Method: "POST", Path: "/api/v1/tokens", handler: (*Server).createToken},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", handler: (*Server).revokeToken},
	}
}

// New returns the API handler. Mount it at /api/.
func New(svc *service.Service, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, mux: http.NewServeMux()}
	for _, rt := range Routes() {
		s.mux.HandleFunc(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, bulkhead.Errorf(bulkhead.ENOTFOUND, "No such API endpoint or method: %s %s.", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) wrap(rt Route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var au *service.Authenticated
		if !rt.Public {
			tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="bulkhead"`)
				s.writeError(w, r, bulkhead.Errorf(bulkhead.EUNAUTHORIZED, "Send an API token: Authorization: Bearer <token>."))
				return
			}
			var err error
			if au, err = s.svc.TokenAuth(r.Context(), strings.TrimSpace(tok)); err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="bulkhead", error="invalid_token"`)
				s.writeError(w, r, err)
				return
			}
			au.Actor.Lang = i18n.Default
		}
		if err := rt.handler(s, w, r, au); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// statuses maps error codes to HTTP statuses.
var statuses = map[string]int{
	bulkhead.EINVALID:      http.StatusUnprocessableEntity,
	bulkhead.ENOTFOUND:     http.StatusNotFound,
	bulkhead.ECONFLICT:     http.StatusConflict,
	bulkhead.EUNAUTHORIZED: http.StatusUnauthorized,
	bulkhead.EFORBIDDEN:    http.StatusForbidden,
	bulkhead.ETOOMANY:      http.StatusTooManyRequests,
	bulkhead.EINTERNAL:     http.StatusInternalServerError,
	codeBadRequest:         http.StatusBadRequest,
	codeTooLarge:           http.StatusRequestEntityTooLarge,
	codeUnsupported:        http.StatusUnsupportedMediaType,
}

// Transport-level codes, beside the domain's.
const (
	codeBadRequest  = "bad_request"
	codeTooLarge    = "too_large"
	codeUnsupported = "unsupported_media_type"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := bulkhead.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == bulkhead.EINTERNAL {
		s.log.Error("api internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := errorBody{Error: errorDetail{Code: code, Message: bulkhead.ErrorMessage(err)}}
	if f := bulkhead.ErrorFields(err); len(f) > 0 {
		body.Error.Fields = make(map[string]string, len(f))
		for k, c := range f {
			body.Error.Fields[k] = i18n.T(i18n.Default, "err."+c)
		}
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// decode reads one JSON object into dst: JSON content type, size-limited,
// unknown fields rejected, nothing after the object.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &bulkhead.Error{Code: codeUnsupported, Message: "Send the body as application/json."}
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &bulkhead.Error{Code: codeTooLarge, Message: fmt.Sprintf("The body is larger than %d bytes.", MaxBodyBytes)}
		}
		return &bulkhead.Error{Code: codeBadRequest, Message: "The body could not be read."}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &bulkhead.Error{Code: codeBadRequest, Message: "The body must hold exactly one JSON object."}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &bulkhead.Error{Code: codeBadRequest, Message: "The body must hold exactly one JSON object."}
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &bulkhead.Error{Code: codeBadRequest, Message: fmt.Sprintf("Malformed JSON at byte %d.", se.Offset)}
	case errors.As(err, &te):
		f := te.Field
		if f == "" {
			return &bulkhead.Error{Code: codeBadRequest, Message: "The body must be a JSON object."}
		}
		return &bulkhead.Error{Code: codeBadRequest, Message: fmt.Sprintf("Field %q must be a JSON %s.", f, jsonKind(te.Type)), Fields: map[string]string{f: bulkhead.FieldInvalid}}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &bulkhead.Error{Code: codeBadRequest, Message: "The body is empty or cut short."}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &bulkhead.Error{Code: codeBadRequest, Message: fmt.Sprintf("Unknown field %q.", name), Fields: map[string]string{name: bulkhead.FieldUnknown}}
	}
	return &bulkhead.Error{Code: codeBadRequest, Message: "The body is not valid JSON."}
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	}
	return "value"
}
