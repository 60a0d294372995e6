package main

import (
	"strings"
	"testing"
)

// TestContextRiskCLI links a risk scenario to a context issue from the
// command line, lists both sides, and checks that bad input exits non-zero
// with the problem named and stores nothing.
func TestContextRiskCLI(t *testing.T) {
	env := map[string]string{"BULKHEAD_DATA": t.TempDir(), "BULKHEAD_ORG": "acme"}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager")
	must(t, env, "a long password 2\n", "user add", "--email", "vic@acme.example", "--name", "Vic", "--role", "viewer")
	ana := []string{"--as", "ana@acme.example"}
	with := func(args ...string) []string { return append(append([]string(nil), args...), ana...) }
	site := strings.Fields(must(t, env, "", with("site add", "--name", "Yard", "--type", "yard", "--country", "MX")...))[0]
	threat := strings.Fields(must(t, env, "", with("risk threat add", "--name", "Hijacking", "--family", "cargo")...))[0]
	assessment := strings.Fields(must(t, env, `{"title":"Yard 2026","method":"matrix","date":"2026-02-01"}`, with("risk assessment add", "--in", "-")...))[0]
	risk := strings.Fields(must(t, env, `{"assessment_id":"`+assessment+`","threat_id":"`+threat+`","target_id":"`+site+`","title":"Hijack at the gate","current":{"likelihood":3,"consequence":4}}`,
		with("risk scenario add", "--in", "-")...))[0]
	out := must(t, env, `{"origin":"external","category":"supply_chain","title":"Cargo theft on A67"}`, with("context-issue add", "--json", "-")...)
	issue := strings.Fields(strings.SplitN(out, "\n", 2)[0])[1]

	if out := must(t, env, "", with("context-issue list", "--unlinked")...); !strings.Contains(out, issue) {
		t.Errorf("list --unlinked before linking lacks the issue:\n%s", out)
	}
	out = must(t, env, "", with("context-issue link", "--issue", issue, "--risk", risk)...)
	if out := must(t, env, "", with("context-issue list", "--unlinked")...); strings.Contains(out, issue) {
		t.Errorf("list --unlinked still shows the linked issue:\n%s", out)
	}
	if !strings.Contains(out, risk) || !strings.Contains(out, "Hijack at the gate") {
		t.Errorf("link output:\n%s", out)
	}
	if out := must(t, env, "", "context-issue risks", "--as", "vic@acme.example", "--issue", issue); !strings.Contains(out, "Hijack at the gate") {
		t.Errorf("risks:\n%s", out)
	}
	if out := must(t, env, "", "risk scenario context-issues", "--as", "vic@acme.example", "--risk", risk); !strings.Contains(out, "Cargo theft on A67") {
		t.Errorf("scenario's issues:\n%s", out)
	}

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"duplicate", with("context-issue link", "--issue", issue, "--risk", risk), exitError, "already linked"},
		{"unknown risk", with("context-issue link", "--issue", issue, "--risk", "01JBOGUS0000000000000000000"), exitError, "risk_id: refers to a record that does not exist"},
		{"unknown issue", with("context-issue link", "--issue", "01JBOGUS0000000000000000000", "--risk", risk), exitError, "not found"},
		{"no risk", with("context-issue link", "--issue", issue), exitUsage, "--risk is required"},
		{"no issue", with("context-issue risks"), exitUsage, "--issue is required"},
		{"viewer may not link", []string{"context-issue unlink", "--as", "vic@acme.example", "--issue", issue, "--risk", risk}, exitError, "does not allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := cli(t, env, "", tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.stderr)
			}
		})
	}

	if out := must(t, env, "", with("context-issue unlink", "--issue", issue, "--risk", risk)...); strings.Contains(out, "Hijack at the gate") {
		t.Errorf("after unlink:\n%s", out)
	}
	if code, _, errs := cli(t, env, "", with("context-issue unlink", "--issue", issue, "--risk", risk)...); code != exitError || !strings.Contains(errs, "not found") {
		t.Errorf("second unlink: exit %d, %q", code, errs)
	}
}
