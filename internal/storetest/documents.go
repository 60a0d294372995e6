package storetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// documentTests are the contract tests of controlled documents, by name.
var documentTests = map[string]func(*testing.T, Store){
	"Documents":        testDocuments,
	"DocumentList":     testDocumentList,
	"DocumentVersions": testDocumentVersions,
	"DocumentAcks":     testDocumentAcks,
}

func mkDoc(t *testing.T, s bulkhead.Store, org *bulkhead.Organization, owner *bulkhead.User, ref, title string, typ bulkhead.DocType) *bulkhead.Document {
	t.Helper()
	d := &bulkhead.Document{ID: bulkhead.NewID(), OrgID: org.ID, Title: title, Reference: ref, Type: typ, OwnerID: owner.ID,
		Classification: bulkhead.ClassInternal, CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateDocument(ctx, d) })
	return d
}

func testDocuments(t *testing.T, s Store) {
	o, other := mkOrg(t, s, "docs"), mkOrg(t, s, "other")
	u := mkUser(t, s, "owner@docs.example")
	due := micro.AddDate(1, 0, 0)
	d := &bulkhead.Document{ID: bulkhead.NewID(), OrgID: o.ID, Title: "Seal control", Reference: "SEC-PRO-010", Type: bulkhead.DocProcedure,
		OwnerID: u.ID, Classification: bulkhead.ClassConfidential, AckRequired: true, AckRoles: []bulkhead.Role{bulkhead.RoleSiteOfficer, bulkhead.RoleViewer},
		ReviewMonths: 12, ReviewDue: &due, RetentionMonths: 84, LatestVersion: 2, LatestStatus: bulkhead.VersionDraft, PublishedID: "v1", PublishedNumber: 1,
		CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateDocument(ctx, d) })
	got, err := s.Document(ctx, o.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, got); diff != "" {
		t.Errorf("Document (-want +got):\n%s", diff)
	}
	_, err = s.Document(ctx, other.ID, d.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)

	// The reference is unique per organisation, not across them.
	dup := *d
	dup.ID = bulkhead.NewID()
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateDocument(ctx, &dup) })
	wantCode(t, err, bulkhead.ECONFLICT)
	dup.OrgID = other.ID
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateDocument(ctx, &dup) })

	// Update round trip, clearing the optional fields.
	arch := micro.Add(time.Hour)
	d.Title, d.AckRoles, d.ReviewDue, d.ArchivedAt, d.LatestStatus, d.PublishedID, d.PublishedNumber = "Seal control v2", nil, nil, &arch, bulkhead.VersionPublished, "", 0
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateDocument(ctx, d) })
	got, _ = s.Document(ctx, o.ID, d.ID)
	if diff := cmp.Diff(d, got); diff != "" {
		t.Errorf("updated Document (-want +got):\n%s", diff)
	}
	missing := *d
	missing.ID = bulkhead.NewID()
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.UpdateDocument(ctx, &missing) })
	wantCode(t, err, bulkhead.ENOTFOUND)
	// CHECK constraints hold in both databases.
	badType := *d
	badType.ID, badType.Reference, badType.Type = bulkhead.NewID(), "X-1", "memo"
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateDocument(ctx, &badType) })
	wantCode(t, err, bulkhead.EINVALID)
}

