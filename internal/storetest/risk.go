package storetest

import "testing"

// riskTests are the contract tests of the issue 4 risk records, by name.
var riskTests = map[string]func(*testing.T, Store){}
