// Package contractcheck holds exchanges of any client with the API to the
// embedded spec: a forwarding proxy and a HAR reader feed it, the same
// validator the validating transport uses checks each exchange, and the
// results go to a JSON-lines report, a JUnit file and a summary.
//
// Nothing it writes carries a credential (headers are never copied) or
// unmasked personal data (every message and value goes through
// mask.PII).
package contractcheck

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/cfverify/cfverify/internal/verdictcache"
	"github.com/cfverify/cfverify/mask"
	"github.com/cfverify/cfverify/openapi"
)

// Exchange is one request and its response, as captured or forwarded.
type Exchange struct {
	Method         string
	URL            *url.URL
	RequestHeader  http.Header
	RequestBody    []byte
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
	// ResponseUnavailable says why the response body cannot be checked
	// (a HAR entry without its text, a body over the proxy's cap); the
	// request and the status are still checked, the body is not.
	ResponseUnavailable string
	// RequestUnavailable says why the request body cannot be checked (a
	// HAR that did not keep it); the rest of the request is still checked.
	// It matters only for an operation that takes a body.
	RequestUnavailable string
}

// Finding is one violation or drift finding, masked for reports.
type Finding struct {
	Kind     string `json:"kind"`     // "request" or "response" for a violation; the drift kind for drift
	Location string `json:"location"` // body, header, query, status, content-type, security, path, drift
	Path     string `json:"path,omitempty"`
	Message  string `json:"message"`
	Value    string `json:"value,omitempty"` // an unlisted enum value (drift), masked
}

// String renders the finding on one line.
func (f Finding) String() string {
	s := f.Kind + " " + f.Location
	if f.Path != "" {
		s += " " + f.Path
	}
	return s + ": " + f.Message
}

