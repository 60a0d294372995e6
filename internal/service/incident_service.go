package service

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

//go:embed incident_rules.json
var defaultRulesJSON []byte

// DefaultIncidentRules returns the notification rules that apply to an
// organisation until it sets its own.
func DefaultIncidentRules() []*bulkhead.IncidentRule {
	var raw []struct {
		Type        string `json:"type"`
		MinSeverity string `json:"min_severity"`
		Recipient   string `json:"recipient"`
		Hours       int    `json:"hours"`
		Note        string `json:"note"`
	}
	if err := json.Unmarshal(defaultRulesJSON, &raw); err != nil {
		panic("service: incident_rules.json: " + err.Error())
	}
	out := make([]*bulkhead.IncidentRule, len(raw))
	for i, r := range raw {
		out[i] = &bulkhead.IncidentRule{ID: fmt.Sprintf("default-%02d", i+1), Type: bulkhead.IncidentType(r.Type),
			MinSeverity: bulkhead.Severity(r.MinSeverity), Recipient: bulkhead.Recipient(r.Recipient), Hours: r.Hours, Note: r.Note}
	}
	return out
}

// IncidentRecord is an incident with everything its page shows.
type IncidentRecord struct {
	Incident      *bulkhead.Incident
	Timeline      []*bulkhead.IncidentEntry
	Notifications []*bulkhead.IncidentNotification
	Evidence      []*bulkhead.IncidentEvidence
	Links         []*bulkhead.IncidentLink
	Actions       []*bulkhead.CorrectiveAction
}

// incidentAudit is the audited view of an incident's fields.
func incidentAudit(i *bulkhead.Incident) map[string]any {
	m := map[string]any{
		"type": string(i.Type), "severity": string(i.Severity), "status": string(i.Status), "title": i.Title, "description": i.Description,
		"occurred_at": i.OccurredAt.Format(time.RFC3339), "detected_at": i.DetectedAt.Format(time.RFC3339), "reported_at": i.ReportedAt.Format(time.RFC3339),
		"site_id": i.SiteID, "lane": i.Lane, "shipment_ref": i.ShipmentRef, "equipment_ref": i.EquipmentRef, "partner": i.Partner,
		"unlocode": i.UNLOCODE, "loss": bulkhead.FormatMoney(i.LossCents), "currency": i.Currency, "reporter": i.Reporter,
		"assignee_id": i.AssigneeID, "rca_method": i.RCAMethod, "cause_category": string(i.CauseCategory), "root_cause": i.RootCause,
		"whys": i.Whys, "contributing_factors": i.ContributingFactors, "lessons_learned": i.LessonsLearned,
	}
	if i.Latitude != nil && i.Longitude != nil {
		m["position"] = fmt.Sprintf("%.5f,%.5f", *i.Latitude, *i.Longitude)
	} else {
		m["position"] = ""
	}
	return m
}

