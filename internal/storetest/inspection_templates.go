package storetest

import (
	"bytes"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
)

// The contract tests of inspection checklists and photos join the custody
// tests.
func init() {
	custodyTests["InspectionTemplates"] = testInspectionTemplates
	custodyTests["InspectionPhotos"] = testInspectionPhotos
}

func mkChecklist(org, key string, version int, st bulkhead.ChecklistStatus) *bulkhead.Checklist {
	return &bulkhead.Checklist{ID: bulkhead.NewID(), OrgID: org, Key: key, Name: "Reefer pre-trip " + key, Kind: bulkhead.KindTruckTrailer, Version: version,
		Points: []bulkhead.ChecklistPoint{{Key: "unit", Label: "Reefer unit panels", Guidance: "Screws all present", PhotoOnFail: true}, {Key: "drain", Label: "Drain holes"}},
		Status: st, CreatedBy: "Ana", CreatedAt: micro}
}

func testInspectionTemplates(t *testing.T, s Store) {
	org, other := mkOrg(t, s, "chk-a"), mkOrg(t, s, "chk-b")
	v1 := mkChecklist(org.ID, "reefer", 1, bulkhead.ChecklistCurrent)
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateInspectionTemplate(ctx, v1) })
	got, err := s.InspectionTemplate(ctx, org.ID, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(v1, got); d != "" {
		t.Fatalf("checklist (-want +got):\n%s", d)
	}
	_, err = s.InspectionTemplate(ctx, other.ID, v1.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)

	// The same version twice, or a second latest version, conflicts.
	dup := mkChecklist(org.ID, "reefer", 1, bulkhead.ChecklistSuperseded)
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateInspectionTemplate(ctx, dup) }), bulkhead.ECONFLICT)
	v2 := mkChecklist(org.ID, "reefer", 2, bulkhead.ChecklistCurrent)
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateInspectionTemplate(ctx, v2) }), bulkhead.ECONFLICT)
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.SetInspectionTemplateStatus(ctx, org.ID, v1.ID, bulkhead.ChecklistSuperseded); err != nil {
			return err
		}
		return tx.CreateInspectionTemplate(ctx, v2)
	})
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error {
		return tx.SetInspectionTemplateStatus(ctx, other.ID, v2.ID, bulkhead.ChecklistArchived)
	}), bulkhead.ENOTFOUND)
	bad := mkChecklist(org.ID, "bad", 1, "draft")
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateInspectionTemplate(ctx, bad) }), bulkhead.EINVALID)

	dock := mkChecklist(org.ID, "dock", 1, bulkhead.ChecklistCurrent)
	dock.Name = "Dock door check"
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateInspectionTemplate(ctx, dock) })
	latest, err := s.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].ID != dock.ID || latest[1].ID != v2.ID {
		t.Fatalf("latest versions = %v, want dock then reefer v2", checklistIDs(latest))
	}
	versions, err := s.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: org.ID, Key: "reefer"})
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].ID != v2.ID || versions[1].ID != v1.ID || versions[1].Status != bulkhead.ChecklistSuperseded {
		t.Fatalf("versions = %v, want v2 then superseded v1", checklistIDs(versions))
	}
	if l, _ := s.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: other.ID}); len(l) != 0 {
		t.Fatalf("other organisation sees %d checklists", len(l))
	}
}

func checklistIDs(list []*bulkhead.Checklist) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Key+"/"+c.ID)
	}
	return out
}

func testInspectionPhotos(t *testing.T, s Store) {
	org, other := mkOrg(t, s, "photo-a"), mkOrg(t, s, "photo-b")
	c := mkChecklist(org.ID, "reefer", 1, bulkhead.ChecklistCurrent)
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateInspectionTemplate(ctx, c) })
	custom := &bulkhead.Inspection{ID: bulkhead.NewID(), OrgID: org.ID, SiteID: "site", Template: c.Key, TemplateID: c.ID, Equipment: "TRL-7", Inspector: "Ana",
		At: micro, Results: []bulkhead.PointResult{{Point: "unit", Result: "fail", Note: "Panel loose"}, {Point: "drain", Result: "pass"}}, Failed: 1, EPCISEventID: "urn:uuid:1", CreatedAt: micro}
	builtin := &bulkhead.Inspection{ID: bulkhead.NewID(), OrgID: org.ID, SiteID: "site", Template: "container7", Inspector: "Ana", At: micro,
		Results: []bulkhead.PointResult{{Point: "floor", Result: "pass"}}, EPCISEventID: "urn:uuid:2", CreatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error {
		if err := tx.CreateInspection(ctx, custom); err != nil {
			return err
		}
		return tx.CreateInspection(ctx, builtin)
	})
	for _, want := range []*bulkhead.Inspection{custom, builtin} {
		got, err := s.Inspection(ctx, org.ID, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("inspection (-want +got):\n%s", d)
		}
	}
	// A template_id naming no checklist is refused.
	dangling := *builtin
	dangling.ID, dangling.TemplateID = bulkhead.NewID(), bulkhead.NewID()
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateInspection(ctx, &dangling) }), bulkhead.EINVALID)

	png := []byte("\x89PNG\r\n\x1a\nrest-of-image")
	p := bulkhead.NewInspectionPhoto(org.ID, custom.ID, "unit", "image/png", "Ana", png, micro)
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateInspectionPhoto(ctx, p) })
	list, err := s.InspectionPhotos(ctx, org.ID, custom.ID)
	if err != nil {
		t.Fatal(err)
	}
	meta := *p
	meta.Data = nil
	if len(list) != 1 || !cmp.Equal(list[0], &meta) {
		t.Fatalf("photos = %+v, want %+v", list, meta)
	}
	got, err := s.InspectionPhoto(ctx, org.ID, custom.ID, p.ID)
	if err != nil || !bytes.Equal(got.Data, png) || got.SHA256 != p.SHA256 {
		t.Fatalf("photo = %+v, %v", got, err)
	}
	_, err = s.InspectionPhoto(ctx, other.ID, custom.ID, p.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	if l, _ := s.InspectionPhotos(ctx, other.ID, custom.ID); len(l) != 0 {
		t.Fatalf("other organisation sees %d photos", len(l))
	}
	pdf := bulkhead.NewInspectionPhoto(org.ID, custom.ID, "unit", "application/pdf", "Ana", []byte("%PDF-1.7"), micro)
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateInspectionPhoto(ctx, pdf) }), bulkhead.EINVALID)
}
