package web

import (
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// personOptions lists active people (and the chosen one) for a select.
func (s *server) personOptions(c *call, chosen, empty string) ([]selectOption, error) {
	out := options(chosen, "", empty)
	err := s.svc.EachPerson(c.r.Context(), c.actor(), bulkhead.PeopleFilter{Status: bulkhead.StatusAll}, func(p *bulkhead.Person) error {
		if p.ArchivedAt == nil || p.ID == chosen {
			out = append(out, selectOption{Value: p.ID, Label: p.Name, Selected: p.ID == chosen})
		}
		return nil
	})
	return out, err
}

// ---- role assignments

func (s *server) assignmentPages() peopleKind {
	const path = "/role-assignments"
	sorts := []sortDef{{key: "person", labelKey: "people.f.person"}, {key: "role", labelKey: "people.f.role"},
		{key: "from", labelKey: "people.f.from", descLead: true}, {key: "to", labelKey: "people.f.to"}}
	k := peopleKind{path: path}
	roleOptions := func(c *call, chosen, empty string) ([]selectOption, error) {
		out := options(chosen, "", empty)
		err := s.svc.EachSecurityRole(c.r.Context(), c.actor(), bulkhead.PeopleFilter{Status: bulkhead.StatusAll}, func(r *bulkhead.SecurityRole) error {
			if r.ArchivedAt == nil || r.ID == chosen {
				out = append(out, selectOption{Value: r.ID, Label: r.Name, Selected: r.ID == chosen})
			}
			return nil
		})
		return out, err
	}
	k.list = func(c *call) error {
		l := newListQuery(c, path, sorts, "role_id", "site_id", "person_id")
		p := &peopleListPage{peopleBase: c.peopleBase(c.T("people.assignment.list")), Intro: c.T("people.assignment.intro")}
		if c.can(service.ActAssignmentManage) {
			p.NewHref, p.NewLabel = path+"/new", c.T("people.assignment.new")
		}
		roles, err := roleOptions(c, l.q.Get("role_id"), c.T("people.any_role"))
		if err != nil {
			return err
		}
		sites, _, err := s.siteOptions(c, l.q.Get("site_id"))
		if err != nil {
			return err
		}
		p.Filter, p.FilterFields = c.filterForm(l.q, "people.search",
			&formField{Name: "role_id", Label: c.T("people.f.role"), Kind: "select", Options: roles},
			&formField{Name: "site_id", Label: c.T("people.f.site"), Kind: "select", Options: append(options(l.q.Get("site_id"), "", c.T("people.any_site")), sites...)})
		list, total, err := s.svc.RoleAssignments(c.r.Context(), c.actor(), l.f)
		status, err := listError(c, p.Filter, err)
		if err != nil {
			return err
		}
		for _, x := range list {
			p.Rows = append(p.Rows, pRow{Cells: []pCell{{Text: x.PersonName, Href: path + "/" + x.ID}, {Text: x.RoleName}, {Text: bulkhead.FormatDate(&x.From), Class: "nowrap"},
				{Text: bulkhead.FormatDate(x.To), Class: "nowrap"}, {Text: x.SiteName}, c.statusCell(x.ArchivedAt != nil)}})
		}
		l.fill(c, p, len(list), total, "people.f.site", "field.status")
		s.render(c.w, c.r, status, pagePeopleList, p)
		return nil
	}
	k.export = func(c *call) error {
		l := newListQuery(c, path, sorts, "role_id", "site_id", "person_id")
		l.f.Limit = 1
		if _, _, err := s.svc.RoleAssignments(c.r.Context(), c.actor(), l.f); err != nil {
			return err
		}
		w := csvDownload(c.w, "role-assignments.csv")
		w.Write("id", "role_id", "role", "person_id", "person", "site_id", "site", "from", "to", "notes", "archived")
		err := s.svc.EachRoleAssignment(c.r.Context(), c.actor(), l.f, func(x *bulkhead.RoleAssignment) error {
			return w.Write(x.ID, x.RoleID, x.RoleName, x.PersonID, x.PersonName, x.SiteID, x.SiteName, bulkhead.FormatDate(&x.From), bulkhead.FormatDate(x.To), x.Notes, strconv.FormatBool(x.ArchivedAt != nil))
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			requestLog(c.r).Error("assignment export failed", "err", err)
		}
		return nil
	}
	show := func(c *call, status int, x *bulkhead.RoleAssignment, v url.Values, errs map[string]string) error {
		roles, err := roleOptions(c, v.Get("role_id"), c.T("people.choose"))
		if err != nil {
			return err
		}
		people, err := s.personOptions(c, v.Get("person_id"), c.T("people.choose"))
		if err != nil {
			return err
		}
		sites, _, err := s.siteOptions(c, v.Get("site_id"))
		if err != nil {
			return err
		}
		f := newForm()
		fields := []*formField{
			f.add(&formField{Name: "role_id", Label: c.T("people.f.role"), Kind: "select", Options: roles, Required: true}),
			f.add(&formField{Name: "person_id", Label: c.T("people.f.person"), Kind: "select", Options: people, Required: true}),
			f.add(&formField{Name: "site_id", Label: c.T("people.f.site"), Hint: c.T("people.hint.assignment_site"), Kind: "select", Options: append(options(v.Get("site_id"), "", c.T("people.org_wide")), sites...)}),
			f.add(&formField{Name: "from", Label: c.T("people.f.from"), Type: "date", Value: v.Get("from"), Required: true}),
			f.add(&formField{Name: "to", Label: c.T("people.f.to"), Hint: c.T("people.hint.to"), Type: "date", Value: v.Get("to")}),
			f.add(&formField{Name: "notes", Label: c.T("field.notes"), Kind: "textarea", Value: v.Get("notes"), MaxLength: 10000}),
		}
		if errs != nil {
			f.setErrors(c, errs)
		}
		recHref, recName := "", ""
		if x != nil {
			recHref, recName = path+"/"+x.ID, x.RoleName+" — "+x.PersonName
		}
		s.renderPeopleForm(c, status, c.formPage(path, "people.assignment.list", recHref, recName, "people.assignment.new", f, fields))
		return nil
	}
	input := func(v url.Values) bulkhead.RoleAssignmentInput {
		return bulkhead.RoleAssignmentInput{RoleID: getp(v, "role_id"), PersonID: getp(v, "person_id"), SiteID: getp(v, "site_id"), From: getp(v, "from"), To: getp(v, "to"), Notes: getp(v, "notes")}
	}
	k.newForm = func(c *call) error {
		if !c.can(service.ActAssignmentManage) {
			return forbidden()
		}
		v := c.r.URL.Query()
		if v.Get("from") == "" {
			v.Set("from", bulkhead.Day(bulkhead.Now()).Format(bulkhead.DateLayout))
		}
		return show(c, http.StatusOK, nil, v, nil)
	}
	k.create = func(c *call) error {
		x, err := s.svc.CreateRoleAssignment(c.r.Context(), c.actor(), input(c.r.PostForm))
		href := path
		if x != nil {
			href += "/" + x.ID
		}
		return s.saveResult(c, err, href, func(st int, errs map[string]string) error { return show(c, st, nil, c.r.PostForm, errs) })
	}
	k.editForm = func(c *call) error {
		x, err := s.svc.RoleAssignment(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.can(service.ActAssignmentManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, x, url.Values{"role_id": {x.RoleID}, "person_id": {x.PersonID}, "site_id": {x.SiteID},
			"from": {bulkhead.FormatDate(&x.From)}, "to": {bulkhead.FormatDate(x.To)}, "notes": {x.Notes}}, nil)
	}
	k.update = func(c *call) error {
		id := c.r.PathValue("id")
		_, err := s.svc.UpdateRoleAssignment(c.r.Context(), c.actor(), id, input(c.r.PostForm))
		return s.saveResult(c, err, path+"/"+id, func(st int, errs map[string]string) error {
			x, err := s.svc.RoleAssignment(c.r.Context(), c.actor(), id)
			if err != nil {
				return err
			}
			return show(c, st, x, c.r.PostForm, errs)
		})
	}
	k.archive = archiveHandler(path, func(c *call, id string, archive bool) error {
		_, err := s.svc.ArchiveRoleAssignment(c.r.Context(), c.actor(), id, archive)
		return err
	})
	k.detail = func(c *call) error {
		x, err := s.svc.RoleAssignment(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		name := x.RoleName + " — " + x.PersonName
		p := &peopleDetailPage{peopleBase: c.peopleBase(name), Kind: c.T("people.assignment.kind"), Name: name, ListHref: path, ListTitle: c.T("people.assignment.list"),
			Self: path + "/" + x.ID, Archived: x.ArchivedAt != nil, CanManage: c.can(service.ActAssignmentManage), ActivityHref: c.activity("role_assignment", x.ID)}
		site := pFact{Label: c.T("people.f.site"), Value: c.T("people.org_wide")}
		if x.SiteID != "" {
			site.Value, site.Href = x.SiteName, "/sites/"+x.SiteID
		}
		p.Facts = []pFact{{Label: c.T("people.f.role"), Value: x.RoleName, Href: "/security-roles/" + x.RoleID}, {Label: c.T("people.f.person"), Value: x.PersonName, Href: "/people/" + x.PersonID},
			site, {Label: c.T("people.f.from"), Value: bulkhead.FormatDate(&x.From)}, {Label: c.T("people.f.to"), Value: bulkhead.FormatDate(x.To)}, {Label: c.T("field.notes"), Value: x.Notes, Pre: true}}
		s.render(c.w, c.r, http.StatusOK, pagePeopleDetail, p)
		return nil
	}
	return k
}

// ---- processes (rows of the RACI matrix)

func (s *server) processPages() peopleKind {
	const path = "/raci/processes"
	sorts := []sortDef{{key: "name", labelKey: "field.name"}, {key: "updated_at", labelKey: "field.updated", descLead: true}}
	k := peopleKind{path: path}
	k.list = func(c *call) error {
		l := newListQuery(c, path, sorts)
		p := &peopleListPage{peopleBase: c.peopleBase(c.T("people.process.list")), Intro: c.T("people.process.intro")}
		if c.can(service.ActRACIManage) {
			p.NewHref, p.NewLabel = path+"/new", c.T("people.process.new")
		}
		p.Filter, p.FilterFields = c.filterForm(l.q, "people.search")
		list, total, err := s.svc.Processes(c.r.Context(), c.actor(), l.f)
		status, err := listError(c, p.Filter, err)
		if err != nil {
			return err
		}
		for _, x := range list {
			p.Rows = append(p.Rows, pRow{Cells: []pCell{{Text: x.Name, Href: path + "/" + x.ID}, {Text: c.dateTime(x.UpdatedAt), Class: "nowrap"}, {Text: clip(x.Description, 120)}, c.statusCell(x.ArchivedAt != nil)}})
		}
		l.fill(c, p, len(list), total, "people.f.description", "field.status")
		s.render(c.w, c.r, status, pagePeopleList, p)
		return nil
	}
	k.export = func(c *call) error {
		l := newListQuery(c, path, sorts)
		l.f.Limit = 1
		if _, _, err := s.svc.Processes(c.r.Context(), c.actor(), l.f); err != nil {
			return err
		}
		w := csvDownload(c.w, "processes.csv")
		w.Write("id", "name", "description", "archived")
		err := s.svc.EachProcess(c.r.Context(), c.actor(), l.f, func(x *bulkhead.Process) error {
			return w.Write(x.ID, x.Name, x.Description, strconv.FormatBool(x.ArchivedAt != nil))
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			requestLog(c.r).Error("process export failed", "err", err)
		}
		return nil
	}
	show := func(c *call, status int, x *bulkhead.Process, v url.Values, errs map[string]string) error {
		f := newForm()
		fields := []*formField{
			f.add(&formField{Name: "name", Label: c.T("field.name"), Value: v.Get("name"), Required: true, MaxLength: 200, Autocomplete: "off"}),
			f.add(&formField{Name: "description", Label: c.T("people.f.description"), Kind: "textarea", Value: v.Get("description"), MaxLength: 10000}),
		}
		if errs != nil {
			f.setErrors(c, errs)
		}
		recHref, recName := "", ""
		if x != nil {
			recHref, recName = path+"/"+x.ID, x.Name
		}
		s.renderPeopleForm(c, status, c.formPage(path, "people.process.list", recHref, recName, "people.process.new", f, fields))
		return nil
	}
	input := func(v url.Values) bulkhead.ProcessInput {
		return bulkhead.ProcessInput{Name: getp(v, "name"), Description: getp(v, "description")}
	}
	k.newForm = func(c *call) error {
		if !c.can(service.ActRACIManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, nil, url.Values{}, nil)
	}
	k.create = func(c *call) error {
		x, err := s.svc.CreateProcess(c.r.Context(), c.actor(), input(c.r.PostForm))
		href := path
		if x != nil {
			href += "/" + x.ID
		}
		return s.saveResult(c, err, href, func(st int, errs map[string]string) error { return show(c, st, nil, c.r.PostForm, errs) })
	}
	k.editForm = func(c *call) error {
		x, err := s.svc.Process(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.can(service.ActRACIManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, x, url.Values{"name": {x.Name}, "description": {x.Description}}, nil)
	}
	k.update = func(c *call) error {
		id := c.r.PathValue("id")
		_, err := s.svc.UpdateProcess(c.r.Context(), c.actor(), id, input(c.r.PostForm))
		return s.saveResult(c, err, path+"/"+id, func(st int, errs map[string]string) error {
			x, err := s.svc.Process(c.r.Context(), c.actor(), id)
			if err != nil {
				return err
			}
			return show(c, st, x, c.r.PostForm, errs)
		})
	}
	k.archive = archiveHandler(path, func(c *call, id string, archive bool) error {
		_, err := s.svc.ArchiveProcess(c.r.Context(), c.actor(), id, archive)
		return err
	})
	k.detail = func(c *call) error {
		x, err := s.svc.Process(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		p := &peopleDetailPage{peopleBase: c.peopleBase(x.Name), Kind: c.T("people.process.kind"), Name: x.Name, ListHref: "/raci", ListTitle: c.T("people.tab.raci"),
			Self: path + "/" + x.ID, Archived: x.ArchivedAt != nil, CanManage: c.can(service.ActRACIManage), ActivityHref: c.activity("process", x.ID)}
		p.Facts = []pFact{{Label: c.T("people.f.description"), Value: x.Description, Pre: true}}
		cells, err := s.svc.RACI(c.r.Context(), c.actor())
		if err != nil {
			return err
		}
		sec := pSection{Title: c.T("people.tab.raci"), Columns: []string{c.T("people.f.role"), c.T("people.f.raci")}}
		err = s.svc.EachSecurityRole(c.r.Context(), c.actor(), bulkhead.PeopleFilter{Status: bulkhead.StatusAll}, func(r *bulkhead.SecurityRole) error {
			for _, cell := range cells {
				if cell.ProcessID == x.ID && cell.RoleID == r.ID {
					sec.Rows = append(sec.Rows, pRow{Cells: []pCell{{Text: r.Name, Href: "/security-roles/" + r.ID}, {Text: cell.Value + " · " + c.T("people.raci."+strings.ToLower(cell.Value))}}})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		p.Sections = append(p.Sections, sec)
		s.render(c.w, c.r, http.StatusOK, pagePeopleDetail, p)
		return nil
	}
	return k
}

// ---- courses

func (s *server) coursePages() peopleKind {
	const path = "/courses"
	sorts := []sortDef{{key: "title", labelKey: "people.f.title"}, {key: "recurrence_months", labelKey: "people.f.recurrence"},
		{key: "delivery", labelKey: "people.f.delivery"}, {key: "updated_at", labelKey: "field.updated", descLead: true}}
	k := peopleKind{path: path}
	recurrence := func(c *call, m int) string {
		if m == 0 {
			return c.T("people.once")
		}
		return c.T("people.every_months", m)
	}
	k.list = func(c *call) error {
		l := newListQuery(c, path, sorts)
		p := &peopleListPage{peopleBase: c.peopleBase(c.T("people.course.list")), Intro: c.T("people.course.intro")}
		if c.can(service.ActCourseManage) {
			p.NewHref, p.NewLabel = path+"/new", c.T("people.course.new")
		}
		p.Filter, p.FilterFields = c.filterForm(l.q, "people.search")
		list, total, err := s.svc.Courses(c.r.Context(), c.actor(), l.f)
		status, err := listError(c, p.Filter, err)
		if err != nil {
			return err
		}
		_, names, err := s.competenceOptions(c, nil)
		if err != nil {
			return err
		}
		for _, x := range list {
			var cs []string
			for _, id := range x.CompetenceIDs {
				cs = append(cs, names[id])
			}
			p.Rows = append(p.Rows, pRow{Cells: []pCell{{Text: x.Title, Href: path + "/" + x.ID}, {Text: recurrence(c, x.RecurrenceMonths)},
				{Text: c.peopleT("people.delivery." + string(x.Delivery))}, {Text: c.dateTime(x.UpdatedAt), Class: "nowrap"}, {Text: strings.Join(cs, ", ")}, c.statusCell(x.ArchivedAt != nil)}})
		}
		l.fill(c, p, len(list), total, "people.f.competences", "field.status")
		s.render(c.w, c.r, status, pagePeopleList, p)
		return nil
	}
	k.export = func(c *call) error {
		l := newListQuery(c, path, sorts)
		l.f.Limit = 1
		if _, _, err := s.svc.Courses(c.r.Context(), c.actor(), l.f); err != nil {
			return err
		}
		w := csvDownload(c.w, "courses.csv")
		w.Write("id", "title", "description", "competence_ids", "recurrence_months", "delivery", "archived")
		err := s.svc.EachCourse(c.r.Context(), c.actor(), l.f, func(x *bulkhead.Course) error {
			return w.Write(x.ID, x.Title, x.Description, strings.Join(x.CompetenceIDs, " "), strconv.Itoa(x.RecurrenceMonths), string(x.Delivery), strconv.FormatBool(x.ArchivedAt != nil))
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			requestLog(c.r).Error("course export failed", "err", err)
		}
		return nil
	}
	show := func(c *call, status int, x *bulkhead.Course, v url.Values, errs map[string]string) error {
		comps, _, err := s.competenceOptions(c, v["competence_ids"])
		if err != nil {
			return err
		}
		dels := options(v.Get("delivery"), "", c.T("people.choose"))
		for _, d := range bulkhead.CourseDeliveries {
			dels = append(dels, selectOption{Value: string(d), Label: c.peopleT("people.delivery." + string(d)), Selected: v.Get("delivery") == string(d)})
		}
		f := newForm()
		fields := []*formField{
			f.add(&formField{Name: "title", Label: c.T("people.f.title"), Value: v.Get("title"), Required: true, MaxLength: 200, Autocomplete: "off"}),
			f.add(&formField{Name: "description", Label: c.T("people.f.description"), Kind: "textarea", Value: v.Get("description"), MaxLength: 10000}),
			f.add(&formField{Name: "recurrence_months", Label: c.T("people.f.recurrence"), Hint: c.T("people.hint.recurrence"), Type: "number", InputMode: "numeric", Min: "0", Max: "240", Value: v.Get("recurrence_months")}),
			f.add(&formField{Name: "delivery", Label: c.T("people.f.delivery"), Kind: "select", Options: dels, Required: true}),
			f.add(&formField{Name: "competence_ids", Label: c.T("people.f.gives"), Kind: "checkboxes", Options: comps}),
		}
		if errs != nil {
			f.setErrors(c, errs)
		}
		recHref, recName := "", ""
		if x != nil {
			recHref, recName = path+"/"+x.ID, x.Title
		}
		s.renderPeopleForm(c, status, c.formPage(path, "people.course.list", recHref, recName, "people.course.new", f, fields))
		return nil
	}
	input := func(v url.Values) (bulkhead.CourseInput, map[string]string) {
		in := bulkhead.CourseInput{Title: getp(v, "title"), Description: getp(v, "description"), Delivery: getp(v, "delivery"), CompetenceIDs: getList(v, "competence_ids")}
		m := 0
		if r := strings.TrimSpace(v.Get("recurrence_months")); r != "" {
			var err error
			if m, err = strconv.Atoi(r); err != nil {
				return in, map[string]string{"recurrence_months": bulkhead.FieldInvalid}
			}
		}
		in.RecurrenceMonths = &m
		return in, nil
	}
	k.newForm = func(c *call) error {
		if !c.can(service.ActCourseManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, nil, url.Values{"recurrence_months": {"12"}}, nil)
	}
	k.create = func(c *call) error {
		in, bad := input(c.r.PostForm)
		if bad != nil {
			return show(c, http.StatusUnprocessableEntity, nil, c.r.PostForm, bad)
		}
		x, err := s.svc.CreateCourse(c.r.Context(), c.actor(), in)
		href := path
		if x != nil {
			href += "/" + x.ID
		}
		return s.saveResult(c, err, href, func(st int, errs map[string]string) error { return show(c, st, nil, c.r.PostForm, errs) })
	}
	k.editForm = func(c *call) error {
		x, err := s.svc.Course(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.can(service.ActCourseManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, x, url.Values{"title": {x.Title}, "description": {x.Description}, "recurrence_months": {strconv.Itoa(x.RecurrenceMonths)},
			"delivery": {string(x.Delivery)}, "competence_ids": x.CompetenceIDs}, nil)
	}
	k.update = func(c *call) error {
		id := c.r.PathValue("id")
		x, err := s.svc.Course(c.r.Context(), c.actor(), id)
		if err != nil {
			return err
		}
		in, bad := input(c.r.PostForm)
		if bad != nil {
			return show(c, http.StatusUnprocessableEntity, x, c.r.PostForm, bad)
		}
		_, err = s.svc.UpdateCourse(c.r.Context(), c.actor(), id, in)
		return s.saveResult(c, err, path+"/"+id, func(st int, errs map[string]string) error { return show(c, st, x, c.r.PostForm, errs) })
	}
	k.archive = archiveHandler(path, func(c *call, id string, archive bool) error {
		_, err := s.svc.ArchiveCourse(c.r.Context(), c.actor(), id, archive)
		return err
	})
	k.detail = func(c *call) error {
		x, err := s.svc.Course(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		_, names, err := s.competenceOptions(c, nil)
		if err != nil {
			return err
		}
		p := &peopleDetailPage{peopleBase: c.peopleBase(x.Title), Kind: c.T("people.course.kind"), Name: x.Title, ListHref: path, ListTitle: c.T("people.course.list"),
			Self: path + "/" + x.ID, Archived: x.ArchivedAt != nil, CanManage: c.can(service.ActCourseManage), ActivityHref: c.activity("course", x.ID)}
		var comps []pLink
		for _, id := range x.CompetenceIDs {
			comps = append(comps, pLink{Text: names[id], Href: "/competences/" + id})
		}
		p.Facts = []pFact{{Label: c.T("people.f.description"), Value: x.Description, Pre: true}, {Label: c.T("people.f.recurrence"), Value: recurrence(c, x.RecurrenceMonths)},
			{Label: c.T("people.f.delivery"), Value: c.peopleT("people.delivery." + string(x.Delivery))}, {Label: c.T("people.f.gives"), Links: comps}}
		trs, _, err := s.svc.TrainingRecords(c.r.Context(), c.actor(), bulkhead.PeopleFilter{CourseID: x.ID, Sort: "completed", Desc: true, Limit: 50})
		if err != nil {
			return err
		}
		p.Sections = append(p.Sections, s.trainingSection(c, trs, "/training/new?course_id="+x.ID, x.ArchivedAt == nil, true))
		s.render(c.w, c.r, http.StatusOK, pagePeopleDetail, p)
		return nil
	}
	return k
}

// ---- training records

func (s *server) trainingPages() peopleKind {
	const path = "/training"
	sorts := []sortDef{{key: "completed", labelKey: "people.f.completed", descLead: true}, {key: "person", labelKey: "people.f.person"},
		{key: "course", labelKey: "people.f.course"}, {key: "expires", labelKey: "people.f.expires"}}
	k := peopleKind{path: path, multipart: true}
	courseOptions := func(c *call, chosen string) ([]selectOption, error) {
		out := options(chosen, "", c.T("people.choose"))
		err := s.svc.EachCourse(c.r.Context(), c.actor(), bulkhead.PeopleFilter{Status: bulkhead.StatusAll}, func(x *bulkhead.Course) error {
			if x.ArchivedAt == nil || x.ID == chosen {
				out = append(out, selectOption{Value: x.ID, Label: x.Title, Selected: x.ID == chosen})
			}
			return nil
		})
		return out, err
	}
	k.list = func(c *call) error {
		l := newListQuery(c, path, sorts, "site_id", "expiry", "person_id", "course_id")
		p := &peopleListPage{peopleBase: c.peopleBase(c.T("people.training.list")), Intro: c.T("people.training.intro")}
		if c.can(service.ActTrainingManage) {
			p.NewHref, p.NewLabel = path+"/new", c.T("people.training.new")
		}
		sites, _, err := s.siteOptions(c, l.q.Get("site_id"))
		if err != nil {
			return err
		}
		exp := l.q.Get("expiry")
		p.Filter, p.FilterFields = c.filterForm(l.q, "people.training.search",
			&formField{Name: "site_id", Label: c.T("people.f.site"), Kind: "select", Options: append(options(l.q.Get("site_id"), "", c.T("people.any_site")), sites...)},
			&formField{Name: "expiry", Label: c.T("people.f.expiry_state"), Kind: "select", Options: options(exp, "", c.T("people.any_state"),
				string(bulkhead.StateValid), c.T("people.state.valid"), string(bulkhead.StateExpiring), c.T("people.state.expiring"), string(bulkhead.StateExpired), c.T("people.state.expired"))})
		list, total, err := s.svc.TrainingRecords(c.r.Context(), c.actor(), l.f)
		status, err := listError(c, p.Filter, err)
		if err != nil {
			return err
		}
		today := bulkhead.Day(bulkhead.Now())
		for _, x := range list {
			ev := pCell{}
			if x.EvidenceFileID != "" {
				ev = pCell{Text: x.EvidenceName, Href: path + "/" + x.ID + "/evidence"}
			} else if x.EvidenceNote != "" {
				ev = pCell{Text: clip(x.EvidenceNote, 60)}
			}
			p.Rows = append(p.Rows, pRow{Cells: []pCell{{Text: bulkhead.FormatDate(&x.Completed), Href: path + "/" + x.ID, Class: "nowrap"}, {Text: x.PersonName, Href: "/people/" + x.PersonID},
				{Text: x.CourseTitle}, c.stateCell(bulkhead.ExpiryStateOn(x.Expires, today), bulkhead.FormatDate(x.Expires)),
				{Text: c.peopleT("people.result." + string(x.Result))}, ev, c.statusCell(x.ArchivedAt != nil)}})
		}
		l.fill(c, p, len(list), total, "people.f.result", "people.f.evidence", "field.status")
		s.render(c.w, c.r, status, pagePeopleList, p)
		return nil
	}
	k.export = func(c *call) error {
		l := newListQuery(c, path, sorts, "site_id", "expiry", "person_id", "course_id")
		l.f.Limit = 1
		if _, _, err := s.svc.TrainingRecords(c.r.Context(), c.actor(), l.f); err != nil {
			return err
		}
		w := csvDownload(c.w, "training.csv")
		w.Write("id", "person_id", "person", "course_id", "course", "completed", "expires", "result", "evidence_note", "evidence_file", "archived")
		err := s.svc.EachTrainingRecord(c.r.Context(), c.actor(), l.f, func(x *bulkhead.TrainingRecord) error {
			return w.Write(x.ID, x.PersonID, x.PersonName, x.CourseID, x.CourseTitle, bulkhead.FormatDate(&x.Completed), bulkhead.FormatDate(x.Expires), string(x.Result),
				x.EvidenceNote, x.EvidenceName, strconv.FormatBool(x.ArchivedAt != nil))
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			requestLog(c.r).Error("training export failed", "err", err)
		}
		return nil
	}
	show := func(c *call, status int, x *bulkhead.TrainingRecord, v url.Values, errs map[string]string) error {
		people, err := s.personOptions(c, v.Get("person_id"), c.T("people.choose"))
		if err != nil {
			return err
		}
		courses, err := courseOptions(c, v.Get("course_id"))
		if err != nil {
			return err
		}
		results := []selectOption{}
		for _, r := range bulkhead.TrainingResults {
			results = append(results, selectOption{Value: string(r), Label: c.peopleT("people.result." + string(r)), Selected: v.Get("result") == string(r)})
		}
		f := newForm()
		fields := []*formField{
			f.add(&formField{Name: "person_id", Label: c.T("people.f.person"), Kind: "select", Options: people, Required: true}),
			f.add(&formField{Name: "course_id", Label: c.T("people.f.course"), Kind: "select", Options: courses, Required: true}),
			f.add(&formField{Name: "completed", Label: c.T("people.f.completed"), Type: "date", Value: v.Get("completed"), Required: true}),
			f.add(&formField{Name: "expires", Label: c.T("people.f.expires"), Hint: c.T("people.hint.expires"), Type: "date", Value: v.Get("expires")}),
			f.add(&formField{Name: "result", Label: c.T("people.f.result"), Kind: "select", Options: results, Required: true}),
			f.add(&formField{Name: "evidence_note", Label: c.T("people.f.evidence_note"), Hint: c.T("people.hint.evidence_note"), Kind: "textarea", Value: v.Get("evidence_note"), MaxLength: 2000}),
			f.add(&formField{Name: "evidence_file", Label: c.T("people.f.evidence_file"), Hint: c.T("people.hint.evidence_file"), Type: "file"}),
		}
		if errs != nil {
			f.setErrors(c, errs)
		}
		recHref, recName := "", ""
		if x != nil {
			recHref, recName = path+"/"+x.ID, x.PersonName+" — "+x.CourseTitle
		}
		p := c.formPage(path, "people.training.list", recHref, recName, "people.training.new", f, fields)
		p.Multipart = true
		s.renderPeopleForm(c, status, p)
		return nil
	}
	input := func(v url.Values) bulkhead.TrainingInput {
		return bulkhead.TrainingInput{PersonID: getp(v, "person_id"), CourseID: getp(v, "course_id"), Completed: getp(v, "completed"), Expires: getp(v, "expires"),
			Result: getp(v, "result"), EvidenceNote: getp(v, "evidence_note")}
	}
	k.newForm = func(c *call) error {
		if !c.can(service.ActTrainingManage) {
			return forbidden()
		}
		v := c.r.URL.Query()
		if v.Get("completed") == "" {
			v.Set("completed", bulkhead.Day(bulkhead.Now()).Format(bulkhead.DateLayout))
		}
		return show(c, http.StatusOK, nil, v, nil)
	}
	k.create = func(c *call) error {
		up, err := upload(c)
		if err != nil {
			return err
		}
		x, err := s.svc.CreateTrainingRecord(c.r.Context(), c.actor(), input(c.r.PostForm), up)
		href := path
		if x != nil {
			href += "/" + x.ID
		}
		return s.saveResult(c, err, href, func(st int, errs map[string]string) error { return show(c, st, nil, c.r.PostForm, errs) })
	}
	k.editForm = func(c *call) error {
		x, err := s.svc.TrainingRecord(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.can(service.ActTrainingManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, x, url.Values{"person_id": {x.PersonID}, "course_id": {x.CourseID}, "completed": {bulkhead.FormatDate(&x.Completed)},
			"expires": {bulkhead.FormatDate(x.Expires)}, "result": {string(x.Result)}, "evidence_note": {x.EvidenceNote}}, nil)
	}
	k.update = func(c *call) error {
		id := c.r.PathValue("id")
		up, err := upload(c)
		if err != nil {
			return err
		}
		_, err = s.svc.UpdateTrainingRecord(c.r.Context(), c.actor(), id, input(c.r.PostForm), up)
		return s.saveResult(c, err, path+"/"+id, func(st int, errs map[string]string) error {
			x, err := s.svc.TrainingRecord(c.r.Context(), c.actor(), id)
			if err != nil {
				return err
			}
			return show(c, st, x, c.r.PostForm, errs)
		})
	}
	k.archive = archiveHandler(path, func(c *call, id string, archive bool) error {
		_, err := s.svc.ArchiveTrainingRecord(c.r.Context(), c.actor(), id, archive)
		return err
	})
	k.detail = func(c *call) error {
		x, err := s.svc.TrainingRecord(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		name := x.PersonName + " — " + x.CourseTitle
		p := &peopleDetailPage{peopleBase: c.peopleBase(name), Kind: c.T("people.training.kind"), Name: name, ListHref: path, ListTitle: c.T("people.training.list"),
			Self: path + "/" + x.ID, Archived: x.ArchivedAt != nil, CanManage: c.can(service.ActTrainingManage), ActivityHref: c.activity("training_record", x.ID)}
		state := bulkhead.ExpiryStateOn(x.Expires, bulkhead.Day(bulkhead.Now()))
		expires := c.T("people.no_expiry")
		if x.Expires != nil {
			expires = c.T("people.state."+string(state)) + " · " + bulkhead.FormatDate(x.Expires)
		}
		file := pFact{Label: c.T("people.f.evidence_file")}
		if x.EvidenceFileID != "" {
			file.Value, file.Href = x.EvidenceName, path+"/"+x.ID+"/evidence"
		}
		p.Facts = []pFact{{Label: c.T("people.f.person"), Value: x.PersonName, Href: "/people/" + x.PersonID}, {Label: c.T("people.f.course"), Value: x.CourseTitle, Href: "/courses/" + x.CourseID},
			{Label: c.T("people.f.completed"), Value: bulkhead.FormatDate(&x.Completed)}, {Label: c.T("people.f.expires"), Value: expires},
			{Label: c.T("people.f.result"), Value: c.peopleT("people.result." + string(x.Result))}, {Label: c.T("people.f.evidence_note"), Value: x.EvidenceNote, Pre: true}, file}
		if x.EvidenceFileID != "" {
			if ev, err := s.svc.TrainingEvidence(c.r.Context(), c.actor(), x.ID); err == nil {
				p.Facts = append(p.Facts, pFact{Label: c.T("people.f.sha256"), Value: ev.SHA256}, pFact{Label: c.T("people.f.file_type"), Value: ev.ContentType + " · " + strconv.FormatInt(ev.Size, 10) + " B"})
			}
		}
		s.render(c.w, c.r, http.StatusOK, pagePeopleDetail, p)
		return nil
	}
	return k
}

// trainingEvidence sends a training record's evidence file (GET
// /training/{id}/evidence) as a download of the type sniffed when it was
// stored, so that a browser never runs it as a page.
func (s *server) trainingEvidence(c *call) error {
	ev, err := s.svc.TrainingEvidence(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", ev.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(ev.Data)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ev.Name}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+ev.SHA256+`"`)
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(ev.Data)
	return nil
}
