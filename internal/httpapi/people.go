package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// peopleRoutes are the API routes of the people register (issue 3): for
// each record type a list (with search, filters, sort and paging), a CSV
// export, create, read, update and archive/restore; the RACI matrix; the
// competence matrix; and training evidence files.
func peopleRoutes() []Route {
	var out []Route
	out = append(out, personAPI().routes()...)
	out = append(out, competenceAPI().routes()...)
	out = append(out, roleAPI().routes()...)
	out = append(out, assignmentAPI().routes()...)
	out = append(out, processAPI().routes()...)
	out = append(out, courseAPI().routes()...)
	out = append(out, trainingAPI().routes()...)
	return append(out,
		Route{Method: "GET", Path: "/api/v1/raci", handler: (*Server).getRACI},
		Route{Method: "PUT", Path: "/api/v1/raci", handler: (*Server).putRACI},
		Route{Method: "GET", Path: "/api/v1/competence-matrix", handler: (*Server).getCompetenceMatrix},
		Route{Method: "GET", Path: "/api/v1/training/{id}/evidence", handler: (*Server).getEvidence},
		Route{Method: "PUT", Path: "/api/v1/training/{id}/evidence", handler: (*Server).putEvidence},
	)
}

type svcT = *service.Service

// recordAPI is the API of one record type of the register.
type recordAPI[T any, In any] struct {
	path    string
	name    string   // CSV file name
	filters []string // query parameters beyond q, status, sort, limit, offset
	list    func(svcT, context.Context, service.Actor, bulkhead.PeopleFilter) ([]T, int, error)
	each    func(svcT, context.Context, service.Actor, bulkhead.PeopleFilter, func(T) error) error
	get     func(svcT, context.Context, service.Actor, string) (T, error)
	create  func(svcT, context.Context, service.Actor, In) (T, error)
	update  func(svcT, context.Context, service.Actor, string, In) (T, error)
	archive func(svcT, context.Context, service.Actor, string, bool) (T, error)
	out     func(T) any
	header  []string
	row     func(T) []string
}

func (k recordAPI[T, In]) routes() []Route {
	return []Route{
		{Method: "GET", Path: k.path, handler: k.listH},
		{Method: "POST", Path: k.path, handler: k.createH},
		{Method: "GET", Path: k.path + "/export", handler: k.exportH},
		{Method: "GET", Path: k.path + "/{id}", handler: k.getH},
		{Method: "PATCH", Path: k.path + "/{id}", handler: k.updateH},
		{Method: "POST", Path: k.path + "/{id}/archive", handler: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			return k.archiveH(s, w, r, au, true)
		}},
		{Method: "POST", Path: k.path + "/{id}/restore", handler: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			return k.archiveH(s, w, r, au, false)
		}},
	}
}

// peopleFilter reads a list's filter: q, status, sort (- for descending)
// and the type's own filters.
func (k recordAPI[T, In]) filter(r *http.Request, paging bool) (bulkhead.PeopleFilter, error) {
	allowed := append([]string{"q", "status", "sort"}, k.filters...)
	if paging {
		allowed = append(allowed, "limit", "offset")
	}
	q, err := parseQuery(r, allowed...)
	if err != nil {
		return bulkhead.PeopleFilter{}, err
	}
	f := bulkhead.PeopleFilter{Query: q.str("q"), Status: q.str("status"), SiteID: q.str("site_id"), PersonID: q.str("person_id"),
		CourseID: q.str("course_id"), RoleID: q.str("role_id"), Employer: q.str("employer"), Expiry: bulkhead.ExpiryState(q.str("expiry"))}
	sort := q.str("sort")
	if d, ok := strings.CutPrefix(sort, "-"); ok {
		f.Desc, sort = true, d
	}
	f.Sort = sort
	if paging {
		f.Limit = q.int("limit", bulkhead.DefaultPageSize)
		f.Offset = q.int("offset", 0)
	}
	return f, q.err()
}

