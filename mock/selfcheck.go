package mock

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/cfverify/cfverify/openapi"
)

func defaultValidator() (SpecValidator, error) {
	v, err := openapi.DefaultValidator()
	if err != nil {
		return nil, err
	}
	return v, nil
}

// strictChecker is the optional part of a SpecValidator that validates a
// response and counts its drift as violations, from one decoding of the
// body (*openapi.Validator has it: the same entry point a strict
// ValidatingTransport uses).
type strictChecker interface {
	ValidateResponseStrict(ctx context.Context, operationID string, status int, header http.Header, body []byte, tolerate ...openapi.DriftKind) ([]openapi.DriftFinding, error)
}

// checkResponse is the self-check: the response must validate, and must
// not drift either. The API may send what the spec does not know yet; the
// mock, which is made from the spec, must not. One kind of drift is
// tolerated: the mock answers some statuses the vendor does not document
// (an expired token's 401, an unknown id's 404) on purpose, with the
// vendor's error body, which the spec's default response describes. A
// validator without the strict check (a test's stand-in) is asked to
// validate only.
func (h *Handler) checkResponse(ctx context.Context, op string, status int, header http.Header, body []byte) error {
	if sc, ok := h.validator.(strictChecker); ok {
		_, err := sc.ValidateResponseStrict(ctx, op, status, header, body, openapi.DriftUndocumentedStatus)
		return err
	}
	return h.validator.ValidateResponse(ctx, op, status, header, body)
}

// checkCacheLimit bounds the bytes of the bodies the self-check remembers.
// Past it the memory is dropped and bodies are checked afresh: a mock
// serving many distinct large statements stays bounded, at the price of
// checking a body a second time after that.
const checkCacheLimit = 64 << 20

// checkCache remembers the verdict of the self-check for each distinct
// response: the mock's answers are deterministic per id, scenario and
// stage, so the same bytes come back on every poll, and checking them once
// is enough. The key is the whole answer as checked (operation, status, the
// headers the check sees, every byte of the body), compared exactly: a body
// differing in one byte is a different body and is checked on its own.
// Every verdict is kept, failures too: a body that broke the spec breaks it
// on every send, and each send is still recorded as a violation.
type checkCache struct {
	limit   int // bytes; 0 is checkCacheLimit
	mu      sync.RWMutex
	entries map[checkKey]map[string]*checkEntry // the inner key is the body
	size    int
}

// checkKey is what a verdict depends on besides the body.
type checkKey struct {
	op     string // the operation; for a request, its method, path and query
	status int    // 0 for a request
	header string // the reply's own headers, or the request's, rendered in order ("" for none)
}

// checkEntry is one body's verdict, computed once even when requests for
// it arrive together.
type checkEntry struct {
	once sync.Once
	err  error
}

// verdict returns the self-check's verdict on one response, running the
// check only for a response it has not seen. fresh says whether this call
// ran it.
func (c *checkCache) verdict(key checkKey, body []byte, check func() error) (err error, fresh bool) {
	c.mu.RLock()
	e := c.entries[key][string(body)]
	c.mu.RUnlock()
	if e == nil {
		c.mu.Lock()
		if e = c.entries[key][string(body)]; e == nil {
			limit := c.limit
			if limit == 0 {
				limit = checkCacheLimit
			}
			if c.entries == nil || c.size+len(body) > limit {
				c.entries, c.size = map[checkKey]map[string]*checkEntry{}, 0
			}
			bodies := c.entries[key]
			if bodies == nil {
				bodies = map[string]*checkEntry{}
				c.entries[key] = bodies
			}
			e = &checkEntry{}
			bodies[string(body)] = e
			c.size += len(body)
		}
		c.mu.Unlock()
	}
	e.once.Do(func() {
		e.err = check()
		fresh = true
	})
	return e.err, fresh
}

// headerKey renders the headers a reply adds to the default Content-Type,
// in a fixed order, for checkKey.
func headerKey(h http.Header) string {
	if len(h) == 0 {
		return ""
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			b.WriteString(k)
			b.WriteByte(':')
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// describe renders a validation error's violations in one line, without
// the values that failed (they may be personal data).
func describe(err error) string {
	var verr *openapi.ValidationError
	if !errors.As(err, &verr) {
		return err.Error()
	}
	parts := make([]string, len(verr.Violations))
	for i, v := range verr.Violations {
		parts[i] = v.String()
	}
	return strings.Join(parts, "; ")
}
