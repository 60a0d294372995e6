package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// shipmentRoutes are the API routes of shipments (part of custodyRoutes).
func shipmentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/shipments", handler: (*Server).listShipments},
		{Method: "POST", Path: "/api/v1/shipments", handler: (*Server).createShipment},
		{Method: "GET", Path: "/api/v1/shipments/export", handler: (*Server).exportShipments},
		{Method: "GET", Path: "/api/v1/shipments/{id}", handler: (*Server).getShipment},
		{Method: "PATCH", Path: "/api/v1/shipments/{id}", handler: (*Server).updateShipment},
		{Method: "GET", Path: "/api/v1/shipments/{id}/timeline", handler: (*Server).shipmentTimeline},
	}
}

type shipmentJSON struct {
	ID          string                       `json:"id"`
	Reference   string                       `json:"reference"`
	Origin      string                       `json:"origin"`
	Destination string                       `json:"destination"`
	Mode        string                       `json:"mode"`
	Carrier     string                       `json:"carrier"`
	Parties     string                       `json:"parties"`
	Departure   string                       `json:"departure"`
	Arrival     string                       `json:"arrival"`
	Status      string                       `json:"status"`
	SiteID      string                       `json:"site_id"`
	Notes       string                       `json:"notes"`
	Equipment   []bulkhead.ShipmentEquipment `json:"equipment"`
	EPCs        []string                     `json:"epcs"`
	Archived    bool                         `json:"archived"`
	CreatedAt   time.Time                    `json:"created_at"`
	UpdatedAt   time.Time                    `json:"updated_at"`
	ArchivedAt  *time.Time                   `json:"archived_at"`
}

func toShipment(s *bulkhead.Shipment) shipmentJSON {
	eq, epcs := s.Equipment, s.EPCs
	if eq == nil {
		eq = []bulkhead.ShipmentEquipment{}
	}
	for i := range eq {
		if eq[i].Seals == nil {
			eq[i].Seals = []string{}
		}
	}
	if epcs == nil {
		epcs = []string{}
	}
	return shipmentJSON{s.ID, s.Reference, s.Origin, s.Destination, string(s.Mode), s.Carrier, s.Parties, s.Departure, s.Arrival, string(s.Status),
		s.SiteID, s.Notes, eq, epcs, s.ArchivedAt != nil, s.CreatedAt, s.UpdatedAt, s.ArchivedAt}
}

// shipmentFilterParams are the list's filter parameters.
var shipmentFilterParams = []string{"q", "status", "mode", "origin", "destination", "equipment", "archived", "sort"}

// shipmentFilter reads the list's filters and order.
func shipmentFilter(q *query) bulkhead.ShipmentFilter {
	f := bulkhead.ShipmentFilter{Query: q.str("q"), Status: bulkhead.ShipmentStatus(q.str("status")), Mode: bulkhead.ShipmentMode(q.str("mode")),
		Origin: q.str("origin"), Destination: q.str("destination"), Equipment: q.str("equipment"), Archived: q.str("archived")}
	sort := q.str("sort")
	if d, ok := strings.CutPrefix(sort, "-"); ok {
		f.Desc, sort = true, d
	}
	f.Sort = bulkhead.ShipmentSort(sort)
	return f
}

// exportShipments sends every shipment matching the list's filters as CSV
// (the columns of export.ShipmentHeader). Bad filters are refused before
// anything is sent.
func (s *Server) exportShipments(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, shipmentFilterParams...)
	if err != nil {
		return err
	}
	f := shipmentFilter(q)
	if err := q.err(); err != nil {
		return err
	}
	probe := f
	probe.Limit = 1
	if _, _, err := s.svc.Shipments(r.Context(), au.Actor, probe); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="shipments.csv"`)
	if err := export.Shipments(w, func(fn func(*bulkhead.Shipment) error) error { return s.svc.EachShipment(r.Context(), au.Actor, f, fn) }); err != nil {
		s.log.Error("shipment export failed", "err", err)
	}
	return nil
}

func (s *Server) listShipments(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, append(shipmentFilterParams, "limit", "offset")...)
	if err != nil {
		return err
	}
	f := shipmentFilter(q)
	f.Limit = q.int("limit", bulkhead.DefaultPageSize)
	f.Offset = q.int("offset", 0)
	if err := q.err(); err != nil {
		return err
	}
	list, total, err := s.svc.Shipments(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	out := listJSON[shipmentJSON]{Items: make([]shipmentJSON, len(list)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i, x := range list {
		out.Items[i] = toShipment(x)
	}
	if next := f.Offset + len(list); next < total {
		out.NextOffset = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createShipment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ShipmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sh, err := s.svc.CreateShipment(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/shipments/"+sh.ID)
	writeJSON(w, http.StatusCreated, toShipment(sh))
	return nil
}

func (s *Server) getShipment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	sh, err := s.svc.Shipment(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toShipment(sh))
	return nil
}

func (s *Server) updateShipment(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.ShipmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sh, err := s.svc.UpdateShipment(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toShipment(sh))
	return nil
}

type shipmentStepJSON struct {
	timelineStepJSON
	EPCs      []string `json:"epcs"`
	Equipment []string `json:"equipment"`
	SealRead  string   `json:"sealRead,omitempty"`
}

type sealCheckJSON struct {
	Equipment  string   `json:"equipment"`
	CheckOK    bool     `json:"checkOK"`
	Expected   []string `json:"expected"`
	Seen       []string `json:"seen"`
	Unexpected []string `json:"unexpected"`
	Last       string   `json:"last"`
	LastState  string   `json:"lastState"`
	Status     string   `json:"status"`
}

func (s *Server) shipmentTimeline(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "gapHours")
	if err != nil {
		return err
	}
	gap := time.Duration(q.int("gapHours", 0)) * time.Hour
	if err := q.err(); err != nil {
		return err
	}
	tl, err := s.svc.ShipmentTimeline(r.Context(), au.Actor, r.PathValue("id"), gap)
	if err != nil {
		return err
	}
	steps := make([]shipmentStepJSON, len(tl.Steps))
	for i, st := range tl.Steps {
		steps[i] = shipmentStepJSON{timelineStepJSON{st.Event.EventID, st.Event.EventTime, st.Event.Type, st.BizStep, st.Disposition, st.Where, st.WhereSiteID,
			st.Holder, st.Seal, st.SealState, st.Gap.Hours(), st.Event.Declared}, nonNil(st.EPCs), nonNil(st.Equipment), st.SealRead}
	}
	checks := make([]sealCheckJSON, len(tl.SealChecks))
	for i, c := range tl.SealChecks {
		checks[i] = sealCheckJSON{c.Equipment, c.CheckOK, nonNil(c.Expected), nonNil(c.Seen), nonNil(c.Unexpected), c.Last, c.LastState, c.Status}
	}
	ds := make([]discrepancyJSON, len(tl.Discrepancies))
	for i, d := range tl.Discrepancies {
		ds[i] = toDiscrepancy(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"shipment": toShipment(tl.Shipment), "gapThresholdHours": tl.Threshold.Hours(), "gaps": tl.Gaps,
		"truncated": tl.Truncated, "steps": steps, "sealChecks": checks, "discrepancies": ds})
	return nil
}
