package service_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

func TestBuiltinLibrariesCoverage(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "lib")
	v := f.actors[bulkhead.RoleViewer]
	ct := libraryByURN(t, svc, v, ctpatURN)
	if !ct.Builtin || ct.AssessableCount != 94 || ct.Verified != 9 || ct.Secondary != 85 {
		t.Errorf("CTPAT: builtin %v, %d assessable, %d verified, %d secondary", ct.Builtin, ct.AssessableCount, ct.Verified, ct.Secondary)
	}
	iso := libraryByURN(t, svc, v, isoURN)
	if iso.Version != 3 || iso.NodeCount != 63 {
		t.Errorf("ISO 28000: version %d, %d nodes", iso.Version, iso.NodeCount)
	}
	libs, err := svc.Libraries(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if len(libs) != 19 {
		t.Errorf("%d libraries, want 19", len(libs))
	}
	// Loading again is a no-op.
	if err := svc.LoadBuiltinLibraries(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := svc.Libraries(ctx, v); len(again) != 19 {
		t.Errorf("after reload %d libraries", len(again))
	}
	if _, err := svc.Libraries(ctx, f.actors[bulkhead.RolePartner]); bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
		t.Errorf("partner: %v", err)
	}
}

func TestImportLibraryBadInput(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "imp")
	a := f.actors[bulkhead.RoleSecurityManager]
	good := fmt.Sprintf(miniLibrary, 1, 2)
	if _, err := svc.ImportLibrary(ctx, a, "good.yaml", []byte(good)); err != nil {
		t.Fatal(err)
	}
	head, _ := svc.Store().AuditHead(ctx, f.org.ID)
	dupNode := good + `    - urn: urn:acme:risk:req_node:mini-1:1.1
      assessable: true
      depth: 2
      parent_urn: urn:acme:risk:req_node:mini-1:1
      ref_id: "1.2"
      name: Again
`
	tests := []struct {
		name, file, data, want string
	}{
		{"malformed", "bad.yaml", "urn: [unclosed\n", "bad.yaml: line 1"},
		{"older version", "old.yaml", fmt.Sprintf(miniLibrary, 1, 1), "not newer than the stored version 2"},
		{"same version", "same.yaml", good, "not newer"},
		{"missing parent", "p.yaml", strings.Replace(fmt.Sprintf(miniLibrary, 3, 1), "parent_urn: urn:acme:risk:req_node:mini-3:1", "parent_urn: urn:acme:risk:req_node:mini-3:9", 1), "urn:acme:risk:req_node:mini-3:9"},
		{"duplicate URN", "d.yaml", strings.Replace(dupNode, "version: 2", "version: 3", 1), "p.yaml"},
		{"mapping to missing requirement", "m.yaml", mappingTo("urn:bulkhead:risk:req_node:iso28000-2022:99.9"), "requirement urn:bulkhead:risk:req_node:iso28000-2022:99.9 does not exist"},
		{"oversized", "big.yaml", "urn: x\n" + strings.Repeat("#", 5<<20), "limit"},
	}
	tests[4].want = "d.yaml: line"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.ImportLibrary(ctx, a, tt.file, []byte(tt.data))
			if bulkhead.ErrorCode(err) != bulkhead.EINVALID || !strings.Contains(bulkhead.ErrorMessage(err), tt.want) {
				t.Fatalf("got %v, want invalid containing %q", err, tt.want)
			}
		})
	}
	if after, _ := svc.Store().AuditHead(ctx, f.org.ID); after.Seq != head.Seq {
		t.Errorf("audit moved from %d to %d: something was stored", head.Seq, after.Seq)
	}
	// A good mapping set imports.
	if _, err := svc.ImportLibrary(ctx, a, "m.yaml", []byte(mappingTo(isoNode+"4.1"))); err != nil {
		t.Fatal(err)
	}
}

