package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// peopleTests are the contract tests of the people register, by name.
var peopleTests = map[string]func(*testing.T, Store){
	"PeopleRecords":     testPeopleRecords,
	"PeopleLists":       testPeopleLists,
	"PeopleIsolation":   testPeopleIsolation,
	"RACI":              testRACI,
	"TrainingEvidence":  testTrainingEvidence,
	"CompetenceMatrix":  testCompetenceMatrix,
	"PeopleConstraints": testPeopleConstraints,
}

func day(s string) time.Time {
	t, ok := bulkhead.ParseDate(s)
	if !ok {
		panic(s)
	}
	return t
}

func dayPtr(s string) *time.Time { t := day(s); return &t }

// peopleWorld is an organisation with a site, a member, and one record of
// each type of the people register, linked to each other.
type peopleWorld struct {
	org        *bulkhead.Organization
	site       *bulkhead.Site
	user       *bulkhead.User
	person     *bulkhead.Person
	competence *bulkhead.Competence
	role       *bulkhead.SecurityRole
	assignment *bulkhead.RoleAssignment
	process    *bulkhead.Process
	course     *bulkhead.Course
	training   *bulkhead.TrainingRecord
}

func mkPeopleWorld(t *testing.T, s Store, slug string) *peopleWorld {
	t.Helper()
	w := &peopleWorld{org: mkOrg(t, s, slug)}
	w.user = mkUser(t, s, "u@"+slug+".example")
	mkMember(t, s, w.org, w.user, bulkhead.RoleSiteOfficer)
	w.site = newSite(w.org.ID, "Rotterdam", bulkhead.SitePortFacility, "NLRTM")
	w.competence = &bulkhead.Competence{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Seal handling", Description: "VVTT", CreatedAt: micro, UpdatedAt: micro}
	w.person = &bulkhead.Person{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Anouk de Boer", Email: "anouk@" + slug + ".example", JobTitle: "Seal custodian",
		UserID: w.user.ID, SiteIDs: []string{w.site.ID}, Notes: "n", CreatedAt: micro, UpdatedAt: micro}
	w.role = &bulkhead.SecurityRole{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Seal custodian", Responsibilities: "Keeps seals", Authorities: "Issues seals",
		CompetenceIDs: []string{w.competence.ID}, PerSite: true, CreatedAt: micro, UpdatedAt: micro}
	w.assignment = &bulkhead.RoleAssignment{ID: bulkhead.NewID(), OrgID: w.org.ID, RoleID: w.role.ID, PersonID: w.person.ID, SiteID: w.site.ID,
		From: day("2025-01-01"), To: dayPtr("2027-12-31"), Notes: "", CreatedAt: micro, UpdatedAt: micro}
	w.process = &bulkhead.Process{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Seal control", Description: "d", CreatedAt: micro, UpdatedAt: micro}
	w.course = &bulkhead.Course{ID: bulkhead.NewID(), OrgID: w.org.ID, Title: "Seal handling", Description: "d", CompetenceIDs: []string{w.competence.ID},
		RecurrenceMonths: 24, Delivery: bulkhead.DeliveryClassroom, CreatedAt: micro, UpdatedAt: micro}
	w.training = &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: w.org.ID, PersonID: w.person.ID, CourseID: w.course.ID, Completed: day("2026-01-15"),
		Expires: dayPtr("2028-01-15"), Result: bulkhead.ResultPassed, EvidenceNote: "binder", CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error {
		for _, fn := range []func() error{
			func() error { return tx.CreateSite(ctx, w.site) },
			func() error { return tx.CreateCompetence(ctx, w.competence) },
			func() error { return tx.CreatePerson(ctx, w.person) },
			func() error { return tx.CreateSecurityRole(ctx, w.role) },
			func() error { return tx.CreateRoleAssignment(ctx, w.assignment) },
			func() error { return tx.CreateProcess(ctx, w.process) },
			func() error { return tx.CreateCourse(ctx, w.course) },
			func() error { return tx.CreateTrainingRecord(ctx, w.training) },
		} {
			if err := fn(); err != nil {
				return err
			}
		}
		return nil
	})
	w.assignment.RoleName, w.assignment.PersonName, w.assignment.SiteName = w.role.Name, w.person.Name, w.site.Name
	w.training.PersonName, w.training.CourseTitle = w.person.Name, w.course.Title
	return w
}

func testPeopleRecords(t *testing.T, s Store) {
	w := mkPeopleWorld(t, s, "records")
	check := func(name string, want, got any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	p, err := s.Person(ctx, w.org.ID, w.person.ID)
	check("Person", w.person, p, err)
	c, err := s.Competence(ctx, w.org.ID, w.competence.ID)
	check("Competence", w.competence, c, err)
	r, err := s.SecurityRole(ctx, w.org.ID, w.role.ID)
	check("SecurityRole", w.role, r, err)
	a, err := s.RoleAssignment(ctx, w.org.ID, w.assignment.ID)
	check("RoleAssignment", w.assignment, a, err)
	pr, err := s.Process(ctx, w.org.ID, w.process.ID)
	check("Process", w.process, pr, err)
	co, err := s.Course(ctx, w.org.ID, w.course.ID)
	check("Course", w.course, co, err)
	tr, err := s.TrainingRecord(ctx, w.org.ID, w.training.ID)
	check("TrainingRecord", w.training, tr, err)
	byUser, err := s.PersonByUser(ctx, w.org.ID, w.user.ID)
	check("PersonByUser", w.person, byUser, err)

	// Updates save every field, link lists included, and archiving.
	site2 := newSite(w.org.ID, "Venlo", bulkhead.SiteDC, "NLVEN")
	c2 := &bulkhead.Competence{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Threat awareness", CreatedAt: micro, UpdatedAt: micro}
	later := micro.Add(time.Hour)
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateSite(ctx, site2); err != nil {
			return err
		}
		if err := tx.CreateCompetence(ctx, c2); err != nil {
			return err
		}
		w.person.Name, w.person.UserID, w.person.SiteIDs, w.person.UpdatedAt, w.person.ArchivedAt = "Anouk B.", "", []string{site2.ID}, later, &later
		if err := tx.UpdatePerson(ctx, w.person); err != nil {
			return err
		}
		w.role.CompetenceIDs, w.role.PerSite = []string{c2.ID, w.competence.ID}, false
		if w.role.CompetenceIDs[0] > w.role.CompetenceIDs[1] {
			w.role.CompetenceIDs[0], w.role.CompetenceIDs[1] = w.role.CompetenceIDs[1], w.role.CompetenceIDs[0]
		}
		if err := tx.UpdateSecurityRole(ctx, w.role); err != nil {
			return err
		}
		w.assignment.SiteID, w.assignment.To = "", nil
		if err := tx.UpdateRoleAssignment(ctx, w.assignment); err != nil {
			return err
		}
		w.course.CompetenceIDs, w.course.RecurrenceMonths = []string{}, 0
		if err := tx.UpdateCourse(ctx, w.course); err != nil {
			return err
		}
		w.training.Expires, w.training.Result = nil, bulkhead.ResultFailed
		return tx.UpdateTrainingRecord(ctx, w.training)
	})
	p, err = s.Person(ctx, w.org.ID, w.person.ID)
	check("Person after update", w.person, p, err)
	r, err = s.SecurityRole(ctx, w.org.ID, w.role.ID)
	check("SecurityRole after update", w.role, r, err)
	a, err = s.RoleAssignment(ctx, w.org.ID, w.assignment.ID)
	w.assignment.SiteName, w.assignment.PersonName, w.training.PersonName = "", "Anouk B.", "Anouk B."
	check("RoleAssignment after update", w.assignment, a, err)
	co, err = s.Course(ctx, w.org.ID, w.course.ID)
	check("Course after update", w.course, co, err)
	tr, err = s.TrainingRecord(ctx, w.org.ID, w.training.ID)
	check("TrainingRecord after update", w.training, tr, err)
	if _, err := s.PersonByUser(ctx, w.org.ID, w.user.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("PersonByUser after unlinking: %v", err)
	}

	for name, err := range map[string]error{
		"Person": s.Write(ctx, func(tx bulkhead.Tx) error {
			return tx.UpdatePerson(ctx, &bulkhead.Person{ID: bulkhead.NewID(), OrgID: w.org.ID})
		}),
		"Competence": s.Write(ctx, func(tx bulkhead.Tx) error {
			return tx.UpdateCompetence(ctx, &bulkhead.Competence{ID: bulkhead.NewID(), OrgID: w.org.ID})
		}),
		"Process": s.Write(ctx, func(tx bulkhead.Tx) error {
			return tx.UpdateProcess(ctx, &bulkhead.Process{ID: bulkhead.NewID(), OrgID: w.org.ID})
		}),
		"TrainingRecord": errOf(s.TrainingRecord(ctx, w.org.ID, bulkhead.NewID())),
		"EvidenceFile":   errOf(s.EvidenceFile(ctx, w.org.ID, bulkhead.NewID())),
	} {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			t.Errorf("missing %s: %v, want not_found", name, err)
		}
	}
	n, err := s.PeopleCounts(ctx, w.org.ID)
	if err != nil || n != (bulkhead.PeopleCounts{People: 0, Competences: 2, Roles: 1, Assignments: 1, Processes: 1, Courses: 1, Training: 1}) {
		t.Errorf("PeopleCounts = %+v, %v", n, err)
	}
}

