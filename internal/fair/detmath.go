package fair

import "math"

// The samplers use their own exp and log instead of the math package's:
// on amd64 math.Exp chooses at run time between code with and without FMA
// instructions, and other architectures use different code again, so the
// last bit of a draw could depend on the CPU. These are plain Go, and
// every product that meets a sum is rounded on its own (the explicit
// float64 conversions forbid the compiler to fuse them), so they give the
// same bits everywhere. Both follow the classic fdlibm method: argument
// reduction by ln 2, then a minimax polynomial on a small interval.

const (
	ln2Hi  = 6.93147180369123816490e-01 // ln 2, high bits: k·ln2Hi is exact
	ln2Lo  = 1.90821492927058770002e-10 // ln 2 − ln2Hi
	log2e  = 1.44269504088896338700e+00 // 1 / ln 2
	expMax = 7.09782712893383973096e+02 // above: +Inf
	expMin = -7.45133219101941108420e+02
)

// exp returns eˣ to within 1 ulp.
func exp(x float64) float64 {
	const (
		p1 = 1.66666666666666019037e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	switch {
	case x != x: // NaN
		return x
	case x > expMax:
		return math.Inf(1)
	case x < expMin:
		return 0
	case -3.725290298461914e-09 < x && x < 3.725290298461914e-09: // |x| < 2⁻²⁸
		return 1 + x
	}
	// x = k·ln 2 + r, |r| ≤ ln2/2; int64 truncates toward zero.
	var k float64
	if x < 0 {
		k = float64(int64(float64(log2e*x) - 0.5))
	} else {
		k = float64(int64(float64(log2e*x) + 0.5))
	}
	hi := x - float64(k*ln2Hi)
	lo := float64(k * ln2Lo)
	r := hi - lo
	t := float64(r * r)
	poly := p1 + float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))
	c := r - float64(t*poly)
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	if ki := int64(k); ki >= -1022 && ki <= 1023 {
		return y * math.Float64frombits(uint64(ki+1023)<<52) // exact: a normal power of two
	}
	return math.Ldexp(y, int(k))
}

// log returns the natural logarithm of x to within 1 ulp.
func log(x float64) float64 {
	const (
		l1 = 6.666666666666735130e-01
		l2 = 3.999999999940941908e-01
		l3 = 2.857142874366239149e-01
		l4 = 2.222219843214978396e-01
		l5 = 1.818357216161805012e-01
		l6 = 1.531383769920937332e-01
		l7 = 1.479819860511658591e-01
	)
	b := math.Float64bits(x)
	if b-(1<<52) >= 0x7FE0000000000000 { // not a positive normal number
		switch {
		case x != x || math.IsInf(x, 1):
			return x
		case x < 0:
			return math.NaN()
		case x == 0:
			return math.Inf(-1)
		}
		// Subnormal: scale into the normal range first.
		return log(x*(1<<54)) - float64(54*ln2Hi) - float64(54*ln2Lo)
	}
	// x = 2ᵏ·(1+f), √2/2 ≤ 1+f < √2.
	ki := int64(b>>52) - 1023
	m := math.Float64frombits(b&(1<<52-1) | 0x3FF0000000000000) // in [1, 2)
	if m >= math.Sqrt2 {
		m *= 0.5
		ki++
	}
	f := m - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	r := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

// pow returns xʸ for 0 < x < 1, as the gamma sampler needs it.
func pow(x, y float64) float64 { return exp(float64(y * log(x))) }

// logFactorial returns ln k! for a whole k ≥ 0: from a table below 32,
// else by Stirling's series, whose first omitted term is below 1e-16 there.
func logFactorial(k float64) float64 {
	if k < float64(len(logFactorials)) {
		return logFactorials[int(k)]
	}
	const halfLog2Pi = 0.91893853320467274178
	x := k + 1
	inv := 1 / x
	inv2 := float64(inv * inv)
	series := float64(inv * (1.0/12 - float64(inv2*(1.0/360-float64(inv2*(1.0/1260-float64(inv2/1680)))))))
	return float64((x-0.5)*log(x)) - x + halfLog2Pi + series
}

// logFactorials[k] = ln k!, summed once with this file's log: a table, not
// state.
var logFactorials = func() (t [32]float64) {
	for k := 2; k < len(t); k++ {
		t[k] = t[k-1] + log(float64(k))
	}
	return t
}()
