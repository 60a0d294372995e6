package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// ---- the generic risk form page

// riskHidden is a hidden input of a form page.
type riskHidden struct{ Name, Value string }

// riskFormPage is any risk create/edit form: fields in order, hidden
// values, where it posts.
type riskFormPage struct {
	basePage
	riskCommon
	Form      *form
	Fields    []*formField
	Hidden    []riskHidden
	Action    string
	Cancel    string
	Submit    string
	Intro     string
	Notes     []string
	TabActive string
}

func (s *server) renderRiskForm(c *call, status int, title string, tab string, f *form, action, cancel, submit, intro string, hidden ...riskHidden) {
	p := &riskFormPage{basePage: c.base("risk.form_title", title), riskCommon: c.riskTabs(tab), Form: f, Action: action, Cancel: cancel, Submit: submit, Intro: intro, Hidden: hidden}
	for _, n := range f.order {
		p.Fields = append(p.Fields, f.Fields[n])
	}
	s.render(c.w, c.r, status, pageRiskForm, p)
}

// ratingOptions are the choices of a rating select: not rated, then every
// likelihood × consequence of the matrix.
func (c *call) riskRatingOptions(m *bulkhead.RiskMatrix, r bulkhead.Rating) []selectOption {
	cur := ""
	if r.Rated() {
		cur = strconv.Itoa(r.Likelihood) + "," + strconv.Itoa(r.Consequence)
	}
	out := options(cur, "", c.T("risk.not_rated"))
	for l := len(m.Likelihood); l >= 1; l-- {
		for k := len(m.Consequence); k >= 1; k-- {
			v := strconv.Itoa(l) + "," + strconv.Itoa(k)
			lv := m.Level(bulkhead.Rating{Likelihood: l, Consequence: k})
			out = append(out, selectOption{Value: v, Selected: v == cur,
				Label: c.T("risk.rating_option", l, m.Likelihood[l-1].Name, k, m.Consequence[k-1].Name, m.Levels[lv].Name)})
		}
	}
	return out
}

// parseRating reads "l,c" ("" is not rated).
func riskParseRating(v string) (bulkhead.Rating, bool) {
	if v == "" {
		return bulkhead.Rating{}, true
	}
	a, b, ok := strings.Cut(v, ",")
	l, err1 := strconv.Atoi(a)
	k, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return bulkhead.Rating{}, false
	}
	return bulkhead.Rating{Likelihood: l, Consequence: k}, true
}

var riskCarverCriteria = []string{"criticality", "accessibility", "recuperability", "vulnerability", "effect", "recognizability", "shock"}

// scenarioForm is the scenario form for an assessment.
func (s *server) riskScenarioForm(c *call, as *bulkhead.RiskAssessment, x *bulkhead.Scenario, v url.Values) (*form, error) {
	ctx := c.r.Context()
	get := func(k, def string) string {
		if v != nil {
			return v.Get(k)
		}
		return def
	}
	f := newForm()
	threats, err := s.svc.Threats(ctx, c.actor())
	if err != nil {
		return nil, err
	}
	th := options(get("threat_id", x.ThreatID), "", c.T("risk.choose_threat"))
	for _, t := range threats {
		th = append(th, selectOption{Value: t.ID, Label: c.riskFamily(t.Family) + ": " + t.Name, Selected: get("threat_id", x.ThreatID) == t.ID})
	}
	f.add(&formField{Name: "title", Label: c.T("risk.field.title"), Value: get("title", x.Title), Required: true, MaxLength: 200, Autocomplete: "off"})
	f.add(&formField{Name: "threat_id", Label: c.T("risk.field.threat"), Kind: "select", Options: th, Required: true})
	sites, _, err := s.svc.Sites(ctx, c.actor(), bulkhead.SiteFilter{Limit: bulkhead.MaxPageSize})
	if err != nil {
		return nil, err
	}
	target := x.TargetID
	if target == "" {
		target = as.SiteID
	}
	so := options(get("target_id", target), "", c.T("risk.choose_site"))
	for _, st := range sites {
		so = append(so, selectOption{Value: st.ID, Label: st.Name, Selected: get("target_id", target) == st.ID})
	}
	f.add(&formField{Name: "target_id", Label: c.T("risk.field.target"), Hint: c.T("risk.hint.target"), Kind: "select", Options: so, Required: true})
	f.add(&formField{Name: "vulnerability", Label: c.T("risk.field.vulnerability"), Kind: "textarea", Value: get("vulnerability", x.Vulnerability), MaxLength: 10000})
	f.add(&formField{Name: "existing_controls", Label: c.T("risk.field.existing_controls"), Kind: "textarea", Value: get("existing_controls", x.ExistingControls), MaxLength: 10000})
	for _, rt := range []struct {
		name string
		r    bulkhead.Rating
		hint string
	}{{"inherent", x.Inherent, "risk.hint.inherent"}, {"current", x.Current, "risk.hint.current"}, {"residual", x.Residual, "risk.hint.residual"}} {
		r := rt.r
		if v != nil {
			r, _ = riskParseRating(v.Get(rt.name))
		}
		f.add(&formField{Name: rt.name, Label: c.T("risk.field." + rt.name), Hint: c.T(rt.hint), Kind: "select", Options: c.riskRatingOptions(as.Matrix, r)})
	}
	switch as.Method {
	case bulkhead.MethodTVC:
		t := x.TVC
		if t == nil {
			t = &bulkhead.TVCScores{}
		}
		for _, p := range []struct {
			name string
			v    int
		}{{"threat", t.Threat}, {"vulnerability", t.Vulnerability}, {"consequence", t.Consequence}} {
			f.add(&formField{Name: "tvc." + p.name, Label: c.T("risk.tvc." + p.name), Type: "number", Min: "1", Max: "5", InputMode: "numeric", Value: get("tvc."+p.name, riskInt(p.v))})
		}
		f.Fields["tvc.threat"].Hint = c.T("risk.hint.tvc")
	case bulkhead.MethodCarver:
		cv := x.Carver
		if cv == nil {
			cv = &bulkhead.CarverScores{}
		}
		f.add(&formField{Name: "carver.node", Label: c.T("risk.carver.node"), Hint: c.T("risk.hint.carver"), Value: get("carver.node", cv.Node), MaxLength: 200})
		vals := []int{cv.Criticality, cv.Accessibility, cv.Recuperability, cv.Vulnerability, cv.Effect, cv.Recognizability, cv.Shock}
		for i, k := range riskCarverCriteria {
			f.add(&formField{Name: "carver." + k, Label: c.T("risk.carver." + k), Type: "number", Min: "1", Max: "10", InputMode: "numeric", Value: get("carver."+k, riskInt(vals[i]))})
		}
	case bulkhead.MethodFAIR:
		txt := ""
		if x.FAIR != nil {
			b, _ := json.MarshalIndent(json.RawMessage(x.FAIR), "", "  ")
			txt = string(b)
		}
		f.add(&formField{Name: "fair", Label: c.T("risk.field.fair"), Hint: c.T("risk.hint.fair"), Kind: "textarea", Value: get("fair", txt), MaxLength: 100000})
	}
	_, members, err := s.riskPeople(c)
	if err != nil {
		return nil, err
	}
	own := options(get("owner_id", x.OwnerID), "", c.T("risk.no_owner"))
	for _, m := range members {
		own = append(own, selectOption{Value: m.UserID, Label: m.UserName, Selected: get("owner_id", x.OwnerID) == m.UserID})
	}
	f.add(&formField{Name: "owner_id", Label: c.T("risk.field.owner"), Kind: "select", Options: own})
	tr := options(get("treatment", string(x.Treatment)), "", c.T("risk.treatment."))
	for _, t := range bulkhead.Treatments {
		tr = append(tr, selectOption{Value: string(t), Label: c.label(riskTreatKey(t), string(t)), Selected: get("treatment", string(x.Treatment)) == string(t)})
	}
	f.add(&formField{Name: "treatment", Label: c.T("risk.field.treatment"), Kind: "select", Options: tr})
	f.add(&formField{Name: "rationale", Label: c.T("risk.field.rationale"), Hint: c.T("risk.hint.rationale"), Kind: "textarea", Value: get("rationale", x.Rationale), MaxLength: 10000})
	return f, nil
}

func riskInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// scenarioInput reads the posted scenario form; malformed numbers are field
// errors.
func riskScenarioInput(v url.Values, method bulkhead.RiskMethod, creating bool) (bulkhead.ScenarioInput, map[string]string) {
	bad := map[string]string{}
	get := func(k string) *string { x := v.Get(k); return &x }
	in := bulkhead.ScenarioInput{ThreatID: get("threat_id"), TargetType: get("target_type"), TargetID: get("target_id"), Title: get("title"),
		Vulnerability: get("vulnerability"), ExistingControls: get("existing_controls"), OwnerID: get("owner_id"), Treatment: get("treatment"), Rationale: get("rationale")}
	if *in.TargetType == "" {
		in.TargetType = riskPtr(string(bulkhead.TargetSite))
	}
	for _, rt := range []struct {
		name string
		dst  **bulkhead.Rating
	}{{"inherent", &in.Inherent}, {"current", &in.Current}, {"residual", &in.Residual}} {
		r, ok := riskParseRating(v.Get(rt.name))
		if !ok {
			bad[rt.name] = bulkhead.FieldInvalid
		}
		*rt.dst = &r
	}
	num := func(k string) int {
		s := strings.TrimSpace(v.Get(k))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			bad[k] = bulkhead.FieldInvalid
		}
		return n
	}
	switch method {
	case bulkhead.MethodTVC:
		t := bulkhead.TVCScores{Threat: num("tvc.threat"), Vulnerability: num("tvc.vulnerability"), Consequence: num("tvc.consequence")}
		if t != (bulkhead.TVCScores{}) {
			in.TVC = &t
		}
	case bulkhead.MethodCarver:
		cv := bulkhead.CarverScores{Node: strings.TrimSpace(v.Get("carver.node")), Criticality: num("carver.criticality"), Accessibility: num("carver.accessibility"),
			Recuperability: num("carver.recuperability"), Vulnerability: num("carver.vulnerability"), Effect: num("carver.effect"),
			Recognizability: num("carver.recognizability"), Shock: num("carver.shock")}
		if cv != (bulkhead.CarverScores{}) {
			in.Carver = &cv
		}
	case bulkhead.MethodFAIR:
		txt := strings.TrimSpace(v.Get("fair"))
		switch {
		case txt == "" && !creating:
			in.FAIR = json.RawMessage("null")
		case txt == "":
		case !json.Valid([]byte(txt)):
			bad["fair"] = bulkhead.FieldInvalid
		default:
			in.FAIR = json.RawMessage(txt)
		}
	}
	return in, bad
}

func riskPtr[T any](v T) *T { return &v }

// riskFieldErrors maps the engine's "fair.…" paths onto the form's "fair"
// field, keeping the engine's message as the field's detail.
func riskFieldErrors(c *call, f *form, err error) {
	codes := map[string]string{}
	detail := ""
	for k, v := range bulkhead.ErrorFields(err) {
		if strings.HasPrefix(k, "fair.") {
			codes["fair"] = v
			detail = bulkhead.ErrorMessage(err)
			continue
		}
		codes[k] = v
	}
	f.setErrors(c, codes)
	if fl := f.Fields["fair"]; fl != nil && detail != "" {
		fl.Error = c.T("risk.fair_error", detail)
	}
}

// riskNewScenario shows the scenario form (GET /risk/scenarios/new?assessment=ID).
func (s *server) riskNewScenario(c *call) error {
	if !c.can(service.ActRiskAssess) {
		return forbidden()
	}
	as, err := s.svc.RiskAssessment(c.r.Context(), c.actor(), c.r.URL.Query().Get("assessment"))
	if err != nil {
		return err
	}
	f, err := s.riskScenarioForm(c, as, &bulkhead.Scenario{}, nil)
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, c.T("risk.new_scenario_in", as.Title), "/risk", f, "/risk/scenarios", "/risk/assessments/"+as.ID, c.T("risk.create_scenario"),
		c.label(riskMethodKey(as.Method), string(as.Method))+" · "+as.Matrix.Name, riskHidden{"assessment_id", as.ID})
	return nil
}

// riskCreateScenario saves a new scenario (POST /risk/scenarios).
func (s *server) riskCreateScenario(c *call) error {
	as, err := s.svc.RiskAssessment(c.r.Context(), c.actor(), c.r.PostForm.Get("assessment_id"))
	if err != nil {
		return err
	}
	in, bad := riskScenarioInput(c.r.PostForm, as.Method, true)
	in.AssessmentID = &as.ID
	var x *bulkhead.Scenario
	if len(bad) == 0 {
		x, err = s.svc.CreateScenario(c.r.Context(), c.actor(), in)
	} else {
		err = bulkhead.Invalid(bad)
	}
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f, ferr := s.riskScenarioForm(c, as, &bulkhead.Scenario{}, c.r.PostForm)
		if ferr != nil {
			return ferr
		}
		riskFieldErrors(c, f, err)
		s.renderRiskForm(c, http.StatusUnprocessableEntity, c.T("risk.new_scenario_in", as.Title), "/risk", f, "/risk/scenarios", "/risk/assessments/"+as.ID,
			c.T("risk.create_scenario"), c.label(riskMethodKey(as.Method), string(as.Method))+" · "+as.Matrix.Name, riskHidden{"assessment_id", as.ID})
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/scenarios/"+x.ID, "flash.risk_scenario_created")
}

// riskEditScenario shows the edit form (GET /risk/scenarios/{id}/edit).
func (s *server) riskEditScenario(c *call) error {
	x, err := s.svc.Scenario(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActRiskAssess) {
		return forbidden()
	}
	as, err := s.svc.RiskAssessment(c.r.Context(), c.actor(), x.AssessmentID)
	if err != nil {
		return err
	}
	f, err := s.riskScenarioForm(c, as, x, nil)
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, x.Title, "/risk", f, "/risk/scenarios/"+x.ID, "/risk/scenarios/"+x.ID, c.T("common.save"), as.Matrix.Name)
	return nil
}

