package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Actions of the people register.
const (
	ActPeopleRead         Action = "people.read"
	ActPersonManage       Action = "person.manage"
	ActCompetenceManage   Action = "competence.manage"
	ActSecurityRoleManage Action = "security_role.manage"
	ActAssignmentManage   Action = "role_assignment.manage"
	ActRACIManage         Action = "raci.manage"
	ActCourseManage       Action = "course.manage"
	ActTrainingManage     Action = "training.manage"
)

// today is the service clock's day, in UTC.
func (s *Service) today() time.Time { return bulkhead.Day(s.now()) }

// listPeople authorises a read and normalises a filter for a record type.
func (s *Service) peopleFilter(a Actor, f *bulkhead.PeopleFilter, sorts []string) error {
	if err := authorize(a, ActPeopleRead); err != nil {
		return err
	}
	f.OrgID = a.OrgID
	if f.Today.IsZero() {
		f.Today = s.today()
	}
	return f.Normalize(sorts)
}

// eachPeoplePage calls list page by page until every match is seen (exports).
func eachPeoplePage[T any](f bulkhead.PeopleFilter, list func(bulkhead.PeopleFilter) ([]T, int, error), fn func(T) error) error {
	f.Limit, f.Offset = bulkhead.MaxPageSize, 0
	for {
		page, total, err := list(f)
		if err != nil {
			return err
		}
		for _, x := range page {
			if err := fn(x); err != nil {
				return err
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return nil
		}
	}
}

// archiveOp archives or restores one record in a transaction with its audit
// entry; a no-op when it is already in that state.
func archiveOp[T any](s *Service, ctx context.Context, a Actor, act Action, kind, id string, archive bool,
	get func(bulkhead.Tx) (T, error), state func(T) **time.Time, touch func(T, time.Time), save func(bulkhead.Tx, T) error) (T, error) {
	var out T
	if err := authorize(a, act); err != nil {
		return out, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := get(tx)
		if err != nil {
			return err
		}
		out = x
		at := state(x)
		if (*at != nil) == archive {
			return nil
		}
		now := s.now()
		touch(x, now)
		action := kind + ".restore"
		if archive {
			*at = &now
			action = kind + ".archive"
		} else {
			*at = nil
		}
		if err := save(tx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, kind, id, map[string]any{"archived": archive})
	})
	return out, err
}

func errArchived(what string) error {
	return bulkhead.Errorf(bulkhead.ECONFLICT, "The %s is archived; restore it before editing.", what)
}

