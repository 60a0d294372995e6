package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// matrixRowView is one person of the competence matrix as shown.
type matrixRowView struct {
	ID    string
	Name  string
	Sub   string
	Cells template.HTML // the row's cells, built here: a site's matrix has thousands
	Gaps  int
}

// matrixPage is the competence matrix of a site or of all sites.
type matrixPage struct {
	peopleBase
	M            *service.CompetenceMatrix
	Rows         []matrixRowView
	SiteField    *formField
	ExportHref   string
	ExpiringDays int
}

// competenceMatrix shows who needs which competence at a site and whether
// they hold it (GET /competence-matrix?site_id=).
func (s *server) competenceMatrix(c *call) error {
	siteID := c.r.URL.Query().Get("site_id")
	m, err := s.svc.CompetenceMatrix(c.r.Context(), c.actor(), siteID)
	if err != nil {
		return err
	}
	sites, names, err := s.siteOptions(c, siteID)
	if err != nil {
		return err
	}
	title := c.T("people.matrix.title_all")
	if siteID != "" {
		title = c.T("people.matrix.title_site", names[siteID])
	}
	p := &matrixPage{peopleBase: c.peopleBase(title), M: m, ExpiringDays: bulkhead.ExpiringDays, ExportHref: "/competence-matrix/export.csv"}
	if siteID != "" {
		p.ExportHref += "?" + url.Values{"site_id": {siteID}}.Encode()
	}
	p.SiteField = newForm().add(&formField{Name: "site_id", Label: c.T("people.f.site"), Kind: "select", Options: append(options(siteID, "", c.T("people.all_sites")), sites...)})
	for _, r := range m.Rows {
		v := matrixRowView{ID: r.Person.ID, Name: r.Person.Name, Sub: r.Person.JobTitle, Gaps: r.Gaps}
		if r.Person.Employer != "" {
			v.Sub = strings.TrimPrefix(v.Sub+" · "+r.Person.Employer, " · ")
		}
		var b strings.Builder
		for _, cell := range r.Cells {
			b.WriteString(matrixCell(c, cell))
		}
		v.Cells = template.HTML(b.String())
		p.Rows = append(p.Rows, v)
	}
	s.render(c.w, c.r, http.StatusOK, pagePeopleMatrix, p)
	return nil
}

// matrixCell renders one cell: its state as a data attribute and a badge,
// and the expiry date. Every text in it is escaped.
func matrixCell(c *call, cell service.MatrixCell) string {
	if cell.State == "" {
		return `<td data-state=""></td>`
	}
	badge := stateBadge(cell.State)
	if !cell.Needed {
		badge = "badge-muted"
	}
	s := `<td data-state="` + string(cell.State) + `"><span class="badge ` + badge + `">` + template.HTMLEscapeString(c.T("people.state."+string(cell.State))) + `</span>`
	if cell.Expires != nil {
		s += `<span class="sub">` + bulkhead.FormatDate(cell.Expires) + `</span>`
	}
	return s + `</td>`
}

// exportCompetenceMatrix sends the matrix as CSV: one row per person, one
// column per competence holding the state and expiry, and the gaps.
func (s *server) exportCompetenceMatrix(c *call) error {
	m, err := s.svc.CompetenceMatrix(c.r.Context(), c.actor(), c.r.URL.Query().Get("site_id"))
	if err != nil {
		return err
	}
	w := csvDownload(c.w, "competence-matrix.csv")
	head := []string{"person_id", "person", "job_title", "employer"}
	for _, comp := range m.Competences {
		head = append(head, comp.Name)
	}
	w.Write(append(head, "gaps")...)
	for _, r := range m.Rows {
		row := []string{r.Person.ID, r.Person.Name, r.Person.JobTitle, r.Person.Employer}
		for _, cell := range r.Cells {
			v := string(cell.State)
			if cell.Expires != nil {
				v += " " + bulkhead.FormatDate(cell.Expires)
			}
			if cell.State != "" && !cell.Needed {
				v += " (not required)"
			}
			row = append(row, v)
		}
		w.Write(append(row, strconv.Itoa(r.Gaps))...)
	}
	total := []string{"", "total gaps", "", ""}
	for _, n := range m.ColumnGaps {
		total = append(total, strconv.Itoa(n))
	}
	w.Write(append(total, strconv.Itoa(m.Gaps))...)
	if err := w.Flush(); err != nil {
		requestLog(c.r).Error("matrix export failed", "err", err)
	}
	return nil
}

