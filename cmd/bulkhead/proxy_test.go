package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRealIP(t *testing.T) {
	trusted, err := parseProxies("10.0.0.0/8, 192.168.1.5")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseProxies("10.0.0.0/8,not-an-ip"); err == nil {
		t.Error("a bad proxy list was accepted")
	}
	var seen string
	h := realIP(trusted, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr }))
	tests := []struct {
		name, peer, xff, want string
	}{
		{"untrusted peer: header ignored", "203.0.113.9:5000", "198.51.100.1", "203.0.113.9:5000"},
		{"trusted proxy", "10.1.2.3:5000", "198.51.100.1", "198.51.100.1:0"},
		{"chain of proxies", "10.1.2.3:5000", "198.51.100.7, 192.168.1.5", "198.51.100.7:0"},
		{"spoofed left entries", "10.1.2.3:5000", "1.1.1.1, 198.51.100.7", "198.51.100.7:0"},
		{"only proxies", "10.1.2.3:5000", "10.9.9.9", "10.9.9.9:0"},
		{"garbage", "10.1.2.3:5000", "nonsense", "10.1.2.3:5000"},
		{"no header", "10.1.2.3:5000", "", "10.1.2.3:5000"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if seen != tt.want {
			t.Errorf("%s: RemoteAddr %q, want %q", tt.name, seen, tt.want)
		}
	}
}
