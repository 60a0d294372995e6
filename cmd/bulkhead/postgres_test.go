package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/storetest"
)

// freshPostgres creates an empty database on BULKHEAD_TEST_POSTGRES and
// returns a key=value DSN for it, dropped when the test ends.
func freshPostgres(t *testing.T) string {
	t.Helper()
	dsn := storetest.FreshPostgres(t)
	if strings.Contains(dsn, "://") {
		t.Fatalf("use a key=value DSN for BULKHEAD_TEST_POSTGRES, got a URL")
	}
	return dsn
}

func TestCLIAndServeOnPostgres(t *testing.T) {
	env := map[string]string{"BULKHEAD_DB": freshPostgres(t), "BULKHEAD_DATA": t.TempDir()}
	if out := must(t, env, "", "migrate"); !strings.Contains(out, "applied 0001_foundation.sql") {
		t.Fatalf("migrate: %s", out)
	}
	must(t, env, "", "org add", "--name", "Puerto Seguro", "--slug", "puerto")
	must(t, env, "contraseña larga 1\n", "user add", "--org", "puerto", "--email", "pfso@puerto.example", "--name", "PFSO", "--role", "security_manager", "--lang", "es")
	must(t, env, "", "site add", "--org", "puerto", "--as", "pfso@puerto.example", "--name", "Terminal Norte", "--type", "port_facility", "--unlocode", "MXZLO", "--country", "MX", "--tz", "America/Mexico_City")
	code, _, errs := cli(t, env, "", "site add", "--org", "puerto", "--as", "pfso@puerto.example", "--name", "X", "--type", "port_facility", "--country", "MX", "--unlocode", "ZZ")
	if code != exitError || !strings.Contains(errs, "unlocode") {
		t.Errorf("bad UN/LOCODE on PostgreSQL: exit %d %s", code, errs)
	}

	url, banner, stop := startServer(t, env, "--demo")
	if !strings.Contains(banner, "Database: PostgreSQL") {
		t.Errorf("banner: %s", banner)
	}
	tok := strings.TrimSpace(must(t, env, "", "token create", "--org", "puerto", "--email", "pfso@puerto.example", "--name", "e2e"))
	req, _ := http.NewRequest("GET", url+"/api/v1/sites?q=norte", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("API on PostgreSQL: %d", resp.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit %d", code)
	}
	out := must(t, env, "", "verify")
	if !strings.Contains(out, "intact  puerto:") || !strings.Contains(out, "intact  harbourline:") {
		t.Errorf("verify: %s", out)
	}
}
