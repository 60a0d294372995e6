package service

import (
	"context"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// custodyGrants are the permission rows of chain of custody and cargo security (issue 6).
// Partners (carriers, forwarders) may send EPCIS events but read nothing.
var custodyGrants = []grant{
	{ActEPCISCapture, []bulkhead.Role{admin, secm, siteo, contr, partn}},
	{ActEPCISRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActSealRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActSealIssue, []bulkhead.Role{admin, secm, siteo}},
	{ActSealRecord, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActDiscrepancyRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActDiscrepancyManage, []bulkhead.Role{admin, secm, siteo}},
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
func (s *Service) demoCustody(ctx context.Context, d *demoOrg) error {
	return nil
}
