package service

import (
	"context"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Incident actions.
const (
	ActIncidentRead   Action = "incident.read"
	ActIncidentCreate Action = "incident.create"
	ActIncidentUpdate Action = "incident.update"
	ActIncidentClose  Action = "incident.close"
	ActIncidentRules  Action = "incident.rules"
	ActIncidentImport Action = "incident.import"
)

// incidentGrants are the permission rows of security incidents (issue 7).
// Anyone on site may record an incident (contributors too); site officers
// and security managers work them; closing and reopening, the notification
// rules and imports belong to security management.
var incidentGrants = []grant{
	{ActIncidentRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActIncidentCreate, []bulkhead.Role{admin, secm, siteo, contr}},
	{ActIncidentUpdate, []bulkhead.Role{admin, secm, siteo}},
	{ActIncidentClose, []bulkhead.Role{admin, secm}},
	{ActIncidentRules, []bulkhead.Role{admin, secm}},
	{ActIncidentImport, []bulkhead.Role{admin, secm}},
}

// Task kinds of incidents.
const (
	TaskIncidentNotification = "incident.notification_overdue"
	TaskIncidentAction       = "incident.action_overdue"
	TaskIncidentAssigned     = "incident.assigned"
)

// incidentTasks returns what falls due for the actor in security incidents
// (owed notifications overdue, corrective actions overdue, incidents
// assigned to them).
func (s *Service) incidentTasks(ctx context.Context, a Actor) ([]Task, error) {
	if authorize(a, ActIncidentRead) != nil {
		return nil, nil
	}
	now := s.now()
	var out []Task
	if authorize(a, ActIncidentUpdate) == nil {
		ns, err := s.store.OverdueIncidentNotifications(ctx, a.OrgID, now, 100)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			out = append(out, Task{Kind: TaskIncidentNotification, Title: string(n.Recipient) + ": " + n.IncidentTitle,
				Href: "/incidents/" + n.IncidentID + "#notifications", Due: n.DueAt, Overdue: true, SiteID: n.SiteID})
		}
	}
	if a.UserID != "" && !a.System {
		acts, err := s.store.CorrectiveActionsDue(ctx, a.OrgID, a.UserID, now, 100)
		if err != nil {
			return nil, err
		}
		for _, ca := range acts {
			out = append(out, Task{Kind: TaskIncidentAction, Title: ca.Title + " (" + ca.IncidentTitle + ")",
				Href: "/incidents/" + ca.IncidentID + "#actions", Due: ca.Due, Overdue: true})
		}
		mine, _, err := s.store.Incidents(ctx, bulkhead.IncidentFilter{OrgID: a.OrgID, AssigneeID: a.UserID, Status: bulkhead.StatusOpen,
			Sort: bulkhead.IncidentSortOccurred, Desc: true, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, inc := range mine {
			out = append(out, Task{Kind: TaskIncidentAssigned, Title: inc.Title, Href: "/incidents/" + inc.ID, SiteID: inc.SiteID})
		}
	}
	return out, nil
}

// demoIncidents adds a year of the demo organisation's incidents.
func (s *Service) demoIncidents(ctx context.Context, d *demoOrg) error {
	return s.loadDemoIncidents(ctx, d, time.Now().UTC())
}
