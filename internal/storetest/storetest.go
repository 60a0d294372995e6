// Package storetest is the contract suite every bulkhead.Store must pass.
// The sqlite and postgres packages run it against real databases.
package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/google/go-cmp/cmp"
)

// Store is a store under test: the contract plus raw SQL for tampering.
// Statements passed to Exec use no parameters, so they run on both engines.
type Store interface {
	bulkhead.Store
	Exec(ctx context.Context, query string, args ...any) error
}

// Open returns a fresh, empty, migrated store; it is closed by the test's
// cleanup.
type Open func(t *testing.T) Store

// Run runs the whole contract suite.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, Store)
	}{
		{"Organizations", testOrganizations},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"APITokens", testAPITokens},
		{"LoginFailures", testLoginFailures},
		{"Sites", testSites},
		{"SiteList", testSiteList},
		{"Constraints", testConstraints},
		{"Rollback", testRollback},
		{"AuditChain", testAuditChain},
		{"AuditTamper", testAuditTamper},
		{"AuditConcurrent", testAuditConcurrent},
	}
	for _, area := range []map[string]func(*testing.T, Store){registerTests, peopleTests, documentTests, riskTests, libraryTests, custodyTests, incidentTests} {
		for _, name := range slices.Sorted(maps.Keys(area)) {
			tests = append(tests, struct {
				name string
				fn   func(*testing.T, Store)
			}{name, area[name]})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open(t))
		})
	}
}

var ctx = context.Background()

// micro is a fixed time with microseconds, to check precision round trips.
var micro = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

func write(t *testing.T, s bulkhead.Store, fn func(bulkhead.Tx) error) {
	t.Helper()
	if err := s.Write(ctx, fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := bulkhead.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// mkOrg creates an organisation with a unique slug.
func mkOrg(t *testing.T, s bulkhead.Store, slug string) *bulkhead.Organization {
	t.Helper()
	o := &bulkhead.Organization{ID: bulkhead.NewID(), Slug: slug, Name: "Org " + slug, CreatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateOrganization(ctx, o) })
	return o
}

func mkUser(t *testing.T, s bulkhead.Store, email string) *bulkhead.User {
	t.Helper()
	u := &bulkhead.User{ID: bulkhead.NewID(), Email: email, Name: "User " + email, PasswordHash: "$argon2id$x", Lang: "en", TimeZone: "UTC", CreatedAt: micro, UpdatedAt: micro}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateUser(ctx, u) })
	return u
}

func mkMember(t *testing.T, s bulkhead.Store, o *bulkhead.Organization, u *bulkhead.User, r bulkhead.Role) {
	t.Helper()
	write(t, s, func(tx bulkhead.Tx) error {
		return tx.PutMembership(ctx, &bulkhead.Membership{OrgID: o.ID, UserID: u.ID, Role: r, CreatedAt: micro})
	})
}

func testOrganizations(t *testing.T, s Store) {
	o := mkOrg(t, s, "acme")
	got, err := s.Organization(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o, got); diff != "" {
		t.Errorf("Organization (-want +got):\n%s", diff)
	}
	got, err = s.OrganizationBySlug(ctx, "acme")
	if err != nil || got.ID != o.ID {
		t.Fatalf("OrganizationBySlug = %v, %v", got, err)
	}
	_, err = s.Organization(ctx, bulkhead.NewID())
	wantCode(t, err, bulkhead.ENOTFOUND)
	_, err = s.OrganizationBySlug(ctx, "nope")
	wantCode(t, err, bulkhead.ENOTFOUND)

	dup := &bulkhead.Organization{ID: bulkhead.NewID(), Slug: "acme", Name: "Other", CreatedAt: micro}
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateOrganization(ctx, dup) })
	wantCode(t, err, bulkhead.ECONFLICT)
	if f := bulkhead.ErrorFields(err); f["slug"] != bulkhead.FieldTaken {
		t.Errorf("duplicate slug fields = %v", f)
	}
	mkOrg(t, s, "beta")
	all, err := s.Organizations(ctx)
	if err != nil || len(all) != 2 || all[0].Slug != "acme" {
		t.Fatalf("Organizations = %v, %v", all, err)
	}
	head, err := s.AuditHead(ctx, o.ID)
	if err != nil || head.Seq != 0 || !cmp.Equal(head.Hash, bulkhead.GenesisHash) {
		t.Fatalf("new org head = %+v, %v", head, err)
	}
}

