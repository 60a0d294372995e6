package fair

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/stat/distuv"
)

// The samplers are checked against gonum's distributions, an independent
// implementation: Kolmogorov–Smirnov for continuous ones, chi-square for
// counts. Seeds are fixed, so the tests are deterministic; the thresholds
// (p ≈ 1e-4) say how unlucky a correct sampler would have to be.

// testStream returns a stream seeded for a test.
func testStream(seed uint64) *stream {
	s := newStream()
	s.pcg.Seed(splitmix64(seed), splitmix64(seed+1))
	return s
}

// ksStat returns √n·D for the sample against cdf.
func ksStat(x []float64, cdf func(float64) float64) float64 {
	x = slices.Clone(x)
	slices.Sort(x)
	n := float64(len(x))
	var d float64
	for i, v := range x {
		f := cdf(v)
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	return d * math.Sqrt(n)
}

// ksCritical is √n·D at p ≈ 1e-4 (Kolmogorov's limit distribution).
const ksCritical = 2.1

func TestExpLogAgainstMath(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ulps := func(a, b float64) int64 {
		d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
		if d < 0 {
			d = -d
		}
		return d
	}
	for range 200_000 {
		x := (r.Float64() - 0.5) * 1400 // the whole finite range of exp
		// math.Exp's amd64 assembly is itself up to about 1.5 ulps off.
		if d := ulps(exp(x), math.Exp(x)); d > 2 {
			t.Fatalf("exp(%v) = %v, math.Exp = %v: %d ulps", x, exp(x), math.Exp(x), d)
		}
		y := math.Exp((r.Float64() - 0.5) * 1400)
		if d := ulps(log(y), math.Log(y)); d > 1 {
			t.Fatalf("log(%v) = %v, math.Log = %v: %d ulps", y, log(y), math.Log(y), d)
		}
	}
	// Subnormals: math.Log's amd64 assembly is wrong there (it gives about
	// −709.09 for 5e-324), so the reference scales into the normal range.
	for _, x := range []float64{5e-324, 1e-320, 2.2e-308, math.SmallestNonzeroFloat64 * 12345} {
		if want := math.Log(x*(1<<54)) - 54*math.Ln2; ulps(log(x), want) > 2 {
			t.Errorf("log(%v) = %v, want %v", x, log(x), want)
		}
	}
	for _, c := range []struct{ got, want float64 }{
		{exp(0), 1}, {exp(1e-300), 1}, {exp(800), math.Inf(1)}, {exp(-800), 0}, {log(1), 0}, {log(0), math.Inf(-1)},
	} {
		if c.got != c.want {
			t.Errorf("got %v, want %v", c.got, c.want)
		}
	}
	if !math.IsNaN(log(-1)) || !math.IsNaN(exp(math.NaN())) {
		t.Error("log(-1) and exp(NaN) must be NaN")
	}
}

func TestLogFactorial(t *testing.T) {
	for _, k := range []float64{0, 1, 2, 5, 10, 31, 32, 33, 50, 100, 1e3, 1e5, 1e8} {
		want, _ := math.Lgamma(k + 1)
		if got := logFactorial(k); math.Abs(got-want) > 1e-13*max(1, want) {
			t.Errorf("logFactorial(%v) = %v, want %v", k, got, want)
		}
	}
}

// TestPERTForms checks the closed forms of the two PERT forms against the
// figures in the research note (section A.3).
func TestPERTForms(t *testing.T) {
	tests := []struct {
		d        *Dist
		mean, sd float64
		tol      float64
	}{
		{PERT(20, 100, 900), 220, 139.4, 0.05},
		{ClassicPERT(20, 100, 900), 220, 146.6667, 1e-4},
		{PERT(3e6, 3.5e6, 5e6), 3666666.6667, 356348, 0.5},
		{ClassicPERT(3e6, 3.5e6, 5e6), 3666666.6667, 333333.3333, 1e-4},
		{&Dist{Type: PERTVose, Min: fp(0), Mode: fp(5), Max: fp(10), Gamma: fp(1)}, 5, 2.5, 1e-12},
		{ClassicPERT(7, 7, 7), 7, 0, 0},
	}
	for _, tt := range tests {
		m := tt.d.Moments()
		if math.Abs(m.Mean-tt.mean) > 1e-4 || math.Abs(m.SD-tt.sd) > tt.tol {
			t.Errorf("%s(%v, %v, %v): mean %v sd %v, want %v and %v", tt.d.Type, *tt.d.Min, *tt.d.Mode, *tt.d.Max, m.Mean, m.SD, tt.mean, tt.sd)
		}
	}
	// Classic PERT's α and β by the method of moments, for PL(3.0M, 3.5M, 5.0M):
	// μ = 1/3 of the range, so α = 7/3 and β = 14/3.
	a, b := ClassicPERT(3e6, 3.5e6, 5e6).betaShape()
	if math.Abs(a-7.0/3) > 1e-12 || math.Abs(b-14.0/3) > 1e-12 {
		t.Errorf("classic α, β = %v, %v; want 7/3, 14/3", a, b)
	}
}

func fp(v float64) *float64 { return &v }

func TestContinuousSamplers(t *testing.T) {
	const n = 20_000
	beta := func(d *Dist) func(float64) float64 {
		a, b := d.betaShape()
		lo, w := *d.Min, *d.Max-*d.Min
		return func(x float64) float64 { return distuv.Beta{Alpha: a, Beta: b}.CDF((x - lo) / w) }
	}
	lognormal := func(d *Dist) func(float64) float64 {
		mu, sigma := d.lognormalParams()
		return distuv.LogNormal{Mu: mu, Sigma: sigma}.CDF
	}
	tests := []struct {
		name string
		d    *Dist
		cdf  func(*Dist) func(float64) float64
	}{
		{"vose 20/100/900", PERT(20, 100, 900), beta},
		{"classic 20/100/900", ClassicPERT(20, 100, 900), beta},
		{"vose mode at min (α = 1)", PERT(0, 0, 1), beta},
		{"classic mode at min (α < 1)", ClassicPERT(0, 0, 1), beta},
		{"classic mode at max (β < 1)", ClassicPERT(0, 1, 1), beta},
		{"vose γ = 1", &Dist{Type: PERTVose, Min: fp(0), Mode: fp(5), Max: fp(10), Gamma: fp(1)}, beta},
		{"vose γ = 40", &Dist{Type: PERTVose, Min: fp(0.1), Mode: fp(0.3), Max: fp(0.7), Gamma: fp(40)}, beta},
		{"lognormal 1..10", LognormalCI(1, 10), lognormal},
		{"lognormal 635k..19M", LognormalCI(635_000, 19e6), lognormal},
		{"uniform 2..5", UniformDist(2, 5), func(d *Dist) func(float64) float64 { return distuv.Uniform{Min: 2, Max: 5}.CDF }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testStream(uint64(i))
			sp := tt.d.compile()
			x := make([]float64, n)
			for k := range x {
				x[k] = sp.draw(s)
			}
			if ks := ksStat(x, tt.cdf(tt.d)); ks > ksCritical {
				t.Errorf("Kolmogorov-Smirnov √n·D = %.3f > %.1f", ks, ksCritical)
			}
			m, want := moments(x), tt.d.Moments()
			if se := want.SD / math.Sqrt(n); math.Abs(m.Mean-want.Mean) > 4*se {
				t.Errorf("mean %v, want %v ± %v", m.Mean, want.Mean, 4*se)
			}
		})
	}
}

