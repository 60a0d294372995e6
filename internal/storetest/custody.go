package storetest

import "testing"

// custodyTests are the contract tests of the issue 6 custody records, by name.
var custodyTests = map[string]func(*testing.T, Store){}
