package service_test

import (
	"slices"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

func fieldsOf(err error) []string {
	var out []string
	for k := range bulkhead.ErrorFields(err) {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestRegisterRules checks the registers' rules: each bad input is refused
// with its field named, and nothing is written.
func TestRegisterRules(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "rules")
	other := newFixture(t, svc, "elsewhere")
	secm := f.actors[bulkhead.RoleSecurityManager]
	r := newRegFixture(svc, f)
	stranger := other.actors[bulkhead.RoleAdmin].UserID
	tests := []struct {
		name   string
		do     func() error
		fields []string
	}{
		{"issue: unknown category", func() error {
			_, err := svc.CreateContextIssue(ctx, secm, bulkhead.ContextIssueInput{Origin: ptr("external"), Category: ptr("weather"), Title: ptr("x")})
			return err
		}, []string{"category"}},
		{"issue: missing fields, bad date", func() error {
			_, err := svc.CreateContextIssue(ctx, secm, bulkhead.ContextIssueInput{ReviewDate: ptr("2026-02-30")})
			return err
		}, []string{"category", "origin", "review_date", "title"}},
		{"legal: next review before last", func() error {
			_, err := svc.UpdateLegalRequirement(ctx, secm, r.legal.ID, bulkhead.LegalRequirementInput{NextReview: ptr("2025-12-31")})
			return err
		}, []string{"next_review"}},
		{"legal: owner of another organisation", func() error {
			_, err := svc.UpdateLegalRequirement(ctx, secm, r.legal.ID, bulkhead.LegalRequirementInput{OwnerID: ptr(stranger)})
			return err
		}, []string{"owner_id"}},
		{"legal: site of another organisation", func() error {
			_, err := svc.UpdateLegalRequirement(ctx, secm, r.legal.ID, bulkhead.LegalRequirementInput{SiteIDs: &[]string{f.site.ID, other.site.ID}})
			return err
		}, []string{"site_ids"}},
		{"objective: due before start", func() error {
			_, err := svc.UpdateObjective(ctx, secm, r.obj.ID, bulkhead.ObjectiveInput{DueDate: ptr("2025-12-31")})
			return err
		}, []string{"due_date"}},
		{"objective: numbers", func() error {
			_, err := svc.UpdateObjective(ctx, secm, r.obj.ID, bulkhead.ObjectiveInput{Target: ptr("lots"), Current: ptr("1,5x")})
			return err
		}, []string{"current", "target"}},
		{"objective: unknown status", func() error {
			_, err := svc.UpdateObjective(ctx, secm, r.obj.ID, bulkhead.ObjectiveInput{Status: ptr("done")})
			return err
		}, []string{"status"}},
		{"action: owner of another organisation", func() error {
			_, err := svc.UpdateObjectiveAction(ctx, secm, r.action.ID, bulkhead.ObjectiveActionInput{OwnerID: ptr(stranger)})
			return err
		}, []string{"owner_id"}},
		{"requirement: addressed without how", func() error {
			_, err := svc.UpdatePartyRequirement(ctx, secm, r.req.ID, bulkhead.PartyRequirementInput{Addressed: ptr(true)})
			return err
		}, []string{"how"}},
		{"change: approved through an edit", func() error {
			_, err := svc.UpdatePlannedChange(ctx, secm, r.change.ID, bulkhead.PlannedChangeInput{Status: ptr("approved")})
			return err
		}, []string{"status"}},
		{"change: implemented before approval", func() error {
			_, err := svc.UpdatePlannedChange(ctx, secm, r.change.ID, bulkhead.PlannedChangeInput{Status: ptr("implemented")})
			return err
		}, []string{"status"}},
		{"change: approved by its requester", func() error {
			_, err := svc.DecideChange(ctx, f.actors[bulkhead.RoleContributor], r.change.ID, true)
			if bulkhead.ErrorCode(err) == bulkhead.EFORBIDDEN { // contributors may not decide at all; make the requester a manager
				if _, err := svc.UpdatePlannedChange(ctx, secm, r.change.ID, bulkhead.PlannedChangeInput{RequesterID: ptr(secm.UserID)}); err != nil {
					return err
				}
				defer svc.UpdatePlannedChange(ctx, secm, r.change.ID, bulkhead.PlannedChangeInput{RequesterID: ptr(f.actors[bulkhead.RoleContributor].UserID)})
				_, err = svc.DecideChange(ctx, secm, r.change.ID, true)
			}
			return err
		}, []string{"approved_by"}},
		{"communication: communicator of another organisation", func() error {
			_, err := svc.UpdateCommunication(ctx, secm, r.comm.ID, bulkhead.CommunicationInput{CommunicatorID: ptr(stranger), Channel: ptr("pigeon")})
			return err
		}, []string{"channel"}},
		{"communication: communicator of another organisation, valid otherwise", func() error {
			_, err := svc.UpdateCommunication(ctx, secm, r.comm.ID, bulkhead.CommunicationInput{CommunicatorID: ptr(stranger)})
			return err
		}, []string{"communicator_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := svc.Store().AuditHead(ctx, f.org.ID)
			err := tt.do()
			if bulkhead.ErrorCode(err) != bulkhead.EINVALID {
				t.Fatalf("error %v, want invalid", err)
			}
			if got := fieldsOf(err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
			after, _ := svc.Store().AuditHead(ctx, f.org.ID)
			// The requester case changes the requester on purpose first.
			if tt.name != "change: approved by its requester" && after.Seq != before.Seq {
				t.Errorf("a refused change wrote %d audit entries", after.Seq-before.Seq)
			}
		})
	}
	// Records of another organisation are not found.
	oa := other.actors[bulkhead.RoleAdmin]
	for name, err := range map[string]error{
		"get":     func() error { _, err := svc.LegalRequirement(ctx, oa, r.legal.ID); return err }(),
		"update":  func() error { _, err := svc.UpdateContextIssue(ctx, oa, r.issue.ID, issueInput("x")); return err }(),
		"archive": func() error { _, err := svc.ArchiveObjective(ctx, oa, r.obj.ID, true); return err }(),
		"child": func() error {
			_, err := svc.CreatePartyRequirement(ctx, oa, r.party.ID, bulkhead.PartyRequirementInput{})
			return err
		}(),
		"decide": func() error { _, err := svc.DecideChange(ctx, oa, r.change.ID, true); return err }(),
		"list":   func() error { _, err := svc.ObjectiveActions(ctx, oa, r.obj.ID); return err }(),
	} {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			t.Errorf("%s across organisations: %v, want not found", name, err)
		}
	}
}

// TestChangeApproval follows a planned change through its decision.
func TestChangeApproval(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "approval")
	secm, top := f.actors[bulkhead.RoleSecurityManager], f.actors[bulkhead.RoleTopManagement]
	c, err := svc.CreatePlannedChange(ctx, f.actors[bulkhead.RoleSiteOfficer], bulkhead.PlannedChangeInput{Title: ptr("New gate"), Description: ptr("East"), SiteIDs: &[]string{f.site.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if c.RequesterID != f.actors[bulkhead.RoleSiteOfficer].UserID || c.Status != bulkhead.ChangeProposed {
		t.Fatalf("new change = %+v", c)
	}
	if _, err := svc.DecideChange(ctx, top, c.ID, true); !slices.Equal(fieldsOf(err), []string{"risk_reviewed"}) {
		t.Errorf("approve without risk review: %v", err)
	}
	if _, err := svc.UpdatePlannedChange(ctx, secm, c.ID, bulkhead.PlannedChangeInput{RiskReviewed: ptr(true), RiskReview: ptr("Guards at both gates"), ReviewerID: ptr(secm.UserID)}); err != nil {
		t.Fatal(err)
	}
	got, err := svc.DecideChange(ctx, top, c.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != bulkhead.ChangeApproved || got.ApprovedBy != top.UserID || got.ApprovedOn == "" {
		t.Errorf("approved change = %+v", got)
	}
	if _, err := svc.DecideChange(ctx, secm, c.ID, false); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("second decision: %v, want conflict", err)
	}
	if _, err := svc.UpdatePlannedChange(ctx, secm, c.ID, bulkhead.PlannedChangeInput{RequesterID: ptr(top.UserID)}); !slices.Equal(fieldsOf(err), []string{"approved_by"}) {
		t.Errorf("making the approver the requester: %v", err)
	}
	if got, err = svc.UpdatePlannedChange(ctx, secm, c.ID, bulkhead.PlannedChangeInput{Status: ptr("implemented")}); err != nil || got.Status != bulkhead.ChangeImplemented {
		t.Errorf("implement after approval: %+v, %v", got, err)
	}
	entries, _, err := svc.AuditEntries(ctx, secm, bulkhead.AuditFilter{ObjectType: bulkhead.KindChange, ObjectID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	want := []string{"planned_change.update", "planned_change.approve", "planned_change.update", "planned_change.create"}
	if !slices.Equal(actions, want) {
		t.Errorf("audit trail %v, want %v", actions, want)
	}
	if _, err := svc.ArchivePlannedChange(ctx, secm, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdatePlannedChange(ctx, secm, c.ID, bulkhead.PlannedChangeInput{Reason: ptr("x")}); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("edit archived: %v, want conflict", err)
	}
	if _, n, _ := svc.PlannedChanges(ctx, secm, bulkhead.ChangeFilter{ListFilter: bulkhead.ListFilter{Status: bulkhead.StatusArchived}}); n != 1 {
		t.Errorf("archived changes = %d, want 1 (archiving keeps the record)", n)
	}
}

// TestRegisterDemoTasksCoverage loads the demo and checks what My tasks
// and the clause coverage say about it.
func TestRegisterDemoTasksCoverage(t *testing.T) {
	svc := newService(t)
	if ok, err := svc.LoadDemo(ctx, "demo password 123"); err != nil || !ok {
		t.Fatalf("LoadDemo = %v, %v", ok, err)
	}
	org, err := svc.Store().OrganizationBySlug(ctx, service.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	actor := func(email string) service.Actor {
		u, err := svc.Store().UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		m, err := svc.Store().Membership(ctx, org.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return service.Actor{UserID: u.ID, Name: email, OrgID: org.ID, Role: m.Role}
	}
	kinds := func(a service.Actor) map[string]int {
		tasks, err := svc.MyTasks(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for i, task := range tasks {
			out[task.Kind]++
			if i > 0 && task.Overdue && !tasks[i-1].Overdue {
				t.Errorf("an overdue task after one that is not")
			}
		}
		return out
	}
	secm := kinds(actor("security.manager@harbourline.example"))
	if secm["legal_requirement.review"] != 3 || secm["context_issue.review"] != 2 || secm["objective_action.overdue"] != 1 || secm["planned_change.approve"] != 1 {
		t.Errorf("security manager's tasks = %v", secm)
	}
	officer := kinds(actor("site.officer@harbourline.example"))
	if officer["legal_requirement.review"] != 2 || officer["objective_action.overdue"] != 1 || officer["planned_change.approve"] != 0 {
		t.Errorf("site officer's tasks = %v", officer)
	}
	if top := kinds(actor("director@harbourline.example")); top["planned_change.approve"] != 1 {
		t.Errorf("top management's tasks = %v", top)
	}
	if p := kinds(actor("partner@harbourline.example")); len(p) != 0 {
		t.Errorf("partner's tasks = %v", p)
	}
	cov, err := svc.ClauseCoverage(ctx, actor("auditor@harbourline.example"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]service.ClauseStatus{}
	for _, c := range cov {
		got[c.Kind] = c
	}
	for kind, want := range map[string][3]int{ // clause-less: count, attention
		bulkhead.KindContextIssue: {6, 2}, bulkhead.KindParty: {6, 0}, bulkhead.KindPartyRequirement: {10, 2}, bulkhead.KindLegal: {6, 3},
		bulkhead.KindObjective: {3, 0}, bulkhead.KindObjectiveAction: {5, 2}, bulkhead.KindChange: {2, 1}, bulkhead.KindCommunication: {6, 0},
		// The demo links four of its six issues to risk scenarios.
		bulkhead.KindContextIssueRisk: {6, 2},
	} {
		if c := got[kind]; c.Count != want[0] || c.Overdue != want[1] || c.Missing {
			t.Errorf("coverage of %s = %+v, want %d records, %d needing attention", kind, c, want[0], want[1])
		}
	}
	if got[bulkhead.KindLegal].Clause != "4.2.2" || got[bulkhead.KindCommunication].Clause != "7.4" {
		t.Errorf("clauses: %+v", cov)
	}
}