func testUsers(t *testing.T, s Store) {
	o1, o2 := mkOrg(t, s, "one"), mkOrg(t, s, "two")
	u := mkUser(t, s, "ana@example.com")
	got, err := s.UserByEmail(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("UserByEmail (-want +got):\n%s", diff)
	}
	dup := *u
	dup.ID = bulkhead.NewID()
	err = s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateUser(ctx, &dup) })
	wantCode(t, err, bulkhead.ECONFLICT)
	if f := bulkhead.ErrorFields(err); f["email"] != bulkhead.FieldTaken {
		t.Errorf("duplicate email fields = %v", f)
	}

	u.Name, u.Lang, u.TimeZone, u.PasswordHash = "Ana María", "es", "America/Mexico_City", "$argon2id$y"
	u.UpdatedAt = micro.Add(time.Hour)
	d := micro.Add(2 * time.Hour)
	u.DisabledAt = &d
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateUser(ctx, u) })
	got, err = s.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("after UpdateUser (-want +got):\n%s", diff)
	}
	missing := *u
	missing.ID = bulkhead.NewID()
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.UpdateUser(ctx, &missing) }), bulkhead.ENOTFOUND)

	mkMember(t, s, o2, u, bulkhead.RoleViewer)
	mkMember(t, s, o1, u, bulkhead.RoleAuditor)
	mkMember(t, s, o1, u, bulkhead.RoleSiteOfficer) // changes the role
	m, err := s.Membership(ctx, o1.ID, u.ID)
	if err != nil || m.Role != bulkhead.RoleSiteOfficer || m.OrgSlug != "one" || m.Email != u.Email {
		t.Fatalf("Membership = %+v, %v", m, err)
	}
	ms, err := s.Memberships(ctx, u.ID)
	if err != nil || len(ms) != 2 || ms[0].OrgSlug != "one" || ms[1].Role != bulkhead.RoleViewer {
		t.Fatalf("Memberships = %+v, %v", ms, err)
	}
	_, err = s.Membership(ctx, o1.ID, bulkhead.NewID())
	wantCode(t, err, bulkhead.ENOTFOUND)
	v := mkUser(t, s, "bob@example.com")
	mkMember(t, s, o1, v, bulkhead.RoleAdmin)
	mem, err := s.Members(ctx, o1.ID)
	if err != nil || len(mem) != 2 || mem[1].UserName != "User bob@example.com" {
		t.Fatalf("Members = %+v, %v", mem, err)
	}
}

