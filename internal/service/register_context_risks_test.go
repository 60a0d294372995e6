package service_test

import (
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// TestContextIssueRiskLinks checks the rules of linking risk scenarios to
// context issues: who may, what is refused with which field, that a refusal
// writes nothing, that each change is audited, and what reading shows.
func TestContextIssueRiskLinks(t *testing.T) {
	svc := newService(t)
	f := leanFixture(t, svc, "ctxlinks")
	other := leanFixture(t, svc, "ctxlinks-other")
	secm := f.actors[bulkhead.RoleSecurityManager]
	rf, err := newRiskFixture(svc, f)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := newRiskFixture(svc, other)
	if err != nil {
		t.Fatal(err)
	}
	sys := service.SystemActor(f.org.ID, "test")
	issue := must(svc.CreateContextIssue(ctx, sys, issueInput("Cargo crime rising")))
	spare := must(svc.CreateContextIssue(ctx, sys, issueInput("Driver shortage")))
	archived := must(svc.CreateContextIssue(ctx, sys, issueInput("Old tariff dispute")))
	must(svc.ArchiveContextIssue(ctx, sys, archived.ID, true))
	theirIssue := must(svc.CreateContextIssue(ctx, service.SystemActor(other.org.ID, "test"), issueInput("Theirs")))
	risk := rf.scenario.ID

	head := func() int64 {
		h, err := svc.Store().AuditHead(ctx, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		return h.Seq
	}
	link := func(a service.Actor, issueID string, riskID *string) error {
		_, err := svc.LinkContextIssueRisk(ctx, a, issueID, bulkhead.ContextIssueRiskInput{RiskID: riskID})
		return err
	}

	before := head()
	if err := link(secm, issue.ID, &risk); err != nil {
		t.Fatalf("link: %v", err)
	}
	if head() != before+1 {
		t.Errorf("link wrote %d audit entries, want 1", head()-before)
	}
	entries, _, err := svc.AuditEntries(ctx, f.actors[bulkhead.RoleAdmin], bulkhead.AuditFilter{ObjectType: bulkhead.KindContextIssue, ObjectID: issue.ID, Limit: 1})
	if err != nil || len(entries) != 1 || entries[0].Action != "context_issue.link_risk" {
		t.Errorf("audit entry of the link = %v, %v", entries, err)
	}

	refused := []struct {
		name  string
		do    func() error
		code  string
		field string // the field named, if any
		value string
	}{
		{"no risk", func() error { return link(secm, issue.ID, nil) }, bulkhead.EINVALID, "risk_id", bulkhead.FieldRequired},
		{"not an ID", func() error { return link(secm, issue.ID, ptr("risk-1")) }, bulkhead.EINVALID, "risk_id", bulkhead.FieldLinkUnknown},
		{"unknown risk", func() error { return link(secm, issue.ID, ptr(bulkhead.NewID())) }, bulkhead.EINVALID, "risk_id", bulkhead.FieldLinkUnknown},
		{"another organisation's risk", func() error { return link(secm, issue.ID, &theirs.scenario.ID) }, bulkhead.EINVALID, "risk_id", bulkhead.FieldLinkUnknown},
		{"archived issue", func() error { return link(secm, archived.ID, &risk) }, bulkhead.ECONFLICT, "", ""},
		{"duplicate", func() error { return link(secm, issue.ID, &risk) }, bulkhead.ECONFLICT, "risk_id", bulkhead.FieldDuplicate},
		{"another organisation's issue", func() error { return link(secm, theirIssue.ID, &risk) }, bulkhead.ENOTFOUND, "", ""},
		{"unknown issue", func() error { return link(secm, bulkhead.NewID(), &risk) }, bulkhead.ENOTFOUND, "", ""},
		{"site officer", func() error { return link(f.actors[bulkhead.RoleSiteOfficer], spare.ID, &risk) }, bulkhead.EFORBIDDEN, "", ""},
		{"top management", func() error { return link(f.actors[bulkhead.RoleTopManagement], spare.ID, &risk) }, bulkhead.EFORBIDDEN, "", ""},
		{"admin of another organisation", func() error { return link(other.actors[bulkhead.RoleAdmin], issue.ID, &risk) }, bulkhead.ENOTFOUND, "", ""},
		{"unlink what is not linked", func() error { return svc.UnlinkContextIssueRisk(ctx, secm, spare.ID, risk) }, bulkhead.ENOTFOUND, "", ""},
		{"unlink from another organisation", func() error { return svc.UnlinkContextIssueRisk(ctx, other.actors[bulkhead.RoleAdmin], issue.ID, risk) }, bulkhead.ENOTFOUND, "", ""},
		{"unlink as auditor", func() error { return svc.UnlinkContextIssueRisk(ctx, f.actors[bulkhead.RoleAuditor], issue.ID, risk) }, bulkhead.EFORBIDDEN, "", ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := head()
			err := tt.do()
			if got := bulkhead.ErrorCode(err); got != tt.code {
				t.Fatalf("error %v, want %s", err, tt.code)
			}
			if tt.field != "" {
				if got := bulkhead.ErrorFields(err); len(got) != 1 || got[tt.field] != tt.value {
					t.Errorf("fields %v, want %s: %s", got, tt.field, tt.value)
				}
			}
			if head() != before {
				t.Errorf("a refused change wrote %d audit entries", head()-before)
			}
		})
	}

	// Reading: the issue's risks carry the matrix's level names; the
	// scenario lists its issue; another organisation sees nothing.
	viewer := f.actors[bulkhead.RoleViewer]
	risks, err := svc.ContextIssueRisks(ctx, viewer, issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(risks) != 1 || risks[0].RiskID != risk || risks[0].Title != rf.scenario.Title || risks[0].ResidualLevelName == "" ||
		risks[0].ResidualLevel != rf.scenario.ResidualLevel || risks[0].AssessmentStatus != bulkhead.RiskDraft {
		t.Errorf("linked risks = %+v", risks)
	}
	issues, err := svc.RiskContextIssues(ctx, viewer, risk)
	if err != nil || len(issues) != 1 || issues[0].IssueID != issue.ID {
		t.Errorf("scenario's issues = %v, %v", issues, err)
	}
	if _, err := svc.ContextIssueRisks(ctx, other.actors[bulkhead.RoleAdmin], issue.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("issue's risks from another organisation: %v, want not found", err)
	}
	if _, err := svc.RiskContextIssues(ctx, other.actors[bulkhead.RoleAdmin], risk); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("scenario's issues from another organisation: %v, want not found", err)
	}
	if _, err := svc.ContextIssueRisks(ctx, f.actors[bulkhead.RolePartner], issue.ID); bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
		t.Errorf("issue's risks as partner: %v, want forbidden", err)
	}

	// Coverage of 4.1: two active issues, one without a linked risk.
	cov, err := svc.ClauseCoverage(ctx, f.actors[bulkhead.RoleAuditor])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cov {
		if c.Kind == bulkhead.KindContextIssueRisk {
			found = true
			if c.Clause != "4.1" || c.Count != 2 || c.Overdue != 1 {
				t.Errorf("4.1 risk coverage = %+v, want 2 issues, 1 without a risk", c)
			}
		}
	}
	if !found {
		t.Errorf("no risk coverage line for 4.1 in %+v", cov)
	}

	// Unlinking is audited; the issue then has no risk.
	before = head()
	if err := svc.UnlinkContextIssueRisk(ctx, secm, issue.ID, risk); err != nil {
		t.Fatalf("unlink: %v", err)
	}
	if head() != before+1 {
		t.Errorf("unlink wrote %d audit entries, want 1", head()-before)
	}
	if risks, _ := svc.ContextIssueRisks(ctx, viewer, issue.ID); len(risks) != 0 {
		t.Errorf("risks after unlink = %v", risks)
	}
}

