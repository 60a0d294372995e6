package fair

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/stat/distuv"
)

// mixedInput exercises every model option, a what-if and the portfolio.
func mixedInput(iterations int) *Input {
	in := SyntheticInput(6, iterations, true)
	in.Scenarios = append(in.Scenarios, SyntheticInput(4, iterations, false).Scenarios...)
	for i := range in.Scenarios[6:] {
		in.Scenarios[6+i].ID += "p" // distinct IDs for the probability scenarios
	}
	in.Scenarios[1].Model = Model{Frequency: FreqRounded}
	in.Scenarios[2].Model = Model{Magnitude: MagPerYear}
	in.Scenarios[7].Model = Model{Frequency: FreqRounded, Magnitude: MagPerYear}
	tol := 2e6
	in.Tolerance = &tol
	in.WhatIf = []WhatIf{
		{ID: "W1", Scenario: "S001", Controls: []Control{{ID: "C09", Difficulty: PERT(0.6, 0.8, 0.95)}}},
		{ID: "W2", Scenario: "S003p", Vulnerability: PERT(0.05, 0.1, 0.2)},
	}
	return in
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReproducible: the same input and seed give the same bytes, whatever
// the number of workers.
func TestReproducible(t *testing.T) {
	in := mixedInput(5000) // two chunks, the second partial
	var first *Output
	for _, workers := range []int{1, 2, 3, 8} {
		out, err := Simulate(context.Background(), in, workers)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = out
			continue
		}
		if diff := cmp.Diff(first, out); diff != "" {
			t.Fatalf("workers = %d changed the output (-1 worker +%d):\n%s", workers, workers, diff)
		}
	}
	other := *in
	other.Seed = 2
	if out := run(t, &other); out.Scenarios[0].AnnualLoss.Mean == first.Scenarios[0].AnnualLoss.Mean {
		t.Error("a different seed gave the same result")
	}
}

// TestGolden pins the output of a fixed run, bit for bit. The samplers avoid
// everything that could differ between CPUs or architectures (see
// detmath.go), so this hash is the same on every machine; if it changes,
// results have changed for every user and the change must be deliberate.
func TestGolden(t *testing.T) {
	out := run(t, mixedInput(3000))
	sum := sha256.Sum256(mustJSON(t, out))
	const want = "d1bd0c763a2ba15e18979e9d2337f215ac8f76fdf9855cf3f5d20b876e8e3691"
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("output hash %s, want %s", got, want)
	}
}

// TestScenarioKeepsItsStream: a scenario's result depends on its ID and the
// seed, not on the other scenarios or its position.
func TestScenarioKeepsItsStream(t *testing.T) {
	a := SyntheticInput(3, 2000, true)
	b := SyntheticInput(3, 2000, true)
	b.Scenarios = append([]Scenario{SyntheticScenario(7, false)}, b.Scenarios[2], b.Scenarios[0])
	oa, ob := run(t, a), run(t, b)
	if diff := cmp.Diff(oa.Scenarios[0], ob.Scenarios[2]); diff != "" {
		t.Errorf("S001 changed when others were added and reordered:\n%s", diff)
	}
	if diff := cmp.Diff(oa.Scenarios[2], ob.Scenarios[1]); diff != "" {
		t.Errorf("S003 changed:\n%s", diff)
	}
}

