package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// custodyGrants are the permission rows of chain of custody and cargo security (issue 6).
// Partners (carriers, forwarders) may send EPCIS events but read nothing.
var custodyGrants = []grant{
	{ActEPCISCapture, []bulkhead.Role{admin, secm, siteo, contr, partn}},
	{ActEPCISRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActSealRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActSealIssue, []bulkhead.Role{admin, secm, siteo}},
	{ActSealRecord, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActShipmentRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActShipmentManage, []bulkhead.Role{admin, secm, siteo}},
	{ActDiscrepancyRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActDiscrepancyManage, []bulkhead.Role{admin, secm, siteo}},
	{ActInspectionRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActInspectionRecord, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActInspectionTemplate, []bulkhead.Role{admin, secm}},
}

// custodyTasks returns what falls due for the actor in chain of custody and cargo security (issue 6), for My tasks
// and the dashboard.
// Open discrepancies assigned to the actor are theirs to follow up; those
// assigned to nobody fall to whoever may manage discrepancies.
func (s *Service) custodyTasks(ctx context.Context, a Actor) ([]Task, error) {
	if !Can(a.Role, ActDiscrepancyRead) && !a.System {
		return nil, nil
	}
	ds, err := s.store.Discrepancies(ctx, bulkhead.DiscrepancyFilter{OrgID: a.OrgID, OpenOnly: true, Limit: discrepancyListMax})
	if err != nil {
		return nil, err
	}
	manager := Can(a.Role, ActDiscrepancyManage)
	var out []Task
	for _, d := range ds {
		if d.AssigneeID == a.UserID || (d.AssigneeID == "" && manager) {
			out = append(out, Task{Kind: "discrepancy.follow_up", Title: d.Summary, Href: "/custody/discrepancies/" + d.ID, Due: d.CreatedAt, SiteID: d.SiteID})
		}
	}
	return out, nil
}

