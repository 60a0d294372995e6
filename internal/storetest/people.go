package storetest

import "testing"

// peopleTests are the contract tests of the people register, by name.
var peopleTests = map[string]func(*testing.T, Store){}
