package service_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// incidentFixture is newFixture without password hashing: members are
// stored directly (they never log in here), which keeps these tests fast
// under the race detector.
func incidentFixture(t *testing.T, svc *service.Service, slug string) *fixture {
	t.Helper()
	org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org "+slug, slug)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, actors: map[bulkhead.Role]service.Actor{}}
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = svc.Store().Write(ctx, func(tx bulkhead.Tx) error {
		for _, r := range bulkhead.Roles {
			email := string(r) + "@" + slug + ".example"
			u := &bulkhead.User{ID: bulkhead.NewID(), Email: email, Name: string(r), PasswordHash: "-", Lang: "en", TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.PutMembership(ctx, &bulkhead.Membership{OrgID: org.ID, UserID: u.ID, Role: r, CreatedAt: now}); err != nil {
				return err
			}
			f.actors[r] = service.Actor{UserID: u.ID, Name: email, OrgID: org.ID, Role: r, Lang: "en", TimeZone: "UTC"}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.site, err = svc.CreateSite(ctx, f.actors[bulkhead.RoleAdmin], siteInput("Fixture DC", "NLRTM"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func wantFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Fatalf("err = %v, want invalid", err)
	}
	got := bulkhead.ErrorFields(err)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func incidentCount(t *testing.T, svc *service.Service, a service.Actor) int {
	t.Helper()
	_, n, err := svc.Incidents(ctx, a, bulkhead.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIncidentBadInput(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := incidentFixture(t, svc, "bad")
	a := f.actors[bulkhead.RoleSiteOfficer]
	now := time.Now().UTC()
	at := func(d time.Duration) *string { return ptr(now.Add(d).Format(time.RFC3339)) }
	tests := []struct {
		name   string
		change func(*bulkhead.IncidentInput)
		want   map[string]string
	}{
		{"detected before occurred", func(in *bulkhead.IncidentInput) { in.DetectedAt = at(-4 * time.Hour) }, map[string]string{"detected_at": bulkhead.FieldBeforeOccurred}},
		{"reported before detected", func(in *bulkhead.IncidentInput) { in.ReportedAt = at(-150 * time.Minute) }, map[string]string{"reported_at": bulkhead.FieldBeforeDetected}},
		{"negative loss", func(in *bulkhead.IncidentInput) { in.Loss = ptr("-5") }, map[string]string{"loss": bulkhead.FieldNegativeAmount}},
		{"unknown currency", func(in *bulkhead.IncidentInput) { in.Currency = ptr("XYZ") }, map[string]string{"currency": bulkhead.FieldCurrencyCode}},
		{"loss without currency", func(in *bulkhead.IncidentInput) { in.Currency = ptr("") }, map[string]string{"currency": bulkhead.FieldRequired}},
		{"bad type", func(in *bulkhead.IncidentInput) { in.Type = ptr("theft") }, map[string]string{"type": bulkhead.FieldChoice}},
		{"latitude out of range", func(in *bulkhead.IncidentInput) { in.Latitude, in.Longitude = ptr(91.0), ptr(4.0) }, map[string]string{"latitude": bulkhead.FieldCoordinates}},
		{"longitude alone", func(in *bulkhead.IncidentInput) { in.Longitude = ptr(4.0) }, map[string]string{"latitude": bulkhead.FieldCoordinates}},
		{"bad UN/LOCODE", func(in *bulkhead.IncidentInput) { in.UNLOCODE = ptr("NL-RTM") }, map[string]string{"unlocode": bulkhead.FieldUNLOCODE}},
		{"future", func(in *bulkhead.IncidentInput) { in.OccurredAt = at(48 * time.Hour) }, map[string]string{"occurred_at": bulkhead.FieldInFuture}},
		{"unparsable time", func(in *bulkhead.IncidentInput) { in.OccurredAt = ptr("yesterday") }, map[string]string{"occurred_at": bulkhead.FieldInvalid}},
		{"other org's site", func(in *bulkhead.IncidentInput) { in.SiteID = ptr(bulkhead.NewID()) }, map[string]string{"site_id": bulkhead.FieldInvalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := incidentInput("Bad")
			tt.change(&in)
			_, err := svc.CreateIncident(ctx, a, in)
			wantFields(t, err, tt.want)
		})
	}
	if n := incidentCount(t, svc, a); n != 0 {
		t.Fatalf("%d incidents stored after bad input", n)
	}
}

func TestIncidentWorkflowAndRootCause(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := incidentFixture(t, svc, "flow")
	officer, manager := f.actors[bulkhead.RoleSiteOfficer], f.actors[bulkhead.RoleSecurityManager]
	inc, err := svc.CreateIncident(ctx, officer, incidentInput("Pallet missing"))
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != bulkhead.IncidentReported {
		t.Fatalf("status = %s", inc.Status)
	}
	if _, err := svc.SetIncidentStatus(ctx, officer, inc.ID, bulkhead.IncidentTriaged, "looked at it"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetIncidentStatus(ctx, officer, inc.ID, bulkhead.IncidentReported, ""); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Fatalf("backwards move: %v", err)
	}
	if _, err := svc.SetIncidentStatus(ctx, officer, inc.ID, bulkhead.IncidentClosed, ""); bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
		t.Fatalf("site officer closing: %v", err)
	}
	_, err = svc.SetIncidentStatus(ctx, manager, inc.ID, bulkhead.IncidentClosed, "")
	wantFields(t, err, map[string]string{"root_cause": bulkhead.FieldRootCauseNeeded})
	if _, err := svc.UpdateIncident(ctx, manager, inc.ID, bulkhead.IncidentInput{RCAMethod: ptr("five_whys"), Whys: ptr("why 1\nwhy 2"),
		RootCause: ptr("Badge of a leaver still active"), CauseCategory: ptr("process"), LessonsLearned: ptr("Revoke badges the same day")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetIncidentStatus(ctx, manager, inc.ID, bulkhead.IncidentClosed, "done"); err != nil {
		t.Fatal(err)
	}
	got, err := svc.SetIncidentStatus(ctx, manager, inc.ID, bulkhead.IncidentInvestigating, "new evidence")
	if err != nil || got.ClosedAt != nil {
		t.Fatalf("reopen: %+v %v", got, err)
	}
	if _, err := svc.AssignIncident(ctx, manager, inc.ID, f.actors[bulkhead.RoleSiteOfficer].UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AssignIncident(ctx, manager, inc.ID, f.actors[bulkhead.RolePartner].UserID); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Fatalf("assign partner: %v", err)
	}
	ca, err := svc.AddCorrectiveAction(ctx, manager, inc.ID, "Link badges to HR leavers", manager.UserID, "2020-01-01")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := svc.IncidentRecord(ctx, officer, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range rec.Timeline {
		kinds[e.Kind]++
	}
	for _, k := range []string{"created", "status", "root_cause", "assign", "action", "notification"} {
		if kinds[k] == 0 {
			t.Errorf("timeline lacks a %s entry: %v", k, kinds)
		}
	}
	tasks, err := svc.MyTasks(ctx, manager)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tk := range tasks {
		found = found || (tk.Kind == service.TaskIncidentAction && tk.Overdue)
	}
	if !found {
		t.Errorf("overdue corrective action not in My tasks: %+v", tasks)
	}
	if err := svc.CompleteCorrectiveAction(ctx, manager, inc.ID, ca.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.CompleteCorrectiveAction(ctx, manager, inc.ID, ca.ID); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Fatalf("done twice: %v", err)
	}
	// Another organisation sees nothing.
	g := incidentFixture(t, svc, "other")
	if _, err := svc.Incident(ctx, g.actors[bulkhead.RoleAdmin], inc.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Fatalf("other org: %v", err)
	}
}

func TestIncidentNotificationsOwed(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := incidentFixture(t, svc, "notify")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	inc, err := svc.CreateIncident(ctx, officer, incidentInput("Trailer stolen"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := svc.IncidentRecord(ctx, officer, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	due := map[bulkhead.Recipient]time.Duration{}
	for _, n := range rec.Notifications {
		due[n.Recipient] = n.DueAt.Sub(inc.DetectedAt)
	}
	want := map[bulkhead.Recipient]time.Duration{"police": 2 * time.Hour, "insurer": 48 * time.Hour, "customer": 24 * time.Hour}
	if len(due) != len(want) {
		t.Fatalf("owed = %v, want %v", due, want)
	}
	for r, d := range want {
		if due[r] != d {
			t.Errorf("%s due after %v, want %v", r, due[r], d)
		}
	}
	// Police was due an hour ago: overdue on My tasks.
	tasks, err := svc.MyTasks(ctx, officer)
	if err != nil {
		t.Fatal(err)
	}
	var overdue []string
	for _, tk := range tasks {
		if tk.Kind == service.TaskIncidentNotification {
			overdue = append(overdue, tk.Title)
		}
	}
	if len(overdue) != 1 || !strings.HasPrefix(overdue[0], "police") {
		t.Fatalf("overdue tasks = %v", overdue)
	}
	// Raising the severity to critical owes the certification body too.
	if _, err := svc.UpdateIncident(ctx, officer, inc.ID, bulkhead.IncidentInput{Severity: ptr("critical")}); err != nil {
		t.Fatal(err)
	}
	rec, _ = svc.IncidentRecord(ctx, officer, inc.ID)
	var police *bulkhead.IncidentNotification
	recips := map[bulkhead.Recipient]bool{}
	for _, n := range rec.Notifications {
		recips[n.Recipient] = true
		if n.Recipient == "police" {
			police = n
		}
	}
	if !recips["certification_body"] {
		t.Errorf("critical incident owes no certification body notification: %v", recips)
	}
	sent, err := svc.MarkNotificationSent(ctx, officer, inc.ID, police.ID, "PV-2026-0042", time.Time{})
	if err != nil || sent.SentBy != officer.Name || sent.Reference != "PV-2026-0042" {
		t.Fatalf("mark sent: %+v %v", sent, err)
	}
	if _, err := svc.MarkNotificationSent(ctx, officer, inc.ID, police.ID, "again", time.Time{}); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Fatalf("sent twice: %v", err)
	}
	tasks, _ = svc.MyTasks(ctx, officer)
	for _, tk := range tasks {
		if tk.Kind == service.TaskIncidentNotification {
			t.Errorf("still overdue after sending: %+v", tk)
		}
	}
	// Rules are the organisation's own once set: seal tampering → police in 1 h only.
	if err := svc.SetIncidentRules(ctx, f.actors[bulkhead.RoleSecurityManager], []bulkhead.IncidentRule{{Type: "seal_tampering", Recipient: "police", Hours: 1}}); err != nil {
		t.Fatal(err)
	}
	in := incidentInput("Seal cut")
	in.Type, in.Loss, in.Currency = ptr("seal_tampering"), nil, nil
	seal, err := svc.CreateIncident(ctx, officer, in)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ = svc.IncidentRecord(ctx, officer, seal.ID)
	if len(rec.Notifications) != 1 || rec.Notifications[0].Recipient != "police" {
		t.Fatalf("custom rules: %+v", rec.Notifications)
	}
	err = svc.SetIncidentRules(ctx, f.actors[bulkhead.RoleSecurityManager], []bulkhead.IncidentRule{{Recipient: "pope", Hours: 1}})
	wantFields(t, err, map[string]string{"recipient": bulkhead.FieldChoice})
}

func TestOpenIncidentFromDiscrepancy(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := incidentFixture(t, svc, "custody")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	d := bulkhead.DiscrepancyRef{ID: "disc-1", Kind: bulkhead.DiscrepancySealMismatch, SiteID: f.site.ID, ShipmentRef: "SHP-1",
		EquipmentRef: "mscu1234565", EventIDs: []string{"ev-1", "ev-2"}, Summary: "Seal 123 read, 132 expected", DetectedAt: time.Now().Add(-time.Hour)}
	inc, created, err := svc.OpenIncidentFromDiscrepancy(ctx, officer, d)
	if err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	if inc.Status != bulkhead.IncidentDraft || inc.Type != bulkhead.IncidentSealTampering || inc.EquipmentRef != "MSCU1234565" {
		t.Errorf("incident = %+v", inc)
	}
	again, created, err := svc.OpenIncidentFromDiscrepancy(ctx, officer, d)
	if err != nil || created || again.ID != inc.ID {
		t.Fatalf("second: %v %v %v", again.ID, created, err)
	}
	rec, err := svc.IncidentRecord(ctx, officer, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]int{}
	for _, l := range rec.Links {
		links[l.Kind]++
	}
	if links["epcis_event"] != 2 || links["discrepancy"] != 1 || links["shipment"] != 1 || links["equipment"] != 1 {
		t.Errorf("links = %v", links)
	}
	if len(rec.Notifications) != 0 {
		t.Errorf("a draft owes notifications: %+v", rec.Notifications)
	}
	if _, err := svc.SetIncidentStatus(ctx, officer, inc.ID, bulkhead.IncidentReported, "confirmed"); err != nil {
		t.Fatal(err)
	}
	rec, _ = svc.IncidentRecord(ctx, officer, inc.ID)
	if len(rec.Notifications) != 1 || rec.Notifications[0].Recipient != "customs" {
		t.Errorf("confirmed seal discrepancy owes %+v, want customs", rec.Notifications)
	}
	d2 := d
	d2.ID, d2.Kind = "disc-2", bulkhead.DiscrepancyInspectionFailed
	inc2, _, err := svc.OpenIncidentFromDiscrepancy(ctx, officer, d2)
	if err != nil || inc2.Type != bulkhead.IncidentContraband {
		t.Fatalf("inspection failed → %v, %v", inc2, err)
	}
	_, _, err = svc.OpenIncidentFromDiscrepancy(ctx, officer, bulkhead.DiscrepancyRef{Kind: "nope"})
	wantFields(t, err, map[string]string{"discrepancy_id": bulkhead.FieldRequired, "kind": bulkhead.FieldChoice, "detected_at": bulkhead.FieldRequired})
	if _, _, err := svc.OpenIncidentFromDiscrepancy(ctx, f.actors[bulkhead.RoleViewer], d); bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
		t.Fatalf("viewer: %v", err)
	}
}

func TestIncidentEvidence(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := incidentFixture(t, svc, "evidence")
	officer := f.actors[bulkhead.RoleSiteOfficer]
	inc, err := svc.CreateIncident(ctx, officer, incidentInput("Photo"))
	if err != nil {
		t.Fatal(err)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	ev, err := svc.AddIncidentEvidence(ctx, officer, inc.ID, "seal.png", png)
	if err != nil {
		t.Fatal(err)
	}
	if ev.ContentType != "image/png" || len(ev.SHA256) != 64 || ev.Size != int64(len(png)) {
		t.Errorf("evidence = %+v", ev)
	}
	got, err := svc.IncidentEvidenceFile(ctx, f.actors[bulkhead.RoleAuditor], inc.ID, ev.ID)
	if err != nil || !bytes.Equal(got.Data, png) {
		t.Fatalf("read back: %v", err)
	}
	_, err = svc.AddIncidentEvidence(ctx, officer, inc.ID, "big.bin", make([]byte, bulkhead.MaxIncidentEvidenceBytes+1))
	wantFields(t, err, map[string]string{"file": bulkhead.FieldFileTooLarge})
	if _, err := svc.AddIncidentLink(ctx, officer, inc.ID, "risk", "R-12", "Theft at night"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddIncidentLink(ctx, officer, inc.ID, "risk", "R-12", ""); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Fatalf("duplicate link: %v", err)
	}
}

// TestImportASAM imports the NGA ASAM file: a preview stores nothing, a
// plain commit refuses while rows are bad, committing the good rows stores
// exactly those, and a second import finds them all duplicates.
func TestImportASAM(t *testing.T) {
	t.Parallel()
	const path = "testdata/nga-asam/RAW_ASAM.csv"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	svc := newService(t)
	f := incidentFixture(t, svc, "asam")
	a := f.actors[bulkhead.RoleSecurityManager]
	rep, err := svc.ImportIncidents(ctx, a, bytes.NewReader(data), "", service.IncidentImportPreview)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != service.ImportASAM || rep.Rows != 8619 || rep.Good+rep.Rejected != rep.Rows || rep.Imported != 0 {
		t.Fatalf("preview report: format %s rows %d good %d rejected %d imported %d", rep.Format, rep.Rows, rep.Good, rep.Rejected, rep.Imported)
	}
	if rep.Rejected != 380 {
		t.Errorf("rejected = %d, want 380 (378 positions with 60 minutes, 2 repeated references)", rep.Rejected)
	}
	fields := map[string]int{}
	for _, p := range rep.Problems {
		fields[p.Field+"/"+p.Code]++
		if p.Row < 2 {
			t.Errorf("problem without a row: %+v", p)
		}
	}
	if fields["latitude/coordinates"] != 378 || fields["source_ref/duplicate"] != 2 {
		t.Errorf("problems by field = %v", fields)
	}
	if rep.ByType["piracy_armed_robbery"] == 0 || rep.ByType["hijacking"] == 0 {
		t.Errorf("by type = %v", rep.ByType)
	}
	if n := incidentCount(t, svc, a); n != 0 {
		t.Fatalf("preview stored %d", n)
	}
	// Committing stores the good rows; the whole file's commit is timed by
	// `bulkhead bench incidents-import`, the test commits its first 1,500
	// rows (the 2021–2022 reports) to stay fast.
	part := firstRecords(t, data, 1500)
	pre, err := svc.ImportIncidents(ctx, a, bytes.NewReader(part), "", service.IncidentImportPreview)
	if err != nil {
		t.Fatal(err)
	}
	rep, err = svc.ImportIncidents(ctx, a, bytes.NewReader(part), "", service.IncidentImportCommitGoodRows)
	if err != nil || !rep.Committed || rep.Imported != pre.Good || rep.Imported+rep.Rejected != 1500 || rep.Rejected == 0 {
		t.Fatalf("commit good rows: imported %d rejected %d committed %v (preview good %d), %v", rep.Imported, rep.Rejected, rep.Committed, pre.Good, err)
	}
	if n := incidentCount(t, svc, a); n != rep.Imported {
		t.Fatalf("stored %d, reported %d", n, rep.Imported)
	}
	st, err := svc.IncidentStats(ctx, a, bulkhead.IncidentStatsFilter{FromMonth: 202101, ToMonth: 202112})
	if err != nil || st.Total == 0 || len(st.ByMonth) != 12 {
		t.Fatalf("stats 2021: %+v %v", st, err)
	}
	rep, err = svc.ImportIncidents(ctx, a, bytes.NewReader(part), "", service.IncidentImportPreview)
	if err != nil || rep.Good != 0 {
		t.Fatalf("re-import: good %d, %v", rep.Good, err)
	}
}

func TestImportOwnFormat(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := incidentFixture(t, svc, "own")
	a := f.actors[bulkhead.RoleSecurityManager]
	head := strings.Join(service.IncidentHeader, ",")
	row := func(id, typ, sev, occ, det, rep, site, loss, cur string) string {
		cells := make([]string, len(service.IncidentHeader))
		set := map[string]string{"id": id, "type": typ, "severity": sev, "status": "reported", "title": "Row " + id, "occurred_at": occ,
			"detected_at": det, "reported_at": rep, "site": site, "loss": loss, "currency": cur}
		for i, h := range service.IncidentHeader {
			cells[i] = set[h]
		}
		return strings.Join(cells, ",")
	}
	good := row("A1", "cargo_theft", "high", "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z", "2025-01-01T12:00:00Z", "Fixture DC", "100", "EUR")
	file := strings.Join([]string{head, good,
		row("A2", "cargo_theft", "high", "2025-01-01T10:00:00Z", "2025-01-01T09:00:00Z", "2025-01-01T12:00:00Z", "", "", ""),
		row("A3", "teleport", "high", "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z", "2025-01-01T12:00:00Z", "", "", ""),
		row("A4", "pilferage", "low", "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z", "2025-01-01T12:00:00Z", "", "-3", "EUR"),
		row("A5", "pilferage", "low", "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z", "2025-01-01T12:00:00Z", "Nowhere", "3", "EUX"),
	}, "\n") + "\n"
	rep, err := svc.ImportIncidents(ctx, a, strings.NewReader(file), "", service.IncidentImportCommit)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 5 || rep.Good != 1 || rep.Rejected != 4 || rep.Committed {
		t.Fatalf("report = %+v", rep)
	}
	want := []service.ImportProblem{
		{Row: 3, Field: "detected_at", Code: bulkhead.FieldBeforeOccurred},
		{Row: 4, Field: "type", Code: bulkhead.FieldChoice},
		{Row: 5, Field: "loss", Code: bulkhead.FieldNegativeAmount},
		{Row: 6, Field: "currency", Code: bulkhead.FieldCurrencyCode},
		{Row: 6, Field: "site_id", Code: bulkhead.FieldInvalid},
	}
	if len(rep.Problems) != len(want) {
		t.Fatalf("problems = %+v", rep.Problems)
	}
	for i, p := range want {
		got := rep.Problems[i]
		if got.Row != p.Row || got.Field != p.Field || got.Code != p.Code {
			t.Errorf("problem %d = %+v, want %+v", i, got, p)
		}
	}
	if n := incidentCount(t, svc, a); n != 0 {
		t.Fatalf("stored %d", n)
	}
	rep, err = svc.ImportIncidents(ctx, a, strings.NewReader(file), "", service.IncidentImportCommitGoodRows)
	if err != nil || rep.Imported != 1 {
		t.Fatalf("good rows: %+v %v", rep, err)
	}
	list, _, _ := svc.Incidents(ctx, a, bulkhead.IncidentFilter{})
	if len(list) != 1 || list[0].SiteID != f.site.ID || list[0].LossCents != 10000 {
		t.Fatalf("imported = %+v", list)
	}
	_, err = svc.ImportIncidents(ctx, a, strings.NewReader("id,kind,when\n1,x,y\n"), "", service.IncidentImportPreview)
	wantFields(t, err, map[string]string{"file": bulkhead.FieldCSVHeader})
	if !strings.Contains(bulkhead.ErrorMessage(err), "Missing: type") || !strings.Contains(bulkhead.ErrorMessage(err), `Unknown: "kind"`) {
		t.Errorf("header message = %q", bulkhead.ErrorMessage(err))
	}
}

func TestIncidentListAndStats(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	f := incidentFixture(t, svc, "list")
	a := f.actors[bulkhead.RoleSiteOfficer]
	for i, typ := range []string{"cargo_theft", "cargo_theft", "intrusion"} {
		in := incidentInput("Incident " + typ)
		in.Type = ptr(typ)
		if i == 0 {
			in.SiteID, in.Lane, in.Description = ptr(f.site.ID), ptr("Venlo → Milan"), ptr("night shift dock 7")
		}
		if _, err := svc.CreateIncident(ctx, a, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		f    bulkhead.IncidentFilter
		want int
	}{
		{bulkhead.IncidentFilter{Type: "cargo_theft"}, 2},
		{bulkhead.IncidentFilter{SiteID: f.site.ID}, 1},
		{bulkhead.IncidentFilter{Query: "DOCK 7"}, 1},
		{bulkhead.IncidentFilter{Status: "open", Severity: "high"}, 3},
		{bulkhead.IncidentFilter{From: time.Now().Add(24 * time.Hour)}, 0},
	} {
		if _, n, err := svc.Incidents(ctx, a, tt.f); err != nil || n != tt.want {
			t.Errorf("%+v: %d, %v; want %d", tt.f, n, err, tt.want)
		}
	}
	_, _, err := svc.Incidents(ctx, a, bulkhead.IncidentFilter{Sort: "color"})
	wantFields(t, err, map[string]string{"sort": bulkhead.FieldChoice})
	st, err := svc.IncidentStats(ctx, a, bulkhead.IncidentStatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 3 || st.ByType[0].Key != "cargo_theft" || st.ByType[0].Count != 2 || st.Losses["EUR"] != 3*120050 || len(st.ByMonth) != 12 {
		t.Errorf("stats = %+v", st)
	}
	if last := st.ByMonth[len(st.ByMonth)-1]; last.Count != 3 {
		t.Errorf("this month = %+v", last)
	}
}

// firstRecords re-encodes a CSV file's header and first n records.
func firstRecords(t *testing.T, data []byte, n int) []byte {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for i := 0; i <= n; i++ {
		rec, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// TestDemoIncidents loads the demo organisation and checks its incident
// year: all four sites, overdue notifications on My tasks, root causes and
// corrective actions, and a draft from a custody discrepancy.
func TestDemoIncidents(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	if _, err := svc.LoadDemo(ctx, "demo password 123"); err != nil {
		t.Fatal(err)
	}
	org, err := svc.Store().OrganizationBySlug(ctx, service.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	m, err := svc.Store().Members(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	var a service.Actor
	for _, x := range m {
		if x.Role == bulkhead.RoleSecurityManager {
			a = service.Actor{UserID: x.UserID, Name: x.Email, OrgID: org.ID, Role: x.Role}
		}
	}
	list, total, err := svc.Incidents(ctx, a, bulkhead.IncidentFilter{Limit: 500})
	if err != nil || total < 30 {
		t.Fatalf("demo incidents: %d, %v", total, err)
	}
	sites := map[string]bool{}
	var closed, withCause, draft int
	oldest := time.Now()
	for _, inc := range list {
		sites[inc.SiteID] = true
		if inc.Status == bulkhead.IncidentClosed {
			closed++
		}
		if inc.RootCause != "" {
			withCause++
		}
		if inc.Status == bulkhead.IncidentDraft {
			draft++
		}
		if inc.OccurredAt.Before(oldest) {
			oldest = inc.OccurredAt
		}
	}
	if len(sites) != 4 || closed == 0 || withCause == 0 || draft == 0 || time.Since(oldest) < 300*24*time.Hour {
		t.Errorf("sites %d closed %d with cause %d draft %d oldest %v", len(sites), closed, withCause, draft, oldest)
	}
	tasks, err := svc.MyTasks(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, tk := range tasks {
		kinds[tk.Kind]++
	}
	if kinds[service.TaskIncidentNotification] == 0 {
		t.Errorf("no overdue notification in the demo: %v", kinds)
	}
	st, err := svc.IncidentStats(ctx, a, bulkhead.IncidentStatsFilter{})
	if err != nil || st.Losses["EUR"] == 0 || len(st.ByLane) < 3 {
		t.Errorf("demo stats: %+v %v", st, err)
	}
}
