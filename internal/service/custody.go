package service

import "context"

// custodyGrants are the permission rows of chain of custody and cargo security (issue 6).
var custodyGrants = []grant{}

// custodyTasks returns what falls due for the actor in chain of custody and cargo security (issue 6), for My tasks
// and the dashboard.
func (s *Service) custodyTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// demoCustody adds the demo organisation's records of chain of custody and cargo security (issue 6).
func (s *Service) demoCustody(ctx context.Context, d *demoOrg) error {
	return nil
}