// checkLinks adds a field error when one of ids is not a record of the
// organisation (get returns ENOTFOUND for it).
func checkLinks(f map[string]string, field string, ids []string, get func(id string) error) error {
	for _, id := range ids {
		if !bulkhead.ValidID(id) {
			f[field] = bulkhead.FieldLinkUnknown
			return nil
		}
		err := get(id)
		if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
			f[field] = bulkhead.FieldLinkUnknown
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ---- people

func personAudit(p *bulkhead.Person) map[string]any {
	return map[string]any{"name": p.Name, "email": p.Email, "job_title": p.JobTitle, "employer": p.Employer,
		"user_id": p.UserID, "site_ids": strings.Join(p.SiteIDs, " "), "notes": p.Notes}
}

func (s *Service) checkPerson(ctx context.Context, tx bulkhead.Tx, p *bulkhead.Person) error {
	f := map[string]string{}
	if err := p.Validate(); err != nil {
		f = bulkhead.ErrorFields(err)
	}
	if p.UserID != "" {
		if err := checkLinks(f, "user_id", []string{p.UserID}, func(id string) error { _, err := tx.Membership(ctx, p.OrgID, id); return err }); err != nil {
			return err
		}
	}
	if err := checkLinks(f, "site_ids", p.SiteIDs, func(id string) error { _, err := tx.Site(ctx, p.OrgID, id); return err }); err != nil {
		return err
	}
	if len(f) > 0 {
		return bulkhead.Invalid(f)
	}
	return nil
}

// CreatePerson adds a person. EFORBIDDEN, EINVALID.
func (s *Service) CreatePerson(ctx context.Context, a Actor, in bulkhead.PersonInput) (*bulkhead.Person, error) {
	if err := authorize(a, ActPersonManage); err != nil {
		return nil, err
	}
	now := s.now()
	p := &bulkhead.Person{ID: bulkhead.NewID(), OrgID: a.OrgID, SiteIDs: []string{}, CreatedAt: now, UpdatedAt: now}
	in.Apply(p)
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := s.checkPerson(ctx, tx, p); err != nil {
			return err
		}
		if err := tx.CreatePerson(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "person.create", "person", p.ID, map[string]any{"after": personAudit(p)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Person returns a person. EFORBIDDEN, ENOTFOUND.
func (s *Service) Person(ctx context.Context, a Actor, id string) (*bulkhead.Person, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.Person(ctx, a.OrgID, id)
}

// People lists people. EFORBIDDEN, EINVALID.
func (s *Service) People(ctx context.Context, a Actor, f bulkhead.PeopleFilter) ([]*bulkhead.Person, int, error) {
	if err := s.peopleFilter(a, &f, bulkhead.PeopleSorts); err != nil {
		return nil, 0, err
	}
	return s.store.People(ctx, f)
}

// EachPerson calls fn for every person matching f, in its order.
func (s *Service) EachPerson(ctx context.Context, a Actor, f bulkhead.PeopleFilter, fn func(*bulkhead.Person) error) error {
	if err := s.peopleFilter(a, &f, bulkhead.PeopleSorts); err != nil {
		return err
	}
	return eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.Person, int, error) { return s.store.People(ctx, f) }, fn)
}

// UpdatePerson changes the given fields of a person. EFORBIDDEN,
// ENOTFOUND, EINVALID, ECONFLICT (archived).
func (s *Service) UpdatePerson(ctx context.Context, a Actor, id string, in bulkhead.PersonInput) (*bulkhead.Person, error) {
	if err := authorize(a, ActPersonManage); err != nil {
		return nil, err
	}
	var out *bulkhead.Person
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		p, err := tx.Person(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if p.ArchivedAt != nil {
			return errArchived("person")
		}
		before := personAudit(p)
		in.Apply(p)
		if err := s.checkPerson(ctx, tx, p); err != nil {
			return err
		}
		out = p
		changes := diff(before, personAudit(p))
		if len(changes) == 0 {
			return nil
		}
		p.UpdatedAt = s.now()
		if err := tx.UpdatePerson(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "person.update", "person", p.ID, map[string]any{"changes": changes})
	})
	return out, err
}

// ArchivePerson archives or restores a person. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchivePerson(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Person, error) {
	return archiveOp(s, ctx, a, ActPersonManage, "person", id, archive,
		func(tx bulkhead.Tx) (*bulkhead.Person, error) { return tx.Person(ctx, a.OrgID, id) },
		func(p *bulkhead.Person) **time.Time { return &p.ArchivedAt },
		func(p *bulkhead.Person, t time.Time) { p.UpdatedAt = t },
		func(tx bulkhead.Tx, p *bulkhead.Person) error { return tx.UpdatePerson(ctx, p) })
}

// ---- competences

func competenceAudit(c *bulkhead.Competence) map[string]any {
	return map[string]any{"name": c.Name, "description": c.Description}
}

// CreateCompetence adds a competence. EFORBIDDEN, EINVALID.
func (s *Service) CreateCompetence(ctx context.Context, a Actor, in bulkhead.CompetenceInput) (*bulkhead.Competence, error) {
	if err := authorize(a, ActCompetenceManage); err != nil {
		return nil, err
	}
	now := s.now()
	c := &bulkhead.Competence{ID: bulkhead.NewID(), OrgID: a.OrgID, CreatedAt: now, UpdatedAt: now}
	in.Apply(c)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateCompetence(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "competence.create", "competence", c.ID, map[string]any{"after": competenceAudit(c)})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Competence returns a competence. EFORBIDDEN, ENOTFOUND.
func (s *Service) Competence(ctx context.Context, a Actor, id string) (*bulkhead.Competence, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.Competence(ctx, a.OrgID, id)
}

// Competences lists competences. EFORBIDDEN, EINVALID.
func (s *Service) Competences(ctx context.Context, a Actor, f bulkhead.PeopleFilter) ([]*bulkhead.Competence, int, error) {
	if err := s.peopleFilter(a, &f, bulkhead.CompetenceSorts); err != nil {
		return nil, 0, err
	}
	return s.store.Competences(ctx, f)
}

// EachCompetence calls fn for every competence matching f.
func (s *Service) EachCompetence(ctx context.Context, a Actor, f bulkhead.PeopleFilter, fn func(*bulkhead.Competence) error) error {
	if err := s.peopleFilter(a, &f, bulkhead.CompetenceSorts); err != nil {
		return err
	}
	return eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.Competence, int, error) { return s.store.Competences(ctx, f) }, fn)
}

// UpdateCompetence changes a competence. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateCompetence(ctx context.Context, a Actor, id string, in bulkhead.CompetenceInput) (*bulkhead.Competence, error) {
	if err := authorize(a, ActCompetenceManage); err != nil {
		return nil, err
	}
	var out *bulkhead.Competence
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		c, err := tx.Competence(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if c.ArchivedAt != nil {
			return errArchived("competence")
		}
		before := competenceAudit(c)
		in.Apply(c)
		if err := c.Validate(); err != nil {
			return err
		}
		out = c
		changes := diff(before, competenceAudit(c))
		if len(changes) == 0 {
			return nil
		}
		c.UpdatedAt = s.now()
		if err := tx.UpdateCompetence(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "competence.update", "competence", c.ID, map[string]any{"changes": changes})
	})
	return out, err
}

