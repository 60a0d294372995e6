package service

import "context"

// documentGrants are the permission rows of controlled documents (issue 3:
// 5.2 policy, 4.3 scope, 7.3 acknowledgements, 7.5 documented information).
var documentGrants = []grant{}

// documentTasks returns what falls due for the actor in controlled
// documents (awaiting their approval, past review, to acknowledge).
func (s *Service) documentTasks(ctx context.Context, a Actor) ([]Task, error) {
	return nil, nil
}

// documentCoverage reports, for the sub-clauses that controlled documents
// serve (4.3, 5.2, 7.3, 7.5), what exists and what is missing or overdue.
func (s *Service) documentCoverage(ctx context.Context, a Actor) ([]ClauseStatus, error) {
	return nil, nil
}

// demoDocuments adds the demo organisation's controlled documents.
func (s *Service) demoDocuments(ctx context.Context, d *demoOrg) error {
	return nil
}