func (k recordAPI[T, In]) listH(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	f, err := k.filter(r, true)
	if err != nil {
		return err
	}
	items, total, err := k.list(s.svc, r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = bulkhead.DefaultPageSize
	}
	out := listJSON[any]{Items: make([]any, len(items)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i, x := range items {
		out.Items[i] = k.out(x)
	}
	if next := f.Offset + len(items); next < total {
		out.NextOffset = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (k recordAPI[T, In]) exportH(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	f, err := k.filter(r, false)
	if err != nil {
		return err
	}
	f.Limit = 1
	if _, _, err := k.list(s.svc, r.Context(), au.Actor, f); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+k.name+`.csv"`)
	c := export.NewCSV(w)
	c.Write(append([]string(nil), k.header...)...)
	err = k.each(s.svc, r.Context(), au.Actor, f, func(x T) error { return c.Write(k.row(x)...) })
	if err == nil {
		err = c.Flush()
	}
	if err != nil {
		s.log.Error("export failed", "path", k.path, "err", err)
	}
	return nil
}

func (k recordAPI[T, In]) getH(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	x, err := k.get(s.svc, r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k.out(x))
	return nil
}

func (k recordAPI[T, In]) createH(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in In
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := k.create(s.svc, r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	out := k.out(x)
	if id, ok := idOf(out); ok {
		w.Header().Set("Location", k.path+"/"+id)
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (k recordAPI[T, In]) updateH(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in In
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := k.update(s.svc, r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k.out(x))
	return nil
}

func (k recordAPI[T, In]) archiveH(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated, archive bool) error {
	x, err := k.archive(s.svc, r.Context(), au.Actor, r.PathValue("id"), archive)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k.out(x))
	return nil
}

// identified is what every output record of the register has.
type identified interface{ recordID() string }

func idOf(v any) (string, bool) {
	if x, ok := v.(identified); ok {
		return x.recordID(), true
	}
	return "", false
}

// record is the common part of the register's output records.
type record struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ArchivedAt *time.Time `json:"archived_at"`
}

func (r record) recordID() string { return r.ID }

func rec(id string, c, u time.Time, a *time.Time) record {
	return record{ID: id, CreatedAt: c, UpdatedAt: u, ArchivedAt: a}
}

func date(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(bulkhead.DateLayout)
	return &s
}

func archivedCell(a *time.Time) string { return strconv.FormatBool(a != nil) }

type personJSON struct {
	record
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	JobTitle string   `json:"job_title"`
	Employer string   `json:"employer"`
	UserID   string   `json:"user_id"`
	SiteIDs  []string `json:"site_ids"`
	Notes    string   `json:"notes"`
}

func personAPI() recordAPI[*bulkhead.Person, bulkhead.PersonInput] {
	return recordAPI[*bulkhead.Person, bulkhead.PersonInput]{
		path: "/api/v1/people", name: "people", filters: []string{"site_id", "employer"},
		list: svcT.People, each: svcT.EachPerson, get: svcT.Person, create: svcT.CreatePerson, update: svcT.UpdatePerson, archive: svcT.ArchivePerson,
		out: func(x *bulkhead.Person) any {
			return personJSON{rec(x.ID, x.CreatedAt, x.UpdatedAt, x.ArchivedAt), x.Name, x.Email, x.JobTitle, x.Employer, x.UserID, x.SiteIDs, x.Notes}
		},
		header: []string{"id", "name", "email", "job_title", "employer", "user_id", "site_ids", "notes", "archived"},
		row: func(x *bulkhead.Person) []string {
			return []string{x.ID, x.Name, x.Email, x.JobTitle, x.Employer, x.UserID, strings.Join(x.SiteIDs, " "), x.Notes, archivedCell(x.ArchivedAt)}
		},
	}
}

type competenceJSON struct {
	record
	Name        string `json:"name"`
	Description string `json:"description"`
}

func competenceAPI() recordAPI[*bulkhead.Competence, bulkhead.CompetenceInput] {
	return recordAPI[*bulkhead.Competence, bulkhead.CompetenceInput]{
		path: "/api/v1/competences", name: "competences",
		list: svcT.Competences, each: svcT.EachCompetence, get: svcT.Competence, create: svcT.CreateCompetence, update: svcT.UpdateCompetence, archive: svcT.ArchiveCompetence,
		out: func(x *bulkhead.Competence) any {
			return competenceJSON{rec(x.ID, x.CreatedAt, x.UpdatedAt, x.ArchivedAt), x.Name, x.Description}
		},
		header: []string{"id", "name", "description", "archived"},
		row: func(x *bulkhead.Competence) []string {
			return []string{x.ID, x.Name, x.Description, archivedCell(x.ArchivedAt)}
		},
	}
}

type roleJSON struct {
	record
	Name             string   `json:"name"`
	Responsibilities string   `json:"responsibilities"`
	Authorities      string   `json:"authorities"`
	CompetenceIDs    []string `json:"competence_ids"`
	PerSite          bool     `json:"per_site"`
}

func roleAPI() recordAPI[*bulkhead.SecurityRole, bulkhead.SecurityRoleInput] {
	return recordAPI[*bulkhead.SecurityRole, bulkhead.SecurityRoleInput]{
		path: "/api/v1/security-roles", name: "security-roles",
		list: svcT.SecurityRoles, each: svcT.EachSecurityRole, get: svcT.SecurityRole, create: svcT.CreateSecurityRole, update: svcT.UpdateSecurityRole, archive: svcT.ArchiveSecurityRole,
		out: func(x *bulkhead.SecurityRole) any {
			return roleJSON{rec(x.ID, x.CreatedAt, x.UpdatedAt, x.ArchivedAt), x.Name, x.Responsibilities, x.Authorities, x.CompetenceIDs, x.PerSite}
		},
		header: []string{"id", "name", "responsibilities", "authorities", "per_site", "competence_ids", "archived"},
		row: func(x *bulkhead.SecurityRole) []string {
			return []string{x.ID, x.Name, x.Responsibilities, x.Authorities, strconv.FormatBool(x.PerSite), strings.Join(x.CompetenceIDs, " "), archivedCell(x.ArchivedAt)}
		},
	}
}

type assignmentJSON struct {
	record
	RoleID     string  `json:"role_id"`
	RoleName   string  `json:"role_name"`
	PersonID   string  `json:"person_id"`
	PersonName string  `json:"person_name"`
	SiteID     string  `json:"site_id"`
	SiteName   string  `json:"site_name"`
	From       *string `json:"from"`
	To         *string `json:"to"`
	Notes      string  `json:"notes"`
}

func assignmentAPI() recordAPI[*bulkhead.RoleAssignment, bulkhead.RoleAssignmentInput] {
	return recordAPI[*bulkhead.RoleAssignment, bulkhead.RoleAssignmentInput]{
		path: "/api/v1/role-assignments", name: "role-assignments", filters: []string{"role_id", "person_id", "site_id"},
		list: svcT.RoleAssignments, each: svcT.EachRoleAssignment, get: svcT.RoleAssignment, create: svcT.CreateRoleAssignment, update: svcT.UpdateRoleAssignment, archive: svcT.ArchiveRoleAssignment,
		out: func(x *bulkhead.RoleAssignment) any {
			return assignmentJSON{rec(x.ID, x.CreatedAt, x.UpdatedAt, x.ArchivedAt), x.RoleID, x.RoleName, x.PersonID, x.PersonName, x.SiteID, x.SiteName, date(&x.From), date(x.To), x.Notes}
		},
		header: []string{"id", "role_id", "role", "person_id", "person", "site_id", "site", "from", "to", "notes", "archived"},
		row: func(x *bulkhead.RoleAssignment) []string {
			return []string{x.ID, x.RoleID, x.RoleName, x.PersonID, x.PersonName, x.SiteID, x.SiteName, bulkhead.FormatDate(&x.From), bulkhead.FormatDate(x.To), x.Notes, archivedCell(x.ArchivedAt)}
		},
	}
}

func processAPI() recordAPI[*bulkhead.Process, bulkhead.ProcessInput] {
	return recordAPI[*bulkhead.Process, bulkhead.ProcessInput]{
		path: "/api/v1/processes", name: "processes",
		list: svcT.Processes, each: svcT.EachProcess, get: svcT.Process, create: svcT.CreateProcess, update: svcT.UpdateProcess, archive: svcT.ArchiveProcess,
		out: func(x *bulkhead.Process) any {
			return competenceJSON{rec(x.ID, x.CreatedAt, x.UpdatedAt, x.ArchivedAt), x.Name, x.Description}
		},
		header: []string{"id", "name", "description", "archived"},
		row: func(x *bulkhead.Process) []string {
			return []string{x.ID, x.Name, x.Description, archivedCell(x.ArchivedAt)}
		},
	}
}

type courseJSON struct {
	record
	Title            string   `json:"title"`
	Description      string   `json:"description"`
	CompetenceIDs    []string `json:"competence_ids"`
	RecurrenceMonths int      `json:"recurrence_months"`
	Delivery         string   `json:"delivery"`
}

func courseAPI() recordAPI[*bulkhead.Course, bulkhead.CourseInput] {
	return recordAPI[*bulkhead.Course, bulkhead.CourseInput]{
		path: "/api/v1/courses", name: "courses",
		list: svcT.Courses, each: svcT.EachCourse, get: svcT.Course, create: svcT.CreateCourse, update: svcT.UpdateCourse, archive: svcT.ArchiveCourse,
		out: func(x *bulkhead.Course) any {
			return courseJSON{rec(x.ID, x.CreatedAt, x.UpdatedAt, x.ArchivedAt), x.Title, x.Description, x.CompetenceIDs, x.RecurrenceMonths, string(x.Delivery)}
		},
		header: []string{"id", "title", "description", "competence_ids", "recurrence_months", "delivery", "archived"},
		row: func(x *bulkhead.Course) []string {
			return []string{x.ID, x.Title, x.Description, strings.Join(x.CompetenceIDs, " "), strconv.Itoa(x.RecurrenceMonths), string(x.Delivery), archivedCell(x.ArchivedAt)}
		},
	}
}

type trainingJSON struct {
	record
	PersonID       string  `json:"person_id"`
	PersonName     string  `json:"person_name"`
	CourseID       string  `json:"course_id"`
	CourseTitle    string  `json:"course_title"`
	Completed      *string `json:"completed"`
	Expires        *string `json:"expires"`
	Result         string  `json:"result"`
	EvidenceNote   string  `json:"evidence_note"`
	EvidenceFileID string  `json:"evidence_file_id"`
	EvidenceName   string  `json:"evidence_file_name"`
}

func toTraining(x *bulkhead.TrainingRecord) any {
	return trainingJSON{rec(x.ID, x.CreatedAt, x.UpdatedAt, x.ArchivedAt), x.PersonID, x.PersonName, x.CourseID, x.CourseTitle, date(&x.Completed), date(x.Expires),
		string(x.Result), x.EvidenceNote, x.EvidenceFileID, x.EvidenceName}
}

func trainingAPI() recordAPI[*bulkhead.TrainingRecord, bulkhead.TrainingInput] {
	return recordAPI[*bulkhead.TrainingRecord, bulkhead.TrainingInput]{
		path: "/api/v1/training", name: "training", filters: []string{"person_id", "course_id", "site_id", "expiry"},
		list: svcT.TrainingRecords, each: svcT.EachTrainingRecord, get: svcT.TrainingRecord,
		create: func(s svcT, ctx context.Context, a service.Actor, in bulkhead.TrainingInput) (*bulkhead.TrainingRecord, error) {
			return s.CreateTrainingRecord(ctx, a, in, nil)
		},
		update: func(s svcT, ctx context.Context, a service.Actor, id string, in bulkhead.TrainingInput) (*bulkhead.TrainingRecord, error) {
			return s.UpdateTrainingRecord(ctx, a, id, in, nil)
		},
		archive: svcT.ArchiveTrainingRecord,
		out:     toTraining,
		header:  []string{"id", "person_id", "person", "course_id", "course", "completed", "expires", "result", "evidence_note", "evidence_file", "archived"},
		row: func(x *bulkhead.TrainingRecord) []string {
			return []string{x.ID, x.PersonID, x.PersonName, x.CourseID, x.CourseTitle, bulkhead.FormatDate(&x.Completed), bulkhead.FormatDate(x.Expires), string(x.Result),
				x.EvidenceNote, x.EvidenceName, archivedCell(x.ArchivedAt)}
		},
	}
}

// raciJSON is the RACI matrix: process ID → role ID → R, A, C or I.
type raciJSON struct {
	Rows map[string]map[string]string `json:"rows"`
}

func (s *Server) getRACI(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	cells, err := s.svc.RACI(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := raciJSON{Rows: map[string]map[string]string{}}
	for _, c := range cells {
		if out.Rows[c.ProcessID] == nil {
			out.Rows[c.ProcessID] = map[string]string{}
		}
		out.Rows[c.ProcessID][c.RoleID] = c.Value
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// putRACI replaces the rows given ("" clears a cell; roles a row does not
// name keep their cells) and answers the whole matrix.
func (s *Server) putRACI(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in raciJSON
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.SetRACI(r.Context(), au.Actor, in.Rows); err != nil {
		return err
	}
	return s.getRACI(w, r, au)
}

type matrixCellJSON struct {
	CompetenceID string  `json:"competence_id"`
	Needed       bool    `json:"needed"`
	State        string  `json:"state"`
	Expires      *string `json:"expires"`
}

type matrixRowJSON struct {
	PersonID string           `json:"person_id"`
	Name     string           `json:"name"`
	JobTitle string           `json:"job_title"`
	Employer string           `json:"employer"`
	Gaps     int              `json:"gaps"`
	Cells    []matrixCellJSON `json:"cells"`
}

func (s *Server) getCompetenceMatrix(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "site_id")
	if err != nil {
		return err
	}
	m, err := s.svc.CompetenceMatrix(r.Context(), au.Actor, q.str("site_id"))
	if err != nil {
		return err
	}
	comps := make([]competenceJSON, len(m.Competences))
	for i, c := range m.Competences {
		comps[i] = competenceJSON{rec(c.ID, c.CreatedAt, c.UpdatedAt, c.ArchivedAt), c.Name, c.Description}
	}
	rows := make([]matrixRowJSON, len(m.Rows))
	for i, row := range m.Rows {
		rows[i] = matrixRowJSON{PersonID: row.Person.ID, Name: row.Person.Name, JobTitle: row.Person.JobTitle, Employer: row.Person.Employer, Gaps: row.Gaps, Cells: []matrixCellJSON{}}
		for j, c := range row.Cells {
			if c.State == "" {
				continue
			}
			rows[i].Cells = append(rows[i].Cells, matrixCellJSON{CompetenceID: m.Competences[j].ID, Needed: c.Needed, State: string(c.State), Expires: date(c.Expires)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"site_id": m.SiteID, "date": m.Today.Format(bulkhead.DateLayout), "competences": comps, "rows": rows,
		"gaps": m.Gaps, "expiring": m.Expiring, "column_gaps": m.ColumnGaps})
	return nil
}

// getEvidence sends a training record's evidence file.
func (s *Server) getEvidence(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	ev, err := s.svc.TrainingEvidence(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ev.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(ev.Data)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ev.Name}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Digest", "sha-256="+ev.SHA256)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(ev.Data)
	return err
}

// putEvidence stores the request body as a training record's evidence file
// (a PDF or an image up to 10 MiB; the Content-Type sent must match the
// content), named by the filename parameter.
func (s *Server) putEvidence(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "filename")
	if err != nil {
		return err
	}
	up := &service.Upload{Name: q.str("filename"), DeclaredType: r.Header.Get("Content-Type")}
	if up.Name == "" {
		up.Name = "evidence"
	}
	body := http.MaxBytesReader(w, r.Body, bulkhead.MaxEvidenceBytes)
	up.Data, err = io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			return &bulkhead.Error{Code: codeBadRequest, Message: "The body could not be read."}
		}
		up.TooLarge = true
	}
	x, err := s.svc.UpdateTrainingRecord(r.Context(), au.Actor, r.PathValue("id"), bulkhead.TrainingInput{}, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toTraining(x))
	return nil
}