func actorLoc(a Actor) *time.Location {
	if a.TimeZone != "" {
		if loc, err := time.LoadLocation(a.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// entry appends a timeline entry made by the actor.
func (s *Service) entry(ctx context.Context, tx bulkhead.Tx, a Actor, incidentID, kind, body string) error {
	return tx.AddIncidentEntry(ctx, &bulkhead.IncidentEntry{ID: bulkhead.NewID(), OrgID: a.OrgID, IncidentID: incidentID, At: s.now(),
		ActorID: a.UserID, ActorName: a.Name, Kind: kind, Body: body})
}

// checkRefs checks that the incident's site belongs to the organisation.
func checkIncidentRefs(ctx context.Context, tx bulkhead.Tx, inc *bulkhead.Incident) error {
	if inc.SiteID == "" {
		return nil
	}
	if _, err := tx.Site(ctx, inc.OrgID, inc.SiteID); err != nil {
		if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
			return bulkhead.Invalid(map[string]string{"site_id": bulkhead.FieldInvalid})
		}
		return err
	}
	return nil
}

// CreateIncident records an incident, reported now unless the input says
// when. The notifications its type and severity owe are created with it.
// EFORBIDDEN, EINVALID.
func (s *Service) CreateIncident(ctx context.Context, a Actor, in bulkhead.IncidentInput) (*bulkhead.Incident, error) {
	if err := authorize(a, ActIncidentCreate); err != nil {
		return nil, err
	}
	now := s.now()
	inc := &bulkhead.Incident{ID: bulkhead.NewID(), OrgID: a.OrgID, Status: bulkhead.IncidentReported, ReportedAt: now,
		ReporterID: a.UserID, Reporter: a.Name, Source: bulkhead.SourceManual, CreatedAt: now, UpdatedAt: now}
	if in.ReportedAt != nil && strings.TrimSpace(*in.ReportedAt) == "" {
		in.ReportedAt = nil
	}
	if in.Reporter != nil && strings.TrimSpace(*in.Reporter) == "" {
		in.Reporter = nil
	}
	if err := applyIncident(in, inc, a, now); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := checkIncidentRefs(ctx, tx, inc); err != nil {
			return err
		}
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		if err := s.entry(ctx, tx, a, inc.ID, "created", inc.Title); err != nil {
			return err
		}
		if err := s.syncNotifications(ctx, tx, a, inc); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.create", "incident", inc.ID, map[string]any{"after": incidentAudit(inc)})
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// applyIncident applies input and validates the result.
func applyIncident(in bulkhead.IncidentInput, inc *bulkhead.Incident, a Actor, now time.Time) error {
	fe := in.Apply(inc, actorLoc(a))
	err := inc.Validate(now)
	if len(fe) == 0 {
		return err
	}
	for k, v := range bulkhead.ErrorFields(err) {
		if _, ok := fe[k]; !ok {
			fe[k] = v
		}
	}
	return bulkhead.Invalid(fe)
}

// rules returns the organisation's notification rules, or the defaults.
func orgRules(ctx context.Context, r bulkhead.Reader, orgID string) ([]*bulkhead.IncidentRule, bool, error) {
	rules, set, err := r.IncidentRules(ctx, orgID)
	if err != nil {
		return nil, false, err
	}
	if !set {
		return DefaultIncidentRules(), false, nil
	}
	return rules, true, nil
}

// syncNotifications creates the notifications an incident owes under the
// rules and moves the deadlines of unsent ones when its detection time,
// type or severity changed. Notifications are never withdrawn: one owed by
// a type later corrected is marked sent (or left) by a person. Drafts owe
// nothing until they are confirmed.
func (s *Service) syncNotifications(ctx context.Context, tx bulkhead.Tx, a Actor, inc *bulkhead.Incident) error {
	if inc.Status == bulkhead.IncidentDraft || inc.Source == bulkhead.SourceImport {
		return nil
	}
	rules, _, err := orgRules(ctx, tx, a.OrgID)
	if err != nil {
		return err
	}
	type owed struct {
		due  time.Time
		note string
	}
	want := map[bulkhead.Recipient]owed{}
	for _, r := range rules {
		if !r.Matches(inc) {
			continue
		}
		due := inc.DetectedAt.Add(time.Duration(r.Hours) * time.Hour)
		if o, ok := want[r.Recipient]; !ok || due.Before(o.due) {
			want[r.Recipient] = owed{due, r.Note}
		}
	}
	have, err := tx.IncidentNotifications(ctx, a.OrgID, inc.ID)
	if err != nil {
		return err
	}
	for _, n := range have {
		o, ok := want[n.Recipient]
		delete(want, n.Recipient)
		if !ok || n.SentAt != nil || n.DueAt.Equal(o.due) {
			continue
		}
		n.DueAt = o.due
		if err := tx.PutIncidentNotification(ctx, n); err != nil {
			return err
		}
	}
	for _, r := range bulkhead.Recipients {
		o, ok := want[r]
		if !ok {
			continue
		}
		n := &bulkhead.IncidentNotification{ID: bulkhead.NewID(), OrgID: a.OrgID, IncidentID: inc.ID, Recipient: r, DueAt: o.due, Note: o.note, CreatedAt: s.now()}
		if err := tx.PutIncidentNotification(ctx, n); err != nil {
			return err
		}
		if err := s.entry(ctx, tx, a, inc.ID, "notification", "owed: "+string(r)+" by "+o.due.Format(time.RFC3339)); err != nil {
			return err
		}
	}
	return nil
}

// Incident returns an incident of the actor's organisation. EFORBIDDEN, ENOTFOUND.
func (s *Service) Incident(ctx context.Context, a Actor, id string) (*bulkhead.Incident, error) {
	if err := authorize(a, ActIncidentRead); err != nil {
		return nil, err
	}
	return s.store.Incident(ctx, a.OrgID, id)
}

// IncidentRecord returns an incident with its timeline, notifications,
// evidence, links and corrective actions. EFORBIDDEN, ENOTFOUND.
func (s *Service) IncidentRecord(ctx context.Context, a Actor, id string) (*IncidentRecord, error) {
	inc, err := s.Incident(ctx, a, id)
	if err != nil {
		return nil, err
	}
	rec := &IncidentRecord{Incident: inc}
	if rec.Timeline, err = s.store.IncidentTimeline(ctx, a.OrgID, id); err != nil {
		return nil, err
	}
	if rec.Notifications, err = s.store.IncidentNotifications(ctx, a.OrgID, id); err != nil {
		return nil, err
	}
	if rec.Evidence, err = s.store.IncidentEvidenceList(ctx, a.OrgID, id); err != nil {
		return nil, err
	}
	if rec.Links, err = s.store.IncidentLinks(ctx, a.OrgID, id); err != nil {
		return nil, err
	}
	if rec.Actions, err = s.store.CorrectiveActions(ctx, a.OrgID, id); err != nil {
		return nil, err
	}
	return rec, nil
}

// Incidents lists the organisation's incidents. EFORBIDDEN, EINVALID.
func (s *Service) Incidents(ctx context.Context, a Actor, f bulkhead.IncidentFilter) ([]*bulkhead.Incident, int, error) {
	if err := authorize(a, ActIncidentRead); err != nil {
		return nil, 0, err
	}
	f.OrgID = a.OrgID
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	return s.store.Incidents(ctx, f)
}

// EachIncident calls fn for every incident matching the filter, in its
// order, for exports. EFORBIDDEN, EINVALID.
func (s *Service) EachIncident(ctx context.Context, a Actor, f bulkhead.IncidentFilter, fn func(*bulkhead.Incident) error) error {
	if err := authorize(a, ActIncidentRead); err != nil {
		return err
	}
	f.OrgID, f.Limit, f.Offset = a.OrgID, bulkhead.MaxPageSize, 0
	if err := f.Normalize(); err != nil {
		return err
	}
	for {
		page, total, err := s.store.Incidents(ctx, f)
		if err != nil {
			return err
		}
		for _, inc := range page {
			if err := fn(inc); err != nil {
				return err
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return nil
		}
	}
}

// IncidentStats returns the analysis figures; ByMonth holds every month of
// the range. An empty range means the last twelve months. EFORBIDDEN, EINVALID.
func (s *Service) IncidentStats(ctx context.Context, a Actor, f bulkhead.IncidentStatsFilter) (*bulkhead.IncidentStats, error) {
	if err := authorize(a, ActIncidentRead); err != nil {
		return nil, err
	}
	f.OrgID = a.OrgID
	if f.ToMonth == 0 {
		f.ToMonth = bulkhead.MonthOf(s.now())
	}
	if f.FromMonth == 0 {
		y, m := f.ToMonth/100, f.ToMonth%100
		f.FromMonth = (y-1)*100 + m + 1
		if m == 12 {
			f.FromMonth = y*100 + 1
		}
	}
	fe := map[string]string{}
	validMonth := func(m int) bool { return m/100 >= 1900 && m/100 <= 2200 && m%100 >= 1 && m%100 <= 12 }
	if !validMonth(f.FromMonth) {
		fe["from"] = bulkhead.FieldInvalid
	}
	if !validMonth(f.ToMonth) || f.ToMonth < f.FromMonth {
		fe["to"] = bulkhead.FieldInvalid
	}
	if f.Type != "" && !f.Type.Valid() {
		fe["type"] = bulkhead.FieldChoice
	}
	if f.Severity != "" && !f.Severity.Valid() {
		fe["severity"] = bulkhead.FieldChoice
	}
	if len(fe) == 0 && (f.ToMonth/100-f.FromMonth/100)*12+f.ToMonth%100-f.FromMonth%100 >= 240 {
		fe["from"] = bulkhead.FieldInvalid // at most twenty years a chart
	}
	if len(fe) > 0 {
		return nil, bulkhead.Invalid(fe)
	}
	st, err := s.store.IncidentStats(ctx, f)
	if err != nil {
		return nil, err
	}
	byKey := map[string]bulkhead.IncidentGroup{}
	for _, g := range st.ByMonth {
		byKey[g.Key] = g
	}
	st.ByMonth = st.ByMonth[:0]
	for m := f.FromMonth; m <= f.ToMonth; {
		k := fmt.Sprint(m)
		g, ok := byKey[k]
		if !ok {
			g = bulkhead.IncidentGroup{Key: k, Losses: map[string]int64{}}
		}
		st.ByMonth = append(st.ByMonth, g)
		if m%100 == 12 {
			m = (m/100+1)*100 + 1
		} else {
			m++
		}
	}
	for _, list := range [][]bulkhead.IncidentGroup{st.ByType, st.BySite, st.ByLane} {
		slices.SortStableFunc(list, func(x, y bulkhead.IncidentGroup) int { return y.Count - x.Count })
	}
	return st, nil
}

// UpdateIncident changes the given fields of an incident (the root-cause
// fields included). An update that changes nothing writes nothing.
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateIncident(ctx context.Context, a Actor, id string, in bulkhead.IncidentInput) (*bulkhead.Incident, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	var out *bulkhead.Incident
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		inc, err := tx.Incident(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		before := incidentAudit(inc)
		now := s.now()
		if err := applyIncident(in, inc, a, now); err != nil {
			return err
		}
		out = inc
		changes := diff(before, incidentAudit(inc))
		if len(changes) == 0 {
			return nil
		}
		if err := checkIncidentRefs(ctx, tx, inc); err != nil {
			return err
		}
		inc.UpdatedAt = now
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		var rca, other []string
		for k := range changes {
			switch k {
			case "rca_method", "cause_category", "root_cause", "whys", "contributing_factors", "lessons_learned":
				rca = append(rca, k)
			default:
				other = append(other, k)
			}
		}
		slices.Sort(rca)
		slices.Sort(other)
		if len(other) > 0 {
			if err := s.entry(ctx, tx, a, inc.ID, "edit", strings.Join(other, ", ")); err != nil {
				return err
			}
		}
		if len(rca) > 0 {
			if err := s.entry(ctx, tx, a, inc.ID, "root_cause", strings.Join(rca, ", ")); err != nil {
				return err
			}
		}
		if err := s.syncNotifications(ctx, tx, a, inc); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.update", "incident", inc.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetIncidentStatus moves an incident through its workflow (see
// bulkhead.IncidentStatus.CanMoveTo). Closing and reopening need
// ActIncidentClose; a high or critical incident closes only with a root
// cause. A confirmed draft starts owing its notifications.
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) SetIncidentStatus(ctx context.Context, a Actor, id string, status bulkhead.IncidentStatus, note string) (*bulkhead.Incident, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	if !status.Valid() {
		return nil, bulkhead.Invalid(map[string]string{"status": bulkhead.FieldChoice})
	}
	note = strings.TrimSpace(note)
	if len(note) > 5000 {
		return nil, bulkhead.Invalid(map[string]string{"note": bulkhead.FieldTooLong})
	}
	var out *bulkhead.Incident
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		inc, err := tx.Incident(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		from := inc.Status
		if from == status {
			out = inc
			return nil
		}
		if status == bulkhead.IncidentClosed || from == bulkhead.IncidentClosed {
			if err := authorize(a, ActIncidentClose); err != nil {
				return err
			}
		}
		if !from.CanMoveTo(status) {
			return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: fmt.Sprintf("An incident cannot go from %s to %s.", from, status),
				Fields: map[string]string{"status": bulkhead.FieldChoice}}
		}
		now := s.now()
		inc.Status, inc.UpdatedAt = status, now
		if status == bulkhead.IncidentClosed {
			inc.ClosedAt = &now
		} else {
			inc.ClosedAt = nil
		}
		if err := inc.Validate(now); err != nil {
			return err
		}
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		body := string(from) + " → " + string(status)
		if note != "" {
			body += ": " + note
		}
		if err := s.entry(ctx, tx, a, inc.ID, "status", body); err != nil {
			return err
		}
		if from == bulkhead.IncidentDraft {
			if err := s.syncNotifications(ctx, tx, a, inc); err != nil {
				return err
			}
		}
		out = inc
		action := "incident.status"
		if status == bulkhead.IncidentClosed {
			action = "incident.close"
		} else if from == bulkhead.IncidentClosed {
			action = "incident.reopen"
		}
		return s.record(ctx, tx, a, action, "incident", inc.ID, map[string]any{"from": from, "to": status, "note": note})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AssignIncident makes a member the incident's assignee ("" unassigns).
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) AssignIncident(ctx context.Context, a Actor, id, userID string) (*bulkhead.Incident, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	var out *bulkhead.Incident
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		inc, err := tx.Incident(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		out = inc
		if inc.AssigneeID == userID {
			return nil
		}
		name := ""
		if userID != "" {
			m, err := tx.Membership(ctx, a.OrgID, userID)
			if err != nil || m.Role == bulkhead.RolePartner {
				return bulkhead.Invalid(map[string]string{"assignee_id": bulkhead.FieldInvalid})
			}
			name = m.UserName
		}
		from := inc.AssigneeID
		inc.AssigneeID, inc.UpdatedAt = userID, s.now()
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		body := "unassigned"
		if name != "" {
			body = name
		}
		if err := s.entry(ctx, tx, a, inc.ID, "assign", body); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.assign", "incident", inc.ID, map[string]any{"from": from, "to": userID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddIncidentNote appends a note to an incident's timeline.
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) AddIncidentNote(ctx context.Context, a Actor, id, body string) error {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return err
	}
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return bulkhead.Invalid(map[string]string{"body": bulkhead.FieldRequired})
	case len(body) > 10000:
		return bulkhead.Invalid(map[string]string{"body": bulkhead.FieldTooLong})
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if _, err := tx.Incident(ctx, a.OrgID, id); err != nil {
			return err
		}
		if err := s.entry(ctx, tx, a, id, "note", body); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.note", "incident", id, map[string]any{"note": body})
	})
}

// MarkNotificationSent records that an owed notification went out: when
// (now when zero) and under which reference. EFORBIDDEN, ENOTFOUND,
// EINVALID, ECONFLICT (already sent).
func (s *Service) MarkNotificationSent(ctx context.Context, a Actor, incidentID, notificationID, reference string, sentAt time.Time) (*bulkhead.IncidentNotification, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	reference = strings.TrimSpace(reference)
	if len(reference) > 200 {
		return nil, bulkhead.Invalid(map[string]string{"reference": bulkhead.FieldTooLong})
	}
	now := s.now()
	if sentAt.IsZero() {
		sentAt = now
	}
	if sentAt.After(now.Add(10 * time.Minute)) {
		return nil, bulkhead.Invalid(map[string]string{"sent_at": bulkhead.FieldInFuture})
	}
	var out *bulkhead.IncidentNotification
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if _, err := tx.Incident(ctx, a.OrgID, incidentID); err != nil {
			return err
		}
		ns, err := tx.IncidentNotifications(ctx, a.OrgID, incidentID)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if n.ID != notificationID {
				continue
			}
			if n.SentAt != nil {
				return bulkhead.Errorf(bulkhead.ECONFLICT, "This notification was already marked sent.")
			}
			t := sentAt.UTC().Truncate(time.Microsecond)
			n.SentAt, n.SentByID, n.SentBy, n.Reference = &t, a.UserID, a.Name, reference
			if err := tx.PutIncidentNotification(ctx, n); err != nil {
				return err
			}
			body := "sent: " + string(n.Recipient)
			if reference != "" {
				body += " (" + reference + ")"
			}
			if err := s.entry(ctx, tx, a, incidentID, "notification", body); err != nil {
				return err
			}
			out = n
			return s.record(ctx, tx, a, "incident.notify", "incident", incidentID, map[string]any{"recipient": n.Recipient, "reference": reference, "sent_at": t})
		}
		return bulkhead.NotFound("Notification")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddIncidentEvidence attaches a file (at most 20 MiB), keeping its
// SHA-256 and the type sniffed from its content. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) AddIncidentEvidence(ctx context.Context, a Actor, incidentID, name string, data []byte) (*bulkhead.IncidentEvidence, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(name, "/", "_"), "\\", "_"))
	fe := map[string]string{}
	switch {
	case len(data) == 0:
		fe["file"] = bulkhead.FieldRequired
	case len(data) > bulkhead.MaxIncidentEvidenceBytes:
		fe["file"] = bulkhead.FieldFileTooLarge
	}
	if name == "" {
		name = "evidence"
	}
	if len(name) > 200 {
		fe["name"] = bulkhead.FieldTooLong
	}
	if len(fe) > 0 {
		return nil, bulkhead.Invalid(fe)
	}
	sum := sha256.Sum256(data)
	ev := &bulkhead.IncidentEvidence{ID: bulkhead.NewID(), OrgID: a.OrgID, IncidentID: incidentID, Name: name,
		ContentType: http.DetectContentType(data), Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data,
		UploadedAt: s.now(), UploadedBy: a.Name}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if _, err := tx.Incident(ctx, a.OrgID, incidentID); err != nil {
			return err
		}
		if err := tx.AddIncidentEvidence(ctx, ev); err != nil {
			return err
		}
		if err := s.entry(ctx, tx, a, incidentID, "evidence", ev.Name+" (sha256 "+ev.SHA256[:12]+"…)"); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.evidence", "incident", incidentID, map[string]any{"evidence_id": ev.ID, "name": ev.Name,
			"size": ev.Size, "sha256": ev.SHA256, "content_type": ev.ContentType})
	})
	if err != nil {
		return nil, err
	}
	ev.Data = nil
	return ev, nil
}

