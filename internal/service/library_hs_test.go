package service_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

const (
	iso27001HSURN  = "urn:bulkhead:risk:library:iso27001-2022-hs"
	iso9001HSURN   = "urn:bulkhead:risk:library:iso9001-2015-hs"
	iso27001HSNode = "urn:bulkhead:risk:req_node:iso27001-2022-hs:"
	iso9001HSNode  = "urn:bulkhead:risk:req_node:iso9001-2015-hs:"
)

// resultOf returns the result of a requirement in an assessment (nil when
// there is none).
func resultOf(t *testing.T, svc *service.Service, a service.Actor, assessmentID, nodeURN string) *bulkhead.AssessmentResult {
	t.Helper()
	v, err := svc.Assessment(ctx, a, assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range v.Rows {
		if row.Node.URN == nodeURN {
			return row.Result
		}
	}
	t.Fatalf("%s not in assessment %s", nodeURN, v.Name)
	return nil
}

// inferred fails unless the requirement has no answer and the inferred
// status want, with a source naming from.
func inferred(t *testing.T, r *bulkhead.AssessmentResult, what string, want bulkhead.ResultStatus, from ...string) {
	t.Helper()
	if r == nil || r.Status != bulkhead.ResultNotAssessed || r.InferredStatus != want {
		t.Errorf("%s: %+v, want inferred %s", what, r, want)
		return
	}
	for _, f := range from {
		if !strings.Contains(r.InferredFrom, f) {
			t.Errorf("%s: source %q does not name %q", what, r.InferredFrom, f)
		}
	}
}

// TestHarmonizedInference: answering an ISO 28000 clause pre-fills the
// clause with the same harmonized purpose in open ISO/IEC 27001 and ISO 9001
// harmonized-structure assessments, and answering those pre-fills ISO 28000:
// mappings are followed in both directions, subset read backwards as
// superset, and clause 10 by purpose across editions.
func TestHarmonizedInference(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "hs")
	secm := f.actors[bulkhead.RoleSecurityManager]
	create := func(urn, name string) *bulkhead.Assessment {
		l := libraryByURN(t, svc, secm, urn)
		x, err := svc.CreateAssessment(ctx, secm, service.AssessmentInput{LibraryID: &l.ID, Name: ptr(name)})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	xi := create(isoURN, "ISO 28000 IMS")
	x27 := create(iso27001HSURN, "ISMS clauses")
	x9 := create(iso9001HSURN, "QMS clauses")
	answer := func(x *bulkhead.Assessment, node, status string) {
		t.Helper()
		if _, err := svc.AnswerRequirement(ctx, secm, x.ID, node, service.AnswerInput{Status: ptr(status)}); err != nil {
			t.Fatal(err)
		}
	}

	// ISO 28000 → 27001 (equal, same number) and → 9001 (subset: 9001 keeps 9.2 whole).
	answer(xi, isoNode+"9.2.1", "compliant")
	inferred(t, resultOf(t, svc, secm, x27.ID, iso27001HSNode+"9.2.1"), "27001 9.2.1", bulkhead.ResultCompliant, "ISO 28000 IMS", "ISO 28000:2022 9.2.1", "equal")
	inferred(t, resultOf(t, svc, secm, x9.ID, iso9001HSNode+"9.2"), "9001 9.2", bulkhead.ResultPartial, "ISO 28000 IMS", "subset")

	// 27001 → ISO 28000 (the mapping read backwards).
	answer(x27, iso27001HSNode+"10.2", "non_compliant")
	inferred(t, resultOf(t, svc, secm, xi.ID, isoNode+"10.2"), "ISO 28000 10.2", bulkhead.ResultNonCompliant, "ISMS clauses", "(harmonized structure) 10.2")
	// Mappings are not chained: 27001 and 9001 are not mapped to each other.
	if r := resultOf(t, svc, secm, x9.ID, iso9001HSNode+"10.2"); r != nil && r.InferredStatus != "" {
		t.Errorf("9001 10.2 inferred through ISO 28000: %+v", r)
	}

	// 9001 → ISO 28000: 9001 5.2 is a superset of ISO 28000 5.2.1 and 5.2.2,
	// so its status passes on in full.
	answer(x9, iso9001HSNode+"5.2", "compliant")
	inferred(t, resultOf(t, svc, secm, xi.ID, isoNode+"5.2.1"), "ISO 28000 5.2.1", bulkhead.ResultCompliant, "QMS clauses", "superset")
	inferred(t, resultOf(t, svc, secm, xi.ID, isoNode+"5.2.2"), "ISO 28000 5.2.2", bulkhead.ResultCompliant, "superset")
	// An answer given by a person is never overwritten.
	answer(x9, iso9001HSNode+"9.2", "non_compliant")
	if r := resultOf(t, svc, secm, xi.ID, isoNode+"9.2.1"); r.Status != bulkhead.ResultCompliant || r.InferredStatus != "" {
		t.Errorf("ISO 28000 9.2.1 answered by a person changed: %+v", r)
	}
	inferred(t, resultOf(t, svc, secm, xi.ID, isoNode+"9.2.2"), "ISO 28000 9.2.2", bulkhead.ResultNonCompliant, "QMS clauses")

	// Clause 10 by purpose: ISO 28000 10.1 (continual improvement) is 9001 10.3.
	answer(xi, isoNode+"10.1", "partially_compliant")
	inferred(t, resultOf(t, svc, secm, x9.ID, iso9001HSNode+"10.3"), "9001 10.3", bulkhead.ResultPartial, "ISO 28000:2022 10.1")
	if r := resultOf(t, svc, secm, x9.ID, iso9001HSNode+"10.2"); r != nil && r.InferredStatus != "" {
		t.Errorf("9001 10.2 inferred from ISO 28000 10.1: %+v", r)
	}
	// Inferred statuses do not count as answers.
	v, err := svc.Assessment(ctx, secm, x27.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Readiness.Assessed != 1 || v.Readiness.Inferred == 0 {
		t.Errorf("27001 readiness %+v", v.Readiness)
	}
}

// TestHarmonizedCounterparts: an ISO 28000 clause lists its counterparts
// in the five harmonized-structure frameworks, and a harmonized-structure
// clause lists ISO 28000 with the relationship read from its side.
func TestHarmonizedCounterparts(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "cp")
	v := f.actors[bulkhead.RoleViewer]
	cs, err := svc.HarmonizedCounterparts(ctx, v, "urn:bulkhead:risk:framework:iso28000-2022")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs[isoNode+"10.1"] {
		got = append(got, c.FrameworkName+" "+c.RefID+" "+string(c.Relationship))
	}
	want := "ISO 14001:2015 (harmonized structure) 10.3 equal|ISO 22301:2019 (harmonized structure) 10.2 equal|ISO 45001:2018 (harmonized structure) 10.3 equal|ISO 9001:2015 (harmonized structure) 10.3 equal|ISO/IEC 27001:2022 (harmonized structure) 10.1 equal"
	if strings.Join(got, "|") != want {
		t.Errorf("ISO 28000 10.1 counterparts:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if n := len(cs[isoNode+"6.3"]); n != 3 {
		t.Errorf("ISO 28000 6.3 has %d counterparts, want 3 (not in ISO 14001:2015 or ISO 45001:2018)", n)
	}
	// CTPAT mappings are not harmonized-structure counterparts.
	for _, c := range cs[isoNode+"8.4"] {
		t.Errorf("ISO 28000 8.4: unexpected counterpart %+v", c)
	}
	back, err := svc.HarmonizedCounterparts(ctx, v, "urn:bulkhead:risk:framework:iso9001-2015-hs")
	if err != nil {
		t.Fatal(err)
	}
	rels := map[string]catalog.Relationship{}
	for _, c := range back[iso9001HSNode+"9.2"] {
		rels[c.RefID] = c.Relationship
	}
	if rels["9.2"] != catalog.RelationshipEqual || rels["9.2.1"] != catalog.RelationshipSuperset || rels["9.2.2"] != catalog.RelationshipSuperset {
		t.Errorf("9001 9.2 counterparts %v", rels)
	}
	if _, err := svc.HarmonizedCounterparts(ctx, f.actors[bulkhead.RolePartner], "urn:bulkhead:risk:framework:iso28000-2022"); bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
		t.Errorf("partner: %v", err)
	}
}

// TestBuiltinUpgradeByVersion: a database holding the ISO 28000 outline at
// version 2 (free-text harmonized-structure notes) gets version 3 on the
// next read, under the same ID, with the answers of its assessments kept.
func TestBuiltinUpgradeByVersion(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "up")
	secm := f.actors[bulkhead.RoleSecurityManager]
	iso := libraryByURN(t, svc, secm, isoURN)
	x, err := svc.CreateAssessment(ctx, secm, service.AssessmentInput{LibraryID: &iso.ID, Name: ptr("Before upgrade")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AnswerRequirement(ctx, secm, x.ID, isoNode+"4.1", service.AnswerInput{Status: ptr("compliant")}); err != nil {
		t.Fatal(err)
	}
	// Put version 2 back, as an older binary stored it.
	const old = "Harmonized structure: same purpose as ISO 9001:2015 4.1; ISO 14001:2015 4.1. An integrated management system can answer these together."
	err = svc.Store().Write(ctx, func(tx bulkhead.Tx) error {
		l, err := tx.LibraryByURN(ctx, "", isoURN)
		if err != nil {
			return err
		}
		content := strings.Replace(string(l.Content), "\nversion: 3\n", "\nversion: 2\n", 1)
		content = strings.Replace(content, "Harmonized structure: the clauses with the same purpose", old+" Was: the clauses", 1)
		if _, err := catalog.ParseBytes([]byte(content)); err != nil {
			return err
		}
		l.Version, l.Content = 2, []byte(content)
		return tx.UpdateLibrary(ctx, l)
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err := svc.Store().LibraryByURN(ctx, "", isoURN)
	if err != nil || l.Version != 2 || !bytes.Contains(l.Content, []byte("same purpose as")) {
		t.Fatalf("downgrade did not stick: %v", err)
	}
	up := libraryByURN(t, svc, secm, isoURN)
	if up.Version != 3 || up.ID != iso.ID {
		t.Errorf("after upgrade: version %d, ID %s (was %s)", up.Version, up.ID, iso.ID)
	}
	d, err := svc.Library(ctx, secm, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(d.Content, []byte("same purpose as")) {
		t.Error("upgraded content still holds the version 2 annotations")
	}
	if r := resultOf(t, svc, secm, x.ID, isoNode+"4.1"); r == nil || r.Status != bulkhead.ResultCompliant {
		t.Errorf("answer lost in the upgrade: %+v", r)
	}
}

// TestHarmonizedExportImport: a harmonized-structure framework and its
// mapping set export as CISO Assistant YAML that imports again (as the
// organisation's own higher version) with nothing changed, and export
// again byte for byte.
func TestHarmonizedExportImport(t *testing.T) {
	svc := newService(t)
	f := libFixture(t, svc, "hsrt")
	a := f.actors[bulkhead.RoleAdmin]
	for _, urn := range []string{iso27001HSURN, "urn:bulkhead:risk:library:mapping-iso28000-iso27001-2022-hs"} {
		l := libraryByURN(t, svc, a, urn)
		_, out, err := svc.ExportLibrary(ctx, a, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		bumped := bytes.Replace(out, []byte("\nversion: 1\n"), []byte("\nversion: 2\n"), 1)
		p, err := svc.PreviewLibraryImport(ctx, a, "hs.yaml", bumped)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Added)+len(p.Changed)+len(p.Removed) != 0 || p.OldVersion != 1 || p.Mappings != l.MappingCount {
			t.Errorf("%s: preview of own export: %+v", urn, p)
		}
		l2, err := svc.ImportLibrary(ctx, a, "hs.yaml", bumped)
		if err != nil {
			t.Fatal(err)
		}
		if _, out2, _ := svc.ExportLibrary(ctx, a, l2.ID); !bytes.Equal(out2, bumped) {
			t.Errorf("%s: second export differs", urn)
		}
		if l2.NodeCount != l.NodeCount || l2.Harmonized != l.Harmonized || l2.MappingCount != l.MappingCount {
			t.Errorf("%s: counts changed: %+v → %+v", urn, l, l2)
		}
	}
}
