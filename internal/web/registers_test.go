package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// regSeed is one record of each register in the env's organisation.
type regSeed struct {
	issue, party, req, legal, obj, action, change, comm, archived string
	owner                                                         *bulkhead.User
}

func seedRegisters(t *testing.T, e *env) *regSeed {
	t.Helper()
	ctx := context.Background()
	sys := service.SystemActor(e.org.ID, "test")
	owner := e.addUser("", "owner@harbourline.example", bulkhead.RoleSecurityManager, "en", "UTC")
	site := e.createSite("", "Venlo DC", "NLVEN", "NL")
	must := func(id string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	r := &regSeed{owner: owner}
	x1, err := e.svc.CreateContextIssue(ctx, sys, bulkhead.ContextIssueInput{Origin: sp("external"), Category: sp("supply_chain"), Title: sp("Cargo theft <b>wave</b>"), ReviewDate: sp("2020-01-01")})
	r.issue = must(idOf(x1, err))
	x2, err := e.svc.CreateInterestedParty(ctx, sys, bulkhead.InterestedPartyInput{Type: sp("insurer"), Name: sp("Cargo insurer")})
	r.party = must(idOf(x2, err))
	addr := true
	x3, err := e.svc.CreatePartyRequirement(ctx, sys, r.party, bulkhead.PartyRequirementInput{Source: sp("contractual"), Description: sp("Secured parking"), Addressed: &addr, How: sp("Parking policy")})
	r.req = must(idOf(x3, err))
	x4, err := e.svc.CreateLegalRequirement(ctx, sys, bulkhead.LegalRequirementInput{Title: sp("UCC AEO criteria"), Jurisdiction: sp("EU"), SiteIDs: &[]string{site.ID},
		OwnerID: sp(owner.ID), LastReview: sp("2019-01-01"), NextReview: sp("2020-01-01")})
	r.legal = must(idOf(x4, err))
	x5, err := e.svc.CreateObjective(ctx, sys, bulkhead.ObjectiveInput{Statement: sp("Fewer thefts"), Measure: sp("Thefts"), Target: sp("4"), Current: sp("3"),
		StartDate: sp("2026-01-01"), DueDate: sp("2026-12-31"), OwnerID: sp(owner.ID)})
	r.obj = must(idOf(x5, err))
	x6, err := e.svc.CreateObjectiveAction(ctx, sys, r.obj, bulkhead.ObjectiveActionInput{Description: sp("Contract parking"), OwnerID: sp(owner.ID), DueDate: sp("2020-02-01")})
	r.action = must(idOf(x6, err))
	reviewed := true
	x7, err := e.svc.CreatePlannedChange(ctx, sys, bulkhead.PlannedChangeInput{Title: sp("Move the gate"), Description: sp("East entrance"), SiteIDs: &[]string{site.ID},
		RequesterID: sp(owner.ID), RiskReviewed: &reviewed, RiskReview: sp("Both gates manned"), ReviewerID: sp(owner.ID)})
	r.change = must(idOf(x7, err))
	x8, err := e.svc.CreateCommunication(ctx, sys, bulkhead.CommunicationInput{Topic: sp("Shift briefing"), Frequency: sp("daily"), Audience: sp("Dock staff"),
		Channel: sp("briefing"), CommunicatorID: sp(owner.ID), Direction: sp("internal")})
	r.comm = must(idOf(x8, err))
	x9, err := e.svc.CreateContextIssue(ctx, sys, bulkhead.ContextIssueInput{Origin: sp("internal"), Category: sp("economic"), Title: sp("Old budget freeze")})
	r.archived = must(idOf(x9, err))
	if _, err := e.svc.ArchiveContextIssue(ctx, sys, r.archived, true); err != nil {
		t.Fatal(err)
	}
	return r
}

func idOf[T interface{ Meta() *bulkhead.Record }](x T, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return x.Meta().ID, nil
}

func (r *regSeed) pages() []string {
	return []string{
		"/context-issues", "/context-issues?q=theft&origin=external&category=supply_chain", "/context-issues?status=all&sort=review_date&dir=desc",
		"/context-issues?q=nothing-matches", "/context-issues/new", "/context-issues/" + r.issue, "/context-issues/" + r.issue + "/edit",
		"/context-issues/" + r.issue + "/archive", "/context-issues/" + r.archived,
		"/parties", "/parties?type=insurer&sort=updated_at&dir=desc", "/parties/new", "/parties/" + r.party, "/parties/" + r.party + "/edit",
		"/parties/" + r.party + "/requirements/new", "/party-requirements/" + r.req + "/edit",
		"/legal", "/legal?compliance=not_assessed&overdue=1", "/legal/new", "/legal/" + r.legal, "/legal/" + r.legal + "/edit", "/legal/" + r.legal + "/archive",
		"/objectives", "/objectives?state=planned&sort=statement", "/objectives/new", "/objectives/" + r.obj, "/objectives/" + r.obj + "/edit",
		"/objectives/" + r.obj + "/actions/new", "/objective-actions/" + r.action + "/edit",
		"/changes", "/changes?state=proposed", "/changes/new", "/changes/" + r.change, "/changes/" + r.change + "/edit",
		"/communication", "/communication?direction=internal&channel=briefing", "/communication/new", "/communication/" + r.comm, "/communication/" + r.comm + "/edit",
		"/tasks", "/coverage", "/",
	}
}

// rawKeyRE finds catalog keys of the registers shown untranslated.
var rawKeyRE = regexp.MustCompile(`\b(regf|regh|regv|reg|tasks|task|coverage)\.[a-z_]+(\.[a-z_0-9.]+)?\b`)

// TestRegisterPagesRender opens every page of the registers in English and
// Spanish and checks each follows the page rules and shows no raw key.
func TestRegisterPagesRender(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	r := seedRegisters(t, e)
	e.addUser("", "es@harbourline.example", bulkhead.RoleAdmin, "es", "Europe/Madrid")
	es := e.client()
	es.login("es@harbourline.example")
	for _, cl := range []*client{c, es} {
		for _, p := range r.pages() {
			res := cl.get(p).want(t, http.StatusOK)
			res.doc(t)
			if m := rawKeyRE.FindString(res.body); m != "" {
				t.Errorf("%s shows the raw key %q", p, m)
			}
			if strings.Contains(res.body, "<b>wave</b>") {
				t.Errorf("%s does not escape a title", p)
			}
		}
	}
	// The area pages link to the registers.
	body := c.get("/areas/context").want(t, http.StatusOK).body
	for _, href := range []string{`href="/context-issues"`, `href="/parties"`, `href="/legal"`} {
		if !strings.Contains(body, href) {
			t.Errorf("context area lacks %s", href)
		}
	}
}

// TestRegisterEnumLabels checks that every enum value of the registers has
// a label in every catalog.
func TestRegisterEnumLabels(t *testing.T) {
	t.Parallel()
	groups := map[string][]string{}
	add := func(group string, vals ...string) { groups[group] = append(groups[group], vals...) }
	for _, v := range bulkhead.Origins {
		add("origin", string(v))
	}
	for _, v := range bulkhead.IssueCategories {
		add("category", string(v))
	}
	for _, v := range bulkhead.PartyTypes {
		add("party", string(v))
	}
	for _, v := range bulkhead.RequirementSources {
		add("source", string(v))
	}
	for _, v := range bulkhead.Compliances {
		add("compliance", string(v))
	}
	for _, v := range bulkhead.ObjectiveStatuses {
		add("objective", string(v))
	}
	for _, v := range bulkhead.ActionStatuses {
		add("action", string(v))
	}
	for _, v := range bulkhead.ChangeStatuses {
		add("change", string(v))
	}
	for _, v := range bulkhead.Frequencies {
		add("frequency", string(v))
	}
	for _, v := range bulkhead.Channels {
		add("channel", string(v))
	}
	var keys []string
	for g, vals := range groups {
		for _, v := range vals {
			keys = append(keys, enumKey(g, v))
		}
	}
	for _, code := range bulkhead.RegisterFieldCodes {
		keys = append(keys, errKey(code))
	}
	for _, kind := range coverageKinds {
		keys = append(keys, "coverage.kind."+kind, objectKey(kind))
	}
	for _, cl := range coverageClauses {
		keys = append(keys, "coverage.clause."+cl)
	}
	for _, k := range []string{"legal_requirement.review", "objective_action.overdue", "context_issue.review", "planned_change.approve"} {
		keys = append(keys, "task."+k)
	}
	for _, lang := range i18n.Languages() {
		for _, k := range keys {
			if !i18n.Has(lang, k) {
				t.Errorf("catalog %s lacks %s", lang, k)
			}
		}
	}
}

// auditHead returns the organisation's audit sequence number.
func (e *env) auditHead() int64 {
	e.t.Helper()
	h, err := e.db.AuditHead(context.Background(), e.org.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return h.Seq
}

// TestRegisterFormErrors posts bad forms: each comes back with the problem
// marked at its field, and nothing is stored.
func TestRegisterFormErrors(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	r := seedRegisters(t, e)
	theirs := e.createSite(e.otherOrg(), "Hamburg", "DEHAM", "DE")
	tests := []struct {
		name, path string
		form       url.Values
		fields     []string
	}{
		{"issue without title", "/context-issues", url.Values{"origin": {"external"}, "category": {"legal"}}, []string{"title"}},
		{"issue with unknown category", "/context-issues", url.Values{"title": {"x"}, "origin": {"external"}, "category": {"weather"}}, []string{"category"}},
		{"legal review dates out of order", "/legal", url.Values{"title": {"x"}, "jurisdiction": {"EU"}, "compliance": {"compliant"},
			"last_review": {"2026-05-01"}, "next_review": {"2026-04-01"}}, []string{"next_review"}},
		{"legal site of another organisation", "/legal", url.Values{"title": {"x"}, "jurisdiction": {"EU"}, "compliance": {"compliant"},
			"site_ids": {theirs.ID}}, []string{"site_ids"}},
		{"objective due before start", "/objectives", url.Values{"statement": {"x"}, "measure": {"m"}, "target": {"1"}, "status": {"planned"},
			"start_date": {"2026-05-01"}, "due_date": {"2026-04-01"}}, []string{"due_date"}},
		{"objective target not a number", "/objectives", url.Values{"statement": {"x"}, "measure": {"m"}, "target": {"ten"}, "status": {"planned"},
			"start_date": {"2026-01-01"}, "due_date": {"2026-04-01"}}, []string{"target"}},
		{"change edited to approved", "/changes/" + r.change, url.Values{"title": {"Move the gate"}, "description": {"East"}, "requester_id": {r.owner.ID},
			"status": {"approved"}}, []string{"status"}},
		{"communication without communicator", "/communication", url.Values{"topic": {"x"}, "frequency": {"daily"}, "audience": {"a"},
			"channel": {"email"}, "direction": {"internal"}}, []string{"communicator_id"}},
		{"requirement addressed without how", "/parties/" + r.party + "/requirements", url.Values{"description": {"x"}, "source": {"legal"}, "addressed": {"1"}}, []string{"how"}},
		{"action with unknown owner", "/objectives/" + r.obj + "/actions", url.Values{"description": {"x"}, "status": {"open"}, "owner_id": {bulkhead.NewID()}}, []string{"owner_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.auditHead()
			res := c.post(tt.path, tt.form).want(t, http.StatusUnprocessableEntity)
			doc := res.doc(t)
			for _, f := range tt.fields {
				ctl := doc.find(func(n *node) bool { return n.attrs["name"] == f && n.attrs["aria-invalid"] == "true" })
				fs := doc.byID("f-" + f)
				if len(ctl) == 0 && (fs == nil || !fs.hasClass("has-error")) {
					t.Errorf("field %s is not marked", f)
				}
			}
			if !strings.Contains(res.body, `class="error-summary"`) {
				t.Error("no error summary")
			}
			if after := e.auditHead(); after != before {
				t.Errorf("a refused form wrote %d audit entries", after-before)
			}
			// The form keeps what was typed.
			for k, v := range tt.form {
				if k != "site_ids" && k != "addressed" && k != "category" && k != "owner_id" && !strings.Contains(res.body, v[0]) {
					t.Errorf("the form lost %s = %q", k, v[0])
				}
			}
		})
	}
	t.Run("change approved by its requester", func(t *testing.T) {
		owner := e.client()
		owner.login("owner@harbourline.example")
		before := e.auditHead()
		res := owner.post("/changes/"+r.change+"/approve", url.Values{}).want(t, http.StatusUnprocessableEntity)
		res.doc(t)
		if !strings.Contains(res.body, "cannot be the member who requested the change") {
			t.Errorf("no self-approval message")
		}
		if e.auditHead() != before {
			t.Error("a refused approval was recorded")
		}
		// Someone else may approve it.
		c.post("/changes/"+r.change+"/approve", url.Values{}).want(t, http.StatusSeeOther)
		if body := c.get("/changes/" + r.change).body; !strings.Contains(body, "Approved") {
			t.Error("the change does not show as approved")
		}
	})
}

// otherOrg makes a second organisation and returns its ID.
func (e *env) otherOrg() string {
	e.t.Helper()
	o, err := e.svc.CreateOrganization(context.Background(), service.SystemActor("", "test"), "Other", "other-"+strings.ToLower(bulkhead.NewID()[20:]))
	if err != nil {
		e.t.Fatal(err)
	}
	return o.ID
}

// TestRegisterFlow creates, edits, archives, restores and exports a record
// through the forms, and checks what a viewer may do.
func TestRegisterFlow(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	seedRegisters(t, e)
	res := c.post("/legal", url.Values{"title": {"GDPR CCTV"}, "jurisdiction": {"EU"}, "compliance": {"partially"}, "next_review": {"2030-01-01"}}).want(t, http.StatusSeeOther)
	loc := res.location()
	if !strings.HasPrefix(loc, "/legal/") {
		t.Fatalf("redirect to %q", loc)
	}
	page := c.get(loc).want(t, http.StatusOK).body
	if !strings.Contains(page, "GDPR CCTV") || !strings.Contains(page, "All sites") || !strings.Contains(page, "Legal requirement created") {
		t.Error("the new requirement's page lacks its title, sites or history")
	}
	c.post(loc, url.Values{"title": {"GDPR CCTV and access logs"}, "jurisdiction": {"EU"}, "compliance": {"compliant"}}).want(t, http.StatusSeeOther)
	if !strings.Contains(c.get(loc).body, "GDPR CCTV and access logs") {
		t.Error("edit not saved")
	}
	c.post(loc+"/archive", url.Values{}).want(t, http.StatusSeeOther)
	if strings.Contains(c.get("/legal").body, "access logs") || !strings.Contains(c.get("/legal?status=archived").body, "access logs") {
		t.Error("archived requirement in the wrong list")
	}
	c.get(loc+"/edit").want(t, http.StatusSeeOther)
	c.post(loc+"/restore", url.Values{}).want(t, http.StatusSeeOther)
	csv := c.get("/legal/export.csv?q=gdpr").want(t, http.StatusOK)
	if lines := strings.Split(strings.TrimSpace(csv.body), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "GDPR CCTV and access logs") {
		t.Errorf("export = %q", csv.body)
	}
	tasks := c.get("/tasks").want(t, http.StatusOK).body
	for _, want := range []string{"UCC AEO criteria", "Cargo theft", "Move the gate"} {
		if !strings.Contains(tasks, want) {
			t.Errorf("My tasks lacks %q", want)
		}
	}
	cov := c.get("/coverage").want(t, http.StatusOK).body
	for _, want := range []string{`data-clause="4.2.2"`, "legal requirements, 1 overdue for review", "No register yet"} {
		if !strings.Contains(cov, want) {
			t.Errorf("coverage lacks %q", want)
		}
	}
	e.addUser("", "viewer@harbourline.example", bulkhead.RoleViewer, "en", "UTC")
	v := e.client()
	v.login("viewer@harbourline.example")
	if strings.Contains(v.get("/legal").want(t, http.StatusOK).body, `href="/legal/new"`) {
		t.Error("a viewer is offered the new form")
	}
	v.get("/legal/new").want(t, http.StatusForbidden)
	v.post("/legal", url.Values{"title": {"x"}, "jurisdiction": {"EU"}, "compliance": {"compliant"}}).want(t, http.StatusForbidden)
}
