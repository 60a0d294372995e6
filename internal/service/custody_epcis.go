package service

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// EPCIS repository actions.
const (
	ActEPCISCapture Action = "epcis.capture"
	ActEPCISRead    Action = "epcis.read"
)

// Capture limits: the most events and bytes one capture takes. They are the
// limits of the validator (package epcis); the API advertises them.
const (
	CaptureMaxEvents = epcis.MaxEvents
	CaptureMaxBytes  = epcis.MaxDocumentSize
)

// Paging of event queries.
const (
	EventsPerPage    = 100
	EventsMaxPerPage = 1000
)

// Capture errors the API maps to statuses of their own.
var (
	// ErrCaptureTooLarge is returned for a document over a capture limit.
	ErrCaptureTooLarge = &bulkhead.Error{Code: "too_large", Message: fmt.Sprintf("The document is over the capture limits (%d bytes, %d events).", CaptureMaxBytes, CaptureMaxEvents)}
)

// CaptureEPCIS captures an EPCIS 2.0 JSON/JSON-LD document (an
// EPCISDocument, an EPCISQueryDocument or a single event). The document is
// checked (official schema, business rules, eventIDs not already stored),
// every event hashed, and then, in one transaction, the events stored, the
// job finished and one audit entry written. Unless proceed is set, a
// document with any problem stores nothing (the job fails, listing every
// problem); with proceed the valid events are stored (the job is partial).
// The job is recorded as running before the write, so that a capture cut
// short by a crash shows as interrupted, not lost.
//
// Returns the job; errors: EFORBIDDEN, ErrCaptureTooLarge, EINVALID (not a
// JSON object at all).
func (s *Service) CaptureEPCIS(ctx context.Context, a Actor, doc []byte, proceed bool) (*bulkhead.CaptureJob, error) {
	if err := authorize(a, ActEPCISCapture); err != nil {
		return nil, err
	}
	now := s.now()
	p, err := epcis.Prepare(doc, now)
	switch {
	case errors.Is(err, epcis.ErrTooLarge), errors.Is(err, epcis.ErrTooManyEvents):
		return nil, ErrCaptureTooLarge
	case err != nil:
		return nil, &bulkhead.Error{Code: bulkhead.EINVALID, Message: "The body is not an EPCIS JSON document: " + strings.TrimPrefix(err.Error(), "epcis: "),
			Fields: map[string]string{"document": bulkhead.FieldInvalid}}
	}
	job := &bulkhead.CaptureJob{ID: bulkhead.NewID(), OrgID: a.OrgID, Status: bulkhead.CaptureRunning, Proceed: proceed,
		ActorName: a.Name, CreatedAt: now, Events: len(p.Events), Bytes: len(doc), Context: p.Context}
	if err := s.store.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateCaptureJob(ctx, job) }); err != nil {
		return nil, err
	}
	for _, pr := range p.Report.Problems {
		job.Problems = append(job.Problems, bulkhead.CaptureProblem{Event: pr.Event, EventID: pr.EventID, Field: pr.Field, Rule: pr.Rule, Message: pr.Message})
	}
	events := make([]*bulkhead.EPCISEvent, 0, len(p.Events))
	index := make([]int, 0, len(p.Events))
	for i := range p.Events {
		pe := &p.Events[i]
		if !pe.OK {
			continue
		}
		e := &bulkhead.EPCISEvent{ID: bulkhead.NewID(), OrgID: a.OrgID, CaptureID: job.ID, EventID: pe.EventID, Hash: pe.Hash,
			Type: pe.Type, EventTime: pe.EventTime.Truncate(time.Microsecond), RecordTime: now, Action: pe.Action, BizStep: pe.BizStep,
			Disposition: pe.Disposition, ReadPoint: pe.ReadPoint, BizLocation: pe.BizLocation, ErrorDeclaration: pe.ErrorDeclaration,
			Body: pe.JSON, EPCs: make([]bulkhead.EPCRole, len(pe.EPCs))}
		for j, r := range pe.EPCs {
			e.EPCs[j] = bulkhead.EPCRole{EPC: r.EPC, Role: r.Role}
		}
		events = append(events, e)
		index = append(index, i)
	}
	write := func(lookForStored bool) error {
		return s.store.Write(ctx, func(tx bulkhead.Tx) error {
			stored := events
			if lookForStored {
				var err error
				if stored, err = s.dropStoredDuplicates(ctx, tx, job, events, index); err != nil {
					return err
				}
			}
			if len(job.Problems) > 0 && !proceed {
				stored = nil
			}
			if len(stored) > 0 {
				if err := s.custodyGaps(ctx, tx, a, stored); err != nil {
					return err
				}
				if err := tx.InsertEPCISEvents(ctx, stored); err != nil {
					return err
				}
			}
			return s.finishCapture(ctx, tx, a, job, len(stored))
		})
	}
	// On a store that writes one transaction at a time (SQLite), where the
	// write is what limits capture, the write first counts on the eventIDs
	// being new, as they nearly always are: the store's unique index
	// refuses one already stored and the whole transaction with it, and
	// only then is the write done again, looking them up to report them
	// (the lookup cost about 5% of the serialised write). PostgreSQL
	// writes concurrent captures side by side and looks them up first:
	// measured with bench epcis-capture, its server spent more CPU time
	// and captured 10–25% fewer events per second without the lookup.
	sw, serial := s.store.(interface{ SerialWrites() bool })
	optimistic := serial && sw.SerialWrites()
	err = write(!optimistic)
	if optimistic && storedEventID(err) {
		err = write(true)
	}
	if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
		// An event stored by a concurrent capture, or the job marked
		// interrupted meanwhile: nothing of this document was stored.
		job.Problems = append(job.Problems, bulkhead.CaptureProblem{Event: -1, Rule: "conflict", Message: bulkhead.ErrorMessage(err)})
		err = s.store.Write(ctx, func(tx bulkhead.Tx) error { return s.finishCapture(ctx, tx, a, job, 0) })
	}
	if err != nil {
		return nil, err
	}
	return job, nil
}

