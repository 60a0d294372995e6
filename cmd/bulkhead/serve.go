package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/httpapi"
	"github.com/bulkhead-sms/bulkhead/internal/metrics"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/web"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve")
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", "localhost:8080", "listen `address`; use :8080 to listen on every interface")
	demo := fs.Bool("demo", false, "load the demo organisation (Harbourline Logistics) and print its logins")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure even without TLS here (behind a TLS-terminating proxy)")
	tlsCert := fs.String("tls-cert", "", "TLS certificate `file` (serve HTTPS)")
	tlsKey := fs.String("tls-key", "", "TLS key `file`")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	proxies := fs.String("trusted-proxies", "", "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For names the client")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	serverGC()
	if (*tlsCert == "") != (*tlsKey == "") {
		return &usageError{"--tls-cert and --tls-key go together"}
	}
	trusted, err := parseProxies(*proxies)
	if err != nil {
		return &usageError{"--trusted-proxies: " + err.Error()}
	}
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(e.stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(e.stderr, nil))
	default:
		return &usageError{"--log-format must be text or json"}
	}

	if !sf.isPostgres() {
		lock, err := lockData(filepath.Dir(sf.sqlitePath()))
		if err != nil {
			return err
		}
		defer lock.Close()
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, log)
	// EPCIS capture jobs a stopped server left running stored nothing
	// (each capture writes in one transaction): say so.
	if n, err := svc.FailInterruptedCaptures(ctx, time.Now()); err != nil {
		return err
	} else if n > 0 {
		log.Warn("EPCIS capture jobs interrupted by the last shutdown marked failed", "jobs", n)
	}

	var demoPassword string
	if *demo {
		if demoPassword, err = loadDemo(ctx, svc, sf.data); err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
	}

	handler, err := newHandler(svc, log, *secure || *tlsCert != "")
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           realIP(trusted, handler),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	url := scheme + "://" + displayAddr(ln.Addr())
	fmt.Fprintf(e.stdout, "Bulkhead %s is running at %s\n", version, url)
	if sf.isPostgres() {
		fmt.Fprintln(e.stdout, "Database: PostgreSQL")
	} else {
		fmt.Fprintf(e.stdout, "Database: SQLite %s\n", sf.sqlitePath())
	}
	if *demo {
		fmt.Fprintf(e.stdout, "Log in at %s/login as admin@harbourline.example with password %s\n", url, demoPassword)
		fmt.Fprintf(e.stdout, "Other demo users (same password), one per role: ")
		var others []string
		for _, u := range service.DemoUsers[1:] {
			others = append(others, u.Email)
		}
		fmt.Fprintln(e.stdout, strings.Join(others, ", "))
	}
	log.Info("serving", "url", url, "version", version)

	errc := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			errc <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// newHandler wires the web UI, the API, health checks and metrics.
func newHandler(svc *service.Service, log *slog.Logger, secureCookies bool) (http.Handler, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ui, err := web.New(svc, web.Options{Logger: log, Version: version, SecureCookies: secureCookies})
	if err != nil {
		return nil, fmt.Errorf("web UI: %w", err)
	}
	reg := metrics.New()
	st := svc.Store()
	mux := http.NewServeMux()
	mux.Handle("/api/", httpapi.New(svc, log))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := st.Ping(ctx); err != nil {
			log.Error("readiness check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", reg.Handler())
	mux.Handle("/", ui)
	return reg.Middleware(log, mux), nil
}

// loadDemo loads the demo organisation once. Its password is random, made
// on first load and kept in the data directory (mode 0600) so later starts
// can print it again.
func loadDemo(ctx context.Context, svc *service.Service, dataDir string) (string, error) {
	path := filepath.Join(dataDir, "demo-password")
	var pw string
	if b, err := os.ReadFile(path); err == nil {
		pw = strings.TrimSpace(string(b))
	}
	if pw == "" {
		b := make([]byte, 12)
		rand.Read(b)
		pw = "demo-" + base64.RawURLEncoding.EncodeToString(b)
	}
	created, err := svc.LoadDemo(ctx, pw)
	if err != nil {
		return "", err
	}
	if created {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
			return "", err
		}
	} else if _, err := os.Stat(path); err != nil {
		return "(set when the demo was first loaded; reset it with: bulkhead user passwd --email admin@harbourline.example)", nil
	}
	return pw, nil
}
