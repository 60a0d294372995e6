package storetest

import "testing"

// documentTests are the contract tests of controlled documents, by name.
var documentTests = map[string]func(*testing.T, Store){}