func TestNormalAndGamma(t *testing.T) {
	const n = 20_000
	s := testStream(99)
	x := make([]float64, n)
	for k := range x {
		x[k] = s.normal()
	}
	if ks := ksStat(x, distuv.UnitNormal.CDF); ks > ksCritical {
		t.Errorf("normal: √n·D = %.3f", ks)
	}
	// The tails, where the ziggurat's slow paths work: P(|Z| > 3) = 0.0027.
	s = testStream(100)
	var tail int
	const m = 400_000
	for range m {
		if math.Abs(s.normal()) > 3 {
			tail++
		}
	}
	if p, se := float64(tail)/m, math.Sqrt(0.0027/m); math.Abs(p-0.0026998) > 4*se {
		t.Errorf("P(|Z| > 3) = %v, want 0.0027 ± %v", p, 4*se)
	}
	for _, shape := range []float64{0.3, 0.9, 1, 1.36, 4.6, 50} {
		g := newGammaShape(shape)
		for k := range x {
			x[k] = s.gamma(&g)
		}
		if ks := ksStat(x, distuv.Gamma{Alpha: shape, Beta: 1}.CDF); ks > ksCritical {
			t.Errorf("gamma(%v): √n·D = %.3f", shape, ks)
		}
	}
}

// chiSquare compares counts of a discrete sample with pmf, pooling bins
// with fewer than 5 expected, and fails above the p ≈ 1e-4 quantile.
func chiSquare(t *testing.T, name string, counts map[int64]int, n int, pmf func(float64) float64, lo, hi int64) {
	t.Helper()
	var stat, exp, obs float64
	df := -1
	flush := func() {
		stat += (obs - exp) * (obs - exp) / exp
		df++
		exp, obs = 0, 0
	}
	for k := lo; k <= hi; k++ {
		exp += float64(n) * pmf(float64(k))
		obs += float64(counts[k])
		if exp >= 5 {
			flush()
		}
	}
	var seen int
	for k, c := range counts {
		if k < lo || k > hi {
			seen += c
		}
	}
	if seen > 0 {
		t.Errorf("%s: %d draws outside [%d, %d]", name, seen, lo, hi)
	}
	if exp > 0 {
		flush()
	}
	if df < 1 {
		return
	}
	if crit := (distuv.ChiSquared{K: float64(df)}).Quantile(1 - 1e-4); stat > crit {
		t.Errorf("%s: chi-square %.1f on %d df > %.1f", name, stat, df, crit)
	}
}

