package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cfverify/cfverify/mask"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Sentinels for errors.Is on an *Error, by HTTP status.
var (
	// ErrNotFound matches 404: no verification has the id given.
	ErrNotFound = errors.New("cfverify: not found")
	// ErrUnauthorized matches 401 and 403: wrong credentials, an expired
	// access token, an IP address that is not whitelisted.
	ErrUnauthorized = errors.New("cfverify: unauthorized")
	// ErrRateLimited matches 429.
	ErrRateLimited = errors.New("cfverify: rate limited")
	// ErrConflict matches 409, such as verification_id_already_exists.
	ErrConflict = errors.New("cfverify: conflict")
	// ErrValidation matches 400 and 422: a malformed request, or one the
	// server cannot process (insufficient_balance).
	ErrValidation = errors.New("cfverify: rejected by the server")
)

// Errors raised before or around the HTTP exchange.
var (
	// ErrInvalidInput is matched by every *InputError.
	ErrInvalidInput = errors.New("cfverify: invalid input")
	// ErrMissingCredentials: an operation that needs the client id and
	// secret was called on a Client built without them. No request is sent.
	ErrMissingCredentials = errors.New("cfverify: client id and secret are not configured (WithCredentials or FromEnv)")
	// ErrResponseTooLarge: a response body exceeded WithMaxResponseBytes.
	ErrResponseTooLarge = errors.New("cfverify: response body too large")
	// ErrRedirectRefused: the server redirected to another scheme or host,
	// which the Client never follows, so credentials never leave the host
	// they were configured for.
	ErrRedirectRefused = errors.New("cfverify: redirect refused")
)

// Error is a non-2xx answer from the API. Its fields come from the error
// body ({"type", "code", "message"}) where the body has them: an HTML page
// from a gateway, an empty or truncated body still give an *Error with the
// status. Use errors.As to get it and errors.Is with ErrNotFound,
// ErrUnauthorized, ErrRateLimited, ErrConflict or ErrValidation.
type Error struct {
	// Operation is the OpenAPI operationId, such as "getDigiLockerStatus".
	Operation string
	// StatusCode is the HTTP status.
	StatusCode int
	// Type is the error class, such as TypeValidation; empty if the body
	// had none.
	Type ErrorType
	// Code is the machine-readable reason, such as CodeAuthenticationFailed
	// (see the Code constants); empty if the body had none.
	Code ErrorCode
	// Message is the server's explanation, personal data masked (mask.PII).
	Message string
	// RequestID is the server's request id (x-request-id and similar
	// headers), if it sent one.
	RequestID string
	// RetryAfter is the wait the server asked for in Retry-After, or zero.
	RetryAfter time.Duration
	// Attempts is how many HTTP attempts the call made. For
	// getDataAvailability, a 409 verification_id_already_exists with
	// Attempts > 1 means an earlier attempt may have reached the server and
	// succeeded: see Client.DataAvailability.
	Attempts int
}

// Error describes the failure on one line: operation, status, type, code,
// message and request id. It never includes headers, credentials or
// unmasked personal data.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cfverify: %s: HTTP %d", e.Operation, e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	switch {
	case e.Type != "" && e.Code != "":
		fmt.Fprintf(&b, ": %s/%s", e.Type, e.Code)
	case e.Type != "" || e.Code != "":
		fmt.Fprintf(&b, ": %s%s", e.Type, e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %v)", e.RetryAfter)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	if e.StatusCode == http.StatusConflict && e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts: an earlier attempt may have succeeded)", e.Attempts)
	}
	return b.String()
}

// Is reports whether the sentinel target matches the status: see the
// ErrNotFound family.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}

// Retryable reports whether the failure may pass by itself (429 and 5xx
// other than 501): the retry policy and the Wait helpers act on it.
func (e *Error) Retryable() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// requestIDHeaders are the headers a request id may arrive in, in the order
// they are looked at.
var requestIDHeaders = []string{"X-Request-Id", "X-Cf-Request-Id", "Request-Id", "X-Correlation-Id"}

