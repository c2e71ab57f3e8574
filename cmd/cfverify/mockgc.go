package main

import (
	"math"
	"runtime/debug"
)

// mockGCPercent is the collector's target for `cfverify mock` (Go's
// default is 100). The mock allocates a little per request and keeps
// little alive, so at the default it collects often: BenchmarkMockDataAvailability
// spent about an eighth of its CPU more per request at GOGC=100 than at
// 400. The price is a heap up to five times the live data, a few tens of
// MiB for a mock in a test run.
const mockGCPercent = 400

// mockMemoryLimit is the soft memory limit of `cfverify mock`: with
// mockGCPercent alone, a mock holding its full record cap
// (mock.DefaultMaxRecords) and caches would grow to five times that live
// data; past this limit the collector runs sooner instead. It is soft: a
// mock whose live data needs more still gets it.
const mockMemoryLimit = 256 << 20

// tuneMockGC sets mockGCPercent unless the user chose with GOGC, and
// mockMemoryLimit unless the user chose with GOMEMLIMIT; it says whether
// it set the percentage.
func tuneMockGC(getenv func(string) string) bool {
	if getenv("GOMEMLIMIT") == "" && debug.SetMemoryLimit(-1) == math.MaxInt64 {
		debug.SetMemoryLimit(mockMemoryLimit)
	}
	if getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(mockGCPercent)
	return true
}
