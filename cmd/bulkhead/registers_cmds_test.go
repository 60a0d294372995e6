package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestRegisterCLI(t *testing.T) {
	env := map[string]string{"BULKHEAD_DATA": t.TempDir(), "BULKHEAD_ORG": "acme"}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	anaID := strings.Fields(must(t, env, "a long password 1\n", "user add", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager"))[0]
	must(t, env, "a long password 2\n", "user add", "--email", "vic@acme.example", "--name", "Vic", "--role", "viewer")
	must(t, env, "a long password 3\n", "user add", "--email", "top@acme.example", "--name", "Top", "--role", "top_management")
	idRE := regexp.MustCompile(`(?m)^id\s+(\S+)`)
	id := func(out string) string {
		t.Helper()
		m := idRE.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no id in:\n%s", out)
		}
		return m[1]
	}

	out := must(t, env, `{"origin":"external","category":"supply_chain","title":"Cargo theft on A67","review_date":"2020-01-01"}`,
		"context-issue add", "--as", "ana@acme.example", "--json", "-")
	issue := id(out)
	out = must(t, env, "", "context-issue list", "--as", "vic@acme.example", "--q", "a67")
	if !strings.Contains(out, "Cargo theft on A67") || !strings.Contains(out, "supply_chain") {
		t.Errorf("list:\n%s", out)
	}
	must(t, env, `{"effect":"Parking policy"}`, "context-issue edit", "--as", "ana@acme.example", "--id", issue, "--json", "-")
	if out := must(t, env, "", "context-issue show", "--as", "vic@acme.example", "--id", issue); !strings.Contains(out, "Parking policy") {
		t.Errorf("show after edit:\n%s", out)
	}
	must(t, env, "", "context-issue archive", "--as", "ana@acme.example", "--id", issue)
	if out := must(t, env, "", "context-issue list", "--as", "ana@acme.example", "--status", "archived", "--format", "csv"); !strings.Contains(out, issue) {
		t.Errorf("archived list:\n%s", out)
	}
	must(t, env, "", "context-issue restore", "--as", "ana@acme.example", "--id", issue)

	obj := id(must(t, env, `{"statement":"Fewer thefts","measure":"Thefts","target":4,"current":3,"start_date":"2026-01-01","due_date":"2026-12-31"}`,
		"objective add", "--as", "top@acme.example", "--json", "-"))
	if out := must(t, env, "", "objective show", "--as", "vic@acme.example", "--id", obj); !regexp.MustCompile(`progress_percent\s+75`).MatchString(out) {
		t.Errorf("objective:\n%s", out)
	}
	must(t, env, `{"description":"Contract secured parking","due_date":"2020-02-01"}`, "objective-action add", "--as", "ana@acme.example", "--objective", obj, "--json", "-")
	if out := must(t, env, "", "objective-action list", "--as", "vic@acme.example", "--objective", obj); !strings.Contains(out, "Contract secured parking") {
		t.Errorf("actions:\n%s", out)
	}

	change := id(must(t, env, `{"title":"Move the gate","description":"East entrance","risk_reviewed":true,"risk_review":"Both gates manned","reviewer_id":"`+anaID+`"}`,
		"change add", "--as", "ana@acme.example", "--json", "-"))

	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"dates out of order", `{"title":"UCC","jurisdiction":"EU","last_review":"2026-05-01","next_review":"2026-01-01"}`,
			[]string{"legal add", "--as", "ana@acme.example", "--json", "-"}, exitError, "next_review: is before the date it must follow"},
		{"unknown enum", `{"title":"x","jurisdiction":"EU","compliance":"mostly"}`,
			[]string{"legal add", "--as", "ana@acme.example", "--json", "-"}, exitError, "compliance: is not one of the allowed choices"},
		{"unknown field", `{"title":"x","colour":"red"}`, []string{"legal add", "--as", "ana@acme.example", "--json", "-"}, exitError, "colour"},
		{"no json", "", []string{"legal add", "--as", "ana@acme.example"}, exitUsage, "--json"},
		{"viewer may not add", `{"title":"x","jurisdiction":"EU"}`, []string{"legal add", "--as", "vic@acme.example", "--json", "-"}, exitError, "does not allow"},
		{"requester approves", "", []string{"change approve", "--as", "ana@acme.example", "--id", change}, exitError, "approved_by: cannot be the member who requested the change"},
		{"unknown record", "", []string{"party show", "--as", "ana@acme.example", "--id", "01JBOGUS0000000000000000000"}, exitError, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := cli(t, env, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.stderr)
			}
		})
	}
	if out := must(t, env, "", "legal list", "--as", "ana@acme.example", "--format", "json"); !strings.Contains(out, `"total": 0`) {
		t.Errorf("refused adds stored something:\n%s", out)
	}
	if out := must(t, env, "", "change approve", "--as", "top@acme.example", "--id", change); !regexp.MustCompile(`status\s+approved`).MatchString(out) {
		t.Errorf("approve:\n%s", out)
	}
	if out := must(t, env, "", "tasks", "--as", "ana@acme.example"); !strings.Contains(out, "Cargo theft on A67") {
		t.Errorf("tasks:\n%s", out)
	}
	if out := must(t, env, "", "coverage", "--as", "vic@acme.example"); !regexp.MustCompile(`6\.3\s+planned_change\s+1\s+0`).MatchString(out) {
		t.Errorf("coverage:\n%s", out)
	}
}
