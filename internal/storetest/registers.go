package storetest

import "testing"

// registerTests are the contract tests of the issue 3 registers, by name.
var registerTests = map[string]func(*testing.T, Store){}
