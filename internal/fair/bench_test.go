package fair

import (
	"context"
	"testing"
)

// benchRun runs in b.N times and reports ns per scenario-iteration.
func benchRun(b *testing.B, in *Input, workers int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Simulate(context.Background(), in, workers); err != nil {
			b.Fatal(err)
		}
	}
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(in.Iterations*len(in.Scenarios))
	b.ReportMetric(per, "ns/scenario-iter")
}

// BenchmarkScenario100k is one scenario with the default model at 100,000
// iterations (target: under 20 ms).
func BenchmarkScenario100k(b *testing.B) {
	benchRun(b, SyntheticInput(1, 100_000, false), 0)
}

// BenchmarkScenario100kPerEvent is the same with per-event vulnerability.
func BenchmarkScenario100kPerEvent(b *testing.B) {
	benchRun(b, SyntheticInput(1, 100_000, true), 0)
}

// BenchmarkPortfolio100x10k is 100 scenarios with per-event vulnerability
// and per-event magnitude at 10,000 iterations (target: under 1 s on two
// cores).
func BenchmarkPortfolio100x10k(b *testing.B) {
	benchRun(b, SyntheticInput(100, 10_000, true), 0)
}

// BenchmarkPortfolio100x10kOneCore is the same on one worker.
func BenchmarkPortfolio100x10kOneCore(b *testing.B) {
	benchRun(b, SyntheticInput(100, 10_000, true), 1)
}
