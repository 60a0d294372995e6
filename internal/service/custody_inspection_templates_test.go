package service_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// checklistInput is a three-point reefer checklist; the unit point needs a
// photo when it fails.
func checklistInput(key, name string) bulkhead.ChecklistInput {
	kind := bulkhead.KindTruckTrailer
	return bulkhead.ChecklistInput{Key: &key, Name: &name, Kind: &kind, Points: []bulkhead.ChecklistPoint{
		{Key: "unit", Label: "Reefer unit panels and screws", Guidance: "Look for fresh tool marks.", PhotoOnFail: true},
		{Key: "drain", Label: "Drain holes clear"},
		{Key: "temp", Label: "Set temperature matches the order"},
	}}
}

// pngPhoto is a small generated PNG image.
func pngPhoto(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// answers passes every point of a checklist except failed, which fails
// with a note.
func answers(c *bulkhead.Checklist, failed string) []bulkhead.PointResult {
	var out []bulkhead.PointResult
	for _, p := range c.Points {
		r := bulkhead.PointResult{Point: p.Key, Result: bulkhead.PointPass}
		if p.Key == failed {
			r.Result, r.Note = bulkhead.PointFail, "Two screws missing."
		}
		out = append(out, r)
	}
	return out
}

func wantChecklistFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		t.Fatalf("error = %v, want invalid", err)
	}
	got := bulkhead.ErrorFields(err)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

// TestChecklistValidation: bad checklists are refused with field errors and
// nothing is stored.
func TestChecklistValidation(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "chk-valid")
	a := f.actors[bulkhead.RoleAdmin]
	many := checklistInput("many", "Many")
	many.Points = nil
	for i := range bulkhead.MaxChecklistPoints + 1 {
		many.Points = append(many.Points, bulkhead.ChecklistPoint{Key: fmt.Sprintf("p%d", i), Label: "Point"})
	}
	dup := checklistInput("dup", "Dup")
	dup.Points[2].Key = "unit"
	nolabel := checklistInput("nolabel", "No label")
	nolabel.Points[1].Label = " "
	none := checklistInput("none", "None")
	none.Points = nil
	badKind := checklistInput("kind", "Kind")
	*badKind.Kind = "ship"
	for name, tc := range map[string]struct {
		in   bulkhead.ChecklistInput
		want map[string]string
	}{
		"no points":      {none, map[string]string{"points": bulkhead.FieldRequired}},
		"too many":       {many, map[string]string{"points": bulkhead.FieldTooMany}},
		"duplicate key":  {dup, map[string]string{"points.2.key": bulkhead.FieldTaken}},
		"no label":       {nolabel, map[string]string{"points.1.label": bulkhead.FieldRequired}},
		"built-in key":   {checklistInput("truck17", "Mine"), map[string]string{"key": bulkhead.FieldInvalid}},
		"malformed key":  {checklistInput("Has Space", "Mine"), map[string]string{"key": bulkhead.FieldInvalid}},
		"no name":        {checklistInput("noname", ""), map[string]string{"name": bulkhead.FieldRequired}},
		"unknown kind":   {badKind, map[string]string{"kind": bulkhead.FieldChoice}},
		"key taken next": {checklistInput("reefer", "Reefer"), nil},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := svc.CreateInspectionTemplate(ctx, a, tc.in)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantChecklistFields(t, err, tc.want)
		})
	}
	_, err := svc.CreateInspectionTemplate(ctx, a, checklistInput("reefer", "Reefer again"))
	wantChecklistFields(t, err, map[string]string{"key": bulkhead.FieldTaken})
	list, err := svc.InspectionTemplates(ctx, a, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[2].Key != "reefer" {
		t.Fatalf("checklists = %d, want the two built-in ones and reefer", len(list))
	}
}

