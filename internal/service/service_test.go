package service_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
	"github.com/google/go-cmp/cmp"
)

var ctx = context.Background()

var update = flag.Bool("update", false, "rewrite docs/permissions.md")

func newService(t testing.TB) *service.Service {
	t.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return service.New(db, nil)
}

// fixture is an organisation with one member per role and a site.
type fixture struct {
	org    *bulkhead.Organization
	actors map[bulkhead.Role]service.Actor
	site   *bulkhead.Site
}

func newFixture(t *testing.T, svc *service.Service, slug string) *fixture {
	t.Helper()
	org, err := svc.CreateOrganization(ctx, service.SystemActor("", "test"), "Org "+slug, slug)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, actors: map[bulkhead.Role]service.Actor{}}
	sys := service.SystemActor(org.ID, "test")
	for _, r := range bulkhead.Roles {
		email := string(r) + "@" + slug + ".example"
		u, err := svc.AddMember(ctx, sys, service.NewUser{Email: email, Name: string(r), Password: "correct horse battery", Role: r})
		if err != nil {
			t.Fatal(err)
		}
		f.actors[r] = service.Actor{UserID: u.ID, Name: email, OrgID: org.ID, Role: r, Lang: "en", TimeZone: "UTC"}
	}
	f.site, err = svc.CreateSite(ctx, f.actors[bulkhead.RoleAdmin], siteInput("Fixture DC", "NLRTM"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func ptr[T any](v T) *T { return &v }

func siteInput(name, locode string) bulkhead.SiteInput {
	return bulkhead.SiteInput{Name: ptr(name), Type: ptr("distribution_centre"), UNLOCODE: ptr(locode), Country: ptr(locode[:2]), TimeZone: ptr("Europe/Amsterdam")}
}

// expected is the permission matrix, written out independently of
// service.Permissions: a change to either must be deliberate. Each area's
// rows are in its own test file.
var expected = mergeExpected(coreExpected, registerExpected, peopleExpected, documentExpected, riskExpected, libraryExpected, custodyExpected, incidentExpected)

func mergeExpected(parts ...map[service.Action]string) map[service.Action]string {
	out := map[service.Action]string{}
	for _, p := range parts {
		for a, v := range p {
			if _, dup := out[a]; dup {
				panic("expected: action listed twice: " + string(a))
			}
			out[a] = v
		}
	}
	return out
}

// actionTests returns, for each action of an area, a function that performs
// it as an actor; TestEveryActionEveryRole runs each as every role.
type actionTests func(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error

var coreExpected = map[service.Action]string{
	//                        admin topm secm site audit contr view partner
	service.ActDashboard:   "YYYYYYYY",
	service.ActSiteRead:    "YYYYYYY-",
	service.ActSiteCreate:  "Y-Y-----",
	service.ActSiteUpdate:  "Y-YY----",
	service.ActSiteArchive: "Y-Y-----",
	service.ActAuditRead:   "YYY-Y---",
	service.ActAuditVerify: "YYY-Y---",
	service.ActMemberRead:  "YYY-Y---",
	service.ActMemberAdmin: "Y-------",
	service.ActTokenOwn:    "YYYYYYYY",
}

func TestPermissionTableMatchesExpected(t *testing.T) {
	if len(expected) != len(service.Actions) {
		t.Fatalf("expected covers %d actions, service has %d", len(expected), len(service.Actions))
	}
	for _, a := range service.Actions {
		for i, r := range bulkhead.Roles {
			if want := expected[a][i] == 'Y'; service.Can(r, a) != want {
				t.Errorf("Can(%s, %s) = %v, want %v", r, a, !want, want)
			}
		}
	}
}

// TestEveryActionEveryRole performs every action as every role and checks
// the service allows or forbids it as the matrix says.
func TestEveryActionEveryRole(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "matrix")
	do := map[service.Action]func(a service.Actor) error{
		service.ActDashboard: func(a service.Actor) error { _, err := svc.Dashboard(ctx, a); return err },
		service.ActSiteRead: func(a service.Actor) error {
			if _, _, err := svc.Sites(ctx, a, bulkhead.SiteFilter{}); err != nil {
				return err
			}
			_, err := svc.Site(ctx, a, f.site.ID)
			return err
		},
		service.ActSiteCreate: func(a service.Actor) error {
			_, err := svc.CreateSite(ctx, a, siteInput("New by "+string(a.Role), "DEHAM"))
			return err
		},
		service.ActSiteUpdate: func(a service.Actor) error {
			_, err := svc.UpdateSite(ctx, a, f.site.ID, bulkhead.SiteInput{Notes: ptr("edited by " + string(a.Role))})
			return err
		},
		service.ActSiteArchive: func(a service.Actor) error {
			if _, err := svc.ArchiveSite(ctx, a, f.site.ID, true); err != nil {
				return err
			}
			_, err := svc.ArchiveSite(ctx, a, f.site.ID, false)
			return err
		},
		service.ActAuditRead:   func(a service.Actor) error { _, _, err := svc.AuditEntries(ctx, a, bulkhead.AuditFilter{}); return err },
		service.ActAuditVerify: func(a service.Actor) error { _, err := svc.VerifyAudit(ctx, a); return err },
		service.ActMemberRead:  func(a service.Actor) error { _, err := svc.Members(ctx, a); return err },
		service.ActMemberAdmin: func(a service.Actor) error {
			_, err := svc.AddMember(ctx, a, service.NewUser{Email: "new-" + string(a.Role) + "@x.example", Name: "New", Password: "long enough password", Role: bulkhead.RoleViewer})
			return err
		},
		service.ActTokenOwn: func(a service.Actor) error {
			_, tok, err := svc.CreateAPIToken(ctx, a, "t", 0)
			if err != nil {
				return err
			}
			if _, err := svc.APITokens(ctx, a); err != nil {
				return err
			}
			return svc.RevokeAPIToken(ctx, a, tok.ID)
		},
	}
	for _, more := range []actionTests{registerActionTests, peopleActionTests, documentActionTests, riskActionTests, libraryActionTests, custodyActionTests, incidentActionTests} {
		for act, fn := range more(svc, f) {
			if _, dup := do[act]; dup {
				t.Fatalf("two tests perform action %s", act)
			}
			do[act] = fn
		}
	}
	for _, act := range service.Actions {
		fn, ok := do[act]
		if !ok {
			t.Errorf("no test performs action %s", act)
			continue
		}
		for i, r := range bulkhead.Roles {
			err := fn(f.actors[r])
			allowed := expected[act][i] == 'Y'
			switch code := bulkhead.ErrorCode(err); {
			case allowed && err != nil:
				t.Errorf("%s as %s: want allowed, got %v", act, r, err)
			case !allowed && code != bulkhead.EFORBIDDEN:
				t.Errorf("%s as %s: want forbidden, got %v", act, r, err)
			}
		}
	}
}

func TestOrganisationIsolation(t *testing.T) {
	svc := newService(t)
	a, b := newFixture(t, svc, "alpha"), newFixture(t, svc, "bravo")
	admA := a.actors[bulkhead.RoleAdmin]
	before, _ := svc.Site(ctx, b.actors[bulkhead.RoleAdmin], b.site.ID)
	headB, _ := svc.Store().AuditHead(ctx, b.org.ID)

	_, err := svc.Site(ctx, admA, b.site.ID)
	wantCode(t, "read", err, bulkhead.ENOTFOUND)
	_, err = svc.UpdateSite(ctx, admA, b.site.ID, bulkhead.SiteInput{Name: ptr("Hijacked")})
	wantCode(t, "update", err, bulkhead.ENOTFOUND)
	_, err = svc.ArchiveSite(ctx, admA, b.site.ID, true)
	wantCode(t, "archive", err, bulkhead.ENOTFOUND)
	_, tokB, err := svc.CreateAPIToken(ctx, b.actors[bulkhead.RoleViewer], "b", 0)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, "revoke token", svc.RevokeAPIToken(ctx, admA, tokB.ID), bulkhead.ENOTFOUND)

	sites, total, err := svc.Sites(ctx, admA, bulkhead.SiteFilter{Status: bulkhead.StatusAll})
	if err != nil || total != 1 || sites[0].ID != a.site.ID {
		t.Errorf("org A lists %d sites: %v, %v", total, sites, err)
	}
	entries, _, err := svc.AuditEntries(ctx, admA, bulkhead.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.OrgID != a.org.ID {
			t.Errorf("org A sees an audit entry of another organisation: %+v", e)
		}
	}
	after, _ := svc.Site(ctx, b.actors[bulkhead.RoleAdmin], b.site.ID)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("org B's site changed (-before +after):\n%s", diff)
	}
	// Only B's own token creation was recorded in B's trail.
	if headB2, _ := svc.Store().AuditHead(ctx, b.org.ID); headB2.Seq != headB.Seq+1 {
		t.Errorf("org B's trail moved from %d to %d", headB.Seq, headB2.Seq)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := bulkhead.ErrorCode(err); got != code {
		t.Errorf("%s: code %q (%v), want %q", what, got, err, code)
	}
}

func TestSiteValidationWritesNothing(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "val")
	adm := f.actors[bulkhead.RoleAdmin]
	head, _ := svc.Store().AuditHead(ctx, f.org.ID)
	tests := []struct {
		name string
		in   bulkhead.SiteInput
		want map[string]string
	}{
		{"missing everything", bulkhead.SiteInput{}, map[string]string{"name": "required", "type": "required", "country": "required"}},
		{"bad enum and locode", bulkhead.SiteInput{Name: ptr("X"), Type: ptr("castle"), UNLOCODE: ptr("NL-RTM"), Country: ptr("NL")}, map[string]string{"type": "choice", "unlocode": "unlocode"}},
		{"locode of another country", bulkhead.SiteInput{Name: ptr("X"), Type: ptr("yard"), UNLOCODE: ptr("DEHAM"), Country: ptr("NL")}, map[string]string{"unlocode": "mismatch"}},
		{"bad time zone and country", bulkhead.SiteInput{Name: ptr("X"), Type: ptr("yard"), Country: ptr("Netherlands"), TimeZone: ptr("Mars/Olympus")}, map[string]string{"country": "country", "time_zone": "timezone"}},
		{"digits 0 and 1 are not in UN/LOCODEs", bulkhead.SiteInput{Name: ptr("X"), Type: ptr("yard"), UNLOCODE: ptr("NLR01"), Country: ptr("NL")}, map[string]string{"unlocode": "unlocode"}},
	}
	for _, tt := range tests {
		_, err := svc.CreateSite(ctx, adm, tt.in)
		wantCode(t, tt.name, err, bulkhead.EINVALID)
		if diff := cmp.Diff(tt.want, bulkhead.ErrorFields(err)); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
		}
	}
	_, err := svc.UpdateSite(ctx, adm, f.site.ID, bulkhead.SiteInput{UNLOCODE: ptr("xx")})
	wantCode(t, "update", err, bulkhead.EINVALID)
	_, total, _ := svc.Sites(ctx, adm, bulkhead.SiteFilter{Status: bulkhead.StatusAll})
	head2, _ := svc.Store().AuditHead(ctx, f.org.ID)
	if total != 1 || head2.Seq != head.Seq {
		t.Errorf("failed writes left %d sites and moved the trail %d → %d", total, head.Seq, head2.Seq)
	}
	got, _ := svc.Site(ctx, adm, f.site.ID)
	if got.UNLOCODE != "NLRTM" {
		t.Errorf("failed update changed the site: %+v", got)
	}
}

