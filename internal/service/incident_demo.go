package service

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// demoIncident is one scripted incident of the demo year.
type demoIncident struct {
	site     int // index into demoOrg.sites
	typ      bulkhead.IncidentType
	severity bulkhead.Severity
	title    string
	desc     string
	lane     string
	partner  string
	loss     string
	currency string
	cause    string // root cause; "" while still open
	category string
	lessons  string
	action   string // a corrective action
}

// demoIncidentScript is the demo year's notable incidents; loadDemoIncidents
// spreads them and some routine ones over the last twelve months.
var demoIncidentScript = []demoIncident{
	{0, bulkhead.IncidentCargoTheft, bulkhead.SeverityHigh, "Pallet of smartphones missing after night shift",
		"Cycle count found one pallet (48 cartons) of smartphones missing from aisle 14. CCTV shows the pallet moved to dock 7 at 02:40.",
		"Venlo → Milan", "Trans-Alpine Haulage", "182400", "EUR", "Dock 7 door left unalarmed during the night shift; a contractor's badge still worked after his contract ended.",
		"process", "Leavers' badges must be revoked the same day; dock doors report to the alarm panel.", "Link badge revocation to the HR leaver process"},
	{0, bulkhead.IncidentFictitiousPickup, bulkhead.SeverityCritical, "Load released to a fictitious carrier",
		"A driver with forged collection documents collected a full trailer of laptops booked through a load board. The real carrier arrived two hours later.",
		"Venlo → Lyon", "Load-board booking", "410000", "EUR", "Collection PIN was sent by e-mail to an address the booking platform had not verified.",
		"partner", "Release only against a PIN sent to the verified carrier contact; call back on a known number.", "Introduce PIN-based release and call-back check"},
	{1, bulkhead.IncidentSealTampering, bulkhead.SeverityHigh, "Seal number mismatch on inbound container",
		"Seal on MSCU 123456-5 read 4471203; the bill of lading says 4471230. Container held for customs inspection.",
		"Shanghai → Rotterdam", "Ocean carrier", "", "", "Transcription error at the origin terminal; no tampering found by customs.",
		"partner", "Ask shippers to send seal numbers electronically, not typed.", "Request electronic seal data from top-10 shippers"},
	{1, bulkhead.IncidentContraband, bulkhead.SeverityCritical, "Stowaways found during 7-point inspection",
		"Two persons found inside an empty reefer container during the pre-stuffing inspection on dock 3.",
		"Rotterdam → Felixstowe", "", "", "", "", "", "", ""},
	{2, bulkhead.IncidentTheftFromVehicle, bulkhead.SeverityMedium, "Curtain slashed on parked trailer",
		"Trailer parked overnight outside the cross-dock fence had its curtain slashed; 6 cartons of trainers taken.",
		"Antwerp → Cologne", "Rhein Linehaul", "8350.50", "EUR", "Trailer parked outside the secured yard because the yard was full.",
		"facility", "Overflow parking must be inside the fence or at a TAPA-secured parking.", "Contract overflow parking at a secured truck park"},
	{2, bulkhead.IncidentIntrusion, bulkhead.SeverityLow, "Fence breach detected by perimeter camera",
		"Hole cut in the perimeter fence near gate B; intruder fled when the guard approached. Nothing missing.",
		"", "", "", "", "", "", "", ""},
	{3, bulkhead.IncidentHijacking, bulkhead.SeverityCritical, "Tractor-trailer hijacked on Highway 85",
		"Driver stopped by armed men posing as police 30 km south of Nuevo Laredo; unit recovered empty 18 hours later, driver unharmed.",
		"Monterrey → Laredo TX", "Transportes del Norte", "96500", "USD", "Route and departure time were predictable and shared over open messaging groups.",
		"people", "Vary departure times; no route details over open channels; GPS geofence alerts.", "Roll out geofence alerts and departure-time variation"},
	{3, bulkhead.IncidentContraband, bulkhead.SeverityHigh, "Narcotics found in trailer roof during 17-point inspection",
		"Inspector found packages concealed above the roof liner during the 17-point inspection before the border crossing.",
		"Monterrey → Laredo TX", "Transportes del Norte", "", "", "", "", "", ""},
	{3, bulkhead.IncidentSealTampering, bulkhead.SeverityMedium, "Seal found broken at yard check",
		"High-security bolt seal on trailer 5312 found cut during the yard check; seal log shows it was intact at gate-in.",
		"Monterrey → Laredo TX", "", "", "", "", "", "", ""},
	{1, bulkhead.IncidentCyberLogistics, bulkhead.SeverityHigh, "Phishing compromised a planner's mailbox",
		"Attacker used a planner's mailbox to ask a carrier to change the delivery address of two containers.",
		"", "", "", "", "Multi-factor authentication not enforced for the planning team's mailboxes.",
		"technology", "Enforce MFA everywhere; confirm address changes by phone.", "Enforce MFA for all mailboxes"},
	{0, bulkhead.IncidentTemperature, bulkhead.SeverityMedium, "Reefer alarm: pharmaceuticals at 11 °C for 3 hours",
		"Reefer plug-in failed on dock 2; temperature logger showed 11 °C for three hours.",
		"Venlo → Madrid", "", "12500", "EUR", "Plug socket on dock 2 worn; no alarm relay to the control room.",
		"facility", "Reefer alarms must reach the control room.", "Relay reefer alarms to the control room"},
	{2, bulkhead.IncidentPilferage, bulkhead.SeverityLow, "Cartons opened in cross-dock staging lane",
		"Two cartons of perfume found opened and resealed with different tape in staging lane 4.",
		"Antwerp → Paris", "", "640", "EUR", "", "", "", ""},
}

