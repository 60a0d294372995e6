package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// benchFunc runs one benchmark with its own flags.
type benchFunc func(ctx context.Context, e *env, args []string) error

// benches returns every benchmark by name: the foundation's and each
// area's (registerBenches, riskBenches, … in their own files).
func benches() map[string]benchFunc {
	all := map[string]benchFunc{
		"writes": benchStore("writes", "audited writes to make", 5000),
		"verify": benchStore("verify", "audit entries to verify", 500000),
		"list":   benchStore("list", "sites in the organisation", 100000),
		"risk": func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{"bench risk takes no flags"}
			}
			return benchRisk(ctx, e.stdout)
		},
	}
	for _, area := range []map[string]benchFunc{registerBenches(), peopleBenches(), documentBenches(), riskBenches(), libraryBenches(), custodyBenches(), incidentBenches()} {
		for name, fn := range area {
			if _, dup := all[name]; dup {
				panic("bench " + name + " defined twice")
			}
			all[name] = fn
		}
	}
	return all
}

func benchNames() string {
	names := slices.Sorted(maps.Keys(benches()))
	return strings.Join(names, ", ")
}

func cmdBench(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"which benchmark? " + benchNames()}
	}
	fn, ok := benches()[args[0]]
	if !ok {
		return &usageError{fmt.Sprintf("unknown benchmark %q: %s", args[0], benchNames())}
	}
	return fn(ctx, e, args[1:])
}

// benchDBFlag adds the --db flag every database benchmark takes.
func benchDBFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "database to fill: empty for a new SQLite file in a temporary directory, or a postgres:// DSN of an EMPTY database")
}

// benchOrg is a fresh organisation with one admin member in a benchmark
// database.
type benchOrg struct {
	st     bulkhead.Store
	svc    *service.Service
	org    *bulkhead.Organization
	actor  service.Actor // the admin member
	email  string        // the admin's e-mail
	pw     string        // and password, for benchmarks over HTTP
	engine string        // "SQLite" or "PostgreSQL"
}

