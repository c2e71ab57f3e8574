package contractcheck

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecorder_keepAtMostCountsEverythingKeepsABoundedFew(t *testing.T) {
	t.Parallel()
	ok := Result{Operation: "getDigiLockerStatus", Method: "GET", Path: "/digilocker", Status: 200, Violations: []Finding{}, Drift: []Finding{}}
	broke := ok
	broke.Broke, broke.Violations = true, []Finding{{Message: "status: value is not one of the allowed values"}}
	fault := Result{Method: "POST", Path: "/user/data-availability", ProxyFault: "too large"}
	skipped := Result{Method: "GET", Path: "/other", Skipped: true}

	all := []Result{ok, ok, ok, broke, ok, skipped, broke, fault, broke, ok}
	rec := NewRecorder(nil).KeepAtMost(2)
	for _, r := range all {
		rec.Add(r)
	}
	kept := rec.Results()
	require.Len(t, kept, 4, "the first two, then two notable ones")
	assert.Equal(t, []Result{ok, ok, broke, broke}, kept)
	assert.Equal(t, 6, rec.Omitted())

	gotAll, gotOps := rec.Summary()
	wantAll, wantOps := Summarize(all)
	assert.Equal(t, wantAll, gotAll, "the totals count every result, kept or not")
	assert.Equal(t, wantOps, gotOps)
	assert.Equal(t, 3, gotAll.Broke)

	var b bytes.Buffer
	require.NoError(t, WriteJUnitOmitting(&b, "cfverify proxy", kept, rec.Omitted()))
	assert.Contains(t, b.String(), `name="6 further exchanges, not listed"`)
	assert.Contains(t, b.String(), `tests="5"`)

	unbounded := NewRecorder(nil)
	for _, r := range all {
		unbounded.Add(r)
	}
	assert.Len(t, unbounded.Results(), len(all), "without KeepAtMost every result is kept")
	assert.Zero(t, unbounded.Omitted())
}
