package web

import (
	"net/http"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// area is one part of the management system as ISO 28000:2022 arranges it
// (clauses 4 to 10), plus the supply-chain operations that serve clause 8.
// Titles and summaries are our own words, in the catalogs.
type area struct {
	Slug       string
	Clause     string // clause number, also the navigation's badge
	BadgeKey   string // a navigation badge other than the clause number
	TitleKey   string
	SummaryKey string
	Registers  []register
}

// register is one module of an area. Href is empty while it is planned.
type register struct {
	Clause     string
	TitleKey   string
	SummaryKey string
	Href       string
	Action     service.Action // the permission needed to open it, when it exists
}

// areaList is the clause → module map of the product brief.
var areaList = []area{
	{Slug: "context", Clause: "4", TitleKey: "area.context.title", SummaryKey: "area.context.summary", Registers: []register{
		{Clause: "4.1", TitleKey: "reg.issues.title", SummaryKey: "reg.issues.summary", Href: "/context-issues", Action: service.ActIssueRead},
		{Clause: "4.2", TitleKey: "reg.parties.title", SummaryKey: "reg.parties.summary", Href: "/parties", Action: service.ActPartyRead},
		{Clause: "4.2", TitleKey: "reg.legal.title", SummaryKey: "reg.legal.summary", Href: "/legal", Action: service.ActLegalRead},
		{Clause: "4.3, 4.4", TitleKey: "reg.sites.title", SummaryKey: "reg.sites.summary", Href: "/sites", Action: service.ActSiteRead},
	}},
	{Slug: "leadership", Clause: "5", TitleKey: "area.leadership.title", SummaryKey: "area.leadership.summary", Registers: []register{
		{Clause: "5.1, 5.2", TitleKey: "reg.policy.title", SummaryKey: "reg.policy.summary", Href: "/documents?type=policy", Action: service.ActDocumentRead},
		{Clause: "5.3", TitleKey: "reg.roles.title", SummaryKey: "reg.roles.summary", Href: "/security-roles", Action: service.ActPeopleRead},
	}},
	{Slug: "planning", Clause: "6", TitleKey: "area.planning.title", SummaryKey: "area.planning.summary", Registers: []register{
		{Clause: "6.1", TitleKey: "reg.risks.title", SummaryKey: "reg.risks.summary", Href: "/risk", Action: service.ActRiskRead},
		{Clause: "6.1", TitleKey: "reg.opportunities.title", SummaryKey: "reg.opportunities.summary"},
		{Clause: "6.2", TitleKey: "reg.objectives.title", SummaryKey: "reg.objectives.summary", Href: "/objectives", Action: service.ActObjRead},
		{Clause: "6.3", TitleKey: "reg.changes.title", SummaryKey: "reg.changes.summary", Href: "/changes", Action: service.ActChangeRead},
	}},
	{Slug: "support", Clause: "7", TitleKey: "area.support.title", SummaryKey: "area.support.summary", Registers: []register{
		{Clause: "7.1, 7.2", TitleKey: "reg.competence.title", SummaryKey: "reg.competence.summary", Href: "/competence-matrix", Action: service.ActPeopleRead},
		{Clause: "7.3, 7.4", TitleKey: "reg.communication.title", SummaryKey: "reg.communication.summary", Href: "/communication", Action: service.ActCommRead},
		{Clause: "7.5", TitleKey: "reg.documents.title", SummaryKey: "reg.documents.summary", Href: "/documents", Action: service.ActDocumentRead},
	}},
	{Slug: "operation", Clause: "8", TitleKey: "area.operation.title", SummaryKey: "area.operation.summary", Registers: []register{
		{Clause: "8.1, 8.2", TitleKey: "reg.processes.title", SummaryKey: "reg.processes.summary"},
		{Clause: "8.3, 8.4", TitleKey: "reg.controls.title", SummaryKey: "reg.controls.summary", Href: "/risk/controls", Action: service.ActRiskRead},
		{Clause: "8.5", TitleKey: "reg.treatments.title", SummaryKey: "reg.treatments.summary", Href: "/risk/treatments", Action: service.ActRiskRead},
		{Clause: "8.6", TitleKey: "reg.plans.title", SummaryKey: "reg.plans.summary"},
		{Clause: "8.6", TitleKey: "reg.bia.title", SummaryKey: "reg.bia.summary"},
	}},
	{Slug: "performance", Clause: "9", TitleKey: "area.performance.title", SummaryKey: "area.performance.summary", Registers: []register{
		{Clause: "9.1", TitleKey: "reg.kpis.title", SummaryKey: "reg.kpis.summary"},
		{Clause: "9.2", TitleKey: "reg.audits.title", SummaryKey: "reg.audits.summary"},
		{Clause: "9.3", TitleKey: "reg.review.title", SummaryKey: "reg.review.summary"},
		{Clause: "9.1, 9.2", TitleKey: "reg.libraries.title", SummaryKey: "reg.libraries.summary", Href: "/libraries", Action: service.ActLibraryRead},
		{Clause: "9.1, 9.2", TitleKey: "reg.assessments.title", SummaryKey: "reg.assessments.summary", Href: "/assessments", Action: service.ActAssessmentRead},
	}},
	{Slug: "improvement", Clause: "10", TitleKey: "area.improvement.title", SummaryKey: "area.improvement.summary", Registers: []register{
		{Clause: "10.2", TitleKey: "reg.nonconformities.title", SummaryKey: "reg.nonconformities.summary"},
		{Clause: "10.1", TitleKey: "reg.improvements.title", SummaryKey: "reg.improvements.summary"},
	}},
	{Slug: "supply-chain", Clause: "8", BadgeKey: "area.supply_chain.badge", TitleKey: "area.supply_chain.title", SummaryKey: "area.supply_chain.summary", Registers: []register{
		{Clause: "4.3, 8.1", TitleKey: "reg.sites_ops.title", SummaryKey: "reg.sites_ops.summary", Href: "/sites", Action: service.ActSiteRead},
		{Clause: "8.1", TitleKey: "reg.partners.title", SummaryKey: "reg.partners.summary"},
		{Clause: "8.1", TitleKey: "reg.lanes.title", SummaryKey: "reg.lanes.summary"},
		{Clause: "8.1", TitleKey: "reg.shipments.title", SummaryKey: "reg.shipments.summary", Href: "/custody/shipments", Action: service.ActShipmentRead},
		{Clause: "8.1", TitleKey: "reg.seals.title", SummaryKey: "reg.seals.summary", Href: "/custody/seals", Action: service.ActSealRead},
		{Clause: "8.1", TitleKey: "reg.inspections.title", SummaryKey: "reg.inspections.summary", Href: "/custody/inspections", Action: service.ActInspectionRead},
		{Clause: "8.1", TitleKey: "reg.custody.title", SummaryKey: "reg.custody.summary", Href: "/custody", Action: service.ActEPCISRead},
		{Clause: "8.1, 10.2", TitleKey: "reg.incidents.title", SummaryKey: "reg.incidents.summary", Href: "/incidents", Action: service.ActIncidentRead},
	}},
}

// registerRow is a register as the area page shows it.
type registerRow struct {
	Clause  string
	Title   string
	Summary string
	Href    string // empty: planned, or not open to the role
	Planned bool
}

// areaPage lists an area's registers.
type areaPage struct {
	basePage
	Slug      string
	Clause    string
	Summary   string
	Registers []registerRow
}

// area shows one management-system area (GET /areas/{area}).
func (s *server) area(c *call) error {
	for _, a := range areaList {
		if a.Slug != c.r.PathValue("area") {
			continue
		}
		p := &areaPage{basePage: c.base(a.TitleKey), Slug: a.Slug, Clause: a.Clause, Summary: c.T(a.SummaryKey)}
		for _, rg := range a.Registers {
			row := registerRow{Clause: rg.Clause, Title: c.T(rg.TitleKey), Summary: c.T(rg.SummaryKey), Planned: rg.Href == ""}
			if rg.Href != "" && c.can(rg.Action) {
				row.Href = rg.Href
			}
			p.Registers = append(p.Registers, row)
		}
		s.render(c.w, c.r, http.StatusOK, pageArea, p)
		return nil
	}
	return bulkhead.NotFound("Area")
}

// typeCount is one line of the dashboard's sites-by-type card.
type typeCount struct {
	Type  bulkhead.SiteType
	Label string
	Count int
	Href  string
}

// areaCard is an area as the dashboard shows it.
type areaCard struct {
	Href      string
	Clause    string
	Title     string
	Summary   string
	Available int
	Total     int
}

// dashboardPage is the home page.
type dashboardPage struct {
	basePage
	Stats       *service.Dashboard
	SitesByType []typeCount
	Areas       []areaCard
	Tasks       []taskRow // the first few of My tasks
	TaskCount   int
}

// dashTasks is how many of My tasks the dashboard shows.
const dashTasks = 5

// dashboard shows the organisation's counts and shortcuts (GET /).
func (s *server) dashboard(c *call) error {
	d, err := s.svc.Dashboard(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &dashboardPage{basePage: c.base("dash.title"), Stats: d}
	tasks, err := s.svc.MyTasks(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p.TaskCount = len(tasks)
	p.Tasks = c.taskRows(tasks[:min(len(tasks), dashTasks)])
	for _, t := range bulkhead.SiteTypes {
		n := d.SitesByType[t]
		if n == 0 {
			continue
		}
		p.SitesByType = append(p.SitesByType, typeCount{Type: t, Label: c.siteTypeLabel(t), Count: n, Href: "/sites?type=" + string(t)})
	}
	for _, a := range areaList {
		card := areaCard{Href: "/areas/" + a.Slug, Clause: a.Clause, Title: c.T(a.TitleKey), Summary: c.T(a.SummaryKey), Total: len(a.Registers)}
		for _, rg := range a.Registers {
			if rg.Href != "" {
				card.Available++
			}
		}
		p.Areas = append(p.Areas, card)
	}
	s.render(c.w, c.r, http.StatusOK, pageDashboard, p)
	return nil
}
