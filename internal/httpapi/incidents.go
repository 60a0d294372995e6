package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// incidentRoutes are the API routes of security incidents (issue 7).
func incidentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/incidents", handler: (*Server).listIncidents},
		{Method: "POST", Path: "/api/v1/incidents", handler: (*Server).createIncident},
		{Method: "GET", Path: "/api/v1/incidents/export", handler: (*Server).exportIncidents},
		{Method: "GET", Path: "/api/v1/incidents/stats", handler: (*Server).incidentStats},
		{Method: "POST", Path: "/api/v1/incidents/import", handler: (*Server).importIncidents},
		{Method: "GET", Path: "/api/v1/incidents/rules", handler: (*Server).incidentRules},
		{Method: "PUT", Path: "/api/v1/incidents/rules", handler: (*Server).setIncidentRules},
		{Method: "GET", Path: "/api/v1/incidents/{id}", handler: (*Server).getIncident},
		{Method: "PATCH", Path: "/api/v1/incidents/{id}", handler: (*Server).updateIncident},
		{Method: "POST", Path: "/api/v1/incidents/{id}/status", handler: (*Server).setIncidentStatus},
		{Method: "POST", Path: "/api/v1/incidents/{id}/assign", handler: (*Server).assignIncident},
		{Method: "POST", Path: "/api/v1/incidents/{id}/notes", handler: (*Server).addIncidentNote},
		{Method: "POST", Path: "/api/v1/incidents/{id}/notifications/{nid}/sent", handler: (*Server).markNotificationSent},
		{Method: "POST", Path: "/api/v1/incidents/{id}/evidence", handler: (*Server).addIncidentEvidence},
		{Method: "GET", Path: "/api/v1/incidents/{id}/evidence/{eid}", handler: (*Server).getIncidentEvidence},
		{Method: "POST", Path: "/api/v1/incidents/{id}/links", handler: (*Server).addIncidentLink},
		{Method: "DELETE", Path: "/api/v1/incidents/{id}/links/{lid}", handler: (*Server).removeIncidentLink},
		{Method: "POST", Path: "/api/v1/incidents/{id}/actions", handler: (*Server).addCorrectiveAction},
		{Method: "POST", Path: "/api/v1/incidents/{id}/actions/{aid}/done", handler: (*Server).completeCorrectiveAction},
	}
}

// ---- representations