func TestUpdateAuditsOnlyChanges(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "upd")
	adm := f.actors[bulkhead.RoleAdmin]
	h0, _ := svc.Store().AuditHead(ctx, f.org.ID)
	if _, err := svc.UpdateSite(ctx, adm, f.site.ID, bulkhead.SiteInput{Name: ptr("Fixture DC")}); err != nil {
		t.Fatal(err)
	}
	if h, _ := svc.Store().AuditHead(ctx, f.org.ID); h.Seq != h0.Seq {
		t.Errorf("a no-op update was audited")
	}
	if _, err := svc.UpdateSite(ctx, adm, f.site.ID, bulkhead.SiteInput{Name: ptr("Renamed DC")}); err != nil {
		t.Fatal(err)
	}
	es, _, _ := svc.AuditEntries(ctx, adm, bulkhead.AuditFilter{ObjectID: f.site.ID, Limit: 1})
	if want := `{"changes":{"name":{"from":"Fixture DC","to":"Renamed DC"}}}`; string(es[0].Change) != want || es[0].Action != "site.update" || es[0].ActorName != adm.Name {
		t.Errorf("update entry = %s %s %s", es[0].Action, es[0].ActorName, es[0].Change)
	}
	if _, err := svc.ArchiveSite(ctx, adm, f.site.ID, true); err != nil {
		t.Fatal(err)
	}
	_, err := svc.UpdateSite(ctx, adm, f.site.ID, bulkhead.SiteInput{Name: ptr("Again")})
	wantCode(t, "edit archived", err, bulkhead.ECONFLICT)
	res, err := svc.VerifyAudit(ctx, adm)
	if err != nil || !res.Intact {
		t.Fatalf("verify = %+v, %v", res, err)
	}
}

