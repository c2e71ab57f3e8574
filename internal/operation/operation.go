// Package operation is the one table of the API's five operations: id,
// method, path, authentication and lookup parameters, and the input rules
// the spec states for them. The client's methods, its Wait helpers and the
// mock all read it; TestTable_matchesSpec holds it to
// openapi/verification.yaml.
package operation

import "net/http"

// Operation ids, as the spec names them.
const (
	DataAvailabilityID     = "getDataAvailability"
	UserDetailsID          = "getUserDetails"
	DigiLockerStatusID     = "getDigiLockerStatus"
	ConsentStatusID        = "getConsentStatus"
	FinancialInformationID = "getFinancialInformation"
)

// Auth is how an operation is authorised.
type Auth uint8

const (
	// ClientCredentials: x-client-id and x-client-secret, and x-cf-signature
	// when the merchant signs.
	ClientCredentials Auth = iota
	// Bearer: Authorization: Bearer <the user's access token>.
	Bearer
)

// Operation is one row of the table.
type Operation struct {
	ID     string
	Method string
	// Path is relative to the base URL, without a leading slash
	// ("aa/consent").
	Path string
	Auth Auth
	// IDParam and RefParam are the query parameters of a status lookup (your
	// verification id, Cashfree's reference id); empty for an operation
	// without a lookup.
	IDParam, RefParam string
}

// Idempotent reports whether a retry after the request may have reached
// the server is safe.
func (op Operation) Idempotent() bool { return op.Method == http.MethodGet }

// The five operations.
var (
	DataAvailability = Operation{ID: DataAvailabilityID, Method: http.MethodPost,
		Path: "user/data-availability", Auth: ClientCredentials}
	UserDetails = Operation{ID: UserDetailsID, Method: http.MethodGet,
		Path: "oauth2/user-details", Auth: Bearer}
	DigiLockerStatus = Operation{ID: DigiLockerStatusID, Method: http.MethodGet,
		Path: "digilocker", Auth: ClientCredentials, IDParam: "verification_id", RefParam: "reference_id"}
	ConsentStatus = Operation{ID: ConsentStatusID, Method: http.MethodGet,
		Path: "aa/consent", Auth: ClientCredentials, IDParam: "consent_verification_id", RefParam: "consent_ref_id"}
	FinancialInformation = Operation{ID: FinancialInformationID, Method: http.MethodGet,
		Path: "aa/fi", Auth: ClientCredentials, IDParam: "fi_verification_id", RefParam: "fi_ref_id"}
)

// All lists the operations in the spec's order.
var All = []Operation{DataAvailability, UserDetails, DigiLockerStatus, ConsentStatus, FinancialInformation}

// ByID returns the operation with the given id.
func ByID(id string) (Operation, bool) {
	for _, op := range All {
		if op.ID == id {
			return op, true
		}
	}
	return Operation{}, false
}
