package fair

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// validScenario is a JSON scenario that passes validation.
const validScenario = `{"id": "S1", "tef": {"type": "pert_vose", "min": 1, "mode": 2, "max": 5},
	"vulnerability": {"type": "uniform", "min": 0.1, "max": 0.4},
	"primary_loss": {"type": "lognormal", "low": 1000, "high": 100000}}`

// validPerEvent is a JSON scenario with a threat capability and controls.
const validPerEvent = `{"id": "S2", "tef": {"type": "constant", "value": 3},
	"threat_capability": {"type": "pert_classic", "min": 0.2, "mode": 0.5, "max": 0.9},
	"controls": [{"id": "C1", "difficulty": {"type": "pert_vose", "min": 0.3, "mode": 0.5, "max": 0.7}}],
	"primary_loss": {"type": "constant", "value": 100}}`

// replace returns the valid scenario with old replaced by new.
func replace(old, new string) string {
	if !strings.Contains(validScenario, old) {
		panic("fixture lacks " + old)
	}
	return strings.Replace(validScenario, old, new, 1)
}

func decodeAndValidate(doc string) error {
	in, err := Decode(strings.NewReader(doc))
	if err != nil {
		return err
	}
	return in.Validate()
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want map[string]string
	}{
		{"mode below min", `{"scenarios": [` + replace(`"min": 1, "mode": 2`, `"min": 3, "mode": 2`) + `]}`,
			map[string]string{"scenarios[0].tef.mode": "must be between min and max"}},
		{"mode above max", `{"scenarios": [` + replace(`"mode": 2, "max": 5`, `"mode": 6, "max": 5`) + `]}`,
			map[string]string{"scenarios[0].tef.mode": "must be between min and max"}},
		{"min above max", `{"scenarios": [` + replace(`"min": 1, "mode": 2, "max": 5`, `"min": 9, "mode": 2, "max": 5`) + `]}`,
			map[string]string{"scenarios[0].tef.max": "must not be less than min"}},
		{"negative frequency", `{"scenarios": [` + replace(`"min": 1, "mode": 2`, `"min": -1, "mode": 2`) + `]}`,
			map[string]string{"scenarios[0].tef.min": "must be a frequency: from 0 to 1e+08 events a year"}},
		{"non-numeric frequency", `{"scenarios": [` + replace(`"mode": 2`, `"mode": "two"`) + `]}`,
			map[string]string{"scenarios[0].tef.mode": "must be a number"}},
		{"loss with thousands separators", `{"scenarios": [` + replace(`"high": 100000`, `"high": "100,000"`) + `]}`,
			map[string]string{"scenarios[0].primary_loss.high": "must be a number"}},
		{"negative loss", `{"scenarios": [` + replace(`"type": "lognormal", "low": 1000, "high": 100000`, `"type": "uniform", "min": -5, "max": 10`) + `]}`,
			map[string]string{"scenarios[0].primary_loss.min": "must be a loss: from 0 to 1e+15"}},
		{"lognormal low not above 0", `{"scenarios": [` + replace(`"low": 1000`, `"low": 0`) + `]}`,
			map[string]string{"scenarios[0].primary_loss.low": "must be greater than 0"}},
		{"lognormal low above high", `{"scenarios": [` + replace(`"low": 1000`, `"low": 200000`) + `]}`,
			map[string]string{"scenarios[0].primary_loss.high": "must be greater than low"}},
		{"lognormal low equal to high", `{"scenarios": [` + replace(`"low": 1000`, `"low": 100000`) + `]}`,
			map[string]string{"scenarios[0].primary_loss.high": "must be greater than low"}},
		{"unknown distribution", `{"scenarios": [` + replace(`"type": "pert_vose"`, `"type": "normal"`) + `]}`,
			map[string]string{"scenarios[0].tef.type": `unknown distribution "normal": use one of pert_vose, pert_classic, lognormal, poisson, uniform, constant`}},
		{"plain pert is ambiguous", `{"scenarios": [` + replace(`"type": "pert_vose"`, `"type": "pert"`) + `]}`,
			map[string]string{"scenarios[0].tef.type": `unknown distribution "pert": use one of pert_vose, pert_classic, lognormal, poisson, uniform, constant`}},
		{"missing distribution type", `{"scenarios": [` + replace(`"type": "pert_vose", `, ``) + `]}`,
			map[string]string{"scenarios[0].tef.type": "is required: one of pert_vose, pert_classic, lognormal, poisson, uniform, constant"}},
		{"parameter of another family", `{"scenarios": [` + replace(`"low": 1000`, `"low": 1000, "mode": 5`) + `]}`,
			map[string]string{"scenarios[0].primary_loss.mode": "is not a parameter of lognormal"}},
		{"missing parameter", `{"scenarios": [` + replace(`"min": 1, "mode": 2, `, `"min": 1, `) + `]}`,
			map[string]string{"scenarios[0].tef.mode": "is required for pert_vose"}},
		{"bad gamma", `{"scenarios": [` + replace(`"max": 5}`, `"max": 5, "gamma": 0}`) + `]}`,
			map[string]string{"scenarios[0].tef.gamma": "must be greater than 0 and at most 1000"}},
		{"vulnerability above 1", `{"scenarios": [` + replace(`"max": 0.4`, `"max": 1.4`) + `]}`,
			map[string]string{"scenarios[0].vulnerability.max": "must be a probability: from 0 to 1"}},
		{"lognormal vulnerability", `{"scenarios": [` + replace(`{"type": "uniform", "min": 0.1, "max": 0.4}`, `{"type": "lognormal", "low": 0.1, "high": 0.4}`) + `]}`,
			map[string]string{"scenarios[0].vulnerability.type": "must be bounded within [0, 1]: use pert_vose, pert_classic, uniform or constant"}},
		{"zero iterations", `{"iterations": 0, "scenarios": [` + validScenario + `]}`,
			map[string]string{"iterations": "must be from 1 to 10000000"}},
		{"negative iterations", `{"iterations": -5, "scenarios": [` + validScenario + `]}`,
			map[string]string{"iterations": "must be from 1 to 10000000"}},
		{"too many iterations", `{"iterations": 10000001, "scenarios": [` + validScenario + `]}`,
			map[string]string{"iterations": "must be from 1 to 10000000"}},
		{"fractional iterations", `{"iterations": 1.5, "scenarios": [` + validScenario + `]}`,
			map[string]string{"iterations": "must be a whole number"}},
		{"too many samples", `{"iterations": 10000000, "scenarios": [` + validScenario + `,` + strings.Replace(validScenario, `"S1"`, `"S9"`, 1) + `],
			"what_if": [{"id": "W", "scenario": "S1"}, {"id": "X", "scenario": "S1"}, {"id": "Y", "scenario": "S1"}, {"id": "Z", "scenario": "S1"},
			{"id": "V", "scenario": "S1"}, {"id": "U", "scenario": "S1"}, {"id": "T", "scenario": "S1"}, {"id": "R", "scenario": "S1"}, {"id": "Q", "scenario": "S1"}]}`,
			map[string]string{"iterations": "times the number of scenarios and what-ifs (11) must be at most 100000000"}},
		{"negative seed", `{"seed": -1, "scenarios": [` + validScenario + `]}`,
			map[string]string{"seed": "must be a whole number from 0 to 18446744073709551615"}},
		{"no scenarios", `{"scenarios": []}`, map[string]string{"scenarios": "must list at least one scenario"}},
		{"scenarios not an array", `{"scenarios": {}}`, map[string]string{"scenarios": "must be a JSON array"}},
		{"unknown top-level field", `{"iteratons": 5, "scenarios": [` + validScenario + `]}`,
			map[string]string{"iteratons": "is not a known field"}},
		{"unknown nested field", `{"scenarios": [` + validScenario + `,` + strings.Replace(validScenario, `"id": "S1"`, `"id": "S3", "colour": "red"`, 1) + `]}`,
			map[string]string{"scenarios[1].colour": "is not a known field"}},
		{"duplicate scenario", `{"scenarios": [` + validScenario + `,` + validScenario + `]}`,
			map[string]string{"scenarios[1].id": `repeats scenario "S1"`}},
		{"missing id and tef", `{"scenarios": [{"vulnerability": {"type": "constant", "value": 1}, "primary_loss": {"type": "constant", "value": 1}}]}`,
			map[string]string{"scenarios[0].id": "is required", "scenarios[0].tef": "is required"}},
		{"unknown options", `{"model": {"frequency": "binomial", "magnitude": "sometimes"}, "dependence": "copula", "scenarios": [` + validScenario + `]}`,
			map[string]string{"model.frequency": `must be one of "poisson", "rounded" (or left out), not "binomial"`, "model.magnitude": `must be one of "per_event", "per_year" (or left out), not "sometimes"`, "dependence": `must be one of "independent", "shared_stream" (or left out), not "copula"`}},
		{"per_event without controls", `{"model": {"vulnerability": "per_event"}, "scenarios": [` + validScenario + `]}`,
			map[string]string{
				"scenarios[0].vulnerability":     `is not used by the "per_event" vulnerability model: give either vulnerability or threat_capability with controls`,
				"scenarios[0].threat_capability": `is required by the "per_event" vulnerability model`,
				"scenarios[0].controls":          `must list at least one control for the "per_event" vulnerability model`,
			}},
		{"probability without vulnerability", `{"scenarios": [` + strings.Replace(validPerEvent, `"id": "S2"`, `"id": "S2", "model": {"vulnerability": "probability"}`, 1) + `]}`,
			map[string]string{
				"scenarios[0].vulnerability":     `is required by the "probability" vulnerability model (or give threat_capability and controls for "per_event")`,
				"scenarios[0].threat_capability": `is not used by the "probability" vulnerability model: give either vulnerability or threat_capability with controls`,
				"scenarios[0].controls":          `are not used by the "probability" vulnerability model: give either vulnerability or threat_capability with controls`,
			}},
		{"bad control", `{"scenarios": [` + strings.Replace(validPerEvent, `"id": "C1", "difficulty": {"type": "pert_vose", "min": 0.3, "mode": 0.5, "max": 0.7}`, `"id": "C1", "difficulty": {"type": "pert_vose", "min": 0.3, "mode": 0.8, "max": 0.7}}, {"id": "C1", "difficulty": {"type": "constant", "value": 0.5}`, 1) + `]}`,
			map[string]string{"scenarios[0].controls[0].difficulty.mode": "must be between min and max", "scenarios[0].controls[1].id": `repeats control "C1"`}},
		{"bad tolerance and percentiles", `{"tolerance": -1, "percentiles": [50, 101], "scenarios": [` + validScenario + `]}`,
			map[string]string{"tolerance": "must be a non-negative loss", "percentiles[1]": "must be from 0 to 100"}},
		{"what-if problems", `{"scenarios": [` + validScenario + `,` + validPerEvent + `], "what_if": [
			{"id": "W1", "scenario": "S9"},
			{"id": "W1", "scenario": "S2", "remove_controls": ["C1", "C7"], "tef": {"type": "constant", "value": -2}},
			{"id": "W3", "scenario": "S1", "threat_capability": {"type": "constant", "value": 0.5}},
			{"id": "W4", "scenario": "S2", "remove_controls": ["C1"]},
			{"scenario": "S2", "controls": [{"id": "C2", "difficulty": {"type": "poisson", "mean": 1}}]}]}`,
			map[string]string{
				"what_if[0].scenario":                    `names no scenario: "S9"`,
				"what_if[1].id":                          `repeats what-if "W1"`,
				"what_if[1].tef.value":                   "must be a frequency: from 0 to 1e+08 events a year",
				"what_if[1].remove_controls[1]":          `names no control of scenario "S2"`,
				"what_if[1].controls":                    `must list at least one control for the "per_event" vulnerability model`,
				"what_if[2].threat_capability":           `is not used by the "probability" vulnerability model: give either vulnerability or threat_capability with controls`,
				"what_if[3].controls":                    `must list at least one control for the "per_event" vulnerability model`,
				"what_if[4].id":                          "is required",
				"what_if[4].controls[0].difficulty.type": "must be bounded within [0, 1]: use pert_vose, pert_classic, uniform or constant",
			}},
		{"malformed JSON", `{"scenarios": [`, map[string]string{"input": "is not valid JSON: the document is empty or cut short"}},
		{"syntax error", `{"scenarios": [}`, map[string]string{"input": "is not valid JSON: invalid character '}' looking for beginning of value (at byte 16)"}},
		{"not an object", `[1, 2]`, map[string]string{"input": "must be a JSON object"}},
		{"trailing data", `{"scenarios": [` + validScenario + `]} {}`, map[string]string{"input": "has more after the JSON document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := decodeAndValidate(tt.doc)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v (%T), want a *ValidationError", err, err)
			}
			if diff := cmp.Diff(tt.want, ve.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidInputs(t *testing.T) {
	for _, doc := range []string{
		`{"scenarios": [` + validScenario + `]}`,
		`{"scenarios": [` + validPerEvent + `]}`,
		`{"iterations": 1, "seed": 18446744073709551615, "model": {"frequency": "rounded", "vulnerability": "auto", "magnitude": "per_year"},
		  "dependence": "shared_stream", "tolerance": 0, "percentiles": [0, 100], "scenarios": [` + validScenario + `,` + validPerEvent + `],
		  "what_if": [{"id": "W", "scenario": "S2", "controls": [{"id": "C2", "difficulty": {"type": "constant", "value": 1}}], "remove_controls": ["C1"]}]}`,
		`{"scenarios": [` + replace(`{"type": "pert_vose", "min": 1, "mode": 2, "max": 5}`, `{"type": "pert_classic", "min": 4, "mode": 4, "max": 4, "gamma": 2}`) + `]}`,
		`{"scenarios": [` + replace(`{"type": "pert_vose", "min": 1, "mode": 2, "max": 5}`, `{"type": "poisson", "mean": 0}`) + `]}`,
		`{"scenarios": [` + replace(`"vulnerability": {"type": "uniform", "min": 0.1, "max": 0.4}`, `"vulnerability": null, "threat_capability": {"type": "constant", "value": 0.5}, "controls": [{"id": "c", "difficulty": {"type": "uniform", "min": 0, "max": 1}}]`) + `]}`,
	} {
		if err := decodeAndValidate(doc); err != nil {
			t.Errorf("%s\n%v", doc, err)
		}
	}
}

func TestDecodeDefaultsIterations(t *testing.T) {
	in, err := Decode(strings.NewReader(`{"scenarios": [` + validScenario + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if in.Iterations != DefaultIterations {
		t.Errorf("iterations %d, want %d", in.Iterations, DefaultIterations)
	}
}

// TestValidationBeforeSimulation: an invalid input fails at once, even
// with a context that would stop any simulation.
func TestValidationBeforeSimulation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := SyntheticInput(3, 1000, true)
	in.Scenarios[2].TEF = PERT(5, 1, 9)
	_, err := Simulate(ctx, in, 0)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields["scenarios[2].tef.mode"] == "" {
		t.Fatalf("err = %v, want a field error on scenarios[2].tef.mode", err)
	}
}

func TestValidationErrorMessage(t *testing.T) {
	err := &ValidationError{Fields: map[string]string{
		"scenarios[10].tef.min": "b", "scenarios[2].tef.mode": "a", "iterations": "c", "scenarios[2].id": "d",
	}}
	want := "the risk input is not valid:\n  iterations: c\n  scenarios[2].id: d\n  scenarios[2].tef.mode: a\n  scenarios[10].tef.min: b"
	if got := err.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestExampleDocument decodes and runs the example of doc.go, kept in
// testdata so the documentation cannot drift from the format.
func TestExampleDocument(t *testing.T) {
	f, err := os.Open("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	in.Iterations = 2000
	out, err := Simulate(context.Background(), in, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Scenarios) != 2 || out.Portfolio == nil || len(out.WhatIf) != 1 {
		t.Fatalf("unexpected output shape: %d scenarios, portfolio %v, %d what-ifs", len(out.Scenarios), out.Portfolio != nil, len(out.WhatIf))
	}
}
