package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Inspection checklists (built-in and the organisation's own) and photos
// of inspection points.

// inspectionMaxUpload bounds a multipart inspection: several photos and
// the JSON part. A single photo is bounded by bulkhead.MaxInspectionPhoto.
const inspectionMaxUpload = 50 << 20

// photoMaxUpload bounds a multipart request adding one photo.
const photoMaxUpload = bulkhead.MaxInspectionPhoto + 1<<20

type checklistPointJSON struct {
	Key         string `json:"key"`
	Label       string `json:"label"`
	Guidance    string `json:"guidance"`
	PhotoOnFail bool   `json:"photo_required_on_fail"`
}

type checklistJSON struct {
	ID        string               `json:"id"`
	Key       string               `json:"key"`
	Name      string               `json:"name"`
	Kind      string               `json:"kind"`
	Version   int                  `json:"version"`
	Status    string               `json:"status"`
	Builtin   bool                 `json:"builtin"`
	Points    []checklistPointJSON `json:"points"`
	CreatedBy string               `json:"created_by,omitempty"`
	CreatedAt *time.Time           `json:"created_at,omitempty"`
}

// toChecklist writes a checklist; the built-in ones get their names and
// labels from the catalog in the caller's language.
func toChecklist(c *bulkhead.Checklist, lang string) checklistJSON {
	out := checklistJSON{ID: c.ID, Key: c.Key, Name: c.Name, Kind: string(c.Kind), Version: c.Version, Status: string(c.Status), Builtin: c.Builtin,
		Points: []checklistPointJSON{}, CreatedBy: c.CreatedBy}
	if c.Builtin {
		out.Name = i18n.T(lang, "inspection.template."+c.Key)
	} else {
		at := c.CreatedAt
		out.CreatedAt = &at
	}
	for _, p := range c.Points {
		label := p.Label
		if c.Builtin {
			label = i18n.T(lang, "inspection.point."+p.Key)
		}
		out.Points = append(out.Points, checklistPointJSON{p.Key, label, p.Guidance, p.PhotoOnFail})
	}
	return out
}

func (s *Server) listInspectionTemplates(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "archived")
	if err != nil {
		return err
	}
	archived := q.str("archived")
	if archived != "" && archived != "true" && archived != "false" {
		return bulkhead.Invalid(map[string]string{"archived": bulkhead.FieldInvalid})
	}
	list, err := s.svc.InspectionTemplates(r.Context(), au.Actor, archived == "true")
	if err != nil {
		return err
	}
	out := make([]checklistJSON, len(list))
	for i, c := range list {
		out[i] = toChecklist(c, au.Actor.Lang)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) createInspectionTemplate(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ChecklistInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.CreateInspectionTemplate(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/inspection-templates/"+c.ID)
	writeJSON(w, http.StatusCreated, toChecklist(c, au.Actor.Lang))
	return nil
}

func (s *Server) getInspectionTemplate(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	c, versions, err := s.svc.InspectionTemplate(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		checklistJSON
		Versions []checklistJSON `json:"versions"`
	}{checklistJSON: toChecklist(c, au.Actor.Lang)}
	for _, v := range versions {
		out.Versions = append(out.Versions, toChecklist(v, au.Actor.Lang))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) newInspectionTemplateVersion(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ChecklistInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Key != nil {
		return &bulkhead.Error{Code: codeBadRequest, Message: "A checklist's key cannot change.", Fields: map[string]string{"key": bulkhead.FieldUnknown}}
	}
	c, err := s.svc.NewInspectionTemplateVersion(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/inspection-templates/"+c.ID)
	writeJSON(w, http.StatusCreated, toChecklist(c, au.Actor.Lang))
	return nil
}

func (s *Server) archiveInspectionTemplate(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	c, err := s.svc.ArchiveInspectionTemplate(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toChecklist(c, au.Actor.Lang))
	return nil
}

// inspectionInput reads an inspection to record: a JSON body, or
// multipart/form-data with the JSON in the part "inspection" and photos in
// file parts named "photo.<point key>" (repeatable). A photo's type is
// decided by its content in the service, never by the part's Content-Type.
func inspectionInput(w http.ResponseWriter, r *http.Request) (bulkhead.InspectionInput, error) {
	var in bulkhead.InspectionInput
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return in, decode(w, r, &in)
	}
	form, err := readMultipart(w, r, inspectionMaxUpload)
	if err != nil {
		return in, err
	}
	defer form.RemoveAll()
	for k := range form.Value {
		if k != "inspection" {
			return in, &bulkhead.Error{Code: codeBadRequest, Message: "Unknown form field.", Fields: map[string]string{k: bulkhead.FieldUnknown}}
		}
	}
	body := form.Value["inspection"]
	if len(body) != 1 {
		return in, bulkhead.Invalid(map[string]string{"inspection": bulkhead.FieldRequired})
	}
	dec := json.NewDecoder(strings.NewReader(body[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, jsonError(err)
	}
	for name, fhs := range form.File {
		point, ok := strings.CutPrefix(name, "photo.")
		if !ok {
			return in, &bulkhead.Error{Code: codeBadRequest, Message: "Unknown form field.", Fields: map[string]string{name: bulkhead.FieldUnknown}}
		}
		for _, fh := range fhs {
			f, err := fh.Open()
			if err != nil {
				return in, err
			}
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return in, err
			}
			in.Photos = append(in.Photos, bulkhead.PhotoUpload{Point: point, Data: b})
		}
	}
	return in, nil
}

// tooLargeUpload is the error of a multipart body past its bound.
func tooLargeUpload(limit int64, field string) error {
	return &bulkhead.Error{Code: codeTooLarge, Message: "The upload is larger than " + strconv.FormatInt(limit>>20, 10) + " MiB.",
		Fields: map[string]string{field: bulkhead.FieldPhotoSize}}
}

// readMultipart reads a multipart/form-data body of at most limit bytes.
func readMultipart(w http.ResponseWriter, r *http.Request, limit int64) (*multipart.Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(limit); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLargeUpload(limit, "photos")
		}
		return nil, &bulkhead.Error{Code: codeBadRequest, Message: "The multipart body could not be read."}
	}
	return r.MultipartForm, nil
}

func (s *Server) addInspectionPhoto(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return &bulkhead.Error{Code: codeUnsupported, Message: "Send the photo as multipart/form-data (parts point and photo)."}
	}
	form, err := readMultipart(w, r, photoMaxUpload)
	if err != nil {
		if bulkhead.ErrorCode(err) == codeTooLarge {
			return tooLargeUpload(photoMaxUpload, "photo")
		}
		return err
	}
	defer form.RemoveAll()
	for k := range form.Value {
		if k != "point" {
			return &bulkhead.Error{Code: codeBadRequest, Message: "Unknown form field.", Fields: map[string]string{k: bulkhead.FieldUnknown}}
		}
	}
	var up bulkhead.PhotoUpload
	if v := form.Value["point"]; len(v) == 1 {
		up.Point = v[0]
	}
	fhs := form.File["photo"]
	if len(fhs) > 1 {
		return bulkhead.Invalid(map[string]string{"photo": bulkhead.FieldTooMany})
	}
	if len(fhs) == 1 {
		f, err := fhs[0].Open()
		if err != nil {
			return err
		}
		defer f.Close()
		var b bytes.Buffer
		if _, err := io.Copy(&b, f); err != nil {
			return err
		}
		up.Data = b.Bytes()
	}
	p, err := s.svc.AddInspectionPhoto(r.Context(), au.Actor, r.PathValue("id"), up)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/inspections/"+p.InspectionID+"/photos/"+p.ID)
	writeJSON(w, http.StatusCreated, toPhoto(p))
	return nil
}

type photoJSON struct {
	ID          string    `json:"id"`
	Point       string    `json:"point"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

func toPhoto(p *bulkhead.InspectionPhoto) photoJSON {
	return photoJSON{p.ID, p.Point, p.ContentType, p.Size, p.SHA256, p.CreatedBy, p.CreatedAt, "/api/v1/inspections/" + p.InspectionID + "/photos/" + p.ID}
}

func (s *Server) listInspectionPhotos(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	list, err := s.svc.InspectionPhotos(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]photoJSON, len(list))
	for i, p := range list {
		out[i] = toPhoto(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// getInspectionPhoto serves a photo's bytes with the type decided when it
// was stored; the browser must not sniff another.
func (s *Server) getInspectionPhoto(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	p, err := s.svc.InspectionPhoto(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("photoID"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(p.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(p.Data)
	return err
}
