package service

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// ActInspectionTemplate creates checklists, adds versions to them and
// archives them.
const ActInspectionTemplate Action = "inspection.template"

// InspectionTemplates lists the checklists of the organisation: the
// built-in ones first, then the latest version of each of its own (archived
// ones only when archived is set). EFORBIDDEN.
func (s *Service) InspectionTemplates(ctx context.Context, a Actor, archived bool) ([]*bulkhead.Checklist, error) {
	if err := authorize(a, ActInspectionRead); err != nil {
		return nil, err
	}
	own, err := s.store.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: a.OrgID})
	if err != nil {
		return nil, err
	}
	out := bulkhead.BuiltinChecklists()
	for _, c := range own {
		if archived || c.Status == bulkhead.ChecklistCurrent {
			out = append(out, c)
		}
	}
	return out, nil
}

// InspectionTemplate returns a checklist named by a built-in key, the key
// of one of the organisation's own (its latest version) or a version's ID,
// with every version of it, newest first. EFORBIDDEN, ENOTFOUND.
func (s *Service) InspectionTemplate(ctx context.Context, a Actor, ref string) (*bulkhead.Checklist, []*bulkhead.Checklist, error) {
	if err := authorize(a, ActInspectionRead); err != nil {
		return nil, nil, err
	}
	c, err := findChecklist(ctx, s.store, a.OrgID, strings.TrimSpace(ref))
	if err != nil {
		return nil, nil, err
	}
	if c.Builtin {
		return c, []*bulkhead.Checklist{c}, nil
	}
	versions, err := s.store.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: a.OrgID, Key: c.Key})
	return c, versions, err
}

// findChecklist resolves a checklist reference: a built-in key, a version
// ID, or a key (the latest version). ENOTFOUND.
func findChecklist(ctx context.Context, r bulkhead.Reader, orgID, ref string) (*bulkhead.Checklist, error) {
	if c, ok := bulkhead.BuiltinChecklist(ref); ok {
		return c, nil
	}
	if ref == "" {
		return nil, bulkhead.NotFound("Checklist")
	}
	c, err := r.InspectionTemplate(ctx, orgID, ref)
	if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		return c, err
	}
	versions, err := r.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: orgID, Key: ref})
	if err != nil {
		return nil, err
	}
	if len(versions) == 0 {
		return nil, bulkhead.NotFound("Checklist")
	}
	return versions[0], nil
}

// checklistForInspection returns the checklist an inspection may be
// recorded against: a built-in one or the current version of one of the
// organisation's own; nil when there is none (a field error follows).
func (s *Service) checklistForInspection(ctx context.Context, r bulkhead.Reader, orgID, ref string) (*bulkhead.Checklist, error) {
	c, err := findChecklist(ctx, r, orgID, ref)
	if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.Status != bulkhead.ChecklistCurrent {
		return nil, nil
	}
	return c, nil
}

// CreateInspectionTemplate adds one of the organisation's own checklists
// (version 1). Without a key one is made from the name. EFORBIDDEN,
// EINVALID (a key already used: "key" taken).
func (s *Service) CreateInspectionTemplate(ctx context.Context, a Actor, in bulkhead.ChecklistInput) (*bulkhead.Checklist, error) {
	if err := authorize(a, ActInspectionTemplate); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(true); err != nil {
		return nil, err
	}
	c := &bulkhead.Checklist{ID: bulkhead.NewID(), OrgID: a.OrgID, Name: *in.Name, Kind: *in.Kind, Version: 1, Points: in.Points,
		Status: bulkhead.ChecklistCurrent, CreatedBy: a.Name, CreatedAt: s.now()}
	given := in.Key != nil && *in.Key != ""
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if given {
			c.Key = *in.Key
			if taken, err := checklistKeyTaken(ctx, tx, a.OrgID, c.Key); err != nil || taken {
				if err == nil {
					err = bulkhead.Invalid(map[string]string{"key": bulkhead.FieldTaken})
				}
				return err
			}
		} else {
			base := bulkhead.ChecklistKey(c.Name)
			if base == "" {
				base = "checklist"
			}
			for n := 1; ; n++ {
				c.Key = base
				if n > 1 {
					c.Key = base[:min(len(base), 36)] + "_" + strconv.Itoa(n)
				}
				taken, err := checklistKeyTaken(ctx, tx, a.OrgID, c.Key)
				if err != nil {
					return err
				}
				if !taken {
					break
				}
			}
		}
		if err := tx.CreateInspectionTemplate(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "inspection.template.create", "inspection_template", c.ID, map[string]any{
			"key": c.Key, "name": c.Name, "kind": string(c.Kind), "version": c.Version, "points": c.Points})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checklistKeyTaken reports whether a key is a built-in one or used by a
// checklist of the organisation.
func checklistKeyTaken(ctx context.Context, r bulkhead.Reader, orgID, key string) (bool, error) {
	if _, ok := bulkhead.Template(key); ok {
		return true, nil
	}
	versions, err := r.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: orgID, Key: key})
	return len(versions) > 0, err
}

