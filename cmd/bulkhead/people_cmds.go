package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// peopleCommands are the CLI commands of the people register (issue 3).
func peopleCommands() []command {
	return []command{
		{"person list", "list people (ISO 28000 7.1, 7.2)", cmdPersonList},
		{"person add", "add a person", cmdPersonAdd},
		{"person edit", "change fields of a person (only the flags given)", cmdPersonEdit},
		{"person archive", "archive a person", func(ctx context.Context, e *env, a []string) error { return personArchive(ctx, e, a, true) }},
		{"person restore", "restore an archived person", func(ctx context.Context, e *env, a []string) error { return personArchive(ctx, e, a, false) }},
		{"competence add", "add a competence", cmdCompetenceAdd},
		{"competence list", "list competences", cmdCompetenceList},
		{"competence matrix", "show the competence matrix of a site (or all sites), with gaps", cmdCompetenceMatrix},
		{"role add", "add a security role (ISO 28000 5.3)", cmdRoleAdd},
		{"role list", "list security roles", cmdRoleList},
		{"role assign", "assign a person to a security role, at a site", cmdRoleAssign},
		{"course add", "add a course", cmdCourseAdd},
		{"course list", "list courses", cmdCourseList},
		{"training add", "record a completed course, optionally with an evidence file", cmdTrainingAdd},
		{"training list", "list training records", cmdTrainingList},
	}
}

// peopleBenches are the benchmarks of the people register, by name.
func peopleBenches() map[string]benchFunc {
	return map[string]benchFunc{"people": benchPeople}
}

// openAs opens the store as the member given by --org and --as and
// returns a service over it and a function closing the store.
func openAs(ctx context.Context, u *asUser) (*service.Service, service.Actor, func(), error) {
	st, a, err := u.open(ctx)
	if err != nil {
		return nil, service.Actor{}, nil, err
	}
	return service.New(st, nil), a, func() { st.Close() }, nil
}

