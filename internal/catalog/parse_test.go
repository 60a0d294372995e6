package catalog

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []want
	}{{
		name:  "malformed YAML",
		src:   header + "    - urn: a\n     depth: 1\n",
		wants: []want{{16, "line 16, file", "malformed YAML"}},
	}, {
		name:  "duplicate key",
		src:   "urn: a\nname: x\nname: y\n",
		wants: []want{{3, "line 3, file", `malformed YAML: mapping key "name" already defined`}},
	}, {
		name: "values of the wrong type, all reported",
		src:  doc([]string{node("1", 1, "", "depth: deep"), node("2", 1, "", "assessable: maybe", "implementation_groups: a")}, "  threats: {urn: x}\n"),
		wants: []want{
			{15, "line 15, objects.framework.requirement_nodes[0].depth", `expected an integer, found "deep"`},
			{16, "objects.framework.requirement_nodes[1].assessable", `expected true or false, found "maybe"`},
			{16, "objects.framework.requirement_nodes[1].implementation_groups", `expected a list, found "a"`},
			{17, "objects.threats", "expected a list, found a mapping"},
		},
	}, {
		name:  "text expected",
		src:   "urn: [a]\nobjects: 3\n",
		wants: []want{{1, "line 1, urn", "expected text, found a list"}, {2, "line 2, objects", `expected a mapping, found "3"`}},
	}, {
		name:  "integer too large",
		src:   "version: 99999999999999999999\n",
		wants: []want{{1, "version", `expected an integer, found "99999999999999999999"`}},
	}, {
		name:  "anchor and alias",
		src:   "urn: &u urn:t:risk:library:t\nref_id: *u\n",
		wants: []want{{1, "urn", "anchors and aliases are not supported"}, {2, "ref_id", "anchors and aliases are not supported"}},
	}, {
		name:  "merge key",
		src:   "objects:\n  framework:\n    <<: {urn: x}\n",
		wants: []want{{3, "objects.framework", "merge keys (<<) are not supported"}},
	}, {
		name:  "questions not a mapping",
		src:   doc([]string{node("1", 1, "", "questions: [a]")}, ""),
		wants: []want{{15, "requirement_nodes[0].questions", "expected a mapping from question URN to question, found a list"}},
	}, {
		name:  "flow nesting too deep",
		src:   "urn: a\nobjects: " + strings.Repeat("[", 65) + strings.Repeat("]", 65) + "\n",
		wants: []want{{2, "line 2, file", "YAML is nested more than 64 levels deep"}},
	}, {
		name:  "block nesting too deep",
		src:   "urn: a\nobjects:\n" + strings.Repeat("- ", 200) + "x\n",
		wants: []want{{3, "line 3, file", "YAML list entry at column 257"}},
	}, {
		name:  "too many tokens",
		src:   "urn: a\nobjects: [" + strings.Repeat("1,", 400_000) + "1]\n",
		wants: []want{{0, "file", "file has more than 400000 YAML tokens"}},
	}, {
		name:  "two documents",
		src:   "urn: a\n---\nurn: b\n",
		wants: []want{{3, "line 3, file", "file holds 2 YAML documents"}},
	}, {
		name:  "empty file",
		src:   "# nothing\n",
		wants: []want{{0, "file", "file holds no YAML document"}},
	}, {
		name:  "top level is a list",
		src:   "- urn: a\n",
		wants: []want{{1, "line 1, document", "expected a mapping, found a list"}},
	}, {
		name:  "not UTF-8",
		src:   "urn: a\nname: caf\xe9\n",
		wants: []want{{2, "line 2, file", "file is not valid UTF-8"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := ParseBytes([]byte(tt.src))
			if lib != nil {
				t.Error("Parse returned a library with an error")
			}
			checkProblems(t, err, tt.wants)
		})
	}
}

func TestParseSizeLimit(t *testing.T) {
	big := append([]byte("urn: a\ndescription: "), bytes.Repeat([]byte("x"), MaxFileSize)...)
	for name, parse := range map[string]func() (*Library, error){
		"Parse":      func() (*Library, error) { return Parse(bytes.NewReader(big)) },
		"ParseBytes": func() (*Library, error) { return ParseBytes(big) },
	} {
		_, err := parse()
		var verr *ValidationError
		if !errors.As(err, &verr) || !strings.Contains(verr.Problems[0].Message, "larger than the 4 MiB limit") {
			t.Errorf("%s: error = %v", name, err)
		}
	}
}

func TestParseReaderError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Parse(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("error = %v, want boom", err)
	}
}

// TestParseLenient: a byte-order mark, tags, flow style and "? key" forms
// are plain YAML and must be accepted.
func TestParseLenient(t *testing.T) {
	src := "\ufeff" + strings.Replace(doc([]string{node("1", 1, "", `name: !!str 2024`)}, ""),
		"ref_id: T\n", "? ref_id\n: T\n", 1)
	lib, err := ParseBytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := lib.Objects.Framework.RequirementNodes[0].Name; got != "2024" {
		t.Errorf("tagged name = %q", got)
	}
	if lib.RefID != "T" {
		t.Errorf("explicit key: ref_id = %q", lib.RefID)
	}
}
