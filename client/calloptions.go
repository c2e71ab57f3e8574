package client

import "net/http"

// CallOption adjusts a single call.
type CallOption func(*callConfig)

type callConfig struct {
	raw         *RawResponse
	header      http.Header
	maxAttempts *int
}

// RawResponse receives the last HTTP answer of a call, success or not, for
// callers who want the status, headers and body as they came. Body may
// contain personal data: do not log it unmasked.
type RawResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// Attempts is how many HTTP attempts the call made.
	Attempts int
}

// WithRawResponse fills r with the last HTTP answer of the call. r is left
// zero when no answer arrived (bad input, network failure).
func WithRawResponse(r *RawResponse) CallOption {
	return func(c *callConfig) { c.raw = r }
}

// WithHeader adds a header to the call's requests. It cannot set the headers
// the Client owns (x-client-id, x-client-secret, Authorization,
// x-cf-signature, x-api-version, Content-Type, User-Agent, Accept): trying
// to is an *InputError, with no request sent.
func WithHeader(key, value string) CallOption {
	return func(c *callConfig) {
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(key, value)
	}
}

// WithMaxAttempts overrides the retry policy's MaxAttempts for one call
// (0 or 1: a single attempt).
func WithMaxAttempts(n int) CallOption {
	return func(c *callConfig) { c.maxAttempts = &n }
}
