package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/fair"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Risk page templates (templates/pages/risk_*.html).
const (
	pageRiskRegister    = "risk_register"
	pageRiskScenario    = "risk_scenario"
	pageRiskForm        = "risk_form"
	pageRiskAssessments = "risk_assessments"
	pageRiskAssessment  = "risk_assessment"
	pageRiskThreats     = "risk_threats"
	pageRiskControls    = "risk_controls"
	pageRiskTreatments  = "risk_treatments"
	pageRiskPortfolio   = "risk_portfolio"
)

// riskRoutes registers the pages of security risk assessment and treatment (issue 4).
func (s *server) riskRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /risk", s.auth(s.riskRegister))
	mux.HandleFunc("GET /risk/export", s.auth(s.riskExport))
	mux.HandleFunc("GET /risk/scenarios/new", s.auth(s.riskNewScenario))
	mux.HandleFunc("POST /risk/scenarios", s.auth(s.riskCreateScenario))
	mux.HandleFunc("GET /risk/scenarios/{id}", s.auth(s.riskScenario))
	mux.HandleFunc("GET /risk/scenarios/{id}/edit", s.auth(s.riskEditScenario))
	mux.HandleFunc("POST /risk/scenarios/{id}", s.auth(s.riskUpdateScenario))
	mux.HandleFunc("POST /risk/scenarios/{id}/accept", s.auth(s.riskAccept))
	mux.HandleFunc("POST /risk/scenarios/{id}/simulate", s.auth(s.riskSimulate))
	mux.HandleFunc("GET /risk/assessments", s.auth(s.riskAssessments))
	mux.HandleFunc("GET /risk/assessments/new", s.auth(s.riskNewAssessment))
	mux.HandleFunc("POST /risk/assessments", s.auth(s.riskCreateAssessment))
	mux.HandleFunc("GET /risk/assessments/{id}", s.auth(s.riskAssessment))
	mux.HandleFunc("GET /risk/assessments/{id}/edit", s.auth(s.riskEditAssessment))
	mux.HandleFunc("POST /risk/assessments/{id}", s.auth(s.riskUpdateAssessment))
	mux.HandleFunc("POST /risk/assessments/{id}/status", s.auth(s.riskAssessmentStatus))
	mux.HandleFunc("GET /risk/threats", s.auth(s.riskThreats))
	mux.HandleFunc("GET /risk/threats/new", s.auth(s.riskNewThreat))
	mux.HandleFunc("POST /risk/threats", s.auth(s.riskCreateThreat))
	mux.HandleFunc("GET /risk/threats/import", s.auth(s.riskImportThreatsForm))
	mux.HandleFunc("POST /risk/threats/import", s.auth(s.riskImportThreats))
	mux.HandleFunc("GET /risk/threats/{id}/edit", s.auth(s.riskEditThreat))
	mux.HandleFunc("POST /risk/threats/{id}", s.auth(s.riskUpdateThreat))
	mux.HandleFunc("GET /risk/controls", s.auth(s.riskControls))
	mux.HandleFunc("GET /risk/controls/new", s.auth(s.riskNewControl))
	mux.HandleFunc("POST /risk/controls", s.auth(s.riskCreateControl))
	mux.HandleFunc("GET /risk/controls/{id}/edit", s.auth(s.riskEditControl))
	mux.HandleFunc("POST /risk/controls/{id}", s.auth(s.riskUpdateControl))
	mux.HandleFunc("GET /risk/treatments", s.auth(s.riskTreatments))
	mux.HandleFunc("GET /risk/treatments/new", s.auth(s.riskNewTreatment))
	mux.HandleFunc("POST /risk/treatments", s.auth(s.riskCreateTreatment))
	mux.HandleFunc("GET /risk/treatments/{id}", s.auth(s.riskEditTreatment))
	mux.HandleFunc("POST /risk/treatments/{id}", s.auth(s.riskUpdateTreatment))
	mux.HandleFunc("GET /risk/settings", s.auth(s.riskSettings))
	mux.HandleFunc("POST /risk/settings", s.auth(s.riskSaveSettings))
	mux.HandleFunc("GET /risk/matrices/import", s.auth(s.riskImportMatrixForm))
	mux.HandleFunc("POST /risk/matrices/import", s.auth(s.riskImportMatrix))
	mux.HandleFunc("GET /risk/portfolio", s.auth(s.riskPortfolio))
	mux.HandleFunc("POST /risk/portfolio/simulate", s.auth(s.riskSimulatePortfolio))
}