// TestAnalyticMeans checks simulated means against the closed forms for
// each model option that has one.
func TestAnalyticMeans(t *testing.T) {
	const n = 20_000
	base := func(id string, m Model, tef *Dist) Scenario {
		return Scenario{ID: id, Model: m, TEF: tef, Vulnerability: PERT(0.1, 0.3, 0.8),
			PrimaryLoss: LognormalCI(1e3, 1e5), SecondaryLoss: UniformDist(0, 2e4)}
	}
	in := &Input{Iterations: n, Seed: 11, Scenarios: []Scenario{
		base("poisson-per-event", Model{}, PERT(1, 3, 9)),
		base("poisson-per-year", Model{Magnitude: MagPerYear}, PERT(1, 3, 9)),
		base("poisson-lognormal-tef", Model{}, LognormalCI(0.5, 5)),
		base("rounded-constant", Model{Frequency: FreqRounded}, ConstantDist(2.5)),
		base("rounded-poisson", Model{Frequency: FreqRounded, Magnitude: MagPerYear}, PoissonDist(40)),
		base("poisson-large-rate", Model{}, ConstantDist(250)),
		{ID: "per-event-constant", TEF: ConstantDist(3), ThreatCapability: ConstantDist(0.7),
			Controls: []Control{{ID: "a", Difficulty: ConstantDist(0.5)}, {ID: "b", Difficulty: ConstantDist(0.8)}}, PrimaryLoss: ConstantDist(10)},
	}}
	out := run(t, in)
	for _, r := range out.Scenarios {
		if r.AnalyticMean == nil {
			t.Errorf("%s: no analytic mean", r.ID)
			continue
		}
		if d := math.Abs(r.AnnualLoss.Mean - *r.AnalyticMean); d > 4*r.AnnualLoss.StdErr {
			t.Errorf("%s: mean %v, analytic %v ± %v", r.ID, r.AnnualLoss.Mean, *r.AnalyticMean, 4*r.AnnualLoss.StdErr)
		}
	}
	if got := *out.Scenarios[6].AnalyticMean; got != 30 {
		t.Errorf("per-event constant: analytic %v, want 3 events × 10 (0.7 > mean(0.5, 0.8))", got)
	}
	// No closed form: rounding a continuous TEF, per-event draws.
	in = &Input{Iterations: 10, Scenarios: []Scenario{base("r", Model{Frequency: FreqRounded}, PERT(1, 3, 9)), SyntheticScenario(0, true)}}
	for _, r := range run(t, in).Scenarios {
		if r.AnalyticMean != nil {
			t.Errorf("%s: analytic mean %v, want none", r.ID, *r.AnalyticMean)
		}
	}
}

// TestRoundedFrequency: a constant TEF rounds half to even.
func TestRoundedFrequency(t *testing.T) {
	in := &Input{Iterations: 100, Model: Model{Frequency: FreqRounded}}
	for i, v := range []float64{0.5, 1.5, 2.5, 3.49, 3.5} {
		in.Scenarios = append(in.Scenarios, Scenario{ID: string(rune('a' + i)), TEF: ConstantDist(v), Vulnerability: ConstantDist(1), PrimaryLoss: ConstantDist(1)})
	}
	out := run(t, in)
	for i, want := range []float64{0, 2, 2, 3, 4} {
		if got := out.Scenarios[i].ThreatEvents; got != (Moments{Mean: want}) {
			t.Errorf("TEF %v: threat events %+v, want always %v", []float64{0.5, 1.5, 2.5, 3.49, 3.5}[i], got, want)
		}
	}
}

// TestPerEventVulnerability: the share of threat events that become loss
// events is P(TC > mean difficulty), here 1 − F_TC(0.45) for a PERT TC
// against controls whose difficulties average 0.45 exactly.
func TestPerEventVulnerability(t *testing.T) {
	const n = 20_000
	tc := PERT(0.3, 0.5, 0.9)
	s := Scenario{ID: "v", TEF: ConstantDist(4), ThreatCapability: tc, Model: Model{Frequency: FreqRounded},
		Controls:    []Control{{ID: "a", Difficulty: ConstantDist(0.4)}, {ID: "b", Difficulty: ConstantDist(0.5)}},
		PrimaryLoss: ConstantDist(1)}
	r := run(t, &Input{Iterations: n, Seed: 5, Scenarios: []Scenario{s}}).Scenarios[0]
	a, b := tc.betaShape()
	p := 1 - distuv.Beta{Alpha: a, Beta: b}.CDF((0.45-0.3)/0.6)
	want, sd := 4*p, math.Sqrt(4*p*(1-p))
	if math.Abs(r.LossEvents.Mean-want) > 4*sd/math.Sqrt(n) {
		t.Errorf("loss events %v a year, want %v ± %v", r.LossEvents.Mean, want, 4*sd/math.Sqrt(n))
	}
	if r.Model.Vulnerability != VulnPerEvent {
		t.Errorf("model recorded %+v", r.Model)
	}
}

