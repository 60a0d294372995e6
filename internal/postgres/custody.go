package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
)

// ---- EPCIS capture jobs

const captureCols = `id, org_id, status, proceed, actor_name, created_at, finished_at, event_count, stored, bytes, context, problems`

func scanCapture(row pgx.Row) (*bulkhead.CaptureJob, error) {
	var j bulkhead.CaptureJob
	var ctxt, problems string
	if err := row.Scan(&j.ID, &j.OrgID, &j.Status, &j.Proceed, &j.ActorName, &j.CreatedAt, &j.FinishedAt, &j.Events, &j.Stored, &j.Bytes, &ctxt, &problems); err != nil {
		return nil, err
	}
	j.CreatedAt, j.FinishedAt = utc(j.CreatedAt), utcPtr(j.FinishedAt)
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

// CaptureJob returns a capture job of an organisation. ENOTFOUND.
func (q queries) CaptureJob(ctx context.Context, orgID, id string) (*bulkhead.CaptureJob, error) {
	j, err := scanCapture(q.q.QueryRow(ctx, `SELECT `+captureCols+` FROM epcis_captures WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Capture job")
	}
	return j, nil
}

// CaptureJobs lists an organisation's capture jobs, newest first.
func (q queries) CaptureJobs(ctx context.Context, orgID string, limit int) ([]*bulkhead.CaptureJob, error) {
	rows, err := q.q.Query(ctx, `SELECT `+captureCols+` FROM epcis_captures WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, orgID, limit)
	return collect(rows, err, scanCapture)
}

// CreateCaptureJob stores a new capture job.
func (q queries) CreateCaptureJob(ctx context.Context, j *bulkhead.CaptureJob) error {
	_, err := q.q.Exec(ctx, `INSERT INTO epcis_captures (`+captureCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		j.ID, j.OrgID, j.Status, j.Proceed, j.ActorName, j.CreatedAt, j.FinishedAt, j.Events, j.Stored, j.Bytes, string(j.Context), problemsJSON(j.Problems))
	return mapErr(err)
}

// FinishCaptureJob saves a running job's outcome. ENOTFOUND, ECONFLICT.
func (q queries) FinishCaptureJob(ctx context.Context, j *bulkhead.CaptureJob) error {
	tag, err := q.q.Exec(ctx, `UPDATE epcis_captures SET status = $1, finished_at = $2, event_count = $3, stored = $4, problems = $5 WHERE org_id = $6 AND id = $7 AND status = 'running'`,
		j.Status, j.FinishedAt, j.Events, j.Stored, problemsJSON(j.Problems), j.OrgID, j.ID)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		if _, err := q.CaptureJob(ctx, j.OrgID, j.ID); err != nil {
			return err
		}
		return bulkhead.Errorf(bulkhead.ECONFLICT, "The capture job is no longer running.")
	}
	return nil
}

// FailRunningCaptures marks jobs left running before a time as failed.
func (q queries) FailRunningCaptures(ctx context.Context, before time.Time) (int, error) {
	tag, err := q.q.Exec(ctx, `UPDATE epcis_captures SET status = 'failed', finished_at = $1, problems = $2 WHERE status = 'running' AND created_at < $1`,
		before, problemsJSON([]bulkhead.CaptureProblem{interrupted}))
	if err != nil {
		return 0, mapErr(err)
	}
	return int(tag.RowsAffected()), nil
}

// interrupted is the problem of a capture job the server stopped during.
var interrupted = bulkhead.CaptureProblem{Event: -1, Rule: "interrupted", Message: "The server stopped before the capture finished; nothing of the document was stored."}

// ---- EPCIS events

// copier is what a pgx transaction offers for bulk loading.
type copier interface {
	CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error)
}

