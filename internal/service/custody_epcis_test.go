package service_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
	"github.com/bulkhead-sms/bulkhead/internal/postgres"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/storetest"
	"github.com/google/go-cmp/cmp"
)

// lightFixture is an organisation with a site whose "members" are all the
// system actor: no password hashing, for tests of behaviour rather than of
// roles (TestEveryActionEveryRole covers those).
func lightFixture(t *testing.T, svc *service.Service, slug string) *fixture {
	t.Helper()
	org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org "+slug, slug)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, actors: map[bulkhead.Role]service.Actor{}}
	for _, r := range bulkhead.Roles {
		f.actors[r] = service.SystemActor(org.ID, "test")
	}
	if f.site, err = svc.CreateSite(ctx, f.actors[bulkhead.RoleAdmin], siteInput("Fixture DC", "NLRTM")); err != nil {
		t.Fatal(err)
	}
	return f
}

func capture(t *testing.T, svc *service.Service, a service.Actor, doc []byte, proceed bool) *bulkhead.CaptureJob {
	t.Helper()
	job, err := svc.CaptureEPCIS(ctx, a, doc, proceed)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

func query(t *testing.T, svc *service.Service, a service.Actor, q string) *service.EventPage {
	t.Helper()
	v, _ := url.ParseQuery(q)
	f, err := service.ParseEventQuery(v)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	p, err := svc.EPCISEvents(ctx, a, f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCaptureRollbackAndProceed(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "capture")
	adm := f.actors[bulkhead.RoleAdmin]

	job := capture(t, svc, adm, epcisDoc("a", 3), false)
	if job.Status != bulkhead.CaptureSuccess || job.Stored != 3 || len(job.Problems) != 0 {
		t.Fatalf("job = %+v", job)
	}
	if got, _ := svc.CaptureJob(ctx, adm, job.ID); got.Status != bulkhead.CaptureSuccess || got.Events != 3 {
		t.Errorf("stored job = %+v", got)
	}
	// One audit entry for the whole capture.
	es, _, _ := svc.AuditEntries(ctx, adm, bulkhead.AuditFilter{ObjectID: job.ID, Limit: 10})
	if len(es) != 1 || es[0].Action != "epcis.capture" {
		t.Errorf("audit entries = %v", es)
	}

	// The same document again: every event is a duplicate, nothing stored.
	dup := capture(t, svc, adm, epcisDoc("a", 3), false)
	if dup.Status != bulkhead.CaptureFailed || dup.Stored != 0 || len(dup.Problems) != 3 || dup.Problems[0].Rule != "duplicate" || dup.Problems[0].Field != "/eventID" {
		t.Fatalf("duplicate job = %+v", dup)
	}

	// Two new events and a bad one, rollback: nothing stored.
	bad := strings.Replace(string(epcisDoc("b", 3)), `"action":"OBSERVE"`, `"action":"WATCH"`, 1)
	rb := capture(t, svc, adm, []byte(bad), false)
	if rb.Status != bulkhead.CaptureFailed || rb.Stored != 0 || len(rb.Problems) == 0 || rb.Problems[0].Event != 0 {
		t.Fatalf("rollback job = %+v", rb)
	}
	if p := query(t, svc, adm, "perPage=1000"); len(p.Events) != 3 {
		t.Fatalf("after rollback: %d events stored, want 3", len(p.Events))
	}
	// Proceed: the two valid events are stored, the bad one reported.
	pr := capture(t, svc, adm, []byte(bad), true)
	if pr.Status != bulkhead.CapturePartial || pr.Stored != 2 || pr.Problems[0].Event != 0 {
		t.Fatalf("proceed job = %+v", pr)
	}
	if p := query(t, svc, adm, "perPage=1000"); len(p.Events) != 5 {
		t.Fatalf("after proceed: %d events, want 5", len(p.Events))
	}
	// A document with no @context and an undeclared extension prefix.
	noCtx := strings.Replace(string(epcisDoc("c", 1)), `"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://example.com/epcis/"}],`, "", 1)
	nc := capture(t, svc, adm, []byte(noCtx), true)
	if nc.Status != bulkhead.CaptureFailed || nc.Stored != 0 {
		t.Fatalf("no @context: %+v", nc)
	}
	// Another organisation sees none of it.
	other := lightFixture(t, svc, "capture-other")
	if p := query(t, svc, other.actors[bulkhead.RoleAdmin], ""); len(p.Events) != 0 {
		t.Errorf("other organisation sees %d events", len(p.Events))
	}
	if _, err := svc.CaptureJob(ctx, other.actors[bulkhead.RoleAdmin], job.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other organisation's job: %v", err)
	}
	// Not JSON at all, and too large.
	if _, err := svc.CaptureEPCIS(ctx, adm, []byte("<xml/>"), false); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Errorf("not JSON: %v", err)
	}
	if _, err := svc.CaptureEPCIS(ctx, adm, make([]byte, service.CaptureMaxBytes+1), false); err != service.ErrCaptureTooLarge {
		t.Errorf("too large: %v", err)
	}
}

func TestEventQueryFilters(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "query")
	adm := f.actors[bulkhead.RoleAdmin]
	capture(t, svc, adm, epcisDoc("q", 9), false)
	tests := []struct {
		q    string
		want int
	}{
		{"", 9},
		{"eventType=ObjectEvent", 9},
		{"eventType=AggregationEvent", 0},
		{"EQ_bizStep=shipping", 9},
		{"EQ_bizStep=urn:epcglobal:cbv:bizstep:shipping", 9},
		{"EQ_bizStep=https://ref.gs1.org/cbv/BizStep-shipping", 9},
		{"EQ_bizStep=receiving", 0},
		{"EQ_disposition=in_transit", 9},
		{"EQ_action=observe", 9},
		{"EQ_readPoint=urn:epc:id:sgln:4012345.00001.0", 9},
		{"EQ_readPoint=https://id.gs1.org/414/4012345000016", 9},
		{"MATCH_epc=urn:epc:id:sgtin:4012345.011111.4", 1},
		{"MATCH_epc=https://example.com/01/04012345111118/21/4", 1},
		{"MATCH_anyEPC=urn:epc:id:sgtin:4012345.011111.4,urn:epc:id:sgtin:4012345.011111.5", 2},
		{"MATCH_parentID=urn:epc:id:sgtin:4012345.011111.4", 0},
		{"GE_eventTime=2026-05-03T08:00:00Z&LT_eventTime=2026-05-05T08:00:00Z", 2},
		{"EQ_eventID=urn:example:q-3", 1},
		{"EXISTS_errorDeclaration", 0},
	}
	for _, tt := range tests {
		if p := query(t, svc, adm, tt.q); len(p.Events) != tt.want {
			t.Errorf("%q: %d events, want %d", tt.q, len(p.Events), tt.want)
		}
	}
	// Paging by event time, descending: three pages of 4, 4 and 1.
	var seen []string
	tok := ""
	for range 3 {
		q := "orderBy=eventTime&orderDirection=DESC&perPage=4"
		if tok != "" {
			q += "&nextPageToken=" + url.QueryEscape(tok)
		}
		p := query(t, svc, adm, q)
		for _, e := range p.Events {
			seen = append(seen, e.EventTime.Format("01-02")+e.EventID)
		}
		tok = p.Next
	}
	if len(seen) != 9 || tok != "" || seen[0] < seen[8] {
		t.Errorf("pages: %v, last token %q", seen, tok)
	}
	for _, bad := range []string{"EQ_action=WATCH", "GE_eventTime=yesterday", "orderBy=size", "perPage=0", "nextPageToken=zzz", "colour=red"} {
		v, _ := url.ParseQuery(bad)
		if _, err := service.ParseEventQuery(v); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestErrorDeclaration(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "declare")
	adm := f.actors[bulkhead.RoleAdmin]
	capture(t, svc, adm, epcisDoc("d", 1), false)
	decl := strings.Replace(string(epcisDoc("d", 1)), `"action":"OBSERVE"`, `"action":"OBSERVE","errorDeclaration":{"declarationTime":"2026-05-02T00:00:00Z","reason":"incorrect_data"}`, 1)
	if job := capture(t, svc, adm, []byte(decl), false); job.Status != bulkhead.CaptureSuccess {
		t.Fatalf("declaration: %+v", job)
	}
	p := query(t, svc, adm, "EQ_eventID=urn:example:d-0")
	if len(p.Events) != 2 || !p.Events[0].Declared || p.Events[0].ErrorDeclaration || !p.Events[1].ErrorDeclaration {
		t.Fatalf("events = %+v", p.Events)
	}
	if p := query(t, svc, adm, "EXISTS_errorDeclaration=true"); len(p.Events) != 1 {
		t.Errorf("EXISTS_errorDeclaration: %d", len(p.Events))
	}
	// Both events hash alike: the declaration does not change the hash.
	if p.Events[0].Hash != p.Events[1].Hash {
		t.Errorf("hashes differ")
	}
}

func TestFailInterruptedCaptures(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "interrupt")
	adm := f.actors[bulkhead.RoleAdmin]
	job := &bulkhead.CaptureJob{ID: bulkhead.NewID(), OrgID: f.org.ID, Status: bulkhead.CaptureRunning, ActorName: "x", CreatedAt: bulkhead.Now(), Events: 5}
	if err := svc.Store().Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateCaptureJob(ctx, job) }); err != nil {
		t.Fatal(err)
	}
	n, err := svc.FailInterruptedCaptures(ctx, bulkhead.Now().Add(1))
	if err != nil || n != 1 {
		t.Fatalf("failed %d, %v", n, err)
	}
	got, _ := svc.CaptureJob(ctx, adm, job.ID)
	if got.Status != bulkhead.CaptureFailed || len(got.Problems) != 1 || got.Problems[0].Rule != "interrupted" {
		t.Errorf("job = %+v", got)
	}
}

