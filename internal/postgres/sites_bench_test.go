package postgres_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/postgres"
	"github.com/jackc/pgx/v5"
)

// BenchmarkSites100k measures Sites (one page of 50 and the total) on an
// organisation with 100,000 active sites (and 5,000 archived ones; another
// organisation holds 1,000 more), for the default listing, deep pages, every
// sort key in both directions, type and country filters and searches. Each
// case reports the p50 and p99 latency of one Sites call; before timing, it
// checks the page and total against the same listing computed in Go. The
// fill takes a minute or so; with -v a table of the figures ends the log.
//
//	d=$(mktemp -d); export BULKHEAD_TEST_POSTGRES=$(scripts/pg.sh start $d)
//	go test -run '^$' -bench Sites100k -benchtime 200x -v ./internal/postgres/
//	scripts/pg.sh stop $d
//
// With BULKHEAD_EXPLAIN=1 it logs EXPLAIN ANALYZE of both statements of
// every case.
func BenchmarkSites100k(b *testing.B) {
	dsn := freshDatabase(b)
	db := openDSN(b, dsn)
	big := mkOrg(b, db, "big", "Big")
	small := mkOrg(b, db, "small", "Small")
	start := time.Now()
	sites := fillSites(b, db, big.ID, small.ID)
	b.Logf("filled %d sites in big and 1,000 in small in %v", len(sites), time.Since(start).Round(time.Millisecond))
	// What autovacuum does soon after a bulk load: statistics for the
	// planner and the visibility map.
	if err := db.Exec(ctx, `VACUUM (ANALYZE) sites, site_counts`); err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var pages, visible int
	if err := conn.QueryRow(ctx, `SELECT relpages, relallvisible FROM pg_class WHERE relname = 'sites'`).Scan(&pages, &visible); err != nil {
		b.Fatal(err)
	}
	b.Logf("sites: %d pages, %d all-visible", pages, visible)
	explainAll := os.Getenv("BULKHEAD_EXPLAIN") == "1"

	type result struct {
		name     string
		total    int
		p50, p99 time.Duration
	}
	var results []result
	for _, c := range benchCases(big.ID, sites) {
		f := c.f
		if err := f.Normalize(); err != nil {
			b.Fatal(err)
		}
		want, wantTotal := expectSites(sites, f)
		got, total, err := db.Sites(ctx, f)
		if err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
		var gotIDs []string
		for _, s := range got {
			gotIDs = append(gotIDs, s.ID)
		}
		if total != wantTotal || !slices.Equal(gotIDs, want) {
			b.Fatalf("%s: total %d (want %d), page of %d differs from the expected %d", c.name, total, wantTotal, len(gotIDs), len(want))
		}
		if explainAll {
			count, countArgs, page, pageArgs := postgres.SiteStatements(f, total, true)
			msg := c.name + ":\n" + explain(b, conn, count, countArgs)
			if page != "" {
				msg += "\n" + explain(b, conn, page, pageArgs)
			}
			b.Log(msg)
		}
		var d []time.Duration
		b.Run(c.name, func(b *testing.B) {
			d = d[:0]
			for b.Loop() {
				t := time.Now()
				if _, _, err := db.Sites(ctx, f); err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(t))
			}
			slices.Sort(d)
			p50, p99 := d[len(d)/2], d[(len(d)*99+99)/100-1]
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		})
		slices.Sort(d)
		results = append(results, result{c.name, wantTotal, d[len(d)/2], d[(len(d)*99+99)/100-1]})
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-40s %8s %9s %9s\n", "case", "total", "p50", "p99")
	for _, r := range results {
		fmt.Fprintf(&sb, "%-40s %8d %7.2fms %7.2fms\n", r.name, r.total, ms(r.p50), ms(r.p99))
	}
	b.Logf("Sites() latency per call:\n%s", sb.String())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type benchCase struct {
	name string
	f    bulkhead.SiteFilter
}

func benchCases(orgID string, sites []*bulkhead.Site) []benchCase {
	var cs []benchCase
	add := func(name string, f bulkhead.SiteFilter) {
		f.OrgID = orgID
		cs = append(cs, benchCase{name, f})
	}
	// lastPage is the offset of the last page of 50 of a filter.
	lastPage := func(f bulkhead.SiteFilter) int {
		f.OrgID = orgID
		if err := f.Normalize(); err != nil {
			panic(err)
		}
		_, n := expectSites(sites, f)
		return max(0, (n-1)/50*50)
	}
	add("default", bulkhead.SiteFilter{})
	add("default page 2", bulkhead.SiteFilter{Offset: 50})
	add("default offset 50000", bulkhead.SiteFilter{Offset: 50000})
	add("default offset 99950 (last)", bulkhead.SiteFilter{Offset: lastPage(bulkhead.SiteFilter{})})
	for _, s := range bulkhead.SiteSorts {
		for _, desc := range []bool{false, true} {
			dir := "asc"
			if desc {
				dir = "desc"
			}
			f := bulkhead.SiteFilter{Sort: s, Desc: desc}
			add(fmt.Sprintf("sort %s %s", s, dir), f)
			f.Offset = lastPage(f)
			add(fmt.Sprintf("sort %s %s offset %d", s, dir, f.Offset), f)
		}
	}
	for _, f := range []bulkhead.SiteFilter{
		{Type: bulkhead.SiteWarehouse},
		{Type: bulkhead.SiteYard, Sort: bulkhead.SiteSortCreated, Desc: true},
		{Country: "NL"},
		{Country: "CL"},
		{Country: "CL", Sort: bulkhead.SiteSortUNLOCODE},
		{Type: bulkhead.SitePortFacility, Country: "DE"},
		{Type: bulkhead.SiteOffice, Country: "MX", Sort: bulkhead.SiteSortUpdated},
	} {
		name := strings.TrimSpace(fmt.Sprintf("filter %s %s", f.Type, f.Country))
		if f.Sort != "" {
			name += " by " + string(f.Sort)
		}
		add(name, f)
		f.Offset = lastPage(f)
		add(fmt.Sprintf("%s offset %d", name, f.Offset), f)
	}
	for _, q := range []string{"valparaiso", "gdansk", "hamburg plant 42", "Ham", "rotterdam", "NLRTM", "cold", "gate 12", "dock 7", "zzq"} {
		add("search "+q, bulkhead.SiteFilter{Query: q})
	}
	add("search ware (+type, +country)", bulkhead.SiteFilter{Query: "ware", Type: bulkhead.SiteWarehouse, Country: "NL"})
	add("status all", bulkhead.SiteFilter{Status: bulkhead.StatusAll})
	add("status all offset 104950", bulkhead.SiteFilter{Status: bulkhead.StatusAll, Offset: 104950})
	add("status archived", bulkhead.SiteFilter{Status: bulkhead.StatusArchived})
	add("status archived by updated desc", bulkhead.SiteFilter{Status: bulkhead.StatusArchived, Sort: bulkhead.SiteSortUpdated, Desc: true})
	return cs
}

// benchPlaces are the places sites are named after, with their country,
// UN/LOCODE and weight.
var benchPlaces = []struct {
	name, locode string
	weight       int
}{
	{"Rotterdam", "NLRTM", 12}, {"Amsterdam", "NLAMS", 6}, {"Venlo", "NLVEN", 4}, {"Tilburg", "NLTLB", 3},
	{"Antwerp", "BEANR", 8}, {"Ghent", "BEGNE", 2}, {"Hamburg", "DEHAM", 9}, {"Bremen", "DEBRE", 4},
	{"Duisburg", "DEDUI", 5}, {"Le Havre", "FRLEH", 4}, {"Lyon", "FRLYS", 2}, {"Valencia", "ESVLC", 5},
	{"Algeciras", "ESALG", 3}, {"Felixstowe", "GBFXT", 4}, {"Gdansk", "PLGDN", 3}, {"Genoa", "ITGOA", 3},
	{"Piraeus", "GRPIR", 2}, {"Manzanillo", "MXZLO", 3}, {"Monterrey", "MXMTY", 2}, {"Santos", "BRSSZ", 3},
	{"Valparaiso", "CLVAP", 1}, {"Shanghai", "CNSHA", 4}, {"Singapore", "SGSIN", 3}, {"Busan", "KRPUS", 2},
	{"Savannah", "USSAV", 3}, {"Long Beach", "USLGB", 3}, {"Houston", "USHOU", 2}, {"Durban", "ZADUR", 1},
}

var benchTypeWords = map[bulkhead.SiteType]string{
	bulkhead.SiteWarehouse: "Warehouse", bulkhead.SiteDC: "DC", bulkhead.SitePortFacility: "Port Facility",
	bulkhead.SiteTerminal: "Terminal", bulkhead.SiteCrossDock: "Cross-dock", bulkhead.SitePlant: "Plant",
	bulkhead.SiteOffice: "Office", bulkhead.SiteYard: "Yard",
}

var benchNotes = []string{"", "", "", "", "Cold storage on site.", "Gate 12 closes at 22:00.", "Hazmat approved; ask the duty manager.", "Shared yard with the neighbouring terminal."}

// fillSites creates 100,000 active and 5,000 archived sites in big and
// 1,000 in small, through Tx.CreateSite in transactions of 10,000, and
// returns big's.
func fillSites(b *testing.B, db *postgres.DB, big, small string) []*bulkhead.Site {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var sum int
	for _, p := range benchPlaces {
		sum += p.weight
	}
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	const active, archived, other = 100_000, 5_000, 1_000
	var out []*bulkhead.Site
	mk := func(i int, org string) *bulkhead.Site {
		w := rng.IntN(sum)
		p := benchPlaces[0]
		for _, x := range benchPlaces {
			if w -= x.weight; w < 0 {
				p = x
				break
			}
		}
		typ := bulkhead.SiteTypes[rng.IntN(len(bulkhead.SiteTypes))]
		name := fmt.Sprintf("%s %s %d", p.name, benchTypeWords[typ], rng.IntN(5000))
		if rng.IntN(10) == 0 {
			name = strings.ToLower(name)
		}
		locode := p.locode
		if rng.IntN(10) == 0 {
			locode = ""
		}
		created := base.Add(time.Duration(i)*15*time.Minute + time.Duration(rng.IntN(600))*time.Second)
		s := &bulkhead.Site{ID: bulkhead.NewID(), OrgID: org, Name: name, Type: typ, UNLOCODE: locode,
			Address: fmt.Sprintf("Dock %d, %d %s Street, %s", rng.IntN(40), 1+rng.IntN(300), benchTypeWords[typ], p.name),
			Country: p.locode[:2], TimeZone: "UTC", Notes: benchNotes[rng.IntN(len(benchNotes))],
			CreatedAt: created, UpdatedAt: created.Add(time.Duration(rng.IntN(500*24)) * time.Hour)}
		return s
	}
	n := active + archived + other
	batch := make([]*bulkhead.Site, 0, 10_000)
	flush := func() {
		if err := db.Write(ctx, func(tx bulkhead.Tx) error {
			for _, s := range batch {
				if err := tx.CreateSite(ctx, s); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	// Every 106th site is small's; archived ones are spread among big's.
	var bigN int
	for i := range n {
		org := big
		if i%106 == 105 {
			org = small
		}
		s := mk(i, org)
		if org == big {
			if bigN%21 == 20 {
				a := s.UpdatedAt
				s.ArchivedAt = &a
			}
			bigN++
			out = append(out, s)
		}
		batch = append(batch, s)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
	return out
}

// lowerASCII folds ASCII letters only, as the store's lower(x COLLATE "C").
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// expectSites computes, in Go, the page of IDs and the total that Sites
// should return for a normalised filter. Searches must hold no LIKE
// wildcards.
func expectSites(sites []*bulkhead.Site, f bulkhead.SiteFilter) ([]string, int) {
	var m []*bulkhead.Site
	q := lowerASCII(f.Query)
	for _, s := range sites {
		switch {
		case s.OrgID != f.OrgID,
			f.Status == bulkhead.StatusActive && s.ArchivedAt != nil,
			f.Status == bulkhead.StatusArchived && s.ArchivedAt == nil,
			f.Type != "" && s.Type != f.Type,
			f.Country != "" && s.Country != f.Country:
			continue
		}
		if q != "" && !strings.Contains(lowerASCII(s.Name), q) && !strings.Contains(lowerASCII(s.UNLOCODE), q) &&
			!strings.Contains(lowerASCII(s.Address), q) && !strings.Contains(lowerASCII(s.Notes), q) {
			continue
		}
		m = append(m, s)
	}
	key := func(a, b *bulkhead.Site) int {
		switch f.Sort {
		case bulkhead.SiteSortName:
			return strings.Compare(lowerASCII(a.Name), lowerASCII(b.Name))
		case bulkhead.SiteSortType:
			return strings.Compare(string(a.Type), string(b.Type))
		case bulkhead.SiteSortCountry:
			return strings.Compare(a.Country, b.Country)
		case bulkhead.SiteSortUNLOCODE:
			return strings.Compare(a.UNLOCODE, b.UNLOCODE)
		case bulkhead.SiteSortCreated:
			return a.CreatedAt.Compare(b.CreatedAt)
		case bulkhead.SiteSortUpdated:
			return a.UpdatedAt.Compare(b.UpdatedAt)
		}
		panic("unknown sort " + f.Sort)
	}
	slices.SortFunc(m, func(a, b *bulkhead.Site) int {
		c := cmp.Or(key(a, b), strings.Compare(a.ID, b.ID))
		if f.Desc {
			c = -c
		}
		return c
	})
	var ids []string
	for _, s := range m[min(f.Offset, len(m)):min(f.Offset+f.Limit, len(m))] {
		ids = append(ids, s.ID)
	}
	return ids, len(m)
}

// explain returns EXPLAIN ANALYZE of a statement, run as the store runs it.
func explain(b *testing.B, conn *pgx.Conn, sql string, args []any) string {
	b.Helper()
	rows, err := conn.Query(ctx, `EXPLAIN (ANALYZE, BUFFERS) `+sql, args...)
	if err != nil {
		b.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	return "  " + sql + "\n    " + strings.Join(lines, "\n    ")
}
