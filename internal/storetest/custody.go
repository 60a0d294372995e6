package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// custodyTests are the contract tests of the issue 6 custody records, by name.
var custodyTests = map[string]func(*testing.T, Store){
	"CaptureJobs":       testCaptureJobs,
	"EPCISEvents":       testEPCISEvents,
	"EPCISByCapture":    testEPCISByCapture,
	"EPCISPaging":       testEPCISPaging,
	"EPCISDuplicates":   testEPCISDuplicates,
	"EPCISRollback":     testEPCISRollback,
	"EPCISDeclarations": testEPCISDeclarations,
}

func mkJob(t *testing.T, s bulkhead.Store, org string) *bulkhead.CaptureJob {
	t.Helper()
	j := &bulkhead.CaptureJob{ID: bulkhead.NewID(), OrgID: org, Status: bulkhead.CaptureRunning, ActorName: "a@x.example", CreatedAt: micro, Events: 3, Bytes: 1234,
		Context: []byte(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://example.com/"}]`)}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateCaptureJob(ctx, j) })
	return j
}

// mkEvents builds n events of a job: event i happens on day i+1 (in reverse
// capture order for odd i), has EPC "urn:x:i" and parent "urn:p:i%2".
func mkEvents(job *bulkhead.CaptureJob, prefix string, n int) []*bulkhead.EPCISEvent {
	var out []*bulkhead.EPCISEvent
	for i := range n {
		day := i
		if i%2 == 1 {
			day = n + i
		}
		e := &bulkhead.EPCISEvent{ID: bulkhead.NewID(), OrgID: job.OrgID, CaptureID: job.ID, EventID: fmt.Sprintf("urn:%s:%d", prefix, i),
			Hash: fmt.Sprintf("ni:///sha-256;%s%d?ver=CBV2.0", prefix, i), Type: "ObjectEvent", EventTime: micro.AddDate(0, 0, day),
			RecordTime: micro.Add(time.Duration(i) * time.Second), Action: "OBSERVE", BizStep: "https://ref.gs1.org/cbv/BizStep-shipping",
			Disposition: "https://ref.gs1.org/cbv/Disp-in_transit", ReadPoint: "https://id.gs1.org/414/4012345000016", Body: []byte(fmt.Sprintf(`{"type":"ObjectEvent","n":%d}`, i)),
			EPCs: []bulkhead.EPCRole{{EPC: fmt.Sprintf("urn:x:%d", i), Role: "epc"}, {EPC: fmt.Sprintf("urn:p:%d", i%2), Role: "parent"}}}
		if i%3 == 0 {
			e.BizStep = "https://ref.gs1.org/cbv/BizStep-receiving"
			e.Type = "AggregationEvent"
		}
		out = append(out, e)
	}
	return out
}

func testCaptureJobs(t *testing.T, s Store) {
	o := mkOrg(t, s, "cap")
	other := mkOrg(t, s, "cap-other")
	j := mkJob(t, s, o.ID)
	got, err := s.CaptureJob(ctx, o.ID, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(j, got); diff != "" {
		t.Errorf("CaptureJob (-want +got):\n%s", diff)
	}
	_, err = s.CaptureJob(ctx, other.ID, j.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)

	fin := micro.Add(time.Second)
	j.Status, j.FinishedAt, j.Stored = bulkhead.CapturePartial, &fin, 2
	j.Problems = []bulkhead.CaptureProblem{{Event: 1, EventID: "urn:x", Field: "/action", Rule: "schema", Message: "bad"}}
	write(t, s, func(tx bulkhead.Tx) error { return tx.FinishCaptureJob(ctx, j) })
	got, _ = s.CaptureJob(ctx, o.ID, j.ID)
	if diff := cmp.Diff(j, got); diff != "" {
		t.Errorf("finished job (-want +got):\n%s", diff)
	}
	// A finished job cannot be finished again.
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.FinishCaptureJob(ctx, j) })
	wantCode(t, err, bulkhead.ECONFLICT)
	missing := *j
	missing.ID = bulkhead.NewID()
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.FinishCaptureJob(ctx, &missing) })
	wantCode(t, err, bulkhead.ENOTFOUND)

	// Running jobs older than the cut-off are failed; newer ones are not.
	old := mkJob(t, s, o.ID)
	young := mkJob(t, s, o.ID)
	young.CreatedAt = micro.Add(time.Hour)
	write(t, s, func(tx bulkhead.Tx) error {
		young.ID = bulkhead.NewID()
		return tx.CreateCaptureJob(ctx, young)
	})
	var n int
	write(t, s, func(tx bulkhead.Tx) error {
		var err error
		n, err = tx.FailRunningCaptures(ctx, micro.Add(time.Minute))
		return err
	})
	if n != 2 { // old, and the job of mkJob before young was re-identified
		t.Errorf("failed %d jobs, want 2", n)
	}
	if g, _ := s.CaptureJob(ctx, o.ID, old.ID); g.Status != bulkhead.CaptureFailed || len(g.Problems) != 1 || g.FinishedAt == nil {
		t.Errorf("old job = %+v", g)
	}
	if g, _ := s.CaptureJob(ctx, o.ID, young.ID); g.Status != bulkhead.CaptureRunning {
		t.Errorf("young job = %+v", g)
	}
	jobs, err := s.CaptureJobs(ctx, o.ID, 10)
	if err != nil || len(jobs) != 4 || jobs[0].ID != young.ID {
		t.Errorf("CaptureJobs = %d, %v", len(jobs), err)
	}
}