// TestChecklistVersions: editing adds a version; an inspection keeps the
// version it was recorded against; superseded and archived versions take
// no new inspections; built-in checklists are read-only; another
// organisation's checklist is not found.
func TestChecklistVersions(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "chk-versions")
	a := f.actors[bulkhead.RoleAdmin]
	name := "Reefer pre-trip check"
	in := checklistInput("", name)
	in.Key = nil
	v1, err := svc.CreateInspectionTemplate(ctx, a, in)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Key != "reefer_pre_trip_check" || v1.Version != 1 {
		t.Fatalf("v1 = %s v%d", v1.Key, v1.Version)
	}
	again, err := svc.CreateInspectionTemplate(ctx, a, in)
	if err != nil || again.Key != "reefer_pre_trip_check_2" {
		t.Fatalf("second checklist of the same name: %v %v", again, err)
	}
	old, _, err := svc.RecordInspection(ctx, a, bulkhead.InspectionInput{SiteID: f.site.ID, Template: v1.Key, Equipment: "TRL-88", Results: answers(v1, "")})
	if err != nil {
		t.Fatal(err)
	}
	if old.TemplateID != v1.ID || old.Template != v1.Key {
		t.Fatalf("inspection template = %s/%s, want %s/%s", old.Template, old.TemplateID, v1.Key, v1.ID)
	}

	pts := append([]bulkhead.ChecklistPoint{}, v1.Points[:2]...)
	pts = append(pts, bulkhead.ChecklistPoint{Key: "seal", Label: "Door seal intact"})
	v2, err := svc.NewInspectionTemplateVersion(ctx, a, v1.ID, bulkhead.ChecklistInput{Points: pts})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Name != name || v2.Key != v1.Key || v2.ID == v1.ID {
		t.Fatalf("v2 = %+v", v2)
	}
	got, versions, err := svc.InspectionTemplate(ctx, a, v1.Key)
	if err != nil || got.ID != v2.ID || len(versions) != 2 || versions[1].Status != bulkhead.ChecklistSuperseded {
		t.Fatalf("after a version: %+v %d %v", got, len(versions), err)
	}
	// The past inspection still shows the points of v1.
	stored, err := svc.Inspection(ctx, a, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.InspectionChecklist(ctx, a, stored)
	if err != nil || c.ID != v1.ID || c.Points[2].Key != "temp" {
		t.Fatalf("checklist of the old inspection: %+v %v", c, err)
	}
	// The superseded version takes no new inspection; the key finds v2.
	_, _, err = svc.RecordInspection(ctx, a, bulkhead.InspectionInput{SiteID: f.site.ID, Template: v1.ID, Results: answers(v1, "")})
	wantChecklistFields(t, err, map[string]string{"template": bulkhead.FieldChoice})
	if _, _, err := svc.RecordInspection(ctx, a, bulkhead.InspectionInput{SiteID: f.site.ID, Template: v1.Key, Results: answers(v2, "")}); err != nil {
		t.Fatal(err)
	}

	// Archived: not offered, no new inspection; a new version revives it.
	if _, err := svc.ArchiveInspectionTemplate(ctx, a, v2.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.RecordInspection(ctx, a, bulkhead.InspectionInput{SiteID: f.site.ID, Template: v1.Key, Results: answers(v2, "")})
	wantChecklistFields(t, err, map[string]string{"template": bulkhead.FieldChoice})
	if list, _ := svc.InspectionTemplates(ctx, a, false); len(list) != 3 {
		t.Errorf("offered checklists = %d, want 3 (two built-in, the second reefer)", len(list))
	}
	v3, err := svc.NewInspectionTemplateVersion(ctx, a, v1.Key, bulkhead.ChecklistInput{Name: ptr("Reefer check")})
	if err != nil || v3.Version != 3 || v3.Status != bulkhead.ChecklistCurrent || len(v3.Points) != 3 || v3.Points[2].Key != "seal" {
		t.Fatalf("v3 = %+v %v", v3, err)
	}

	// Bad versions, built-in ones, other organisations.
	_, err = svc.NewInspectionTemplateVersion(ctx, a, v1.Key, bulkhead.ChecklistInput{Points: []bulkhead.ChecklistPoint{}})
	wantChecklistFields(t, err, map[string]string{"points": bulkhead.FieldRequired})
	_, err = svc.NewInspectionTemplateVersion(ctx, a, "container7", bulkhead.ChecklistInput{Name: ptr("Mine")})
	if bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("new version of a built-in checklist: %v", err)
	}
	if _, err := svc.ArchiveInspectionTemplate(ctx, a, "truck17"); bulkhead.ErrorCode(err) != bulkhead.ECONFLICT {
		t.Errorf("archive a built-in checklist: %v", err)
	}
	g := lightFixture(t, svc, "chk-other")
	o := g.actors[bulkhead.RoleAdmin]
	for _, ref := range []string{v1.ID, v1.Key} {
		if _, _, err := svc.InspectionTemplate(ctx, o, ref); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			t.Errorf("other organisation reads %s: %v", ref, err)
		}
		if _, err := svc.NewInspectionTemplateVersion(ctx, o, ref, bulkhead.ChecklistInput{Name: ptr("x")}); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			t.Errorf("other organisation edits %s: %v", ref, err)
		}
	}
	_, _, err = svc.RecordInspection(ctx, o, bulkhead.InspectionInput{SiteID: g.site.ID, Template: v3.ID, Results: answers(v3, "")})
	wantChecklistFields(t, err, map[string]string{"template": bulkhead.FieldChoice})
	entries, _, err := svc.AuditEntries(ctx, a, bulkhead.AuditFilter{ObjectType: "inspection_template"})
	if err != nil || len(entries) != 5 { // two created, two versions, one archive
		t.Errorf("audit entries = %d, %v", len(entries), err)
	}
}

