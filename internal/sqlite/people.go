package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// The people register (see bulkhead.PeopleReader). Dates are TEXT
// YYYY-MM-DD; link lists are read with group_concat in the same statement
// as their record.

type scanner interface{ Scan(...any) error }

func dateStr(t time.Time) string { return t.Format(bulkhead.DateLayout) }

func nullDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(bulkhead.DateLayout)
}

func parseDate(s string) time.Time {
	t, _ := time.Parse(bulkhead.DateLayout, s)
	return t
}

func parseNullDate(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseDate(s.String)
	return &t
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func peopleIDList(s sql.NullString) []string {
	out := strings.Fields(s.String)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// statusWhere is the archived filter on alias t.
func statusWhere(status string) []string {
	switch status {
	case bulkhead.StatusActive:
		return []string{"t.archived_at IS NULL"}
	case bulkhead.StatusArchived:
		return []string{"t.archived_at IS NOT NULL"}
	}
	return nil
}

// listPage runs a list query: the total, then one page in order. from names
// the table as t (and any joins); search lists the expressions a query
// matches as substrings.
func listPage[T any](ctx context.Context, q queries, cols, from string, where []string, args []any, search []string,
	f bulkhead.PeopleFilter, order string, scan func(scanner) (T, error)) ([]T, int, error) {
	return listPageCount(ctx, q, cols, from, from, where, args, search, f, order, scan)
}

// listPageCount is listPage with a lighter FROM for the total when there is
// no search (the joins of from only add names, one row each).
func listPageCount[T any](ctx context.Context, q queries, cols, from, countFrom string, where []string, args []any, search []string,
	f bulkhead.PeopleFilter, order string, scan func(scanner) (T, error)) ([]T, int, error) {
	where = append([]string{"t.org_id = ?"}, where...)
	args = append([]any{f.OrgID}, args...)
	where = append(where, statusWhere(f.Status)...)
	if f.Query != "" && len(search) > 0 {
		p := bulkhead.LikePattern(f.Query)
		var ors []string
		for _, s := range search {
			ors = append(ors, "lower("+s+`) LIKE ? ESCAPE '\'`)
			args = append(args, p)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	w := strings.Join(where, " AND ")
	if f.Query != "" && len(search) > 0 {
		countFrom = from
	}
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM `+countFrom+` WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	// A page past the middle is read from the other end: skipping rows
	// costs time in proportion to the offset.
	desc, limit, offset, reverse := f.Desc, f.Limit, f.Offset, false
	if offset > total/2 && offset < total {
		reverse, desc = true, !desc
		offset = total - f.Offset - f.Limit
		if offset < 0 {
			limit, offset = limit+offset, 0
		}
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	orderBy := ` ORDER BY ` + order + dir + `, t.id` + dir
	page := `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + w + orderBy + ` LIMIT ? OFFSET ?`
	if countFrom != from && strings.HasPrefix(strings.TrimPrefix(order, "coalesce("), "t.") {
		// The order needs only the record's own columns: find the page's
		// IDs without the joins, which would otherwise run for every row
		// skipped, then join the names onto those rows alone.
		page = `SELECT ` + cols + ` FROM ` + from + ` WHERE t.id IN (SELECT t.id FROM ` + countFrom + ` WHERE ` + w + orderBy + ` LIMIT ? OFFSET ?)` + orderBy
	}
	rows, err := q.q.QueryContext(ctx, page, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	out := make([]T, 0, min(f.Limit, 64))
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, 0, mapErr(err)
		}
		out = append(out, x)
	}
	if reverse {
		slices.Reverse(out)
	}
	return out, total, mapErr(rows.Err())
}

func one[T any](row *sql.Row, scan func(scanner) (T, error), what string) (T, error) {
	x, err := scan(row)
	if err != nil {
		var zero T
		return zero, notFound(err, what)
	}
	return x, nil
}

// replaceLinks rewrites a link table's rows for one owner.
func (q queries) replaceLinks(ctx context.Context, table, ownerCol, otherCol, orgID, ownerID string, ids []string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+ownerCol+` = ?`, ownerID); err != nil {
		return mapErr(err)
	}
	for _, id := range ids {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO `+table+` (org_id, `+ownerCol+`, `+otherCol+`) VALUES (?, ?, ?)`, orgID, ownerID, id); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// ---- people

const personCols = `t.id, t.org_id, t.name, t.email, t.job_title, t.employer, coalesce(t.user_id, ''), t.notes, t.created_at, t.updated_at, t.archived_at,
	(SELECT group_concat(site_id, ' ') FROM person_sites ps WHERE ps.person_id = t.id)`

func scanPerson(r scanner) (*bulkhead.Person, error) {
	var p bulkhead.Person
	var created, updated int64
	var archived sql.NullInt64
	var sites sql.NullString
	if err := r.Scan(&p.ID, &p.OrgID, &p.Name, &p.Email, &p.JobTitle, &p.Employer, &p.UserID, &p.Notes, &created, &updated, &archived, &sites); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt, p.ArchivedAt, p.SiteIDs = fromMicros(created), fromMicros(updated), fromNullMicros(archived), peopleIDList(sites)
	return &p, nil
}

func (q queries) Person(ctx context.Context, orgID, id string) (*bulkhead.Person, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+personCols+` FROM people t WHERE t.org_id = ? AND t.id = ?`, orgID, id), scanPerson, "Person")
}

func (q queries) PersonByUser(ctx context.Context, orgID, userID string) (*bulkhead.Person, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+personCols+` FROM people t WHERE t.org_id = ? AND t.user_id = ? AND t.archived_at IS NULL ORDER BY t.id LIMIT 1`, orgID, userID), scanPerson, "Person")
}

var peopleOrder = map[string]string{"name": "lower(t.name)", "employer": "lower(t.employer)", "job_title": "lower(t.job_title)", "email": "t.email", "updated_at": "t.updated_at"}

func (q queries) People(ctx context.Context, f bulkhead.PeopleFilter) ([]*bulkhead.Person, int, error) {
	var where []string
	var args []any
	if f.SiteID != "" {
		where = append(where, "t.id IN (SELECT person_id FROM person_sites WHERE org_id = ? AND site_id = ?)")
		args = append(args, f.OrgID, f.SiteID)
	}
	switch f.Employer {
	case "":
	case "own":
		where = append(where, "t.employer = ''")
	default:
		where = append(where, `lower(t.employer) LIKE ? ESCAPE '\'`)
		args = append(args, bulkhead.LikePattern(f.Employer))
	}
	return listPage(ctx, q, personCols, "people t", where, args, []string{"t.name", "t.email", "t.job_title", "t.employer", "t.notes"}, f, peopleOrder[f.Sort], scanPerson)
}

func (q queries) CreatePerson(ctx context.Context, p *bulkhead.Person) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO people (id, org_id, name, email, job_title, employer, user_id, notes, created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.OrgID, p.Name, p.Email, p.JobTitle, p.Employer, nullStr(p.UserID), p.Notes, micros(p.CreatedAt), micros(p.UpdatedAt), nullMicros(p.ArchivedAt))
	if err != nil {
		return mapErr(err)
	}
	return q.replaceLinks(ctx, "person_sites", "person_id", "site_id", p.OrgID, p.ID, p.SiteIDs)
}

