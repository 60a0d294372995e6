package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
)

// cli runs the real command line in-process.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	if len(args) > 0 { // "org add" → "org", "add", as a shell would pass them
		args = append(strings.Fields(args[0]), args[1:]...)
	}
	code := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func must(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, env, stdin, args...)
	if code != 0 {
		t.Fatalf("bulkhead %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--org", "acme", "--email", "Ana@Acme.example", "--name", "Ana Ruiz", "--role", "security_manager", "--lang", "es", "--tz", "America/Mexico_City")
	must(t, env, "another password 2\n", "user add", "--org", "acme", "--email", "vic@acme.example", "--name", "Vic", "--role", "viewer")

	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"no command", "", nil, exitUsage, "Usage"},
		{"unknown command", "", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"unknown flag", "", []string{"org add", "--colour", "red"}, exitUsage, "flag provided but not defined"},
		{"bad slug", "", []string{"org add", "--name", "X", "--slug", "Not A Slug"}, exitError, "slug: is not valid"},
		{"duplicate slug", "", []string{"org add", "--name", "X", "--slug", "acme"}, exitError, "slug: is already taken"},
		{"missing password", "", []string{"user add", "--org", "acme", "--email", "new@acme.example", "--name", "N", "--role", "viewer"}, exitUsage, "password on standard input"},
		{"bad role", "a long password 3\n", []string{"user add", "--org", "acme", "--email", "new@acme.example", "--name", "N", "--role", "king"}, exitError, "role: is not one of the allowed choices"},
		{"short password", "short\n", []string{"user add", "--org", "acme", "--email", "new@acme.example", "--name", "N", "--role", "viewer"}, exitError, "password: is too short"},
		{"unknown org", "", []string{"site list", "--org", "nope", "--as", "ana@acme.example"}, exitError, `No organisation with slug "nope"`},
		{"bad UN/LOCODE", "", []string{"site add", "--org", "acme", "--as", "ana@acme.example", "--name", "X", "--type", "yard", "--country", "MX", "--unlocode", "MX-VER"}, exitError, "unlocode: must be a UN/LOCODE"},
		{"viewer cannot add", "", []string{"site add", "--org", "acme", "--as", "vic@acme.example", "--name", "X", "--type", "yard", "--country", "MX"}, exitError, "does not allow"},
		{"missing --as", "", []string{"site add", "--org", "acme", "--name", "X"}, exitUsage, "--as EMAIL is required"},
		{"bad format", "", []string{"site list", "--org", "acme", "--as", "ana@acme.example", "--format", "xml"}, exitUsage, "--format"},
	}
	for _, tt := range tests {
		code, _, errs := cli(t, env, tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, errs, tt.code, tt.stderr)
		}
	}

	out := must(t, env, "", "site add", "--org", "acme", "--as", "ana@acme.example", "--name", "Veracruz Terminal", "--type", "terminal", "--unlocode", "mxver", "--country", "MX", "--tz", "America/Mexico_City")
	id := strings.Fields(out)[0]
	must(t, env, "", "site add", "--org", "acme", "--as", "ana@acme.example", "--name", "Monterrey Plant", "--type", "plant", "--country", "MX")
	if out := must(t, env, "", "site edit", "--org", "acme", "--as", "ana@acme.example", "--id", id, "--notes", "Gate 4 only"); !strings.Contains(out, "Gate 4 only") || !strings.Contains(out, "MXVER") {
		t.Errorf("site edit:\n%s", out)
	}
	if code, _, errs := cli(t, env, "", "site edit", "--org", "acme", "--as", "ana@acme.example", "--id", id, "--country", "Mexico"); code != exitError || !strings.Contains(errs, "country:") {
		t.Errorf("site edit with a bad country: exit %d %s", code, errs)
	}
	if out := must(t, env, "", "site show", "--org", "acme", "--as", "vic@acme.example", "--id", id); !strings.Contains(out, "Gate 4 only") {
		t.Errorf("site show:\n%s", out)
	}
	if code, _, errs := cli(t, env, "", "site show", "--org", "acme", "--as", "vic@acme.example", "--id", "01NOSUCHSITE0000000000000A"); code != exitError || !strings.Contains(errs, "not found") {
		t.Errorf("site show of a missing site: exit %d %s", code, errs)
	}
	must(t, env, "", "site archive", "--org", "acme", "--as", "ana@acme.example", "--id", id)
	if out := must(t, env, "", "audit list", "--org", "acme", "--as", "ana@acme.example", "--object-id", id); !strings.Contains(out, "site.archive") || !strings.Contains(out, "site.update") || !strings.Contains(out, "site.create") {
		t.Errorf("audit list:\n%s", out)
	}
	if code, _, errs := cli(t, env, "", "audit list", "--org", "acme", "--as", "vic@acme.example"); code != exitError || !strings.Contains(errs, "does not allow") {
		t.Errorf("viewer audit list: exit %d %s", code, errs)
	}
	csv := must(t, env, "", "site list", "--org", "acme", "--as", "vic@acme.example", "--status", "all", "--format", "csv", "--sort", "-name")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], id+",Veracruz Terminal,terminal,MXVER,MX") || !strings.HasSuffix(lines[1], ",true") {
		t.Errorf("site list csv:\n%s", csv)
	}
	tok := strings.TrimSpace(must(t, env, "", "token create", "--org", "acme", "--email", "ana@acme.example", "--name", "ci"))
	if !strings.HasPrefix(tok, "bh_") || len(tok) < 40 {
		t.Errorf("token = %q", tok)
	}
	if out := must(t, env, "", "token list", "--org", "acme", "--email", "ana@acme.example"); !strings.Contains(out, "ci") || strings.Contains(out, tok) {
		t.Errorf("token list shows %q", out)
	}
	must(t, env, "a brand new password\n", "user passwd", "--email", "ana@acme.example")
	if out := must(t, env, "", "user role", "--org", "acme", "--email", "vic@acme.example", "--role", "auditor"); !strings.HasSuffix(strings.TrimSpace(out), "auditor") {
		t.Errorf("user role: %s", out)
	}
	if code, _, errs := cli(t, env, "", "user role", "--org", "acme", "--email", "vic@acme.example", "--role", "tsar"); code != exitError || !strings.Contains(errs, "role:") {
		t.Errorf("bad role: exit %d %s", code, errs)
	}
	if out := must(t, env, "", "migrate"); !strings.Contains(out, "0001_foundation.sql") {
		t.Errorf("migrate: %s", out)
	}
	if out := must(t, env, "", "version"); !strings.HasPrefix(out, "bulkhead ") {
		t.Errorf("version: %s", out)
	}

	// verify: intact, then tampered with directly in the database.
	out = must(t, env, "", "verify")
	if !strings.Contains(out, "intact  acme:") {
		t.Fatalf("verify: %s", out)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "bulkhead.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(context.Background(), `UPDATE audit_entries SET actor_name = 'mallory' WHERE seq = 5`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errs := cli(t, env, "", "verify", "--org", "acme")
	if code != exitTampered || !strings.Contains(out, "BROKEN  acme: first bad entry #5") || !strings.Contains(errs, "acme at entry #5") {
		t.Errorf("verify after tampering: exit %d\n%s%s", code, out, errs)
	}
}