// IncidentEvidenceFile returns an evidence file with its content.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) IncidentEvidenceFile(ctx context.Context, a Actor, incidentID, id string) (*bulkhead.IncidentEvidence, error) {
	if err := authorize(a, ActIncidentRead); err != nil {
		return nil, err
	}
	ev, err := s.store.IncidentEvidence(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	if ev.IncidentID != incidentID {
		return nil, bulkhead.NotFound("Evidence")
	}
	return ev, nil
}

// AddIncidentLink links an incident to a record elsewhere by kind and ID.
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (already linked).
func (s *Service) AddIncidentLink(ctx context.Context, a Actor, incidentID, kind, refID, label string) (*bulkhead.IncidentLink, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	l := &bulkhead.IncidentLink{ID: bulkhead.NewID(), OrgID: a.OrgID, IncidentID: incidentID, Kind: strings.TrimSpace(kind),
		RefID: strings.TrimSpace(refID), Label: strings.TrimSpace(label), CreatedAt: s.now()}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if _, err := tx.Incident(ctx, a.OrgID, incidentID); err != nil {
			return err
		}
		if err := s.addLink(ctx, tx, a, l); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.link", "incident", incidentID, map[string]any{"kind": l.Kind, "ref_id": l.RefID, "label": l.Label})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Service) addLink(ctx context.Context, tx bulkhead.Tx, a Actor, l *bulkhead.IncidentLink) error {
	if err := tx.AddIncidentLink(ctx, l); err != nil {
		if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
			return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "The incident is already linked to that record.", Fields: map[string]string{"ref_id": bulkhead.FieldDuplicate}}
		}
		return err
	}
	body := l.Kind + " " + l.RefID
	if l.Label != "" {
		body += " — " + l.Label
	}
	return s.entry(ctx, tx, a, l.IncidentID, "link", body)
}

