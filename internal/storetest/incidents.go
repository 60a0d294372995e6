package storetest

import (
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// incidentTests are the contract tests of security incidents, by name.
var incidentTests = map[string]func(*testing.T, Store){
	"Incidents":     testIncidents,
	"IncidentList":  testIncidentList,
	"IncidentStats": testIncidentStats,
	"IncidentWork":  testIncidentWork,
	"IncidentRules": testIncidentRules,
}

func mkIncidentSite(t *testing.T, s Store, o *bulkhead.Organization) *bulkhead.Site {
	t.Helper()
	st := &bulkhead.Site{ID: bulkhead.NewID(), OrgID: o.ID, Name: "Venlo DC", Type: bulkhead.SiteDC, UNLOCODE: "NLVEN", Country: "NL",
		TimeZone: "Europe/Amsterdam", CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, st) })
	return st
}

func newIncident(o *bulkhead.Organization, title string, occurred time.Time) *bulkhead.Incident {
	return &bulkhead.Incident{ID: bulkhead.NewID(), OrgID: o.ID, Type: bulkhead.IncidentCargoTheft, Severity: bulkhead.SeverityHigh,
		Status: bulkhead.IncidentReported, Title: title, OccurredAt: occurred, DetectedAt: occurred.Add(time.Hour), ReportedAt: occurred.Add(2 * time.Hour),
		Source: bulkhead.SourceManual, CreatedAt: micro, UpdatedAt: micro}
}

func mkIncident(t *testing.T, s Store, inc *bulkhead.Incident) *bulkhead.Incident {
	t.Helper()
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateIncident(ctx, inc) })
	return inc
}

func testIncidents(t *testing.T, s Store) {
	o, other := mkOrg(t, s, "inc"), mkOrg(t, s, "inc2")
	site := mkIncidentSite(t, s, o)
	lat, lon := 51.3704, 6.1724
	closed := micro.Add(5 * time.Hour)
	inc := newIncident(o, "Pallet missing", micro)
	inc.Description, inc.SiteID, inc.Lane, inc.ShipmentRef, inc.EquipmentRef = "Dock 7\nnight", site.ID, "Venlo → Milan", "SHP-1", "MSCU1234565"
	inc.Partner, inc.UNLOCODE, inc.Latitude, inc.Longitude, inc.LossCents, inc.Currency = "Trans-Alpine", "NLVEN", &lat, &lon, 18240050, "EUR"
	inc.ReporterID, inc.Reporter, inc.RCAMethod, inc.CauseCategory, inc.RootCause = "u1", "Lucía", "five_whys", "process", "Badge"
	inc.Whys, inc.ContributingFactors, inc.LessonsLearned, inc.Status, inc.ClosedAt = "a\nb", "night", "revoke", bulkhead.IncidentClosed, &closed
	inc.Source, inc.SourceRef = bulkhead.SourceCustody, "disc-1"
	mkIncident(t, s, inc)
	got, err := s.Incident(ctx, o.ID, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(inc, got); diff != "" {
		t.Errorf("Incident (-want +got):\n%s", diff)
	}
	_, err = s.Incident(ctx, other.ID, inc.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	if got, err := s.IncidentBySource(ctx, o.ID, bulkhead.SourceCustody, "disc-1"); err != nil || got.ID != inc.ID {
		t.Fatalf("IncidentBySource = %v, %v", got, err)
	}
	_, err = s.IncidentBySource(ctx, other.ID, bulkhead.SourceCustody, "disc-1")
	wantCode(t, err, bulkhead.ENOTFOUND)
	dup := newIncident(o, "Again", micro)
	dup.Source, dup.SourceRef = bulkhead.SourceCustody, "disc-1"
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateIncident(ctx, dup) }), bulkhead.ECONFLICT)
	refs, err := s.IncidentSourceRefs(ctx, o.ID, bulkhead.SourceCustody, []string{"disc-1", "disc-2"})
	if err != nil || !cmp.Equal(refs, map[string]bool{"disc-1": true}) {
		t.Fatalf("IncidentSourceRefs = %v, %v", refs, err)
	}
	// Two manual incidents have no source reference: no conflict.
	mkIncident(t, s, newIncident(o, "One", micro))
	mkIncident(t, s, newIncident(o, "Two", micro))

	inc.Title, inc.Latitude, inc.Longitude, inc.ClosedAt, inc.Status, inc.SiteID = "Pallet stolen", nil, nil, nil, bulkhead.IncidentInvestigating, ""
	inc.UpdatedAt = micro.Add(time.Hour)
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateIncident(ctx, inc) })
	got, _ = s.Incident(ctx, o.ID, inc.ID)
	if diff := cmp.Diff(inc, got); diff != "" {
		t.Errorf("after UpdateIncident (-want +got):\n%s", diff)
	}
	// Totals follow the status change (they come from the rollup).
	for status, want := range map[string]int{"closed": 0, "investigating": 1, bulkhead.StatusOpen: 3, "": 3} {
		f := bulkhead.IncidentFilter{OrgID: o.ID, Status: status}
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		if _, n, err := s.Incidents(ctx, f); err != nil || n != want {
			t.Errorf("status %q after update: %d, %v; want %d", status, n, err, want)
		}
	}
	// The search follows the edit.
	for q, want := range map[string]int{"PALLET STOLEN": 1, "pallet missing": 0, "dock 7": 1, "mscu1234565": 1} {
		f := bulkhead.IncidentFilter{OrgID: o.ID, Query: q}
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		if _, n, err := s.Incidents(ctx, f); err != nil || n != want {
			t.Errorf("search %q after update: %d, %v; want %d", q, n, err, want)
		}
	}
	missing := *inc
	missing.ID = bulkhead.NewID()
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.UpdateIncident(ctx, &missing) }), bulkhead.ENOTFOUND)
	bad := newIncident(o, "Bad", micro)
	bad.Type = "teleport"
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateIncident(ctx, bad) }), bulkhead.EINVALID)
}

