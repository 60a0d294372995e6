package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/postgres"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
	"github.com/bulkhead-sms/bulkhead/internal/storetest"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
)

var ctx = context.Background()

// serverDSN skips the test without a PostgreSQL server to test on (see
// storetest.PostgresServer); freshDatabase gives an empty database on it.
func serverDSN(t testing.TB) string { return storetest.PostgresServer(t) }

func freshDatabase(t testing.TB) string { return storetest.FreshPostgres(t) }

// openDSN opens the store at dsn, closed when the test ends.
func openDSN(t testing.TB, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// open returns a migrated store on a fresh, empty database.
func open(t *testing.T) storetest.Store {
	t.Helper()
	return openDSN(t, freshDatabase(t))
}

func TestContract(t *testing.T) {
	serverDSN(t) // skip or fail once, not in every subtest
	storetest.Run(t, open)
}

func TestMigrationNamesMatchSQLite(t *testing.T) {
	pg, lite := postgres.Migrations(), sqlite.Migrations()
	if len(pg) == 0 {
		t.Fatal("no migrations embedded")
	}
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("migration names differ (-sqlite +postgres):\n%s", diff)
	}
}

func wantApplied(t *testing.T, db *postgres.DB) {
	t.Helper()
	got, err := db.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(postgres.Migrations(), got); diff != "" {
		t.Errorf("applied migrations (-embedded +applied):\n%s", diff)
	}
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	dsn := freshDatabase(t)
	first := openDSN(t, dsn)
	wantApplied(t, first)
	first.Close()
	second := openDSN(t, dsn)
	wantApplied(t, second)
}

// TestOpenRace starts several instances on one fresh database at once: the
// advisory lock makes one migrate while the others wait, then find nothing
// to do.
func TestOpenRace(t *testing.T) {
	t.Parallel()
	dsn := freshDatabase(t)
	const n = 6
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			dbs[i], errs[i] = postgres.Open(ctx, dsn)
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Open #%d: %v", i, errs[i])
			continue
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	if t.Failed() {
		return
	}
	wantApplied(t, dbs[0])
}

