package catalog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzWriteText: any UTF-8 text survives Write and Parse unchanged, as a
// value, a mapping key and a provenance-marked annotation. go-yaml's own
// encoder fails this for tabs, carriage returns and block scalars, which is
// why Write has its own emitter.
func FuzzWriteText(f *testing.F) {
	for _, s := range []string{
		"", "plain", "4.10", "2024-03-01", "yes", "No", "null", "~", "true", "0x1F", "1e3", ".inf", "-.inf", ".NaN",
		"tab\there", "\ttab", "tab\t", "cr\rx", "crlf\r\nx", " lead", "trail ", "\nlead", "x\n\n", "\u2028y",
		"nul\x00", "del\x7f", "# c", "a #b", "a: b", "a:b", "a:", "---", "...", "%x", "@x", "`x", "!x", "&x", "*x",
		"|x", ">x", "{x}", "[x]", ",x", "?x", "- x", "-x", "\ufeffbom", "nb\u00a0sp", "é ü 中文", `\back`, `"q"`, "'s'",
		"x\n y\n  z", "\u0085nel", "a  b", "<<", "=", "\u2022\tbullet", "line\n\tindent", "x\n- y", "[bulkhead:provenance=verified] x",
		"A<<", "a<<b", "Shape: a test", "urn:x:risk:y:1.2", strings.Repeat("long words ", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		lib := &Library{
			Name: s, Description: s + "\n" + s,
			Objects: Objects{Framework: &Framework{RequirementNodes: []RequirementNode{{
				Annotation: s, Provenance: ProvenanceVerified, ImplementationGroups: []string{s},
				Questions: Questions{{URN: s, Text: s}},
			}}}},
		}
		if _, modelled := structInfoOf(reflect.TypeFor[Library]()).byName[s]; s != "" && !modelled {
			lib.Extra = Fields{{Key: s, Value: []any{s, Fields{{Key: s, Value: s}}}}}
		}
		var b bytes.Buffer
		if err := Write(&b, lib); err != nil {
			t.Fatal(err)
		}
		got, err := ParseBytes(b.Bytes())
		if err != nil {
			t.Fatalf("%v\n%s", err, b.Bytes())
		}
		if diff := cmp.Diff(lib, got, libraryCmp...); diff != "" {
			t.Fatalf("text changed (-written +read):\n%s\n%s", diff, b.Bytes())
		}
	})
}

// FuzzParse: Parse never panics, and whatever it accepts survives Write and
// Parse unchanged (the round-trip property, for arbitrary input).
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: {b: [1, 2.50, -3, .inf, .nan, 0x10, true, null, ~, '', \"\\t\"]}\n"))
	f.Add([]byte("objects:\n  framework:\n    requirement_nodes:\n    - questions: {q: {choices: [{add_score: 1}]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lib, err := ParseBytes(data)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("Parse error is not a ValidationError with problems: %v", err)
			}
			return
		}
		_ = lib.Validate()
		var b bytes.Buffer
		if err := Write(&b, lib); err != nil {
			// Only an unknown key that repeats a key can make Write fail on
			// parsed input (go-yaml rejects duplicate keys, so this is a bug).
			t.Fatalf("Write: %v", err)
		}
		again, err := ParseBytes(b.Bytes())
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, b.Bytes())
		}
		if diff := cmp.Diff(lib, again, append(libraryCmp, cmpopts.EquateNaNs())...); diff != "" {
			t.Fatalf("round trip changed the library (-parsed +reparsed):\n%s\n%s", diff, b.Bytes())
		}
	})
}
