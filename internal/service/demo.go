package service

import (
	"context"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// DemoSlug is the demo organisation's slug.
const DemoSlug = "harbourline"

// DemoUser is one demo login.
type DemoUser struct {
	Email string
	Name  string
	Role  bulkhead.Role
	Lang  string
	TZ    string
}

// DemoUsers are the demo organisation's members: one per role.
var DemoUsers = []DemoUser{
	{"admin@harbourline.example", "Ingrid Visser", bulkhead.RoleAdmin, "en", "Europe/Amsterdam"},
	{"director@harbourline.example", "Hendrik Bakker", bulkhead.RoleTopManagement, "en", "Europe/Amsterdam"},
	{"security.manager@harbourline.example", "Marco de Vries", bulkhead.RoleSecurityManager, "en", "Europe/Amsterdam"},
	{"site.officer@harbourline.example", "Lucía Hernández", bulkhead.RoleSiteOfficer, "es", "America/Matamoros"},
	{"auditor@harbourline.example", "Priya Raman", bulkhead.RoleAuditor, "en", "Europe/London"},
	{"contributor@harbourline.example", "Tom Peeters", bulkhead.RoleContributor, "en", "Europe/Brussels"},
	{"viewer@harbourline.example", "Sofia Jansen", bulkhead.RoleViewer, "en", "Europe/Amsterdam"},
	{"partner@harbourline.example", "Carlos Medina", bulkhead.RolePartner, "es", "America/Monterrey"},
}

func sp(s string) *string { return &s }

// demoSites are the demo organisation's facilities (UN/LOCODEs checked
// against the UN/LOCODE code list).
var demoSites = []bulkhead.SiteInput{
	{Name: sp("Venlo Distribution Centre"), Type: sp("distribution_centre"), UNLOCODE: sp("NLVEN"), Country: sp("NL"), TimeZone: sp("Europe/Amsterdam"),
		Address: sp("Logistiekweg 12, 5928 Venlo"), Notes: sp("Main European DC for high-value consumer electronics. TAPA FSR level A target; 24/7 guarded gatehouse.")},
	{Name: sp("Rotterdam Port Warehouse"), Type: sp("warehouse"), UNLOCODE: sp("NLRTM"), Country: sp("NL"), TimeZone: sp("Europe/Amsterdam"),
		Address: sp("Maasvlakteweg 210, 3199 Rotterdam"), Notes: sp("Bonded warehouse beside the container terminals; container stuffing and 7-point inspections on dock 3.")},
	{Name: sp("Antwerp Cross-dock"), Type: sp("cross_dock"), UNLOCODE: sp("BEANR"), Country: sp("BE"), TimeZone: sp("Europe/Brussels"),
		Address: sp("Haven 1150, 2030 Antwerpen"), Notes: sp("Cross-dock for road linehaul to Germany and France; trailers sealed before departure.")},
	{Name: sp("Nuevo Laredo Border Yard"), Type: sp("yard"), UNLOCODE: sp("MXNLD"), Country: sp("MX"), TimeZone: sp("America/Matamoros"),
		Address: sp("Carretera Nacional km 14, Nuevo Laredo, Tamaulipas"), Notes: sp("Trailer yard for northbound C-TPAT long-haul; 17-point inspections before the border crossing.")},
}

// LoadDemo creates the demo organisation, its sites and one user per role
// (all with password), unless it exists. It reports whether it created it.
func (s *Service) LoadDemo(ctx context.Context, password string) (bool, error) {
	if _, err := s.store.OrganizationBySlug(ctx, DemoSlug); err == nil {
		return false, nil
	} else if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		return false, err
	}
	org, err := s.CreateOrganization(ctx, SystemActor("", "demo"), "Harbourline Logistics B.V.", DemoSlug)
	if err != nil {
		return false, err
	}
	sys := SystemActor(org.ID, "demo")
	for _, u := range DemoUsers {
		if _, err := s.AddMember(ctx, sys, NewUser{Email: u.Email, Name: u.Name, Password: password, Role: u.Role, Lang: u.Lang, TimeZone: u.TZ}); err != nil {
			return false, err
		}
	}
	d := &demoOrg{org: org, sys: sys, users: map[bulkhead.Role]*bulkhead.User{}}
	for _, in := range demoSites {
		site, err := s.CreateSite(ctx, sys, in)
		if err != nil {
			return false, err
		}
		d.sites = append(d.sites, site)
	}
	members, err := s.store.Members(ctx, org.ID)
	if err != nil {
		return false, err
	}
	for _, m := range members {
		u, err := s.store.User(ctx, m.UserID)
		if err != nil {
			return false, err
		}
		d.users[m.Role] = u
	}
	for _, add := range []func(context.Context, *demoOrg) error{s.demoRegisters, s.demoPeople, s.demoDocuments, s.demoRisk, s.demoLibrary, s.demoCustody, s.demoIncidents, s.demoContextRisks} {
		if err := add(ctx, d); err != nil {
			return false, err
		}
	}
	return true, nil
}

// demoOrg is what each area's demo content builds on.
type demoOrg struct {
	org   *bulkhead.Organization
	sys   Actor                            // the system actor of the demo organisation
	sites []*bulkhead.Site                 // in demoSites order: NLVEN, NLRTM, BEANR, MXNLD
	users map[bulkhead.Role]*bulkhead.User // one demo user per role
}

// as returns an actor for the demo user holding role, so that demo records
// carry real authors and approvers.
func (d *demoOrg) as(role bulkhead.Role) Actor {
	u := d.users[role]
	return Actor{UserID: u.ID, Name: u.Email, OrgID: d.org.ID, Role: role, Via: "demo"}
}
