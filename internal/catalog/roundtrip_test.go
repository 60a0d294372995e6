package catalog

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite library/*.yaml in canonical form")

// libraryCmp compares libraries by value, ignoring source positions.
var libraryCmp = []cmp.Option{cmpopts.IgnoreUnexported(Library{})}

// exampleFiles are every YAML file the tests ship, embedded catalogs included.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"testdata/*.yaml", "library/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("found only %d example files", len(files))
	}
	return files
}

func parseFile(t *testing.T, name string) *Library {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := ParseBytes(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return lib
}

func write(t *testing.T, lib *Library) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, lib); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRoundTrip: for every example file, Parse(Write(Parse(x))) equals
// Parse(x), the file validates, and export is deterministic.
func TestRoundTrip(t *testing.T) {
	for _, name := range exampleFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			lib := parseFile(t, name)
			if err := lib.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			out := write(t, lib)
			again, err := ParseBytes(out)
			if err != nil {
				t.Fatalf("re-parse of Write output: %v\n%s", err, out)
			}
			if diff := cmp.Diff(lib, again, libraryCmp...); diff != "" {
				t.Errorf("round trip changed the library (-parsed +reparsed):\n%s", diff)
			}
			if out2 := write(t, again); !bytes.Equal(out, out2) {
				t.Errorf("export is not a fixed point:\n%s\n---\n%s", out, out2)
			}
			if out3 := write(t, lib); !bytes.Equal(out, out3) {
				t.Error("exporting the same library twice gave different bytes")
			}
		})
	}
}

// TestEmbeddedCanonical keeps the shipped catalogs in Write's canonical
// form, so that a re-export never shows a spurious diff. Run with -update
// after editing them.
func TestEmbeddedCanonical(t *testing.T) {
	files, err := filepath.Glob("library/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out := write(t, parseFile(t, name))
		if bytes.Equal(data, out) {
			continue
		}
		if *update {
			if err := os.WriteFile(name, out, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is not in canonical form; run go test ./internal/catalog -run TestEmbeddedCanonical -update", name)
	}
}

// TestRoundTripValues checks what the example files must decode to: text
// keeps its source spelling, unknown keys are kept in order, provenance is
// split from the annotation.
func TestRoundTripValues(t *testing.T) {
	lib := parseFile(t, "testdata/full.yaml")
	fw := lib.Objects.Framework
	n := fw.RequirementNodes[1]
	if n.RefID != "1.10" || fw.RequirementNodes[0].RefID != "1" || fw.RequirementNodes[3].RefID != "2.0" {
		t.Errorf("ref IDs lost their spelling: %q %q %q", fw.RequirementNodes[0].RefID, n.RefID, fw.RequirementNodes[3].RefID)
	}
	if fw.RequirementNodes[3].Name != "null" || fw.RequirementNodes[2].Description != "yes" {
		t.Errorf("quoted YAML words changed: %q %q", fw.RequirementNodes[3].Name, fw.RequirementNodes[2].Description)
	}
	if n.Provenance != ProvenanceSecondary || n.Annotation != "Check against the source: it may change." {
		t.Errorf("provenance split: %q / %q", n.Provenance, n.Annotation)
	}
	if p := fw.RequirementNodes[2]; p.Provenance != "" || p.Annotation != "Plain guidance without a marker." {
		t.Errorf("annotation without marker: %q / %q", p.Provenance, p.Annotation)
	}
	if n.Description != "\u2022\tBullet with a tab\n\u2022\tand a second line, ending with spaces  " {
		t.Errorf("description = %q", n.Description)
	}
	if n.TypicalEvidence != "Literal block\n  indented line\nlast line\n" {
		t.Errorf("typical_evidence = %q", n.TypicalEvidence)
	}
	if lib.Description != "First paragraph of a description\nthat PyYAML folded over two lines." {
		t.Errorf("library description = %q", lib.Description)
	}
	if len(n.Questions) != 2 || n.Questions[0].URN != "urn:example:risk:question:full-test:1.10:q1" ||
		n.Questions[1].DependsOn == nil || n.Questions[1].DependsOn.Condition != "any" {
		t.Errorf("questions = %+v", n.Questions)
	}
	wantTop := Fields{{Key: "unknown_top", Value: Fields{
		{Key: "b", Value: int64(1)},
		{Key: "a", Value: []any{"x", 2.5, true, nil, int64(-3), uint64(18446744073709551615)}},
	}}}
	if diff := cmp.Diff(wantTop, lib.Extra); diff != "" {
		t.Errorf("library Extra (-want +got):\n%s", diff)
	}
	want := []string{
		"unknown_top",
		"objects.framework.field_visibility",
		"objects.framework.requirement_nodes[1].future_node_key",
		"objects.framework.requirement_nodes[1].questions.urn:example:risk:question:full-test:1.10:q1.choices[1].future_choice_key",
		"objects.framework.requirement_nodes[1].questions.urn:example:risk:question:full-test:1.10:q2.future_question_key",
	}
	if diff := cmp.Diff(want, lib.UnknownFields()); diff != "" {
		t.Errorf("UnknownFields (-want +got):\n%s", diff)
	}
	m := parseFile(t, "testdata/matrix.yaml")
	if got := m.Objects.Extra; len(got) != 1 || got[0].Key != "preset" {
		t.Errorf("objects Extra = %v", got)
	}
	if dt := m.Objects.MetricDefinitions[0].DefaultTarget; dt == nil || *dt != 0 {
		t.Errorf("default_target = %v", dt)
	}
}

// TestWriteShape pins the output style for a small library.
func TestWriteShape(t *testing.T) {
	one := 1
	lib := &Library{
		URN: "urn:example:risk:library:shape", Locale: "en", RefID: "4.10", Name: "Shape: a test",
		Description: "line one\nline two", Version: 1, Provider: "Example", Packager: "example",
		Objects: Objects{Framework: &Framework{
			URN: "urn:example:risk:framework:shape", RefID: "SHAPE", Name: "yes",
			RequirementNodes: []RequirementNode{{
				URN: "urn:example:risk:req_node:shape:1", Depth: 1, RefID: "1", Name: "Tab\there",
				Provenance: ProvenanceVerified, ImplementationGroups: []string{"a"},
			}},
			ImplementationGroupsDefinition: []ImplementationGroup{{RefID: "a", Name: "A"}},
			Extra:                          Fields{{Key: "x", Value: []any{[]any{int64(1), 2.0}, Fields{}, []any{}}}},
		}},
		Extra: Fields{{Key: "weird key: here", Value: &one}},
	}
	want := `urn: urn:example:risk:library:shape
locale: en
ref_id: "4.10"
name: "Shape: a test"
description: "line one\nline two"
version: 1
provider: Example
packager: example
objects:
  framework:
    urn: urn:example:risk:framework:shape
    ref_id: SHAPE
    name: "yes"
    implementation_groups_definition:
    - ref_id: a
      name: A
    requirement_nodes:
    - urn: urn:example:risk:req_node:shape:1
      assessable: false
      depth: 1
      ref_id: "1"
      name: "Tab\there"
      annotation: "[bulkhead:provenance=verified]"
      implementation_groups:
      - a
    x:
    - - 1
      - 2.0
    - {}
    - []
"weird key: here": 1
`
	if got := string(write(t, lib)); got != want {
		t.Errorf("Write:\n%s\nwant:\n%s\ndiff:\n%s", got, want, cmp.Diff(want, got))
	}
}

func TestWriteErrors(t *testing.T) {
	for name, lib := range map[string]*Library{
		"nil":                          nil,
		"invalid UTF8":                 {Name: "bad \xff"},
		"extra repeats a modelled key": {Extra: Fields{{Key: "name", Value: "x"}}},
		"extra repeats itself":         {Extra: Fields{{Key: "k", Value: 1}, {Key: "k", Value: 2}}},
		"unsupported value":            {Extra: Fields{{Key: "k", Value: make(chan int)}}},
	} {
		if err := Write(&bytes.Buffer{}, lib); err == nil {
			t.Errorf("%s: Write succeeded", name)
		}
	}
}
