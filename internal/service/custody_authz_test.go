package service_test

import "github.com/bulkhead-sms/bulkhead/internal/service"

// custodyExpected is the permission matrix of the issue 6 custody actions
// (columns as in coreExpected).
var custodyExpected = map[service.Action]string{}

// custodyActionTests performs each issue 6 custody action.
func custodyActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return nil
}
