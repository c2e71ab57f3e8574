package openapi

import (
	"context"
	"net/http"
)

// ValidateResponseStrict is the strict check of a response: what
// ValidateResponseAndDrift finds, with every drift finding also counted as
// a Violation at LocationDrift, so that a body that has grown past the spec
// fails as surely as one that breaks it. It is the one strict entry point:
// a ValidatingTransport WithStrictDrift and the mock's self-check both call
// it. The findings are returned as well, for logging; the error is nil or a
// *ValidationError.
func (v *Validator) ValidateResponseStrict(ctx context.Context, operationID string, status int, header http.Header, body []byte) ([]DriftFinding, error) {
	verr, drift := v.checkStrict(ctx, operationID, status, header, body)
	if verr != nil {
		return drift, verr
	}
	return drift, nil
}

// checkStrict is ValidateResponseStrict with a typed error.
func (v *Validator) checkStrict(ctx context.Context, operationID string, status int, header http.Header, body []byte) (*ValidationError, []DriftFinding) {
	verr, drift := v.checkResponse(ctx, operationID, status, header, body, true)
	if len(drift) == 0 {
		return verr, drift
	}
	if verr == nil {
		verr = &ValidationError{Operation: operationID, Kind: KindResponse, Status: status}
	}
	for _, f := range drift {
		verr.Violations = append(verr.Violations, Violation{Location: LocationDrift, Path: f.Path, Message: string(f.Kind) + ": " + f.Message})
	}
	return verr, drift
}
