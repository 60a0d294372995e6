package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func TestCell(t *testing.T) {
	tests := map[string]string{
		"":                   "",
		"Rotterdam":          "Rotterdam",
		"=HYPERLINK(\"x\")":  "'=HYPERLINK(\"x\")",
		"+31 10 123":         "'+31 10 123",
		"-5":                 "'-5",
		"@SUM(A1)":           "'@SUM(A1)",
		"\tcmd":              "'\tcmd",
		"Dock 3 = gate west": "Dock 3 = gate west",
	}
	for in, want := range tests {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSites(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 30, 0, 123000, time.UTC)
	sites := []*bulkhead.Site{
		{ID: "S1", Name: "Venlo DC", Type: bulkhead.SiteDC, UNLOCODE: "NLVEN", Address: "Logistiekweg 12,\nVenlo", Country: "NL", TimeZone: "Europe/Amsterdam", Notes: "=1+1", CreatedAt: at, UpdatedAt: at},
		{ID: "S2", Name: "Nuevo Laredo", Type: bulkhead.SiteYard, Country: "MX", TimeZone: "America/Matamoros", CreatedAt: at, UpdatedAt: at, ArchivedAt: &at},
	}
	var buf bytes.Buffer
	err := Sites(&buf, func(fn func(*bulkhead.Site) error) error {
		for _, s := range sites {
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") {
		t.Error("no byte-order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		SiteHeader,
		{"S1", "Venlo DC", "distribution_centre", "NLVEN", "Logistiekweg 12,\nVenlo", "NL", "Europe/Amsterdam", "'=1+1", "2026-11-27T09:30:00Z", "2026-11-27T09:30:00Z", ""},
		{"S2", "Nuevo Laredo", "yard", "", "", "MX", "America/Matamoros", "", "2026-11-27T09:30:00Z", "2026-11-27T09:30:00Z", "2026-11-27T09:30:00Z"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("export (-want +got):\n%s", diff)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	x, err := NewXLSX("Risk register")
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"name", "level"}, {"Cargo theft", "high"}, {"=1+1", "Überprüfung"}}
	for _, r := range rows {
		if err := x.Write(r...); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows("Risk register")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rows, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if formula, _ := f.GetCellFormula("Risk register", "A3"); formula != "" {
		t.Errorf("A3 became a formula: %q", formula)
	}
}
