package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Inspection page templates.
const (
	pageInspections    = "custody_inspections"
	pageInspectionForm = "custody_inspection_form"
	pageInspection     = "custody_inspection"
)

type inspectionRow struct {
	*bulkhead.Inspection
	When         string
	SiteName     string
	TemplateName string
}

type inspectionsPage struct {
	basePage
	Rows []inspectionRow
	// Checklists offered for a new inspection (built-in and own).
	Checklists []selectOption
}

// inspections lists inspections (GET /custody/inspections).
func (s *server) inspections(c *call) error {
	list, err := s.svc.Inspections(c.r.Context(), c.actor(), bulkhead.InspectionFilter{})
	if err != nil {
		return err
	}
	_, names, err := s.siteChoices(c, "")
	if err != nil {
		return err
	}
	all, err := s.svc.InspectionTemplates(c.r.Context(), c.actor(), true)
	if err != nil {
		return err
	}
	p := &inspectionsPage{basePage: c.base("inspections.title")}
	tplNames := map[string]string{}
	for _, ch := range all {
		tplNames[ch.Key] = c.checklistName(ch)
		if ch.Status == bulkhead.ChecklistCurrent {
			p.Checklists = append(p.Checklists, selectOption{Value: ch.Key, Label: c.checklistName(ch)})
		}
	}
	for _, in := range list {
		name := tplNames[in.Template]
		if name == "" {
			name = in.Template
		}
		p.Rows = append(p.Rows, inspectionRow{Inspection: in, When: c.dateTime(in.At), SiteName: names[in.SiteID], TemplateName: name})
	}
	s.render(c.w, c.r, http.StatusOK, pageInspections, p)
	return nil
}

// inspectionPoint is one checklist point on the form: its result select,
// its note and its photo input.
type inspectionPoint struct {
	N           int // position in the checklist, from 1
	Guidance    string
	PhotoOnFail bool
	Result      *formField
	Note        *formField
	Photo       *formField // a file input, drawn by the page
}

type inspectionFormPage struct {
	basePage
	Template string
	Form     *form
	Points   []inspectionPoint
}

// inspectionForm builds the form of a checklist: a built-in key, an own
// checklist's key (its current version) or a version ID.
func (s *server) inspectionForm(c *call, template string, v url.Values) (*inspectionFormPage, error) {
	tpl, _, err := s.svc.InspectionTemplate(c.r.Context(), c.actor(), template)
	if err != nil {
		return nil, err
	}
	if tpl.Status != bulkhead.ChecklistCurrent {
		return nil, bulkhead.NotFound("Checklist")
	}
	sites, _, err := s.siteChoices(c, v.Get("site_id"))
	if err != nil {
		return nil, err
	}
	p := &inspectionFormPage{basePage: c.base("inspection.new_with", c.checklistName(tpl)), Template: tpl.Key, Form: newForm()}
	if tpl.Builtin {
		p.basePage = c.base("inspection.new_" + tpl.Key)
	}
	p.Form.add(&formField{Name: "site_id", Label: c.T("seal.where"), Kind: "select", Options: sites, Required: true})
	p.Form.add(&formField{Name: "equipment", Label: c.T("inspection.equipment"), Hint: c.T("seal.equipment_hint"), Value: v.Get("equipment"), MaxLength: 20, Autocapitalize: "characters"})
	for _, pt := range tpl.Points {
		label := c.pointLabel(tpl, pt.Key)
		r := p.Form.add(&formField{Name: "r." + pt.Key, Label: label, Kind: "select", Required: true,
			Options: options(v.Get("r."+pt.Key), "", c.T("custody.choose"), bulkhead.PointPass, c.T("inspection.pass"), bulkhead.PointFail, c.T("inspection.fail"), bulkhead.PointNA, c.T("inspection.na"))})
		n := p.Form.add(&formField{Name: "n." + pt.Key, Label: c.T("inspection.note_for", label), Value: v.Get("n." + pt.Key), MaxLength: 1000})
		ph := p.Form.add(&formField{Name: "f." + pt.Key, Label: c.T("inspection.photo_for", label), Kind: "file"})
		if pt.PhotoOnFail {
			ph.Hint = c.T("inspection.photo_required_hint")
		}
		p.Points = append(p.Points, inspectionPoint{N: len(p.Points) + 1, Guidance: pt.Guidance, PhotoOnFail: pt.PhotoOnFail, Result: r, Note: n, Photo: ph})
	}
	return p, nil
}

// newInspection shows a checklist to fill in (GET /custody/inspections/new?template=…).
func (s *server) newInspection(c *call) error {
	if !c.can(service.ActInspectionRecord) {
		return forbidden()
	}
	p, err := s.inspectionForm(c, c.r.URL.Query().Get("template"), url.Values{})
	if err != nil {
		return err
	}
	s.render(c.w, c.r, http.StatusOK, pageInspectionForm, p)
	return nil
}

