package service_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// auditCount returns the length of an organisation's trail.
func auditCount(t *testing.T, svc *service.Service, orgID string) int64 {
	t.Helper()
	h, err := svc.Store().AuditHead(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	return h.Seq
}

func wantField(t *testing.T, what string, err error, field, code string) {
	t.Helper()
	if got := bulkhead.ErrorFields(err)[field]; bulkhead.ErrorCode(err) != bulkhead.EINVALID || got != code {
		t.Errorf("%s: %v; want field %s = %s", what, err, field, code)
	}
}

// pdf is the start of a PDF file, enough for content sniffing.
var pdf = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")

// TestPeopleRulesStoreNothing checks each rule of the register: the input
// is refused with the field named, and neither a record nor an audit entry
// is written.
func TestPeopleRulesStoreNothing(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "rules")
	other := newFixture(t, svc, "other")
	adm := f.actors[bulkhead.RoleAdmin]
	s := seedPeople(t, svc, f)
	o := seedPeople(t, svc, other)
	otherUser := other.actors[bulkhead.RoleViewer].UserID

	tests := []struct {
		name, field, code string
		do                func() error
	}{
		{"expiry before completion", "expires", bulkhead.FieldExpiryOrder, func() error {
			_, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("2026-05-01"), Expires: ptr("2026-04-30"), Result: ptr("passed")}, nil)
			return err
		}},
		{"bad completion date", "completed", bulkhead.FieldDate, func() error {
			_, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("31/12/2025"), Result: ptr("passed")}, nil)
			return err
		}},
		{"assignment ends before it starts", "to", bulkhead.FieldToOrder, func() error {
			_, err := svc.CreateRoleAssignment(ctx, adm, bulkhead.RoleAssignmentInput{RoleID: &s.role.ID, PersonID: &s.person.ID, SiteID: &f.site.ID, From: ptr("2026-02-01"), To: ptr("2026-01-31")})
			return err
		}},
		{"per-site role without a site", "site_id", bulkhead.FieldRoleNotLocal, func() error {
			_, err := svc.CreateRoleAssignment(ctx, adm, bulkhead.RoleAssignmentInput{RoleID: &s.role.ID, PersonID: &s.person.ID, From: ptr("2026-02-01")})
			return err
		}},
		{"second A in a RACI row", s.process.ID + "." + s.role.ID, bulkhead.FieldRACISingleA, func() error {
			r2, err := svc.CreateSecurityRole(ctx, adm, bulkhead.SecurityRoleInput{Name: ptr("Auditor")})
			if err != nil {
				t.Fatal(err)
			}
			key := s.role.ID
			if r2.ID > key {
				key = r2.ID
			}
			err = svc.SetRACI(ctx, adm, map[string]map[string]string{s.process.ID: {s.role.ID: "A", r2.ID: "A"}})
			if bulkhead.ErrorFields(err)[s.process.ID+"."+key] != bulkhead.FieldRACISingleA {
				t.Errorf("second A flagged elsewhere: %v", err)
			}
			return &bulkhead.Error{Code: bulkhead.EINVALID, Fields: map[string]string{s.process.ID + "." + s.role.ID: bulkhead.FieldRACISingleA}}
		}},
		{"RACI value", s.process.ID + "." + s.role.ID, bulkhead.FieldChoice, func() error {
			return svc.SetRACI(ctx, adm, map[string]map[string]string{s.process.ID: {s.role.ID: "X"}})
		}},
		{"person at another organisation's site", "site_ids", bulkhead.FieldLinkUnknown, func() error {
			_, err := svc.CreatePerson(ctx, adm, bulkhead.PersonInput{Name: ptr("Eve"), SiteIDs: &[]string{other.site.ID}})
			return err
		}},
		{"person linked to another organisation's member", "user_id", bulkhead.FieldLinkUnknown, func() error {
			_, err := svc.CreatePerson(ctx, adm, bulkhead.PersonInput{Name: ptr("Eve"), UserID: &otherUser})
			return err
		}},
		{"training of another organisation's person", "person_id", bulkhead.FieldLinkUnknown, func() error {
			_, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &o.person.ID, CourseID: &s.course.ID, Completed: ptr("2026-01-01"), Result: ptr("passed")}, nil)
			return err
		}},
		{"role needing another organisation's competence", "competence_ids", bulkhead.FieldLinkUnknown, func() error {
			_, err := svc.CreateSecurityRole(ctx, adm, bulkhead.SecurityRoleInput{Name: ptr("X"), CompetenceIDs: &[]string{o.competence.ID}})
			return err
		}},
		{"assignment of another organisation's person", "person_id", bulkhead.FieldLinkUnknown, func() error {
			_, err := svc.CreateRoleAssignment(ctx, adm, bulkhead.RoleAssignmentInput{RoleID: &s.role.ID, PersonID: &o.person.ID, SiteID: &f.site.ID, From: ptr("2026-01-01")})
			return err
		}},
		{"oversized upload", "evidence_file", bulkhead.FieldUploadSize, func() error {
			big := append(append([]byte{}, pdf...), make([]byte, bulkhead.MaxEvidenceBytes)...)
			_, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("2026-01-01"), Result: ptr("passed")},
				&service.Upload{Name: "big.pdf", DeclaredType: "application/pdf", Data: big})
			return err
		}},
		{"upload that is not a PDF or image", "evidence_file", bulkhead.FieldUploadType, func() error {
			_, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("2026-01-01"), Result: ptr("passed")},
				&service.Upload{Name: "x.pdf", Data: []byte("<html><script>alert(1)</script></html>")})
			return err
		}},
		{"mislabelled upload", "evidence_file", bulkhead.FieldUploadLabel, func() error {
			_, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("2026-01-01"), Result: ptr("passed")},
				&service.Upload{Name: "photo.png", DeclaredType: "image/png", Data: pdf})
			return err
		}},
		{"course delivery", "delivery", bulkhead.FieldChoice, func() error {
			_, err := svc.CreateCourse(ctx, adm, bulkhead.CourseInput{Title: ptr("X"), Delivery: ptr("telepathy")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			beforeAudit := auditCount(t, svc, f.org.ID)
			_, beforeTraining, _ := svc.TrainingRecords(ctx, adm, bulkhead.PeopleFilter{Status: bulkhead.StatusAll})
			_, beforePeople, _ := svc.People(ctx, adm, bulkhead.PeopleFilter{Status: bulkhead.StatusAll})
			wantField(t, tt.name, tt.do(), tt.field, tt.code)
			if tt.name == "second A in a RACI row" {
				beforeAudit++ // the second role was made on purpose
			}
			if got := auditCount(t, svc, f.org.ID); got != beforeAudit {
				t.Errorf("audit entries %d → %d: something was stored", beforeAudit, got)
			}
			_, afterTraining, _ := svc.TrainingRecords(ctx, adm, bulkhead.PeopleFilter{Status: bulkhead.StatusAll})
			_, afterPeople, _ := svc.People(ctx, adm, bulkhead.PeopleFilter{Status: bulkhead.StatusAll})
			if afterTraining != beforeTraining || afterPeople != beforePeople {
				t.Errorf("records stored: training %d → %d, people %d → %d", beforeTraining, afterTraining, beforePeople, afterPeople)
			}
		})
	}
	cells, err := svc.RACI(ctx, adm)
	if err != nil || len(cells) != 0 {
		t.Errorf("RACI after refused changes = %v, %v", cells, err)
	}
}

