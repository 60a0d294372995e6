package web

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// auditPageSize is the number of entries an audit page shows.
const auditPageSize = 50

// auditObjectTypes are the object types the filter offers.
var auditObjectTypes = []string{"site", "user", "api_token", "organization"}

// knownActions are the audit actions the catalogs label; others show as
// recorded. The i18n test checks that each has a label.
var knownActions = []string{
	"organization.create", "member.add", "user.login", "user.logout", "user.password", "user.profile",
	"token.create", "token.revoke", "site.create", "site.update", "site.archive", "site.restore",
}

// changeFields orders the fields of a change; others follow by name.
var changeFields = []string{"name", "type", "unlocode", "country", "address", "time_zone", "notes",
	"email", "role", "lang", "slug", "prefix", "expires_at", "archived", "client"}

// changeLine is one field of a change: from → to, or just the value set.
type changeLine struct {
	Field   string
	From    string
	To      string
	HasFrom bool
}

// auditRow is an audit entry as the trail shows it.
type auditRow struct {
	Seq         int64
	At          string
	ISO         string
	Actor       string
	ActorDetail string
	ActionCode  string
	Action      string
	ObjectType  string
	Object      string
	ObjectHref  string
	Changes     []changeLine
	Hash        string
	HashFull    string
}

// nameCache looks up the names of objects an audit page mentions, once.
type nameCache struct {
	s     *server
	c     *call
	sites map[string]string
	users map[string]string
}

func newNameCache(s *server, c *call) *nameCache {
	n := &nameCache{s: s, c: c, sites: map[string]string{}, users: map[string]string{}}
	if c.can(service.ActMemberRead) {
		if ms, err := s.svc.Members(c.r.Context(), c.actor()); err == nil {
			for _, m := range ms {
				n.users[m.UserID] = m.UserName
			}
		}
	}
	return n
}

// site returns a site's current name, or "" when it cannot be read.
func (n *nameCache) site(id string) string {
	if name, ok := n.sites[id]; ok {
		return name
	}
	name := ""
	if st, err := n.s.svc.Site(n.c.r.Context(), n.c.actor(), id); err == nil {
		name = st.Name
	}
	n.sites[id] = name
	return name
}

// auditRow prepares an entry for display.
func (c *call) auditRow(e *bulkhead.AuditEntry, names *nameCache) auditRow {
	full := hex.EncodeToString(e.Hash)
	row := auditRow{
		Seq: e.Seq, At: c.dateTime(e.At), ISO: e.At.UTC().Format(time.RFC3339),
		Actor: e.ActorName, ActionCode: e.Action, Action: c.actionLabel(e.Action),
		ObjectType: c.objectLabel(e.ObjectType), Object: e.ObjectID,
		Changes: c.describeChange(e), Hash: full, HashFull: full,
	}
	if len(full) > 12 {
		row.Hash = full[:12]
	}
	if e.ActorID == "system" {
		row.Actor, row.ActorDetail = c.T("audit.system"), e.ActorName
	} else if name := names.users[e.ActorID]; name != "" {
		row.Actor, row.ActorDetail = name, e.ActorName
	}
	switch e.ObjectType {
	case "site":
		row.ObjectHref = "/sites/" + e.ObjectID
		if name := names.site(e.ObjectID); name != "" {
			row.Object = name
		}
	case "user":
		if name := names.users[e.ObjectID]; name != "" {
			row.Object = name
		}
	case "organization":
		for _, m := range c.au.Orgs {
			if m.OrgID == e.ObjectID {
				row.Object = m.OrgName
			}
		}
	}
	return row
}

// describeChange renders an entry's change JSON as readable lines. It knows
// the service's shapes — {"changes": {field: {from, to}}}, {"after": {…}} —
// and shows any other object field by field.
func (c *call) describeChange(e *bulkhead.AuditEntry) []changeLine {
	if len(e.Change) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(e.Change))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return []changeLine{{Field: "", To: truncate(string(e.Change), 200)}}
	}
	var out []changeLine
	if ch, ok := m["changes"].(map[string]any); ok {
		for _, k := range orderedKeys(ch) {
			v, ok := ch[k].(map[string]any)
			if !ok {
				out = append(out, changeLine{Field: c.fieldLabel(k), To: c.changeValue(e.ObjectType, k, ch[k])})
				continue
			}
			out = append(out, changeLine{Field: c.fieldLabel(k), HasFrom: true,
				From: c.changeValue(e.ObjectType, k, v["from"]), To: c.changeValue(e.ObjectType, k, v["to"])})
		}
		return out
	}
	if after, ok := m["after"].(map[string]any); ok {
		m = after
	}
	for _, k := range orderedKeys(m) {
		if s, ok := m[k].(string); ok && s == "" {
			continue // a field left empty at creation says nothing
		}
		out = append(out, changeLine{Field: c.fieldLabel(k), To: c.changeValue(e.ObjectType, k, m[k])})
	}
	return out
}

