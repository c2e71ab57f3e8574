package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"strings"
	"time"
)

// RetryPolicy says how often and how patiently a call is retried.
//
// What is retried:
//   - GET operations: connection failures, attempts that time out (WithAttemptTimeout),
//     and answers 429, 500, 502, 503, 504.
//   - POST /user/data-availability: only when the request provably never
//     reached the server (it failed before a byte was written, such as a
//     refused connection), or on 429. A 5xx or a connection dropped after the
//     request was written is not retried: the server may have acted on it.
//   - Never: 400, 401, 403, 404, 409, 422, a refused redirect, a TLS
//     certificate failure, a TLS version or cipher the server will not
//     negotiate, an oversize or undecodable body, or a call whose context
//     has ended.
//
// Between attempts the client waits with exponential backoff and full
// jitter: a random duration in [0, min(MaxDelay, BaseDelay·2^(n-1))) before
// retry n. A Retry-After header (seconds or an HTTP date) replaces that wait;
// if it asks for more than MaxRetryAfter, or for more than the context has
// left, the call returns the answer at once instead of waiting (the *Error
// carries RetryAfter). The wait ends as soon as the context does.
type RetryPolicy struct {
	// MaxAttempts is the most HTTP attempts a call makes, the first
	// included. 0 and 1 both mean a single attempt: no retries.
	MaxAttempts int
	// BaseDelay is the backoff unit (zero: 500ms).
	BaseDelay time.Duration
	// MaxDelay caps the backoff before jitter (zero: 8s).
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for (zero:
	// 60s); longer requests end the call with the *Error.
	MaxRetryAfter time.Duration
}

// Defaults for zero RetryPolicy durations.
const (
	defaultBaseDelay     = 500 * time.Millisecond
	defaultMaxDelay      = 8 * time.Second
	defaultMaxRetryAfter = 60 * time.Second
)

// DefaultRetryPolicy is what New uses: 3 attempts, 500ms base delay, 8s cap,
// Retry-After honoured up to 60s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: defaultBaseDelay, MaxDelay: defaultMaxDelay, MaxRetryAfter: defaultMaxRetryAfter}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 0:
		return configError("retry policy: negative MaxAttempts %d", p.MaxAttempts)
	case p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0:
		return configError("retry policy: negative delay")
	case p.MaxDelay > 0 && p.MaxDelay < p.withDefaults().BaseDelay:
		return configError("retry policy: MaxDelay %v is below BaseDelay %v", p.MaxDelay, p.withDefaults().BaseDelay)
	}
	return nil
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.BaseDelay == 0 {
		p.BaseDelay = defaultBaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = max(defaultMaxDelay, p.BaseDelay)
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = defaultMaxRetryAfter
	}
	return p
}

// backoff is the jittered wait before retry number retry (1 for the first
// retry). jitter returns a value in [0, n).
func (p RetryPolicy) backoff(retry int, jitter func(n int64) int64) time.Duration {
	p = p.withDefaults()
	ceiling := p.BaseDelay
	for i := 1; i < retry && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(jitter(int64(ceiling)))
}

func randomJitter(n int64) int64 { return rand.Int64N(n) }

// retryableNetErr reports whether a failed attempt (no HTTP answer) may be
// tried again. wrote says whether the request was written to a connection;
// idempotent whether the operation is safe to repeat.
func retryableNetErr(ctx context.Context, err error, wrote, idempotent bool) bool {
	if ctx.Err() != nil || permanentNetErr(err) {
		return false
	}
	return idempotent || !wrote
}

// permanentNetErr reports a failure without an HTTP answer that trying again
// cannot mend: a refused redirect, an oversize body, a certificate the
// client does not trust.
func permanentNetErr(err error) bool {
	if errors.Is(err, ErrRedirectRefused) || errors.Is(err, ErrResponseTooLarge) {
		return true
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return true
	}
	return tlsNegotiationFailed(err)
}

// tlsNegotiationFailed reports a TLS handshake that cannot succeed by
// trying again: the server and the client (TLS 1.2 or newer) share no
// protocol version or no acceptable cipher suite. crypto/tls reports these
// without an exported type (a received alert is a *net.OpError "remote
// error" around an unexported alert), so the alerts are told by their
// fixed texts.
func tlsNegotiationFailed(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "remote error" && opErr.Err != nil {
		switch opErr.Err.Error() {
		case "tls: protocol version not supported", "tls: insufficient security level", "tls: handshake failure":
			return true
		}
	}
	return strings.Contains(err.Error(), "tls: server selected unsupported protocol version")
}

// retryableStatus reports whether an HTTP answer may be retried.
func retryableStatus(status int, idempotent bool) bool {
	if status == 429 {
		return true
	}
	if !idempotent {
		return false
	}
	switch status {
	case 500, 502, 503, 504:
		return true
	}
	return false
}

// sleep waits for d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
