package service_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// riskAuditSeq returns the organisation's audit head, to show that a refused
// change wrote nothing.
func riskAuditSeq(t *testing.T, svc *service.Service, orgID string) int64 {
	t.Helper()
	h, err := svc.Store().AuditHead(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	return h.Seq
}

func TestRiskDemo(t *testing.T) {
	svc := newService(t)
	if _, err := svc.LoadDemo(ctx, "demo password long enough"); err != nil {
		t.Fatal(err)
	}
	org, err := svc.Store().OrganizationBySlug(ctx, service.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	members, _ := svc.Store().Members(ctx, org.ID)
	actor := func(r bulkhead.Role) service.Actor {
		for _, m := range members {
			if m.Role == r {
				return service.Actor{UserID: m.UserID, Name: m.Email, OrgID: org.ID, Role: r}
			}
		}
		t.Fatalf("no %s", r)
		return service.Actor{}
	}
	secm := actor(bulkhead.RoleSecurityManager)
	threats, err := svc.Threats(ctx, secm)
	if err != nil || len(threats) < 12 {
		t.Fatalf("threats = %d, %v", len(threats), err)
	}
	families := map[bulkhead.ThreatFamily]bool{}
	for _, th := range threats {
		families[th.Family] = true
	}
	if len(families) != len(bulkhead.ThreatFamilies) {
		t.Errorf("families = %v", families)
	}
	as, err := svc.RiskAssessments(ctx, secm)
	if err != nil {
		t.Fatal(err)
	}
	status := map[bulkhead.RiskAssessmentStatus]int{}
	for _, a := range as {
		status[a.Status]++
	}
	if status[bulkhead.RiskApproved] != 1 || status[bulkhead.RiskInReview] != 1 {
		t.Errorf("assessment statuses = %v", status)
	}
	tasks, err := svc.MyTasks(ctx, secm)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, tk := range tasks {
		kinds[tk.Kind]++
	}
	for _, k := range []string{service.TaskRiskAcceptanceExpired, service.TaskRiskActionOverdue, service.TaskRiskReviewOverdue} {
		if kinds[k] == 0 {
			t.Errorf("My tasks has no %s: %v", k, kinds)
		}
	}
	runs, err := svc.SimulationRuns(ctx, secm, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	_ = runs
	rows, total, err := svc.Scenarios(ctx, secm, bulkhead.ScenarioFilter{})
	if err != nil || total < 10 {
		t.Fatalf("register = %d, %v", total, err)
	}
	quant := 0
	for _, r := range rows {
		if r.FAIR != nil {
			quant++
			rs, err := svc.SimulationRuns(ctx, secm, r.ID, 5)
			if err != nil || len(rs) != 1 {
				t.Errorf("runs of the quantitative scenario = %d, %v", len(rs), err)
			}
		}
	}
	if quant != 1 {
		t.Errorf("quantitative scenarios = %d", quant)
	}
}

func TestRiskRules(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "rules")
	rf, err := newRiskFixture(svc, f)
	if err != nil {
		t.Fatal(err)
	}
	secm, top := f.actors[bulkhead.RoleSecurityManager], f.actors[bulkhead.RoleTopManagement]

	bad := []struct {
		name  string
		field string
		code  string
		do    func() error
	}{
		{"rating outside the 5x5", "residual", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.scenario.ID, bulkhead.ScenarioInput{Residual: &bulkhead.Rating{Likelihood: 6, Consequence: 2}})
			return err
		}},
		{"PERT min > mode", "fair.tef.mode", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.quant.ID, bulkhead.ScenarioInput{FAIR: json.RawMessage(
				`{"tef":{"type":"pert_vose","min":5,"mode":3,"max":8},"vulnerability":{"type":"constant","value":0.2},"primary_loss":{"type":"constant","value":100}}`)})
			return err
		}},
		{"negative loss", "fair.primary_loss.value", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.quant.ID, bulkhead.ScenarioInput{FAIR: json.RawMessage(
				`{"tef":{"type":"constant","value":2},"vulnerability":{"type":"constant","value":0.2},"primary_loss":{"type":"constant","value":-100}}`)})
			return err
		}},
		{"non-numeric frequency", "fair.tef.mean", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.quant.ID, bulkhead.ScenarioInput{FAIR: json.RawMessage(
				`{"tef":{"type":"poisson","mean":"often"},"vulnerability":{"type":"constant","value":0.2},"primary_loss":{"type":"constant","value":100}}`)})
			return err
		}},
		{"90% interval low >= high", "fair.primary_loss.high", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.quant.ID, bulkhead.ScenarioInput{FAIR: json.RawMessage(
				`{"tef":{"type":"constant","value":2},"vulnerability":{"type":"constant","value":0.2},"primary_loss":{"type":"lognormal","low":500,"high":100}}`)})
			return err
		}},
		{"90% interval low <= 0", "fair.primary_loss.low", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.quant.ID, bulkhead.ScenarioInput{FAIR: json.RawMessage(
				`{"tef":{"type":"constant","value":2},"vulnerability":{"type":"constant","value":0.2},"primary_loss":{"type":"lognormal","low":0,"high":100}}`)})
			return err
		}},
		{"TVC score outside 1-5", "tvc.threat", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.scenario.ID, bulkhead.ScenarioInput{TVC: &bulkhead.TVCScores{Threat: 0, Vulnerability: 3, Consequence: 3}})
			return err
		}},
		{"CARVER score outside 1-10", "carver.shock", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.scenario.ID, bulkhead.ScenarioInput{Carver: &bulkhead.CarverScores{Node: "Gate", Criticality: 5, Accessibility: 5,
				Recuperability: 5, Vulnerability: 5, Effect: 5, Recognizability: 5, Shock: 11}})
			return err
		}},
		{"iterations 0", "iterations", bulkhead.EINVALID, func() error {
			_, err := svc.SimulateScenario(ctx, secm, rf.quant.ID, 0, 1)
			return err
		}},
		{"iterations absurd", "iterations", bulkhead.EINVALID, func() error {
			_, err := svc.SimulateScenario(ctx, secm, rf.quant.ID, 50_000_000, 1)
			return err
		}},
		{"acceptance by a security manager", "role", bulkhead.EFORBIDDEN, func() error {
			_, err := svc.AcceptRisk(ctx, secm, rf.scenario.ID, bulkhead.AcceptanceInput{Rationale: ptr("x"), Expires: ptr(nextYear())})
			return err
		}},
		{"acceptance without rationale", "rationale", bulkhead.EINVALID, func() error {
			_, err := svc.AcceptRisk(ctx, top, rf.scenario.ID, bulkhead.AcceptanceInput{Expires: ptr(nextYear())})
			return err
		}},
		{"acceptance expiring in the past", "expires", bulkhead.EINVALID, func() error {
			_, err := svc.AcceptRisk(ctx, top, rf.scenario.ID, bulkhead.AcceptanceInput{Rationale: ptr("x"), Expires: ptr("2020-01-01")})
			return err
		}},
		{"unknown matrix", "matrix", bulkhead.EINVALID, func() error {
			_, err := svc.CreateRiskAssessment(ctx, secm, bulkhead.RiskAssessmentInput{Title: ptr("x"), Method: ptr("matrix"), Date: ptr("2026-01-01"), Matrix: ptr("9x9")})
			return err
		}},
		{"evidence not a link", "evidence", bulkhead.EINVALID, func() error {
			_, err := svc.CreateControl(ctx, secm, bulkhead.ControlInput{Name: ptr("x"), Category: ptr("physical"), Evidence: &[]string{"javascript:alert(1)"}})
			return err
		}},
		{"quantitative assessment without inputs", "fair", bulkhead.EINVALID, func() error {
			_, err := svc.UpdateScenario(ctx, secm, rf.quant.ID, bulkhead.ScenarioInput{FAIR: json.RawMessage(`null`)})
			return err
		}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			before := riskAuditSeq(t, svc, f.org.ID)
			err := tc.do()
			if bulkhead.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			if _, ok := bulkhead.ErrorFields(err)[tc.field]; !ok {
				t.Errorf("fields = %v, want %s", bulkhead.ErrorFields(err), tc.field)
			}
			if after := riskAuditSeq(t, svc, f.org.ID); after != before {
				t.Errorf("audit moved %d → %d: something was stored", before, after)
			}
		})
	}

	// The owner may not accept their own risk, even as top management.
	topID := top.UserID
	if _, err := svc.UpdateScenario(ctx, secm, rf.scenario.ID, bulkhead.ScenarioInput{OwnerID: &topID}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.AcceptRisk(ctx, top, rf.scenario.ID, bulkhead.AcceptanceInput{Rationale: ptr("x"), Expires: ptr(nextYear())})
	if bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN || bulkhead.ErrorFields(err)["accepted_by"] == "" {
		t.Errorf("owner accepting: %v", err)
	}
	// Within the appetite there is nothing to accept.
	low := bulkhead.Rating{Likelihood: 1, Consequence: 1}
	if _, err := svc.UpdateScenario(ctx, secm, rf.scenario.ID, bulkhead.ScenarioInput{Residual: &low, OwnerID: ptr("")}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.AcceptRisk(ctx, top, rf.scenario.ID, bulkhead.AcceptanceInput{Rationale: ptr("x"), Expires: ptr(nextYear())})
	if bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("accepting within appetite: %v", err)
	}

	// Workflow: draft cannot jump to approved; review needs residual ratings.
	if _, err := svc.SetRiskAssessmentStatus(ctx, secm, rf.assessment.ID, bulkhead.RiskApproved); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("draft → approved: %v", err)
	}
	sc2, err := svc.CreateScenario(ctx, secm, bulkhead.ScenarioInput{AssessmentID: &rf.assessment.ID, ThreatID: &rf.threat.ID, TargetType: ptr("site"), TargetID: &f.site.ID, Title: ptr("Unrated")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetRiskAssessmentStatus(ctx, secm, rf.assessment.ID, bulkhead.RiskInReview); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("review with an unrated scenario: %v", err)
	}
	if _, err := svc.UpdateScenario(ctx, secm, sc2.ID, bulkhead.ScenarioInput{Residual: &low}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetRiskAssessmentStatus(ctx, secm, rf.assessment.ID, bulkhead.RiskInReview); err != nil {
		t.Errorf("draft → in review: %v", err)
	}
	x, err := svc.SetRiskAssessmentStatus(ctx, top, rf.assessment.ID, bulkhead.RiskApproved)
	if err != nil || x.ApprovedBy != top.UserID || x.ApprovedAt == nil {
		t.Errorf("approve: %+v, %v", x, err)
	}
}

func TestRiskMethods(t *testing.T) {
	m5, _ := service.BuiltinMatrix(service.Matrix5x5)
	m3, _ := service.BuiltinMatrix(service.Matrix3x3)
	if len(m5.Likelihood) != 5 || len(m5.Consequence) != 5 || len(m3.Levels) != 3 {
		t.Fatalf("built-in matrices: %d×%d, %d levels", len(m5.Likelihood), len(m5.Consequence), len(m3.Levels))
	}
	for _, tc := range []struct {
		tvc  bulkhead.TVCScores
		m    *bulkhead.RiskMatrix
		want bulkhead.Rating
		norm float64
	}{
		{bulkhead.TVCScores{Threat: 5, Vulnerability: 5, Consequence: 5}, m5, bulkhead.Rating{Likelihood: 5, Consequence: 5}, 1},
		{bulkhead.TVCScores{Threat: 1, Vulnerability: 1, Consequence: 1}, m5, bulkhead.Rating{Likelihood: 1, Consequence: 1}, 0.008},
		{bulkhead.TVCScores{Threat: 4, Vulnerability: 1, Consequence: 3}, m5, bulkhead.Rating{Likelihood: 2, Consequence: 3}, 0.096}, // √4 = 2
		{bulkhead.TVCScores{Threat: 5, Vulnerability: 5, Consequence: 3}, m3, bulkhead.Rating{Likelihood: 3, Consequence: 2}, 0.6},
	} {
		if got := bulkhead.TVCRating(&tc.tvc, tc.m); got != tc.want {
			t.Errorf("TVCRating(%+v) = %+v, want %+v", tc.tvc, got, tc.want)
		}
		if got := bulkhead.TVCNormalised(&tc.tvc); got != tc.norm {
			t.Errorf("TVCNormalised(%+v) = %v, want %v", tc.tvc, got, tc.norm)
		}
	}
	c := bulkhead.CarverScores{Node: "Gate", Criticality: 10, Accessibility: 1, Recuperability: 10, Vulnerability: 1, Effect: 10, Recognizability: 1, Shock: 10}
	if got := bulkhead.CarverRating(&c, m5); got != (bulkhead.Rating{Likelihood: 1, Consequence: 5}) || c.Total() != 43 {
		t.Errorf("CarverRating = %+v, total %d", got, c.Total())
	}

	// A CISO Assistant risk_matrix imports and rates scenarios.
	svc := newService(t)
	f := newFixture(t, svc, "methods")
	secm := f.actors[bulkhead.RoleSecurityManager]
	data, err := os.ReadFile("../catalog/testdata/matrix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := svc.ImportRiskMatrices(ctx, secm, data)
	if err != nil || len(ms) != 1 || len(ms[0].Levels) != 3 || ms[0].Levels[2].Colour != "#FF0000" {
		t.Fatalf("import = %+v, %v", ms, err)
	}
	if _, err := svc.ImportRiskMatrices(ctx, secm, []byte("objects: [")); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Errorf("bad YAML: %v", err)
	}
	as, err := svc.CreateRiskAssessment(ctx, secm, bulkhead.RiskAssessmentInput{Title: ptr("TVC on imported"), Method: ptr("tvc"), Date: ptr("2026-02-01"), Matrix: &ms[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	th, _ := svc.CreateThreat(ctx, secm, bulkhead.ThreatInput{Name: ptr("Flood"), Family: ptr("natural")})
	sc, err := svc.CreateScenario(ctx, secm, bulkhead.ScenarioInput{AssessmentID: &as.ID, ThreatID: &th.ID, TargetType: ptr("site"), TargetID: &f.site.ID,
		Title: ptr("Flooded dock"), TVC: &bulkhead.TVCScores{Threat: 5, Vulnerability: 5, Consequence: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Current != (bulkhead.Rating{Likelihood: 3, Consequence: 3}) || sc.CurrentLevel != 2 {
		t.Errorf("TVC on 3×3: current %+v level %d", sc.Current, sc.CurrentLevel)
	}
	if _, err := svc.UpdateScenario(ctx, secm, sc.ID, bulkhead.ScenarioInput{Residual: &bulkhead.Rating{Likelihood: 4, Consequence: 1}}); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Errorf("rating 4 on a 3×3: %v", err)
	}

	// Threats import from a CISO Assistant library, once.
	lib := []byte("urn: urn:x:risk:library:t\nlocale: en\nref_id: T\nname: T\ndescription: d\nversion: 1\nprovider: x\npackager: x\nobjects:\n  threats:\n" +
		"  - urn: urn:x:risk:threat:a\n    ref_id: TA\n    name: Tailgating\n  - urn: urn:x:risk:threat:b\n    ref_id: TB\n    name: Phishing\n")
	for i, want := range []int{2, 0} {
		n, err := svc.ImportThreats(ctx, secm, lib, bulkhead.FamilyPhysical)
		if err != nil || n != want {
			t.Errorf("import %d = %d, %v; want %d", i, n, err, want)
		}
	}
}

// TestRiskRerunIdentical stores a run and runs its stored input again: the
// output is identical, byte for byte.
func TestRiskRerunIdentical(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "rerun")
	rf, err := newRiskFixture(svc, f)
	if err != nil {
		t.Fatal(err)
	}
	secm := f.actors[bulkhead.RoleSecurityManager]
	run, err := svc.SimulateScenario(ctx, secm, rf.quant.ID, 2000, 42)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.RerunSimulation(ctx, secm, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, run.Output) {
		t.Error("re-run differs from the stored output")
	}
	out, err := service.DecodeOutput(run)
	if err != nil || out.Seed != 42 || out.Iterations != 2000 || len(out.Scenarios) != 1 || out.Scenarios[0].ID != rf.quant.ID {
		t.Errorf("output = %+v, %v", out, err)
	}
	if _, err := svc.SimulatePortfolio(ctx, secm, 1000, 1); err != nil {
		t.Error(err)
	}
}
