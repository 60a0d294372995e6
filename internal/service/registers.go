package service

import "context"

// registerGrants are the permission rows of the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3).
var registerGrants = []grant{}

// registerTasks returns what falls due for the actor in the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3), for My tasks
// and the dashboard.
func (s *Service) registerTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// registerCoverage reports, for the sub-clauses the registers serve, what
// exists and what is missing or overdue.
func (s *Service) registerCoverage(ctx context.Context, a Actor) ([]ClauseStatus, error) {
	return nil, nil
}

// demoRegisters adds the demo organisation's records of the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3).
func (s *Service) demoRegisters(ctx context.Context, d *demoOrg) error {
	return nil
}