// NewInspectionTemplateVersion edits one of the organisation's own
// checklists by adding a version: fields left nil keep the latest
// version's values, which becomes superseded (inspections recorded against
// it keep it). An archived checklist becomes current again. Built-in
// checklists are read-only (ECONFLICT). EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) NewInspectionTemplateVersion(ctx context.Context, a Actor, ref string, in bulkhead.ChecklistInput) (*bulkhead.Checklist, error) {
	if err := authorize(a, ActInspectionTemplate); err != nil {
		return nil, err
	}
	in.Key = nil
	in.Normalize()
	if err := in.Validate(false); err != nil {
		return nil, err
	}
	var c *bulkhead.Checklist
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		latest, err := latestChecklist(ctx, tx, a.OrgID, ref)
		if err != nil {
			return err
		}
		c = &bulkhead.Checklist{ID: bulkhead.NewID(), OrgID: a.OrgID, Key: latest.Key, Name: latest.Name, Kind: latest.Kind, Version: latest.Version + 1,
			Points: latest.Points, Status: bulkhead.ChecklistCurrent, CreatedBy: a.Name, CreatedAt: s.now()}
		if in.Name != nil {
			c.Name = *in.Name
		}
		if in.Kind != nil {
			c.Kind = *in.Kind
		}
		if in.Points != nil {
			c.Points = in.Points
		}
		if err := tx.SetInspectionTemplateStatus(ctx, a.OrgID, latest.ID, bulkhead.ChecklistSuperseded); err != nil {
			return err
		}
		if err := tx.CreateInspectionTemplate(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "inspection.template.version", "inspection_template", c.ID, map[string]any{
			"key": c.Key, "name": c.Name, "kind": string(c.Kind), "version": c.Version, "previous_id": latest.ID, "points": c.Points})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// latestChecklist returns the latest version of the organisation's own
// checklist a reference names. ENOTFOUND; ECONFLICT for a built-in one.
func latestChecklist(ctx context.Context, r bulkhead.Reader, orgID, ref string) (*bulkhead.Checklist, error) {
	c, err := findChecklist(ctx, r, orgID, strings.TrimSpace(ref))
	if err != nil {
		return nil, err
	}
	if c.Builtin {
		return nil, bulkhead.Errorf(bulkhead.ECONFLICT, "The built-in checklists cannot be changed; create your own.")
	}
	versions, err := r.InspectionTemplates(ctx, bulkhead.ChecklistFilter{OrgID: orgID, Key: c.Key})
	if err != nil {
		return nil, err
	}
	return versions[0], nil
}

// ArchiveInspectionTemplate stops offering one of the organisation's own
// checklists for new inspections; past inspections keep it. Archiving an
// archived checklist changes nothing. EFORBIDDEN, ENOTFOUND, ECONFLICT
// (built-in).
func (s *Service) ArchiveInspectionTemplate(ctx context.Context, a Actor, ref string) (*bulkhead.Checklist, error) {
	if err := authorize(a, ActInspectionTemplate); err != nil {
		return nil, err
	}
	var c *bulkhead.Checklist
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		var err error
		if c, err = latestChecklist(ctx, tx, a.OrgID, ref); err != nil || c.Status == bulkhead.ChecklistArchived {
			return err
		}
		c.Status = bulkhead.ChecklistArchived
		if err := tx.SetInspectionTemplateStatus(ctx, a.OrgID, c.ID, c.Status); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "inspection.template.archive", "inspection_template", c.ID, map[string]any{"key": c.Key, "version": c.Version})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// InspectionChecklist returns the checklist an inspection was recorded
// against: its built-in template or the very version of the
// organisation's own. EFORBIDDEN, ENOTFOUND.
func (s *Service) InspectionChecklist(ctx context.Context, a Actor, in *bulkhead.Inspection) (*bulkhead.Checklist, error) {
	if err := authorize(a, ActInspectionRead); err != nil {
		return nil, err
	}
	if in.TemplateID == "" {
		if c, ok := bulkhead.BuiltinChecklist(in.Template); ok {
			return c, nil
		}
		return nil, bulkhead.NotFound("Checklist")
	}
	return s.store.InspectionTemplate(ctx, a.OrgID, in.TemplateID)
}

