package web

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// Page template names of incidents.
const (
	pageIncidents        = "incidents"
	pageIncident         = "incident"
	pageIncidentForm     = "incident_form"
	pageIncidentAnalysis = "incident_analysis"
	pageIncidentRules    = "incident_rules"
	pageIncidentImport   = "incident_import"
)

// incidentRoutes registers the pages of security incidents (issue 7).
func (s *server) incidentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /incidents", s.auth(s.incidents))
	mux.HandleFunc("POST /incidents", s.auth(s.createIncident))
	mux.HandleFunc("GET /incidents/new", s.auth(s.newIncident))
	mux.HandleFunc("GET /incidents/export.csv", s.auth(s.exportIncidents("csv")))
	mux.HandleFunc("GET /incidents/export.xlsx", s.auth(s.exportIncidents("xlsx")))
	mux.HandleFunc("GET /incidents/analysis", s.auth(s.incidentAnalysis))
	mux.HandleFunc("GET /incidents/rules", s.auth(s.incidentRules))
	mux.HandleFunc("POST /incidents/rules", s.auth(s.addIncidentRule))
	mux.HandleFunc("POST /incidents/rules/{rid}/delete", s.auth(s.deleteIncidentRule))
	mux.HandleFunc("GET /incidents/import", s.auth(s.incidentImportForm))
	mux.HandleFunc("POST /incidents/import", s.authUpload(2*1024*1024+service.MaxImportBytes*2, incidentTooLarge(s), s.importIncidents))
	mux.HandleFunc("GET /incidents/{id}", s.auth(s.incident))
	mux.HandleFunc("POST /incidents/{id}", s.auth(s.updateIncident))
	mux.HandleFunc("GET /incidents/{id}/edit", s.auth(s.editIncident))
	mux.HandleFunc("POST /incidents/{id}/status", s.auth(s.incidentStatus))
	mux.HandleFunc("POST /incidents/{id}/assign", s.auth(s.assignIncident))
	mux.HandleFunc("POST /incidents/{id}/notes", s.auth(s.incidentNote))
	mux.HandleFunc("POST /incidents/{id}/rootcause", s.auth(s.incidentRootCause))
	mux.HandleFunc("POST /incidents/{id}/notifications/{nid}/sent", s.auth(s.notificationSent))
	mux.HandleFunc("POST /incidents/{id}/evidence", s.authUpload(bulkhead.MaxIncidentEvidenceBytes+1<<20, incidentTooLarge(s), s.incidentEvidence))
	mux.HandleFunc("GET /incidents/{id}/evidence/{eid}", s.auth(s.downloadEvidence))
	mux.HandleFunc("POST /incidents/{id}/links", s.auth(s.incidentLink))
	mux.HandleFunc("POST /incidents/{id}/links/{lid}/delete", s.auth(s.incidentUnlink))
	mux.HandleFunc("POST /incidents/{id}/actions", s.auth(s.incidentAction))
	mux.HandleFunc("POST /incidents/{id}/actions/{aid}/done", s.auth(s.incidentActionDone))
}

// incidentTooLarge answers an incident upload over its limit.
func incidentTooLarge(s *server) handlerFunc {
	return s.tooLargePage("incident.too_large.title", "incident.too_large.body")
}

// Dynamic catalog keys of incidents.
func incidentTypeKey(t bulkhead.IncidentType) string { return "incident.type." + string(t) }
func severityKey(s bulkhead.Severity) string         { return "incident.severity." + string(s) }
func incidentStatusKey(s string) string              { return "incident.status." + s }
func recipientKey(r bulkhead.Recipient) string       { return "incident.recipient." + string(r) }
func causeKey(c bulkhead.CauseCategory) string       { return "incident.cause." + string(c) }
func entryKindKey(k string) string                   { return "incident.entry." + k }
func linkKindKey(k string) string                    { return "incident.link." + k }

// IncidentTypeLabel translates an incident type.
func (b *basePage) IncidentTypeLabel(t bulkhead.IncidentType) string {
	return b.c.label(incidentTypeKey(t), string(t))
}

// SeverityLabel translates a severity.
func (b *basePage) SeverityLabel(s bulkhead.Severity) string {
	return b.c.label(severityKey(s), string(s))
}

// IncidentStatusLabel translates an incident status.
func (b *basePage) IncidentStatusLabel(s bulkhead.IncidentStatus) string {
	return b.c.label(incidentStatusKey(string(s)), string(s))
}

// RecipientLabel translates a notification recipient.
func (b *basePage) RecipientLabel(r bulkhead.Recipient) string {
	return b.c.label(recipientKey(r), string(r))
}

// EntryKindLabel translates a timeline entry kind.
func (b *basePage) EntryKindLabel(k string) string { return b.c.label(entryKindKey(k), k) }

// LinkKindLabel translates a link kind.
func (b *basePage) LinkKindLabel(k string) string { return b.c.label(linkKindKey(k), k) }

// CauseLabel translates a cause category.
func (b *basePage) CauseLabel(c bulkhead.CauseCategory) string {
	return b.c.label(causeKey(c), string(c))
}

