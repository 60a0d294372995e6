// Package metrics counts HTTP requests and exposes them, with a few process
// figures, in the Prometheus text exposition format. A page of code does
// what Bulkhead needs; no client library is pulled in for it.
package metrics

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"
)

// buckets are the request-duration histogram's upper bounds in seconds.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type key struct {
	method, route string
	code          int
}

type hist struct {
	counts []uint64 // per bucket, cumulative at exposition
	sum    float64
	n      uint64
}

// Registry holds the counters.
type Registry struct {
	mu    sync.Mutex
	reqs  map[key]uint64
	durs  map[string]*hist // by route
	start time.Time
	// Gauges read at exposition time, e.g. the store's audit head.
	gauges map[string]func() float64
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{reqs: map[key]uint64{}, durs: map[string]*hist{}, start: time.Now(), gauges: map[string]func() float64{}}
}

// Gauge registers a gauge computed at exposition time.
func (r *Registry) Gauge(name string, fn func() float64) {
	r.mu.Lock()
	r.gauges[name] = fn
	r.mu.Unlock()
}

func (r *Registry) observe(method, route string, code int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs[key{method, route, code}]++
	h := r.durs[route]
	if h == nil {
		h = &hist{counts: make([]uint64, len(buckets))}
		r.durs[route] = h
	}
	s := d.Seconds()
	for i, b := range buckets {
		if s <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += s
	h.n++
}

type recorder struct {
	http.ResponseWriter
	code  int
	bytes int
}

func (w *recorder) WriteHeader(c int) {
	if w.code == 0 {
		w.code = c
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Middleware counts and times every request under its ServeMux pattern and
// writes one structured log line per request.
func (r *Registry) Middleware(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.code == 0 {
			rec.code = http.StatusOK
		}
		route := req.Pattern
		if route == "" {
			route = "unmatched"
		}
		r.observe(req.Method, route, rec.code, d)
		level := slog.LevelInfo
		if rec.code >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(req.Context(), level, "request",
			slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.String("route", route),
			slog.Int("status", rec.code), slog.Int("bytes", rec.bytes), slog.Duration("duration", d),
			slog.String("remote", req.RemoteAddr))
	})
}

// Handler serves the exposition.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.Write(w)
	})
}

func esc(s string) string { return strconv.Quote(s)[1 : len(strconv.Quote(s))-1] }

// Write writes the exposition to w.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(w, "# HELP bulkhead_http_requests_total HTTP requests by method, route and status.")
	fmt.Fprintln(w, "# TYPE bulkhead_http_requests_total counter")
	keys := make([]key, 0, len(r.reqs))
	for k := range r.reqs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	for _, k := range keys {
		fmt.Fprintf(w, "bulkhead_http_requests_total{method=\"%s\",route=\"%s\",code=\"%d\"} %d\n", esc(k.method), esc(k.route), k.code, r.reqs[k])
	}
	fmt.Fprintln(w, "# HELP bulkhead_http_request_duration_seconds HTTP request durations by route.")
	fmt.Fprintln(w, "# TYPE bulkhead_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(r.durs))
	for k := range r.durs {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, route := range routes {
		h := r.durs[route]
		var cum uint64
		for i, b := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "bulkhead_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", esc(route), b, cum)
		}
		fmt.Fprintf(w, "bulkhead_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", esc(route), h.n)
		fmt.Fprintf(w, "bulkhead_http_request_duration_seconds_sum{route=\"%s\"} %g\n", esc(route), h.sum)
		fmt.Fprintf(w, "bulkhead_http_request_duration_seconds_count{route=\"%s\"} %d\n", esc(route), h.n)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintln(w, "# HELP bulkhead_uptime_seconds Seconds since the process started.")
	fmt.Fprintln(w, "# TYPE bulkhead_uptime_seconds gauge")
	fmt.Fprintf(w, "bulkhead_uptime_seconds %g\n", time.Since(r.start).Seconds())
	fmt.Fprintln(w, "# HELP go_goroutines Number of goroutines.")
	fmt.Fprintln(w, "# TYPE go_goroutines gauge")
	fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintln(w, "# HELP go_memstats_heap_alloc_bytes Heap bytes allocated and in use.")
	fmt.Fprintln(w, "# TYPE go_memstats_heap_alloc_bytes gauge")
	fmt.Fprintf(w, "go_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	names := make([]string, 0, len(r.gauges))
	for n := range r.gauges {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "# TYPE %s gauge\n%s %g\n", n, n, r.gauges[n]())
	}
}
