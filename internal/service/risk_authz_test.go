package service_test

import (
	"encoding/json"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// riskExpected is the permission matrix of the issue 4 risk actions
// (columns as in coreExpected).
var riskExpected = map[service.Action]string{
	service.ActRiskRead:      "YYYYYYY-",
	service.ActRiskCatalogue: "Y-Y-----",
	service.ActRiskAssess:    "Y-YY-Y--",
	service.ActRiskApprove:   "YYY-----",
	service.ActRiskControl:   "Y-YY----",
	service.ActRiskTreat:     "Y-YY-Y--",
	service.ActRiskAccept:    "-Y------",
	service.ActRiskSettings:  "YY------",
	service.ActRiskSimulate:  "Y-YY-Y--",
}

// testFAIR is a small quantitative scenario for the engine.
const testFAIR = `{"tef":{"type":"pert_vose","min":1,"mode":3,"max":8},"vulnerability":{"type":"uniform","min":0.1,"max":0.4},` +
	`"primary_loss":{"type":"lognormal","low":10000,"high":400000}}`

// riskFixture is the risk records the action tests work on.
type riskFixture struct {
	threat     *bulkhead.Threat
	assessment *bulkhead.RiskAssessment
	scenario   *bulkhead.Scenario // residual above the appetite, owned by the security manager
	quant      *bulkhead.Scenario // with quantitative inputs
	control    *bulkhead.Control
	action     *bulkhead.TreatmentAction
}

func newRiskFixture(svc *service.Service, f *fixture) (*riskFixture, error) {
	sys := service.SystemActor(f.org.ID, "test")
	rf := &riskFixture{}
	var err error
	if rf.threat, err = svc.CreateThreat(ctx, sys, bulkhead.ThreatInput{Name: ptr("Cargo theft"), Family: ptr("cargo")}); err != nil {
		return nil, err
	}
	if rf.assessment, err = svc.CreateRiskAssessment(ctx, sys, bulkhead.RiskAssessmentInput{Title: ptr("Fixture assessment"), Method: ptr("matrix"), Date: ptr("2026-01-10"), SiteID: &f.site.ID}); err != nil {
		return nil, err
	}
	owner := f.actors[bulkhead.RoleSecurityManager].UserID
	if rf.scenario, err = svc.CreateScenario(ctx, sys, bulkhead.ScenarioInput{AssessmentID: &rf.assessment.ID, ThreatID: &rf.threat.ID, TargetType: ptr("site"), TargetID: &f.site.ID,
		Title: ptr("Theft from the dock"), Inherent: &bulkhead.Rating{Likelihood: 5, Consequence: 5}, Residual: &bulkhead.Rating{Likelihood: 4, Consequence: 4}, OwnerID: &owner}); err != nil {
		return nil, err
	}
	qa, err := svc.CreateRiskAssessment(ctx, sys, bulkhead.RiskAssessmentInput{Title: ptr("Quantitative"), Method: ptr("fair"), Date: ptr("2026-01-10")})
	if err != nil {
		return nil, err
	}
	if rf.quant, err = svc.CreateScenario(ctx, sys, bulkhead.ScenarioInput{AssessmentID: &qa.ID, ThreatID: &rf.threat.ID, TargetType: ptr("site"), TargetID: &f.site.ID,
		Title: ptr("Linehaul theft"), FAIR: json.RawMessage(testFAIR)}); err != nil {
		return nil, err
	}
	if rf.control, err = svc.CreateControl(ctx, sys, bulkhead.ControlInput{Name: ptr("CCTV"), Category: ptr("physical")}); err != nil {
		return nil, err
	}
	if rf.action, err = svc.CreateTreatmentAction(ctx, sys, bulkhead.TreatmentActionInput{ScenarioID: &rf.scenario.ID, ControlID: &rf.control.ID, Title: ptr("Extend CCTV")}); err != nil {
		return nil, err
	}
	return rf, nil
}

// riskActionTests performs each issue 4 risk action.
func riskActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	rf, setupErr := newRiskFixture(svc, f)
	sys := service.SystemActor(f.org.ID, "test")
	guard := func(fn func(a service.Actor) error) func(a service.Actor) error {
		return func(a service.Actor) error {
			if setupErr != nil {
				return setupErr
			}
			return fn(a)
		}
	}
	return map[service.Action]func(a service.Actor) error{
		service.ActRiskRead: guard(func(a service.Actor) error {
			if _, err := svc.Threats(ctx, a); err != nil {
				return err
			}
			if _, _, err := svc.Scenarios(ctx, a, bulkhead.ScenarioFilter{}); err != nil {
				return err
			}
			if _, err := svc.Controls(ctx, a); err != nil {
				return err
			}
			_, err := svc.ScenarioHistory(ctx, a, rf.scenario.ID, 10)
			return err
		}),
		service.ActRiskCatalogue: guard(func(a service.Actor) error {
			_, err := svc.UpdateThreat(ctx, a, rf.threat.ID, bulkhead.ThreatInput{Description: ptr("edited by " + string(a.Role))})
			return err
		}),
		service.ActRiskAssess: guard(func(a service.Actor) error {
			_, err := svc.UpdateScenario(ctx, a, rf.scenario.ID, bulkhead.ScenarioInput{Vulnerability: ptr("edited by " + string(a.Role))})
			return err
		}),
		service.ActRiskApprove: guard(func(a service.Actor) error {
			x, err := svc.RiskAssessment(ctx, sys, rf.assessment.ID)
			if err != nil {
				return err
			}
			if x.Status == bulkhead.RiskDraft {
				if _, err := svc.SetRiskAssessmentStatus(ctx, sys, x.ID, bulkhead.RiskInReview); err != nil {
					return err
				}
			}
			if _, err := svc.SetRiskAssessmentStatus(ctx, a, x.ID, bulkhead.RiskApproved); err != nil {
				return err
			}
			_, err = svc.SetRiskAssessmentStatus(ctx, sys, x.ID, bulkhead.RiskDraft)
			return err
		}),
		service.ActRiskControl: guard(func(a service.Actor) error {
			_, err := svc.UpdateControl(ctx, a, rf.control.ID, bulkhead.ControlInput{Description: ptr("edited by " + string(a.Role))})
			return err
		}),
		service.ActRiskTreat: guard(func(a service.Actor) error {
			_, err := svc.UpdateTreatmentAction(ctx, a, rf.action.ID, bulkhead.TreatmentActionInput{Title: ptr("Extend CCTV, " + string(a.Role))})
			return err
		}),
		service.ActRiskAccept: guard(func(a service.Actor) error {
			_, err := svc.AcceptRisk(ctx, a, rf.scenario.ID, bulkhead.AcceptanceInput{Rationale: ptr("Cost of further controls too high"), Expires: ptr(nextYear())})
			return err
		}),
		service.ActRiskSettings: guard(func(a service.Actor) error {
			_, err := svc.UpdateRiskSettings(ctx, a, 1, service.Matrix5x5)
			return err
		}),
		service.ActRiskSimulate: guard(func(a service.Actor) error {
			_, err := svc.SimulateScenario(ctx, a, rf.quant.ID, 500, 7)
			return err
		}),
	}
}

// nextYear is the date a year from now, a valid acceptance expiry.
func nextYear() string { return time.Now().AddDate(1, 0, 0).Format(time.DateOnly) }