func testIncidentList(t *testing.T, s Store) {
	o := mkOrg(t, s, "list")
	site := mkIncidentSite(t, s, o)
	types := []bulkhead.IncidentType{bulkhead.IncidentCargoTheft, bulkhead.IncidentIntrusion, bulkhead.IncidentSealTampering}
	var all []*bulkhead.Incident
	write(t, s, func(tx bulkhead.Tx) error {
		for i := range 30 {
			inc := newIncident(o, "Incident "+string(rune('A'+i%26)), micro.Add(time.Duration(i)*24*time.Hour))
			inc.Type = types[i%3]
			inc.Severity = bulkhead.Severities[i%4]
			if i%2 == 0 {
				inc.SiteID = site.ID
			}
			if i%5 == 0 {
				inc.Status = bulkhead.IncidentClosed
			}
			if i == 7 {
				inc.Description = "Forklift 100% damaged_area"
			}
			inc.LossCents = int64(i * 100)
			all = append(all, inc)
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(f bulkhead.IncidentFilter) ([]*bulkhead.Incident, int) {
		t.Helper()
		f.OrgID = o.ID
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		got, n, err := s.Incidents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return got, n
	}
	got, n := list(bulkhead.IncidentFilter{Limit: 10})
	if n != 30 || len(got) != 10 || got[0].ID != all[29].ID {
		t.Fatalf("first page: n=%d len=%d", n, len(got))
	}
	got, _ = list(bulkhead.IncidentFilter{Limit: 10, Offset: 25})
	if len(got) != 5 || got[4].ID != all[0].ID {
		t.Fatalf("last page: %d", len(got))
	}
	tests := []struct {
		name string
		f    bulkhead.IncidentFilter
		want int
	}{
		{"type", bulkhead.IncidentFilter{Type: bulkhead.IncidentIntrusion}, 10},
		{"severity", bulkhead.IncidentFilter{Severity: bulkhead.SeverityCritical}, 7},
		{"site", bulkhead.IncidentFilter{SiteID: site.ID}, 15},
		{"open", bulkhead.IncidentFilter{Status: bulkhead.StatusOpen}, 24},
		{"closed", bulkhead.IncidentFilter{Status: "closed"}, 6},
		{"range", bulkhead.IncidentFilter{From: micro.Add(10 * 24 * time.Hour), To: micro.Add(20 * 24 * time.Hour)}, 10},
		{"search literal %_", bulkhead.IncidentFilter{Query: "100% DAMAGED_"}, 1},
		{"search title", bulkhead.IncidentFilter{Query: "incident b"}, 2},
		{"combined", bulkhead.IncidentFilter{Type: bulkhead.IncidentCargoTheft, SiteID: site.ID, Status: bulkhead.StatusOpen}, 4},
	}
	for _, tt := range tests {
		if _, n := list(tt.f); n != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, n, tt.want)
		}
	}
	got, _ = list(bulkhead.IncidentFilter{Sort: bulkhead.IncidentSortLoss, Desc: true, Limit: 2})
	if got[0].LossCents != 2900 {
		t.Errorf("loss desc first = %d", got[0].LossCents)
	}
	got, _ = list(bulkhead.IncidentFilter{Sort: bulkhead.IncidentSortSeverity, Limit: 8})
	if got[0].Severity != bulkhead.SeverityLow || got[7].Severity != bulkhead.SeverityLow {
		t.Errorf("severity asc: %s .. %s", got[0].Severity, got[7].Severity)
	}
	for _, srt := range bulkhead.IncidentSorts {
		if _, n := list(bulkhead.IncidentFilter{Sort: srt, Desc: true}); n != 30 {
			t.Errorf("sort %s: %d", srt, n)
		}
	}
}

func testIncidentStats(t *testing.T, s Store) {
	o := mkOrg(t, s, "stats")
	site := mkIncidentSite(t, s, o)
	jan := time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)
	a := newIncident(o, "A", jan)
	a.LossCents, a.Currency, a.Lane, a.SiteID = 1000, "EUR", "Venlo → Milan", site.ID
	b := newIncident(o, "B", jan.AddDate(0, 1, 0))
	b.LossCents, b.Currency = 500, "USD"
	c := newIncident(o, "C", jan.AddDate(0, 1, 3))
	c.Type, c.Severity = bulkhead.IncidentIntrusion, bulkhead.SeverityLow
	for _, inc := range []*bulkhead.Incident{a, b, c} {
		mkIncident(t, s, inc)
	}
	stats := func(f bulkhead.IncidentStatsFilter) *bulkhead.IncidentStats {
		t.Helper()
		f.OrgID = o.ID
		st, err := s.IncidentStats(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := stats(bulkhead.IncidentStatsFilter{FromMonth: 202501, ToMonth: 202512})
	if st.Total != 3 || st.Losses["EUR"] != 1000 || st.Losses["USD"] != 500 {
		t.Fatalf("totals = %+v", st)
	}
	want := []bulkhead.IncidentGroup{{Key: "202501", Count: 1, Losses: map[string]int64{"EUR": 1000}}, {Key: "202502", Count: 2, Losses: map[string]int64{"USD": 500}}}
	if diff := cmp.Diff(want, st.ByMonth); diff != "" {
		t.Errorf("by month (-want +got):\n%s", diff)
	}
	if len(st.ByType) != 2 || len(st.BySite) != 2 || len(st.ByLane) != 2 {
		t.Errorf("groups: %+v %+v %+v", st.ByType, st.BySite, st.ByLane)
	}
	// Moving an incident moves it in the rollup.
	a.OccurredAt, a.Type, a.LossCents = jan.AddDate(0, 2, 0), bulkhead.IncidentIntrusion, 3000
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateIncident(ctx, a) })
	st = stats(bulkhead.IncidentStatsFilter{FromMonth: 202501, ToMonth: 202512, Type: bulkhead.IncidentIntrusion})
	if st.Total != 2 || st.Losses["EUR"] != 3000 || len(st.ByMonth) != 2 || st.ByMonth[1].Key != "202503" {
		t.Errorf("after update: %+v", st)
	}
	st = stats(bulkhead.IncidentStatsFilter{FromMonth: 202501, ToMonth: 202501})
	if st.Total != 0 {
		t.Errorf("january after move: %+v", st)
	}
	st = stats(bulkhead.IncidentStatsFilter{FromMonth: 202501, ToMonth: 202512, SiteID: site.ID, Severity: bulkhead.SeverityHigh})
	if st.Total != 1 {
		t.Errorf("site+severity: %+v", st)
	}
}