// Money formats hundredths with a currency.
func (b *basePage) Money(cents int64, currency string) string {
	return formatMoney(b.Lang, cents, currency)
}

func formatMoney(lang string, cents int64, currency string) string {
	s := i18n.Number(lang, cents/100)
	sep := "."
	if lang == "es" {
		sep = ","
	}
	return fmt.Sprintf("%s %s%s%02d", currency, s, sep, cents%100)
}

// severityClass is the badge class of a severity.
func severityClass(s bulkhead.Severity) string {
	switch s {
	case bulkhead.SeverityCritical, bulkhead.SeverityHigh:
		return "badge badge-expired"
	case bulkhead.SeverityMedium:
		return "badge"
	}
	return "badge badge-muted"
}

// ---- list

const incidentsPageSize = 50

// incidentSortParams are the sortable columns of the list.
var incidentSortParams = []struct {
	sort     bulkhead.IncidentSort
	labelKey string
}{
	{bulkhead.IncidentSortOccurred, "incident.field.occurred_at"},
	{bulkhead.IncidentSortTitle, "incident.field.title"},
	{bulkhead.IncidentSortType, "incident.field.type"},
	{bulkhead.IncidentSortSeverity, "incident.field.severity"},
	{bulkhead.IncidentSortStatus, "incident.field.status"},
	{bulkhead.IncidentSortLoss, "incident.field.loss"},
}

// incidentRow is an incident as the list shows it.
type incidentRow struct {
	*bulkhead.Incident
	Occurred      string
	SiteName      string
	SeverityClass string
}

// incidentsPage is the register.
type incidentsPage struct {
	basePage
	Filter              *form
	Rows                []incidentRow
	Columns             []sortCol
	Total, From, To     int
	PrevHref, NextHref  string
	Filtered            bool
	CSVHref, XLSXHref   string
	OverdueNotification int
}

// incidentListFilter reads the list's filters from the query string.
func (c *call) incidentListFilter(q url.Values) (bulkhead.IncidentFilter, map[string]string) {
	f := bulkhead.IncidentFilter{Query: q.Get("q"), Type: bulkhead.IncidentType(q.Get("type")), Severity: bulkhead.Severity(q.Get("severity")),
		Status: q.Get("status"), SiteID: q.Get("site"), Limit: incidentsPageSize}
	bad := map[string]string{}
	if v := q.Get("from"); v != "" {
		t, ok := bulkhead.ParseTime(v, c.loc)
		if !ok {
			bad["from"] = bulkhead.FieldInvalid
		}
		f.From = t
	}
	if v := q.Get("to"); v != "" {
		t, ok := bulkhead.ParseTime(v, c.loc)
		if !ok {
			bad["to"] = bulkhead.FieldInvalid
		} else {
			f.To = t.AddDate(0, 0, 1) // the whole day
		}
	}
	f.Sort, f.Desc = bulkhead.IncidentSort(q.Get("sort")), q.Get("dir") == "desc"
	if f.Sort == "" {
		f.Sort, f.Desc = bulkhead.IncidentSortOccurred, q.Get("dir") != "asc"
	}
	return f, bad
}