func mkOrg(t testing.TB, s bulkhead.Store, slug, name string) *bulkhead.Organization {
	t.Helper()
	o := &bulkhead.Organization{ID: bulkhead.NewID(), Slug: slug, Name: name, CreatedAt: bulkhead.Now()}
	if err := s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateOrganization(ctx, o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

func mkSite(orgID, name string) *bulkhead.Site {
	now := bulkhead.Now()
	return &bulkhead.Site{ID: bulkhead.NewID(), OrgID: orgID, Name: name, Type: bulkhead.SiteWarehouse, Country: "NL",
		TimeZone: "Europe/Amsterdam", CreatedAt: now, UpdatedAt: now}
}

// appendAudit appends one sealed entry to the organisation's trail.
func appendAudit(tx bulkhead.Tx, orgID, objectID string) error {
	head, err := tx.LockAuditHead(ctx, orgID)
	if err != nil {
		return err
	}
	e := &bulkhead.AuditEntry{OrgID: orgID, Seq: head.Seq + 1, ID: bulkhead.NewID(), At: bulkhead.Now(), ActorID: "system",
		ActorName: "test", Action: "site.create", ObjectType: "site", ObjectID: objectID, Change: []byte(`{}`)}
	e.Seal(head.Hash)
	return tx.InsertAudit(ctx, e)
}

// TestConcurrentCreateAndAppend runs what every service change does (insert
// a row referencing the organisation, then append to its trail) from several
// connections at once. Locking the head FOR UPDATE would deadlock here, as
// it conflicts with the KEY SHARE lock the inserts' foreign keys take.
func TestConcurrentCreateAndAppend(t *testing.T) {
	t.Parallel()
	db := open(t)
	o := mkOrg(t, db, "busy", "Busy")
	const workers, each = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := db.Write(ctx, func(tx bulkhead.Tx) error {
					s := mkSite(o.ID, fmt.Sprintf("Site %d-%d", w, i))
					if err := tx.CreateSite(ctx, s); err != nil {
						return err
					}
					return appendAudit(tx, o.ID, s.ID)
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent create and append: %v", err)
	}
	res, err := service.VerifyOrg(ctx, db, o.ID)
	if err != nil || !res.Intact || res.Entries != workers*each {
		t.Fatalf("VerifyOrg = %+v, %v", res, err)
	}
}

// TestTxReadLocksRecord checks that a record read in a transaction cannot
// be changed by another until the first ends: with SQLite's single writer a
// read-modify-write never loses a concurrent change, and neither may this
// store.
func TestTxReadLocksRecord(t *testing.T) {
	t.Parallel()
	db := open(t)
	o := mkOrg(t, db, "lock", "Lock")
	site := mkSite(o.ID, "Original")
	now := bulkhead.Now()
	user := &bulkhead.User{ID: bulkhead.NewID(), Email: "l@example.com", Name: "Original", PasswordHash: "old", Lang: "en", TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	if err := db.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateUser(ctx, user); err != nil {
			return err
		}
		return tx.CreateSite(ctx, site)
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		first, later func(tx bulkhead.Tx) error
		check        func() error
	}{
		{
			"site",
			func(tx bulkhead.Tx) error {
				s, err := tx.Site(ctx, o.ID, site.ID)
				if err != nil {
					return err
				}
				s.Name = "Renamed"
				return tx.UpdateSite(ctx, s)
			},
			func(tx bulkhead.Tx) error {
				s, err := tx.Site(ctx, o.ID, site.ID)
				if err != nil {
					return err
				}
				s.Notes = "Noted"
				return tx.UpdateSite(ctx, s)
			},
			func() error {
				s, err := db.Site(ctx, o.ID, site.ID)
				if err == nil && (s.Name != "Renamed" || s.Notes != "Noted") {
					err = fmt.Errorf("site = %q / %q, want both changes", s.Name, s.Notes)
				}
				return err
			},
		},
		{
			"user",
			func(tx bulkhead.Tx) error {
				u, err := tx.User(ctx, user.ID)
				if err != nil {
					return err
				}
				u.PasswordHash = "new"
				return tx.UpdateUser(ctx, u)
			},
			func(tx bulkhead.Tx) error {
				u, err := tx.UserByEmail(ctx, user.Email)
				if err != nil {
					return err
				}
				u.Name = "Renamed"
				return tx.UpdateUser(ctx, u)
			},
			func() error {
				u, err := db.User(ctx, user.ID)
				if err == nil && (u.PasswordHash != "new" || u.Name != "Renamed") {
					err = fmt.Errorf("user = %q / %q, want both changes", u.PasswordHash, u.Name)
				}
				return err
			},
		},
	}
	for _, tt := range tests {
		read := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.Write(ctx, func(tx bulkhead.Tx) error {
				err := tt.first(tx)
				close(read)
				// Stay open while the later transaction reads.
				time.Sleep(300 * time.Millisecond)
				return err
			})
		}()
		// The first transaction has read and written but not committed;
		// the later one must wait for it rather than read the old row.
		<-read
		if err := db.Write(ctx, tt.later); err != nil {
			t.Errorf("%s: later write: %v", tt.name, err)
		}
		if err := <-done; err != nil {
			t.Errorf("%s: first write: %v", tt.name, err)
		}
		if err := tt.check(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestSameAsSQLite lists the same sites from both stores with every sort,
// direction and status and a set of searches, including names that differ
// only in case, non-ASCII letters and LIKE wildcards, and wants the same
// pages and totals.
func TestSameAsSQLite(t *testing.T) {
	t.Parallel()
	pg := open(t)
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bulkhead.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	stores := map[string]bulkhead.Store{"sqlite": lite, "postgres": pg}

	base := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)
	orgs := []*bulkhead.Organization{
		{ID: bulkhead.NewID(), Slug: "o-b", Name: "beta", CreatedAt: base},
		{ID: bulkhead.NewID(), Slug: "o-a", Name: "Beta", CreatedAt: base},
		{ID: bulkhead.NewID(), Slug: "o-u", Name: "Über", CreatedAt: base},
		{ID: bulkhead.NewID(), Slug: "o-z", Name: "zulu", CreatedAt: base},
	}
	orgID := orgs[0].ID
	names := []string{"alpha", "Alpha", "ALPHA", "Ürümqi depot", "über yard", "Zeta", "zeta", "_under", "a%b", `b\c`,
		"Éclair", "éclair", "Ωmega", "[x] bracket", " space first", "10 Downing", "9 Lives", "~tilde", "Straße", "STRASSE"}
	types := []bulkhead.SiteType{bulkhead.SiteWarehouse, bulkhead.SiteDC, bulkhead.SiteYard, bulkhead.SitePlant}
	codes := []string{"", "NLRTM", "DEHAM", "BEANR", "nlams"}
	countries := []string{"NL", "DE", "BE", "FR"}
	var sites []*bulkhead.Site
	for i, n := range names {
		at := base.Add(time.Duration(i%7) * time.Minute)
		s := &bulkhead.Site{ID: bulkhead.NewID(), OrgID: orgID, Name: n, Type: types[i%len(types)], UNLOCODE: codes[i%len(codes)],
			Address: fmt.Sprintf("Street %d, Ärea", i), Country: countries[i%len(countries)], TimeZone: "UTC", Notes: "note " + n,
			CreatedAt: at, UpdatedAt: at.Add(time.Duration(i%3) * time.Second)}
		if i%5 == 4 {
			a := at.Add(time.Hour)
			s.ArchivedAt = &a
		}
		sites = append(sites, s)
	}
	for name, s := range stores {
		err := s.Write(ctx, func(tx bulkhead.Tx) error {
			for _, o := range orgs {
				if err := tx.CreateOrganization(ctx, o); err != nil {
					return err
				}
			}
			for _, x := range sites {
				if err := tx.CreateSite(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}

	type page struct {
		IDs   []string
		Total int
	}
	list := func(s bulkhead.Store, f bulkhead.SiteFilter) page {
		t.Helper()
		f.OrgID = orgID
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		got, total, err := s.Sites(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		p := page{Total: total}
		for _, x := range got {
			p.IDs = append(p.IDs, x.Name+" "+x.ID)
		}
		return p
	}
	var filters []bulkhead.SiteFilter
	for _, sort := range bulkhead.SiteSorts {
		for _, desc := range []bool{false, true} {
			for _, status := range []string{bulkhead.StatusActive, bulkhead.StatusArchived, bulkhead.StatusAll} {
				filters = append(filters, bulkhead.SiteFilter{Sort: sort, Desc: desc, Status: status})
			}
			filters = append(filters, bulkhead.SiteFilter{Sort: sort, Desc: desc, Status: bulkhead.StatusAll, Limit: 4, Offset: 3})
		}
	}
	for _, q := range []string{"a", "A", "alp", "ü", "Ü", "é", "É", "ω", "%", "_", `\`, "[x", "ss", "ß", "ärea", "nlams", "NLAMS", "zzz", "1"} {
		filters = append(filters, bulkhead.SiteFilter{Query: q, Status: bulkhead.StatusAll})
	}
	filters = append(filters, bulkhead.SiteFilter{Type: bulkhead.SiteDC}, bulkhead.SiteFilter{Country: "de", Status: bulkhead.StatusAll})
	for _, f := range filters {
		want, got := list(lite, f), list(pg, f)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Sites(%+v) (-sqlite +postgres):\n%s", f, diff)
		}
	}

	for _, check := range []struct {
		name string
		fn   func(bulkhead.Store) (any, error)
	}{
		{"SiteCounts", func(s bulkhead.Store) (any, error) { return s.SiteCounts(ctx, orgID) }},
		{"Organizations", func(s bulkhead.Store) (any, error) {
			os, err := s.Organizations(ctx)
			var slugs []string
			for _, o := range os {
				slugs = append(slugs, o.Slug)
			}
			return slugs, err
		}},
	} {
		want, err1 := check.fn(lite)
		got, err2 := check.fn(pg)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", check.name, err1, err2)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-sqlite +postgres):\n%s", check.name, diff)
		}
	}
}

// TestTimesAreUTC checks that times come back in UTC (pgx scans them in
// the local zone).
func TestTimesAreUTC(t *testing.T) {
	t.Parallel()
	db := open(t)
	o := mkOrg(t, db, "utc", "UTC")
	s := mkSite(o.ID, "Site")
	a := s.CreatedAt.Add(time.Hour)
	s.ArchivedAt = &a
	if err := db.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, s) }); err != nil {
		t.Fatal(err)
	}
	got, err := db.Site(ctx, o.ID, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, at := range map[string]time.Time{"created": got.CreatedAt, "updated": got.UpdatedAt, "archived": *got.ArchivedAt} {
		if at.Location() != time.UTC {
			t.Errorf("%s at %v is in %v, want UTC", name, at, at.Location())
		}
	}
	if !got.ArchivedAt.Equal(a) || !got.CreatedAt.Equal(s.CreatedAt) {
		t.Errorf("times changed: %+v", got)
	}
}

// TestSiteCountsExact checks that site_counts, which the triggers on sites
// maintain and Sites and SiteCounts read their totals from, stays equal to
// counting the sites, through creates, updates of type and country,
// archiving and restoring, a rolled-back write and deletes, in two
// organisations.
func TestSiteCountsExact(t *testing.T) {
	t.Parallel()
	dsn := freshDatabase(t)
	db := openDSN(t, dsn)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	o1, o2 := mkOrg(t, db, "one", "One"), mkOrg(t, db, "two", "Two")
	types := []bulkhead.SiteType{bulkhead.SiteWarehouse, bulkhead.SiteDC, bulkhead.SiteYard}
	countries := []string{"NL", "DE", "BE"}
	write := func(fn func(tx bulkhead.Tx) error) {
		t.Helper()
		if err := db.Write(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	// change applies fn to each site of ids and saves it.
	change := func(orgID string, ids []string, fn func(*bulkhead.Site)) {
		t.Helper()
		write(func(tx bulkhead.Tx) error {
			for _, id := range ids {
				s, err := tx.Site(ctx, orgID, id)
				if err != nil {
					return err
				}
				fn(s)
				s.UpdatedAt = bulkhead.Now()
				if err := tx.UpdateSite(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
	}
	check := func(step string) {
		t.Helper()
		// The whole table against a count of the sites.
		rows, err := conn.Query(ctx, `
			SELECT org_id, type, country, archived, n FROM site_counts WHERE n <> 0
			EXCEPT ALL SELECT org_id, type, country, archived_at IS NOT NULL, count(*) FROM sites GROUP BY 1, 2, 3, 4
			UNION ALL (
			SELECT org_id, type, country, archived_at IS NOT NULL, count(*) FROM sites GROUP BY 1, 2, 3, 4
			EXCEPT ALL SELECT org_id, type, country, archived, n FROM site_counts WHERE n <> 0)`)
		if err != nil {
			t.Fatal(err)
		}
		diff, err := pgx.CollectRows(rows, pgx.RowToMap)
		if err != nil {
			t.Fatal(err)
		}
		if len(diff) > 0 {
			t.Errorf("%s: site_counts differs from counting sites: %v", step, diff)
		}
		var negative int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM site_counts WHERE n < 0`).Scan(&negative); err != nil || negative > 0 {
			t.Errorf("%s: %d negative counts (%v)", step, negative, err)
		}
		// Every total that Sites reads from it.
		for _, o := range []*bulkhead.Organization{o1, o2} {
			for _, status := range []string{bulkhead.StatusActive, bulkhead.StatusArchived, bulkhead.StatusAll} {
				for _, typ := range append([]bulkhead.SiteType{""}, types...) {
					for _, country := range append([]string{""}, countries...) {
						f := bulkhead.SiteFilter{OrgID: o.ID, Status: status, Type: typ, Country: country, Limit: 1}
						if err := f.Normalize(); err != nil {
							t.Fatal(err)
						}
						_, got, err := db.Sites(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						var want int
						err = conn.QueryRow(ctx, `SELECT count(*) FROM sites WHERE org_id = $1
							AND ($2 = 'all' OR ($2 = 'archived') = (archived_at IS NOT NULL))
							AND ($3 = '' OR type = $3) AND ($4 = '' OR country = $4)`, o.ID, status, string(typ), country).Scan(&want)
						if err != nil {
							t.Fatal(err)
						}
						if got != want {
							t.Errorf("%s: Sites(%s, %s, type %q, country %q) total = %d, count(*) = %d", step, o.Slug, status, typ, country, got, want)
						}
					}
				}
			}
			counts, err := db.SiteCounts(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := conn.Query(ctx, `SELECT type, count(*) FROM sites WHERE org_id = $1 AND archived_at IS NULL GROUP BY type`, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[bulkhead.SiteType]int{}
			for rows.Next() {
				var typ string
				var n int
				if err := rows.Scan(&typ, &n); err != nil {
					t.Fatal(err)
				}
				want[bulkhead.SiteType(typ)] = n
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, counts); diff != "" {
				t.Errorf("%s: SiteCounts(%s) (-count(*) +got):\n%s", step, o.Slug, diff)
			}
		}
	}

	// Create 30 sites in one and 12 in two, over several transactions.
	ids := map[string][]string{}
	for i := range 42 {
		o := o1
		if i%7 >= 5 {
			o = o2
		}
		s := mkSite(o.ID, fmt.Sprintf("Site %d", i))
		s.Type, s.Country = types[i%3], countries[i/3%3]
		if i%10 == 9 {
			a := s.CreatedAt
			s.ArchivedAt = &a // created archived
		}
		write(func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, s) })
		ids[o.ID] = append(ids[o.ID], s.ID)
	}
	check("after creates")

	change(o1.ID, ids[o1.ID][:6], func(s *bulkhead.Site) { s.Type = bulkhead.SitePlant })
	check("after changing the type")
	change(o1.ID, ids[o1.ID][4:10], func(s *bulkhead.Site) { s.Country = "FR" })
	check("after changing the country")
	change(o2.ID, ids[o2.ID][:4], func(s *bulkhead.Site) { s.Type, s.Country = bulkhead.SiteOffice, "ES" })
	check("after changing both")
	change(o1.ID, ids[o1.ID][:3], func(s *bulkhead.Site) { s.Name, s.Notes = s.Name+" renamed", "noted" })
	check("after changing neither")

	archived := bulkhead.Now()
	change(o1.ID, ids[o1.ID][8:20], func(s *bulkhead.Site) { s.ArchivedAt = &archived })
	change(o2.ID, ids[o2.ID][2:8], func(s *bulkhead.Site) { s.ArchivedAt = &archived })
	check("after archiving")
	later := archived.Add(time.Second)
	change(o1.ID, ids[o1.ID][10:14], func(s *bulkhead.Site) { s.ArchivedAt = &later }) // archived again: no move
	check("after re-archiving")
	change(o1.ID, ids[o1.ID][12:18], func(s *bulkhead.Site) { s.ArchivedAt, s.Type = nil, bulkhead.SiteYard })
	change(o2.ID, ids[o2.ID][2:4], func(s *bulkhead.Site) { s.ArchivedAt = nil })
	check("after restoring")

	// A rolled-back write leaves the counts as they were.
	boom := errors.New("boom")
	err = db.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateSite(ctx, mkSite(o1.ID, "Doomed")); err != nil {
			return err
		}
		s, err := tx.Site(ctx, o2.ID, ids[o2.ID][0])
		if err != nil {
			return err
		}
		s.Type, s.ArchivedAt = bulkhead.SiteTerminal, &archived
		if err := tx.UpdateSite(ctx, s); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("rolled-back write = %v", err)
	}
	check("after a rollback")

	if err := db.Exec(ctx, fmt.Sprintf(`DELETE FROM sites WHERE id IN ('%s', '%s', '%s') OR (org_id = '%s' AND archived_at IS NOT NULL)`,
		ids[o1.ID][0], ids[o1.ID][9], ids[o1.ID][15], o2.ID)); err != nil {
		t.Fatal(err)
	}
	check("after deleting some")
	if err := db.Exec(ctx, fmt.Sprintf(`DELETE FROM sites WHERE org_id = '%s'`, o2.ID)); err != nil {
		t.Fatal(err)
	}
	check("after deleting all of an organisation's")
}

// TestSiteCountsConcurrentMoves moves two sites between the same two types
// in opposite directions from two connections at once, many times: the
// update trigger takes the two count rows in a fixed order, so that neither
// transaction waits for the other in a cycle (taking the old key's row
// first, this fails with a deadlock within a few hundred moves), and the
// counts stay exact.
func TestSiteCountsConcurrentMoves(t *testing.T) {
	t.Parallel()
	db := open(t)
	o := mkOrg(t, db, "moves", "Moves")
	a, b := mkSite(o.ID, "A"), mkSite(o.ID, "B")
	b.Type = bulkhead.SiteDC
	if err := db.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateSite(ctx, a); err != nil {
			return err
		}
		return tx.CreateSite(ctx, b)
	}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, id := range []string{a.ID, b.ID} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 300 {
				err := db.Write(ctx, func(tx bulkhead.Tx) error {
					s, err := tx.Site(ctx, o.ID, id)
					if err != nil {
						return err
					}
					s.Type = map[bulkhead.SiteType]bulkhead.SiteType{bulkhead.SiteWarehouse: bulkhead.SiteDC, bulkhead.SiteDC: bulkhead.SiteWarehouse}[s.Type]
					if err := tx.UpdateSite(ctx, s); err != nil {
						return err
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent moves: %v", err)
	}
	counts, err := db.SiteCounts(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[bulkhead.SiteType]int{bulkhead.SiteWarehouse: 1, bulkhead.SiteDC: 1}; !cmp.Equal(want, counts) {
		t.Errorf("SiteCounts = %v, want %v", counts, want)
	}
}

// TestSitesPagesFromEitherEnd lists every page of a set of sites with each
// sort, direction and a search, through DB.Sites (which reads a page past
// the middle from the end) and through a transaction (which reads every
// page from the start), and wants the same pages, which together are the
// whole list once.
func TestSitesPagesFromEitherEnd(t *testing.T) {
	t.Parallel()
	db := open(t)
	o := mkOrg(t, db, "pages", "Pages")
	if err := db.Write(ctx, func(tx bulkhead.Tx) error {
		for i := range 23 {
			s := mkSite(o.ID, fmt.Sprintf("Site %d", i%9)) // names repeat: id breaks ties
			s.Type = bulkhead.SiteTypes[i%4]
			s.UNLOCODE = []string{"", "NLRTM", "NLAMS"}[i%3]
			s.Address = fmt.Sprintf("Quay %d", i%5)
			s.CreatedAt = s.CreatedAt.Add(time.Duration(i%6) * time.Second)
			if err := tx.CreateSite(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, sort := range bulkhead.SiteSorts {
		for _, desc := range []bool{false, true} {
			for _, q := range []string{"", "quay", "nlrtm"} {
				f := bulkhead.SiteFilter{OrgID: o.ID, Sort: sort, Desc: desc, Query: q, Limit: 100}
				if err := f.Normalize(); err != nil {
					t.Fatal(err)
				}
				all, total, err := db.Sites(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(all) != total || total == 0 {
					t.Fatalf("%+v: %d sites, total %d", f, len(all), total)
				}
				for _, limit := range []int{1, 4, 7} {
					for offset := 0; offset <= total+1; offset++ {
						f.Limit, f.Offset = limit, offset
						want := all[min(offset, total):min(offset+limit, total)]
						got, n, err := db.Sites(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						var inTx []*bulkhead.Site
						var nTx int
						if err := db.Write(ctx, func(tx bulkhead.Tx) (err error) {
							inTx, nTx, err = tx.Sites(ctx, f)
							return err
						}); err != nil {
							t.Fatal(err)
						}
						if n != total || nTx != total || !cmp.Equal(want, got) || !cmp.Equal(want, inTx) {
							t.Errorf("%s desc=%v q=%q limit %d offset %d: totals %d, %d (want %d); pages equal: %v, %v",
								sort, desc, q, limit, offset, n, nTx, total, cmp.Equal(want, got), cmp.Equal(want, inTx))
						}
					}
				}
			}
		}
	}
}