// openBench opens db (a new SQLite file in a temporary directory when
// empty) and creates the benchmark organisation. close removes what it made.
func openBench(ctx context.Context, db string) (b *benchOrg, close func(), err error) {
	sf := storeFlags{db: db}
	cleanup := func() {}
	if db == "" {
		dir, err := os.MkdirTemp("", "bulkhead-bench-")
		if err != nil {
			return nil, nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		sf.db = filepath.Join(dir, "bench.db")
	}
	st, err := sf.open(ctx)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	close = func() { st.Close(); cleanup() }
	svc := service.New(st, nil)
	org, err := svc.CreateOrganization(ctx, service.SystemActor("", "bench"), "Bench Org", fmt.Sprintf("bench-%d", time.Now().UnixNano()))
	if err != nil {
		close()
		return nil, nil, err
	}
	const pw = "bench password 123"
	email := fmt.Sprintf("bench-%d@bench.example", time.Now().UnixNano())
	u, err := svc.AddMember(ctx, service.SystemActor(org.ID, "bench"), service.NewUser{Email: email, Name: "Bench", Password: pw, Role: bulkhead.RoleAdmin})
	if err != nil {
		close()
		return nil, nil, err
	}
	b = &benchOrg{st: st, svc: svc, org: org, email: email, pw: pw, engine: "SQLite",
		actor: service.Actor{UserID: u.ID, Name: u.Email, OrgID: org.ID, Role: bulkhead.RoleAdmin, Via: "cli"}}
	if sf.isPostgres() {
		b.engine = "PostgreSQL"
	}
	return b, close, nil
}

// benchStore returns one of the foundation's database benchmarks.
func benchStore(which, nUsage string, nDefault int) benchFunc {
	return func(ctx context.Context, e *env, args []string) error {
		fs := newFlags(e, "bench "+which)
		db := benchDBFlag(fs)
		n := fs.Int("n", nDefault, nUsage)
		var reqs *int
		if which == "list" {
			reqs = fs.Int("requests", 300, "requests per measured list query")
		}
		if err := fs.Parse(args); err != nil {
			return &usageError{err.Error()}
		}
		b, closeBench, err := openBench(ctx, *db)
		if err != nil {
			return err
		}
		defer closeBench()
		fmt.Fprintf(e.stdout, "bench %s on %s\n", which, b.engine)
		switch which {
		case "writes":
			return benchWrites(ctx, e.stdout, b.svc, b.actor, *n)
		case "verify":
			return benchVerify(ctx, e.stdout, b.st, b.org.ID, *n)
		default:
			return benchList(ctx, e.stdout, b.svc, b.actor, b.email, b.pw, *n, *reqs)
		}
	}
}

func sp(s string) *string { return &s }

// benchWrites makes n audited writes, each a site and its audit entry in one
// transaction, one after another.
func benchWrites(ctx context.Context, w io.Writer, svc *service.Service, a service.Actor, n int) error {
	start := time.Now()
	for i := range n {
		in := bulkhead.SiteInput{Name: sp(fmt.Sprintf("Site %07d", i)), Type: sp("warehouse"), UNLOCODE: sp("NLRTM"), Country: sp("NL"), TimeZone: sp("Europe/Amsterdam"), Address: sp("Quay 1")}
		if _, err := svc.CreateSite(ctx, a, in); err != nil {
			return err
		}
	}
	d := time.Since(start)
	fmt.Fprintf(w, "audited writes: %d in %s = %.0f writes/s (target ≥ 2,000/s)\n", n, d.Round(time.Millisecond), float64(n)/d.Seconds())
	res, err := svc.VerifyAudit(ctx, a)
	if err != nil {
		return err
	}
	if !res.Intact {
		return fmt.Errorf("trail broken after the bench: %+v", res.Break)
	}
	return nil
}

// benchVerify appends n entries in large transactions, then verifies the
// trail three times and reports each rate.
func benchVerify(ctx context.Context, w io.Writer, st bulkhead.Store, orgID string, n int) error {
	fill := time.Now()
	const batch = 20000
	for done := 0; done < n; {
		m := min(batch, n-done)
		err := st.Write(ctx, func(tx bulkhead.Tx) error {
			head, err := tx.LockAuditHead(ctx, orgID)
			if err != nil {
				return err
			}
			prev := head.Hash
			for i := range m {
				e := &bulkhead.AuditEntry{
					OrgID: orgID, Seq: head.Seq + int64(i) + 1, ID: bulkhead.NewID(), At: bulkhead.Now(),
					ActorID: "01JBENCHUSER0000000000000", ActorName: "bench@bench.example", Action: "site.update", ObjectType: "site",
					ObjectID: bulkhead.NewID(), Change: []byte(`{"changes":{"notes":{"from":"gate 3","to":"gate 4"}}}`),
				}
				e.Seal(prev)
				prev = e.Hash
				if err := tx.InsertAudit(ctx, e); err != nil {
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
	fmt.Fprintf(w, "filled %d entries in %s\n", n, time.Since(fill).Round(time.Millisecond))
	// Measure a settled database, as a later `bulkhead verify` sees it: let
	// SQLite copy the fill's write-ahead log back first.
	if cp, ok := st.(interface {
		Checkpoint(context.Context) (int, error)
	}); ok {
		if _, err := cp.Checkpoint(ctx); err != nil {
			return err
		}
	}
	for range 3 {
		start := time.Now()
		res, err := service.VerifyOrg(ctx, st, orgID)
		if err != nil {
			return err
		}
		d := time.Since(start)
		if !res.Intact || res.Entries < int64(n) {
			return fmt.Errorf("verify: %+v", res)
		}
		fmt.Fprintf(w, "verify: %d entries in %s = %.0f entries/s (target ≥ 500,000/s)\n", res.Entries, d.Round(time.Millisecond), float64(res.Entries)/d.Seconds())
	}
	return nil
}

// benchList fills n sites, then measures a page of 50 through the service,
// the JSON API and the web page, over real HTTP.
func benchList(ctx context.Context, w io.Writer, svc *service.Service, a service.Actor, email, pw string, n, reqs int) error {
	fill := time.Now()
	types := bulkhead.SiteTypes
	locodes := []string{"NLRTM", "NLVEN", "BEANR", "DEHAM", "MXNLD", "ESVLC"}
	const batch = 10000
	// Filling bypasses the service: n audited writes would only measure the
	// writes bench again. The rows are what the service would store.
	for done := 0; done < n; {
		m := min(batch, n-done)
		err := svc.Store().Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+m; i++ {
				now := bulkhead.Now()
				lc := locodes[i%len(locodes)]
				s := &bulkhead.Site{ID: bulkhead.NewID(), OrgID: a.OrgID, Name: fmt.Sprintf("%s site %07d", lc, (i*7919)%n), Type: types[i%len(types)],
					UNLOCODE: lc, Country: lc[:2], Address: fmt.Sprintf("Dock %d", i%97), TimeZone: "UTC", Notes: "bench", CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateSite(ctx, s); err != nil {
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
	// Let SQLite's search indexer catch up, as it would seconds after a
	// real import, so that the searches below measure the indexed path.
	if ix, ok := svc.Store().(interface {
		IndexSearch(context.Context) (int, error)
	}); ok {
		for {
			k, err := ix.IndexSearch(ctx)
			if err != nil {
				return err
			}
			if k == 0 {
				break
			}
		}
	}
	fmt.Fprintf(w, "filled %d sites in %s\n", n, time.Since(fill).Round(time.Millisecond))

	handler, err := newHandler(svc, nil, false)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	raw, _, err := svc.CreateAPIToken(ctx, a, "bench", 0)
	if err != nil {
		return err
	}
	sess, _, err := svc.Login(ctx, email, pw, "127.0.0.1")
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
	svcList := func(f bulkhead.SiteFilter) func() error {
		return func() error { _, _, err := svc.Sites(ctx, a, f); return err }
	}
	mid := (n / 2 / 50) * 50
	cases := []struct {
		name string
		fn   func() error
	}{
		{"service: first page by name", svcList(bulkhead.SiteFilter{})},
		{"API: first page by name", get("/api/v1/sites?limit=50", api)},
		{"API: page in the middle", get(fmt.Sprintf("/api/v1/sites?limit=50&offset=%d", mid), api)},
		{"API: last page", get(fmt.Sprintf("/api/v1/sites?limit=50&offset=%d", max(0, n-50)), api)},
		{"API: sorted by -updated_at", get("/api/v1/sites?limit=50&sort=-updated_at", api)},
		{"API: sorted by type", get("/api/v1/sites?limit=50&sort=type", api)},
		{"API: filter type+country", get("/api/v1/sites?limit=50&type=warehouse&country=NL", api)},
		{"API: search q=0042", get("/api/v1/sites?limit=50&q=0042", api)},
		{"web: /sites first page", get("/sites", page)},
		{"web: /sites page in the middle", get(fmt.Sprintf("/sites?page=%d", mid/50+1), page)},
		{"web: /sites search q=0042", get("/sites?q=0042", page)},
	}
	fmt.Fprintf(w, "%-34s %9s %9s %9s  (%d requests each, page of 50; target p99 < 20 ms)\n", "query", "p50", "p99", "max", reqs)
	for _, c := range cases {
		for range 10 { // warm caches
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
