package fair

import (
	"fmt"
	"math"
	"strings"
)

// Distribution names accepted in Dist.Type.
const (
	PERTVose    = "pert_vose"    // modified (Vose) PERT: α = 1+γ(mode−min)/(max−min), β = 1+γ(max−mode)/(max−min)
	PERTClassic = "pert_classic" // classic PERT: mean (min+γ·mode+max)/(γ+2), sd (max−min)/(γ+2), α and β by moments
	Lognormal   = "lognormal"    // from a 90% interval: low is the 5th percentile, high the 95th
	Poisson     = "poisson"      // a Poisson count with the given mean
	Uniform     = "uniform"      // uniform on [min, max]
	Constant    = "constant"     // always value
)

// DefaultGamma is the PERT shape γ used when a Dist gives none: the weight
// of the mode, 4 in both PERT forms.
const DefaultGamma = 4.0

// Z95 is Φ⁻¹(0.95), the standard normal quantile that turns a lognormal's
// 90% interval into σ. It is the value riskquant uses.
const Z95 = 1.6448536269514722

var distNames = []string{PERTVose, PERTClassic, Lognormal, Poisson, Uniform, Constant}

// Dist is a distribution of one input factor, as written in the JSON input.
// Only the parameters of its Type may be set:
//
//	pert_vose, pert_classic  min, mode, max, optional gamma (default 4)
//	lognormal                low, high (5th and 95th percentiles)
//	poisson                  mean
//	uniform                  min, max
//	constant                 value
type Dist struct {
	Type  string   `json:"type"`
	Min   *float64 `json:"min,omitempty"`
	Mode  *float64 `json:"mode,omitempty"`
	Max   *float64 `json:"max,omitempty"`
	Gamma *float64 `json:"gamma,omitempty"`
	Low   *float64 `json:"low,omitempty"`
	High  *float64 `json:"high,omitempty"`
	Mean  *float64 `json:"mean,omitempty"`
	Value *float64 `json:"value,omitempty"`
}

// PERT returns a modified (Vose) PERT on [min, max] with the given mode and
// the default shape.
func PERT(min, mode, max float64) *Dist {
	return &Dist{Type: PERTVose, Min: &min, Mode: &mode, Max: &max}
}

// ClassicPERT returns a classic PERT on [min, max] with the given mode and
// the default shape.
func ClassicPERT(min, mode, max float64) *Dist {
	return &Dist{Type: PERTClassic, Min: &min, Mode: &mode, Max: &max}
}

// LognormalCI returns the lognormal whose 5th and 95th percentiles are low
// and high.
func LognormalCI(low, high float64) *Dist {
	return &Dist{Type: Lognormal, Low: &low, High: &high}
}

// PoissonDist returns a Poisson distribution with the given mean.
func PoissonDist(mean float64) *Dist { return &Dist{Type: Poisson, Mean: &mean} }

// UniformDist returns the uniform distribution on [min, max].
func UniformDist(min, max float64) *Dist { return &Dist{Type: Uniform, Min: &min, Max: &max} }

// ConstantDist returns the distribution that is always v.
func ConstantDist(v float64) *Dist { return &Dist{Type: Constant, Value: &v} }