func (q queries) UpdatePerson(ctx context.Context, p *bulkhead.Person) error {
	res, err := q.q.ExecContext(ctx, `UPDATE people SET name = ?, email = ?, job_title = ?, employer = ?, user_id = ?, notes = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		p.Name, p.Email, p.JobTitle, p.Employer, nullStr(p.UserID), p.Notes, micros(p.UpdatedAt), nullMicros(p.ArchivedAt), p.OrgID, p.ID)
	if err := affectedOne(res, err, "Person"); err != nil {
		return err
	}
	return q.replaceLinks(ctx, "person_sites", "person_id", "site_id", p.OrgID, p.ID, p.SiteIDs)
}

// ---- competences

const competenceCols = `t.id, t.org_id, t.name, t.description, t.created_at, t.updated_at, t.archived_at`

func scanCompetence(r scanner) (*bulkhead.Competence, error) {
	var c bulkhead.Competence
	var created, updated int64
	var archived sql.NullInt64
	if err := r.Scan(&c.ID, &c.OrgID, &c.Name, &c.Description, &created, &updated, &archived); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.ArchivedAt = fromMicros(created), fromMicros(updated), fromNullMicros(archived)
	return &c, nil
}

func (q queries) Competence(ctx context.Context, orgID, id string) (*bulkhead.Competence, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+competenceCols+` FROM competences t WHERE t.org_id = ? AND t.id = ?`, orgID, id), scanCompetence, "Competence")
}

var nameOrder = map[string]string{"name": "lower(t.name)", "updated_at": "t.updated_at"}

func (q queries) Competences(ctx context.Context, f bulkhead.PeopleFilter) ([]*bulkhead.Competence, int, error) {
	return listPage(ctx, q, competenceCols, "competences t", nil, nil, []string{"t.name", "t.description"}, f, nameOrder[f.Sort], scanCompetence)
}

func (q queries) CreateCompetence(ctx context.Context, c *bulkhead.Competence) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO competences (id, org_id, name, description, created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.Name, c.Description, micros(c.CreatedAt), micros(c.UpdatedAt), nullMicros(c.ArchivedAt))
	return mapErr(err)
}

func (q queries) UpdateCompetence(ctx context.Context, c *bulkhead.Competence) error {
	res, err := q.q.ExecContext(ctx, `UPDATE competences SET name = ?, description = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		c.Name, c.Description, micros(c.UpdatedAt), nullMicros(c.ArchivedAt), c.OrgID, c.ID)
	return affectedOne(res, err, "Competence")
}