// TestTrainingExpiryAndEvidence checks the derived expiry, an explicit one,
// and the evidence file's hash and sniffed type.
func TestTrainingExpiryAndEvidence(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "expiry")
	s := seedPeople(t, svc, f)
	off := f.actors[bulkhead.RoleSiteOfficer]
	if got := bulkhead.FormatDate(s.training.Expires); got != "2027-06-01" {
		t.Errorf("derived expiry = %s, want 2027-06-01 (24 months after 2025-06-01)", got)
	}
	rec, err := svc.CreateTrainingRecord(ctx, off, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("2026-01-31"),
		Expires: ptr("2026-12-31"), Result: ptr("passed")}, &service.Upload{Name: `C:\scans\cert "1".pdf`, DeclaredType: "application/pdf", Data: pdf})
	if err != nil {
		t.Fatal(err)
	}
	if got := bulkhead.FormatDate(rec.Expires); got != "2026-12-31" {
		t.Errorf("given expiry = %s", got)
	}
	ev, err := svc.TrainingEvidence(ctx, f.actors[bulkhead.RoleViewer], rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ev.ContentType != "application/pdf" || !bytes.Equal(ev.Data, pdf) || len(ev.SHA256) != 64 || ev.Name != "cert 1.pdf" {
		t.Errorf("evidence = %q %q %d bytes sha %q", ev.Name, ev.ContentType, len(ev.Data), ev.SHA256)
	}
	if _, err := svc.TrainingEvidence(ctx, f.actors[bulkhead.RolePartner], rec.ID); bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
		t.Errorf("partner reads evidence: %v", err)
	}
	// Clearing the expiry derives it again from the course.
	rec, err = svc.UpdateTrainingRecord(ctx, off, rec.ID, bulkhead.TrainingInput{Expires: ptr("")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := bulkhead.FormatDate(rec.Expires); got != "2028-01-31" {
		t.Errorf("re-derived expiry = %s, want 2028-01-31", got)
	}
	if rec.EvidenceFileID == "" {
		t.Error("update without a file dropped the evidence")
	}
}

// TestCompetenceMatrixGaps checks the cells of the matrix and that a gap
// closes when training giving the competence is recorded.
func TestCompetenceMatrixGaps(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "matrix")
	adm := f.actors[bulkhead.RoleAdmin]
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	s := seedPeople(t, svc, f) // seal handling, completed 2025-06-01, valid until 2027-06-01
	threat, _ := svc.CreateCompetence(ctx, adm, bulkhead.CompetenceInput{Name: ptr("Threat awareness")})
	if _, err := svc.UpdateSecurityRole(ctx, adm, s.role.ID, bulkhead.SecurityRoleInput{CompetenceIDs: &[]string{s.competence.ID, threat.ID}}); err != nil {
		t.Fatal(err)
	}
	bob, _ := svc.CreatePerson(ctx, adm, bulkhead.PersonInput{Name: ptr("Bob"), SiteIDs: &[]string{f.site.ID}})
	if _, err := svc.CreateRoleAssignment(ctx, adm, bulkhead.RoleAssignmentInput{RoleID: &s.role.ID, PersonID: &bob.ID, SiteID: &f.site.ID, From: ptr("2026-01-01")}); err != nil {
		t.Fatal(err)
	}
	// An assignment that ended does not count.
	carl, _ := svc.CreatePerson(ctx, adm, bulkhead.PersonInput{Name: ptr("Carl"), SiteIDs: &[]string{f.site.ID}})
	if _, err := svc.CreateRoleAssignment(ctx, adm, bulkhead.RoleAssignmentInput{RoleID: &s.role.ID, PersonID: &carl.ID, SiteID: &f.site.ID, From: ptr("2025-01-01"), To: ptr("2025-12-31")}); err != nil {
		t.Fatal(err)
	}
	m, err := svc.CompetenceMatrix(ctx, f.actors[bulkhead.RoleViewer], f.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	grid := func(m *service.CompetenceMatrix) string {
		var b strings.Builder
		for _, r := range m.Rows {
			b.WriteString(r.Person.Name + ":")
			for _, c := range r.Cells {
				b.WriteString(" " + string(c.State))
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	// Columns by name: Seal handling, Threat awareness.
	want := "Anouk de Boer: valid missing\nBob: missing missing\nCarl:  \n"
	if got := grid(m); got != want || m.Gaps != 3 {
		t.Errorf("matrix (gaps %d):\n%s\nwant (gaps 3):\n%s", m.Gaps, got, want)
	}
	course, _ := svc.CreateCourse(ctx, adm, bulkhead.CourseInput{Title: ptr("Threat awareness"), RecurrenceMonths: ptr(12), Delivery: ptr("e_learning"), CompetenceIDs: &[]string{threat.ID}})
	if _, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &bob.ID, CourseID: &course.ID, Completed: ptr("2025-03-20"), Result: ptr("passed")}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateTrainingRecord(ctx, adm, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &course.ID, Completed: ptr("2025-02-01"), Result: ptr("passed")}, nil); err != nil {
		t.Fatal(err)
	}
	m, _ = svc.CompetenceMatrix(ctx, adm, f.site.ID)
	want = "Anouk de Boer: valid expired\nBob: missing expiring\nCarl:  \n"
	if got := grid(m); got != want || m.Gaps != 2 || m.Expiring != 1 {
		t.Errorf("matrix (gaps %d, expiring %d):\n%s\nwant (gaps 2, expiring 1):\n%s", m.Gaps, m.Expiring, got, want)
	}
	// The all-sites matrix sees the same people.
	all, err := svc.CompetenceMatrix(ctx, adm, "")
	if err != nil || all.Gaps != 2 {
		t.Errorf("all sites: gaps %v, %v", all, err)
	}
	// My tasks: the expired and the expiring threat awareness for managers;
	// the vacancy is filled.
	tasks, err := svc.MyTasks(ctx, f.actors[bulkhead.RoleSecurityManager])
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tk := range tasks {
		kinds = append(kinds, tk.Kind)
	}
	if got := strings.Join(kinds, " "); got != "training.expired training.expiring" {
		t.Errorf("tasks = %s", got)
	}
	if tasks, _ := svc.MyTasks(ctx, f.actors[bulkhead.RoleContributor]); len(tasks) != 0 {
		t.Errorf("contributor not trained gets %d tasks", len(tasks))
	}
	cov, err := svc.ClauseCoverage(ctx, adm)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cov {
		if c.Kind == "security_role" || c.Kind == "person" || c.Kind == "training_record" {
			got = append(got, c.Clause+" "+c.Kind)
		}
	}
	if strings.Join(got, ", ") != "5.3 security_role, 7.1 person, 7.2 training_record" {
		t.Errorf("coverage = %v", got)
	}
}

// TestVacantRoleTasks checks the vacancy task and its audience.
func TestVacantRoleTasks(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "vacant")
	s := seedPeople(t, svc, f)
	adm := f.actors[bulkhead.RoleAdmin]
	if _, err := svc.ArchiveRoleAssignment(ctx, adm, s.assignment.ID, true); err != nil {
		t.Fatal(err)
	}
	tasks, _ := svc.MyTasks(ctx, adm)
	if len(tasks) != 1 || tasks[0].Kind != service.TaskRoleVacant || tasks[0].SiteID != f.site.ID {
		t.Fatalf("tasks = %+v", tasks)
	}
	off := f.actors[bulkhead.RoleSiteOfficer]
	if tasks, _ := svc.MyTasks(ctx, off); len(tasks) != 0 {
		t.Errorf("site officer of no site gets %+v", tasks)
	}
	// Once the officer is a person working at the site, it is theirs.
	if _, err := svc.CreatePerson(ctx, adm, bulkhead.PersonInput{Name: ptr("Officer"), UserID: &off.UserID, SiteIDs: &[]string{f.site.ID}}); err != nil {
		t.Fatal(err)
	}
	if tasks, _ := svc.MyTasks(ctx, off); len(tasks) != 1 {
		t.Errorf("site officer of the site gets %+v", tasks)
	}
}

// TestDemoPeople loads the demo and checks its people register.
func TestDemoPeople(t *testing.T) {
	svc := newService(t)
	if _, err := svc.LoadDemo(ctx, "demo password 123"); err != nil {
		t.Fatal(err)
	}
	org, err := svc.Store().OrganizationBySlug(ctx, service.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	a := service.SystemActor(org.ID, "test")
	_, n, err := svc.People(ctx, a, bulkhead.PeopleFilter{})
	if err != nil || n < 20 {
		t.Fatalf("demo people = %d, %v", n, err)
	}
	m, err := svc.CompetenceMatrix(ctx, a, "")
	if err != nil || m.Gaps == 0 || len(m.Competences) == 0 {
		t.Fatalf("demo matrix: %+v, %v", m, err)
	}
	tasks, err := svc.MyTasks(ctx, a)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("demo tasks: %v, %v", tasks, err)
	}
	sites, err := svc.Store().PeopleSites(ctx, org.ID)
	if err != nil || len(sites) != len(service.DemoUsers) {
		t.Errorf("people sites: %v, %v", sites, err)
	}
}
