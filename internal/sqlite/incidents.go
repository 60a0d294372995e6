package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// ---- incidents

const incidentCols = `id, org_id, type, severity, status, title, description, occurred_at, detected_at, reported_at, site_id, lane,
	shipment_ref, equipment_ref, partner, unlocode, latitude, longitude, loss_cents, currency, reporter_id, reporter, assignee_id,
	source, source_ref, rca_method, cause_category, root_cause, whys, contributing_factors, lessons_learned, created_at, updated_at, closed_at`

func scanIncident(row interface{ Scan(...any) error }) (*bulkhead.Incident, error) {
	var i bulkhead.Incident
	var occ, det, rep, created, updated int64
	var closed sql.NullInt64
	var site, assignee, sref sql.NullString
	var lat, lon sql.NullFloat64
	if err := row.Scan(&i.ID, &i.OrgID, &i.Type, &i.Severity, &i.Status, &i.Title, &i.Description, &occ, &det, &rep, &site, &i.Lane,
		&i.ShipmentRef, &i.EquipmentRef, &i.Partner, &i.UNLOCODE, &lat, &lon, &i.LossCents, &i.Currency, &i.ReporterID, &i.Reporter, &assignee,
		&i.Source, &sref, &i.RCAMethod, &i.CauseCategory, &i.RootCause, &i.Whys, &i.ContributingFactors, &i.LessonsLearned, &created, &updated, &closed); err != nil {
		return nil, err
	}
	i.OccurredAt, i.DetectedAt, i.ReportedAt = fromMicros(occ), fromMicros(det), fromMicros(rep)
	i.CreatedAt, i.UpdatedAt, i.ClosedAt = fromMicros(created), fromMicros(updated), fromNullMicros(closed)
	i.SiteID, i.AssigneeID, i.SourceRef = site.String, assignee.String, sref.String
	if lat.Valid {
		i.Latitude = &lat.Float64
	}
	if lon.Valid {
		i.Longitude = &lon.Float64
	}
	return &i, nil
}

func incNullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func incidentArgs(i *bulkhead.Incident) []any {
	return []any{i.ID, i.OrgID, string(i.Type), string(i.Severity), string(i.Status), i.Title, i.Description, micros(i.OccurredAt),
		micros(i.DetectedAt), micros(i.ReportedAt), incNullStr(i.SiteID), i.Lane, i.ShipmentRef, i.EquipmentRef, i.Partner, i.UNLOCODE,
		nullFloat(i.Latitude), nullFloat(i.Longitude), i.LossCents, i.Currency, i.ReporterID, i.Reporter, incNullStr(i.AssigneeID),
		i.Source, incNullStr(i.SourceRef), i.RCAMethod, string(i.CauseCategory), i.RootCause, i.Whys, i.ContributingFactors, i.LessonsLearned,
		micros(i.CreatedAt), micros(i.UpdatedAt), nullMicros(i.ClosedAt)}
}

