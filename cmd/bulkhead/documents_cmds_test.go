package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocumentCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir, "BULKHEAD_ORG": "acme"}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	for _, u := range [][2]string{{"sm@acme.example", "security_manager"}, {"boss@acme.example", "top_management"}, {"so@acme.example", "site_officer"}} {
		must(t, env, "a long password 1\n", "user add", "--email", u[0], "--name", u[0], "--role", u[1])
	}
	out := must(t, env, "", "document add", "--as", "sm@acme.example", "--reference", "sec-pol-001", "--title", "Security policy", "--type", "policy", "--ack", "yes", "--review-months", "12")
	id := strings.Fields(out)[0]
	md := filepath.Join(dir, "policy.md")
	os.WriteFile(md, []byte("# Policy\n\nWe keep freight safe."), 0o600)
	must(t, env, "", "document version add", "--as", "sm@acme.example", "--id", id, "--body-file", md, "--note", "first")
	exe := filepath.Join(dir, "policy.pdf")
	os.WriteFile(exe, append([]byte("MZ\x90\x00"), make([]byte, 64)...), 0o600)

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"publish a draft", []string{"document publish", "--as", "sm@acme.example", "--id", id}, exitError, "not been approved"},
		{"exe renamed pdf", []string{"document version add", "--as", "sm@acme.example", "--id", id, "--file", exe}, exitError, "file: must be a PDF"},
		{"two contents", []string{"document version add", "--as", "sm@acme.example", "--id", id, "--file", exe, "--body", "x"}, exitUsage, "give one of"},
		{"bad ack flag", []string{"document add", "--as", "sm@acme.example", "--reference", "X", "--title", "X", "--type", "form", "--ack", "maybe"}, exitUsage, "--ack"},
		{"submit", []string{"document submit", "--as", "sm@acme.example", "--id", id}, exitOK, ""},
		{"policy approved by the security manager", []string{"document approve", "--as", "sm@acme.example", "--id", id}, exitError, "may not approve"},
		{"ack before publication", []string{"document ack", "--as", "so@acme.example", "--id", id}, exitError, "no published version"},
		{"approve", []string{"document approve", "--as", "boss@acme.example", "--id", id}, exitOK, ""},
		{"publish", []string{"document publish", "--as", "boss@acme.example", "--id", id}, exitOK, ""},
		{"ack", []string{"document ack", "--as", "so@acme.example", "--id", id}, exitOK, ""},
	}
	for _, tt := range tests {
		code, _, errs := cli(t, env, "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tt.name, code, errs, tt.code, tt.stderr)
		}
	}
	out = must(t, env, "", "document acks", "--as", "boss@acme.example", "--id", id)
	if !strings.Contains(out, "version 1: 1 of 3 acknowledged") || !strings.Contains(out, "(no site)") {
		t.Errorf("acks:\n%s", out)
	}
	out = must(t, env, "", "document list", "--as", "so@acme.example", "--format", "csv")
	if !strings.Contains(out, "SEC-POL-001,Security policy,policy,internal,1,published,1,") {
		t.Errorf("list:\n%s", out)
	}
	out = must(t, env, "", "document show", "--as", "so@acme.example", "--id", id)
	if !strings.Contains(out, "published_version  1") || !strings.Contains(out, "(top_management)") {
		t.Errorf("show:\n%s", out)
	}
	if out = must(t, env, "", "document show", "--as", "so@acme.example", "--id", id, "--version", "1"); !strings.Contains(out, "We keep freight safe.") {
		t.Errorf("show --version:\n%s", out)
	}
}

func TestBenchDocuments(t *testing.T) {
	out := must(t, map[string]string{}, "", "bench", "documents", "-n", "120", "-requests", "3")
	if !strings.Contains(out, "filled 120 documents") || !strings.Contains(out, "web: /documents first page") {
		t.Errorf("bench output:\n%s", out)
	}
}
