package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// epcisVectors holds the event hash test vectors (see its README.md).
const epcisVectors = "../../internal/epcis/testdata/hash-vectors"

// runEPCISHash calls the command as the CLI would and returns its output.
func runEPCISHash(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	err := cmdEPCISHash(context.Background(), e, args)
	return out.String(), errb.String(), err
}

func readVector(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(epcisVectors, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestEPCISHash(t *testing.T) {
	input := filepath.Join(epcisVectors, "epcisDocWithVariousEventTypes.jsonld")
	wantHashes := strings.TrimRight(readVector(t, "epcisDocWithVariousEventTypes.hashes"), "\n") + "\n"
	wantPre := strings.TrimRight(readVector(t, "epcisDocWithVariousEventTypes.prehashes"), "\n") + "\n"
	xmlDoc := readVector(t, "epcisDocWithVariousEventTypes.xml")

	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"file", "", []string{input}, wantHashes},
		{"--prehash before FILE", "", []string{"--prehash", input}, wantPre},
		{"--prehash after FILE", "", []string{input, "-prehash"}, wantPre},
		{"XML on stdin", xmlDoc, []string{"-"}, wantHashes},
	}
	for _, tt := range tests {
		out, _, err := runEPCISHash(t, tt.stdin, tt.args...)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if out != tt.want {
			t.Errorf("%s: output\n%s\nwant\n%s", tt.name, out, tt.want)
		}
	}
}

func TestEPCISHashErrors(t *testing.T) {
	var ue *usageError
	for _, args := range [][]string{nil, {"--prehash"}, {"a.json", "b.json"}, {"--colour", "x"}} {
		if _, _, err := runEPCISHash(t, "", args...); !errors.As(err, &ue) {
			t.Errorf("args %q: error %v, want a usage error", args, err)
		}
	}
	if _, _, err := runEPCISHash(t, "", "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
	if _, _, err := runEPCISHash(t, "", filepath.Join(t.TempDir(), "missing.json")); err == nil || errors.As(err, &ue) {
		t.Errorf("missing file: %v, want a plain error", err)
	}
	doc := `{"type": "EPCISDocument", "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventID": "urn:uuid:1", "eventTime": "tomorrow"}]}}`
	out, _, err := runEPCISHash(t, doc, "-")
	if err == nil || out != "" || !strings.Contains(err.Error(), `event 0 (eventID "urn:uuid:1"), field eventTime`) {
		t.Errorf("bad event: output %q, error %v", out, err)
	}
}