func mappingTo(target string) string {
	return `urn: urn:acme:risk:library:map
locale: en
ref_id: MAP
name: Map
description: Map.
version: 1
provider: Acme
packager: acme
dependencies:
- urn:acme:risk:library:mini-1
objects:
  requirement_mapping_sets:
  - urn: urn:acme:risk:req_mapping_set:map
    name: Map
    source_framework_urn: urn:acme:risk:framework:mini-1
    target_framework_urn: urn:bulkhead:risk:framework:iso28000-2022
    requirement_mappings:
    - source_requirement_urn: urn:acme:risk:req_node:mini-1:1.1
      target_requirement_urn: ` + target + `
      relationship: equal
      rationale: Same thing.
`
}

func TestLibraryExportRoundTrip(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "rt")
	a := f.actors[bulkhead.RoleAdmin]
	src := fmt.Sprintf(miniLibrary, 7, 1)
	l, err := svc.ImportLibrary(ctx, a, "mini.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, out, err := svc.ExportLibrary(ctx, a, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Re-importing the export with a higher version gives the same content.
	bumped := bytes.Replace(out, []byte("version: 1\n"), []byte("version: 2\n"), 1)
	p, err := svc.PreviewLibraryImport(ctx, a, "again.yaml", bumped)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Added)+len(p.Changed)+len(p.Removed) != 0 || p.OldVersion != 1 {
		t.Errorf("preview of own export: %+v", p)
	}
	l2, err := svc.ImportLibrary(ctx, a, "again.yaml", bumped)
	if err != nil {
		t.Fatal(err)
	}
	_, out2, _ := svc.ExportLibrary(ctx, a, l2.ID)
	if !bytes.Equal(out2, bumped) {
		t.Errorf("second export differs:\n%s\n---\n%s", out2, bumped)
	}
	// A built-in exports too, in the same format.
	iso := libraryByURN(t, svc, a, isoURN)
	_, isoYAML, err := svc.ExportLibrary(ctx, a, iso.ID)
	if err != nil || !bytes.Contains(isoYAML, []byte("urn: urn:bulkhead:risk:library:iso28000-2022")) {
		t.Errorf("ISO export: %v", err)
	}
}

