package mock

import (
	"context"
	"errors"
	"net/http"
	"strings"

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
