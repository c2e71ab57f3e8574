package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTuneMockGC_setsItsTargetUnlessGOGCIsSet(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)

	assert.False(t, tuneMockGC(func(k string) string {
		if k == "GOGC" {
			return "150"
		}
		return ""
	}))
	assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC set: left alone")

	assert.True(t, tuneMockGC(func(string) string { return "" }))
	assert.Equal(t, mockGCPercent, debug.SetGCPercent(100))
}
