package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/epcis"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// epcisDoc returns a valid EPCIS document of n events with eventIDs
// urn:example:<prefix>-<i>, each for EPC sgtin …011111.<i>.
func epcisDoc(prefix string, n int) string {
	var evs []string
	for i := range n {
		evs = append(evs, fmt.Sprintf(`{"type":"ObjectEvent","eventID":"urn:example:%s-%d","eventTime":"2026-05-01T10:%02d:00.000+02:00","eventTimeZoneOffset":"+02:00",
"epcList":["urn:epc:id:sgtin:4012345.011111.%d"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","ex:seal":"S-%d"}`, prefix, i, i%60, i, i))
	}
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://example.com/epcis/"}],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":[` + strings.Join(evs, ",") + `]}}`
}

func (e *env) epcis(method, path, body string, header ...string) result {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
	if body != "" {
		req.Header.Set("Content-Type", "application/ld+json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	json.Unmarshal(b, &r.body)
	return r
}

func eventList(t *testing.T, r result) []map[string]any {
	t.Helper()
	var doc struct {
		Type      string
		EPCISBody struct {
			QueryResults struct {
				ResultsBody struct {
					EventList []map[string]any
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.raw), &doc); err != nil || doc.Type != "EPCISQueryDocument" {
		t.Fatalf("not a query document (%d): %.300s", r.status, r.raw)
	}
	return doc.EPCISBody.QueryResults.ResultsBody.EventList
}

func TestEPCISCaptureAndQuery(t *testing.T) {
	e := setup(t)
	// Limits are advertised without a token.
	req, _ := http.NewRequest("OPTIONS", e.srv.URL+"/api/v1/epcis/capture", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("GS1-EPCIS-Capture-Limit") != "10000" || resp.Header.Get("GS1-EPCIS-Capture-File-Size-Limit") != "10485760" {
		t.Errorf("OPTIONS = %d %v", resp.StatusCode, resp.Header)
	}

	r := e.epcis("POST", "/api/v1/epcis/capture", epcisDoc("a", 5))
	if r.status != 202 || r.body["status"] != "success" || r.body["storedCount"] != 5.0 {
		t.Fatalf("capture = %d %s", r.status, r.raw)
	}
	loc := r.header.Get("Location")
	if j := e.epcis("GET", loc, ""); j.status != 200 || j.body["captureID"] != r.body["captureID"] || j.body["success"] != true || j.body["running"] != false {
		t.Errorf("GET %s = %d %s", loc, j.status, j.raw)
	}
	_, seq := e.counts()

	// Per-event errors, rollback: 400, nothing stored, the job says why.
	bad := strings.Replace(epcisDoc("b", 3), `"eventTime":"2026-05-01T10:02:00.000+02:00"`, `"eventTime":"yesterday"`, 1)
	r = e.epcis("POST", "/api/v1/epcis/capture", bad)
	errs, _ := r.body["capture"].(map[string]any)["errors"].([]any)
	if r.status != 400 || len(errs) == 0 {
		t.Fatalf("bad document = %d %s", r.status, r.raw)
	}
	first := errs[0].(map[string]any)
	if first["event"] != 2.0 || first["field"] != "/eventTime" {
		t.Errorf("first problem = %v", first)
	}
	if q := e.epcis("GET", "/api/v1/epcis/events?perPage=100", ""); len(eventList(t, q)) != 5 {
		t.Errorf("rollback stored events")
	}
	// Proceed stores the valid two.
	r = e.epcis("POST", "/api/v1/epcis/capture", bad, "GS1-Capture-Error-Behaviour", "proceed")
	if r.status != 202 || r.body["status"] != "partial" || r.body["storedCount"] != 2.0 {
		t.Errorf("proceed = %d %s", r.status, r.raw)
	}
	if r = e.epcis("POST", "/api/v1/epcis/capture", bad, "GS1-Capture-Error-Behaviour", "sometimes"); r.status != 400 {
		t.Errorf("bad behaviour header = %d", r.status)
	}
	// Duplicates against stored events.
	r = e.epcis("POST", "/api/v1/epcis/capture", epcisDoc("a", 2))
	if r.status != 400 || !strings.Contains(r.raw, `"rule":"duplicate"`) {
		t.Errorf("duplicate = %d %s", r.status, r.raw)
	}
	// Too large, wrong media type, not JSON.
	big := `{"x":"` + strings.Repeat("a", service.CaptureMaxBytes) + `"}`
	if r = e.epcis("POST", "/api/v1/epcis/capture", big); r.status != 413 || r.header.Get("GS1-EPCIS-Capture-File-Size-Limit") == "" {
		t.Errorf("too large = %d", r.status)
	}
	if r = e.epcis("POST", "/api/v1/epcis/capture", epcisDoc("c", 1), "Content-Type", "text/plain"); r.status != 415 {
		t.Errorf("text/plain = %d", r.status)
	}
	if r = e.epcis("POST", "/api/v1/epcis/capture", "not json"); r.status != 422 {
		t.Errorf("not JSON = %d %s", r.status, r.raw)
	}
	// Viewers may not capture.
	if r = e.do("viewer", "POST", "/api/v1/epcis/capture", "application/json", epcisDoc("v", 1)); r.status != 403 {
		t.Errorf("viewer capture = %d", r.status)
	}

	// One event on its own: 201 and its URL.
	one := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventID":"urn:example:single","eventTime":"2026-05-02T10:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/04012345111118/21/77"],"action":"OBSERVE","bizStep":"loading"}`
	r = e.epcis("POST", "/api/v1/epcis/events", one)
	if r.status != 201 || r.header.Get("Location") != "/api/v1/epcis/events/"+url.PathEscape("urn:example:single") {
		t.Fatalf("POST events = %d %v %s", r.status, r.header.Get("Location"), r.raw)
	}
	q := e.epcis("GET", r.header.Get("Location"), "")
	if evs := eventList(t, q); len(evs) != 1 || evs[0]["bizStep"] != "loading" {
		t.Errorf("GET event = %s", q.raw)
	}
	// Its EPC, asked for as a URN.
	q = e.epcis("GET", "/api/v1/epcis/epcs/"+url.PathEscape("urn:epc:id:sgtin:4012345.011111.77")+"/events", "")
	if evs := eventList(t, q); len(evs) != 1 {
		t.Errorf("events of EPC: %s", q.raw)
	}
	if r = e.epcis("GET", "/api/v1/epcis/events/urn:example:nothing", ""); r.status != 404 {
		t.Errorf("missing event = %d", r.status)
	}

	// Paging: 8 events, 3 per page, by the Link header.
	next := "/api/v1/epcis/events?perPage=3&orderBy=eventTime&EQ_bizStep=urn:epcglobal:cbv:bizstep:shipping"
	var got []string
	for next != "" {
		q = e.epcis("GET", next, "")
		for _, ev := range eventList(t, q) {
			got = append(got, ev["eventID"].(string))
			if ev["ex:seal"] == nil || ev["recordTime"] == nil {
				t.Errorf("event lost its extension or recordTime: %v", ev)
			}
		}
		next = ""
		if l := q.header.Get("Link"); l != "" {
			next = strings.TrimPrefix(strings.SplitN(l, ">", 2)[0], "<")
		}
	}
	if len(got) != 7 {
		t.Errorf("paged through %v", got)
	}
	// The query document is itself a valid EPCIS document whose events
	// hash as captured, extension namespaces included.
	if rep, err := epcis.ValidateDocument([]byte(q.raw)); err != nil || !rep.Valid() {
		t.Errorf("query document: %v %v", err, rep)
	}
	if r = e.epcis("GET", "/api/v1/epcis/events?EQ_action=LOOK", ""); r.status != 422 || errFields(r)["EQ_action"] == nil {
		t.Errorf("bad parameter = %d %s", r.status, r.raw)
	}
	// One audit entry per capture (success, failures, partial, single).
	if _, after := e.counts(); after <= seq {
		t.Errorf("audit seq %d → %d", seq, after)
	}
}

func TestSealsAPI(t *testing.T) {
	e := setup(t)
	r := e.json("admin", "POST", "/api/v1/sites", `{"name":"Rotterdam DC","type":"distribution_centre","unlocode":"NLRTM","country":"NL","time_zone":"Europe/Amsterdam"}`)
	site, _ := r.body["id"].(string)
	r = e.json("admin", "POST", "/api/v1/seals", `{"site_id":"`+site+`","number":"NL-123","class":"H","type":"BLT","source":"CAR","manufacturer":"Acme"}`)
	if r.status != 201 || r.body["status"] != "issued" {
		t.Fatalf("issue = %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	if r = e.json("admin", "POST", "/api/v1/seals", `{"site_id":"`+site+`","number":"NL 1","class":"X","type":"BLT","source":"CAR"}`); r.status != 422 || errFields(r)["class"] == nil || errFields(r)["number"] == nil {
		t.Errorf("bad seal = %d %s", r.status, r.raw)
	}
	if r = e.json("admin", "POST", "/api/v1/seals/"+id+"/events", `{"action":"verify","method":"tug"}`); r.status != 409 {
		t.Errorf("verify an issued seal = %d", r.status)
	}
	if r = e.json("admin", "POST", "/api/v1/seals/"+id+"/events", `{"action":"affix","equipment":"MSKU9070323"}`); r.status != 201 {
		t.Fatalf("affix = %d %s", r.status, r.raw)
	}
	r = e.json("admin", "POST", "/api/v1/seals/"+id+"/events", `{"action":"verify","method":"verify","observed_number":"NL-124"}`)
	ds, _ := r.body["discrepancies"].([]any)
	if r.status != 201 || len(ds) != 1 {
		t.Fatalf("mismatch = %d %s", r.status, r.raw)
	}
	did := ds[0].(map[string]any)["id"].(string)
	if r = e.json("viewer", "POST", "/api/v1/seals/"+id+"/events", `{"action":"break"}`); r.status != 403 {
		t.Errorf("viewer records = %d", r.status)
	}
	if r = e.json("admin", "GET", "/api/v1/seals/"+id, ""); r.status != 200 || len(r.body["log"].([]any)) != 3 {
		t.Errorf("seal = %d %s", r.status, r.raw)
	}
	if r = e.json("admin", "GET", "/api/v1/discrepancies?open=true&site_id="+site, ""); len(r.body["items"].([]any)) != 1 {
		t.Errorf("open discrepancies = %s", r.raw)
	}
	if r = e.json("admin", "PATCH", "/api/v1/discrepancies/"+did, `{"close":true}`); r.status != 422 || errFields(r)["resolution"] == nil {
		t.Errorf("close without resolution = %d %s", r.status, r.raw)
	}
	if r = e.json("admin", "PATCH", "/api/v1/discrepancies/"+did, `{"close":true,"resolution":"Misread; re-verified."}`); r.status != 200 || r.body["open"] != false {
		t.Errorf("close = %d %s", r.status, r.raw)
	}
	// The seal's events are in the EPCIS repository.
	q := e.epcis("GET", "/api/v1/epcis/epcs/"+url.PathEscape("urn:epc:id:bic:MSKU9070323")+"/events", "")
	if evs := eventList(t, q); len(evs) != 2 {
		t.Errorf("container events = %d", len(evs))
	}
	r = e.json("admin", "GET", "/api/v1/epcis/epcs/"+url.PathEscape("urn:epc:id:bic:MSKU9070323")+"/timeline?gapHours=1", "")
	if steps, _ := r.body["steps"].([]any); r.status != 200 || len(steps) != 2 || steps[0].(map[string]any)["seal"] != "NL-123" {
		t.Errorf("timeline = %d %s", r.status, r.raw)
	}
}

func TestInspectionsAPI(t *testing.T) {
	e := setup(t)
	r := e.json("admin", "POST", "/api/v1/sites", `{"name":"Monterrey DC","type":"distribution_centre","country":"MX"}`)
	site, _ := r.body["id"].(string)
	body := `{"site_id":"` + site + `","template":"container7","equipment":"CSQU3054383","results":[` +
		`{"point":"front_wall","result":"pass"},{"point":"left_side","result":"pass"},{"point":"right_side","result":"pass"},` +
		`{"point":"floor","result":"fail","note":"False floor"},{"point":"ceiling","result":"pass"},{"point":"doors","result":"pass"},{"point":"undercarriage","result":"na"}]}`
	r = e.json("admin", "POST", "/api/v1/inspections", body)
	if r.status != 201 || r.body["discrepancy"] == nil {
		t.Fatalf("record = %d %s", r.status, r.raw)
	}
	id := r.body["inspection"].(map[string]any)["id"].(string)
	if r = e.json("viewer", "GET", "/api/v1/inspections/"+id, ""); r.status != 200 || r.body["failed"] != 1.0 {
		t.Errorf("get = %d %s", r.status, r.raw)
	}
	if r = e.json("admin", "POST", "/api/v1/inspections", `{"site_id":"`+site+`","template":"container7","results":[]}`); r.status != 422 || errFields(r)["results.floor"] == nil {
		t.Errorf("unanswered points = %d %s", r.status, r.raw)
	}
	if r = e.json("viewer", "POST", "/api/v1/inspections", body); r.status != 403 {
		t.Errorf("viewer records = %d", r.status)
	}
}