// riskUpdateScenario saves an edit (POST /risk/scenarios/{id}).
func (s *server) riskUpdateScenario(c *call) error {
	x, err := s.svc.Scenario(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	as, err := s.svc.RiskAssessment(c.r.Context(), c.actor(), x.AssessmentID)
	if err != nil {
		return err
	}
	in, bad := riskScenarioInput(c.r.PostForm, as.Method, false)
	if len(bad) == 0 {
		_, err = s.svc.UpdateScenario(c.r.Context(), c.actor(), x.ID, in)
	} else {
		err = bulkhead.Invalid(bad)
	}
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f, ferr := s.riskScenarioForm(c, as, x, c.r.PostForm)
		if ferr != nil {
			return ferr
		}
		riskFieldErrors(c, f, err)
		s.renderRiskForm(c, http.StatusUnprocessableEntity, x.Title, "/risk", f, "/risk/scenarios/"+x.ID, "/risk/scenarios/"+x.ID, c.T("common.save"), as.Matrix.Name)
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/scenarios/"+x.ID, "flash.risk_saved")
}

// riskAccept records an acceptance (POST /risk/scenarios/{id}/accept).
func (s *server) riskAccept(c *call) error {
	v := c.r.PostForm
	_, err := s.svc.AcceptRisk(c.r.Context(), c.actor(), c.r.PathValue("id"), bulkhead.AcceptanceInput{Rationale: riskPtr(v.Get("rationale")), Expires: riskPtr(v.Get("expires"))})
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/risk/scenarios/"+c.r.PathValue("id"), "flash.risk_accepted")
	case bulkhead.EINVALID, bulkhead.ECONFLICT:
		return s.renderRiskScenario(c, http.StatusUnprocessableEntity, err, nil)
	case bulkhead.EFORBIDDEN:
		if len(bulkhead.ErrorFields(err)) > 0 {
			return s.renderRiskScenario(c, http.StatusForbidden, err, nil)
		}
	}
	return err
}

// riskSimulate runs the engine on the scenario (POST /risk/scenarios/{id}/simulate).
func (s *server) riskSimulate(c *call) error {
	n, seed, err := riskSimParams(c.r.PostForm)
	if err == nil {
		if txt := strings.TrimSpace(c.r.PostForm.Get("what_if")); txt != "" {
			var ws []json.RawMessage
			if json.Unmarshal([]byte(txt), &ws) != nil {
				err = bulkhead.Invalid(map[string]string{"what_if": bulkhead.FieldInvalid})
			} else {
				_, err = s.svc.SimulateWhatIf(c.r.Context(), c.actor(), c.r.PathValue("id"), n, seed, ws)
			}
		} else {
			_, err = s.svc.SimulateScenario(c.r.Context(), c.actor(), c.r.PathValue("id"), n, seed)
		}
	}
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		return s.renderRiskScenario(c, http.StatusUnprocessableEntity, nil, err)
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/scenarios/"+c.r.PathValue("id"), "flash.risk_simulated")
}

func riskSimParams(v url.Values) (int, uint64, error) {
	n, err1 := strconv.Atoi(strings.TrimSpace(v.Get("iterations")))
	seed, err2 := strconv.ParseUint(strings.TrimSpace(v.Get("seed")), 10, 64)
	bad := map[string]string{}
	if err1 != nil {
		bad["iterations"] = bulkhead.FieldInvalid
	}
	if err2 != nil {
		bad["seed"] = bulkhead.FieldInvalid
	}
	if len(bad) > 0 {
		return 0, 0, bulkhead.Invalid(bad)
	}
	return n, seed, nil
}

// ---- treatment rows

