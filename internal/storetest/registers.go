package storetest

import (
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// registerTests are the contract tests of the registers of clauses 4.1,
// 4.2, 6.2, 6.3 and 7.4, by name.
var registerTests = map[string]func(*testing.T, Store){
	"RegisterRoundTrip": testRegisterRoundTrip,
	"RegisterLists":     testRegisterLists,
	"RegisterLinks":     testRegisterLinks,
	"RegisterDue":       testRegisterDue,
	"ContextIssueRisks": testContextIssueRisks,
}

// regWorld is an organisation with two members and two sites, and a second
// organisation with its own member and site.
type regWorld struct {
	org, other           *bulkhead.Organization
	ann, bob, stranger   *bulkhead.User
	site1, site2, theirs *bulkhead.Site
}

func newRegWorld(t *testing.T, s Store, slug string) *regWorld {
	t.Helper()
	w := &regWorld{org: mkOrg(t, s, slug), other: mkOrg(t, s, slug+"-other")}
	w.ann, w.bob, w.stranger = mkUser(t, s, "ann@"+slug+".example"), mkUser(t, s, "bob@"+slug+".example"), mkUser(t, s, "eve@"+slug+".example")
	mkMember(t, s, w.org, w.ann, bulkhead.RoleSecurityManager)
	mkMember(t, s, w.org, w.bob, bulkhead.RoleSiteOfficer)
	mkMember(t, s, w.other, w.stranger, bulkhead.RoleAdmin)
	w.site1, w.site2 = newSite(w.org.ID, "Venlo DC", bulkhead.SiteDC, "NLVEN"), newSite(w.org.ID, "Rotterdam", bulkhead.SiteWarehouse, "NLRTM")
	w.theirs = newSite(w.other.ID, "Hamburg", bulkhead.SiteTerminal, "DEHAM")
	for _, site := range []*bulkhead.Site{w.site1, w.site2, w.theirs} {
		write(t, s, func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, site) })
	}
	return w
}

func rec(org string) bulkhead.Record {
	return bulkhead.Record{ID: bulkhead.NewID(), OrgID: org, CreatedAt: micro, UpdatedAt: micro}
}

func f64(f float64) *float64 { return &f }

var regCmp = cmpopts.EquateEmpty()

// regCase exercises one record type through the contract: create, read
// back, change every field, read back, and not found in another
// organisation or when missing.
type regCase struct {
	name   string
	create func(tx bulkhead.Tx) error
	update func(tx bulkhead.Tx) error // after change()
	get    func(orgID string) (any, error)
	want   func() any
	change func()
	// missing updates a copy with a new ID.
	missing func(tx bulkhead.Tx) error
}

