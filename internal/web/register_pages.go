package web

import (
	"context"
	"net/url"
	"strconv"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// webRegisters and webChildren are the registers' page specs.
var (
	webRegisters = []routable{issuePage, partyPage, legalPage, objectivePage, changePage, commPage}
	webChildren  = []routable{partyReqPage, actionPage}
)

// fb builds a register form from values.
type fb struct {
	c *call
	f *form
	v url.Values
}

func newFB(c *call, v url.Values) fb { return fb{c: c, f: newForm(), v: v} }

func (b fb) text(name, key string, required bool, max int) *formField {
	return b.f.add(&formField{Name: name, Label: b.c.T(key), Value: b.v.Get(name), Required: required, MaxLength: max, Autocomplete: "off"})
}

func (b fb) area(name, key string, required bool, max int) *formField {
	return b.f.add(&formField{Name: name, Label: b.c.T(key), Kind: "textarea", Value: b.v.Get(name), Required: required, MaxLength: max})
}

func (b fb) date(name, key string, required bool) *formField {
	return b.f.add(&formField{Name: name, Label: b.c.T(key), Type: "date", Value: b.v.Get(name), Required: required})
}

func (b fb) sel(name, key string, required bool, opts []selectOption) *formField {
	return b.f.add(&formField{Name: name, Label: b.c.T(key), Kind: "select", Options: opts, Required: required})
}

// check is a yes/no checkbox, checked when the value is "1".
func (b fb) check(name, key string) *formField {
	return b.f.add(&formField{Name: name, Label: b.c.T(key), Kind: "checkbox", Value: b.v.Get(name)})
}

// checks is a list of checkboxes (linked sites).
func (b fb) checks(name, key string, opts []selectOption) *formField {
	return b.f.add(&formField{Name: name, Label: b.c.T(key), Kind: "checkboxes", Options: opts})
}

// get returns a posted field as a pointer, so that an edit saves what the
// form shows.
func get(v url.Values, k string) *string { s := v.Get(k); return &s }

func getBool(v url.Values, k string) *bool { b := v.Get(k) == "1"; return &b }

func getIDs(v url.Values, k string) *[]string { ids := v[k]; return &ids }

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func yesNo(c *call, b bool) string {
	if b {
		return c.T("common.yes")
	}
	return c.T("common.no")
}

func archivedCell(c *call, x *bulkhead.Record) cell {
	if x.ArchivedAt != nil {
		return cell{Text: c.T("status.archived"), Badge: "muted"}
	}
	return cell{Text: c.T("status.active"), Badge: "ok"}
}

// dueCell shows a date, marked when it has passed and the record is still
// open.
func dueCell(c *call, d bulkhead.Date, open bool) cell {
	cl := cell{Text: c.dateText(d), Class: "nowrap"}
	if open && d != "" && d < bulkhead.DateOf(bulkhead.Now()) {
		cl.Badge = "bad"
		cl.Text = c.T("reg.overdue_since", c.dateText(d))
	}
	return cl
}

func enumFilter[T ~string](name, labelKey, anyKey, group string, all []T) filterSpec {
	return filterSpec{name: name, labelKey: labelKey, anyKey: anyKey, options: func(c *call, _ *refs, sel string) []selectOption {
		return enumOptions(c, group, all, sel, "")
	}}
}

func memberFilter(name, labelKey string) filterSpec {
	return filterSpec{name: name, labelKey: labelKey, anyKey: "reg.any_member", options: func(c *call, r *refs, sel string) []selectOption {
		return r.memberOptions(c, sel, "reg.any_member")[1:]
	}}
}

func siteFilter(name string) filterSpec {
	return filterSpec{name: name, labelKey: "regf.site", anyKey: "reg.any_site", options: func(c *call, r *refs, sel string) []selectOption {
		var opts []selectOption
		for _, st := range r.sites {
			opts = append(opts, selectOption{Value: st.ID, Label: st.Name, Selected: st.ID == sel})
		}
		return opts
	}}
}

// ---- context issues (4.1)

var issuePage = &regPage[*bulkhead.ContextIssue, bulkhead.ContextIssueFilter, bulkhead.ContextIssueInput]{
	base: "/context-issues", clause: "4.1", titleKey: "reg.issues.heading", introKey: "reg.issues.intro", newKey: "reg.issues.new", oneKey: "reg.issues.one",
	kind: bulkhead.KindContextIssue, read: service.ActIssueRead, write: service.ActIssueWrite, file: "context-issues",
	cols: []colSpec[*bulkhead.ContextIssue]{
		{labelKey: "regf.title", sort: "title", cell: func(c *call, x *bulkhead.ContextIssue, _ *refs) cell { return cell{Text: x.Title} }},
		{labelKey: "regf.origin", sort: "origin", cell: func(c *call, x *bulkhead.ContextIssue, _ *refs) cell {
			return cell{Text: c.enumLabel("origin", string(x.Origin))}
		}},
		{labelKey: "regf.category", sort: "category", cell: func(c *call, x *bulkhead.ContextIssue, _ *refs) cell {
			return cell{Text: c.enumLabel("category", string(x.Category))}
		}},
		{labelKey: "regf.review_date", sort: "review_date", cell: func(c *call, x *bulkhead.ContextIssue, _ *refs) cell {
			return dueCell(c, x.ReviewDate, x.ArchivedAt == nil)
		}},
		{labelKey: "field.status", cell: func(c *call, x *bulkhead.ContextIssue, _ *refs) cell { return archivedCell(c, &x.Record) }},
	},
	filters: []filterSpec{enumFilter("origin", "regf.origin", "reg.any", "origin", bulkhead.Origins), enumFilter("category", "regf.category", "reg.any", "category", bulkhead.IssueCategories),
		{name: "unlinked", labelKey: "reg.issues.risks", anyKey: "reg.any", options: func(c *call, _ *refs, sel string) []selectOption {
			return []selectOption{{Value: "1", Label: c.T("reg.issues.unlinked"), Selected: sel == "1"}}
		}}},
	filter: func(q url.Values, lf bulkhead.ListFilter) bulkhead.ContextIssueFilter {
		return bulkhead.ContextIssueFilter{ListFilter: lf, Origin: bulkhead.Origin(q.Get("origin")), Category: bulkhead.IssueCategory(q.Get("category")),
			Unlinked: q.Get("unlinked") == "1"}
	},
	list: (*service.Service).ContextIssues, each: (*service.Service).EachContextIssue, table: export.ContextIssues,
	get: (*service.Service).ContextIssue, create: (*service.Service).CreateContextIssue, update: (*service.Service).UpdateContextIssue,
	archive: (*service.Service).ArchiveContextIssue, name: func(x *bulkhead.ContextIssue) string { return x.Title },
	form: func(c *call, v url.Values, _ *refs) *form {
		b := newFB(c, v)
		b.text("title", "regf.title", true, 200)
		b.sel("origin", "regf.origin", true, enumOptions(c, "origin", bulkhead.Origins, v.Get("origin"), "reg.choose"))
		b.sel("category", "regf.category", true, enumOptions(c, "category", bulkhead.IssueCategories, v.Get("category"), "reg.choose"))
		b.area("description", "regf.description", false, 10000)
		b.area("effect", "regf.effect", false, 10000).Hint = c.T("regh.effect")
		b.date("review_date", "regf.review_date", false).Hint = c.T("regh.review_date")
		return b.f
	},
	values: func(x *bulkhead.ContextIssue) url.Values {
		return url.Values{"title": {x.Title}, "origin": {string(x.Origin)}, "category": {string(x.Category)}, "description": {x.Description},
			"effect": {x.Effect}, "review_date": {string(x.ReviewDate)}}
	},
	input: func(v url.Values) bulkhead.ContextIssueInput {
		return bulkhead.ContextIssueInput{Title: get(v, "title"), Origin: get(v, "origin"), Category: get(v, "category"), Description: get(v, "description"),
			Effect: get(v, "effect"), ReviewDate: get(v, "review_date")}
	},
	props: func(c *call, x *bulkhead.ContextIssue, _ *refs) []prop {
		return []prop{
			{Label: c.T("regf.origin"), Value: c.enumLabel("origin", string(x.Origin))},
			{Label: c.T("regf.category"), Value: c.enumLabel("category", string(x.Category))},
			{Label: c.T("regf.description"), Value: x.Description, Pre: true, None: c.T("common.none")},
			{Label: c.T("regf.effect"), Value: x.Effect, Pre: true, None: c.T("common.none")},
			{Label: c.T("regf.review_date"), Value: dueCell(c, x.ReviewDate, x.ArchivedAt == nil).Text, None: c.T("common.none")},
		}
	},
	sections: func(s *server, c *call, x *bulkhead.ContextIssue, _ *refs) ([]section, error) {
		sec, err := s.issueRisksSection(c, x)
		return []section{sec}, err
	},
}

// ---- interested parties (4.2.1)

var partyPage = &regPage[*bulkhead.InterestedParty, bulkhead.PartyFilter, bulkhead.InterestedPartyInput]{
	base: "/parties", clause: "4.2.1", titleKey: "reg.parties.title", introKey: "reg.parties.intro", newKey: "reg.parties.new", oneKey: "reg.parties.one",
	kind: bulkhead.KindParty, read: service.ActPartyRead, write: service.ActPartyWrite, file: "interested-parties",
	cols: []colSpec[*bulkhead.InterestedParty]{
		{labelKey: "regf.name", sort: "name", cell: func(c *call, x *bulkhead.InterestedParty, _ *refs) cell { return cell{Text: x.Name} }},
		{labelKey: "regf.party_type", sort: "type", cell: func(c *call, x *bulkhead.InterestedParty, _ *refs) cell {
			return cell{Text: c.enumLabel("party", string(x.Type))}
		}},
		{labelKey: "regf.contact", cell: func(c *call, x *bulkhead.InterestedParty, _ *refs) cell { return cell{Text: truncate(x.Contact, 80)} }},
		{labelKey: "field.updated", sort: "updated_at", descLead: true, cell: func(c *call, x *bulkhead.InterestedParty, _ *refs) cell {
			return cell{Text: c.dateTime(x.UpdatedAt), Class: "nowrap"}
		}},
		{labelKey: "field.status", cell: func(c *call, x *bulkhead.InterestedParty, _ *refs) cell { return archivedCell(c, &x.Record) }},
	},
	filters: []filterSpec{enumFilter("type", "regf.party_type", "reg.any", "party", bulkhead.PartyTypes)},
	filter: func(q url.Values, lf bulkhead.ListFilter) bulkhead.PartyFilter {
		return bulkhead.PartyFilter{ListFilter: lf, Type: bulkhead.PartyType(q.Get("type"))}
	},
	list: (*service.Service).InterestedParties, each: (*service.Service).EachInterestedParty, table: export.Parties,
	get: (*service.Service).InterestedParty, create: (*service.Service).CreateInterestedParty, update: (*service.Service).UpdateInterestedParty,
	archive: (*service.Service).ArchiveInterestedParty, name: func(x *bulkhead.InterestedParty) string { return x.Name },
	form: func(c *call, v url.Values, _ *refs) *form {
		b := newFB(c, v)
		b.text("name", "regf.name", true, 200)
		b.sel("type", "regf.party_type", true, enumOptions(c, "party", bulkhead.PartyTypes, v.Get("type"), "reg.choose"))
		b.area("contact", "regf.contact", false, 1000)
		b.area("notes", "regf.notes", false, 10000)
		return b.f
	},
	values: func(x *bulkhead.InterestedParty) url.Values {
		return url.Values{"name": {x.Name}, "type": {string(x.Type)}, "contact": {x.Contact}, "notes": {x.Notes}}
	},
	input: func(v url.Values) bulkhead.InterestedPartyInput {
		return bulkhead.InterestedPartyInput{Name: get(v, "name"), Type: get(v, "type"), Contact: get(v, "contact"), Notes: get(v, "notes")}
	},
	props: func(c *call, x *bulkhead.InterestedParty, _ *refs) []prop {
		return []prop{
			{Label: c.T("regf.party_type"), Value: c.enumLabel("party", string(x.Type))},
			{Label: c.T("regf.contact"), Value: x.Contact, Pre: true, None: c.T("common.none")},
			{Label: c.T("regf.notes"), Value: x.Notes, Pre: true, None: c.T("common.none")},
		}
	},
	sections: func(s *server, c *call, x *bulkhead.InterestedParty, _ *refs) ([]section, error) {
		reqs, err := s.svc.PartyRequirements(c.r.Context(), c.actor(), x.ID)
		if err != nil {
			return nil, err
		}
		sec := section{ID: "requirements", Title: c.T("reg.reqs.title"), Empty: c.T("reg.reqs.empty"),
			Columns: []string{c.T("regf.description"), c.T("regf.source"), c.T("regf.addressed"), c.T("regf.how")}}
		if c.can(service.ActPartyWrite) && x.ArchivedAt == nil {
			sec.AddHref, sec.AddLabel = "/parties/"+x.ID+"/requirements/new", c.T("reg.reqs.new")
		}
		for _, r := range reqs {
			addressed := cell{Text: yesNo(c, r.Addressed), Badge: "ok"}
			if !r.Addressed {
				addressed.Badge = "warn"
			}
			row := sectionRow{Archived: r.ArchivedAt != nil, Cells: []cell{{Text: r.Description, Class: "pre"}, {Text: c.enumLabel("source", string(r.Source))}, addressed, {Text: r.How, Class: "pre"}}}
			if c.can(service.ActPartyWrite) {
				row.EditHref, row.ArchiveHref = "/party-requirements/"+r.ID+"/edit", "/party-requirements/"+r.ID+"/archive"
				if row.Archived {
					row.EditHref, row.ArchiveHref = "", "/party-requirements/"+r.ID+"/restore"
				}
			}
			sec.Rows = append(sec.Rows, row)
		}
		return []section{sec}, nil
	},
}

var partyReqPage = &childPage[*bulkhead.PartyRequirement, bulkhead.PartyRequirementInput]{
	parentBase: "/parties", sub: "requirements", base: "/party-requirements", write: service.ActPartyWrite,
	newKey: "reg.reqs.new", editKey: "reg.reqs.edit",
	parentName: func(s *service.Service, ctx context.Context, a service.Actor, id string) (string, error) {
		p, err := s.InterestedParty(ctx, a, id)
		if err != nil {
			return "", err
		}
		return p.Name, nil
	},
	parentID: func(x *bulkhead.PartyRequirement) string { return x.PartyID },
	get:      (*service.Service).PartyRequirement, create: (*service.Service).CreatePartyRequirement,
	update: (*service.Service).UpdatePartyRequirement, archive: (*service.Service).ArchivePartyRequirement,
	form: func(c *call, v url.Values, _ *refs) *form {
		b := newFB(c, v)
		b.area("description", "regf.requirement", true, 5000)
		b.sel("source", "regf.source", true, enumOptions(c, "source", bulkhead.RequirementSources, v.Get("source"), "reg.choose"))
		b.check("addressed", "regf.addressed")
		b.area("how", "regf.how", false, 5000).Hint = c.T("regh.how")
		return b.f
	},
	values: func(x *bulkhead.PartyRequirement) url.Values {
		return url.Values{"description": {x.Description}, "source": {string(x.Source)}, "addressed": {boolValue(x.Addressed)}, "how": {x.How}}
	},
	input: func(v url.Values) bulkhead.PartyRequirementInput {
		return bulkhead.PartyRequirementInput{Description: get(v, "description"), Source: get(v, "source"), Addressed: getBool(v, "addressed"), How: get(v, "how")}
	},
}

// ---- legal requirements (4.2.2)

var legalPage = &regPage[*bulkhead.LegalRequirement, bulkhead.LegalFilter, bulkhead.LegalRequirementInput]{
	base: "/legal", clause: "4.2.2", titleKey: "reg.legal.title", introKey: "reg.legal.intro", newKey: "reg.legal.new", oneKey: "reg.legal.one",
	kind: bulkhead.KindLegal, read: service.ActLegalRead, write: service.ActLegalWrite, file: "legal-requirements",
	cols: []colSpec[*bulkhead.LegalRequirement]{
		{labelKey: "regf.title", sort: "title", cell: func(c *call, x *bulkhead.LegalRequirement, _ *refs) cell { return cell{Text: x.Title} }},
		{labelKey: "regf.jurisdiction", sort: "jurisdiction", cell: func(c *call, x *bulkhead.LegalRequirement, _ *refs) cell { return cell{Text: x.Jurisdiction} }},
		{labelKey: "regf.owner", cell: func(c *call, x *bulkhead.LegalRequirement, r *refs) cell { return cell{Text: r.memberName(x.OwnerID)} }},
		{labelKey: "regf.next_review", sort: "next_review", cell: func(c *call, x *bulkhead.LegalRequirement, _ *refs) cell {
			return dueCell(c, x.NextReview, x.ArchivedAt == nil)
		}},
		{labelKey: "regf.compliance", sort: "compliance", cell: func(c *call, x *bulkhead.LegalRequirement, _ *refs) cell {
			return cell{Text: c.enumLabel("compliance", string(x.Compliance)), Badge: complianceBadge[x.Compliance]}
		}},
	},
	filters: []filterSpec{enumFilter("compliance", "regf.compliance", "reg.any", "compliance", bulkhead.Compliances), memberFilter("owner", "regf.owner"), siteFilter("site")},
	filter: func(q url.Values, lf bulkhead.ListFilter) bulkhead.LegalFilter {
		f := bulkhead.LegalFilter{ListFilter: lf, Compliance: bulkhead.Compliance(q.Get("compliance")), OwnerID: q.Get("owner"), SiteID: q.Get("site")}
		if q.Get("overdue") == "1" {
			f.ReviewBefore = bulkhead.DateOf(bulkhead.Now())
		}
		return f
	},
	list: (*service.Service).LegalRequirements, each: (*service.Service).EachLegalRequirement, table: export.LegalRequirements,
	get: (*service.Service).LegalRequirement, create: (*service.Service).CreateLegalRequirement, update: (*service.Service).UpdateLegalRequirement,
	archive: (*service.Service).ArchiveLegalRequirement, name: func(x *bulkhead.LegalRequirement) string { return x.Title },
	form: func(c *call, v url.Values, r *refs) *form {
		b := newFB(c, v)
		b.text("title", "regf.title", true, 300)
		b.text("jurisdiction", "regf.jurisdiction", true, 100).Hint = c.T("regh.jurisdiction")
		b.text("reference", "regf.reference", false, 300).Hint = c.T("regh.reference")
		b.area("summary", "regf.summary", false, 10000)
		b.checks("site_ids", "regf.applies_to", r.siteOptions(v["site_ids"])).Hint = c.T("regh.applies_to")
		b.sel("owner_id", "regf.owner", false, r.memberOptions(c, v.Get("owner_id"), "reg.no_owner"))
		b.date("last_review", "regf.last_review", false)
		b.date("next_review", "regf.next_review", false).Hint = c.T("regh.next_review")
		compliance := v.Get("compliance")
		if compliance == "" {
			compliance = string(bulkhead.NotAssessed)
		}
		b.sel("compliance", "regf.compliance", true, enumOptions(c, "compliance", bulkhead.Compliances, compliance, ""))
		return b.f
	},
	values: func(x *bulkhead.LegalRequirement) url.Values {
		return url.Values{"title": {x.Title}, "jurisdiction": {x.Jurisdiction}, "reference": {x.Reference}, "summary": {x.Summary}, "site_ids": x.SiteIDs,
			"owner_id": {x.OwnerID}, "last_review": {string(x.LastReview)}, "next_review": {string(x.NextReview)}, "compliance": {string(x.Compliance)}}
	},
	input: func(v url.Values) bulkhead.LegalRequirementInput {
		return bulkhead.LegalRequirementInput{Title: get(v, "title"), Jurisdiction: get(v, "jurisdiction"), Reference: get(v, "reference"), Summary: get(v, "summary"),
			SiteIDs: getIDs(v, "site_ids"), OwnerID: get(v, "owner_id"), LastReview: get(v, "last_review"), NextReview: get(v, "next_review"), Compliance: get(v, "compliance")}
	},
	props: func(c *call, x *bulkhead.LegalRequirement, r *refs) []prop {
		sites := prop{Label: c.T("regf.applies_to"), Links: r.siteLinks(x.SiteIDs), None: c.T("reg.all_sites")}
		return []prop{
			{Label: c.T("regf.jurisdiction"), Value: x.Jurisdiction},
			{Label: c.T("regf.reference"), Value: x.Reference, None: c.T("common.none")},
			{Label: c.T("regf.summary"), Value: x.Summary, Pre: true, None: c.T("common.none")},
			sites,
			{Label: c.T("regf.owner"), Value: r.memberName(x.OwnerID), None: c.T("reg.no_owner")},
			{Label: c.T("regf.last_review"), Value: c.dateText(x.LastReview), None: c.T("common.none")},
			{Label: c.T("regf.next_review"), Value: dueCell(c, x.NextReview, x.ArchivedAt == nil).Text, Badge: dueCell(c, x.NextReview, x.ArchivedAt == nil).Badge, None: c.T("common.none")},
			{Label: c.T("regf.compliance"), Value: c.enumLabel("compliance", string(x.Compliance)), Badge: complianceBadge[x.Compliance]},
		}
	},
}

var complianceBadge = map[bulkhead.Compliance]string{bulkhead.Compliant: "ok", bulkhead.PartiallyCompliant: "warn", bulkhead.NonCompliant: "bad", bulkhead.NotAssessed: "muted"}

// ---- objectives (6.2)

var objectiveBadge = map[bulkhead.ObjectiveStatus]string{bulkhead.ObjectivePlanned: "muted", bulkhead.ObjectiveOnTrack: "ok", bulkhead.ObjectiveAtRisk: "warn",
	bulkhead.ObjectiveAchieved: "ok", bulkhead.ObjectiveMissed: "bad", bulkhead.ObjectiveCancelled: "muted"}

func progressText(c *call, x *bulkhead.Objective) string {
	if x.Current == nil {
		return c.T("reg.objectives.no_value")
	}
	v := bulkhead.FormatNumber(*x.Current) + " / " + bulkhead.FormatNumber(x.Target)
	if x.Unit != "" {
		v += " " + x.Unit
	}
	if p, ok := x.Progress(); ok {
		v += " (" + strconv.Itoa(p) + " %)"
	}
	return v
}

var objectivePage = &regPage[*bulkhead.Objective, bulkhead.ObjectiveFilter, bulkhead.ObjectiveInput]{
	base: "/objectives", clause: "6.2", titleKey: "reg.objectives.title", introKey: "reg.objectives.intro", newKey: "reg.objectives.new", oneKey: "reg.objectives.one",
	kind: bulkhead.KindObjective, read: service.ActObjRead, write: service.ActObjWrite, file: "objectives",
	cols: []colSpec[*bulkhead.Objective]{
		{labelKey: "regf.statement", sort: "statement", cell: func(c *call, x *bulkhead.Objective, _ *refs) cell { return cell{Text: truncate(x.Statement, 120)} }},
		{labelKey: "regf.progress", cell: func(c *call, x *bulkhead.Objective, _ *refs) cell {
			return cell{Text: progressText(c, x), Class: "nowrap"}
		}},
		{labelKey: "regf.owner", cell: func(c *call, x *bulkhead.Objective, r *refs) cell { return cell{Text: r.memberName(x.OwnerID)} }},
		{labelKey: "regf.due_date", sort: "due_date", cell: func(c *call, x *bulkhead.Objective, _ *refs) cell {
			return dueCell(c, x.DueDate, x.ArchivedAt == nil && x.Status.Open())
		}},
		{labelKey: "regf.objective_status", sort: "status", cell: func(c *call, x *bulkhead.Objective, _ *refs) cell {
			return cell{Text: c.enumLabel("objective", string(x.Status)), Badge: objectiveBadge[x.Status]}
		}},
	},
	filters: []filterSpec{enumFilter("state", "regf.objective_status", "reg.any", "objective", bulkhead.ObjectiveStatuses), memberFilter("owner", "regf.owner")},
	filter: func(q url.Values, lf bulkhead.ListFilter) bulkhead.ObjectiveFilter {
		return bulkhead.ObjectiveFilter{ListFilter: lf, Status: bulkhead.ObjectiveStatus(q.Get("state")), OwnerID: q.Get("owner")}
	},
	list: (*service.Service).Objectives, each: (*service.Service).EachObjective, table: export.Objectives,
	get: (*service.Service).Objective, create: (*service.Service).CreateObjective, update: (*service.Service).UpdateObjective,
	archive: (*service.Service).ArchiveObjective, name: func(x *bulkhead.Objective) string { return truncate(x.Statement, 120) },
	form: func(c *call, v url.Values, r *refs) *form {
		b := newFB(c, v)
		b.area("statement", "regf.statement", true, 2000)
		b.text("measure", "regf.measure", true, 300).Hint = c.T("regh.measure")
		t := b.text("target", "regf.target", true, 30)
		t.InputMode = "decimal"
		b.text("unit", "regf.unit", false, 50).Hint = c.T("regh.unit")
		cur := b.text("current", "regf.current", false, 30)
		cur.InputMode, cur.Hint = "decimal", c.T("regh.current")
		b.date("start_date", "regf.start_date", true)
		b.date("due_date", "regf.due_date", true)
		b.sel("owner_id", "regf.owner", false, r.memberOptions(c, v.Get("owner_id"), "reg.no_owner"))
		status := v.Get("status")
		if status == "" {
			status = string(bulkhead.ObjectivePlanned)
		}
		b.sel("status", "regf.objective_status", true, enumOptions(c, "objective", bulkhead.ObjectiveStatuses, status, ""))
		return b.f
	},
	values: func(x *bulkhead.Objective) url.Values {
		v := url.Values{"statement": {x.Statement}, "measure": {x.Measure}, "target": {bulkhead.FormatNumber(x.Target)}, "unit": {x.Unit},
			"start_date": {string(x.StartDate)}, "due_date": {string(x.DueDate)}, "owner_id": {x.OwnerID}, "status": {string(x.Status)}}
		if x.Current != nil {
			v.Set("current", bulkhead.FormatNumber(*x.Current))
		}
		return v
	},
	input: func(v url.Values) bulkhead.ObjectiveInput {
		return bulkhead.ObjectiveInput{Statement: get(v, "statement"), Measure: get(v, "measure"), Target: get(v, "target"), Unit: get(v, "unit"),
			Current: get(v, "current"), StartDate: get(v, "start_date"), DueDate: get(v, "due_date"), OwnerID: get(v, "owner_id"), Status: get(v, "status")}
	},
	props: func(c *call, x *bulkhead.Objective, r *refs) []prop {
		due := dueCell(c, x.DueDate, x.ArchivedAt == nil && x.Status.Open())
		return []prop{
			{Label: c.T("regf.objective_status"), Value: c.enumLabel("objective", string(x.Status)), Badge: objectiveBadge[x.Status]},
			{Label: c.T("regf.statement"), Value: x.Statement, Pre: true},
			{Label: c.T("regf.measure"), Value: x.Measure},
			{Label: c.T("regf.target"), Value: bulkhead.FormatNumber(x.Target) + " " + x.Unit},
			{Label: c.T("regf.progress"), Value: progressText(c, x)},
			{Label: c.T("regf.start_date"), Value: c.dateText(x.StartDate)},
			{Label: c.T("regf.due_date"), Value: due.Text, Badge: due.Badge},
			{Label: c.T("regf.owner"), Value: r.memberName(x.OwnerID), None: c.T("reg.no_owner")},
		}
	},
	sections: func(s *server, c *call, x *bulkhead.Objective, r *refs) ([]section, error) {
		acts, err := s.svc.ObjectiveActions(c.r.Context(), c.actor(), x.ID)
		if err != nil {
			return nil, err
		}
		sec := section{ID: "actions", Title: c.T("reg.actions.title"), Empty: c.T("reg.actions.empty"),
			Columns: []string{c.T("regf.description"), c.T("regf.owner"), c.T("regf.due_date"), c.T("regf.action_status")}}
		if c.can(service.ActObjWrite) && x.ArchivedAt == nil {
			sec.AddHref, sec.AddLabel = "/objectives/"+x.ID+"/actions/new", c.T("reg.actions.new")
		}
		for _, a := range acts {
			st := cell{Text: c.enumLabel("action", string(a.Status)), Badge: "muted"}
			if a.Status == bulkhead.ActionDone {
				st.Badge = "ok"
			}
			row := sectionRow{Archived: a.ArchivedAt != nil, Cells: []cell{{Text: a.Description, Class: "pre"}, {Text: r.memberName(a.OwnerID)},
				dueCell(c, a.DueDate, a.ArchivedAt == nil && a.Status == bulkhead.ActionOpen), st}}
			if c.can(service.ActObjWrite) {
				row.EditHref, row.ArchiveHref = "/objective-actions/"+a.ID+"/edit", "/objective-actions/"+a.ID+"/archive"
				if row.Archived {
					row.EditHref, row.ArchiveHref = "", "/objective-actions/"+a.ID+"/restore"
				}
			}
			sec.Rows = append(sec.Rows, row)
		}
		return []section{sec, {ID: "kpis", Title: c.T("reg.objectives.kpis"), Note: c.T("reg.objectives.kpis_note")}}, nil
	},
}

var actionPage = &childPage[*bulkhead.ObjectiveAction, bulkhead.ObjectiveActionInput]{
	parentBase: "/objectives", sub: "actions", base: "/objective-actions", write: service.ActObjWrite,
	newKey: "reg.actions.new", editKey: "reg.actions.edit",
	parentName: func(s *service.Service, ctx context.Context, a service.Actor, id string) (string, error) {
		o, err := s.Objective(ctx, a, id)
		if err != nil {
			return "", err
		}
		return truncate(o.Statement, 120), nil
	},
	parentID: func(x *bulkhead.ObjectiveAction) string { return x.ObjectiveID },
	get:      (*service.Service).ObjectiveAction, create: (*service.Service).CreateObjectiveAction,
	update: (*service.Service).UpdateObjectiveAction, archive: (*service.Service).ArchiveObjectiveAction,
	form: func(c *call, v url.Values, r *refs) *form {
		b := newFB(c, v)
		b.area("description", "regf.description", true, 2000)
		b.sel("owner_id", "regf.owner", false, r.memberOptions(c, v.Get("owner_id"), "reg.no_owner"))
		b.date("due_date", "regf.due_date", false)
		status := v.Get("status")
		if status == "" {
			status = string(bulkhead.ActionOpen)
		}
		b.sel("status", "regf.action_status", true, enumOptions(c, "action", bulkhead.ActionStatuses, status, ""))
		return b.f
	},
	values: func(x *bulkhead.ObjectiveAction) url.Values {
		return url.Values{"description": {x.Description}, "owner_id": {x.OwnerID}, "due_date": {string(x.DueDate)}, "status": {string(x.Status)}}
	},
	input: func(v url.Values) bulkhead.ObjectiveActionInput {
		return bulkhead.ObjectiveActionInput{Description: get(v, "description"), OwnerID: get(v, "owner_id"), DueDate: get(v, "due_date"), Status: get(v, "status")}
	},
}

// ---- planned changes (6.3)

var changeBadge = map[bulkhead.ChangeStatus]string{bulkhead.ChangeProposed: "warn", bulkhead.ChangeApproved: "ok", bulkhead.ChangeRejected: "bad",
	bulkhead.ChangeImplemented: "ok", bulkhead.ChangeCancelled: "muted"}

var changePage = &regPage[*bulkhead.PlannedChange, bulkhead.ChangeFilter, bulkhead.PlannedChangeInput]{
	base: "/changes", clause: "6.3", titleKey: "reg.changes.title", introKey: "reg.changes.intro", newKey: "reg.changes.new", oneKey: "reg.changes.one",
	kind: bulkhead.KindChange, read: service.ActChangeRead, write: service.ActChangeWrite, file: "planned-changes",
	cols: []colSpec[*bulkhead.PlannedChange]{
		{labelKey: "regf.title", sort: "title", cell: func(c *call, x *bulkhead.PlannedChange, _ *refs) cell { return cell{Text: x.Title} }},
		{labelKey: "regf.affected_sites", cell: func(c *call, x *bulkhead.PlannedChange, r *refs) cell {
			var names []string
			for _, id := range x.SiteIDs {
				names = append(names, r.siteName(id))
			}
			return cell{Text: truncate(joinNames(names), 80)}
		}},
		{labelKey: "regf.requester", cell: func(c *call, x *bulkhead.PlannedChange, r *refs) cell { return cell{Text: r.memberName(x.RequesterID)} }},
		{labelKey: "regf.planned_date", sort: "planned_date", cell: func(c *call, x *bulkhead.PlannedChange, _ *refs) cell {
			return cell{Text: c.dateText(x.PlannedDate), Class: "nowrap"}
		}},
		{labelKey: "regf.change_status", sort: "status", cell: func(c *call, x *bulkhead.PlannedChange, _ *refs) cell {
			return cell{Text: c.enumLabel("change", string(x.Status)), Badge: changeBadge[x.Status]}
		}},
	},
	filters: []filterSpec{enumFilter("state", "regf.change_status", "reg.any", "change", bulkhead.ChangeStatuses), siteFilter("site")},
	filter: func(q url.Values, lf bulkhead.ListFilter) bulkhead.ChangeFilter {
		return bulkhead.ChangeFilter{ListFilter: lf, Status: bulkhead.ChangeStatus(q.Get("state")), SiteID: q.Get("site")}
	},
	list: (*service.Service).PlannedChanges, each: (*service.Service).EachPlannedChange, table: export.PlannedChanges,
	get: (*service.Service).PlannedChange, create: (*service.Service).CreatePlannedChange, update: (*service.Service).UpdatePlannedChange,
	archive: (*service.Service).ArchivePlannedChange, name: func(x *bulkhead.PlannedChange) string { return x.Title },
	defaults: func(c *call) url.Values {
		return url.Values{"requester_id": {c.actor().UserID}, "status": {string(bulkhead.ChangeProposed)}}
	},
	form: func(c *call, v url.Values, r *refs) *form {
		b := newFB(c, v)
		b.text("title", "regf.title", true, 300)
		b.area("description", "regf.description", true, 10000)
		b.area("reason", "regf.reason", false, 5000)
		b.checks("site_ids", "regf.affected_sites", r.siteOptions(v["site_ids"]))
		b.area("processes", "regf.processes", false, 2000).Hint = c.T("regh.processes")
		b.area("risk_review", "regf.risk_review", false, 10000).Hint = c.T("regh.risk_review")
		b.check("risk_reviewed", "regf.risk_reviewed")
		b.sel("reviewer_id", "regf.reviewer", false, r.memberOptions(c, v.Get("reviewer_id"), "reg.nobody"))
		b.sel("requester_id", "regf.requester", true, r.memberOptions(c, v.Get("requester_id"), "reg.choose"))
		b.date("planned_date", "regf.planned_date", false)
		status := v.Get("status")
		if status == "" {
			status = string(bulkhead.ChangeProposed)
		}
		b.sel("status", "regf.change_status", true, enumOptions(c, "change", bulkhead.ChangeStatuses, status, "")).Hint = c.T("regh.change_status")
		return b.f
	},
	values: func(x *bulkhead.PlannedChange) url.Values {
		return url.Values{"title": {x.Title}, "description": {x.Description}, "reason": {x.Reason}, "site_ids": x.SiteIDs, "processes": {x.Processes},
			"risk_review": {x.RiskReview}, "risk_reviewed": {boolValue(x.RiskReviewed)}, "reviewer_id": {x.ReviewerID}, "requester_id": {x.RequesterID},
			"planned_date": {string(x.PlannedDate)}, "status": {string(x.Status)}}
	},
	input: func(v url.Values) bulkhead.PlannedChangeInput {
		return bulkhead.PlannedChangeInput{Title: get(v, "title"), Description: get(v, "description"), Reason: get(v, "reason"), SiteIDs: getIDs(v, "site_ids"),
			Processes: get(v, "processes"), RiskReview: get(v, "risk_review"), RiskReviewed: getBool(v, "risk_reviewed"), ReviewerID: get(v, "reviewer_id"),
			RequesterID: get(v, "requester_id"), PlannedDate: get(v, "planned_date"), Status: get(v, "status")}
	},
	props: func(c *call, x *bulkhead.PlannedChange, r *refs) []prop {
		reviewed := prop{Label: c.T("regf.risk_reviewed"), Value: yesNo(c, x.RiskReviewed), Badge: "ok"}
		if !x.RiskReviewed {
			reviewed.Badge = "warn"
		}
		approval := c.T("reg.changes.awaiting")
		if x.ApprovedBy != "" {
			approval = c.T("reg.changes.decided", c.enumLabel("change", string(x.Status)), r.memberName(x.ApprovedBy), c.dateText(x.ApprovedOn))
		}
		return []prop{
			{Label: c.T("regf.change_status"), Value: c.enumLabel("change", string(x.Status)), Badge: changeBadge[x.Status]},
			{Label: c.T("regf.description"), Value: x.Description, Pre: true},
			{Label: c.T("regf.reason"), Value: x.Reason, Pre: true, None: c.T("common.none")},
			{Label: c.T("regf.affected_sites"), Links: r.siteLinks(x.SiteIDs), None: c.T("common.none")},
			{Label: c.T("regf.processes"), Value: x.Processes, Pre: true, None: c.T("common.none")},
			{Label: c.T("regf.risk_review"), Value: x.RiskReview, Pre: true, None: c.T("common.none")},
			reviewed,
			{Label: c.T("regf.reviewer"), Value: r.memberName(x.ReviewerID), None: c.T("reg.nobody")},
			{Label: c.T("regf.requester"), Value: r.memberName(x.RequesterID)},
			{Label: c.T("regf.approval"), Value: approval},
			{Label: c.T("regf.planned_date"), Value: c.dateText(x.PlannedDate), None: c.T("common.none")},
		}
	},
	actions: func(c *call, x *bulkhead.PlannedChange) []pageAction {
		if x.Status != bulkhead.ChangeProposed || !c.can(service.ActChangeDecide) {
			return nil
		}
		return []pageAction{{Href: "/changes/" + x.ID + "/approve", Label: c.T("reg.changes.approve"), Class: "btn-primary"},
			{Href: "/changes/" + x.ID + "/reject", Label: c.T("reg.changes.reject"), Class: "btn-secondary"}}
	},
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// ---- communication plan (7.4)

var commPage = &regPage[*bulkhead.Communication, bulkhead.CommunicationFilter, bulkhead.CommunicationInput]{
	base: "/communication", clause: "7.4", titleKey: "reg.comm.title", introKey: "reg.comm.intro", newKey: "reg.comm.new", oneKey: "reg.comm.one",
	kind: bulkhead.KindCommunication, read: service.ActCommRead, write: service.ActCommWrite, file: "communication-plan",
	cols: []colSpec[*bulkhead.Communication]{
		{labelKey: "regf.topic", sort: "topic", cell: func(c *call, x *bulkhead.Communication, _ *refs) cell { return cell{Text: x.Topic} }},
		{labelKey: "regf.frequency", sort: "frequency", cell: func(c *call, x *bulkhead.Communication, _ *refs) cell {
			t := c.enumLabel("frequency", string(x.Frequency))
			if x.Timing != "" {
				t += " · " + x.Timing
			}
			return cell{Text: t}
		}},
		{labelKey: "regf.audience", cell: func(c *call, x *bulkhead.Communication, _ *refs) cell { return cell{Text: x.Audience} }},
		{labelKey: "regf.channel", sort: "channel", cell: func(c *call, x *bulkhead.Communication, _ *refs) cell {
			return cell{Text: c.enumLabel("channel", string(x.Channel))}
		}},
		{labelKey: "regf.communicator", cell: func(c *call, x *bulkhead.Communication, r *refs) cell {
			return cell{Text: r.memberName(x.CommunicatorID)}
		}},
		{labelKey: "regf.direction", sort: "direction", cell: func(c *call, x *bulkhead.Communication, _ *refs) cell {
			return cell{Text: c.enumLabel("origin", string(x.Direction))}
		}},
	},
	filters: []filterSpec{enumFilter("direction", "regf.direction", "reg.any", "origin", bulkhead.Origins), enumFilter("channel", "regf.channel", "reg.any", "channel", bulkhead.Channels)},
	filter: func(q url.Values, lf bulkhead.ListFilter) bulkhead.CommunicationFilter {
		return bulkhead.CommunicationFilter{ListFilter: lf, Direction: bulkhead.Origin(q.Get("direction")), Channel: bulkhead.Channel(q.Get("channel"))}
	},
	list: (*service.Service).Communications, each: (*service.Service).EachCommunication, table: export.Communications,
	get: (*service.Service).Communication, create: (*service.Service).CreateCommunication, update: (*service.Service).UpdateCommunication,
	archive: (*service.Service).ArchiveCommunication, name: func(x *bulkhead.Communication) string { return x.Topic },
	defaults: func(c *call) url.Values { return url.Values{"communicator_id": {c.actor().UserID}} },
	form: func(c *call, v url.Values, r *refs) *form {
		b := newFB(c, v)
		b.text("topic", "regf.topic", true, 300).Hint = c.T("regh.topic")
		b.sel("direction", "regf.direction", true, enumOptions(c, "origin", bulkhead.Origins, v.Get("direction"), "reg.choose"))
		b.sel("frequency", "regf.frequency", true, enumOptions(c, "frequency", bulkhead.Frequencies, v.Get("frequency"), "reg.choose"))
		b.text("timing", "regf.timing", false, 300).Hint = c.T("regh.timing")
		b.text("audience", "regf.audience", true, 300).Hint = c.T("regh.audience")
		b.sel("channel", "regf.channel", true, enumOptions(c, "channel", bulkhead.Channels, v.Get("channel"), "reg.choose"))
		b.sel("communicator_id", "regf.communicator", true, r.memberOptions(c, v.Get("communicator_id"), "reg.choose"))
		b.area("notes", "regf.notes", false, 10000)
		return b.f
	},
	values: func(x *bulkhead.Communication) url.Values {
		return url.Values{"topic": {x.Topic}, "direction": {string(x.Direction)}, "frequency": {string(x.Frequency)}, "timing": {x.Timing}, "audience": {x.Audience},
			"channel": {string(x.Channel)}, "communicator_id": {x.CommunicatorID}, "notes": {x.Notes}}
	},
	input: func(v url.Values) bulkhead.CommunicationInput {
		return bulkhead.CommunicationInput{Topic: get(v, "topic"), Direction: get(v, "direction"), Frequency: get(v, "frequency"), Timing: get(v, "timing"),
			Audience: get(v, "audience"), Channel: get(v, "channel"), CommunicatorID: get(v, "communicator_id"), Notes: get(v, "notes")}
	},
	props: func(c *call, x *bulkhead.Communication, r *refs) []prop {
		return []prop{
			{Label: c.T("regf.direction"), Value: c.enumLabel("origin", string(x.Direction))},
			{Label: c.T("regf.frequency"), Value: c.enumLabel("frequency", string(x.Frequency))},
			{Label: c.T("regf.timing"), Value: x.Timing, None: c.T("common.none")},
			{Label: c.T("regf.audience"), Value: x.Audience},
			{Label: c.T("regf.channel"), Value: c.enumLabel("channel", string(x.Channel))},
			{Label: c.T("regf.communicator"), Value: r.memberName(x.CommunicatorID)},
			{Label: c.T("regf.notes"), Value: x.Notes, Pre: true, None: c.T("common.none")},
		}
	},
}
