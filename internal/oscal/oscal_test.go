package oscal_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/catalog"
	"github.com/bulkhead-sms/bulkhead/internal/oscal"
	"github.com/dlclark/regexp2/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ecmaRegexp lets the schema's ECMAScript patterns (\p{L} classes) compile.
type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

var schema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	data, err := os.ReadFile("testdata/oscal_complete_schema-1-1-2.json")
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(func(p string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(p, regexp2.ECMAScript|regexp2.Unicode)
		if err != nil {
			return nil, err
		}
		re.MatchTimeout = time.Second
		return (*ecmaRegexp)(re), nil
	})
	c.AssertFormat()
	const url = "http://csrc.nist.gov/ns/oscal/1.0/1.1.2/oscal-complete-schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
})

// validate checks a document against NIST's OSCAL 1.1.2 schema.
func validate(t *testing.T, data []byte) {
	t.Helper()
	s, err := schema()
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("not valid OSCAL: %v", err)
	}
}

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestSchemaAcceptsNISTExampleAndRejectsBroken(t *testing.T) {
	data, err := os.ReadFile("testdata/basic-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	validate(t, data)
	// The check can fail: a control id that is not a token.
	broken := bytes.Replace(data, []byte(`"id": "s1.1.1"`), []byte(`"id": "1 bad"`), 1)
	s, _ := schema()
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(broken))
	if s.Validate(v) == nil {
		t.Error("schema accepted a control id with a space")
	}
}

func TestEmbeddedCatalogsExportValidOSCAL(t *testing.T) {
	libs, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, lib := range libs {
		if lib.Objects.Framework == nil {
			continue
		}
		t.Run(lib.RefID, func(t *testing.T) {
			out, err := oscal.Catalog(lib, now)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, out)
			// Reading the export back gives the same requirements.
			back, err := oscal.ReadCatalog(out)
			if err != nil {
				t.Fatal(err)
			}
			fw := lib.Objects.Framework
			if got := len(back.Objects.Framework.RequirementNodes); got != len(fw.RequirementNodes) {
				t.Errorf("read back %d nodes, want %d", got, len(fw.RequirementNodes))
			}
		})
		n++
	}
	if n != 11 {
		t.Errorf("%d frameworks exported, want 11", n)
	}
}

func TestReadNISTExampleCatalog(t *testing.T) {
	data, err := os.ReadFile("testdata/basic-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := oscal.ReadCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	var ctl *catalog.RequirementNode
	for i, n := range lib.Objects.Framework.RequirementNodes {
		if n.RefID == "1.1.1" {
			ctl = &lib.Objects.Framework.RequirementNodes[i]
		}
	}
	if ctl == nil || !ctl.Assessable || ctl.Name != "Information security roles and responsibilities" || !strings.Contains(ctl.Description, "should be defined and allocated") {
		t.Fatalf("control 1.1.1 = %+v", ctl)
	}
	var buf bytes.Buffer
	if err := catalog.Write(&buf, lib); err != nil {
		t.Fatal(err)
	}
	if _, err := oscal.ReadCatalog([]byte(`{"catalog": {}}`)); err == nil {
		t.Error("catalog without uuid accepted")
	}
	if _, err := oscal.ReadCatalog([]byte(`{"catalog": `)); err == nil {
		t.Error("truncated JSON accepted")
	}
}

func sampleAssessment(t *testing.T) *oscal.Assessment {
	t.Helper()
	libs, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var fw *catalog.Framework
	for _, l := range libs {
		if l.RefID == "ISO-28000-2022" {
			fw = l.Objects.Framework
		}
	}
	const p = "urn:bulkhead:risk:req_node:iso28000-2022:"
	due := now.Add(72 * time.Hour)
	return &oscal.Assessment{ID: "A1", Title: "ISO 28000 gap", Start: now.Add(-time.Hour), Framework: fw,
		Results: []oscal.Result{
			{NodeURN: p + "4.1", Status: "compliant", Evidence: []oscal.Evidence{{ID: "E1", Name: "ctx.pdf", SHA256: "ab", Collected: now}, {ID: "E2", Name: "wiki", URL: "https://wiki.example/ctx", Collected: now}}},
			{NodeURN: p + "4.3", Status: "not_applicable", Justification: "One site"},
			{NodeURN: p + "6.1.2", Status: "non_compliant", Notes: "No method"},
		},
		Actions: []oscal.Action{{ID: "C1", NodeURN: p + "6.1.2", Title: "Write the method", Status: "open", Due: &due}},
	}
}

func TestAssessmentResultsValid(t *testing.T) {
	out, err := oscal.AssessmentResults(sampleAssessment(t), now)
	if err != nil {
		t.Fatal(err)
	}
	validate(t, out)
	var doc map[string]map[string]any
	json.Unmarshal(out, &doc)
	res := doc["assessment-results"]["results"].([]any)[0].(map[string]any)
	if got := len(res["findings"].([]any)); got != 2 {
		t.Errorf("%d findings, want 2 (n/a is observed, not judged)", got)
	}
}

func TestPOAMValid(t *testing.T) {
	a := sampleAssessment(t)
	out, err := oscal.POAM(a, now)
	if err != nil {
		t.Fatal(err)
	}
	validate(t, out)
	if !bytes.Contains(out, []byte("Write the method")) {
		t.Error("action missing from POA&M")
	}
	a.Results = a.Results[:2]
	if _, err := oscal.POAM(a, now); err != oscal.ErrNoGaps {
		t.Errorf("no gaps: %v", err)
	}
}