func errOf[T any](_ T, err error) error { return err }

func testPeopleLists(t *testing.T, s Store) {
	w := mkPeopleWorld(t, s, "lists")
	// 30 more people and 60 more training records.
	write(t, s, func(tx bulkhead.Tx) error {
		for i := range 30 {
			p := &bulkhead.Person{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: fmt.Sprintf("Person %02d", i), SiteIDs: []string{}, CreatedAt: micro, UpdatedAt: micro}
			if i%3 == 0 {
				p.Employer = "SecuriGuard"
				p.SiteIDs = []string{w.site.ID}
			}
			if i == 29 {
				p.ArchivedAt = &micro
			}
			if err := tx.CreatePerson(ctx, p); err != nil {
				return err
			}
			for j := range 2 {
				tr := &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: w.org.ID, PersonID: p.ID, CourseID: w.course.ID,
					Completed: day("2025-01-01").AddDate(0, 0, i*10+j), Result: bulkhead.ResultPassed, CreatedAt: micro, UpdatedAt: micro}
				e := tr.Completed.AddDate(1, 0, 0)
				tr.Expires = &e
				if err := tx.CreateTrainingRecord(ctx, tr); err != nil {
					return err
				}
			}
		}
		return nil
	})
	list := func(f bulkhead.PeopleFilter, sorts []string) bulkhead.PeopleFilter {
		t.Helper()
		f.OrgID = w.org.ID
		if err := f.Normalize(sorts); err != nil {
			t.Fatal(err)
		}
		return f
	}
	people, total, err := s.People(ctx, list(bulkhead.PeopleFilter{Limit: 10}, bulkhead.PeopleSorts))
	if err != nil || total != 30 || len(people) != 10 || people[0].Name != "Anouk de Boer" || people[1].Name != "Person 00" {
		t.Fatalf("People page 1: %d of %d, first %q, %v", len(people), total, people[0].Name, err)
	}
	people, total, _ = s.People(ctx, list(bulkhead.PeopleFilter{Limit: 10, Offset: 25, Desc: true}, bulkhead.PeopleSorts))
	if total != 30 || len(people) != 5 || people[4].Name != "Anouk de Boer" {
		t.Errorf("People last page desc: %d of %d", len(people), total)
	}
	_, total, _ = s.People(ctx, list(bulkhead.PeopleFilter{Status: bulkhead.StatusAll}, bulkhead.PeopleSorts))
	if total != 31 {
		t.Errorf("all people = %d", total)
	}
	_, total, _ = s.People(ctx, list(bulkhead.PeopleFilter{SiteID: w.site.ID}, bulkhead.PeopleSorts))
	if total != 11 { // Anouk + i%3==0 for i<29: 10
		t.Errorf("people at site = %d, want 11", total)
	}
	_, total, _ = s.People(ctx, list(bulkhead.PeopleFilter{Employer: "own"}, bulkhead.PeopleSorts))
	if total != 20 {
		t.Errorf("own staff = %d, want 20", total)
	}
	_, total, _ = s.People(ctx, list(bulkhead.PeopleFilter{Query: "SON 1_"}, bulkhead.PeopleSorts))
	if total != 0 {
		t.Errorf(`search "SON 1_" (literal underscore) = %d`, total)
	}
	people, total, _ = s.People(ctx, list(bulkhead.PeopleFilter{Query: "son 1"}, bulkhead.PeopleSorts))
	if total != 10 || people[0].Name != "Person 10" {
		t.Errorf(`search "son 1" = %d`, total)
	}
	recs, total, err := s.TrainingRecords(ctx, list(bulkhead.PeopleFilter{Sort: "completed", Desc: true, Limit: 5}, bulkhead.TrainingSorts))
	if err != nil || total != 61 || recs[0].Completed != day("2026-01-15") || recs[0].PersonName != "Anouk de Boer" {
		t.Fatalf("training newest first: %d, %v, %v", total, recs, err)
	}
	// Search matches the person's name, the course's title or the evidence
	// note, case-insensitively, as a filter on every other condition.
	all, _, err := s.TrainingRecords(ctx, list(bulkhead.PeopleFilter{Limit: 500}, bulkhead.TrainingSorts))
	if err != nil || len(all) != 61 {
		t.Fatalf("all training: %d, %v", len(all), err)
	}
	for _, q := range []string{"anouk", "SON 0", all[0].CourseTitle, "zz-no-such"} {
		want := 0
		for _, r := range all {
			lq := strings.ToLower(q)
			if strings.Contains(strings.ToLower(r.PersonName), lq) || strings.Contains(strings.ToLower(r.CourseTitle), lq) || strings.Contains(strings.ToLower(r.EvidenceNote), lq) {
				want++
			}
		}
		if q != "zz-no-such" && want == 0 {
			t.Fatalf("search %q: the fixture has no match", q)
		}
		got, total, err := s.TrainingRecords(ctx, list(bulkhead.PeopleFilter{Query: q, Limit: 500}, bulkhead.TrainingSorts))
		if err != nil || total != want || len(got) != want {
			t.Errorf("training search %q = %d (%d rows), want %d; %v", q, total, len(got), want, err)
		}
	}
	today := day("2026-06-15") // expiries 2026-01-01 + k: expired k < 165, expiring 165..195
	counts := map[bulkhead.ExpiryState]int{}
	for _, state := range []bulkhead.ExpiryState{bulkhead.StateExpired, bulkhead.StateExpiring, bulkhead.StateValid} {
		_, total, err := s.TrainingRecords(ctx, list(bulkhead.PeopleFilter{Expiry: state, Today: today}, bulkhead.TrainingSorts))
		if err != nil {
			t.Fatal(err)
		}
		counts[state] = total
	}
	if counts[bulkhead.StateExpired]+counts[bulkhead.StateExpiring]+counts[bulkhead.StateValid] != 61 || counts[bulkhead.StateExpired] != 34 || counts[bulkhead.StateExpiring] != 6 {
		t.Errorf("expiry filter counts = %v", counts)
	}
	recs, _, _ = s.TrainingRecords(ctx, list(bulkhead.PeopleFilter{PersonID: w.person.ID}, bulkhead.TrainingSorts))
	if len(recs) != 1 || recs[0].ID != w.training.ID {
		t.Errorf("training of one person = %v", recs)
	}
	_, total, _ = s.TrainingRecords(ctx, list(bulkhead.PeopleFilter{SiteID: w.site.ID}, bulkhead.TrainingSorts))
	if total != 21 {
		t.Errorf("training at site = %d, want 21", total)
	}
	as, total, err := s.RoleAssignments(ctx, list(bulkhead.PeopleFilter{RoleID: w.role.ID}, bulkhead.AssignmentSorts))
	if err != nil || total != 1 || as[0].PersonName != "Anouk de Boer" || as[0].SiteName != "Rotterdam" {
		t.Errorf("assignments = %v, %d, %v", as, total, err)
	}
	for name, fn := range map[string]func() (int, error){
		"Competences": func() (int, error) {
			_, n, err := s.Competences(ctx, list(bulkhead.PeopleFilter{Query: "seal"}, bulkhead.CompetenceSorts))
			return n, err
		},
		"SecurityRoles": func() (int, error) {
			_, n, err := s.SecurityRoles(ctx, list(bulkhead.PeopleFilter{Query: "issues"}, bulkhead.SecurityRoleSorts))
			return n, err
		},
		"Processes": func() (int, error) {
			_, n, err := s.Processes(ctx, list(bulkhead.PeopleFilter{Sort: "updated_at"}, bulkhead.ProcessSorts))
			return n, err
		},
		"Courses": func() (int, error) {
			_, n, err := s.Courses(ctx, list(bulkhead.PeopleFilter{Sort: "delivery"}, bulkhead.CourseSorts))
			return n, err
		},
	} {
		if n, err := fn(); n != 1 || err != nil {
			t.Errorf("%s = %d, %v", name, n, err)
		}
	}
	exp, err := s.ExpiringTraining(ctx, w.org.ID, day("2026-01-05"))
	// Person 00's two records expire 2026-01-01 and -02: only the later counts.
	if err != nil || len(exp) != 1 || exp[0].Expires.Format(bulkhead.DateLayout) != "2026-01-02" {
		t.Errorf("ExpiringTraining = %v, %v", exp, err)
	}
}

