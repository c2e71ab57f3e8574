package client

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Middleware runs around every HTTP attempt of a call (a retried call runs
// it once per attempt), as in openai-go's option.WithMiddleware: it may
// read or change the request, call next to send it on (to the next
// middleware, then the HTTP client), and read or replace the answer. The
// request's context carries the operation id and the attempt number
// (OperationID, Attempt). A middleware must not read the request's
// secret headers into logs or telemetry: x-client-secret, Authorization
// and x-cf-signature are credentials.
type Middleware = func(req *http.Request, next MiddlewareNext) (*http.Response, error)

// MiddlewareNext sends a request on to the rest of the chain.
type MiddlewareNext = func(req *http.Request) (*http.Response, error)

// WithMiddleware adds middleware run on every attempt, the first given
// outermost. Repeated, it appends.
func WithMiddleware(mw ...Middleware) Option {
	return func(c *config) error {
		for _, m := range mw {
			if m == nil {
				return configError("nil middleware")
			}
		}
		c.middleware = append(c.middleware, mw...)
		return nil
	}
}

// chain is the request path of an attempt: the middleware in order, then
// the HTTP client. With no middleware it is the HTTP client's Do itself.
func chain(hc *http.Client, mw []Middleware) MiddlewareNext {
	next := MiddlewareNext(hc.Do)
	for i := len(mw) - 1; i >= 0; i-- {
		m, inner := mw[i], next
		next = func(req *http.Request) (*http.Response, error) { return m(req, inner) }
	}
	return next
}

// attemptContext is an attempt's context: its parent plus the operation
// id and the attempt number, in one allocation (two context.WithValue
// calls would make four).
type attemptContext struct {
	context.Context
	operation string
	attempt   int
}

type attemptKey struct{}

func (c *attemptContext) Value(key any) any {
	if key == (attemptKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// OperationID returns the spec's operationId of the call an attempt's
// context belongs to (such as "getDigiLockerStatus"): middleware and the
// HTTP client's transport see it on every request the Client sends.
func OperationID(ctx context.Context) (string, bool) {
	if a, ok := ctx.Value(attemptKey{}).(*attemptContext); ok {
		return a.operation, true
	}
	return "", false
}

// Attempt returns the number of the HTTP attempt an attempt's context
// belongs to: 1 for the first, 2 for the first retry.
func Attempt(ctx context.Context) (int, bool) {
	if a, ok := ctx.Value(attemptKey{}).(*attemptContext); ok {
		return a.attempt, true
	}
	return 0, false
}

// CallObserver sees each call whole, around all of its attempts: telemetry
// (package otelcfverify) starts a span in StartCall and ends it in EndCall.
// Both run on the caller's goroutine. A call refused for bad input (an
// *InputError) is not observed: it never started.
type CallObserver interface {
	// StartCall runs before the call's headers and credentials are checked
	// and anything is sent; the context it
	// returns is the parent of every attempt's.
	StartCall(ctx context.Context, operationID string) context.Context
	// EndCall runs once the call has its result, with the context
	// StartCall returned.
	EndCall(ctx context.Context, end CallEnd)
}

// CallEnd is how a call ended.
type CallEnd struct {
	OperationID string
	Attempts    int           // HTTP attempts made; 0 when the call failed before sending
	StatusCode  int           // of the last answer; 0 when none came
	Duration    time.Duration // from StartCall to the result
	Err         error         // what the method returned: nil, *Error, *NetworkError, *DecodeError…
}

// Code is the API's error code of a failed call (Error.Code: such as
// "authentication_failed"), or "" when the call did not end with an error
// answer.
func (e CallEnd) Code() ErrorCode {
	var apiErr *Error
	if errors.As(e.Err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// WithCallObserver makes o see every call. Repeated, the last one wins.
func WithCallObserver(o CallObserver) Option {
	return func(c *config) error {
		if o == nil {
			return configError("nil CallObserver")
		}
		c.observer = o
		return nil
	}
}

// WithOptions applies opts in order as one Option: a package that
// configures several things at once (telemetry: an observer and a
// middleware) hands the caller one value.
func WithOptions(opts ...Option) Option {
	return func(c *config) error {
		var errs []error
		for _, opt := range opts {
			if opt == nil {
				continue
			}
			if err := opt(c); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}

// callState is what an observed call tells its observer.
type callState struct {
	attempts, status int
}
