package client

import (
	"context"
	"errors"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/verification"
)

// Operation ids, as the OpenAPI document names them. *Error, *InputError,
// *DecodeError and *NetworkError carry one in their Operation field.
const (
	OpDataAvailability     = operation.DataAvailabilityID     // "getDataAvailability"
	OpUserDetails          = operation.UserDetailsID          // "getUserDetails"
	OpDigiLockerStatus     = operation.DigiLockerStatusID     // "getDigiLockerStatus"
	OpConsentStatus        = operation.ConsentStatusID        // "getConsentStatus"
	OpFinancialInformation = operation.FinancialInformationID // "getFinancialInformation"
)

// DataAvailabilityParams asks which scopes of user data exist for a mobile
// number.
type DataAvailabilityParams struct {
	// VerificationID is your id of this request: 1 to 50 characters of
	// letters, digits, '.', '-' and '_'. It must be new: the API answers
	// 409 verification_id_already_exists to a repeated one.
	VerificationID string
	// Mobile is the user's 10-digit mobile number, without country code.
	Mobile string
}

// Lookup identifies an earlier request by exactly one of your verification
// id or Cashfree's reference id, for DigiLockerStatus, ConsentStatus,
// FinancialInformation and their Wait helpers. Build one with
// ByVerificationID or ByReferenceID, or as a literal.
type Lookup struct {
	// VerificationID is your id: 1 to 50 characters of letters, digits,
	// '.', '-' and '_'. Sent as verification_id, consent_verification_id or
	// fi_verification_id.
	VerificationID string
	// ReferenceID is Cashfree's id, a positive integer, as results carry it
	// (DigiLockerStatus.ReferenceID, …); the zero value means unset. Sent as
	// reference_id, consent_ref_id or fi_ref_id.
	ReferenceID verification.ReferenceID
}

// ByVerificationID looks up by your verification id.
func ByVerificationID(id string) Lookup { return Lookup{VerificationID: id} }

// ByReferenceID looks up by Cashfree's reference id, as a result gives it:
// ByReferenceID(st.ReferenceID). From an integer you stored:
// ByReferenceID(wire.NewIntID(n)).
func ByReferenceID(id verification.ReferenceID) Lookup { return Lookup{ReferenceID: id} }

// DataAvailability calls POST /user/data-availability (getDataAvailability):
// which scopes of user data (Aadhaar, PAN, bank account, …) Secure ID holds
// for a mobile number. Needs credentials.
//
// The POST is retried only when it provably never reached the server, or on
// 429. If it was retried and the answer is 409 verification_id_already_exists
// (an *Error with Code CodeVerificationIDExists and Attempts > 1), an earlier
// attempt may have reached the server and succeeded: the verification id is
// then used up, and the scopes are not known from this call; retry with a new
// verification id.
func (c *Client) DataAvailability(ctx context.Context, req DataAvailabilityParams, opts ...CallOption) (*verification.DataAvailability, error) {
	if err := checkDataAvailability(req); err != nil {
		return nil, err
	}
	body, err := dataAvailabilityBody(req)
	if err != nil {
		return nil, err
	}
	return call[verification.DataAvailability](ctx, c, operation.DataAvailability, request{body: body}, opts)
}

// UserDetails calls GET /oauth2/user-details (getUserDetails): the data the
// user agreed to share, one typed slice of records per scope. It is
// authorised by the user's OAuth access token alone (sent as a bearer
// token; give the token without "Bearer "), so it works on a Client without
// credentials, and no client secret or signature is sent.
func (c *Client) UserDetails(ctx context.Context, accessToken string, opts ...CallOption) (*verification.UserDetails, error) {
	if err := checkAccessToken(accessToken); err != nil {
		return nil, err
	}
	return call[verification.UserDetails](ctx, c, operation.UserDetails, request{bearer: accessToken}, opts)
}

// DigiLockerStatus calls GET /digilocker (getDigiLockerStatus): where a
// DigiLocker verification stands (PENDING, AUTHENTICATED, EXPIRED,
// CONSENT_DENIED) and, once authenticated, who the user is. The lookup is
// sent as verification_id or reference_id. Needs credentials. To wait for
// the user, see WaitDigiLocker.
func (c *Client) DigiLockerStatus(ctx context.Context, lookup Lookup, opts ...CallOption) (*verification.DigiLockerStatus, error) {
	return lookupCall[verification.DigiLockerStatus](ctx, c, operation.DigiLockerStatus, lookup, opts)
}

// ConsentStatus calls GET /aa/consent (getConsentStatus): where an Account
// Aggregator consent request stands and what it covers. The lookup is sent
// as consent_verification_id or consent_ref_id. Needs credentials. To wait
// for the user, see WaitConsent.
func (c *Client) ConsentStatus(ctx context.Context, lookup Lookup, opts ...CallOption) (*verification.ConsentStatus, error) {
	return lookupCall[verification.ConsentStatus](ctx, c, operation.ConsentStatus, lookup, opts)
}

// FinancialInformation calls GET /aa/fi (getFinancialInformation): the
// accounts fetched under a consent, per provider, each with its profile,
// summary and transactions once delivered. The lookup is sent as
// fi_verification_id or fi_ref_id. Needs credentials. The answer's
// Transactions and Accounts give exact decimals and parsed dates; to wait
// for the data, see WaitFinancialInformation.
func (c *Client) FinancialInformation(ctx context.Context, lookup Lookup, opts ...CallOption) (*verification.FinancialInformation, error) {
	return lookupCall[verification.FinancialInformation](ctx, c, operation.FinancialInformation, lookup, opts)
}

// lookupCall is a status operation: check the lookup, send it as the
// operation's query, decode the answer.
func lookupCall[T any](ctx context.Context, c *Client, op operation.Operation, lookup Lookup, opts []CallOption) (*T, error) {
	if err := checkLookup(op, lookup); err != nil {
		return nil, err
	}
	return call[T](ctx, c, op, request{query: lookupQuery(op, lookup)}, opts)
}

// call sends one operation and returns its 2xx answer decoded into a new
// T. The body must be a JSON object: it is decoded into a *T, which stays
// nil for a null body. One pass rejects, besides what is not JSON or not
// the type, a member name given twice and invalid UTF-8; names match the
// spec's exactly, so a case variant ("STATUS") is an unknown member, not a
// second value for "status".
func call[T any](ctx context.Context, c *Client, op operation.Operation, r request, opts []CallOption) (*T, error) {
	var out *T
	a, err := c.send(ctx, op, r, opts, &out)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, &DecodeError{Operation: op.ID, StatusCode: a.status, ContentType: a.contentType, Err: errors.New("body is null, not a JSON object")}
	}
	return out, nil
}