// AddInspectionPhoto adds a photo to a point of a recorded inspection.
// The image's type is decided by its content (JPEG, PNG or WebP, at most
// 10 MiB). EFORBIDDEN, ENOTFOUND, EINVALID ("point", "photo").
func (s *Service) AddInspectionPhoto(ctx context.Context, a Actor, inspectionID string, up bulkhead.PhotoUpload) (*bulkhead.InspectionPhoto, error) {
	if err := authorize(a, ActInspectionRecord); err != nil {
		return nil, err
	}
	var p *bulkhead.InspectionPhoto
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		insp, err := tx.Inspection(ctx, a.OrgID, inspectionID)
		if err != nil {
			return err
		}
		f := map[string]string{}
		known := false
		for _, r := range insp.Results {
			known = known || r.Point == up.Point
		}
		if !known {
			f["point"] = bulkhead.FieldChoice
		}
		ct, code := bulkhead.CheckPhoto(up.Data)
		if code != "" {
			f["photo"] = code
		}
		if len(f) > 0 {
			return bulkhead.Invalid(f)
		}
		p = bulkhead.NewInspectionPhoto(a.OrgID, insp.ID, up.Point, ct, a.Name, up.Data, s.now())
		if err := tx.CreateInspectionPhoto(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "inspection.photo", "inspection", insp.ID, map[string]any{
			"photo_id": p.ID, "point": p.Point, "content_type": p.ContentType, "size": p.Size, "sha256": p.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// storeInspectionPhotos stores the photos sent with a new inspection
// (already checked by ValidateFor), returning their IDs.
func (s *Service) storeInspectionPhotos(ctx context.Context, tx bulkhead.Tx, a Actor, insp *bulkhead.Inspection, photos []bulkhead.PhotoUpload) ([]string, error) {
	var ids []string
	for _, up := range photos {
		ct, _ := bulkhead.CheckPhoto(up.Data)
		p := bulkhead.NewInspectionPhoto(a.OrgID, insp.ID, up.Point, ct, a.Name, up.Data, s.now())
		if err := tx.CreateInspectionPhoto(ctx, p); err != nil {
			return nil, err
		}
		ids = append(ids, p.ID)
	}
	return ids, nil
}

// InspectionPhotos lists an inspection's photos, without their data.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) InspectionPhotos(ctx context.Context, a Actor, inspectionID string) ([]*bulkhead.InspectionPhoto, error) {
	if err := authorize(a, ActInspectionRead); err != nil {
		return nil, err
	}
	if _, err := s.store.Inspection(ctx, a.OrgID, inspectionID); err != nil {
		return nil, err
	}
	return s.store.InspectionPhotos(ctx, a.OrgID, inspectionID)
}

// InspectionPhoto returns a photo of an inspection with its data.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) InspectionPhoto(ctx context.Context, a Actor, inspectionID, photoID string) (*bulkhead.InspectionPhoto, error) {
	if err := authorize(a, ActInspectionRead); err != nil {
		return nil, err
	}
	return s.store.InspectionPhoto(ctx, a.OrgID, inspectionID, photoID)
}

// demoChecklist adds the demo organisation's own checklist, a reefer
// pre-trip check in our words, and one inspection against it at the
// Monterrey yard (all passed, the set-point check not applicable).
func (s *Service) demoChecklist(ctx context.Context, secm, officer Actor, site *bulkhead.Site, at time.Time) error {
	kind := bulkhead.KindTruckTrailer
	c, err := s.CreateInspectionTemplate(ctx, secm, bulkhead.ChecklistInput{Key: ptrTo("reefer_pretrip"), Name: ptrTo("Reefer pre-trip check"), Kind: &kind,
		Points: []bulkhead.ChecklistPoint{
			{Key: "unit_panels", Label: "Refrigeration unit panels and fixings", Guidance: "Every panel screw present, no fresh tool marks, no panel that moves when pressed.", PhotoOnFail: true},
			{Key: "evaporator", Label: "Evaporator housing inside the front wall", Guidance: "Torch through the grille: nothing taped behind the fan shroud."},
			{Key: "drain_holes", Label: "Floor drain holes and T-bar floor", Guidance: "Drain plugs fitted, no boards or sheets laid over the T-bars."},
			{Key: "setpoint", Label: "Set temperature matches the order", Guidance: "Compare the display with the booking; note both values if they differ."},
			{Key: "door_seal_rubber", Label: "Door gaskets and hinge pins", Guidance: "Gaskets whole, hinge pins and rivets original (round heads, no fresh paint).", PhotoOnFail: true},
		}})
	if err != nil {
		return err
	}
	results := []bulkhead.PointResult{}
	for _, p := range c.Points {
		r := bulkhead.PointResult{Point: p.Key, Result: bulkhead.PointPass}
		if p.Key == "setpoint" {
			r.Result, r.Note = bulkhead.PointNA, "Empty reposition: unit off."
		}
		results = append(results, r)
	}
	_, _, err = s.RecordInspection(ctx, officer, bulkhead.InspectionInput{SiteID: site.ID, Template: c.Key, Equipment: "HLX-TRL-207", At: at, Results: results})
	return err
}

// demoPhotoPNG draws a small picture for the demo's failed fuel-tank point:
// a grey tank with a darker strap across it.
func demoPhotoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for y := range 64 {
		for x := range 96 {
			c := color.RGBA{R: 120, G: 128, B: 136, A: 255}
			switch {
			case y < 8 || y > 56:
				c = color.RGBA{R: 235, G: 235, B: 230, A: 255}
			case x > 40 && x < 48:
				c = color.RGBA{R: 60, G: 60, B: 64, A: 255}
			case x >= 48 && x < 52 && y%6 < 3:
				c = color.RGBA{R: 200, G: 180, B: 90, A: 255} // the tool marks
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