// raciCellView is one editable cell of the RACI grid.
type raciCellView struct {
	ID      string
	Name    string
	Label   string
	Value   string
	Error   string
	Options []selectOption
}

// raciRowView is one process of the RACI grid.
type raciRowView struct {
	ID    string
	Name  string
	Error string
	Cells []raciCellView
}

// raciPage is the RACI matrix: processes × security roles.
type raciPage struct {
	peopleBase
	Form      *form
	Roles     []*bulkhead.SecurityRole
	Processes []raciRowView
	CanEdit   bool
}

// raci shows the RACI grid (GET /raci).
func (s *server) raci(c *call) error {
	return s.renderRACI(c, http.StatusOK, nil, nil)
}

// renderRACI shows the grid with the stored values, or the posted ones
// and their errors (keyed "<process>.<role>").
func (s *server) renderRACI(c *call, status int, posted url.Values, errs map[string]string) error {
	ctx := c.r.Context()
	var roles []*bulkhead.SecurityRole
	if err := s.svc.EachSecurityRole(ctx, c.actor(), bulkhead.PeopleFilter{}, func(r *bulkhead.SecurityRole) error { roles = append(roles, r); return nil }); err != nil {
		return err
	}
	cells, err := s.svc.RACI(ctx, c.actor())
	if err != nil {
		return err
	}
	stored := map[string]string{}
	for _, x := range cells {
		stored[x.ProcessID+"."+x.RoleID] = x.Value
	}
	p := &raciPage{peopleBase: c.peopleBase(c.T("people.raci.title")), Form: newForm(), Roles: roles, CanEdit: c.can(service.ActRACIManage)}
	err = s.svc.EachProcess(ctx, c.actor(), bulkhead.PeopleFilter{}, func(pr *bulkhead.Process) error {
		row := raciRowView{ID: pr.ID, Name: pr.Name}
		for _, r := range roles {
			key := pr.ID + "." + r.ID
			v := stored[key]
			if posted != nil {
				v = posted.Get("cell." + key)
			}
			opts := options(v, "", "—")
			for _, x := range bulkhead.RACIValues {
				opts = append(opts, selectOption{Value: x, Label: x + " · " + c.T("people.raci."+strings.ToLower(x)), Selected: v == x})
			}
			cell := raciCellView{ID: "cell-" + pr.ID + "-" + r.ID, Name: "cell." + key, Label: pr.Name + " × " + r.Name, Value: v, Options: opts}
			if code, ok := errs[key]; ok {
				cell.Error = c.errMessage(code)
				if row.Error == "" {
					row.Error = c.T("form.field_error", r.Name, cell.Error)
					p.Form.Errors = append(p.Form.Errors, formError{Href: "#" + cell.ID, Message: pr.Name + ": " + row.Error})
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		if code, ok := errs[pr.ID]; ok && row.Error == "" {
			row.Error = c.errMessage(code)
			p.Form.Errors = append(p.Form.Errors, formError{Message: pr.Name + ": " + row.Error})
		}
		p.Processes = append(p.Processes, row)
		return nil
	})
	if err != nil {
		return err
	}
	if len(p.Form.Errors) > 0 {
		p.Form.Heading = c.T("form.errors_title")
	} else if len(errs) > 0 {
		p.Form.Heading = c.T("form.errors_title")
		p.Form.Errors = append(p.Form.Errors, formError{Message: c.T("people.raci.stale")})
	}
	s.render(c.w, c.r, status, pagePeopleRACI, p)
	return nil
}

// saveRACI saves the grid (POST /raci): every cell posted, in one change.
func (s *server) saveRACI(c *call) error {
	rows := map[string]map[string]string{}
	for k, v := range c.r.PostForm {
		key, ok := strings.CutPrefix(k, "cell.")
		if !ok {
			continue
		}
		pid, rid, ok := strings.Cut(key, ".")
		if !ok || len(v) == 0 {
			continue
		}
		if rows[pid] == nil {
			rows[pid] = map[string]string{}
		}
		rows[pid][rid] = v[0]
	}
	err := s.svc.SetRACI(c.r.Context(), c.actor(), rows)
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/raci", "flash.raci_saved")
	case bulkhead.EINVALID:
		return s.renderRACI(c, http.StatusUnprocessableEntity, c.r.PostForm, bulkhead.ErrorFields(err))
	}
	return err
}
