package storetest

import "testing"

// libraryTests are the contract tests of the issue 5 libraries and assessments, by name.
var libraryTests = map[string]func(*testing.T, Store){}