func (s *server) riskActionRows(c *call, acts []*bulkhead.TreatmentAction, people map[string]*bulkhead.Membership) ([]riskActionRow, error) {
	controls, err := s.svc.Controls(c.r.Context(), c.actor())
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, ct := range controls {
		names[ct.ID] = ct.Name
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var out []riskActionRow
	for _, a := range acts {
		row := riskActionRow{TreatmentAction: a, Owner: riskPerson(people, a.OwnerID), Control: names[a.ControlID], Status: c.label(riskActionStatusKey(a.Status), string(a.Status))}
		if a.Due != nil {
			row.Due = a.Due.Format(time.DateOnly)
			row.Overdue = !a.Status.Closed() && a.Due.Before(today)
		}
		out = append(out, row)
	}
	return out, nil
}

// ---- assessments

// riskAssessmentRow is an assessment as the list shows it.
type riskAssessmentRow struct {
	*bulkhead.RiskAssessment
	Status     string
	Method     string
	Site       string
	Assessor   string
	NextReview string
	Overdue    bool
}

// riskAssessmentsPage lists assessments.
type riskAssessmentsPage struct {
	basePage
	riskCommon
	Rows []riskAssessmentRow
}

func (s *server) riskAssessmentRowOf(c *call, a *bulkhead.RiskAssessment, people map[string]*bulkhead.Membership, sites map[string]string) riskAssessmentRow {
	r := riskAssessmentRow{RiskAssessment: a, Status: c.riskStatus(a.Status), Method: c.label(riskMethodKey(a.Method), string(a.Method)),
		Site: sites[a.SiteID], Assessor: riskPerson(people, a.AssessorID)}
	if a.NextReview != nil {
		r.NextReview = a.NextReview.Format(time.DateOnly)
		r.Overdue = a.NextReview.Before(time.Now().UTC().Truncate(24 * time.Hour))
	}
	return r
}

func (s *server) riskSiteNames(c *call) (map[string]string, []*bulkhead.Site, error) {
	sites, _, err := s.svc.Sites(c.r.Context(), c.actor(), bulkhead.SiteFilter{Limit: bulkhead.MaxPageSize, Status: bulkhead.StatusAll})
	if err != nil {
		return nil, nil, err
	}
	out := map[string]string{}
	for _, st := range sites {
		out[st.ID] = st.Name
	}
	return out, sites, nil
}

// riskAssessments lists assessments (GET /risk/assessments).
func (s *server) riskAssessments(c *call) error {
	as, err := s.svc.RiskAssessments(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	people, _, err := s.riskPeople(c)
	if err != nil {
		return err
	}
	sites, _, err := s.riskSiteNames(c)
	if err != nil {
		return err
	}
	p := &riskAssessmentsPage{basePage: c.base("risk.assessments_title"), riskCommon: c.riskTabs("/risk/assessments")}
	for _, a := range as {
		p.Rows = append(p.Rows, s.riskAssessmentRowOf(c, a, people, sites))
	}
	s.render(c.w, c.r, http.StatusOK, pageRiskAssessments, p)
	return nil
}

// riskAssessmentPage is an assessment with its heatmaps and scenarios.
type riskAssessmentPage struct {
	basePage
	riskCommon
	A          riskAssessmentRow
	Scope      string
	Inherent   *riskHeatmap
	Residual   *riskHeatmap
	Scenarios  []riskRow
	Next       []riskTransition
	Matrix     string
	Approved   string
	ApprovedBy string
}

// riskTransition is a workflow button.
type riskTransition struct {
	To    string
	Label string
}

// riskAssessment shows an assessment (GET /risk/assessments/{id}).
func (s *server) riskAssessment(c *call) error {
	ctx := c.r.Context()
	a, err := s.svc.RiskAssessment(ctx, c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	scs, err := s.svc.AssessmentScenarios(ctx, c.actor(), a.ID)
	if err != nil {
		return err
	}
	people, _, err := s.riskPeople(c)
	if err != nil {
		return err
	}
	sites, _, err := s.riskSiteNames(c)
	if err != nil {
		return err
	}
	threats, err := s.svc.Threats(ctx, c.actor())
	if err != nil {
		return err
	}
	tmap := map[string]*bulkhead.Threat{}
	for _, t := range threats {
		tmap[t.ID] = t
	}
	p := &riskAssessmentPage{basePage: c.base("risk.assessment_title", a.Title), riskCommon: c.riskTabs("/risk/assessments"), A: s.riskAssessmentRowOf(c, a, people, sites),
		Scope: a.Scope, Matrix: a.Matrix.Name}
	if a.ApprovedAt != nil {
		p.Approved, p.ApprovedBy = c.dateTime(*a.ApprovedAt), riskPerson(people, a.ApprovedBy)
	}
	p.Inherent = c.riskHeatmapOf("inherent", c.T("risk.heat_inherent"), a.Matrix, scs, func(x *bulkhead.Scenario) bulkhead.Rating { return x.Inherent })
	p.Residual = c.riskHeatmapOf("residual", c.T("risk.heat_residual"), a.Matrix, scs, func(x *bulkhead.Scenario) bulkhead.Rating { return x.Residual })
	for _, x := range scs {
		r := &bulkhead.ScenarioRow{Scenario: *x, SiteName: sites[x.TargetID]}
		if t := tmap[x.ThreatID]; t != nil {
			r.ThreatName, r.ThreatFamily = t.Name, t.Family
		}
		p.Scenarios = append(p.Scenarios, riskRow{ScenarioRow: r, Family: c.riskFamily(r.ThreatFamily), Inherent: riskBadge(a.Matrix, x.Inherent, x.InherentLevel),
			Residual: riskBadge(a.Matrix, x.Residual, x.ResidualLevel), Owner: riskPerson(people, x.OwnerID), Treatment: c.label(riskTreatKey(x.Treatment), string(x.Treatment))})
	}
	add := func(to bulkhead.RiskAssessmentStatus, key string, act service.Action) {
		if c.can(act) {
			p.Next = append(p.Next, riskTransition{To: string(to), Label: c.T(key)})
		}
	}
	switch a.Status {
	case bulkhead.RiskDraft:
		add(bulkhead.RiskInReview, "risk.to_review", service.ActRiskAssess)
	case bulkhead.RiskInReview:
		add(bulkhead.RiskApproved, "risk.to_approve", service.ActRiskApprove)
		add(bulkhead.RiskDraft, "risk.to_return", service.ActRiskAssess)
	case bulkhead.RiskApproved:
		add(bulkhead.RiskDraft, "risk.to_reopen", service.ActRiskAssess)
	}
	s.render(c.w, c.r, http.StatusOK, pageRiskAssessment, p)
	return nil
}

// riskAssessmentStatus moves the workflow (POST /risk/assessments/{id}/status).
func (s *server) riskAssessmentStatus(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.SetRiskAssessmentStatus(c.r.Context(), c.actor(), id, bulkhead.RiskAssessmentStatus(c.r.PostForm.Get("status")))
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/risk/assessments/"+id, "flash.risk_status_changed")
	case bulkhead.ECONFLICT, bulkhead.EINVALID:
		return c.redirect("/risk/assessments/"+id, "flash.risk_status_refused")
	}
	return err
}

// assessmentForm is the assessment form.
func (s *server) riskAssessmentForm(c *call, a *bulkhead.RiskAssessment, v url.Values, creating bool) (*form, error) {
	get := func(k, def string) string {
		if v != nil {
			return v.Get(k)
		}
		return def
	}
	f := newForm()
	f.add(&formField{Name: "title", Label: c.T("risk.field.title"), Value: get("title", a.Title), Required: true, MaxLength: 200, Autocomplete: "off"})
	f.add(&formField{Name: "scope", Label: c.T("risk.field.scope"), Kind: "textarea", Value: get("scope", a.Scope), MaxLength: 10000})
	_, sites, err := s.riskSiteNames(c)
	if err != nil {
		return nil, err
	}
	so := options(get("site_id", a.SiteID), "", c.T("risk.no_site"))
	for _, st := range sites {
		so = append(so, selectOption{Value: st.ID, Label: st.Name, Selected: get("site_id", a.SiteID) == st.ID})
	}
	f.add(&formField{Name: "site_id", Label: c.T("risk.field.site"), Kind: "select", Options: so})
	mo := options(get("method", string(a.Method)))
	for _, m := range bulkhead.RiskMethods {
		mo = append(mo, selectOption{Value: string(m), Label: c.label(riskMethodKey(m), string(m)), Selected: get("method", string(a.Method)) == string(m)})
	}
	f.add(&formField{Name: "method", Label: c.T("risk.field.method"), Hint: c.T("risk.hint.method"), Kind: "select", Options: mo, Required: true})
	if creating {
		ms, err := s.svc.RiskMatrices(c.r.Context(), c.actor())
		if err != nil {
			return nil, err
		}
		st, err := s.svc.RiskSettings(c.r.Context(), c.actor())
		if err != nil {
			return nil, err
		}
		mx := options(get("matrix", st.MatrixID))
		for _, m := range ms {
			mx = append(mx, selectOption{Value: m.ID, Label: m.Name, Selected: get("matrix", st.MatrixID) == m.ID})
		}
		f.add(&formField{Name: "matrix", Label: c.T("risk.field.matrix"), Kind: "select", Options: mx, Required: true})
	}
	_, members, err := s.riskPeople(c)
	if err != nil {
		return nil, err
	}
	ao := options(get("assessor_id", a.AssessorID), "", c.T("risk.no_owner"))
	for _, m := range members {
		ao = append(ao, selectOption{Value: m.UserID, Label: m.UserName, Selected: get("assessor_id", a.AssessorID) == m.UserID})
	}
	f.add(&formField{Name: "assessor_id", Label: c.T("risk.field.assessor"), Kind: "select", Options: ao})
	date := ""
	if !a.Date.IsZero() {
		date = a.Date.Format(time.DateOnly)
	}
	next := ""
	if a.NextReview != nil {
		next = a.NextReview.Format(time.DateOnly)
	}
	f.add(&formField{Name: "date", Label: c.T("risk.field.date"), Type: "date", Value: get("date", date), Required: true})
	f.add(&formField{Name: "next_review", Label: c.T("risk.field.next_review"), Type: "date", Value: get("next_review", next)})
	return f, nil
}

func riskAssessmentInput(v url.Values, creating bool) bulkhead.RiskAssessmentInput {
	get := func(k string) *string { x := v.Get(k); return &x }
	in := bulkhead.RiskAssessmentInput{Title: get("title"), Scope: get("scope"), SiteID: get("site_id"), Method: get("method"), AssessorID: get("assessor_id"),
		Date: get("date"), NextReview: get("next_review")}
	if creating {
		in.Matrix = get("matrix")
	}
	return in
}

// riskNewAssessment shows the form (GET /risk/assessments/new).
func (s *server) riskNewAssessment(c *call) error {
	if !c.can(service.ActRiskAssess) {
		return forbidden()
	}
	a := &bulkhead.RiskAssessment{Method: bulkhead.MethodMatrix, Date: time.Now().UTC().Truncate(24 * time.Hour), AssessorID: c.actor().UserID}
	f, err := s.riskAssessmentForm(c, a, nil, true)
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, c.T("risk.new_assessment"), "/risk/assessments", f, "/risk/assessments", "/risk/assessments", c.T("risk.create_assessment"), c.T("risk.assessment_intro"))
	return nil
}

// riskCreateAssessment saves one (POST /risk/assessments).
func (s *server) riskCreateAssessment(c *call) error {
	a, err := s.svc.CreateRiskAssessment(c.r.Context(), c.actor(), riskAssessmentInput(c.r.PostForm, true))
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f, ferr := s.riskAssessmentForm(c, &bulkhead.RiskAssessment{}, c.r.PostForm, true)
		if ferr != nil {
			return ferr
		}
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderRiskForm(c, http.StatusUnprocessableEntity, c.T("risk.new_assessment"), "/risk/assessments", f, "/risk/assessments", "/risk/assessments", c.T("risk.create_assessment"), c.T("risk.assessment_intro"))
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/assessments/"+a.ID, "flash.risk_assessment_created")
}

// riskEditAssessment shows the edit form (GET /risk/assessments/{id}/edit).
func (s *server) riskEditAssessment(c *call) error {
	a, err := s.svc.RiskAssessment(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActRiskAssess) {
		return forbidden()
	}
	f, err := s.riskAssessmentForm(c, a, nil, false)
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, a.Title, "/risk/assessments", f, "/risk/assessments/"+a.ID, "/risk/assessments/"+a.ID, c.T("common.save"), "")
	return nil
}