// TestInspectionPhotos: a custom checklist's failed point needs its note and,
// when the checklist says so, a photo; photos are checked by content; a
// failure opens a discrepancy and its incident as with built-in checklists;
// photos can be added later and stay within the organisation.
func TestInspectionPhotos(t *testing.T) {
	svc := newService(t)
	f := lightFixture(t, svc, "chk-photos")
	a := f.actors[bulkhead.RoleSiteOfficer]
	c, err := svc.CreateInspectionTemplate(ctx, f.actors[bulkhead.RoleAdmin], checklistInput("reefer", "Reefer"))
	if err != nil {
		t.Fatal(err)
	}
	img := pngPhoto(t)
	base := func() bulkhead.InspectionInput {
		return bulkhead.InspectionInput{SiteID: f.site.ID, Template: c.ID, Equipment: "TRL-5", Results: answers(c, "unit")}
	}
	noNote := base()
	noNote.Results[0].Note = ""
	noNote.Photos = []bulkhead.PhotoUpload{{Point: "unit", Data: img}}
	noPhoto := base()
	pdf := base()
	pdf.Photos = []bulkhead.PhotoUpload{{Point: "unit", Data: []byte("%PDF-1.7\n1 0 obj\n")}}
	big := base()
	big.Photos = []bulkhead.PhotoUpload{{Point: "unit", Data: append(img, make([]byte, bulkhead.MaxInspectionPhoto)...)}}
	stray := base()
	stray.Photos = []bulkhead.PhotoUpload{{Point: "unit", Data: img}, {Point: "roof", Data: img}}
	for name, tc := range map[string]struct {
		in   bulkhead.InspectionInput
		want map[string]string
	}{
		"fail without note":  {noNote, map[string]string{"results.unit": bulkhead.FieldRequired}},
		"fail without photo": {noPhoto, map[string]string{"photos.unit": bulkhead.FieldPhotoRequired}},
		"pdf as photo":       {pdf, map[string]string{"photos.unit": bulkhead.FieldPhotoType}},
		"oversized photo":    {big, map[string]string{"photos.unit": bulkhead.FieldPhotoSize}},
		"photo of no point":  {stray, map[string]string{"photos": bulkhead.FieldUnknown}},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := svc.RecordInspection(ctx, a, tc.in)
			wantChecklistFields(t, err, tc.want)
		})
	}
	if list, _ := svc.Inspections(ctx, a, bulkhead.InspectionFilter{}); len(list) != 0 {
		t.Fatalf("refused inspections stored: %d", len(list))
	}

	ok := base()
	ok.Photos = []bulkhead.PhotoUpload{{Point: "unit", Data: img}}
	insp, disc, err := svc.RecordInspection(ctx, a, ok)
	if err != nil {
		t.Fatal(err)
	}
	if disc == nil || disc.Kind != bulkhead.DiscInspectionFailed || disc.IncidentID == "" || insp.Failed != 1 {
		t.Fatalf("discrepancy = %+v, failed %d", disc, insp.Failed)
	}
	photos, err := svc.InspectionPhotos(ctx, a, insp.ID)
	if err != nil || len(photos) != 1 || photos[0].ContentType != "image/png" || photos[0].Size != len(img) || len(photos[0].SHA256) != 64 {
		t.Fatalf("photos = %+v %v", photos, err)
	}
	// Added later, to a built-in checklist's inspection too.
	later, err := svc.AddInspectionPhoto(ctx, a, insp.ID, bulkhead.PhotoUpload{Point: "drain", Data: img})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.InspectionPhoto(ctx, a, insp.ID, later.ID)
	if err != nil || !bytes.Equal(got.Data, img) {
		t.Fatalf("photo = %v", err)
	}
	_, err = svc.AddInspectionPhoto(ctx, a, insp.ID, bulkhead.PhotoUpload{Point: "nowhere", Data: []byte("<html>")})
	wantChecklistFields(t, err, map[string]string{"point": bulkhead.FieldChoice, "photo": bulkhead.FieldPhotoType})
	if photos, _ := svc.InspectionPhotos(ctx, a, insp.ID); len(photos) != 2 {
		t.Errorf("photos after a refused one = %d, want 2", len(photos))
	}
	g := lightFixture(t, svc, "chk-photos-other")
	o := g.actors[bulkhead.RoleAdmin]
	if _, err := svc.InspectionPhoto(ctx, o, insp.ID, later.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other organisation reads the photo: %v", err)
	}
	if _, err := svc.AddInspectionPhoto(ctx, o, insp.ID, bulkhead.PhotoUpload{Point: "drain", Data: img}); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other organisation adds a photo: %v", err)
	}
}
