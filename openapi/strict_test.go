package openapi

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidator_ValidateResponseStrict(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	ok := []byte(`{"verification_id": "v1", "reference_id": 1, "status": "PENDING"}`)
	drift, err := v.ValidateResponseStrict(t.Context(), "getDigiLockerStatus", 200, jsonHeader, ok)
	require.NoError(t, err)
	assert.Empty(t, drift)

	// Drift is a violation here, and still returned as findings.
	grown := []byte(`{"verification_id": "v1", "reference_id": 1, "status": "PENDING", "new_field": 1}`)
	drift, err = v.ValidateResponseStrict(t.Context(), "getDigiLockerStatus", 200, jsonHeader, grown)
	require.Len(t, drift, 1)
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), err)
	require.Len(t, verr.Violations, 1)
	assert.Equal(t, LocationDrift, verr.Violations[0].Location)
	assert.Equal(t, "$.new_field", verr.Violations[0].Path)
	// ValidateResponseAndDrift reports the same drift as a warning only.
	warn, err := v.ValidateResponseAndDrift(t.Context(), "getDigiLockerStatus", 200, jsonHeader, grown)
	require.NoError(t, err)
	assert.Equal(t, drift, warn)

	// A violation and drift together: both listed, the violation first.
	both := []byte(`{"verification_id": 5, "reference_id": 1, "status": "PENDING", "new_field": 1}`)
	_, err = v.ValidateResponseStrict(t.Context(), "getDigiLockerStatus", 200, jsonHeader, both)
	require.True(t, errors.As(err, &verr), err)
	require.Len(t, verr.Violations, 2)
	assert.Equal(t, LocationBody, verr.Violations[0].Location)
	assert.Equal(t, LocationDrift, verr.Violations[1].Location)
}

// An undocumented status with a well-formed error body is drift: a
// violation in strict mode, unless the caller tolerates that kind.
func TestValidator_ValidateResponseStrict_tolerates(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	body := []byte(`{"type": "internal_error", "code": "service_unavailable", "message": "Service is temporarily unavailable"}`)
	drift, err := v.ValidateResponseAndDrift(t.Context(), "getDataAvailability", 503, jsonHeader, body)
	require.NoError(t, err)
	require.NotEmpty(t, drift)
	assert.Equal(t, DriftUndocumentedStatus, drift[0].Kind)

	_, err = v.ValidateResponseStrict(t.Context(), "getDataAvailability", 503, jsonHeader, body)
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), err)
	assert.Equal(t, LocationDrift, verr.Violations[0].Location)

	tolerated, err := v.ValidateResponseStrict(t.Context(), "getDataAvailability", 503, jsonHeader, body, DriftUndocumentedStatus)
	require.NoError(t, err)
	assert.Equal(t, drift, tolerated, "tolerated findings are still reported")
}