func testSessions(t *testing.T, s Store) {
	o := mkOrg(t, s, "sess")
	u := mkUser(t, s, "s@example.com")
	mkMember(t, s, o, u, bulkhead.RoleViewer)
	mk := func(hash string, exp time.Time) *bulkhead.Session {
		x := &bulkhead.Session{ID: bulkhead.NewID(), TokenHash: []byte(hash), UserID: u.ID, OrgID: o.ID, CSRFToken: "csrf-" + hash, CreatedAt: micro, ExpiresAt: exp, LastSeen: micro}
		write(t, s, func(tx bulkhead.Tx) error { return tx.CreateSession(ctx, x) })
		return x
	}
	a := mk("hash-a", micro.Add(time.Hour))
	mk("hash-b", micro.Add(-time.Hour))
	got, err := s.SessionByHash(ctx, []byte("hash-a"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("SessionByHash (-want +got):\n%s", diff)
	}
	seen, exp := micro.Add(time.Minute), micro.Add(3*time.Hour)
	write(t, s, func(tx bulkhead.Tx) error { return tx.TouchSession(ctx, a.ID, seen, exp) })
	got, _ = s.SessionByHash(ctx, []byte("hash-a"))
	if !got.LastSeen.Equal(seen) || !got.ExpiresAt.Equal(exp) {
		t.Errorf("after touch: %+v", got)
	}
	var n int
	write(t, s, func(tx bulkhead.Tx) (err error) { n, err = tx.DeleteExpiredSessions(ctx, micro); return })
	if n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, want 1", n)
	}
	_, err = s.SessionByHash(ctx, []byte("hash-b"))
	wantCode(t, err, bulkhead.ENOTFOUND)
	mk("hash-c", micro.Add(time.Hour))
	write(t, s, func(tx bulkhead.Tx) error { return tx.DeleteSession(ctx, a.ID) })
	_, err = s.SessionByHash(ctx, []byte("hash-a"))
	wantCode(t, err, bulkhead.ENOTFOUND)
	write(t, s, func(tx bulkhead.Tx) error { return tx.DeleteUserSessions(ctx, u.ID) })
	_, err = s.SessionByHash(ctx, []byte("hash-c"))
	wantCode(t, err, bulkhead.ENOTFOUND)
}

func testAPITokens(t *testing.T, s Store) {
	o1, o2 := mkOrg(t, s, "tok1"), mkOrg(t, s, "tok2")
	u := mkUser(t, s, "t@example.com")
	mkMember(t, s, o1, u, bulkhead.RoleAdmin)
	mkMember(t, s, o2, u, bulkhead.RoleAdmin)
	exp := micro.Add(24 * time.Hour)
	tok := &bulkhead.APIToken{ID: bulkhead.NewID(), OrgID: o1.ID, UserID: u.ID, Name: "ci", Prefix: "bh_abc", Hash: []byte("h1"), CreatedAt: micro, ExpiresAt: &exp}
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateAPIToken(ctx, tok) })
	got, err := s.APITokenByHash(ctx, []byte("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tok, got); diff != "" {
		t.Errorf("APITokenByHash (-want +got):\n%s", diff)
	}
	_, err = s.APIToken(ctx, o2.ID, tok.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
	used := micro.Add(time.Minute)
	write(t, s, func(tx bulkhead.Tx) error { return tx.TouchAPIToken(ctx, tok.ID, used) })
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.RevokeAPIToken(ctx, o2.ID, tok.ID, used) }), bulkhead.ENOTFOUND)
	write(t, s, func(tx bulkhead.Tx) error { return tx.RevokeAPIToken(ctx, o1.ID, tok.ID, used) })
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.RevokeAPIToken(ctx, o1.ID, tok.ID, used) }), bulkhead.ENOTFOUND)
	list, err := s.APITokens(ctx, o1.ID, u.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("APITokens = %v, %v", list, err)
	}
	if list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(used) || list[0].RevokedAt == nil || list[0].Active(used) {
		t.Errorf("token after touch and revoke: %+v", list[0])
	}
	if l2, _ := s.APITokens(ctx, o2.ID, u.ID); len(l2) != 0 {
		t.Errorf("tokens leak across organisations: %v", l2)
	}
	// A token needs a membership in its organisation.
	stranger := mkUser(t, s, "x@example.com")
	bad := &bulkhead.APIToken{ID: bulkhead.NewID(), OrgID: o1.ID, UserID: stranger.ID, Name: "x", Prefix: "bh_x", Hash: []byte("h2"), CreatedAt: micro}
	if err := s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateAPIToken(ctx, bad) }); err == nil {
		t.Error("token for a non-member was stored")
	}
}

