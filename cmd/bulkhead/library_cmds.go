package main

// libraryCommands are the CLI commands of requirement libraries and compliance assessments (issue 5).
func libraryCommands() []command {
	return []command{}
}

// libraryBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func libraryBenches() map[string]benchFunc {
	return nil
}
