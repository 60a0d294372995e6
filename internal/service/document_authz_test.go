package service_test

import "github.com/bulkhead-sms/bulkhead/internal/service"

// documentExpected is the permission matrix of the controlled-document
// actions (columns as in coreExpected).
var documentExpected = map[service.Action]string{}

// documentActionTests performs each controlled-document action.
func documentActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return nil
}
