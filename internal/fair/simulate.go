package fair

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// chunkSize is the number of iterations in one task of the worker pool.
// Every iteration has its own random streams, so how iterations are cut
// into tasks, and which worker runs which, cannot change a result.
const chunkSize = 4096

// Stream tags: one independent stream per factor of a scenario.
const (
	tagTEF uint64 = iota + 1
	tagVulnerability
	tagThreatCapability
	tagControl
	tagPrimary
	tagSecondary
)

// factorSpec is a compiled distribution and the key of its stream.
type factorSpec struct {
	s      sampler
	k1, k2 uint64
}

func newFactorSpec(d *Dist, seed, scenarioKey, tag, sub uint64) factorSpec {
	k := splitmix64(seed ^ splitmix64(scenarioKey^splitmix64(tag^splitmix64(sub))))
	return factorSpec{s: d.compile(), k1: k, k2: splitmix64(k ^ 0x6A09E667F3BCC909)}
}

// job is one scenario or what-if, compiled and validated.
type job struct {
	id, name        string
	model           Model // the options in effect, none empty
	rounded         bool  // FreqRounded
	perEventVuln    bool  // VulnPerEvent
	perYearMag      bool  // MagPerYear
	hasSecondary    bool
	tef, vuln, tc   factorSpec
	primary, second factorSpec
	controls        []factorSpec
	nControls       float64
	tolerance       *float64
	analytic        *float64
	base            int // what-ifs: index of the base scenario's job; −1 for scenarios

	samples []float64
	chunks  []eventStats
}

// eventStats accumulates yearly event counts of one chunk (Welford), to be
// merged in chunk order.
type eventStats struct{ threat, loss welford }

type welford struct{ n, mean, m2 float64 }

func (w *welford) add(x float64) {
	w.n++
	d := x - w.mean
	w.mean += d / w.n
	w.m2 += float64(d * (x - w.mean))
}

// merge combines two accumulators (Chan et al.'s parallel update).
func (w *welford) merge(o welford) {
	if o.n == 0 {
		return
	}
	n := w.n + o.n
	d := o.mean - w.mean
	w.mean += float64(d*o.n) / n
	w.m2 += o.m2 + float64(d*d*w.n*o.n)/n
	w.n = n
}

func (w welford) moments() Moments {
	m := Moments{Mean: w.mean}
	if w.n > 1 {
		m.SD = math.Sqrt(w.m2 / (w.n - 1))
	}
	return m
}

// plan is a validated input ready to run.
type plan struct {
	in        *Input
	model     Model
	dep       string
	pcts      []float64
	scenarios []*job
	whatIfs   []*job
}