// orderedKeys returns m's keys, known fields first.
func orderedKeys(m map[string]any) []string {
	rank := func(k string) int {
		for i, f := range changeFields {
			if f == k {
				return i
			}
		}
		return len(changeFields)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}

// changeValue renders one value of a change, translating enum values.
func (c *call) changeValue(objType, field string, v any) string {
	switch x := v.(type) {
	case nil:
		return c.T("audit.value_none")
	case bool:
		if x {
			return c.T("common.yes")
		}
		return c.T("common.no")
	case json.Number:
		return x.String()
	case string:
		switch {
		case x == "":
			return c.T("audit.value_empty")
		case field == "type" && objType == "site":
			return c.siteTypeLabel(bulkhead.SiteType(x))
		case field == "role":
			return c.roleLabel(bulkhead.Role(x))
		case field == "lang":
			return c.label(langKey(x), x)
		case field == "expires_at":
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return c.dateTime(t)
			}
		}
		return truncate(x, 200)
	}
	b, _ := json.Marshal(v)
	return truncate(string(b), 200)
}

// truncate shortens s to n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// auditPage is the audit trail.
type auditPage struct {
	basePage
	Filter      *form
	ObjectID    string
	ObjectLabel string
	Rows        []auditRow
	Total       int
	OlderHref   string
	NewestHref  string
	ClearHref   string
	Filtered    bool
}

// audit shows the trail, newest first, paged by sequence number (GET /audit).
func (s *server) audit(c *call) error {
	q := c.r.URL.Query()
	f := bulkhead.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), ActorID: q.Get("actor"), Limit: auditPageSize}
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.BeforeSeq = b
	}
	entries, total, err := s.svc.AuditEntries(c.r.Context(), c.actor(), f)
	if err != nil {
		return err
	}
	names := newNameCache(s, c)
	p := &auditPage{basePage: c.base("audit.title"), Total: total, ObjectID: f.ObjectID, ClearHref: "/audit",
		Filtered: f.ObjectType != "" || f.ObjectID != "" || f.ActorID != ""}
	p.Filter = c.auditFilterForm(f, names)
	if f.ObjectID != "" {
		p.ObjectLabel = f.ObjectID
		if f.ObjectType == "site" {
			if n := names.site(f.ObjectID); n != "" {
				p.ObjectLabel = n
			}
		}
	}
	for _, e := range entries {
		p.Rows = append(p.Rows, c.auditRow(e, names))
	}
	link := func(before int64) string {
		v := url.Values{}
		for _, k := range []string{"object_type", "object_id", "actor"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		if before > 0 {
			v.Set("before", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return "/audit"
		}
		return "/audit?" + v.Encode()
	}
	if n := len(entries); n == auditPageSize && entries[n-1].Seq > 1 {
		p.OlderHref = link(entries[n-1].Seq)
	}
	if f.BeforeSeq > 0 {
		p.NewestHref = link(0)
	}
	s.render(c.w, c.r, http.StatusOK, pageAudit, p)
	return nil
}

// auditFilterForm is the trail's filter form.
func (c *call) auditFilterForm(f bulkhead.AuditFilter, names *nameCache) *form {
	fm := newForm()
	types := options(f.ObjectType, "", c.T("audit.any_object"))
	for _, t := range auditObjectTypes {
		types = append(types, selectOption{Value: t, Label: c.objectLabel(t), Selected: f.ObjectType == t})
	}
	fm.add(&formField{Name: "object_type", Label: c.T("audit.object_type"), Kind: "select", Options: types})
	actors := options(f.ActorID, "", c.T("audit.any_actor"), "system", c.T("audit.system"))
	ids := make([]string, 0, len(names.users))
	for id := range names.users {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return names.users[ids[i]] < names.users[ids[j]] })
	for _, id := range ids {
		actors = append(actors, selectOption{Value: id, Label: names.users[id], Selected: f.ActorID == id})
	}
	fm.add(&formField{Name: "actor", Label: c.T("audit.actor"), Kind: "select", Options: actors})
	return fm
}

// verifyPage shows the result of checking the trail's hash chain.
type verifyPage struct {
	basePage
	Result    *service.VerifyResult
	CheckedAt string
	Reason    string // the break, in the page's language
}

// verifyAudit checks the whole trail and says whether it is intact
// (GET /audit/verify; reading only, so safe to repeat).
func (s *server) verifyAudit(c *call) error {
	res, err := s.svc.VerifyAudit(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &verifyPage{basePage: c.base("verify.title"), Result: res, CheckedAt: c.dateTime(time.Now())}
	if b := res.Break; b != nil {
		p.Reason = c.label(breakKey(b.Code), b.Reason)
	}
	s.render(c.w, c.r, http.StatusOK, pageVerify, p)
	return nil
}