func testLoginFailures(t *testing.T, s Store) {
	for i := range 3 {
		write(t, s, func(tx bulkhead.Tx) error {
			return tx.RecordLoginFailure(ctx, "email:a@b.c", micro.Add(time.Duration(i)*time.Minute))
		})
	}
	write(t, s, func(tx bulkhead.Tx) error { return tx.RecordLoginFailure(ctx, "ip:1.2.3.4", micro) })
	n, err := s.LoginFailures(ctx, "email:a@b.c", micro.Add(time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("LoginFailures = %d, %v; want 2", n, err)
	}
	write(t, s, func(tx bulkhead.Tx) error { return tx.ClearLoginFailures(ctx, "email:a@b.c") })
	if n, _ := s.LoginFailures(ctx, "email:a@b.c", micro.Add(-time.Hour)); n != 0 {
		t.Errorf("after clear = %d", n)
	}
	if n, _ := s.LoginFailures(ctx, "ip:1.2.3.4", micro.Add(-time.Hour)); n != 1 {
		t.Errorf("other key = %d, want 1", n)
	}
}

func newSite(org, name string, typ bulkhead.SiteType, locode string) *bulkhead.Site {
	country := "NL"
	if locode != "" {
		country = locode[:2]
	}
	return &bulkhead.Site{ID: bulkhead.NewID(), OrgID: org, Name: name, Type: typ, UNLOCODE: locode, Address: "Quay 1", Country: country, TimeZone: "Europe/Amsterdam", Notes: "", CreatedAt: micro, UpdatedAt: micro}
}

func testSites(t *testing.T, s Store) {
	o1, o2 := mkOrg(t, s, "s1"), mkOrg(t, s, "s2")
	site := newSite(o1.ID, "Rotterdam DC", bulkhead.SiteDC, "NLRTM")
	site.Notes = "Ünïcode ✓ notes"
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, site) })
	got, err := s.Site(ctx, o1.ID, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(site, got); diff != "" {
		t.Errorf("Site (-want +got):\n%s", diff)
	}
	_, err = s.Site(ctx, o2.ID, site.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)

	// Search matches non-ASCII text as typed, and folds ASCII case.
	uber := newSite(o1.ID, "Überseehafen Terminal", bulkhead.SiteTerminal, "DEHAM")
	write(t, s, func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, uber) })
	for _, q := range []string{"Über", "SEEHAFEN", "über"} {
		f := bulkhead.SiteFilter{OrgID: o1.ID, Query: q}
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		got, n, err := s.Sites(ctx, f)
		want := 1
		if q == "über" { // ü and Ü differ: only ASCII letters fold
			want = 0
		}
		if err != nil || n != want || len(got) != want {
			t.Errorf("search %q: %d results (%v), want %d", q, n, err, want)
		}
	}

	site.Name, site.Type = "Rotterdam Port Warehouse", bulkhead.SiteWarehouse
	arch := micro.Add(time.Hour)
	site.ArchivedAt, site.UpdatedAt = &arch, arch
	write(t, s, func(tx bulkhead.Tx) error { return tx.UpdateSite(ctx, site) })
	got, _ = s.Site(ctx, o1.ID, site.ID)
	if diff := cmp.Diff(site, got); diff != "" {
		t.Errorf("after UpdateSite (-want +got):\n%s", diff)
	}
	// Totals follow changes of type, country and archived state.
	counts, err := s.SiteCounts(ctx, o1.ID)
	if diff := cmp.Diff(map[bulkhead.SiteType]int{bulkhead.SiteTerminal: 1}, counts); err != nil || diff != "" {
		t.Errorf("SiteCounts after archiving (-want +got):\n%s %v", diff, err)
	}
	for _, tc := range []struct {
		f    bulkhead.SiteFilter
		want int
	}{
		{bulkhead.SiteFilter{Status: bulkhead.StatusArchived, Type: bulkhead.SiteWarehouse}, 1},
		{bulkhead.SiteFilter{Status: bulkhead.StatusArchived, Type: bulkhead.SiteDC}, 0},
		{bulkhead.SiteFilter{Status: bulkhead.StatusAll, Country: "NL"}, 1},
		{bulkhead.SiteFilter{Status: bulkhead.StatusAll}, 2},
		{bulkhead.SiteFilter{Status: bulkhead.StatusActive, Country: "DE"}, 1},
	} {
		f := tc.f
		f.OrgID = o1.ID
		f.Normalize()
		if _, n, err := s.Sites(ctx, f); err != nil || n != tc.want {
			t.Errorf("total for %+v = %d (%v), want %d", tc.f, n, err, tc.want)
		}
	}
	// Another organisation cannot update it.
	other := *site
	other.OrgID = o2.ID
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.UpdateSite(ctx, &other) }), bulkhead.ENOTFOUND)
	got, _ = s.Site(ctx, o1.ID, site.ID)
	if got.Name != "Rotterdam Port Warehouse" {
		t.Errorf("cross-organisation update changed the site: %+v", got)
	}
}

