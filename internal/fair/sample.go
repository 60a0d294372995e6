package fair

import (
	"math"
	"math/rand/v2"
)

// A stream is one reproducible source of random numbers: a PCG-DXSM
// generator from math/rand/v2, re-seeded for every iteration (see factor).
// Normal deviates come from the package's own ziggurat, which calls the
// PCG directly: it is the innermost loop of every PERT draw.
//
// Reproducibility: the samplers use the exp and log of detmath.go, and
// every product that meets a sum is written float64(a*b) so that no
// compiler may fuse it into an FMA; a draw is then the same on every CPU
// and architecture.
type stream struct {
	pcg rand.PCG
}

func newStream() *stream { return &stream{} }

// zigLayers is the number of layers of the normal ziggurat.
const zigLayers = 128

// ziggurat holds the tables of Marsaglia and Tsang's ziggurat method for
// the standard normal ("The Ziggurat Method for Generating Random
// Variables", J. Stat. Software 5(8), 2000), scaled for 53-bit
// magnitudes. k[i] is the acceptance threshold of layer i, w[i] its width
// per unit of magnitude and f[i] the density at its edge.
type ziggurat struct {
	k, k32    [zigLayers]int64
	w, w32, f [zigLayers]float64
}

// zigR is the start of the tail and zigV the area of each layer for 128
// layers (Marsaglia and Tsang, 2000).
const (
	zigR = 3.442619855899
	zigV = 9.91256303526217e-3
)

// zig is computed once and only read afterwards: a table, not state.
var zig = newZiggurat()

func newZiggurat() *ziggurat {
	const m = 1 << 53
	z := &ziggurat{}
	dn, tn := zigR, zigR
	q := zigV / exp(-0.5*float64(dn*dn))
	z.k[0] = int64(dn / q * m)
	z.k[1] = 0
	z.w[0] = q / m
	z.w[zigLayers-1] = dn / m
	z.f[0] = 1
	z.f[zigLayers-1] = exp(-0.5 * float64(dn*dn))
	for i := zigLayers - 2; i >= 1; i-- {
		dn = math.Sqrt(-2 * log(zigV/dn+exp(-0.5*float64(dn*dn))))
		z.k[i+1] = int64(dn / tn * m)
		tn = dn
		z.f[i] = exp(-0.5 * float64(dn*dn))
		z.w[i] = dn / m
	}
	for i := range zigLayers {
		z.k32[i] = z.k[i] >> 22
		z.w32[i] = z.w[i] * (1 << 22)
	}
	return z
}

// normal returns a standard normal deviate. One 64-bit draw gives the
// layer (its low 7 bits) and, independently, a signed 54-bit value (its
// high bits); about 97% of draws end at the first comparison.
func (s *stream) normal() float64 {
	u := s.pcg.Uint64()
	i := u & (zigLayers - 1)
	j := int64(u) >> 10 // sign and 53-bit magnitude
	x := float64(float64(j) * zig.w[i])
	if m := j >> 63; (j^m)-m < zig.k[i] { // |j|, without a branch on the sign
		return x
	}
	return s.zigSlow(i, x)
}

// zigSlow finishes a ziggurat draw whose point x in layer i fell outside
// the layer's inner rectangle: the tail beyond zigR for the base layer (by
// Marsaglia's method), else the wedge test. A rejected point starts a
// fresh draw.
func (s *stream) zigSlow(i uint64, x float64) float64 {
	if i == 0 {
		for {
			t := -log(s.open()) / zigR
			y := -log(s.open())
			if y+y >= float64(t*t) {
				if x < 0 {
					return -(zigR + t)
				}
				return zigR + t
			}
		}
	}
	if zig.f[i]+float64(s.uniform()*(zig.f[i-1]-zig.f[i])) < exp(-0.5*float64(x*x)) {
		return x
	}
	return s.normal()
}

// uniform returns a float64 in [0, 1) with 53 random bits.
func (s *stream) uniform() float64 {
	return float64(s.pcg.Uint64()>>11) * 0x1p-53
}

// open returns a float64 in (0, 1), safe to take the logarithm of.
func (s *stream) open() float64 {
	return (float64(s.pcg.Uint64()>>11) + 0.5) * 0x1p-53
}

// splitmix64 is the SplitMix64 finaliser: a bijective mixer that turns
// structured keys (a seed, a counter) into well-spread PCG seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// hashString is 64-bit FNV-1a; it turns scenario and control IDs into
// stream keys, so a scenario keeps its stream when others are added,
// removed or reordered.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// kind is a compiled distribution family.
type kind uint8

const (
	kConst kind = iota
	kBeta       // lo + width·Beta(α, β): both PERT forms
	kUniform
	kLognormal
	kPoisson
)

// sampler draws from one compiled distribution. Parameters are worked out
// once, at compile time, so a draw does no set-up.
type sampler struct {
	kind  kind
	a, b  float64 // const: value; beta/uniform: lo, width; lognormal: μ, σ; poisson: mean
	alpha gammaShape
	beta  gammaShape
}

// gammaShape holds the Marsaglia–Tsang constants of a Gamma(shape, 1).
type gammaShape struct {
	d, c  float64 // d = s − 1/3, c = 1/√(9d), for s' = max(s, s+1 if s < 1)
	boost float64 // 1/s when s < 1 (Gamma(s) = Gamma(s+1)·U^(1/s)), else 0
}

