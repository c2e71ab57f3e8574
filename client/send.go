package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/cfverify/cfverify/internal/operation"
)

// errorBodyLimit is how much of a non-2xx body is read to build an *Error.
const errorBodyLimit = 64 << 10

// protectedHeaders are set by the Client and cannot be set with WithHeader.
var protectedHeaders = map[string]bool{
	"X-Client-Id": true, "X-Client-Secret": true, "Authorization": true, "X-Cf-Signature": true,
	"X-Api-Version": true, "Content-Type": true, "Content-Length": true, "Host": true,
	"User-Agent": true, "Accept": true, // WithUserAgent sets the first; the client decodes only JSON
}

// validHeaderName reports whether name is an HTTP field name (RFC 9110
// token), which net/http would otherwise refuse only when sending.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isHeaderControl reports a character a field value must not hold:
// controls other than tab (CR and LF would split the header), and DEL.
func isHeaderControl(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }

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
	cc := collectCallOptions(opts)
	for name, values := range cc.header {
		canonical := http.CanonicalHeaderKey(name)
		if !validHeaderName(name) {
			return answer{}, &InputError{Operation: op.ID, Field: "header " + strconv.Quote(truncate(name, 64)), Rule: "name must be a non-empty HTTP token (letters, digits and !#$%&'*+-.^_`|~)"}
		}
		if protectedHeaders[canonical] {
			return answer{}, &InputError{Operation: op.ID, Field: "header " + canonical, Rule: "is set by the client and cannot be overridden"}
		}
		for _, v := range values {
			if strings.IndexFunc(v, isHeaderControl) >= 0 {
				return answer{}, &InputError{Operation: op.ID, Field: "header " + canonical, Rule: "value must be on one line, without control characters"}
			}
		}
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
		r := c.attempt(ctx, op, req, perAttempt, cc.header, streamInto)
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

// attempt makes one HTTP request and reads its answer.
func (c *Client) attempt(ctx context.Context, op operation.Operation, r request, timeout time.Duration, extra http.Header, streamInto any) attemptResult {
	var sig string
	if op.Auth == operation.ClientCredentials && c.publicKey != nil {
		s, err := sign(c.publicKey, c.clientID, c.now())
		if err != nil {
			return attemptResult{fatal: fmt.Errorf("cfverify: %s: sign request: %w", op.ID, err)}
		}
		sig = s
	}
	req, err := newRequest(op, c.server, r, c.apiVersion, sig)
	if err != nil {
		return attemptResult{fatal: fmt.Errorf("cfverify: %s: build request: %w", op.ID, err)}
	}
	for name, values := range extra {
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	// Canonical keys set directly: Header.Set would canonicalise each again.
	switch op.Auth {
	case operation.ClientCredentials:
		req.Header["X-Client-Id"] = []string{c.clientID}
		req.Header["X-Client-Secret"] = []string{c.clientSecret}
	case operation.Bearer:
		req.Header["Authorization"] = []string{"Bearer " + r.bearer}
	}
	req.Header["User-Agent"] = c.userAgentHeader
	req.Header["Accept"] = acceptJSON

	actx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	// Whether the request reached a connection matters only to retrying a
	// call that is not idempotent; tracing it costs four allocations, so
	// only those calls pay for it.
	var wrote *atomic.Bool
	if !op.Idempotent() {
		wrote = new(atomic.Bool)
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) }}
		actx = httptrace.WithClientTrace(actx, trace)
	}
	req = req.WithContext(actx)

	res := attemptResult{path: req.URL.Path}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		res.netErr, res.latency = err, time.Since(start)
		res.wrote = wrote == nil || wrote.Load() // idempotent: assume written, retrying is safe anyway
		return res
	}
	defer func() { _ = resp.Body.Close() }()
	res.status, res.header, res.wrote = resp.StatusCode, resp.Header, true

	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && streamInto != nil:
		if resp.ContentLength > c.maxResponseBytes {
			err = ErrResponseTooLarge
		} else {
			body := &cappedReader{r: resp.Body, left: c.maxResponseBytes}
			res.decErr = jsonv2.UnmarshalRead(body, streamInto)
			if res.decErr != nil && body.err == nil {
				// Read on to the limit: a body too large is reported as such,
				// whatever its first bytes were.
				_, _ = io.Copy(io.Discard, body)
			}
			err = body.err
		}
		if errors.Is(err, ErrResponseTooLarge) {
			res.fatal = fmt.Errorf("cfverify: %s: HTTP %d: %w (limit %d bytes)", op.ID, resp.StatusCode, err, c.maxResponseBytes)
			return res
		}
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		res.body, err = readCapped(resp, c.maxResponseBytes)
		if errors.Is(err, ErrResponseTooLarge) {
			res.fatal = fmt.Errorf("cfverify: %s: HTTP %d: %w (limit %d bytes)", op.ID, resp.StatusCode, err, c.maxResponseBytes)
			return res
		}
	default:
		res.body, err = io.ReadAll(io.LimitReader(resp.Body, min(errorBodyLimit, c.maxResponseBytes)))
	}
	res.latency = time.Since(start)
	if err != nil {
		res.netErr = fmt.Errorf("read response body: %w", err)
	}
	return res
}

// cappedReader reads at most left bytes and keeps the first error of the
// underlying reader other than io.EOF (a network failure, not a decode
// error), or ErrResponseTooLarge once the body goes past the limit.
type cappedReader struct {
	r    io.Reader
	left int64
	err  error
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.left <= 0 {
		// At the limit: one more byte means the body is too large.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			c.err = ErrResponseTooLarge
			return 0, c.err
		}
		if err != nil && err != io.EOF {
			c.err = err
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// readCapped reads a body of at most limit bytes, without reading more than
// limit+1 of a longer one. A body with a Content-Length is read into one
// buffer of that size (+1 to see the end without growing): io.ReadAll's
// growing buffer allocated about 2.5 times a large statement's size and
// held up to twice its size at once.
func readCapped(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, ErrResponseTooLarge
	}
	size := 512
	if resp.ContentLength > 0 {
		size = int(resp.ContentLength) + 1
	}
	body, err := readAllInto(make([]byte, 0, size), io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, ErrResponseTooLarge
	}
	return body, nil
}

// readAllInto is io.ReadAll appending to buf, which it grows only when full.
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
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

// acceptJSON is the Accept header of every request; the client decodes
// only JSON. Shared: net/http does not modify header values it sends.
var acceptJSON = []string{"application/json"}