// riskUpdateAssessment saves an edit (POST /risk/assessments/{id}).
func (s *server) riskUpdateAssessment(c *call) error {
	id := c.r.PathValue("id")
	a, err := s.svc.UpdateRiskAssessment(c.r.Context(), c.actor(), id, riskAssessmentInput(c.r.PostForm, false))
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		cur, gerr := s.svc.RiskAssessment(c.r.Context(), c.actor(), id)
		if gerr != nil {
			return gerr
		}
		f, ferr := s.riskAssessmentForm(c, cur, c.r.PostForm, false)
		if ferr != nil {
			return ferr
		}
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderRiskForm(c, http.StatusUnprocessableEntity, cur.Title, "/risk/assessments", f, "/risk/assessments/"+id, "/risk/assessments/"+id, c.T("common.save"), "")
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/assessments/"+a.ID, "flash.risk_saved")
}

// ---- threats

// riskThreatsPage is the threat catalogue.
type riskThreatsPage struct {
	basePage
	riskCommon
	Groups []riskThreatGroup
}

// riskThreatGroup is one family of the catalogue.
type riskThreatGroup struct {
	Family  string
	Threats []*bulkhead.Threat
}

// riskThreats lists the catalogue (GET /risk/threats).
func (s *server) riskThreats(c *call) error {
	ts, err := s.svc.Threats(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &riskThreatsPage{basePage: c.base("risk.threats_title"), riskCommon: c.riskTabs("/risk/threats")}
	for _, fam := range bulkhead.ThreatFamilies {
		g := riskThreatGroup{Family: c.riskFamily(fam)}
		for _, t := range ts {
			if t.Family == fam {
				g.Threats = append(g.Threats, t)
			}
		}
		if len(g.Threats) > 0 {
			p.Groups = append(p.Groups, g)
		}
	}
	s.render(c.w, c.r, http.StatusOK, pageRiskThreats, p)
	return nil
}

func (c *call) riskThreatForm(t *bulkhead.Threat) *form {
	f := newForm()
	f.add(&formField{Name: "name", Label: c.T("risk.field.name"), Value: t.Name, Required: true, MaxLength: 200, Autocomplete: "off"})
	f.add(&formField{Name: "ref", Label: c.T("risk.field.ref"), Value: t.Ref, MaxLength: 50, Autocomplete: "off"})
	fam := options(string(t.Family), "", c.T("risk.choose_family"))
	for _, x := range bulkhead.ThreatFamilies {
		fam = append(fam, selectOption{Value: string(x), Label: c.riskFamily(x), Selected: t.Family == x})
	}
	f.add(&formField{Name: "family", Label: c.T("risk.field.family"), Kind: "select", Options: fam, Required: true})
	f.add(&formField{Name: "description", Label: c.T("risk.field.description"), Kind: "textarea", Value: t.Description, MaxLength: 10000})
	return f
}

func riskThreatInput(v url.Values) (bulkhead.ThreatInput, *bulkhead.Threat) {
	get := func(k string) *string { x := v.Get(k); return &x }
	return bulkhead.ThreatInput{Name: get("name"), Ref: get("ref"), Family: get("family"), Description: get("description")},
		&bulkhead.Threat{Name: v.Get("name"), Ref: v.Get("ref"), Family: bulkhead.ThreatFamily(v.Get("family")), Description: v.Get("description")}
}

func (s *server) riskNewThreat(c *call) error {
	if !c.can(service.ActRiskCatalogue) {
		return forbidden()
	}
	s.renderRiskForm(c, http.StatusOK, c.T("risk.new_threat"), "/risk/threats", c.riskThreatForm(&bulkhead.Threat{}), "/risk/threats", "/risk/threats", c.T("risk.add"), "")
	return nil
}

func (s *server) riskCreateThreat(c *call) error {
	in, shown := riskThreatInput(c.r.PostForm)
	_, err := s.svc.CreateThreat(c.r.Context(), c.actor(), in)
	if code := bulkhead.ErrorCode(err); code == bulkhead.EINVALID || code == bulkhead.ECONFLICT {
		f := c.riskThreatForm(shown)
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderRiskForm(c, http.StatusUnprocessableEntity, c.T("risk.new_threat"), "/risk/threats", f, "/risk/threats", "/risk/threats", c.T("risk.add"), "")
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/threats", "flash.risk_saved")
}

func (s *server) riskEditThreat(c *call) error {
	t, err := s.svc.Threat(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActRiskCatalogue) {
		return forbidden()
	}
	s.renderRiskForm(c, http.StatusOK, t.Name, "/risk/threats", c.riskThreatForm(t), "/risk/threats/"+t.ID, "/risk/threats", c.T("common.save"), "")
	return nil
}

func (s *server) riskUpdateThreat(c *call) error {
	id := c.r.PathValue("id")
	in, shown := riskThreatInput(c.r.PostForm)
	_, err := s.svc.UpdateThreat(c.r.Context(), c.actor(), id, in)
	if code := bulkhead.ErrorCode(err); code == bulkhead.EINVALID || code == bulkhead.ECONFLICT {
		f := c.riskThreatForm(shown)
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderRiskForm(c, http.StatusUnprocessableEntity, shown.Name, "/risk/threats", f, "/risk/threats/"+id, "/risk/threats", c.T("common.save"), "")
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/threats", "flash.risk_saved")
}

func (c *call) riskLibraryForm(v url.Values, family bool) *form {
	f := newForm()
	if family {
		fam := options(v.Get("family"), "", c.T("risk.choose_family"))
		for _, x := range bulkhead.ThreatFamilies {
			fam = append(fam, selectOption{Value: string(x), Label: c.riskFamily(x), Selected: v.Get("family") == string(x)})
		}
		f.add(&formField{Name: "family", Label: c.T("risk.field.family"), Hint: c.T("risk.hint.import_family"), Kind: "select", Options: fam, Required: true})
	}
	f.add(&formField{Name: "file", Label: c.T("risk.field.library"), Hint: c.T("risk.hint.library"), Kind: "textarea", Value: v.Get("file"), Required: true})
	return f
}

func (s *server) riskImportThreatsForm(c *call) error {
	if !c.can(service.ActRiskCatalogue) {
		return forbidden()
	}
	s.renderRiskForm(c, http.StatusOK, c.T("risk.import_threats"), "/risk/threats", c.riskLibraryForm(url.Values{}, true), "/risk/threats/import", "/risk/threats", c.T("risk.import"), "")
	return nil
}

func (s *server) riskImportThreats(c *call) error {
	_, err := s.svc.ImportThreats(c.r.Context(), c.actor(), []byte(c.r.PostForm.Get("file")), bulkhead.ThreatFamily(c.r.PostForm.Get("family")))
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f := c.riskLibraryForm(c.r.PostForm, true)
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderRiskForm(c, http.StatusUnprocessableEntity, c.T("risk.import_threats"), "/risk/threats", f, "/risk/threats/import", "/risk/threats", c.T("risk.import"), "")
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/threats", "flash.risk_imported")
}

// ---- controls

// riskControlRow is a control as the register shows it.
type riskControlRow struct {
	*bulkhead.Control
	Category string
	Status   string
	Owner    string
	Sites    string
}

// riskControlsPage is the controls register.
type riskControlsPage struct {
	basePage
	riskCommon
	Rows []riskControlRow
}

func (s *server) riskControls(c *call) error {
	cs, err := s.svc.Controls(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	people, _, err := s.riskPeople(c)
	if err != nil {
		return err
	}
	sites, _, err := s.riskSiteNames(c)
	if err != nil {
		return err
	}
	p := &riskControlsPage{basePage: c.base("risk.controls_title"), riskCommon: c.riskTabs("/risk/controls")}
	for _, ct := range cs {
		var names []string
		for _, id := range ct.SiteIDs {
			names = append(names, sites[id])
		}
		p.Rows = append(p.Rows, riskControlRow{Control: ct, Category: c.label(riskCategoryKey(ct.Category), string(ct.Category)),
			Status: c.label(riskControlStatusKey(ct.Status), string(ct.Status)), Owner: riskPerson(people, ct.OwnerID), Sites: strings.Join(names, ", ")})
	}
	s.render(c.w, c.r, http.StatusOK, pageRiskControls, p)
	return nil
}

func (s *server) riskControlForm(c *call, ct *bulkhead.Control) (*form, error) {
	f := newForm()
	f.add(&formField{Name: "name", Label: c.T("risk.field.name"), Value: ct.Name, Required: true, MaxLength: 200, Autocomplete: "off"})
	cat := options(string(ct.Category), "", c.T("risk.choose_category"))
	for _, x := range bulkhead.ControlCategories {
		cat = append(cat, selectOption{Value: string(x), Label: c.label(riskCategoryKey(x), string(x)), Selected: ct.Category == x})
	}
	f.add(&formField{Name: "category", Label: c.T("risk.field.category"), Kind: "select", Options: cat, Required: true})
	st := options(string(ct.Status))
	for _, x := range bulkhead.ControlStatuses {
		st = append(st, selectOption{Value: string(x), Label: c.label(riskControlStatusKey(x), string(x)), Selected: ct.Status == x})
	}
	f.add(&formField{Name: "status", Label: c.T("risk.field.status"), Kind: "select", Options: st})
	_, members, err := s.riskPeople(c)
	if err != nil {
		return nil, err
	}
	own := options(ct.OwnerID, "", c.T("risk.no_owner"))
	for _, m := range members {
		own = append(own, selectOption{Value: m.UserID, Label: m.UserName, Selected: ct.OwnerID == m.UserID})
	}
	f.add(&formField{Name: "owner_id", Label: c.T("risk.field.owner"), Kind: "select", Options: own})
	_, sites, err := s.riskSiteNames(c)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, id := range ct.SiteIDs {
		for _, x := range sites {
			if x.ID == id {
				codes = append(codes, x.UNLOCODE)
			}
		}
	}
	f.add(&formField{Name: "sites", Label: c.T("risk.field.sites"), Hint: c.T("risk.hint.sites"), Value: strings.Join(codes, " "), MaxLength: 2000, Autocapitalize: "characters"})
	f.add(&formField{Name: "evidence", Label: c.T("risk.field.evidence"), Hint: c.T("risk.hint.evidence"), Kind: "textarea", Value: strings.Join(ct.Evidence, "\n"), MaxLength: 20000})
	f.add(&formField{Name: "effectiveness", Label: c.T("risk.field.effectiveness"), Hint: c.T("risk.hint.effectiveness"), Type: "number", Min: "0", Max: "5", InputMode: "numeric", Value: strconv.Itoa(ct.Effectiveness)})
	f.add(&formField{Name: "description", Label: c.T("risk.field.description"), Kind: "textarea", Value: ct.Description, MaxLength: 10000})
	return f, nil
}

// controlInput reads the posted control; sites are given by UN/LOCODE or name.
func (s *server) riskControlInput(c *call, v url.Values) (bulkhead.ControlInput, *bulkhead.Control, map[string]string, error) {
	bad := map[string]string{}
	_, sites, err := s.riskSiteNames(c)
	if err != nil {
		return bulkhead.ControlInput{}, nil, nil, err
	}
	var ids []string
	for _, code := range strings.Fields(strings.ReplaceAll(v.Get("sites"), ",", " ")) {
		found := false
		for _, st := range sites {
			if strings.EqualFold(st.UNLOCODE, code) || st.ID == code {
				ids, found = append(ids, st.ID), true
				break
			}
		}
		if !found {
			bad["sites"] = bulkhead.FieldChoice
		}
	}
	var evidence []string
	for _, l := range strings.Split(v.Get("evidence"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			evidence = append(evidence, l)
		}
	}
	eff := 0
	if x := strings.TrimSpace(v.Get("effectiveness")); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil {
			bad["effectiveness"] = bulkhead.FieldInvalid
		}
		eff = n
	}
	get := func(k string) *string { x := v.Get(k); return &x }
	in := bulkhead.ControlInput{Name: get("name"), Category: get("category"), Status: get("status"), OwnerID: get("owner_id"), SiteIDs: &ids, Evidence: &evidence,
		Effectiveness: &eff, Description: get("description")}
	shown := &bulkhead.Control{Name: v.Get("name"), Category: bulkhead.ControlCategory(v.Get("category")), Status: bulkhead.ControlStatus(v.Get("status")),
		OwnerID: v.Get("owner_id"), SiteIDs: ids, Evidence: evidence, Effectiveness: eff, Description: v.Get("description")}
	return in, shown, bad, nil
}

func (s *server) riskNewControl(c *call) error {
	if !c.can(service.ActRiskControl) {
		return forbidden()
	}
	f, err := s.riskControlForm(c, &bulkhead.Control{Status: bulkhead.ControlPlanned})
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, c.T("risk.new_control"), "/risk/controls", f, "/risk/controls", "/risk/controls", c.T("risk.add"), "")
	return nil
}

func (s *server) riskSaveControl(c *call, id string) error {
	in, shown, bad, err := s.riskControlInput(c, c.r.PostForm)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		err = bulkhead.Invalid(bad)
	} else if id == "" {
		_, err = s.svc.CreateControl(c.r.Context(), c.actor(), in)
	} else {
		_, err = s.svc.UpdateControl(c.r.Context(), c.actor(), id, in)
	}
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f, ferr := s.riskControlForm(c, shown)
		if ferr != nil {
			return ferr
		}
		f.Fields["sites"].Value = c.r.PostForm.Get("sites")
		f.setErrors(c, bulkhead.ErrorFields(err))
		action, title := "/risk/controls", c.T("risk.new_control")
		if id != "" {
			action, title = "/risk/controls/"+id, shown.Name
		}
		s.renderRiskForm(c, http.StatusUnprocessableEntity, title, "/risk/controls", f, action, "/risk/controls", c.T("common.save"), "")
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/controls", "flash.risk_saved")
}

func (s *server) riskCreateControl(c *call) error { return s.riskSaveControl(c, "") }

func (s *server) riskUpdateControl(c *call) error { return s.riskSaveControl(c, c.r.PathValue("id")) }

func (s *server) riskEditControl(c *call) error {
	ct, err := s.svc.Control(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActRiskControl) {
		return forbidden()
	}
	f, err := s.riskControlForm(c, ct)
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, ct.Name, "/risk/controls", f, "/risk/controls/"+ct.ID, "/risk/controls", c.T("common.save"), "")
	return nil
}

