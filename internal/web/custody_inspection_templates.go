package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Pages of inspection checklists (built-in and the organisation's own)
// and photos of inspection points.
const (
	pageChecklists    = "custody_inspection_templates"
	pageChecklist     = "custody_inspection_template"
	pageChecklistForm = "custody_inspection_template_form"
)

// inspectionMaxUpload bounds a posted inspection form with its photos.
const inspectionMaxUpload = 50 << 20

// inspectionRoutes registers the checklist and photo pages; custodyRoutes
// calls it.
func (s *server) inspectionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /custody/inspection-templates", s.auth(s.checklists))
	mux.HandleFunc("GET /custody/inspection-templates/new", s.auth(s.newChecklist))
	mux.HandleFunc("POST /custody/inspection-templates", s.auth(s.createChecklist))
	mux.HandleFunc("GET /custody/inspection-templates/{id}", s.auth(s.checklist))
	mux.HandleFunc("GET /custody/inspection-templates/{id}/edit", s.auth(s.editChecklist))
	mux.HandleFunc("POST /custody/inspection-templates/{id}/versions", s.auth(s.versionChecklist))
	mux.HandleFunc("POST /custody/inspection-templates/{id}/archive", s.auth(s.archiveChecklist))
	tooLarge, addPhoto := withTooLarge(s.addInspectionPhoto)
	mux.HandleFunc("POST /custody/inspections/{id}/photos", s.authUpload(inspectionMaxUpload, tooLarge, addPhoto))
	mux.HandleFunc("GET /custody/inspections/{id}/photos/{photoID}", s.auth(s.inspectionPhoto))
}

// formPhotos reads the photos of a posted inspection form: file inputs
// named "f.<point>", empty ones skipped.
func formPhotos(r *http.Request) ([]bulkhead.PhotoUpload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []bulkhead.PhotoUpload
	for name, fhs := range r.MultipartForm.File {
		point, ok := strings.CutPrefix(name, "f.")
		if !ok {
			continue
		}
		for _, fh := range fhs {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, err
			}
			out = append(out, bulkhead.PhotoUpload{Point: point, Data: b})
		}
	}
	return out, nil
}

// checklistName is a checklist's display name: the catalog's for a
// built-in one.
func (c *call) checklistName(ch *bulkhead.Checklist) string {
	if ch.Builtin {
		return c.T("inspection.template." + ch.Key)
	}
	return ch.Name
}

// pointLabel is a point's display label.
func (c *call) pointLabel(ch *bulkhead.Checklist, key string) string {
	if ch == nil {
		return key
	}
	p, ok := ch.Point(key)
	switch {
	case !ok:
		return key
	case ch.Builtin:
		return c.T("inspection.point." + key)
	}
	return p.Label
}

type checklistRow struct {
	*bulkhead.Checklist
	DisplayName string
	KindLabel   string
	When        string
}

func (c *call) checklistRow(ch *bulkhead.Checklist) checklistRow {
	r := checklistRow{Checklist: ch, DisplayName: c.checklistName(ch), KindLabel: c.T("checklist.kind." + string(ch.Kind))}
	if !ch.CreatedAt.IsZero() {
		r.When = c.dateTime(ch.CreatedAt)
	}
	return r
}

type checklistsPage struct {
	basePage
	Rows      []checklistRow
	Archived  bool
	CanManage bool
}

// checklists lists the checklists (GET /custody/inspection-templates).
func (s *server) checklists(c *call) error {
	archived := c.r.URL.Query().Get("archived") == "1"
	list, err := s.svc.InspectionTemplates(c.r.Context(), c.actor(), archived)
	if err != nil {
		return err
	}
	p := &checklistsPage{basePage: c.base("checklists.title"), Archived: archived, CanManage: c.can(service.ActInspectionTemplate)}
	for _, ch := range list {
		p.Rows = append(p.Rows, c.checklistRow(ch))
	}
	s.render(c.w, c.r, http.StatusOK, pageChecklists, p)
	return nil
}

type checklistPage struct {
	basePage
	Row       checklistRow
	Points    []checklistPointRow
	Versions  []checklistRow
	CanManage bool
	CanRecord bool
}

type checklistPointRow struct {
	N int
	bulkhead.ChecklistPoint
	DisplayLabel string
}

