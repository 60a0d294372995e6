package service_test

import "github.com/bulkhead-sms/bulkhead/internal/service"

// incidentExpected is the permission matrix of the incident actions
// (columns as in coreExpected).
var incidentExpected = map[service.Action]string{}

// incidentActionTests performs each incident action.
func incidentActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return nil
}
