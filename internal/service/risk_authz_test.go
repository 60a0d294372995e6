package service_test

import "github.com/bulkhead-sms/bulkhead/internal/service"

// riskExpected is the permission matrix of the issue 4 risk actions
// (columns as in coreExpected).
var riskExpected = map[service.Action]string{}

// riskActionTests performs each issue 4 risk action.
func riskActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return nil
}
