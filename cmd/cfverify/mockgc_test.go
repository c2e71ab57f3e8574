package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTuneMockGC_setsItsTargetUnlessGOGCIsSet(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(oldLimit)

	assert.False(t, tuneMockGC(func(k string) string {
		switch k {
		case "GOGC":
			return "150"
		case "GOMEMLIMIT":
			return "1GiB"
		}
		return ""
	}))
	assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC set: left alone")
	assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "GOMEMLIMIT set: left alone")

	assert.True(t, tuneMockGC(func(string) string { return "" }))
	assert.Equal(t, mockGCPercent, debug.SetGCPercent(100))
	assert.Equal(t, int64(mockMemoryLimit), debug.SetMemoryLimit(-1))
}
