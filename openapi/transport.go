package openapi

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
)

// TransportMode says what a ValidatingTransport does with a violation.
type TransportMode int

const (
	// ModeRecord lets every call through and records its violations, for a
	// test to assert on with Violations or Err. It is the default.
	ModeRecord TransportMode = iota
	// ModeFail records violations too, and fails the call: a request that
	// breaks the spec is not sent, and a response that breaks it is
	// replaced by an error. The error is a *ValidationError (http.Client
	// wraps it in a *url.Error; errors.As finds it).
	ModeFail
)

// TransportOption configures a ValidatingTransport.
type TransportOption func(*ValidatingTransport)

// WithValidator validates against v instead of DefaultValidator's embedded spec.
func WithValidator(v *Validator) TransportOption {
	return func(t *ValidatingTransport) { t.validator = v }
}

// WithMode chooses between recording violations (ModeRecord, the default)
// and failing the call (ModeFail).
func WithMode(m TransportMode) TransportOption {
	return func(t *ValidatingTransport) { t.mode = m }
}

// WithStrictDrift makes drift a violation: each DriftFinding of a response
// joins its *ValidationError as a Violation with Location "drift", so that
// ModeFail fails the call and Err reports it. Without it drift is a warning:
// recorded (DriftFindings) and logged, never an error.
func WithStrictDrift() TransportOption {
	return func(t *ValidatingTransport) { t.strictDrift = true }
}

// WithLogger logs drift warnings to l (slog.Default() unless set; nil
// silences them). Log lines carry the operation, status, kind and JSON
// path, never a body or a header value.
func WithLogger(l *slog.Logger) TransportOption {
	return func(t *ValidatingTransport) { t.logger = l }
}

// ValidatingTransport is an http.RoundTripper that checks every request it
// sends and every response it receives against the spec. It reads each body
// once into memory, validates those bytes, and hands the same bytes on, so
// the server and the caller see exactly what they would without it.
//
// Wrap the transport of any client: the generated one, the hand-written
// one, or your own. It is safe for concurrent use.
type ValidatingTransport struct {
	base        http.RoundTripper
	validator   *Validator
	mode        TransportMode
	strictDrift bool
	logger      *slog.Logger
	initErr     error

	mu         sync.Mutex
	violations []*ValidationError
	drift      []DriftFinding
}

// NewValidatingTransport wraps base (http.DefaultTransport when nil).
func NewValidatingTransport(base http.RoundTripper, opts ...TransportOption) *ValidatingTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	t := &ValidatingTransport{base: base, mode: ModeRecord, logger: slog.Default()}
	for _, opt := range opts {
		opt(t)
	}
	if t.validator == nil {
		t.validator, t.initErr = DefaultValidator()
	}
	return t
}

// Violations returns a copy of the violations recorded so far, one
// *ValidationError per request or response that broke the spec, in order.
func (t *ValidatingTransport) Violations() []*ValidationError {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*ValidationError(nil), t.violations...)
}

// DriftFindings returns a copy of the drift found in responses so far.
func (t *ValidatingTransport) DriftFindings() []DriftFinding {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]DriftFinding(nil), t.drift...)
}

// Err joins every recorded violation into one error, or returns nil: in a
// test, require.NoError(t, transport.Err()) after the calls.
func (t *ValidatingTransport) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	errs := make([]error, len(t.violations))
	for i, v := range t.violations {
		errs[i] = v
	}
	return errors.Join(errs...)
}

// Reset forgets what was recorded.
func (t *ValidatingTransport) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.violations, t.drift = nil, nil
}

func (t *ValidatingTransport) record(err *ValidationError, drift []DriftFinding) {
	if err == nil && len(drift) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.violations = append(t.violations, err)
	}
	t.drift = append(t.drift, drift...)
}

// RoundTrip validates req, sends it through the wrapped transport, and
// validates the response.
func (t *ValidatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.initErr != nil {
		closeBody(req)
		return nil, t.initErr
	}
	ctx := req.Context()

	// The request: read its body once, validate, send the same bytes.
	out := req
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		out = new(http.Request)
		*out = *req // RoundTrippers must not change the caller's request
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}
	route, params := t.validator.find(req.Method, req.URL.Path)
	opID, known := "", route != nil
	if known {
		opID = route.id
	}
	if err := asValidationError(t.validator.validateRequest(ctx, route, params, out, body)); err != nil {
		t.record(err, nil)
		if t.mode == ModeFail {
			return nil, err
		}
	}

	resp, err := t.base.RoundTrip(out)
	if err != nil || resp == nil || !known || req.Method == http.MethodHead {
		return resp, err
	}

	// The response: read once, hand the same bytes back, validate them.
	data, readErr := readBody(resp)
	if readErr != nil {
		// The caller gets what arrived, then the same error; nothing to validate.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{readErr}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))

	var verr *ValidationError
	var drift []DriftFinding
	if t.strictDrift {
		verr, drift = t.validator.checkStrict(ctx, opID, resp.StatusCode, resp.Header, data)
	} else {
		verr, drift = t.validator.checkResponse(ctx, opID, resp.StatusCode, resp.Header, data, true)
	}
	if t.logger != nil {
		for _, f := range drift {
			t.logger.LogAttrs(ctx, slog.LevelWarn, "openapi: response drifts from the spec",
				slog.String("operation", f.Operation), slog.Int("status", f.Status),
				slog.String("kind", string(f.Kind)), slog.String("path", f.Path))
		}
	}
	t.record(verr, drift)
	if verr != nil && t.mode == ModeFail {
		return nil, verr
	}
	return resp, nil
}

// readBody reads a response body whole into one buffer sized from
// Content-Length, and closes it.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, nil
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n < 1<<30 {
		buf.Grow(int(n) + 1) // +1: ReadFrom wants room to see EOF without growing
	}
	_, err := buf.ReadFrom(resp.Body)
	return buf.Bytes(), err
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func asValidationError(err error) *ValidationError {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	return nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// CloseIdleConnections closes the idle connections of the wrapped transport,
// when it has any, so that http.Client.CloseIdleConnections reaches through
// the validating layer.
func (t *ValidatingTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
