package service

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"sort"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/fair"
)

// MaxRunIterations bounds the iterations of a stored run started from the
// UI, the API or the CLI (the engine itself accepts up to
// fair.MaxIterations); a portfolio is further bounded by fair.MaxSamples.
const MaxRunIterations = 1_000_000

// riskFairProblem turns the engine's validation error into field errors under
// "fair." (the path inside the scenario's quantitative inputs) or the run's
// own fields, with a message that lists them.
func riskFairProblem(err error, prefix string) error {
	ve, ok := err.(*fair.ValidationError)
	if !ok {
		return err
	}
	fields := map[string]string{}
	var msgs []string
	for path, msg := range ve.Fields {
		name := path
		if i := strings.Index(path, "]."); strings.HasPrefix(path, "scenarios[") && i > 0 {
			name = prefix + path[i+2:]
		} else if path == "input" {
			name = strings.TrimSuffix(prefix, ".")
		}
		fields[name] = bulkhead.FieldInvalid
		msgs = append(msgs, name+" "+msg)
	}
	sort.Strings(msgs)
	return &bulkhead.Error{Code: bulkhead.EINVALID, Message: "The quantitative inputs are not valid: " + strings.Join(msgs, "; ") + ".", Fields: fields}
}

// riskFairScenarioJSON returns the scenario's quantitative inputs as an engine
// scenario named by the scenario's ID and title.
func riskFairScenarioJSON(x *bulkhead.Scenario) (json.RawMessage, error) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(x.FAIR))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, bulkhead.Invalid(map[string]string{"fair": bulkhead.FieldInvalid})
	}
	m["id"], m["name"] = x.ID, x.Title
	return json.Marshal(m)
}

// riskFairInput builds the engine's input document for scenarios and decodes
// and validates it as the engine does. EINVALID with "fair.*" fields.
func riskFairInput(scs []*bulkhead.Scenario, iterations int, seed uint64, whatIf ...json.RawMessage) (*fair.Input, []byte, error) {
	if iterations < 1 || iterations > MaxRunIterations {
		return nil, nil, bulkhead.Invalid(map[string]string{"iterations": bulkhead.FieldRiskScore})
	}
	doc := struct {
		Iterations int               `json:"iterations"`
		Seed       uint64            `json:"seed"`
		Scenarios  []json.RawMessage `json:"scenarios"`
		WhatIf     []json.RawMessage `json:"what_if,omitempty"`
	}{iterations, seed, nil, whatIf}
	for _, x := range scs {
		j, err := riskFairScenarioJSON(x)
		if err != nil {
			return nil, nil, err
		}
		doc.Scenarios = append(doc.Scenarios, j)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	in, err := fair.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, riskFairProblem(err, "fair.")
	}
	if err := in.Validate(); err != nil {
		return nil, nil, riskFairProblem(err, "fair.")
	}
	return in, raw, nil
}

// riskFairScenarioInput validates one scenario's quantitative inputs.
func riskFairScenarioInput(x *bulkhead.Scenario, iterations int, seed uint64) (*fair.Input, error) {
	in, _, err := riskFairInput([]*bulkhead.Scenario{x}, iterations, seed)
	return in, err
}

// riskRunFair simulates an input on every core and encodes the output.
func riskRunFair(ctx context.Context, in *fair.Input) ([]byte, error) {
	out, err := fair.Simulate(ctx, in, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, riskFairProblem(err, "fair.")
	}
	return json.Marshal(out)
}

// SimulateScenario runs the engine on a stored scenario's quantitative
// inputs and stores the input and output. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) SimulateScenario(ctx context.Context, a Actor, scenarioID string, iterations int, seed uint64) (*bulkhead.SimulationRun, error) {
	if err := authorize(a, ActRiskSimulate); err != nil {
		return nil, err
	}
	x, err := s.store.Scenario(ctx, a.OrgID, scenarioID)
	if err != nil {
		return nil, err
	}
	if x.FAIR == nil {
		return nil, bulkhead.Invalid(map[string]string{"fair": bulkhead.FieldRequired})
	}
	return s.simulate(ctx, a, []*bulkhead.Scenario{x}, x.ID, iterations, seed)
}

