package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/fair"
)

// riskEnv returns an env that captures what a command prints.
func riskEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, &out, &errb
}

// writeRiskFile writes content to a file in a temporary directory.
func writeRiskFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const riskInput = `{
  "iterations": 50000,
  "seed": 1,
  "tolerance": 100000,
  "scenarios": [
    {"id": "theft", "tef": {"type": "pert_vose", "min": 1, "mode": 3, "max": 12},
     "threat_capability": {"type": "pert_vose", "min": 0.3, "mode": 0.6, "max": 0.9},
     "controls": [{"id": "fence", "difficulty": {"type": "pert_classic", "min": 0.2, "mode": 0.5, "max": 0.8}}],
     "primary_loss": {"type": "lognormal", "low": 1000, "high": 50000}},
    {"id": "tamper", "tef": {"type": "constant", "value": 0.5}, "vulnerability": {"type": "constant", "value": 1},
     "primary_loss": {"type": "lognormal", "low": 1, "high": 10}}
  ],
  "what_if": [{"id": "patrols", "scenario": "theft", "controls": [{"id": "patrols", "difficulty": {"type": "constant", "value": 0.7}}]}]
}`

func TestRiskSimulate(t *testing.T) {
	path := writeRiskFile(t, "risk.json", riskInput)
	args := []string{"--in", path, "--iterations", "3000", "--seed", "7"}
	e, out, _ := riskEnv()
	if err := cmdRiskSimulate(context.Background(), e, args); err != nil {
		t.Fatal(err)
	}
	var got fair.Output
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if got.Iterations != 3000 || got.Seed != 7 {
		t.Errorf("flags did not override the file: iterations %d, seed %d", got.Iterations, got.Seed)
	}
	if len(got.Scenarios) != 2 || got.Portfolio == nil || len(got.WhatIf) != 1 || got.Scenarios[1].AnalyticMean == nil {
		t.Fatalf("unexpected output:\n%s", out)
	}
	if want := 0.5 * 4.040012826945718; math.Abs(*got.Scenarios[1].AnalyticMean-want) > 1e-12*want {
		t.Errorf("analytic mean %v, want %v", *got.Scenarios[1].AnalyticMean, want)
	}
	if !strings.Contains(out.String(), "\n  \"scenarios\": [\n    {\n      \"id\": \"theft\"") {
		t.Errorf("output is not indented JSON:\n%.300s", out)
	}
	// The same input and seed print the same bytes.
	e2, out2, _ := riskEnv()
	if err := cmdRiskSimulate(context.Background(), e2, args); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), out2.Bytes()) {
		t.Error("a second run printed different output")
	}
}

func TestRiskSimulateErrors(t *testing.T) {
	bad := strings.Replace(riskInput, `"min": 1, "mode": 3, "max": 12`, `"min": 1, "mode": 30, "max": 12`, 1)
	bad = strings.Replace(bad, `"low": 1, "high": 10`, `"low": 10, "high": 1`, 1)
	tests := []struct {
		name  string
		args  []string
		usage bool     // a usage error (exit 2) rather than a failure (exit 1)
		lines []string // lines the error message must hold
	}{
		{"invalid scenarios", []string{"--in", writeRiskFile(t, "bad.json", bad)}, false,
			[]string{"the risk input is not valid:", "  scenarios[0].tef.mode: must be between min and max", "  scenarios[1].primary_loss.high: must be greater than low"}},
		{"iterations out of range", []string{"--in", writeRiskFile(t, "ok.json", riskInput), "--iterations", "0"}, false,
			[]string{"  iterations: must be from 1 to 10000000"}},
		{"unknown field", []string{"--in", writeRiskFile(t, "typo.json", strings.Replace(riskInput, `"seed"`, `"sead"`, 1))}, false,
			[]string{"  sead: is not a known field"}},
		{"missing file", []string{"--in", filepath.Join(t.TempDir(), "none.json")}, false, []string{"no such file"}},
		{"missing --in", nil, true, []string{"--in FILE.json is required"}},
		{"bad flag", []string{"--iterations", "many"}, true, []string{"invalid value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, out, _ := riskEnv()
			err := cmdRiskSimulate(context.Background(), e, tt.args)
			if err == nil {
				t.Fatalf("no error; printed %s", out)
			}
			var ue *usageError
			if errors.As(err, &ue) != tt.usage {
				t.Errorf("usage error = %v, want %v: %v", !tt.usage, tt.usage, err)
			}
			// describe is what run prints after "bulkhead risk simulate: ".
			msg := strings.Split(describe(err), "\n")
			for _, line := range tt.lines {
				if !riskMessageHas(msg, line) {
					t.Errorf("message lacks line %q:\n%s", line, describe(err))
				}
			}
			if out.Len() != 0 {
				t.Errorf("printed results despite the error: %s", out)
			}
		})
	}
}

func riskMessageHas(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// TestBenchRiskStops: the benchmark prints its header and stops on a
// cancelled context (running it in full takes seconds: bulkhead bench risk).
func TestBenchRiskStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b bytes.Buffer
	if err := benchRisk(ctx, &b); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if !strings.HasPrefix(b.String(), "bench risk: ") {
		t.Errorf("printed %q", b.String())
	}
}