// Dynamic catalog keys of the risk pages.
func riskFamilyKey(f bulkhead.ThreatFamily) string          { return "risk.family." + string(f) }
func riskMethodKey(m bulkhead.RiskMethod) string            { return "risk.method." + string(m) }
func riskStatusKey(s bulkhead.RiskAssessmentStatus) string  { return "risk.status." + string(s) }
func riskTreatKey(t bulkhead.Treatment) string              { return "risk.treatment." + string(t) }
func riskCategoryKey(c bulkhead.ControlCategory) string     { return "risk.category." + string(c) }
func riskControlStatusKey(s bulkhead.ControlStatus) string  { return "risk.control_status." + string(s) }
func riskActionStatusKey(s bulkhead.TreatmentStatus) string { return "risk.action_status." + string(s) }
func riskAcceptanceKey(s service.AcceptanceState) string    { return "risk.acceptance." + string(s) }
func (c *call) riskFamily(f bulkhead.ThreatFamily) string {
	return c.label(riskFamilyKey(f), string(f))
}
func (c *call) riskStatus(s bulkhead.RiskAssessmentStatus) string {
	return c.label(riskStatusKey(s), string(s))
}

// riskCommon is what every risk page offers: the sub-navigation.
type riskCommon struct {
	Tabs []navItem
}

func (c *call) riskTabs(active string) riskCommon {
	var tabs []navItem
	for _, t := range []struct{ href, key string }{
		{"/risk", "risk.tab.register"}, {"/risk/assessments", "risk.tab.assessments"}, {"/risk/threats", "risk.tab.threats"},
		{"/risk/controls", "risk.tab.controls"}, {"/risk/treatments", "risk.tab.treatments"}, {"/risk/portfolio", "risk.tab.portfolio"},
		{"/risk/settings", "risk.tab.settings"},
	} {
		tabs = append(tabs, navItem{Href: t.href, Label: c.T(t.key), Active: t.href == active})
	}
	return riskCommon{Tabs: tabs}
}

// riskLevelBadge is a level as a coloured badge.
type riskLevelBadge struct {
	Name   string
	Colour string
	Dark   bool
	Rating string // "4 × 3"
}

func riskBadge(m *bulkhead.RiskMatrix, r bulkhead.Rating, level int) *riskLevelBadge {
	if level < 0 || m == nil || level >= len(m.Levels) {
		return nil
	}
	l := m.Levels[level]
	return &riskLevelBadge{Name: l.Name, Colour: l.Colour, Dark: riskDark(l.Colour), Rating: strconv.Itoa(r.Likelihood) + " × " + strconv.Itoa(r.Consequence)}
}

// ---- register

// riskRow is a register row.
type riskRow struct {
	*bulkhead.ScenarioRow
	Family     string
	Inherent   *riskLevelBadge
	Residual   *riskLevelBadge
	Owner      string
	Treatment  string
	NextReview string
	Overdue    bool
}

// riskRegisterPage is the risk register.
type riskRegisterPage struct {
	basePage
	riskCommon
	Filter     *form
	Rows       []riskRow
	Total      int
	From, To   int
	PrevHref   string
	NextHref   string
	Filtered   bool
	CSVHref    string
	XLSXHref   string
	Assessment string
}

const riskPageSize = 50

