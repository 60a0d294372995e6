package catalog

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// header is a valid library up to its requirement nodes, which start on
// line 15.
const header = `urn: urn:t:risk:library:t
locale: en
ref_id: T
name: T
description: T
version: 1
provider: T
packager: t
objects:
  framework:
    urn: urn:t:risk:framework:t
    ref_id: T
    name: T
    requirement_nodes:
`

// doc builds a library from one-line flow-style nodes (node i is on line
// 15+i) and extra YAML under objects.
func doc(nodes []string, objects string) string {
	var b strings.Builder
	b.WriteString(header)
	for _, n := range nodes {
		b.WriteString("    - {" + n + "}\n")
	}
	b.WriteString(objects)
	return b.String()
}

// node writes a flow-style requirement node; parent may be "". Each of more
// is "key: value" and replaces the default for that key, if any.
func node(ref string, depth int, parent string, more ...string) string {
	fields := []string{
		fmt.Sprintf("urn: \"urn:t:risk:req_node:t:%s\"", strings.ToLower(ref)),
		fmt.Sprintf("depth: %d", depth),
		fmt.Sprintf("ref_id: %q", ref),
		"name: N" + ref,
	}
	if parent != "" {
		fields = append(fields, fmt.Sprintf("parent_urn: \"urn:t:risk:req_node:t:%s\"", strings.ToLower(parent)))
	}
next:
	for _, m := range more {
		key, _, _ := strings.Cut(m, ":")
		for i, f := range fields {
			if strings.HasPrefix(f, key+":") {
				fields[i] = m
				continue next
			}
		}
		fields = append(fields, m)
	}
	return strings.Join(fields, ", ")
}

// want is one expected problem: its line (0: unknown), a fragment of its
// place and a fragment of its message.
type want struct {
	line  int
	place string
	msg   string
}

// checkProblems asserts that err lists exactly the wanted problems.
func checkProblems(t *testing.T, err error, wants []want) {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v (%T), want *ValidationError", err, err)
	}
	used := make([]bool, len(verr.Problems))
	for _, w := range wants {
		found := false
		for i, p := range verr.Problems {
			if !used[i] && p.Line == w.line && strings.Contains(p.Place, w.place) && strings.Contains(p.Message, w.msg) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing problem {line %d, place ~%q, message ~%q}", w.line, w.place, w.msg)
		}
	}
	for i, p := range verr.Problems {
		if !used[i] {
			t.Errorf("unexpected problem: line %d: %s", p.Line, p)
		}
	}
	if t.Failed() {
		t.Logf("error was:\n%v", err)
	}
}