func TestWhatIf(t *testing.T) {
	const n = 10_000
	in := SyntheticInput(2, n, true)
	tol := 1e6
	in.Tolerance = &tol
	in.WhatIf = []WhatIf{
		{ID: "same", Scenario: "S001"},
		{ID: "stronger", Scenario: "S001", Name: "better locks", Controls: []Control{{ID: "C01", Difficulty: PERT(0.5, 0.8, 0.95)}}},
		{ID: "fewer-threats", Scenario: "S002", TEF: PERT(1, 2, 10), RemoveControls: []string{"C03"}},
	}
	out := run(t, in)
	base := out.Scenarios[0].AnnualLoss

	same := out.WhatIf[0]
	if diff := cmp.Diff(same.Before, same.After); diff != "" || same.Change.Mean != 0 || same.Change.StdErr != 0 {
		t.Errorf("an unchanged what-if differs from its base: %+v\n%s", same.Change, diff)
	}
	if diff := cmp.Diff(base, same.Before); diff != "" {
		t.Errorf("before is not the base scenario's result:\n%s", diff)
	}

	st := out.WhatIf[1]
	if st.Change.Mean >= -4*st.Change.StdErr {
		t.Errorf("a stronger control did not reduce the loss: %+v", st.Change)
	}
	if d := st.After.Mean - st.Before.Mean; math.Abs(d-st.Change.Mean) > 1e-6*math.Abs(d) {
		t.Errorf("change %v, but after − before = %v", st.Change.Mean, d)
	}
	// Common random numbers: the paired standard error is far below that
	// of two independent runs.
	indep := math.Sqrt(st.Before.StdErr*st.Before.StdErr + st.After.StdErr*st.After.StdErr)
	if st.Change.StdErr > 0.7*indep {
		t.Errorf("paired standard error %v, independent %v: common random numbers are not at work", st.Change.StdErr, indep)
	}
	if st.Change.ProbExceedTolerance == nil || *st.Change.ProbExceedTolerance > 0 {
		t.Errorf("P(> tolerance) change %v", st.Change.ProbExceedTolerance)
	}
	if st.Name != "better locks" || st.Scenario != "S001" || st.Model != out.Scenarios[0].Model {
		t.Errorf("what-if labels: %+v", st)
	}
	if out.WhatIf[2].Change.Mean >= 0 {
		t.Errorf("fewer threat events did not reduce the loss: %+v", out.WhatIf[2].Change)
	}
}