// SimulateWhatIf runs a stored scenario together with control what-ifs
// (the engine's "what_if" objects; "scenario" may be left out and is the
// scenario's ID) on common random numbers, so that each what-if reports the
// change in annual loss against the scenario as it is, and stores the run.
// EFORBIDDEN, ENOTFOUND, EINVALID (fields "what_if[i]…").
func (s *Service) SimulateWhatIf(ctx context.Context, a Actor, scenarioID string, iterations int, seed uint64, whatIf []json.RawMessage) (*bulkhead.SimulationRun, error) {
	if err := authorize(a, ActRiskSimulate); err != nil {
		return nil, err
	}
	x, err := s.store.Scenario(ctx, a.OrgID, scenarioID)
	if err != nil {
		return nil, err
	}
	if x.FAIR == nil {
		return nil, bulkhead.Invalid(map[string]string{"fair": bulkhead.FieldRequired})
	}
	if len(whatIf) == 0 || len(whatIf) > 20 {
		return nil, bulkhead.Invalid(map[string]string{"what_if": bulkhead.FieldRequired})
	}
	ws := make([]json.RawMessage, len(whatIf))
	for i, w := range whatIf {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(w))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil || m == nil {
			return nil, bulkhead.Invalid(map[string]string{"what_if": bulkhead.FieldInvalid})
		}
		if _, ok := m["scenario"]; !ok {
			m["scenario"] = x.ID
		}
		if ws[i], err = json.Marshal(m); err != nil {
			return nil, err
		}
	}
	return s.simulate(ctx, a, []*bulkhead.Scenario{x}, x.ID, iterations, seed, ws...)
}

// SimulatePortfolio runs the engine on every scenario with quantitative
// inputs, summed per iteration, and stores the run. EFORBIDDEN, EINVALID.
func (s *Service) SimulatePortfolio(ctx context.Context, a Actor, iterations int, seed uint64) (*bulkhead.SimulationRun, error) {
	if err := authorize(a, ActRiskSimulate); err != nil {
		return nil, err
	}
	scs, err := s.quantitativeScenarios(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	if len(scs) == 0 {
		return nil, bulkhead.Invalid(map[string]string{"fair": bulkhead.FieldRequired})
	}
	return s.simulate(ctx, a, scs, "", iterations, seed)
}

func (s *Service) quantitativeScenarios(ctx context.Context, orgID string) ([]*bulkhead.Scenario, error) {
	as, err := s.store.RiskAssessments(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []*bulkhead.Scenario
	for _, x := range as {
		scs, err := s.store.AssessmentScenarios(ctx, orgID, x.ID)
		if err != nil {
			return nil, err
		}
		for _, sc := range scs {
			if sc.FAIR != nil {
				out = append(out, sc)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (s *Service) simulate(ctx context.Context, a Actor, scs []*bulkhead.Scenario, scenarioID string, iterations int, seed uint64, whatIf ...json.RawMessage) (*bulkhead.SimulationRun, error) {
	in, raw, err := riskFairInput(scs, iterations, seed, whatIf...)
	if err != nil {
		return nil, err
	}
	if iterations*len(scs) > fair.MaxSamples {
		return nil, bulkhead.Invalid(map[string]string{"iterations": bulkhead.FieldRiskScore})
	}
	out, err := riskRunFair(ctx, in)
	if err != nil {
		return nil, err
	}
	run := &bulkhead.SimulationRun{ID: bulkhead.NewID(), OrgID: a.OrgID, ScenarioID: scenarioID, Iterations: iterations,
		Input: raw, Output: out, CreatedBy: a.Name, CreatedAt: s.now()}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateSimulationRun(ctx, run); err != nil {
			return err
		}
		objType, objID := "risk_scenario", scenarioID
		if scenarioID == "" {
			objType, objID = "risk_simulation", run.ID
		}
		return s.record(ctx, tx, a, "risk.simulate", objType, objID, map[string]any{"run_id": run.ID, "iterations": iterations, "seed": seed, "scenarios": len(scs)})
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// SimulationRuns lists a scenario's stored runs (scenarioID != "") or the
// portfolio runs, newest first. EFORBIDDEN.
func (s *Service) SimulationRuns(ctx context.Context, a Actor, scenarioID string, limit int) ([]*bulkhead.SimulationRun, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	if limit < 1 || limit > 100 {
		limit = 20
	}
	return s.store.SimulationRuns(ctx, a.OrgID, scenarioID, limit)
}

// SimulationRun returns a stored run. EFORBIDDEN, ENOTFOUND.
func (s *Service) SimulationRun(ctx context.Context, a Actor, id string) (*bulkhead.SimulationRun, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.SimulationRun(ctx, a.OrgID, id)
}

// RerunSimulation runs a stored run's input again and returns the output,
// which equals the stored one bit for bit (the engine is deterministic on
// every machine and database). Nothing is stored. EFORBIDDEN, ENOTFOUND.
func (s *Service) RerunSimulation(ctx context.Context, a Actor, id string) ([]byte, error) {
	run, err := s.SimulationRun(ctx, a, id)
	if err != nil {
		return nil, err
	}
	in, err := fair.Decode(bytes.NewReader(run.Input))
	if err != nil {
		return nil, riskFairProblem(err, "")
	}
	return riskRunFair(ctx, in)
}

// DecodeOutput reads a stored run's output.
func DecodeOutput(run *bulkhead.SimulationRun) (*fair.Output, error) {
	var out fair.Output
	if err := json.Unmarshal(run.Output, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