func testPeopleIsolation(t *testing.T, s Store) {
	a, b := mkPeopleWorld(t, s, "iso-a"), mkPeopleWorld(t, s, "iso-b")
	for name, err := range map[string]error{
		"Person":         errOf(s.Person(ctx, a.org.ID, b.person.ID)),
		"Competence":     errOf(s.Competence(ctx, a.org.ID, b.competence.ID)),
		"SecurityRole":   errOf(s.SecurityRole(ctx, a.org.ID, b.role.ID)),
		"RoleAssignment": errOf(s.RoleAssignment(ctx, a.org.ID, b.assignment.ID)),
		"Process":        errOf(s.Process(ctx, a.org.ID, b.process.ID)),
		"Course":         errOf(s.Course(ctx, a.org.ID, b.course.ID)),
		"TrainingRecord": errOf(s.TrainingRecord(ctx, a.org.ID, b.training.ID)),
		"update":         s.Write(ctx, func(tx bulkhead.Tx) error { b.person.OrgID = a.org.ID; return tx.UpdatePerson(ctx, b.person) }),
	} {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			t.Errorf("%s of another organisation: %v, want not_found", name, err)
		}
	}
	b.person.OrgID = b.org.ID
	// The database refuses links into another organisation.
	for name, fn := range map[string]func(tx bulkhead.Tx) error{
		"person at other site": func(tx bulkhead.Tx) error {
			return tx.CreatePerson(ctx, &bulkhead.Person{ID: bulkhead.NewID(), OrgID: a.org.ID, Name: "x", SiteIDs: []string{b.site.ID}, CreatedAt: micro, UpdatedAt: micro})
		},
		"person as other member": func(tx bulkhead.Tx) error {
			return tx.CreatePerson(ctx, &bulkhead.Person{ID: bulkhead.NewID(), OrgID: a.org.ID, Name: "x", UserID: b.user.ID, CreatedAt: micro, UpdatedAt: micro})
		},
		"training of other person": func(tx bulkhead.Tx) error {
			return tx.CreateTrainingRecord(ctx, &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: a.org.ID, PersonID: b.person.ID, CourseID: a.course.ID,
				Completed: day("2026-01-01"), Result: bulkhead.ResultPassed, CreatedAt: micro, UpdatedAt: micro})
		},
		"RACI with other role": func(tx bulkhead.Tx) error {
			return tx.SetRACI(ctx, a.org.ID, a.process.ID, []bulkhead.RACICell{{ProcessID: a.process.ID, RoleID: b.role.ID, Value: "R"}})
		},
	} {
		if err := s.Write(ctx, fn); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	ps, err := s.PeopleSites(ctx, a.org.ID)
	if err != nil || !cmp.Equal(ps, map[string][]string{a.user.ID: {a.site.ID}}) {
		t.Errorf("PeopleSites = %v, %v", ps, err)
	}
}