// ArchiveCompetence archives or restores a competence. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveCompetence(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Competence, error) {
	return archiveOp(s, ctx, a, ActCompetenceManage, "competence", id, archive,
		func(tx bulkhead.Tx) (*bulkhead.Competence, error) { return tx.Competence(ctx, a.OrgID, id) },
		func(c *bulkhead.Competence) **time.Time { return &c.ArchivedAt },
		func(c *bulkhead.Competence, t time.Time) { c.UpdatedAt = t },
		func(tx bulkhead.Tx, c *bulkhead.Competence) error { return tx.UpdateCompetence(ctx, c) })
}

// ---- security roles

func roleAudit(r *bulkhead.SecurityRole) map[string]any {
	return map[string]any{"name": r.Name, "responsibilities": r.Responsibilities, "authorities": r.Authorities,
		"competence_ids": strings.Join(r.CompetenceIDs, " "), "per_site": r.PerSite}
}

func (s *Service) checkCompetences(ctx context.Context, tx bulkhead.Tx, orgID string, err error, ids []string) error {
	f := map[string]string{}
	if err != nil {
		f = bulkhead.ErrorFields(err)
	}
	if err := checkLinks(f, "competence_ids", ids, func(id string) error { _, err := tx.Competence(ctx, orgID, id); return err }); err != nil {
		return err
	}
	if len(f) > 0 {
		return bulkhead.Invalid(f)
	}
	return nil
}

// CreateSecurityRole adds a security role. EFORBIDDEN, EINVALID.
func (s *Service) CreateSecurityRole(ctx context.Context, a Actor, in bulkhead.SecurityRoleInput) (*bulkhead.SecurityRole, error) {
	if err := authorize(a, ActSecurityRoleManage); err != nil {
		return nil, err
	}
	now := s.now()
	r := &bulkhead.SecurityRole{ID: bulkhead.NewID(), OrgID: a.OrgID, CompetenceIDs: []string{}, CreatedAt: now, UpdatedAt: now}
	in.Apply(r)
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := s.checkCompetences(ctx, tx, a.OrgID, r.Validate(), r.CompetenceIDs); err != nil {
			return err
		}
		if err := tx.CreateSecurityRole(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "security_role.create", "security_role", r.ID, map[string]any{"after": roleAudit(r)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SecurityRole returns a security role. EFORBIDDEN, ENOTFOUND.
func (s *Service) SecurityRole(ctx context.Context, a Actor, id string) (*bulkhead.SecurityRole, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.SecurityRole(ctx, a.OrgID, id)
}

// SecurityRoles lists security roles. EFORBIDDEN, EINVALID.
func (s *Service) SecurityRoles(ctx context.Context, a Actor, f bulkhead.PeopleFilter) ([]*bulkhead.SecurityRole, int, error) {
	if err := s.peopleFilter(a, &f, bulkhead.SecurityRoleSorts); err != nil {
		return nil, 0, err
	}
	return s.store.SecurityRoles(ctx, f)
}

// EachSecurityRole calls fn for every security role matching f.
func (s *Service) EachSecurityRole(ctx context.Context, a Actor, f bulkhead.PeopleFilter, fn func(*bulkhead.SecurityRole) error) error {
	if err := s.peopleFilter(a, &f, bulkhead.SecurityRoleSorts); err != nil {
		return err
	}
	return eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.SecurityRole, int, error) {
		return s.store.SecurityRoles(ctx, f)
	}, fn)
}

// UpdateSecurityRole changes a security role. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateSecurityRole(ctx context.Context, a Actor, id string, in bulkhead.SecurityRoleInput) (*bulkhead.SecurityRole, error) {
	if err := authorize(a, ActSecurityRoleManage); err != nil {
		return nil, err
	}
	var out *bulkhead.SecurityRole
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		r, err := tx.SecurityRole(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if r.ArchivedAt != nil {
			return errArchived("security role")
		}
		before := roleAudit(r)
		in.Apply(r)
		if err := s.checkCompetences(ctx, tx, a.OrgID, r.Validate(), r.CompetenceIDs); err != nil {
			return err
		}
		out = r
		changes := diff(before, roleAudit(r))
		if len(changes) == 0 {
			return nil
		}
		r.UpdatedAt = s.now()
		if err := tx.UpdateSecurityRole(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "security_role.update", "security_role", r.ID, map[string]any{"changes": changes})
	})
	return out, err
}

// ArchiveSecurityRole archives or restores a security role. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveSecurityRole(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.SecurityRole, error) {
	return archiveOp(s, ctx, a, ActSecurityRoleManage, "security_role", id, archive,
		func(tx bulkhead.Tx) (*bulkhead.SecurityRole, error) { return tx.SecurityRole(ctx, a.OrgID, id) },
		func(r *bulkhead.SecurityRole) **time.Time { return &r.ArchivedAt },
		func(r *bulkhead.SecurityRole, t time.Time) { r.UpdatedAt = t },
		func(tx bulkhead.Tx, r *bulkhead.SecurityRole) error { return tx.UpdateSecurityRole(ctx, r) })
}

