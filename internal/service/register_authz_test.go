package service_test

import "github.com/bulkhead-sms/bulkhead/internal/service"

// registerExpected is the permission matrix of the issue 3 registers actions
// (columns as in coreExpected).
var registerExpected = map[service.Action]string{}

// registerActionTests performs each issue 3 registers action.
func registerActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return nil
}
