package service

import (
	"context"
	"fmt"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// peopleGrants are the permission rows of the people register, security
// roles and assignments, courses, training records and competences (issue 3:
// 5.3, 7.1, 7.2). Top management shares out security responsibilities
// (5.3), so it may define roles, assign them and keep the RACI matrix.
var peopleGrants = []grant{
	{ActPeopleRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActPersonManage, []bulkhead.Role{admin, secm, siteo}},
	{ActCompetenceManage, []bulkhead.Role{admin, secm}},
	{ActSecurityRoleManage, []bulkhead.Role{admin, topm, secm}},
	{ActAssignmentManage, []bulkhead.Role{admin, topm, secm, siteo}},
	{ActRACIManage, []bulkhead.Role{admin, topm, secm}},
	{ActCourseManage, []bulkhead.Role{admin, secm}},
	{ActTrainingManage, []bulkhead.Role{admin, secm, siteo}},
}

// Task kinds of the people register.
const (
	TaskTrainingExpiring = "training.expiring"
	TaskTrainingExpired  = "training.expired"
	TaskRoleVacant       = "security_role.vacant"
)

// peopleTasks returns what falls due for the actor in the people register:
// training expired or expiring within 30 days (to the person trained, when
// they are a user, and to the admins and security managers, and the site
// officers of the sites the person works at), and per-site security roles
// with nobody assigned at a site (to the same managers and that site's
// officers).
func (s *Service) peopleTasks(ctx context.Context, a Actor) ([]Task, error) {
	if !a.System && !Can(a.Role, ActPeopleRead) {
		return nil, nil
	}
	today := s.today()
	manager := a.System || a.Role == bulkhead.RoleAdmin || a.Role == bulkhead.RoleSecurityManager
	var me *bulkhead.Person
	if p, err := s.store.PersonByUser(ctx, a.OrgID, a.UserID); err == nil {
		me = p
	} else if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		return nil, err
	}
	// A site officer looks after the people of the sites they work at.
	mySites := map[string]bool{}
	looked := map[string]bool{} // person IDs at those sites
	if a.Role == bulkhead.RoleSiteOfficer && me != nil {
		for _, sid := range me.SiteIDs {
			mySites[sid] = true
			f := bulkhead.PeopleFilter{OrgID: a.OrgID, SiteID: sid, Today: today}
			if err := f.Normalize(bulkhead.PeopleSorts); err != nil {
				return nil, err
			}
			err := eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.Person, int, error) { return s.store.People(ctx, f) },
				func(p *bulkhead.Person) error { looked[p.ID] = true; return nil })
			if err != nil {
				return nil, err
			}
		}
	}
	var out []Task
	recs, err := s.store.ExpiringTraining(ctx, a.OrgID, today.AddDate(0, 0, bulkhead.ExpiringDays))
	if err != nil {
		return nil, err
	}
	for _, t := range recs {
		if !manager && !looked[t.PersonID] && (me == nil || me.ID != t.PersonID) {
			continue
		}
		kind := TaskTrainingExpiring
		expired := t.Expires.Before(today)
		if expired {
			kind = TaskTrainingExpired
		}
		out = append(out, Task{Kind: kind, Title: t.PersonName + " — " + t.CourseTitle, Href: "/training/" + t.ID, Due: *t.Expires, Overdue: expired})
	}
	vacant, err := s.store.VacantSiteRoles(ctx, a.OrgID, today)
	if err != nil {
		return nil, err
	}
	for _, v := range vacant {
		if !manager && !mySites[v.SiteID] {
			continue
		}
		out = append(out, Task{Kind: TaskRoleVacant, Title: v.RoleName + " — " + v.SiteName, Href: "/security-roles/" + v.RoleID, SiteID: v.SiteID})
	}
	return out, nil
}