type incidentJSON struct {
	ID                  string     `json:"id"`
	Type                string     `json:"type"`
	Severity            string     `json:"severity"`
	Status              string     `json:"status"`
	Title               string     `json:"title"`
	Description         string     `json:"description"`
	OccurredAt          time.Time  `json:"occurred_at"`
	DetectedAt          time.Time  `json:"detected_at"`
	ReportedAt          time.Time  `json:"reported_at"`
	SiteID              string     `json:"site_id"`
	Lane                string     `json:"lane"`
	ShipmentRef         string     `json:"shipment_ref"`
	EquipmentRef        string     `json:"equipment_ref"`
	Partner             string     `json:"partner"`
	UNLOCODE            string     `json:"unlocode"`
	Latitude            *float64   `json:"latitude"`
	Longitude           *float64   `json:"longitude"`
	Loss                string     `json:"loss"`
	Currency            string     `json:"currency"`
	Reporter            string     `json:"reporter"`
	AssigneeID          string     `json:"assignee_id"`
	Source              string     `json:"source"`
	SourceRef           string     `json:"source_ref"`
	RCAMethod           string     `json:"rca_method"`
	CauseCategory       string     `json:"cause_category"`
	RootCause           string     `json:"root_cause"`
	Whys                string     `json:"whys"`
	ContributingFactors string     `json:"contributing_factors"`
	LessonsLearned      string     `json:"lessons_learned"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
	ClosedAt            *time.Time `json:"closed_at"`
}

func toIncident(i *bulkhead.Incident) incidentJSON {
	return incidentJSON{i.ID, string(i.Type), string(i.Severity), string(i.Status), i.Title, i.Description, i.OccurredAt, i.DetectedAt,
		i.ReportedAt, i.SiteID, i.Lane, i.ShipmentRef, i.EquipmentRef, i.Partner, i.UNLOCODE, i.Latitude, i.Longitude,
		bulkhead.FormatMoney(i.LossCents), i.Currency, i.Reporter, i.AssigneeID, i.Source, i.SourceRef, i.RCAMethod, string(i.CauseCategory),
		i.RootCause, i.Whys, i.ContributingFactors, i.LessonsLearned, i.CreatedAt, i.UpdatedAt, i.ClosedAt}
}

type entryJSON struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	ActorID   string    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Kind      string    `json:"kind"`
	Body      string    `json:"body"`
}

type notificationJSON struct {
	ID        string     `json:"id"`
	Recipient string     `json:"recipient"`
	DueAt     time.Time  `json:"due_at"`
	Overdue   bool       `json:"overdue"`
	Note      string     `json:"note"`
	SentAt    *time.Time `json:"sent_at"`
	SentBy    string     `json:"sent_by"`
	Reference string     `json:"reference"`
}

func toNotification(n *bulkhead.IncidentNotification, now time.Time) notificationJSON {
	return notificationJSON{n.ID, string(n.Recipient), n.DueAt, n.Overdue(now), n.Note, n.SentAt, n.SentBy, n.Reference}
}

type evidenceJSON struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	UploadedBy  string    `json:"uploaded_by"`
}

func toEvidence(e *bulkhead.IncidentEvidence) evidenceJSON {
	return evidenceJSON{e.ID, e.Name, e.ContentType, e.Size, e.SHA256, e.UploadedAt, e.UploadedBy}
}

type linkJSON struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	RefID     string    `json:"ref_id"`
	Label     string    `json:"label"`
	CreatedAt time.Time `json:"created_at"`
}

func toLink(l *bulkhead.IncidentLink) linkJSON {
	return linkJSON{l.ID, l.Kind, l.RefID, l.Label, l.CreatedAt}
}

type incidentActionJSON struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	OwnerID   string     `json:"owner_id"`
	OwnerName string     `json:"owner_name"`
	Due       string     `json:"due"`
	DoneAt    *time.Time `json:"done_at"`
}

func toAction(a *bulkhead.CorrectiveAction) incidentActionJSON {
	return incidentActionJSON{a.ID, a.Title, a.OwnerID, a.OwnerName, a.Due.Format("2006-01-02"), a.DoneAt}
}

type incidentRecordJSON struct {
	incidentJSON
	Timeline      []entryJSON          `json:"timeline"`
	Notifications []notificationJSON   `json:"notifications"`
	Evidence      []evidenceJSON       `json:"evidence"`
	Links         []linkJSON           `json:"links"`
	Actions       []incidentActionJSON `json:"corrective_actions"`
}

type ruleJSON struct {
	Type        string `json:"type"`
	MinSeverity string `json:"min_severity"`
	Recipient   string `json:"recipient"`
	Hours       int    `json:"hours"`
	Note        string `json:"note"`
}

// ---- handlers

// incidentFilter reads the list's filter and sort parameters.
func incidentFilter(q *query) bulkhead.IncidentFilter {
	f := bulkhead.IncidentFilter{Query: q.str("q"), Type: bulkhead.IncidentType(q.str("type")), Severity: bulkhead.Severity(q.str("severity")),
		Status: q.str("status"), SiteID: q.str("site_id")}
	for _, k := range []string{"from", "to"} {
		if v := q.str(k); v != "" {
			t, ok := bulkhead.ParseTime(v, time.UTC)
			if !ok {
				q.fields[k] = bulkhead.FieldInvalid
			}
			if k == "from" {
				f.From = t
			} else {
				f.To = t
			}
		}
	}
	if sort := q.str("sort"); sort != "" {
		if d, ok := strings.CutPrefix(sort, "-"); ok {
			f.Desc, sort = true, d
		}
		f.Sort = bulkhead.IncidentSort(sort)
	}
	return f
}

var incidentFilterParams = []string{"q", "type", "severity", "status", "site_id", "from", "to", "sort"}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, append(incidentFilterParams, "limit", "offset")...)
	if err != nil {
		return err
	}
	f := incidentFilter(q)
	f.Limit = q.int("limit", bulkhead.DefaultPageSize)
	f.Offset = q.int("offset", 0)
	if err := q.err(); err != nil {
		return err
	}
	list, total, err := s.svc.Incidents(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	out := listJSON[incidentJSON]{Items: make([]incidentJSON, len(list)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i, x := range list {
		out.Items[i] = toIncident(x)
	}
	if next := f.Offset + len(list); next < total {
		out.NextOffset = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) exportIncidents(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, append(incidentFilterParams, "format")...)
	if err != nil {
		return err
	}
	f := incidentFilter(q)
	if err := q.err(); err != nil {
		return err
	}
	format := q.str("format")
	if format == "" {
		format = "csv"
	}
	if err := s.svc.CheckIncidentExport(r.Context(), au.Actor, f, format); err != nil {
		return err
	}
	if format == "xlsx" {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	} else {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="incidents.`+format+`"`)
	if err := s.svc.ExportIncidents(r.Context(), au.Actor, f, format, w); err != nil {
		s.log.Error("incident export failed", "err", err)
	}
	return nil
}