// plan validates the input and compiles it. Every problem is reported at
// once, as a *ValidationError.
func (in *Input) plan() (*plan, error) {
	fe := fieldErrors{}
	if in.Iterations <= 0 || in.Iterations > MaxIterations {
		fe.add("iterations", fmt.Sprintf("must be from 1 to %d", MaxIterations))
	}
	in.Model.validate("model", fe)
	if msg := oneOf(in.Dependence, Independent, SharedStream); msg != "" {
		fe.add("dependence", msg)
	}
	validTolerance("tolerance", in.Tolerance, fe)
	if len(in.Percentiles) > 1000 {
		fe.add("percentiles", "must list at most 1000 percentiles")
	}
	for i, p := range in.Percentiles {
		if !(p >= 0 && p <= 100) {
			fe.add(fmt.Sprintf("percentiles[%d]", i), "must be from 0 to 100")
		}
	}
	if len(in.Scenarios) == 0 {
		fe.add("scenarios", "must list at least one scenario")
	}
	if in.Iterations > 0 && len(in.Scenarios)+len(in.WhatIf) > 0 {
		if total := int64(in.Iterations) * int64(len(in.Scenarios)+len(in.WhatIf)); total > MaxSamples {
			fe.add("iterations", fmt.Sprintf("times the number of scenarios and what-ifs (%d) must be at most %d", len(in.Scenarios)+len(in.WhatIf), MaxSamples))
		}
	}
	p := &plan{in: in, model: in.Model.merge(defaultModel), dep: in.Dependence, pcts: in.Percentiles}
	if p.dep == "" {
		p.dep = Independent
	}
	if p.pcts == nil {
		p.pcts = DefaultPercentiles
	}
	byID := map[string]int{}
	vulnModels := make([]string, len(in.Scenarios))
	baseOK := make([]bool, len(in.Scenarios))
	for i := range in.Scenarios {
		s := &in.Scenarios[i]
		path := fmt.Sprintf("scenarios[%d]", i)
		before := len(fe)
		vulnModels[i] = validateScenario(path, s, s.Model.merge(p.model), fe)
		if _, dup := byID[s.ID]; dup && s.ID != "" {
			fe.add(path+".id", fmt.Sprintf("repeats scenario %q", s.ID))
		} else if s.ID != "" {
			byID[s.ID] = i
		}
		baseOK[i] = len(fe) == before
	}
	whatIfIDs := map[string]bool{}
	merged := make([]Scenario, len(in.WhatIf))
	for i := range in.WhatIf {
		w := &in.WhatIf[i]
		path := fmt.Sprintf("what_if[%d]", i)
		switch {
		case w.ID == "":
			fe.add(path+".id", "is required")
		case whatIfIDs[w.ID]:
			fe.add(path+".id", fmt.Sprintf("repeats what-if %q", w.ID))
		}
		whatIfIDs[w.ID] = true
		for _, f := range []struct {
			name string
			d    *Dist
			r    role
		}{{"tef", w.TEF, roleFrequency}, {"vulnerability", w.Vulnerability, roleProbability}, {"threat_capability", w.ThreatCapability, roleProbability}, {"primary_loss", w.PrimaryLoss, roleLoss}, {"secondary_loss", w.SecondaryLoss, roleLoss}} {
			if f.d != nil {
				f.d.validate(path+"."+f.name, f.r, fe)
			}
		}
		seen := map[string]bool{}
		for j := range w.Controls {
			c := &w.Controls[j]
			cp := fmt.Sprintf("%s.controls[%d]", path, j)
			switch {
			case c.ID == "":
				fe.add(cp+".id", "is required")
			case seen[c.ID]:
				fe.add(cp+".id", fmt.Sprintf("repeats control %q", c.ID))
			}
			seen[c.ID] = true
			c.Difficulty.validate(cp+".difficulty", roleProbability, fe)
		}
		bi, ok := byID[w.Scenario]
		if w.Scenario == "" {
			fe.add(path+".scenario", "is required: the ID of the scenario to change")
			continue
		} else if !ok {
			fe.add(path+".scenario", fmt.Sprintf("names no scenario: %q", w.Scenario))
			continue
		}
		base := &in.Scenarios[bi]
		for j, id := range w.RemoveControls {
			if !slices.ContainsFunc(base.Controls, func(c Control) bool { return c.ID == id }) {
				fe.add(fmt.Sprintf("%s.remove_controls[%d]", path, j), fmt.Sprintf("names no control of scenario %q", base.ID))
			}
		}
		if !baseOK[bi] {
			continue
		}
		merged[i] = w.apply(base)
		m := base.Model.merge(p.model)
		m.Vulnerability = vulnModels[bi] // a what-if keeps its base's model
		validateVulnerability(path, &merged[i], m, fe, false)
	}
	if err := fe.err(); err != nil {
		return nil, err
	}

	for i := range in.Scenarios {
		s := &in.Scenarios[i]
		m := s.Model.merge(p.model)
		m.Vulnerability = vulnModels[i]
		tol := s.Tolerance
		if tol == nil {
			tol = in.Tolerance
		}
		p.scenarios = append(p.scenarios, p.compile(s, s.ID, s.Name, m, tol, -1))
	}
	for i := range in.WhatIf {
		w := &in.WhatIf[i]
		base := p.scenarios[byID[w.Scenario]]
		p.whatIfs = append(p.whatIfs, p.compile(&merged[i], w.ID, w.Name, base.model, base.tolerance, byID[w.Scenario]))
	}
	return p, nil
}

