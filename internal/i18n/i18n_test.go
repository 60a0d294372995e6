package i18n

import (
	"testing"
	"time"
)

func TestCatalogsHaveSameKeys(t *testing.T) {
	for _, lang := range Languages() {
		for _, other := range Languages() {
			for _, k := range Keys(lang) {
				if !Has(other, k) {
					t.Errorf("key %q is in %s but missing from %s", k, lang, other)
				}
			}
		}
	}
}

func TestFormatting(t *testing.T) {
	tm := time.Date(2026, 11, 27, 16, 14, 0, 0, time.UTC)
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, got, want string }{
		{"en number", Number("en", 1234567), "1,234,567"},
		{"es number", Number("es", 1234567), "1.234.567"},
		{"en date utc", DateTime("en", tm, time.UTC), "27 Nov 2026, 16:14"},
		{"es date ams", DateTime("es", tm, ams), "27 nov 2026, 17:14"},
		{"match es", Match("es-MX,es;q=0.9,en;q=0.5"), "es"},
		{"match other", Match("de-DE"), "en"},
		{"fallback key", T("es", "no.such.key"), "no.such.key"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