// TestGS1ExamplesRoundTrip is the conformance test: every GS1 JSON example
// is captured and queried back with the same event hashes.
func TestGS1ExamplesRoundTrip(t *testing.T) {
	svc := newService(t)
	dir := filepath.Join("..", "epcis", "testdata", "gs1-json")
	n, stored := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".jsonld") {
			return err
		}
		n++
		doc, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		want, err := epcis.HashDocument(doc)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// The examples reuse eventIDs across files: each goes to an
		// organisation of its own.
		org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "GS1 "+d.Name(), fmt.Sprintf("gs1-%d", n))
		if err != nil {
			t.Fatal(err)
		}
		adm := service.SystemActor(org.ID, "test")
		job := capture(t, svc, adm, doc, false)
		stored += job.Stored
		if job.Status != bulkhead.CaptureSuccess {
			t.Errorf("%s: %s %v", path, job.Status, job.Problems)
			return nil
		}
		// Query the capture's events back and hash the query document.
		page, err := svc.EPCISEvents(ctx, adm, bulkhead.EventFilter{CaptureID: job.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Events) != len(want) {
			t.Fatalf("%s: %d events back, want %d", path, len(page.Events), len(want))
		}
		qd, err := service.EPCISQueryDocument(page.Events, bulkhead.Now())
		if err != nil {
			t.Fatal(err)
		}
		if r, err := epcis.ValidateDocument(qd); err != nil || !r.Valid() {
			t.Errorf("%s: query document not valid: %v %v", path, err, r)
		}
		got, err := epcis.HashDocument(qd)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		wantSet := map[string]bool{}
		for _, h := range want {
			wantSet[h.Hash] = true
		}
		for i, h := range got {
			if !wantSet[h.Hash] || page.Events[i].Hash != h.Hash {
				t.Errorf("%s: event %d hash %s not among the document's", path, i, h.Hash)
			}
		}
		// User extensions round-trip: the stored JSON holds every member
		// the example's event had.
		for i, e := range page.Events {
			var m map[string]any
			json.Unmarshal(e.Body, &m)
			if m["type"] == nil || m["recordTime"] == nil {
				t.Errorf("%s: event %d body %s", path, i, e.Body)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 47 || stored < 47 {
		t.Errorf("%d examples, %d events stored; want 47 examples", n, stored)
	}
}

// A document holding eventIDs already stored beside new ones: the write
// that counted on them being new is refused by the store and done again,
// reporting exactly the stored ones.
// SQLite writes first without looking the eventIDs up, PostgreSQL looks
// them up first: both report the same.
func TestCaptureStoredAndNewEventIDs(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testCaptureStoredAndNew(t, newService(t)) })
	t.Run("postgres", func(t *testing.T) { testCaptureStoredAndNew(t, newPostgresService(t)) })
}

