package service

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Task is something that falls due for a user: a document awaiting their
// approval, a training record expiring, a review overdue. Each area of the
// product contributes its own kinds.
type Task struct {
	Kind    string    // what sort of task, e.g. "document.approve"; also its i18n key suffix
	Title   string    // the record's name, as the user wrote it
	Href    string    // the web page where the task is done
	Due     time.Time // zero when the task has no date
	Overdue bool
	SiteID  string // the site it concerns, when it concerns one
}

// MyTasks returns what falls due for the actor across every area, overdue
// first, then by due date. Each area's tasks are filtered by what the
// actor's role may read. EFORBIDDEN.
func (s *Service) MyTasks(ctx context.Context, a Actor) ([]Task, error) {
	if err := authorize(a, ActDashboard); err != nil {
		return nil, err
	}
	var out []Task
	for _, src := range []func(context.Context, Actor) ([]Task, error){s.registerTasks, s.peopleTasks, s.documentTasks, s.riskTasks, s.libraryTasks, s.custodyTasks, s.incidentTasks} {
		ts, err := src(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	slices.SortStableFunc(out, func(x, y Task) int {
		if x.Overdue != y.Overdue {
			if x.Overdue {
				return -1
			}
			return 1
		}
		if x.Due.IsZero() != y.Due.IsZero() {
			if x.Due.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(x.Due.Compare(y.Due), cmp.Compare(x.Title, y.Title))
	})
	return out, nil
}