// RemoveIncidentLink removes a link. EFORBIDDEN, ENOTFOUND.
func (s *Service) RemoveIncidentLink(ctx context.Context, a Actor, incidentID, linkID string) error {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.DeleteIncidentLink(ctx, a.OrgID, incidentID, linkID); err != nil {
			return err
		}
		if err := s.entry(ctx, tx, a, incidentID, "link", "removed "+linkID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.unlink", "incident", incidentID, map[string]any{"link_id": linkID})
	})
}

// AddCorrectiveAction records an action decided after the root-cause
// analysis, owned by a member and due on a date (YYYY-MM-DD).
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) AddCorrectiveAction(ctx context.Context, a Actor, incidentID, title, ownerID, due string) (*bulkhead.CorrectiveAction, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	title = strings.TrimSpace(title)
	fe := map[string]string{}
	switch {
	case title == "":
		fe["title"] = bulkhead.FieldRequired
	case len(title) > 300:
		fe["title"] = bulkhead.FieldTooLong
	}
	d, err := time.Parse("2006-01-02", strings.TrimSpace(due))
	if strings.TrimSpace(due) == "" {
		fe["due"] = bulkhead.FieldRequired
	} else if err != nil {
		fe["due"] = bulkhead.FieldInvalid
	}
	if ownerID == "" {
		fe["owner_id"] = bulkhead.FieldRequired
	}
	if len(fe) > 0 {
		return nil, bulkhead.Invalid(fe)
	}
	ca := &bulkhead.CorrectiveAction{ID: bulkhead.NewID(), OrgID: a.OrgID, IncidentID: incidentID, Title: title, OwnerID: ownerID, Due: d.UTC(), CreatedAt: s.now()}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if _, err := tx.Incident(ctx, a.OrgID, incidentID); err != nil {
			return err
		}
		m, err := tx.Membership(ctx, a.OrgID, ownerID)
		if err != nil || m.Role == bulkhead.RolePartner {
			return bulkhead.Invalid(map[string]string{"owner_id": bulkhead.FieldInvalid})
		}
		ca.OwnerName = m.UserName
		if err := tx.PutCorrectiveAction(ctx, ca); err != nil {
			return err
		}
		if err := s.entry(ctx, tx, a, incidentID, "action", ca.Title+" — "+m.UserName+", "+due); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.action", "incident", incidentID, map[string]any{"action_id": ca.ID, "title": title, "owner_id": ownerID, "due": due})
	})
	if err != nil {
		return nil, err
	}
	return ca, nil
}