func testCaptureStoredAndNew(t *testing.T, svc *service.Service) {
	f := lightFixture(t, svc, "capture-mixed")
	adm := f.actors[bulkhead.RoleAdmin]
	first := capture(t, svc, adm, epcisDoc("m", 2), false)
	rb := capture(t, svc, adm, epcisDoc("m", 4), false)
	pr := capture(t, svc, adm, epcisDoc("m", 4), true)
	type problem struct {
		Event       int
		EventID     string
		Field, Rule string
	}
	problems := func(j *bulkhead.CaptureJob) []problem {
		var out []problem
		for _, p := range j.Problems {
			out = append(out, problem{p.Event, p.EventID, p.Field, p.Rule})
		}
		return out
	}
	want := []problem{{0, "urn:example:m-0", "/eventID", "duplicate"}, {1, "urn:example:m-1", "/eventID", "duplicate"}}
	if rb.Status != bulkhead.CaptureFailed || rb.Stored != 0 {
		t.Errorf("rollback job = %+v", rb)
	}
	if diff := cmp.Diff(want, problems(rb)); diff != "" {
		t.Errorf("rollback problems (-want +got):\n%s", diff)
	}
	if pr.Status != bulkhead.CapturePartial || pr.Stored != 2 {
		t.Errorf("proceed job = %+v", pr)
	}
	if diff := cmp.Diff(want, problems(pr)); diff != "" {
		t.Errorf("proceed problems (-want +got):\n%s", diff)
	}
	if p := query(t, svc, adm, "perPage=1000"); len(p.Events) != 4 {
		t.Errorf("%d events stored, want 4", len(p.Events))
	}
	// One audit entry per capture, whichever write stored it.
	for _, j := range []*bulkhead.CaptureJob{first, rb, pr} {
		es, _, _ := svc.AuditEntries(ctx, adm, bulkhead.AuditFilter{ObjectID: j.ID, Limit: 10})
		if len(es) != 1 || es[0].Action != "epcis.capture" {
			t.Errorf("job %s: audit entries = %v", j.Status, es)
		}
	}
}

// newPostgresService is newService on a fresh database of
// BULKHEAD_TEST_POSTGRES (skipped without it, unless
// BULKHEAD_REQUIRE_POSTGRES=1).
func newPostgresService(t *testing.T) *service.Service {
	t.Helper()
	db, err := postgres.Open(ctx, storetest.FreshPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return service.New(db, nil)
}
