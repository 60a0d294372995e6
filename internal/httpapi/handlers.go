package httpapi

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// ---- representations

type siteJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Type       string     `json:"type"`
	UNLOCODE   string     `json:"unlocode"`
	Address    string     `json:"address"`
	Country    string     `json:"country"`
	TimeZone   string     `json:"time_zone"`
	Notes      string     `json:"notes"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ArchivedAt *time.Time `json:"archived_at"`
}

func toSite(s *bulkhead.Site) siteJSON {
	return siteJSON{s.ID, s.Name, string(s.Type), s.UNLOCODE, s.Address, s.Country, s.TimeZone, s.Notes, s.CreatedAt, s.UpdatedAt, s.ArchivedAt}
}

type auditJSON struct {
	Seq          int64           `json:"seq"`
	ID           string          `json:"id"`
	At           time.Time       `json:"at"`
	ActorID      string          `json:"actor_id"`
	ActorName    string          `json:"actor_name"`
	Action       string          `json:"action"`
	ObjectType   string          `json:"object_type"`
	ObjectID     string          `json:"object_id"`
	Change       json.RawMessage `json:"change"`
	ChangeDigest string          `json:"change_digest"`
	PrevHash     string          `json:"prev_hash"`
	Hash         string          `json:"hash"`
}

func toAudit(e *bulkhead.AuditEntry) auditJSON {
	ch := json.RawMessage(e.Change)
	if !json.Valid(ch) {
		ch, _ = json.Marshal(string(e.Change))
	}
	return auditJSON{e.Seq, e.ID, e.At, e.ActorID, e.ActorName, e.Action, e.ObjectType, e.ObjectID, ch,
		hex.EncodeToString(e.ChangeDigest), hex.EncodeToString(e.PrevHash), hex.EncodeToString(e.Hash)}
}

type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func toToken(t *bulkhead.APIToken) tokenJSON {
	return tokenJSON{t.ID, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt}
}

type memberJSON struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

type listJSON[T any] struct {
	Items      []T  `json:"items"`
	Total      int  `json:"total"`
	Limit      int  `json:"limit"`
	Offset     int  `json:"offset"`
	NextOffset *int `json:"next_offset"`
}

// ---- query parsing

// query reads URL parameters, rejecting unknown ones and collecting field
// errors.
type query struct {
	v      url.Values
	fields map[string]string
}

func parseQuery(r *http.Request, allowed ...string) (*query, error) {
	q := &query{v: r.URL.Query(), fields: map[string]string{}}
	for k := range q.v {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			q.fields[k] = bulkhead.FieldUnknown
		}
	}
	if len(q.fields) > 0 {
		return nil, &bulkhead.Error{Code: codeBadRequest, Message: "Unknown query parameter.", Fields: q.fields}
	}
	return q, nil
}

func (q *query) str(k string) string { return q.v.Get(k) }

func (q *query) int(k string, def int) int {
	s := q.v.Get(k)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.fields[k] = bulkhead.FieldInvalid
	}
	return n
}

// bool reads a boolean parameter (true, false, 1, 0; absent is false).
func (q *query) bool(k string) bool {
	s := q.v.Get(k)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.fields[k] = bulkhead.FieldInvalid
	}
	return b
}

func (q *query) err() error {
	if len(q.fields) > 0 {
		return &bulkhead.Error{Code: codeBadRequest, Message: "A query parameter is not valid.", Fields: q.fields}
	}
	return nil
}

// ---- handlers

func (s *Server) openapi(w http.ResponseWriter, r *http.Request, _ *service.Authenticated) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openapiDoc)
	return err
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	orgs := make([]map[string]string, 0, len(au.Orgs))
	var org map[string]string
	for _, m := range au.Orgs {
		o := map[string]string{"id": m.OrgID, "slug": m.OrgSlug, "name": m.OrgName, "role": string(m.Role)}
		orgs = append(orgs, o)
		if m.OrgID == au.Actor.OrgID {
			org = o
		}
	}
	perms := []string{}
	for _, a := range service.Actions {
		if service.Can(au.Actor.Role, a) {
			perms = append(perms, string(a))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"user":          map[string]string{"id": au.User.ID, "email": au.User.Email, "name": au.User.Name, "lang": au.User.Lang, "time_zone": au.User.TimeZone},
		"organization":  org,
		"role":          au.Actor.Role,
		"permissions":   perms,
		"organizations": orgs,
		"token":         toToken(au.Token),
	})
	return nil
}

// siteFilter reads the list's filter and sort parameters.
func siteFilter(q *query) bulkhead.SiteFilter {
	f := bulkhead.SiteFilter{Query: q.str("q"), Type: bulkhead.SiteType(q.str("type")), Country: q.str("country"), Status: q.str("status")}
	sort := q.str("sort")
	if d, ok := strings.CutPrefix(sort, "-"); ok {
		f.Desc, sort = true, d
	}
	f.Sort = bulkhead.SiteSort(sort)
	return f
}

func (s *Server) listSites(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "q", "type", "country", "status", "sort", "limit", "offset")
	if err != nil {
		return err
	}
	f := siteFilter(q)
	f.Limit = q.int("limit", bulkhead.DefaultPageSize)
	f.Offset = q.int("offset", 0)
	if err := q.err(); err != nil {
		return err
	}
	sites, total, err := s.svc.Sites(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = bulkhead.DefaultPageSize
	}
	out := listJSON[siteJSON]{Items: make([]siteJSON, len(sites)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i, x := range sites {
		out.Items[i] = toSite(x)
	}
	if next := f.Offset + len(sites); next < total {
		out.NextOffset = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// exportSites answers every matching site as CSV. Problems found before the
// first row (bad filter, role) are JSON errors like any other.
func (s *Server) exportSites(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "q", "type", "country", "status", "sort")
	if err != nil {
		return err
	}
	f := siteFilter(q)
	f.Limit = 1
	if _, _, err := s.svc.Sites(r.Context(), au.Actor, f); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="sites.csv"`)
	err = export.Sites(w, func(fn func(*bulkhead.Site) error) error {
		return s.svc.EachSite(r.Context(), au.Actor, f, fn)
	})
	if err != nil {
		// Headers are gone; the truncated file is all the client gets.
		s.log.Error("site export failed", "err", err)
	}
	return nil
}

