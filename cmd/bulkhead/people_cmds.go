package main

// peopleCommands are the CLI commands of the people register (issue 3).
func peopleCommands() []command {
	return nil
}

// peopleBenches are the benchmarks of the people register, by name.
func peopleBenches() map[string]benchFunc {
	return nil
}