// ---- role assignments

func assignmentAudit(x *bulkhead.RoleAssignment) map[string]any {
	return map[string]any{"role_id": x.RoleID, "person_id": x.PersonID, "site_id": x.SiteID,
		"from": bulkhead.FormatDate(&x.From), "to": bulkhead.FormatDate(x.To), "notes": x.Notes}
}

func (s *Service) checkAssignment(ctx context.Context, tx bulkhead.Tx, x *bulkhead.RoleAssignment, f map[string]string) error {
	if err := x.Validate(f); err != nil {
		f = bulkhead.ErrorFields(err)
	}
	if x.RoleID != "" {
		if err := checkLinks(f, "role_id", []string{x.RoleID}, func(id string) error {
			r, err := tx.SecurityRole(ctx, x.OrgID, id)
			if err == nil && r.PerSite && x.SiteID == "" && f["site_id"] == "" {
				f["site_id"] = bulkhead.FieldRoleNotLocal
			}
			return err
		}); err != nil {
			return err
		}
	}
	if x.PersonID != "" {
		if err := checkLinks(f, "person_id", []string{x.PersonID}, func(id string) error { _, err := tx.Person(ctx, x.OrgID, id); return err }); err != nil {
			return err
		}
	}
	if x.SiteID != "" {
		if err := checkLinks(f, "site_id", []string{x.SiteID}, func(id string) error { _, err := tx.Site(ctx, x.OrgID, id); return err }); err != nil {
			return err
		}
	}
	if len(f) > 0 {
		return bulkhead.Invalid(f)
	}
	return nil
}

// CreateRoleAssignment puts a person in a security role. EFORBIDDEN, EINVALID.
func (s *Service) CreateRoleAssignment(ctx context.Context, a Actor, in bulkhead.RoleAssignmentInput) (*bulkhead.RoleAssignment, error) {
	if err := authorize(a, ActAssignmentManage); err != nil {
		return nil, err
	}
	now := s.now()
	x := &bulkhead.RoleAssignment{ID: bulkhead.NewID(), OrgID: a.OrgID, CreatedAt: now, UpdatedAt: now}
	f := map[string]string{}
	in.Apply(x, f)
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := s.checkAssignment(ctx, tx, x, f); err != nil {
			return err
		}
		if err := tx.CreateRoleAssignment(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "role_assignment.create", "role_assignment", x.ID, map[string]any{"after": assignmentAudit(x)})
	})
	if err != nil {
		return nil, err
	}
	return s.store.RoleAssignment(ctx, a.OrgID, x.ID)
}

// RoleAssignment returns an assignment. EFORBIDDEN, ENOTFOUND.
func (s *Service) RoleAssignment(ctx context.Context, a Actor, id string) (*bulkhead.RoleAssignment, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.RoleAssignment(ctx, a.OrgID, id)
}

// RoleAssignments lists assignments. EFORBIDDEN, EINVALID.
func (s *Service) RoleAssignments(ctx context.Context, a Actor, f bulkhead.PeopleFilter) ([]*bulkhead.RoleAssignment, int, error) {
	if err := s.peopleFilter(a, &f, bulkhead.AssignmentSorts); err != nil {
		return nil, 0, err
	}
	return s.store.RoleAssignments(ctx, f)
}

// EachRoleAssignment calls fn for every assignment matching f.
func (s *Service) EachRoleAssignment(ctx context.Context, a Actor, f bulkhead.PeopleFilter, fn func(*bulkhead.RoleAssignment) error) error {
	if err := s.peopleFilter(a, &f, bulkhead.AssignmentSorts); err != nil {
		return err
	}
	return eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.RoleAssignment, int, error) {
		return s.store.RoleAssignments(ctx, f)
	}, fn)
}

// UpdateRoleAssignment changes an assignment (e.g. ends it). EFORBIDDEN,
// ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateRoleAssignment(ctx context.Context, a Actor, id string, in bulkhead.RoleAssignmentInput) (*bulkhead.RoleAssignment, error) {
	if err := authorize(a, ActAssignmentManage); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := tx.RoleAssignment(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if x.ArchivedAt != nil {
			return errArchived("role assignment")
		}
		before := assignmentAudit(x)
		f := map[string]string{}
		in.Apply(x, f)
		if err := s.checkAssignment(ctx, tx, x, f); err != nil {
			return err
		}
		changes := diff(before, assignmentAudit(x))
		if len(changes) == 0 {
			return nil
		}
		x.UpdatedAt = s.now()
		if err := tx.UpdateRoleAssignment(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "role_assignment.update", "role_assignment", x.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return s.store.RoleAssignment(ctx, a.OrgID, id)
}

// ArchiveRoleAssignment archives or restores an assignment. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveRoleAssignment(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.RoleAssignment, error) {
	return archiveOp(s, ctx, a, ActAssignmentManage, "role_assignment", id, archive,
		func(tx bulkhead.Tx) (*bulkhead.RoleAssignment, error) { return tx.RoleAssignment(ctx, a.OrgID, id) },
		func(x *bulkhead.RoleAssignment) **time.Time { return &x.ArchivedAt },
		func(x *bulkhead.RoleAssignment, t time.Time) { x.UpdatedAt = t },
		func(tx bulkhead.Tx, x *bulkhead.RoleAssignment) error { return tx.UpdateRoleAssignment(ctx, x) })
}

