package storetest

import (
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// testContextIssueRisks links risk scenarios to context issues: both
// directions read back, a pair is linked once, a link never crosses
// organisations, unlinking removes only its pair, and the coverage count
// sees active issues without a link.
func testContextIssueRisks(t *testing.T, s Store) {
	w := mkRiskWorld(t, s, "ctxrisk")
	other := mkRiskWorld(t, s, "ctxrisk-other")
	m := w.as.Matrix
	theft := w.scenario("Theft from trailer", bulkhead.Rating{Likelihood: 2, Consequence: 3})
	theft.Current = bulkhead.Rating{Likelihood: 4, Consequence: 3}
	theft.CurrentLevel = m.Level(theft.Current)
	theft.Treatment = bulkhead.TreatReduce
	access := w.scenario("access breach", bulkhead.Rating{Likelihood: 1, Consequence: 1})
	theirs := other.scenario("Theirs", bulkhead.Rating{Likelihood: 1, Consequence: 1})
	issue := &bulkhead.ContextIssue{Record: rec(w.org.ID), Origin: bulkhead.OriginExternal, Category: bulkhead.IssueSupplyChain, Title: "Cargo crime rising", ReviewDate: "2026-09-01"}
	quiet := &bulkhead.ContextIssue{Record: rec(w.org.ID), Origin: bulkhead.OriginInternal, Category: bulkhead.IssueOrganisational, Title: "New shift pattern"}
	gone := &bulkhead.ContextIssue{Record: rec(w.org.ID), Origin: bulkhead.OriginInternal, Category: bulkhead.IssueLegal, Title: "Archived issue"}
	archived := micro.Add(time.Minute)
	gone.ArchivedAt = &archived
	theirIssue := &bulkhead.ContextIssue{Record: rec(other.org.ID), Origin: bulkhead.OriginExternal, Category: bulkhead.IssueLegal, Title: "Theirs"}
	write(t, s, func(tx bulkhead.Tx) error {
		for _, sc := range []*bulkhead.Scenario{theft, access, theirs} {
			if err := tx.CreateScenario(ctx, sc); err != nil {
				return err
			}
		}
		for _, x := range []*bulkhead.ContextIssue{issue, quiet, gone, theirIssue} {
			if err := tx.CreateContextIssue(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})

	cov, err := s.ContextRiskCoverage(ctx, w.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (bulkhead.ContextRiskCoverage{Issues: 2, Unlinked: 2}); cov != want {
		t.Fatalf("coverage before links = %+v, want %+v", cov, want)
	}

	link := func(issueID, riskID string, at time.Time) *bulkhead.ContextIssueRisk {
		return &bulkhead.ContextIssueRisk{OrgID: w.org.ID, IssueID: issueID, RiskID: riskID, CreatedAt: at}
	}
	later := micro.Add(time.Hour)
	write(t, s, func(tx bulkhead.Tx) error {
		for _, l := range []*bulkhead.ContextIssueRisk{link(issue.ID, theft.ID, micro), link(issue.ID, access.ID, later), link(gone.ID, theft.ID, micro)} {
			if err := tx.CreateContextIssueRisk(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})

	// The same pair again is a conflict; nothing else of the transaction
	// is kept.
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateContextIssueRisk(ctx, link(issue.ID, theft.ID, later)) })
	wantCode(t, err, bulkhead.ECONFLICT)
	// A scenario or issue of another organisation cannot be linked, even
	// when the store is asked directly.
	for name, l := range map[string]*bulkhead.ContextIssueRisk{
		"their scenario": link(issue.ID, theirs.ID, micro),
		"their issue":    link(theirIssue.ID, theft.ID, micro),
		"no scenario":    link(issue.ID, bulkhead.NewID(), micro),
	} {
		err := s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateContextIssueRisk(ctx, l) })
		if err == nil {
			t.Errorf("%s: link stored", name)
		}
	}

	risks, err := s.ContextIssueRisks(ctx, w.org.ID, issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []*bulkhead.LinkedRisk{
		{RiskID: access.ID, Title: access.Title, AssessmentID: w.as.ID, AssessmentTitle: w.as.Title, AssessmentStatus: bulkhead.RiskDraft,
			CurrentLevel: -1, ResidualLevel: access.ResidualLevel, LinkedAt: later},
		{RiskID: theft.ID, Title: theft.Title, AssessmentID: w.as.ID, AssessmentTitle: w.as.Title, AssessmentStatus: bulkhead.RiskDraft,
			Current: theft.Current, CurrentLevel: theft.CurrentLevel, ResidualLevel: theft.ResidualLevel, Treatment: bulkhead.TreatReduce, LinkedAt: micro},
	}
	if diff := cmp.Diff(want, risks); diff != "" {
		t.Errorf("linked risks (-want +got):\n%s", diff)
	}
	if other, err := s.ContextIssueRisks(ctx, other.org.ID, issue.ID); err != nil || len(other) != 0 {
		t.Errorf("issue's risks seen from another organisation = %v, %v", other, err)
	}

	issues, err := s.RiskContextIssues(ctx, w.org.ID, theft.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantIssues := []*bulkhead.LinkedIssue{
		{IssueID: gone.ID, Title: gone.Title, Origin: gone.Origin, Category: gone.Category, ArchivedAt: &archived, LinkedAt: micro},
		{IssueID: issue.ID, Title: issue.Title, Origin: issue.Origin, Category: issue.Category, ReviewDate: issue.ReviewDate, LinkedAt: micro},
	}
	if diff := cmp.Diff(wantIssues, issues); diff != "" {
		t.Errorf("scenario's issues (-want +got):\n%s", diff)
	}

	cov, err = s.ContextRiskCoverage(ctx, w.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (bulkhead.ContextRiskCoverage{Issues: 2, Unlinked: 1}); cov != want {
		t.Errorf("coverage with links = %+v, want %+v", cov, want)
	}
	// The list filter finds the same issue the coverage counts: active,
	// with no risk linked; among all issues too, as the archived one has a
	// link.
	unlinked := func(status string) []string {
		t.Helper()
		f := bulkhead.ContextIssueFilter{ListFilter: bulkhead.ListFilter{OrgID: w.org.ID, Status: status, Sort: "title", Limit: 10}, Unlinked: true}
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.ContextIssues(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, x := range list {
			titles = append(titles, x.Title)
		}
		if total != len(titles) {
			t.Errorf("unlinked issues: total %d for %d listed", total, len(titles))
		}
		return titles
	}
	if diff := cmp.Diff([]string{"New shift pattern"}, unlinked(bulkhead.StatusActive)); diff != "" {
		t.Errorf("active issues without a linked risk (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"New shift pattern"}, unlinked(bulkhead.StatusAll)); diff != "" {
		t.Errorf("issues without a linked risk, archived included (-want +got):\n%s", diff)
	}

	// Unlinking removes one pair; a second time, or from another
	// organisation, it is not found.
	write(t, s, func(tx bulkhead.Tx) error { return tx.DeleteContextIssueRisk(ctx, w.org.ID, issue.ID, theft.ID) })
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.DeleteContextIssueRisk(ctx, w.org.ID, issue.ID, theft.ID) }), bulkhead.ENOTFOUND)
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.DeleteContextIssueRisk(ctx, other.org.ID, issue.ID, access.ID) }), bulkhead.ENOTFOUND)
	risks, err = s.ContextIssueRisks(ctx, w.org.ID, issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(risks) != 1 || risks[0].RiskID != access.ID {
		t.Errorf("after unlink: %v, want only %s", risks, access.ID)
	}
	if issues, _ := s.RiskContextIssues(ctx, w.org.ID, theft.ID); len(issues) != 1 || issues[0].IssueID != gone.ID {
		t.Errorf("theft's issues after unlink = %v, want only the archived one", issues)
	}
}
