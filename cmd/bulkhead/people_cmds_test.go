package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPeopleCLI builds a small register from the command line and reads
// the competence matrix of a site by its UN/LOCODE.
func TestPeopleCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir, "BULKHEAD_ORG": "acme", "BULKHEAD_AS": "ana@acme.example"}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--org", "acme", "--email", "ana@acme.example", "--name", "Ana Ruiz", "--role", "security_manager")
	must(t, env, "", "site add", "--name", "Rotterdam", "--type", "warehouse", "--unlocode", "NLRTM", "--country", "NL")
	first := func(out string) string { return strings.Fields(out)[0] }
	comp := first(must(t, env, "", "competence add", "--name", "Seal handling"))
	role := first(must(t, env, "", "role add", "--name", "Seal custodian", "--per-site", "--competences", comp))
	person := first(must(t, env, "", "person add", "--name", "Fatima El Amrani", "--sites", "nlrtm"))
	must(t, env, "", "role assign", "--role", role, "--person", person, "--site", "NLRTM", "--from", "2025-01-01")
	course := first(must(t, env, "", "course add", "--title", "Seal handling and VVTT", "--delivery", "classroom", "--recurrence", "24", "--competences", comp))

	if out := must(t, env, "", "competence matrix", "--site", "NLRTM", "--gaps"); !strings.Contains(out, "Fatima El Amrani\tSeal handling\tmissing") {
		t.Errorf("gaps before training:\n%s", out)
	}
	for _, tt := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"expiry before completion", []string{"training add", "--person", person, "--course", course, "--completed", "2026-02-01", "--expires", "2026-01-01"}, "expires: cannot be before the completion date"},
		{"assignment ends before it starts", []string{"role assign", "--role", role, "--person", person, "--site", "NLRTM", "--from", "2026-02-01", "--to", "2026-01-01"}, "to: cannot be before the start date"},
		{"unknown site", []string{"person list", "--site", "DEHAM"}, "No active site"},
	} {
		code, _, errs := cli(t, env, "", tt.args...)
		if code != exitError || !strings.Contains(errs, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q", tt.name, code, errs)
		}
	}
	html := filepath.Join(dir, "cert.pdf")
	if err := os.WriteFile(html, []byte("<html><body>not a pdf</body></html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := cli(t, env, "", "training add", "--person", person, "--course", course, "--completed", "2026-01-10", "--file", html); code != exitError || !strings.Contains(errs, "evidence_file") {
		t.Errorf("html evidence: exit %d, %s", code, errs)
	}
	pdf := filepath.Join(dir, "real.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.4\nx"), 0o600)
	if out := must(t, env, "", "training add", "--person", person, "--course", course, "--completed", "2026-01-10", "--file", pdf); !strings.Contains(out, "2028-01-10") {
		t.Errorf("training add: %s", out)
	}
	if code, out, _ := cli(t, env, "", "competence matrix", "--site", "NLRTM", "--gaps"); code != 0 || out != "" {
		t.Errorf("gaps after training: %q", out)
	}
	if out := must(t, env, "", "training list", "--site", "NLRTM", "--expiry", "valid"); !strings.Contains(out, "Seal handling and VVTT") {
		t.Errorf("training list:\n%s", out)
	}
	for _, cmd := range []string{"person list", "competence list", "role list", "course list"} {
		if out := must(t, env, "", cmd); strings.Count(out, "\n") < 2 {
			t.Errorf("%s:\n%s", cmd, out)
		}
	}
	must(t, env, "", "person archive", "--id", person)
	if out := must(t, env, "", "person list", "--status", "archived"); !strings.Contains(out, "Fatima") {
		t.Errorf("archived list:\n%s", out)
	}
}
