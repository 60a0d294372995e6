package fair

import "fmt"

// SyntheticScenario returns the i-th scenario of a deterministic synthetic
// portfolio used by benchmarks and demonstrations. With perEvent, it has a
// threat capability and two to five controls (about 9 threat events a year,
// 3.5 controls); otherwise a vulnerability probability (about 3 threat
// events a year). Half the scenarios have a secondary loss.
func SyntheticScenario(i int, perEvent bool) Scenario {
	f := float64(i % 10)
	s := Scenario{
		ID:          fmt.Sprintf("S%03d", i+1),
		Name:        fmt.Sprintf("synthetic scenario %d", i+1),
		PrimaryLoss: LognormalCI(10_000*(1+f), 1_000_000*(1+f)),
	}
	if i%2 == 0 {
		s.SecondaryLoss = PERT(0, 5_000, 50_000+float64(10_000*f))
	}
	if !perEvent {
		s.TEF = PERT(0.5, 1+float64(f/4), 10)
		s.Vulnerability = PERT(0.1, 0.3+f/50, 0.6)
		return s
	}
	s.TEF = PERT(1, 4+float64(i%8), 25)
	s.ThreatCapability = PERT(0.3, 0.6, 0.95)
	for c := range 2 + i%4 {
		g := float64(c % 4)
		s.Controls = append(s.Controls, Control{
			ID:         fmt.Sprintf("C%02d", c+1),
			Difficulty: PERT(0.2+float64(0.05*g), 0.5+float64(0.05*g), 0.9),
		})
	}
	return s
}

// SyntheticInput returns a run of the first scenarios synthetic scenarios
// with the given iterations, seed 1 and the default model options.
func SyntheticInput(scenarios, iterations int, perEvent bool) *Input {
	in := &Input{Iterations: iterations, Seed: 1}
	for i := range scenarios {
		in.Scenarios = append(in.Scenarios, SyntheticScenario(i, perEvent))
	}
	return in
}
