package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLibraryCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir, "BULKHEAD_ORG": "acme"}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager")
	must(t, env, "a long password 2\n", "user add", "--email", "vic@acme.example", "--name", "Vic", "--role", "viewer")

	out := must(t, env, "", "library list", "--as", "vic@acme.example")
	var isoID string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "ISO 28000:2022 clause outline") {
			isoID = strings.Fields(line)[0]
		}
	}
	if isoID == "" || !strings.Contains(out, "CTPAT Minimum Security Criteria") {
		t.Fatalf("library list:\n%s", out)
	}
	lib := `urn: urn:acme:risk:library:cli
locale: en
ref_id: CLI
name: CLI framework
description: Test.
version: 1
provider: Acme
packager: acme
objects:
  framework:
    urn: urn:acme:risk:framework:cli
    ref_id: CLI
    name: CLI
    requirement_nodes:
    - urn: urn:acme:risk:req_node:cli:1
      assessable: true
      depth: 1
      ref_id: "1"
      name: One
`
	file := filepath.Join(dir, "cli.yaml")
	os.WriteFile(file, []byte(lib), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(lib, "depth: 1", "depth: 1\n      parent_urn: urn:acme:risk:req_node:cli:9", 1)), 0o644)

	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"viewer cannot import", []string{"library import", "--as", "vic@acme.example", file}, exitError, "does not allow"},
		{"bad parent names file and URN", []string{"library import", "--as", "ana@acme.example", bad}, exitError, "bad.yaml: line"},
		{"no file", []string{"library import", "--as", "ana@acme.example"}, exitUsage, "want one FILE"},
		{"bad format", []string{"library export", "--as", "vic@acme.example", "--format", "pdf", isoID}, exitUsage, "--format"},
		{"unknown library", []string{"library export", "--as", "vic@acme.example", "nope"}, exitError, "not found"},
	} {
		code, _, errs := cli(t, env, "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, errs, tt.code, tt.stderr)
		}
	}
	if out := must(t, env, "", "library import", "--as", "ana@acme.example", "--dry-run", file); !strings.Contains(out, "1 added") || strings.Contains(out, "imported") {
		t.Errorf("dry run:\n%s", out)
	}
	out = must(t, env, "", "library import", "--as", "ana@acme.example", file)
	id := strings.TrimSpace(strings.TrimPrefix(out[strings.LastIndex(out, "imported "):], "imported "))
	exported := filepath.Join(dir, "out.yaml")
	must(t, env, "", "library export", "--as", "vic@acme.example", "--format", "ciso-assistant", id, "-o", exported)
	if got, _ := os.ReadFile(exported); string(got) != lib {
		t.Errorf("export differs:\n%s", got)
	}
	if out := must(t, env, "", "library export", "--as", "vic@acme.example", "--format", "oscal", isoID); !strings.Contains(out, `"oscal-version": "1.1.2"`) {
		t.Errorf("OSCAL export: %.200s", out)
	}
	sheet := filepath.Join(dir, "more.csv")
	os.WriteFile(sheet, []byte("ref_id,parent,title,importance\n2,,Two,must\n"), 0o644)
	if out := must(t, env, "", "library sheet", "--as", "ana@acme.example", "--id", id, sheet); !strings.Contains(out, "1 added") {
		t.Errorf("sheet:\n%s", out)
	}
	if out := must(t, env, "", "assessment list", "--as", "vic@acme.example"); !strings.Contains(out, "ASSESSED") {
		t.Errorf("assessment list:\n%s", out)
	}
}