func testSiteList(t *testing.T, s Store) {
	o1, o2 := mkOrg(t, s, "l1"), mkOrg(t, s, "l2")
	names := []struct {
		name   string
		typ    bulkhead.SiteType
		locode string
	}{
		{"Alpha DC", bulkhead.SiteDC, "NLRTM"},
		{"bravo Warehouse", bulkhead.SiteWarehouse, "DEHAM"},
		{"Charlie 100% Cross-dock", bulkhead.SiteCrossDock, "BEANR"},
		{"Delta_Terminal", bulkhead.SiteTerminal, "NLRTM"},
		{"echo Yard", bulkhead.SiteYard, ""},
	}
	var ids []string
	write(t, s, func(tx bulkhead.Tx) error {
		for i, n := range names {
			x := newSite(o1.ID, n.name, n.typ, n.locode)
			x.CreatedAt = micro.Add(time.Duration(i) * time.Second)
			ids = append(ids, x.ID)
			if err := tx.CreateSite(ctx, x); err != nil {
				return err
			}
		}
		return tx.CreateSite(ctx, newSite(o2.ID, "Alpha of other org", bulkhead.SiteDC, "NLRTM"))
	})
	arch := micro.Add(time.Hour)
	write(t, s, func(tx bulkhead.Tx) error {
		x, err := tx.Site(ctx, o1.ID, ids[4])
		if err != nil {
			return err
		}
		x.ArchivedAt = &arch
		return tx.UpdateSite(ctx, x)
	})
	list := func(f bulkhead.SiteFilter) ([]string, int) {
		t.Helper()
		f.OrgID = o1.ID
		if err := f.Normalize(); err != nil {
			t.Fatal(err)
		}
		got, total, err := s.Sites(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range got {
			if x.OrgID != o1.ID {
				t.Fatalf("site of another organisation listed: %+v", x)
			}
			out = append(out, x.Name)
		}
		return out, total
	}
	tests := []struct {
		name  string
		f     bulkhead.SiteFilter
		want  []string
		total int
	}{
		{"default: active by name, case-insensitive", bulkhead.SiteFilter{}, []string{"Alpha DC", "bravo Warehouse", "Charlie 100% Cross-dock", "Delta_Terminal"}, 4},
		{"desc", bulkhead.SiteFilter{Desc: true}, []string{"Delta_Terminal", "Charlie 100% Cross-dock", "bravo Warehouse", "Alpha DC"}, 4},
		{"archived", bulkhead.SiteFilter{Status: bulkhead.StatusArchived}, []string{"echo Yard"}, 1},
		{"all paged", bulkhead.SiteFilter{Status: bulkhead.StatusAll, Limit: 2, Offset: 2}, []string{"Charlie 100% Cross-dock", "Delta_Terminal"}, 5},
		{"page past the middle", bulkhead.SiteFilter{Status: bulkhead.StatusAll, Limit: 2, Offset: 3}, []string{"Delta_Terminal", "echo Yard"}, 5},
		{"last, partial page", bulkhead.SiteFilter{Status: bulkhead.StatusAll, Limit: 2, Offset: 4}, []string{"echo Yard"}, 5},
		{"last page, descending", bulkhead.SiteFilter{Status: bulkhead.StatusAll, Limit: 3, Offset: 3, Desc: true}, []string{"bravo Warehouse", "Alpha DC"}, 5},
		{"past the end", bulkhead.SiteFilter{Status: bulkhead.StatusAll, Limit: 2, Offset: 5}, nil, 5},
		{"search, page past the middle", bulkhead.SiteFilter{Status: bulkhead.StatusAll, Query: "a", Limit: 1, Offset: 4}, []string{"echo Yard"}, 5},
		{"type", bulkhead.SiteFilter{Type: bulkhead.SiteWarehouse}, []string{"bravo Warehouse"}, 1},
		{"country", bulkhead.SiteFilter{Country: "nl"}, []string{"Alpha DC", "Delta_Terminal"}, 2},
		{"query name", bulkhead.SiteFilter{Query: "WAREHOUSE"}, []string{"bravo Warehouse"}, 1},
		{"query unlocode", bulkhead.SiteFilter{Query: "deham"}, []string{"bravo Warehouse"}, 1},
		{"query percent is literal", bulkhead.SiteFilter{Query: "100%"}, []string{"Charlie 100% Cross-dock"}, 1},
		{"query underscore is literal", bulkhead.SiteFilter{Query: "a_t"}, []string{"Delta_Terminal"}, 1},
		{"sort created desc", bulkhead.SiteFilter{Sort: bulkhead.SiteSortCreated, Desc: true, Limit: 1}, []string{"Delta_Terminal"}, 4},
		{"sort unlocode", bulkhead.SiteFilter{Sort: bulkhead.SiteSortUNLOCODE}, []string{"Charlie 100% Cross-dock", "bravo Warehouse", "Alpha DC", "Delta_Terminal"}, 4},
		{"no match", bulkhead.SiteFilter{Query: "zzz"}, nil, 0},
	}
	for _, tt := range tests {
		got, total := list(tt.f)
		if diff := cmp.Diff(tt.want, got); diff != "" || total != tt.total {
			t.Errorf("%s: total %d (want %d), names (-want +got):\n%s", tt.name, total, tt.total, diff)
		}
	}
	counts, err := s.SiteCounts(ctx, o1.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[bulkhead.SiteType]int{bulkhead.SiteDC: 1, bulkhead.SiteWarehouse: 1, bulkhead.SiteCrossDock: 1, bulkhead.SiteTerminal: 1}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("SiteCounts (-want +got):\n%s", diff)
	}
}

func testConstraints(t *testing.T, s Store) {
	o := mkOrg(t, s, "cons")
	bad := newSite(o.ID, "Bad", "castle", "")
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, bad) }), bulkhead.EINVALID)
	u := mkUser(t, s, "c@example.com")
	err := s.Write(ctx, func(tx bulkhead.Tx) error {
		return tx.PutMembership(ctx, &bulkhead.Membership{OrgID: o.ID, UserID: u.ID, Role: "emperor", CreatedAt: micro})
	})
	wantCode(t, err, bulkhead.EINVALID)
	orphan := newSite(bulkhead.NewID(), "Orphan", bulkhead.SiteDC, "")
	wantCode(t, s.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateSite(ctx, orphan) }), bulkhead.EINVALID)
	if _, n, _ := s.Sites(ctx, bulkhead.SiteFilter{OrgID: o.ID, Status: bulkhead.StatusAll, Sort: bulkhead.SiteSortName, Limit: 10}); n != 0 {
		t.Errorf("%d sites stored by failed writes", n)
	}
}