// parseMonth reads YYYY-MM as yyyymm.
func parseMonth(q *query, k string) int {
	v := q.str(k)
	if v == "" {
		return 0
	}
	t, err := time.Parse("2006-01", v)
	if err != nil {
		q.fields[k] = bulkhead.FieldInvalid
		return 0
	}
	return bulkhead.MonthOf(t)
}

type groupJSON struct {
	Key    string            `json:"key"`
	Count  int               `json:"count"`
	Losses map[string]string `json:"losses"`
}

func toGroups(gs []bulkhead.IncidentGroup) []groupJSON {
	out := make([]groupJSON, len(gs))
	for i, g := range gs {
		out[i] = groupJSON{Key: g.Key, Count: g.Count, Losses: money(g.Losses)}
	}
	return out
}

func money(m map[string]int64) map[string]string {
	out := map[string]string{}
	for c, v := range m {
		out[c] = bulkhead.FormatMoney(v)
	}
	return out
}

func (s *Server) incidentStats(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "from", "to", "type", "severity", "site_id")
	if err != nil {
		return err
	}
	f := bulkhead.IncidentStatsFilter{FromMonth: parseMonth(q, "from"), ToMonth: parseMonth(q, "to"), Type: bulkhead.IncidentType(q.str("type")),
		Severity: bulkhead.Severity(q.str("severity")), SiteID: q.str("site_id")}
	if err := q.err(); err != nil {
		return err
	}
	st, err := s.svc.IncidentStats(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": st.Total, "losses": money(st.Losses), "by_type": toGroups(st.ByType),
		"by_site": toGroups(st.BySite), "by_lane": toGroups(st.ByLane), "by_month": toGroups(st.ByMonth)})
	return nil
}

func (s *Server) importIncidents(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "format", "mode")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxImportBytes)
	rep, err := s.svc.ImportIncidents(r.Context(), au.Actor, r.Body, q.str("format"), service.IncidentImportMode(q.str("mode")))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &bulkhead.Error{Code: codeTooLarge, Message: fmt.Sprintf("The file is larger than %d bytes.", service.MaxImportBytes)}
		}
		return err
	}
	status := http.StatusOK
	if rep.Committed {
		status = http.StatusCreated
	}
	writeJSON(w, status, rep)
	return nil
}

