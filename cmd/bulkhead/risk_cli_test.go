package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestRiskCLI drives the risk commands on a real database: good input is
// stored, bad input names the field and exits non-zero.
func TestRiskCLI(t *testing.T) {
	env := map[string]string{"BULKHEAD_DATA": t.TempDir()}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--org", "acme", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager")
	as := []string{"--org", "acme", "--as", "ana@acme.example"}
	with := func(args ...string) []string { return append(append([]string(nil), args...), as...) }
	site := strings.Fields(must(t, env, "", with("site add", "--name", "Yard", "--type", "yard", "--country", "MX")...))[0]
	threat := strings.Fields(must(t, env, "", with("risk threat add", "--name", "Hijacking", "--family", "cargo")...))[0]
	assessment := strings.Fields(must(t, env, `{"title":"Yard 2026","method":"fair","date":"2026-02-01"}`, with("risk assessment add", "--in", "-")...))[0]
	scenario := func(extra string) string {
		return fmt.Sprintf(`{"assessment_id":%q,"threat_id":%q,"target_id":%q,"title":"Hijack at the gate",%s
			"fair":{"tef":{"type":"poisson","mean":2},"vulnerability":{"type":"constant","value":0.2},"primary_loss":{"type":"lognormal","low":1000,"high":90000}}}`,
			assessment, threat, site, extra)
	}
	id := strings.Fields(must(t, env, scenario(`"residual":{"likelihood":4,"consequence":4},`), with("risk scenario add", "--in", "-")...))[0]

	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"unknown family", "", with("risk threat add", "--name", "X", "--family", "weather"), exitError, "family: is not one of the allowed choices"},
		{"rating off the matrix", scenario(`"residual":{"likelihood":7,"consequence":1},`), with("risk scenario add", "--in", "-"), exitError, "residual: is outside the scale"},
		{"unknown JSON field", `{"title":"x","colour":"red"}`, with("risk assessment add", "--in", "-"), exitError, "unknown field"},
		{"iterations 0", "", with("risk run", "--id", id, "--iterations", "0"), exitError, "iterations:"},
		{"acceptance without authority", "", with("risk accept", "--id", id, "--rationale", "x", "--expires", "2027-01-01"), exitError, "role: your role has no authority"},
		{"bad register format", "", with("risk scenario list", "--format", "pdf"), exitUsage, "--format"},
	}
	for _, tt := range tests {
		code, _, errs := cli(t, env, tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, errs, tt.code, tt.stderr)
		}
	}
	if out := must(t, env, "", with("risk scenario list", "--format", "csv")...); !strings.Contains(out, "Hijack at the gate") || !strings.Contains(out, "High") {
		t.Errorf("register csv = %q", out)
	}
	out := must(t, env, "", with("risk run", "--id", id, "--iterations", "2000", "--seed", "5")...)
	run := regexp.MustCompile(`run (\w+)`).FindStringSubmatch(out)
	if run == nil || !strings.Contains(out, `"seed": 5`) {
		t.Fatalf("risk run output = %q", out)
	}
	if out := must(t, env, "", with("risk rerun", "--run", run[1])...); !strings.Contains(out, "identical") {
		t.Errorf("rerun = %q", out)
	}
}