func testIncidentWork(t *testing.T, s Store) {
	o := mkOrg(t, s, "work")
	u := mkUser(t, s, "owner@example.com")
	mkMember(t, s, o, u, bulkhead.RoleSecurityManager)
	inc := mkIncident(t, s, newIncident(o, "Work", micro))
	// Timeline.
	for i, kind := range []string{"created", "note", "status"} {
		e := &bulkhead.IncidentEntry{ID: bulkhead.NewID(), OrgID: o.ID, IncidentID: inc.ID, At: micro.Add(time.Duration(i) * time.Minute), ActorID: u.ID, ActorName: "Owner", Kind: kind, Body: "b" + kind}
		write(t, s, func(tx bulkhead.Tx) error { return tx.AddIncidentEntry(ctx, e) })
	}
	tl, err := s.IncidentTimeline(ctx, o.ID, inc.ID)
	if err != nil || len(tl) != 3 || tl[0].Kind != "created" || tl[2].Body != "bstatus" || !tl[1].At.Equal(micro.Add(time.Minute)) {
		t.Fatalf("timeline = %+v, %v", tl, err)
	}
	// Notifications: one due before t, one after; then one sent.
	police := &bulkhead.IncidentNotification{ID: bulkhead.NewID(), OrgID: o.ID, IncidentID: inc.ID, Recipient: "police", DueAt: micro.Add(time.Hour), CreatedAt: micro}
	insurer := &bulkhead.IncidentNotification{ID: bulkhead.NewID(), OrgID: o.ID, IncidentID: inc.ID, Recipient: "insurer", DueAt: micro.Add(48 * time.Hour), Note: "n", CreatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.PutIncidentNotification(ctx, insurer); err != nil {
			return err
		}
		return tx.PutIncidentNotification(ctx, police)
	})
	ns, err := s.IncidentNotifications(ctx, o.ID, inc.ID)
	if err != nil || len(ns) != 2 || ns[0].Recipient != "police" {
		t.Fatalf("notifications = %+v, %v", ns, err)
	}
	if diff := cmp.Diff(insurer, ns[1]); diff != "" {
		t.Errorf("notification (-want +got):\n%s", diff)
	}
	over, err := s.OverdueIncidentNotifications(ctx, o.ID, micro.Add(2*time.Hour), 10)
	if err != nil || len(over) != 1 || over[0].Recipient != "police" || over[0].IncidentTitle != "Work" {
		t.Fatalf("overdue = %+v, %v", over, err)
	}
	sent := micro.Add(30 * time.Minute)
	police.SentAt, police.SentByID, police.SentBy, police.Reference = &sent, u.ID, "Owner", "PV-1"
	write(t, s, func(tx bulkhead.Tx) error { return tx.PutIncidentNotification(ctx, police) })
	if over, _ := s.OverdueIncidentNotifications(ctx, o.ID, micro.Add(2*time.Hour), 10); len(over) != 0 {
		t.Errorf("overdue after sending = %+v", over)
	}
	dupRecipient := &bulkhead.IncidentNotification{ID: bulkhead.NewID(), OrgID: o.ID, IncidentID: inc.ID, Recipient: "police", DueAt: micro, CreatedAt: micro}
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.PutIncidentNotification(ctx, dupRecipient) }), bulkhead.ECONFLICT)
	// Evidence.
	ev := &bulkhead.IncidentEvidence{ID: bulkhead.NewID(), OrgID: o.ID, IncidentID: inc.ID, Name: "seal.jpg", ContentType: "image/jpeg", Size: 4,
		SHA256: "ab", Data: []byte{0xff, 0xd8, 0xff, 0x00}, UploadedAt: micro, UploadedBy: "Owner"}
	write(t, s, func(tx bulkhead.Tx) error { return tx.AddIncidentEvidence(ctx, ev) })
	evs, err := s.IncidentEvidenceList(ctx, o.ID, inc.ID)
	if err != nil || len(evs) != 1 || evs[0].Data != nil || evs[0].Size != 4 {
		t.Fatalf("evidence list = %+v, %v", evs, err)
	}
	got, err := s.IncidentEvidence(ctx, o.ID, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ev, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	other := mkOrg(t, s, "work2")
	_, err = s.IncidentEvidence(ctx, other.ID, ev.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	// Links.
	l := &bulkhead.IncidentLink{ID: bulkhead.NewID(), OrgID: o.ID, IncidentID: inc.ID, Kind: "risk", RefID: "R-1", Label: "Night theft", CreatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.AddIncidentLink(ctx, l) })
	again := *l
	again.ID = bulkhead.NewID()
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.AddIncidentLink(ctx, &again) }), bulkhead.ECONFLICT)
	ls, err := s.IncidentLinks(ctx, o.ID, inc.ID)
	if err != nil || len(ls) != 1 || !cmp.Equal(ls[0], l) {
		t.Fatalf("links = %+v, %v", ls, err)
	}
	write(t, s, func(tx bulkhead.Tx) error { return tx.DeleteIncidentLink(ctx, o.ID, inc.ID, l.ID) })
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.DeleteIncidentLink(ctx, o.ID, inc.ID, l.ID) }), bulkhead.ENOTFOUND)
	// Corrective actions.
	ca := &bulkhead.CorrectiveAction{ID: bulkhead.NewID(), OrgID: o.ID, IncidentID: inc.ID, Title: "Fix", OwnerID: u.ID, Due: micro.Add(24 * time.Hour), CreatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.PutCorrectiveAction(ctx, ca) })
	due, err := s.CorrectiveActionsDue(ctx, o.ID, u.ID, micro.Add(48*time.Hour), 10)
	if err != nil || len(due) != 1 || due[0].OwnerName != u.Name || due[0].IncidentTitle != "Work" {
		t.Fatalf("due = %+v, %v", due, err)
	}
	if due, _ := s.CorrectiveActionsDue(ctx, o.ID, "", micro, 10); len(due) != 0 {
		t.Errorf("due before its date: %+v", due)
	}
	done := micro.Add(time.Hour)
	ca.DoneAt = &done
	write(t, s, func(tx bulkhead.Tx) error { return tx.PutCorrectiveAction(ctx, ca) })
	acts, err := s.CorrectiveActions(ctx, o.ID, inc.ID)
	if err != nil || len(acts) != 1 || acts[0].DoneAt == nil || !acts[0].DoneAt.Equal(done) {
		t.Fatalf("actions = %+v, %v", acts, err)
	}
	if due, _ := s.CorrectiveActionsDue(ctx, o.ID, "", micro.Add(48*time.Hour), 10); len(due) != 0 {
		t.Errorf("done action still due: %+v", due)
	}
}