// checklist shows a checklist with its versions (GET /custody/inspection-templates/{id}).
func (s *server) checklist(c *call) error {
	ch, versions, err := s.svc.InspectionTemplate(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	p := &checklistPage{basePage: c.base("checklist.title"), Row: c.checklistRow(ch), CanManage: c.can(service.ActInspectionTemplate) && !ch.Builtin,
		CanRecord: c.can(service.ActInspectionRecord) && ch.Status == bulkhead.ChecklistCurrent}
	p.Title = p.Row.DisplayName
	for i, pt := range ch.Points {
		p.Points = append(p.Points, checklistPointRow{N: i + 1, ChecklistPoint: pt, DisplayLabel: c.pointLabel(ch, pt.Key)})
	}
	if !ch.Builtin {
		for _, v := range versions {
			p.Versions = append(p.Versions, c.checklistRow(v))
		}
	}
	s.render(c.w, c.r, http.StatusOK, pageChecklist, p)
	return nil
}

// checklistFormRow is one point row of the checklist form.
type checklistFormRow struct {
	N        int
	Label    *formField
	Key      *formField
	Guidance *formField
	Photo    *formField // a checkbox, drawn by the page
	Checked  bool
}

type checklistFormPage struct {
	basePage
	Action   string
	Creating bool
	Form     *form
	Rows     []checklistFormRow
	RowCount int
	Cancel   string
}

// checklistFormRows is how many point rows an empty form shows; "add more
// rows" re-shows the form with checklistMoreRows more.
const (
	checklistFormRows = 8
	checklistMoreRows = 5
)

// checklistForm builds the form from values (v.Get("p.N.label") …) with
// rows point rows.
func (s *server) checklistForm(c *call, creating bool, action, cancel string, v url.Values, rows int) *checklistFormPage {
	p := &checklistFormPage{basePage: c.base("checklist.new"), Action: action, Creating: creating, Form: newForm(), Cancel: cancel}
	if !creating {
		p.basePage = c.base("checklist.new_version")
	}
	p.Form.add(&formField{Name: "name", Label: c.T("checklist.name"), Value: v.Get("name"), Required: true, MaxLength: 200})
	if creating {
		p.Form.add(&formField{Name: "key", Label: c.T("checklist.key"), Hint: c.T("checklist.key_hint"), Value: v.Get("key"), MaxLength: 40, Autocapitalize: "none"})
	}
	kinds := []string{"", c.T("custody.choose")}
	for _, k := range bulkhead.EquipmentKinds {
		kinds = append(kinds, string(k), c.T("checklist.kind."+string(k)))
	}
	p.Form.add(&formField{Name: "kind", Label: c.T("checklist.kind"), Kind: "select", Required: true, Options: options(v.Get("kind"), kinds...)})
	rows = min(max(rows, 1), bulkhead.MaxChecklistPoints)
	p.RowCount = rows
	for i := range rows {
		n := "p." + strconv.Itoa(i) + "."
		r := checklistFormRow{N: i + 1}
		r.Label = p.Form.add(&formField{Name: n + "label", Label: c.T("checklist.point_label", i+1), Value: v.Get(n + "label"), MaxLength: 200})
		r.Key = p.Form.add(&formField{Name: n + "key", Label: c.T("checklist.point_key"), Hint: c.T("checklist.point_key_hint"), Value: v.Get(n + "key"), MaxLength: 40, Autocapitalize: "none"})
		r.Guidance = p.Form.add(&formField{Name: n + "guidance", Label: c.T("checklist.guidance"), Kind: "textarea", Value: v.Get(n + "guidance"), MaxLength: 1000})
		r.Photo = p.Form.add(&formField{Name: n + "photo", Label: c.T("checklist.photo_on_fail"), Kind: "checkbox"})
		r.Checked = v.Get(n+"photo") == "1"
		p.Rows = append(p.Rows, r)
	}
	return p
}

// checklistValues writes a checklist as form values.
func checklistValues(ch *bulkhead.Checklist) url.Values {
	v := url.Values{"name": {ch.Name}, "kind": {string(ch.Kind)}}
	for i, pt := range ch.Points {
		n := "p." + strconv.Itoa(i) + "."
		v.Set(n+"label", pt.Label)
		v.Set(n+"key", pt.Key)
		v.Set(n+"guidance", pt.Guidance)
		if pt.PhotoOnFail {
			v.Set(n+"photo", "1")
		}
	}
	return v
}

// checklistInput reads the form: rows left blank are skipped; rowOf maps
// each point's index to its row, to put errors back at their rows.
func checklistInput(v url.Values, creating bool) (bulkhead.ChecklistInput, []int) {
	name, kind := v.Get("name"), bulkhead.EquipmentKind(v.Get("kind"))
	in := bulkhead.ChecklistInput{Name: &name, Kind: &kind, Points: []bulkhead.ChecklistPoint{}}
	if creating {
		key := v.Get("key")
		in.Key = &key
	}
	rows, _ := strconv.Atoi(v.Get("rows"))
	var rowOf []int
	for i := range min(max(rows, 0), bulkhead.MaxChecklistPoints+checklistMoreRows) {
		n := "p." + strconv.Itoa(i) + "."
		pt := bulkhead.ChecklistPoint{Key: v.Get(n + "key"), Label: v.Get(n + "label"), Guidance: v.Get(n + "guidance"), PhotoOnFail: v.Get(n+"photo") == "1"}
		if strings.TrimSpace(pt.Key+pt.Label+pt.Guidance) == "" {
			continue
		}
		in.Points = append(in.Points, pt)
		rowOf = append(rowOf, i)
	}
	return in, rowOf
}

// checklistErrors moves field errors of points to their form rows.
func checklistErrors(fields map[string]string, rowOf []int) map[string]string {
	out := map[string]string{}
	for k, code := range fields {
		if rest, ok := strings.CutPrefix(k, "points."); ok {
			idx, field, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(idx); err == nil && i < len(rowOf) {
				k = "p." + strconv.Itoa(rowOf[i]) + "." + field
			}
		}
		out[k] = code
	}
	return out
}

// newChecklist shows an empty checklist form (GET /custody/inspection-templates/new).
func (s *server) newChecklist(c *call) error {
	if !c.can(service.ActInspectionTemplate) {
		return forbidden()
	}
	p := s.checklistForm(c, true, "/custody/inspection-templates", "/custody/inspection-templates", url.Values{}, checklistFormRows)
	s.render(c.w, c.r, http.StatusOK, pageChecklistForm, p)
	return nil
}

// saveChecklist handles both forms: "more" re-shows the form with more
// rows; otherwise save is called and errors are put back at their rows.
func (s *server) saveChecklist(c *call, creating bool, action, cancel string, save func(in bulkhead.ChecklistInput) (*bulkhead.Checklist, error)) error {
	if !c.can(service.ActInspectionTemplate) {
		return forbidden()
	}
	v := c.r.PostForm
	rows, _ := strconv.Atoi(v.Get("rows"))
	if v.Get("more") != "" {
		p := s.checklistForm(c, creating, action, cancel, v, rows+checklistMoreRows)
		s.render(c.w, c.r, http.StatusOK, pageChecklistForm, p)
		return nil
	}
	in, rowOf := checklistInput(v, creating)
	ch, err := save(in)
	if fields := bulkhead.ErrorFields(err); fields != nil {
		p := s.checklistForm(c, creating, action, cancel, v, rows)
		p.Form.setErrors(c, checklistErrors(fields, rowOf))
		s.render(c.w, c.r, http.StatusUnprocessableEntity, pageChecklistForm, p)
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/custody/inspection-templates/"+ch.ID, "flash.checklist_saved")
}

// createChecklist saves a new checklist (POST /custody/inspection-templates).
func (s *server) createChecklist(c *call) error {
	return s.saveChecklist(c, true, "/custody/inspection-templates", "/custody/inspection-templates", func(in bulkhead.ChecklistInput) (*bulkhead.Checklist, error) {
		return s.svc.CreateInspectionTemplate(c.r.Context(), c.actor(), in)
	})
}

// editChecklist shows the latest version in a form that saves a new one
// (GET /custody/inspection-templates/{id}/edit).
func (s *server) editChecklist(c *call) error {
	if !c.can(service.ActInspectionTemplate) {
		return forbidden()
	}
	ch, versions, err := s.svc.InspectionTemplate(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if ch.Builtin {
		return bulkhead.NotFound("Checklist")
	}
	latest := versions[0]
	base := "/custody/inspection-templates/" + latest.ID
	p := s.checklistForm(c, false, base+"/versions", base, checklistValues(latest), len(latest.Points)+3)
	s.render(c.w, c.r, http.StatusOK, pageChecklistForm, p)
	return nil
}

// versionChecklist saves a new version (POST /custody/inspection-templates/{id}/versions).
func (s *server) versionChecklist(c *call) error {
	id := c.r.PathValue("id")
	base := "/custody/inspection-templates/" + id
	return s.saveChecklist(c, false, base+"/versions", base, func(in bulkhead.ChecklistInput) (*bulkhead.Checklist, error) {
		return s.svc.NewInspectionTemplateVersion(c.r.Context(), c.actor(), id, in)
	})
}

// archiveChecklist archives a checklist (POST /custody/inspection-templates/{id}/archive).
func (s *server) archiveChecklist(c *call) error {
	ch, err := s.svc.ArchiveInspectionTemplate(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.redirect("/custody/inspection-templates/"+ch.ID, "flash.checklist_archived")
}

// addInspectionPhoto adds a photo to a recorded inspection (POST /custody/inspections/{id}/photos).
func (s *server) addInspectionPhoto(c *call, tooLarge bool) error {
	id := c.r.PathValue("id")
	if tooLarge {
		return s.showInspection(c, id, map[string]string{"photo": bulkhead.FieldPhotoSize}, "")
	}
	up := bulkhead.PhotoUpload{Point: c.r.PostForm.Get("point")}
	if c.r.MultipartForm != nil {
		if fhs := c.r.MultipartForm.File["photo"]; len(fhs) > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return err
			}
			up.Data, err = io.ReadAll(f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	_, err := s.svc.AddInspectionPhoto(c.r.Context(), c.actor(), id, up)
	if fields := bulkhead.ErrorFields(err); fields != nil {
		return s.showInspection(c, id, fields, up.Point)
	}
	if err != nil {
		return err
	}
	return c.redirect("/custody/inspections/"+id+"#photos", "flash.photo_added")
}

// inspectionPhoto serves a photo with the type decided when it was stored
// (GET /custody/inspections/{id}/photos/{photoID}).
func (s *server) inspectionPhoto(c *call) error {
	p, err := s.svc.InspectionPhoto(c.r.Context(), c.actor(), c.r.PathValue("id"), c.r.PathValue("photoID"))
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(p.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(p.Data)
	return err
}
