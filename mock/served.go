package mock

import (
	"net/http"

	"github.com/cfverify/cfverify/internal/mockapi"
	"github.com/cfverify/cfverify/internal/operation"
)

// exchange is one request being answered. Its methods are the server
// interface generated from the spec (internal/mockapi), one per operation,
// so an operation added to the spec does not compile until the mock serves
// it here. Each operation reads its query and headers itself, in the
// vendor's order of checks (credentials before parameters).
type exchange struct {
	h    *Handler
	body []byte
	rep  reply
}

var _ mockapi.ServerInterface = (*exchange)(nil)

func (x *exchange) GetDataAvailability(_ http.ResponseWriter, r *http.Request) {
	x.rep = x.h.dataAvailability(r, x.body)
}

func (x *exchange) GetUserDetails(_ http.ResponseWriter, r *http.Request) {
	x.rep = x.h.userDetails(r, x.body)
}

func (x *exchange) GetDigiLockerStatus(_ http.ResponseWriter, r *http.Request) {
	x.rep = x.h.status(operation.DigiLockerStatus, r, x.body)
}

func (x *exchange) GetConsentStatus(_ http.ResponseWriter, r *http.Request) {
	x.rep = x.h.status(operation.ConsentStatus, r, x.body)
}

func (x *exchange) GetFinancialInformation(_ http.ResponseWriter, r *http.Request) {
	x.rep = x.h.status(operation.FinancialInformation, r, x.body)
}

// servers are the generated methods (mockapi.Handlers, by method and path)
// by operation id of the table.
var servers = func() map[string]func(mockapi.ServerInterface, http.ResponseWriter, *http.Request) {
	m := map[string]func(mockapi.ServerInterface, http.ResponseWriter, *http.Request){}
	for _, op := range operation.All {
		if serve, ok := mockapi.Handlers[op.Method+" /"+op.Path]; ok {
			m[op.ID] = serve
		}
	}
	return m
}()

// handle answers a request that meets no fault, through the operation's
// method of the generated interface.
func (h *Handler) handle(op string, r *http.Request, body []byte) reply {
	serve, ok := servers[op]
	if !ok {
		return reply{status: http.StatusNotImplemented, offSpec: true,
			body: apiError{http.StatusNotImplemented, typeInternal, "not_implemented", "the mock does not serve " + op + " yet"}.body()}
	}
	x := &exchange{h: h, body: body}
	serve(x, nil, r)
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
var statusKinds = map[RecordKind]statusKind{
	RecordDigiLocker: {
		op:     operation.DigiLockerStatus,
		stages: func(s Scenario) int { return len(s.DigiLocker) },
		path:   func(s Scenario) []string { return texts(s.DigiLocker) },
		body:   func(h *Handler, rec *record, stage int) any { return h.digiLockerBody(rec, stage) },
	},
	RecordConsent: {
		op:     operation.ConsentStatus,
		stages: func(s Scenario) int { return len(s.Consent) },
		path:   func(s Scenario) []string { return texts(s.Consent) },
		body:   func(h *Handler, rec *record, stage int) any { return consentBody(h.cfg.seed, rec, stage) },
	},
	RecordFI: {
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
