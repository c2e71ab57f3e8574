package mock

import (
	"net/http"

	"github.com/cfverify/cfverify/internal/mockapi"
	"github.com/cfverify/cfverify/internal/operation"
)

// exchange is one request being answered. Its methods are the server
// interface generated from the spec (internal/mockapi), one per operation,
// so an operation added to the spec does not compile until the mock serves
// it here. The generated parameters are not used: each operation reads its
// query and headers itself, in the vendor's order of checks (credentials
// before parameters), which the generated binding would reverse.
type exchange struct {
	h    *Handler
	body []byte
	rep  reply
}

var _ mockapi.ServerInterface = (*exchange)(nil)

func (x *exchange) GetDataAvailability(_ http.ResponseWriter, r *http.Request, _ mockapi.GetDataAvailabilityParams) {
	x.rep = x.h.dataAvailability(r, x.body)
}

func (x *exchange) GetUserDetails(_ http.ResponseWriter, r *http.Request, _ mockapi.GetUserDetailsParams) {
	x.rep = x.h.userDetails(r, x.body)
}

func (x *exchange) GetDigiLockerStatus(_ http.ResponseWriter, r *http.Request, _ mockapi.GetDigiLockerStatusParams) {
	x.rep = x.h.status(operation.DigiLockerStatus, r, x.body)
}

func (x *exchange) GetConsentStatus(_ http.ResponseWriter, r *http.Request, _ mockapi.GetConsentStatusParams) {
	x.rep = x.h.status(operation.ConsentStatus, r, x.body)
}

func (x *exchange) GetFinancialInformation(_ http.ResponseWriter, r *http.Request, _ mockapi.GetFinancialInformationParams) {
	x.rep = x.h.status(operation.FinancialInformation, r, x.body)
}

// handle answers a request that meets no fault. TestHandle_servesEveryOperation
// holds this switch to the spec's operations.
func (h *Handler) handle(op string, r *http.Request, body []byte) reply {
	x := exchange{h: h, body: body}
	switch op {
	case operation.DataAvailabilityID:
		x.GetDataAvailability(nil, r, mockapi.GetDataAvailabilityParams{})
	case operation.UserDetailsID:
		x.GetUserDetails(nil, r, mockapi.GetUserDetailsParams{})
	case operation.DigiLockerStatusID:
		x.GetDigiLockerStatus(nil, r, mockapi.GetDigiLockerStatusParams{})
	case operation.ConsentStatusID:
		x.GetConsentStatus(nil, r, mockapi.GetConsentStatusParams{})
	case operation.FinancialInformationID:
		x.GetFinancialInformation(nil, r, mockapi.GetFinancialInformationParams{})
	default:
		return reply{status: http.StatusNotImplemented, offSpec: true,
			body: apiError{http.StatusNotImplemented, typeInternal, "not_implemented", "the mock does not serve " + op + " yet"}.body()}
	}
	return x.rep
}

// statusKind is what the mock knows of one status operation's records: the
// status path a scenario gives them, and their answer at a stage.
type statusKind struct {
	op     operation.Operation
	stages func(Scenario) int
	path   func(Scenario) []string
	body   func(h *Handler, rec *record, stage int) any
}

// statusKinds has one entry per status operation of the table (by its
// Resource); TestStatusKinds_coverTable holds it to operation.Lookups.
var statusKinds = map[Resource]statusKind{
	ResourceDigiLocker: {
		op:     operation.DigiLockerStatus,
		stages: func(s Scenario) int { return len(s.DigiLocker) },
		path:   func(s Scenario) []string { return texts(s.DigiLocker) },
		body:   func(h *Handler, rec *record, stage int) any { return h.digiLockerBody(rec, stage) },
	},
	ResourceConsent: {
		op:     operation.ConsentStatus,
		stages: func(s Scenario) int { return len(s.Consent) },
		path:   func(s Scenario) []string { return texts(s.Consent) },
		body:   func(h *Handler, rec *record, stage int) any { return consentBody(h.cfg.seed, rec, stage) },
	},
	ResourceFI: {
		op:     operation.FinancialInformation,
		stages: func(s Scenario) int { return len(s.FI) },
		path:   func(s Scenario) []string { return texts(s.FI) },
		body:   func(_ *Handler, rec *record, stage int) any { return fiBody(rec, stage) },
	},
}

func texts[T ~string](v []T) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = string(s)
	}
	return out
}
