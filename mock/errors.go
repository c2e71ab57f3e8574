package mock

import (
	"net/http"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/verification"
)

// apiError is one error answer in the vendor's shape: an HTTP status and a
// body of {"type", "code", "message"}. The catalog below reuses the types,
// codes and messages of the vendor's published examples word for word; the
// few the vendor never shows (marked "cfverify") follow its naming.
type apiError struct {
	status  int
	typ     string
	code    string
	message string
}

func (e apiError) body() verification.Error {
	return verification.Error{Type: ptr(e.typ), Code: ptr(e.code), Message: ptr(e.message)}
}

// withMessage returns a copy of e with another message.
func (e apiError) withMessage(msg string) apiError {
	e.message = msg
	return e
}

const (
	typeValidation     = "validation_error"
	typeAuthentication = "authentication_error"
	typeNotFound       = "not_found_error"
	typeRateLimit      = "rate_limit_error"
	typeInternal       = "internal_error"

	msgBadRequest = "Bad request, please check API documentation"
)

// Errors every operation can answer.
var (
	errClientIDMissing     = apiError{http.StatusBadRequest, typeValidation, "x-client-id_missing", "x-client-id is missing in the request."}
	errClientSecretMissing = apiError{http.StatusBadRequest, typeValidation, "x-client-secret_missing", "x-client-secret is missing in the request."}
	errAuthFailed          = apiError{http.StatusUnauthorized, typeAuthentication, "authentication_failed", "Invalid clientId and clientSecret combination"}
	errIPNotWhitelisted    = apiError{http.StatusForbidden, typeAuthentication, "ip_validation_failed", "IP not whitelisted your current ip is 106.51.91.104.For IP whitelisting assistance, visit our guide at https://www.cashfree.com/docs/secure-id/get-started/integration/ip-whitelisting-verification"}
	errInsufficientBalance = apiError{http.StatusUnprocessableEntity, typeValidation, "insufficient_balance", "Insufficient balance to process this request"}
	errRateLimitOperation  = apiError{http.StatusTooManyRequests, typeRateLimit, "too_many_requests_per_operation", "Too many requests for this operation, rate limit reached"}
	errInternal            = apiError{http.StatusInternalServerError, typeInternal, "verification_failed", "something went wrong"}
	errBadGateway          = apiError{http.StatusBadGateway, typeInternal, "verification_failed", "verification attempt failed"}
	errInvalidRequest      = apiError{http.StatusBadRequest, typeValidation, "invalid_request", msgBadRequest}

	// cfverify: the vendor documents the header as required but shows no error for it.
	errAPIVersionMissing = apiError{http.StatusBadRequest, typeValidation, "x-api-version_missing", "x-api-version is missing in the request."}
	errAPIVersionInvalid = apiError{http.StatusBadRequest, typeValidation, "x-api-version_value_invalid", "Please enter a valid x-api-version"}
	// cfverify: a signature that does not decrypt to "<client id>.<recent unix time>".
	errSignatureInvalid = apiError{http.StatusUnauthorized, typeAuthentication, "signature_invalid", "x-cf-signature is invalid or has expired"}
	// cfverify: a 503 from the service itself (faults only; the spec documents no 503).
	errUnavailable = apiError{http.StatusServiceUnavailable, typeInternal, "service_unavailable", "Service temporarily unavailable, please retry"}
	// cfverify: the mock's own response broke the spec (self-check).
	errMockViolation = apiError{http.StatusInternalServerError, typeInternal, "mock_response_invalid", ""}
)

// Errors of POST /user/data-availability.
var (
	errConflict               = apiError{http.StatusConflict, typeValidation, "verification_id_already_exists", "verification id already exists"}
	errIdentifierTypeInvalid  = apiError{http.StatusBadRequest, typeValidation, "identifier_type_value_invalid", "Please enter a valid identifier_type"}
	errIdentifierValueInvalid = apiError{http.StatusBadRequest, typeValidation, "identifier_value_value_invalid", "Please enter a valid identifier_value"}
	errVerificationIDMissing  = apiError{http.StatusBadRequest, typeValidation, "invalid_request", "Please provide verification_id"} // cfverify
	errUserMissing            = apiError{http.StatusBadRequest, typeValidation, "invalid_request", "Please provide user"}            // cfverify
)

// Errors of GET /oauth2/user-details.
var (
	errAccessTokenMissing = apiError{http.StatusBadRequest, typeValidation, "access_token_missing", "access_token is missing in the request."}
	errAccessTokenInvalid = apiError{http.StatusBadRequest, typeValidation, "access_token_value_invalid", "access_token should be valid."}
	errAccessTokenExpired = apiError{http.StatusUnauthorized, typeAuthentication, "authentication_failed", "access_token is invalid or has expired"}
	errAccessDenied       = apiError{http.StatusForbidden, typeAuthentication, "access_denied", "The access token does not allow this request"}
)

// lookup describes how one status operation names what it looks up: by your
// id or by Cashfree's reference, never both; and the errors that go with it.
type lookup struct {
	res         RecordKind
	idParam     string
	refParam    string
	missing     apiError // neither id given
	both        apiError // both ids given
	idInvalid   apiError // the id is not 1-50 of [A-Za-z0-9._-]
	refInvalid  apiError // the reference is not a positive integer
	idNotFound  apiError
	refNotFound apiError
}

// lookups are the status operations' lookups, by operation id, made from
// the operation table: the vendor names each error after the parameter
// (reference_id_value_invalid, "Please enter a valid fi_ref_id").
var lookups = func() map[string]lookup {
	m := map[string]lookup{}
	for _, op := range operation.Lookups() {
		m[op.ID] = lookup{
			res: RecordKind(op.Resource), idParam: op.IDParam, refParam: op.RefParam,
			missing:     apiError{http.StatusBadRequest, typeValidation, "invalid_request", op.Missing},
			both:        apiError{http.StatusBadRequest, typeValidation, "invalid_request", op.Both}, // cfverify
			idInvalid:   errParamInvalid(op.IDParam),
			refInvalid:  apiError{http.StatusBadRequest, typeValidation, op.RefParam + "_value_invalid", msgBadRequest},
			idNotFound:  apiError{http.StatusNotFound, typeNotFound, op.IDParam + "_value_invalid", "Please enter a valid " + op.IDParam},
			refNotFound: apiError{http.StatusNotFound, typeNotFound, op.RefParam + "_value_invalid", "Please enter a valid " + op.RefParam},
		}
	}
	return m
}()

// errParamInvalid is the 400 of a parameter that breaks its rule.
func errParamInvalid(name string) apiError {
	return apiError{http.StatusBadRequest, typeValidation, name + "_value_invalid", "Please enter a valid " + name}
}

func ptr[T any](v T) *T { return &v }