// ---- security roles

const roleCols = `t.id, t.org_id, t.name, t.responsibilities, t.authorities, t.per_site, t.created_at, t.updated_at, t.archived_at,
	(SELECT group_concat(competence_id, ' ') FROM role_competences rc WHERE rc.role_id = t.id)`

func scanRole(r scanner) (*bulkhead.SecurityRole, error) {
	var x bulkhead.SecurityRole
	var created, updated int64
	var archived sql.NullInt64
	var comps sql.NullString
	if err := r.Scan(&x.ID, &x.OrgID, &x.Name, &x.Responsibilities, &x.Authorities, &x.PerSite, &created, &updated, &archived, &comps); err != nil {
		return nil, err
	}
	x.CreatedAt, x.UpdatedAt, x.ArchivedAt, x.CompetenceIDs = fromMicros(created), fromMicros(updated), fromNullMicros(archived), peopleIDList(comps)
	return &x, nil
}

func (q queries) SecurityRole(ctx context.Context, orgID, id string) (*bulkhead.SecurityRole, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+roleCols+` FROM security_roles t WHERE t.org_id = ? AND t.id = ?`, orgID, id), scanRole, "Security role")
}

func (q queries) SecurityRoles(ctx context.Context, f bulkhead.PeopleFilter) ([]*bulkhead.SecurityRole, int, error) {
	return listPage(ctx, q, roleCols, "security_roles t", nil, nil, []string{"t.name", "t.responsibilities", "t.authorities"}, f, nameOrder[f.Sort], scanRole)
}

func (q queries) CreateSecurityRole(ctx context.Context, r *bulkhead.SecurityRole) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO security_roles (id, org_id, name, responsibilities, authorities, per_site, created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrgID, r.Name, r.Responsibilities, r.Authorities, r.PerSite, micros(r.CreatedAt), micros(r.UpdatedAt), nullMicros(r.ArchivedAt))
	if err != nil {
		return mapErr(err)
	}
	return q.replaceLinks(ctx, "role_competences", "role_id", "competence_id", r.OrgID, r.ID, r.CompetenceIDs)
}