// ---- processes and the RACI matrix

func processAudit(p *bulkhead.Process) map[string]any {
	return map[string]any{"name": p.Name, "description": p.Description}
}

// CreateProcess adds a process. EFORBIDDEN, EINVALID.
func (s *Service) CreateProcess(ctx context.Context, a Actor, in bulkhead.ProcessInput) (*bulkhead.Process, error) {
	if err := authorize(a, ActRACIManage); err != nil {
		return nil, err
	}
	now := s.now()
	p := &bulkhead.Process{ID: bulkhead.NewID(), OrgID: a.OrgID, CreatedAt: now, UpdatedAt: now}
	in.Apply(p)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateProcess(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "process.create", "process", p.ID, map[string]any{"after": processAudit(p)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Process returns a process. EFORBIDDEN, ENOTFOUND.
func (s *Service) Process(ctx context.Context, a Actor, id string) (*bulkhead.Process, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.Process(ctx, a.OrgID, id)
}

// Processes lists processes. EFORBIDDEN, EINVALID.
func (s *Service) Processes(ctx context.Context, a Actor, f bulkhead.PeopleFilter) ([]*bulkhead.Process, int, error) {
	if err := s.peopleFilter(a, &f, bulkhead.ProcessSorts); err != nil {
		return nil, 0, err
	}
	return s.store.Processes(ctx, f)
}

// EachProcess calls fn for every process matching f.
func (s *Service) EachProcess(ctx context.Context, a Actor, f bulkhead.PeopleFilter, fn func(*bulkhead.Process) error) error {
	if err := s.peopleFilter(a, &f, bulkhead.ProcessSorts); err != nil {
		return err
	}
	return eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.Process, int, error) { return s.store.Processes(ctx, f) }, fn)
}

// UpdateProcess changes a process. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateProcess(ctx context.Context, a Actor, id string, in bulkhead.ProcessInput) (*bulkhead.Process, error) {
	if err := authorize(a, ActRACIManage); err != nil {
		return nil, err
	}
	var out *bulkhead.Process
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		p, err := tx.Process(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if p.ArchivedAt != nil {
			return errArchived("process")
		}
		before := processAudit(p)
		in.Apply(p)
		if err := p.Validate(); err != nil {
			return err
		}
		out = p
		changes := diff(before, processAudit(p))
		if len(changes) == 0 {
			return nil
		}
		p.UpdatedAt = s.now()
		if err := tx.UpdateProcess(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "process.update", "process", p.ID, map[string]any{"changes": changes})
	})
	return out, err
}

// ArchiveProcess archives or restores a process. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveProcess(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Process, error) {
	return archiveOp(s, ctx, a, ActRACIManage, "process", id, archive,
		func(tx bulkhead.Tx) (*bulkhead.Process, error) { return tx.Process(ctx, a.OrgID, id) },
		func(p *bulkhead.Process) **time.Time { return &p.ArchivedAt },
		func(p *bulkhead.Process, t time.Time) { p.UpdatedAt = t },
		func(tx bulkhead.Tx, p *bulkhead.Process) error { return tx.UpdateProcess(ctx, p) })
}

// RACI returns every RACI cell of the organisation. EFORBIDDEN.
func (s *Service) RACI(ctx context.Context, a Actor) ([]bulkhead.RACICell, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.RACI(ctx, a.OrgID)
}

