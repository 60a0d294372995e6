package main

// registerCommands are the CLI commands of the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3).
func registerCommands() []command {
	return []command{}
}

// registerBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func registerBenches() map[string]benchFunc {
	return nil
}
