package web

import (
	"net/http"
	"net/url"

	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// shipmentRoutes registers the shipment pages (part of custodyRoutes).
func (s *server) shipmentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /custody/shipments", s.auth(s.shipments))
	mux.HandleFunc("GET /custody/shipments/export.csv", s.auth(s.exportShipments))
	mux.HandleFunc("GET /custody/shipments/new", s.auth(s.newShipment))
	mux.HandleFunc("POST /custody/shipments", s.auth(s.createShipment))
	mux.HandleFunc("GET /custody/shipments/{id}", s.auth(s.shipment))
	mux.HandleFunc("GET /custody/shipments/{id}/edit", s.auth(s.editShipment))
	mux.HandleFunc("POST /custody/shipments/{id}", s.auth(s.updateShipment))
	mux.HandleFunc("POST /custody/shipments/{id}/status", s.auth(s.shipmentStatus))
	mux.HandleFunc("POST /custody/shipments/{id}/archive", s.auth(s.archiveShipment))
}

// Page templates of shipments.
const (
	pageShipments    = "custody_shipments"
	pageShipment     = "custody_shipment"
	pageShipmentForm = "custody_shipment_form"
)

const shipmentsPageSize = 50

// shipmentSorts are the list's sortable columns; the keys are the store's.
var shipmentSorts = []sortDef{
	{key: string(bulkhead.ShipmentSortReference), labelKey: "shipment.reference"},
	{key: string(bulkhead.ShipmentSortStatus), labelKey: "field.status"},
	{key: string(bulkhead.ShipmentSortMode), labelKey: "shipment.mode"},
	{key: string(bulkhead.ShipmentSortOrigin), labelKey: "shipment.origin"},
	{key: string(bulkhead.ShipmentSortDestination), labelKey: "shipment.destination"},
	{key: string(bulkhead.ShipmentSortDeparture), labelKey: "shipment.departure"},
	{key: string(bulkhead.ShipmentSortArrival), labelKey: "shipment.arrival"},
	{key: string(bulkhead.ShipmentSortUpdated), labelKey: "field.updated", descLead: true},
}

type shipmentRow struct {
	*bulkhead.Shipment
	Flagged int // equipment failing ISO 6346
}

type shipmentsPage struct {
	basePage
	Filter     *form
	Shipments  []shipmentRow
	Columns    []sortCol
	Total      int
	From, To   int
	PrevHref   string
	NextHref   string
	Filtered   bool
	ExportHref string
}

var shipmentListParams = []string{"q", "status", "mode", "origin", "destination", "equipment", "archived"}

// shipmentList reads the list's filters, order and page from the query.
func shipmentList(q url.Values) (*listState, bulkhead.ShipmentFilter) {
	l := newListState(q, "/custody/shipments", shipmentsPageSize, shipmentSorts, string(bulkhead.ShipmentSortUpdated), shipmentListParams...)
	f := bulkhead.ShipmentFilter{Query: q.Get("q"), Status: bulkhead.ShipmentStatus(q.Get("status")), Mode: bulkhead.ShipmentMode(q.Get("mode")),
		Origin: q.Get("origin"), Destination: q.Get("destination"), Equipment: q.Get("equipment"), Archived: q.Get("archived"),
		Sort: bulkhead.ShipmentSort(l.sortKey), Desc: l.desc(), Limit: shipmentsPageSize, Offset: l.offset()}
	return l, f
}

// shipments lists shipments with search, filters, sorting and paging
// (GET /custody/shipments).
func (s *server) shipments(c *call) error {
	q := c.r.URL.Query()
	l, f := shipmentList(q)
	p := &shipmentsPage{basePage: c.base("shipments.title"), Filter: c.shipmentFilterForm(q)}
	p.Filtered, p.ExportHref, p.Columns = l.filtered, l.exportHref(), l.columns(c)
	list, total, err := s.svc.Shipments(c.r.Context(), c.actor(), f)
	status := http.StatusOK
	switch bulkhead.ErrorCode(err) {
	case "":
	case bulkhead.EINVALID:
		p.Filter.setErrors(c, bulkhead.ErrorFields(err))
		status = http.StatusUnprocessableEntity
	default:
		return err
	}
	p.Total = total
	for _, sh := range list {
		r := shipmentRow{Shipment: sh}
		for _, e := range sh.Equipment {
			if !e.CheckOK {
				r.Flagged++
			}
		}
		p.Shipments = append(p.Shipments, r)
	}
	p.From, p.To, p.PrevHref, p.NextHref = l.paging(len(list), total)
	s.render(c.w, c.r, status, pageShipments, p)
	return nil
}