func testRegisterRoundTrip(t *testing.T, s Store) {
	w := newRegWorld(t, s, "rt")
	later := micro.Add(time.Hour)
	issue := &bulkhead.ContextIssue{Record: rec(w.org.ID), Origin: bulkhead.OriginExternal, Category: bulkhead.IssueSupplyChain,
		Title: "Cargo theft ✓", Description: "Ünïcode", Effect: "Parking policy", ReviewDate: "2026-05-01"}
	party := &bulkhead.InterestedParty{Record: rec(w.org.ID), Type: bulkhead.PartyInsurer, Name: "Insurer", Contact: "desk", Notes: "n"}
	req := &bulkhead.PartyRequirement{Record: rec(w.org.ID), PartyID: party.ID, Source: bulkhead.SourceContractual, Description: "Secured parking", Addressed: true, How: "Policy"}
	legal := &bulkhead.LegalRequirement{Record: rec(w.org.ID), Title: "UCC", Jurisdiction: "EU", Reference: "Art. 39", Summary: "AEO",
		SiteIDs: bulkhead.IDList([]string{w.site1.ID, w.site2.ID}), OwnerID: w.ann.ID, LastReview: "2025-01-01", NextReview: "2026-01-01", Compliance: bulkhead.Compliant}
	obj := &bulkhead.Objective{Record: rec(w.org.ID), Statement: "Fewer thefts", Measure: "Thefts", Target: 2.5, Unit: "n", Current: f64(3.25),
		StartDate: "2026-01-01", DueDate: "2026-12-31", OwnerID: w.bob.ID, Status: bulkhead.ObjectiveOnTrack}
	act := &bulkhead.ObjectiveAction{Record: rec(w.org.ID), ObjectiveID: obj.ID, Description: "Parking", OwnerID: w.ann.ID, DueDate: "2026-03-01", Status: bulkhead.ActionOpen}
	change := &bulkhead.PlannedChange{Record: rec(w.org.ID), Title: "Gate", Description: "Move", Reason: "Queue", SiteIDs: []string{w.site1.ID},
		Processes: "Gate-in", RiskReview: "Manned", RiskReviewed: true, ReviewerID: w.ann.ID, RequesterID: w.bob.ID, PlannedDate: "2026-06-01", Status: bulkhead.ChangeProposed}
	comm := &bulkhead.Communication{Record: rec(w.org.ID), Topic: "Briefing", Frequency: bulkhead.FreqDaily, Timing: "Shift start", Audience: "Staff",
		Channel: bulkhead.ChannelBriefing, CommunicatorID: w.bob.ID, Direction: bulkhead.OriginInternal, Notes: "n"}

	cases := []regCase{
		{name: "context issue",
			create: func(tx bulkhead.Tx) error { return tx.CreateContextIssue(ctx, issue) },
			update: func(tx bulkhead.Tx) error { return tx.UpdateContextIssue(ctx, issue) },
			get:    func(o string) (any, error) { return s.ContextIssue(ctx, o, issue.ID) },
			want:   func() any { return issue },
			change: func() {
				issue.Origin, issue.Category, issue.Title, issue.ReviewDate, issue.UpdatedAt, issue.ArchivedAt = bulkhead.OriginInternal, bulkhead.IssueLegal, "T2", "", later, &later
			},
			missing: func(tx bulkhead.Tx) error {
				c := *issue
				c.ID = bulkhead.NewID()
				return tx.UpdateContextIssue(ctx, &c)
			}},
		{name: "party",
			create: func(tx bulkhead.Tx) error { return tx.CreateInterestedParty(ctx, party) },
			update: func(tx bulkhead.Tx) error { return tx.UpdateInterestedParty(ctx, party) },
			get:    func(o string) (any, error) { return s.InterestedParty(ctx, o, party.ID) },
			want:   func() any { return party },
			change: func() {
				party.Type, party.Name, party.Contact, party.Notes, party.UpdatedAt = bulkhead.PartyCustomer, "Shipper", "", "", later
			},
			missing: func(tx bulkhead.Tx) error {
				c := *party
				c.ID = bulkhead.NewID()
				return tx.UpdateInterestedParty(ctx, &c)
			}},
		{name: "party requirement",
			create: func(tx bulkhead.Tx) error { return tx.CreatePartyRequirement(ctx, req) },
			update: func(tx bulkhead.Tx) error { return tx.UpdatePartyRequirement(ctx, req) },
			get:    func(o string) (any, error) { return s.PartyRequirement(ctx, o, req.ID) },
			want:   func() any { return req },
			change: func() {
				req.Source, req.Addressed, req.How, req.ArchivedAt = bulkhead.SourceLegal, false, "", &later
			},
			missing: func(tx bulkhead.Tx) error {
				c := *req
				c.ID = bulkhead.NewID()
				return tx.UpdatePartyRequirement(ctx, &c)
			}},
		{name: "legal requirement",
			create: func(tx bulkhead.Tx) error { return tx.CreateLegalRequirement(ctx, legal) },
			update: func(tx bulkhead.Tx) error { return tx.UpdateLegalRequirement(ctx, legal) },
			get:    func(o string) (any, error) { return s.LegalRequirement(ctx, o, legal.ID) },
			want:   func() any { return legal },
			change: func() {
				legal.SiteIDs, legal.OwnerID, legal.NextReview, legal.Compliance = []string{w.site2.ID}, "", "2027-01-01", bulkhead.NonCompliant
			},
			missing: func(tx bulkhead.Tx) error {
				c := *legal
				c.ID = bulkhead.NewID()
				return tx.UpdateLegalRequirement(ctx, &c)
			}},
		{name: "objective",
			create: func(tx bulkhead.Tx) error { return tx.CreateObjective(ctx, obj) },
			update: func(tx bulkhead.Tx) error { return tx.UpdateObjective(ctx, obj) },
			get:    func(o string) (any, error) { return s.Objective(ctx, o, obj.ID) },
			want:   func() any { return obj },
			change: func() {
				obj.Current, obj.OwnerID, obj.Target, obj.Status = nil, "", -1e6, bulkhead.ObjectiveMissed
			},
			missing: func(tx bulkhead.Tx) error { c := *obj; c.ID = bulkhead.NewID(); return tx.UpdateObjective(ctx, &c) }},
		{name: "objective action",
			create: func(tx bulkhead.Tx) error { return tx.CreateObjectiveAction(ctx, act) },
			update: func(tx bulkhead.Tx) error { return tx.UpdateObjectiveAction(ctx, act) },
			get:    func(o string) (any, error) { return s.ObjectiveAction(ctx, o, act.ID) },
			want:   func() any { return act },
			change: func() {
				act.OwnerID, act.DueDate, act.Status = w.bob.ID, "", bulkhead.ActionDone
			},
			missing: func(tx bulkhead.Tx) error {
				c := *act
				c.ID = bulkhead.NewID()
				return tx.UpdateObjectiveAction(ctx, &c)
			}},
		{name: "planned change",
			create: func(tx bulkhead.Tx) error { return tx.CreatePlannedChange(ctx, change) },
			update: func(tx bulkhead.Tx) error { return tx.UpdatePlannedChange(ctx, change) },
			get:    func(o string) (any, error) { return s.PlannedChange(ctx, o, change.ID) },
			want:   func() any { return change },
			change: func() {
				change.SiteIDs, change.ApprovedBy, change.ApprovedOn, change.Status, change.ReviewerID = []string{}, w.ann.ID, "2026-02-01", bulkhead.ChangeApproved, ""
			},
			missing: func(tx bulkhead.Tx) error {
				c := *change
				c.ID = bulkhead.NewID()
				return tx.UpdatePlannedChange(ctx, &c)
			}},
		{name: "communication",
			create: func(tx bulkhead.Tx) error { return tx.CreateCommunication(ctx, comm) },
			update: func(tx bulkhead.Tx) error { return tx.UpdateCommunication(ctx, comm) },
			get:    func(o string) (any, error) { return s.Communication(ctx, o, comm.ID) },
			want:   func() any { return comm },
			change: func() {
				comm.Frequency, comm.Channel, comm.Direction, comm.CommunicatorID = bulkhead.FreqOnEvent, bulkhead.ChannelPortal, bulkhead.OriginExternal, w.ann.ID
			},
			missing: func(tx bulkhead.Tx) error {
				c := *comm
				c.ID = bulkhead.NewID()
				return tx.UpdateCommunication(ctx, &c)
			}},
	}
	for _, c := range cases {
		write(t, s, c.create)
		got, err := c.get(w.org.ID)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(c.want(), got, regCmp); diff != "" {
			t.Errorf("%s after create (-want +got):\n%s", c.name, diff)
		}
		c.change()
		write(t, s, c.update)
		got, err = c.get(w.org.ID)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(c.want(), got, regCmp); diff != "" {
			t.Errorf("%s after update (-want +got):\n%s", c.name, diff)
		}
		if _, err := c.get(w.other.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			t.Errorf("%s read from another organisation: %v, want not found", c.name, err)
		}
		if err := s.Write(ctx, c.missing); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			t.Errorf("%s update of a missing record: %v, want not found", c.name, err)
		}
	}
	reqs, err := s.PartyRequirements(ctx, w.org.ID, party.ID)
	if err != nil || len(reqs) != 1 || reqs[0].ID != req.ID {
		t.Errorf("PartyRequirements = %v, %v", reqs, err)
	}
	acts, err := s.ObjectiveActions(ctx, w.org.ID, obj.ID)
	if err != nil || len(acts) != 1 || acts[0].ID != act.ID {
		t.Errorf("ObjectiveActions = %v, %v", acts, err)
	}
	if reqs, _ := s.PartyRequirements(ctx, w.other.ID, party.ID); len(reqs) != 0 {
		t.Errorf("requirements leak across organisations: %v", reqs)
	}
}

