package client

import (
	"context"
	"net/http"

	"github.com/cfverify/cfverify/client/api"
)

// DataAvailabilityRequest asks which scopes of user data exist for a mobile
// number.
type DataAvailabilityRequest struct {
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
	// ReferenceID is Cashfree's id, a positive integer; zero means unset.
	// Sent as reference_id, consent_ref_id or fi_ref_id.
	ReferenceID int64
}

// ByVerificationID looks up by your verification id.
func ByVerificationID(id string) Lookup { return Lookup{VerificationID: id} }

// ByReferenceID looks up by Cashfree's reference id.
func ByReferenceID(id int64) Lookup { return Lookup{ReferenceID: id} }

// idOrNil and refOrNil give the lookup's parameters as the generated params
// want them: nil when unset.
func (l Lookup) idOrNil() *string {
	if l.VerificationID == "" {
		return nil
	}
	return &l.VerificationID
}

func (l Lookup) refOrNil() *int64 {
	if l.ReferenceID == 0 {
		return nil
	}
	return &l.ReferenceID
}

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
func (c *Client) DataAvailability(ctx context.Context, req DataAvailabilityRequest, opts ...CallOption) (*DataAvailability, error) {
	if err := checkDataAvailability(req); err != nil {
		return nil, err
	}
	body := api.DataAvailabilityRequest{
		VerificationID: req.VerificationID,
		User:           []api.UserIdentifier{{IdentifierType: api.IdentifierTypeMOBILE, IdentifierValue: req.Mobile}},
	}
	build := func(sig *string) (*http.Request, error) {
		return newDataAvailabilityRequest(c.server, c.apiVersion, sig, body)
	}
	a, err := c.send(ctx, opDataAvailability, "", build, opts)
	if err != nil {
		return nil, err
	}
	var out DataAvailability
	if err := decode(opDataAvailability, &a, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UserDetails calls GET /oauth2/user-details (getUserDetails): the data the
// user agreed to share, one entry per scope. It is authorised by the user's
// OAuth access token alone (sent as a bearer token; give the token without
// "Bearer "), so it works on a Client without credentials, and no client
// secret or signature is sent. Use the accessors of UserDetails (Aadhaar,
// PAN, BankAccount, …) for typed records.
func (c *Client) UserDetails(ctx context.Context, accessToken string, opts ...CallOption) (*UserDetails, error) {
	if err := checkAccessToken(accessToken); err != nil {
		return nil, err
	}
	build := func(*string) (*http.Request, error) {
		return newUserDetailsRequest(c.server, c.apiVersion)
	}
	a, err := c.send(ctx, opUserDetails, accessToken, build, opts)
	if err != nil {
		return nil, err
	}
	var out UserDetails
	if err := decode(opUserDetails, &a, &out.UserDetails); err != nil {
		return nil, err
	}
	if err := out.check(); err != nil {
		return nil, &DecodeError{Operation: OpUserDetails, StatusCode: a.status, ContentType: a.contentType, Err: err}
	}
	return &out, nil
}

// DigiLockerStatus calls GET /digilocker (getDigiLockerStatus): where a
// DigiLocker verification stands (PENDING, AUTHENTICATED, EXPIRED,
// CONSENT_DENIED) and, once authenticated, who the user is. The lookup is
// sent as verification_id or reference_id. Needs credentials. To wait for
// the user, see WaitDigiLocker.
func (c *Client) DigiLockerStatus(ctx context.Context, lookup Lookup, opts ...CallOption) (*DigiLockerStatus, error) {
	if err := checkLookup(OpDigiLockerStatus, lookup, "verification_id", "reference_id"); err != nil {
		return nil, err
	}
	build := func(sig *string) (*http.Request, error) {
		return newDigiLockerStatusRequest(c.server, c.apiVersion, sig, lookup)
	}
	a, err := c.send(ctx, opDigiLockerStatus, "", build, opts)
	if err != nil {
		return nil, err
	}
	var out DigiLockerStatus
	if err := decode(opDigiLockerStatus, &a, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ConsentStatus calls GET /aa/consent (getConsentStatus): where an Account
// Aggregator consent request stands and what it covers. The lookup is sent
// as consent_verification_id or consent_ref_id. Needs credentials. To wait
// for the user, see WaitConsent.
func (c *Client) ConsentStatus(ctx context.Context, lookup Lookup, opts ...CallOption) (*ConsentStatus, error) {
	if err := checkLookup(OpConsentStatus, lookup, "consent_verification_id", "consent_ref_id"); err != nil {
		return nil, err
	}
	build := func(sig *string) (*http.Request, error) {
		return newConsentStatusRequest(c.server, c.apiVersion, sig, lookup)
	}
	a, err := c.send(ctx, opConsentStatus, "", build, opts)
	if err != nil {
		return nil, err
	}
	var out ConsentStatus
	if err := decode(opConsentStatus, &a, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FinancialInformation calls GET /aa/fi (getFinancialInformation): the
// accounts fetched under a consent, per provider, each with its profile,
// summary and transactions once delivered. The lookup is sent as
// fi_verification_id or fi_ref_id. Needs credentials. Use
// FinancialInformation.Transactions and Accounts for exact decimals and
// parsed dates; to wait for the data, see WaitFinancialInformation.
func (c *Client) FinancialInformation(ctx context.Context, lookup Lookup, opts ...CallOption) (*FinancialInformation, error) {
	if err := checkLookup(OpFinancialInformation, lookup, "fi_verification_id", "fi_ref_id"); err != nil {
		return nil, err
	}
	build := func(sig *string) (*http.Request, error) {
		return newFinancialInformationRequest(c.server, c.apiVersion, sig, lookup)
	}
	a, err := c.send(ctx, opFinancialInformation, "", build, opts)
	if err != nil {
		return nil, err
	}
	var out FinancialInformation
	if err := decode(opFinancialInformation, &a, &out.FinancialInformation); err != nil {
		return nil, err
	}
	return &out, nil
}
