package main

import (
	"strings"
	"testing"
)

func TestCustodyCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--org", "acme", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager")
	as := []string{"--org", "acme", "--as", "ana@acme.example"}
	site := strings.Fields(must(t, env, "", append([]string{"site add", "--name", "Rotterdam DC", "--type", "warehouse", "--country", "NL"}, as...)...))[0]

	must(t, env, "", append([]string{"seal issue", "--site", site, "--number", "nl-42"}, as...)...)
	out := must(t, env, "", append([]string{"seal record", "--number", "NL-42", "--action", "affix", "--equipment", "CSQU3054384"}, as...)...)
	if !strings.Contains(out, "affixed") || !strings.Contains(out, "discrepancy") {
		t.Errorf("seal record: %s", out)
	}
	if out := must(t, env, "", append([]string{"seal list"}, as...)...); !strings.Contains(out, "CHECK DIGIT WRONG") {
		t.Errorf("seal list: %s", out)
	}
	if out := must(t, env, "", append([]string{"discrepancy list"}, as...)...); !strings.Contains(out, "equipment_check") {
		t.Errorf("discrepancy list: %s", out)
	}
	code, _, errs := cli(t, env, "", append([]string{"seal record", "--number", "NL-42", "--action", "affix", "--equipment", "CSQU3054383"}, as...)...)
	if code == 0 || !strings.Contains(errs, "cannot be affixed") {
		t.Errorf("affix twice: exit %d, %s", code, errs)
	}

	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":[` +
		`{"type":"ObjectEvent","eventTime":"2026-05-01T10:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:bic:CSQU3054383"],"action":"OBSERVE","bizStep":"loading"}]}}`
	if out := must(t, env, doc, append([]string{"epcis capture", "-"}, as...)...); !strings.Contains(out, "success, 1 of 1 events stored") {
		t.Errorf("capture: %s", out)
	}
	code, _, errs = cli(t, env, doc, append([]string{"epcis capture", "-"}, as...)...)
	if code == 0 || !strings.Contains(errs, "already stored") {
		t.Errorf("capture again: exit %d, %s", code, errs)
	}
	out = must(t, env, "", append([]string{"epcis events", "--query", "MATCH_epc=urn:epc:id:bic:CSQU3054383&EQ_bizStep=loading"}, as...)...)
	if !strings.Contains(out, `"EPCISQueryDocument"`) || !strings.Contains(out, `"loading"`) {
		t.Errorf("events: %s", out)
	}
	if out := must(t, env, "", append([]string{"epcis timeline", "--epc", "urn:epc:id:bic:CSQU3054383"}, as...)...); !strings.Contains(out, "loading") || !strings.Contains(out, "1 events, 0 gaps") {
		t.Errorf("timeline: %s", out)
	}
	out = must(t, env, "", append([]string{"inspection record", "--site", site, "--template", "truck17", "--fail", "fuel_tanks=Tool marks on the straps", "--na", "reefer_unit"}, as...)...)
	if !strings.Contains(out, "1 failed") || !strings.Contains(out, "discrepancy") {
		t.Errorf("inspection record: %s", out)
	}
	code, _, errs = cli(t, env, "", append([]string{"inspection record", "--site", site, "--fail", "floor"}, as...)...)
	if code == 0 || !strings.Contains(errs, "results.floor") {
		t.Errorf("failed point without a note: exit %d, %s", code, errs)
	}
	if out := must(t, env, "", append([]string{"inspection list"}, as...)...); !strings.Contains(out, "truck17") {
		t.Errorf("inspection list: %s", out)
	}
	dcsa := `[{"eventID":"x1","eventType":"EQUIPMENT","eventDateTime":"2026-05-02T10:00:00Z","equipmentEventTypeCode":"GTIN","equipmentReference":"MSKU9070323","eventLocation":{"UNLocationCode":"MXNLD"}}]`
	if out := must(t, env, dcsa, append([]string{"epcis dcsa", "-"}, as...)...); !strings.Contains(out, "1 of 1 events stored") {
		t.Errorf("dcsa: %s", out)
	}
}
