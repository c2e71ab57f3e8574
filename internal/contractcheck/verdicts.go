package contractcheck

import (
	"context"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cfverify/cfverify/internal/verdictcache"
)

// A proxy in front of a mock, or a HAR of a test suite, shows the checker
// the same requests and answers again and again. The validator's verdict
// depends only on what it is given, so the checker keeps the masked
// findings per distinct input, keyed by every byte the validator sees:
// the operation, the method and whole URL for a request, the status for a
// response, the headers the validator reads, and the whole body. A
// request is keyed by every header (Content-Type, the credentials: they
// stay in the cache's memory, never in a report); a response only by
// Content-Type and the headers the spec declares for responses, since an
// upstream's per-answer headers (Date, X-Request-Id) would otherwise make
// every answer new. An input not seen
// before is always checked; the cache is bounded (verdictcache.DefaultLimit, 16 MiB)
// and forgets everything past it.

// responseVerdict is what one response breaks, masked.
type responseVerdict struct {
	violations, drift []Finding
}

// requestVerdict returns the masked violations of req with body.
func (c *Checker) requestVerdict(ctx context.Context, req *http.Request, body []byte) []Finding {
	key := verdictcache.Key{Op: req.Method + " " + req.URL.String(), Header: verdictcache.HeaderKey(req.Header)}
	v, _ := c.requests.Verdict(key, body, func() []Finding {
		return appendViolations(nil, c.validator.ValidateRequest(ctx, req, body))
	})
	return v
}

// responseVerdict returns what a response of operation op breaks, with drift.
func (c *Checker) responseVerdict(ctx context.Context, op string, status int, header http.Header, body []byte) responseVerdict {
	read := make(http.Header, len(c.responseHeaders))
	for _, name := range c.responseHeaders {
		if values, ok := header[name]; ok {
			read[name] = values
		}
	}
	key := verdictcache.Key{Op: op, Status: status, Header: verdictcache.HeaderKey(read)}
	v, _ := c.responses.Verdict(key, body, func() responseVerdict {
		drift, err := c.validator.ValidateResponseAndDrift(ctx, op, status, header, body)
		return responseVerdict{violations: appendViolations(nil, err), drift: appendDrift(nil, drift)}
	})
	return v
}

// responseHeadersRead is what the validator reads of a response's headers:
// Content-Type (the body's media type) and every header a response of the
// spec declares (kin-openapi validates those), canonical.
func responseHeadersRead(doc *openapi3.T) []string {
	names := []string{"Content-Type"}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Responses == nil {
				continue
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for name := range resp.Value.Headers {
					names = append(names, http.CanonicalHeaderKey(name))
				}
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// operationsWithBody lists the operations whose request has a body.
func operationsWithBody(doc *openapi3.T) map[string]bool {
	ops := map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil {
				ops[op.OperationID] = true
			}
		}
	}
	return ops
}
