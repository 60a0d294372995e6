//go:build race

package catalog

// raceEnabled slows timing targets down: the race detector costs 5-10×.
const raceEnabled = true
