package service_test

import "github.com/bulkhead-sms/bulkhead/internal/service"

// peopleExpected is the permission matrix of the people-register actions
// (columns as in coreExpected).
var peopleExpected = map[service.Action]string{}

// peopleActionTests performs each people-register action.
func peopleActionTests(svc *service.Service, f *fixture) map[service.Action]func(a service.Actor) error {
	return nil
}