// SetRACI replaces the RACI rows given, process ID → role ID → value ("" or
// absent for an empty cell), in one transaction. Each row may hold at most
// one A; field errors are keyed "<process ID>.<role ID>". EFORBIDDEN,
// EINVALID.
func (s *Service) SetRACI(ctx context.Context, a Actor, rows map[string]map[string]string) error {
	if err := authorize(a, ActRACIManage); err != nil {
		return err
	}
	f := map[string]string{}
	for pid, row := range rows {
		for rid, v := range row {
			row[rid] = strings.ToUpper(strings.TrimSpace(v))
		}
		if err := bulkhead.ValidateRACIRow(row); err != nil {
			for rid, code := range bulkhead.ErrorFields(err) {
				f[pid+"."+rid] = code
			}
		}
	}
	if len(f) > 0 {
		return bulkhead.Invalid(f)
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		current, err := tx.RACI(ctx, a.OrgID)
		if err != nil {
			return err
		}
		pids := make([]string, 0, len(rows))
		for pid := range rows {
			pids = append(pids, pid)
		}
		slices.Sort(pids)
		for _, pid := range pids {
			if _, err := tx.Process(ctx, a.OrgID, pid); err != nil {
				if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
					return bulkhead.Invalid(map[string]string{pid: bulkhead.FieldLinkUnknown})
				}
				return err
			}
			var cells []bulkhead.RACICell
			changed := map[string]fieldChange{}
			was := map[string]string{}
			for _, c := range current {
				if c.ProcessID == pid {
					was[c.RoleID] = c.Value
				}
			}
			rids := make([]string, 0, len(rows[pid]))
			for rid := range rows[pid] {
				rids = append(rids, rid)
			}
			slices.Sort(rids)
			for _, rid := range rids {
				v := rows[pid][rid]
				if v != "" {
					if _, err := tx.SecurityRole(ctx, a.OrgID, rid); err != nil {
						if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
							return bulkhead.Invalid(map[string]string{pid + "." + rid: bulkhead.FieldLinkUnknown})
						}
						return err
					}
					cells = append(cells, bulkhead.RACICell{ProcessID: pid, RoleID: rid, Value: v})
				}
				if was[rid] != v {
					changed[rid] = fieldChange{From: was[rid], To: v}
				}
			}
			// Roles the row does not mention keep their cells.
			for rid, v := range was {
				if _, given := rows[pid][rid]; !given {
					cells = append(cells, bulkhead.RACICell{ProcessID: pid, RoleID: rid, Value: v})
				}
			}
			if len(changed) == 0 {
				continue
			}
			var as int
			for _, c := range cells {
				if c.Value == bulkhead.RACIAccountable {
					as++
				}
			}
			if as > 1 {
				return bulkhead.Invalid(map[string]string{pid: bulkhead.FieldRACISingleA})
			}
			if err := tx.SetRACI(ctx, a.OrgID, pid, cells); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, "raci.update", "process", pid, map[string]any{"changes": changed}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- courses

func courseAudit(c *bulkhead.Course) map[string]any {
	return map[string]any{"title": c.Title, "description": c.Description, "competence_ids": strings.Join(c.CompetenceIDs, " "),
		"recurrence_months": c.RecurrenceMonths, "delivery": string(c.Delivery)}
}

// CreateCourse adds a course. EFORBIDDEN, EINVALID.
func (s *Service) CreateCourse(ctx context.Context, a Actor, in bulkhead.CourseInput) (*bulkhead.Course, error) {
	if err := authorize(a, ActCourseManage); err != nil {
		return nil, err
	}
	now := s.now()
	c := &bulkhead.Course{ID: bulkhead.NewID(), OrgID: a.OrgID, CompetenceIDs: []string{}, CreatedAt: now, UpdatedAt: now}
	in.Apply(c)
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := s.checkCompetences(ctx, tx, a.OrgID, c.Validate(), c.CompetenceIDs); err != nil {
			return err
		}
		if err := tx.CreateCourse(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "course.create", "course", c.ID, map[string]any{"after": courseAudit(c)})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Course returns a course. EFORBIDDEN, ENOTFOUND.
func (s *Service) Course(ctx context.Context, a Actor, id string) (*bulkhead.Course, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.Course(ctx, a.OrgID, id)
}

// Courses lists courses. EFORBIDDEN, EINVALID.
func (s *Service) Courses(ctx context.Context, a Actor, f bulkhead.PeopleFilter) ([]*bulkhead.Course, int, error) {
	if err := s.peopleFilter(a, &f, bulkhead.CourseSorts); err != nil {
		return nil, 0, err
	}
	return s.store.Courses(ctx, f)
}

// EachCourse calls fn for every course matching f.
func (s *Service) EachCourse(ctx context.Context, a Actor, f bulkhead.PeopleFilter, fn func(*bulkhead.Course) error) error {
	if err := s.peopleFilter(a, &f, bulkhead.CourseSorts); err != nil {
		return err
	}
	return eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.Course, int, error) { return s.store.Courses(ctx, f) }, fn)
}

// UpdateCourse changes a course. Existing training records keep their
// expiry. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateCourse(ctx context.Context, a Actor, id string, in bulkhead.CourseInput) (*bulkhead.Course, error) {
	if err := authorize(a, ActCourseManage); err != nil {
		return nil, err
	}
	var out *bulkhead.Course
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		c, err := tx.Course(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if c.ArchivedAt != nil {
			return errArchived("course")
		}
		before := courseAudit(c)
		in.Apply(c)
		if err := s.checkCompetences(ctx, tx, a.OrgID, c.Validate(), c.CompetenceIDs); err != nil {
			return err
		}
		out = c
		changes := diff(before, courseAudit(c))
		if len(changes) == 0 {
			return nil
		}
		c.UpdatedAt = s.now()
		if err := tx.UpdateCourse(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "course.update", "course", c.ID, map[string]any{"changes": changes})
	})
	return out, err
}

