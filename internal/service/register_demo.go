package service

import (
	"context"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// demoRegisters adds the demo organisation's context issues, interested
// parties with their requirements, legal requirements (some overdue for
// review), objectives with actions (some overdue), a planned change
// awaiting approval and a communication plan, made by the demo users whose
// roles keep them. Dates are relative to the day the demo is loaded.
func (s *Service) demoRegisters(ctx context.Context, d *demoOrg) error {
	secm := d.as(bulkhead.RoleSecurityManager)
	top := d.as(bulkhead.RoleTopManagement)
	officer := d.as(bulkhead.RoleSiteOfficer)
	uid := func(r bulkhead.Role) *string { return sp(d.users[r].ID) }
	today := s.now()
	day := func(days int) *string {
		return sp(string(bulkhead.DateOf(today.Add(time.Duration(days) * 24 * time.Hour))))
	}
	site := func(i ...int) *[]string {
		var ids []string
		for _, n := range i {
			ids = append(ids, d.sites[n].ID)
		}
		return &ids
	}
	const venlo, rotterdam, antwerp, laredo = 0, 1, 2, 3

	for _, in := range []bulkhead.ContextIssueInput{
		{Origin: sp("external"), Category: sp("supply_chain"), Title: sp("Organised cargo theft on Benelux motorway parking areas"),
			Description: sp("Insurer and TAPA incident reports show repeated curtain-slashing and full-load theft at unsecured parking along the A67 and E19 corridors."),
			Effect:      sp("Drives the parking policy for linehaul drivers and the risk assessment of the Venlo–Antwerp lane."), ReviewDate: day(-20)},
		{Origin: sp("external"), Category: sp("legal"), Title: sp("AEO re-assessment by Dutch Customs under the Union Customs Code"),
			Description: sp("Customs monitors AEO holders and may re-assess the security and safety criteria after changes in the business."),
			Effect:      sp("Security controls at the bonded warehouse must stay demonstrable; planned changes need a customs notification check."), ReviewDate: day(60)},
		{Origin: sp("external"), Category: sp("political"), Title: sp("Border congestion and cartel activity around Nuevo Laredo"),
			Description: sp("Long waits at the crossing and reports of extortion of drivers increase the exposure of northbound trailers."),
			Effect:      sp("Requires C-TPAT conveyance security, escorted moves and GPS monitoring for the Mexican yard."), ReviewDate: day(30)},
		{Origin: sp("external"), Category: sp("technological"), Title: sp("Ransomware attacks on port community systems"),
			Description: sp("Attacks on terminal and port community systems have stopped container releases for days elsewhere in Europe."),
			Effect:      sp("Fallback procedures for release data and PIN codes; supplier assurance for the port community system."), ReviewDate: day(90)},
		{Origin: sp("internal"), Category: sp("organisational"), Title: sp("High turnover of agency staff on the Venlo night shift"),
			Description: sp("About a third of night-shift staff come through agencies and change within six months."),
			Effect:      sp("Screening, induction and awareness briefings must keep pace; insider risk is higher."), ReviewDate: day(-5)},
		{Origin: sp("internal"), Category: sp("economic"), Title: sp("Security budget frozen for the next financial year"),
			Description: sp("The group has frozen capital spending outside committed projects."),
			Effect:      sp("New CCTV at the Antwerp cross-dock must be justified by risk reduction or postponed."), ReviewDate: day(120)},
	} {
		if _, err := s.CreateContextIssue(ctx, secm, in); err != nil {
			return err
		}
	}

	type req struct {
		source, desc string
		addressed    bool
		how          string
	}
	parties := []struct {
		in   bulkhead.InterestedPartyInput
		reqs []req
	}{
		{bulkhead.InterestedPartyInput{Type: sp("customs_regulator"), Name: sp("Dutch Customs (Douane), AEO unit Venlo"), Contact: sp("Account manager AEO, regional office Venlo")},
			[]req{{"legal", "Keep meeting the AEO security and safety criteria, and report changes that affect the authorisation.", true, "Change procedure checks every planned change for AEO impact; yearly self-assessment."},
				{"legal", "Give customs access to records of goods movements in the bonded warehouse.", true, "Warehouse management system with audit trail; records kept seven years."}}},
		{bulkhead.InterestedPartyInput{Type: sp("customs_regulator"), Name: sp("U.S. Customs and Border Protection (C-TPAT)"), Contact: sp("Supply Chain Security Specialist assigned to the account")},
			[]req{{"voluntary", "Meet the C-TPAT minimum security criteria for highway carriers and keep the security profile current.", true, "Annual C-TPAT self-assessment; 17-point inspections at the Nuevo Laredo yard."},
				{"voluntary", "Report security incidents and suspected contraband to CBP without delay.", false, ""}}},
		{bulkhead.InterestedPartyInput{Type: sp("insurer"), Name: sp("Noordzee Cargo Verzekeringen N.V."), Contact: sp("Marine cargo underwriter"), Notes: sp("Goods-in-transit and warehouse policy.")},
			[]req{{"contractual", "Park loaded trailers only at secured parking areas (TAPA PSR or equivalent).", true, "Parking policy and route plans for linehaul; GPS geofence alerts."},
				{"contractual", "Report any theft or loss within 48 hours.", true, "Incident procedure names the insurer among the parties to notify."}}},
		{bulkhead.InterestedPartyInput{Type: sp("customer"), Name: sp("Brightline Electronics Europe"), Contact: sp("EMEA logistics security manager")},
			[]req{{"contractual", "Hold TAPA FSR level A at the Venlo distribution centre.", true, "TAPA FSR certification audit every three years; self-audit yearly."},
				{"contractual", "Seal every outbound trailer with an ISO 17712 high-security seal and record the numbers.", true, "Seal log per site; VVTT check at dispatch."}}},
		{bulkhead.InterestedPartyInput{Type: sp("employees"), Name: sp("Works council (ondernemingsraad)")},
			[]req{{"legal", "Be consulted before CCTV or access control that monitors staff is introduced or changed.", false, ""}}},
		{bulkhead.InterestedPartyInput{Type: sp("certification_body"), Name: sp("Certification body for ISO 28000")},
			[]req{{"contractual", "Have evidence of a working SMS for the surveillance audit.", true, "Audit trail, registers and management review records in Bulkhead."}}},
	}
	for _, p := range parties {
		party, err := s.CreateInterestedParty(ctx, secm, p.in)
		if err != nil {
			return err
		}
		for _, r := range p.reqs {
			addressed := r.addressed
			if _, err := s.CreatePartyRequirement(ctx, secm, party.ID, bulkhead.PartyRequirementInput{Source: sp(r.source), Description: sp(r.desc), Addressed: &addressed, How: sp(r.how)}); err != nil {
				return err
			}
		}
	}

	for _, in := range []bulkhead.LegalRequirementInput{
		{Title: sp("Union Customs Code: AEO authorisation criteria"), Jurisdiction: sp("EU"), Reference: sp("Regulation (EU) No 952/2013, Art. 38–39; Implementing Regulation (EU) 2015/2447, Art. 24–28"),
			Summary: sp("Conditions for authorised economic operators, including appropriate security and safety standards."), SiteIDs: site(venlo, rotterdam),
			OwnerID: uid(bulkhead.RoleSecurityManager), LastReview: day(-400), NextReview: day(-35), Compliance: sp("compliant")},
		{Title: sp("ISPS Code via the port facility security rules"), Jurisdiction: sp("NL"), Reference: sp("Regulation (EC) No 725/2004; Port Security Act (Havenbeveiligingswet)"),
			Summary: sp("Access control and security levels where the warehouse borders the port facility."), SiteIDs: site(rotterdam),
			OwnerID: uid(bulkhead.RoleSecurityManager), LastReview: day(-200), NextReview: day(165), Compliance: sp("partially")},
		{Title: sp("C-TPAT Minimum Security Criteria: highway carriers"), Jurisdiction: sp("US"), Reference: sp("CBP C-TPAT MSC, highway carrier criteria"),
			Summary: sp("Conveyance and instruments of international traffic security, seal controls, personnel and physical security."), SiteIDs: site(laredo),
			OwnerID: uid(bulkhead.RoleSiteOfficer), LastReview: day(-380), NextReview: day(-15), Compliance: sp("compliant")},
		{Title: sp("GDPR: CCTV and access-control records"), Jurisdiction: sp("EU"), Reference: sp("Regulation (EU) 2016/679, Art. 5, 6, 13 and 35"),
			Summary: sp("Lawful basis, signage, retention limits and an impact assessment for camera surveillance of staff and visitors."), SiteIDs: &[]string{},
			OwnerID: uid(bulkhead.RoleSecurityManager), LastReview: day(-100), NextReview: day(265), Compliance: sp("partially")},
		{Title: sp("EU dual-use export controls"), Jurisdiction: sp("EU"), Reference: sp("Regulation (EU) 2021/821"),
			Summary: sp("Screening of shipments that may contain dual-use items before export declarations."), SiteIDs: site(venlo),
			OwnerID: uid(bulkhead.RoleSecurityManager), LastReview: day(-30), NextReview: day(335), Compliance: sp("not_assessed")},
		{Title: sp("Mexican customs: authorised economic operator (OEA)"), Jurisdiction: sp("MX"), Reference: sp("Ley Aduanera; OEA programme rules"),
			Summary: sp("Mutual recognition with C-TPAT for the cross-border yard."), SiteIDs: site(laredo),
			OwnerID: uid(bulkhead.RoleSiteOfficer), LastReview: day(-500), NextReview: day(-130), Compliance: sp("not_assessed")},
	} {
		if _, err := s.CreateLegalRequirement(ctx, secm, in); err != nil {
			return err
		}
	}

	objectives := []struct {
		in      bulkhead.ObjectiveInput
		actions []bulkhead.ObjectiveActionInput
	}{
		{bulkhead.ObjectiveInput{Statement: sp("Reduce cargo theft losses on the Benelux lanes"), Measure: sp("Theft losses per year"), Target: sp("0"), Unit: sp("EUR"),
			Current: sp("48000"), StartDate: day(-180), DueDate: day(185), OwnerID: uid(bulkhead.RoleSecurityManager), Status: sp("at_risk")},
			[]bulkhead.ObjectiveActionInput{
				{Description: sp("Contract secured parking at two TAPA PSR sites on the A67"), OwnerID: uid(bulkhead.RoleSecurityManager), DueDate: day(-10)},
				{Description: sp("Add geofence alerts for unplanned stops to the fleet telematics"), OwnerID: uid(bulkhead.RoleContributor), DueDate: day(40)},
			}},
		{bulkhead.ObjectiveInput{Statement: sp("Every outbound trailer sealed and verified"), Measure: sp("Share of departures with a recorded VVTT seal check"), Target: sp("100"), Unit: sp("%"),
			Current: sp("94"), StartDate: day(-90), DueDate: day(90), OwnerID: uid(bulkhead.RoleSiteOfficer), Status: sp("on_track")},
			[]bulkhead.ObjectiveActionInput{
				{Description: sp("Train dock staff at Antwerp on the VVTT check"), OwnerID: uid(bulkhead.RoleSiteOfficer), DueDate: day(-3)},
				{Description: sp("Put seal numbers on the dispatch checklist"), OwnerID: uid(bulkhead.RoleSiteOfficer), DueDate: day(-30), Status: sp("done")},
			}},
		{bulkhead.ObjectiveInput{Statement: sp("Complete security awareness training for all staff"), Measure: sp("Staff with current awareness training"), Target: sp("100"), Unit: sp("%"),
			Current: sp("72"), StartDate: day(-60), DueDate: day(120), OwnerID: uid(bulkhead.RoleSecurityManager), Status: sp("on_track")},
			[]bulkhead.ObjectiveActionInput{
				{Description: sp("Agree an induction module with the staffing agencies"), OwnerID: uid(bulkhead.RoleSecurityManager), DueDate: day(14)},
			}},
	}
	for _, o := range objectives {
		obj, err := s.CreateObjective(ctx, top, o.in)
		if err != nil {
			return err
		}
		for _, in := range o.actions {
			if _, err := s.CreateObjectiveAction(ctx, secm, obj.ID, in); err != nil {
				return err
			}
		}
	}

	reviewed := true
	if _, err := s.CreatePlannedChange(ctx, officer, bulkhead.PlannedChangeInput{
		Title:       sp("Move the Nuevo Laredo gatehouse to the new east entrance"),
		Description: sp("The yard gets a second entrance from the new ring road; the gatehouse and its access control move there and the old gate closes."),
		Reason:      sp("Queueing trucks on the highway shoulder at the old gate; the municipality asked for the move."),
		SiteIDs:     site(laredo), Processes: sp("Gate-in and gate-out, 17-point inspection, driver identity checks"),
		RiskReview:   sp("During the move both gates are manned; temporary fencing; CCTV coverage of the new gate before go-live. C-TPAT profile to be updated."),
		RiskReviewed: &reviewed, ReviewerID: uid(bulkhead.RoleSecurityManager), PlannedDate: day(21),
	}); err != nil {
		return err
	}
	approved, err := s.CreatePlannedChange(ctx, secm, bulkhead.PlannedChangeInput{
		Title:       sp("Replace the Venlo access-control system"),
		Description: sp("Badge readers and the access-control server at the Venlo DC are replaced by a new system with two-factor access for the high-value cage."),
		Reason:      sp("The current system is out of support."), SiteIDs: site(venlo), Processes: sp("Staff and visitor access, high-value cage"),
		RiskReview:   sp("Cut-over at a weekend with guards at every door; old badges blocked after go-live; works council informed."),
		RiskReviewed: &reviewed, ReviewerID: uid(bulkhead.RoleSecurityManager), PlannedDate: day(45),
	})
	if err != nil {
		return err
	}
	if _, err := s.DecideChange(ctx, top, approved.ID, true); err != nil {
		return err
	}

	for _, in := range []bulkhead.CommunicationInput{
		{Topic: sp("Security briefing at shift start"), Frequency: sp("daily"), Timing: sp("At the start of each shift"), Audience: sp("Dock and warehouse staff"),
			Channel: sp("briefing"), CommunicatorID: uid(bulkhead.RoleSiteOfficer), Direction: sp("internal")},
		{Topic: sp("Security policy and objectives"), Frequency: sp("yearly"), Timing: sp("After the management review"), Audience: sp("All staff"),
			Channel: sp("intranet"), CommunicatorID: uid(bulkhead.RoleTopManagement), Direction: sp("internal")},
		{Topic: sp("Security incidents and near misses"), Frequency: sp("monthly"), Timing: sp("First week of the month"), Audience: sp("Site managers and security officers"),
			Channel: sp("meeting"), CommunicatorID: uid(bulkhead.RoleSecurityManager), Direction: sp("internal")},
		{Topic: sp("Changes affecting the AEO authorisation"), Frequency: sp("on_event"), Timing: sp("Before the change is made"), Audience: sp("Dutch Customs, AEO account manager"),
			Channel: sp("letter"), CommunicatorID: uid(bulkhead.RoleSecurityManager), Direction: sp("external")},
		{Topic: sp("C-TPAT security profile update"), Frequency: sp("yearly"), Timing: sp("Before the profile anniversary"), Audience: sp("CBP C-TPAT"),
			Channel: sp("portal"), CommunicatorID: uid(bulkhead.RoleSiteOfficer), Direction: sp("external")},
		{Topic: sp("Theft and loss reports"), Frequency: sp("on_event"), Timing: sp("Within 48 hours of discovery"), Audience: sp("Cargo insurer and the customer"),
			Channel: sp("email"), CommunicatorID: uid(bulkhead.RoleSecurityManager), Direction: sp("external")},
	} {
		if _, err := s.CreateCommunication(ctx, secm, in); err != nil {
			return err
		}
	}
	return nil
}
