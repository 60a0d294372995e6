package service

import "context"

// libraryGrants are the permission rows of requirement libraries and compliance assessments (issue 5).
var libraryGrants = []grant{}

// libraryTasks returns what falls due for the actor in requirement libraries and compliance assessments (issue 5), for My tasks
// and the dashboard.
func (s *Service) libraryTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// demoLibrary adds the demo organisation's records of requirement libraries and compliance assessments (issue 5).
func (s *Service) demoLibrary(ctx context.Context, d *demoOrg) error {
	return nil
}