func testRollback(t *testing.T, s Store) {
	o := mkOrg(t, s, "rb")
	site := newSite(o.ID, "Doomed", bulkhead.SiteDC, "")
	boom := fmt.Errorf("boom")
	err := s.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateSite(ctx, site); err != nil {
			return err
		}
		if _, err := tx.Site(ctx, o.ID, site.ID); err != nil {
			return fmt.Errorf("own write not visible in transaction: %w", err)
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Write = %v, want boom", err)
	}
	_, err = s.Site(ctx, o.ID, site.ID)
	wantCode(t, err, bulkhead.ENOTFOUND)
}

// appendEntries appends n sealed entries to org's trail, one per transaction.
func appendEntries(t *testing.T, s bulkhead.Store, orgID string, n int) {
	t.Helper()
	for i := range n {
		write(t, s, func(tx bulkhead.Tx) error { return appendOne(tx, orgID, i) })
	}
}

func appendOne(tx bulkhead.Tx, orgID string, i int) error {
	head, err := tx.LockAuditHead(ctx, orgID)
	if err != nil {
		return err
	}
	e := &bulkhead.AuditEntry{
		OrgID: orgID, Seq: head.Seq + 1, ID: bulkhead.NewID(), At: micro.Add(time.Duration(i) * time.Millisecond),
		ActorID: "u1", ActorName: "ana@example.com", Action: "site.update", ObjectType: "site", ObjectID: fmt.Sprintf("S%d", i),
		Change: []byte(fmt.Sprintf(`{"changes":{"name":{"from":"a","to":"b%d"}}}`, i)),
	}
	e.Seal(head.Hash)
	return tx.InsertAudit(ctx, e)
}