func TestLoginSessionsAndTokens(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "auth")
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	email := "viewer@auth.example"

	_, _, err := svc.Login(ctx, email, "wrong password", "10.0.0.1")
	wantCode(t, "wrong password", err, bulkhead.EUNAUTHORIZED)
	_, _, err = svc.Login(ctx, "nobody@auth.example", "whatever", "10.0.0.1")
	wantCode(t, "unknown user", err, bulkhead.EUNAUTHORIZED)

	tok, sess, err := svc.Login(ctx, "  VIEWER@auth.example ", "correct horse battery", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	au, err := svc.SessionAuth(ctx, tok)
	if err != nil || au.Actor.Role != bulkhead.RoleViewer || au.Actor.OrgID != f.org.ID {
		t.Fatalf("SessionAuth = %+v, %v", au, err)
	}
	if stored, _ := svc.Store().SessionByHash(ctx, service.HashToken(tok)); stored == nil || stored.ID != sess.ID {
		t.Error("session not stored by token hash")
	}
	// Idle expiry slides with use; past it the session is gone.
	now = now.Add(service.SessionIdle - time.Minute)
	if _, err := svc.SessionAuth(ctx, tok); err != nil {
		t.Fatalf("session expired early: %v", err)
	}
	now = now.Add(service.SessionIdle + time.Minute)
	_, err = svc.SessionAuth(ctx, tok)
	wantCode(t, "idle session", err, bulkhead.EUNAUTHORIZED)

	// Throttling: after LoginMaxPerUser failures even the right password is refused.
	for range service.LoginMaxPerUser {
		svc.Login(ctx, email, "nope", "10.0.0.2")
	}
	_, _, err = svc.Login(ctx, email, "correct horse battery", "10.0.0.3")
	wantCode(t, "throttled", err, bulkhead.ETOOMANY)
	now = now.Add(service.LoginWindow + time.Second)
	if _, _, err := svc.Login(ctx, email, "correct horse battery", "10.0.0.3"); err != nil {
		t.Errorf("after the window: %v", err)
	}

	// API tokens: stored hashed, expire, revoke, record last use.
	viewer := f.actors[bulkhead.RoleViewer]
	raw, at, err := svc.CreateAPIToken(ctx, viewer, "ci", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := svc.Store().APITokenByHash(ctx, service.HashToken(raw)); string(stored.Hash) == raw || stored.Hash == nil {
		t.Error("token not stored as its hash")
	}
	au, err = svc.TokenAuth(ctx, raw)
	if err != nil || au.Actor.UserID != viewer.UserID {
		t.Fatalf("TokenAuth = %v", err)
	}
	if got, _ := svc.Store().APIToken(ctx, f.org.ID, at.ID); got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
		t.Errorf("last used = %v, want %v", got.LastUsedAt, now)
	}
	_, err = svc.TokenAuth(ctx, raw+"x")
	wantCode(t, "wrong token", err, bulkhead.EUNAUTHORIZED)
	now = now.Add(25 * time.Hour)
	_, err = svc.TokenAuth(ctx, raw)
	wantCode(t, "expired token", err, bulkhead.EUNAUTHORIZED)
	raw2, at2, _ := svc.CreateAPIToken(ctx, viewer, "ci2", 0)
	if err := svc.RevokeAPIToken(ctx, viewer, at2.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.TokenAuth(ctx, raw2)
	wantCode(t, "revoked token", err, bulkhead.EUNAUTHORIZED)

	// A password change ends sessions.
	tok3, _, err := svc.Login(ctx, email, "correct horse battery", "10.0.0.4")
	if err != nil {
		t.Fatal(err)
	}
	err = svc.SetPassword(ctx, viewer, viewer.UserID, "wrong", "a new long password")
	wantCode(t, "wrong current password", err, bulkhead.EINVALID)
	err = svc.SetPassword(ctx, viewer, viewer.UserID, "correct horse battery", "short")
	wantCode(t, "short password", err, bulkhead.EINVALID)
	wantCode(t, "other's password", svc.SetPassword(ctx, viewer, f.actors[bulkhead.RoleAdmin].UserID, "x", "a new long password"), bulkhead.EFORBIDDEN)
	if err := svc.SetPassword(ctx, viewer, viewer.UserID, "correct horse battery", "a new long password"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.SessionAuth(ctx, tok3)
	wantCode(t, "session after password change", err, bulkhead.EUNAUTHORIZED)
	if _, _, err := svc.Login(ctx, email, "a new long password", "10.0.0.4"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := service.HashPassword("s3cret passphrase")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := service.HashPassword("s3cret passphrase")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	if !service.CheckPassword(h, "s3cret passphrase") || service.CheckPassword(h, "s3cret passphrasE") || service.CheckPassword("garbage", "x") {
		t.Error("CheckPassword is wrong")
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; h[:len(want)] != want {
		t.Errorf("hash %q is not argon2id with the expected parameters", h)
	}
}

func TestPermissionsDoc(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "permissions.md")
	want := service.PermissionsMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("docs/permissions.md is stale; run go test ./internal/service -run TestPermissionsDoc -update (-want +got):\n%s", diff)
	}
}

func TestEachSiteCrossesPages(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "each")
	const n = 2*bulkhead.MaxPageSize + 7
	err := svc.Store().Write(ctx, func(tx bulkhead.Tx) error {
		for i := range n {
			now := bulkhead.Now()
			s := &bulkhead.Site{ID: bulkhead.NewID(), OrgID: f.org.ID, Name: fmt.Sprintf("Bulk %04d", i), Type: bulkhead.SiteYard, Country: "ES", TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateSite(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	err = svc.EachSite(ctx, f.actors[bulkhead.RoleViewer], bulkhead.SiteFilter{Country: "ES", Desc: true}, func(s *bulkhead.Site) error {
		names = append(names, s.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != n || names[0] != fmt.Sprintf("Bulk %04d", n-1) || names[n-1] != "Bulk 0000" {
		t.Fatalf("EachSite gave %d sites, first %q", len(names), names[0])
	}
	err = svc.EachSite(ctx, f.actors[bulkhead.RolePartner], bulkhead.SiteFilter{}, func(*bulkhead.Site) error { return nil })
	wantCode(t, "partner export", err, bulkhead.EFORBIDDEN)
}

func TestSetMemberRole(t *testing.T) {
	svc := newService(t)
	f := newFixture(t, svc, "roles")
	adm, viewer := f.actors[bulkhead.RoleAdmin], f.actors[bulkhead.RoleViewer]
	_, err := svc.SetMemberRole(ctx, f.actors[bulkhead.RoleSecurityManager], viewer.UserID, bulkhead.RoleAuditor)
	wantCode(t, "non-admin", err, bulkhead.EFORBIDDEN)
	_, err = svc.SetMemberRole(ctx, adm, viewer.UserID, "emperor")
	wantCode(t, "bad role", err, bulkhead.EINVALID)
	_, err = svc.SetMemberRole(ctx, adm, bulkhead.NewID(), bulkhead.RoleAuditor)
	wantCode(t, "stranger", err, bulkhead.ENOTFOUND)
	other := newFixture(t, svc, "roles-other")
	_, err = svc.SetMemberRole(ctx, adm, other.actors[bulkhead.RoleViewer].UserID, bulkhead.RoleAdmin)
	wantCode(t, "other organisation's member", err, bulkhead.ENOTFOUND)
	_, err = svc.SetMemberRole(ctx, adm, adm.UserID, bulkhead.RoleViewer)
	wantCode(t, "last admin", err, bulkhead.ECONFLICT)

	if _, err := svc.SetMemberRole(ctx, adm, viewer.UserID, bulkhead.RoleSiteOfficer); err != nil {
		t.Fatal(err)
	}
	// The new role applies to the member's existing tokens at once.
	raw, _, err := svc.CreateAPIToken(ctx, viewer, "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	au, err := svc.TokenAuth(ctx, raw)
	if err != nil || au.Actor.Role != bulkhead.RoleSiteOfficer {
		t.Fatalf("role after change = %v, %v", au, err)
	}
	es, _, _ := svc.AuditEntries(ctx, adm, bulkhead.AuditFilter{Action: "member.role", Limit: 5})
	if len(es) != 1 || !strings.Contains(string(es[0].Change), `"role":{"from":"viewer","to":"site_officer"}`) {
		t.Errorf("member.role entries: %+v", es)
	}
	// With a second admin, the first may step down.
	if _, err := svc.SetMemberRole(ctx, adm, viewer.UserID, bulkhead.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetMemberRole(ctx, adm, adm.UserID, bulkhead.RoleSecurityManager); err != nil {
		t.Errorf("stepping down with another admin: %v", err)
	}
}
