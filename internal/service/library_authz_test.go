package service_test

import "github.com/bulkhead-sms/bulkhead/internal/service"

// libraryExpected is the permission matrix of the issue 5 libraries and assessments actions
// (columns as in coreExpected).
var libraryExpected = map[service.Action]string{}

// libraryActionTests performs each issue 5 libraries and assessments action.
func libraryActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return nil
}