func normalized[F interface{ Normalize() error }](t *testing.T, f F) F {
	t.Helper()
	if err := f.Normalize(); err != nil {
		t.Fatal(err)
	}
	return f
}

func testRegisterLists(t *testing.T, s Store) {
	w := newRegWorld(t, s, "lists")
	titles := []string{"alpha port strike", "Bravo cyber attack", "charlie THEFT wave", "delta_100% tariff", "echo theft ring"}
	var issues []*bulkhead.ContextIssue
	for i, title := range titles {
		x := &bulkhead.ContextIssue{Record: rec(w.org.ID), Origin: bulkhead.Origins[i%2], Category: bulkhead.IssueCategories[i%3], Title: title,
			ReviewDate: bulkhead.Date("2026-0" + string(rune('1'+i)) + "-01")}
		x.UpdatedAt = micro.Add(time.Duration(i) * time.Minute)
		if i == 4 {
			x.ArchivedAt = &micro
		}
		write(t, s, func(tx bulkhead.Tx) error { return tx.CreateContextIssue(ctx, x) })
		issues = append(issues, x)
	}
	// One in the other organisation, to be sure it never shows.
	write(t, s, func(tx bulkhead.Tx) error {
		x := &bulkhead.ContextIssue{Record: rec(w.other.ID), Origin: bulkhead.OriginInternal, Category: bulkhead.IssuePolitical, Title: "alpha elsewhere"}
		return tx.CreateContextIssue(ctx, x)
	})
	lf := func(q, status, sort string, desc bool, limit, offset int) bulkhead.ListFilter {
		return bulkhead.ListFilter{OrgID: w.org.ID, Query: q, Status: status, Sort: sort, Desc: desc, Limit: limit, Offset: offset}
	}
	tests := []struct {
		name  string
		f     bulkhead.ContextIssueFilter
		want  []int
		total int
	}{
		{"default: active by title", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "", false, 0, 0)}, []int{0, 1, 2, 3}, 4},
		{"desc", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "title", true, 0, 0)}, []int{3, 2, 1, 0}, 4},
		{"all", bulkhead.ContextIssueFilter{ListFilter: lf("", bulkhead.StatusAll, "", false, 0, 0)}, []int{0, 1, 2, 3, 4}, 5},
		{"archived", bulkhead.ContextIssueFilter{ListFilter: lf("", bulkhead.StatusArchived, "", false, 0, 0)}, []int{4}, 1},
		{"page", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "", false, 2, 1)}, []int{1, 2}, 4},
		{"past the end", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "", false, 2, 10)}, nil, 4},
		{"far page, read from the end", bulkhead.ContextIssueFilter{ListFilter: lf("", bulkhead.StatusAll, "", false, 2, 3)}, []int{3, 4}, 5},
		{"last page, partly past the end", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "", false, 2, 3)}, []int{3}, 4},
		{"far page, descending", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "title", true, 1, 3)}, []int{0}, 4},
		{"search folds ASCII case", bulkhead.ContextIssueFilter{ListFilter: lf("THEFT", bulkhead.StatusAll, "", false, 0, 0)}, []int{2, 4}, 2},
		{"search escapes wildcards", bulkhead.ContextIssueFilter{ListFilter: lf("_100%", "", "", false, 0, 0)}, []int{3}, 1},
		{"search finds nothing", bulkhead.ContextIssueFilter{ListFilter: lf("a%b", "", "", false, 0, 0)}, nil, 0},
		{"origin", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "", false, 0, 0), Origin: bulkhead.OriginExternal}, []int{1, 3}, 2},
		{"category", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "", false, 0, 0), Category: bulkhead.IssueCategories[0]}, []int{0, 3}, 2},
		{"review before", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "review_date", false, 0, 0), ReviewBefore: "2026-03-15"}, []int{0, 1, 2}, 3},
		{"by updated desc", bulkhead.ContextIssueFilter{ListFilter: lf("", "", "updated_at", true, 0, 0)}, []int{3, 2, 1, 0}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.ContextIssues(ctx, *normalized(t, &tt.f))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, x := range got {
				ids = append(ids, x.Title)
			}
			var want []string
			for _, i := range tt.want {
				want = append(want, issues[i].Title)
			}
			if diff := cmp.Diff(want, ids, regCmp); diff != "" || total != tt.total {
				t.Errorf("titles (-want +got):\n%s\ntotal = %d, want %d", diff, total, tt.total)
			}
		})
	}

	// Only ASCII letters fold, on either store.
	uber := &bulkhead.ContextIssue{Record: rec(w.org.ID), Origin: bulkhead.OriginExternal, Category: bulkhead.IssueLegal, Title: "Überseehafen congestion"}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateContextIssue(ctx, uber) })
	for q, want := range map[string]int{"Über": 1, "SEEHAFEN": 1, "über": 0} {
		f := bulkhead.ContextIssueFilter{ListFilter: lf(q, "", "", false, 0, 0)}
		if _, n, err := s.ContextIssues(ctx, *normalized(t, &f)); err != nil || n != want {
			t.Errorf("search %q: %d, %v; want %d", q, n, err, want)
		}
	}

	// Legal requirements: sites (none means every site), owner, review.
	mkLegal := func(title string, sites []string, owner string, next bulkhead.Date) *bulkhead.LegalRequirement {
		x := &bulkhead.LegalRequirement{Record: rec(w.org.ID), Title: title, Jurisdiction: "EU", SiteIDs: sites, OwnerID: owner, NextReview: next, Compliance: bulkhead.NotAssessed}
		write(t, s, func(tx bulkhead.Tx) error { return tx.CreateLegalRequirement(ctx, x) })
		return x
	}
	mkLegal("A every site", nil, w.ann.ID, "2026-01-01")
	mkLegal("B site one", []string{w.site1.ID}, w.bob.ID, "2027-01-01")
	mkLegal("C site two", []string{w.site2.ID}, "", "")
	legalTitles := func(f bulkhead.LegalFilter) []string {
		t.Helper()
		f.OrgID = w.org.ID
		got, n, err := s.LegalRequirements(ctx, *normalized(t, &f))
		if err != nil || n != len(got) {
			t.Fatalf("LegalRequirements = %d of %d, %v", len(got), n, err)
		}
		var out []string
		for _, x := range got {
			out = append(out, x.Title)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    bulkhead.LegalFilter
		want []string
	}{
		{"site one", bulkhead.LegalFilter{SiteID: w.site1.ID}, []string{"A every site", "B site one"}},
		{"owner", bulkhead.LegalFilter{OwnerID: w.bob.ID}, []string{"B site one"}},
		{"review before", bulkhead.LegalFilter{ReviewBefore: "2026-06-01"}, []string{"A every site"}},
		{"next review, empty last", bulkhead.LegalFilter{ListFilter: bulkhead.ListFilter{Sort: "next_review"}}, []string{"A every site", "B site one", "C site two"}},
		{"search reference", bulkhead.LegalFilter{ListFilter: bulkhead.ListFilter{Query: "site t"}}, []string{"C site two"}},
	} {
		if diff := cmp.Diff(tt.want, legalTitles(tt.f), regCmp); diff != "" {
			t.Errorf("legal %s (-want +got):\n%s", tt.name, diff)
		}
	}

	// The other registers' own filters.
	p1 := &bulkhead.InterestedParty{Record: rec(w.org.ID), Type: bulkhead.PartyInsurer, Name: "Insurer"}
	p2 := &bulkhead.InterestedParty{Record: rec(w.org.ID), Type: bulkhead.PartyCustomer, Name: "Shipper"}
	o1 := &bulkhead.Objective{Record: rec(w.org.ID), Statement: "One", Measure: "m", StartDate: "2026-01-01", DueDate: "2026-02-01", OwnerID: w.ann.ID, Status: bulkhead.ObjectivePlanned}
	o2 := &bulkhead.Objective{Record: rec(w.org.ID), Statement: "Two", Measure: "m", StartDate: "2026-01-01", DueDate: "2026-01-15", Status: bulkhead.ObjectiveAchieved}
	c1 := &bulkhead.PlannedChange{Record: rec(w.org.ID), Title: "Gate", Description: "d", SiteIDs: []string{w.site2.ID}, RequesterID: w.bob.ID, Status: bulkhead.ChangeProposed}
	c2 := &bulkhead.PlannedChange{Record: rec(w.org.ID), Title: "Cameras", Description: "d", RequesterID: w.bob.ID, Status: bulkhead.ChangeCancelled}
	m1 := &bulkhead.Communication{Record: rec(w.org.ID), Topic: "Brief", Frequency: bulkhead.FreqDaily, Audience: "a", Channel: bulkhead.ChannelBriefing, CommunicatorID: w.ann.ID, Direction: bulkhead.OriginInternal}
	m2 := &bulkhead.Communication{Record: rec(w.org.ID), Topic: "Customs", Frequency: bulkhead.FreqOnEvent, Audience: "a", Channel: bulkhead.ChannelLetter, CommunicatorID: w.ann.ID, Direction: bulkhead.OriginExternal}
	write(t, s, func(tx bulkhead.Tx) error {
		for _, fn := range []func() error{
			func() error { return tx.CreateInterestedParty(ctx, p1) }, func() error { return tx.CreateInterestedParty(ctx, p2) },
			func() error { return tx.CreateObjective(ctx, o1) }, func() error { return tx.CreateObjective(ctx, o2) },
			func() error { return tx.CreatePlannedChange(ctx, c1) }, func() error { return tx.CreatePlannedChange(ctx, c2) },
			func() error { return tx.CreateCommunication(ctx, m1) }, func() error { return tx.CreateCommunication(ctx, m2) },
		} {
			if err := fn(); err != nil {
				return err
			}
		}
		return nil
	})
	base := bulkhead.ListFilter{OrgID: w.org.ID}
	if got, n, err := s.InterestedParties(ctx, *normalized(t, &bulkhead.PartyFilter{ListFilter: base, Type: bulkhead.PartyCustomer})); err != nil || n != 1 || got[0].ID != p2.ID {
		t.Errorf("parties by type = %v, %d, %v", got, n, err)
	}
	if got, n, err := s.Objectives(ctx, *normalized(t, &bulkhead.ObjectiveFilter{ListFilter: base})); err != nil || n != 2 || got[0].ID != o2.ID {
		t.Errorf("objectives by due date = %v, %d, %v", got, n, err)
	}
	if got, n, err := s.Objectives(ctx, *normalized(t, &bulkhead.ObjectiveFilter{ListFilter: base, OwnerID: w.ann.ID, Status: bulkhead.ObjectivePlanned})); err != nil || n != 1 || got[0].ID != o1.ID {
		t.Errorf("objectives by owner and status = %v, %d, %v", got, n, err)
	}
	if got, n, err := s.PlannedChanges(ctx, *normalized(t, &bulkhead.ChangeFilter{ListFilter: base, SiteID: w.site2.ID})); err != nil || n != 1 || got[0].ID != c1.ID {
		t.Errorf("changes by site = %v, %d, %v", got, n, err)
	}
	if got, n, err := s.PlannedChanges(ctx, *normalized(t, &bulkhead.ChangeFilter{ListFilter: base, Status: bulkhead.ChangeCancelled})); err != nil || n != 1 || got[0].ID != c2.ID {
		t.Errorf("changes by status = %v, %d, %v", got, n, err)
	}
	if got, n, err := s.Communications(ctx, *normalized(t, &bulkhead.CommunicationFilter{ListFilter: base, Direction: bulkhead.OriginExternal, Channel: bulkhead.ChannelLetter})); err != nil || n != 1 || got[0].ID != m2.ID {
		t.Errorf("communications by direction and channel = %v, %d, %v", got, n, err)
	}
}

