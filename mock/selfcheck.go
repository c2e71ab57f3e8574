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

// drifter is the optional part of a SpecValidator that finds properties and
// enum values the spec does not declare (*openapi.Validator has it).
type drifter interface {
	Drift(operationID string, status int, body []byte) ([]openapi.DriftFinding, error)
}

// responseChecker is the optional part of a SpecValidator that validates a
// response and finds its drift from one decoding of the body
// (*openapi.Validator has it).
type responseChecker interface {
	ValidateResponseAndDrift(ctx context.Context, operationID string, status int, header http.Header, body []byte) ([]openapi.DriftFinding, error)
}

// checkResponse is the self-check: the response must validate, and must not
// drift either. The API may send what the spec does not know yet; the mock,
// which is made from the spec, must not.
func (h *Handler) checkResponse(ctx context.Context, op string, status int, header http.Header, body []byte) error {
	var findings []openapi.DriftFinding
	if rc, ok := h.validator.(responseChecker); ok {
		// One decoding for both: validating and then Drift decoded the
		// body twice, a third of the self-check's time.
		var err error
		if findings, err = rc.ValidateResponseAndDrift(ctx, op, status, header, body); err != nil {
			return err
		}
	} else {
		if err := h.validator.ValidateResponse(ctx, op, status, header, body); err != nil {
			return err
		}
		d, ok := h.validator.(drifter)
		if !ok {
			return nil
		}
		var err error
		if findings, err = d.Drift(op, status, body); err != nil {
			return err
		}
	}
	verr := &openapi.ValidationError{Operation: op, Kind: openapi.KindResponse, Status: status}
	for _, f := range findings {
		if f.Kind == openapi.DriftUndocumentedStatus {
			// The mock answers some statuses the vendor does not document
			// (an expired token's 401, an unknown id's 404) on purpose, with
			// the vendor's error body: the spec's default response.
			continue
		}
		verr.Violations = append(verr.Violations, openapi.Violation{
			Location: openapi.LocationDrift, Path: f.Path, Message: string(f.Kind) + ": " + f.Message})
	}
	if len(verr.Violations) == 0 {
		return nil
	}
	return verr
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
