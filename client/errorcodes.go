package client

// ErrorType is the class of an error answer (Error.Type).
type ErrorType string

// Error classes the vendor documents.
const (
	TypeValidation     ErrorType = "validation_error"
	TypeAuthentication ErrorType = "authentication_error"
	TypeNotFound       ErrorType = "not_found_error"
	TypeRateLimit      ErrorType = "rate_limit_error"
	TypeInternal       ErrorType = "internal_error"
)

// ErrorCode is the machine-readable reason of an error answer (Error.Code).
// The constants are the codes the vendor documents; a code the server adds
// later arrives as it is, so compare with these rather than switch
// exhaustively.
type ErrorCode string

// Error codes the vendor documents, by what they are about.
const (
	// Credentials and access.
	CodeClientIDMissing      ErrorCode = "x-client-id_missing"
	CodeClientSecretMissing  ErrorCode = "x-client-secret_missing"
	CodeClientSecretInvalid  ErrorCode = "x-client-secret_value_invalid"
	CodeAuthenticationFailed ErrorCode = "authentication_failed"
	CodeIPValidationFailed   ErrorCode = "ip_validation_failed"
	CodeAccessTokenMissing   ErrorCode = "access_token_missing"
	CodeAccessTokenInvalid   ErrorCode = "access_token_value_invalid"

	// The request's values.
	CodeInvalidRequest         ErrorCode = "invalid_request"
	CodeIdentifierTypeInvalid  ErrorCode = "identifier_type_value_invalid"
	CodeIdentifierValueInvalid ErrorCode = "identifier_value_value_invalid"
	CodeVerificationIDInvalid  ErrorCode = "verification_id_value_invalid"
	CodeReferenceIDInvalid     ErrorCode = "reference_id_value_invalid"
	CodeConsentRefIDInvalid    ErrorCode = "consent_ref_id_value_invalid"
	CodeFIRefIDInvalid         ErrorCode = "fi_ref_id_value_invalid"
	// CodeVerificationIDExists is the 409 of POST /user/data-availability
	// for a verification_id used before: see Client.DataAvailability.
	CodeVerificationIDExists ErrorCode = "verification_id_already_exists"

	// The account and the service.
	CodeInsufficientBalance         ErrorCode = "insufficient_balance"
	CodeTooManyRequestsPerIP        ErrorCode = "too_many_requests_per_ip"
	CodeTooManyRequestsPerOperation ErrorCode = "too_many_requests_per_operation"
	CodeVerificationFailed          ErrorCode = "verification_failed"
)