// testRegisterLinks checks that references stay inside the organisation:
// a member of another organisation, an unknown site, a requirement of a
// party elsewhere, and a change approved by its requester are refused.
func testRegisterLinks(t *testing.T, s Store) {
	w := newRegWorld(t, s, "links")
	party := &bulkhead.InterestedParty{Record: rec(w.other.ID), Type: bulkhead.PartyInsurer, Name: "Theirs"}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateInterestedParty(ctx, party) })
	tests := []struct {
		name string
		fn   func(tx bulkhead.Tx) error
	}{
		{"owner of another organisation", func(tx bulkhead.Tx) error {
			return tx.CreateLegalRequirement(ctx, &bulkhead.LegalRequirement{Record: rec(w.org.ID), Title: "x", Jurisdiction: "EU", OwnerID: w.stranger.ID, Compliance: bulkhead.NotAssessed})
		}},
		{"unknown site", func(tx bulkhead.Tx) error {
			return tx.CreateLegalRequirement(ctx, &bulkhead.LegalRequirement{Record: rec(w.org.ID), Title: "x", Jurisdiction: "EU", SiteIDs: []string{bulkhead.NewID()}, Compliance: bulkhead.NotAssessed})
		}},
		{"communicator of another organisation", func(tx bulkhead.Tx) error {
			return tx.CreateCommunication(ctx, &bulkhead.Communication{Record: rec(w.org.ID), Topic: "x", Frequency: bulkhead.FreqDaily, Audience: "a",
				Channel: bulkhead.ChannelEmail, CommunicatorID: w.stranger.ID, Direction: bulkhead.OriginInternal})
		}},
		{"requirement of a party elsewhere", func(tx bulkhead.Tx) error {
			return tx.CreatePartyRequirement(ctx, &bulkhead.PartyRequirement{Record: rec(w.org.ID), PartyID: party.ID, Source: bulkhead.SourceLegal, Description: "x"})
		}},
		{"self-approved change", func(tx bulkhead.Tx) error {
			return tx.CreatePlannedChange(ctx, &bulkhead.PlannedChange{Record: rec(w.org.ID), Title: "x", Description: "d", RequesterID: w.ann.ID, ApprovedBy: w.ann.ID,
				ApprovedOn: "2026-01-01", Status: bulkhead.ChangeApproved})
		}},
		{"unknown status", func(tx bulkhead.Tx) error {
			return tx.CreatePlannedChange(ctx, &bulkhead.PlannedChange{Record: rec(w.org.ID), Title: "x", Description: "d", RequesterID: w.ann.ID, Status: "done"})
		}},
	}
	for _, tt := range tests {
		if err := s.Write(ctx, tt.fn); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
			t.Errorf("%s: %v, want invalid", tt.name, err)
		}
	}
	for _, list := range []func() (int, error){
		func() (int, error) {
			_, n, err := s.LegalRequirements(ctx, *normalized(t, &bulkhead.LegalFilter{ListFilter: bulkhead.ListFilter{OrgID: w.org.ID, Status: bulkhead.StatusAll}}))
			return n, err
		},
		func() (int, error) {
			_, n, err := s.PlannedChanges(ctx, *normalized(t, &bulkhead.ChangeFilter{ListFilter: bulkhead.ListFilter{OrgID: w.org.ID, Status: bulkhead.StatusAll}}))
			return n, err
		},
	} {
		if n, err := list(); err != nil || n != 0 {
			t.Errorf("a refused write left %d records (%v)", n, err)
		}
	}
}