// loadDemoIncidents records the demo year: the scripted incidents plus
// routine ones, worked through the workflow, with root causes, corrective
// actions, and notifications sent — except a few left overdue.
func (s *Service) loadDemoIncidents(ctx context.Context, d *demoOrg, now time.Time) error {
	if len(d.sites) < 4 {
		return nil
	}
	rng := rand.New(rand.NewPCG(7, 28000))
	officer, manager := d.as(bulkhead.RoleSiteOfficer), d.as(bulkhead.RoleSecurityManager)
	contributor := d.as(bulkhead.RoleContributor)
	routine := []demoIncident{
		{0, bulkhead.IncidentIntrusion, bulkhead.SeverityLow, "Tailgating at staff entrance", "Visitor followed an employee through the turnstile.", "", "", "", "", "", "", "", ""},
		{1, bulkhead.IncidentPilferage, bulkhead.SeverityLow, "Damaged carton with items missing", "Carton arrived crushed, three units missing.", "Rotterdam → Hamburg", "", "210", "EUR", "", "", "", ""},
		{2, bulkhead.IncidentSealTampering, bulkhead.SeverityLow, "Seal number not on transport document", "Seal intact but its number was missing from the CMR.", "Antwerp → Cologne", "Rhein Linehaul", "", "", "", "", "", ""},
		{3, bulkhead.IncidentIntrusion, bulkhead.SeverityLow, "Unauthorised vehicle in yard", "Car without pass found parked by trailer row C.", "", "", "", "", "", "", "", ""},
		{0, bulkhead.IncidentOther, bulkhead.SeverityLow, "Lost visitor badge", "Visitor left without returning the badge; badge disabled.", "", "", "", "", "", "", "", ""},
	}
	script := append([]demoIncident(nil), demoIncidentScript...)
	for i := 0; i < 28; i++ {
		script = append(script, routine[i%len(routine)])
	}
	users := map[bulkhead.Role]string{}
	for r, u := range d.users {
		users[r] = u.ID
	}
	for i, di := range script {
		// Spread over the year, newest last; the scripted ones among them.
		daysAgo := 360 - i*360/len(script) - rng.IntN(5)
		if daysAgo < 3 {
			daysAgo = 3
		}
		occ := now.Add(-time.Duration(daysAgo)*24*time.Hour - time.Duration(rng.IntN(20))*time.Hour).Truncate(time.Minute)
		det := occ.Add(time.Duration(15+rng.IntN(240)) * time.Minute)
		rep := det.Add(time.Duration(5+rng.IntN(90)) * time.Minute)
		site := d.sites[di.site]
		in := bulkhead.IncidentInput{Type: sp(string(di.typ)), Severity: sp(string(di.severity)), Title: sp(di.title), Description: sp(di.desc),
			OccurredAt: sp(occ.Format(time.RFC3339)), DetectedAt: sp(det.Format(time.RFC3339)), ReportedAt: sp(rep.Format(time.RFC3339)),
			SiteID: sp(site.ID), Lane: sp(di.lane), Partner: sp(di.partner), UNLOCODE: sp(site.UNLOCODE), Loss: sp(di.loss), Currency: sp(di.currency)}
		if di.typ == bulkhead.IncidentSealTampering || di.typ == bulkhead.IncidentContraband {
			in.EquipmentRef = sp(fmt.Sprintf("MSCU%06d%d", 100000+i*7919%900000, i%10))
			in.ShipmentRef = sp(fmt.Sprintf("SHP-%d-%04d", occ.Year(), 1000+i))
		}
		recorder := officer
		if i%4 == 3 {
			recorder = contributor
		}
		inc, err := s.CreateIncident(ctx, recorder, in)
		if err != nil {
			return fmt.Errorf("demo incident %q: %w", di.title, err)
		}
		old := daysAgo > 20
		// Work it: triage and investigate; assign the open ones.
		if _, err := s.AssignIncident(ctx, manager, inc.ID, users[bulkhead.RoleSiteOfficer]); err != nil {
			return err
		}
		for _, st := range []bulkhead.IncidentStatus{bulkhead.IncidentTriaged, bulkhead.IncidentInvestigating} {
			if _, err := s.SetIncidentStatus(ctx, officer, inc.ID, st, ""); err != nil {
				return err
			}
		}
		// Notifications: the old ones were sent; the recent scripted ones stay overdue.
		rec, err := s.IncidentRecord(ctx, officer, inc.ID)
		if err != nil {
			return err
		}
		for j, n := range rec.Notifications {
			if !old && j == 0 {
				continue
			}
			sent := n.DueAt.Add(-time.Duration(1+rng.IntN(3)) * time.Hour)
			if sent.Before(det) {
				sent = det.Add(30 * time.Minute)
			}
			if sent.After(now) {
				sent = now
			}
			if _, err := s.MarkNotificationSent(ctx, officer, inc.ID, n.ID, fmt.Sprintf("%s-%d-%04d", n.Recipient, occ.Year(), 100+i*3+j), sent); err != nil {
				return err
			}
		}
		if di.cause != "" || (old && !di.severity.NeedsRootCause()) {
			cause := di.cause
			category := di.category
			if cause == "" {
				cause, category = "Isolated event; existing controls worked.", "people"
			}
			if _, err := s.UpdateIncident(ctx, manager, inc.ID, bulkhead.IncidentInput{RCAMethod: sp("cause_categories"), CauseCategory: sp(category),
				RootCause: sp(cause), LessonsLearned: sp(di.lessons)}); err != nil {
				return err
			}
		}
		if di.action != "" {
			due := now.AddDate(0, 0, 30-rng.IntN(60)).Format("2006-01-02")
			ca, err := s.AddCorrectiveAction(ctx, manager, inc.ID, di.action, users[bulkhead.RoleSecurityManager], due)
			if err != nil {
				return err
			}
			if old && i%3 == 0 {
				if err := s.CompleteCorrectiveAction(ctx, manager, inc.ID, ca.ID); err != nil {
					return err
				}
			}
		}
		if old && (di.cause != "" || !di.severity.NeedsRootCause()) {
			if _, err := s.SetIncidentStatus(ctx, manager, inc.ID, bulkhead.IncidentClosed, "Investigation complete."); err != nil {
				return err
			}
		}
	}
	// A seal discrepancy the custody area handed over, still a draft.
	_, _, err := s.OpenIncidentFromDiscrepancy(ctx, officer, bulkhead.DiscrepancyRef{ID: "demo-discrepancy-1", Kind: bulkhead.DiscrepancySealMismatch,
		SiteID: d.sites[1].ID, ShipmentRef: "SHP-DEMO-0001", EquipmentRef: "MSKU9070323", EventIDs: []string{"ni:///sha-256;demo-event-1?ver=CBV2.0"},
		Summary: "Seal read at gate-in (CN 2210456) differs from the one on the EPCIS commissioning event (CN 2210465).", DetectedAt: now.Add(-26 * time.Hour)})
	return err
}
