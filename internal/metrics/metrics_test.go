package metrics

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMiddlewareCountsByRoute(t *testing.T) {
	reg := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sites/{id}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", 500) })
	var logs bytes.Buffer
	h := reg.Middleware(slog.New(slog.NewJSONHandler(&logs, nil)), mux)
	for _, p := range []string{"/sites/1", "/sites/2", "/boom", "/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	reg.Gauge("bulkhead_test_gauge", func() float64 { return 42 })
	var out bytes.Buffer
	reg.Write(&out)
	for _, want := range []string{
		`bulkhead_http_requests_total{method="GET",route="GET /sites/{id}",code="200"} 2`,
		`bulkhead_http_requests_total{method="GET",route="GET /boom",code="500"} 1`,
		`bulkhead_http_requests_total{method="GET",route="unmatched",code="404"} 1`,
		`bulkhead_http_request_duration_seconds_count{route="GET /sites/{id}"} 2`,
		"bulkhead_test_gauge 42",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("exposition lacks %q:\n%s", want, out.String())
		}
	}
	if n := strings.Count(logs.String(), `"msg":"request"`); n != 4 {
		t.Errorf("%d request log lines, want 4", n)
	}
	if !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Error("a 500 is not logged at error level")
	}
}