// storedEventID reports whether err is the store refusing an eventID that
// is already stored.
func storedEventID(err error) bool {
	var e *bulkhead.Error
	return errors.As(err, &e) && e.Code == bulkhead.ECONFLICT && e.Fields["eventID"] == bulkhead.FieldTaken
}

// dropStoredDuplicates reports the events whose eventID is already stored
// and returns the others. index[i] is the document index of events[i].
func (s *Service) dropStoredDuplicates(ctx context.Context, tx bulkhead.Tx, job *bulkhead.CaptureJob, events []*bulkhead.EPCISEvent, index []int) ([]*bulkhead.EPCISEvent, error) {
	ids := make([]string, 0, len(events))
	for _, e := range events {
		if !e.ErrorDeclaration {
			ids = append(ids, e.EventID)
		}
	}
	if len(ids) == 0 {
		return events, nil
	}
	dup, err := tx.StoredEventIDs(ctx, job.OrgID, ids)
	if err != nil || len(dup) == 0 {
		return events, err
	}
	out := make([]*bulkhead.EPCISEvent, 0, len(events))
	for i, e := range events {
		if !e.ErrorDeclaration && dup[e.EventID] {
			job.Problems = append(job.Problems, bulkhead.CaptureProblem{Event: index[i], EventID: e.EventID, Field: "/eventID", Rule: "duplicate",
				Message: "an event with this eventID is already stored (a correction is sent as an event with errorDeclaration)"})
			continue
		}
		out = append(out, e)
	}
	slices.SortStableFunc(job.Problems, func(a, b bulkhead.CaptureProblem) int { return a.Event - b.Event })
	return out, nil
}

