package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// custodyRoutes registers the pages of chain of custody and cargo security (issue 6).
func (s *server) custodyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /custody", s.auth(s.custody))
	mux.HandleFunc("POST /custody/capture", s.auth(s.custodyCapture))
	mux.HandleFunc("GET /custody/captures/{id}", s.auth(s.custodyJob))
	mux.HandleFunc("GET /custody/timeline", s.auth(s.custodyTimeline))
	mux.HandleFunc("GET /custody/seals", s.auth(s.seals))
	mux.HandleFunc("POST /custody/seals", s.auth(s.issueSeal))
	mux.HandleFunc("GET /custody/seals/{id}", s.auth(s.seal))
	mux.HandleFunc("POST /custody/seals/{id}/events", s.auth(s.recordSealEvent))
	mux.HandleFunc("GET /custody/inspections", s.auth(s.inspections))
	mux.HandleFunc("GET /custody/inspections/new", s.auth(s.newInspection))
	tooLarge, record := withTooLarge(s.recordInspection)
	mux.HandleFunc("POST /custody/inspections", s.authUpload(inspectionMaxUpload, tooLarge, record))
	mux.HandleFunc("GET /custody/inspections/{id}", s.auth(s.inspection))
	s.inspectionRoutes(mux)
	mux.HandleFunc("GET /custody/discrepancies", s.auth(s.discrepancies))
	mux.HandleFunc("GET /custody/discrepancies/{id}", s.auth(s.discrepancy))
	mux.HandleFunc("POST /custody/discrepancies/{id}", s.auth(s.updateDiscrepancy))
	s.shipmentRoutes(mux)
}

// Page templates of this area.
const (
	pageCustody       = "custody"
	pageCustodyJob    = "custody_job"
	pageSeals         = "custody_seals"
	pageSeal          = "custody_seal"
	pageDiscrepancies = "custody_discrepancies"
	pageDiscrepancy   = "custody_discrepancy"
	pageTimeline      = "custody_timeline"
)

// custodyEventRow is a stored EPCIS event as the event list shows it.
type custodyEventRow struct {
	*bulkhead.EPCISEvent
	When     string
	BizStep  string // the CBV word, without the Web URI
	Disp     string
	EPCCount int
}

// cbvWord returns the bare word of a CBV Web URI value.
func cbvWord(s string) string {
	if _, w, ok := strings.Cut(s, "/BizStep-"); ok {
		return w
	}
	if _, w, ok := strings.Cut(s, "/Disp-"); ok {
		return w
	}
	return s
}

type custodyPage struct {
	basePage
	Capture  *form
	Search   *form
	Jobs     []*bulkhead.CaptureJob
	Events   []custodyEventRow
	Searched bool
	NextHref string
	// TimelineHref opens the custody timeline of the EPC searched for.
	TimelineHref string
}

// custodyCaptureForm is the paste-a-document form.
func (c *call) custodyCaptureForm(doc string, proceed bool) *form {
	f := newForm()
	f.idPrefix = "cap-"
	f.add(&formField{Name: "document", Label: c.T("custody.document"), Hint: c.T("custody.document_hint"), Kind: "textarea", Value: doc, Required: true})
	p := ""
	if proceed {
		p = "proceed"
	}
	f.add(&formField{Name: "behaviour", Label: c.T("custody.behaviour"), Kind: "select", Value: p,
		Options: options(p, "", c.T("custody.behaviour_rollback"), "proceed", c.T("custody.behaviour_proceed"))})
	return f
}

// custodySearchForm is the event search form; its fields map to the
// simple event query's parameters.
func (c *call) custodySearchForm(q url.Values) *form {
	f := newForm()
	f.idPrefix = "ev-"
	f.add(&formField{Name: "epc", Label: c.T("custody.epc"), Hint: c.T("custody.epc_hint"), Value: q.Get("epc")})
	f.add(&formField{Name: "biz_step", Label: c.T("custody.biz_step"), Value: q.Get("biz_step")})
	f.add(&formField{Name: "event_type", Label: c.T("custody.event_type"), Kind: "select", Value: q.Get("event_type"),
		Options: options(q.Get("event_type"), "", c.T("custody.any"), "ObjectEvent", "ObjectEvent", "AggregationEvent", "AggregationEvent",
			"TransactionEvent", "TransactionEvent", "TransformationEvent", "TransformationEvent", "AssociationEvent", "AssociationEvent")})
	return f
}

