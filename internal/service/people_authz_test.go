package service_test

import (
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// peopleExpected is the permission matrix of the people-register actions
// (columns as in coreExpected).
var peopleExpected = map[service.Action]string{
	//                                 admin topm secm site audit contr view partner
	service.ActPeopleRead:         "YYYYYYY-",
	service.ActPersonManage:       "Y-YY----",
	service.ActCompetenceManage:   "Y-Y-----",
	service.ActSecurityRoleManage: "YYY-----",
	service.ActAssignmentManage:   "YYYY----",
	service.ActRACIManage:         "YYY-----",
	service.ActCourseManage:       "Y-Y-----",
	service.ActTrainingManage:     "Y-YY----",
}

// peopleSeed is what the people action tests work on, made by the system
// actor so that every role's attempt starts from the same records.
type peopleSeed struct {
	person     *bulkhead.Person
	competence *bulkhead.Competence
	role       *bulkhead.SecurityRole
	assignment *bulkhead.RoleAssignment
	process    *bulkhead.Process
	course     *bulkhead.Course
	training   *bulkhead.TrainingRecord
}

func seedPeople(t testing.TB, svc *service.Service, f *fixture) *peopleSeed {
	t.Helper()
	s, err := makePeopleSeed(svc, f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func makePeopleSeed(svc *service.Service, f *fixture) (_ *peopleSeed, err error) {
	sys := service.SystemActor(f.org.ID, "test")
	var s peopleSeed
	var first error
	must := func(e error) {
		if first == nil {
			first = e
		}
	}
	s.competence, err = svc.CreateCompetence(ctx, sys, bulkhead.CompetenceInput{Name: ptr("Seal handling")})
	must(err)
	s.role, err = svc.CreateSecurityRole(ctx, sys, bulkhead.SecurityRoleInput{Name: ptr("Seal custodian"), PerSite: ptr(true), CompetenceIDs: &[]string{s.competence.ID}})
	must(err)
	s.person, err = svc.CreatePerson(ctx, sys, bulkhead.PersonInput{Name: ptr("Anouk de Boer"), SiteIDs: &[]string{f.site.ID}})
	must(err)
	s.assignment, err = svc.CreateRoleAssignment(ctx, sys, bulkhead.RoleAssignmentInput{RoleID: &s.role.ID, PersonID: &s.person.ID, SiteID: &f.site.ID, From: ptr("2025-01-01")})
	must(err)
	s.process, err = svc.CreateProcess(ctx, sys, bulkhead.ProcessInput{Name: ptr("Seal control")})
	must(err)
	s.course, err = svc.CreateCourse(ctx, sys, bulkhead.CourseInput{Title: ptr("Seal handling and VVTT"), RecurrenceMonths: ptr(24), Delivery: ptr("classroom"), CompetenceIDs: &[]string{s.competence.ID}})
	must(err)
	s.training, err = svc.CreateTrainingRecord(ctx, sys, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("2025-06-01"), Result: ptr("passed")}, nil)
	must(err)
	if first != nil {
		return nil, first
	}
	return &s, nil
}

// peopleActionTests performs each people-register action.
func peopleActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	var s *peopleSeed
	var seedErr error
	seed := func() *peopleSeed {
		if s == nil && seedErr == nil {
			s, seedErr = makePeopleSeed(svc, f)
		}
		if seedErr != nil {
			panic(seedErr)
		}
		return s
	}
	return map[service.Action]func(a service.Actor) error{
		service.ActPeopleRead: func(a service.Actor) error {
			s := seed()
			if _, _, err := svc.People(ctx, a, bulkhead.PeopleFilter{}); err != nil {
				return err
			}
			if _, err := svc.Person(ctx, a, s.person.ID); err != nil {
				return err
			}
			if _, _, err := svc.TrainingRecords(ctx, a, bulkhead.PeopleFilter{}); err != nil {
				return err
			}
			_, err := svc.CompetenceMatrix(ctx, a, f.site.ID)
			return err
		},
		service.ActPersonManage: func(a service.Actor) error {
			s := seed()
			if _, err := svc.UpdatePerson(ctx, a, s.person.ID, bulkhead.PersonInput{Notes: ptr("by " + string(a.Role))}); err != nil {
				return err
			}
			_, err := svc.CreatePerson(ctx, a, bulkhead.PersonInput{Name: ptr("New " + string(a.Role))})
			return err
		},
		service.ActCompetenceManage: func(a service.Actor) error {
			s := seed()
			if _, err := svc.ArchiveCompetence(ctx, a, s.competence.ID, true); err != nil {
				return err
			}
			_, err := svc.ArchiveCompetence(ctx, a, s.competence.ID, false)
			return err
		},
		service.ActSecurityRoleManage: func(a service.Actor) error {
			_, err := svc.CreateSecurityRole(ctx, a, bulkhead.SecurityRoleInput{Name: ptr("Role by " + string(a.Role))})
			return err
		},
		service.ActAssignmentManage: func(a service.Actor) error {
			s := seed()
			_, err := svc.UpdateRoleAssignment(ctx, a, s.assignment.ID, bulkhead.RoleAssignmentInput{Notes: ptr("by " + string(a.Role))})
			return err
		},
		service.ActRACIManage: func(a service.Actor) error {
			s := seed()
			v := "R"
			if a.Role == bulkhead.RoleTopManagement {
				v = "A"
			}
			return svc.SetRACI(ctx, a, map[string]map[string]string{s.process.ID: {s.role.ID: v}})
		},
		service.ActCourseManage: func(a service.Actor) error {
			s := seed()
			_, err := svc.UpdateCourse(ctx, a, s.course.ID, bulkhead.CourseInput{Description: ptr("by " + string(a.Role))})
			return err
		},
		service.ActTrainingManage: func(a service.Actor) error {
			s := seed()
			_, err := svc.CreateTrainingRecord(ctx, a, bulkhead.TrainingInput{PersonID: &s.person.ID, CourseID: &s.course.ID, Completed: ptr("2025-07-01"), Result: ptr("attended")}, nil)
			return err
		},
	}
}
