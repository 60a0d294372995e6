package service

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
)

// TestPeopleSites checks the hook the documents register groups
// acknowledgements with: users who are people map to their sites; people
// who are not users, archived people and other organisations are absent.
func TestPeopleSites(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(db, nil)
	org, err := s.CreateOrganization(ctx, SystemActor("", "t"), "Org", "org")
	if err != nil {
		t.Fatal(err)
	}
	sys := SystemActor(org.ID, "t")
	u1, _ := s.AddMember(ctx, sys, NewUser{Email: "a@org.example", Name: "A", Password: "long enough password", Role: bulkhead.RoleViewer})
	u2, _ := s.AddMember(ctx, sys, NewUser{Email: "b@org.example", Name: "B", Password: "long enough password", Role: bulkhead.RoleViewer})
	var sites []string
	for _, lc := range []string{"NLRTM", "NLVEN"} {
		st, err := s.CreateSite(ctx, sys, bulkhead.SiteInput{Name: sp(lc), Type: sp("warehouse"), Country: sp("NL"), UNLOCODE: sp(lc)})
		if err != nil {
			t.Fatal(err)
		}
		sites = append(sites, st.ID)
	}
	slices.Sort(sites)
	if _, err := s.CreatePerson(ctx, sys, bulkhead.PersonInput{Name: sp("A"), UserID: &u1.ID, SiteIDs: &sites}); err != nil {
		t.Fatal(err)
	}
	archived, _ := s.CreatePerson(ctx, sys, bulkhead.PersonInput{Name: sp("B"), UserID: &u2.ID, SiteIDs: &[]string{sites[0]}})
	if _, err := s.ArchivePerson(ctx, sys, archived.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePerson(ctx, sys, bulkhead.PersonInput{Name: sp("C"), SiteIDs: &[]string{sites[1]}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.peopleSites(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !slices.Equal(got[u1.ID], sites) {
		t.Errorf("peopleSites = %v, want %s → %v", got, u1.ID, sites)
	}
}