// testRegisterDue checks the counts of the coverage page and the overdue
// actions of My tasks.
func testRegisterDue(t *testing.T, s Store) {
	w := newRegWorld(t, s, "due")
	today := bulkhead.Date("2026-06-01")
	obj := &bulkhead.Objective{Record: rec(w.org.ID), Statement: "Late", Measure: "m", StartDate: "2026-01-01", DueDate: "2026-05-01", Status: bulkhead.ObjectiveAtRisk}
	done := &bulkhead.Objective{Record: rec(w.org.ID), Statement: "Done", Measure: "m", StartDate: "2026-01-01", DueDate: "2026-05-01", Status: bulkhead.ObjectiveAchieved}
	gone := &bulkhead.Objective{Record: rec(w.org.ID), Statement: "Gone", Measure: "m", StartDate: "2026-01-01", DueDate: "2026-05-01", Status: bulkhead.ObjectiveAtRisk}
	gone.ArchivedAt = &micro
	acts := []*bulkhead.ObjectiveAction{
		{Record: rec(w.org.ID), ObjectiveID: obj.ID, Description: "late, ann", OwnerID: w.ann.ID, DueDate: "2026-05-20", Status: bulkhead.ActionOpen},
		{Record: rec(w.org.ID), ObjectiveID: obj.ID, Description: "later, bob", OwnerID: w.bob.ID, DueDate: "2026-05-25", Status: bulkhead.ActionOpen},
		{Record: rec(w.org.ID), ObjectiveID: obj.ID, Description: "late but done", OwnerID: w.ann.ID, DueDate: "2026-05-01", Status: bulkhead.ActionDone},
		{Record: rec(w.org.ID), ObjectiveID: obj.ID, Description: "not yet due", OwnerID: w.ann.ID, DueDate: "2026-07-01", Status: bulkhead.ActionOpen},
		{Record: rec(w.org.ID), ObjectiveID: gone.ID, Description: "archived objective", OwnerID: w.ann.ID, DueDate: "2026-05-01", Status: bulkhead.ActionOpen},
	}
	party := &bulkhead.InterestedParty{Record: rec(w.org.ID), Type: bulkhead.PartyInsurer, Name: "Insurer"}
	write(t, s, func(tx bulkhead.Tx) error {
		for _, o := range []*bulkhead.Objective{obj, done, gone} {
			if err := tx.CreateObjective(ctx, o); err != nil {
				return err
			}
		}
		for _, a := range acts {
			if err := tx.CreateObjectiveAction(ctx, a); err != nil {
				return err
			}
		}
		if err := tx.CreateInterestedParty(ctx, party); err != nil {
			return err
		}
		for _, addressed := range []bool{true, false, false} {
			r := &bulkhead.PartyRequirement{Record: rec(w.org.ID), PartyID: party.ID, Source: bulkhead.SourceLegal, Description: "r", Addressed: addressed}
			if err := tx.CreatePartyRequirement(ctx, r); err != nil {
				return err
			}
		}
		for i, next := range []bulkhead.Date{"2026-05-31", "2026-06-01", ""} {
			l := &bulkhead.LegalRequirement{Record: rec(w.org.ID), Title: string(rune('a' + i)), Jurisdiction: "EU", NextReview: next, Compliance: bulkhead.NotAssessed}
			if err := tx.CreateLegalRequirement(ctx, l); err != nil {
				return err
			}
		}
		return tx.CreatePlannedChange(ctx, &bulkhead.PlannedChange{Record: rec(w.org.ID), Title: "x", Description: "d", RequesterID: w.ann.ID, Status: bulkhead.ChangeProposed})
	})
	got, err := s.OverdueActions(ctx, w.org.ID, "", today, 10)
	if err != nil {
		t.Fatal(err)
	}
	var descs []string
	for _, a := range got {
		descs = append(descs, a.Description+" / "+a.ObjectiveStatement)
	}
	if diff := cmp.Diff([]string{"late, ann / Late", "later, bob / Late"}, descs); diff != "" {
		t.Errorf("OverdueActions (-want +got):\n%s", diff)
	}
	if got, _ := s.OverdueActions(ctx, w.org.ID, w.bob.ID, today, 10); len(got) != 1 || got[0].OwnerID != w.bob.ID {
		t.Errorf("OverdueActions of bob = %v", got)
	}
	counts, err := s.RegisterCounts(ctx, w.org.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	want := []bulkhead.RegisterCount{
		{Kind: bulkhead.KindContextIssue}, {Kind: bulkhead.KindParty, Count: 1}, {Kind: bulkhead.KindPartyRequirement, Count: 3, Attention: 2},
		{Kind: bulkhead.KindLegal, Count: 3, Attention: 1}, {Kind: bulkhead.KindObjective, Count: 2, Attention: 1},
		{Kind: bulkhead.KindObjectiveAction, Count: 4, Attention: 2}, {Kind: bulkhead.KindChange, Count: 1, Attention: 1}, {Kind: bulkhead.KindCommunication},
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("RegisterCounts (-want +got):\n%s", diff)
	}
	if other, err := s.RegisterCounts(ctx, w.other.ID, today); err != nil || other[4].Count != 0 {
		t.Errorf("counts leak across organisations: %v, %v", other, err)
	}
}