func (s *Server) incidentRules(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	rules, isDefault, err := s.svc.IncidentRules(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := make([]ruleJSON, len(rules))
	for i, x := range rules {
		out[i] = ruleJSON{string(x.Type), string(x.MinSeverity), string(x.Recipient), x.Hours, x.Note}
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": out, "default": isDefault})
	return nil
}

func (s *Server) setIncidentRules(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		Rules []ruleJSON `json:"rules"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rules := make([]bulkhead.IncidentRule, len(in.Rules))
	for i, x := range in.Rules {
		rules[i] = bulkhead.IncidentRule{Type: bulkhead.IncidentType(x.Type), MinSeverity: bulkhead.Severity(x.MinSeverity),
			Recipient: bulkhead.Recipient(x.Recipient), Hours: x.Hours, Note: x.Note}
	}
	if err := s.svc.SetIncidentRules(r.Context(), au.Actor, rules); err != nil {
		return err
	}
	return s.incidentRules(w, r, au)
}

func (s *Server) createIncident(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.IncidentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	inc, err := s.svc.CreateIncident(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+inc.ID)
	return s.writeIncidentRecord(w, r, au, inc.ID, http.StatusCreated)
}

func (s *Server) writeIncidentRecord(w http.ResponseWriter, r *http.Request, au *service.Authenticated, id string, status int) error {
	rec, err := s.svc.IncidentRecord(r.Context(), au.Actor, id)
	if err != nil {
		return err
	}
	now := time.Now()
	out := incidentRecordJSON{incidentJSON: toIncident(rec.Incident), Timeline: []entryJSON{}, Notifications: []notificationJSON{},
		Evidence: []evidenceJSON{}, Links: []linkJSON{}, Actions: []incidentActionJSON{}}
	for _, e := range rec.Timeline {
		out.Timeline = append(out.Timeline, entryJSON{e.ID, e.At, e.ActorID, e.ActorName, e.Kind, e.Body})
	}
	for _, n := range rec.Notifications {
		out.Notifications = append(out.Notifications, toNotification(n, now))
	}
	for _, e := range rec.Evidence {
		out.Evidence = append(out.Evidence, toEvidence(e))
	}
	for _, l := range rec.Links {
		out.Links = append(out.Links, toLink(l))
	}
	for _, a := range rec.Actions {
		out.Actions = append(out.Actions, toAction(a))
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	return s.writeIncidentRecord(w, r, au, r.PathValue("id"), http.StatusOK)
}

func (s *Server) updateIncident(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.IncidentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.UpdateIncident(r.Context(), au.Actor, r.PathValue("id"), in); err != nil {
		return err
	}
	return s.writeIncidentRecord(w, r, au, r.PathValue("id"), http.StatusOK)
}

func (s *Server) setIncidentStatus(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.SetIncidentStatus(r.Context(), au.Actor, r.PathValue("id"), bulkhead.IncidentStatus(in.Status), in.Note); err != nil {
		return err
	}
	return s.writeIncidentRecord(w, r, au, r.PathValue("id"), http.StatusOK)
}

func (s *Server) assignIncident(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		UserID string `json:"user_id"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.AssignIncident(r.Context(), au.Actor, r.PathValue("id"), in.UserID); err != nil {
		return err
	}
	return s.writeIncidentRecord(w, r, au, r.PathValue("id"), http.StatusOK)
}

func (s *Server) addIncidentNote(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		Body string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.AddIncidentNote(r.Context(), au.Actor, r.PathValue("id"), in.Body); err != nil {
		return err
	}
	return s.writeIncidentRecord(w, r, au, r.PathValue("id"), http.StatusCreated)
}

func (s *Server) markNotificationSent(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		Reference string `json:"reference"`
		SentAt    string `json:"sent_at"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var at time.Time
	if in.SentAt != "" {
		t, ok := bulkhead.ParseTime(in.SentAt, time.UTC)
		if !ok {
			return bulkhead.Invalid(map[string]string{"sent_at": bulkhead.FieldInvalid})
		}
		at = t
	}
	n, err := s.svc.MarkNotificationSent(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("nid"), in.Reference, at)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toNotification(n, time.Now()))
	return nil
}

func (s *Server) addIncidentEvidence(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "name")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, bulkhead.MaxIncidentEvidenceBytes+1)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &bulkhead.Error{Code: codeTooLarge, Message: fmt.Sprintf("Evidence files are limited to %d bytes.", bulkhead.MaxIncidentEvidenceBytes),
				Fields: map[string]string{"file": bulkhead.FieldFileTooLarge}}
		}
		return &bulkhead.Error{Code: codeBadRequest, Message: "The body could not be read."}
	}
	ev, err := s.svc.AddIncidentEvidence(r.Context(), au.Actor, r.PathValue("id"), q.str("name"), data)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+r.PathValue("id")+"/evidence/"+ev.ID)
	writeJSON(w, http.StatusCreated, toEvidence(ev))
	return nil
}

func (s *Server) getIncidentEvidence(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	ev, err := s.svc.IncidentEvidenceFile(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("eid"))
	if err != nil {
		return err
	}
	// Served as an attachment in the sniffed type, never rendered inline.
	w.Header().Set("Content-Type", ev.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\r", "", "\n", "").Replace(ev.Name)+`"`)
	w.Header().Set("Content-Length", strconv.FormatInt(ev.Size, 10))
	w.Header().Set("Digest", "sha-256="+ev.SHA256)
	_, err = w.Write(ev.Data)
	return err
}

func (s *Server) addIncidentLink(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		Kind  string `json:"kind"`
		RefID string `json:"ref_id"`
		Label string `json:"label"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	l, err := s.svc.AddIncidentLink(r.Context(), au.Actor, r.PathValue("id"), in.Kind, in.RefID, in.Label)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toLink(l))
	return nil
}

func (s *Server) removeIncidentLink(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if err := s.svc.RemoveIncidentLink(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("lid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) addCorrectiveAction(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in struct {
		Title   string `json:"title"`
		OwnerID string `json:"owner_id"`
		Due     string `json:"due"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.AddCorrectiveAction(r.Context(), au.Actor, r.PathValue("id"), in.Title, in.OwnerID, in.Due)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAction(a))
	return nil
}

func (s *Server) completeCorrectiveAction(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if err := s.svc.CompleteCorrectiveAction(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("aid")); err != nil {
		return err
	}
	return s.writeIncidentRecord(w, r, au, r.PathValue("id"), http.StatusOK)
}