func (s *Server) createSite(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.SiteInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	site, err := s.svc.CreateSite(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/sites/"+site.ID)
	writeJSON(w, http.StatusCreated, toSite(site))
	return nil
}

func (s *Server) getSite(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	site, err := s.svc.Site(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSite(site))
	return nil
}

func (s *Server) updateSite(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.SiteInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	site, err := s.svc.UpdateSite(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSite(site))
	return nil
}

func (s *Server) archiveSite(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	return s.setArchived(w, r, au, true)
}

func (s *Server) restoreSite(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	return s.setArchived(w, r, au, false)
}

func (s *Server) setArchived(w http.ResponseWriter, r *http.Request, au *service.Authenticated, archive bool) error {
	site, err := s.svc.ArchiveSite(r.Context(), au.Actor, r.PathValue("id"), archive)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSite(site))
	return nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "object_type", "object_id", "actor_id", "action", "before", "limit")
	if err != nil {
		return err
	}
	f := bulkhead.AuditFilter{ObjectType: q.str("object_type"), ObjectID: q.str("object_id"), ActorID: q.str("actor_id"), Action: q.str("action")}
	f.BeforeSeq = int64(q.int("before", 0))
	f.Limit = q.int("limit", bulkhead.DefaultPageSize)
	if err := q.err(); err != nil {
		return err
	}
	entries, total, err := s.svc.AuditEntries(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	items := make([]auditJSON, len(entries))
	for i, e := range entries {
		items[i] = toAudit(e)
	}
	var next *int64
	if n := len(entries); n > 0 && n == f.Limit && entries[n-1].Seq > 1 {
		next = &entries[n-1].Seq
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "next_before": next})
	return nil
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	res, err := s.svc.VerifyAudit(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	ms, err := s.svc.Members(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := make([]memberJSON, len(ms))
	for i, m := range ms {
		out[i] = memberJSON{m.UserID, m.Email, m.UserName, string(m.Role)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

type newMemberInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
	Lang     string `json:"lang"`
	TimeZone string `json:"time_zone"`
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in newMemberInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := s.svc.AddMember(r.Context(), au.Actor, service.NewUser{Email: in.Email, Name: in.Name, Password: in.Password, Role: bulkhead.Role(in.Role), Lang: in.Lang, TimeZone: in.TimeZone})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/members/"+u.ID)
	writeJSON(w, http.StatusCreated, memberJSON{u.ID, u.Email, u.Name, in.Role})
	return nil
}

type memberInput struct {
	Role *string `json:"role"`
}

func (s *Server) updateMember(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in memberInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Role == nil {
		return bulkhead.Invalid(map[string]string{"role": bulkhead.FieldRequired})
	}
	m, err := s.svc.SetMemberRole(r.Context(), au.Actor, r.PathValue("user_id"), bulkhead.Role(*in.Role))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberJSON{m.UserID, m.Email, m.UserName, string(m.Role)})
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	ts, err := s.svc.APITokens(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, len(ts))
	for i, t := range ts {
		out[i] = toToken(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

type tokenInput struct {
	Name          *string `json:"name"`
	ExpiresInDays *int    `json:"expires_in_days"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in tokenInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var name string
	if in.Name != nil {
		name = *in.Name
	}
	var ttl time.Duration
	if in.ExpiresInDays != nil {
		if *in.ExpiresInDays < 1 || *in.ExpiresInDays > 3650 {
			return bulkhead.Invalid(map[string]string{"expires_in_days": bulkhead.FieldInvalid})
		}
		ttl = time.Duration(*in.ExpiresInDays) * 24 * time.Hour
	}
	raw, t, err := s.svc.CreateAPIToken(r.Context(), au.Actor, name, ttl)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tokens/"+t.ID)
	writeJSON(w, http.StatusCreated, map[string]any{"token": raw, "api_token": toToken(t)})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if err := s.svc.RevokeAPIToken(r.Context(), au.Actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