// ---- treatment actions

// riskTreatmentsPage lists treatment actions.
type riskTreatmentsPage struct {
	basePage
	riskCommon
	Rows      []riskActionRow
	Scenarios map[string]string
	OpenOnly  bool
}

func (s *server) riskTreatments(c *call) error {
	open := c.r.URL.Query().Get("open") == "1"
	acts, err := s.svc.TreatmentActions(c.r.Context(), c.actor(), bulkhead.TreatmentFilter{OpenOnly: open})
	if err != nil {
		return err
	}
	people, _, err := s.riskPeople(c)
	if err != nil {
		return err
	}
	p := &riskTreatmentsPage{basePage: c.base("risk.treatments_title"), riskCommon: c.riskTabs("/risk/treatments"), Scenarios: map[string]string{}, OpenOnly: open}
	if p.Rows, err = s.riskActionRows(c, acts, people); err != nil {
		return err
	}
	for _, a := range acts {
		if _, ok := p.Scenarios[a.ScenarioID]; !ok {
			if x, err := s.svc.Scenario(c.r.Context(), c.actor(), a.ScenarioID); err == nil {
				p.Scenarios[a.ScenarioID] = x.Title
			}
		}
	}
	s.render(c.w, c.r, http.StatusOK, pageRiskTreatments, p)
	return nil
}

