package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// incidentBenches are the benchmarks of security incidents, by name.
func incidentBenches() map[string]benchFunc {
	return map[string]benchFunc{
		"incidents":        benchIncidentsCmd,
		"incidents-import": benchIncidentImportCmd,
	}
}

func benchIncidentsCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench incidents")
	db := benchDBFlag(fs)
	n := fs.Int("n", 100000, "incidents in the organisation")
	reqs := fs.Int("requests", 200, "requests per measured query")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	fmt.Fprintf(e.stdout, "bench incidents on %s\n", b.engine)
	return benchIncidents(ctx, e.stdout, b, *n, *reqs)
}

// benchIncidents fills n incidents over three years, four sites and ten
// lanes through the store in batches, then measures the list with filters,
// the analysis charts and their API over real HTTP.
func benchIncidents(ctx context.Context, w io.Writer, b *benchOrg, n, reqs int) error {
	var sites []*bulkhead.Site
	for _, in := range []bulkhead.SiteInput{
		{Name: sp("Venlo DC"), Type: sp("distribution_centre"), UNLOCODE: sp("NLVEN"), Country: sp("NL"), TimeZone: sp("Europe/Amsterdam")},
		{Name: sp("Rotterdam Port Warehouse"), Type: sp("warehouse"), UNLOCODE: sp("NLRTM"), Country: sp("NL"), TimeZone: sp("Europe/Amsterdam")},
		{Name: sp("Antwerp Cross-dock"), Type: sp("cross_dock"), UNLOCODE: sp("BEANR"), Country: sp("BE"), TimeZone: sp("Europe/Brussels")},
		{Name: sp("Nuevo Laredo Yard"), Type: sp("yard"), UNLOCODE: sp("MXNLD"), Country: sp("MX"), TimeZone: sp("America/Matamoros")},
	} {
		s, err := b.svc.CreateSite(ctx, b.actor, in)
		if err != nil {
			return err
		}
		sites = append(sites, s)
	}
	lanes := []string{"Venlo → Milan", "Venlo → Lyon", "Rotterdam → Hamburg", "Antwerp → Cologne", "Antwerp → Paris", "Monterrey → Laredo TX",
		"Shanghai → Rotterdam", "Rotterdam → Felixstowe", "Venlo → Madrid", ""}
	fill := time.Now()
	end := bulkhead.Now()
	span := 3 * 365 * 24 * time.Hour
	const batch = 10000
	for done := 0; done < n; {
		m := min(batch, n-done)
		err := b.st.Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+m; i++ {
				occ := end.Add(-time.Duration(int64(span) / int64(n) * int64(n-i))).Truncate(time.Second)
				inc := &bulkhead.Incident{ID: bulkhead.NewID(), OrgID: b.org.ID, Type: bulkhead.IncidentTypes[(i*7)%len(bulkhead.IncidentTypes)],
					Severity: bulkhead.Severities[(i*3)%4], Status: bulkhead.IncidentStatuses[1+i%5], Title: fmt.Sprintf("Incident %07d at gate %d", i, i%40),
					Description: "Bench incident; seal and trailer checked.", OccurredAt: occ, DetectedAt: occ.Add(time.Hour), ReportedAt: occ.Add(2 * time.Hour),
					SiteID: sites[i%4].ID, Lane: lanes[i%len(lanes)], Source: bulkhead.SourceManual, CreatedAt: end, UpdatedAt: end}
				if i%3 == 0 {
					inc.LossCents, inc.Currency = int64(100+(i*7919)%5000000), "EUR"
				}
				if inc.Status == bulkhead.IncidentClosed {
					inc.RootCause, inc.ClosedAt = "bench", &end
				}
				if err := tx.CreateIncident(ctx, inc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += m
	}
	if cp, ok := b.st.(interface {
		Checkpoint(context.Context) (int, error)
	}); ok {
		cp.Checkpoint(ctx)
	}
	fmt.Fprintf(w, "filled %d incidents in %s\n", n, time.Since(fill).Round(time.Millisecond))

	handler, err := newHandler(b.svc, nil, false)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	raw, _, err := b.svc.CreateAPIToken(ctx, b.actor, "bench", 0)
	if err != nil {
		return err
	}
	sess, _, err := b.svc.Login(ctx, b.email, b.pw, "127.0.0.1")
	if err != nil {
		return err
	}
	client := srv.Client()
	get := func(path string, hdr func(*http.Request)) func() error {
		return func() error {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
			hdr(req)
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET %s: %s", path, resp.Status)
			}
			return nil
		}
	}
	api := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+raw) }
	page := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "bulkhead_session", Value: sess}) }
	from := end.AddDate(0, -6, 0).Format("2006-01-02")
	site := sites[1].ID
	cases := []struct {
		name string
		fn   func() error
	}{
		{"API: first page, newest first", get("/api/v1/incidents?limit=50", api)},
		{"API: type+severity", get("/api/v1/incidents?limit=50&type=cargo_theft&severity=high", api)},
		{"API: site+last 6 months", get("/api/v1/incidents?limit=50&site_id="+site+"&from="+from, api)},
		{"API: open, by loss desc", get("/api/v1/incidents?limit=50&status=open&sort=-loss", api)},
		{"API: page 100", get("/api/v1/incidents?limit=50&offset=4950", api)},
		{"API: search q=gate 17", get("/api/v1/incidents?limit=50&q=gate+17", api)},
		{"API: stats, 36 months", get("/api/v1/incidents/stats?from="+end.AddDate(-3, 0, 0).Format("2006-01")+"&to="+end.Format("2006-01"), api)},
		{"web: /incidents", get("/incidents", page)},
		{"web: /incidents filtered", get("/incidents?type=hijacking&status=open&site="+site+"&from="+from, page)},
		{"web: /incidents/analysis (12 m)", get("/incidents/analysis", page)},
		{"web: /incidents/analysis (36 m)", get("/incidents/analysis?from="+end.AddDate(-3, 0, 0).Format("2006-01")+"&to="+end.Format("2006-01"), page)},
	}
	fmt.Fprintf(w, "%-34s %9s %9s %9s  (%d requests each; target p99 < 150 ms)\n", "query", "p50", "p99", "max", reqs)
	for _, c := range cases {
		for range 5 {
			if err := c.fn(); err != nil {
				return err
			}
		}
		ds := make([]time.Duration, reqs)
		for i := range reqs {
			start := time.Now()
			if err := c.fn(); err != nil {
				return err
			}
			ds[i] = time.Since(start)
		}
		slices.Sort(ds)
		q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
		fmt.Fprintf(w, "%-34s %9s %9s %9s\n", c.name, q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
	}
	return nil
}

func benchIncidentImportCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench incidents-import")
	db := benchDBFlag(fs)
	file := fs.String("file", "internal/service/testdata/nga-asam/RAW_ASAM.csv", "NGA ASAM CSV (the default is the copy in the repository, relative to its root)")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	fmt.Fprintf(e.stdout, "bench incidents-import on %s: %s (%d bytes)\n", b.engine, *file, len(data))
	for _, mode := range []service.IncidentImportMode{service.IncidentImportPreview, service.IncidentImportCommitGoodRows} {
		start := time.Now()
		rep, err := b.svc.ImportIncidents(ctx, b.actor, bytes.NewReader(data), "", mode)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%-17s %d rows, %d good, %d rejected, %d imported in %s (target < 5 s)\n", mode+":", rep.Rows, rep.Good, rep.Rejected, rep.Imported, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