// finishCapture ends a job and writes its audit entry.
func (s *Service) finishCapture(ctx context.Context, tx bulkhead.Tx, a Actor, job *bulkhead.CaptureJob, stored int) error {
	t := s.now()
	job.FinishedAt, job.Stored = &t, stored
	switch {
	case stored == 0 && (len(job.Problems) > 0 || job.Events > 0):
		job.Status = bulkhead.CaptureFailed
	case len(job.Problems) > 0:
		job.Status = bulkhead.CapturePartial
	default:
		job.Status = bulkhead.CaptureSuccess
	}
	if err := tx.FinishCaptureJob(ctx, job); err != nil {
		return err
	}
	return s.record(ctx, tx, a, "epcis.capture", "epcis_capture", job.ID, map[string]any{
		"status": string(job.Status), "events": job.Events, "stored": stored, "problems": len(job.Problems), "bytes": job.Bytes,
	})
}

// FailInterruptedCaptures marks the capture jobs left running by a server
// that stopped before the given time (its own start) as failed. Their
// documents were not stored: each capture writes in one transaction.
func (s *Service) FailInterruptedCaptures(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		var err error
		n, err = tx.FailRunningCaptures(ctx, before)
		return err
	})
	return n, err
}

// CaptureJob returns a capture job of the actor's organisation. A job of
// another member is visible to readers of the repository too.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) CaptureJob(ctx context.Context, a Actor, id string) (*bulkhead.CaptureJob, error) {
	if err := authorize(a, ActEPCISCapture); err != nil {
		if err2 := authorize(a, ActEPCISRead); err2 != nil {
			return nil, err
		}
	}
	return s.store.CaptureJob(ctx, a.OrgID, id)
}

// CaptureJobs lists the organisation's latest capture jobs. EFORBIDDEN.
func (s *Service) CaptureJobs(ctx context.Context, a Actor, limit int) ([]*bulkhead.CaptureJob, error) {
	if err := authorize(a, ActEPCISRead); err != nil {
		return nil, err
	}
	return s.store.CaptureJobs(ctx, a.OrgID, min(max(limit, 1), 500))
}

// EventPage is one page of an event query.
type EventPage struct {
	Events []*bulkhead.EPCISEvent
	// Next is the token of the next page, "" on the last.
	Next string
}

// EPCISEvents runs an event query (see ParseEventQuery) for the actor's
// organisation. EFORBIDDEN, EINVALID.
func (s *Service) EPCISEvents(ctx context.Context, a Actor, f bulkhead.EventFilter) (*EventPage, error) {
	if err := authorize(a, ActEPCISRead); err != nil {
		return nil, err
	}
	f.OrgID = a.OrgID
	if f.Limit <= 0 {
		f.Limit = EventsPerPage
	}
	f.Limit = min(f.Limit, EventsMaxPerPage)
	want := f.Limit
	f.Limit++
	evs, err := s.store.EPCISEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	page := &EventPage{Events: evs}
	if len(evs) > want {
		page.Events = evs[:want]
		page.Next = f.CursorOf(evs[want-1]).Token()
	}
	return page, nil
}

// EventQueryParams are the query parameters of the simple event query.
var EventQueryParams = []string{"eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_action",
	"EQ_bizStep", "EQ_disposition", "EQ_readPoint", "EQ_bizLocation", "MATCH_epc", "MATCH_parentID", "MATCH_anyEPC",
	"EQ_eventID", "EXISTS_errorDeclaration", "orderBy", "orderDirection", "perPage", "nextPageToken"}

