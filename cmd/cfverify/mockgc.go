package main

import "runtime/debug"

// mockGCPercent is the collector's target for `cfverify mock` (Go's
// default is 100). The mock allocates a little per request and keeps
// little alive, so at the default it collects often: BenchmarkMockDataAvailability
// spent about an eighth of its CPU more per request at GOGC=100 than at
// 400. The price is a heap up to five times the live data, a few tens of
// MiB for a mock in a test run.
const mockGCPercent = 400

// tuneMockGC sets mockGCPercent unless the user chose with GOGC, and says
// whether it did.
func tuneMockGC(getenv func(string) string) bool {
	if getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(mockGCPercent)
	return true
}