// compile builds the job of a valid scenario. Its streams are keyed by the
// scenario's ID, so a what-if (which keeps its base's ID) draws the same
// numbers as its base wherever their inputs agree.
func (p *plan) compile(s *Scenario, id, name string, m Model, tol *float64, base int) *job {
	var key uint64
	if p.dep == Independent {
		key = hashString(s.ID)
	}
	seed := p.in.Seed
	j := &job{
		id: id, name: name, model: m, base: base, tolerance: tol,
		rounded:      m.Frequency == FreqRounded,
		perEventVuln: m.Vulnerability == VulnPerEvent,
		perYearMag:   m.Magnitude == MagPerYear,
		tef:          newFactorSpec(s.TEF, seed, key, tagTEF, 0),
		primary:      newFactorSpec(s.PrimaryLoss, seed, key, tagPrimary, 0),
	}
	if s.SecondaryLoss != nil {
		j.hasSecondary = true
		j.second = newFactorSpec(s.SecondaryLoss, seed, key, tagSecondary, 0)
	}
	if j.perEventVuln {
		j.tc = newFactorSpec(s.ThreatCapability, seed, key, tagThreatCapability, 0)
		for _, c := range s.Controls {
			j.controls = append(j.controls, newFactorSpec(c.Difficulty, seed, key, tagControl, hashString(c.ID)))
		}
		j.nControls = float64(len(j.controls))
	} else {
		j.vuln = newFactorSpec(s.Vulnerability, seed, key, tagVulnerability, 0)
	}
	j.analytic = analyticMean(s, m)
	return j
}

// analyticMean returns E[annual loss] = E[threat events]·P(loss | threat
// event)·E[loss per event] when each factor has a closed form, else nil.
func analyticMean(s *Scenario, m Model) *float64 {
	var events float64
	switch {
	case m.Frequency == FreqPoisson:
		events = s.TEF.mean()
	case s.TEF.Type == Poisson:
		events = s.TEF.mean()
	case s.TEF.variance() == 0:
		events = math.RoundToEven(s.TEF.mean())
	default:
		return nil // E[round(X)] has no closed form for a continuous X
	}
	var pv float64
	if m.Vulnerability == VulnProbability {
		pv = s.Vulnerability.mean()
	} else {
		if s.ThreatCapability.variance() != 0 {
			return nil
		}
		var sum float64
		for _, c := range s.Controls {
			if c.Difficulty.variance() != 0 {
				return nil
			}
			sum += c.Difficulty.mean()
		}
		if s.ThreatCapability.mean() > sum/float64(len(s.Controls)) {
			pv = 1
		}
	}
	lm := s.PrimaryLoss.mean()
	if s.SecondaryLoss != nil {
		lm += s.SecondaryLoss.mean()
	}
	r := events * pv * lm
	return &r
}

// factor is a factorSpec's stream inside one task.
type factor struct {
	spec *factorSpec
	st   *stream
}

func newFactor(spec *factorSpec) factor { return factor{spec: spec, st: newStream()} }

// seed points the stream at iteration it.
func (f *factor) seed(it int) *stream {
	f.st.pcg.Seed(f.spec.k1, splitmix64(f.spec.k2+uint64(it)))
	return f.st
}

