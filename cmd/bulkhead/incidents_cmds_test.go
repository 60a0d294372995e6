package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIncidentCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir, "BULKHEAD_ORG": "acme", "BULKHEAD_AS": "ana@acme.example"}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--org", "acme", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager")
	now := time.Now().UTC()
	occ, det := now.Add(-5*time.Hour).Format(time.RFC3339), now.Add(-4*time.Hour).Format(time.RFC3339)

	code, _, errs := cli(t, env, "", "incident add", "--type", "cargo_theft", "--severity", "high", "--title", "X", "--occurred", occ, "--detected", occ[:10]+"T00:00:00Z")
	if code != exitError || !strings.Contains(errs, "detected_at: is before the incident occurred") {
		t.Errorf("detected before occurred: exit %d %q", code, errs)
	}
	code, _, errs = cli(t, env, "", "incident add", "--type", "cargo_theft", "--severity", "high", "--title", "X", "--occurred", occ, "--detected", det, "--loss", "5", "--currency", "EUX")
	if code != exitError || !strings.Contains(errs, "currency: is not an active ISO 4217 currency code") {
		t.Errorf("unknown currency: exit %d %q", code, errs)
	}
	out := must(t, env, "", "incident add", "--type", "cargo_theft", "--severity", "high", "--title", "Trailer emptied", "--occurred", occ, "--detected", det,
		"--loss", "18250", "--currency", "EUR", "--lat", "51.37", "--lon", "6.17")
	id := strings.Fields(out)[0]
	if out := must(t, env, "", "incident list", "--type", "cargo_theft"); !strings.Contains(out, "Trailer emptied") || !strings.Contains(out, "EUR 18250.00") {
		t.Errorf("list: %s", out)
	}
	if out := must(t, env, "", "incident show", "--id", id); !strings.Contains(out, "police due") || !strings.Contains(out, "OVERDUE") {
		t.Errorf("show: %s", out)
	}
	must(t, env, "", "incident notify", "--id", id, "--recipient", "police", "--reference", "PV-1")
	if out := must(t, env, "", "incident show", "--id", id); !strings.Contains(out, "ref PV-1") {
		t.Errorf("after notify: %s", out)
	}
	code, _, errs = cli(t, env, "", "incident status", "--id", id, "--to", "closed")
	if code != exitError || !strings.Contains(errs, "root_cause") {
		t.Errorf("close without root cause: exit %d %q", code, errs)
	}
	// Import: a file with a bad row commits nothing unless asked.
	head := "reference,date,position,navArea,subreg,hostility,victim,description\n"
	file := filepath.Join(dir, "asam.csv")
	os.WriteFile(file, []byte(head+
		"2022-1,2022-04-28,\"13°43'00\"\"N 121°02'00\"\"E\",XI,91,Robbers,Tanker,\"Robbers boarded and stole rope.\"\n"+
		"2022-2,2022-04-27,\"5°60'00\"\"S 106°54'00\"\"E\",XI,71,Pirates,Bulk carrier,\"Approached.\"\n"), 0o600)
	code, out, errs = cli(t, env, "", "incident import", "--file", file, "--commit")
	if code != exitError || !strings.Contains(out, "row 3\tlatitude\tcoordinates") || !strings.Contains(errs, "--commit-good-rows") {
		t.Errorf("commit with a bad row: exit %d\n%s\n%s", code, out, errs)
	}
	out = must(t, env, "", "incident import", "--file", file, "--commit-good-rows")
	if !strings.Contains(out, "asam: 2 rows, 1 good, 1 rejected, 1 imported") {
		t.Errorf("commit good rows: %s", out)
	}
	csvOut := must(t, env, "", "incident export")
	if !strings.Contains(csvOut, "piracy_armed_robbery") || !strings.Contains(csvOut, "Trailer emptied") {
		t.Errorf("export: %s", csvOut)
	}
	if out := must(t, env, "", "incident rules"); !strings.Contains(out, "seal_tampering") {
		t.Errorf("rules: %s", out)
	}
}
