package httpapi_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// photoPart is one file part of a multipart request.
type photoPart struct {
	field, claimed string
	data           []byte
}

// multipartPost posts form fields and file parts (with the Content-Type
// the client claims) to path.
func (e *env) multipartPost(role, path string, fields map[string]string, parts ...photoPart) result {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for i, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="photo%d.png"`, p.field, i))
		h.Set("Content-Type", p.claimed)
		pw, err := mw.CreatePart(h)
		if err != nil {
			e.t.Fatal(err)
		}
		pw.Write(p.data)
	}
	mw.Close()
	return e.do(role, "POST", path, mw.FormDataContentType(), b.String())
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const reeferChecklist = `{"key":"reefer","name":"Reefer pre-trip check","kind":"truck_trailer","points":[
{"key":"unit","label":"Reefer unit panels","photo_required_on_fail":true},{"key":"drain","label":"Drain holes clear"}]}`

func TestInspectionTemplatesAPI(t *testing.T) {
	e := setup(t)
	_, seq0 := e.counts()
	for name, tc := range map[string]struct{ body, field string }{
		"duplicate point keys": {`{"name":"Dup","kind":"other","points":[{"key":"a","label":"A"},{"key":"a","label":"B"}]}`, "points.1.key"},
		"no points":            {`{"name":"None","kind":"other","points":[]}`, "points"},
		"no label":             {`{"name":"Nolabel","kind":"other","points":[{"key":"a","label":""}]}`, "points.0.label"},
		"built-in key":         {`{"key":"container7","name":"Mine","kind":"container","points":[{"key":"a","label":"A"}]}`, "key"},
		"unknown kind":         {`{"name":"Ship","kind":"ship","points":[{"key":"a","label":"A"}]}`, "kind"},
	} {
		if r := e.json("admin", "POST", "/api/v1/inspection-templates", tc.body); r.status != 422 || errFields(r)[tc.field] == nil {
			t.Errorf("%s = %d %s", name, r.status, r.raw)
		}
	}
	if r := e.json("admin", "POST", "/api/v1/inspection-templates", `{"name":"X","kind":"other","points":[{"key":"a","label":"A"}],"colour":"red"}`); r.status != 400 {
		t.Errorf("unknown JSON field = %d %s", r.status, r.raw)
	}
	if _, seq := e.counts(); seq != seq0 {
		t.Fatalf("refused checklists wrote %d audit entries", seq-seq0)
	}
	if r := e.json("viewer", "POST", "/api/v1/inspection-templates", reeferChecklist); r.status != 403 {
		t.Errorf("viewer creates = %d", r.status)
	}
	r := e.json("admin", "POST", "/api/v1/inspection-templates", reeferChecklist)
	if r.status != 201 || r.body["version"] != 1.0 || r.header.Get("Location") == "" {
		t.Fatalf("create = %d %s", r.status, r.raw)
	}
	v1 := r.body["id"].(string)
	r = e.json("admin", "POST", "/api/v1/inspection-templates/"+v1+"/versions", `{"name":"Reefer check"}`)
	if r.status != 201 || r.body["version"] != 2.0 || len(r.body["points"].([]any)) != 2 {
		t.Fatalf("new version = %d %s", r.status, r.raw)
	}
	if r := e.json("admin", "POST", "/api/v1/inspection-templates/reefer/versions", `{"key":"other"}`); r.status != 400 {
		t.Errorf("changing the key = %d %s", r.status, r.raw)
	}
	r = e.json("viewer", "GET", "/api/v1/inspection-templates/reefer", "")
	if vs, _ := r.body["versions"].([]any); r.status != 200 || len(vs) != 2 || r.body["name"] != "Reefer check" {
		t.Fatalf("get = %d %s", r.status, r.raw)
	}
	r = e.json("viewer", "GET", "/api/v1/inspection-templates", "")
	items, _ := r.body["items"].([]any)
	if r.status != 200 || len(items) != 3 {
		t.Fatalf("list = %d %s", r.status, r.raw)
	}
	if first := items[0].(map[string]any); first["builtin"] != true || first["name"] != "Container, 7 points" || !strings.Contains(r.raw, `"label":"Front wall"`) {
		t.Errorf("built-in checklist = %v", first)
	}
	if r := e.json("admin", "POST", "/api/v1/inspection-templates/truck17/versions", `{"name":"Mine"}`); r.status != 409 {
		t.Errorf("edit a built-in checklist = %d %s", r.status, r.raw)
	}

	// Another organisation's checklist is not found, by ID or key.
	org, err := e.svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org three", "three")
	if err != nil {
		t.Fatal(err)
	}
	kind := bulkhead.KindOther
	theirs, err := e.svc.CreateInspectionTemplate(ctx, service.SystemActor(org.ID, "test"), bulkhead.ChecklistInput{Key: ptr("theirs"), Name: ptr("Theirs"), Kind: &kind,
		Points: []bulkhead.ChecklistPoint{{Key: "a", Label: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/inspection-templates/" + theirs.ID, "/api/v1/inspection-templates/theirs"} {
		if r := e.json("admin", "GET", path, ""); r.status != 404 {
			t.Errorf("GET %s = %d", path, r.status)
		}
		if r := e.json("admin", "POST", path+"/archive", ""); r.status != 404 {
			t.Errorf("archive %s = %d", path, r.status)
		}
	}
	site := e.json("admin", "POST", "/api/v1/sites", `{"name":"Reefer yard","type":"warehouse","country":"ES"}`).body["id"].(string)
	body := func(tpl string) string {
		return `{"site_id":"` + site + `","template":"` + tpl + `","equipment":"TRL-9","results":[{"point":"unit","result":"fail","note":"Screw missing"},{"point":"a","result":"pass"}]}`
	}
	if r := e.json("admin", "POST", "/api/v1/inspections", body(theirs.ID)); r.status != 422 || errFields(r)["template"] == nil {
		t.Errorf("inspection on another organisation's checklist = %d %s", r.status, r.raw)
	}

	// Archive: no longer listed nor usable.
	if r := e.json("admin", "POST", "/api/v1/inspection-templates/reefer/archive", ""); r.status != 200 || r.body["status"] != "archived" {
		t.Errorf("archive = %d %s", r.status, r.raw)
	}
	if r := e.json("viewer", "GET", "/api/v1/inspection-templates", ""); len(r.body["items"].([]any)) != 2 {
		t.Errorf("archived still listed: %s", r.raw)
	}
	if r := e.json("viewer", "GET", "/api/v1/inspection-templates?archived=true", ""); len(r.body["items"].([]any)) != 3 {
		t.Errorf("archived=true: %s", r.raw)
	}
}

func TestInspectionPhotosAPI(t *testing.T) {
	e := setup(t)
	if r := e.json("admin", "POST", "/api/v1/inspection-templates", reeferChecklist); r.status != 201 {
		t.Fatalf("create = %d %s", r.status, r.raw)
	}
	site := e.json("admin", "POST", "/api/v1/sites", `{"name":"Reefer yard","type":"warehouse","country":"ES"}`).body["id"].(string)
	insp := `{"site_id":"` + site + `","template":"reefer","equipment":"TRL-9","results":[{"point":"unit","result":"fail","note":"Screw missing"},{"point":"drain","result":"pass"}]}`
	img := testPNG(t)
	pdf := []byte("%PDF-1.7\n1 0 obj << >> endobj\n")
	_, seq0 := e.counts()
	for name, tc := range map[string]struct {
		parts  []photoPart
		status int
		field  string
	}{
		"no photo on a failed point": {nil, 422, "photos.unit"},
		"pdf claimed as png":         {[]photoPart{{"photo.unit", "image/png", pdf}}, 422, "photos.unit"},
		"oversized photo":            {[]photoPart{{"photo.unit", "image/png", append(append([]byte{}, img...), make([]byte, bulkhead.MaxInspectionPhoto)...)}}, 422, "photos.unit"},
		"photo of no point":          {[]photoPart{{"photo.unit", "image/png", img}, {"photo.roof", "image/png", img}}, 422, "photos"},
		"stray part":                 {[]photoPart{{"picture", "image/png", img}}, 400, "picture"},
	} {
		r := e.multipartPost("admin", "/api/v1/inspections", map[string]string{"inspection": insp}, tc.parts...)
		if r.status != tc.status || errFields(r)[tc.field] == nil {
			t.Errorf("%s = %d %s", name, r.status, r.raw)
		}
	}
	if r := e.json("admin", "POST", "/api/v1/inspections", insp); r.status != 422 || errFields(r)["photos.unit"] == nil {
		t.Errorf("JSON without the required photo = %d %s", r.status, r.raw)
	}
	if _, seq := e.counts(); seq != seq0 {
		t.Fatalf("refused inspections wrote %d audit entries", seq-seq0)
	}

	r := e.multipartPost("admin", "/api/v1/inspections", map[string]string{"inspection": insp}, photoPart{"photo.unit", "application/octet-stream", img})
	if r.status != 201 || r.body["discrepancy"] == nil {
		t.Fatalf("record with photo = %d %s", r.status, r.raw)
	}
	id := r.body["inspection"].(map[string]any)["id"].(string)
	if r.body["inspection"].(map[string]any)["template_id"] == "" {
		t.Errorf("template_id missing: %s", r.raw)
	}
	r = e.json("viewer", "GET", "/api/v1/inspections/"+id+"/photos", "")
	items, _ := r.body["items"].([]any)
	if r.status != 200 || len(items) != 1 {
		t.Fatalf("photos = %d %s", r.status, r.raw)
	}
	photoURL := items[0].(map[string]any)["url"].(string)
	r = e.do("viewer", "GET", photoURL, "", "")
	if r.status != 200 || r.header.Get("Content-Type") != "image/png" || r.header.Get("X-Content-Type-Options") != "nosniff" || r.raw != string(img) {
		t.Errorf("photo = %d %v", r.status, r.header)
	}

	// Added later.
	if r := e.multipartPost("admin", "/api/v1/inspections/"+id+"/photos", map[string]string{"point": "drain"}, photoPart{"photo", "image/png", pdf}); r.status != 422 || errFields(r)["photo"] == nil {
		t.Errorf("pdf added as photo = %d %s", r.status, r.raw)
	}
	if r := e.multipartPost("admin", "/api/v1/inspections/"+id+"/photos", map[string]string{"point": "drain"},
		photoPart{"photo", "image/png", make([]byte, bulkhead.MaxInspectionPhoto+2<<20)}); r.status != 413 || errFields(r)["photo"] == nil {
		t.Errorf("oversized upload = %d %s", r.status, r.raw)
	}
	if r := e.multipartPost("viewer", "/api/v1/inspections/"+id+"/photos", map[string]string{"point": "drain"}, photoPart{"photo", "image/png", img}); r.status != 403 {
		t.Errorf("viewer adds a photo = %d", r.status)
	}
	r = e.multipartPost("admin", "/api/v1/inspections/"+id+"/photos", map[string]string{"point": "drain"}, photoPart{"photo", "image/png", img})
	if r.status != 201 || r.body["point"] != "drain" || len(r.body["sha256"].(string)) != 64 {
		t.Fatalf("add photo = %d %s", r.status, r.raw)
	}
	if r := e.do("admin", "GET", "/api/v1/inspections/"+id+"/photos/nope", "", ""); r.status != 404 {
		t.Errorf("unknown photo = %d", r.status)
	}
}