func val(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func (d *Dist) gamma() float64 {
	if d.Gamma == nil {
		return DefaultGamma
	}
	return *d.Gamma
}

// betaShape returns the Beta(α, β) behind a PERT Dist.
func (d *Dist) betaShape() (alpha, beta float64) {
	lo, mode, hi, g := val(d.Min), val(d.Mode), val(d.Max), d.gamma()
	m := (mode - lo) / (hi - lo)
	if d.Type == PERTVose {
		return 1 + float64(g*m), 1 + float64(g*(1-m))
	}
	// Classic: normalised mean μ = (1 + γm)/(γ+2) and variance 1/(γ+2)²
	// give α and β by the method of moments.
	mu := (1 + float64(g*m)) / (g + 2)
	k := float64(mu*(1-mu)*(g+2)*(g+2)) - 1
	return mu * k, (1 - mu) * k
}

// lognormalParams returns μ and σ of the underlying normal.
func (d *Dist) lognormalParams() (mu, sigma float64) {
	lo, hi := log(val(d.Low)), log(val(d.High))
	return (lo + hi) / 2, (hi - lo) / (2 * Z95)
}

// Moments returns the distribution's mean and standard deviation in closed
// form. The Dist must be valid.
func (d *Dist) Moments() Moments {
	return Moments{Mean: d.mean(), SD: math.Sqrt(d.variance())}
}

func (d *Dist) mean() float64 {
	switch d.Type {
	case PERTVose, PERTClassic:
		lo, hi := val(d.Min), val(d.Max)
		if lo == hi {
			return lo
		}
		g := d.gamma()
		return (lo + float64(g*val(d.Mode)) + hi) / (g + 2)
	case Lognormal:
		mu, sigma := d.lognormalParams()
		return exp(mu + float64(float64(sigma*sigma)/2))
	case Poisson:
		return val(d.Mean)
	case Uniform:
		return (val(d.Min) + val(d.Max)) / 2
	default:
		return val(d.Value)
	}
}

func (d *Dist) variance() float64 {
	switch d.Type {
	case PERTVose, PERTClassic:
		lo, hi := val(d.Min), val(d.Max)
		if lo == hi {
			return 0
		}
		a, b := d.betaShape()
		w := hi - lo
		return w * w * a * b / ((a + b) * (a + b) * (a + b + 1))
	case Lognormal:
		mu, sigma := d.lognormalParams()
		s2 := float64(sigma * sigma)
		return math.Expm1(s2) * exp(float64(2*mu)+s2)
	case Poisson:
		return val(d.Mean)
	case Uniform:
		w := val(d.Max) - val(d.Min)
		return w * w / 12
	default:
		return 0
	}
}

// compile turns a valid Dist into a sampler.
func (d *Dist) compile() sampler {
	switch d.Type {
	case PERTVose, PERTClassic:
		lo, hi := val(d.Min), val(d.Max)
		if lo == hi {
			return sampler{kind: kConst, a: lo}
		}
		a, b := d.betaShape()
		return sampler{kind: kBeta, a: lo, b: hi - lo, alpha: newGammaShape(a), beta: newGammaShape(b)}
	case Lognormal:
		mu, sigma := d.lognormalParams()
		return sampler{kind: kLognormal, a: mu, b: sigma}
	case Poisson:
		return sampler{kind: kPoisson, a: val(d.Mean)}
	case Uniform:
		return sampler{kind: kUniform, a: val(d.Min), b: val(d.Max) - val(d.Min)}
	default:
		return sampler{kind: kConst, a: val(d.Value)}
	}
}

// role says what a Dist measures, which sets the values it may take.
type role int

const (
	roleFrequency   role = iota // events a year: ≥ 0, at most MaxFrequency
	roleProbability             // a probability or a strength: within [0, 1]
	roleLoss                    // money: ≥ 0, at most MaxLoss
)

// validate adds an error to fe for every problem of d, under path.
func (d *Dist) validate(path string, r role, fe fieldErrors) {
	if d == nil {
		fe.add(path, "is required")
		return
	}
	params := map[string]*float64{"min": d.Min, "mode": d.Mode, "max": d.Max, "gamma": d.Gamma, "low": d.Low, "high": d.High, "mean": d.Mean, "value": d.Value}
	var used []string
	switch d.Type {
	case PERTVose, PERTClassic:
		used = []string{"min", "mode", "max", "gamma"}
	case Lognormal:
		used = []string{"low", "high"}
	case Poisson:
		used = []string{"mean"}
	case Uniform:
		used = []string{"min", "max"}
	case Constant:
		used = []string{"value"}
	case "":
		fe.add(path+".type", "is required: one of "+strings.Join(distNames, ", "))
		return
	default:
		fe.add(path+".type", fmt.Sprintf("unknown distribution %q: use one of %s", d.Type, strings.Join(distNames, ", ")))
		return
	}
	ok := true
	for _, name := range []string{"min", "mode", "max", "gamma", "low", "high", "mean", "value"} {
		p := params[name]
		isUsed := false
		for _, u := range used {
			isUsed = isUsed || u == name
		}
		switch {
		case !isUsed && p != nil:
			fe.add(path+"."+name, "is not a parameter of "+d.Type)
			ok = false
		case isUsed && p == nil && name != "gamma":
			fe.add(path+"."+name, "is required for "+d.Type)
			ok = false
		case p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)):
			fe.add(path+"."+name, "must be a finite number")
			ok = false
		}
	}
	if !ok {
		return
	}
	// Range checks: the family's own rules, then the role's bounds.
	switch d.Type {
	case PERTVose, PERTClassic:
		if *d.Min > *d.Max {
			fe.add(path+".max", "must not be less than min")
		} else if *d.Mode < *d.Min || *d.Mode > *d.Max {
			fe.add(path+".mode", "must be between min and max")
		}
		if d.Gamma != nil && (*d.Gamma <= 0 || *d.Gamma > 1000) {
			fe.add(path+".gamma", "must be greater than 0 and at most 1000")
		}
	case Lognormal:
		if *d.Low <= 0 {
			fe.add(path+".low", "must be greater than 0")
		} else if *d.High <= *d.Low {
			fe.add(path+".high", "must be greater than low")
		}
	case Uniform:
		if *d.Min > *d.Max {
			fe.add(path+".max", "must not be less than min")
		}
	}
	var lo, hi float64
	var what string
	switch r {
	case roleFrequency:
		lo, hi, what = 0, MaxFrequency, fmt.Sprintf("a frequency: from 0 to %g events a year", float64(MaxFrequency))
	case roleLoss:
		lo, hi, what = 0, MaxLoss, fmt.Sprintf("a loss: from 0 to %g", float64(MaxLoss))
	case roleProbability:
		lo, hi, what = 0, 1, "a probability: from 0 to 1"
		if d.Type == Lognormal || d.Type == Poisson {
			fe.add(path+".type", "must be bounded within [0, 1]: use pert_vose, pert_classic, uniform or constant")
			return
		}
	}
	for _, name := range []string{"min", "mode", "max", "low", "high", "mean", "value"} {
		if p := params[name]; p != nil && (*p < lo || *p > hi) {
			if _, dup := fe[path+"."+name]; !dup {
				fe.add(path+"."+name, "must be "+what)
			}
		}
	}
}