func testDocumentList(t *testing.T, s Store) {
	o := mkOrg(t, s, "list")
	u, u2 := mkUser(t, s, "a@list.example"), mkUser(t, s, "b@list.example")
	var all []*bulkhead.Document
	types := []bulkhead.DocType{bulkhead.DocProcedure, bulkhead.DocPlan, bulkhead.DocForm}
	write(t, s, func(tx bulkhead.Tx) error {
		for i := range 30 {
			owner := u
			if i%5 == 0 {
				owner = u2
			}
			d := &bulkhead.Document{ID: bulkhead.NewID(), OrgID: o.ID, Title: fmt.Sprintf("Doc %02d", 29-i), Reference: fmt.Sprintf("REF-%03d", i),
				Type: types[i%3], OwnerID: owner.ID, Classification: bulkhead.Classifications[i%4], LatestStatus: bulkhead.VersionDraft,
				CreatedAt: micro, UpdatedAt: micro.Add(time.Duration(i) * time.Second)}
			if i%4 == 0 {
				due := micro.AddDate(0, i, 0)
				d.ReviewDue = &due
			}
			if i%6 == 0 {
				d.PublishedID, d.PublishedNumber, d.LatestStatus, d.AckRequired = bulkhead.NewID(), 1, bulkhead.VersionPublished, true
			}
			if i == 29 {
				d.ArchivedAt = &micro
			}
			if err := tx.CreateDocument(ctx, d); err != nil {
				return err
			}
			all = append(all, d)
		}
		return nil
	})
	count := func(f bulkhead.DocumentFilter) (int, []*bulkhead.Document) {
		t.Helper()
		f.OrgID = o.ID
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.Documents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return total, list
	}
	if n, list := count(bulkhead.DocumentFilter{Limit: 10}); n != 29 || len(list) != 10 || list[0].Title != "Doc 01" {
		t.Errorf("default list: %d, first %q", n, list[0].Title)
	}
	// Pages past the middle are read from the other end: same rows, same order.
	for _, sort := range []bulkhead.DocumentSort{bulkhead.DocSortTitle, bulkhead.DocSortReview, bulkhead.DocSortUpdated} {
		for _, desc := range []bool{false, true} {
			_, whole := count(bulkhead.DocumentFilter{Sort: sort, Desc: desc, Limit: 29})
			for _, off := range []int{14, 20, 25} {
				n, list := count(bulkhead.DocumentFilter{Sort: sort, Desc: desc, Limit: 10, Offset: off})
				if n != 29 || len(list) != min(10, 29-off) {
					t.Fatalf("%s desc=%v offset %d: %d rows of %d", sort, desc, off, len(list), n)
				}
				for i, d := range list {
					if d.ID != whole[off+i].ID {
						t.Errorf("%s desc=%v offset %d row %d = %s, want %s", sort, desc, off, i, d.Reference, whole[off+i].Reference)
					}
				}
			}
		}
	}
	if n, _ := count(bulkhead.DocumentFilter{Status: bulkhead.StatusAll}); n != 30 {
		t.Errorf("all: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{Status: bulkhead.StatusArchived}); n != 1 {
		t.Errorf("archived: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{Type: bulkhead.DocPlan}); n != 10 {
		t.Errorf("type plan: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{OwnerID: u2.ID}); n != 6 {
		t.Errorf("owner: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{Classification: bulkhead.ClassRestricted}); n != 7 {
		t.Errorf("restricted: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{Classes: []bulkhead.Classification{bulkhead.ClassPublic}}); n != 8 {
		t.Errorf("public only: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{Classes: []bulkhead.Classification{}}); n != 0 {
		t.Errorf("no classes: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{State: bulkhead.VersionPublished}); n != 5 {
		t.Errorf("published state: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{AckRequired: true}); n != 5 {
		t.Errorf("ack required: %d", n)
	}
	before := micro.AddDate(0, 10, 0)
	if n, _ := count(bulkhead.DocumentFilter{ReviewBefore: &before}); n != 3 { // due at +0, +4, +8 months
		t.Errorf("review before: %d", n)
	}
	if n, list := count(bulkhead.DocumentFilter{Query: "ref-00"}); n != 10 || len(list) != 10 {
		t.Errorf("search ref-00: %d", n)
	}
	if n, _ := count(bulkhead.DocumentFilter{Query: "doc 1%"}); n != 0 {
		t.Errorf("LIKE wildcards not escaped: %d", n)
	}
	_, list := count(bulkhead.DocumentFilter{Sort: bulkhead.DocSortReference, Desc: true, Limit: 2})
	if list[0].Reference != "REF-028" {
		t.Errorf("reference desc first = %s", list[0].Reference)
	}
	_, list = count(bulkhead.DocumentFilter{Sort: bulkhead.DocSortReview, Limit: 30})
	if list[0].Reference != "REF-000" || list[len(list)-1].ReviewDue != nil {
		t.Errorf("review sort: first %s, last due %v", list[0].Reference, list[len(list)-1].ReviewDue)
	}
	_, list = count(bulkhead.DocumentFilter{Sort: bulkhead.DocSortUpdated, Desc: true, Limit: 1})
	if list[0].Reference != "REF-028" {
		t.Errorf("updated desc first = %s", list[0].Reference)
	}
	_, list = count(bulkhead.DocumentFilter{Sort: bulkhead.DocSortType, Limit: 1})
	if list[0].Type != bulkhead.DocForm {
		t.Errorf("type sort first = %s", list[0].Type)
	}
}

func testDocumentVersions(t *testing.T, s Store) {
	o, other := mkOrg(t, s, "ver"), mkOrg(t, s, "ver2")
	u := mkUser(t, s, "a@ver.example")
	d := mkDoc(t, s, o, u, "SCP-1", "Scope", bulkhead.DocScope)
	sub := micro.Add(time.Minute)
	v1 := &bulkhead.DocumentVersion{ID: bulkhead.NewID(), OrgID: o.ID, DocumentID: d.ID, Number: 1, Status: bulkhead.VersionInReview,
		Body: "# Scope\n\nAll «sites».", Note: "first", AuthorID: u.ID, CreatedAt: micro, UpdatedAt: micro, SubmittedBy: u.ID, SubmittedAt: &sub,
		Scope: &bulkhead.ScopeDetails{SiteIDs: []string{"s1"}, Activities: []string{"Storage"}, Segments: []string{}, Exclusions: []bulkhead.Exclusion{{Item: "IT", Justification: "Other system"}}}}
	file := append([]byte("%PDF-1.7\n"), make([]byte, 70000)...)
	file[len(file)-1] = 0xFF
	v2 := &bulkhead.DocumentVersion{ID: bulkhead.NewID(), OrgID: o.ID, DocumentID: d.ID, Number: 2, Status: bulkhead.VersionDraft,
		FileName: "scope.pdf", FileType: "application/pdf", FileSize: int64(len(file)), FileSHA256: "ab", AuthorID: u.ID, CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateDocumentVersion(ctx, v1, nil); err != nil {
			return err
		}
		return tx.CreateDocumentVersion(ctx, v2, file)
	})
	got, err := s.DocumentVersion(ctx, o.ID, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v1, got); diff != "" {
		t.Errorf("DocumentVersion (-want +got):\n%s", diff)
	}
	_, err = s.DocumentVersion(ctx, other.ID, v1.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	b, err := s.DocumentFile(ctx, o.ID, v2.ID)
	if err != nil || !bytes.Equal(b, file) {
		t.Fatalf("DocumentFile = %d bytes, %v", len(b), err)
	}
	_, err = s.DocumentFile(ctx, other.ID, v2.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	_, err = s.DocumentFile(ctx, o.ID, v1.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	vs, err := s.DocumentVersions(ctx, o.ID, d.ID)
	if err != nil || len(vs) != 2 || vs[0].Number != 2 {
		t.Fatalf("DocumentVersions = %v, %v", vs, err)
	}
	// A number is taken once per document.
	dup := *v1
	dup.ID = bulkhead.NewID()
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateDocumentVersion(ctx, &dup, nil) })
	wantCode(t, err, bulkhead.ECONFLICT)
	// A version of a document of another organisation cannot be made.
	stray := *v1
	stray.ID, stray.OrgID, stray.Number = bulkhead.NewID(), other.ID, 9
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateDocumentVersion(ctx, &stray, nil) })
	wantCode(t, err, bulkhead.EINVALID)

	ir, err := s.DocumentVersionsByStatus(ctx, o.ID, bulkhead.VersionInReview)
	if err != nil || len(ir) != 1 || ir[0].ID != v1.ID {
		t.Fatalf("by status = %v, %v", ir, err)
	}
	// Update: approve v1; turn v2 into Markdown, which drops its file.
	app := micro.Add(time.Hour)
	v1.Status, v1.ApprovedBy, v1.ApprovedRole, v1.ApprovedAt, v1.Scope = bulkhead.VersionApproved, u.ID, bulkhead.RoleTopManagement, &app, nil
	v2.FileName, v2.FileType, v2.FileSize, v2.FileSHA256, v2.Body = "", "", 0, "", "text"
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.UpdateDocumentVersion(ctx, v1, nil); err != nil {
			return err
		}
		return tx.UpdateDocumentVersion(ctx, v2, nil)
	})
	got, _ = s.DocumentVersion(ctx, o.ID, v1.ID)
	if diff := cmp.Diff(v1, got); diff != "" {
		t.Errorf("updated version (-want +got):\n%s", diff)
	}
	_, err = s.DocumentFile(ctx, o.ID, v2.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	// Replacing a file.
	v2.FileName, v2.FileSHA256 = "new.pdf", "cd"
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateDocumentVersion(ctx, v2, []byte("%PDF-new")) })
	if b, _ := s.DocumentFile(ctx, o.ID, v2.ID); string(b) != "%PDF-new" {
		t.Errorf("replaced file = %q", b)
	}
	if vs, _ := s.DocumentVersions(ctx, other.ID, d.ID); len(vs) != 0 {
		t.Errorf("versions seen from another organisation: %d", len(vs))
	}
}

func testDocumentAcks(t *testing.T, s Store) {
	o := mkOrg(t, s, "ack")
	u, u2 := mkUser(t, s, "a@ack.example"), mkUser(t, s, "b@ack.example")
	d := mkDoc(t, s, o, u, "POL-1", "Policy", bulkhead.DocPolicy)
	v := &bulkhead.DocumentVersion{ID: bulkhead.NewID(), OrgID: o.ID, DocumentID: d.ID, Number: 1, Status: bulkhead.VersionPublished, Body: "x",
		AuthorID: u.ID, CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateDocumentVersion(ctx, v, nil) })
	a1 := &bulkhead.DocumentAck{OrgID: o.ID, DocumentID: d.ID, VersionID: v.ID, UserID: u.ID, At: micro}
	a2 := &bulkhead.DocumentAck{OrgID: o.ID, DocumentID: d.ID, VersionID: v.ID, UserID: u2.ID, At: micro.Add(time.Second)}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateDocumentAck(ctx, a2); err != nil {
			return err
		}
		return tx.CreateDocumentAck(ctx, a1)
	})
	got, err := s.DocumentAcks(ctx, o.ID, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*bulkhead.DocumentAck{a1, a2}, got); diff != "" {
		t.Errorf("DocumentAcks (-want +got):\n%s", diff)
	}
	mine, err := s.UserDocumentAcks(ctx, o.ID, u2.ID)
	if err != nil || len(mine) != 1 || mine[0].VersionID != v.ID {
		t.Fatalf("UserDocumentAcks = %v, %v", mine, err)
	}
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateDocumentAck(ctx, a1) })
	wantCode(t, err, bulkhead.ECONFLICT)
}
