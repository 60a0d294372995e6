package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// postMultipart submits a multipart form with the session's CSRF token and
// one file.
func (c *client) postMultipart(path string, fields map[string]string, fileField, fileName string, file []byte) *response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField(csrfField, c.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// incidentForm is a valid incident form an hour old, in the admin's zone.
func incidentFormValues(title string) url.Values {
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	now := time.Now().In(loc)
	return url.Values{"title": {title}, "type": {"cargo_theft"}, "severity": {"high"},
		"occurred_at": {now.Add(-3 * time.Hour).Format("2006-01-02T15:04")}, "detected_at": {now.Add(-2 * time.Hour).Format("2006-01-02T15:04")},
		"loss": {"1250.50"}, "currency": {"EUR"}, "lane": {"Venlo → Milan"}, "latitude": {"51.37"}, "longitude": {"6.17"}}
}

func (e *env) incidentCount() int {
	e.t.Helper()
	_, n, err := e.db.Incidents(context.Background(), bulkhead.IncidentFilter{OrgID: e.org.ID, Sort: bulkhead.IncidentSortOccurred, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestIncidentPagesRender(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	st := e.createSite("", "Venlo DC", "NLVEN", "NL")
	f := incidentFormValues("Pallet <b>missing</b>")
	f.Set("site_id", st.ID)
	res := c.post("/incidents", f).want(t, http.StatusSeeOther)
	id := strings.TrimPrefix(res.location(), "/incidents/")
	c.post("/incidents/"+id+"/links", url.Values{"kind": {"risk"}, "ref_id": {"R-1"}, "label": {"Night theft"}}).want(t, http.StatusSeeOther)
	c.postMultipart("/incidents/"+id+"/evidence", nil, "file", "seal.txt", []byte("seal 123 cut")).want(t, http.StatusSeeOther)
	pages := []string{"/incidents", "/incidents?type=cargo_theft&status=open&q=pallet&from=2020-01-01&sort=loss&dir=desc", "/incidents?q=nothing",
		"/incidents/new", "/incidents/" + id, "/incidents/" + id + "/edit", "/incidents/analysis", "/incidents/analysis?from=2020-01&to=2026-12&type=cargo_theft",
		"/incidents/rules", "/incidents/import", "/areas/supply-chain"}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			c.get(p).want(t, http.StatusOK).doc(t)
		})
	}
	body := c.get("/incidents/" + id).body
	if strings.Contains(body, "<b>missing</b>") || !strings.Contains(body, "&lt;b&gt;missing&lt;/b&gt;") {
		t.Error("the title is not escaped")
	}
	if !strings.Contains(c.get("/areas/supply-chain").body, `href="/incidents"`) {
		t.Error("the supply-chain area does not link to the incidents register")
	}
	an := c.get("/incidents/analysis").body
	if !strings.Contains(an, "<svg") || !strings.Contains(an, `class="chart-bar"`) {
		t.Error("the analysis page has no chart")
	}
	csv := c.get("/incidents/export.csv?type=cargo_theft")
	if csv.status != 200 || !strings.Contains(csv.body, "Venlo DC") || !strings.Contains(csv.body, "1250.50") {
		t.Errorf("csv export: %d %s", csv.status, csv.body)
	}
	if x := c.get("/incidents/export.xlsx"); x.status != 200 || !strings.HasPrefix(x.body, "PK") {
		t.Errorf("xlsx export: %d", x.status)
	}
	dl := c.get("/incidents/" + id + "/evidence/" + firstEvidence(t, e, id))
	if dl.status != 200 || dl.body != "seal 123 cut" || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("evidence download: %d %q", dl.status, dl.body)
	}
}

func firstEvidence(t *testing.T, e *env, id string) string {
	t.Helper()
	evs, err := e.db.IncidentEvidenceList(context.Background(), e.org.ID, id)
	if err != nil || len(evs) == 0 {
		t.Fatalf("evidence: %v %v", evs, err)
	}
	return evs[0].ID
}