// custody shows the EPCIS repository: capture, recent capture jobs, event
// search (GET /custody).
func (s *server) custody(c *call) error {
	return s.renderCustody(c, http.StatusOK, c.custodyCaptureForm("", false))
}

func (s *server) renderCustody(c *call, status int, capture *form) error {
	if !c.can(service.ActEPCISRead) && !c.can(service.ActEPCISCapture) {
		return forbidden()
	}
	q := c.r.URL.Query()
	p := &custodyPage{basePage: c.base("custody.title"), Capture: capture, Search: c.custodySearchForm(q)}
	if epc := strings.TrimSpace(q.Get("epc")); epc != "" {
		p.TimelineHref = "/custody/timeline?" + url.Values{"epc": {epc}}.Encode()
	}
	if c.can(service.ActEPCISRead) {
		jobs, err := s.svc.CaptureJobs(c.r.Context(), c.actor(), 10)
		if err != nil {
			return err
		}
		p.Jobs = jobs
		v := url.Values{"orderBy": {"eventTime"}, "orderDirection": {"DESC"}, "perPage": {"50"}}
		for form, param := range map[string]string{"epc": "MATCH_anyEPC", "biz_step": "EQ_bizStep", "event_type": "eventType", "event_id": "EQ_eventID", "page": "nextPageToken"} {
			if x := strings.TrimSpace(q.Get(form)); x != "" {
				v.Set(param, x)
				p.Searched = p.Searched || form != "page"
			}
		}
		f, err := service.ParseEventQuery(v)
		if err != nil {
			codes := map[string]string{}
			for k, code := range bulkhead.ErrorFields(err) {
				codes[map[string]string{"MATCH_anyEPC": "epc", "EQ_bizStep": "biz_step", "eventType": "event_type"}[k]] = code
			}
			p.Search.setErrors(c, codes)
		} else {
			page, err := s.svc.EPCISEvents(c.r.Context(), c.actor(), f)
			if err != nil {
				return err
			}
			for _, e := range page.Events {
				p.Events = append(p.Events, custodyEventRow{EPCISEvent: e, When: c.dateTime(e.EventTime), BizStep: cbvWord(e.BizStep), Disp: cbvWord(e.Disposition), EPCCount: len(e.EPCs)})
			}
			if page.Next != "" {
				nq := url.Values{}
				for _, k := range []string{"epc", "biz_step", "event_type", "event_id"} {
					if x := q.Get(k); x != "" {
						nq.Set(k, x)
					}
				}
				nq.Set("page", page.Next)
				p.NextHref = "/custody?" + nq.Encode()
			}
		}
	}
	s.render(c.w, c.r, status, pageCustody, p)
	return nil
}

