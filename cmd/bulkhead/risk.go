package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/fair"
)

// cmdRiskSimulate runs a FAIR Monte Carlo simulation of the scenarios in a
// JSON file (format: internal/fair/doc.go) and prints the results as
// indented JSON. An invalid input fails before anything is simulated, with
// one line per field.
func cmdRiskSimulate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "risk simulate")
	in := fs.String("in", "", "the scenarios, a JSON `file` (required)")
	iterations := fs.Int("iterations", 0, "simulated years, 1 to 10,000,000 (default: the file's, else 10,000)")
	seed := fs.Uint64("seed", 0, "random seed (default: the file's, else 0)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *in == "" {
		return &usageError{"--in FILE.json is required"}
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	input, err := fair.Decode(f)
	if err != nil {
		return err
	}
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "iterations":
			input.Iterations = *iterations
		case "seed":
			input.Seed = *seed
		}
	})
	out, err := fair.Simulate(ctx, input, 0)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// benchRisk measures the risk engine on synthetic inputs: one scenario at
// 100,000 iterations (target < 20 ms) and a 100-scenario portfolio with
// per-event vulnerability and magnitude at 10,000 iterations (target < 1 s),
// both on GOMAXPROCS workers. It prints the best and median of five runs
// after a warm-up, and the cost per scenario-iteration.
func benchRisk(ctx context.Context, w io.Writer) error {
	cases := []struct {
		name   string
		in     *fair.Input
		target time.Duration
	}{
		{"one scenario, 100,000 iterations (default model)", fair.SyntheticInput(1, 100_000, false), 20 * time.Millisecond},
		{"100-scenario portfolio, 10,000 iterations, per-event vulnerability and magnitude", fair.SyntheticInput(100, 10_000, true), time.Second},
	}
	fmt.Fprintf(w, "bench risk: %d workers (GOMAXPROCS), %s/%s\n", runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	for _, c := range cases {
		out, err := fair.Simulate(ctx, c.in, 0) // warm-up
		if err != nil {
			return err
		}
		var events float64
		for _, s := range out.Scenarios {
			events += s.ThreatEvents.Mean
		}
		times := make([]time.Duration, 5)
		for i := range times {
			start := time.Now()
			if _, err := fair.Simulate(ctx, c.in, 0); err != nil {
				return err
			}
			times[i] = time.Since(start)
		}
		slices.Sort(times)
		work := float64(c.in.Iterations * len(c.in.Scenarios))
		verdict := "ok"
		if times[0] > c.target {
			verdict = "SLOWER THAN TARGET"
		}
		fmt.Fprintf(w, "%s: best %s, median %s (target < %s: %s); %.0f ns per scenario-iteration; %.1f threat events per scenario-year\n",
			c.name, times[0].Round(10*time.Microsecond), times[2].Round(10*time.Microsecond), c.target, verdict,
			float64(times[0].Nanoseconds())/work, events/float64(len(out.Scenarios)))
	}
	return nil
}