func requestID(h http.Header) string {
	for _, name := range requestIDHeaders {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			if len(v) > 128 {
				v = v[:128]
			}
			return v
		}
	}
	return ""
}

// newError builds the *Error of a non-2xx answer from whatever the body
// holds: the fields of a JSON error object where present (strings, or
// numbers written as text), nothing from a body of another shape.
func newError(op string, status int, h http.Header, body []byte, now time.Time) *Error {
	e := &Error{
		Operation:  op,
		StatusCode: status,
		RequestID:  requestID(h),
		RetryAfter: parseRetryAfter(h.Get("Retry-After"), now),
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(bytes.TrimSpace(body), &fields) == nil {
		e.Type = ErrorType(jsonText(fields["type"]))
		e.Code = ErrorCode(jsonText(fields["code"]))
		e.Message = mask.PII(jsonText(fields["message"]))
	}
	if e.Message == "" && e.Type == "" && e.Code == "" {
		e.Message = describeBody(h.Get("Content-Type"), body)
	}
	return e
}

// jsonText returns a JSON string's value or a number's text, else "".
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return truncate(s, 512)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// describeBody says what kind of body an error answer had, without quoting it.
func describeBody(contentType string, body []byte) string {
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return "empty body"
	case contentType == "":
		return fmt.Sprintf("unrecognised %d-byte body", len(body))
	default:
		return fmt.Sprintf("unrecognised %d-byte %s body", len(body), truncate(contentType, 64))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
// Missing, malformed or past values give zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// InputError is a request rejected before anything was sent: it names the
// field and the rule it breaks, never the value. errors.Is(err,
// ErrInvalidInput) matches it.
type InputError struct {
	// Operation is the OpenAPI operationId of the call.
	Operation string
	// Field is the name of the offending input, as the API names it
	// (verification_id, consent_ref_id, mobile, access_token, …).
	Field string
	// Rule says what the value must be.
	Rule string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("cfverify: %s: invalid %s: %s", e.Operation, e.Field, e.Rule)
}

// Is makes errors.Is(err, ErrInvalidInput) true.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// DecodeError is a 2xx answer whose body is not the JSON the operation
// returns: empty, not JSON, truncated, or of another shape. The call returns
// no result with it.
type DecodeError struct {
	Operation   string
	StatusCode  int
	ContentType string
	// Err is the underlying decoding error; its text may quote the body, so
	// Error masks it.
	Err error
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("cfverify: %s: cannot decode HTTP %d response (%s): %s",
		e.Operation, e.StatusCode, truncate(ct, 64), mask.PII(quotedRE.ReplaceAllString(e.Err.Error(), `"…"`)))
}

// quotedRE matches a double-quoted string in an error message: decoding
// errors quote the values they choke on, which may be names or addresses
// that mask.PII cannot recognise, so DecodeError hides them all.
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

func (e *DecodeError) Unwrap() error { return e.Err }

// NetworkError is a call that got no HTTP answer: the connection failed, an
// attempt timed out or the context ended. It wraps the cause, so
// errors.Is(err, context.DeadlineExceeded) and errors.As(err, **url.Error)
// work.
type NetworkError struct {
	Operation string
	Attempts  int
	Err       error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("cfverify: %s: %s", e.Operation, mask.PII(e.Err.Error()))
}

func (e *NetworkError) Unwrap() error { return e.Err }

// isRetryable reports whether err may pass by itself, so that a Wait helper
// keeps polling through it: 429 and 5xx answers, and network failures that
// were not the caller's context ending.
func isRetryable(err error) bool {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.Retryable()
	}
	var netErr *NetworkError
	if errors.As(err, &netErr) {
		return !permanentNetErr(netErr.Err)
	}
	return false
}