func testIncidentRules(t *testing.T, s Store) {
	o := mkOrg(t, s, "rules")
	rules, set, err := s.IncidentRules(ctx, o.ID)
	if err != nil || set || len(rules) != 0 {
		t.Fatalf("fresh org rules = %v %v %v", rules, set, err)
	}
	want := []*bulkhead.IncidentRule{
		{ID: bulkhead.NewID(), OrgID: o.ID, Type: bulkhead.IncidentSealTampering, Recipient: "customs", Hours: 24, Note: "bonded"},
		{ID: bulkhead.NewID(), OrgID: o.ID, MinSeverity: bulkhead.SeverityCritical, Recipient: "certification_body", Hours: 72},
	}
	write(t, s, func(tx bulkhead.Tx) error { return tx.ReplaceIncidentRules(ctx, o.ID, want, micro) })
	rules, set, err = s.IncidentRules(ctx, o.ID)
	if err != nil || !set {
		t.Fatal(set, err)
	}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	write(t, s, func(tx bulkhead.Tx) error { return tx.ReplaceIncidentRules(ctx, o.ID, nil, micro) })
	rules, set, err = s.IncidentRules(ctx, o.ID)
	if err != nil || !set || len(rules) != 0 {
		t.Fatalf("emptied rules = %v %v %v", rules, set, err)
	}
}
