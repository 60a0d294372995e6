package service

import (
	"context"
	"encoding/json"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// riskGrants are the permission rows of security risk assessment and treatment (issue 4).
var riskGrants = []grant{
	{ActRiskRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActRiskCatalogue, []bulkhead.Role{admin, secm}},
	{ActRiskAssess, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActRiskApprove, []bulkhead.Role{admin, topm, secm}},
	{ActRiskControl, []bulkhead.Role{admin, secm, siteo}},
	{ActRiskTreat, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActRiskAccept, []bulkhead.Role{topm}},
	{ActRiskSettings, []bulkhead.Role{admin, topm}},
	{ActRiskSimulate, []bulkhead.Role{admin, secm, siteo, contr}},
}

// Task kinds of the risk area.
const (
	TaskRiskAcceptanceExpired = "risk.acceptance_expired"
	TaskRiskAcceptanceNeeded  = "risk.acceptance_needed"
	TaskRiskActionOverdue     = "risk.action_overdue"
	TaskRiskReviewOverdue     = "risk.review_overdue"
)

// riskTasks returns what falls due for the actor in security risk assessment and treatment (issue 4), for My tasks
// and the dashboard: expired risk acceptances (for those who accept or
// assess), overdue treatment actions (for their owner and those who manage
// treatment) and assessments past their next review (for those who assess).
func (s *Service) riskTasks(ctx context.Context, a Actor) ([]Task, error) {
	if !a.System && !Can(a.Role, ActRiskRead) {
		return nil, nil
	}
	now := s.now()
	today := now.Truncate(24 * time.Hour)
	var out []Task
	assessor := a.System || Can(a.Role, ActRiskAssess)
	if assessor || Can(a.Role, ActRiskAccept) {
		accs, err := s.store.Acceptances(ctx, a.OrgID, "")
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, acc := range accs { // newest first: the first per scenario is its latest
			if seen[acc.ScenarioID] {
				continue
			}
			seen[acc.ScenarioID] = true
			if !acc.Expired(now) {
				continue
			}
			x, err := s.store.Scenario(ctx, a.OrgID, acc.ScenarioID)
			if err != nil {
				return nil, err
			}
			if x.ResidualLevel < acc.Level { // treated since: nothing left to accept at that level
				continue
			}
			out = append(out, Task{Kind: TaskRiskAcceptanceExpired, Title: x.Title, Href: "/risk/scenarios/" + x.ID, Due: acc.ExpiresAt, Overdue: true, SiteID: riskScenarioSiteID(x)})
		}
	}
	acts, err := s.store.TreatmentActions(ctx, bulkhead.TreatmentFilter{OrgID: a.OrgID, OpenOnly: true})
	if err != nil {
		return nil, err
	}
	manager := a.System || Can(a.Role, ActRiskTreat)
	for _, t := range acts {
		if t.Due == nil || !t.Due.Before(today) || !(manager || t.OwnerID == a.UserID) {
			continue
		}
		out = append(out, Task{Kind: TaskRiskActionOverdue, Title: t.Title, Href: "/risk/treatments/" + t.ID, Due: *t.Due, Overdue: true})
	}
	if assessor {
		as, err := s.store.RiskAssessments(ctx, a.OrgID)
		if err != nil {
			return nil, err
		}
		for _, x := range as {
			if x.NextReview != nil && x.NextReview.Before(today) {
				out = append(out, Task{Kind: TaskRiskReviewOverdue, Title: x.Title, Href: "/risk/assessments/" + x.ID, Due: *x.NextReview, Overdue: true, SiteID: x.SiteID})
			}
		}
	}
	return out, nil
}

func riskScenarioSiteID(x *bulkhead.Scenario) string {
	if x.TargetType == bulkhead.TargetSite {
		return x.TargetID
	}
	return ""
}

// riskDemoThreats is the demo's threat catalogue.
var riskDemoThreats = []struct{ ref, name, family, desc string }{
	{"T-CARGO-01", "Cargo theft", "cargo", "Theft of goods from a trailer, container or warehouse, including theft from a parked vehicle."},
	{"T-CARGO-02", "Hijacking", "cargo", "Taking a vehicle and its load by force or threat while it is moving or stopped."},
	{"T-CARGO-03", "Fictitious pick-up", "cargo", "A criminal posing as a legitimate carrier collects a load with forged documents."},
	{"T-CARGO-04", "Seal tampering", "cargo", "A seal is cut, swapped or defeated so that the unit can be opened without trace."},
	{"T-CARGO-05", "Container contamination or contraband", "cargo", "Drugs, weapons or other contraband are hidden in a container or trailer or its structure."},
	{"T-CARGO-06", "Counterfeit materials", "cargo", "Counterfeit goods or components enter the supply chain."},
	{"T-PHYS-01", "Stowaways", "physical", "People hide in a trailer or container to cross a border."},
	{"T-PHYS-02", "Unauthorised access to the site", "physical", "Intrusion through the perimeter, the gate or an unlocked door."},
	{"T-PERS-01", "Insider collusion", "personnel", "An employee, driver or contractor helps criminals with information, access or by looking away."},
	{"T-CYB-01", "Cyber attack on TMS/WMS data", "cyber", "Ransomware or manipulation of transport or warehouse management data, e.g. changing a delivery address."},
	{"T-CYB-02", "Theft of shipment information", "cyber", "Loads, routes and times leak to criminals who plan thefts with them."},
	{"T-GEO-01", "Piracy", "geopolitical", "Armed robbery or kidnapping at sea on a vessel carrying the organisation's cargo."},
	{"T-GEO-02", "Civil unrest", "geopolitical", "Riots, blockades or strikes that stop or endanger transport."},
	{"T-NAT-01", "Flood", "natural", "River or coastal flooding, or a cloudburst, that damages goods or closes a site."},
}

// demoRisk adds the demo organisation's records of security risk assessment and treatment (issue 4).
func (s *Service) demoRisk(ctx context.Context, d *demoOrg) error {
	secm := d.as(bulkhead.RoleSecurityManager)
	top := d.as(bulkhead.RoleTopManagement)
	siteo := d.as(bulkhead.RoleSiteOfficer)
	threats := map[string]*bulkhead.Threat{}
	for _, t := range riskDemoThreats {
		th, err := s.CreateThreat(ctx, secm, bulkhead.ThreatInput{Ref: sp(t.ref), Name: sp(t.name), Family: sp(t.family), Description: sp(t.desc)})
		if err != nil {
			return err
		}
		threats[t.ref] = th
	}
	venlo, nld := d.sites[0], d.sites[3]
	now := s.now()
	day := func(days int) *string { v := now.AddDate(0, 0, days).Format(time.DateOnly); return &v }
	ids := func(xs ...string) *[]string { return &xs }
	secmID, siteoID := secm.UserID, siteo.UserID

	// Controls.
	controls := map[string]*bulkhead.Control{}
	for _, c := range []struct {
		key, name, cat, status, owner string
		sites                         []string
		eff                           int
		evidence                      []string
		desc                          string
	}{
		{"cctv", "CCTV with 30-day retention on docks and yard", "physical", "implemented", secmID, []string{venlo.ID, nld.ID}, 4, []string{"https://intranet.harbourline.example/security/cctv-plan"}, "Cameras cover every dock door, the yard and the gate; recordings kept 30 days."},
		{"seal", "Seal verification (VVTT) at every hand-over", "cargo", "implemented", siteoID, []string{venlo.ID, nld.ID}, 4, nil, "View, Verify, Tug, Twist of every ISO 17712 high-security seal, recorded with its number."},
		{"vetting", "Driver and staff vetting", "personnel", "implemented", secmID, []string{venlo.ID, nld.ID}, 3, nil, "Background checks before hire and every two years for roles with cargo access."},
		{"geofence", "Geofencing and unscheduled-stop alerts", "technical", "in_progress", secmID, []string{nld.ID}, 0, nil, "Telematics alert the control room when a truck leaves its corridor or stops outside a secure parking."},
		{"parking", "Secure parking only (TAPA PSR)", "procedural", "planned", secmID, nil, 0, nil, "Drivers stop only at TAPA PSR-certified parking on high-risk lanes."},
		{"mfa", "Multi-factor sign-in to TMS and WMS", "information", "implemented", secmID, nil, 4, nil, "Every TMS and WMS account signs in with a second factor; address changes need a second approver."},
	} {
		in := bulkhead.ControlInput{Name: sp(c.name), Category: sp(c.cat), Status: sp(c.status), OwnerID: sp(c.owner), SiteIDs: ids(c.sites...),
			Effectiveness: &c.eff, Description: sp(c.desc), Evidence: ids(c.evidence...)}
		ctl, err := s.CreateControl(ctx, secm, in)
		if err != nil {
			return err
		}
		controls[c.key] = ctl
	}

	// Venlo DC: approved, on the 5×5 matrix.
	venloA, err := s.CreateRiskAssessment(ctx, secm, bulkhead.RiskAssessmentInput{Title: sp("Venlo DC security risk assessment 2026"), Scope: sp("Warehouse, docks, yard and gatehouse of the Venlo DC; high-value consumer electronics."),
		SiteID: sp(venlo.ID), Method: sp("matrix"), Matrix: sp(Matrix5x5), Date: day(-60), NextReview: day(300)})
	if err != nil {
		return err
	}
	type sc struct {
		threat, title, vuln, existing string
		inh, cur, res                 bulkhead.Rating
		owner, treat, why             string
	}
	r := func(l, c int) bulkhead.Rating { return bulkhead.Rating{Likelihood: l, Consequence: c} }
	add := func(as *bulkhead.RiskAssessment, site *bulkhead.Site, x sc) (*bulkhead.Scenario, error) {
		in := bulkhead.ScenarioInput{AssessmentID: &as.ID, ThreatID: &threats[x.threat].ID, TargetType: sp("site"), TargetID: &site.ID, Title: sp(x.title),
			Vulnerability: sp(x.vuln), ExistingControls: sp(x.existing), Inherent: &x.inh, Current: &x.cur, Residual: &x.res, OwnerID: sp(x.owner),
			Treatment: sp(x.treat), Rationale: sp(x.why)}
		return s.CreateScenario(ctx, secm, in)
	}
	venloScs := []sc{
		{"T-CARGO-01", "Theft of high-value electronics from the docks", "Dock doors stay open during loading; pallets wait unattended in the staging lane.", "CCTV, access badges",
			r(4, 4), r(3, 4), r(2, 4), secmID, "reduce", "Cage high-value pallets and shorten staging time."},
		{"T-PERS-01", "Insider collusion in the warehouse", "Staff know which pallets hold high-value goods and when trucks leave.", "Vetting at hire",
			r(3, 5), r(3, 4), r(3, 4), secmID, "accept", "Re-vetting is in place; further controls cost more than the expected loss reduction."},
		{"T-CYB-01", "Manipulation of WMS delivery addresses", "A stolen account could redirect a shipment.", "Multi-factor sign-in",
			r(3, 4), r(2, 4), r(2, 3), secmID, "reduce", "Second approver for address changes."},
		{"T-NAT-01", "Flooding of the Maas valley", "The DC lies in a flood-prone area.", "Raised racking for the first metre",
			r(2, 4), r(2, 3), r(2, 3), secmID, "transfer", "Covered by property insurance."},
	}
	var insider *bulkhead.Scenario
	var venloList []*bulkhead.Scenario
	for _, x := range venloScs {
		got, err := add(venloA, venlo, x)
		if err != nil {
			return err
		}
		venloList = append(venloList, got)
		if x.threat == "T-PERS-01" {
			insider = got
		}
	}
	if _, err := s.SetRiskAssessmentStatus(ctx, secm, venloA.ID, bulkhead.RiskInReview); err != nil {
		return err
	}
	if _, err := s.SetRiskAssessmentStatus(ctx, top, venloA.ID, bulkhead.RiskApproved); err != nil {
		return err
	}
	// The insider risk was accepted a year ago for six months: expired.
	past := now.AddDate(-1, 0, 0)
	if _, err := s.acceptRisk(ctx, top, insider.ID, bulkhead.AcceptanceInput{Rationale: sp("Re-vetting of all dock staff is under way; accepted until the next review."),
		Expires: sp(past.AddDate(0, 6, 0).Format(time.DateOnly))}, past); err != nil {
		return err
	}

	// Nuevo Laredo yard: in review.
	nldA, err := s.CreateRiskAssessment(ctx, siteo, bulkhead.RiskAssessmentInput{Title: sp("Nuevo Laredo border yard assessment"), Scope: sp("Trailer yard, gate and northbound C-TPAT long-haul to Laredo, TX."),
		SiteID: sp(nld.ID), Method: sp("matrix"), Matrix: sp(Matrix5x5), Date: day(-20), NextReview: day(-5)})
	if err != nil {
		return err
	}
	nldScs := []sc{
		{"T-CARGO-02", "Hijacking on the yard approach road", "Trucks queue on the public road before the gate.", "Geofencing (partial)",
			r(4, 5), r(4, 4), r(3, 4), siteoID, "reduce", "Finish geofencing; escort high-value loads."},
		{"T-CARGO-05", "Narcotics hidden in northbound trailers", "Trailers wait in the yard overnight before crossing.", "17-point inspection, seals",
			r(4, 5), r(3, 5), r(2, 5), siteoID, "reduce", "Seal verification at every hand-over; canine checks."},
		{"T-CARGO-04", "Seal tampering before the border crossing", "Drivers could stop before the crossing.", "VVTT at gate",
			r(3, 4), r(2, 4), r(2, 3), siteoID, "reduce", "Geofence and seal photo at the border."},
		{"T-PHYS-01", "Stowaways in trailers", "Trailers are open during loading at the yard.", "Yard guards",
			r(3, 3), r(2, 3), r(1, 3), siteoID, "reduce", "Inspect trailers before sealing."},
		{"T-GEO-02", "Road blockades during civil unrest", "Single road to the bridge.", "",
			r(2, 3), r(2, 3), r(2, 3), siteoID, "accept", "Within appetite; monitored by the control room."},
	}
	var nldList []*bulkhead.Scenario
	for _, x := range nldScs {
		got, err := add(nldA, nld, x)
		if err != nil {
			return err
		}
		nldList = append(nldList, got)
	}
	if _, err := s.SetRiskAssessmentStatus(ctx, siteo, nldA.ID, bulkhead.RiskInReview); err != nil {
		return err
	}

	// Treatment actions, some overdue.
	for _, t := range []struct {
		scenario *bulkhead.Scenario
		control  string
		title    string
		owner    string
		due      int
		status   string
	}{
		{venloList[0], "cctv", "Extend CCTV to the high-value cage", secmID, 45, "in_progress"},
		{venloList[2], "mfa", "Second approver for WMS address changes", secmID, -30, "open"},
		{nldList[0], "geofence", "Roll out geofencing to every northbound truck", siteoID, -10, "in_progress"},
		{nldList[1], "seal", "Add seal photos to the gate check", siteoID, 20, "open"},
		{nldList[0], "parking", "Contract TAPA PSR parking on the Monterrey lane", secmID, 90, "open"},
	} {
		if _, err := s.CreateTreatmentAction(ctx, secm, bulkhead.TreatmentActionInput{ScenarioID: &t.scenario.ID, ControlID: &controls[t.control].ID,
			Title: sp(t.title), OwnerID: sp(t.owner), Due: day(t.due), Status: sp(t.status)}); err != nil {
			return err
		}
	}

	// A quantitative scenario: cargo theft on the Venlo → Antwerp linehaul
	// (the lane's origin site is its target until lanes are records).
	qa, err := s.CreateRiskAssessment(ctx, secm, bulkhead.RiskAssessmentInput{Title: sp("Linehaul cargo theft, quantitative"), Scope: sp("Road linehaul Venlo DC → Antwerp cross-dock, high-value electronics."),
		SiteID: sp(venlo.ID), Method: sp("fair"), Matrix: sp(Matrix5x5), Date: day(-10), NextReview: day(180)})
	if err != nil {
		return err
	}
	fairIn := json.RawMessage(`{"tef":{"type":"pert_vose","min":1,"mode":4,"max":12},` +
		`"threat_capability":{"type":"pert_vose","min":0.3,"mode":0.6,"max":0.9},` +
		`"controls":[{"id":"seal","name":"Seal verification (VVTT)","difficulty":{"type":"pert_vose","min":0.3,"mode":0.5,"max":0.7}},` +
		`{"id":"geofence","name":"Geofencing","difficulty":{"type":"uniform","min":0.2,"max":0.6}}],` +
		`"primary_loss":{"type":"lognormal","low":20000,"high":900000},` +
		`"secondary_loss":{"type":"pert_vose","min":0,"mode":15000,"max":200000},"tolerance":1000000}`)
	q, err := s.CreateScenario(ctx, secm, bulkhead.ScenarioInput{AssessmentID: &qa.ID, ThreatID: &threats["T-CARGO-01"].ID, TargetType: sp("site"), TargetID: &venlo.ID,
		Title: sp("Cargo theft on the Venlo → Antwerp linehaul"), Vulnerability: sp("Trucks stop at unsecured parking; loads are known to drivers in advance."),
		ExistingControls: sp("Seal verification, partial geofencing"), Inherent: &bulkhead.Rating{Likelihood: 4, Consequence: 4},
		Current: &bulkhead.Rating{Likelihood: 3, Consequence: 4}, Residual: &bulkhead.Rating{Likelihood: 2, Consequence: 4}, OwnerID: &secmID,
		Treatment: sp("reduce"), Rationale: sp("Secure parking and full geofencing."), FAIR: fairIn})
	if err != nil {
		return err
	}
	_, err = s.SimulateScenario(ctx, secm, q.ID, 10_000, 2026)
	return err
}