func TestIncidentFormErrors(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	tests := []struct {
		name  string
		set   map[string]string
		field string
	}{
		{"detected before occurred", map[string]string{"detected_at": "2001-01-01T10:00"}, "detected_at"},
		{"negative loss", map[string]string{"loss": "-10"}, "loss"},
		{"unknown currency", map[string]string{"currency": "EUX"}, "currency"},
		{"latitude not a number", map[string]string{"latitude": "north"}, "latitude"},
		{"no title", map[string]string{"title": ""}, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := incidentFormValues("Bad input")
			for k, v := range tt.set {
				f.Set(k, v)
			}
			doc := c.post("/incidents", f).want(t, http.StatusUnprocessableEntity).doc(t)
			in := doc.byID("f-" + tt.field)
			if in == nil || in.attrs["aria-invalid"] != "true" || doc.byID("f-"+tt.field+"-error") == nil {
				t.Errorf("field %s is not marked", tt.field)
			}
			if in != nil && tt.field != "title" && in.attrs["value"] != f.Get(tt.field) {
				t.Errorf("value of %s not kept: %q", tt.field, in.attrs["value"])
			}
		})
	}
	if n := e.incidentCount(); n != 0 {
		t.Fatalf("%d incidents saved from bad forms", n)
	}
	// Closing a high incident without a root cause marks the root-cause field.
	res := c.post("/incidents", incidentFormValues("Good")).want(t, http.StatusSeeOther)
	id := strings.TrimPrefix(res.location(), "/incidents/")
	doc := c.post("/incidents/"+id+"/status", url.Values{"status": {"closed"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	if in := doc.byID("f-rc-root_cause"); in == nil || in.attrs["aria-invalid"] != "true" {
		t.Error("root cause not marked when closing without one")
	}
	// A viewer may read but not record.
	e.addUser("", "viewer@harbourline.example", bulkhead.RoleViewer, "en", "UTC")
	v := e.client()
	v.login("viewer@harbourline.example")
	v.get("/incidents").want(t, http.StatusOK)
	v.get("/incidents/new").want(t, http.StatusForbidden)
	v.post("/incidents", incidentFormValues("Viewer")).want(t, http.StatusForbidden)
	v.get("/incidents/import").want(t, http.StatusForbidden)
}

func TestIncidentImportPreviewAndCommit(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	head := strings.Join(service.IncidentHeader, ",")
	row := func(id, occ, det string) string {
		cells := make([]string, len(service.IncidentHeader))
		vals := map[string]string{"id": id, "type": "intrusion", "severity": "low", "title": "Fence " + id, "occurred_at": occ, "detected_at": det, "reported_at": "2025-03-01T12:00:00Z"}
		for i, h := range service.IncidentHeader {
			cells[i] = vals[h]
		}
		return strings.Join(cells, ",")
	}
	file := head + "\n" + row("a", "2025-03-01T10:00:00Z", "2025-03-01T11:00:00Z") + "\n" + row("b", "2025-03-01T10:00:00Z", "2025-02-01T11:00:00Z") + "\n"
	doc := c.postMultipart("/incidents/import", nil, "file", "hist.csv", []byte(file)).want(t, http.StatusOK).doc(t)
	text := doc.textContent()
	if !strings.Contains(text, "2 rows read: 1 can be imported, 1 cannot.") || !strings.Contains(text, "detected_at") {
		t.Fatalf("report: %s", text)
	}
	if e.incidentCount() != 0 {
		t.Fatal("a preview stored incidents")
	}
	btn := doc.byID("commit-good-rows")
	if btn == nil {
		t.Fatal("no commit button")
	}
	c.postMultipart("/incidents/import", map[string]string{"commit": "good_rows", "content": file}, "", "", nil).want(t, http.StatusSeeOther)
	if n := e.incidentCount(); n != 1 {
		t.Fatalf("committed %d, want 1", n)
	}
	bad := c.postMultipart("/incidents/import", nil, "file", "x.csv", []byte("a,b\n1,2\n")).want(t, http.StatusUnprocessableEntity).doc(t)
	if !strings.Contains(bad.textContent(), "Missing: id") {
		t.Errorf("header problem not explained: %s", bad.textContent())
	}
}

func TestIncidentNotificationFlow(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	res := c.post("/incidents", incidentFormValues("Trailer gone")).want(t, http.StatusSeeOther)
	id := strings.TrimPrefix(res.location(), "/incidents/")
	doc := c.get("/incidents/"+id).want(t, http.StatusOK).doc(t)
	police := doc.find(func(n *node) bool { return n.tag == "li" && n.attrs["data-recipient"] == "police" })
	if len(police) != 1 || !strings.Contains(police[0].textContent(), "Overdue") {
		t.Fatalf("police notification not shown overdue")
	}
	if !strings.Contains(c.get("/incidents").body, "owed notification(s) are overdue") {
		t.Error("the register does not warn of overdue notifications")
	}
	var nid string
	for _, f := range police[0].tags("form") {
		nid = strings.TrimSuffix(strings.TrimPrefix(f.attrs["action"], "/incidents/"+id+"/notifications/"), "/sent")
	}
	c.post("/incidents/"+id+"/notifications/"+nid+"/sent", url.Values{"reference": {"PV-2026-7"}}).want(t, http.StatusSeeOther)
	body := c.get("/incidents/" + id).body
	if !strings.Contains(body, "ref. PV-2026-7") {
		t.Error("sent notification's reference not shown")
	}
	tasks, err := e.svc.MyTasks(context.Background(), service.SystemActor(e.org.ID, "t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		if tk.Kind == service.TaskIncidentNotification && strings.HasPrefix(tk.Title, "police") {
			t.Errorf("police still overdue: %+v", tk)
		}
	}
	c.post("/incidents/"+id+"/rootcause", url.Values{"root_cause": {"Yard gate left open"}, "cause_category": {"facility"}}).want(t, http.StatusSeeOther)
	c.post("/incidents/"+id+"/status", url.Values{"status": {"closed"}}).want(t, http.StatusSeeOther)
	if !strings.Contains(c.get("/incidents/"+id).body, `data-status="closed"`) {
		t.Error("not closed")
	}
	c.post("/incidents/rules", url.Values{"recipient": {"police"}, "hours": {"-2"}}).want(t, http.StatusUnprocessableEntity).doc(t)
	c.post("/incidents/rules", url.Values{"type": {"intrusion"}, "recipient": {"police"}, "hours": {"4"}}).want(t, http.StatusSeeOther)
	if !strings.Contains(c.get("/incidents/rules").body, "<td>4 h</td>") {
		t.Error("new rule not listed")
	}
}