// Result is what checking one Exchange found.
type Result struct {
	Time       time.Time `json:"time"`
	Entry      int       `json:"entry,omitempty"` // the HAR entry, counted from 1
	Operation  string    `json:"operation,omitempty"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Status     int       `json:"status,omitempty"`
	LatencyMS  float64   `json:"latency_ms"`
	Violations []Finding `json:"violations"`
	Drift      []Finding `json:"drift"`
	// Broke is true when the exchange broke the spec: any violation, or any
	// drift under strict checking.
	Broke bool `json:"broke"`
	// Skipped is true for an exchange that is none of the spec's operations.
	Skipped bool `json:"skipped,omitempty"`
	// ProxyFault describes what the proxy itself could not do (upstream
	// down, request too large): not a spec violation.
	ProxyFault string `json:"proxy_fault,omitempty"`
	// Unchecked says why the response body was not checked.
	Unchecked string `json:"unchecked,omitempty"`
	// RequestUnchecked says why the request body was not checked.
	RequestUnchecked string `json:"request_unchecked,omitempty"`
}

// Checker validates exchanges against the embedded spec with an
// openapi.Validator. It is safe for concurrent use.
type Checker struct {
	validator *openapi.Validator
	strict    bool
	// The verdicts on requests and responses already checked, by every
	// byte of what the validator sees (verdicts.go).
	requests  verdictcache.Cache[[]Finding]
	responses verdictcache.Cache[responseVerdict]
	// responseHeaders are the response headers the validator reads.
	responseHeaders []string
	// takesBody holds the operations that declare a request body.
	takesBody map[string]bool
}

// NewChecker checks with v (openapi.DefaultValidator when nil). With
// strict, drift counts as a violation: the exchange breaks the spec.
func NewChecker(v *openapi.Validator, strict bool) (*Checker, error) {
	if v == nil {
		var err error
		if v, err = openapi.DefaultValidator(); err != nil {
			return nil, err
		}
	}
	return &Checker{validator: v, strict: strict, responseHeaders: responseHeadersRead(v.Doc()), takesBody: operationsWithBody(v.Doc())}, nil
}

// Strict reports whether drift breaks the spec.
func (c *Checker) Strict() bool { return c.strict }

// Check validates the request and the response of x, with drift. An
// exchange whose method and path match none of the spec's operations is
// Skipped, not checked. Time and LatencyMS are left for the caller.
func (c *Checker) Check(ctx context.Context, x Exchange) Result {
	path := ""
	if x.URL != nil {
		path = x.URL.Path
	}
	r := Result{Method: x.Method, Path: mask.PII(path), Violations: []Finding{}, Drift: []Finding{}, Status: x.Status}
	op, ok := c.validator.Operation(x.Method, path)
	if !ok {
		r.Skipped = true
		return r
	}
	r.Operation = op

	req := &http.Request{Method: x.Method, URL: x.URL, Header: x.RequestHeader}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	violations := c.requestVerdict(ctx, req, x.RequestBody)
	if x.RequestUnavailable != "" && c.takesBody[op] {
		// The body was not captured: what the validator says of it (that
		// it is missing) says nothing about what was sent.
		r.RequestUnchecked = x.RequestUnavailable
		violations = slices.DeleteFunc(slices.Clone(violations), func(f Finding) bool {
			return f.Location == openapi.LocationBody
		})
	}
	r.Violations = append(r.Violations, violations...)
	c.checkResponse(ctx, &r, x)
	return r
}

// CheckResponse validates one response of the operation method and path
// name, with drift; the request is not checked. An unknown operation is
// Skipped.
func (c *Checker) CheckResponse(ctx context.Context, method, path string, status int, header http.Header, body []byte) Result {
	r := Result{Method: method, Path: mask.PII(path), Violations: []Finding{}, Drift: []Finding{}, Status: status}
	op, ok := c.validator.Operation(method, path)
	if !ok {
		r.Skipped = true
		return r
	}
	r.Operation = op
	c.checkResponse(ctx, &r, Exchange{Method: method, Status: status, ResponseHeader: header, ResponseBody: body})
	return r
}

// checkResponse adds to r what x's response breaks, and decides r.Broke.
func (c *Checker) checkResponse(ctx context.Context, r *Result, x Exchange) {
	switch {
	case x.ResponseUnavailable == "":
		v := c.responseVerdict(ctx, r.Operation, x.Status, x.ResponseHeader, x.ResponseBody)
		r.Violations = append(r.Violations, v.violations...)
		r.Drift = append(r.Drift, v.drift...)
	case x.Status > 0:
		// No body to check, but the status alone can break the spec, or
		// drift from it (0: no answer was captured).
		r.Unchecked = x.ResponseUnavailable
		if err := c.validator.ValidateResponse(ctx, r.Operation, x.Status, nil, nil); err != nil {
			for _, v := range validationError(err).Violations {
				if v.Location == openapi.LocationStatus {
					r.Violations = append(r.Violations, maskedViolation(openapi.KindResponse, v))
				}
			}
		}
		drift, _ := c.validator.Drift(r.Operation, x.Status, nil) // its error is the status violation above
		r.Drift = appendDrift(r.Drift, drift)
	default:
		r.Unchecked = x.ResponseUnavailable
	}
	r.Broke = len(r.Violations) > 0 || (c.strict && len(r.Drift) > 0)
}

func appendDrift(list []Finding, drift []openapi.DriftFinding) []Finding {
	for _, d := range drift {
		list = append(list, Finding{
			Kind: string(d.Kind), Location: openapi.LocationDrift, Path: mask.PII(d.Path),
			Message: mask.PII(d.Message), Value: mask.PII(d.Value),
		})
	}
	return list
}

func appendViolations(list []Finding, err error) []Finding {
	ve := validationError(err)
	if ve == nil {
		return list
	}
	for _, v := range ve.Violations {
		list = append(list, maskedViolation(ve.Kind, v))
	}
	return list
}

// validationError is err as a *openapi.ValidationError; any other error
// (none is documented) becomes one violation rather than being lost.
func validationError(err error) *openapi.ValidationError {
	if err == nil {
		return nil
	}
	var ve *openapi.ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	return &openapi.ValidationError{Kind: "exchange", Violations: []openapi.Violation{{Location: "validator", Message: err.Error()}}}
}

func maskedViolation(kind string, v openapi.Violation) Finding {
	return Finding{Kind: kind, Location: v.Location, Path: mask.PII(v.Path), Message: mask.PII(v.Message)}
}
