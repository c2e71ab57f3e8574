package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/cfverify/cfverify/internal/operation"
)

// errorBodyLimit is how much of a non-2xx body is read to build an *Error.
const errorBodyLimit = 64 << 10

// answer describes the 2xx answer of a call, whose body send decoded.
type answer struct {
	status      int
	contentType string
}

// attemptResult is what one HTTP attempt produced.
type attemptResult struct {
	path    string
	status  int
	header  http.Header
	body    []byte        // nil for a 2xx body decoded as it streamed in
	decErr  error         // the streamed decode failed
	wrote   bool          // the request was written to a connection
	latency time.Duration // until the body was read
	netErr  error         // no usable answer: retry may apply
	fatal   error         // failed before sending: never retried
}

// send runs one call: credential and header checks, then attempts with
// retries as the policy allows. It returns the 2xx answer or an error.
//
// out is where a 2xx body is decoded (a **T: see call). Unless the caller
// wants the raw body, the body is decoded as it streams in, never held
// whole: a large statement then needs the decoded value and little more.
func (c *Client) send(ctx context.Context, op operation.Operation, req request, opts []CallOption, out any) (answer, error) {
	if c.observer == nil {
		return c.sendAttempts(ctx, op, req, opts, out, nil)
	}
	start := time.Now()
	ctx = c.observer.StartCall(ctx, op.ID)
	var st callState
	a, err := c.sendAttempts(ctx, op, req, opts, out, &st)
	c.observer.EndCall(ctx, CallEnd{OperationID: op.ID, Attempts: st.attempts, StatusCode: st.status, Duration: time.Since(start), Err: err})
	return a, err
}

// sendAttempts is send without the observer; st, when not nil, is told
// each attempt's number and status.
func (c *Client) sendAttempts(ctx context.Context, op operation.Operation, req request, opts []CallOption, out any, st *callState) (answer, error) {
	cc := collectCallOptions(opts)
	if err := checkCallHeaders(op, cc.header); err != nil {
		return answer{}, err
	}
	if op.Auth == operation.ClientCredentials && c.clientID == "" {
		return answer{}, fmt.Errorf("cfverify: %s: %w", op.ID, ErrMissingCredentials)
	}
	maxAttempts := c.retry.MaxAttempts
	if cc.maxAttempts != nil {
		maxAttempts = *cc.maxAttempts
	}
	maxAttempts = max(maxAttempts, 1)
	policy := c.retry.withDefaults()

	// One deadline per call: the per-attempt timeout gets its own context
	// only when it ends before the caller's deadline.
	perAttempt := c.timeout
	if deadline, ok := ctx.Deadline(); ok && perAttempt > 0 && time.Until(deadline) <= perAttempt {
		perAttempt = 0
	}

	streamInto := out
	if cc.raw != nil {
		streamInto = nil // read the body whole, for RawResponse, then decode it
	}

	for attempt := 1; ; attempt++ {
		r := c.attempt(ctx, op, req, attempt, perAttempt, cc.header, streamInto)
		if st != nil && (r.fatal == nil || r.status != 0) {
			st.attempts, st.status = attempt, r.status
		}
		if r.fatal != nil {
			if r.status != 0 {
				c.logAttempt(ctx, op, r, attempt, r.fatal, false, 0)
			}
			return answer{}, r.fatal
		}
		if r.netErr == nil && cc.raw != nil {
			*cc.raw = RawResponse{StatusCode: r.status, Header: r.header, Body: r.body, Attempts: attempt}
		}

		var (
			lastErr error
			retry   bool
			wait    time.Duration
		)
		switch {
		case r.netErr != nil:
			err := r.netErr
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w (%w)", ctx.Err(), err)
			}
			lastErr = &NetworkError{Operation: op.ID, Attempts: attempt, Err: err}
			retry = attempt < maxAttempts && retryableNetErr(ctx, r.netErr, r.wrote, op.Idempotent())
			wait = policy.backoff(attempt, c.jitter)
		case r.status >= 200 && r.status < 300:
			c.logAttempt(ctx, op, r, attempt, nil, false, 0)
			a := answer{status: r.status, contentType: r.header.Get("Content-Type")}
			err := r.decErr
			if streamInto == nil {
				err = jsonv2.Unmarshal(r.body, out)
			}
			if err != nil {
				return a, &DecodeError{Operation: op.ID, StatusCode: a.status, ContentType: a.contentType, Err: err}
			}
			return a, nil
		default:
			apiErr := newError(op.ID, r.status, r.header, r.body, c.now())
			apiErr.Attempts = attempt
			lastErr = apiErr
			retry = attempt < maxAttempts && retryableStatus(r.status, op.Idempotent())
			wait = policy.backoff(attempt, c.jitter)
			if apiErr.RetryAfter > 0 {
				wait = apiErr.RetryAfter
				if wait > policy.MaxRetryAfter {
					retry = false
				}
			}
		}
		if retry {
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
				retry = false // the context would end before the next attempt
			}
		}
		if !retry {
			c.logAttempt(ctx, op, r, attempt, lastErr, false, 0)
			return answer{}, lastErr
		}
		c.logAttempt(ctx, op, r, attempt, lastErr, true, wait)
		if err := sleep(ctx, wait); err != nil {
			return answer{}, fmt.Errorf("cfverify: %s: %w while waiting to retry after: %w", op.ID, err, lastErr)
		}
	}
}

// collectCallOptions applies opts to a callConfig. Apart from send, so
// that a call without options does not put one on the heap.
func collectCallOptions(opts []CallOption) callConfig {
	if len(opts) == 0 {
		return callConfig{}
	}
	cc := new(callConfig)
	for _, opt := range opts {
		if opt != nil {
			opt(cc)
		}
	}
	return *cc
}

// logAttempt writes the debug record of one attempt. It carries no header,
// query or body: nothing in it is secret or personal.
func (c *Client) logAttempt(ctx context.Context, op operation.Operation, r attemptResult, attempt int, err error, retrying bool, retryIn time.Duration) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("operation", op.ID),
		slog.String("method", op.Method),
		slog.String("path", r.path),
		slog.Int("attempt", attempt),
		slog.Int("status", r.status),
		slog.Duration("latency", r.latency),
	}
	if id := requestID(r.header); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if retrying {
		attrs = append(attrs, slog.Duration("retry_in", retryIn))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "cfverify: http attempt", attrs...)
}