func testRACI(t *testing.T, s Store) {
	w := mkPeopleWorld(t, s, "raci")
	r2 := &bulkhead.SecurityRole{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "SMS owner", CompetenceIDs: []string{}, CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateSecurityRole(ctx, r2) })
	cells := []bulkhead.RACICell{{ProcessID: w.process.ID, RoleID: w.role.ID, Value: "R"}, {ProcessID: w.process.ID, RoleID: r2.ID, Value: "A"}}
	write(t, s, func(tx bulkhead.Tx) error { return tx.SetRACI(ctx, w.org.ID, w.process.ID, cells) })
	got, err := s.RACI(ctx, w.org.ID)
	if err != nil || len(got) != 2 {
		t.Fatalf("RACI = %v, %v", got, err)
	}
	// The database holds the one-A rule too.
	err = s.Write(ctx, func(tx bulkhead.Tx) error {
		return tx.SetRACI(ctx, w.org.ID, w.process.ID, []bulkhead.RACICell{{ProcessID: w.process.ID, RoleID: w.role.ID, Value: "A"}, {ProcessID: w.process.ID, RoleID: r2.ID, Value: "A"}})
	})
	if code := bulkhead.ErrorCode(err); code != bulkhead.ECONFLICT && code != bulkhead.EINVALID {
		t.Errorf("two As: %v", err)
	}
	err = s.Write(ctx, func(tx bulkhead.Tx) error {
		return tx.SetRACI(ctx, w.org.ID, w.process.ID, []bulkhead.RACICell{{ProcessID: w.process.ID, RoleID: w.role.ID, Value: "X"}})
	})
	wantCode(t, err, bulkhead.EINVALID)
	after, _ := s.RACI(ctx, w.org.ID)
	if !cmp.Equal(got, after) {
		t.Errorf("RACI changed by refused writes: %v → %v", got, after)
	}
	write(t, s, func(tx bulkhead.Tx) error { return tx.SetRACI(ctx, w.org.ID, w.process.ID, nil) })
	if got, _ := s.RACI(ctx, w.org.ID); len(got) != 0 {
		t.Errorf("RACI after clearing = %v", got)
	}
}