func (q queries) UpdateSecurityRole(ctx context.Context, r *bulkhead.SecurityRole) error {
	res, err := q.q.ExecContext(ctx, `UPDATE security_roles SET name = ?, responsibilities = ?, authorities = ?, per_site = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		r.Name, r.Responsibilities, r.Authorities, r.PerSite, micros(r.UpdatedAt), nullMicros(r.ArchivedAt), r.OrgID, r.ID)
	if err := affectedOne(res, err, "Security role"); err != nil {
		return err
	}
	return q.replaceLinks(ctx, "role_competences", "role_id", "competence_id", r.OrgID, r.ID, r.CompetenceIDs)
}

// ---- role assignments

const assignmentCols = `t.id, t.org_id, t.role_id, t.person_id, coalesce(t.site_id, ''), t.from_date, t.to_date, t.notes, t.created_at, t.updated_at, t.archived_at,
	r.name, p.name, coalesce(s.name, '')`

const assignmentFrom = `role_assignments t JOIN security_roles r ON r.id = t.role_id JOIN people p ON p.id = t.person_id LEFT JOIN sites s ON s.id = t.site_id`

func scanAssignment(r scanner) (*bulkhead.RoleAssignment, error) {
	var a bulkhead.RoleAssignment
	var from string
	var to sql.NullString
	var created, updated int64
	var archived sql.NullInt64
	if err := r.Scan(&a.ID, &a.OrgID, &a.RoleID, &a.PersonID, &a.SiteID, &from, &to, &a.Notes, &created, &updated, &archived, &a.RoleName, &a.PersonName, &a.SiteName); err != nil {
		return nil, err
	}
	a.From, a.To = parseDate(from), parseNullDate(to)
	a.CreatedAt, a.UpdatedAt, a.ArchivedAt = fromMicros(created), fromMicros(updated), fromNullMicros(archived)
	return &a, nil
}

func (q queries) RoleAssignment(ctx context.Context, orgID, id string) (*bulkhead.RoleAssignment, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+assignmentCols+` FROM `+assignmentFrom+` WHERE t.org_id = ? AND t.id = ?`, orgID, id), scanAssignment, "Role assignment")
}

var assignmentOrder = map[string]string{"from": "t.from_date", "to": "coalesce(t.to_date, '9999-12-31')", "role": "lower(r.name)", "person": "lower(p.name)"}

func (q queries) RoleAssignments(ctx context.Context, f bulkhead.PeopleFilter) ([]*bulkhead.RoleAssignment, int, error) {
	var where []string
	var args []any
	add := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	add("t.role_id", f.RoleID)
	add("t.person_id", f.PersonID)
	add("t.site_id", f.SiteID)
	return listPageCount(ctx, q, assignmentCols, assignmentFrom, "role_assignments t", where, args, []string{"r.name", "p.name", "t.notes"}, f, assignmentOrder[f.Sort], scanAssignment)
}

func (q queries) CreateRoleAssignment(ctx context.Context, a *bulkhead.RoleAssignment) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO role_assignments (id, org_id, role_id, person_id, site_id, from_date, to_date, notes, created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.OrgID, a.RoleID, a.PersonID, nullStr(a.SiteID), dateStr(a.From), nullDate(a.To), a.Notes, micros(a.CreatedAt), micros(a.UpdatedAt), nullMicros(a.ArchivedAt))
	return mapErr(err)
}

func (q queries) UpdateRoleAssignment(ctx context.Context, a *bulkhead.RoleAssignment) error {
	res, err := q.q.ExecContext(ctx, `UPDATE role_assignments SET role_id = ?, person_id = ?, site_id = ?, from_date = ?, to_date = ?, notes = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		a.RoleID, a.PersonID, nullStr(a.SiteID), dateStr(a.From), nullDate(a.To), a.Notes, micros(a.UpdatedAt), nullMicros(a.ArchivedAt), a.OrgID, a.ID)
	return affectedOne(res, err, "Role assignment")
}

// ---- processes and RACI

const processCols = competenceCols

func scanProcess(r scanner) (*bulkhead.Process, error) {
	c, err := scanCompetence(r)
	if err != nil {
		return nil, err
	}
	return &bulkhead.Process{ID: c.ID, OrgID: c.OrgID, Name: c.Name, Description: c.Description, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ArchivedAt: c.ArchivedAt}, nil
}

func (q queries) Process(ctx context.Context, orgID, id string) (*bulkhead.Process, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+processCols+` FROM processes t WHERE t.org_id = ? AND t.id = ?`, orgID, id), scanProcess, "Process")
}

func (q queries) Processes(ctx context.Context, f bulkhead.PeopleFilter) ([]*bulkhead.Process, int, error) {
	return listPage(ctx, q, processCols, "processes t", nil, nil, []string{"t.name", "t.description"}, f, nameOrder[f.Sort], scanProcess)
}

func (q queries) CreateProcess(ctx context.Context, p *bulkhead.Process) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO processes (id, org_id, name, description, created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.OrgID, p.Name, p.Description, micros(p.CreatedAt), micros(p.UpdatedAt), nullMicros(p.ArchivedAt))
	return mapErr(err)
}

