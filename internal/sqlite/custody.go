package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// ---- EPCIS capture jobs

const captureCols = `id, org_id, status, proceed, actor_name, created_at, finished_at, event_count, stored, bytes, context, problems`

func scanCapture(row interface{ Scan(...any) error }) (*bulkhead.CaptureJob, error) {
	var j bulkhead.CaptureJob
	var created int64
	var finished sql.NullInt64
	var ctxt, problems string
	if err := row.Scan(&j.ID, &j.OrgID, &j.Status, &j.Proceed, &j.ActorName, &created, &finished, &j.Events, &j.Stored, &j.Bytes, &ctxt, &problems); err != nil {
		return nil, err
	}
	j.CreatedAt, j.FinishedAt = fromMicros(created), fromNullMicros(finished)
	if ctxt != "" {
		j.Context = []byte(ctxt)
	}
	if problems != "[]" {
		if err := json.Unmarshal([]byte(problems), &j.Problems); err != nil {
			return nil, err
		}
	}
	return &j, nil
}

func problemsJSON(ps []bulkhead.CaptureProblem) string {
	if len(ps) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ps)
	return string(b)
}

func (q queries) CaptureJob(ctx context.Context, orgID, id string) (*bulkhead.CaptureJob, error) {
	j, err := scanCapture(q.q.QueryRowContext(ctx, `SELECT `+captureCols+` FROM epcis_captures WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Capture job")
	}
	return j, nil
}

func (q queries) CaptureJobs(ctx context.Context, orgID string, limit int) ([]*bulkhead.CaptureJob, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+captureCols+` FROM epcis_captures WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, orgID, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.CaptureJob
	for rows.Next() {
		j, err := scanCapture(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, j)
	}
	return out, mapErr(rows.Err())
}

func (q queries) CreateCaptureJob(ctx context.Context, j *bulkhead.CaptureJob) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO epcis_captures (`+captureCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.OrgID, j.Status, j.Proceed, j.ActorName, micros(j.CreatedAt), nullMicros(j.FinishedAt), j.Events, j.Stored, j.Bytes, string(j.Context), problemsJSON(j.Problems))
	return mapErr(err)
}

func (q queries) FinishCaptureJob(ctx context.Context, j *bulkhead.CaptureJob) error {
	res, err := q.q.ExecContext(ctx, `UPDATE epcis_captures SET status = ?, finished_at = ?, event_count = ?, stored = ?, problems = ? WHERE org_id = ? AND id = ? AND status = 'running'`,
		j.Status, nullMicros(j.FinishedAt), j.Events, j.Stored, problemsJSON(j.Problems), j.OrgID, j.ID)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := q.CaptureJob(ctx, j.OrgID, j.ID); err != nil {
			return err
		}
		return bulkhead.Errorf(bulkhead.ECONFLICT, "The capture job is no longer running.")
	}
	return nil
}

func (q queries) FailRunningCaptures(ctx context.Context, before time.Time) (int, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE epcis_captures SET status = 'failed', finished_at = ?, problems = ? WHERE status = 'running' AND created_at < ?`,
		micros(before), problemsJSON([]bulkhead.CaptureProblem{interrupted}), micros(before))
	if err != nil {
		return 0, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// interrupted is the problem of a capture job the server stopped during.
var interrupted = bulkhead.CaptureProblem{Event: -1, Rule: "interrupted", Message: "The server stopped before the capture finished; nothing of the document was stored."}

// ---- EPCIS events

// eventRowsPerInsert is how many events one INSERT statement carries: large
// enough that statement overhead vanishes, small enough to stay under
// SQLite's limit of 32766 parameters.
const (
	eventRowsPerInsert = 64
	epcRowsPerInsert   = 256
)

const eventInsertCols = `id, org_id, capture_id, event_id, hash, hash_key, type, event_time, record_time, action, biz_step, disposition, read_point, biz_location, error_declaration, body`

func multiRow(prefix string, cols, rows int) string {
	var b strings.Builder
	b.WriteString(prefix)
	row := "(" + strings.Repeat("?, ", cols-1) + "?)"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

func (q queries) InsertEPCISEvents(ctx context.Context, events []*bulkhead.EPCISEvent) error {
	// OR ROLLBACK: a duplicate eventID (which the service has already
	// looked for in this transaction) ends the whole transaction, so
	// SQLite keeps no statement journal for a partial rollback.
	//
	// Events are numbered here, in the write transaction (SQLite has one
	// writer at a time), so that their identifier rows can point to them
	// by number without reading the numbers back.
	var last int64
	if err := q.q.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM epcis_events`).Scan(&last); err != nil {
		return mapErr(err)
	}
	args := make([]any, 0, eventRowsPerInsert*17)
	for start := 0; start < len(events); start += eventRowsPerInsert {
		chunk := events[start:min(start+eventRowsPerInsert, len(events))]
		args = args[:0]
		for i, e := range chunk {
			args = append(args, last+int64(start+i)+1, e.ID, e.OrgID, e.CaptureID, e.EventID, e.Hash, bulkhead.EventHashKey(e.Hash), e.Type, micros(e.EventTime), micros(e.RecordTime),
				e.Action, e.BizStep, e.Disposition, e.ReadPoint, e.BizLocation, e.ErrorDeclaration, e.Body)
		}
		if _, err := q.q.ExecContext(ctx, multiRow(`INSERT OR ROLLBACK INTO epcis_events (seq, `+eventInsertCols+`) VALUES `, 17, len(chunk)), args...); err != nil {
			return mapEventErr(err)
		}
	}
	if err := q.noteCaptureRanges(ctx, events, func(i int) int64 { return last + int64(i) + 1 }); err != nil {
		return err
	}
	args = args[:0]
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		_, err := q.q.ExecContext(ctx, multiRow(`INSERT OR ROLLBACK INTO epcis_event_epcs (epc_key, event, role) VALUES `, 3, n), args...)
		args, n = args[:0], 0
		return mapErr(err)
	}
	for i, e := range events {
		for _, r := range e.EPCs {
			args = append(args, bulkhead.EPCKey(r.EPC), last+int64(i)+1, r.Role)
			if n++; n == epcRowsPerInsert {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// noteCaptureRanges widens each capture's range of seq to take in its
// events (seq(i) is the number of events[i]): queries find a capture's
// events in that range.
func (q queries) noteCaptureRanges(ctx context.Context, events []*bulkhead.EPCISEvent, seq func(i int) int64) error {
	for id, r := range bulkhead.CaptureRanges(events, seq) {
		if _, err := q.q.ExecContext(ctx, `UPDATE epcis_captures SET first_seq = min(coalesce(first_seq, ?), ?), last_seq = max(coalesce(last_seq, ?), ?) WHERE id = ?`,
			r[0], r[0], r[1], r[1], id); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

func mapEventErr(err error) error {
	err = mapErr(err)
	if e, ok := err.(*bulkhead.Error); ok && e.Code == bulkhead.ECONFLICT {
		e.Message = "An event with that eventID is already stored."
		e.Fields = map[string]string{"eventID": bulkhead.FieldTaken}
	}
	return err
}

func (q queries) StoredEventIDs(ctx context.Context, orgID string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, 0, len(part)+1)
		args = append(args, orgID)
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := q.q.QueryContext(ctx, `SELECT event_id FROM epcis_events WHERE org_id = ? AND error_declaration = 0 AND event_id IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, mapErr(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

func (q queries) EPCISEventCount(ctx context.Context, orgID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM epcis_events WHERE org_id = ?`, orgID).Scan(&n)
	return n, mapErr(err)
}

// eventQuery builds the SQL of an event filter. A selective condition
// (EPCs, eventIDs, a capture) drives the query from its index: the rows it
// names are few, whatever the organisation holds, and SQLite would
// otherwise walk the ordering index over every event of the organisation.
// CROSS JOIN keeps SQLite from reordering the join.
func eventQuery(f bulkhead.EventFilter) (string, []any) {
	var where []string
	var args []any
	list := func(vals []string) string {
		for _, v := range vals {
			args = append(args, v)
		}
		return "(?" + strings.Repeat(", ?", len(vals)-1) + ")"
	}
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			where = append(where, col+" IN "+list(vals))
		}
	}
	timeCond := func(col, op string, t *time.Time) {
		if t != nil {
			where = append(where, col+" "+op+" ?")
			args = append(args, micros(*t))
		}
	}
	epcSub := func(vals []string, roles ...string) string {
		// Identifier rows carry no organisation: the event they point
		// to is checked against it.
		keys := make([]any, len(vals))
		for i, v := range vals {
			keys[i] = bulkhead.EPCKey(v)
		}
		args = append(args, keys...)
		c := "SELECT DISTINCT p.event AS seq FROM epcis_event_epcs p WHERE p.epc_key IN (?" + strings.Repeat(", ?", len(vals)-1) + ")"
		if len(roles) > 0 {
			c += " AND p.role IN ('" + strings.Join(roles, "', '") + "')"
		}
		return c
	}
	// The driving subquery, if any; its arguments come first.
	var driver string
	epcConds := []struct {
		vals  []string
		roles []string
	}{{f.MatchEPC, []string{"epc", "child"}}, {f.MatchParent, []string{"parent"}}, {f.MatchAnyEPC, nil}}
	switch {
	case len(f.MatchEPC)+len(f.MatchParent)+len(f.MatchAnyEPC) > 0:
		for i, c := range epcConds {
			if len(c.vals) > 0 {
				driver = epcSub(c.vals, c.roles...)
				epcConds[i].vals = nil
				break
			}
		}
	case len(f.EventIDs) > 0:
		// The eventID indexes are partial: one for events, one for error
		// declarations.
		for _, d := range []string{"0", "1"} {
			args = append(args, f.OrgID)
			driver += "SELECT seq FROM epcis_events WHERE org_id = ? AND error_declaration = " + d + " AND event_id IN " + list(f.EventIDs) + " UNION "
		}
		// The hash index holds bulkhead.EventHashKey of the hashes.
		keys := make([]any, len(f.EventIDs))
		for i, v := range f.EventIDs {
			keys[i] = bulkhead.EventHashKey(v)
		}
		args = append(args, keys...)
		driver += "SELECT seq FROM epcis_events WHERE hash_key IN (?" + strings.Repeat(", ?", len(keys)-1) + ") AND hash IN " + list(f.EventIDs)
		f.EventIDs = nil
	case f.CaptureID != "":
		driver = "SELECT seq FROM epcis_events WHERE seq BETWEEN (SELECT first_seq FROM epcis_captures WHERE id = ?) AND (SELECT last_seq FROM epcis_captures WHERE id = ?) AND capture_id = ?"
		args = append(args, f.CaptureID, f.CaptureID, f.CaptureID)
		f.CaptureID = ""
	}
	args = append(args, f.OrgID)
	in("e.type", f.Types)
	timeCond("e.event_time", ">=", f.GEEventTime)
	timeCond("e.event_time", "<", f.LTEventTime)
	timeCond("e.record_time", ">=", f.GERecordTime)
	timeCond("e.record_time", "<", f.LTRecordTime)
	in("e.action", f.Actions)
	in("e.biz_step", f.BizSteps)
	in("e.disposition", f.Dispositions)
	in("e.read_point", f.ReadPoints)
	in("e.biz_location", f.BizLocations)
	if len(f.EventIDs) > 0 {
		ph := list(f.EventIDs)
		where = append(where, "(e.event_id IN "+ph+" OR e.hash IN "+list(f.EventIDs)+")")
	}
	if f.ExistsError {
		where = append(where, "e.error_declaration = 1")
	}
	if f.CaptureID != "" {
		where = append(where, "e.capture_id = ?")
		args = append(args, f.CaptureID)
	}
	for _, c := range epcConds {
		if len(c.vals) > 0 {
			where = append(where, "e.seq IN ("+epcSub(c.vals, c.roles...)+")")
		}
	}

	col := "e.record_time"
	if f.OrderBy == bulkhead.OrderEventTime {
		col = "e.event_time"
	}
	dir, op := "ASC", ">"
	if f.Desc {
		dir, op = "DESC", "<"
	}
	if f.After != nil {
		where = append(where, "("+col+", e.id) "+op+" (?, ?)")
		args = append(args, f.After.Time, f.After.ID)
	}
	from := "epcis_events e"
	if driver != "" {
		from = "(" + driver + ") m CROSS JOIN epcis_events e ON e.seq = m.seq"
	}
	sqlText := `SELECT ` + eventCols + ` FROM ` + from + ` JOIN epcis_captures c ON c.id = e.capture_id WHERE e.org_id = ?`
	for _, w := range where {
		sqlText += " AND " + w
	}
	sqlText += " ORDER BY " + col + " " + dir + ", e.id " + dir + " LIMIT ?"
	args = append(args, f.Limit)
	return sqlText, args
}

const eventCols = `e.id, e.org_id, e.capture_id, e.event_id, e.hash, e.type, e.event_time, e.record_time, e.action, e.biz_step, e.disposition, e.read_point, e.biz_location, e.error_declaration, e.body, c.context,
	EXISTS (SELECT 1 FROM epcis_events d WHERE d.org_id = e.org_id AND d.event_id = e.event_id AND d.error_declaration = 1 AND e.error_declaration = 0)`

func (q queries) EPCISEvents(ctx context.Context, f bulkhead.EventFilter) ([]*bulkhead.EPCISEvent, error) {
	sqlText, args := eventQuery(f)
	rows, err := q.q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.EPCISEvent
	for rows.Next() {
		var e bulkhead.EPCISEvent
		var et, rt int64
		var body, ctxt string
		if err := rows.Scan(&e.ID, &e.OrgID, &e.CaptureID, &e.EventID, &e.Hash, &e.Type, &et, &rt, &e.Action, &e.BizStep, &e.Disposition,
			&e.ReadPoint, &e.BizLocation, &e.ErrorDeclaration, &body, &ctxt, &e.Declared); err != nil {
			return nil, mapErr(err)
		}
		e.EventTime, e.RecordTime = fromMicros(et), fromMicros(rt)
		e.Body = []byte(body)
		if ctxt != "" {
			e.Context = []byte(ctxt)
		}
		out = append(out, &e)
	}
	return out, mapErr(rows.Err())
}