// recordInspection saves a filled-in checklist with its photos (POST
// /custody/inspections, multipart/form-data or url-encoded).
func (s *server) recordInspection(c *call, tooLarge bool) error {
	v := c.r.PostForm
	in := bulkhead.InspectionInput{SiteID: v.Get("site_id"), Template: v.Get("template"), Equipment: v.Get("equipment")}
	if in.Template == "" {
		in.Template = c.r.URL.Query().Get("template") // the body was too large to read
	}
	var err error
	if tooLarge {
		err = bulkhead.Invalid(map[string]string{"photos": bulkhead.FieldPhotoSize})
	} else {
		tpl, _, terr := s.svc.InspectionTemplate(c.r.Context(), c.actor(), in.Template)
		if terr == nil {
			for _, pt := range tpl.Points {
				in.Results = append(in.Results, bulkhead.PointResult{Point: pt.Key, Result: v.Get("r." + pt.Key), Note: v.Get("n." + pt.Key)})
			}
		}
		if in.Photos, err = formPhotos(c.r); err != nil {
			return err
		}
	}
	var insp *bulkhead.Inspection
	var disc *bulkhead.Discrepancy
	if err == nil {
		insp, disc, err = s.svc.RecordInspection(c.r.Context(), c.actor(), in)
	}
	if fields := bulkhead.ErrorFields(err); fields != nil {
		p, ferr := s.inspectionForm(c, in.Template, v)
		if ferr != nil {
			return ferr
		}
		codes := map[string]string{}
		for k, code := range fields {
			if pt, ok := strings.CutPrefix(k, "results."); ok {
				k = "r." + pt
				if code == bulkhead.FieldRequired && v.Get(k) == bulkhead.PointFail {
					k = "n." + pt // a failed point lacks its note
				}
			}
			if pt, ok := strings.CutPrefix(k, "photos."); ok {
				k = "f." + pt
			}
			codes[k] = code
		}
		p.Form.setErrors(c, codes)
		s.render(c.w, c.r, http.StatusUnprocessableEntity, pageInspectionForm, p)
		return nil
	}
	if err != nil {
		return err
	}
	flash := "flash.inspection_recorded"
	if disc != nil {
		flash = "flash.inspection_failed"
	}
	return c.redirect("/custody/inspections/"+insp.ID, flash)
}

type inspectionPage struct {
	basePage
	Row              inspectionRow
	ChecklistVersion int // of an own checklist; 0 for a built-in one
	Points           []inspectionResultRow
	// The form adding a photo, for those who may record inspections.
	CanAddPhoto bool
	PhotoForm   *form
}

type inspectionResultRow struct {
	bulkhead.PointResult
	Label  string
	Photos []*bulkhead.InspectionPhoto
}

// inspection shows an inspection (GET /custody/inspections/{id}).
func (s *server) inspection(c *call) error {
	return s.showInspection(c, c.r.PathValue("id"), nil, "")
}

// showInspection renders an inspection, with the photo form's errors when
// a photo was refused (status 422).
func (s *server) showInspection(c *call, id string, photoErrors map[string]string, point string) error {
	in, err := s.svc.Inspection(c.r.Context(), c.actor(), id)
	if err != nil {
		return err
	}
	_, names, err := s.siteChoices(c, "")
	if err != nil {
		return err
	}
	tpl, err := s.svc.InspectionChecklist(c.r.Context(), c.actor(), in)
	if err != nil && bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		return err
	}
	photos, err := s.svc.InspectionPhotos(c.r.Context(), c.actor(), in.ID)
	if err != nil {
		return err
	}
	row := inspectionRow{Inspection: in, When: c.dateTime(in.At), SiteName: names[in.SiteID], TemplateName: in.Template}
	p := &inspectionPage{basePage: c.base("inspection.title"), CanAddPhoto: c.can(service.ActInspectionRecord)}
	if tpl != nil {
		row.TemplateName = c.checklistName(tpl)
		if !tpl.Builtin {
			p.ChecklistVersion = tpl.Version
		}
	}
	p.Row = row
	byPoint := map[string][]*bulkhead.InspectionPhoto{}
	for _, ph := range photos {
		byPoint[ph.Point] = append(byPoint[ph.Point], ph)
	}
	choices := []string{"", c.T("custody.choose")}
	for _, r := range in.Results {
		label := c.pointLabel(tpl, r.Point)
		p.Points = append(p.Points, inspectionResultRow{PointResult: r, Label: label, Photos: byPoint[r.Point]})
		choices = append(choices, r.Point, label)
	}
	if p.CanAddPhoto {
		p.PhotoForm = newForm()
		p.PhotoForm.add(&formField{Name: "point", Label: c.T("inspection.point"), Kind: "select", Required: true, Options: options(point, choices...)})
		p.PhotoForm.add(&formField{Name: "photo", Label: c.T("inspection.photo"), Kind: "file", Required: true})
	}
	status := http.StatusOK
	if photoErrors != nil && p.PhotoForm != nil {
		p.PhotoForm.setErrors(c, photoErrors)
		status = http.StatusUnprocessableEntity
	}
	s.render(c.w, c.r, status, pageInspection, p)
	return nil
}