// run simulates iterations [lo, hi) into j.samples and returns the counts'
// statistics. It allocates its streams once; the loop allocates nothing.
func (j *job) run(ctx context.Context, lo, hi int) (eventStats, error) {
	var es eventStats
	tef, vuln, tc := newFactor(&j.tef), newFactor(&j.vuln), newFactor(&j.tc)
	primary, second := newFactor(&j.primary), newFactor(&j.second)
	controls := make([]factor, len(j.controls))
	for c := range controls {
		controls[c] = newFactor(&j.controls[c])
	}
	for it := lo; it < hi; it++ {
		if it&255 == 0 && ctx.Err() != nil {
			return es, ctx.Err()
		}
		// Threat events.
		st := tef.seed(it)
		rate := j.tef.s.draw(st)
		if !(rate <= MaxFrequency) {
			return es, j.tooMany(it, rate)
		}
		var n int64
		if j.rounded {
			n = int64(math.RoundToEven(rate))
		} else {
			n = st.poisson(rate)
		}
		// Loss events.
		var losses int64
		switch {
		case n == 0:
		case j.perEventVuln:
			tcs := tc.seed(it)
			for c := range controls {
				controls[c].seed(it)
			}
			for range n {
				capability := j.tc.s.draw(tcs)
				var sum float64
				for c := range controls {
					sum += controls[c].spec.s.draw(controls[c].st)
				}
				if capability > sum/j.nControls {
					losses++
				}
			}
		default:
			vs := vuln.seed(it)
			losses = vs.binomial(n, j.vuln.s.draw(vs))
		}
		// Magnitude.
		var loss float64
		if losses > 0 {
			ps := primary.seed(it)
			var ss *stream
			if j.hasSecondary {
				ss = second.seed(it)
			}
			if j.perYearMag {
				m := j.primary.s.draw(ps)
				if j.hasSecondary {
					m += j.second.s.draw(ss)
				}
				loss = float64(losses) * m
			} else {
				for range losses {
					loss += j.primary.s.draw(ps)
					if j.hasSecondary {
						loss += j.second.s.draw(ss)
					}
				}
			}
			if loss > math.MaxFloat64 {
				return es, fmt.Errorf("fair: scenario %q, iteration %d: the annual loss overflowed float64; narrow the loss distributions", j.id, it)
			}
		}
		j.samples[it] = loss + 0 // +0 turns a −0 loss into +0, which sortLosses needs
		es.threat.add(float64(n))
		es.loss.add(float64(losses))
	}
	return es, nil
}

func (j *job) tooMany(it int, rate float64) error {
	return fmt.Errorf("fair: scenario %q, iteration %d: the TEF drew %g threat events in a year, more than the limit of %d; narrow the TEF distribution", j.id, it, rate, MaxFrequency)
}