// CompleteCorrectiveAction marks an action done. EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Service) CompleteCorrectiveAction(ctx context.Context, a Actor, incidentID, actionID string) error {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		acts, err := tx.CorrectiveActions(ctx, a.OrgID, incidentID)
		if err != nil {
			return err
		}
		for _, ca := range acts {
			if ca.ID != actionID {
				continue
			}
			if ca.DoneAt != nil {
				return bulkhead.Errorf(bulkhead.ECONFLICT, "The action is already done.")
			}
			now := s.now()
			ca.DoneAt = &now
			if err := tx.PutCorrectiveAction(ctx, ca); err != nil {
				return err
			}
			if err := s.entry(ctx, tx, a, incidentID, "action", "done: "+ca.Title); err != nil {
				return err
			}
			return s.record(ctx, tx, a, "incident.action_done", "incident", incidentID, map[string]any{"action_id": ca.ID})
		}
		return bulkhead.NotFound("Corrective action")
	})
}

// IncidentRules returns the organisation's notification rules and whether
// they are the defaults. EFORBIDDEN.
func (s *Service) IncidentRules(ctx context.Context, a Actor) ([]*bulkhead.IncidentRule, bool, error) {
	if err := authorize(a, ActIncidentRead); err != nil {
		return nil, false, err
	}
	rules, set, err := orgRules(ctx, s.store, a.OrgID)
	return rules, !set, err
}