func testAuditChain(t *testing.T, s Store) {
	o, other := mkOrg(t, s, "chain"), mkOrg(t, s, "other")
	appendEntries(t, s, o.ID, 30)
	appendEntries(t, s, other.ID, 3)
	for segs := range 5 {
		res, err := service.VerifyOrgSegments(ctx, s, o.ID, segs)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Intact || res.Entries != 30 {
			t.Fatalf("VerifyOrgSegments(%d) = %+v", segs, res)
		}
	}
	entries, total, err := s.AuditEntries(ctx, bulkhead.AuditFilter{OrgID: o.ID, Limit: 10})
	if err != nil || total != 30 || len(entries) != 10 || entries[0].Seq != 30 {
		t.Fatalf("AuditEntries = %d entries, total %d, %v", len(entries), total, err)
	}
	page2, _, err := s.AuditEntries(ctx, bulkhead.AuditFilter{OrgID: o.ID, Limit: 10, BeforeSeq: entries[9].Seq})
	if err != nil || len(page2) != 10 || page2[0].Seq != 20 {
		t.Fatalf("second page starts at %v, %v", page2, err)
	}
	byObj, total, err := s.AuditEntries(ctx, bulkhead.AuditFilter{OrgID: o.ID, ObjectType: "site", ObjectID: "S7", Limit: 10})
	if err != nil || total != 1 || byObj[0].Seq != 8 || !byObj[0].At.Equal(micro.Add(7*time.Millisecond)) {
		t.Fatalf("by object = %+v, %d, %v", byObj, total, err)
	}
	// A stale head (two writers racing) is refused, not chained twice.
	err = s.Write(ctx, func(tx bulkhead.Tx) error {
		e := &bulkhead.AuditEntry{OrgID: o.ID, Seq: 5, ID: bulkhead.NewID(), At: micro, ActorID: "x", Action: "x", ObjectType: "x", ObjectID: "x", Change: []byte("{}")}
		e.Seal(bulkhead.GenesisHash)
		return tx.InsertAudit(ctx, e)
	})
	if err == nil {
		t.Fatal("entry with a taken sequence number was stored")
	}
}

