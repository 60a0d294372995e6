package main

import (
	"strings"
	"testing"
)

func TestShipmentCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--org", "acme", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager")
	as := []string{"--org", "acme", "--as", "ana@acme.example"}
	site := strings.Fields(must(t, env, "", "site add", "--name", "Rotterdam DC", "--type", "warehouse", "--country", "NL", "--org", "acme", "--as", "ana@acme.example"))

	// Bad input: a message and a non-zero exit, nothing stored.
	code, _, errs := cli(t, env, "", append([]string{"shipment create", "--ref", "HLX-1", "--origin", "ROTTERDAM", "--destination", "MXNLD", "--mode", "sea"}, as...)...)
	if code == 0 || !strings.Contains(errs, "origin") {
		t.Errorf("bad origin: exit %d, %s", code, errs)
	}
	out := must(t, env, "", append([]string{"shipment create", "--ref", "HLX-1", "--origin", "nlrtm", "--destination", "MXNLD", "--mode", "sea",
		"--equipment", "CSQU3054383 NL-1", "--equipment", "TGHU1234560 NL-2", "--departure", "2026-05-01", "--arrival", "2026-05-20"}, as...)...)
	if !strings.Contains(out, "CHECK DIGIT WRONG") || !strings.Contains(out, "NLRTM → MXNLD") {
		t.Errorf("create: %s", out)
	}
	if out := must(t, env, "", append([]string{"shipment list", "--origin", "NLRTM", "--status", "planned"}, as...)...); !strings.Contains(out, "HLX-1") || !strings.Contains(out, "1 of 1 shipments") {
		t.Errorf("list: %s", out)
	}
	if out := must(t, env, "", append([]string{"shipment show", "--ref", "hlx-1"}, as...)...); !strings.Contains(out, "seals: NL-2") {
		t.Errorf("show: %s", out)
	}
	code, _, errs = cli(t, env, "", append([]string{"shipment status", "--ref", "HLX-1", "--to", "delivered"}, as...)...)
	if code == 0 || !strings.Contains(errs, "cannot become delivered") {
		t.Errorf("planned → delivered: exit %d, %s", code, errs)
	}
	if out := must(t, env, "", append([]string{"shipment status", "--ref", "HLX-1", "--to", "in_transit"}, as...)...); !strings.Contains(out, "in_transit") {
		t.Errorf("status: %s", out)
	}
	must(t, env, "", append([]string{"seal issue", "--site", site[0], "--number", "NL-1"}, as...)...)
	must(t, env, "", append([]string{"seal record", "--number", "NL-1", "--action", "affix", "--equipment", "CSQU3054383"}, as...)...)
	must(t, env, "", append([]string{"seal record", "--number", "NL-1", "--action", "verify", "--method", "verify", "--read", "NL-9"}, as...)...)
	out = must(t, env, "", append([]string{"shipment timeline", "--ref", "HLX-1"}, as...)...)
	for _, want := range []string{"2 events, 0 gaps", "READ AS NL-9", "seal check CSQU3054383: MISMATCH", "seal check TGHU1234560: NOT SEEN", "seal_mismatch (open)"} {
		if !strings.Contains(out, want) {
			t.Errorf("timeline lacks %q: %s", want, out)
		}
	}
	if out := must(t, env, "", append([]string{"shipment list", "--equipment", "TGHU1234560"}, as...)...); !strings.Contains(out, "HLX-1") {
		t.Errorf("list --equipment: %s", out)
	}
	if out := must(t, env, "", append([]string{"shipment list", "--equipment", "MSKU9070323"}, as...)...); strings.Contains(out, "HLX-1") {
		t.Errorf("list --equipment ignored: %s", out)
	}
	// Archived, a shipment keeps its status until it is restored.
	if out := must(t, env, "", append([]string{"shipment archive", "--ref", "HLX-1"}, as...)...); !strings.Contains(out, "archived") {
		t.Errorf("archive: %s", out)
	}
	code, _, errs = cli(t, env, "", append([]string{"shipment status", "--ref", "HLX-1", "--to", "delivered"}, as...)...)
	if code == 0 || !strings.Contains(errs, "restore it before editing") {
		t.Errorf("status of an archived shipment: exit %d, %s", code, errs)
	}
	if out := must(t, env, "", append([]string{"shipment restore", "--ref", "HLX-1"}, as...)...); !strings.Contains(out, "active") {
		t.Errorf("restore: %s", out)
	}
	must(t, env, "", append([]string{"shipment status", "--ref", "HLX-1", "--to", "delivered"}, as...)...)
}
