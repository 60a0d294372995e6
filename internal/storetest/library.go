package storetest

import (
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// libraryTests are the contract tests of the issue 5 libraries and assessments, by name.
var libraryTests = map[string]func(*testing.T, Store){
	"LibrariesBuiltinAndOwn": testLibraries,
	"AssessmentRecords":      testAssessmentRecords,
}

func mkLibrary(orgID, urn string, version int) *bulkhead.Library {
	return &bulkhead.Library{ID: bulkhead.NewID(), OrgID: orgID, URN: urn, Version: version, RefID: "R", Name: "Lib " + urn, Description: "d", Provider: "p",
		Packager: "bulkhead", Locale: "en", Objects: "framework", FrameworkURN: urn + ":fw", NodeCount: 3, AssessableCount: 2, Verified: 1, Secondary: 1,
		Builtin: orgID == "", Content: []byte("urn: " + urn + "\n"), ImportedAt: micro, ImportedBy: "test"}
}

func testLibraries(t *testing.T, s Store) {
	a, b := mkOrg(t, s, "alpha"), mkOrg(t, s, "bravo")
	builtin := mkLibrary("", "urn:x:risk:library:one", 1)
	own := mkLibrary(a.ID, "urn:x:risk:library:one", 2)
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateLibrary(ctx, builtin); err != nil {
			return err
		}
		return tx.CreateLibrary(ctx, own)
	})
	// The same URN twice for one owner conflicts.
	err := s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateLibrary(ctx, mkLibrary(a.ID, own.URN, 3)) })
	wantCode(t, err, bulkhead.ECONFLICT)
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateLibrary(ctx, mkLibrary("", own.URN, 3)) })
	wantCode(t, err, bulkhead.ECONFLICT)

	got, err := s.Library(ctx, a.ID, own.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(own, got); diff != "" {
		t.Errorf("Library (-want +got):\n%s", diff)
	}
	if _, err := s.Library(ctx, b.ID, own.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other org reads own library: %v", err)
	}
	if _, err := s.Library(ctx, b.ID, builtin.ID); err != nil {
		t.Errorf("built-in not visible to another org: %v", err)
	}
	lb, err := s.Libraries(ctx, b.ID)
	if err != nil || len(lb) != 1 || lb[0].ID != builtin.ID || lb[0].Content != nil {
		t.Errorf("Libraries(b) = %v, %v", lb, err)
	}
	la, _ := s.Libraries(ctx, a.ID)
	if len(la) != 2 {
		t.Errorf("Libraries(a) = %d", len(la))
	}
	x, err := s.LibraryByURN(ctx, "", own.URN)
	if err != nil || x.ID != builtin.ID {
		t.Errorf("LibraryByURN built-in = %v, %v", x, err)
	}
	x, err = s.LibraryByURN(ctx, a.ID, own.URN)
	if err != nil || x.ID != own.ID {
		t.Errorf("LibraryByURN own = %v, %v", x, err)
	}
	_, err = s.LibraryByURN(ctx, b.ID, own.URN)
	wantCode(t, err, bulkhead.ENOTFOUND)

	own.Version, own.Content, own.NodeCount = 5, []byte("new"), 9
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateLibrary(ctx, own) })
	got, _ = s.Library(ctx, a.ID, own.ID)
	if diff := cmp.Diff(own, got); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
	stray := mkLibrary(b.ID, "urn:x", 1)
	stray.ID = own.ID
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.UpdateLibrary(ctx, stray) })
	wantCode(t, err, bulkhead.ENOTFOUND)
}