// exportShipments sends every shipment matching the list's filters as CSV
// (GET /custody/shipments/export.csv).
func (s *server) exportShipments(c *call) error {
	_, f := shipmentList(c.r.URL.Query())
	f.Limit, f.Offset = 1, 0 // checks the filters; the export takes every row
	if _, _, err := s.svc.Shipments(c.r.Context(), c.actor(), f); err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	c.w.Header().Set("Content-Disposition", `attachment; filename="shipments.csv"`)
	err := export.Shipments(c.w, func(fn func(*bulkhead.Shipment) error) error {
		return s.svc.EachShipment(c.r.Context(), c.actor(), f, fn)
	})
	if err != nil {
		requestLog(c.r).Error("shipment export failed", "err", err)
	}
	return nil
}

func (c *call) shipmentModeOptions(selected, empty string) []selectOption {
	out := options(selected, "", empty)
	for _, m := range bulkhead.ShipmentModes {
		out = append(out, selectOption{Value: string(m), Label: c.T("shipment.mode." + string(m)), Selected: selected == string(m)})
	}
	return out
}

// shipmentFilterForm is the list's search and filter form.
func (c *call) shipmentFilterForm(q url.Values) *form {
	f := newForm()
	f.add(&formField{Name: "q", Label: c.T("shipments.search"), Hint: c.T("shipments.search_hint"), Type: "search", Value: q.Get("q"), MaxLength: 200})
	st := options(q.Get("status"), "", c.T("shipments.any_status"))
	for _, x := range bulkhead.ShipmentStatuses {
		st = append(st, selectOption{Value: string(x), Label: c.T("shipment.status." + string(x)), Selected: q.Get("status") == string(x)})
	}
	f.add(&formField{Name: "status", Label: c.T("field.status"), Kind: "select", Options: st})
	f.add(&formField{Name: "mode", Label: c.T("shipment.mode"), Kind: "select", Options: c.shipmentModeOptions(q.Get("mode"), c.T("shipments.any_mode"))})
	f.add(&formField{Name: "origin", Label: c.T("shipment.origin"), Value: q.Get("origin"), MaxLength: 6, Autocapitalize: "characters"})
	f.add(&formField{Name: "destination", Label: c.T("shipment.destination"), Value: q.Get("destination"), MaxLength: 6, Autocapitalize: "characters"})
	f.add(&formField{Name: "equipment", Label: c.T("shipment.equipment"), Hint: c.T("shipments.equipment_filter_hint"), Value: q.Get("equipment"), MaxLength: 20, Autocapitalize: "characters"})
	arch := q.Get("archived")
	if arch == "" {
		arch = bulkhead.StatusActive
	}
	f.add(&formField{Name: "archived", Label: c.T("shipments.archived"), Kind: "select", Options: options(arch,
		bulkhead.StatusActive, c.T(statusKey(bulkhead.StatusActive)),
		bulkhead.StatusArchived, c.T(statusKey(bulkhead.StatusArchived)),
		bulkhead.StatusAll, c.T(statusKey(bulkhead.StatusAll)))})
	return f
}

// shipmentFormValues are the form's fields as typed.
type shipmentFormValues struct {
	Reference, Origin, Destination, Mode, Carrier, Parties, Departure, Arrival, SiteID, Notes, Equipment, EPCs string
}

func shipmentValues(sh *bulkhead.Shipment) shipmentFormValues {
	return shipmentFormValues{sh.Reference, sh.Origin, sh.Destination, string(sh.Mode), sh.Carrier, sh.Parties, sh.Departure, sh.Arrival, sh.SiteID, sh.Notes,
		bulkhead.EquipmentLines(sh.Equipment), strings.Join(sh.EPCs, "\n")}
}

func postedShipment(v url.Values) shipmentFormValues {
	return shipmentFormValues{v.Get("reference"), v.Get("origin"), v.Get("destination"), v.Get("mode"), v.Get("carrier"), v.Get("parties"),
		v.Get("departure"), v.Get("arrival"), v.Get("site_id"), v.Get("notes"), v.Get("equipment"), v.Get("epcs")}
}

// input turns the posted values into a service input; every field is set,
// so an edit saves what the form shows.
func (v shipmentFormValues) input() bulkhead.ShipmentInput {
	p := func(s string) *string { return &s }
	eq := bulkhead.ParseEquipmentLines(v.Equipment)
	if eq == nil {
		eq = []bulkhead.EquipmentInput{}
	}
	epcs := strings.Fields(v.EPCs)
	return bulkhead.ShipmentInput{Reference: p(v.Reference), Origin: p(v.Origin), Destination: p(v.Destination), Mode: p(v.Mode), Carrier: p(v.Carrier),
		Parties: p(v.Parties), Departure: p(v.Departure), Arrival: p(v.Arrival), SiteID: p(v.SiteID), Notes: p(v.Notes), Equipment: &eq, EPCs: &epcs}
}

