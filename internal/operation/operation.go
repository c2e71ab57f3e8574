// Package operation is the one table of the API's five operations: id,
// method, path, authentication and lookup parameters, the names the mock and
// the CLI give them, and the input rules the spec states for them. The
// client's methods, its Wait helpers, the mock's routes, state and lookup
// errors, and the CLI's status commands all read it;
// TestTable_matchesSpec holds it to openapi/verification.yaml.
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

	// Resource is what the mock keeps a record of per id, in the name its
	// state, faults, Create and /_mock/create use ("digilocker"); empty for
	// an operation without records.
	Resource string
	// Command is the operation's CLI command ("consent-status"), and Noun
	// what a status lookup looks up, for help and messages ("consent
	// request").
	Command, Noun string
	// Missing and Both are the messages of the 400 a lookup gets with
	// neither or both of IDParam and RefParam: the vendor's wording where
	// it shows one (Missing), the house's otherwise (Both).
	Missing, Both string
}

// Lookup reports whether the operation looks a record up by IDParam or
// RefParam (the status operations).
func (op Operation) Lookup() bool { return op.IDParam != "" }

// Idempotent reports whether a retry after the request may have reached
// the server is safe.
func (op Operation) Idempotent() bool { return op.Method == http.MethodGet }

// The five operations.
var (
	DataAvailability = Operation{ID: DataAvailabilityID, Method: http.MethodPost,
		Path: "user/data-availability", Auth: ClientCredentials, Resource: "data-availability", Command: "data-availability"}
	UserDetails = Operation{ID: UserDetailsID, Method: http.MethodGet,
		Path: "oauth2/user-details", Auth: Bearer, Command: "user-details"}
	DigiLockerStatus = Operation{ID: DigiLockerStatusID, Method: http.MethodGet,
		Path: "digilocker", Auth: ClientCredentials, IDParam: "verification_id", RefParam: "reference_id",
		Resource: "digilocker", Command: "digilocker-status", Noun: "DigiLocker verification",
		Missing: "Please provide verification_id or reference_id",
		Both:    "Please provide either verification_id or reference_id, not both"}
	ConsentStatus = Operation{ID: ConsentStatusID, Method: http.MethodGet,
		Path: "aa/consent", Auth: ClientCredentials, IDParam: "consent_verification_id", RefParam: "consent_ref_id",
		Resource: "consent", Command: "consent-status", Noun: "consent request",
		Missing: "provide consent_verification_id or consent_ref_id",
		Both:    "provide either consent_verification_id or consent_ref_id, not both"}
	FinancialInformation = Operation{ID: FinancialInformationID, Method: http.MethodGet,
		Path: "aa/fi", Auth: ClientCredentials, IDParam: "fi_verification_id", RefParam: "fi_ref_id",
		Resource: "fi", Command: "fi", Noun: "financial information request",
		Missing: "provide fi_verification_id or fi_ref_id",
		Both:    "provide either fi_verification_id or fi_ref_id, not both"}
)

// All lists the operations in the spec's order.
var All = []Operation{DataAvailability, UserDetails, DigiLockerStatus, ConsentStatus, FinancialInformation}

// Lookups lists the status operations (those with Lookup), in All's order.
func Lookups() []Operation {
	var out []Operation
	for _, op := range All {
		if op.Lookup() {
			out = append(out, op)
		}
	}
	return out
}

// ByResource returns the operation whose records are of the resource.
func ByResource(res string) (Operation, bool) {
	for _, op := range All {
		if res != "" && op.Resource == res {
			return op, true
		}
	}
	return Operation{}, false
}

// ByID returns the operation with the given id.
func ByID(id string) (Operation, bool) {
	for _, op := range All {
		if op.ID == id {
			return op, true
		}
	}
	return Operation{}, false
}