func (q queries) UpdateProcess(ctx context.Context, p *bulkhead.Process) error {
	res, err := q.q.ExecContext(ctx, `UPDATE processes SET name = ?, description = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		p.Name, p.Description, micros(p.UpdatedAt), nullMicros(p.ArchivedAt), p.OrgID, p.ID)
	return affectedOne(res, err, "Process")
}

func (q queries) RACI(ctx context.Context, orgID string) ([]bulkhead.RACICell, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT process_id, role_id, value FROM raci_cells WHERE org_id = ? ORDER BY process_id, role_id`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []bulkhead.RACICell{}
	for rows.Next() {
		var c bulkhead.RACICell
		if err := rows.Scan(&c.ProcessID, &c.RoleID, &c.Value); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

func (q queries) SetRACI(ctx context.Context, orgID, processID string, cells []bulkhead.RACICell) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM raci_cells WHERE org_id = ? AND process_id = ?`, orgID, processID); err != nil {
		return mapErr(err)
	}
	for _, c := range cells {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO raci_cells (org_id, process_id, role_id, value) VALUES (?, ?, ?, ?)`, orgID, processID, c.RoleID, c.Value); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// ---- courses

const courseCols = `t.id, t.org_id, t.title, t.description, t.recurrence_months, t.delivery, t.created_at, t.updated_at, t.archived_at,
	(SELECT group_concat(competence_id, ' ') FROM course_competences cc WHERE cc.course_id = t.id)`

func scanCourse(r scanner) (*bulkhead.Course, error) {
	var c bulkhead.Course
	var created, updated int64
	var archived sql.NullInt64
	var comps sql.NullString
	if err := r.Scan(&c.ID, &c.OrgID, &c.Title, &c.Description, &c.RecurrenceMonths, &c.Delivery, &created, &updated, &archived, &comps); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.ArchivedAt, c.CompetenceIDs = fromMicros(created), fromMicros(updated), fromNullMicros(archived), peopleIDList(comps)
	return &c, nil
}

func (q queries) Course(ctx context.Context, orgID, id string) (*bulkhead.Course, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+courseCols+` FROM courses t WHERE t.org_id = ? AND t.id = ?`, orgID, id), scanCourse, "Course")
}

var courseOrder = map[string]string{"title": "lower(t.title)", "recurrence_months": "t.recurrence_months", "delivery": "t.delivery", "updated_at": "t.updated_at"}

func (q queries) Courses(ctx context.Context, f bulkhead.PeopleFilter) ([]*bulkhead.Course, int, error) {
	return listPage(ctx, q, courseCols, "courses t", nil, nil, []string{"t.title", "t.description"}, f, courseOrder[f.Sort], scanCourse)
}

func (q queries) CreateCourse(ctx context.Context, c *bulkhead.Course) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO courses (id, org_id, title, description, recurrence_months, delivery, created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.Title, c.Description, c.RecurrenceMonths, string(c.Delivery), micros(c.CreatedAt), micros(c.UpdatedAt), nullMicros(c.ArchivedAt))
	if err != nil {
		return mapErr(err)
	}
	return q.replaceLinks(ctx, "course_competences", "course_id", "competence_id", c.OrgID, c.ID, c.CompetenceIDs)
}

