package fair

import (
	"math"
	"slices"
	"sort"
)

// Output is the result of a run, ready to encode as JSON.
type Output struct {
	Iterations int    `json:"iterations"`
	Seed       uint64 `json:"seed"`
	// Model is the run's model options after defaults; each scenario
	// records the options it actually used.
	Model      Model  `json:"model"`
	Dependence string `json:"dependence"`
	// Generator and PercentileMethod say how the numbers were made.
	Generator        string           `json:"generator"`
	PercentileMethod string           `json:"percentile_method"`
	Scenarios        []ScenarioResult `json:"scenarios"`
	// Portfolio sums the scenarios' annual losses iteration by iteration;
	// present when there are two or more scenarios.
	Portfolio *Summary       `json:"portfolio,omitempty"`
	WhatIf    []WhatIfResult `json:"what_if,omitempty"`
}

// Generator describes the random streams of every run.
const Generator = "math/rand/v2 PCG-DXSM; one stream per (seed, scenario ID, factor, control ID, iteration), keys mixed with SplitMix64"

// PercentileMethod describes how percentiles are read from the sorted
// samples.
const PercentileMethod = "sorted samples, linear interpolation between order statistics (Hyndman-Fan type 7, the numpy and R default)"

// ScenarioResult is one scenario's simulated annual loss.
type ScenarioResult struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Model Model  `json:"model"`
	// ThreatEvents and LossEvents are the yearly counts.
	ThreatEvents Moments `json:"threat_events"`
	LossEvents   Moments `json:"loss_events"`
	AnnualLoss   Summary `json:"annual_loss"`
	// AnalyticMean is the expected annual loss in closed form, when the
	// model has one (Poisson frequency or a constant or Poisson TEF, with
	// the probability vulnerability model); compare it with
	// AnnualLoss.Mean ± a few AnnualLoss.StdErr.
	AnalyticMean *float64 `json:"analytic_mean,omitempty"`
}

// WhatIfResult compares a what-if with its base scenario, iteration by
// iteration on the same random numbers.
type WhatIfResult struct {
	ID           string   `json:"id"`
	Name         string   `json:"name,omitempty"`
	Scenario     string   `json:"scenario"`
	Model        Model    `json:"model"`
	LossEvents   Moments  `json:"loss_events"`
	Before       Summary  `json:"before"`
	After        Summary  `json:"after"`
	AnalyticMean *float64 `json:"analytic_mean,omitempty"`
	Change       Change   `json:"change"`
}

// Change is after minus before.
type Change struct {
	// Mean is the mean of the per-iteration differences, StdErr its Monte
	// Carlo standard error (sd of the differences / √n), small because
	// both sides share their random numbers.
	Mean   float64 `json:"mean"`
	StdErr float64 `json:"std_err"`
	// Percentiles are differences of the two sides' percentiles.
	Percentiles []Quantile `json:"percentiles"`
	// ProbExceedTolerance is the change in the probability of exceeding the
	// tolerance, when there is one.
	ProbExceedTolerance *float64 `json:"prob_exceed_tolerance,omitempty"`
}

// Moments are a sample's mean and standard deviation.
type Moments struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// Summary describes a sample of annual losses.
type Summary struct {
	Mean float64 `json:"mean"`
	// SD is the sample standard deviation (n − 1 in the denominator).
	SD float64 `json:"sd"`
	// StdErr is the Monte Carlo standard error of Mean: SD/√n.
	StdErr      float64    `json:"std_err"`
	Min         float64    `json:"min"`
	Max         float64    `json:"max"`
	Percentiles []Quantile `json:"percentiles"`
	// LEC is the loss exceedance curve: for probability p = 0.99, 0.98, …,
	// 0.01, the loss exceeded with probability p (the 100(1−p)th
	// percentile).
	LEC []LECPoint `json:"lec"`
	// Tolerance and ProbExceedTolerance: the share of iterations whose loss
	// is strictly greater than the tolerance.
	Tolerance           *float64 `json:"tolerance,omitempty"`
	ProbExceedTolerance *float64 `json:"prob_exceed_tolerance,omitempty"`
}

// Quantile is one percentile of a sample.
type Quantile struct {
	Percent float64 `json:"percent"`
	Loss    float64 `json:"loss"`
}

// LECPoint is one point of a loss exceedance curve.
type LECPoint struct {
	Loss        float64 `json:"loss"`
	Probability float64 `json:"probability"`
}

// percentile returns the p-th percentile (0 ≤ p ≤ 100) of sorted data by
// linear interpolation between order statistics (type 7).
func percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	h := float64(n-1) * p / 100
	lo := int(h)
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + float64((h-float64(lo))*(sorted[lo+1]-sorted[lo]))
}

// summarize describes sorted, a non-empty ascending sample.
func summarize(sorted []float64, pcts []float64, tol *float64) Summary {
	n := len(sorted)
	m := moments(sorted)
	s := Summary{
		Mean: m.Mean, SD: m.SD, StdErr: m.SD / math.Sqrt(float64(n)),
		Min: sorted[0], Max: sorted[n-1],
		Percentiles: make([]Quantile, len(pcts)),
		LEC:         make([]LECPoint, 99),
	}
	for i, p := range pcts {
		s.Percentiles[i] = Quantile{Percent: p, Loss: percentile(sorted, p)}
	}
	for k := 1; k <= 99; k++ {
		s.LEC[k-1] = LECPoint{Loss: percentile(sorted, float64(k)), Probability: float64(100-k) / 100}
	}
	if tol != nil {
		t := *tol
		above := n - sort.Search(n, func(i int) bool { return sorted[i] > t })
		p := float64(above) / float64(n)
		s.Tolerance, s.ProbExceedTolerance = &t, &p
	}
	return s
}

// moments returns the mean and sample sd of x by two passes, in index
// order.
func moments(x []float64) Moments {
	n := float64(len(x))
	var sum float64
	for _, v := range x {
		sum += v
	}
	mean := sum / n
	var ss float64
	for _, v := range x {
		d := v - mean
		ss += float64(d * d)
	}
	var sd float64
	if len(x) > 1 {
		sd = math.Sqrt(ss / (n - 1))
	}
	return Moments{Mean: mean, SD: sd}
}

// sortLosses sorts x, whose values are all ≥ +0 and not NaN, in ascending
// order. For such floats the order of the IEEE bit patterns is the numeric
// order, so an LSD radix sort on the bits (11 bits a pass, passes that
// would not move anything skipped) replaces an O(n log n) comparison sort.
// scratch must be at least as long as x.
func sortLosses(x, scratch []float64) {
	n := len(x)
	if n < 1024 {
		slices.Sort(x)
		return
	}
	const bits, passes, size = 11, 6, 1 << 11
	counts := make([][size]int, passes)
	for _, v := range x {
		u := math.Float64bits(v)
		for p := range passes {
			counts[p][(u>>(p*bits))&(size-1)]++
		}
	}
	src, dst := x, scratch[:n]
	for p := range passes {
		c := &counts[p]
		shift := uint(p * bits)
		if c[(math.Float64bits(src[0])>>shift)&(size-1)] == n {
			continue // every value has the same digit here
		}
		sum := 0
		for i, k := range c {
			c[i] = sum
			sum += k
		}
		for _, v := range src {
			d := (math.Float64bits(v) >> shift) & (size - 1)
			dst[c[d]] = v
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &x[0] {
		copy(x, src)
	}
}
