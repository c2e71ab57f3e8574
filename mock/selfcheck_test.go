package mock_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
)

// A scenario with a status the spec does not list: the mock must not send it.
var notInTheSpec = mock.WithScenario("waiting", mock.Scenario{
	DigiLocker: []verification.DigiLockerStatusValue{"WAITING"},
})

func TestSelfCheck_failsLoudly(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	srv := start(t, notInTheSpec, mock.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	expectViolations(srv)
	c := plain(t, srv)
	a := c.get("/digilocker?verification_id=waiting_1")
	a.errorIs(t, 500, "internal_error", "mock_response_invalid", "")
	assert.Equal(t, "1", a.header.Get("X-Mock-Violation"))
	msg := a.json(t)["message"].(string)
	assert.Contains(t, msg, "getDigiLockerStatus")
	assert.Contains(t, msg, "$.status")

	v := srv.Violations()
	require.Len(t, v, 1)
	assert.Equal(t, mock.OpDigiLockerStatus, v[0].Operation)
	assert.Equal(t, 200, v[0].Status)
	var verr *openapi.ValidationError
	require.ErrorAs(t, v[0].Err, &verr)
	assert.Equal(t, "$.status", verr.Violations[0].Path)
	assert.Equal(t, 1, srv.Stats().Violations)
	assert.Contains(t, logs.String(), "level=ERROR")
	assert.Contains(t, logs.String(), "breaks the spec")
	// The 500 it sent instead is itself in the spec's shape.
	v2, err := openapi.DefaultValidator()
	require.NoError(t, err)
	require.NoError(t, v2.ValidateResponse(t.Context(), mock.OpDigiLockerStatus, a.status, a.header, a.body))
}

func TestSelfCheck_offSendsWhatItIsTold(t *testing.T) {
	t.Parallel()
	srv := start(t, notInTheSpec, mock.WithSelfCheck(false))
	c := plain(t, srv)
	a := c.get("/digilocker?verification_id=waiting_1")
	require.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, "WAITING", a.json(t)["status"])
	assert.Empty(t, srv.Violations())
	assert.Zero(t, srv.Stats().Checked)
}

func TestSelfCheck_countsWhatItChecked(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	for range 3 {
		c.get("/aa/fi?fi_verification_id=count")
	}
	c.get("/aa/fi") // a 400, checked too
	s := srv.Stats()
	assert.Equal(t, 4, s.Requests)
	assert.Equal(t, 4, s.Responses)
	assert.Equal(t, 4, s.Checked)
	assert.Zero(t, s.Violations)
}

// brokenValidator finds fault with every response.
type brokenValidator struct{ mock.SpecValidator }

func (brokenValidator) ValidateResponse(_ context.Context, op string, status int, _ http.Header, _ []byte) error {
	return &openapi.ValidationError{Operation: op, Kind: openapi.KindResponse, Status: status,
		Violations: []openapi.Violation{{Location: openapi.LocationBody, Path: "$", Message: "always wrong"}}}
}

func TestSelfCheck_usesTheValidatorGiven(t *testing.T) {
	t.Parallel()
	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	srv := start(t, mock.WithValidator(brokenValidator{v}))
	expectViolations(srv)
	c := plain(t, srv)
	c.get("/aa/consent?consent_verification_id=x").errorIs(t, 500, "internal_error", "mock_response_invalid", "")
	assert.Len(t, srv.Violations(), 1)
}

// The self-check validates each distinct answer once and serves the
// verdict on every later send: never skipped, never repeated.
func TestSelfCheck_validatesEachDistinctBodyOnce(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	for range 5 {
		c.get("/digilocker?verification_id=once_a") // PENDING, then AUTHENTICATED four times
	}
	s := srv.Stats()
	assert.Equal(t, 5, s.Checked, "every response passed the self-check")
	assert.Equal(t, 2, s.SelfChecks, "two distinct bodies, each validated once")

	for range 3 {
		c.get("/digilocker?verification_id=once_b") // another id: other bodies, checked on their own
	}
	s = srv.Stats()
	assert.Equal(t, 8, s.Checked)
	assert.Equal(t, 4, s.SelfChecks)

	for range 3 {
		c.get("/digilocker") // the same 400 three times
	}
	s = srv.Stats()
	assert.Equal(t, 11, s.Checked)
	assert.Equal(t, 5, s.SelfChecks)
}

func TestSelfCheck_aCachedViolationIsStillStoppedEveryTime(t *testing.T) {
	t.Parallel()
	srv := start(t, notInTheSpec)
	expectViolations(srv)
	c := plain(t, srv)
	for range 3 {
		c.get("/digilocker?verification_id=waiting_1").errorIs(t, 500, "internal_error", "mock_response_invalid", "")
	}
	assert.Len(t, srv.Violations(), 3)
	assert.Equal(t, 3, srv.Stats().Violations)
	assert.Equal(t, 1, srv.Stats().SelfChecks)
}