func testTrainingEvidence(t *testing.T, s Store) {
	w := mkPeopleWorld(t, s, "evidence")
	data := append([]byte("%PDF-1.7\n"), make([]byte, 1<<20)...)
	f := &bulkhead.EvidenceFile{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "cert.pdf", ContentType: "application/pdf", Size: int64(len(data)), SHA256: "ab", Data: data, CreatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateEvidenceFile(ctx, f); err != nil {
			return err
		}
		w.training.EvidenceFileID = f.ID
		return tx.UpdateTrainingRecord(ctx, w.training)
	})
	got, err := s.EvidenceFile(ctx, w.org.ID, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, got); diff != "" {
		t.Errorf("EvidenceFile (-want +got):\n%s", diff)
	}
	tr, _ := s.TrainingRecord(ctx, w.org.ID, w.training.ID)
	if tr.EvidenceFileID != f.ID || tr.EvidenceName != "cert.pdf" {
		t.Errorf("training evidence = %q %q", tr.EvidenceFileID, tr.EvidenceName)
	}
	other := mkOrg(t, s, "evidence-other")
	if _, err := s.EvidenceFile(ctx, other.ID, f.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("evidence from another organisation: %v", err)
	}
}

func testCompetenceMatrix(t *testing.T, s Store) {
	w := mkPeopleWorld(t, s, "matrix")
	// A second competence needed by the role, held by nobody; a second
	// person at the site with the role, no training; a third person at the
	// site with no role.
	c2 := &bulkhead.Competence{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Alpha skill", CreatedAt: micro, UpdatedAt: micro}
	p2 := &bulkhead.Person{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Bob", SiteIDs: []string{w.site.ID}, CreatedAt: micro, UpdatedAt: micro}
	p3 := &bulkhead.Person{ID: bulkhead.NewID(), OrgID: w.org.ID, Name: "Zed", SiteIDs: []string{w.site.ID}, CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error {
		for _, fn := range []func() error{
			func() error { return tx.CreateCompetence(ctx, c2) },
			func() error { return tx.CreatePerson(ctx, p2) },
			func() error { return tx.CreatePerson(ctx, p3) },
			func() error {
				w.role.CompetenceIDs = []string{w.competence.ID, c2.ID}
				return tx.UpdateSecurityRole(ctx, w.role)
			},
			func() error {
				return tx.CreateRoleAssignment(ctx, &bulkhead.RoleAssignment{ID: bulkhead.NewID(), OrgID: w.org.ID, RoleID: w.role.ID, PersonID: p2.ID, SiteID: w.site.ID,
					From: day("2026-01-01"), CreatedAt: micro, UpdatedAt: micro})
			},
			// Failed training gives nothing.
			func() error {
				return tx.CreateTrainingRecord(ctx, &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: w.org.ID, PersonID: p2.ID, CourseID: w.course.ID,
					Completed: day("2026-01-02"), Result: bulkhead.ResultFailed, CreatedAt: micro, UpdatedAt: micro})
			},
		} {
			if err := fn(); err != nil {
				return err
			}
		}
		return nil
	})
	d, err := s.CompetenceMatrix(ctx, w.org.ID, w.site.ID, day("2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range d.People {
		names = append(names, p.Name)
	}
	var comps []string
	for _, c := range d.Competences {
		comps = append(comps, c.Name)
	}
	if !cmp.Equal(names, []string{"Anouk de Boer", "Bob", "Zed"}) || !cmp.Equal(comps, []string{"Alpha skill", "Seal handling"}) {
		t.Errorf("matrix people %v, competences %v", names, comps)
	}
	if len(d.Needs) != 4 {
		t.Errorf("needs = %v, want 4 (two people × two competences)", d.Needs)
	}
	if len(d.Held) != 1 || d.Held[0].PersonID != w.person.ID || d.Held[0].Expires.Format(bulkhead.DateLayout) != "2028-01-15" {
		t.Errorf("held = %+v", d.Held)
	}
	// Before the assignment starts, nobody needs anything.
	d, _ = s.CompetenceMatrix(ctx, w.org.ID, w.site.ID, day("2024-12-31"))
	if len(d.Needs) != 0 || len(d.Competences) != 0 {
		t.Errorf("before the assignments: needs %v", d.Needs)
	}
	all, err := s.CompetenceMatrix(ctx, w.org.ID, "", day("2026-03-01"))
	if err != nil || len(all.People) != 3 || len(all.Needs) != 4 {
		t.Errorf("all sites: %+v, %v", all, err)
	}
	vacant, err := s.VacantSiteRoles(ctx, w.org.ID, day("2026-03-01"))
	if err != nil || len(vacant) != 0 {
		t.Errorf("vacant = %v, %v", vacant, err)
	}
	vacant, _ = s.VacantSiteRoles(ctx, w.org.ID, day("2024-03-01"))
	if len(vacant) != 1 || vacant[0].SiteName != "Rotterdam" || vacant[0].RoleName != "Seal custodian" {
		t.Errorf("vacant before the assignments = %v", vacant)
	}
}

func testPeopleConstraints(t *testing.T, s Store) {
	w := mkPeopleWorld(t, s, "constraints")
	for name, fn := range map[string]func(tx bulkhead.Tx) error{
		"expiry before completion": func(tx bulkhead.Tx) error {
			return tx.CreateTrainingRecord(ctx, &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: w.org.ID, PersonID: w.person.ID, CourseID: w.course.ID,
				Completed: day("2026-01-02"), Expires: dayPtr("2026-01-01"), Result: bulkhead.ResultPassed, CreatedAt: micro, UpdatedAt: micro})
		},
		"assignment to before from": func(tx bulkhead.Tx) error {
			return tx.CreateRoleAssignment(ctx, &bulkhead.RoleAssignment{ID: bulkhead.NewID(), OrgID: w.org.ID, RoleID: w.role.ID, PersonID: w.person.ID,
				From: day("2026-01-02"), To: dayPtr("2026-01-01"), CreatedAt: micro, UpdatedAt: micro})
		},
		"result": func(tx bulkhead.Tx) error {
			return tx.CreateTrainingRecord(ctx, &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: w.org.ID, PersonID: w.person.ID, CourseID: w.course.ID,
				Completed: day("2026-01-02"), Result: "great", CreatedAt: micro, UpdatedAt: micro})
		},
		"delivery": func(tx bulkhead.Tx) error {
			return tx.CreateCourse(ctx, &bulkhead.Course{ID: bulkhead.NewID(), OrgID: w.org.ID, Title: "x", Delivery: "post", CreatedAt: micro, UpdatedAt: micro})
		},
		"unknown competence": func(tx bulkhead.Tx) error {
			return tx.CreateCourse(ctx, &bulkhead.Course{ID: bulkhead.NewID(), OrgID: w.org.ID, Title: "x", Delivery: bulkhead.DeliveryDrill, CompetenceIDs: []string{bulkhead.NewID()}, CreatedAt: micro, UpdatedAt: micro})
		},
	} {
		if err := s.Write(ctx, fn); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	_, total, _ := s.TrainingRecords(ctx, bulkhead.PeopleFilter{OrgID: w.org.ID, Status: bulkhead.StatusAll, Sort: "completed", Limit: 10, Today: day("2026-01-01")})
	if total != 1 {
		t.Errorf("training records after refused writes = %d", total)
	}
}