func (s *server) riskTreatmentForm(c *call, t *bulkhead.TreatmentAction) (*form, error) {
	f := newForm()
	f.add(&formField{Name: "title", Label: c.T("risk.field.title"), Value: t.Title, Required: true, MaxLength: 200, Autocomplete: "off"})
	cs, err := s.svc.Controls(c.r.Context(), c.actor())
	if err != nil {
		return nil, err
	}
	co := options(t.ControlID, "", c.T("risk.no_control"))
	for _, ct := range cs {
		co = append(co, selectOption{Value: ct.ID, Label: ct.Name, Selected: t.ControlID == ct.ID})
	}
	f.add(&formField{Name: "control_id", Label: c.T("risk.field.control"), Kind: "select", Options: co})
	_, members, err := s.riskPeople(c)
	if err != nil {
		return nil, err
	}
	own := options(t.OwnerID, "", c.T("risk.no_owner"))
	for _, m := range members {
		own = append(own, selectOption{Value: m.UserID, Label: m.UserName, Selected: t.OwnerID == m.UserID})
	}
	f.add(&formField{Name: "owner_id", Label: c.T("risk.field.owner"), Kind: "select", Options: own})
	due := ""
	if t.Due != nil {
		due = t.Due.Format(time.DateOnly)
	}
	f.add(&formField{Name: "due", Label: c.T("risk.field.due"), Type: "date", Value: due})
	st := options(string(t.Status))
	for _, x := range bulkhead.TreatmentStatuses {
		st = append(st, selectOption{Value: string(x), Label: c.label(riskActionStatusKey(x), string(x)), Selected: t.Status == x})
	}
	f.add(&formField{Name: "status", Label: c.T("risk.field.status"), Kind: "select", Options: st})
	return f, nil
}

func riskTreatmentInput(v url.Values) (bulkhead.TreatmentActionInput, *bulkhead.TreatmentAction) {
	get := func(k string) *string { x := v.Get(k); return &x }
	shown := &bulkhead.TreatmentAction{Title: v.Get("title"), ControlID: v.Get("control_id"), OwnerID: v.Get("owner_id"), Status: bulkhead.TreatmentStatus(v.Get("status"))}
	if d, ok := bulkhead.ParseRiskDate(v.Get("due")); ok {
		shown.Due = &d
	}
	return bulkhead.TreatmentActionInput{Title: get("title"), ControlID: get("control_id"), OwnerID: get("owner_id"), Due: get("due"), Status: get("status")}, shown
}

func (s *server) riskNewTreatment(c *call) error {
	if !c.can(service.ActRiskTreat) {
		return forbidden()
	}
	x, err := s.svc.Scenario(c.r.Context(), c.actor(), c.r.URL.Query().Get("scenario"))
	if err != nil {
		return err
	}
	f, err := s.riskTreatmentForm(c, &bulkhead.TreatmentAction{Status: bulkhead.TreatmentOpen, OwnerID: x.OwnerID})
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, c.T("risk.new_treatment_for", x.Title), "/risk/treatments", f, "/risk/treatments", "/risk/scenarios/"+x.ID, c.T("risk.add"), "", riskHidden{"scenario_id", x.ID})
	return nil
}

func (s *server) riskCreateTreatment(c *call) error {
	in, shown := riskTreatmentInput(c.r.PostForm)
	sid := c.r.PostForm.Get("scenario_id")
	in.ScenarioID = &sid
	_, err := s.svc.CreateTreatmentAction(c.r.Context(), c.actor(), in)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f, ferr := s.riskTreatmentForm(c, shown)
		if ferr != nil {
			return ferr
		}
		f.Fields["due"].Value = c.r.PostForm.Get("due")
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderRiskForm(c, http.StatusUnprocessableEntity, c.T("risk.new_treatment"), "/risk/treatments", f, "/risk/treatments", "/risk/scenarios/"+sid, c.T("risk.add"), "", riskHidden{"scenario_id", sid})
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/scenarios/"+sid, "flash.risk_saved")
}