// SetIncidentRules replaces the organisation's notification rules. Rules
// apply to incidents recorded or changed from then on. EFORBIDDEN, EINVALID.
func (s *Service) SetIncidentRules(ctx context.Context, a Actor, rules []bulkhead.IncidentRule) error {
	if err := authorize(a, ActIncidentRules); err != nil {
		return err
	}
	if len(rules) > 200 {
		return bulkhead.Invalid(map[string]string{"rules": bulkhead.FieldTooLong})
	}
	out := make([]*bulkhead.IncidentRule, len(rules))
	audit := make([]map[string]any, len(rules))
	for i := range rules {
		r := rules[i]
		r.ID, r.OrgID, r.Note = bulkhead.NewID(), a.OrgID, strings.TrimSpace(r.Note)
		if err := r.Validate(); err != nil {
			return err
		}
		out[i] = &r
		audit[i] = map[string]any{"type": r.Type, "min_severity": r.MinSeverity, "recipient": r.Recipient, "hours": r.Hours}
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.ReplaceIncidentRules(ctx, a.OrgID, out, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.rules", "organization", a.OrgID, map[string]any{"rules": audit})
	})
}

// AddIncidentRule appends one rule to the organisation's rules (starting
// from the defaults when none were set). EFORBIDDEN, EINVALID.
func (s *Service) AddIncidentRule(ctx context.Context, a Actor, r bulkhead.IncidentRule) error {
	if err := authorize(a, ActIncidentRules); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	rules, _, err := orgRules(ctx, s.store, a.OrgID)
	if err != nil {
		return err
	}
	list := make([]bulkhead.IncidentRule, 0, len(rules)+1)
	for _, x := range rules {
		list = append(list, *x)
	}
	return s.SetIncidentRules(ctx, a, append(list, r))
}

