package service_test

import (
	"fmt"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// libraryExpected is the permission matrix of the issue 5 libraries and assessments actions
// (columns as in coreExpected).
var libraryExpected = map[service.Action]string{
	//                             admin topm secm site audit contr view partner
	service.ActLibraryRead:      "YYYYYYY-",
	service.ActLibraryImport:    "Y-Y-----",
	service.ActAssessmentRead:   "YYYYYYY-",
	service.ActAssessmentManage: "Y-Y-----",
	service.ActAssessmentAnswer: "Y-YY-Y--",
	service.ActAssessmentAction: "Y-YY----",
}

// libraryByURN finds a visible library or fails the test.
func libraryByURN(t testing.TB, svc *service.Service, a service.Actor, urn string) *bulkhead.Library {
	t.Helper()
	libs, err := svc.Libraries(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range libs {
		if l.URN == urn {
			return l
		}
	}
	t.Fatalf("library %s not found among %d", urn, len(libs))
	return nil
}

const (
	isoURN   = "urn:bulkhead:risk:library:iso28000-2022"
	ctpatURN = "urn:bulkhead:risk:library:ctpat-msc"
	isoNode  = "urn:bulkhead:risk:req_node:iso28000-2022:"
	ctNode   = "urn:bulkhead:risk:req_node:ctpat-msc:"
)

// libraryActionTests performs each issue 5 libraries and assessments action.
func libraryActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	adm := f.actors[bulkhead.RoleAdmin]
	var iso *bulkhead.Library
	var x *bulkhead.Assessment
	setup := func() error {
		if x != nil {
			return nil
		}
		libs, err := svc.Libraries(ctx, adm)
		if err != nil {
			return err
		}
		for _, l := range libs {
			if l.URN == isoURN {
				iso = l
			}
		}
		x, err = svc.CreateAssessment(ctx, adm, service.AssessmentInput{LibraryID: &iso.ID, Name: ptr("Matrix")})
		return err
	}
	n := 0
	return map[service.Action]func(a service.Actor) error{
		service.ActLibraryRead: func(a service.Actor) error {
			if err := setup(); err != nil {
				return err
			}
			if _, err := svc.Libraries(ctx, a); err != nil {
				return err
			}
			_, err := svc.Library(ctx, a, iso.ID)
			return err
		},
		service.ActLibraryImport: func(a service.Actor) error {
			n++
			_, err := svc.ImportLibrary(ctx, a, "t.yaml", []byte(fmt.Sprintf(miniLibrary, n, 1)))
			return err
		},
		service.ActAssessmentRead: func(a service.Actor) error {
			if err := setup(); err != nil {
				return err
			}
			if _, err := svc.Assessments(ctx, a); err != nil {
				return err
			}
			_, err := svc.Assessment(ctx, a, x.ID)
			return err
		},
		service.ActAssessmentManage: func(a service.Actor) error {
			if err := setup(); err != nil {
				return err
			}
			_, err := svc.CreateAssessment(ctx, a, service.AssessmentInput{LibraryID: &iso.ID, Name: ptr("By " + string(a.Role))})
			return err
		},
		service.ActAssessmentAnswer: func(a service.Actor) error {
			if err := setup(); err != nil {
				return err
			}
			_, err := svc.AnswerRequirement(ctx, a, x.ID, isoNode+"4.1", service.AnswerInput{Status: ptr("compliant"), Notes: ptr("by " + string(a.Role))})
			return err
		},
		service.ActAssessmentAction: func(a service.Actor) error {
			if err := setup(); err != nil {
				return err
			}
			_, err := svc.CreateComplianceAction(ctx, a, x.ID, service.ComplianceActionInput{NodeURN: ptr(isoNode + "4.1"), Title: ptr("Fix"), OwnerID: &adm.UserID})
			return err
		},
	}
}

// miniLibrary is a small valid library; argument 1 makes its URNs unique,
// argument 2 is its version.
const miniLibrary = `urn: urn:acme:risk:library:mini-%[1]d
locale: en
ref_id: MINI
name: Mini framework
description: A test framework.
version: %[2]d
provider: Acme
packager: acme
objects:
  framework:
    urn: urn:acme:risk:framework:mini-%[1]d
    ref_id: MINI
    name: Mini
    requirement_nodes:
    - urn: urn:acme:risk:req_node:mini-%[1]d:1
      assessable: false
      depth: 1
      ref_id: "1"
      name: Heading
    - urn: urn:acme:risk:req_node:mini-%[1]d:1.1
      assessable: true
      depth: 2
      parent_urn: urn:acme:risk:req_node:mini-%[1]d:1
      ref_id: "1.1"
      name: First
      description: Do the first thing.
`