func (q queries) UpdateCourse(ctx context.Context, c *bulkhead.Course) error {
	res, err := q.q.ExecContext(ctx, `UPDATE courses SET title = ?, description = ?, recurrence_months = ?, delivery = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		c.Title, c.Description, c.RecurrenceMonths, string(c.Delivery), micros(c.UpdatedAt), nullMicros(c.ArchivedAt), c.OrgID, c.ID)
	if err := affectedOne(res, err, "Course"); err != nil {
		return err
	}
	return q.replaceLinks(ctx, "course_competences", "course_id", "competence_id", c.OrgID, c.ID, c.CompetenceIDs)
}

// ---- training records

const trainingCols = `t.id, t.org_id, t.person_id, t.course_id, t.completed, t.expires, t.result, t.evidence_note, coalesce(t.evidence_file_id, ''),
	t.created_at, t.updated_at, t.archived_at, p.name, c.title, coalesce(f.name, '')`

const trainingFrom = `training_records t JOIN people p ON p.id = t.person_id JOIN courses c ON c.id = t.course_id LEFT JOIN evidence_files f ON f.id = t.evidence_file_id`

func scanTraining(r scanner) (*bulkhead.TrainingRecord, error) {
	var x bulkhead.TrainingRecord
	var completed string
	var expires sql.NullString
	var created, updated int64
	var archived sql.NullInt64
	if err := r.Scan(&x.ID, &x.OrgID, &x.PersonID, &x.CourseID, &completed, &expires, &x.Result, &x.EvidenceNote, &x.EvidenceFileID,
		&created, &updated, &archived, &x.PersonName, &x.CourseTitle, &x.EvidenceName); err != nil {
		return nil, err
	}
	x.Completed, x.Expires = parseDate(completed), parseNullDate(expires)
	x.CreatedAt, x.UpdatedAt, x.ArchivedAt = fromMicros(created), fromMicros(updated), fromNullMicros(archived)
	return &x, nil
}

func (q queries) TrainingRecord(ctx context.Context, orgID, id string) (*bulkhead.TrainingRecord, error) {
	return one(q.q.QueryRowContext(ctx, `SELECT `+trainingCols+` FROM `+trainingFrom+` WHERE t.org_id = ? AND t.id = ?`, orgID, id), scanTraining, "Training record")
}

var trainingOrder = map[string]string{"completed": "t.completed", "expires": "coalesce(t.expires, '9999-12-31')", "person": "lower(p.name)", "course": "lower(c.title)"}

// expiryWhere is the expiry-state filter on alias t as of today.
func expiryWhere(state bulkhead.ExpiryState, today time.Time) (string, []any) {
	d, soon := dateStr(today), dateStr(today.AddDate(0, 0, bulkhead.ExpiringDays))
	switch state {
	case bulkhead.StateValid:
		return "(t.expires IS NULL OR t.expires > ?)", []any{soon}
	case bulkhead.StateExpiring:
		return "(t.expires >= ? AND t.expires <= ?)", []any{d, soon}
	case bulkhead.StateExpired:
		return "t.expires < ?", []any{d}
	}
	return "", nil
}

func (q queries) TrainingRecords(ctx context.Context, f bulkhead.PeopleFilter) ([]*bulkhead.TrainingRecord, int, error) {
	var where []string
	var args []any
	if f.PersonID != "" {
		where, args = append(where, "t.person_id = ?"), append(args, f.PersonID)
	}
	if f.CourseID != "" {
		where, args = append(where, "t.course_id = ?"), append(args, f.CourseID)
	}
	if f.SiteID != "" {
		where = append(where, "t.person_id IN (SELECT person_id FROM person_sites WHERE org_id = ? AND site_id = ?)")
		args = append(args, f.OrgID, f.SiteID)
	}
	if w, a := expiryWhere(f.Expiry, f.Today); w != "" {
		where, args = append(where, w), append(args, a...)
	}
	if f.Query != "" {
		// Match the few people and courses first, then training records by
		// their IDs: a LIKE over the joined names of every record would scan
		// and join the whole organisation's training for each page and count.
		where = append(where, `(t.person_id IN (SELECT id FROM people WHERE org_id = ? AND lower(name) LIKE ? ESCAPE '\') OR t.course_id IN (SELECT id FROM courses WHERE org_id = ? AND lower(title) LIKE ? ESCAPE '\') OR lower(t.evidence_note) LIKE ? ESCAPE '\')`)
		p := bulkhead.LikePattern(f.Query)
		args = append(args, f.OrgID, p, f.OrgID, p, p)
	}
	return listPageCount(ctx, q, trainingCols, trainingFrom, "training_records t", where, args, nil, f, trainingOrder[f.Sort], scanTraining)
}

func (q queries) CreateTrainingRecord(ctx context.Context, t *bulkhead.TrainingRecord) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO training_records (id, org_id, person_id, course_id, completed, expires, result, evidence_note, evidence_file_id, created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.PersonID, t.CourseID, dateStr(t.Completed), nullDate(t.Expires), string(t.Result), t.EvidenceNote, nullStr(t.EvidenceFileID), micros(t.CreatedAt), micros(t.UpdatedAt), nullMicros(t.ArchivedAt))
	return mapErr(err)
}

func (q queries) UpdateTrainingRecord(ctx context.Context, t *bulkhead.TrainingRecord) error {
	res, err := q.q.ExecContext(ctx, `UPDATE training_records SET person_id = ?, course_id = ?, completed = ?, expires = ?, result = ?, evidence_note = ?, evidence_file_id = ?, updated_at = ?, archived_at = ? WHERE org_id = ? AND id = ?`,
		t.PersonID, t.CourseID, dateStr(t.Completed), nullDate(t.Expires), string(t.Result), t.EvidenceNote, nullStr(t.EvidenceFileID), micros(t.UpdatedAt), nullMicros(t.ArchivedAt), t.OrgID, t.ID)
	return affectedOne(res, err, "Training record")
}

// ---- evidence files

func (q queries) EvidenceFile(ctx context.Context, orgID, id string) (*bulkhead.EvidenceFile, error) {
	var f bulkhead.EvidenceFile
	var created int64
	err := q.q.QueryRowContext(ctx, `SELECT id, org_id, name, content_type, size, sha256, data, created_at FROM evidence_files WHERE org_id = ? AND id = ?`, orgID, id).
		Scan(&f.ID, &f.OrgID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Data, &created)
	if err != nil {
		return nil, notFound(err, "Evidence file")
	}
	f.CreatedAt = fromMicros(created)
	return &f, nil
}

func (q queries) CreateEvidenceFile(ctx context.Context, f *bulkhead.EvidenceFile) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO evidence_files (id, org_id, name, content_type, size, sha256, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.OrgID, f.Name, f.ContentType, f.Size, f.SHA256, f.Data, micros(f.CreatedAt))
	return mapErr(err)
}