// DeleteIncidentRule removes the rule at a position of the list.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) DeleteIncidentRule(ctx context.Context, a Actor, id string) error {
	if err := authorize(a, ActIncidentRules); err != nil {
		return err
	}
	rules, _, err := orgRules(ctx, s.store, a.OrgID)
	if err != nil {
		return err
	}
	list := make([]bulkhead.IncidentRule, 0, len(rules))
	found := false
	for _, x := range rules {
		if x.ID == id {
			found = true
			continue
		}
		list = append(list, *x)
	}
	if !found {
		return bulkhead.NotFound("Rule")
	}
	return s.SetIncidentRules(ctx, a, list)
}

// OpenIncidentFromDiscrepancy opens a draft incident for a custody
// discrepancy (seal mismatch or broken seal → seal tampering; a failed
// inspection → contraband or stowaway; a custody gap → other), linked to
// its evidence events, shipment and equipment. It does so once per
// discrepancy: a second call returns the incident opened first and false.
// EFORBIDDEN, EINVALID.
func (s *Service) OpenIncidentFromDiscrepancy(ctx context.Context, a Actor, d bulkhead.DiscrepancyRef) (*bulkhead.Incident, bool, error) {
	if err := authorize(a, ActIncidentCreate); err != nil {
		return nil, false, err
	}
	fe := map[string]string{}
	d.ID = strings.TrimSpace(d.ID)
	if d.ID == "" {
		fe["discrepancy_id"] = bulkhead.FieldRequired
	} else if len(d.ID) > 200 {
		fe["discrepancy_id"] = bulkhead.FieldTooLong
	}
	switch d.Kind {
	case bulkhead.DiscrepancySealMismatch, bulkhead.DiscrepancySealBroken, bulkhead.DiscrepancyInspectionFailed, bulkhead.DiscrepancyCustodyGap:
	default:
		fe["kind"] = bulkhead.FieldChoice
	}
	if d.DetectedAt.IsZero() {
		fe["detected_at"] = bulkhead.FieldRequired
	}
	if len(fe) > 0 {
		return nil, false, bulkhead.Invalid(fe)
	}
	now := s.now()
	det := d.DetectedAt.UTC().Truncate(time.Microsecond)
	sev := bulkhead.SeverityMedium
	if d.Kind == bulkhead.DiscrepancySealBroken || d.Kind == bulkhead.DiscrepancyInspectionFailed {
		sev = bulkhead.SeverityHigh
	}
	title := map[bulkhead.DiscrepancyKind]string{
		bulkhead.DiscrepancySealMismatch: "Seal number mismatch", bulkhead.DiscrepancySealBroken: "Seal found broken",
		bulkhead.DiscrepancyInspectionFailed: "Inspection failed", bulkhead.DiscrepancyCustodyGap: "Gap in chain of custody",
	}[d.Kind]
	if d.EquipmentRef != "" {
		title += " — " + d.EquipmentRef
	}
	inc := &bulkhead.Incident{ID: bulkhead.NewID(), OrgID: a.OrgID, Type: d.IncidentType(), Severity: sev, Status: bulkhead.IncidentDraft,
		Title: title, Description: strings.TrimSpace(d.Summary), OccurredAt: det, DetectedAt: det, ReportedAt: now,
		SiteID: d.SiteID, ShipmentRef: strings.TrimSpace(d.ShipmentRef), EquipmentRef: strings.ToUpper(strings.TrimSpace(d.EquipmentRef)),
		ReporterID: a.UserID, Reporter: a.Name, Source: bulkhead.SourceCustody, SourceRef: d.ID, CreatedAt: now, UpdatedAt: now}
	if det.After(now) {
		inc.ReportedAt = det
	}
	if err := inc.Validate(now); err != nil {
		return nil, false, err
	}
	var out *bulkhead.Incident
	created := false
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if old, err := tx.IncidentBySource(ctx, a.OrgID, bulkhead.SourceCustody, d.ID); err == nil {
			out = old
			return nil
		} else if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			return err
		}
		if err := checkIncidentRefs(ctx, tx, inc); err != nil {
			return err
		}
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		if err := s.entry(ctx, tx, a, inc.ID, "created", "opened from custody discrepancy "+d.ID+" ("+string(d.Kind)+")"); err != nil {
			return err
		}
		links := []*bulkhead.IncidentLink{{Kind: "discrepancy", RefID: d.ID, Label: string(d.Kind)}}
		for _, ev := range d.EventIDs {
			if ev = strings.TrimSpace(ev); ev != "" {
				links = append(links, &bulkhead.IncidentLink{Kind: "epcis_event", RefID: ev})
			}
		}
		if inc.ShipmentRef != "" {
			links = append(links, &bulkhead.IncidentLink{Kind: "shipment", RefID: inc.ShipmentRef})
		}
		if inc.EquipmentRef != "" {
			links = append(links, &bulkhead.IncidentLink{Kind: "equipment", RefID: inc.EquipmentRef})
		}
		seen := map[string]bool{}
		for _, l := range links {
			if seen[l.Kind+"\x00"+l.RefID] {
				continue
			}
			seen[l.Kind+"\x00"+l.RefID] = true
			l.ID, l.OrgID, l.IncidentID, l.CreatedAt = bulkhead.NewID(), a.OrgID, inc.ID, now
			if err := l.Validate(); err != nil {
				return err
			}
			if err := s.addLink(ctx, tx, a, l); err != nil {
				return err
			}
		}
		out, created = inc, true
		return s.record(ctx, tx, a, "incident.create", "incident", inc.ID, map[string]any{"after": incidentAudit(inc), "discrepancy_id": d.ID, "events": d.EventIDs})
	})
	if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
		// Another transaction opened it first (PostgreSQL): return theirs.
		if old, gerr := s.store.IncidentBySource(ctx, a.OrgID, bulkhead.SourceCustody, d.ID); gerr == nil {
			return old, false, nil
		}
	}
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}