func newGammaShape(s float64) gammaShape {
	var g gammaShape
	if s < 1 {
		g.boost = 1 / s
		s++
	}
	g.d = s - 1.0/3
	g.c = 1 / math.Sqrt(9*g.d)
	return g
}

// gamma draws Gamma(shape, 1) by Marsaglia and Tsang's method (ACM TOMS
// 26(3), 2000): a transformed normal, accepted by a cheap squeeze almost
// always and by the exact log test otherwise. To halve the calls to the
// generator, one 64-bit draw gives both the normal (ziggurat layer from 7
// bits, signed 32-bit magnitude, the resolution of math/rand's
// NormFloat64) and the acceptance uniform (the other 25 bits); the rare
// ziggurat slow paths draw afresh.
func (s *stream) gamma(g *gammaShape) float64 {
	for {
		r := s.pcg.Uint64()
		i := r & (zigLayers - 1)
		j := int64(int32(r >> 7))
		x := float64(float64(j) * zig.w32[i])
		if m := j >> 63; (j^m)-m >= zig.k32[i] {
			x = s.zigSlow(i, x)
		}
		v := 1 + float64(g.c*x)
		if v <= 0 {
			continue
		}
		v = float64(float64(v*v) * v)
		u := (float64(r>>39) + 0.5) * 0x1p-25
		x2 := float64(x * x)
		if u < 1-float64(0.0331*x2*x2) || log(u) < float64(0.5*x2)+float64(g.d*(1-v+log(v))) {
			r := float64(g.d * v)
			if g.boost != 0 {
				r = float64(r * pow(s.open(), g.boost))
			}
			return r
		}
	}
}

// draw returns one value of the distribution.
func (sp *sampler) draw(s *stream) float64 {
	switch sp.kind {
	case kConst:
		return sp.a
	case kBeta:
		x := s.gamma(&sp.alpha)
		y := s.gamma(&sp.beta)
		return sp.a + float64(sp.b*(x/(x+y)))
	case kUniform:
		return sp.a + float64(sp.b*s.uniform())
	case kLognormal:
		return exp(sp.a + float64(sp.b*s.normal()))
	default: // kPoisson
		return float64(s.poisson(sp.a))
	}
}

// poisson draws a Poisson count with the given mean: by sequential
// inversion below 10, by Hörmann's transformed rejection (PTRS, "The
// transformed rejection method for generating Poisson random variables",
// 1993) above.
func (s *stream) poisson(mean float64) int64 {
	switch {
	case mean <= 0:
		return 0
	case mean < 10:
		u := s.uniform()
		p := exp(-mean)
		f := p
		var k int64
		for u > f {
			k++
			p = float64(p * (mean / float64(k)))
			if p == 0 { // the tail underflowed: u is within rounding of 1
				break
			}
			f += p
		}
		return k
	}
	sl := math.Sqrt(mean)
	logMean := log(mean)
	b := 0.931 + float64(2.53*sl)
	a := -0.059 + float64(0.02483*b)
	logAlpha := log(1.1239 + 1.1328/(b-3.4))
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := s.uniform() - 0.5
		v := s.uniform()
		us := 0.5 - math.Abs(u)
		k := math.Floor(float64((2*a/us+b)*u) + mean + 0.43)
		if us >= 0.07 && v <= vr {
			return int64(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		if log(v)+logAlpha-log(a/float64(us*us)+b) <= -mean+float64(k*logMean)-logFactorial(k) {
			return int64(k)
		}
	}
}

// binomial draws the number of successes in n trials of probability p: by
// counting for few trials, by inversion when n·p is small and by Hörmann's
// BTRS ("The generation of binomial random variates", 1993) otherwise.
func (s *stream) binomial(n int64, p float64) int64 {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	case p > 0.5:
		return n - s.binomial(n, 1-p)
	case n <= 16:
		var k int64
		for range n {
			if s.uniform() < p {
				k++
			}
		}
		return k
	}
	q := 1 - p
	fn := float64(n)
	if fn*p < 10 {
		u := s.uniform()
		f := exp(float64(fn * log(q)))
		c := f
		r := p / q
		var k int64
		for u > c && k < n {
			f = float64(f * (r * float64(n-k) / float64(k+1)))
			k++
			if f == 0 {
				break
			}
			c += f
		}
		return k
	}
	spq := math.Sqrt(fn * p * q)
	b := 1.15 + float64(2.53*spq)
	a := -0.0873 + float64(0.0248*b) + float64(0.01*p)
	c := float64(fn*p) + 0.5
	vr := 0.92 - 4.2/b
	alpha := (2.83 + 5.1/b) * spq
	lpq := log(p / q)
	m := math.Floor((fn + 1) * p)
	h := logFactorial(m) + logFactorial(fn-m)
	for {
		u := s.uniform() - 0.5
		v := s.uniform()
		us := 0.5 - math.Abs(u)
		k := math.Floor(float64((2*a/us+b)*u) + c)
		if k < 0 || k > fn {
			continue
		}
		if us >= 0.07 && v <= vr {
			return int64(k)
		}
		if log(v*alpha/(a/float64(us*us)+b)) <= h-logFactorial(k)-logFactorial(fn-k)+float64((k-m)*lpq) {
			return int64(k)
		}
	}
}
