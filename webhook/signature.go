package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The headers Cashfree sends with every delivery.
const (
	HeaderSignature = "x-webhook-signature" // base64 HMAC-SHA256 over timestamp + raw body
	HeaderTimestamp = "x-webhook-timestamp" // Unix milliseconds
	HeaderAttempt   = "x-webhook-attempt"   // the delivery attempt, from 1
)

// DefaultTolerance is how far a delivery's timestamp may be from now, in
// either direction, unless WithTolerance says otherwise.
const DefaultTolerance = 5 * time.Minute

// Reasons Verify rejects a delivery. Errors wrap one of these: test them
// with errors.Is. None of them carries the secret or the signature.
var (
	ErrMissingSignature        = errors.New("webhook: " + HeaderSignature + " header is missing")
	ErrMissingTimestamp        = errors.New("webhook: " + HeaderTimestamp + " header is missing")
	ErrInvalidTimestamp        = errors.New("webhook: " + HeaderTimestamp + " is not Unix milliseconds")
	ErrInvalidSignature        = errors.New("webhook: " + HeaderSignature + " is not base64 of an HMAC-SHA256")
	ErrSignatureMismatch       = errors.New("webhook: signature does not match the body with any configured secret")
	ErrTimestampOutOfTolerance = errors.New("webhook: " + HeaderTimestamp + " is outside the tolerance window")
)

// Timestamp renders t as an x-webhook-timestamp value: Unix milliseconds.
func Timestamp(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// Sign returns the x-webhook-signature Cashfree would send for body at
// timestamp (an x-webhook-timestamp value), keyed with secret. It is for
// tests and for the mock; receivers call Verify.
func Sign(secret, timestamp string, body []byte) string {
	return base64.StdEncoding.EncodeToString(mac(secret, timestamp, body))
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write(body)
	return m.Sum(nil)
}

// Verifier checks deliveries against one or more secrets. It is safe for
// concurrent use.
type Verifier struct {
	secrets   [][]byte
	tolerance time.Duration
	now       func() time.Time
}

// NewVerifier returns a Verifier for the given secrets: during a key
// rotation, list the old and the new one; a signature made with any of them
// passes. Options: WithTolerance, WithClock. It fails when no secret, or an
// empty one, is given.
func NewVerifier(secrets []string, opts ...Option) (*Verifier, error) {
	cfg, err := newConfig(append([]Option{WithSecrets(secrets...)}, opts...))
	if err != nil {
		return nil, err
	}
	return cfg.verifier(), nil
}

// Verify checks one delivery: signature and timestamp are the header
// values, rawBody the body exactly as received (never re-encoded). It
// checks the headers' form, then the signature in constant time against
// every secret, then that the timestamp is within the tolerance window of
// now, in the past or the future (tolerance 0 skips that check).
func (v *Verifier) Verify(timestamp, signature string, rawBody []byte) error {
	if timestamp == "" {
		return ErrMissingTimestamp
	}
	if signature == "" {
		return ErrMissingSignature
	}
	ms, err := parseMillis(timestamp)
	if err != nil {
		return err
	}
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(got) != sha256.Size {
		return ErrInvalidSignature
	}
	matched := false
	for _, secret := range v.secrets {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(timestamp))
		m.Write(rawBody)
		// Every secret is tried, so the time taken does not tell which matched.
		if hmac.Equal(m.Sum(nil), got) {
			matched = true
		}
	}
	if !matched {
		return ErrSignatureMismatch
	}
	if v.tolerance > 0 {
		skew := v.now().Sub(time.UnixMilli(ms))
		switch {
		case skew > v.tolerance:
			return fmt.Errorf("%w: signed %s ago, tolerance %s", ErrTimestampOutOfTolerance, skew.Round(time.Second), v.tolerance)
		case -skew > v.tolerance:
			return fmt.Errorf("%w: %s in the future, tolerance %s", ErrTimestampOutOfTolerance, (-skew).Round(time.Second), v.tolerance)
		}
	}
	return nil
}

// parseMillis accepts 1 to 18 ASCII digits: no sign, no spaces, no
// exponent, and nothing that overflows when turned into a time.
func parseMillis(s string) (int64, error) {
	if len(s) > 18 {
		return 0, ErrInvalidTimestamp
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrInvalidTimestamp
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, ErrInvalidTimestamp
	}
	return n, nil
}

// Verify checks one delivery against a single secret with the default
// tolerance (DefaultTolerance) and the current time; opts may change either
// (WithTolerance(0) disables the time check) or add secrets (WithSecrets).
// See Verifier.Verify.
func Verify(secret, timestamp, signature string, rawBody []byte, opts ...Option) error {
	v, err := NewVerifier([]string{secret}, opts...)
	if err != nil {
		return err
	}
	return v.Verify(timestamp, signature, rawBody)
}

// bodySignatureMessage answers a delivery signed the older way some vendor
// pages describe (a signature field inside the body, over the sorted
// values), which this package does not verify.
const bodySignatureMessage = "webhook: " + HeaderSignature + " header is missing; the body carries a \"signature\" field, " +
	"the older body-signature scheme, which is not accepted: only the " + HeaderSignature + " header " +
	"(base64 HMAC-SHA256 over " + HeaderTimestamp + " and the raw body) is verified"

// hasBodySignature reports whether body is a JSON object with a top-level
// "signature" member. It reads an unverified body only to word a refusal.
func hasBodySignature(body []byte) bool {
	var probe struct {
		Signature json.RawMessage `json:"signature"`
	}
	return json.Unmarshal(body, &probe) == nil && len(probe.Signature) > 0
}
