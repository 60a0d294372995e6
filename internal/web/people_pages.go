package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// peopleKinds returns the pages of each record type of the register.
func peopleKinds(s *server) []peopleKind {
	return []peopleKind{s.personPages(), s.competencePages(), s.rolePages(), s.assignmentPages(), s.processPages(), s.coursePages(), s.trainingPages()}
}

// archiveHandler archives or restores a record and goes back to it.
func archiveHandler(path string, fn func(c *call, id string, archive bool) error) func(c *call, archive bool) error {
	return func(c *call, archive bool) error {
		id := c.r.PathValue("id")
		if err := fn(c, id, archive); err != nil {
			return err
		}
		return c.archivedFlash(path+"/"+id, archive)
	}
}

// saveResult answers a create or update: a redirect, the form again with
// its errors, or the error.
func (s *server) saveResult(c *call, err error, href string, reshow func(status int, errs map[string]string) error) error {
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.saved(href)
	case bulkhead.EINVALID:
		return reshow(http.StatusUnprocessableEntity, bulkhead.ErrorFields(err))
	}
	return err
}

// ---- people

func (s *server) personPages() peopleKind {
	const path = "/people"
	sorts := []sortDef{{key: "name", labelKey: "field.name"}, {key: "job_title", labelKey: "people.f.job_title"},
		{key: "employer", labelKey: "people.f.employer"}, {key: "updated_at", labelKey: "field.updated", descLead: true}}
	k := peopleKind{path: path}
	k.list = func(c *call) error {
		l := newListQuery(c, path, sorts, "site_id", "employer")
		sites, names, err := s.siteOptions(c, l.q.Get("site_id"))
		if err != nil {
			return err
		}
		p := &peopleListPage{peopleBase: c.peopleBase(c.T("people.person.list")), Intro: c.T("people.person.intro")}
		if c.can(service.ActPersonManage) {
			p.NewHref, p.NewLabel = path+"/new", c.T("people.person.new")
		}
		p.Filter, p.FilterFields = c.filterForm(l.q, "people.person.search",
			&formField{Name: "site_id", Label: c.T("people.f.site"), Kind: "select", Options: append(options(l.q.Get("site_id"), "", c.T("people.any_site")), sites...)},
			&formField{Name: "employer", Label: c.T("people.f.employer"), Hint: c.T("people.hint.employer_filter"), Value: l.q.Get("employer"), MaxLength: 200})
		list, total, err := s.svc.People(c.r.Context(), c.actor(), l.f)
		status, err := listError(c, p.Filter, err)
		if err != nil {
			return err
		}
		for _, x := range list {
			var ss []string
			for _, id := range x.SiteIDs {
				ss = append(ss, names[id])
			}
			emp := x.Employer
			if emp == "" {
				emp = c.T("people.own_staff")
			}
			p.Rows = append(p.Rows, pRow{Cells: []pCell{{Text: x.Name, Href: path + "/" + x.ID}, {Text: x.JobTitle}, {Text: emp}, {Text: c.dateTime(x.UpdatedAt), Class: "nowrap"},
				{Text: strings.Join(ss, ", ")}, c.statusCell(x.ArchivedAt != nil)}})
		}
		l.fill(c, p, len(list), total, "people.f.sites", "field.status")
		s.render(c.w, c.r, status, pagePeopleList, p)
		return nil
	}
	k.export = func(c *call) error {
		l := newListQuery(c, path, sorts, "site_id", "employer")
		l.f.Limit = 1
		if _, _, err := s.svc.People(c.r.Context(), c.actor(), l.f); err != nil {
			return err
		}
		w := csvDownload(c.w, "people.csv")
		w.Write("id", "name", "email", "job_title", "employer", "user_id", "site_ids", "notes", "archived")
		err := s.svc.EachPerson(c.r.Context(), c.actor(), l.f, func(x *bulkhead.Person) error {
			return w.Write(x.ID, x.Name, x.Email, x.JobTitle, x.Employer, x.UserID, strings.Join(x.SiteIDs, " "), x.Notes, strconv.FormatBool(x.ArchivedAt != nil))
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			requestLog(c.r).Error("people export failed", "err", err)
		}
		return nil
	}
	form := func(c *call, v url.Values, errs map[string]string) (*form, []*formField, error) {
		sites, _, err := s.siteOptions(c, v["site_ids"]...)
		if err != nil {
			return nil, nil, err
		}
		members := options(v.Get("user_id"), "", c.T("people.not_a_user"))
		if c.can(service.ActMemberRead) {
			ms, err := s.svc.Members(c.r.Context(), c.actor())
			if err != nil {
				return nil, nil, err
			}
			for _, m := range ms {
				members = append(members, selectOption{Value: m.UserID, Label: m.UserName + " <" + m.Email + ">", Selected: v.Get("user_id") == m.UserID})
			}
		} else if u := v.Get("user_id"); u != "" {
			members = append(members, selectOption{Value: u, Label: u, Selected: true})
		}
		f := newForm()
		fields := []*formField{
			f.add(&formField{Name: "name", Label: c.T("field.name"), Value: v.Get("name"), Required: true, MaxLength: 200, Autocomplete: "off"}),
			f.add(&formField{Name: "email", Label: c.T("field.email"), Type: "email", Value: v.Get("email"), MaxLength: 254, Autocomplete: "off"}),
			f.add(&formField{Name: "job_title", Label: c.T("people.f.job_title"), Value: v.Get("job_title"), MaxLength: 200}),
			f.add(&formField{Name: "employer", Label: c.T("people.f.employer"), Hint: c.T("people.hint.employer"), Value: v.Get("employer"), MaxLength: 200}),
			f.add(&formField{Name: "user_id", Label: c.T("people.f.user"), Hint: c.T("people.hint.user"), Kind: "select", Options: members}),
			f.add(&formField{Name: "site_ids", Label: c.T("people.f.sites"), Kind: "checkboxes", Options: sites}),
			f.add(&formField{Name: "notes", Label: c.T("field.notes"), Kind: "textarea", Value: v.Get("notes"), MaxLength: 10000}),
		}
		if errs != nil {
			f.setErrors(c, errs)
		}
		return f, fields, nil
	}
	values := func(x *bulkhead.Person) url.Values {
		return url.Values{"name": {x.Name}, "email": {x.Email}, "job_title": {x.JobTitle}, "employer": {x.Employer}, "user_id": {x.UserID}, "site_ids": x.SiteIDs, "notes": {x.Notes}}
	}
	input := func(v url.Values) bulkhead.PersonInput {
		return bulkhead.PersonInput{Name: getp(v, "name"), Email: getp(v, "email"), JobTitle: getp(v, "job_title"), Employer: getp(v, "employer"),
			UserID: getp(v, "user_id"), SiteIDs: getList(v, "site_ids"), Notes: getp(v, "notes")}
	}
	show := func(c *call, status int, x *bulkhead.Person, v url.Values, errs map[string]string) error {
		f, fields, err := form(c, v, errs)
		if err != nil {
			return err
		}
		recHref, recName := "", ""
		if x != nil {
			recHref, recName = path+"/"+x.ID, x.Name
		}
		s.renderPeopleForm(c, status, c.formPage(path, "people.person.list", recHref, recName, "people.person.new", f, fields))
		return nil
	}
	k.newForm = func(c *call) error {
		if !c.can(service.ActPersonManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, nil, c.r.URL.Query(), nil)
	}
	k.create = func(c *call) error {
		x, err := s.svc.CreatePerson(c.r.Context(), c.actor(), input(c.r.PostForm))
		href := path
		if x != nil {
			href += "/" + x.ID
		}
		return s.saveResult(c, err, href, func(st int, errs map[string]string) error { return show(c, st, nil, c.r.PostForm, errs) })
	}
	k.editForm = func(c *call) error {
		x, err := s.svc.Person(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.can(service.ActPersonManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, x, values(x), nil)
	}
	k.update = func(c *call) error {
		id := c.r.PathValue("id")
		_, err := s.svc.UpdatePerson(c.r.Context(), c.actor(), id, input(c.r.PostForm))
		return s.saveResult(c, err, path+"/"+id, func(st int, errs map[string]string) error {
			x, err := s.svc.Person(c.r.Context(), c.actor(), id)
			if err != nil {
				return err
			}
			return show(c, st, x, c.r.PostForm, errs)
		})
	}
	k.archive = archiveHandler(path, func(c *call, id string, archive bool) error {
		_, err := s.svc.ArchivePerson(c.r.Context(), c.actor(), id, archive)
		return err
	})
	k.detail = func(c *call) error {
		x, err := s.svc.Person(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		_, names, err := s.siteOptions(c)
		if err != nil {
			return err
		}
		p := &peopleDetailPage{peopleBase: c.peopleBase(x.Name), Kind: c.T("people.person.kind"), Name: x.Name, ListHref: path, ListTitle: c.T("people.person.list"),
			Self: path + "/" + x.ID, Archived: x.ArchivedAt != nil, CanManage: c.can(service.ActPersonManage), ActivityHref: c.activity("person", x.ID)}
		var sites []pLink
		for _, id := range x.SiteIDs {
			sites = append(sites, pLink{Text: names[id], Href: "/sites/" + id})
		}
		emp := x.Employer
		if emp == "" {
			emp = c.T("people.own_staff")
		}
		user := ""
		if x.UserID != "" {
			user = c.T("people.is_user")
		}
		p.Facts = []pFact{{Label: c.T("field.email"), Value: x.Email}, {Label: c.T("people.f.job_title"), Value: x.JobTitle}, {Label: c.T("people.f.employer"), Value: emp},
			{Label: c.T("people.f.user"), Value: user}, {Label: c.T("people.f.sites"), Links: sites}, {Label: c.T("field.notes"), Value: x.Notes, Pre: true}}
		as, _, err := s.svc.RoleAssignments(c.r.Context(), c.actor(), bulkhead.PeopleFilter{PersonID: x.ID, Status: bulkhead.StatusAll, Limit: bulkhead.MaxPageSize})
		if err != nil {
			return err
		}
		sec := pSection{Title: c.T("people.tab.assignments"), Columns: []string{c.T("people.f.role"), c.T("people.f.site"), c.T("people.f.from"), c.T("people.f.to"), c.T("field.status")}}
		if c.can(service.ActAssignmentManage) && x.ArchivedAt == nil {
			sec.AddHref, sec.AddLabel = "/role-assignments/new?person_id="+x.ID, c.T("people.assignment.new")
		}
		for _, a := range as {
			sec.Rows = append(sec.Rows, pRow{Cells: []pCell{{Text: a.RoleName, Href: "/role-assignments/" + a.ID}, {Text: a.SiteName}, {Text: bulkhead.FormatDate(&a.From)}, {Text: bulkhead.FormatDate(a.To)}, c.statusCell(a.ArchivedAt != nil)}})
		}
		p.Sections = append(p.Sections, sec)
		trs, _, err := s.svc.TrainingRecords(c.r.Context(), c.actor(), bulkhead.PeopleFilter{PersonID: x.ID, Sort: "completed", Desc: true, Limit: bulkhead.MaxPageSize})
		if err != nil {
			return err
		}
		p.Sections = append(p.Sections, s.trainingSection(c, trs, "/training/new?person_id="+x.ID, x.ArchivedAt == nil, false))
		s.render(c.w, c.r, http.StatusOK, pagePeopleDetail, p)
		return nil
	}
	return k
}

// trainingSection is a table of training records on a detail page.
func (s *server) trainingSection(c *call, trs []*bulkhead.TrainingRecord, addHref string, canAdd, byPerson bool) pSection {
	first := c.T("people.f.course")
	if byPerson {
		first = c.T("people.f.person")
	}
	sec := pSection{Title: c.T("people.tab.training"), Columns: []string{first, c.T("people.f.completed"), c.T("people.f.expires"), c.T("people.f.result")}}
	if canAdd && c.can(service.ActTrainingManage) {
		sec.AddHref, sec.AddLabel = addHref, c.T("people.training.new")
	}
	today := bulkhead.Day(bulkhead.Now())
	for _, t := range trs {
		name := t.CourseTitle
		if byPerson {
			name = t.PersonName
		}
		sec.Rows = append(sec.Rows, pRow{Cells: []pCell{{Text: name, Href: "/training/" + t.ID}, {Text: bulkhead.FormatDate(&t.Completed)},
			c.stateCell(bulkhead.ExpiryStateOn(t.Expires, today), bulkhead.FormatDate(t.Expires)), {Text: c.peopleT("people.result." + string(t.Result))}}})
	}
	return sec
}

// ---- competences

func (s *server) competencePages() peopleKind {
	const path = "/competences"
	sorts := []sortDef{{key: "name", labelKey: "field.name"}, {key: "updated_at", labelKey: "field.updated", descLead: true}}
	k := peopleKind{path: path}
	k.list = func(c *call) error {
		l := newListQuery(c, path, sorts)
		p := &peopleListPage{peopleBase: c.peopleBase(c.T("people.competence.list")), Intro: c.T("people.competence.intro")}
		if c.can(service.ActCompetenceManage) {
			p.NewHref, p.NewLabel = path+"/new", c.T("people.competence.new")
		}
		p.Filter, p.FilterFields = c.filterForm(l.q, "people.search")
		list, total, err := s.svc.Competences(c.r.Context(), c.actor(), l.f)
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
		if _, _, err := s.svc.Competences(c.r.Context(), c.actor(), l.f); err != nil {
			return err
		}
		w := csvDownload(c.w, "competences.csv")
		w.Write("id", "name", "description", "archived")
		err := s.svc.EachCompetence(c.r.Context(), c.actor(), l.f, func(x *bulkhead.Competence) error {
			return w.Write(x.ID, x.Name, x.Description, strconv.FormatBool(x.ArchivedAt != nil))
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			requestLog(c.r).Error("competence export failed", "err", err)
		}
		return nil
	}
	show := func(c *call, status int, x *bulkhead.Competence, v url.Values, errs map[string]string) error {
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
		s.renderPeopleForm(c, status, c.formPage(path, "people.competence.list", recHref, recName, "people.competence.new", f, fields))
		return nil
	}
	input := func(v url.Values) bulkhead.CompetenceInput {
		return bulkhead.CompetenceInput{Name: getp(v, "name"), Description: getp(v, "description")}
	}
	k.newForm = func(c *call) error {
		if !c.can(service.ActCompetenceManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, nil, url.Values{}, nil)
	}
	k.create = func(c *call) error {
		x, err := s.svc.CreateCompetence(c.r.Context(), c.actor(), input(c.r.PostForm))
		href := path
		if x != nil {
			href += "/" + x.ID
		}
		return s.saveResult(c, err, href, func(st int, errs map[string]string) error { return show(c, st, nil, c.r.PostForm, errs) })
	}
	k.editForm = func(c *call) error {
		x, err := s.svc.Competence(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.can(service.ActCompetenceManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, x, url.Values{"name": {x.Name}, "description": {x.Description}}, nil)
	}
	k.update = func(c *call) error {
		id := c.r.PathValue("id")
		_, err := s.svc.UpdateCompetence(c.r.Context(), c.actor(), id, input(c.r.PostForm))
		return s.saveResult(c, err, path+"/"+id, func(st int, errs map[string]string) error {
			x, err := s.svc.Competence(c.r.Context(), c.actor(), id)
			if err != nil {
				return err
			}
			return show(c, st, x, c.r.PostForm, errs)
		})
	}
	k.archive = archiveHandler(path, func(c *call, id string, archive bool) error {
		_, err := s.svc.ArchiveCompetence(c.r.Context(), c.actor(), id, archive)
		return err
	})
	k.detail = func(c *call) error {
		x, err := s.svc.Competence(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		p := &peopleDetailPage{peopleBase: c.peopleBase(x.Name), Kind: c.T("people.competence.kind"), Name: x.Name, ListHref: path, ListTitle: c.T("people.competence.list"),
			Self: path + "/" + x.ID, Archived: x.ArchivedAt != nil, CanManage: c.can(service.ActCompetenceManage), ActivityHref: c.activity("competence", x.ID)}
		p.Facts = []pFact{{Label: c.T("people.f.description"), Value: x.Description, Pre: true}}
		var roles, courses []pLink
		err = s.svc.EachSecurityRole(c.r.Context(), c.actor(), bulkhead.PeopleFilter{}, func(r *bulkhead.SecurityRole) error {
			if contains(r.CompetenceIDs, x.ID) {
				roles = append(roles, pLink{Text: r.Name, Href: "/security-roles/" + r.ID})
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = s.svc.EachCourse(c.r.Context(), c.actor(), bulkhead.PeopleFilter{}, func(co *bulkhead.Course) error {
			if contains(co.CompetenceIDs, x.ID) {
				courses = append(courses, pLink{Text: co.Title, Href: "/courses/" + co.ID})
			}
			return nil
		})
		if err != nil {
			return err
		}
		p.Facts = append(p.Facts, pFact{Label: c.T("people.f.needed_by"), Links: roles}, pFact{Label: c.T("people.f.given_by"), Links: courses})
		s.render(c.w, c.r, http.StatusOK, pagePeopleDetail, p)
		return nil
	}
	return k
}

// clip shortens a text for a table cell.
func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// ---- security roles

func (s *server) rolePages() peopleKind {
	const path = "/security-roles"
	sorts := []sortDef{{key: "name", labelKey: "field.name"}, {key: "updated_at", labelKey: "field.updated", descLead: true}}
	k := peopleKind{path: path}
	k.list = func(c *call) error {
		l := newListQuery(c, path, sorts)
		p := &peopleListPage{peopleBase: c.peopleBase(c.T("people.role.list")), Intro: c.T("people.role.intro")}
		if c.can(service.ActSecurityRoleManage) {
			p.NewHref, p.NewLabel = path+"/new", c.T("people.role.new")
		}
		p.Filter, p.FilterFields = c.filterForm(l.q, "people.search")
		list, total, err := s.svc.SecurityRoles(c.r.Context(), c.actor(), l.f)
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
			p.Rows = append(p.Rows, pRow{Cells: []pCell{{Text: x.Name, Href: path + "/" + x.ID}, {Text: c.dateTime(x.UpdatedAt), Class: "nowrap"},
				{Text: c.yesNo(x.PerSite)}, {Text: strings.Join(cs, ", ")}, c.statusCell(x.ArchivedAt != nil)}})
		}
		l.fill(c, p, len(list), total, "people.f.per_site", "people.f.competences", "field.status")
		s.render(c.w, c.r, status, pagePeopleList, p)
		return nil
	}
	k.export = func(c *call) error {
		l := newListQuery(c, path, sorts)
		l.f.Limit = 1
		if _, _, err := s.svc.SecurityRoles(c.r.Context(), c.actor(), l.f); err != nil {
			return err
		}
		w := csvDownload(c.w, "security-roles.csv")
		w.Write("id", "name", "responsibilities", "authorities", "per_site", "competence_ids", "archived")
		err := s.svc.EachSecurityRole(c.r.Context(), c.actor(), l.f, func(x *bulkhead.SecurityRole) error {
			return w.Write(x.ID, x.Name, x.Responsibilities, x.Authorities, strconv.FormatBool(x.PerSite), strings.Join(x.CompetenceIDs, " "), strconv.FormatBool(x.ArchivedAt != nil))
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			requestLog(c.r).Error("role export failed", "err", err)
		}
		return nil
	}
	show := func(c *call, status int, x *bulkhead.SecurityRole, v url.Values, errs map[string]string) error {
		comps, _, err := s.competenceOptions(c, v["competence_ids"])
		if err != nil {
			return err
		}
		f := newForm()
		fields := []*formField{
			f.add(&formField{Name: "name", Label: c.T("field.name"), Value: v.Get("name"), Required: true, MaxLength: 200, Autocomplete: "off"}),
			f.add(&formField{Name: "responsibilities", Label: c.T("people.f.responsibilities"), Kind: "textarea", Value: v.Get("responsibilities"), MaxLength: 10000}),
			f.add(&formField{Name: "authorities", Label: c.T("people.f.authorities"), Kind: "textarea", Value: v.Get("authorities"), MaxLength: 10000}),
			f.add(&formField{Name: "per_site", Label: c.T("people.f.per_site"), Hint: c.T("people.hint.per_site"), Kind: "select",
				Options: options(v.Get("per_site"), "false", c.T("common.no"), "true", c.T("common.yes"))}),
			f.add(&formField{Name: "competence_ids", Label: c.T("people.f.competences"), Kind: "checkboxes", Options: comps}),
		}
		if errs != nil {
			f.setErrors(c, errs)
		}
		recHref, recName := "", ""
		if x != nil {
			recHref, recName = path+"/"+x.ID, x.Name
		}
		s.renderPeopleForm(c, status, c.formPage(path, "people.role.list", recHref, recName, "people.role.new", f, fields))
		return nil
	}
	input := func(v url.Values) bulkhead.SecurityRoleInput {
		per := v.Get("per_site") == "true"
		return bulkhead.SecurityRoleInput{Name: getp(v, "name"), Responsibilities: getp(v, "responsibilities"), Authorities: getp(v, "authorities"),
			PerSite: &per, CompetenceIDs: getList(v, "competence_ids")}
	}
	k.newForm = func(c *call) error {
		if !c.can(service.ActSecurityRoleManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, nil, url.Values{}, nil)
	}
	k.create = func(c *call) error {
		x, err := s.svc.CreateSecurityRole(c.r.Context(), c.actor(), input(c.r.PostForm))
		href := path
		if x != nil {
			href += "/" + x.ID
		}
		return s.saveResult(c, err, href, func(st int, errs map[string]string) error { return show(c, st, nil, c.r.PostForm, errs) })
	}
	k.editForm = func(c *call) error {
		x, err := s.svc.SecurityRole(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.can(service.ActSecurityRoleManage) {
			return forbidden()
		}
		return show(c, http.StatusOK, x, url.Values{"name": {x.Name}, "responsibilities": {x.Responsibilities}, "authorities": {x.Authorities},
			"per_site": {strconv.FormatBool(x.PerSite)}, "competence_ids": x.CompetenceIDs}, nil)
	}
	k.update = func(c *call) error {
		id := c.r.PathValue("id")
		_, err := s.svc.UpdateSecurityRole(c.r.Context(), c.actor(), id, input(c.r.PostForm))
		return s.saveResult(c, err, path+"/"+id, func(st int, errs map[string]string) error {
			x, err := s.svc.SecurityRole(c.r.Context(), c.actor(), id)
			if err != nil {
				return err
			}
			return show(c, st, x, c.r.PostForm, errs)
		})
	}
	k.archive = archiveHandler(path, func(c *call, id string, archive bool) error {
		_, err := s.svc.ArchiveSecurityRole(c.r.Context(), c.actor(), id, archive)
		return err
	})
	k.detail = func(c *call) error {
		x, err := s.svc.SecurityRole(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if err != nil {
			return err
		}
		_, names, err := s.competenceOptions(c, nil)
		if err != nil {
			return err
		}
		p := &peopleDetailPage{peopleBase: c.peopleBase(x.Name), Kind: c.T("people.role.kind"), Name: x.Name, ListHref: path, ListTitle: c.T("people.role.list"),
			Self: path + "/" + x.ID, Archived: x.ArchivedAt != nil, CanManage: c.can(service.ActSecurityRoleManage), ActivityHref: c.activity("security_role", x.ID)}
		var comps []pLink
		for _, id := range x.CompetenceIDs {
			comps = append(comps, pLink{Text: names[id], Href: "/competences/" + id})
		}
		p.Facts = []pFact{{Label: c.T("people.f.responsibilities"), Value: x.Responsibilities, Pre: true}, {Label: c.T("people.f.authorities"), Value: x.Authorities, Pre: true},
			{Label: c.T("people.f.per_site"), Value: c.yesNo(x.PerSite)}, {Label: c.T("people.f.competences"), Links: comps}}
		as, _, err := s.svc.RoleAssignments(c.r.Context(), c.actor(), bulkhead.PeopleFilter{RoleID: x.ID, Limit: bulkhead.MaxPageSize, Sort: "person"})
		if err != nil {
			return err
		}
		sec := pSection{Title: c.T("people.tab.assignments"), Columns: []string{c.T("people.f.person"), c.T("people.f.site"), c.T("people.f.from"), c.T("people.f.to")}}
		if c.can(service.ActAssignmentManage) && x.ArchivedAt == nil {
			sec.AddHref, sec.AddLabel = "/role-assignments/new?role_id="+x.ID, c.T("people.assignment.new")
		}
		for _, a := range as {
			sec.Rows = append(sec.Rows, pRow{Cells: []pCell{{Text: a.PersonName, Href: "/role-assignments/" + a.ID}, {Text: a.SiteName}, {Text: bulkhead.FormatDate(&a.From)}, {Text: bulkhead.FormatDate(a.To)}}})
		}
		p.Sections = append(p.Sections, sec)
		s.render(c.w, c.r, http.StatusOK, pagePeopleDetail, p)
		return nil
	}
	return k
}

func (c *call) yesNo(b bool) string {
	if b {
		return c.T("common.yes")
	}
	return c.T("common.no")
}
