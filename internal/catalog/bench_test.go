package catalog

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// generated returns a library of n requirement nodes: sections of 49
// requirements each, with the fields a real catalog fills.
func generated(tb testing.TB, n int) []byte {
	tb.Helper()
	const urn = "urn:bench:risk:req_node:gen:"
	fw := &Framework{
		URN: "urn:bench:risk:framework:gen", RefID: "GEN", Name: "Generated",
		ImplementationGroupsDefinition: []ImplementationGroup{{RefID: "importer", Name: "Importer"}, {RefID: "carrier", Name: "Carrier"}},
	}
	section := ""
	for i := 0; len(fw.RequirementNodes) < n; i++ {
		if i%50 == 0 {
			section = fmt.Sprint(i/50 + 1)
			fw.RequirementNodes = append(fw.RequirementNodes, RequirementNode{
				URN: urn + section, Depth: 1, RefID: section, Name: "Section " + section,
				Description: "A generated section heading.", Provenance: ProvenanceVerified,
			})
			continue
		}
		ref := fmt.Sprintf("%s.%d", section, i%50)
		fw.RequirementNodes = append(fw.RequirementNodes, RequirementNode{
			URN: urn + ref, Assessable: true, Depth: 2, ParentURN: urn + section, RefID: ref,
			Name:                 "Requirement " + ref,
			Description:          "A generated requirement summary of about the length of a real one, in plain words.",
			Annotation:           "Guidance for the assessor: what to look at, and what good looks like.",
			TypicalEvidence:      "Procedure, records, logs.",
			ImplementationGroups: []string{"importer", "carrier"},
			Importance:           ImportanceMandatory,
			Provenance:           ProvenanceHarmonized,
		})
	}
	lib := &Library{
		URN: "urn:bench:risk:library:gen", Locale: "en", RefID: "GEN", Name: "Generated", Description: "Benchmark library.",
		Version: 1, Provider: "Bench", Packager: "bench", Objects: Objects{Framework: fw},
	}
	var b bytes.Buffer
	if err := Write(&b, lib); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func parseAndValidate(tb testing.TB, data []byte) *Library {
	lib, err := ParseBytes(data)
	if err != nil {
		tb.Fatal(err)
	}
	if err := lib.Validate(); err != nil {
		tb.Fatal(err)
	}
	return lib
}

// BenchmarkParseValidate2000 parses and validates a 2,000-requirement
// library (target: well under 2 s).
func BenchmarkParseValidate2000(b *testing.B) {
	data := generated(b, 2000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		parseAndValidate(b, data)
	}
}

// BenchmarkWrite2000 exports a 2,000-requirement library.
func BenchmarkWrite2000(b *testing.B) {
	lib := parseAndValidate(b, generated(b, 2000))
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(&bytes.Buffer{}, lib); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseValidate2000 checks that a 2,000-requirement library parses and
// validates. Its time is only logged: the brief forbids timing asserts in
// tests (a loaded CI machine made this one flaky); BenchmarkParseValidate2000
// and bulkhead bench library measure it.
func TestParseValidate2000(t *testing.T) {
	data := generated(t, 2000)
	start := time.Now()
	lib := parseAndValidate(t, data)
	if got := len(lib.Objects.Framework.RequirementNodes); got != 2000 {
		t.Fatalf("generated %d nodes", got)
	}
	t.Logf("parsed and validated %d requirements (%d KiB) in %v", 2000, len(data)>>10, time.Since(start))
}