func TestValidateOK(t *testing.T) {
	src := doc([]string{
		node("1", 1, ""),
		node("1.1", 2, "1", "assessable: true"),
		node("1.1.1", 3, "1.1"),
		node("2", 1, "", "name: \"\"", "description: only a description"),
	}, "")
	lib, err := ParseBytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateProblems(t *testing.T) {
	const n = "urn:t:risk:req_node:t:"
	tests := []struct {
		name  string
		src   string
		wants []want
	}{{
		name:  "duplicate URN in framework",
		src:   doc([]string{node("1", 1, ""), node("1", 1, "", "ref_id: X")}, ""),
		wants: []want{{16, "requirement node " + n + "1, urn", "duplicate URN; first used by requirement node " + n + "1 (line 15)"}},
	}, {
		name:  "duplicate ref ID",
		src:   doc([]string{node("1", 1, ""), node("2", 1, "", "ref_id: \"1\"")}, ""),
		wants: []want{{16, n + "2, ref_id", `duplicate ref_id "1"; first used by requirement node ` + n + "1 (line 15)"}},
	}, {
		name:  "unknown parent",
		src:   doc([]string{node("1", 1, ""), node("1.1", 2, "9")}, ""),
		wants: []want{{16, n + "1.1, parent_urn", "parent " + n + "9 does not exist in the framework"}},
	}, {
		name: "cycle",
		src:  doc([]string{node("a", 2, "b"), node("b", 2, "c"), node("c", 2, "a"), node("d", 3, "a")}, ""),
		wants: []want{
			{15, n + "a, parent_urn", "parent chain forms a cycle: a → b → c → a"},
			// d hangs below the cycle: its depth cannot be judged, so only the cycle is reported.
		},
	}, {
		name:  "own parent",
		src:   doc([]string{node("a", 1, "a")}, ""),
		wants: []want{{15, n + "a, parent_urn", "parent chain forms a cycle: a → a"}},
	}, {
		name: "depth inconsistent with parent",
		src:  doc([]string{node("1", 1, ""), node("1.1", 3, "1"), node("2", 2, "")}, ""),
		wants: []want{
			{16, n + "1.1, depth", "depth 3 is inconsistent with parent 1 at depth 1 (expected 2)"},
			{17, n + "2, depth", "a top-level node has depth 1, found 2"},
		},
	}, {
		name:  "depth below one",
		src:   doc([]string{node("1", 0, "")}, ""),
		wants: []want{{15, n + "1, depth", "depth must be 1 or more"}, {15, n + "1, depth", "a top-level node has depth 1, found 0"}},
	}, {
		name: "empty names",
		src: strings.Replace(doc([]string{node("1", 1, "", `name: " "`), node("2", 1, "", `name: ""`, `description: "kept"`)}, ""),
			"    name: T\n", "    name: \"\"\n", 1),
		wants: []want{
			{13, "framework urn:t:risk:framework:t, name", "name is empty"},
			{15, n + "1, name", "name is empty (a requirement node needs a name or a description)"},
		},
	}, {
		name:  "missing and malformed URNs",
		src:   doc([]string{`depth: 1, name: A`, `urn: "urn:t:req_node:x", depth: 1, name: B`, `urn: "urn:t:risk:req node:x", depth: 1, name: C`}, ""),
		wants: []want{{15, "requirement node #1", "urn is missing"}, {16, "requirement node urn:t:req_node:x, urn", "is not a URN of the form"}, {17, "req node:x, urn", "is not a URN of the form"}},
	}, {
		name:  "URN used by two kinds of object, case-insensitively",
		src:   doc([]string{node("1", 1, "")}, "  threats:\n  - urn: URN:T:RISK:REQ_NODE:T:1\n    name: Theft\n"),
		wants: []want{{15, "requirement node urn:t:risk:req_node:t:1, urn", "duplicate URN urn:t:risk:req_node:t:1; first used by threat URN:T:RISK:REQ_NODE:T:1 (line 17)"}},
	}, {
		name: "mapping to a requirement not in the library",
		src: doc([]string{node("a", 1, ""), node("b", 1, "")}, `  requirement_mapping_set:
    urn: urn:t:risk:req_mapping_set:self
    name: Self
    source_framework_urn: urn:t:risk:framework:t
    target_framework_urn: urn:t:risk:framework:t
    requirement_mappings:
    - {source_requirement_urn: "urn:t:risk:req_node:t:a", target_requirement_urn: "urn:t:risk:req_node:t:zz", relationship: equal}
    - {source_requirement_urn: "urn:t:risk:req_node:t:yy", target_requirement_urn: "urn:t:risk:req_node:t:b", relationship: equal}
    - {source_requirement_urn: "urn:t:risk:req_node:t:a", target_requirement_urn: "urn:t:risk:req_node:t:b", relationship: similar}
    - {source_requirement_urn: "urn:t:risk:req_node:t:a", target_requirement_urn: "urn:t:risk:req_node:t:b", relationship: subset, strength_of_relationship: -1}
    - {source_requirement_urn: "urn:t:risk:req_node:t:b", target_requirement_urn: "urn:t:risk:req_node:t:a"}
`),
		wants: []want{
			{23, "mapping set urn:t:risk:req_mapping_set:self, mapping #1, target_requirement_urn", "target requirement urn:t:risk:req_node:t:zz is not in framework urn:t:risk:framework:t"},
			{24, "mapping #2, source_requirement_urn", "source requirement urn:t:risk:req_node:t:yy is not in framework"},
			{25, "mapping #3, relationship", `relationship "similar" is not equal, subset, superset or intersect`},
			{26, "mapping #4, strength_of_relationship", "must not be negative"},
			{26, "mapping #4", "duplicate mapping urn:t:risk:req_node:t:a → urn:t:risk:req_node:t:b; first at mapping #3"},
			{27, "mapping #5", "relationship is missing"},
		},
	}, {
		name: "mapping sides in other libraries are not checked",
		src: doc([]string{node("a", 1, "")}, `  requirement_mapping_sets:
  - urn: urn:t:risk:req_mapping_set:out
    name: Out
    source_framework_urn: urn:t:risk:framework:t
    target_framework_urn: urn:other:risk:framework:o
    requirement_mappings:
    - {source_requirement_urn: "urn:t:risk:req_node:t:a", target_requirement_urn: "urn:other:risk:req_node:o:anything", relationship: intersect}
    - {source_requirement_urn: "urn:t:risk:req_node:t:missing", target_requirement_urn: "urn:other:risk:req_node:o:x", relationship: intersect}
`),
		wants: []want{{23, "mapping set urn:t:risk:req_mapping_set:out, mapping #2, source_requirement_urn", "source requirement urn:t:risk:req_node:t:missing is not in framework"}},
	}, {
		name: "references, enumerations and provenance",
		src: doc([]string{
			node("1", 1, "", `implementation_groups: [importer]`, `importance: must`, `annotation: "[bulkhead:provenance=guessed] x"`),
			node("2", 1, "", `reference_controls: ["urn:t:risk:function:missing"]`, `threats: ["urn:t:risk:threat:missing"]`, `weight: -1`),
			node("3", 1, "", `annotation: "[bulkhead:provenance=verified"`),
		}, ""),
		wants: []want{
			{15, n + "1, implementation_groups", `implementation group "importer" is not defined by the framework`},
			{15, n + "1, importance", `importance "must" is not mandatory, recommended or nice_to_have`},
			{15, n + "1, annotation", `provenance "guessed" is not verified, harmonized-structure or secondary-source`},
			{16, n + "2, reference_controls", "reference control urn:t:risk:function:missing is not in the library"},
			{16, n + "2, threats", "threat urn:t:risk:threat:missing is not in the library"},
			{16, n + "2, weight", "weight must be 1 or more, found -1"},
			{17, n + "3, annotation", "malformed provenance marker"},
		},
	}, {
		name: "questions",
		src:  doc([]string{node("1", 1, "", `questions: {"urn:t:risk:question:t:q1": {type: unique_choice}, "urn:t:risk:question:t:q2": {type: essay, depends_on: {question: "urn:t:risk:question:t:nope", condition: most}}, "urn:t:risk:question:t:q3": {type: text, depends_on: {question: "urn:t:risk:question:t:q4", answers: ["urn:t:risk:question:t:q4:maybe"]}}, "urn:t:risk:question:t:q4": {type: multiple_choice, choices: [{urn: "urn:t:risk:question:t:q4:yes", value: "Yes", compute_result: fine}, {urn: "urn:t:risk:question:t:q4:yes", value: ""}]}}`)}, ""),
		wants: []want{
			{15, "question urn:t:risk:question:t:q1", "a unique_choice question needs choices"},
			{15, "question urn:t:risk:question:t:q2", `type "essay" is not unique_choice`},
			{15, "question urn:t:risk:question:t:q2 of requirement node " + n + "1, depends_on, condition", `condition "most" is not any or all`},
			{15, "depends_on, question", `question "urn:t:risk:question:t:nope" is not in the framework`},
			{15, "question urn:t:risk:question:t:q3 of requirement node " + n + "1, depends_on, answers", "answer urn:t:risk:question:t:q4:maybe is not a choice of question urn:t:risk:question:t:q4"},
			{15, "choice #1, compute_result", `compute_result "fine" is not compliant`},
			{15, "choice #2, urn", "duplicate URN urn:t:risk:question:t:q4:yes"},
			{15, "choice #2, value", "value is missing"},
		},
	}, {
		name: "library fields",
		src: `urn: urn:t:risk:library:t
locale: ""
ref_id: T
name: ""
description: T
version: 0
provider: T
packager: t
dependencies: [urn:t:risk:library:t, "not a urn", urn:x:risk:library:y, urn:x:risk:library:y]
objects: {}
`,
		wants: []want{
			{2, "library, locale", "locale is missing"},
			{4, "library, name", "name is empty"},
			{6, "library, version", "version must be an integer of 1 or more, found 0"},
			{9, "library, dependencies", "the library depends on itself"},
			{9, "library, dependencies", `"not a urn" is not a URN`},
			{9, "library, dependencies", "dependency urn:x:risk:library:y is listed twice"},
			{10, "objects", "the library holds no objects"},
		},
	}, {
		name: "risk matrix",
		src: `urn: urn:t:risk:library:t
locale: en
ref_id: T
name: T
description: T
version: 1
provider: T
packager: t
objects:
  risk_matrix:
  - urn: urn:t:risk:matrix:m
    name: M
    probability: [{id: 0, name: L}, {id: 0, name: H}]
    impact: [{id: 0, name: Minor}]
    risk: []
    grid: [[0, 1], [5]]
  - name: No URN
    probability: [{id: 0, name: L}]
    impact: [{id: 0, name: ""}]
    risk: [{id: 0, name: G}]
    grid: [[0]]
`,
		wants: []want{
			{13, "risk matrix urn:t:risk:matrix:m, probability #2, id", "probability id 0 is used twice"},
			{15, "risk matrix urn:t:risk:matrix:m, risk", "risk has no levels"},
			{16, "risk matrix urn:t:risk:matrix:m, grid", "grid row 1 has 2 cells; expected 1"},
			{16, "grid", "grid row 1, column 1: 0 is not a risk id"},
			{16, "grid", "grid row 1, column 2: 1 is not a risk id"},
			{16, "grid", "grid row 2, column 1: 5 is not a risk id"},
			{17, "risk matrix #2", "urn is missing"},
			{19, "risk matrix #2, impact #1, name", "name is empty"},
		},
	}, {
		name: "threats, controls and metrics",
		src: `urn: urn:t:risk:library:t
locale: en
ref_id: T
name: T
description: T
version: 1
provider: T
packager: t
objects:
  reference_controls:
  - {urn: "urn:t:risk:function:c", name: C, category: magic, csf_function: pray}
  threats:
  - {urn: "urn:t:risk:threat:t", name: ""}
  metric_definitions:
  - {urn: "urn:t:risk:metric:a", name: A, category: qualitative}
  - {urn: "urn:t:risk:metric:b", name: B}
  - {urn: "urn:t:risk:metric:c", name: C, category: vibes}
  - {urn: "urn:t:risk:metric:d", name: D, category: qualitative, choices_definition: [{name: ""}]}
`,
		wants: []want{
			{11, "reference control urn:t:risk:function:c, category", `category "magic" is not policy`},
			{11, "reference control urn:t:risk:function:c, csf_function", `csf_function "pray" is not govern`},
			{13, "threat urn:t:risk:threat:t, name", "name is empty"},
			{15, "metric definition urn:t:risk:metric:a, choices_definition", "a qualitative metric needs choices_definition"},
			{16, "metric definition urn:t:risk:metric:b", "category is missing"},
			{17, "metric definition urn:t:risk:metric:c, category", `category "vibes" is not quantitative or qualitative`},
			{18, "metric definition urn:t:risk:metric:d, choice #1", "name is empty"},
		},
	}, {
		name: "framework scores and groups",
		src: strings.Replace(doc([]string{node("1", 1, "", "min_score: 3, max_score: 1")}, ""), "    name: T\n",
			"    name: T\n    min_score: 0\n    max_score: 2\n    scores_definition: [{score: 1, name: One}, {score: 1, name: Again}, {score: 9, name: Nine}]\n    implementation_groups_definition: [{ref_id: a, name: A}, {ref_id: a, name: \"\"}]\n", 1),
		wants: []want{
			{16, "score definition #2, score", "score 1 is defined twice"},
			{16, "score definition #3, score", "score 9 is outside min_score..max_score"},
			{17, "implementation group #2, ref_id", `implementation group "a" is defined twice`},
			{17, "implementation group #2, name", "name is empty"},
			{19, n + "1, min_score", "min_score 3 is above max_score 1"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := ParseBytes([]byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkProblems(t, lib.Validate(), tt.wants)
		})
	}
}

// TestValidateWithoutPositions: a library built in code has no lines, so
// problems are placed by URN or ref ID alone.
func TestValidateWithoutPositions(t *testing.T) {
	lib := &Library{
		URN: "urn:t:risk:library:t", Locale: "en", RefID: "T", Name: "T", Description: "T", Version: 1,
		Provider: "T", Packager: "t",
		Objects: Objects{Framework: &Framework{URN: "urn:t:risk:framework:t", RefID: "T", Name: "T",
			RequirementNodes: []RequirementNode{
				{URN: "urn:t:risk:req_node:t:1", Depth: 1, RefID: "1", Name: "A"},
				{Depth: 2, RefID: "1.1", ParentURN: "urn:t:risk:req_node:t:1", Name: "B"},
			}}},
	}
	checkProblems(t, lib.Validate(), []want{{0, "requirement node #2 (ref_id 1.1), urn", "urn is missing"}})
	if p := lib.Validate().(*ValidationError).Problems[0].Place; p != "requirement node #2 (ref_id 1.1), urn" {
		t.Errorf("Place = %q", p)
	}
}

// TestValidateCap: beyond MaxProblems, problems are counted, not listed.
func TestValidateCap(t *testing.T) {
	nodes := make([]string, MaxProblems+30)
	for i := range nodes {
		nodes[i] = node(fmt.Sprint(i), 1, "", `ref_id: "same"`)
	}
	lib, err := ParseBytes([]byte(doc(nodes, "")))
	if err != nil {
		t.Fatal(err)
	}
	var verr *ValidationError
	if !errors.As(lib.Validate(), &verr) {
		t.Fatal("no ValidationError")
	}
	if len(verr.Problems) != MaxProblems || verr.Omitted != 29 {
		t.Errorf("got %d problems and %d omitted, want %d and 29", len(verr.Problems), verr.Omitted, MaxProblems)
	}
	if msg := verr.Error(); !strings.Contains(msg, "129 problems") || !strings.HasSuffix(msg, "… and 29 more") {
		t.Errorf("Error() = …%s", msg[len(msg)-80:])
	}
}