// shipmentForm is the create/edit form.
func (s *server) shipmentForm(c *call, v shipmentFormValues) (*form, error) {
	f := newForm()
	f.add(&formField{Name: "reference", Label: c.T("shipment.reference"), Hint: c.T("shipment.reference_hint"), Value: v.Reference, Required: true, MaxLength: 100, Autocomplete: "off"})
	f.add(&formField{Name: "origin", Label: c.T("shipment.origin"), Hint: c.T("shipment.unlocode_hint"), Value: v.Origin, Required: true, MaxLength: 6,
		Autocapitalize: "characters", Autocomplete: "off"})
	f.add(&formField{Name: "destination", Label: c.T("shipment.destination"), Hint: c.T("shipment.unlocode_hint"), Value: v.Destination, Required: true, MaxLength: 6,
		Autocapitalize: "characters", Autocomplete: "off"})
	f.add(&formField{Name: "mode", Label: c.T("shipment.mode"), Kind: "select", Required: true, Options: c.shipmentModeOptions(v.Mode, c.T("custody.choose"))})
	f.add(&formField{Name: "carrier", Label: c.T("shipment.carrier"), Value: v.Carrier, MaxLength: 200})
	f.add(&formField{Name: "parties", Label: c.T("shipment.parties"), Hint: c.T("shipment.parties_hint"), Kind: "textarea", Value: v.Parties, MaxLength: 2000})
	f.add(&formField{Name: "departure", Label: c.T("shipment.departure"), Type: "date", Value: v.Departure})
	f.add(&formField{Name: "arrival", Label: c.T("shipment.arrival"), Type: "date", Value: v.Arrival})
	sites, _, err := s.siteChoices(c, v.SiteID)
	if err != nil {
		return nil, err
	}
	f.add(&formField{Name: "site_id", Label: c.T("shipment.site"), Hint: c.T("shipment.site_hint"), Kind: "select", Options: sites})
	f.add(&formField{Name: "equipment", Label: c.T("shipment.equipment"), Hint: c.T("shipment.equipment_hint"), Kind: "textarea", Value: v.Equipment,
		Autocapitalize: "characters"})
	f.add(&formField{Name: "epcs", Label: c.T("shipment.epcs"), Hint: c.T("shipment.epcs_hint"), Kind: "textarea", Value: v.EPCs})
	f.add(&formField{Name: "notes", Label: c.T("field.notes"), Kind: "textarea", Value: v.Notes, MaxLength: 10000})
	return f, nil
}

type shipmentFormPage struct {
	basePage
	Form     *form
	Shipment *bulkhead.Shipment
	Action   string
	Cancel   string
	Submit   string
}

func (s *server) renderShipmentForm(c *call, status int, sh *bulkhead.Shipment, v shipmentFormValues, errs map[string]string) error {
	f, err := s.shipmentForm(c, v)
	if err != nil {
		return err
	}
	if errs != nil {
		f.setErrors(c, errs)
	}
	p := &shipmentFormPage{Form: f, Shipment: sh}
	if sh == nil {
		p.basePage = c.base("shipment.new_title")
		p.Action, p.Cancel, p.Submit = "/custody/shipments", "/custody/shipments", c.T("shipment.create")
	} else {
		p.basePage = c.base("shipment.edit_title", sh.Reference)
		p.Action, p.Cancel, p.Submit = "/custody/shipments/"+sh.ID, "/custody/shipments/"+sh.ID, c.T("common.save")
	}
	s.render(c.w, c.r, status, pageShipmentForm, p)
	return nil
}

// newShipment shows the empty form (GET /custody/shipments/new).
func (s *server) newShipment(c *call) error {
	if !c.can(service.ActShipmentManage) {
		return forbidden()
	}
	return s.renderShipmentForm(c, http.StatusOK, nil, shipmentFormValues{}, nil)
}

// createShipment saves a new shipment (POST /custody/shipments).
func (s *server) createShipment(c *call) error {
	v := postedShipment(c.r.PostForm)
	sh, err := s.svc.CreateShipment(c.r.Context(), c.actor(), v.input())
	if fields := bulkhead.ErrorFields(err); fields != nil {
		return s.renderShipmentForm(c, http.StatusUnprocessableEntity, nil, v, fields)
	}
	if err != nil {
		return err
	}
	return c.redirect("/custody/shipments/"+sh.ID, "flash.shipment_created")
}