// leanFixture is an organisation with a site and one real member, its
// security manager (who owns risks and signs audit entries); the other
// roles' actors are made up, which is enough for requests the service
// refuses or only reads. It saves the password hashing of newFixture.
func leanFixture(t *testing.T, svc *service.Service, slug string) *fixture {
	t.Helper()
	org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org "+slug, slug)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, actors: map[bulkhead.Role]service.Actor{}}
	sys := service.SystemActor(org.ID, "test")
	u, err := svc.AddMember(ctx, sys, service.NewUser{Email: "secm@" + slug + ".example", Name: "secm", Password: "correct horse battery", Role: bulkhead.RoleSecurityManager})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range bulkhead.Roles {
		f.actors[r] = service.Actor{UserID: bulkhead.NewID(), Name: string(r), OrgID: org.ID, Role: r, Lang: "en", TimeZone: "UTC"}
	}
	f.actors[bulkhead.RoleSecurityManager] = service.Actor{UserID: u.ID, Name: u.Email, OrgID: org.ID, Role: bulkhead.RoleSecurityManager, Lang: "en", TimeZone: "UTC"}
	if f.site, err = svc.CreateSite(ctx, f.actors[bulkhead.RoleSecurityManager], siteInput("Fixture DC", "NLRTM")); err != nil {
		t.Fatal(err)
	}
	return f
}
