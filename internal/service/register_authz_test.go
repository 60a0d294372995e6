package service_test

import (
	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// registerExpected is the permission matrix of the registers' actions
// (columns as in coreExpected).
var registerExpected = map[service.Action]string{
	//                         admin topm secm site audit contr view partner
	service.ActIssueRead:    "YYYYYYY-",
	service.ActIssueWrite:   "Y-Y-----",
	service.ActPartyRead:    "YYYYYYY-",
	service.ActPartyWrite:   "Y-Y-----",
	service.ActLegalRead:    "YYYYYYY-",
	service.ActLegalWrite:   "Y-Y-----",
	service.ActObjRead:      "YYYYYYY-",
	service.ActObjWrite:     "YYY-----",
	service.ActChangeRead:   "YYYYYYY-",
	service.ActChangeWrite:  "Y-YY-Y--",
	service.ActChangeDecide: "YYY-----",
	service.ActCommRead:     "YYYYYYY-",
	service.ActCommWrite:    "Y-Y-----",
}

// regFixture holds one record of each register, made by the system.
type regFixture struct {
	issue  *bulkhead.ContextIssue
	party  *bulkhead.InterestedParty
	req    *bulkhead.PartyRequirement
	legal  *bulkhead.LegalRequirement
	obj    *bulkhead.Objective
	action *bulkhead.ObjectiveAction
	change *bulkhead.PlannedChange
	comm   *bulkhead.Communication
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

// newRegFixture fills one record per register in f's organisation.
func newRegFixture(svc *service.Service, f *fixture) *regFixture {
	sys := service.SystemActor(f.org.ID, "test")
	secm := f.actors[bulkhead.RoleSecurityManager].UserID
	r := &regFixture{}
	r.issue = must(svc.CreateContextIssue(ctx, sys, issueInput("Port strikes")))
	r.party = must(svc.CreateInterestedParty(ctx, sys, bulkhead.InterestedPartyInput{Type: ptr("insurer"), Name: ptr("Cargo insurer")}))
	r.req = must(svc.CreatePartyRequirement(ctx, sys, r.party.ID, bulkhead.PartyRequirementInput{Source: ptr("contractual"), Description: ptr("Secured parking")}))
	r.legal = must(svc.CreateLegalRequirement(ctx, sys, legalInput("UCC AEO", secm)))
	r.obj = must(svc.CreateObjective(ctx, sys, objectiveInput("Fewer thefts")))
	r.action = must(svc.CreateObjectiveAction(ctx, sys, r.obj.ID, bulkhead.ObjectiveActionInput{Description: ptr("Contract parking")}))
	r.change = must(svc.CreatePlannedChange(ctx, sys, changeInput("New gate", f.actors[bulkhead.RoleContributor].UserID)))
	r.comm = must(svc.CreateCommunication(ctx, sys, commInput("Shift briefing", secm)))
	return r
}

func issueInput(title string) bulkhead.ContextIssueInput {
	return bulkhead.ContextIssueInput{Origin: ptr("external"), Category: ptr("supply_chain"), Title: ptr(title), ReviewDate: ptr("2030-01-01")}
}

func legalInput(title, owner string) bulkhead.LegalRequirementInput {
	return bulkhead.LegalRequirementInput{Title: ptr(title), Jurisdiction: ptr("EU"), OwnerID: ptr(owner), LastReview: ptr("2026-01-01"), NextReview: ptr("2027-01-01")}
}

func objectiveInput(statement string) bulkhead.ObjectiveInput {
	return bulkhead.ObjectiveInput{Statement: ptr(statement), Measure: ptr("Thefts per year"), Target: ptr("2"), StartDate: ptr("2026-01-01"), DueDate: ptr("2026-12-31")}
}

func changeInput(title, requester string) bulkhead.PlannedChangeInput {
	return bulkhead.PlannedChangeInput{Title: ptr(title), Description: ptr("Move the gate"), RequesterID: ptr(requester),
		RiskReviewed: ptr(true), RiskReview: ptr("Both gates manned"), ReviewerID: ptr(requester)}
}

func commInput(topic, who string) bulkhead.CommunicationInput {
	return bulkhead.CommunicationInput{Topic: ptr(topic), Frequency: ptr("daily"), Audience: ptr("Dock staff"), Channel: ptr("briefing"),
		CommunicatorID: ptr(who), Direction: ptr("internal")}
}

// registerActionTests performs each register action.
func registerActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	r := newRegFixture(svc, f)
	sys := service.SystemActor(f.org.ID, "test")
	// A risk scenario to link to the context issue: linking is part of
	// writing context issues, seeing the links part of reading them.
	rf, err := newRiskFixture(svc, f)
	if err != nil {
		panic(err)
	}
	risk := rf.scenario.ID
	// read gets one record and lists its register.
	read := func(get func(a service.Actor) error, list func(a service.Actor) error) func(a service.Actor) error {
		return func(a service.Actor) error {
			if err := get(a); err != nil {
				return err
			}
			return list(a)
		}
	}
	// write creates, edits, archives and restores.
	write := func(steps ...func(a service.Actor) error) func(a service.Actor) error {
		return func(a service.Actor) error {
			for _, s := range steps {
				if err := s(a); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return map[service.Action]func(a service.Actor) error{
		service.ActIssueRead: read(
			func(a service.Actor) error {
				if _, err := svc.ContextIssueRisks(ctx, a, r.issue.ID); err != nil {
					return err
				}
				if _, err := svc.RiskContextIssues(ctx, a, risk); err != nil {
					return err
				}
				_, err := svc.ContextIssue(ctx, a, r.issue.ID)
				return err
			},
			func(a service.Actor) error {
				_, _, err := svc.ContextIssues(ctx, a, bulkhead.ContextIssueFilter{})
				return err
			}),
		service.ActIssueWrite: write(
			func(a service.Actor) error {
				_, err := svc.CreateContextIssue(ctx, a, issueInput("By "+string(a.Role)))
				return err
			},
			func(a service.Actor) error {
				_, err := svc.UpdateContextIssue(ctx, a, r.issue.ID, bulkhead.ContextIssueInput{Effect: ptr("by " + string(a.Role))})
				return err
			},
			func(a service.Actor) error {
				_, err := svc.LinkContextIssueRisk(ctx, a, r.issue.ID, bulkhead.ContextIssueRiskInput{RiskID: &risk})
				return err
			},
			func(a service.Actor) error { return svc.UnlinkContextIssueRisk(ctx, a, r.issue.ID, risk) },
			func(a service.Actor) error { _, err := svc.ArchiveContextIssue(ctx, a, r.issue.ID, true); return err },
			func(a service.Actor) error { _, err := svc.ArchiveContextIssue(ctx, a, r.issue.ID, false); return err }),
		service.ActPartyRead: read(
			func(a service.Actor) error { _, err := svc.PartyRequirements(ctx, a, r.party.ID); return err },
			func(a service.Actor) error {
				_, _, err := svc.InterestedParties(ctx, a, bulkhead.PartyFilter{})
				return err
			}),
		service.ActPartyWrite: write(
			func(a service.Actor) error {
				_, err := svc.CreateInterestedParty(ctx, a, bulkhead.InterestedPartyInput{Type: ptr("customer"), Name: ptr("By " + string(a.Role))})
				return err
			},
			func(a service.Actor) error {
				_, err := svc.UpdatePartyRequirement(ctx, a, r.req.ID, bulkhead.PartyRequirementInput{Description: ptr("by " + string(a.Role))})
				return err
			},
			func(a service.Actor) error {
				_, err := svc.CreatePartyRequirement(ctx, a, r.party.ID, bulkhead.PartyRequirementInput{Source: ptr("legal"), Description: ptr("x")})
				return err
			},
			func(a service.Actor) error {
				_, err := svc.ArchiveInterestedParty(ctx, a, r.party.ID, true)
				return err
			},
			func(a service.Actor) error {
				_, err := svc.ArchiveInterestedParty(ctx, a, r.party.ID, false)
				return err
			}),
		service.ActLegalRead: read(
			func(a service.Actor) error { _, err := svc.LegalRequirement(ctx, a, r.legal.ID); return err },
			func(a service.Actor) error {
				_, _, err := svc.LegalRequirements(ctx, a, bulkhead.LegalFilter{})
				return err
			}),
		service.ActLegalWrite: write(
			func(a service.Actor) error {
				_, err := svc.CreateLegalRequirement(ctx, a, legalInput("By "+string(a.Role), ""))
				return err
			},
			func(a service.Actor) error {
				_, err := svc.UpdateLegalRequirement(ctx, a, r.legal.ID, bulkhead.LegalRequirementInput{Summary: ptr("by " + string(a.Role))})
				return err
			},
			func(a service.Actor) error {
				_, err := svc.ArchiveLegalRequirement(ctx, a, r.legal.ID, true)
				return err
			},
			func(a service.Actor) error {
				_, err := svc.ArchiveLegalRequirement(ctx, a, r.legal.ID, false)
				return err
			}),
		service.ActObjRead: read(
			func(a service.Actor) error { _, err := svc.ObjectiveActions(ctx, a, r.obj.ID); return err },
			func(a service.Actor) error {
				_, _, err := svc.Objectives(ctx, a, bulkhead.ObjectiveFilter{})
				return err
			}),
		service.ActObjWrite: write(
			func(a service.Actor) error {
				_, err := svc.CreateObjective(ctx, a, objectiveInput("By "+string(a.Role)))
				return err
			},
			func(a service.Actor) error {
				_, err := svc.UpdateObjective(ctx, a, r.obj.ID, bulkhead.ObjectiveInput{Unit: ptr(string(a.Role))})
				return err
			},
			func(a service.Actor) error {
				_, err := svc.UpdateObjectiveAction(ctx, a, r.action.ID, bulkhead.ObjectiveActionInput{Description: ptr("by " + string(a.Role))})
				return err
			},
			func(a service.Actor) error { _, err := svc.ArchiveObjective(ctx, a, r.obj.ID, true); return err },
			func(a service.Actor) error { _, err := svc.ArchiveObjective(ctx, a, r.obj.ID, false); return err }),
		service.ActChangeRead: read(
			func(a service.Actor) error { _, err := svc.PlannedChange(ctx, a, r.change.ID); return err },
			func(a service.Actor) error {
				_, _, err := svc.PlannedChanges(ctx, a, bulkhead.ChangeFilter{})
				return err
			}),
		service.ActChangeWrite: write(
			func(a service.Actor) error {
				_, err := svc.CreatePlannedChange(ctx, a, bulkhead.PlannedChangeInput{Title: ptr("By " + string(a.Role)), Description: ptr("x")})
				return err
			},
			func(a service.Actor) error {
				_, err := svc.UpdatePlannedChange(ctx, a, r.change.ID, bulkhead.PlannedChangeInput{Reason: ptr("by " + string(a.Role))})
				return err
			},
			func(a service.Actor) error { _, err := svc.ArchivePlannedChange(ctx, a, r.change.ID, true); return err },
			func(a service.Actor) error {
				_, err := svc.ArchivePlannedChange(ctx, a, r.change.ID, false)
				return err
			}),
		service.ActChangeDecide: func(a service.Actor) error {
			c := must(svc.CreatePlannedChange(ctx, sys, changeInput("To decide", f.actors[bulkhead.RoleContributor].UserID)))
			_, err := svc.DecideChange(ctx, a, c.ID, true)
			return err
		},
		service.ActCommRead: read(
			func(a service.Actor) error { _, err := svc.Communication(ctx, a, r.comm.ID); return err },
			func(a service.Actor) error {
				_, _, err := svc.Communications(ctx, a, bulkhead.CommunicationFilter{})
				return err
			}),
		service.ActCommWrite: write(
			func(a service.Actor) error {
				_, err := svc.CreateCommunication(ctx, a, commInput("By "+string(a.Role), a.UserID))
				return err
			},
			func(a service.Actor) error {
				_, err := svc.UpdateCommunication(ctx, a, r.comm.ID, bulkhead.CommunicationInput{Notes: ptr("by " + string(a.Role))})
				return err
			},
			func(a service.Actor) error { _, err := svc.ArchiveCommunication(ctx, a, r.comm.ID, true); return err },
			func(a service.Actor) error { _, err := svc.ArchiveCommunication(ctx, a, r.comm.ID, false); return err }),
	}
}