func insertEvents(t *testing.T, s bulkhead.Store, evs []*bulkhead.EPCISEvent) {
	t.Helper()
	write(t, s, func(tx bulkhead.Tx) error { return tx.InsertEPCISEvents(ctx, evs) })
}

func ids(evs []*bulkhead.EPCISEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.EventID
	}
	return out
}

func testEPCISEvents(t *testing.T, s Store) {
	o := mkOrg(t, s, "ev")
	other := mkOrg(t, s, "ev-other")
	j := mkJob(t, s, o.ID)
	evs := mkEvents(j, "e", 200) // more than one multi-row INSERT
	// A hash as long as real ones: the hash index holds its first 16 hex
	// digits, the query compares all of it.
	const long = "ni:///sha-256;0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef?ver=CBV2.0"
	evs[11].Hash = long
	insertEvents(t, s, evs)
	oj := mkJob(t, s, other.ID)
	insertEvents(t, s, mkEvents(oj, "e", 3))

	got, err := s.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: o.ID, EventIDs: []string{"urn:e:5"}, Limit: 10})
	if err != nil || len(got) != 1 {
		t.Fatalf("by eventID: %v, %v", got, err)
	}
	want := *evs[5]
	want.EPCs = nil
	want.Context = j.Context
	if diff := cmp.Diff(&want, got[0]); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	if n, _ := s.EPCISEventCount(ctx, o.ID); n != 200 {
		t.Errorf("count = %d", n)
	}
	t1, t2 := micro.AddDate(0, 0, 10), micro.AddDate(0, 0, 20)
	tests := []struct {
		name string
		f    bulkhead.EventFilter
		want int
	}{
		{"all", bulkhead.EventFilter{}, 200},
		{"type", bulkhead.EventFilter{Types: []string{"AggregationEvent"}}, 67},
		{"types", bulkhead.EventFilter{Types: []string{"AggregationEvent", "ObjectEvent"}}, 200},
		{"bizStep", bulkhead.EventFilter{BizSteps: []string{"https://ref.gs1.org/cbv/BizStep-receiving"}}, 67},
		{"disposition", bulkhead.EventFilter{Dispositions: []string{"https://ref.gs1.org/cbv/Disp-in_transit"}}, 200},
		{"action", bulkhead.EventFilter{Actions: []string{"ADD"}}, 0},
		{"readPoint", bulkhead.EventFilter{ReadPoints: []string{"https://id.gs1.org/414/4012345000016"}}, 200},
		{"bizLocation", bulkhead.EventFilter{BizLocations: []string{"x"}}, 0},
		{"eventTime", bulkhead.EventFilter{GEEventTime: &t1, LTEventTime: &t2}, 5},
		{"recordTime", bulkhead.EventFilter{GERecordTime: &t1}, 0},
		{"hash", bulkhead.EventFilter{EventIDs: []string{"ni:///sha-256;e7?ver=CBV2.0"}}, 1},
		{"hash also in another org", bulkhead.EventFilter{EventIDs: []string{"ni:///sha-256;e1?ver=CBV2.0"}}, 1},
		{"long hash", bulkhead.EventFilter{EventIDs: []string{long}}, 1},
		{"long hash, same key", bulkhead.EventFilter{EventIDs: []string{strings.Replace(long, "cdef?", "cde0?", 1)}}, 0},
		{"MATCH_epc", bulkhead.EventFilter{MatchEPC: []string{"urn:x:7", "urn:x:8", "urn:p:1"}}, 2},
		{"MATCH_parentID", bulkhead.EventFilter{MatchParent: []string{"urn:p:1"}}, 100},
		{"MATCH_anyEPC", bulkhead.EventFilter{MatchAnyEPC: []string{"urn:x:7", "urn:p:0"}}, 101},
		{"MATCH combined", bulkhead.EventFilter{MatchAnyEPC: []string{"urn:x:9"}, Types: []string{"AggregationEvent"}}, 1},
		{"capture", bulkhead.EventFilter{CaptureID: j.ID}, 200},
		{"errors", bulkhead.EventFilter{ExistsError: true}, 0},
	}
	for _, tt := range tests {
		tt.f.OrgID, tt.f.Limit = o.ID, 1000
		got, err := s.EPCISEvents(ctx, tt.f)
		if err != nil || len(got) != tt.want {
			t.Errorf("%s: %d events, %v; want %d", tt.name, len(got), err, tt.want)
		}
	}
	// Other organisations' events never match.
	got, _ = s.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: other.ID, MatchAnyEPC: []string{"urn:x:7"}, Limit: 10})
	if len(got) != 0 {
		t.Errorf("other org: %v", ids(got))
	}
}

