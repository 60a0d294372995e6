package service

import "context"

// registerGrants are the permission rows of the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3).
var registerGrants = []grant{}

// registerTasks returns what falls due for the actor in the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3), for My tasks
// and the dashboard.
func (s *Service) registerTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// demoRegisters adds the demo organisation's records of the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3).
func (s *Service) demoRegisters(ctx context.Context, d *demoOrg) error {
	return nil
}
