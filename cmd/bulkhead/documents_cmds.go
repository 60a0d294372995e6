package main

// documentCommands are the CLI commands of controlled documents (issue 3).
func documentCommands() []command {
	return nil
}

// documentBenches are the benchmarks of controlled documents, by name.
func documentBenches() map[string]benchFunc {
	return nil
}