// custodyCapture captures a pasted EPCIS document (POST /custody/capture).
func (s *server) custodyCapture(c *call) error {
	doc := c.r.PostForm.Get("document")
	proceed := c.r.PostForm.Get("behaviour") == "proceed"
	job, err := s.svc.CaptureEPCIS(c.r.Context(), c.actor(), []byte(doc), proceed)
	if code := bulkhead.ErrorCode(err); code == bulkhead.EINVALID || code == "too_large" {
		f := c.custodyCaptureForm(doc, proceed)
		field := bulkhead.FieldInvalid
		if code == "too_large" {
			field = bulkhead.FieldTooLong
		}
		f.setErrors(c, map[string]string{"document": field})
		return s.renderCustody(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	flash := "flash.capture_done"
	if job.Status == bulkhead.CaptureFailed {
		flash = "flash.capture_failed"
	}
	return c.redirect("/custody/captures/"+job.ID, flash)
}

type custodyJobPage struct {
	basePage
	Job      *bulkhead.CaptureJob
	Created  string
	Finished string
}

// custodyJob shows a capture job and its problems (GET /custody/captures/{id}).
func (s *server) custodyJob(c *call) error {
	job, err := s.svc.CaptureJob(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	p := &custodyJobPage{basePage: c.base("custody.job_title"), Job: job, Created: c.dateTime(job.CreatedAt)}
	if job.FinishedAt != nil {
		p.Finished = c.dateTime(*job.FinishedAt)
	}
	s.render(c.w, c.r, http.StatusOK, pageCustodyJob, p)
	return nil
}

// ---- seals

type sealRow struct {
	*bulkhead.Seal
	SiteName string
	Updated  string
}

type sealsPage struct {
	basePage
	Filter *form
	Issue  *form
	Seals  []sealRow
}

// siteChoices returns the organisation's active sites as select options
// and a name map.
func (s *server) siteChoices(c *call, selected string) ([]selectOption, map[string]string, error) {
	names := map[string]string{}
	pairs := []string{"", c.T("custody.choose")}
	err := s.svc.EachSite(c.r.Context(), c.actor(), bulkhead.SiteFilter{Sort: bulkhead.SiteSortName}, func(st *bulkhead.Site) error {
		names[st.ID] = st.Name
		pairs = append(pairs, st.ID, st.Name)
		return nil
	})
	return options(selected, pairs...), names, err
}

func (c *call) sealStatusOptions(selected string, any bool) []selectOption {
	pairs := []string{}
	if any {
		pairs = append(pairs, "", c.T("custody.any"))
	}
	for _, st := range bulkhead.SealStatuses {
		pairs = append(pairs, string(st), c.T("seal.status."+string(st)))
	}
	return options(selected, pairs...)
}

func (s *server) issueSealForm(c *call, v url.Values) (*form, error) {
	sites, _, err := s.siteChoices(c, v.Get("site_id"))
	if err != nil {
		return nil, err
	}
	f := newForm()
	f.idPrefix = "seal-"
	f.add(&formField{Name: "site_id", Label: c.T("seal.site"), Kind: "select", Options: sites, Required: true})
	f.add(&formField{Name: "number", Label: c.T("seal.number"), Value: v.Get("number"), Required: true, MaxLength: 40, Autocapitalize: "characters"})
	classes := []string{}
	for _, cl := range bulkhead.SealClasses {
		classes = append(classes, string(cl), c.T("seal.class."+string(cl)))
	}
	f.add(&formField{Name: "class", Label: c.T("seal.class"), Kind: "select", Options: options(v.Get("class"), classes...), Required: true})
	types := []string{}
	for _, t := range bulkhead.SealTypes {
		types = append(types, t, c.T("seal.type."+t))
	}
	f.add(&formField{Name: "type", Label: c.T("seal.type"), Kind: "select", Options: options(v.Get("type"), types...), Required: true})
	sources := []string{}
	for _, t := range bulkhead.SealSources {
		sources = append(sources, t, c.T("seal.source."+t))
	}
	f.add(&formField{Name: "source", Label: c.T("seal.source"), Kind: "select", Options: options(v.Get("source"), sources...), Required: true})
	f.add(&formField{Name: "manufacturer", Label: c.T("seal.manufacturer"), Value: v.Get("manufacturer"), MaxLength: 200})
	return f, nil
}

// seals lists seals, with the form that issues one (GET /custody/seals).
func (s *server) seals(c *call) error {
	f, err := s.issueSealForm(c, url.Values{})
	if err != nil {
		return err
	}
	return s.renderSeals(c, http.StatusOK, f)
}

func (s *server) renderSeals(c *call, status int, issue *form) error {
	q := c.r.URL.Query()
	seals, err := s.svc.Seals(c.r.Context(), c.actor(), bulkhead.SealFilter{Status: bulkhead.SealStatus(q.Get("status")), Number: strings.ToUpper(strings.TrimSpace(q.Get("number")))})
	if err != nil {
		return err
	}
	_, names, err := s.siteChoices(c, "")
	if err != nil {
		return err
	}
	p := &sealsPage{basePage: c.base("seals.title"), Issue: issue}
	p.Filter = newForm()
	p.Filter.add(&formField{Name: "number", Label: c.T("seal.number"), Value: q.Get("number")})
	p.Filter.add(&formField{Name: "status", Label: c.T("field.status"), Kind: "select", Options: c.sealStatusOptions(q.Get("status"), true)})
	for _, x := range seals {
		p.Seals = append(p.Seals, sealRow{Seal: x, SiteName: names[x.SiteID], Updated: c.dateTime(x.UpdatedAt)})
	}
	s.render(c.w, c.r, status, pageSeals, p)
	return nil
}

// issueSeal records a new seal (POST /custody/seals).
func (s *server) issueSeal(c *call) error {
	v := c.r.PostForm
	in := bulkhead.SealInput{SiteID: sp(v.Get("site_id")), Number: sp(v.Get("number")), Class: sp(v.Get("class")), Type: sp(v.Get("type")),
		Source: sp(v.Get("source")), Manufacturer: sp(v.Get("manufacturer"))}
	seal, err := s.svc.IssueSeal(c.r.Context(), c.actor(), in)
	if fields := bulkhead.ErrorFields(err); fields != nil {
		f, ferr := s.issueSealForm(c, v)
		if ferr != nil {
			return ferr
		}
		f.setErrors(c, fields)
		return s.renderSeals(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return c.redirect("/custody/seals/"+seal.ID, "flash.seal_issued")
}

func sp(s string) *string { return &s }

type sealLogRow struct {
	*bulkhead.SealEvent
	When     string
	SiteName string
}

type sealPage struct {
	basePage
	Seal          *bulkhead.Seal
	SiteName      string
	Log           []sealLogRow
	Record        *form
	Discrepancies []*bulkhead.Discrepancy
}

func (s *server) sealEventForm(c *call, v url.Values, siteOptions []selectOption) *form {
	f := newForm()
	f.idPrefix = "ev-"
	acts := []string{}
	for _, a := range bulkhead.SealActions {
		acts = append(acts, string(a), c.T("seal.action."+string(a)))
	}
	f.add(&formField{Name: "action", Label: c.T("seal.action"), Kind: "select", Options: options(v.Get("action"), acts...), Required: true})
	f.add(&formField{Name: "equipment", Label: c.T("seal.equipment"), Hint: c.T("seal.equipment_hint"), Value: v.Get("equipment"), MaxLength: 20, Autocapitalize: "characters"})
	methods := []string{"", c.T("common.none")}
	for _, m := range bulkhead.SealMethods {
		methods = append(methods, m, c.T("seal.method."+m))
	}
	f.add(&formField{Name: "method", Label: c.T("seal.method"), Kind: "select", Options: options(v.Get("method"), methods...)})
	f.add(&formField{Name: "observed_number", Label: c.T("seal.observed_number"), Hint: c.T("seal.observed_number_hint"), Value: v.Get("observed_number"), MaxLength: 40, Autocapitalize: "characters"})
	f.add(&formField{Name: "authorized", Label: c.T("seal.authorized"), Kind: "select", Options: options(v.Get("authorized"), "", c.T("common.no"), "yes", c.T("common.yes"))})
	f.add(&formField{Name: "site_id", Label: c.T("seal.where"), Kind: "select", Options: siteOptions})
	f.add(&formField{Name: "note", Label: c.T("field.notes"), Kind: "textarea", Value: v.Get("note"), MaxLength: 2000})
	return f
}

// seal shows a seal, its log and the form recording its next step
// (GET /custody/seals/{id}).
func (s *server) seal(c *call) error {
	return s.renderSeal(c, http.StatusOK, url.Values{}, nil)
}

func (s *server) renderSeal(c *call, status int, v url.Values, errs map[string]string) error {
	seal, log, err := s.svc.Seal(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	sel := v.Get("site_id")
	if sel == "" {
		sel = seal.SiteID
	}
	sites, names, err := s.siteChoices(c, sel)
	if err != nil {
		return err
	}
	p := &sealPage{basePage: c.base("seal.title", seal.Number), Seal: seal, SiteName: names[seal.SiteID]}
	for _, e := range log {
		p.Log = append(p.Log, sealLogRow{SealEvent: e, When: c.dateTime(e.At), SiteName: names[e.SiteID]})
	}
	if c.can(service.ActSealRecord) {
		p.Record = s.sealEventForm(c, v, sites)
		if errs != nil {
			p.Record.setErrors(c, errs)
		}
	}
	if c.can(service.ActDiscrepancyRead) {
		if p.Discrepancies, err = s.svc.Discrepancies(c.r.Context(), c.actor(), bulkhead.DiscrepancyFilter{SealID: seal.ID}); err != nil {
			return err
		}
	}
	s.render(c.w, c.r, status, pageSeal, p)
	return nil
}

// recordSealEvent records a seal's next step (POST /custody/seals/{id}/events).
func (s *server) recordSealEvent(c *call) error {
	v := c.r.PostForm
	in := bulkhead.SealEventInput{Action: v.Get("action"), SiteID: v.Get("site_id"), Equipment: v.Get("equipment"), Method: v.Get("method"),
		ObservedNumber: v.Get("observed_number"), Authorized: v.Get("authorized") == "yes", Note: v.Get("note")}
	tr, err := s.svc.RecordSealEvent(c.r.Context(), c.actor(), c.r.PathValue("id"), in)
	if fields := bulkhead.ErrorFields(err); fields != nil {
		return s.renderSeal(c, http.StatusUnprocessableEntity, v, fields)
	}
	if err != nil {
		return err
	}
	flash := "flash.seal_recorded"
	if len(tr.Discrepancies) > 0 {
		flash = "flash.seal_discrepancy"
	}
	return c.redirect("/custody/seals/"+tr.Seal.ID, flash)
}

// ---- discrepancies

type discrepancyRow struct {
	*bulkhead.Discrepancy
	SiteName string
	Created  string
	Assignee string
}

type discrepanciesPage struct {
	basePage
	Rows []discrepancyRow
	All  bool
}

// discrepancyRows prepares discrepancies for display.
func (s *server) discrepancyRows(c *call, ds []*bulkhead.Discrepancy) []discrepancyRow {
	names := newNameCache(s, c)
	var out []discrepancyRow
	for _, d := range ds {
		out = append(out, discrepancyRow{Discrepancy: d, SiteName: names.site(d.SiteID), Created: c.dateTime(d.CreatedAt), Assignee: names.users[d.AssigneeID]})
	}
	return out
}

// discrepancies lists open discrepancies, or all (GET /custody/discrepancies).
func (s *server) discrepancies(c *call) error {
	all := c.r.URL.Query().Get("all") == "1"
	ds, err := s.svc.Discrepancies(c.r.Context(), c.actor(), bulkhead.DiscrepancyFilter{OpenOnly: !all})
	if err != nil {
		return err
	}
	p := &discrepanciesPage{basePage: c.base("discrepancies.title"), All: all, Rows: s.discrepancyRows(c, ds)}
	s.render(c.w, c.r, http.StatusOK, pageDiscrepancies, p)
	return nil
}

type discrepancyPage struct {
	basePage
	Row    discrepancyRow
	Seal   *bulkhead.Seal
	Update *form
	Closed string
}

// discrepancy shows a discrepancy and its follow-up form
// (GET /custody/discrepancies/{id}).
func (s *server) discrepancy(c *call) error {
	return s.renderDiscrepancy(c, http.StatusOK, nil, nil)
}

func (s *server) renderDiscrepancy(c *call, status int, v url.Values, errs map[string]string) error {
	d, err := s.svc.Discrepancy(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	p := &discrepancyPage{basePage: c.base("discrepancy.title"), Row: s.discrepancyRows(c, []*bulkhead.Discrepancy{d})[0]}
	if d.ClosedAt != nil {
		p.Closed = c.dateTime(*d.ClosedAt)
	}
	if d.SealID != "" && c.can(service.ActSealRead) {
		p.Seal, _, _ = s.svc.Seal(c.r.Context(), c.actor(), d.SealID)
	}
	if c.can(service.ActDiscrepancyManage) {
		if v == nil {
			v = url.Values{"assignee_id": {d.AssigneeID}, "resolution": {d.Resolution}, "incident_id": {d.IncidentID}}
		}
		pairs := []string{"", c.T("discrepancy.nobody")}
		if ms, err := s.svc.Members(c.r.Context(), c.actor()); err == nil {
			for _, m := range ms {
				pairs = append(pairs, m.UserID, m.UserName)
			}
		}
		f := newForm()
		f.add(&formField{Name: "assignee_id", Label: c.T("discrepancy.assignee"), Kind: "select", Options: options(v.Get("assignee_id"), pairs...)})
		f.add(&formField{Name: "resolution", Label: c.T("discrepancy.resolution"), Hint: c.T("discrepancy.resolution_hint"), Kind: "textarea", Value: v.Get("resolution"), MaxLength: 2000})
		f.add(&formField{Name: "incident_id", Label: c.T("discrepancy.incident"), Hint: c.T("discrepancy.incident_hint"), Value: v.Get("incident_id"), MaxLength: 64})
		state := "open"
		if !d.Open {
			state = "closed"
		}
		if v.Get("state") != "" {
			state = v.Get("state")
		}
		f.add(&formField{Name: "state", Label: c.T("field.status"), Kind: "select", Options: options(state, "open", c.T("discrepancy.open"), "closed", c.T("discrepancy.closed"))})
		if errs != nil {
			f.setErrors(c, errs)
		}
		p.Update = f
	}
	s.render(c.w, c.r, status, pageDiscrepancy, p)
	return nil
}

// updateDiscrepancy saves the follow-up (POST /custody/discrepancies/{id}).
func (s *server) updateDiscrepancy(c *call) error {
	v := c.r.PostForm
	closeIt := v.Get("state") == "closed"
	in := service.DiscrepancyUpdate{AssigneeID: sp(v.Get("assignee_id")), Resolution: sp(v.Get("resolution")), IncidentID: sp(v.Get("incident_id")), Close: &closeIt}
	d, err := s.svc.UpdateDiscrepancy(c.r.Context(), c.actor(), c.r.PathValue("id"), in)
	if fields := bulkhead.ErrorFields(err); fields != nil {
		return s.renderDiscrepancy(c, http.StatusUnprocessableEntity, v, fields)
	}
	if err != nil {
		return err
	}
	return c.redirect("/custody/discrepancies/"+d.ID, "flash.discrepancy_updated")
}

// CustodyDiscrepancies lists the open discrepancies of the site the page
// shows, for its custody section; nil when the user may not read them.
func (p *sitePage) CustodyDiscrepancies() []discrepancyRow {
	c := p.c
	if !c.can(service.ActDiscrepancyRead) {
		return nil
	}
	ds, err := c.s.svc.Discrepancies(c.r.Context(), c.actor(), bulkhead.DiscrepancyFilter{SiteID: p.Site.ID, OpenOnly: true, Limit: 20})
	if err != nil {
		return nil
	}
	return c.s.discrepancyRows(c, ds)
}

type timelineRow struct {
	service.TimelineStep
	When     string
	Where    string
	GapHours int
}

type timelinePage struct {
	basePage
	EPC      string
	Timeline *service.Timeline
	Rows     []timelineRow
	Form     *form
}

// custodyTimeline shows every event of one identifier in order, where
// and by whom the goods were held, the seal state at each step and the
// gaps in custody (GET /custody/timeline?epc=…).
func (s *server) custodyTimeline(c *call) error {
	q := c.r.URL.Query()
	epc := strings.TrimSpace(q.Get("epc"))
	p := &timelinePage{basePage: c.base("timeline.title"), EPC: epc, Form: newForm()}
	p.Form.add(&formField{Name: "epc", Label: c.T("custody.epc"), Hint: c.T("custody.epc_hint"), Value: epc, Required: true})
	status := http.StatusOK
	if epc != "" {
		tl, err := s.svc.CustodyTimeline(c.r.Context(), c.actor(), epc, 0)
		if err != nil {
			return err
		}
		p.Timeline = tl
		_, names, err := s.siteChoices(c, "")
		if err != nil {
			return err
		}
		for _, st := range tl.Steps {
			where := st.Where
			if st.WhereSiteID != "" {
				where = names[st.WhereSiteID]
			}
			p.Rows = append(p.Rows, timelineRow{TimelineStep: st, When: c.dateTime(st.Event.EventTime), Where: where, GapHours: int(st.Gap.Hours())})
		}
	}
	s.render(c.w, c.r, status, pageTimeline, p)
	return nil
}