// ArchiveCourse archives or restores a course. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveCourse(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Course, error) {
	return archiveOp(s, ctx, a, ActCourseManage, "course", id, archive,
		func(tx bulkhead.Tx) (*bulkhead.Course, error) { return tx.Course(ctx, a.OrgID, id) },
		func(c *bulkhead.Course) **time.Time { return &c.ArchivedAt },
		func(c *bulkhead.Course, t time.Time) { c.UpdatedAt = t },
		func(tx bulkhead.Tx, c *bulkhead.Course) error { return tx.UpdateCourse(ctx, c) })
}

// ---- training records and evidence

// Upload is an evidence file as received: its name, the type the client
// declared for it ("" when none) and its bytes.
type Upload struct {
	Name         string
	DeclaredType string
	Data         []byte
	TooLarge     bool // the transport cut the file off at its limit
}

// evidenceFile checks an upload and makes the file to store: at most
// MaxEvidenceBytes, a PDF or an image by its content, and, when the client
// declared a type, that type. Field errors are keyed "evidence_file".
func evidenceFile(orgID string, up *Upload, now time.Time) (*bulkhead.EvidenceFile, string) {
	if up.TooLarge || len(up.Data) > bulkhead.MaxEvidenceBytes {
		return nil, bulkhead.FieldUploadSize
	}
	if len(up.Data) == 0 {
		return nil, bulkhead.FieldRequired
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(up.Data))
	if !slices.Contains(bulkhead.EvidenceTypes, sniffed) {
		return nil, bulkhead.FieldUploadType
	}
	if up.DeclaredType != "" {
		declared, _, err := mime.ParseMediaType(up.DeclaredType)
		if err != nil || (declared != "application/octet-stream" && declared != sniffed) {
			return nil, bulkhead.FieldUploadLabel
		}
	}
	name := path.Base(strings.ReplaceAll(strings.TrimSpace(up.Name), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "evidence"
	}
	if len(name) > 200 {
		name = name[len(name)-200:]
	}
	sum := sha256.Sum256(up.Data)
	return &bulkhead.EvidenceFile{ID: bulkhead.NewID(), OrgID: orgID, Name: name, ContentType: sniffed, Size: int64(len(up.Data)),
		SHA256: hex.EncodeToString(sum[:]), Data: up.Data, CreatedAt: now}, ""
}

func trainingAudit(t *bulkhead.TrainingRecord) map[string]any {
	return map[string]any{"person_id": t.PersonID, "course_id": t.CourseID, "completed": bulkhead.FormatDate(&t.Completed),
		"expires": bulkhead.FormatDate(t.Expires), "result": string(t.Result), "evidence_note": t.EvidenceNote, "evidence_file_id": t.EvidenceFileID}
}

// checkTraining validates a record and its links, derives its expiry from
// the course unless one was given, and checks an upload; it returns the
// evidence file to store, if any.
func (s *Service) checkTraining(ctx context.Context, tx bulkhead.Tx, t *bulkhead.TrainingRecord, f map[string]string, expiryGiven bool, up *Upload) (*bulkhead.EvidenceFile, error) {
	if t.CourseID != "" && !expiryGiven && f["expires"] == "" {
		if c, err := tx.Course(ctx, t.OrgID, t.CourseID); err == nil {
			t.DeriveExpiry(c.RecurrenceMonths)
		}
	}
	if err := t.Validate(f); err != nil {
		f = bulkhead.ErrorFields(err)
	}
	if t.PersonID != "" {
		if err := checkLinks(f, "person_id", []string{t.PersonID}, func(id string) error { _, err := tx.Person(ctx, t.OrgID, id); return err }); err != nil {
			return nil, err
		}
	}
	if t.CourseID != "" {
		if err := checkLinks(f, "course_id", []string{t.CourseID}, func(id string) error { _, err := tx.Course(ctx, t.OrgID, id); return err }); err != nil {
			return nil, err
		}
	}
	var file *bulkhead.EvidenceFile
	if up != nil {
		var code string
		if file, code = evidenceFile(t.OrgID, up, s.now()); code != "" {
			f["evidence_file"] = code
		}
	}
	if len(f) > 0 {
		return nil, bulkhead.Invalid(f)
	}
	return file, nil
}

// CreateTrainingRecord records a completed course, with an optional
// evidence file (nil for none). The expiry is derived from the course's
// recurrence unless given. EFORBIDDEN, EINVALID.
func (s *Service) CreateTrainingRecord(ctx context.Context, a Actor, in bulkhead.TrainingInput, up *Upload) (*bulkhead.TrainingRecord, error) {
	if err := authorize(a, ActTrainingManage); err != nil {
		return nil, err
	}
	now := s.now()
	t := &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: a.OrgID, Result: bulkhead.ResultPassed, CreatedAt: now, UpdatedAt: now}
	f := map[string]string{}
	given := in.Apply(t, f)
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		file, err := s.checkTraining(ctx, tx, t, f, given, up)
		if err != nil {
			return err
		}
		if file != nil {
			if err := tx.CreateEvidenceFile(ctx, file); err != nil {
				return err
			}
			t.EvidenceFileID = file.ID
		}
		if err := tx.CreateTrainingRecord(ctx, t); err != nil {
			return err
		}
		change := map[string]any{"after": trainingAudit(t)}
		if file != nil {
			change["evidence"] = map[string]any{"name": file.Name, "type": file.ContentType, "size": file.Size, "sha256": file.SHA256}
		}
		return s.record(ctx, tx, a, "training_record.create", "training_record", t.ID, change)
	})
	if err != nil {
		return nil, err
	}
	return s.store.TrainingRecord(ctx, a.OrgID, t.ID)
}

