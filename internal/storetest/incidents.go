package storetest

import "testing"

// incidentTests are the contract tests of security incidents, by name.
var incidentTests = map[string]func(*testing.T, Store){}