func testAssessmentRecords(t *testing.T, s Store) {
	a, b := mkOrg(t, s, "alpha"), mkOrg(t, s, "bravo")
	lib := mkLibrary("", "urn:x:risk:library:one", 1)
	x := &bulkhead.Assessment{ID: bulkhead.NewID(), OrgID: a.ID, LibraryID: lib.ID, Name: "Gap", Description: "d", Groups: []string{"g1", "g2"},
		SiteIDs: []string{"s1"}, Status: bulkhead.AssessmentOpen, CreatedAt: micro, UpdatedAt: micro, CreatedBy: "u"}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateLibrary(ctx, lib); err != nil {
			return err
		}
		return tx.CreateAssessment(ctx, x)
	})
	got, err := s.Assessment(ctx, a.ID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(x, got); diff != "" {
		t.Errorf("Assessment (-want +got):\n%s", diff)
	}
	_, err = s.Assessment(ctx, b.ID, x.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	x.Status, x.Groups, x.UpdatedAt = bulkhead.AssessmentClosed, nil, micro.Add(time.Hour)
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateAssessment(ctx, x) })
	if xs, err := s.Assessments(ctx, a.ID); err != nil || len(xs) != 1 || !cmp.Equal(xs[0], x) {
		t.Errorf("Assessments = %v, %v", xs, err)
	}
	bad := *x
	bad.ID, bad.Status = bulkhead.NewID(), "maybe"
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateAssessment(ctx, &bad) })
	wantCode(t, err, bulkhead.EINVALID)

	// Results: insert, then replace.
	r := &bulkhead.AssessmentResult{OrgID: a.ID, AssessmentID: x.ID, NodeURN: "urn:n:1", Status: bulkhead.ResultNotAssessed, InferredStatus: bulkhead.ResultPartial,
		InferredFrom: "other", UpdatedAt: micro, UpdatedBy: "u"}
	write(t, s, func(tx bulkhead.Tx) error { return tx.PutAssessmentResult(ctx, r) })
	r.Status, r.InferredStatus, r.InferredFrom, r.Notes, r.Justification, r.Controls = bulkhead.ResultNotApplicable, "", "", "n", "j", "c"
	write(t, s, func(tx bulkhead.Tx) error { return tx.PutAssessmentResult(ctx, r) })
	rs, err := s.AssessmentResults(ctx, a.ID, x.ID)
	if err != nil || len(rs) != 1 || !cmp.Equal(rs[0], r) {
		t.Errorf("AssessmentResults = %v, %v", rs, err)
	}
	if rs, _ := s.AssessmentResults(ctx, b.ID, x.ID); len(rs) != 0 {
		t.Errorf("other org sees %d results", len(rs))
	}

	// Evidence keeps its bytes; lists leave them out.
	until := micro.Add(48 * time.Hour)
	e := &bulkhead.Evidence{ID: bulkhead.NewID(), OrgID: a.ID, AssessmentID: x.ID, NodeURN: "urn:n:1", Name: "f.pdf", ContentType: "application/pdf",
		Size: 3, SHA256: "abc", Content: []byte{0, 1, 2}, ValidUntil: &until, CreatedAt: micro, CreatedBy: "u"}
	link := &bulkhead.Evidence{ID: bulkhead.NewID(), OrgID: a.ID, AssessmentID: x.ID, NodeURN: "urn:n:1", Name: "wiki", URL: "https://x.example", CreatedAt: micro, CreatedBy: "u"}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateEvidence(ctx, e); err != nil {
			return err
		}
		return tx.CreateEvidence(ctx, link)
	})
	ge, err := s.Evidence(ctx, a.ID, e.ID)
	if err != nil || !cmp.Equal(ge, e) {
		t.Errorf("Evidence = %+v, %v", ge, err)
	}
	list, err := s.EvidenceList(ctx, a.ID, "")
	if err != nil || len(list) != 2 || list[0].Content != nil || list[1].ValidUntil != nil {
		t.Errorf("EvidenceList = %v, %v", list, err)
	}
	_, err = s.Evidence(ctx, b.ID, e.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.DeleteEvidence(ctx, b.ID, e.ID) })
	wantCode(t, err, bulkhead.ENOTFOUND)
	write(t, s, func(tx bulkhead.Tx) error { return tx.DeleteEvidence(ctx, a.ID, e.ID) })
	if list, _ := s.EvidenceList(ctx, a.ID, x.ID); len(list) != 1 {
		t.Errorf("after delete %d evidence", len(list))
	}

	// Actions: dated before undated.
	due := micro.Add(24 * time.Hour)
	c1 := &bulkhead.ComplianceAction{ID: bulkhead.NewID(), OrgID: a.ID, AssessmentID: x.ID, NodeURN: "urn:n:1", Title: "undated", OwnerID: "u", Status: bulkhead.GapActionOpen, CreatedAt: micro, UpdatedAt: micro}
	c2 := &bulkhead.ComplianceAction{ID: bulkhead.NewID(), OrgID: a.ID, AssessmentID: x.ID, NodeURN: "urn:n:1", Title: "dated", OwnerID: "u", Due: &due, Status: bulkhead.GapActionOpen, CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateComplianceAction(ctx, c1); err != nil {
			return err
		}
		return tx.CreateComplianceAction(ctx, c2)
	})
	cs, err := s.ComplianceActions(ctx, a.ID, x.ID)
	if err != nil || len(cs) != 2 || cs[0].ID != c2.ID {
		t.Errorf("ComplianceActions = %v, %v", cs, err)
	}
	closed := micro.Add(time.Hour)
	c2.Status, c2.ClosedAt, c2.Notes = bulkhead.GapActionDone, &closed, "done"
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateComplianceAction(ctx, c2) })
	gc, err := s.ComplianceAction(ctx, a.ID, c2.ID)
	if err != nil || !cmp.Equal(gc, c2) {
		t.Errorf("ComplianceAction = %+v, %v", gc, err)
	}
	_, err = s.ComplianceAction(ctx, b.ID, c2.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
}