// siteRef resolves a site given by ID or UN/LOCODE.
func siteRef(ctx context.Context, svc *service.Service, a service.Actor, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	if bulkhead.ValidID(ref) {
		return ref, nil
	}
	ref = strings.ToUpper(ref)
	var found []string
	err := svc.EachSite(ctx, a, bulkhead.SiteFilter{Query: ref}, func(s *bulkhead.Site) error {
		if s.UNLOCODE == ref || strings.EqualFold(s.Name, ref) {
			found = append(found, s.ID)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		return "", bulkhead.Errorf(bulkhead.ENOTFOUND, "No active site with UN/LOCODE or name %q.", ref)
	case 1:
		return found[0], nil
	}
	return "", &usageError{fmt.Sprintf("%d sites have UN/LOCODE %s; give the site ID", len(found), ref)}
}

func splitList(s *string) *[]string {
	if s == nil {
		return nil
	}
	var out []string
	for _, x := range strings.Split(*s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	if out == nil {
		out = []string{}
	}
	return &out
}

func personFlags(e *env, name string) (*flagSet, *bulkhead.PersonInput, **string) {
	fs := &flagSet{FlagSet: newFlags(e, name)}
	in := &bulkhead.PersonInput{}
	var sites *string
	fs.optional(&in.Name, "name", "full name")
	fs.optional(&in.Email, "email", "e-mail address")
	fs.optional(&in.JobTitle, "job-title", "job title")
	fs.optional(&in.Employer, "employer", "contractor's or partner's name; empty for own staff")
	fs.optional(&in.UserID, "user-id", "the member of the organisation this person is")
	fs.optional(&sites, "sites", "comma-separated site IDs or UN/LOCODEs the person works at")
	fs.optional(&in.Notes, "notes", "notes")
	return fs, in, &sites
}

func resolveSites(ctx context.Context, svc *service.Service, a service.Actor, list *[]string) error {
	if list == nil {
		return nil
	}
	for i, ref := range *list {
		id, err := siteRef(ctx, svc, a, ref)
		if err != nil {
			return err
		}
		(*list)[i] = id
	}
	return nil
}

func cmdPersonAdd(ctx context.Context, e *env, args []string) error {
	fs, in, sites := personFlags(e, "person add")
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required; their role applies)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	in.SiteIDs = splitList(*sites)
	if err := resolveSites(ctx, svc, a, in.SiteIDs); err != nil {
		return err
	}
	p, err := svc.CreatePerson(ctx, a, *in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", p.ID, p.Name)
	return nil
}

func cmdPersonEdit(ctx context.Context, e *env, args []string) error {
	fs, in, sites := personFlags(e, "person edit")
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required; their role applies)")
	id := fs.String("id", "", "person ID (required)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	in.SiteIDs = splitList(*sites)
	if err := resolveSites(ctx, svc, a, in.SiteIDs); err != nil {
		return err
	}
	p, err := svc.UpdatePerson(ctx, a, *id, *in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", p.ID, p.Name, p.JobTitle, strings.Join(p.SiteIDs, ","))
	return nil
}

func personArchive(ctx context.Context, e *env, args []string, archive bool) error {
	name := "person restore"
	if archive {
		name = "person archive"
	}
	fs := newFlags(e, name)
	var u asUser
	u.register(fs, "as", "e-mail of the user making the change (required)")
	id := fs.String("id", "", "person ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	p, err := svc.ArchivePerson(ctx, a, *id, archive)
	if err != nil {
		return err
	}
	state := "active"
	if p.ArchivedAt != nil {
		state = "archived"
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", p.ID, p.Name, state)
	return nil
}

// listFlags registers the flags every list takes.
func listFlags(fs *flagSet, f *bulkhead.PeopleFilter, sortUsage string) *string {
	fs.StringVar(&f.Query, "q", "", "search")
	fs.StringVar(&f.Status, "status", "active", "active, archived or all")
	fs.IntVar(&f.Limit, "limit", 50, "page size (1–500)")
	fs.IntVar(&f.Offset, "offset", 0, "rows to skip")
	return fs.String("sort", "", "sort key ("+sortUsage+"); prefix - for descending")
}

func setSort(f *bulkhead.PeopleFilter, s string) {
	if d, ok := strings.CutPrefix(s, "-"); ok {
		f.Desc, s = true, d
	}
	f.Sort = s
}

func cmdPersonList(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "person list")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user listing (required; their role applies)")
	var f bulkhead.PeopleFilter
	sort := listFlags(fs, &f, strings.Join(bulkhead.PeopleSorts, ", "))
	site := fs.String("site", "", "only people working at this site (ID or UN/LOCODE)")
	fs.StringVar(&f.Employer, "employer", "", `"own" for own staff, or part of a contractor's name`)
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	setSort(&f, *sort)
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	if f.SiteID, err = siteRef(ctx, svc, a, *site); err != nil {
		return err
	}
	people, total, err := svc.People(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tJOB TITLE\tEMPLOYER\tSITES")
	for _, p := range people {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", p.ID, p.Name, p.JobTitle, p.Employer, len(p.SiteIDs))
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d–%d of %d\n", min(f.Offset+1, total), f.Offset+len(people), total)
	return nil
}

func cmdCompetenceAdd(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "competence add")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required)")
	var in bulkhead.CompetenceInput
	fs.optional(&in.Name, "name", "name (required)")
	fs.optional(&in.Description, "description", "description")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	c, err := svc.CreateCompetence(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", c.ID, c.Name)
	return nil
}

func cmdCompetenceList(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "competence list")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user listing (required)")
	var f bulkhead.PeopleFilter
	sort := listFlags(fs, &f, strings.Join(bulkhead.CompetenceSorts, ", "))
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	setSort(&f, *sort)
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	list, total, err := svc.Competences(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\n", c.ID, c.Name)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d of %d\n", len(list), total)
	return nil
}

func cmdCompetenceMatrix(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "competence matrix")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required)")
	site := fs.String("site", "", "site ID or UN/LOCODE; empty for all sites")
	gapsOnly := fs.Bool("gaps", false, "list only the gaps, one per line")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	siteID, err := siteRef(ctx, svc, a, *site)
	if err != nil {
		return err
	}
	m, err := svc.CompetenceMatrix(ctx, a, siteID)
	if err != nil {
		return err
	}
	if *gapsOnly {
		for _, r := range m.Rows {
			for j, c := range r.Cells {
				if c.Needed && (c.State == bulkhead.StateMissing || c.State == bulkhead.StateExpired) {
					fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", r.Person.Name, m.Competences[j].Name, c.State, bulkhead.FormatDate(c.Expires))
				}
			}
		}
		fmt.Fprintf(e.stderr, "%d gaps, %d expiring within %d days\n", m.Gaps, m.Expiring, bulkhead.ExpiringDays)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "PERSON")
	for _, c := range m.Competences {
		fmt.Fprintf(tw, "\t%s", c.Name)
	}
	fmt.Fprintln(tw, "\tGAPS")
	for _, r := range m.Rows {
		fmt.Fprint(tw, r.Person.Name)
		for _, c := range r.Cells {
			v := string(c.State)
			if c.State != "" && !c.Needed {
				v = "(" + v + ")"
			}
			if v == "" {
				v = "·"
			}
			fmt.Fprintf(tw, "\t%s", v)
		}
		fmt.Fprintf(tw, "\t%d\n", r.Gaps)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d people, %d gaps, %d expiring within %d days\n", len(m.Rows), m.Gaps, m.Expiring, bulkhead.ExpiringDays)
	return nil
}

func cmdRoleAdd(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "role add")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required)")
	var in bulkhead.SecurityRoleInput
	var comps *string
	fs.optional(&in.Name, "name", "name (required), e.g. PFSO")
	fs.optional(&in.Responsibilities, "responsibilities", "responsibilities")
	fs.optional(&in.Authorities, "authorities", "authorities")
	fs.optional(&comps, "competences", "comma-separated competence IDs the role needs")
	perSite := fs.Bool("per-site", false, "every site needs someone in this role")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	in.PerSite, in.CompetenceIDs = perSite, splitList(comps)
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.CreateSecurityRole(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", r.ID, r.Name)
	return nil
}

func cmdRoleList(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "role list")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user listing (required)")
	var f bulkhead.PeopleFilter
	sort := listFlags(fs, &f, strings.Join(bulkhead.SecurityRoleSorts, ", "))
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	setSort(&f, *sort)
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	list, total, err := svc.SecurityRoles(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPER SITE\tCOMPETENCES")
	for _, r := range list {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%d\n", r.ID, r.Name, r.PerSite, len(r.CompetenceIDs))
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d of %d\n", len(list), total)
	return nil
}

func cmdRoleAssign(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "role assign")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required)")
	var in bulkhead.RoleAssignmentInput
	var site *string
	fs.optional(&in.RoleID, "role", "security role ID (required)")
	fs.optional(&in.PersonID, "person", "person ID (required)")
	fs.optional(&site, "site", "site ID or UN/LOCODE (required for a per-site role)")
	fs.optional(&in.From, "from", "first day, YYYY-MM-DD (required)")
	fs.optional(&in.To, "to", "last day, YYYY-MM-DD (empty: open-ended)")
	fs.optional(&in.Notes, "notes", "notes")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	if site != nil {
		id, err := siteRef(ctx, svc, a, *site)
		if err != nil {
			return err
		}
		in.SiteID = &id
	}
	x, err := svc.CreateRoleAssignment(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", x.ID, x.RoleName, x.PersonName, x.SiteName)
	return nil
}

func cmdCourseAdd(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "course add")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required)")
	var in bulkhead.CourseInput
	var comps *string
	fs.optional(&in.Title, "title", "title (required)")
	fs.optional(&in.Description, "description", "description")
	fs.optional(&in.Delivery, "delivery", "classroom, e_learning, drill or on_the_job (required)")
	fs.optional(&comps, "competences", "comma-separated competence IDs the course gives")
	months := fs.Int("recurrence", 0, "months until it must be repeated; 0 for once")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	in.RecurrenceMonths, in.CompetenceIDs = months, splitList(comps)
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	c, err := svc.CreateCourse(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", c.ID, c.Title)
	return nil
}

func cmdCourseList(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "course list")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user listing (required)")
	var f bulkhead.PeopleFilter
	sort := listFlags(fs, &f, strings.Join(bulkhead.CourseSorts, ", "))
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	setSort(&f, *sort)
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	list, total, err := svc.Courses(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tRECURRENCE\tDELIVERY")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", c.ID, c.Title, c.RecurrenceMonths, c.Delivery)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d of %d\n", len(list), total)
	return nil
}

func cmdTrainingAdd(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "training add")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required)")
	var in bulkhead.TrainingInput
	fs.optional(&in.PersonID, "person", "person ID (required)")
	fs.optional(&in.CourseID, "course", "course ID (required)")
	fs.optional(&in.Completed, "completed", "completion date, YYYY-MM-DD (required)")
	fs.optional(&in.Expires, "expires", "expiry date, YYYY-MM-DD (default: from the course's recurrence)")
	fs.optional(&in.EvidenceNote, "evidence", "evidence note or link")
	result := fs.String("result", "passed", "passed, attended or failed")
	file := fs.String("file", "", "evidence file to attach: a PDF or an image, at most 10 MiB")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	in.Result = result
	var up *service.Upload
	if *file != "" {
		st, err := os.Stat(*file)
		if err != nil {
			return err
		}
		up = &service.Upload{Name: filepath.Base(*file)}
		if st.Size() > bulkhead.MaxEvidenceBytes {
			up.TooLarge = true
		} else if up.Data, err = os.ReadFile(*file); err != nil {
			return err
		}
	}
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	t, err := svc.CreateTrainingRecord(ctx, a, in, up)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.PersonName, t.CourseTitle, bulkhead.FormatDate(&t.Completed), bulkhead.FormatDate(t.Expires))
	return nil
}

func cmdTrainingList(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "training list")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user listing (required)")
	var f bulkhead.PeopleFilter
	sort := listFlags(fs, &f, strings.Join(bulkhead.TrainingSorts, ", "))
	fs.StringVar(&f.PersonID, "person", "", "only this person's records")
	fs.StringVar(&f.CourseID, "course", "", "only this course's records")
	site := fs.String("site", "", "only people working at this site (ID or UN/LOCODE)")
	expiry := fs.String("expiry", "", "valid, expiring (within 30 days) or expired")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	setSort(&f, *sort)
	f.Expiry = bulkhead.ExpiryState(*expiry)
	svc, a, done, err := openAs(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	if f.SiteID, err = siteRef(ctx, svc, a, *site); err != nil {
		return err
	}
	list, total, err := svc.TrainingRecords(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPERSON\tCOURSE\tCOMPLETED\tEXPIRES\tRESULT")
	for _, t := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.PersonName, t.CourseTitle, bulkhead.FormatDate(&t.Completed), bulkhead.FormatDate(t.Expires), t.Result)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d–%d of %d\n", min(f.Offset+1, total), f.Offset+len(list), total)
	return nil
}