func TestAssessmentFlow(t *testing.T) {
	svc := newService(t)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	f := libFixture(t, svc, "flow")
	secm := f.actors[bulkhead.RoleSecurityManager]
	officer := f.actors[bulkhead.RoleSiteOfficer]
	iso := libraryByURN(t, svc, secm, isoURN)
	ct := libraryByURN(t, svc, secm, ctpatURN)

	if _, err := svc.CreateAssessment(ctx, secm, service.AssessmentInput{LibraryID: &ct.ID, Name: ptr("x"), Groups: &[]string{"spaceship"}}); bulkhead.ErrorFields(err)["groups"] == "" {
		t.Errorf("unknown group: %v", err)
	}
	xi, err := svc.CreateAssessment(ctx, secm, service.AssessmentInput{LibraryID: &iso.ID, Name: ptr("ISO gap"), SiteIDs: &[]string{f.site.ID}})
	if err != nil {
		t.Fatal(err)
	}
	xc, err := svc.CreateAssessment(ctx, secm, service.AssessmentInput{LibraryID: &ct.ID, Name: ptr("CTPAT HC"), Groups: &[]string{"highway_carrier"}})
	if err != nil {
		t.Fatal(err)
	}
	// Not applicable needs a justification.
	_, err = svc.AnswerRequirement(ctx, officer, xc.ID, ctNode+"6.1", service.AnswerInput{Status: ptr("not_applicable")})
	if bulkhead.ErrorFields(err)["justification"] != bulkhead.FieldRequired {
		t.Errorf("n/a without justification: %v", err)
	}
	// Answering CTPAT 6.1 infers ISO 8.4 (superset side) for review only.
	if _, err := svc.AnswerRequirement(ctx, officer, xc.ID, ctNode+"6.1", service.AnswerInput{Status: ptr("compliant"), Controls: ptr("SOP-SEC-04")}); err != nil {
		t.Fatal(err)
	}
	v, err := svc.Assessment(ctx, secm, xi.ID)
	if err != nil {
		t.Fatal(err)
	}
	var r84 *bulkhead.AssessmentResult
	for _, row := range v.Rows {
		if row.Node.RefID == "8.4" {
			r84 = row.Result
		}
	}
	if r84 == nil || r84.Status != bulkhead.ResultNotAssessed || r84.InferredStatus != bulkhead.ResultPartial || !strings.Contains(r84.InferredFrom, "CTPAT HC") {
		t.Fatalf("ISO 8.4 after CTPAT 6.1: %+v", r84)
	}
	if v.Readiness.Compliant != 0 || v.Readiness.Inferred == 0 {
		t.Errorf("inferred counted as compliant: %+v", v.Readiness)
	}
	// Accepting the inference makes it the answer.
	if _, err := svc.AnswerRequirement(ctx, secm, xi.ID, isoNode+"8.4", service.AnswerInput{AcceptInferred: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AnswerRequirement(ctx, secm, xi.ID, isoNode+"4.1", service.AnswerInput{Status: ptr("non_compliant")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AnswerRequirement(ctx, secm, xi.ID, isoNode+"4.3", service.AnswerInput{Status: ptr("not_applicable"), Justification: ptr("Single-site")}); err != nil {
		t.Fatal(err)
	}
	v, _ = svc.Assessment(ctx, secm, xi.ID)
	rd := v.Readiness
	if rd.Assessed != 3 || rd.Partial != 1 || rd.NonCompliant != 1 || rd.NotApplicable != 1 || rd.Gaps != 2 || rd.Total != iso.AssessableCount {
		t.Errorf("readiness %+v (assessable %d)", rd, iso.AssessableCount)
	}
	if len(rd.Clauses) != 7 || rd.Clauses[0].RefID != "4" || rd.Clauses[0].Gaps != 1 {
		t.Errorf("clauses %d, first %+v", len(rd.Clauses), rd.Clauses[0])
	}
	// Group scope: a highway-carrier assessment skips air-only criterion 6.4.
	vc, _ := svc.Assessment(ctx, secm, xc.ID)
	for _, row := range vc.Rows {
		if row.Node.RefID == "6.4" && row.InScope {
			t.Error("6.4 (air carrier) in scope of a highway-carrier assessment")
		}
	}
	// Statement of applicability.
	_, soa, err := svc.StatementOfApplicability(ctx, f.actors[bulkhead.RoleAuditor], xi.ID)
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := service.WriteSoACSV(&csv, soa); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "4.3,Determining the scope of the security management system,no,Single-site,,not_applicable,") {
		t.Errorf("SoA CSV:\n%s", csv.String())
	}
	// Evidence: file with digest, link, bad input.
	valid := now.Add(10 * 24 * time.Hour)
	e, err := svc.AddEvidence(ctx, officer, xi.ID, service.AssessmentEvidenceInput{NodeURN: isoNode + "4.1", Name: "context.pdf", Content: []byte("abc"), ValidUntil: &valid})
	if err != nil {
		t.Fatal(err)
	}
	if e.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || e.Size != 3 {
		t.Errorf("evidence digest %s size %d", e.SHA256, e.Size)
	}
	got, err := svc.EvidenceFile(ctx, f.actors[bulkhead.RoleViewer], e.ID)
	if err != nil || string(got.Content) != "abc" {
		t.Errorf("evidence file: %v", err)
	}
	if _, err := svc.AddEvidence(ctx, officer, xi.ID, service.AssessmentEvidenceInput{NodeURN: isoNode + "4.1", Name: "wiki", URL: "javascript:alert(1)"}); bulkhead.ErrorFields(err)["url"] == "" {
		t.Errorf("bad link: %v", err)
	}
	if _, err := svc.AddEvidence(ctx, officer, xi.ID, service.AssessmentEvidenceInput{NodeURN: isoNode + "4", Name: "x", URL: "https://x.example"}); bulkhead.ErrorFields(err)["node_urn"] == "" {
		t.Errorf("evidence on a heading: %v", err)
	}
	// Gap → action; overdue action and expiring evidence become tasks.
	due := now.Add(-24 * time.Hour)
	c, err := svc.CreateComplianceAction(ctx, secm, xi.ID, service.ComplianceActionInput{NodeURN: ptr(isoNode + "4.1"), Title: ptr("Write the context analysis"), OwnerID: &officer.UserID, Due: &due})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := svc.MyTasks(ctx, officer)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, tk := range tasks {
		kinds[tk.Kind] = true
	}
	if !kinds["assessment.action"] || !kinds["assessment.evidence"] {
		t.Errorf("officer tasks %+v", tasks)
	}
	if ts, _ := svc.MyTasks(ctx, f.actors[bulkhead.RoleContributor]); len(ts) != 0 {
		t.Errorf("contributor sees %+v", ts)
	}
	if _, err := svc.UpdateComplianceAction(ctx, officer, c.ID, service.ComplianceActionInput{Status: ptr("done")}); err != nil {
		t.Fatal(err)
	}
	// Closed assessments refuse answers.
	if _, err := svc.UpdateAssessment(ctx, secm, xi.ID, service.AssessmentInput{Status: ptr("closed")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AnswerRequirement(ctx, secm, xi.ID, isoNode+"4.1", service.AnswerInput{Status: ptr("compliant")}); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("answer on closed: %v", err)
	}
	// Another organisation sees none of it.
	g := libFixture(t, svc, "other")
	if _, err := svc.Assessment(ctx, g.actors[bulkhead.RoleAdmin], xi.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other org: %v", err)
	}
	if _, err := svc.EvidenceFile(ctx, g.actors[bulkhead.RoleAdmin], e.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other org evidence: %v", err)
	}
}

func TestDemoLibrary(t *testing.T) {
	svc := newService(t)
	if _, err := svc.LoadDemo(ctx, "demo password long"); err != nil {
		t.Fatal(err)
	}
	org, err := svc.Store().OrganizationBySlug(ctx, service.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	xs, err := svc.Store().Assessments(ctx, org.ID)
	if err != nil || len(xs) != 3 {
		t.Fatalf("demo assessments: %d, %v", len(xs), err)
	}
	// The ISO 9001 harmonized-structure assessment is pre-filled from ISO
	// 28000, and its own answer pre-fills ISO 28000 9.2.1.
	inferredIn := map[string]int{}
	for _, x := range xs {
		rs, err := svc.Store().AssessmentResults(ctx, org.ID, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.InferredStatus != "" && r.Status == bulkhead.ResultNotAssessed {
				inferredIn[x.Name]++
			}
		}
	}
	if inferredIn["ISO 9001 clauses of the integrated management system"] < 4 || inferredIn["ISO 28000 gap assessment 2026"] < 2 {
		t.Errorf("demo inferred answers per assessment: %v", inferredIn)
	}
}

func TestSpreadsheetImport(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "sheet")
	a := f.actors[bulkhead.RoleSecurityManager]
	ct := libraryByURN(t, svc, a, ctpatURN)
	csv := "ref_id,parent,title,summary,groups,importance\n" +
		"6.3,6,LTL pickups,Lock and seal less-than-truckload freight,highway_carrier,must\n" +
		"6.8,6,Seal discrepancies,Report seal discrepancies at once,highway_carrier;rail_carrier,should\n"
	in := service.SpreadsheetImport{LibraryID: ct.ID, File: "msc.csv", Data: []byte(csv)}
	p, err := svc.PreviewSpreadsheetImport(ctx, a, in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Added, ",") != "6.8" || strings.Join(p.Changed, ",") != "6.3" || len(p.Removed) != 0 || p.Version != ct.Version+1 {
		t.Errorf("preview %+v", p)
	}
	head, _ := svc.Store().AuditHead(ctx, f.org.ID)
	for _, tt := range []struct{ name, data, want string }{
		{"unknown parent", "ref_id,parent,title\n6.9,99,X\n", "msc.csv: row 2 (ref 6.9): parent 99 does not exist"},
		{"cycle", "ref_id,parent,title\nA,B,X\nB,A,Y\n", "parents form a cycle"},
		{"importance", "ref_id,title,importance\n6.9,X,often\n", "row 2 (ref 6.9): importance \"often\""},
		{"duplicate", "ref_id,title\n6.9,X\n6.9,Y\n", "row 3 (ref 6.9): duplicate ref_id; first at row 2"},
		{"column", "ref_id,title,colour\n6.9,X,red\n", "unknown column \"colour\""},
		{"empty title", "ref_id,title\n6.9,\n", "title is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.ImportSpreadsheet(ctx, a, service.SpreadsheetImport{LibraryID: ct.ID, File: "msc.csv", Data: []byte(tt.data)})
			if bulkhead.ErrorCode(err) != bulkhead.EINVALID || !strings.Contains(bulkhead.ErrorMessage(err), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if after, _ := svc.Store().AuditHead(ctx, f.org.ID); after.Seq != head.Seq {
		t.Error("a refused import stored something")
	}
	l, err := svc.ImportSpreadsheet(ctx, a, in)
	if err != nil {
		t.Fatal(err)
	}
	if l.OrgID != f.org.ID || l.Version != ct.Version+1 || l.AssessableCount != ct.AssessableCount+1 || l.Verified != ct.Verified+1 {
		t.Errorf("imported %+v", l)
	}
	// The organisation now sees its own version instead of the built-in one;
	// another organisation still sees the built-in.
	if got := libraryByURN(t, svc, a, ctpatURN); got.ID != l.ID {
		t.Errorf("visible CTPAT %s, want own %s", got.ID, l.ID)
	}
	g := libFixture(t, svc, "sheet2")
	if got := libraryByURN(t, svc, g.actors[bulkhead.RoleViewer], ctpatURN); got.ID != ct.ID {
		t.Error("another organisation sees the replaced catalog")
	}
	// Replace mode drops requirements missing from the sheet.
	p, err = svc.PreviewSpreadsheetImport(ctx, a, service.SpreadsheetImport{LibraryID: l.ID, File: "x.csv", Replace: true, Data: []byte("ref_id,title\n1,Top\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Removed) < 90 || len(p.Added) != 0 {
		t.Errorf("replace preview: %d removed, %d added", len(p.Removed), len(p.Added))
	}
}

func TestOSCALExports(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "oscal")
	a := f.actors[bulkhead.RoleSecurityManager]
	iso := libraryByURN(t, svc, a, isoURN)
	if _, out, err := svc.ExportLibraryOSCAL(ctx, a, iso.ID); err != nil || !bytes.Contains(out, []byte(`"oscal-version": "1.1.2"`)) {
		t.Fatalf("catalog export: %v", err)
	}
	x, err := svc.CreateAssessment(ctx, a, service.AssessmentInput{LibraryID: &iso.ID, Name: ptr("Gap")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ExportAssessmentOSCAL(ctx, a, x.ID, "poam"); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Errorf("POA&M without gaps: %v", err)
	}
	if _, err := svc.AnswerRequirement(ctx, a, x.ID, isoNode+"6.1.2", service.AnswerInput{Status: ptr("non_compliant")}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"assessment-results", "poam"} {
		out, err := svc.ExportAssessmentOSCAL(ctx, f.actors[bulkhead.RoleAuditor], x.ID, kind)
		if err != nil || !bytes.Contains(out, []byte("6.1.2")) {
			t.Errorf("%s: %v", kind, err)
		}
	}
	// An OSCAL catalog imports as a library.
	_, out, _ := svc.ExportLibraryOSCAL(ctx, a, iso.ID)
	l, err := svc.ImportLibrary(ctx, a, "iso.json", out)
	if err != nil {
		t.Fatal(err)
	}
	if l.Packager != "oscal" || l.NodeCount != iso.NodeCount {
		t.Errorf("OSCAL import %+v", l)
	}
	if _, err := svc.ImportLibrary(ctx, a, "bad.json", []byte(`{"catalog": 1`)); bulkhead.ErrorCode(err) != bulkhead.EINVALID || !strings.Contains(bulkhead.ErrorMessage(err), "bad.json") {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestSpreadsheetImportXLSX(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "xlsx")
	a := f.actors[bulkhead.RoleAdmin]
	fsr := libraryByURN(t, svc, a, "urn:bulkhead:risk:library:tapa-fsr-2023")
	x, err := export.NewXLSX("FSR")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]string{
		{"ref_id", "parent", "title", "summary", "groups", "importance"},
		{"7.0.6", "", "Licensed requirement", "Text from the licensed standard", "A;B", "must"},
	} {
		if err := x.Write(row...); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	p, err := svc.PreviewSpreadsheetImport(ctx, a, service.SpreadsheetImport{LibraryID: fsr.ID, File: "fsr.xlsx", Data: buf.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Added, ",") != "7.0.6" {
		t.Errorf("XLSX preview: %+v", p)
	}
	if _, err := svc.PreviewSpreadsheetImport(ctx, a, service.SpreadsheetImport{LibraryID: fsr.ID, File: "fsr.xlsx", Data: []byte("PK\x03\x04 not a zip")}); bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Errorf("broken XLSX: %v", err)
	}
}

// TestImportEveryObjectType imports CISO Assistant libraries holding risk
// matrices, metric definitions, threats, reference controls, questions and
// unknown object types, and checks that the export gives back the stored
// canonical content (a second import of it changes nothing).
func TestImportEveryObjectType(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "objects")
	a := f.actors[bulkhead.RoleAdmin]
	for _, name := range []string{"matrix.yaml", "full.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "catalog", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "full.yaml" {
			// A missing dependency is refused; once it is loaded the file imports.
			if _, err := svc.ImportLibrary(ctx, a, name, data); !strings.Contains(bulkhead.ErrorMessage(err), "other-controls is not loaded") {
				t.Errorf("missing dependency: %v", err)
			}
			dep := "urn: urn:example:risk:library:other-controls\nlocale: en\nref_id: OC\nname: Other\ndescription: Dependency.\nversion: 1\nprovider: Example\npackager: example\nobjects:\n  threats:\n  - urn: urn:example:risk:threat:in-dependency\n    name: Threat kept elsewhere\n"
			if _, err := svc.ImportLibrary(ctx, a, "other.yaml", []byte(dep)); err != nil {
				t.Fatal(err)
			}
		}
		l, err := svc.ImportLibrary(ctx, a, name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, out, err := svc.ExportLibrary(ctx, a, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		bumped := strings.Replace(string(out), fmt.Sprintf("\nversion: %d\n", l.Version), fmt.Sprintf("\nversion: %d\n", l.Version+1), 1)
		p, err := svc.PreviewLibraryImport(ctx, a, name, []byte(bumped))
		if err != nil {
			t.Fatalf("%s re-import: %v", name, err)
		}
		if len(p.Added)+len(p.Changed)+len(p.Removed) != 0 {
			t.Errorf("%s: re-import of the export changes %+v", name, p)
		}
		t.Logf("%s: objects %q", name, l.Objects)
	}
}

// libFixture is newFixture without password hashing: the members are
// written straight to the store (these tests never log in), which keeps the
// library tests fast.
func libFixture(t *testing.T, svc *service.Service, slug string) *fixture {
	t.Helper()
	org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org "+slug, slug)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, actors: map[bulkhead.Role]service.Actor{}}
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = svc.Store().Write(ctx, func(tx bulkhead.Tx) error {
		for _, r := range bulkhead.Roles {
			u := &bulkhead.User{ID: bulkhead.NewID(), Email: string(r) + "@" + slug + ".example", Name: string(r), PasswordHash: "-", Lang: "en", TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.PutMembership(ctx, &bulkhead.Membership{OrgID: org.ID, UserID: u.ID, Role: r, CreatedAt: now}); err != nil {
				return err
			}
			f.actors[r] = service.Actor{UserID: u.ID, Name: u.Email, OrgID: org.ID, Role: r, Lang: "en", TimeZone: "UTC"}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.site, err = svc.CreateSite(ctx, f.actors[bulkhead.RoleAdmin], siteInput("Fixture DC", "NLRTM"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