// TestSummaryShape checks percentiles, the loss exceedance curve and the
// tolerance on a sample whose values are known exactly.
func TestSummaryShape(t *testing.T) {
	tol := 10.0
	in := &Input{Iterations: 1000, Tolerance: &tol, Percentiles: []float64{50, 99.9},
		Model: Model{Frequency: FreqRounded}, Scenarios: []Scenario{
			{ID: "ten", TEF: ConstantDist(1), Vulnerability: ConstantDist(1), PrimaryLoss: ConstantDist(10)},
			{ID: "u", TEF: ConstantDist(1), Vulnerability: ConstantDist(1), PrimaryLoss: UniformDist(0, 100)},
		}}
	out := run(t, in)
	ten := out.Scenarios[0].AnnualLoss
	if ten.Mean != 10 || ten.SD != 0 || ten.Min != 10 || ten.Max != 10 || *ten.ProbExceedTolerance != 0 {
		t.Errorf("constant loss: %+v", ten)
	}
	u := out.Scenarios[1].AnnualLoss
	if len(u.Percentiles) != 2 || u.Percentiles[1].Percent != 99.9 || len(u.LEC) != 99 {
		t.Fatalf("shape: %+v", u)
	}
	for i := 1; i < len(u.LEC); i++ {
		if u.LEC[i].Loss < u.LEC[i-1].Loss || u.LEC[i].Probability >= u.LEC[i-1].Probability {
			t.Fatalf("LEC not monotone at %d: %+v", i, u.LEC[i-1:i+1])
		}
	}
	if u.LEC[94].Probability != 0.05 || u.LEC[94].Loss > u.Max || math.Abs(u.LEC[94].Loss-95) > 3 {
		t.Errorf("LEC at 5%%: %+v", u.LEC[94])
	}
	if p := *u.ProbExceedTolerance; math.Abs(p-0.9) > 0.04 {
		t.Errorf("P(U(0,100) > 10) = %v", p)
	}
	if out.Portfolio == nil || out.Portfolio.Min < 10 || *out.Portfolio.ProbExceedTolerance != 1 {
		t.Errorf("portfolio: %+v", out.Portfolio)
	}
	one := run(t, &Input{Iterations: 10, Scenarios: in.Scenarios[:1]})
	if one.Portfolio != nil {
		t.Error("a single scenario has no portfolio")
	}
	if one.Dependence != Independent || one.Model != (Model{Frequency: FreqPoisson, Vulnerability: VulnAuto, Magnitude: MagPerEvent}) ||
		one.Scenarios[0].Model != (Model{Frequency: FreqPoisson, Vulnerability: VulnProbability, Magnitude: MagPerEvent}) {
		t.Errorf("recorded options: %+v, %+v, %+v", one.Dependence, one.Model, one.Scenarios[0].Model)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Simulate(ctx, SyntheticInput(2, 1000, true), 2); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestTooManyEvents(t *testing.T) {
	in := &Input{Iterations: 2000, Model: Model{Frequency: FreqRounded, Magnitude: MagPerYear}, Scenarios: []Scenario{
		{ID: "flood", TEF: LognormalCI(1e7, 9e7), Vulnerability: ConstantDist(0.5), PrimaryLoss: ConstantDist(1)},
	}}
	_, err := Simulate(context.Background(), in, 0)
	if err == nil || !strings.Contains(err.Error(), `scenario "flood"`) || !strings.Contains(err.Error(), "more than the limit of 100000000") {
		t.Errorf("err = %v", err)
	}
}

// TestNoAllocationPerIteration: a task allocates its streams once.
func TestNoAllocationPerIteration(t *testing.T) {
	p, err := mixedInput(chunkSize).plan()
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range p.scenarios {
		j.samples = make([]float64, chunkSize)
		small := testing.AllocsPerRun(2, func() { j.run(context.Background(), 0, 10) })
		large := testing.AllocsPerRun(2, func() { j.run(context.Background(), 0, chunkSize) })
		if large != small {
			t.Errorf("%s: %v allocations for 10 iterations, %v for %d", j.id, small, large, chunkSize)
		}
	}
}

// TestNegativeZeroLoss: a loss of −0 (valid: it is not below 0) is stored
// as +0, which the radix sort of sortLosses needs.
func TestNegativeZeroLoss(t *testing.T) {
	negZero := math.Copysign(0, -1)
	in := &Input{Iterations: 2000, Model: Model{Magnitude: MagPerYear}, Scenarios: []Scenario{
		{ID: "z", TEF: ConstantDist(3), Vulnerability: ConstantDist(1), PrimaryLoss: ConstantDist(negZero)},
		{ID: "u", TEF: ConstantDist(3), Vulnerability: ConstantDist(1), PrimaryLoss: UniformDist(negZero, 1)},
	}}
	out := run(t, in)
	z, u := out.Scenarios[0].AnnualLoss, out.Scenarios[1].AnnualLoss
	if z.Max != 0 || math.Signbit(z.Min) || u.Min < 0 || u.Max < u.Percentiles[len(u.Percentiles)-1].Loss {
		t.Errorf("−0 losses: %+v / min %v max %v", z, u.Min, u.Max)
	}
}