// A capture's events are found by the range of numbers they were stored
// under: events of another capture stored in between are not its own.
func testEPCISByCapture(t *testing.T, s Store) {
	o := mkOrg(t, s, "bycap")
	a, b := mkJob(t, s, o.ID), mkJob(t, s, o.ID)
	first := mkEvents(a, "a", 5)
	insertEvents(t, s, first)
	insertEvents(t, s, mkEvents(b, "b", 4))
	more := mkEvents(a, "a2", 3)
	insertEvents(t, s, more)
	for _, tc := range []struct {
		job  *bulkhead.CaptureJob
		want []string
	}{
		{a, append(ids(first), ids(more)...)},
		{b, []string{"urn:b:0", "urn:b:1", "urn:b:2", "urn:b:3"}},
		{mkJob(t, s, o.ID), nil},
	} {
		got, err := s.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: o.ID, CaptureID: tc.job.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, ids(got), cmpopts.SortSlices(func(x, y string) bool { return x < y }), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("capture %s (-want +got):\n%s", tc.job.ID, diff)
		}
	}
}

func testEPCISPaging(t *testing.T, s Store) {
	o := mkOrg(t, s, "page")
	j := mkJob(t, s, o.ID)
	evs := mkEvents(j, "p", 25)
	insertEvents(t, s, evs)
	for _, tc := range []struct {
		order string
		desc  bool
	}{{bulkhead.OrderEventTime, false}, {bulkhead.OrderEventTime, true}, {bulkhead.OrderRecordTime, false}, {bulkhead.OrderRecordTime, true}} {
		f := bulkhead.EventFilter{OrgID: o.ID, OrderBy: tc.order, Desc: tc.desc, Limit: 7}
		var all []*bulkhead.EPCISEvent
		for range 10 {
			page, err := s.EPCISEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if len(page) < f.Limit {
				break
			}
			c := f.CursorOf(page[len(page)-1])
			f.After = &c
		}
		if len(all) != 25 {
			t.Fatalf("%s desc=%v: %d events", tc.order, tc.desc, len(all))
		}
		for i := 1; i < len(all); i++ {
			a, b := all[i-1].RecordTime, all[i].RecordTime
			if tc.order == bulkhead.OrderEventTime {
				a, b = all[i-1].EventTime, all[i].EventTime
			}
			if tc.desc {
				a, b = b, a
			}
			if !a.Before(b) {
				t.Errorf("%s desc=%v: out of order at %d: %v, %v", tc.order, tc.desc, i, a, b)
			}
		}
	}
	// Equal times page by row ID: no event is lost or repeated.
	j2 := mkJob(t, s, o.ID)
	same := mkEvents(j2, "same", 9)
	for _, e := range same {
		e.EventTime = micro
	}
	insertEvents(t, s, same)
	f := bulkhead.EventFilter{OrgID: o.ID, OrderBy: bulkhead.OrderEventTime, CaptureID: j2.ID, Limit: 4}
	seen := map[string]bool{}
	for range 5 {
		page, _ := s.EPCISEvents(ctx, f)
		for _, e := range page {
			if seen[e.ID] {
				t.Errorf("event %s twice", e.EventID)
			}
			seen[e.ID] = true
		}
		if len(page) < f.Limit {
			break
		}
		c := f.CursorOf(page[len(page)-1])
		f.After = &c
	}
	if len(seen) != 9 {
		t.Errorf("saw %d of 9 events with equal times", len(seen))
	}
}

