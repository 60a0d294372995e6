package service

import (
	"context"
	"slices"
)

// ClauseStatus is what exists for one sub-clause of ISO 28000:2022 and what
// is missing or overdue, for the clause coverage page (e.g. "4.2.2: 12
// requirements, 2 overdue for review").
type ClauseStatus struct {
	Clause  string // sub-clause number, e.g. "4.2.2"
	Kind    string // record type, also its i18n key suffix, e.g. "legal_requirement"
	Href    string // the register's web page
	Count   int    // records that exist (not archived)
	Overdue int    // records past a review or due date
	Missing bool   // the clause needs at least one such record and has none
	Notes   []string
}

// ClauseCoverage returns the status of clauses 4 to 7, ordered by clause.
// EFORBIDDEN.
func (s *Service) ClauseCoverage(ctx context.Context, a Actor) ([]ClauseStatus, error) {
	if err := authorize(a, ActDashboard); err != nil {
		return nil, err
	}
	var out []ClauseStatus
	for _, src := range []func(context.Context, Actor) ([]ClauseStatus, error){s.registerCoverage, s.peopleCoverage, s.documentCoverage} {
		cs, err := src(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	slices.SortStableFunc(out, func(x, y ClauseStatus) int { return compareClause(x.Clause, y.Clause) })
	return out, nil
}

// compareClause orders clause numbers numerically: 4.2 < 4.2.1 < 4.10.
func compareClause(x, y string) int {
	for x != "" || y != "" {
		var a, b int
		for x != "" && x[0] != '.' {
			a = a*10 + int(x[0]-'0')
			x = x[1:]
		}
		for y != "" && y[0] != '.' {
			b = b*10 + int(y[0]-'0')
			y = y[1:]
		}
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
		if x == "" || y == "" {
			if x != y {
				if x == "" {
					return -1
				}
				return 1
			}
			return 0
		}
		x, y = x[1:], y[1:]
	}
	return 0
}
