package service

import "context"

// riskGrants are the permission rows of security risk assessment and treatment (issue 4).
var riskGrants = []grant{}

// riskTasks returns what falls due for the actor in security risk assessment and treatment (issue 4), for My tasks
// and the dashboard.
func (s *Service) riskTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// demoRisk adds the demo organisation's records of security risk assessment and treatment (issue 4).
func (s *Service) demoRisk(ctx context.Context, d *demoOrg) error {
	return nil
}