// editShipment shows the edit form (GET /custody/shipments/{id}/edit).
func (s *server) editShipment(c *call) error {
	if !c.can(service.ActShipmentManage) {
		return forbidden()
	}
	sh, err := s.svc.Shipment(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderShipmentForm(c, http.StatusOK, sh, shipmentValues(sh), nil)
}

// updateShipment saves an edit (POST /custody/shipments/{id}).
func (s *server) updateShipment(c *call) error {
	v := postedShipment(c.r.PostForm)
	sh, err := s.svc.UpdateShipment(c.r.Context(), c.actor(), c.r.PathValue("id"), v.input())
	if fields := bulkhead.ErrorFields(err); fields != nil {
		cur, gerr := s.svc.Shipment(c.r.Context(), c.actor(), c.r.PathValue("id"))
		if gerr != nil {
			return gerr
		}
		return s.renderShipmentForm(c, http.StatusUnprocessableEntity, cur, v, fields)
	}
	if err != nil {
		return err
	}
	return c.redirect("/custody/shipments/"+sh.ID, "flash.shipment_saved")
}

// shipmentStatus moves a shipment to another status
// (POST /custody/shipments/{id}/status).
func (s *server) shipmentStatus(c *call) error {
	sh, err := s.svc.SetShipmentStatus(c.r.Context(), c.actor(), c.r.PathValue("id"), bulkhead.ShipmentStatus(c.r.PostForm.Get("status")))
	if fields := bulkhead.ErrorFields(err); fields != nil {
		return s.renderShipment(c, http.StatusUnprocessableEntity, fields)
	}
	if err != nil {
		return err
	}
	return c.redirect("/custody/shipments/"+sh.ID, "flash.shipment_saved")
}

// archiveShipment archives or restores a shipment
// (POST /custody/shipments/{id}/archive, archive=yes|no).
func (s *server) archiveShipment(c *call) error {
	sh, err := s.svc.ArchiveShipment(c.r.Context(), c.actor(), c.r.PathValue("id"), c.r.PostForm.Get("archive") != "no")
	if err != nil {
		return err
	}
	return c.redirect("/custody/shipments/"+sh.ID, "flash.shipment_saved")
}

type shipmentStepRow struct {
	service.ShipmentStep
	When     string
	Where    string
	GapHours int
	Mismatch bool // the seal read differs from the one known
}

type shipmentPage struct {
	basePage
	Shipment      *bulkhead.Shipment
	SiteName      string
	Timeline      *service.ShipmentTimeline
	Rows          []shipmentStepRow
	Discrepancies []discrepancyRow
	Next          []bulkhead.ShipmentStatus
	StatusErrors  []string
	CanManage     bool
	Created       string
	Updated       string
}

// shipment shows a shipment with its custody timeline
// (GET /custody/shipments/{id}).
func (s *server) shipment(c *call) error { return s.renderShipment(c, http.StatusOK, nil) }

func (s *server) renderShipment(c *call, status int, errs map[string]string) error {
	tl, err := s.svc.ShipmentTimeline(c.r.Context(), c.actor(), c.r.PathValue("id"), 0)
	if err != nil {
		return err
	}
	sh := tl.Shipment
	_, names, err := s.siteChoices(c, "")
	if err != nil {
		return err
	}
	p := &shipmentPage{basePage: c.base("shipment.title", sh.Reference), Shipment: sh, SiteName: names[sh.SiteID], Timeline: tl,
		CanManage: c.can(service.ActShipmentManage), Created: c.dateTime(sh.CreatedAt), Updated: c.dateTime(sh.UpdatedAt)}
	if sh.ArchivedAt == nil {
		p.Next = sh.Status.NextStatuses()
	}
	for _, code := range errs {
		p.StatusErrors = append(p.StatusErrors, c.errMessage(code))
	}
	for _, st := range tl.Steps {
		where := st.Where
		if st.WhereSiteID != "" {
			where = names[st.WhereSiteID]
		}
		p.Rows = append(p.Rows, shipmentStepRow{ShipmentStep: st, When: c.dateTime(st.Event.EventTime), Where: where, GapHours: int(st.Gap.Hours()),
			Mismatch: st.SealRead != "" && st.SealRead != st.Seal})
	}
	p.Discrepancies = s.discrepancyRows(c, tl.Discrepancies)
	s.render(c.w, c.r, status, pageShipment, p)
	return nil
}