// Simulate validates the input and runs it on a pool of workers goroutines
// (GOMAXPROCS when workers ≤ 0). The output depends only on the input: not
// on workers, scheduling or the machine (of the same GOARCH, where the
// math library's rounding is the same). An invalid input returns a
// *ValidationError before anything is simulated.
func Simulate(ctx context.Context, in *Input, workers int) (*Output, error) {
	p, err := in.plan()
	if err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := in.Iterations
	chunks := (n + chunkSize - 1) / chunkSize
	jobs := append(slices.Clone(p.scenarios), p.whatIfs...)
	for _, j := range jobs {
		j.samples = make([]float64, n)
		j.chunks = make([]eventStats, chunks)
	}

	// 1. Simulate, a chunk of one job per task.
	err = parallel(ctx, workers, len(jobs)*chunks, func(_, t int) error {
		j, c := jobs[t/chunks], t%chunks
		lo := c * chunkSize
		es, err := j.run(ctx, lo, min(lo+chunkSize, n))
		j.chunks[c] = es
		return err
	})
	if err != nil {
		return nil, err
	}

	// 2. Portfolio sums and what-if differences, on the unsorted samples.
	var portfolio []float64
	if len(p.scenarios) > 1 {
		portfolio = make([]float64, n)
		err = parallel(ctx, workers, chunks, func(_, c int) error {
			for i := c * chunkSize; i < min((c+1)*chunkSize, n); i++ {
				var sum float64
				for _, j := range p.scenarios { // in input order: the same sum every run
					sum += j.samples[i]
				}
				portfolio[i] = sum
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	diffs := make([]Moments, len(p.whatIfs))
	for w, j := range p.whatIfs {
		before := p.scenarios[j.base].samples
		var sum float64
		for i, a := range j.samples {
			sum += a - before[i]
		}
		mean := sum / float64(n)
		var ss float64
		for i, a := range j.samples {
			d := a - before[i] - mean
			ss += float64(d * d)
		}
		diffs[w].Mean = mean
		if n > 1 {
			diffs[w].SD = math.Sqrt(ss / float64(n-1))
		}
	}

	// 3. Sort and summarise every sample.
	samples := make([][]float64, 0, len(jobs)+1)
	tols := make([]*float64, 0, len(jobs)+1)
	for _, j := range jobs {
		samples = append(samples, j.samples)
		tols = append(tols, j.tolerance)
	}
	if portfolio != nil {
		samples = append(samples, portfolio)
		tols = append(tols, in.Tolerance)
	}
	summaries := make([]Summary, len(samples))
	scratch := make([][]float64, workers)
	err = parallel(ctx, workers, len(samples), func(w, t int) error {
		if scratch[w] == nil {
			scratch[w] = make([]float64, n)
		}
		sortLosses(samples[t], scratch[w])
		summaries[t] = summarize(samples[t], p.pcts, tols[t])
		return nil
	})
	if err != nil {
		return nil, err
	}

	out := &Output{
		Iterations: n, Seed: in.Seed, Model: p.model, Dependence: p.dep,
		Generator: Generator, PercentileMethod: PercentileMethod,
	}
	counts := func(j *job) (Moments, Moments) {
		var t, l welford
		for _, c := range j.chunks {
			t.merge(c.threat)
			l.merge(c.loss)
		}
		return t.moments(), l.moments()
	}
	for i, j := range p.scenarios {
		te, le := counts(j)
		out.Scenarios = append(out.Scenarios, ScenarioResult{
			ID: j.id, Name: j.name, Model: j.model, ThreatEvents: te, LossEvents: le,
			AnnualLoss: summaries[i], AnalyticMean: j.analytic,
		})
	}
	if portfolio != nil {
		out.Portfolio = &summaries[len(summaries)-1]
	}
	for w, j := range p.whatIfs {
		before, after := summaries[j.base], summaries[len(p.scenarios)+w]
		_, le := counts(j)
		ch := Change{Mean: diffs[w].Mean, StdErr: diffs[w].SD / math.Sqrt(float64(n)), Percentiles: make([]Quantile, len(after.Percentiles))}
		for k := range after.Percentiles {
			ch.Percentiles[k] = Quantile{Percent: after.Percentiles[k].Percent, Loss: after.Percentiles[k].Loss - before.Percentiles[k].Loss}
		}
		if after.ProbExceedTolerance != nil {
			d := *after.ProbExceedTolerance - *before.ProbExceedTolerance
			ch.ProbExceedTolerance = &d
		}
		out.WhatIf = append(out.WhatIf, WhatIfResult{
			ID: j.id, Name: j.name, Scenario: p.scenarios[j.base].id, Model: j.model,
			LossEvents: le, Before: before, After: after, AnalyticMean: j.analytic, Change: ch,
		})
	}
	return out, nil
}

// parallel runs fn(worker, task) for tasks 0..n−1 on at most workers
// goroutines. Tasks write to disjoint memory, so the order they run in does
// not matter. It returns ctx's error, or else the error of the lowest
// failing task.
func parallel(ctx context.Context, workers, n int, fn func(worker, task int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers, n) {
		wg.Go(func() {
			for {
				t := int(next.Add(1) - 1)
				if t >= n || ctx.Err() != nil {
					return
				}
				errs[t] = fn(w, t)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