// demoCustody adds the demo organisation's records of chain of custody and cargo security (issue 6).
// Three containers leave Rotterdam (NLRTM) for Monterrey (MXNLD) sealed at
// the port warehouse: one arrives with its seal intact and is opened with
// authorisation, one arrives with a different seal number (an open
// discrepancy), and one was keyed in with a wrong ISO 6346 check digit
// (flagged and followed up).
func (s *Service) demoCustody(ctx context.Context, d *demoOrg) error {
	rtm, mty := d.sites[1], d.sites[3]
	officer, secm := d.as(bulkhead.RoleSiteOfficer), d.as(bulkhead.RoleSecurityManager)
	base := s.now().Add(-12 * 24 * time.Hour).Truncate(time.Hour)
	at := func(days, hours int) time.Time { return base.Add(time.Duration(days*24+hours) * time.Hour) }
	type leg struct {
		seal, container, readAs string
		authorised              bool
	}
	legs := []leg{
		{"NLHS-0408113", "MSKU9070323", "", true},
		{"NLHS-0408114", "CSQU3054383", "NLHS-0408119", false},
		{"NLHS-0408115", "TGHU1234560", "", true},
	}
	// The carrier's own events for the same containers, as it sends them
	// (captured first: a gap check looks at what is stored).
	var evs []string
	for i, l := range legs {
		for _, e := range []struct {
			step, disp string
			day, hour  int
		}{{"loading", "in_transit", 1, 6}, {"departing", "in_transit", 1, 18}, {"arriving", "in_transit", 10, 20}, {"unloading", "in_progress", 11, 2}} {
			evs = append(evs, fmt.Sprintf(`{"type":"ObjectEvent","eventID":"urn:uuid:7d1c0a42-0000-4000-8000-%012d","eventTime":"%s","eventTimeZoneOffset":"+00:00",`+
				`"epcList":["urn:epc:id:bic:%s"],"action":"OBSERVE","bizStep":"%s","disposition":"%s","bh:voyage":"HLX-%d"}`,
				i*10+len(evs), at(e.day, e.hour).Format(time.RFC3339), l.container, e.step, e.disp, 2611+i))
		}
	}
	doc := `{"@context":["` + epcis.ContextURL + `",{"bh":"` + custodyNamespace + `"}],"type":"EPCISDocument","schemaVersion":"2.0",` +
		`"creationDate":"` + base.Format(time.RFC3339) + `","epcisBody":{"eventList":[` + strings.Join(evs, ",") + `]}}`
	job, err := s.CaptureEPCIS(ctx, d.as(bulkhead.RolePartner), []byte(doc), false)
	if err != nil {
		return err
	}
	if job.Status != bulkhead.CaptureSuccess {
		return fmt.Errorf("demo EPCIS document: %v", job.Problems)
	}
	for _, l := range legs {
		seal, err := s.IssueSeal(ctx, secm, bulkhead.SealInput{SiteID: &rtm.ID, Number: &l.seal, Class: ptrTo("H"), Type: ptrTo("BLT"), Source: ptrTo("SHI"), Manufacturer: ptrTo("Harbour Seals B.V.")})
		if err != nil {
			return err
		}
		steps := []bulkhead.SealEventInput{
			{Action: "affix", At: at(0, 9), SiteID: rtm.ID, Equipment: l.container, Note: "Stuffed and sealed at door 4."},
			{Action: "verify", At: at(0, 15), SiteID: rtm.ID, Method: "tug", ObservedNumber: l.seal, Note: "Gate-out check before the quay."},
			{Action: "verify", At: at(11, 8), SiteID: mty.ID, Method: "verify", ObservedNumber: cmpOr(l.readAs, l.seal), Note: "Arrival check at the receiving dock."},
		}
		if l.readAs == "" {
			steps = append(steps, bulkhead.SealEventInput{Action: "remove", At: at(11, 9), SiteID: mty.ID, Authorized: l.authorised, Note: "Opened for unloading by the receiving supervisor."})
		}
		for _, st := range steps {
			if _, err := s.RecordSealEvent(ctx, officer, seal.ID, st); err != nil {
				return err
			}
		}
	}
	// A truck at the Monterrey gate fails its 17-point inspection.
	tpl, _ := bulkhead.Template("truck17")
	var results []bulkhead.PointResult
	for _, p := range tpl.Points {
		r := bulkhead.PointResult{Point: p, Result: bulkhead.PointPass}
		switch p {
		case "fuel_tanks":
			r.Result, r.Note = bulkhead.PointFail, "Fresh tool marks on the left tank straps; tank sounds partly hollow."
		case "reefer_unit":
			r.Result = bulkhead.PointNA
		}
		results = append(results, r)
	}
	if _, _, err := s.RecordInspection(ctx, officer, bulkhead.InspectionInput{SiteID: mty.ID, Template: "truck17", Equipment: "MSKU9070323", At: at(11, 7), Results: results,
		Photos: []bulkhead.PhotoUpload{{Point: "fuel_tanks", Data: demoPhotoPNG()}}}); err != nil {
		return err
	}
	if err := s.demoChecklist(ctx, secm, officer, mty, at(11, 5)); err != nil {
		return err
	}
	// The check-digit discrepancy was followed up: assigned and closed.
	ds, err := s.Discrepancies(ctx, secm, bulkhead.DiscrepancyFilter{OpenOnly: true})
	if err != nil {
		return err
	}
	for _, disc := range ds {
		switch disc.Kind {
		case bulkhead.DiscEquipmentCheck:
			if _, err := s.UpdateDiscrepancy(ctx, secm, disc.ID, DiscrepancyUpdate{AssigneeID: &officer.UserID, Close: ptrTo(true),
				Resolution: ptrTo("Typing error at door 4: the container plate reads TGHU 123456 7 and the carrier confirmed it. Kept as recorded; staff reminded to read the check digit back.")}); err != nil {
				return err
			}
		case bulkhead.DiscSealMismatch:
			if _, err := s.UpdateDiscrepancy(ctx, secm, disc.ID, DiscrepancyUpdate{AssigneeID: &officer.UserID}); err != nil {
				return err
			}
		}
	}
	return s.demoShipments(ctx, d)
}

func ptrTo[T any](v T) *T { return &v }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
