package openapi

import (
	"context"
	"net/http"
	"slices"
)

// ValidateResponseStrict is the strict check of a response: what
// ValidateResponseAndDrift finds, with every drift finding also counted as
// a Violation at LocationDrift, so that a body that has grown past the spec
// (or a status only the default response covers) fails as surely as one
// that breaks it. Findings of the kinds in tolerate stay warnings. It is the
// one strict entry point: a ValidatingTransport WithStrictDrift and the
// mock's self-check both call it. The findings are returned as well, for
// logging; the error is nil or a *ValidationError.
func (v *Validator) ValidateResponseStrict(ctx context.Context, operationID string, status int, header http.Header, body []byte, tolerate ...DriftKind) ([]DriftFinding, error) {
	verr, drift := v.checkStrict(ctx, operationID, status, header, body, tolerate...)
	if verr != nil {
		return drift, verr
	}
	return drift, nil
}

// checkStrict is ValidateResponseStrict with a typed error.
func (v *Validator) checkStrict(ctx context.Context, operationID string, status int, header http.Header, body []byte, tolerate ...DriftKind) (*ValidationError, []DriftFinding) {
	verr, drift := v.checkResponse(ctx, operationID, status, header, body, true)
	for _, f := range drift {
		if slices.Contains(tolerate, f.Kind) {
			continue
		}
		if verr == nil {
			verr = &ValidationError{Operation: operationID, Kind: KindResponse, Status: status}
		}
		verr.Violations = append(verr.Violations, Violation{Location: LocationDrift, Path: f.Path, Message: string(f.Kind) + ": " + f.Message})
	}
	return verr, drift
}