// incidents lists incidents with filters, sort and paging (GET /incidents).
func (s *server) incidents(c *call) error {
	q := c.r.URL.Query()
	f, bad := c.incidentListFilter(q)
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 || page > 1_000_000 {
		page = 1
	}
	f.Offset = (page - 1) * incidentsPageSize
	names, err := s.svc.IncidentSiteNames(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &incidentsPage{basePage: c.base("incidents.title")}
	p.Filter = c.incidentFilterForm(q, names)
	for _, k := range []string{"q", "type", "severity", "status", "site", "from", "to"} {
		p.Filtered = p.Filtered || q.Get(k) != ""
	}
	link := func(set map[string]string) string {
		v := url.Values{}
		for _, k := range []string{"q", "type", "severity", "status", "site", "from", "to", "sort", "dir", "page"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		for k, x := range set {
			if x == "" {
				v.Del(k)
			} else {
				v.Set(k, x)
			}
		}
		if len(v) == 0 {
			return "/incidents"
		}
		return "/incidents?" + v.Encode()
	}
	exp := strings.TrimPrefix(link(map[string]string{"page": ""}), "/incidents")
	p.CSVHref, p.XLSXHref = "/incidents/export.csv"+exp, "/incidents/export.xlsx"+exp
	for _, sp := range incidentSortParams {
		col := sortCol{Label: c.T(sp.labelKey)}
		next := "asc"
		if sp.sort == bulkhead.IncidentSortOccurred || sp.sort == bulkhead.IncidentSortLoss || sp.sort == bulkhead.IncidentSortSeverity {
			next = "desc"
		}
		if sp.sort == f.Sort {
			if f.Desc {
				col.AriaSort, col.Hint, next = "descending", c.T("sort.descending"), "asc"
			} else {
				col.AriaSort, col.Hint, next = "ascending", c.T("sort.ascending"), "desc"
			}
		}
		col.Href = link(map[string]string{"sort": string(sp.sort), "dir": next, "page": ""})
		p.Columns = append(p.Columns, col)
	}
	status := http.StatusOK
	var list []*bulkhead.Incident
	total := 0
	if len(bad) == 0 {
		list, total, err = s.svc.Incidents(c.r.Context(), c.actor(), f)
		if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
			bad = bulkhead.ErrorFields(err)
		} else if err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		if v, ok := bad["site_id"]; ok {
			bad["site"] = v
		}
		p.Filter.setErrors(c, bad)
		status = http.StatusUnprocessableEntity
	}
	p.Total = total
	for _, inc := range list {
		p.Rows = append(p.Rows, incidentRow{Incident: inc, Occurred: c.dateTime(inc.OccurredAt), SiteName: names[inc.SiteID], SeverityClass: severityClass(inc.Severity)})
	}
	if len(list) > 0 {
		p.From, p.To = f.Offset+1, f.Offset+len(list)
	}
	if page > 1 {
		p.PrevHref = link(map[string]string{"page": strconv.Itoa(page - 1)})
	}
	if f.Offset+len(list) < total {
		p.NextHref = link(map[string]string{"page": strconv.Itoa(page + 1)})
	}
	if p.OverdueNotification, err = s.svc.OverdueIncidentNotifications(c.r.Context(), c.actor()); err != nil {
		return err
	}
	s.render(c.w, c.r, status, pageIncidents, p)
	return nil
}

// incidentFilterForm is the list's filter form.
func (c *call) incidentFilterForm(q url.Values, sites map[string]string) *form {
	f := newForm()
	f.add(&formField{Name: "q", Label: c.T("incidents.search"), Type: "search", Value: q.Get("q"), MaxLength: 200})
	f.add(&formField{Name: "type", Label: c.T("incident.field.type"), Kind: "select", Options: c.incidentTypeOptions(q.Get("type"), c.T("incidents.any"))})
	f.add(&formField{Name: "severity", Label: c.T("incident.field.severity"), Kind: "select", Options: c.severityOptions(q.Get("severity"), c.T("incidents.any"))})
	st := options(q.Get("status"), "", c.T("incidents.any"), bulkhead.StatusOpen, c.T("incidents.open"))
	for _, x := range bulkhead.IncidentStatuses {
		st = append(st, selectOption{Value: string(x), Label: c.label(incidentStatusKey(string(x)), string(x)), Selected: q.Get("status") == string(x)})
	}
	f.add(&formField{Name: "status", Label: c.T("incident.field.status"), Kind: "select", Options: st})
	f.add(&formField{Name: "site", Label: c.T("incident.field.site"), Kind: "select", Options: siteOptions(q.Get("site"), sites, c.T("incidents.any"))})
	f.add(&formField{Name: "from", Label: c.T("incidents.from"), Type: "date", Value: q.Get("from")})
	f.add(&formField{Name: "to", Label: c.T("incidents.to"), Type: "date", Value: q.Get("to")})
	return f
}

func (c *call) incidentTypeOptions(selected, empty string) []selectOption {
	out := options(selected, "", empty)
	for _, t := range bulkhead.IncidentTypes {
		out = append(out, selectOption{Value: string(t), Label: c.label(incidentTypeKey(t), string(t)), Selected: selected == string(t)})
	}
	return out
}

func (c *call) severityOptions(selected, empty string) []selectOption {
	out := options(selected, "", empty)
	for _, x := range bulkhead.Severities {
		out = append(out, selectOption{Value: string(x), Label: c.label(severityKey(x), string(x)), Selected: selected == string(x)})
	}
	return out
}

func siteOptions(selected string, sites map[string]string, empty string) []selectOption {
	out := options(selected, "", empty)
	for _, id := range sortedByValue(sites) {
		out = append(out, selectOption{Value: id, Label: sites[id], Selected: selected == id})
	}
	return out
}

func sortedByValue(m map[string]string) []string {
	return slices.SortedFunc(maps.Keys(m), func(a, b string) int { return cmp.Or(cmp.Compare(m[a], m[b]), cmp.Compare(a, b)) })
}

// exportIncidents sends the list's incidents as CSV or XLSX.
func (s *server) exportIncidents(format string) handlerFunc {
	return func(c *call) error {
		f, bad := c.incidentListFilter(c.r.URL.Query())
		if len(bad) > 0 {
			return bulkhead.Invalid(bad)
		}
		if err := s.svc.CheckIncidentExport(c.r.Context(), c.actor(), f, format); err != nil {
			return err
		}
		if format == "xlsx" {
			c.w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		} else {
			c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		}
		c.w.Header().Set("Content-Disposition", `attachment; filename="incidents.`+format+`"`)
		if err := s.svc.ExportIncidents(c.r.Context(), c.actor(), f, format, c.w); err != nil {
			requestLog(c.r).Error("incident export failed", "err", err)
		}
		return nil
	}
}

// ---- form

// incidentFormPage is the record/edit page.
type incidentFormPage struct {
	basePage
	Form       *form
	Incident   *bulkhead.Incident // nil when recording
	Action     string
	Cancel     string
	Submit     string
	Currencies []string
}

func localInput(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04")
}

func floatStr(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// incidentForm is the record/edit form, filled from an incident or from
// the posted values.
func (c *call) incidentForm(inc *bulkhead.Incident, posted url.Values, sites map[string]string) *form {
	v := func(k, fromInc string) string {
		if posted != nil {
			return posted.Get(k)
		}
		return fromInc
	}
	f := newForm()
	f.add(&formField{Name: "title", Label: c.T("incident.field.title"), Hint: c.T("incident.hint.title"), Value: v("title", inc.Title), Required: true, MaxLength: 200, Autocomplete: "off"})
	f.add(&formField{Name: "type", Label: c.T("incident.field.type"), Kind: "select", Required: true, Options: c.incidentTypeOptions(v("type", string(inc.Type)), c.T("incident.choose_type"))})
	f.add(&formField{Name: "severity", Label: c.T("incident.field.severity"), Kind: "select", Required: true, Options: c.severityOptions(v("severity", string(inc.Severity)), c.T("incident.choose_severity"))})
	f.add(&formField{Name: "occurred_at", Label: c.T("incident.field.occurred_at"), Type: "datetime-local", Required: true, Value: v("occurred_at", localInput(inc.OccurredAt, c.loc)), Hint: c.T("incident.hint.local", c.loc.String())})
	f.add(&formField{Name: "detected_at", Label: c.T("incident.field.detected_at"), Type: "datetime-local", Required: true, Value: v("detected_at", localInput(inc.DetectedAt, c.loc))})
	f.add(&formField{Name: "reported_at", Label: c.T("incident.field.reported_at"), Type: "datetime-local", Value: v("reported_at", localInput(inc.ReportedAt, c.loc)), Hint: c.T("incident.hint.reported")})
	f.add(&formField{Name: "site_id", Label: c.T("incident.field.site"), Kind: "select", Options: siteOptions(v("site_id", inc.SiteID), sites, c.T("incident.no_site"))})
	f.add(&formField{Name: "lane", Label: c.T("incident.field.lane"), Hint: c.T("incident.hint.lane"), Value: v("lane", inc.Lane), MaxLength: 200})
	f.add(&formField{Name: "shipment_ref", Label: c.T("incident.field.shipment_ref"), Value: v("shipment_ref", inc.ShipmentRef), MaxLength: 200, Autocapitalize: "characters"})
	f.add(&formField{Name: "equipment_ref", Label: c.T("incident.field.equipment_ref"), Hint: c.T("incident.hint.equipment"), Value: v("equipment_ref", inc.EquipmentRef), MaxLength: 200, Autocapitalize: "characters"})
	f.add(&formField{Name: "partner", Label: c.T("incident.field.partner"), Value: v("partner", inc.Partner), MaxLength: 200})
	f.add(&formField{Name: "unlocode", Label: c.T("incident.field.unlocode"), Hint: c.T("hint.unlocode"), Value: v("unlocode", inc.UNLOCODE), Autocapitalize: "characters", Autocomplete: "off"})
	f.add(&formField{Name: "latitude", Label: c.T("incident.field.latitude"), Value: v("latitude", floatStr(inc.Latitude)), InputMode: "decimal", Hint: c.T("incident.hint.latitude")})
	f.add(&formField{Name: "longitude", Label: c.T("incident.field.longitude"), Value: v("longitude", floatStr(inc.Longitude)), InputMode: "decimal"})
	loss := ""
	if inc.LossCents > 0 {
		loss = bulkhead.FormatMoney(inc.LossCents)
	}
	f.add(&formField{Name: "loss", Label: c.T("incident.field.loss"), Hint: c.T("incident.hint.loss"), Value: v("loss", loss), InputMode: "decimal"})
	f.add(&formField{Name: "currency", Label: c.T("incident.field.currency"), Hint: c.T("incident.hint.currency"), Value: v("currency", inc.Currency), MaxLength: 3, Autocapitalize: "characters", List: "currency-list", Autocomplete: "off"})
	f.add(&formField{Name: "description", Label: c.T("incident.field.description"), Kind: "textarea", Value: v("description", inc.Description), MaxLength: 20000})
	f.add(&formField{Name: "reporter", Label: c.T("incident.field.reporter"), Hint: c.T("incident.hint.reporter"), Value: v("reporter", inc.Reporter), MaxLength: 200})
	return f
}

// incidentInput reads the posted incident fields.
func incidentInput(form url.Values) (bulkhead.IncidentInput, map[string]string) {
	get := func(k string) *string { v := form.Get(k); return &v }
	in := bulkhead.IncidentInput{Type: get("type"), Severity: get("severity"), Title: get("title"), Description: get("description"),
		OccurredAt: get("occurred_at"), DetectedAt: get("detected_at"), ReportedAt: get("reported_at"), SiteID: get("site_id"),
		Lane: get("lane"), ShipmentRef: get("shipment_ref"), EquipmentRef: get("equipment_ref"), Partner: get("partner"),
		UNLOCODE: get("unlocode"), Loss: get("loss"), Currency: get("currency"), Reporter: get("reporter")}
	bad := map[string]string{}
	lat, lon := strings.TrimSpace(form.Get("latitude")), strings.TrimSpace(form.Get("longitude"))
	if lat == "" && lon == "" {
		in.ClearPosition = true
	}
	for k, s := range map[string]string{"latitude": lat, "longitude": lon} {
		if s == "" {
			continue
		}
		x, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil {
			bad[k] = bulkhead.FieldCoordinates
			continue
		}
		if k == "latitude" {
			in.Latitude = &x
		} else {
			in.Longitude = &x
		}
	}
	if (lat == "") != (lon == "") {
		in.ClearPosition = true
	}
	return in, bad
}

func (s *server) renderIncidentForm(c *call, status int, inc *bulkhead.Incident, f *form) {
	p := &incidentFormPage{Form: f, Currencies: bulkhead.CurrencyCodes()}
	if inc == nil {
		p.basePage = c.base("incident.new_title")
		p.Action, p.Cancel, p.Submit = "/incidents", "/incidents", c.T("incident.record")
	} else {
		p.basePage = c.base("incident.edit_title", inc.Title)
		p.Incident = inc
		p.Action, p.Cancel, p.Submit = "/incidents/"+inc.ID, "/incidents/"+inc.ID, c.T("common.save")
	}
	s.render(c.w, c.r, status, pageIncidentForm, p)
}

// newIncident shows the empty form (GET /incidents/new).
func (s *server) newIncident(c *call) error {
	if !c.can(service.ActIncidentCreate) {
		return forbidden()
	}
	sites, err := s.svc.IncidentSiteNames(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	now := time.Now()
	s.renderIncidentForm(c, http.StatusOK, nil, c.incidentForm(&bulkhead.Incident{OccurredAt: now.Truncate(time.Minute), DetectedAt: now.Truncate(time.Minute)}, nil, sites))
	return nil
}

// createIncident records an incident (POST /incidents).
func (s *server) createIncident(c *call) error {
	in, bad := incidentInput(c.r.PostForm)
	var inc *bulkhead.Incident
	var err error
	if len(bad) == 0 {
		inc, err = s.svc.CreateIncident(c.r.Context(), c.actor(), in)
	} else {
		err = bulkhead.Invalid(bad)
		if !c.can(service.ActIncidentCreate) {
			err = forbidden()
		}
	}
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		sites, serr := s.svc.IncidentSiteNames(c.r.Context(), c.actor())
		if serr != nil {
			return serr
		}
		f := c.incidentForm(&bulkhead.Incident{}, c.r.PostForm, sites)
		f.setErrors(c, mergeFields(bad, bulkhead.ErrorFields(err)))
		s.renderIncidentForm(c, http.StatusUnprocessableEntity, nil, f)
		return nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/incidents/"+inc.ID, "flash.incident_created")
}

func mergeFields(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range b {
		out[k] = v
	}
	for k, v := range a {
		out[k] = v
	}
	return out
}

// editIncident shows the edit form (GET /incidents/{id}/edit).
func (s *server) editIncident(c *call) error {
	inc, err := s.svc.Incident(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !c.can(service.ActIncidentUpdate) {
		return forbidden()
	}
	sites, err := s.svc.IncidentSiteNames(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	s.renderIncidentForm(c, http.StatusOK, inc, c.incidentForm(inc, nil, sites))
	return nil
}

// updateIncident saves an edit (POST /incidents/{id}).
func (s *server) updateIncident(c *call) error {
	id := c.r.PathValue("id")
	in, bad := incidentInput(c.r.PostForm)
	var err error
	if len(bad) == 0 {
		_, err = s.svc.UpdateIncident(c.r.Context(), c.actor(), id, in)
	} else {
		err = bulkhead.Invalid(bad)
	}
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/incidents/"+id, "flash.incident_updated")
	case bulkhead.EINVALID:
		inc, gerr := s.svc.Incident(c.r.Context(), c.actor(), id)
		if gerr != nil {
			return gerr
		}
		if !c.can(service.ActIncidentUpdate) {
			return forbidden()
		}
		sites, serr := s.svc.IncidentSiteNames(c.r.Context(), c.actor())
		if serr != nil {
			return serr
		}
		f := c.incidentForm(inc, c.r.PostForm, sites)
		f.setErrors(c, mergeFields(bad, bulkhead.ErrorFields(err)))
		s.renderIncidentForm(c, http.StatusUnprocessableEntity, inc, f)
		return nil
	}
	return err
}

// ---- detail

// notificationRow is an owed notification as the page shows it.
type notificationRow struct {
	*bulkhead.IncidentNotification
	Due     string
	Sent    string
	Overdue bool
	Form    *form
}

// entryRow is a timeline entry.
type entryRow struct {
	*bulkhead.IncidentEntry
	When string
}

// actionRow is a corrective action.
type actionRow struct {
	*bulkhead.CorrectiveAction
	Due     string
	Overdue bool
}

// evidenceRow is an evidence file.
type evidenceRow struct {
	*bulkhead.IncidentEvidence
	When string
	Size string
}

// incidentPage is an incident's page.
type incidentPage struct {
	basePage
	Incident      *bulkhead.Incident
	SeverityClass string
	SiteName      string
	Assignee      string
	Occurred      string
	Detected      string
	Reported      string
	Closed        string
	Position      string
	Loss          string
	Notifications []notificationRow
	Timeline      []entryRow
	Evidence      []evidenceRow
	Links         []*bulkhead.IncidentLink
	Actions       []actionRow
	NextStatuses  []selectOption
	StatusForm    *form
	AssignForm    *form
	NoteForm      *form
	RootForm      *form
	LinkForm      *form
	ActionForm    *form
	EvidenceForm  *form
	NeedsRoot     bool
}

// incident shows one incident (GET /incidents/{id}).
func (s *server) incident(c *call) error {
	return s.renderIncident(c, http.StatusOK, c.r.PathValue("id"), "", nil)
}

// renderIncident renders the incident page; when a small form on it failed,
// which names it and errs holds its field errors.
func (s *server) renderIncident(c *call, status int, id, which string, errs map[string]string) error {
	rec, err := s.svc.IncidentRecord(c.r.Context(), c.actor(), id)
	if err != nil {
		return err
	}
	inc := rec.Incident
	sites, err := s.svc.IncidentSiteNames(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &incidentPage{basePage: c.base("incident.title", inc.Title), Incident: inc, SeverityClass: severityClass(inc.Severity),
		SiteName: sites[inc.SiteID], Occurred: c.dateTime(inc.OccurredAt), Detected: c.dateTime(inc.DetectedAt), Reported: c.dateTime(inc.ReportedAt),
		NeedsRoot: inc.Severity.NeedsRootCause() && inc.RootCause == ""}
	if inc.ClosedAt != nil {
		p.Closed = c.dateTime(*inc.ClosedAt)
	}
	if inc.Latitude != nil && inc.Longitude != nil {
		p.Position = fmt.Sprintf("%.5f, %.5f", *inc.Latitude, *inc.Longitude)
	}
	if inc.LossCents > 0 {
		p.Loss = formatMoney(c.lang, inc.LossCents, inc.Currency)
	}
	var members []*bulkhead.Membership
	if c.can(service.ActIncidentUpdate) {
		if members, err = s.svc.IncidentAssignees(c.r.Context(), c.actor()); err != nil {
			return err
		}
	}
	names := map[string]string{}
	for _, m := range members {
		names[m.UserID] = m.UserName
	}
	p.Assignee = names[inc.AssigneeID]
	if p.Assignee == "" && inc.AssigneeID != "" {
		p.Assignee = c.T("incident.assigned_someone")
	}
	now := time.Now()
	for _, n := range rec.Notifications {
		row := notificationRow{IncidentNotification: n, Due: c.dateTime(n.DueAt), Overdue: n.Overdue(now)}
		if n.SentAt != nil {
			row.Sent = c.dateTime(*n.SentAt)
		} else {
			row.Form = newForm()
			row.Form.idPrefix = "n" + n.ID + "-"
			row.Form.add(&formField{Name: "reference", Label: c.T("incident.notification.reference"), MaxLength: 200, Autocomplete: "off"})
			if which == "notify-"+n.ID {
				row.Form.setErrors(c, errs)
			}
		}
		p.Notifications = append(p.Notifications, row)
	}
	for _, e := range rec.Timeline {
		p.Timeline = append(p.Timeline, entryRow{IncidentEntry: e, When: c.dateTime(e.At)})
	}
	for _, e := range rec.Evidence {
		p.Evidence = append(p.Evidence, evidenceRow{IncidentEvidence: e, When: c.dateTime(e.UploadedAt), Size: humanSize(e.Size)})
	}
	p.Links = rec.Links
	for _, a := range rec.Actions {
		p.Actions = append(p.Actions, actionRow{CorrectiveAction: a, Due: i18n.Date(c.lang, a.Due, time.UTC), Overdue: a.DoneAt == nil && a.Due.Before(now)})
	}
	mk := func(prefix, _ string) *form {
		f := newForm()
		f.idPrefix = prefix
		return f
	}
	// Status.
	st := []selectOption{}
	for _, x := range bulkhead.IncidentStatuses {
		if inc.Status.CanMoveTo(x) && (c.can(service.ActIncidentClose) || (x != bulkhead.IncidentClosed && inc.Status != bulkhead.IncidentClosed)) {
			st = append(st, selectOption{Value: string(x), Label: c.label(incidentStatusKey(string(x)), string(x))})
		}
	}
	p.StatusForm = mk("st-", "status")
	p.StatusForm.add(&formField{Name: "status", Label: c.T("incident.status.next"), Kind: "select", Options: st})
	p.StatusForm.add(&formField{Name: "note", Label: c.T("incident.status.note"), MaxLength: 5000})
	if which == "status" {
		p.StatusForm.setErrors(c, errs)
	}
	p.AssignForm = mk("as-", "assign")
	opts := options(inc.AssigneeID, "", c.T("incident.unassigned"))
	for _, m := range members {
		if m.Role != bulkhead.RolePartner {
			opts = append(opts, selectOption{Value: m.UserID, Label: m.UserName, Selected: m.UserID == inc.AssigneeID})
		}
	}
	p.AssignForm.add(&formField{Name: "user_id", Label: c.T("incident.field.assignee"), Kind: "select", Options: opts})
	if which == "assign" {
		p.AssignForm.setErrors(c, errs)
	}
	p.NoteForm = mk("no-", "note")
	p.NoteForm.add(&formField{Name: "body", Label: c.T("incident.note"), Kind: "textarea", MaxLength: 10000, Required: true})
	if which == "note" {
		p.NoteForm.setErrors(c, errs)
	}
	// Root cause.
	p.RootForm = mk("rc-", "rootcause")
	methods := options(inc.RCAMethod, "", c.T("incident.rca.choose"), "five_whys", c.T("incident.rca.five_whys"), "cause_categories", c.T("incident.rca.cause_categories"))
	p.RootForm.add(&formField{Name: "rca_method", Label: c.T("incident.field.rca_method"), Kind: "select", Options: methods})
	cats := options(string(inc.CauseCategory), "", c.T("incident.rca.choose"))
	for _, x := range bulkhead.CauseCategories {
		cats = append(cats, selectOption{Value: string(x), Label: c.label(causeKey(x), string(x)), Selected: inc.CauseCategory == x})
	}
	p.RootForm.add(&formField{Name: "cause_category", Label: c.T("incident.field.cause_category"), Kind: "select", Options: cats})
	p.RootForm.add(&formField{Name: "whys", Label: c.T("incident.field.whys"), Hint: c.T("incident.hint.whys"), Kind: "textarea", Value: inc.Whys, MaxLength: 10000})
	p.RootForm.add(&formField{Name: "root_cause", Label: c.T("incident.field.root_cause"), Kind: "textarea", Value: inc.RootCause, MaxLength: 10000})
	p.RootForm.add(&formField{Name: "contributing_factors", Label: c.T("incident.field.contributing_factors"), Kind: "textarea", Value: inc.ContributingFactors, MaxLength: 10000})
	p.RootForm.add(&formField{Name: "lessons_learned", Label: c.T("incident.field.lessons_learned"), Kind: "textarea", Value: inc.LessonsLearned, MaxLength: 10000})
	if which == "rootcause" {
		for _, k := range []string{"rca_method", "cause_category", "whys", "root_cause", "contributing_factors", "lessons_learned"} {
			p.RootForm.Fields[k].Value = c.r.PostForm.Get(k)
		}
		p.RootForm.setErrors(c, errs)
	}
	// Links.
	p.LinkForm = mk("ln-", "link")
	kinds := []selectOption{}
	for _, k := range bulkhead.IncidentLinkKinds {
		kinds = append(kinds, selectOption{Value: k, Label: c.label(linkKindKey(k), k)})
	}
	p.LinkForm.add(&formField{Name: "kind", Label: c.T("incident.link.kind"), Kind: "select", Options: kinds})
	p.LinkForm.add(&formField{Name: "ref_id", Label: c.T("incident.link.ref_id"), Required: true, MaxLength: 300, Autocomplete: "off"})
	p.LinkForm.add(&formField{Name: "label", Label: c.T("incident.link.label"), MaxLength: 200})
	if which == "link" {
		p.LinkForm.setErrors(c, errs)
	}
	// Corrective actions.
	p.ActionForm = mk("ac-", "action")
	owners := options("", "", c.T("incident.action.choose_owner"))
	for _, m := range members {
		if m.Role != bulkhead.RolePartner {
			owners = append(owners, selectOption{Value: m.UserID, Label: m.UserName})
		}
	}
	p.ActionForm.add(&formField{Name: "title", Label: c.T("incident.action.title"), Required: true, MaxLength: 300})
	p.ActionForm.add(&formField{Name: "owner_id", Label: c.T("incident.action.owner"), Kind: "select", Options: owners, Required: true})
	p.ActionForm.add(&formField{Name: "due", Label: c.T("incident.action.due"), Type: "date", Required: true})
	if which == "action" {
		p.ActionForm.setErrors(c, errs)
	}
	p.EvidenceForm = mk("ev-", "evidence")
	p.EvidenceForm.add(&formField{Name: "file", Label: c.T("incident.evidence.file"), Type: "file", Hint: c.T("incident.evidence.hint"), Required: true})
	if which == "evidence" {
		p.EvidenceForm.setErrors(c, errs)
	}
	s.render(c.w, c.r, status, pageIncident, p)
	return nil
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// afterSmallForm redirects after a small form on the incident page, or
// re-shows the page with the form's errors.
func (s *server) afterSmallForm(c *call, id, which, anchor, flash string, err error) error {
	switch bulkhead.ErrorCode(err) {
	case "":
		return c.redirect("/incidents/"+id+anchor, flash)
	case bulkhead.EINVALID, bulkhead.ECONFLICT:
		fields := bulkhead.ErrorFields(err)
		if len(fields) == 0 {
			fields = map[string]string{"form": bulkhead.FieldInvalid}
		}
		return s.renderIncident(c, http.StatusUnprocessableEntity, id, which, fields)
	}
	return err
}

func (s *server) incidentStatus(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.SetIncidentStatus(c.r.Context(), c.actor(), id, bulkhead.IncidentStatus(c.r.PostForm.Get("status")), c.r.PostForm.Get("note"))
	if f := bulkhead.ErrorFields(err); f["root_cause"] != "" {
		return s.afterSmallForm(c, id, "rootcause", "", "", err)
	}
	return s.afterSmallForm(c, id, "status", "", "flash.incident_status", err)
}

func (s *server) assignIncident(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.AssignIncident(c.r.Context(), c.actor(), id, c.r.PostForm.Get("user_id"))
	if f := bulkhead.ErrorFields(err); f["assignee_id"] != "" {
		err = bulkhead.Invalid(map[string]string{"user_id": f["assignee_id"]})
	}
	return s.afterSmallForm(c, id, "assign", "", "flash.incident_assigned", err)
}

func (s *server) incidentNote(c *call) error {
	id := c.r.PathValue("id")
	return s.afterSmallForm(c, id, "note", "#timeline", "flash.incident_note", s.svc.AddIncidentNote(c.r.Context(), c.actor(), id, c.r.PostForm.Get("body")))
}

func (s *server) incidentRootCause(c *call) error {
	id := c.r.PathValue("id")
	get := func(k string) *string { v := c.r.PostForm.Get(k); return &v }
	_, err := s.svc.UpdateIncident(c.r.Context(), c.actor(), id, bulkhead.IncidentInput{RCAMethod: get("rca_method"), CauseCategory: get("cause_category"),
		Whys: get("whys"), RootCause: get("root_cause"), ContributingFactors: get("contributing_factors"), LessonsLearned: get("lessons_learned")})
	return s.afterSmallForm(c, id, "rootcause", "#rootcause", "flash.incident_updated", err)
}

func (s *server) notificationSent(c *call) error {
	id, nid := c.r.PathValue("id"), c.r.PathValue("nid")
	_, err := s.svc.MarkNotificationSent(c.r.Context(), c.actor(), id, nid, c.r.PostForm.Get("reference"), time.Time{})
	if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
		return c.redirect("/incidents/"+id+"#notifications", "")
	}
	return s.afterSmallForm(c, id, "notify-"+nid, "#notifications", "flash.incident_notified", err)
}

func (s *server) incidentEvidence(c *call) error {
	id := c.r.PathValue("id")
	file, hdr, err := c.r.FormFile("file")
	if err != nil {
		return s.afterSmallForm(c, id, "evidence", "", "", bulkhead.Invalid(map[string]string{"file": bulkhead.FieldRequired}))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, bulkhead.MaxIncidentEvidenceBytes+1))
	if err != nil {
		return err
	}
	_, err = s.svc.AddIncidentEvidence(c.r.Context(), c.actor(), id, hdr.Filename, data)
	return s.afterSmallForm(c, id, "evidence", "#evidence", "flash.incident_evidence", err)
}

func (s *server) downloadEvidence(c *call) error {
	ev, err := s.svc.IncidentEvidenceFile(c.r.Context(), c.actor(), c.r.PathValue("id"), c.r.PathValue("eid"))
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", ev.ContentType)
	h.Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\r", "", "\n", "").Replace(ev.Name)+`"`)
	h.Set("Content-Length", strconv.FormatInt(ev.Size, 10))
	h.Set("Cache-Control", "private, no-store")
	_, err = c.w.Write(ev.Data)
	return err
}

func (s *server) incidentLink(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.AddIncidentLink(c.r.Context(), c.actor(), id, c.r.PostForm.Get("kind"), c.r.PostForm.Get("ref_id"), c.r.PostForm.Get("label"))
	return s.afterSmallForm(c, id, "link", "#links", "flash.incident_linked", err)
}

func (s *server) incidentUnlink(c *call) error {
	id := c.r.PathValue("id")
	if err := s.svc.RemoveIncidentLink(c.r.Context(), c.actor(), id, c.r.PathValue("lid")); err != nil {
		return err
	}
	return c.redirect("/incidents/"+id+"#links", "flash.incident_unlinked")
}

func (s *server) incidentAction(c *call) error {
	id := c.r.PathValue("id")
	_, err := s.svc.AddCorrectiveAction(c.r.Context(), c.actor(), id, c.r.PostForm.Get("title"), c.r.PostForm.Get("owner_id"), c.r.PostForm.Get("due"))
	return s.afterSmallForm(c, id, "action", "#actions", "flash.incident_action", err)
}

func (s *server) incidentActionDone(c *call) error {
	id := c.r.PathValue("id")
	err := s.svc.CompleteCorrectiveAction(c.r.Context(), c.actor(), id, c.r.PathValue("aid"))
	if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
		err = nil
	}
	if err != nil {
		return err
	}
	return c.redirect("/incidents/"+id+"#actions", "flash.incident_action_done")
}
