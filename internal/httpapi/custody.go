package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// custodyRoutes are the API routes of chain of custody and cargo security (issue 6).
// The EPCIS 2.0 repository follows the standard's REST binding under
// /api/v1/epcis, with the API's tokens and error format.
func custodyRoutes() []Route {
	return append([]Route{
		{Method: "OPTIONS", Path: "/api/v1/epcis/capture", Public: true, handler: (*Server).captureOptions},
		{Method: "POST", Path: "/api/v1/epcis/capture", handler: (*Server).captureDocument},
		{Method: "GET", Path: "/api/v1/epcis/capture", handler: (*Server).listCaptures},
		{Method: "GET", Path: "/api/v1/epcis/capture/{id}", handler: (*Server).getCapture},
		{Method: "POST", Path: "/api/v1/epcis/events", handler: (*Server).captureEvent},
		{Method: "GET", Path: "/api/v1/epcis/events", handler: (*Server).queryEvents},
		{Method: "GET", Path: "/api/v1/epcis/events/{eventID}", handler: (*Server).getEvent},
		{Method: "GET", Path: "/api/v1/epcis/epcs/{epc}/events", handler: (*Server).epcEvents},
		{Method: "GET", Path: "/api/v1/epcis/epcs/{epc}/timeline", handler: (*Server).epcTimeline},
		{Method: "POST", Path: "/api/v1/epcis/dcsa/equipment-events", handler: (*Server).captureDCSA},
		{Method: "GET", Path: "/api/v1/seals", handler: (*Server).listSeals},
		{Method: "POST", Path: "/api/v1/seals", handler: (*Server).issueSeal},
		{Method: "GET", Path: "/api/v1/seals/{id}", handler: (*Server).getSeal},
		{Method: "POST", Path: "/api/v1/seals/{id}/events", handler: (*Server).recordSealEvent},
		{Method: "GET", Path: "/api/v1/inspections", handler: (*Server).listInspections},
		{Method: "POST", Path: "/api/v1/inspections", handler: (*Server).recordInspection},
		{Method: "GET", Path: "/api/v1/inspections/{id}", handler: (*Server).getInspection},
		{Method: "GET", Path: "/api/v1/inspections/{id}/photos", handler: (*Server).listInspectionPhotos},
		{Method: "POST", Path: "/api/v1/inspections/{id}/photos", handler: (*Server).addInspectionPhoto},
		{Method: "GET", Path: "/api/v1/inspections/{id}/photos/{photoID}", handler: (*Server).getInspectionPhoto},
		{Method: "GET", Path: "/api/v1/inspection-templates", handler: (*Server).listInspectionTemplates},
		{Method: "POST", Path: "/api/v1/inspection-templates", handler: (*Server).createInspectionTemplate},
		{Method: "GET", Path: "/api/v1/inspection-templates/{id}", handler: (*Server).getInspectionTemplate},
		{Method: "POST", Path: "/api/v1/inspection-templates/{id}/versions", handler: (*Server).newInspectionTemplateVersion},
		{Method: "POST", Path: "/api/v1/inspection-templates/{id}/archive", handler: (*Server).archiveInspectionTemplate},
		{Method: "GET", Path: "/api/v1/discrepancies", handler: (*Server).listDiscrepancies},
		{Method: "GET", Path: "/api/v1/discrepancies/{id}", handler: (*Server).getDiscrepancy},
		{Method: "PATCH", Path: "/api/v1/discrepancies/{id}", handler: (*Server).updateDiscrepancy},
	}, shipmentRoutes()...)
}

// captureLimitHeaders advertises what one capture may hold and which
// versions the repository speaks.
func captureLimitHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("GS1-EPCIS-Capture-Limit", strconv.Itoa(service.CaptureMaxEvents))
	h.Set("GS1-EPCIS-Capture-File-Size-Limit", strconv.Itoa(service.CaptureMaxBytes))
	h.Set("GS1-EPCIS-Version", "2.0.0")
	h.Set("GS1-CBV-Version", "2.0.0")
	h.Set("GS1-EPCIS-Capture-Error-Behaviour", "rollback, proceed")
}

