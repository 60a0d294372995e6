package main

import (
	"os"
	"runtime/debug"
)

// serverGCPercent is the garbage collector's target for a server, unless
// GOGC says otherwise: a collection when the heap has grown by this much
// over what was live after the last one. Go's default, 100, suits small
// programs; a capture of an EPCIS document allocates its decoded tree,
// hashes and prepared rows in a burst, and collecting twice as often costs
// CPU the capture needs (bench epcis-capture). GOMEMLIMIT, if set, still
// caps the heap.
const serverGCPercent = 200

// serverGC sets the collector for serve and for the benches that measure
// it.
func serverGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}

// gcPercent reports the collector's current target (GOGC).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
