package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// peopleFixture is one record of each type, made through the service.
type peopleFixture struct {
	site       *bulkhead.Site
	person     *bulkhead.Person
	competence *bulkhead.Competence
	role       *bulkhead.SecurityRole
	assignment *bulkhead.RoleAssignment
	process    *bulkhead.Process
	course     *bulkhead.Course
	training   *bulkhead.TrainingRecord
}

func (e *env) peopleFixture() *peopleFixture {
	e.t.Helper()
	ctx := context.Background()
	a := service.SystemActor(e.org.ID, "test")
	p := func(s string) *string { return &s }
	f := &peopleFixture{site: e.createSite("", "Rotterdam Port Warehouse", "NLRTM", "NL")}
	var err error
	check := func() {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	f.competence, err = e.svc.CreateCompetence(ctx, a, bulkhead.CompetenceInput{Name: p("Seal handling")})
	check()
	f.role, err = e.svc.CreateSecurityRole(ctx, a, bulkhead.SecurityRoleInput{Name: p("Seal custodian"), CompetenceIDs: &[]string{f.competence.ID}, PerSite: new(bool)})
	check()
	f.person, err = e.svc.CreatePerson(ctx, a, bulkhead.PersonInput{Name: p("Fatima El Amrani"), SiteIDs: &[]string{f.site.ID}})
	check()
	f.assignment, err = e.svc.CreateRoleAssignment(ctx, a, bulkhead.RoleAssignmentInput{RoleID: &f.role.ID, PersonID: &f.person.ID, SiteID: &f.site.ID, From: p("2025-01-01")})
	check()
	f.process, err = e.svc.CreateProcess(ctx, a, bulkhead.ProcessInput{Name: p("Seal control")})
	check()
	f.course, err = e.svc.CreateCourse(ctx, a, bulkhead.CourseInput{Title: p("Seal handling and VVTT"), RecurrenceMonths: new(int), Delivery: p("classroom"), CompetenceIDs: &[]string{f.competence.ID}})
	check()
	f.training, err = e.svc.CreateTrainingRecord(ctx, a, bulkhead.TrainingInput{PersonID: &f.person.ID, CourseID: &f.course.ID, Completed: p("2020-01-01"), Expires: p("2021-01-01"), Result: p("passed")},
		&service.Upload{Name: "cert.pdf", Data: []byte("%PDF-1.4\n%âãÏÓ\n")})
	check()
	return f
}

func TestPeoplePagesRender(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	f := e.peopleFixture()
	pages := []string{"/people", "/people?q=fatima&site_id=" + f.site.ID + "&employer=own&sort=job_title&dir=desc", "/people/new", "/people/" + f.person.ID, "/people/" + f.person.ID + "/edit",
		"/competences", "/competences/new", "/competences/" + f.competence.ID, "/competences/" + f.competence.ID + "/edit",
		"/security-roles", "/security-roles/new", "/security-roles/" + f.role.ID, "/security-roles/" + f.role.ID + "/edit",
		"/role-assignments", "/role-assignments?role_id=" + f.role.ID, "/role-assignments/new?person_id=" + f.person.ID, "/role-assignments/" + f.assignment.ID, "/role-assignments/" + f.assignment.ID + "/edit",
		"/raci", "/raci/processes", "/raci/processes/new", "/raci/processes/" + f.process.ID, "/raci/processes/" + f.process.ID + "/edit",
		"/courses", "/courses/new", "/courses/" + f.course.ID, "/courses/" + f.course.ID + "/edit",
		"/training", "/training?expiry=expired&site_id=" + f.site.ID, "/training?q=nothing-matches", "/training/new?person_id=" + f.person.ID, "/training/" + f.training.ID, "/training/" + f.training.ID + "/edit",
		"/competence-matrix", "/competence-matrix?site_id=" + f.site.ID, "/areas/leadership", "/areas/support",
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) { c.get(p).want(t, http.StatusOK).doc(t) })
	}
	// A bad filter is a 422 with the field marked, not an error page.
	res := c.get("/training?expiry=soon").want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.body, `id="f-expiry-error"`) {
		t.Error("bad expiry filter not marked at its field")
	}
	// The area pages link the two registers.
	if res := c.get("/areas/support"); !strings.Contains(res.body, `href="/competence-matrix"`) {
		t.Error("support area does not link the competence matrix")
	}
	if res := c.get("/areas/leadership"); !strings.Contains(res.body, `href="/security-roles"`) {
		t.Error("leadership area does not link the security roles")
	}
}

func TestPeopleCatalogsHaveDynamicKeys(t *testing.T) {
	t.Parallel()
	for _, lang := range i18n.Languages() {
		for _, k := range dynamicPeopleKeys() {
			if !i18n.Has(lang, k) {
				t.Errorf("catalog %s lacks %s", lang, k)
			}
		}
	}
}

