package webhook

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fixedNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

const testSecret = "whsec_test_0123456789"

var consentBody = []byte(`{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","version":"v1","data":{"status":"SUCCESS","consent_verification_id":"a12bc34def56789"}}`)

func TestSign_matchesHMACOfTimestampAndBody(t *testing.T) {
	t.Parallel()
	// Computed independently: printf '%s%s' 1746427759733 '{"a":1}' | openssl dgst -sha256 -hmac secret -binary | base64
	got := Sign("secret", "1746427759733", []byte(`{"a":1}`))
	assert.Equal(t, "INRfeMrxw+SifS8zIW6JPIizMSQ5aiwrVgkUtjZGM50=", got)
}

func TestVerify_acceptsAndRejects(t *testing.T) {
	t.Parallel()
	ts := Timestamp(fixedNow.Add(-time.Minute))
	sig := Sign(testSecret, ts, consentBody)
	clock := WithClock(fixedClock)

	require.NoError(t, Verify(testSecret, ts, sig, consentBody, clock))

	cases := []struct {
		name            string
		secret, ts, sig string
		body            []byte
		opts            []Option
		want            error
	}{
		{"wrong secret", "other", ts, sig, consentBody, nil, ErrSignatureMismatch},
		{"body changed", testSecret, ts, sig, append([]byte(" "), consentBody...), nil, ErrSignatureMismatch},
		{"timestamp changed", testSecret, Timestamp(fixedNow), sig, consentBody, nil, ErrSignatureMismatch},
		{"signature missing", testSecret, ts, "", consentBody, nil, ErrMissingSignature},
		{"timestamp missing", testSecret, "", sig, consentBody, nil, ErrMissingTimestamp},
		{"timestamp not numeric", testSecret, "2024-02-15T16:53:15Z", sig, consentBody, nil, ErrInvalidTimestamp},
		{"timestamp signed", testSecret, "+" + ts, sig, consentBody, nil, ErrInvalidTimestamp},
		{"timestamp negative", testSecret, "-1", sig, consentBody, nil, ErrInvalidTimestamp},
		{"timestamp too long", testSecret, strings.Repeat("9", 19), sig, consentBody, nil, ErrInvalidTimestamp},
		{"signature not base64", testSecret, ts, "not base64!", consentBody, nil, ErrInvalidSignature},
		{"signature wrong length", testSecret, ts, base64.StdEncoding.EncodeToString([]byte("short")), consentBody, nil, ErrInvalidSignature},
		{"signature hex", testSecret, ts, "e8f06e55abcf7483f3249b7a992f4a2d", consentBody, nil, ErrInvalidSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(c.secret, c.ts, c.sig, c.body, append(c.opts, clock)...)
			require.ErrorIs(t, err, c.want)
			assert.NotContains(t, err.Error(), testSecret)
			assert.NotContains(t, err.Error(), sig)
		})
	}
}

func TestVerify_toleranceWindow(t *testing.T) {
	t.Parallel()
	at := func(d time.Duration) (string, string) {
		ts := Timestamp(fixedNow.Add(d))
		return ts, Sign(testSecret, ts, consentBody)
	}
	clock := WithClock(fixedClock)
	for _, c := range []struct {
		name   string
		offset time.Duration
		opts   []Option
		ok     bool
	}{
		{"4m59s old, default 5m", -(5*time.Minute - time.Second), nil, true},
		{"5m01s old, default 5m", -(5*time.Minute + time.Second), nil, false},
		{"4m59s ahead, default 5m", 5*time.Minute - time.Second, nil, true},
		{"5m01s ahead, default 5m", 5*time.Minute + time.Second, nil, false},
		{"an hour old, 2h tolerance", -time.Hour, []Option{WithTolerance(2 * time.Hour)}, true},
		{"31s old, 30s tolerance", -31 * time.Second, []Option{WithTolerance(30 * time.Second)}, false},
		{"a year old, check disabled", -365 * 24 * time.Hour, []Option{WithTolerance(0)}, true},
		{"a year ahead, check disabled", 365 * 24 * time.Hour, []Option{WithTolerance(0)}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts, sig := at(c.offset)
			err := Verify(testSecret, ts, sig, consentBody, append(c.opts, clock)...)
			if c.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrTimestampOutOfTolerance)
		})
	}
}

func TestVerifier_rotationAcceptsEverySecret(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier([]string{"old-secret", "new-secret"}, WithClock(fixedClock))
	require.NoError(t, err)
	ts := Timestamp(fixedNow)
	require.NoError(t, v.Verify(ts, Sign("old-secret", ts, consentBody), consentBody))
	require.NoError(t, v.Verify(ts, Sign("new-secret", ts, consentBody), consentBody))
	require.ErrorIs(t, v.Verify(ts, Sign("retired-secret", ts, consentBody), consentBody), ErrSignatureMismatch)
}

func TestNewVerifier_badOptions(t *testing.T) {
	t.Parallel()
	_, err := NewVerifier(nil)
	require.ErrorContains(t, err, "no secret")
	_, err = NewVerifier([]string{""})
	require.ErrorContains(t, err, "empty")
	_, err = NewVerifier([]string{"s"}, WithTolerance(-time.Second))
	require.ErrorContains(t, err, "negative")
	_, err = NewVerifier([]string{"s"}, WithClock(nil))
	require.Error(t, err)
}