// riskFilter reads the register's filter from the query string.
func riskFilter(q url.Values) (bulkhead.ScenarioFilter, map[string]string) {
	f := bulkhead.ScenarioFilter{SiteID: q.Get("site"), Family: bulkhead.ThreatFamily(q.Get("family")), OwnerID: q.Get("owner"),
		AssessmentID: q.Get("assessment"), Query: q.Get("q"), Limit: riskPageSize}
	bad := map[string]string{}
	if v := q.Get("level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad["level"] = bulkhead.FieldInvalid
		}
		f.HasLevel, f.Level = true, n
	}
	f.Overdue = q.Get("overdue") == "1"
	switch q.Get("sort") {
	case "title":
		f.Sort = bulkhead.ScenarioSortTitle
	case "updated":
		f.Sort, f.Desc = bulkhead.ScenarioSortUpdated, true
	}
	return f, bad
}

// riskPeople returns the organisation's members by user ID.
func (s *server) riskPeople(c *call) (map[string]*bulkhead.Membership, []*bulkhead.Membership, error) {
	ms, err := s.svc.RiskPeople(c.r.Context(), c.actor())
	if err != nil {
		return nil, nil, err
	}
	out := map[string]*bulkhead.Membership{}
	for _, m := range ms {
		out[m.UserID] = m
	}
	return out, ms, nil
}

func riskPerson(people map[string]*bulkhead.Membership, id string) string {
	if m := people[id]; m != nil {
		return m.UserName
	}
	return ""
}

// riskMatrices returns each assessment's matrix by assessment ID.
func (s *server) riskMatrices(c *call) (map[string]*bulkhead.RiskAssessment, error) {
	as, err := s.svc.RiskAssessments(c.r.Context(), c.actor())
	if err != nil {
		return nil, err
	}
	out := map[string]*bulkhead.RiskAssessment{}
	for _, a := range as {
		out[a.ID] = a
	}
	return out, nil
}