// startServer runs `bulkhead serve` in-process on a free port and returns
// its URL and the first lines it printed.
func startServer(t *testing.T, env map[string]string, args ...string) (string, string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errb bytes.Buffer
	go func() {
		code := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), pw, &errb)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	var printed strings.Builder
	var url string
	deadline := time.After(120 * time.Second)
	lineCh := make(chan string)
	go func() {
		for sc.Scan() {
			lineCh <- sc.Text()
		}
		close(lineCh)
	}()
	for url == "" {
		select {
		case l, ok := <-lineCh:
			if !ok {
				t.Fatalf("serve exited before printing its URL: %s", errb.String())
			}
			printed.WriteString(l + "\n")
			if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(l); m != nil {
				url = m[1]
			}
		case <-deadline:
			t.Fatal("serve did not start in 120 s")
		}
	}
	// Collect the rest of the banner.
	for {
		select {
		case l, ok := <-lineCh:
			if ok {
				printed.WriteString(l + "\n")
				continue
			}
		case <-time.After(200 * time.Millisecond):
		}
		break
	}
	go func() {
		for range lineCh {
		}
	}()
	stop := func() int { cancel(); return <-done }
	t.Cleanup(func() { cancel() })
	return url, printed.String(), stop
}

func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir}
	url, banner, stop := startServer(t, env, "--demo")
	m := regexp.MustCompile(`as (admin@harbourline\.example) with password (\S+)`).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("banner does not say how to log in:\n%s", banner)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/login": 200, "/api/v1/openapi.json": 200, "/api/v1/sites": 401, "/": 303} {
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want && !(path == "/" && resp.StatusCode == http.StatusFound) {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	// The CLI works beside the running server; its token works on the API.
	tok := strings.TrimSpace(must(t, env, "", "token create", "--org", "harbourline", "--email", m[1], "--name", "e2e"))
	req, _ := http.NewRequest("GET", url+"/api/v1/sites", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Total int `json:"total"`
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if resp.StatusCode != 200 || list.Total != 4 {
		t.Errorf("demo sites over the API: %d, total %d", resp.StatusCode, list.Total)
	}
	// A second server on the same data directory refuses to start.
	code, _, errs := cli(t, env, "", "serve", "--addr", "127.0.0.1:0")
	if code != exitError || !strings.Contains(errs, "already using the data directory") {
		t.Errorf("second serve: exit %d, %s", code, errs)
	}
	resp, err = http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `bulkhead_http_requests_total{method="GET",route="GET /healthz",code="200"} 1`) {
		t.Errorf("metrics:\n%s", body)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit code on shutdown = %d", code)
	}
	// Restarting keeps the data and prints the same password.
	_, banner2, stop2 := startServer(t, env, "--demo")
	if !strings.Contains(banner2, m[2]) {
		t.Errorf("restart banner lacks the demo password:\n%s", banner2)
	}
	stop2()
	if out := must(t, env, "", "verify"); !strings.Contains(out, "intact  harbourline") {
		t.Errorf("verify after demo: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "demo-password")); err != nil {
		t.Error(err)
	}
	_ = fmt.Sprint()
}
