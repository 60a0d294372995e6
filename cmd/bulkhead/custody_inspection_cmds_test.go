package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInspectionTemplateCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": dir}
	must(t, env, "", "org add", "--name", "Acme Freight", "--slug", "acme")
	must(t, env, "a long password 1\n", "user add", "--org", "acme", "--email", "ana@acme.example", "--name", "Ana", "--role", "security_manager")
	as := []string{"--org", "acme", "--as", "ana@acme.example"}
	site := strings.Fields(must(t, env, "", append([]string{"site add", "--name", "Valencia yard", "--type", "warehouse", "--country", "ES"}, as...)...))[0]

	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dup := write("dup.json", `[{"key":"unit","label":"Unit"},{"key":"unit","label":"Again"}]`)
	code, _, errs := cli(t, env, "", append([]string{"inspection template create", "--file", dup, "--name", "Reefer", "--kind", "truck_trailer"}, as...)...)
	if code == 0 || !strings.Contains(errs, "points.1.key") {
		t.Errorf("duplicate point keys: exit %d, %s", code, errs)
	}
	points := write("points.json", `[{"key":"unit","label":"Reefer unit panels","photo_required_on_fail":true},{"key":"drain","label":"Drain holes clear"}]`)
	out := must(t, env, "", append([]string{"inspection template create", "--file", points, "--name", "Reefer pre-trip check", "--kind", "truck_trailer", "--key", "reefer"}, as...)...)
	if !strings.Contains(out, "reefer") || !strings.Contains(out, "version 1") {
		t.Errorf("create: %s", out)
	}
	if out := must(t, env, "", append([]string{"inspection template list"}, as...)...); !strings.Contains(out, "Reefer pre-trip check") || !strings.Contains(out, "truck17") {
		t.Errorf("list: %s", out)
	}
	if out := must(t, env, "", append([]string{"inspection template show", "--template", "reefer"}, as...)...); !strings.Contains(out, "Drain holes clear") {
		t.Errorf("show: %s", out)
	}

	code, _, errs = cli(t, env, "", append([]string{"inspection record", "--site", site, "--template", "reefer", "--fail", "unit=Screws missing"}, as...)...)
	if code == 0 || !strings.Contains(errs, "photos.unit") {
		t.Errorf("failed point without its photo: exit %d, %s", code, errs)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 3))); err != nil {
		t.Fatal(err)
	}
	photo := write("unit.png", b.String())
	out = must(t, env, "", append([]string{"inspection record", "--site", site, "--template", "reefer", "--fail", "unit=Screws missing", "--photo", "unit=" + photo}, as...)...)
	if !strings.Contains(out, "1 failed") || !strings.Contains(out, "discrepancy") {
		t.Errorf("record with photo: %s", out)
	}
	if out := must(t, env, "", append([]string{"inspection template version", "--template", "reefer", "--name", "Reefer check"}, as...)...); !strings.Contains(out, "version 2") {
		t.Errorf("version: %s", out)
	}
	if out := must(t, env, "", append([]string{"inspection template archive", "--template", "reefer"}, as...)...); !strings.Contains(out, "archived") {
		t.Errorf("archive: %s", out)
	}
}
