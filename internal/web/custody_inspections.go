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
	When     string
	SiteName string
}

type inspectionsPage struct {
	basePage
	Rows []inspectionRow
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
	p := &inspectionsPage{basePage: c.base("inspections.title")}
	for _, in := range list {
		p.Rows = append(p.Rows, inspectionRow{Inspection: in, When: c.dateTime(in.At), SiteName: names[in.SiteID]})
	}
	s.render(c.w, c.r, http.StatusOK, pageInspections, p)
	return nil
}

// inspectionPoint is one checklist point on the form: its result select
// and its note.
type inspectionPoint struct {
	N      int // position in the checklist, from 1
	Result *formField
	Note   *formField
}

type inspectionFormPage struct {
	basePage
	Template string
	Form     *form
	Points   []inspectionPoint
}

func (s *server) inspectionForm(c *call, template string, v url.Values) (*inspectionFormPage, error) {
	tpl, ok := bulkhead.Template(template)
	if !ok {
		return nil, bulkhead.NotFound("Checklist")
	}
	sites, _, err := s.siteChoices(c, v.Get("site_id"))
	if err != nil {
		return nil, err
	}
	p := &inspectionFormPage{basePage: c.base("inspection.new_" + template), Template: template, Form: newForm()}
	p.Form.add(&formField{Name: "site_id", Label: c.T("seal.where"), Kind: "select", Options: sites, Required: true})
	p.Form.add(&formField{Name: "equipment", Label: c.T("inspection.equipment"), Hint: c.T("seal.equipment_hint"), Value: v.Get("equipment"), MaxLength: 20, Autocapitalize: "characters"})
	for _, pt := range tpl.Points {
		label := c.T("inspection.point." + pt)
		r := p.Form.add(&formField{Name: "r." + pt, Label: label, Kind: "select", Required: true,
			Options: options(v.Get("r."+pt), "", c.T("custody.choose"), bulkhead.PointPass, c.T("inspection.pass"), bulkhead.PointFail, c.T("inspection.fail"), bulkhead.PointNA, c.T("inspection.na"))})
		n := p.Form.add(&formField{Name: "n." + pt, Label: c.T("inspection.note_for", label), Value: v.Get("n." + pt), MaxLength: 1000})
		p.Points = append(p.Points, inspectionPoint{N: len(p.Points) + 1, Result: r, Note: n})
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

// recordInspection saves a filled-in checklist (POST /custody/inspections).
func (s *server) recordInspection(c *call) error {
	v := c.r.PostForm
	in := bulkhead.InspectionInput{SiteID: v.Get("site_id"), Template: v.Get("template"), Equipment: v.Get("equipment")}
	if tpl, ok := bulkhead.Template(in.Template); ok {
		for _, pt := range tpl.Points {
			in.Results = append(in.Results, bulkhead.PointResult{Point: pt, Result: v.Get("r." + pt), Note: v.Get("n." + pt)})
		}
	}
	insp, disc, err := s.svc.RecordInspection(c.r.Context(), c.actor(), in)
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
	Row    inspectionRow
	Points []inspectionResultRow
}

type inspectionResultRow struct {
	bulkhead.PointResult
	Label string
}

// inspection shows an inspection (GET /custody/inspections/{id}).
func (s *server) inspection(c *call) error {
	in, err := s.svc.Inspection(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	_, names, err := s.siteChoices(c, "")
	if err != nil {
		return err
	}
	p := &inspectionPage{basePage: c.base("inspection.title"), Row: inspectionRow{Inspection: in, When: c.dateTime(in.At), SiteName: names[in.SiteID]}}
	for _, r := range in.Results {
		p.Points = append(p.Points, inspectionResultRow{PointResult: r, Label: c.T("inspection.point." + r.Point)})
	}
	s.render(c.w, c.r, http.StatusOK, pageInspection, p)
	return nil
}