func testEPCISDuplicates(t *testing.T, s Store) {
	o := mkOrg(t, s, "dup")
	other := mkOrg(t, s, "dup-other")
	j := mkJob(t, s, o.ID)
	insertEvents(t, s, mkEvents(j, "d", 3))
	found, err := s.StoredEventIDs(ctx, o.ID, []string{"urn:d:0", "urn:d:2", "urn:d:9"})
	if err != nil || !cmp.Equal(found, map[string]bool{"urn:d:0": true, "urn:d:2": true}) {
		t.Errorf("StoredEventIDs = %v, %v", found, err)
	}
	if found, _ := s.StoredEventIDs(ctx, other.ID, []string{"urn:d:0"}); len(found) != 0 {
		t.Errorf("other org: %v", found)
	}
	again := mkEvents(j, "d", 2)[1:]
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.InsertEPCISEvents(ctx, again) })
	wantCode(t, err, bulkhead.ECONFLICT)
	if f := bulkhead.ErrorFields(err); f["eventID"] != bulkhead.FieldTaken {
		t.Errorf("fields = %v", f)
	}
	// The same eventID in another organisation is another event.
	oj := mkJob(t, s, other.ID)
	insertEvents(t, s, mkEvents(oj, "d", 3))
}

func testEPCISRollback(t *testing.T, s Store) {
	o := mkOrg(t, s, "rb")
	j := mkJob(t, s, o.ID)
	evs := mkEvents(j, "r", 100)
	evs[99].EventID = evs[0].EventID // a duplicate at the end of the batch
	err := s.Write(ctx, func(tx bulkhead.Tx) error { return tx.InsertEPCISEvents(ctx, evs) })
	wantCode(t, err, bulkhead.ECONFLICT)
	if n, _ := s.EPCISEventCount(ctx, o.ID); n != 0 {
		t.Errorf("%d events stored after a failed insert", n)
	}
	got, _ := s.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: o.ID, MatchAnyEPC: []string{"urn:x:1"}, Limit: 10})
	if len(got) != 0 {
		t.Errorf("EPC rows left behind")
	}
}

func testEPCISDeclarations(t *testing.T, s Store) {
	o := mkOrg(t, s, "decl")
	j := mkJob(t, s, o.ID)
	evs := mkEvents(j, "x", 2)
	insertEvents(t, s, evs)
	decl := mkEvents(j, "x", 1)
	decl[0].ErrorDeclaration = true
	insertEvents(t, s, decl)
	got, err := s.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: o.ID, EventIDs: []string{"urn:x:0"}, Limit: 10})
	if err != nil || len(got) != 2 {
		t.Fatalf("events = %v, %v", got, err)
	}
	if !got[0].Declared || got[0].ErrorDeclaration || got[1].Declared || !got[1].ErrorDeclaration {
		t.Errorf("declared/declaration = %v %v / %v %v", got[0].Declared, got[0].ErrorDeclaration, got[1].Declared, got[1].ErrorDeclaration)
	}
	if found, _ := s.StoredEventIDs(ctx, o.ID, []string{"urn:x:0"}); !found["urn:x:0"] {
		t.Errorf("the original is still stored")
	}
	got, _ = s.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: o.ID, ExistsError: true, Limit: 10})
	if len(got) != 1 || got[0].EventID != "urn:x:0" {
		t.Errorf("ExistsError = %v", ids(got))
	}
}
