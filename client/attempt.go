package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/cfverify/cfverify/internal/operation"
)

// One HTTP attempt of a call: the request with its headers, the attempt
// deadline, and the answer read or decoded as it streams in.

// attempt makes one HTTP request and reads its answer.
func (c *Client) attempt(ctx context.Context, op operation.Operation, r request, attempt int, timeout time.Duration, extra http.Header, streamInto any) attemptResult {
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

	var actx context.Context = &attemptContext{Context: ctx, operation: op.ID, attempt: attempt}
	if timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(actx, timeout)
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
	resp, err := c.do(req)
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

// acceptJSON is the Accept header of every request; the client decodes
// only JSON. Shared: net/http does not modify header values it sends.
var acceptJSON = []string{"application/json"}