func (s *server) riskEditTreatment(c *call) error {
	t, err := s.svc.TreatmentAction(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActRiskTreat) {
		return c.redirect("/risk/scenarios/"+t.ScenarioID, "")
	}
	f, err := s.riskTreatmentForm(c, t)
	if err != nil {
		return err
	}
	s.renderRiskForm(c, http.StatusOK, t.Title, "/risk/treatments", f, "/risk/treatments/"+t.ID, "/risk/scenarios/"+t.ScenarioID, c.T("common.save"), "")
	return nil
}

func (s *server) riskUpdateTreatment(c *call) error {
	id := c.r.PathValue("id")
	in, shown := riskTreatmentInput(c.r.PostForm)
	t, err := s.svc.UpdateTreatmentAction(c.r.Context(), c.actor(), id, in)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f, ferr := s.riskTreatmentForm(c, shown)
		if ferr != nil {
			return ferr
		}
		f.Fields["due"].Value = c.r.PostForm.Get("due")
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.renderRiskForm(c, http.StatusUnprocessableEntity, shown.Title, "/risk/treatments", f, "/risk/treatments/"+id, "/risk/treatments", c.T("common.save"), "")
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/scenarios/"+t.ScenarioID, "flash.risk_saved")
}

// ---- settings and matrices

func (s *server) riskSettingsForm(c *call, appetite int, matrixID string) (*form, []string, error) {
	ms, err := s.svc.RiskMatrices(c.r.Context(), c.actor())
	if err != nil {
		return nil, nil, err
	}
	f := newForm()
	mo := options(matrixID)
	var notes []string
	var cur *bulkhead.RiskMatrix
	for _, m := range ms {
		mo = append(mo, selectOption{Value: m.ID, Label: m.Name, Selected: m.ID == matrixID})
		if m.ID == matrixID {
			cur = m
		}
		notes = append(notes, c.T("risk.matrix_note", m.Name, len(m.Likelihood), len(m.Consequence), len(m.Levels)))
	}
	if cur == nil {
		cur = ms[0]
	}
	ao := options(strconv.Itoa(appetite))
	for i := 0; i < len(cur.Levels)-1; i++ {
		ao = append(ao, selectOption{Value: strconv.Itoa(i), Label: cur.Levels[i].Name, Selected: i == appetite})
	}
	f.add(&formField{Name: "matrix_id", Label: c.T("risk.field.default_matrix"), Kind: "select", Options: mo})
	f.add(&formField{Name: "appetite", Label: c.T("risk.field.appetite"), Hint: c.T("risk.hint.appetite"), Kind: "select", Options: ao})
	return f, notes, nil
}

func (s *server) riskRenderSettings(c *call, status int, f *form, notes []string) {
	p := &riskFormPage{basePage: c.base("risk.settings_title"), riskCommon: c.riskTabs("/risk/settings"), Form: f, Action: "/risk/settings", Cancel: "/risk",
		Submit: c.T("common.save"), Intro: c.T("risk.settings_intro"), Notes: notes}
	for _, n := range f.order {
		p.Fields = append(p.Fields, f.Fields[n])
	}
	s.render(c.w, c.r, status, pageRiskForm, p)
}

func (s *server) riskSettings(c *call) error {
	st, err := s.svc.RiskSettings(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	f, notes, err := s.riskSettingsForm(c, st.Appetite, st.MatrixID)
	if err != nil {
		return err
	}
	s.riskRenderSettings(c, http.StatusOK, f, notes)
	return nil
}

func (s *server) riskSaveSettings(c *call) error {
	ap, aerr := strconv.Atoi(c.r.PostForm.Get("appetite"))
	mid := c.r.PostForm.Get("matrix_id")
	var err error
	if aerr != nil {
		err = bulkhead.Invalid(map[string]string{"appetite": bulkhead.FieldInvalid})
	} else {
		_, err = s.svc.UpdateRiskSettings(c.r.Context(), c.actor(), ap, mid)
	}
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f, notes, ferr := s.riskSettingsForm(c, ap, mid)
		if ferr != nil {
			return ferr
		}
		f.setErrors(c, bulkhead.ErrorFields(err))
		s.riskRenderSettings(c, http.StatusUnprocessableEntity, f, notes)
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/settings", "flash.risk_saved")
}

func (s *server) riskImportMatrixForm(c *call) error {
	if !c.can(service.ActRiskCatalogue) {
		return forbidden()
	}
	s.renderRiskForm(c, http.StatusOK, c.T("risk.import_matrix"), "/risk/settings", c.riskLibraryForm(url.Values{}, false), "/risk/matrices/import", "/risk/settings", c.T("risk.import"), "")
	return nil
}

func (s *server) riskImportMatrix(c *call) error {
	_, err := s.svc.ImportRiskMatrices(c.r.Context(), c.actor(), []byte(c.r.PostForm.Get("file")))
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f := c.riskLibraryForm(c.r.PostForm, false)
		codes := bulkhead.ErrorFields(err)
		if _, ok := codes["file"]; !ok {
			codes = map[string]string{"file": bulkhead.FieldRiskMatrix}
		}
		f.setErrors(c, codes)
		s.renderRiskForm(c, http.StatusUnprocessableEntity, c.T("risk.import_matrix"), "/risk/settings", f, "/risk/matrices/import", "/risk/settings", c.T("risk.import"), "")
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/settings", "flash.risk_imported")
}

// ---- portfolio

// riskPortfolioPage shows the latest portfolio run.
type riskPortfolioPage struct {
	basePage
	riskCommon
	Run     *riskRunSummary
	LEC     *riskLEC
	SimForm *form
}

func (s *server) riskPortfolio(c *call) error {
	runs, err := s.svc.SimulationRuns(c.r.Context(), c.actor(), "", 1)
	if err != nil {
		return err
	}
	p := &riskPortfolioPage{basePage: c.base("risk.portfolio_title"), riskCommon: c.riskTabs("/risk/portfolio")}
	if len(runs) > 0 {
		p.Run, p.LEC = s.riskRunView(c, runs[0])
	}
	sf := newForm()
	sf.add(&formField{Name: "iterations", Label: c.T("risk.field.iterations"), Type: "number", Value: "10000", Min: "1", Max: strconv.Itoa(service.MaxRunIterations), InputMode: "numeric"})
	sf.add(&formField{Name: "seed", Label: c.T("risk.field.seed"), Type: "number", Value: "1", Min: "0", InputMode: "numeric"})
	p.SimForm = sf
	s.render(c.w, c.r, http.StatusOK, pageRiskPortfolio, p)
	return nil
}

func (s *server) riskSimulatePortfolio(c *call) error {
	n, seed, err := riskSimParams(c.r.PostForm)
	if err == nil {
		_, err = s.svc.SimulatePortfolio(c.r.Context(), c.actor(), n, seed)
	}
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		return c.redirect("/risk/portfolio", "flash.risk_sim_invalid")
	}
	if err != nil {
		return err
	}
	return c.redirect("/risk/portfolio", "flash.risk_simulated")
}