// TrainingRecord returns a training record. EFORBIDDEN, ENOTFOUND.
func (s *Service) TrainingRecord(ctx context.Context, a Actor, id string) (*bulkhead.TrainingRecord, error) {
	if err := authorize(a, ActPeopleRead); err != nil {
		return nil, err
	}
	return s.store.TrainingRecord(ctx, a.OrgID, id)
}

// TrainingRecords lists training records. EFORBIDDEN, EINVALID.
func (s *Service) TrainingRecords(ctx context.Context, a Actor, f bulkhead.PeopleFilter) ([]*bulkhead.TrainingRecord, int, error) {
	if err := s.peopleFilter(a, &f, bulkhead.TrainingSorts); err != nil {
		return nil, 0, err
	}
	return s.store.TrainingRecords(ctx, f)
}

// EachTrainingRecord calls fn for every training record matching f.
func (s *Service) EachTrainingRecord(ctx context.Context, a Actor, f bulkhead.PeopleFilter, fn func(*bulkhead.TrainingRecord) error) error {
	if err := s.peopleFilter(a, &f, bulkhead.TrainingSorts); err != nil {
		return err
	}
	return eachPeoplePage(f, func(f bulkhead.PeopleFilter) ([]*bulkhead.TrainingRecord, int, error) {
		return s.store.TrainingRecords(ctx, f)
	}, fn)
}

// UpdateTrainingRecord changes a training record, optionally replacing its
// evidence file. The expiry is derived again unless given. EFORBIDDEN,
// ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateTrainingRecord(ctx context.Context, a Actor, id string, in bulkhead.TrainingInput, up *Upload) (*bulkhead.TrainingRecord, error) {
	if err := authorize(a, ActTrainingManage); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		t, err := tx.TrainingRecord(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if t.ArchivedAt != nil {
			return errArchived("training record")
		}
		before := trainingAudit(t)
		f := map[string]string{}
		given := in.Apply(t, f)
		if in.Expires == nil && t.Expires != nil {
			given = true // not asked to change: keep it
		}
		file, err := s.checkTraining(ctx, tx, t, f, given, up)
		if err != nil {
			return err
		}
		if file != nil {
			if err := tx.CreateEvidenceFile(ctx, file); err != nil {
				return err
			}
			t.EvidenceFileID = file.ID
		}
		changes := diff(before, trainingAudit(t))
		if len(changes) == 0 {
			return nil
		}
		t.UpdatedAt = s.now()
		if err := tx.UpdateTrainingRecord(ctx, t); err != nil {
			return err
		}
		change := map[string]any{"changes": changes}
		if file != nil {
			change["evidence"] = map[string]any{"name": file.Name, "type": file.ContentType, "size": file.Size, "sha256": file.SHA256}
		}
		return s.record(ctx, tx, a, "training_record.update", "training_record", t.ID, change)
	})
	if err != nil {
		return nil, err
	}
	return s.store.TrainingRecord(ctx, a.OrgID, id)
}

// ArchiveTrainingRecord archives or restores a training record. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveTrainingRecord(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.TrainingRecord, error) {
	return archiveOp(s, ctx, a, ActTrainingManage, "training_record", id, archive,
		func(tx bulkhead.Tx) (*bulkhead.TrainingRecord, error) { return tx.TrainingRecord(ctx, a.OrgID, id) },
		func(t *bulkhead.TrainingRecord) **time.Time { return &t.ArchivedAt },
		func(t *bulkhead.TrainingRecord, at time.Time) { t.UpdatedAt = at },
		func(tx bulkhead.Tx, t *bulkhead.TrainingRecord) error { return tx.UpdateTrainingRecord(ctx, t) })
}

// TrainingEvidence returns the evidence file of a training record.
// EFORBIDDEN, ENOTFOUND (also when the record has none).
func (s *Service) TrainingEvidence(ctx context.Context, a Actor, id string) (*bulkhead.EvidenceFile, error) {
	t, err := s.TrainingRecord(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if t.EvidenceFileID == "" {
		return nil, bulkhead.NotFound("Evidence file")
	}
	return s.store.EvidenceFile(ctx, a.OrgID, t.EvidenceFileID)
}
