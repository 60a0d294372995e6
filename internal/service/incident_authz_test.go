package service_test

import (
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// incidentExpected is the permission matrix of the incident actions
// (columns as in coreExpected).
var incidentExpected = map[service.Action]string{
	service.ActIncidentRead:   "YYYYYYY-",
	service.ActIncidentCreate: "Y-YY-Y--",
	service.ActIncidentUpdate: "Y-YY----",
	service.ActIncidentClose:  "Y-Y-----",
	service.ActIncidentRules:  "Y-Y-----",
	service.ActIncidentImport: "Y-Y-----",
}

// incidentInput is a valid incident recorded an hour ago.
func incidentInput(title string) bulkhead.IncidentInput {
	now := time.Now().UTC()
	return bulkhead.IncidentInput{Type: ptr("cargo_theft"), Severity: ptr("high"), Title: ptr(title),
		OccurredAt: ptr(now.Add(-3 * time.Hour).Format(time.RFC3339)), DetectedAt: ptr(now.Add(-2 * time.Hour).Format(time.RFC3339)),
		ReportedAt: ptr(now.Add(-1 * time.Hour).Format(time.RFC3339)), Loss: ptr("1200.50"), Currency: ptr("EUR")}
}

// incidentActionTests performs each incident action.
func incidentActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	admin := f.actors[bulkhead.RoleAdmin]
	mk := func() *bulkhead.Incident {
		inc, err := svc.CreateIncident(ctx, admin, incidentInput("Fixture incident"))
		if err != nil {
			panic(err)
		}
		return inc
	}
	return map[service.Action]func(a service.Actor) error{
		service.ActIncidentRead: func(a service.Actor) error {
			if _, _, err := svc.Incidents(ctx, a, bulkhead.IncidentFilter{}); err != nil {
				return err
			}
			_, err := svc.IncidentStats(ctx, a, bulkhead.IncidentStatsFilter{})
			return err
		},
		service.ActIncidentCreate: func(a service.Actor) error {
			_, err := svc.CreateIncident(ctx, a, incidentInput("By "+string(a.Role)))
			return err
		},
		service.ActIncidentUpdate: func(a service.Actor) error {
			inc := mk()
			_, err := svc.UpdateIncident(ctx, a, inc.ID, bulkhead.IncidentInput{Lane: ptr("Venlo → Milan " + string(a.Role))})
			return err
		},
		service.ActIncidentClose: func(a service.Actor) error {
			inc := mk()
			if _, err := svc.UpdateIncident(ctx, admin, inc.ID, bulkhead.IncidentInput{RootCause: ptr("Badge not revoked")}); err != nil {
				return err
			}
			_, err := svc.SetIncidentStatus(ctx, a, inc.ID, bulkhead.IncidentClosed, "")
			return err
		},
		service.ActIncidentRules: func(a service.Actor) error {
			return svc.SetIncidentRules(ctx, a, []bulkhead.IncidentRule{{Type: "seal_tampering", Recipient: "customs", Hours: 24}})
		},
		service.ActIncidentImport: func(a service.Actor) error {
			_, err := svc.ImportIncidents(ctx, a, strings.NewReader(strings.Join(service.IncidentHeader, ",")+"\n"), "", service.IncidentImportPreview)
			return err
		},
	}
}