func (s *Server) captureOptions(w http.ResponseWriter, r *http.Request, _ *service.Authenticated) error {
	captureLimitHeaders(w)
	w.Header().Set("Allow", "OPTIONS, GET, POST")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type captureErrorJSON struct {
	Event   int    `json:"event"`
	EventID string `json:"eventID,omitempty"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

type captureJSON struct {
	CaptureID             string             `json:"captureID"`
	Status                string             `json:"status"`
	Running               bool               `json:"running"`
	Success               bool               `json:"success"`
	CaptureErrorBehaviour string             `json:"captureErrorBehaviour"`
	CreatedAt             time.Time          `json:"createdAt"`
	FinishedAt            *time.Time         `json:"finishedAt"`
	EventCount            int                `json:"eventCount"`
	StoredCount           int                `json:"storedCount"`
	Bytes                 int                `json:"bytes"`
	CapturedBy            string             `json:"capturedBy"`
	Errors                []captureErrorJSON `json:"errors"`
}

func toCapture(j *bulkhead.CaptureJob) captureJSON {
	out := captureJSON{CaptureID: j.ID, Status: string(j.Status), Running: j.Status == bulkhead.CaptureRunning,
		Success: j.Status == bulkhead.CaptureSuccess, CaptureErrorBehaviour: "rollback", CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt,
		EventCount: j.Events, StoredCount: j.Stored, Bytes: j.Bytes, CapturedBy: j.ActorName, Errors: []captureErrorJSON{}}
	if j.Proceed {
		out.CaptureErrorBehaviour = "proceed"
	}
	for _, p := range j.Problems {
		out.Errors = append(out.Errors, captureErrorJSON(p))
	}
	return out
}

// readDocument reads an EPCIS JSON/JSON-LD body up to the capture size
// limit.
func readDocument(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && mt != "application/ld+json") {
		return nil, &bulkhead.Error{Code: codeUnsupported, Message: "Send the EPCIS document as application/json or application/ld+json."}
	}
	if r.ContentLength > service.CaptureMaxBytes {
		return nil, service.ErrCaptureTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, service.CaptureMaxBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, service.ErrCaptureTooLarge
		}
		return nil, &bulkhead.Error{Code: codeBadRequest, Message: "The body could not be read."}
	}
	return body, nil
}

func errorBehaviour(r *http.Request) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(r.Header.Get("GS1-Capture-Error-Behaviour"))) {
	case "", "rollback":
		return false, nil
	case "proceed":
		return true, nil
	}
	return false, &bulkhead.Error{Code: codeBadRequest, Message: "GS1-Capture-Error-Behaviour must be rollback or proceed.",
		Fields: map[string]string{"GS1-Capture-Error-Behaviour": bulkhead.FieldChoice}}
}

// capture runs a capture and writes the failure reply when nothing was
// stored (400, with every problem). It returns the job when some or all
// events were stored.
func (s *Server) capture(w http.ResponseWriter, r *http.Request, au *service.Authenticated) (*bulkhead.CaptureJob, error) {
	captureLimitHeaders(w)
	proceed, err := errorBehaviour(r)
	if err != nil {
		return nil, err
	}
	doc, err := readDocument(w, r)
	if err != nil {
		return nil, err
	}
	job, err := s.svc.CaptureEPCIS(r.Context(), au.Actor, doc, proceed)
	if err != nil {
		return nil, err
	}
	if job.Status == bulkhead.CaptureFailed {
		w.Header().Set("Location", "/api/v1/epcis/capture/"+job.ID)
		msg := fmt.Sprintf("The document has %d problem(s); nothing was stored.", len(job.Problems))
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error":   errorDetail{Code: codeBadRequest, Message: msg},
			"capture": toCapture(job),
		})
		return nil, nil
	}
	return job, nil
}

func (s *Server) captureDocument(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	job, err := s.capture(w, r, au)
	if err != nil || job == nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/epcis/capture/"+job.ID)
	writeJSON(w, http.StatusAccepted, toCapture(job))
	return nil
}

// captureDCSA maps DCSA Track & Trace equipment events to EPCIS and
// captures them.
func (s *Server) captureDCSA(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	captureLimitHeaders(w)
	proceed, err := errorBehaviour(r)
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &bulkhead.Error{Code: codeUnsupported, Message: "Send the DCSA events as application/json."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, service.CaptureMaxBytes))
	if err != nil {
		return service.ErrCaptureTooLarge
	}
	job, err := s.svc.CaptureDCSA(r.Context(), au.Actor, body, proceed)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/epcis/capture/"+job.ID)
	status := http.StatusAccepted
	if job.Status == bulkhead.CaptureFailed {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, toCapture(job))
	return nil
}

func (s *Server) captureEvent(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	job, err := s.capture(w, r, au)
	if err != nil || job == nil {
		return err
	}
	page, err := s.svc.EPCISEvents(r.Context(), au.Actor, bulkhead.EventFilter{CaptureID: job.ID, Limit: 1})
	if err != nil {
		return err
	}
	if len(page.Events) == 1 {
		w.Header().Set("Location", "/api/v1/epcis/events/"+url.PathEscape(page.Events[0].EventID))
	}
	writeJSON(w, http.StatusCreated, toCapture(job))
	return nil
}

func (s *Server) listCaptures(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "limit")
	if err != nil {
		return err
	}
	limit := q.int("limit", 50)
	if err := q.err(); err != nil {
		return err
	}
	jobs, err := s.svc.CaptureJobs(r.Context(), au.Actor, limit)
	if err != nil {
		return err
	}
	out := make([]captureJSON, len(jobs))
	for i, j := range jobs {
		out[i] = toCapture(j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) getCapture(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	job, err := s.svc.CaptureJob(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	captureLimitHeaders(w)
	writeJSON(w, http.StatusOK, toCapture(job))
	return nil
}

// writeEvents answers an EPCISQueryDocument, with a Link to the next page.
func (s *Server) writeEvents(w http.ResponseWriter, r *http.Request, page *service.EventPage) error {
	doc, err := service.EPCISQueryDocument(page.Events, time.Now())
	if err != nil {
		return err
	}
	if page.Next != "" {
		v := r.URL.Query()
		v.Set("nextPageToken", page.Next)
		w.Header().Set("Link", "<"+r.URL.Path+"?"+v.Encode()+`>; rel="next"`)
		w.Header().Set("GS1-Next-Page-Token", page.Next)
	}
	w.Header().Set("GS1-EPCIS-Version", "2.0.0")
	w.Header().Set("Content-Type", "application/ld+json")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(doc)
	return err
}

func (s *Server) queryEvents(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	f, err := service.ParseEventQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.svc.EPCISEvents(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	return s.writeEvents(w, r, page)
}

func (s *Server) epcEvents(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	v := r.URL.Query()
	if _, ok := v["MATCH_anyEPC"]; ok {
		return &bulkhead.Error{Code: codeBadRequest, Message: "The EPC is given in the path.", Fields: map[string]string{"MATCH_anyEPC": bulkhead.FieldUnknown}}
	}
	v.Set("MATCH_anyEPC", r.PathValue("epc"))
	f, err := service.ParseEventQuery(v)
	if err != nil {
		return err
	}
	page, err := s.svc.EPCISEvents(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	return s.writeEvents(w, r, page)
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	page, err := s.svc.EPCISEvents(r.Context(), au.Actor, bulkhead.EventFilter{EventIDs: []string{r.PathValue("eventID")}, Limit: service.EventsMaxPerPage})
	if err != nil {
		return err
	}
	if len(page.Events) == 0 {
		return bulkhead.NotFound("Event")
	}
	return s.writeEvents(w, r, page)
}

type timelineStepJSON struct {
	EventID     string    `json:"eventID"`
	EventTime   time.Time `json:"eventTime"`
	Type        string    `json:"type"`
	BizStep     string    `json:"bizStep"`
	Disposition string    `json:"disposition"`
	Where       string    `json:"where"`
	SiteID      string    `json:"siteID,omitempty"`
	Holder      string    `json:"holder,omitempty"`
	Seal        string    `json:"seal,omitempty"`
	SealState   string    `json:"sealState,omitempty"`
	GapHours    float64   `json:"gapHours,omitempty"`
	Declared    bool      `json:"declaredErroneous,omitempty"`
}

// epcTimeline answers the custody timeline of one EPC.
func (s *Server) epcTimeline(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, "gapHours")
	if err != nil {
		return err
	}
	gap := time.Duration(q.int("gapHours", 0)) * time.Hour
	if err := q.err(); err != nil {
		return err
	}
	tl, err := s.svc.CustodyTimeline(r.Context(), au.Actor, r.PathValue("epc"), gap)
	if err != nil {
		return err
	}
	steps := make([]timelineStepJSON, len(tl.Steps))
	for i, st := range tl.Steps {
		steps[i] = timelineStepJSON{st.Event.EventID, st.Event.EventTime, st.Event.Type, st.BizStep, st.Disposition, st.Where, st.WhereSiteID,
			st.Holder, st.Seal, st.SealState, st.Gap.Hours(), st.Event.Declared}
	}
	writeJSON(w, http.StatusOK, map[string]any{"epc": tl.EPC, "gapThresholdHours": tl.Threshold.Hours(), "gaps": tl.Gaps, "truncated": tl.Truncated, "steps": steps})
	return nil
}