func testAuditTamper(t *testing.T, s Store) {
	tests := []struct {
		name    string
		tamper  string // SQL; %s is the organisation ID
		wantSeq int64
		code    string // "" when the kind depends on where segments start
	}{
		{"edit action", `UPDATE audit_entries SET action = 'site.archive' WHERE org_id = '%s' AND seq = 4`, 4, bulkhead.BreakHash},
		{"edit actor", `UPDATE audit_entries SET actor_name = 'mallory@example.com' WHERE org_id = '%s' AND seq = 7`, 7, bulkhead.BreakHash},
		{"edit change", `UPDATE audit_entries SET change = change_digest WHERE org_id = '%s' AND seq = 3`, 3, bulkhead.BreakChange},
		{"delete middle", `DELETE FROM audit_entries WHERE org_id = '%s' AND seq = 5`, 5, bulkhead.BreakMissing},
		{"delete first", `DELETE FROM audit_entries WHERE org_id = '%s' AND seq = 1`, 1, bulkhead.BreakMissing},
		{"delete last", `DELETE FROM audit_entries WHERE org_id = '%s' AND seq = 10`, 10, bulkhead.BreakMissing},
		{"reorder", `UPDATE audit_entries SET seq = -6 WHERE org_id = '%[1]s' AND seq = 6;
			UPDATE audit_entries SET seq = 6 WHERE org_id = '%[1]s' AND seq = 8;
			UPDATE audit_entries SET seq = 8 WHERE org_id = '%[1]s' AND seq = -6`, 6, ""},
		{"rehash one entry", `UPDATE audit_entries SET prev_hash = hash WHERE org_id = '%s' AND seq = 9`, 9, bulkhead.BreakLink},
		{"append past the head", `INSERT INTO audit_entries (org_id, seq, id, at, actor_id, actor_name, action, object_type, object_id, change, change_digest, prev_hash, hash)
			SELECT org_id, 11, 'FORGED', at, actor_id, actor_name, action, object_type, object_id, change, change_digest, hash, hash FROM audit_entries WHERE org_id = '%s' AND seq = 10`, 11, bulkhead.BreakBeyondHead},
		{"edit object", `UPDATE audit_entries SET object_id = 'S99' WHERE org_id = '%s' AND seq = 2`, 2, bulkhead.BreakHash},
	}
	for i, tt := range tests {
		o := mkOrg(t, s, fmt.Sprintf("tamper%d", i))
		appendEntries(t, s, o.ID, 10)
		if res, err := service.VerifyOrg(ctx, s, o.ID); err != nil || !res.Intact {
			t.Fatalf("%s: before tampering: %+v, %v", tt.name, res, err)
		}
		if err := s.Exec(ctx, fmt.Sprintf(tt.tamper, o.ID)); err != nil {
			t.Fatalf("%s: tamper: %v", tt.name, err)
		}
		// One segment, and several checked in parallel, must agree.
		for _, segs := range []int{1, 2, 3, 4} {
			res, err := service.VerifyOrgSegments(ctx, s, o.ID, segs)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if res.Intact || res.Break == nil {
				t.Errorf("%s, %d segments: tampering not detected: %+v", tt.name, segs, res)
				continue
			}
			if res.Break.Seq != tt.wantSeq || (tt.code != "" && res.Break.Code != tt.code) {
				t.Errorf("%s, %d segments: first bad entry #%d %s (%s), want #%d %s", tt.name, segs, res.Break.Seq, res.Break.Code, res.Break.Reason, tt.wantSeq, tt.code)
			}
		}
	}
}

func testAuditConcurrent(t *testing.T, s Store) {
	o := mkOrg(t, s, "conc")
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := s.Write(ctx, func(tx bulkhead.Tx) error { return appendOne(tx, o.ID, w*each+i) }); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent append: %v", err)
	}
	res, err := service.VerifyOrg(ctx, s, o.ID)
	if err != nil || !res.Intact || res.Entries != workers*each {
		t.Fatalf("after concurrent appends: %+v, %v", res, err)
	}
}