// peopleCoverage reports, for the sub-clauses the people register serves
// (5.3, 7.1, 7.2), what exists and what is missing or overdue.
func (s *Service) peopleCoverage(ctx context.Context, a Actor) ([]ClauseStatus, error) {
	if !a.System && !Can(a.Role, ActPeopleRead) {
		return nil, nil
	}
	today := s.today()
	n, err := s.store.PeopleCounts(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	vacant, err := s.store.VacantSiteRoles(ctx, a.OrgID, today)
	if err != nil {
		return nil, err
	}
	roles := ClauseStatus{Clause: "5.3", Kind: "security_role", Href: "/security-roles", Count: n.Roles, Overdue: len(vacant), Missing: n.Roles == 0}
	for _, v := range vacant {
		roles.Notes = append(roles.Notes, fmt.Sprintf("%s: %s", v.SiteName, v.RoleName))
	}
	people := ClauseStatus{Clause: "7.1", Kind: "person", Href: "/people", Count: n.People, Missing: n.People == 0}
	recs, err := s.store.ExpiringTraining(ctx, a.OrgID, today.AddDate(0, 0, bulkhead.ExpiringDays))
	if err != nil {
		return nil, err
	}
	var expired, expiring int
	for _, t := range recs {
		if t.Expires.Before(today) {
			expired++
		} else {
			expiring++
		}
	}
	m, err := s.matrix(ctx, a.OrgID, "", today)
	if err != nil {
		return nil, err
	}
	training := ClauseStatus{Clause: "7.2", Kind: "training_record", Href: "/competence-matrix", Count: n.Training, Overdue: expired,
		Missing: n.Courses == 0 || n.Training == 0,
		Notes:   []string{fmt.Sprintf("%d competence gaps", m.Gaps), fmt.Sprintf("%d expiring within %d days", expiring, bulkhead.ExpiringDays)}}
	return []ClauseStatus{roles, people, training}, nil
}

// peopleSites returns, for each user of the organisation who is a person
// in the people register, the IDs of the sites they work at, so that other
// registers (document acknowledgements) can group users by site. Users not
// in the register are absent. The caller has already authorised the read.
func (s *Service) peopleSites(ctx context.Context, orgID string) (map[string][]string, error) {
	return s.store.PeopleSites(ctx, orgID)
}

// MatrixCell is one person × competence cell of the competence matrix.
type MatrixCell struct {
	Needed  bool                 // a role of the person at the site needs it
	State   bulkhead.ExpiryState // when needed or held: valid, expiring, expired, missing
	Expires *time.Time
}

// MatrixRow is one person of the competence matrix.
type MatrixRow struct {
	Person bulkhead.MatrixPerson
	Cells  []MatrixCell // in the order of CompetenceMatrix.Competences
	Gaps   int
}

// CompetenceMatrix is who at a site needs which competence and whether they
// hold it, as of Today.
type CompetenceMatrix struct {
	SiteID      string // "" for all sites
	Today       time.Time
	Competences []*bulkhead.Competence
	Rows        []MatrixRow
	Gaps        int   // needed and never held, or held and expired
	Expiring    int   // needed and expiring within ExpiringDays
	ColumnGaps  []int // gaps per competence
}

// CompetenceMatrix returns the competence matrix of a site ("" for all
// sites): rows are the people working there, columns the competences their
// current roles there need. EFORBIDDEN, ENOTFOUND (site).
func (s *Service) CompetenceMatrix(ctx context.Context, a Actor, siteID string) (*CompetenceMatrix, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	if siteID != "" {
		if _, err := s.store.Site(ctx, a.OrgID, siteID); err != nil {
			return nil, err
		}
	}
	return s.matrix(ctx, a.OrgID, siteID, s.today())
}

func (s *Service) matrix(ctx context.Context, orgID, siteID string, today time.Time) (*CompetenceMatrix, error) {
	d, err := s.store.CompetenceMatrix(ctx, orgID, siteID, today)
	if err != nil {
		return nil, err
	}
	m := &CompetenceMatrix{SiteID: siteID, Today: today, Competences: d.Competences, ColumnGaps: make([]int, len(d.Competences))}
	col := make(map[string]int, len(d.Competences))
	for i, c := range d.Competences {
		col[c.ID] = i
	}
	row := make(map[string]int, len(d.People))
	m.Rows = make([]MatrixRow, len(d.People))
	for i, p := range d.People {
		row[p.ID] = i
		m.Rows[i] = MatrixRow{Person: p, Cells: make([]MatrixCell, len(d.Competences))}
	}
	for _, h := range d.Held {
		i, ok1 := row[h.PersonID]
		j, ok2 := col[h.CompetenceID]
		if ok1 && ok2 {
			m.Rows[i].Cells[j] = MatrixCell{State: bulkhead.ExpiryStateOn(h.Expires, today), Expires: h.Expires}
		}
	}
	for _, n := range d.Needs {
		i, ok1 := row[n.PersonID]
		j, ok2 := col[n.CompetenceID]
		if !ok1 || !ok2 {
			continue
		}
		c := &m.Rows[i].Cells[j]
		c.Needed = true
		if c.State == "" {
			c.State = bulkhead.StateMissing
		}
		switch c.State {
		case bulkhead.StateMissing, bulkhead.StateExpired:
			m.Rows[i].Gaps++
			m.ColumnGaps[j]++
			m.Gaps++
		case bulkhead.StateExpiring:
			m.Expiring++
		}
	}
	return m, nil
}

// demoPeople adds the demo organisation's people, roles, courses and
// training records: about 25 people across the four sites (the demo users
// among them), roles including the PFSO at Rotterdam and seal custodians, a
// RACI matrix, recurring courses, and training with gaps, expired and
// expiring records.
func (s *Service) demoPeople(ctx context.Context, d *demoOrg) error {
	secm := d.as(bulkhead.RoleSecurityManager)
	today := s.today()
	ven, rtm, anr, nld := d.sites[0].ID, d.sites[1].ID, d.sites[2].ID, d.sites[3].ID

	comp := map[string]string{}
	for _, c := range [][2]string{
		{"Seal handling", "Issuing, affixing and verifying ISO 17712 seals (view, verify, tug, twist); recording discrepancies."},
		{"Threat awareness", "Recognising supply-chain threats: cargo theft, fictitious pick-ups, insiders, contraband and stowaways."},
		{"ISPS PFSO certificate", "Port facility security officer qualification under the ISPS Code."},
		{"C-TPAT awareness", "Minimum security criteria of the C-TPAT programme as they apply to our operations."},
		{"17-point inspection", "Inspecting tractors and trailers at the 17 points before loading and before the border."},
		{"7-point container inspection", "Inspecting containers at the seven points before stuffing."},
		{"Security drill participation", "Taking part in a security drill within the last quarter."},
		{"Internal auditing", "Planning and performing internal audits of the security management system."},
	} {
		x, err := s.CreateCompetence(ctx, secm, bulkhead.CompetenceInput{Name: sp(c[0]), Description: sp(c[1])})
		if err != nil {
			return err
		}
		comp[c[0]] = x.ID
	}
	ids := func(names ...string) *[]string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = comp[n]
		}
		return &out
	}
	course := map[string]string{}
	for _, c := range []struct {
		title    string
		months   int
		delivery string
		comps    []string
	}{
		{"Security threat awareness", 12, "e_learning", []string{"Threat awareness"}},
		{"Seal handling and VVTT", 24, "classroom", []string{"Seal handling"}},
		{"C-TPAT awareness", 12, "e_learning", []string{"C-TPAT awareness"}},
		{"ISPS security drill", 3, "drill", []string{"Security drill participation"}},
		{"17-point truck and trailer inspection", 0, "on_the_job", []string{"17-point inspection", "7-point container inspection"}},
		{"Port facility security officer course", 60, "classroom", []string{"ISPS PFSO certificate"}},
		{"ISO 28000 internal auditor", 0, "classroom", []string{"Internal auditing"}},
	} {
		x, err := s.CreateCourse(ctx, secm, bulkhead.CourseInput{Title: sp(c.title), RecurrenceMonths: &c.months, Delivery: sp(c.delivery), CompetenceIDs: ids(c.comps...),
			Description: sp("Harbourline course: " + c.title + ".")})
		if err != nil {
			return err
		}
		course[c.title] = x.ID
	}
	role := map[string]string{}
	yes, no := true, false
	for _, r := range []struct {
		name, resp, auth string
		perSite          *bool
		comps            []string
	}{
		{"SMS owner", "Keeps the security management system running; reports on it to top management.", "Sets security procedures; stops operations that are not secure.", &no, []string{"Threat awareness"}},
		{"Site security officer", "Runs security at the site: seal stock, inspections, incidents, training of site staff.", "Refuses entry; holds shipments pending inspection.", &yes, []string{"Threat awareness", "Seal handling"}},
		{"Port facility security officer (PFSO)", "Keeps the port facility security plan and the ISPS security level measures.", "Liaises with the port authority and ship security officers.", &no, []string{"ISPS PFSO certificate", "Security drill participation", "Threat awareness"}},
		{"Seal custodian", "Keeps the seal stock and the seal log; issues seals to loaders.", "Refuses to issue seals without a load reference.", &yes, []string{"Seal handling"}},
		{"Internal auditor", "Audits the security management system against ISO 28000 and C-TPAT.", "Reads every record; raises findings.", &no, []string{"Internal auditing"}},
		{"Trailer inspector", "Inspects trailers and containers before loading and before the border.", "Stops a trailer that fails inspection.", &no, []string{"17-point inspection", "C-TPAT awareness"}},
	} {
		x, err := s.CreateSecurityRole(ctx, secm, bulkhead.SecurityRoleInput{Name: sp(r.name), Responsibilities: sp(r.resp), Authorities: sp(r.auth), PerSite: r.perSite, CompetenceIDs: ids(r.comps...)})
		if err != nil {
			return err
		}
		role[r.name] = x.ID
	}

	// People: the demo users first, then staff and contractors.
	type demoPerson struct {
		name, title, employer string
		user                  bulkhead.Role // "" when not a user
		sites                 []string
	}
	people := []demoPerson{
		{"Ingrid Visser", "IT and systems administrator", "", bulkhead.RoleAdmin, []string{ven}},
		{"Hendrik Bakker", "Managing director", "", bulkhead.RoleTopManagement, []string{ven, rtm}},
		{"Marco de Vries", "Security manager", "", bulkhead.RoleSecurityManager, []string{ven, rtm, anr, nld}},
		{"Lucía Hernández", "Site security officer", "", bulkhead.RoleSiteOfficer, []string{nld}},
		{"Priya Raman", "Internal auditor", "", bulkhead.RoleAuditor, []string{rtm}},
		{"Tom Peeters", "Shift lead", "", bulkhead.RoleContributor, []string{anr}},
		{"Sofia Jansen", "Customer service", "", bulkhead.RoleViewer, []string{ven}},
		{"Carlos Medina", "Dispatcher", "Transportes Medina", bulkhead.RolePartner, []string{nld}},
		{"Pieter Smit", "Site security officer", "", "", []string{ven}},
		{"Anouk de Boer", "Seal custodian", "", "", []string{ven}},
		{"Daan Mulder", "Warehouse operative", "", "", []string{ven}},
		{"Emma Meijer", "Warehouse operative", "", "", []string{ven}},
		{"Luuk Hendriks", "Gatehouse guard", "SecuriGuard B.V.", "", []string{ven}},
		{"Willem Dekker", "Port facility security officer", "", "", []string{rtm}},
		{"Fatima El Amrani", "Seal custodian", "", "", []string{rtm}},
		{"Jeroen van Dijk", "Dock supervisor", "", "", []string{rtm}},
		{"Sanne Bos", "Container stuffing lead", "", "", []string{rtm}},
		{"Mehmet Yilmaz", "Forklift driver", "Flex Logistics Uitzend", "", []string{rtm}},
		{"Lotte Claes", "Site security officer", "", "", []string{anr}},
		{"Jan Wouters", "Loader", "", "", []string{anr}},
		{"Elise Maes", "Loader", "", "", []string{anr}},
		{"Javier Ortega", "Trailer inspector", "", "", []string{nld}},
		{"Ana Ramírez", "Seal custodian", "", "", []string{nld}},
		{"Diego Castillo", "Yard jockey", "Patio Norte S.A. de C.V.", "", []string{nld}},
		{"María Fernández", "Trailer inspector", "", "", []string{nld}},
	}
	person := map[string]string{}
	for _, p := range people {
		in := bulkhead.PersonInput{Name: sp(p.name), JobTitle: sp(p.title), Employer: sp(p.employer), SiteIDs: &p.sites}
		if p.user != "" {
			u := d.users[p.user]
			in.UserID, in.Email = sp(u.ID), sp(u.Email)
		}
		x, err := s.CreatePerson(ctx, secm, in)
		if err != nil {
			return err
		}
		person[p.name] = x.ID
	}

	date := func(daysAgo int) *string { v := today.AddDate(0, 0, -daysAgo).Format(bulkhead.DateLayout); return &v }
	for _, as := range []struct{ role, person, site string }{
		{"SMS owner", "Marco de Vries", ""},
		{"Internal auditor", "Priya Raman", ""},
		{"Site security officer", "Pieter Smit", ven},
		{"Site security officer", "Willem Dekker", rtm},
		{"Site security officer", "Lotte Claes", anr},
		{"Site security officer", "Lucía Hernández", nld},
		{"Port facility security officer (PFSO)", "Willem Dekker", rtm},
		{"Seal custodian", "Anouk de Boer", ven},
		{"Seal custodian", "Fatima El Amrani", rtm},
		{"Seal custodian", "Ana Ramírez", nld},
		{"Trailer inspector", "Javier Ortega", nld},
		{"Trailer inspector", "María Fernández", nld},
		{"Trailer inspector", "Jeroen van Dijk", rtm},
	} { // Antwerp has no seal custodian: a vacancy on My tasks.
		in := bulkhead.RoleAssignmentInput{RoleID: sp(role[as.role]), PersonID: sp(person[as.person]), SiteID: sp(as.site), From: date(400)}
		if _, err := s.CreateRoleAssignment(ctx, secm, in); err != nil {
			return err
		}
	}

	// Training: most people current, some expired, some expiring, some
	// never trained (gaps in the matrix).
	for _, t := range []struct {
		person, course string
		daysAgo        int
	}{
		{"Marco de Vries", "Security threat awareness", 90},
		{"Priya Raman", "ISO 28000 internal auditor", 700},
		{"Pieter Smit", "Security threat awareness", 200},
		{"Pieter Smit", "Seal handling and VVTT", 300},
		{"Willem Dekker", "Security threat awareness", 350}, // expires within 30 days
		{"Willem Dekker", "Seal handling and VVTT", 500},
		{"Willem Dekker", "Port facility security officer course", 900},
		{"Willem Dekker", "ISPS security drill", 120},     // expired drill
		{"Lotte Claes", "Security threat awareness", 400}, // expired
		{"Lucía Hernández", "Security threat awareness", 60},
		{"Lucía Hernández", "Seal handling and VVTT", 710}, // expiring
		{"Anouk de Boer", "Seal handling and VVTT", 100},
		{"Fatima El Amrani", "Seal handling and VVTT", 800}, // expired
		{"Ana Ramírez", "Seal handling and VVTT", 30},
		{"Javier Ortega", "17-point truck and trailer inspection", 500},
		{"Javier Ortega", "C-TPAT awareness", 100},
		{"María Fernández", "17-point truck and trailer inspection", 200},
		{"Jeroen van Dijk", "C-TPAT awareness", 380}, // expired; no 17-point: a gap
		{"Daan Mulder", "Security threat awareness", 20},
		{"Emma Meijer", "Security threat awareness", 20},
		{"Luuk Hendriks", "Security threat awareness", 345},
	} {
		in := bulkhead.TrainingInput{PersonID: sp(person[t.person]), CourseID: sp(course[t.course]), Completed: date(t.daysAgo), Result: sp("passed"),
			EvidenceNote: sp("Attendance list in the training binder")}
		if _, err := s.CreateTrainingRecord(ctx, secm, in, nil); err != nil {
			return err
		}
	}

	// The RACI matrix.
	raci := map[string]map[string]string{}
	for _, p := range []struct {
		name, desc string
		cells      map[string]string
	}{
		{"Container stuffing", "Loading export containers on dock 3, with the 7-point inspection before and the seal after.",
			map[string]string{"Site security officer": "A", "Seal custodian": "R", "Trailer inspector": "R", "SMS owner": "I"}},
		{"Seal control", "Seal stock, issue, affixing, verification and the seal log.",
			map[string]string{"Seal custodian": "R", "Site security officer": "A", "Internal auditor": "I"}},
		{"Visitor access", "Registering, escorting and badging visitors and drivers.",
			map[string]string{"Site security officer": "A", "SMS owner": "C", "Port facility security officer (PFSO)": "R"}},
		{"Incident response", "Reporting, containing and investigating security incidents.",
			map[string]string{"SMS owner": "A", "Site security officer": "R", "Port facility security officer (PFSO)": "R", "Internal auditor": "I"}},
	} {
		x, err := s.CreateProcess(ctx, secm, bulkhead.ProcessInput{Name: sp(p.name), Description: sp(p.desc)})
		if err != nil {
			return err
		}
		raci[x.ID] = map[string]string{}
		for rn, v := range p.cells {
			raci[x.ID][role[rn]] = v
		}
	}
	return s.SetRACI(ctx, secm, raci)
}
