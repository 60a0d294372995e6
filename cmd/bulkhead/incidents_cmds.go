package main

// incidentCommands are the CLI commands of security incidents (issue 7).
func incidentCommands() []command {
	return nil
}

// incidentBenches are the benchmarks of security incidents, by name.
func incidentBenches() map[string]benchFunc {
	return nil
}
