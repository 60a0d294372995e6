package httpapi

import (
	"net/http"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

type sealJSON struct {
	ID               string    `json:"id"`
	SiteID           string    `json:"site_id"`
	Number           string    `json:"number"`
	Class            string    `json:"class"`
	Type             string    `json:"type"`
	Source           string    `json:"source"`
	Manufacturer     string    `json:"manufacturer"`
	Status           string    `json:"status"`
	Equipment        string    `json:"equipment"`
	EquipmentCheckOK bool      `json:"equipment_check_ok"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func toSeal(s *bulkhead.Seal) sealJSON {
	return sealJSON{s.ID, s.SiteID, s.Number, string(s.Class), s.Type, s.Source, s.Manufacturer, string(s.Status), s.Equipment, s.EquipmentCheckOK, s.CreatedAt, s.UpdatedAt}
}

type sealEventJSON struct {
	ID               string    `json:"id"`
	At               time.Time `json:"at"`
	Action           string    `json:"action"`
	SiteID           string    `json:"site_id"`
	Method           string    `json:"method"`
	ObservedNumber   string    `json:"observed_number"`
	Equipment        string    `json:"equipment"`
	EquipmentCheckOK bool      `json:"equipment_check_ok"`
	Authorized       bool      `json:"authorized"`
	ActorName        string    `json:"actor_name"`
	Note             string    `json:"note"`
	EPCISEventID     string    `json:"epcis_event_id"`
}

func toSealEvent(e *bulkhead.SealEvent) sealEventJSON {
	return sealEventJSON{e.ID, e.At, string(e.Action), e.SiteID, e.Method, e.ObservedNumber, e.Equipment, e.EquipmentCheckOK, e.Authorized, e.ActorName, e.Note, e.EPCISEventID}
}

type discrepancyJSON struct {
	ID         string     `json:"id"`
	SiteID     string     `json:"site_id"`
	Kind       string     `json:"kind"`
	Summary    string     `json:"summary"`
	SealID     string     `json:"seal_id"`
	Evidence   []string   `json:"evidence"`
	Open       bool       `json:"open"`
	AssigneeID string     `json:"assignee_id"`
	Resolution string     `json:"resolution"`
	IncidentID string     `json:"incident_id"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ClosedAt   *time.Time `json:"closed_at"`
}

func toDiscrepancy(d *bulkhead.Discrepancy) discrepancyJSON {
	ev := d.Evidence
	if ev == nil {
		ev = []string{}
	}
	return discrepancyJSON{d.ID, d.SiteID, string(d.Kind), d.Summary, d.SealID, ev, d.Open, d.AssigneeID, d.Resolution, d.IncidentID, d.CreatedAt, d.UpdatedAt, d.ClosedAt}
}

func (s *Server) listSeals(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "site_id", "status", "number")
	if err != nil {
		return err
	}
	seals, err := s.svc.Seals(r.Context(), au.Actor, bulkhead.SealFilter{SiteID: q.str("site_id"), Status: bulkhead.SealStatus(q.str("status")), Number: q.str("number")})
	if err != nil {
		return err
	}
	out := make([]sealJSON, len(seals))
	for i, x := range seals {
		out[i] = toSeal(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) issueSeal(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.SealInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	seal, err := s.svc.IssueSeal(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/seals/"+seal.ID)
	writeJSON(w, http.StatusCreated, toSeal(seal))
	return nil
}

func (s *Server) getSeal(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	seal, log, err := s.svc.Seal(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	evs := make([]sealEventJSON, len(log))
	for i, e := range log {
		evs[i] = toSealEvent(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"seal": toSeal(seal), "log": evs})
	return nil
}

func (s *Server) recordSealEvent(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.SealEventInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	tr, err := s.svc.RecordSealEvent(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	ds := make([]discrepancyJSON, len(tr.Discrepancies))
	for i, d := range tr.Discrepancies {
		ds[i] = toDiscrepancy(d)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"seal": toSeal(tr.Seal), "event": toSealEvent(tr.Event), "discrepancies": ds})
	return nil
}

func (s *Server) listDiscrepancies(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "site_id", "seal_id", "open")
	if err != nil {
		return err
	}
	f := bulkhead.DiscrepancyFilter{SiteID: q.str("site_id"), SealID: q.str("seal_id")}
	switch q.str("open") {
	case "", "false":
	case "true":
		f.OpenOnly = true
	default:
		q.fields["open"] = bulkhead.FieldInvalid
	}
	if err := q.err(); err != nil {
		return err
	}
	ds, err := s.svc.Discrepancies(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	out := make([]discrepancyJSON, len(ds))
	for i, d := range ds {
		out[i] = toDiscrepancy(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) getDiscrepancy(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	d, err := s.svc.Discrepancy(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDiscrepancy(d))
	return nil
}

func (s *Server) updateDiscrepancy(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in service.DiscrepancyUpdate
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.UpdateDiscrepancy(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDiscrepancy(d))
	return nil
}

type inspectionJSON struct {
	ID               string                 `json:"id"`
	SiteID           string                 `json:"site_id"`
	Template         string                 `json:"template"`
	TemplateID       string                 `json:"template_id"`
	Equipment        string                 `json:"equipment"`
	EquipmentCheckOK bool                   `json:"equipment_check_ok"`
	Inspector        string                 `json:"inspector"`
	At               time.Time              `json:"at"`
	Results          []bulkhead.PointResult `json:"results"`
	Failed           int                    `json:"failed"`
	EPCISEventID     string                 `json:"epcis_event_id"`
}

func toInspection(in *bulkhead.Inspection) inspectionJSON {
	return inspectionJSON{in.ID, in.SiteID, in.Template, in.TemplateID, in.Equipment, in.EquipmentCheckOK, in.Inspector, in.At, in.Results, in.Failed, in.EPCISEventID}
}

func (s *Server) listInspections(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "site_id")
	if err != nil {
		return err
	}
	list, err := s.svc.Inspections(r.Context(), au.Actor, bulkhead.InspectionFilter{SiteID: q.str("site_id")})
	if err != nil {
		return err
	}
	out := make([]inspectionJSON, len(list))
	for i, in := range list {
		out[i] = toInspection(in)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) recordInspection(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	in, err := inspectionInput(w, r)
	if err != nil {
		return err
	}
	insp, disc, err := s.svc.RecordInspection(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	out := map[string]any{"inspection": toInspection(insp), "discrepancy": nil}
	if disc != nil {
		out["discrepancy"] = toDiscrepancy(disc)
	}
	w.Header().Set("Location", "/api/v1/inspections/"+insp.ID)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getInspection(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	in, err := s.svc.Inspection(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toInspection(in))
	return nil
}
