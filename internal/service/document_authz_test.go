package service_test

import (
	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// documentExpected is the permission matrix of the controlled-document
// actions (columns as in coreExpected).
var documentExpected = map[service.Action]string{
	//                                 admin topm secm site audit contr view partner
	service.ActDocumentRead:      "YYYYYYYY",
	service.ActDocumentCreate:    "YYY--Y--",
	service.ActDocumentUpdate:    "YYY--Y--",
	service.ActDocumentArchive:   "Y-Y-----",
	service.ActDocumentApprove:   "YYY-----",
	service.ActDocumentPublish:   "YYY-----",
	service.ActDocumentAck:       "YYYY-YY-",
	service.ActDocumentAckReport: "YYY-Y---",
}

// documentActionTests performs each controlled-document action. Each
// workflow step gets a fresh procedure (which admin, top management and the
// security manager may all approve), prepared by the system actor up to the
// step before.
func documentActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	sys := service.SystemActor(f.org.ID, "test")
	n := 0
	// doc creates a public procedure requiring acknowledgement, with one
	// version taken to status upTo by the system actor.
	doc := func(upTo bulkhead.VersionStatus) (*bulkhead.Document, *bulkhead.DocumentVersion) {
		n++
		ref := "AUTHZ-" + string(rune('A'+n/26)) + string(rune('A'+n%26))
		owner := f.actors[bulkhead.RoleSecurityManager].UserID
		d, err := svc.CreateDocument(ctx, sys, bulkhead.DocumentInput{Reference: &ref, Title: ptr("Doc " + ref), Type: ptr("procedure"),
			OwnerID: &owner, Classification: ptr("public"), AckRequired: ptr(true)})
		if err != nil {
			panic(err)
		}
		v, err := svc.SaveDraft(ctx, sys, d.ID, bulkhead.VersionInput{Body: ptr("Text.")})
		if err != nil {
			panic(err)
		}
		steps := []func() (*bulkhead.DocumentVersion, error){
			func() (*bulkhead.DocumentVersion, error) { return svc.SubmitVersion(ctx, sys, d.ID, v.ID) },
			func() (*bulkhead.DocumentVersion, error) {
				return svc.ApproveVersion(ctx, f.actors[bulkhead.RoleTopManagement], d.ID, v.ID)
			},
			func() (*bulkhead.DocumentVersion, error) { return svc.PublishVersion(ctx, sys, d.ID, v.ID) },
		}
		for i, st := range []bulkhead.VersionStatus{bulkhead.VersionInReview, bulkhead.VersionApproved, bulkhead.VersionPublished} {
			if bulkhead.VersionStatus(upTo) == bulkhead.VersionDraft || docStatusIndex(upTo) < docStatusIndex(st) {
				break
			}
			if v, err = steps[i](); err != nil {
				panic(err)
			}
		}
		return d, v
	}
	return map[service.Action]func(a service.Actor) error{
		service.ActDocumentRead: func(a service.Actor) error {
			d, _ := doc(bulkhead.VersionPublished)
			if _, _, err := svc.Documents(ctx, a, bulkhead.DocumentFilter{}); err != nil {
				return err
			}
			if _, err := svc.DocumentVersions(ctx, a, d.ID); err != nil {
				return err
			}
			_, err := svc.Document(ctx, a, d.ID)
			return err
		},
		service.ActDocumentCreate: func(a service.Actor) error {
			n++
			_, err := svc.CreateDocument(ctx, a, bulkhead.DocumentInput{Reference: ptr("NEW-" + string(a.Role)), Title: ptr("New"), Type: ptr("form")})
			return err
		},
		service.ActDocumentUpdate: func(a service.Actor) error {
			d, _ := doc(bulkhead.VersionDraft)
			if _, err := svc.UpdateDocument(ctx, a, d.ID, bulkhead.DocumentInput{Title: ptr("Edited by " + string(a.Role))}); err != nil {
				return err
			}
			v, err := svc.SaveDraft(ctx, a, d.ID, bulkhead.VersionInput{Body: ptr("Edited.")})
			if err != nil {
				return err
			}
			_, err = svc.SubmitVersion(ctx, a, d.ID, v.ID)
			return err
		},
		service.ActDocumentArchive: func(a service.Actor) error {
			d, _ := doc(bulkhead.VersionDraft)
			if _, err := svc.ArchiveDocument(ctx, a, d.ID, true); err != nil {
				return err
			}
			_, err := svc.ArchiveDocument(ctx, a, d.ID, false)
			return err
		},
		service.ActDocumentApprove: func(a service.Actor) error {
			d, v := doc(bulkhead.VersionInReview)
			_, err := svc.ApproveVersion(ctx, a, d.ID, v.ID)
			return err
		},
		service.ActDocumentPublish: func(a service.Actor) error {
			d, v := doc(bulkhead.VersionApproved)
			_, err := svc.PublishVersion(ctx, a, d.ID, v.ID)
			return err
		},
		service.ActDocumentAck: func(a service.Actor) error {
			d, _ := doc(bulkhead.VersionPublished)
			_, err := svc.Acknowledge(ctx, a, d.ID, "")
			return err
		},
		service.ActDocumentAckReport: func(a service.Actor) error {
			d, _ := doc(bulkhead.VersionPublished)
			_, err := svc.DocumentAckReport(ctx, a, d.ID)
			return err
		},
	}
}

func docStatusIndex(s bulkhead.VersionStatus) int {
	for i, x := range bulkhead.VersionStatuses {
		if x == s {
			return i
		}
	}
	return -1
}