// riskRegister lists the scenarios (GET /risk).
func (s *server) riskRegister(c *call) error {
	q := c.r.URL.Query()
	f, bad := riskFilter(q)
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 || page > 1_000_000 {
		page = 1
	}
	f.Offset = (page - 1) * riskPageSize
	people, members, err := s.riskPeople(c)
	if err != nil {
		return err
	}
	p := &riskRegisterPage{basePage: c.base("risk.register_title"), riskCommon: c.riskTabs("/risk")}
	p.Filter, err = s.riskFilterForm(c, q, members)
	if err != nil {
		return err
	}
	p.Filtered = f.SiteID != "" || f.Family != "" || f.OwnerID != "" || f.HasLevel || f.Overdue || f.Query != "" || f.AssessmentID != ""
	link := func(set map[string]string) string {
		v := url.Values{}
		for _, k := range []string{"site", "family", "level", "owner", "overdue", "q", "sort", "assessment"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		for k, x := range set {
			if x == "" {
				v.Del(k)
			} else {
				v.Set(k, x)
			}
		}
		if len(v) == 0 {
			return ""
		}
		return "?" + v.Encode()
	}
	p.CSVHref = "/risk/export" + link(map[string]string{"format": "csv"})
	p.XLSXHref = "/risk/export" + link(map[string]string{"format": "xlsx"})
	status := http.StatusOK
	var rows []*bulkhead.ScenarioRow
	var total int
	if len(bad) == 0 {
		rows, total, err = s.svc.Scenarios(c.r.Context(), c.actor(), f)
	} else {
		err = bulkhead.Invalid(bad)
	}
	switch bulkhead.ErrorCode(err) {
	case "":
	case bulkhead.EINVALID:
		p.Filter.setErrors(c, bulkhead.ErrorFields(err))
		status = http.StatusUnprocessableEntity
	default:
		return err
	}
	as, err := s.riskMatrices(c)
	if err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, r := range rows {
		m := as[r.AssessmentID].Matrix
		row := riskRow{ScenarioRow: r, Family: c.riskFamily(r.ThreatFamily), Inherent: riskBadge(m, r.Inherent, r.InherentLevel),
			Residual: riskBadge(m, r.Residual, r.ResidualLevel), Owner: riskPerson(people, r.OwnerID), Treatment: c.label(riskTreatKey(r.Treatment), string(r.Treatment))}
		if r.NextReview != nil {
			row.NextReview = riskDateStr(c, *r.NextReview)
			row.Overdue = r.NextReview.Before(today)
		}
		p.Rows = append(p.Rows, row)
	}
	p.Total = total
	if len(rows) > 0 {
		p.From, p.To = f.Offset+1, f.Offset+len(rows)
	}
	if page > 1 {
		p.PrevHref = "/risk" + link(map[string]string{"page": strconv.Itoa(page - 1)})
	}
	if f.Offset+len(rows) < total {
		p.NextHref = "/risk" + link(map[string]string{"page": strconv.Itoa(page + 1)})
	}
	s.render(c.w, c.r, status, pageRiskRegister, p)
	return nil
}

// i18n0Date formats a date (no time) in the page's language.
func riskDateStr(c *call, t time.Time) string { return t.Format(time.DateOnly) }

// riskFilterForm is the register's filter form.
func (s *server) riskFilterForm(c *call, q url.Values, members []*bulkhead.Membership) (*form, error) {
	f := newForm()
	f.add(&formField{Name: "q", Label: c.T("risk.search"), Type: "search", Value: q.Get("q"), MaxLength: 200})
	sites, _, err := s.svc.Sites(c.r.Context(), c.actor(), bulkhead.SiteFilter{Limit: bulkhead.MaxPageSize})
	if err != nil {
		return nil, err
	}
	siteOpts := options(q.Get("site"), "", c.T("risk.any_site"))
	for _, st := range sites {
		siteOpts = append(siteOpts, selectOption{Value: st.ID, Label: st.Name, Selected: q.Get("site") == st.ID})
	}
	f.add(&formField{Name: "site", Label: c.T("risk.field.site"), Kind: "select", Options: siteOpts})
	fam := options(q.Get("family"), "", c.T("risk.any_family"))
	for _, x := range bulkhead.ThreatFamilies {
		fam = append(fam, selectOption{Value: string(x), Label: c.riskFamily(x), Selected: q.Get("family") == string(x)})
	}
	f.add(&formField{Name: "family", Label: c.T("risk.field.family"), Kind: "select", Options: fam})
	m5, _ := service.BuiltinMatrix(service.Matrix5x5)
	lv := options(q.Get("level"), "", c.T("risk.any_level"))
	for i, l := range m5.Levels {
		lv = append(lv, selectOption{Value: strconv.Itoa(i), Label: l.Name, Selected: q.Get("level") == strconv.Itoa(i)})
	}
	f.add(&formField{Name: "level", Label: c.T("risk.field.residual_level"), Kind: "select", Options: lv})
	own := options(q.Get("owner"), "", c.T("risk.any_owner"))
	for _, m := range members {
		own = append(own, selectOption{Value: m.UserID, Label: m.UserName, Selected: q.Get("owner") == m.UserID})
	}
	f.add(&formField{Name: "owner", Label: c.T("risk.field.owner"), Kind: "select", Options: own})
	f.add(&formField{Name: "overdue", Label: c.T("risk.field.overdue"), Kind: "select", Options: options(q.Get("overdue"), "", c.T("common.no"), "1", c.T("common.yes"))})
	f.add(&formField{Name: "sort", Label: c.T("risk.field.sort"), Kind: "select", Options: options(q.Get("sort"), "", c.T("risk.sort.level"), "title", c.T("risk.sort.title"), "updated", c.T("risk.sort.updated"))})
	return f, nil
}

// riskExport sends the register as CSV or XLSX (GET /risk/export).
func (s *server) riskExport(c *call) error {
	q := c.r.URL.Query()
	f, bad := riskFilter(q)
	if len(bad) > 0 {
		return bulkhead.Invalid(bad)
	}
	format := q.Get("format")
	if format != "xlsx" {
		format = "csv"
	}
	probe := f
	probe.Limit = 1
	if _, _, err := s.svc.Scenarios(c.r.Context(), c.actor(), probe); err != nil {
		return err
	}
	if format == "csv" {
		c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		c.w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	c.w.Header().Set("Content-Disposition", `attachment; filename="risk-register.`+format+`"`)
	if err := s.svc.ExportRisks(c.r.Context(), c.actor(), f, format, c.w); err != nil {
		requestLog(c.r).Error("risk export failed", "err", err)
	}
	return nil
}

// ---- scenario detail

// riskHistoryRow is one entry of a scenario's history.
type riskHistoryRow struct {
	At     string
	ISO    string
	Actor  string
	Action string
	Change string
}

// riskScenarioPage is a scenario's detail page.
type riskScenarioPage struct {
	basePage
	riskCommon
	Scenario    *bulkhead.Scenario
	Assessment  *bulkhead.RiskAssessment
	Threat      *bulkhead.Threat
	Family      string
	Target      string
	Owner       string
	Treatment   string
	Inherent    *riskLevelBadge
	Current     *riskLevelBadge
	Residual    *riskLevelBadge
	State       string
	StateClass  string
	Appetite    string
	Last        *bulkhead.Acceptance
	LastBy      string
	LastExpires string
	CanAccept   bool
	AcceptForm  *form
	Actions     []riskActionRow
	History     []riskHistoryRow
	TVCNorm     string
	CarverTotal int
	FAIRText    string
	LEC         *riskLEC
	Run         *riskRunSummary
	SimForm     *form
	// The context issues (4.1) the scenario is linked to.
	ContextIssues     []riskIssueRow
	ShowContextIssues bool
	CanEdit           bool
	CanSimulate       bool
	CanTreat          bool
	Method            string
	AcceptErrors      *form
}

// riskRunSummary is the headline of a stored run.
type riskRunSummary struct {
	ID          string
	At          string
	Iterations  string
	Seed        string
	Mean        string
	P50         string
	P90         string
	P99         string
	Max         string
	ProbExceed  string
	Model       string
	Portfolio   bool
	ScenarioNum int
	WhatIfs     []riskWhatIfView
}

// riskWhatIfView is one control what-if of a run: the change in expected
// annual loss, on the same random numbers.
type riskWhatIfView struct {
	Name   string
	Change string
	Before string
	After  string
}

// riskActionRow is a treatment action as lists show it.
type riskActionRow struct {
	*bulkhead.TreatmentAction
	Owner   string
	Control string
	Status  string
	Due     string
	Overdue bool
}

func (s *server) riskScenario(c *call) error { return s.renderRiskScenario(c, http.StatusOK, nil, nil) }

func (s *server) renderRiskScenario(c *call, status int, acceptErr, simErr error) error {
	ctx := c.r.Context()
	x, err := s.svc.Scenario(ctx, c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	as, err := s.svc.RiskAssessment(ctx, c.actor(), x.AssessmentID)
	if err != nil {
		return err
	}
	th, err := s.svc.Threat(ctx, c.actor(), x.ThreatID)
	if err != nil {
		return err
	}
	people, _, err := s.riskPeople(c)
	if err != nil {
		return err
	}
	m := as.Matrix
	p := &riskScenarioPage{basePage: c.base("risk.scenario_title", x.Title), riskCommon: c.riskTabs("/risk"), Scenario: x, Assessment: as, Threat: th,
		Family: c.riskFamily(th.Family), Owner: riskPerson(people, x.OwnerID), Treatment: c.label(riskTreatKey(x.Treatment), string(x.Treatment)),
		Inherent: riskBadge(m, x.Inherent, x.InherentLevel), Current: riskBadge(m, x.Current, x.CurrentLevel), Residual: riskBadge(m, x.Residual, x.ResidualLevel),
		CanEdit: c.can(service.ActRiskAssess), CanSimulate: c.can(service.ActRiskSimulate) && x.FAIR != nil, CanTreat: c.can(service.ActRiskTreat),
		Method: c.label(riskMethodKey(as.Method), string(as.Method))}
	if x.TargetType == bulkhead.TargetSite {
		if st, err := s.svc.Site(ctx, c.actor(), x.TargetID); err == nil {
			p.Target = st.Name
		}
	}
	state, last, appetite, err := s.svc.ScenarioAcceptance(ctx, c.actor(), x, as)
	if err != nil {
		return err
	}
	p.State, p.Appetite = c.label(riskAcceptanceKey(state), string(state)), m.LevelName(appetite)
	p.StateClass = map[service.AcceptanceState]string{service.WithinAppetite: "badge-ok", service.AcceptanceValid: "badge-ok",
		service.AcceptanceNeeded: "badge-warn", service.AcceptanceExpired: "badge-danger"}[state]
	if last != nil {
		p.Last, p.LastBy, p.LastExpires = last, riskPerson(people, last.AcceptedBy), last.ExpiresAt.Format(time.DateOnly)
	}
	p.CanAccept = c.can(service.ActRiskAccept) && (state == service.AcceptanceNeeded || state == service.AcceptanceExpired)
	af := newForm()
	af.idPrefix = "acc-"
	af.add(&formField{Name: "rationale", Label: c.T("risk.field.rationale"), Kind: "textarea", Required: true, MaxLength: 10000, Value: c.r.PostForm.Get("rationale")})
	af.add(&formField{Name: "expires", Label: c.T("risk.field.expires"), Type: "date", Required: true, Value: c.r.PostForm.Get("expires")})
	if acceptErr != nil {
		codes := bulkhead.ErrorFields(acceptErr)
		if len(codes) == 0 {
			codes = map[string]string{"residual": bulkhead.FieldInvalid}
		}
		af.setErrors(c, codes)
		p.CanAccept = true
	}
	p.AcceptForm = af
	acts, err := s.svc.TreatmentActions(ctx, c.actor(), bulkhead.TreatmentFilter{ScenarioID: x.ID})
	if err != nil {
		return err
	}
	p.Actions, err = s.riskActionRows(c, acts, people)
	if err != nil {
		return err
	}
	hist, err := s.svc.ScenarioHistory(ctx, c.actor(), x.ID, 20)
	if err != nil {
		return err
	}
	for _, e := range hist {
		p.History = append(p.History, riskHistoryRow{At: c.dateTime(e.At), ISO: e.At.UTC().Format(time.RFC3339), Actor: e.ActorName, Action: c.actionLabel(e.Action), Change: string(e.Change)})
	}
	if x.TVC != nil {
		p.TVCNorm = strconv.FormatFloat(bulkhead.TVCNormalised(x.TVC), 'f', 3, 64)
	}
	if x.Carver != nil {
		p.CarverTotal = x.Carver.Total()
	}
	if x.FAIR != nil {
		var pretty strings.Builder
		enc := json.NewEncoder(&pretty)
		enc.SetIndent("", "  ")
		var v any
		if json.Unmarshal(x.FAIR, &v) == nil && enc.Encode(v) == nil {
			p.FAIRText = pretty.String()
		}
		runs, err := s.svc.SimulationRuns(ctx, c.actor(), x.ID, 1)
		if err != nil {
			return err
		}
		if len(runs) > 0 {
			p.Run, p.LEC = s.riskRunView(c, runs[0])
		}
		sf := newForm()
		sf.idPrefix = "sim-"
		sf.add(&formField{Name: "iterations", Label: c.T("risk.field.iterations"), Type: "number", Value: "10000", Min: "1", Max: strconv.Itoa(service.MaxRunIterations), InputMode: "numeric"})
		sf.add(&formField{Name: "seed", Label: c.T("risk.field.seed"), Type: "number", Value: "1", Min: "0", InputMode: "numeric"})
		sf.add(&formField{Name: "what_if", Label: c.T("risk.field.what_if"), Hint: c.T("risk.hint.what_if"), Kind: "textarea", MaxLength: 100000})
		if simErr != nil {
			for _, k := range []string{"iterations", "seed", "what_if"} {
				sf.Fields[k].Value = c.r.PostForm.Get(k)
			}
			codes := map[string]string{}
			for k, v := range bulkhead.ErrorFields(simErr) {
				switch {
				case strings.HasPrefix(k, "what_if"):
					codes["what_if"] = v
				case k == "iterations" || k == "seed":
					codes[k] = v
				default:
					codes["what_if"] = v
				}
			}
			sf.setErrors(c, codes)
			if fl := sf.Fields["what_if"]; fl.Error != "" {
				fl.Error = c.T("risk.fair_error", bulkhead.ErrorMessage(simErr))
			}
		}
		p.SimForm = sf
	}
	if p.ContextIssues, err = s.scenarioContextIssues(c, x.ID); err != nil {
		return err
	}
	p.ShowContextIssues = c.can(service.ActIssueRead)
	s.render(c.w, c.r, status, pageRiskScenario, p)
	return nil
}

// riskRunView summarises a stored run and draws its curves.
func (s *server) riskRunView(c *call, run *bulkhead.SimulationRun) (*riskRunSummary, *riskLEC) {
	out, err := service.DecodeOutput(run)
	if err != nil || len(out.Scenarios) == 0 {
		return nil, nil
	}
	sum := &out.Scenarios[0].AnnualLoss
	names := []string{out.Scenarios[0].Name}
	curves := []*fair.Summary{sum}
	if out.Portfolio != nil {
		sum = out.Portfolio
		names = []string{c.T("risk.portfolio")}
		curves = []*fair.Summary{out.Portfolio}
		for i := range out.Scenarios {
			if i >= 3 {
				break
			}
			names = append(names, out.Scenarios[i].Name)
			curves = append(curves, &out.Scenarios[i].AnnualLoss)
		}
	}
	num := func(f float64) string { return riskMoney(c, f) }
	rs := &riskRunSummary{ID: run.ID, At: c.dateTime(run.CreatedAt), Iterations: c.T("risk.n", run.Iterations), Seed: strconv.FormatUint(out.Seed, 10),
		Mean: num(sum.Mean), Max: num(sum.Max), Portfolio: out.Portfolio != nil, ScenarioNum: len(out.Scenarios),
		Model: out.Scenarios[0].Model.Frequency + " / " + out.Scenarios[0].Model.Vulnerability + " / " + out.Scenarios[0].Model.Magnitude}
	for _, q := range sum.Percentiles {
		switch q.Percent {
		case 50:
			rs.P50 = num(q.Loss)
		case 90:
			rs.P90 = num(q.Loss)
		case 99:
			rs.P99 = num(q.Loss)
		}
	}
	for _, w := range out.WhatIf {
		name := w.Name
		if name == "" {
			name = w.ID
		}
		rs.WhatIfs = append(rs.WhatIfs, riskWhatIfView{Name: name, Change: num(w.Change.Mean), Before: num(w.Before.Mean), After: num(w.After.Mean)})
	}
	if sum.ProbExceedTolerance != nil {
		rs.ProbExceed = strconv.FormatFloat(*sum.ProbExceedTolerance*100, 'f', 1, 64) + " %"
	}
	return rs, c.riskLECOf(names, curves, sum.Tolerance)
}

// riskMoney formats an amount of money (whole units).
func riskMoney(c *call, f float64) string {
	if f < 0 {
		return "-" + riskMoney(c, -f)
	}
	return i18n.Number(c.lang, int64(f+0.5))
}