// InsertEPCISEvents stores events with COPY, the fastest way into
// PostgreSQL. ECONFLICT on a duplicate eventID.
func (q queries) InsertEPCISEvents(ctx context.Context, events []*bulkhead.EPCISEvent) error {
	cp, ok := q.q.(copier)
	if !ok {
		return bulkhead.Errorf(bulkhead.EINTERNAL, "InsertEPCISEvents outside a transaction")
	}
	// The events' numbers, which their identifier rows point to, come
	// from the sequence in one round trip.
	rows, err := q.q.Query(ctx, `SELECT nextval('epcis_events_seq') FROM generate_series(1, $1)`, len(events))
	seqs, err := collect(rows, err, func(r pgx.Row) (int64, error) {
		var n int64
		return n, r.Scan(&n)
	})
	if err != nil {
		return err
	}
	_, err = cp.CopyFrom(ctx, pgx.Identifier{"epcis_events"},
		[]string{"seq", "id", "org_id", "capture_id", "event_id", "hash", "hash_key", "type", "event_time", "record_time", "action", "biz_step", "disposition", "read_point", "biz_location", "error_declaration", "body"},
		pgx.CopyFromSlice(len(events), func(i int) ([]any, error) {
			e := events[i]
			return []any{seqs[i], e.ID, e.OrgID, e.CaptureID, e.EventID, e.Hash, bulkhead.EventHashKey(e.Hash), e.Type, e.EventTime, e.RecordTime,
				e.Action, e.BizStep, e.Disposition, e.ReadPoint, e.BizLocation, e.ErrorDeclaration, string(e.Body)}, nil
		}))
	if err != nil {
		err = mapErr(err)
		if e, ok := err.(*bulkhead.Error); ok && e.Code == bulkhead.ECONFLICT {
			e.Message = "An event with that eventID is already stored."
			e.Fields = map[string]string{"eventID": bulkhead.FieldTaken}
		}
		return err
	}
	for id, r := range bulkhead.CaptureRanges(events, func(i int) int64 { return seqs[i] }) {
		if _, err := q.q.Exec(ctx, `UPDATE epcis_captures SET first_seq = LEAST(first_seq, $1), last_seq = GREATEST(last_seq, $2) WHERE id = $3`, r[0], r[1], id); err != nil {
			return mapErr(err)
		}
	}
	var epcRows [][]any
	for i, e := range events {
		for _, r := range e.EPCs {
			epcRows = append(epcRows, []any{bulkhead.EPCKey(r.EPC), seqs[i], r.Role})
		}
	}
	_, err = cp.CopyFrom(ctx, pgx.Identifier{"epcis_event_epcs"}, []string{"epc_key", "event", "role"}, pgx.CopyFromRows(epcRows))
	return mapErr(err)
}

// StoredEventIDs returns which of ids are stored eventIDs (not error
// declarations).
func (q queries) StoredEventIDs(ctx context.Context, orgID string, ids []string) (map[string]bool, error) {
	rows, err := q.q.Query(ctx, `SELECT event_id FROM epcis_events WHERE org_id = $1 AND NOT error_declaration AND event_id = ANY($2)`, orgID, ids)
	found, err := collect(rows, err, func(r pgx.Row) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(found))
	for _, s := range found {
		out[s] = true
	}
	return out, nil
}

// EPCISEventCount returns the number of events an organisation holds.
func (q queries) EPCISEventCount(ctx context.Context, orgID string) (int, error) {
	var n int
	err := q.q.QueryRow(ctx, `SELECT count(*) FROM epcis_events WHERE org_id = $1`, orgID).Scan(&n)
	return n, mapErr(err)
}

