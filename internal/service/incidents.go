package service

import "context"

// incidentGrants are the permission rows of security incidents (issue 7).
var incidentGrants = []grant{}

// incidentTasks returns what falls due for the actor in security incidents
// (owed notifications overdue, corrective actions overdue, incidents
// assigned to them).
func (s *Service) incidentTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// demoIncidents adds a year of the demo organisation's incidents.
func (s *Service) demoIncidents(ctx context.Context, d *demoOrg) error {
	return nil
}