func (q queries) Incident(ctx context.Context, orgID, id string) (*bulkhead.Incident, error) {
	i, err := scanIncident(q.q.QueryRowContext(ctx, `SELECT `+incidentCols+` FROM incidents WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Incident")
	}
	return i, nil
}

func (q queries) IncidentBySource(ctx context.Context, orgID, source, ref string) (*bulkhead.Incident, error) {
	i, err := scanIncident(q.q.QueryRowContext(ctx, `SELECT `+incidentCols+` FROM incidents WHERE org_id = ? AND source = ? AND source_ref = ?`, orgID, source, ref))
	if err != nil {
		return nil, notFound(err, "Incident")
	}
	return i, nil
}

func (q queries) IncidentSourceRefs(ctx context.Context, orgID, source string, refs []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(refs); start += 500 {
		part := refs[start:min(len(refs), start+500)]
		args := []any{orgID, source}
		for _, r := range part {
			args = append(args, r)
		}
		rows, err := q.q.QueryContext(ctx, `SELECT source_ref FROM incidents WHERE org_id = ? AND source = ? AND source_ref IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, mapErr(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			out[s] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// incidentOrder maps sort keys to ORDER BY expressions.
var incidentOrder = map[bulkhead.IncidentSort]string{
	bulkhead.IncidentSortOccurred: "occurred_at",
	bulkhead.IncidentSortDetected: "detected_at",
	bulkhead.IncidentSortSeverity: "severity_rank",
	bulkhead.IncidentSortType:     "type",
	bulkhead.IncidentSortStatus:   "status",
	bulkhead.IncidentSortLoss:     "loss_cents",
	bulkhead.IncidentSortTitle:    "lower(title)",
	bulkhead.IncidentSortUpdated:  "updated_at",
}

// incidentWhere builds the WHERE clause of a normalised filter.
func incidentWhere(f bulkhead.IncidentFilter, ts func(time.Time) any) (string, []any) {
	where := []string{"org_id = ?"}
	args := []any{f.OrgID}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Type != "" {
		add("type = ?", string(f.Type))
	}
	if f.Severity != "" {
		add("severity = ?", string(f.Severity))
	}
	switch f.Status {
	case "":
	case bulkhead.StatusOpen:
		where = append(where, "status <> 'closed'")
	default:
		add("status = ?", f.Status)
	}
	if f.SiteID != "" {
		add("site_id = ?", f.SiteID)
	}
	if f.AssigneeID != "" {
		add("assignee_id = ?", f.AssigneeID)
	}
	if !f.From.IsZero() {
		add("occurred_at >= ?", ts(f.From))
	}
	if !f.To.IsZero() {
		add("occurred_at < ?", ts(f.To))
	}
	if f.Query != "" {
		add(`search_text LIKE ? ESCAPE '\'`, bulkhead.LikePattern(f.Query))
	}
	return strings.Join(where, " AND "), args
}

// rollupCount returns the number of incidents matching a filter that the
// per-month rollup can answer (type, severity, status and site), reading a
// few hundred rollup rows instead of counting incidents.
func rollupCount(f bulkhead.IncidentFilter) (string, []any, bool) {
	if f.Query != "" || f.AssigneeID != "" || !f.From.IsZero() || !f.To.IsZero() {
		return "", nil, false
	}
	where, args := "org_id = ?", []any{f.OrgID}
	switch f.Status {
	case "":
	case bulkhead.StatusOpen:
		where += " AND status <> 'closed'"
	default:
		where, args = where+" AND status = ?", append(args, f.Status)
	}
	if f.Type != "" {
		where, args = where+" AND type = ?", append(args, string(f.Type))
	}
	if f.Severity != "" {
		where, args = where+" AND severity = ?", append(args, string(f.Severity))
	}
	if f.SiteID != "" {
		where, args = where+" AND site_id = ?", append(args, f.SiteID)
	}
	return `SELECT coalesce(sum(n), 0) FROM incident_rollup WHERE ` + where, args, true
}

func (q queries) Incidents(ctx context.Context, f bulkhead.IncidentFilter) ([]*bulkhead.Incident, int, error) {
	w, args := incidentWhere(f, func(t time.Time) any { return micros(t) })
	var total int
	countSQL, countArgs, ok := rollupCount(f)
	if !ok {
		countSQL, countArgs = `SELECT count(*) FROM incidents WHERE `+w, args
	}
	if err := q.q.QueryRowContext(ctx, countSQL, countArgs...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	order := incidentOrder[f.Sort] + dir + ", id" + dir
	rows, err := q.q.QueryContext(ctx, `SELECT `+incidentCols+` FROM incidents WHERE `+w+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	out := make([]*bulkhead.Incident, 0, f.Limit)
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, 0, mapErr(err)
		}
		out = append(out, i)
	}
	return out, total, mapErr(rows.Err())
}

// incidentStatsSQL returns the rollup query of the charts for one grouping
// column, with ? placeholders.
func incidentStatsSQL(f bulkhead.IncidentStatsFilter, col string) (string, []any) {
	where := []string{"org_id = ?", "month >= ?", "month <= ?"}
	args := []any{f.OrgID, f.FromMonth, f.ToMonth}
	if f.Type != "" {
		where = append(where, "type = ?")
		args = append(args, string(f.Type))
	}
	if f.Severity != "" {
		where = append(where, "severity = ?")
		args = append(args, string(f.Severity))
	}
	if f.SiteID != "" {
		where = append(where, "site_id = ?")
		args = append(args, f.SiteID)
	}
	return `SELECT ` + col + `, currency, sum(n), sum(loss_cents) FROM incident_rollup WHERE ` + strings.Join(where, " AND ") +
		` GROUP BY ` + col + `, currency HAVING sum(n) > 0 ORDER BY ` + col, args
}

// statsGroupColumns are the rollup columns the charts group by.
var statsGroupColumns = []string{"type", "site_id", "lane", "month"}

// foldStats turns (key, currency, count, loss) rows of one grouping into
// groups, and fills the totals from the first grouping.
func foldStats(st *bulkhead.IncidentStats, col string, key string, currency string, n int, loss int64) {
	var list *[]bulkhead.IncidentGroup
	switch col {
	case "type":
		list = &st.ByType
		st.Total += n
		if loss > 0 {
			st.Losses[currency] += loss
		}
	case "site_id":
		list = &st.BySite
	case "lane":
		list = &st.ByLane
	default:
		list = &st.ByMonth
	}
	if k := len(*list); k == 0 || (*list)[k-1].Key != key {
		*list = append(*list, bulkhead.IncidentGroup{Key: key, Losses: map[string]int64{}})
	}
	g := &(*list)[len(*list)-1]
	g.Count += n
	if loss > 0 {
		g.Losses[currency] += loss
	}
}

func (q queries) IncidentStats(ctx context.Context, f bulkhead.IncidentStatsFilter) (*bulkhead.IncidentStats, error) {
	st := &bulkhead.IncidentStats{Losses: map[string]int64{}}
	for _, col := range statsGroupColumns {
		sqlText, args := incidentStatsSQL(f, col)
		rows, err := q.q.QueryContext(ctx, sqlText, args...)
		if err != nil {
			return nil, mapErr(err)
		}
		for rows.Next() {
			var key any
			var cur string
			var n int
			var loss int64
			if err := rows.Scan(&key, &cur, &n, &loss); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			foldStats(st, col, anyString(key), cur, n, loss)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return st, nil
}

func anyString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return itoa(x)
	}
	return ""
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func (q queries) CreateIncident(ctx context.Context, i *bulkhead.Incident) error {
	args := append(incidentArgs(i), i.Month(), i.Severity.Rank(), i.SearchText())
	_, err := q.q.ExecContext(ctx, `INSERT INTO incidents (`+incidentCols+`, month, severity_rank, search_text) VALUES (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...)
	return mapErr(err)
}

// incidentBatch is how many incidents one INSERT of CreateIncidents holds
// (37 parameters each, well under the engines' limits).
const incidentBatch = 50

func (q queries) CreateIncidents(ctx context.Context, incs []*bulkhead.Incident) error {
	for start := 0; start < len(incs); start += incidentBatch {
		part := incs[start:min(len(incs), start+incidentBatch)]
		args := make([]any, 0, len(part)*37)
		for _, i := range part {
			args = append(append(args, incidentArgs(i)...), i.Month(), i.Severity.Rank(), i.SearchText())
		}
		row := "(?" + strings.Repeat(", ?", 36) + ")"
		_, err := q.q.ExecContext(ctx, `INSERT INTO incidents (`+incidentCols+`, month, severity_rank, search_text) VALUES `+row+strings.Repeat(", "+row, len(part)-1), args...)
		if err != nil {
			return mapErr(err)
		}
	}
	return nil
}

func (q queries) UpdateIncident(ctx context.Context, i *bulkhead.Incident) error {
	res, err := q.q.ExecContext(ctx, `UPDATE incidents SET type = ?, severity = ?, severity_rank = ?, status = ?, title = ?, description = ?,
		occurred_at = ?, month = ?, detected_at = ?, reported_at = ?, site_id = ?, lane = ?, shipment_ref = ?, equipment_ref = ?, partner = ?,
		unlocode = ?, latitude = ?, longitude = ?, loss_cents = ?, currency = ?, reporter = ?, assignee_id = ?, rca_method = ?,
		cause_category = ?, root_cause = ?, whys = ?, contributing_factors = ?, lessons_learned = ?, updated_at = ?, closed_at = ?,
		search_text = ? WHERE org_id = ? AND id = ?`,
		string(i.Type), string(i.Severity), i.Severity.Rank(), string(i.Status), i.Title, i.Description, micros(i.OccurredAt), i.Month(),
		micros(i.DetectedAt), micros(i.ReportedAt), incNullStr(i.SiteID), i.Lane, i.ShipmentRef, i.EquipmentRef, i.Partner, i.UNLOCODE,
		nullFloat(i.Latitude), nullFloat(i.Longitude), i.LossCents, i.Currency, i.Reporter, incNullStr(i.AssigneeID), i.RCAMethod,
		string(i.CauseCategory), i.RootCause, i.Whys, i.ContributingFactors, i.LessonsLearned, micros(i.UpdatedAt), nullMicros(i.ClosedAt), i.SearchText(),
		i.OrgID, i.ID)
	return affectedOne(res, err, "Incident")
}

// ---- timeline

func (q queries) IncidentTimeline(ctx context.Context, orgID, incidentID string) ([]*bulkhead.IncidentEntry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, incident_id, at, actor_id, actor_name, kind, body FROM incident_entries
		WHERE org_id = ? AND incident_id = ? ORDER BY at, id`, orgID, incidentID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.IncidentEntry
	for rows.Next() {
		var e bulkhead.IncidentEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.OrgID, &e.IncidentID, &at, &e.ActorID, &e.ActorName, &e.Kind, &e.Body); err != nil {
			return nil, mapErr(err)
		}
		e.At = fromMicros(at)
		out = append(out, &e)
	}
	return out, mapErr(rows.Err())
}

func (q queries) AddIncidentEntry(ctx context.Context, e *bulkhead.IncidentEntry) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO incident_entries (id, org_id, incident_id, at, actor_id, actor_name, kind, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.OrgID, e.IncidentID, micros(e.At), e.ActorID, e.ActorName, e.Kind, e.Body)
	return mapErr(err)
}

// ---- notifications

const notifCols = `n.id, n.org_id, n.incident_id, n.recipient, n.due_at, n.note, n.sent_at, n.sent_by_id, n.sent_by, n.reference, n.created_at`

func scanNotif(row interface{ Scan(...any) error }, extra ...any) (*bulkhead.IncidentNotification, error) {
	var n bulkhead.IncidentNotification
	var due, created int64
	var sent sql.NullInt64
	dest := append([]any{&n.ID, &n.OrgID, &n.IncidentID, &n.Recipient, &due, &n.Note, &sent, &n.SentByID, &n.SentBy, &n.Reference, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	n.DueAt, n.CreatedAt, n.SentAt = fromMicros(due), fromMicros(created), fromNullMicros(sent)
	return &n, nil
}

func (q queries) IncidentNotifications(ctx context.Context, orgID, incidentID string) ([]*bulkhead.IncidentNotification, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+notifCols+` FROM incident_notifications n WHERE n.org_id = ? AND n.incident_id = ? ORDER BY n.due_at, n.id`, orgID, incidentID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.IncidentNotification
	for rows.Next() {
		n, err := scanNotif(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

func (q queries) OverdueIncidentNotifications(ctx context.Context, orgID string, t time.Time, limit int) ([]*bulkhead.IncidentNotification, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+notifCols+`, i.title, coalesce(i.site_id, '') FROM incident_notifications n JOIN incidents i ON i.id = n.incident_id
		WHERE n.org_id = ? AND n.sent_at IS NULL AND n.due_at < ? ORDER BY n.due_at, n.id LIMIT ?`, orgID, micros(t), limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.IncidentNotification
	for rows.Next() {
		var title, site string
		n, err := scanNotif(rows, &title, &site)
		if err != nil {
			return nil, mapErr(err)
		}
		n.IncidentTitle, n.SiteID = title, site
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

func (q queries) PutIncidentNotification(ctx context.Context, n *bulkhead.IncidentNotification) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO incident_notifications (id, org_id, incident_id, recipient, due_at, note, sent_at, sent_by_id, sent_by, reference, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, note = excluded.note, sent_at = excluded.sent_at, sent_by_id = excluded.sent_by_id,
			sent_by = excluded.sent_by, reference = excluded.reference`,
		n.ID, n.OrgID, n.IncidentID, string(n.Recipient), micros(n.DueAt), n.Note, nullMicros(n.SentAt), n.SentByID, n.SentBy, n.Reference, micros(n.CreatedAt))
	return mapErr(err)
}

// ---- evidence

func (q queries) IncidentEvidenceList(ctx context.Context, orgID, incidentID string) ([]*bulkhead.IncidentEvidence, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, incident_id, name, content_type, size, sha256, uploaded_at, uploaded_by FROM incident_evidence
		WHERE org_id = ? AND incident_id = ? ORDER BY uploaded_at, id`, orgID, incidentID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.IncidentEvidence
	for rows.Next() {
		var ev bulkhead.IncidentEvidence
		var at int64
		if err := rows.Scan(&ev.ID, &ev.OrgID, &ev.IncidentID, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256, &at, &ev.UploadedBy); err != nil {
			return nil, mapErr(err)
		}
		ev.UploadedAt = fromMicros(at)
		out = append(out, &ev)
	}
	return out, mapErr(rows.Err())
}

func (q queries) IncidentEvidence(ctx context.Context, orgID, id string) (*bulkhead.IncidentEvidence, error) {
	var ev bulkhead.IncidentEvidence
	var at int64
	err := q.q.QueryRowContext(ctx, `SELECT id, org_id, incident_id, name, content_type, size, sha256, data, uploaded_at, uploaded_by FROM incident_evidence
		WHERE org_id = ? AND id = ?`, orgID, id).Scan(&ev.ID, &ev.OrgID, &ev.IncidentID, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256, &ev.Data, &at, &ev.UploadedBy)
	if err != nil {
		return nil, notFound(err, "Evidence")
	}
	ev.UploadedAt = fromMicros(at)
	return &ev, nil
}

func (q queries) AddIncidentEvidence(ctx context.Context, ev *bulkhead.IncidentEvidence) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO incident_evidence (id, org_id, incident_id, name, content_type, size, sha256, data, uploaded_at, uploaded_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ev.ID, ev.OrgID, ev.IncidentID, ev.Name, ev.ContentType, ev.Size, ev.SHA256, ev.Data, micros(ev.UploadedAt), ev.UploadedBy)
	return mapErr(err)
}

// ---- links

func (q queries) IncidentLinks(ctx context.Context, orgID, incidentID string) ([]*bulkhead.IncidentLink, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, incident_id, kind, ref_id, label, created_at FROM incident_links
		WHERE org_id = ? AND incident_id = ? ORDER BY kind, created_at, id`, orgID, incidentID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.IncidentLink
	for rows.Next() {
		var l bulkhead.IncidentLink
		var at int64
		if err := rows.Scan(&l.ID, &l.OrgID, &l.IncidentID, &l.Kind, &l.RefID, &l.Label, &at); err != nil {
			return nil, mapErr(err)
		}
		l.CreatedAt = fromMicros(at)
		out = append(out, &l)
	}
	return out, mapErr(rows.Err())
}

func (q queries) AddIncidentLink(ctx context.Context, l *bulkhead.IncidentLink) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO incident_links (id, org_id, incident_id, kind, ref_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.OrgID, l.IncidentID, l.Kind, l.RefID, l.Label, micros(l.CreatedAt))
	return mapErr(err)
}

func (q queries) DeleteIncidentLink(ctx context.Context, orgID, incidentID, id string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM incident_links WHERE org_id = ? AND incident_id = ? AND id = ?`, orgID, incidentID, id)
	return affectedOne(res, err, "Link")
}

// ---- corrective actions

const incidentActionCols = `a.id, a.org_id, a.incident_id, a.title, a.owner_id, coalesce(u.name, ''), a.due, a.done_at, a.created_at, i.title`
const actionFrom = ` FROM corrective_actions a JOIN incidents i ON i.id = a.incident_id LEFT JOIN users u ON u.id = a.owner_id`

func (q queries) actions(ctx context.Context, where string, args ...any) ([]*bulkhead.CorrectiveAction, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+incidentActionCols+actionFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.CorrectiveAction
	for rows.Next() {
		var a bulkhead.CorrectiveAction
		var due, created int64
		var done sql.NullInt64
		if err := rows.Scan(&a.ID, &a.OrgID, &a.IncidentID, &a.Title, &a.OwnerID, &a.OwnerName, &due, &done, &created, &a.IncidentTitle); err != nil {
			return nil, mapErr(err)
		}
		a.Due, a.DoneAt, a.CreatedAt = fromMicros(due), fromNullMicros(done), fromMicros(created)
		out = append(out, &a)
	}
	return out, mapErr(rows.Err())
}

func (q queries) CorrectiveActions(ctx context.Context, orgID, incidentID string) ([]*bulkhead.CorrectiveAction, error) {
	return q.actions(ctx, `a.org_id = ? AND a.incident_id = ? ORDER BY a.due, a.id`, orgID, incidentID)
}

func (q queries) CorrectiveActionsDue(ctx context.Context, orgID, ownerID string, t time.Time, limit int) ([]*bulkhead.CorrectiveAction, error) {
	if ownerID == "" {
		return q.actions(ctx, `a.org_id = ? AND a.done_at IS NULL AND a.due < ? ORDER BY a.due, a.id LIMIT ?`, orgID, micros(t), limit)
	}
	return q.actions(ctx, `a.org_id = ? AND a.done_at IS NULL AND a.due < ? AND a.owner_id = ? ORDER BY a.due, a.id LIMIT ?`, orgID, micros(t), ownerID, limit)
}

func (q queries) PutCorrectiveAction(ctx context.Context, a *bulkhead.CorrectiveAction) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO corrective_actions (id, org_id, incident_id, title, owner_id, due, done_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, owner_id = excluded.owner_id, due = excluded.due, done_at = excluded.done_at`,
		a.ID, a.OrgID, a.IncidentID, a.Title, a.OwnerID, micros(a.Due), nullMicros(a.DoneAt), micros(a.CreatedAt))
	return mapErr(err)
}

// ---- notification rules

func (q queries) IncidentRules(ctx context.Context, orgID string) ([]*bulkhead.IncidentRule, bool, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM incident_rule_sets WHERE org_id = ?`, orgID).Scan(&n); err != nil {
		return nil, false, mapErr(err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, type, min_severity, recipient, hours, note FROM incident_rules WHERE org_id = ? ORDER BY position`, orgID)
	if err != nil {
		return nil, false, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.IncidentRule
	for rows.Next() {
		var r bulkhead.IncidentRule
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Type, &r.MinSeverity, &r.Recipient, &r.Hours, &r.Note); err != nil {
			return nil, false, mapErr(err)
		}
		out = append(out, &r)
	}
	return out, n > 0, mapErr(rows.Err())
}

func (q queries) ReplaceIncidentRules(ctx context.Context, orgID string, rules []*bulkhead.IncidentRule, at time.Time) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM incident_rules WHERE org_id = ?`, orgID); err != nil {
		return mapErr(err)
	}
	for i, r := range rules {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO incident_rules (id, org_id, position, type, min_severity, recipient, hours, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, orgID, i, string(r.Type), string(r.MinSeverity), string(r.Recipient), r.Hours, r.Note); err != nil {
			return mapErr(err)
		}
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO incident_rule_sets (org_id, updated_at) VALUES (?, ?) ON CONFLICT (org_id) DO UPDATE SET updated_at = excluded.updated_at`, orgID, micros(at))
	return mapErr(err)
}