// eventQuery builds the SQL of an event filter (see the sqlite package): a
// selective condition (EPCs, eventIDs, a capture) drives the query.
func eventQuery(f bulkhead.EventFilter) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	org := arg(f.OrgID)
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			where = append(where, col+" = ANY("+arg(vals)+")")
		}
	}
	timeCond := func(col, op string, t *time.Time) {
		if t != nil {
			where = append(where, col+" "+op+" "+arg(*t))
		}
	}
	epcSub := func(vals []string, roles ...string) string {
		// Identifier rows carry no organisation: the event they point
		// to is checked against it.
		keys := make([][]byte, len(vals))
		for i, v := range vals {
			keys[i] = bulkhead.EPCKey(v)
		}
		c := "SELECT DISTINCT p.event AS seq FROM epcis_event_epcs p WHERE p.epc_key = ANY(" + arg(keys) + ")"
		if len(roles) > 0 {
			c += " AND p.role IN ('" + strings.Join(roles, "', '") + "')"
		}
		return c
	}
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
		ids := arg(f.EventIDs)
		// The hash index holds bulkhead.EventHashKey of the hashes.
		keys := make([]int64, len(f.EventIDs))
		for i, v := range f.EventIDs {
			keys[i] = bulkhead.EventHashKey(v)
		}
		driver = "SELECT seq FROM epcis_events WHERE org_id = " + org + " AND NOT error_declaration AND event_id = ANY(" + ids + ")" +
			" UNION SELECT seq FROM epcis_events WHERE org_id = " + org + " AND error_declaration AND event_id = ANY(" + ids + ")" +
			" UNION SELECT seq FROM epcis_events WHERE hash_key = ANY(" + arg(keys) + ") AND hash = ANY(" + ids + ")"
		f.EventIDs = nil
	case f.CaptureID != "":
		c := arg(f.CaptureID)
		driver = "SELECT seq FROM epcis_events WHERE seq BETWEEN (SELECT first_seq FROM epcis_captures WHERE id = " + c + ") AND (SELECT last_seq FROM epcis_captures WHERE id = " + c + ") AND capture_id = " + c
		f.CaptureID = ""
	}
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
		p := arg(f.EventIDs)
		where = append(where, "(e.event_id = ANY("+p+") OR e.hash = ANY("+p+"))")
	}
	if f.ExistsError {
		where = append(where, "e.error_declaration")
	}
	if f.CaptureID != "" {
		where = append(where, "e.capture_id = "+arg(f.CaptureID))
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
		t := time.UnixMicro(f.After.Time).UTC()
		where = append(where, "("+col+", e.id) "+op+" ("+arg(t)+", "+arg(f.After.ID)+")")
	}
	from := "epcis_events e"
	if driver != "" {
		from = "(" + driver + ") m JOIN epcis_events e ON e.seq = m.seq"
	}
	sqlText := `SELECT ` + eventCols + ` FROM ` + from + ` JOIN epcis_captures c ON c.id = e.capture_id WHERE e.org_id = ` + org
	for _, w := range where {
		sqlText += " AND " + w
	}
	sqlText += " ORDER BY " + col + " " + dir + ", e.id " + dir + " LIMIT " + arg(f.Limit)
	return sqlText, args
}

const eventCols = `e.id, e.org_id, e.capture_id, e.event_id, e.hash, e.type, e.event_time, e.record_time, e.action, e.biz_step, e.disposition, e.read_point, e.biz_location, e.error_declaration, e.body, c.context,
	(NOT e.error_declaration AND EXISTS (SELECT 1 FROM epcis_events d WHERE d.org_id = e.org_id AND d.event_id = e.event_id AND d.error_declaration))`

// EPCISEvents returns up to f.Limit events matching the normalised filter.
func (q queries) EPCISEvents(ctx context.Context, f bulkhead.EventFilter) ([]*bulkhead.EPCISEvent, error) {
	sqlText, args := eventQuery(f)
	rows, err := q.q.Query(ctx, sqlText, args...)
	return collect(rows, err, func(r pgx.Row) (*bulkhead.EPCISEvent, error) {
		var e bulkhead.EPCISEvent
		var body, ctxt string
		if err := r.Scan(&e.ID, &e.OrgID, &e.CaptureID, &e.EventID, &e.Hash, &e.Type, &e.EventTime, &e.RecordTime, &e.Action, &e.BizStep, &e.Disposition,
			&e.ReadPoint, &e.BizLocation, &e.ErrorDeclaration, &body, &ctxt, &e.Declared); err != nil {
			return nil, err
		}
		e.EventTime, e.RecordTime = utc(e.EventTime), utc(e.RecordTime)
		e.Body = []byte(body)
		if ctxt != "" {
			e.Context = []byte(ctxt)
		}
		return &e, nil
	})
}