func TestTrainingFormErrorsStoreNothing(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	f := e.peopleFixture()
	count := func() int {
		_, n, err := e.svc.TrainingRecords(context.Background(), service.SystemActor(e.org.ID, "t"), bulkhead.PeopleFilter{Status: bulkhead.StatusAll})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	res := c.post("/training", url.Values{"person_id": {f.person.ID}, "course_id": {f.course.ID}, "completed": {"2026-02-01"}, "expires": {"2026-01-01"}, "result": {"passed"}}).
		want(t, http.StatusUnprocessableEntity)
	doc := res.doc(t)
	if !strings.Contains(res.body, `id="f-expires-error"`) || !strings.Contains(res.body, "cannot be before the completion date") {
		t.Errorf("expiry error not shown at the field:\n%s", res.body)
	}
	if v := doc.byID("f-completed"); v == nil || v.attrs["value"] != "2026-02-01" {
		t.Error("the typed completion date was lost")
	}
	if count() != before {
		t.Fatal("an invalid training record was stored")
	}
	// A person of another organisation is refused as a link.
	other, _ := e.svc.CreateOrganization(context.Background(), service.SystemActor("", "t"), "Other", "other")
	_, err := e.svc.CreatePerson(context.Background(), service.SystemActor(other.ID, "t"), bulkhead.PersonInput{Name: new(string)})
	if err == nil {
		t.Fatal("a person without a name was made")
	}
	name := "Eve"
	op, err := e.svc.CreatePerson(context.Background(), service.SystemActor(other.ID, "t"), bulkhead.PersonInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	res = c.post("/training", url.Values{"person_id": {op.ID}, "course_id": {f.course.ID}, "completed": {"2026-02-01"}, "result": {"passed"}}).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.body, `id="f-person_id-error"`) {
		t.Error("another organisation's person not refused at the field")
	}
	// Assignment dates out of order.
	res = c.post("/role-assignments", url.Values{"role_id": {f.role.ID}, "person_id": {f.person.ID}, "site_id": {f.site.ID}, "from": {"2026-02-01"}, "to": {"2026-01-01"}}).
		want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.body, `id="f-to-error"`) {
		t.Error("assignment end before start not shown at the field")
	}
	if count() != before {
		t.Fatal("something was stored")
	}
}

