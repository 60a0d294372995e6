package main

// custodyCommands are the CLI commands of chain of custody and cargo security (issue 6).
func custodyCommands() []command {
	return []command{
		{"epcis hash", "print the CBV 2.0 event hash ID of each event in an EPCIS document", cmdEPCISHash},
	}
}

// custodyBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func custodyBenches() map[string]benchFunc {
	return map[string]benchFunc{
		"epcis-capture": benchEPCISCapture,
		"epcis-query":   benchEPCISQuery,
	}
}