// ---- competence matrix, tasks and coverage

// CompetenceMatrix reads the matrix in five statements, whatever the number
// of people: the people working at the site, the competences their current
// assignments there need, the organisation's competences, what courses
// give, and, per person and course, the latest expiry of non-failed
// training (turned into the latest per person and competence here).
func (q queries) CompetenceMatrix(ctx context.Context, orgID, siteID string, today time.Time) (*bulkhead.MatrixData, error) {
	d := dateStr(today)
	people := `SELECT p.id FROM people p WHERE p.org_id = ? AND p.archived_at IS NULL`
	pargs := []any{orgID}
	assignSite := ""
	aargs := []any{}
	if siteID != "" {
		people = `SELECT p.id FROM person_sites ps JOIN people p ON p.id = ps.person_id WHERE ps.org_id = ? AND ps.site_id = ? AND p.archived_at IS NULL`
		pargs = []any{orgID, siteID}
		assignSite = ` AND (a.site_id = ? OR a.site_id IS NULL)`
		aargs = []any{siteID}
	}
	out := &bulkhead.MatrixData{}
	rows, err := q.q.QueryContext(ctx, `SELECT p.id, p.name, p.job_title, p.employer FROM people p WHERE p.id IN (`+people+`) ORDER BY lower(p.name), p.id`, pargs...)
	if err != nil {
		return nil, mapErr(err)
	}
	for rows.Next() {
		var m bulkhead.MatrixPerson
		if err := rows.Scan(&m.ID, &m.Name, &m.JobTitle, &m.Employer); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		out.People = append(out.People, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	// The needs of current assignments there, kept for the people above
	// (the site's people are few; filtering them here saves running the
	// people statement again inside this one).
	working := make(map[string]bool, len(out.People))
	for _, p := range out.People {
		working[p.ID] = true
	}
	rows, err = q.q.QueryContext(ctx, `SELECT DISTINCT a.person_id, rc.competence_id FROM role_assignments a
		JOIN security_roles r ON r.id = a.role_id AND r.archived_at IS NULL
		JOIN role_competences rc ON rc.role_id = a.role_id
		WHERE a.org_id = ? AND a.archived_at IS NULL AND a.from_date <= ? AND (a.to_date IS NULL OR a.to_date >= ?)`+assignSite,
		append([]any{orgID, d, d}, aargs...)...)
	if err != nil {
		return nil, mapErr(err)
	}
	var needs []bulkhead.MatrixNeed
	for rows.Next() {
		var n bulkhead.MatrixNeed
		if err := rows.Scan(&n.PersonID, &n.CompetenceID); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		if working[n.PersonID] {
			needs = append(needs, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	// The active competences needed, by name.
	needed := map[string]bool{}
	for _, n := range needs {
		needed[n.CompetenceID] = true
	}
	rows, err = q.q.QueryContext(ctx, `SELECT `+competenceCols+` FROM competences t WHERE t.org_id = ? AND t.archived_at IS NULL ORDER BY lower(t.name), t.id`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	for rows.Next() {
		c, err := scanCompetence(rows)
		if err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		if needed[c.ID] {
			out.Competences = append(out.Competences, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	active := make(map[string]bool, len(out.Competences))
	for _, c := range out.Competences {
		active[c.ID] = true
	}
	for _, n := range needs {
		if active[n.CompetenceID] {
			out.Needs = append(out.Needs, n)
		}
	}
	// What courses give, to turn the latest record per person and course
	// into the latest per person and competence.
	gives := map[string][]string{}
	rows, err = q.q.QueryContext(ctx, `SELECT course_id, competence_id FROM course_competences WHERE org_id = ?`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	for rows.Next() {
		var course, comp string
		if err := rows.Scan(&course, &comp); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		gives[course] = append(gives[course], comp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	// The people drive the join (CROSS JOIN fixes SQLite's join order):
	// each person's records come in (person, course) order from the
	// covering person index, so the grouping streams and the cost follows
	// the site's people, not the organisation's records.
	rows, err = q.q.QueryContext(ctx, `SELECT t.person_id, t.course_id, max(coalesce(t.expires, '9999-12-31'))
		FROM (`+people+`) AS s CROSS JOIN training_records t
		WHERE t.person_id = s.id AND t.archived_at IS NULL AND t.result <> 'failed' AND t.completed <= ?
		GROUP BY t.person_id, t.course_id`, append(pargs, d)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	held := map[[2]string]string{}
	var order [][2]string
	for rows.Next() {
		var person, course, exp string
		if err := rows.Scan(&person, &course, &exp); err != nil {
			return nil, mapErr(err)
		}
		for _, comp := range gives[course] {
			k := [2]string{person, comp}
			if was, ok := held[k]; !ok {
				order = append(order, k)
				held[k] = exp
			} else if exp > was {
				held[k] = exp
			}
		}
	}
	for _, k := range order {
		h := bulkhead.MatrixHeld{PersonID: k[0], CompetenceID: k[1]}
		if exp := held[k]; exp != "9999-12-31" {
			t := parseDate(exp)
			h.Expires = &t
		}
		out.Held = append(out.Held, h)
	}
	return out, mapErr(rows.Err())
}

func (q queries) ExpiringTraining(ctx context.Context, orgID string, until time.Time) ([]*bulkhead.TrainingRecord, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+trainingCols+` FROM `+trainingFrom+`
		WHERE t.org_id = ? AND t.archived_at IS NULL AND p.archived_at IS NULL AND t.expires IS NOT NULL AND t.expires <= ?
		AND NOT EXISTS (SELECT 1 FROM training_records n WHERE n.person_id = t.person_id AND n.course_id = t.course_id
			AND n.archived_at IS NULL AND n.id <> t.id AND (n.expires IS NULL OR n.expires > t.expires))
		ORDER BY t.expires, t.id`, orgID, dateStr(until))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*bulkhead.TrainingRecord
	for rows.Next() {
		x, err := scanTraining(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, x)
	}
	return out, mapErr(rows.Err())
}

func (q queries) VacantSiteRoles(ctx context.Context, orgID string, today time.Time) ([]bulkhead.VacantRole, error) {
	d := dateStr(today)
	rows, err := q.q.QueryContext(ctx, `SELECT r.id, r.name, s.id, s.name FROM security_roles r JOIN sites s ON s.org_id = r.org_id
		WHERE r.org_id = ? AND r.per_site = 1 AND r.archived_at IS NULL AND s.archived_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM role_assignments a JOIN people p ON p.id = a.person_id AND p.archived_at IS NULL
			WHERE a.role_id = r.id AND a.site_id = s.id AND a.archived_at IS NULL AND a.from_date <= ? AND (a.to_date IS NULL OR a.to_date >= ?))
		ORDER BY lower(s.name), s.id, lower(r.name), r.id`, orgID, d, d)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []bulkhead.VacantRole
	for rows.Next() {
		var v bulkhead.VacantRole
		if err := rows.Scan(&v.RoleID, &v.RoleName, &v.SiteID, &v.SiteName); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

func (q queries) PeopleSites(ctx context.Context, orgID string) (map[string][]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT p.user_id, ps.site_id FROM people p JOIN person_sites ps ON ps.person_id = p.id
		WHERE p.org_id = ? AND p.user_id IS NOT NULL AND p.archived_at IS NULL ORDER BY p.user_id, ps.site_id`, orgID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var u, s string
		if err := rows.Scan(&u, &s); err != nil {
			return nil, mapErr(err)
		}
		if !slices.Contains(out[u], s) {
			out[u] = append(out[u], s)
		}
	}
	return out, mapErr(rows.Err())
}

func (q queries) PeopleCounts(ctx context.Context, orgID string) (bulkhead.PeopleCounts, error) {
	var c bulkhead.PeopleCounts
	err := q.q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM people WHERE org_id = ?1 AND archived_at IS NULL),
		(SELECT count(*) FROM competences WHERE org_id = ?1 AND archived_at IS NULL),
		(SELECT count(*) FROM security_roles WHERE org_id = ?1 AND archived_at IS NULL),
		(SELECT count(*) FROM role_assignments WHERE org_id = ?1 AND archived_at IS NULL),
		(SELECT count(*) FROM processes WHERE org_id = ?1 AND archived_at IS NULL),
		(SELECT count(*) FROM courses WHERE org_id = ?1 AND archived_at IS NULL),
		(SELECT count(*) FROM training_records WHERE org_id = ?1 AND archived_at IS NULL)`, orgID).
		Scan(&c.People, &c.Competences, &c.Roles, &c.Assignments, &c.Processes, &c.Courses, &c.Training)
	return c, mapErr(err)
}