// multipartPost posts a form with a file the way a browser does.
func (c *client) multipartPost(path string, fields url.Values, fileName, fileType string, data []byte) *response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField(csrfField, c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if fileName != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="evidence_file"; filename="`+fileName+`"`)
		h.Set("Content-Type", fileType)
		part, _ := w.CreatePart(h)
		part.Write(data)
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func TestTrainingEvidenceUpload(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	f := e.peopleFixture()
	fields := url.Values{"person_id": {f.person.ID}, "course_id": {f.course.ID}, "completed": {"2026-02-01"}, "result": {"passed"}, "evidence_note": {"scan"}}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

	tests := []struct {
		name, file, typ string
		data            []byte
		status          int
		errText         string
	}{
		{"mislabelled", "photo.png", "image/png", []byte("%PDF-1.4\n"), http.StatusUnprocessableEntity, "does not hold the type of file"},
		{"not a PDF or image", "page.html", "text/html", []byte("<html><script>alert(1)</script>"), http.StatusUnprocessableEntity, "must be a PDF or an image"},
		{"too large", "big.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), make([]byte, bulkhead.MaxEvidenceBytes)...), http.StatusUnprocessableEntity, "larger than 10 MiB"},
		{"far too large", "huge.pdf", "application/pdf", make([]byte, bulkhead.MaxEvidenceBytes+2*maxFormBytes), http.StatusRequestEntityTooLarge, "too large"},
	}
	for _, tt := range tests {
		res := c.multipartPost("/training", fields, tt.file, tt.typ, tt.data)
		if res.status != tt.status || !strings.Contains(res.body, tt.errText) {
			t.Errorf("%s: status %d, want %d with %q", tt.name, res.status, tt.status, tt.errText)
		}
		if tt.status == http.StatusUnprocessableEntity && !strings.Contains(res.body, `id="f-evidence_file-error"`) {
			t.Errorf("%s: error not at the file field", tt.name)
		}
	}
	_, n, _ := e.svc.TrainingRecords(context.Background(), service.SystemActor(e.org.ID, "t"), bulkhead.PeopleFilter{})
	if n != 1 {
		t.Fatalf("training records after refused uploads = %d, want 1", n)
	}
	res := c.multipartPost("/training", fields, `x"; evil=".png`, "image/png", png).want(t, http.StatusSeeOther)
	loc := res.location()
	page := c.get(loc).want(t, http.StatusOK)
	page.doc(t)
	if !strings.Contains(page.body, "image/png") || !strings.Contains(page.body, "2026-02-01") {
		t.Errorf("detail page lacks the evidence type or date:\n%s", page.body)
	}
	ev := c.get(loc+"/evidence").want(t, http.StatusOK)
	if ev.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(ev.header.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(ev.header.Get("Content-Security-Policy"), "sandbox") || ev.body != string(png) {
		t.Errorf("evidence served as %q, %q, %q", ev.header.Get("Content-Type"), ev.header.Get("Content-Disposition"), ev.header.Get("Content-Security-Policy"))
	}
	if cd := ev.header.Get("Content-Disposition"); strings.Contains(cd, "evil=") && !strings.Contains(cd, "filename") {
		t.Errorf("unsafe Content-Disposition %q", cd)
	}
	// Without the CSRF token an upload is refused.
	c.csrf = "forged"
	c.multipartPost("/training", fields, "a.png", "image/png", png).want(t, http.StatusForbidden)
}

func TestRACIGrid(t *testing.T) {
	t.Parallel()
	e, c := newAdmin(t)
	f := e.peopleFixture()
	ctx := context.Background()
	name := "SMS owner"
	r2, err := e.svc.CreateSecurityRole(ctx, service.SystemActor(e.org.ID, "t"), bulkhead.SecurityRoleInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	cell := func(r *bulkhead.SecurityRole) string { return "cell." + f.process.ID + "." + r.ID }
	res := c.post("/raci", url.Values{cell(f.role): {"A"}, cell(r2): {"A"}}).want(t, http.StatusUnprocessableEntity)
	res.doc(t)
	if !strings.Contains(res.body, "second Accountable role") || !strings.Contains(res.body, `class="error-summary"`) {
		t.Errorf("second A not reported:\n%s", res.body)
	}
	if cells, _ := e.svc.RACI(ctx, service.SystemActor(e.org.ID, "t")); len(cells) != 0 {
		t.Fatalf("RACI stored after a refused save: %v", cells)
	}
	c.post("/raci", url.Values{cell(f.role): {"R"}, cell(r2): {"A"}}).want(t, http.StatusSeeOther)
	cells, _ := e.svc.RACI(ctx, service.SystemActor(e.org.ID, "t"))
	if len(cells) != 2 {
		t.Fatalf("RACI = %v", cells)
	}
	page := c.get("/raci").want(t, http.StatusOK)
	if !strings.Contains(page.body, `<option value="A" selected>`) {
		t.Error("the saved A is not selected on the grid")
	}
}

func TestPeopleRolesAndExports(t *testing.T) {
	t.Parallel()
	e, _ := newAdmin(t)
	f := e.peopleFixture()
	e.addUser("", "viewer@harbourline.example", bulkhead.RoleViewer, "en", "UTC")
	e.addUser("", "partner@harbourline.example", bulkhead.RolePartner, "es", "UTC")
	v := e.client()
	v.login("viewer@harbourline.example")
	v.get("/people").want(t, http.StatusOK)
	v.get("/people/new").want(t, http.StatusForbidden)
	v.post("/people", url.Values{"name": {"Mallory"}}).want(t, http.StatusForbidden)
	v.post("/people/"+f.person.ID+"/archive", nil).want(t, http.StatusForbidden)
	if res := v.get("/people/" + f.person.ID); strings.Contains(res.body, "/edit") {
		t.Error("viewer is offered an edit link")
	}
	p := e.client()
	p.login("partner@harbourline.example")
	p.get("/competence-matrix").want(t, http.StatusForbidden)
	p.get("/training/"+f.training.ID+"/evidence").want(t, http.StatusForbidden)

	csv := v.get("/training/export.csv?expiry=expired").want(t, http.StatusOK)
	if !strings.Contains(csv.body, "Fatima El Amrani") || !strings.Contains(csv.header.Get("Content-Disposition"), "training.csv") {
		t.Errorf("training CSV:\n%s", csv.body)
	}
	m := v.get("/competence-matrix/export.csv?site_id="+f.site.ID).want(t, http.StatusOK)
	if !strings.Contains(m.body, "Seal handling") || !strings.Contains(m.body, "expired") {
		t.Errorf("matrix CSV:\n%s", m.body)
	}
	for _, path := range []string{"/people/export.csv", "/competences/export.csv", "/security-roles/export.csv", "/role-assignments/export.csv", "/raci/processes/export.csv", "/courses/export.csv"} {
		if res := v.get(path).want(t, http.StatusOK); strings.Count(res.body, "\n") < 2 {
			t.Errorf("%s has no rows:\n%s", path, res.body)
		}
	}
	// Archive and restore keep the record.
	a, _ := newAdminClient(e)
	a.post("/people/"+f.person.ID+"/archive", nil).want(t, http.StatusSeeOther)
	if res := a.get("/people/"+f.person.ID).want(t, http.StatusOK); !strings.Contains(res.body, "This record is archived") {
		t.Error("archived person not marked")
	}
	a.get("/people/"+f.person.ID+"/edit").want(t, http.StatusOK)
	a.post("/people/"+f.person.ID, url.Values{"name": {"X"}}).want(t, http.StatusConflict)
	a.post("/people/"+f.person.ID+"/restore", nil).want(t, http.StatusSeeOther)
	a.post("/people/"+f.person.ID, url.Values{"name": {"Fatima E."}, "site_ids": {f.site.ID}}).want(t, http.StatusSeeOther)
}

// newAdminClient logs the env's admin in on a new client.
func newAdminClient(e *env) (*client, error) {
	c := e.client()
	c.login("admin@harbourline.example")
	return c, nil
}