// ParseEventQuery reads the parameters of the EPCIS 2.0 simple event query
// (REST binding) into a normalised filter. A parameter may be repeated or
// hold a comma-separated list. CBV values may be bare words, Web URIs or
// URNs, and EPCs URNs or GS1 Digital Link URIs on any domain: they are
// normalised as stored values are. Unknown parameters and bad values are
// field errors (EINVALID).
func ParseEventQuery(v url.Values) (bulkhead.EventFilter, error) {
	var f bulkhead.EventFilter
	bad := map[string]string{}
	for k := range v {
		if !slices.Contains(EventQueryParams, k) {
			bad[k] = bulkhead.FieldUnknown
		}
	}
	list := func(k string, norm func(string) string) []string {
		var out []string
		for _, raw := range v[k] {
			for _, x := range strings.Split(raw, ",") {
				if x = strings.TrimSpace(x); x != "" {
					if norm != nil {
						x = norm(x)
					}
					out = append(out, x)
				}
			}
		}
		return out
	}
	tm := func(k string) *time.Time {
		s := v.Get(k)
		if s == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			bad[k] = bulkhead.FieldInvalid
			return nil
		}
		t = t.UTC()
		return &t
	}
	f.Types = list("eventType", func(s string) string { return strings.TrimPrefix(s, "epcis:") })
	for _, t := range f.Types {
		if !slices.Contains(epcis.EventTypes(), t) {
			bad["eventType"] = bulkhead.FieldChoice
		}
	}
	f.GEEventTime, f.LTEventTime = tm("GE_eventTime"), tm("LT_eventTime")
	f.GERecordTime, f.LTRecordTime = tm("GE_recordTime"), tm("LT_recordTime")
	f.Actions = list("EQ_action", strings.ToUpper)
	for _, a := range f.Actions {
		if a != "ADD" && a != "OBSERVE" && a != "DELETE" {
			bad["EQ_action"] = bulkhead.FieldChoice
		}
	}
	f.BizSteps = list("EQ_bizStep", epcis.NormaliseBizStep)
	f.Dispositions = list("EQ_disposition", epcis.NormaliseDisposition)
	f.ReadPoints = list("EQ_readPoint", epcis.NormaliseEPC)
	f.BizLocations = list("EQ_bizLocation", epcis.NormaliseEPC)
	f.MatchEPC = list("MATCH_epc", epcis.NormaliseEPC)
	f.MatchParent = list("MATCH_parentID", epcis.NormaliseEPC)
	f.MatchAnyEPC = list("MATCH_anyEPC", epcis.NormaliseEPC)
	f.EventIDs = list("EQ_eventID", nil)
	if _, ok := v["EXISTS_errorDeclaration"]; ok {
		switch strings.ToLower(v.Get("EXISTS_errorDeclaration")) {
		case "", "true":
			f.ExistsError = true
		case "false":
		default:
			bad["EXISTS_errorDeclaration"] = bulkhead.FieldInvalid
		}
	}
	switch v.Get("orderBy") {
	case "", "recordTime":
		f.OrderBy = bulkhead.OrderRecordTime
	case "eventTime":
		f.OrderBy = bulkhead.OrderEventTime
	default:
		bad["orderBy"] = bulkhead.FieldChoice
	}
	switch strings.ToUpper(v.Get("orderDirection")) {
	case "", "ASC":
	case "DESC":
		f.Desc = true
	default:
		bad["orderDirection"] = bulkhead.FieldChoice
	}
	if s := v.Get("perPage"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > EventsMaxPerPage {
			bad["perPage"] = bulkhead.FieldInvalid
		}
		f.Limit = n
	}
	if tok := v.Get("nextPageToken"); tok != "" {
		c, err := bulkhead.ParseEventCursor(tok)
		if err != nil {
			bad["nextPageToken"] = bulkhead.FieldInvalid
		}
		f.After = c
	}
	if len(bad) > 0 {
		return f, bulkhead.Invalid(bad)
	}
	return f, nil
}

// EPCISQueryDocument writes events as an EPCISQueryDocument.
func EPCISQueryDocument(events []*bulkhead.EPCISEvent, now time.Time) ([]byte, error) {
	st := make([]epcis.StoredEvent, len(events))
	for i, e := range events {
		st[i] = epcis.StoredEvent{JSON: e.Body, Context: e.Context}
	}
	return epcis.QueryDocument("SimpleEventQuery", st, now)
}