func TestPoissonSampler(t *testing.T) {
	const n = 20_000
	for i, mean := range []float64{0.005, 0.7, 3, 9.99, 10, 37.5, 1000, 123456} {
		s := testStream(uint64(200 + i))
		counts := map[int64]int{}
		for range n {
			counts[s.poisson(mean)]++
		}
		d := distuv.Poisson{Lambda: mean}
		lo := max(0, int64(mean-10*math.Sqrt(mean)-10))
		hi := int64(mean + 10*math.Sqrt(mean) + 10)
		chiSquare(t, fmt.Sprintf("poisson(%v)", mean), counts, n, d.Prob, lo, hi)
	}
}

func TestBinomialSampler(t *testing.T) {
	const n = 20_000
	for i, c := range []struct {
		n int64
		p float64
	}{{1, 0.5}, {10, 0.3}, {16, 0.99}, {100, 0.05}, {17, 0.5}, {1000, 0.3}, {1000, 0.9}, {50, 0.5}, {1_000_000, 0.2}} {
		s := testStream(uint64(300 + i))
		counts := map[int64]int{}
		for range n {
			counts[s.binomial(c.n, c.p)]++
		}
		d := distuv.Binomial{N: float64(c.n), P: c.p}
		chiSquare(t, fmt.Sprintf("binomial(%d, %v)", c.n, c.p), counts, n, d.Prob, 0, c.n)
	}
	s := testStream(1)
	if s.binomial(0, 0.5) != 0 || s.binomial(5, 0) != 0 || s.binomial(5, 1) != 5 {
		t.Error("binomial edge cases")
	}
}

func TestSortLosses(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 1023, 1024, 5000, 100_000} {
		x := make([]float64, n)
		for i := range x {
			switch r.IntN(4) {
			case 0: // zero losses, frequent in real samples
			case 1:
				x[i] = float64(r.IntN(10)) // ties
			default:
				x[i] = math.Exp(r.NormFloat64() * 10)
			}
		}
		want := slices.Clone(x)
		slices.Sort(want)
		sortLosses(x, make([]float64, n))
		if diff := cmp.Diff(want, x); diff != "" {
			t.Fatalf("n = %d: (-want +got)\n%s", n, diff)
		}
	}
}

func TestPercentile(t *testing.T) {
	// Values numpy.percentile (linear, the default) gives for [1, 2, 3, 4, 10].
	x := []float64{1, 2, 3, 4, 10}
	for _, c := range []struct{ p, want float64 }{{0, 1}, {25, 2}, {50, 3}, {75, 4}, {90, 7.6}, {100, 10}, {12.5, 1.5}} {
		if got := percentile(x, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("percentile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile([]float64{42}, 99); got != 42 {
		t.Errorf("one value: %v", got)
	}
}
