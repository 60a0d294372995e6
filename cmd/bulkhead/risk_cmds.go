package main

// riskCommands are the CLI commands of security risk assessment and treatment (issue 4).
func riskCommands() []command {
	return []command{
		{"risk simulate", "run the quantitative (FAIR-style) Monte Carlo engine on a JSON input", cmdRiskSimulate},
	}
}

// riskBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func riskBenches() map[string]benchFunc {
	return nil
}
