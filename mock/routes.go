package mock

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/openapi"
)

// The operations the mock serves, by their operationId in the spec.
const (
	OpDataAvailability     = operation.DataAvailabilityID
	OpUserDetails          = operation.UserDetailsID
	OpDigiLockerStatus     = operation.DigiLockerStatusID
	OpConsentStatus        = operation.ConsentStatusID
	OpFinancialInformation = operation.FinancialInformationID
)

// Operations lists the operationIds the mock serves.
func Operations() []string {
	return []string{OpDataAvailability, OpUserDetails, OpDigiLockerStatus, OpConsentStatus, OpFinancialInformation}
}

// BasePath is the path prefix of the real servers
// (https://sandbox.cashfree.com/verification). The mock serves every
// operation under it and at the bare path too.
const BasePath = "/verification"

// AdminPath is where the mock's own endpoints live, outside the spec:
// GET stats, POST reset and POST create (see Handler.ServeHTTP).
const AdminPath = "/_mock/"

const maxBody = 1 << 20

// route is one operation of the spec: the mock's routes come from the spec.
type route struct {
	op, method, path string
}

var (
	routesOnce sync.Once
	routes     map[string][]route // by path, without the base path
)

func specRoutes() map[string][]route {
	routesOnce.Do(func() {
		routes = map[string][]route{}
		doc := openapi.MustLoad()
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				routes[path] = append(routes[path], route{op: op.OperationID, method: method, path: path})
			}
		}
	})
	return routes
}

// documented reports whether the spec documents a status for an operation.
func documented(op string, status int) bool {
	for _, rs := range specRoutes() {
		for _, r := range rs {
			if r.op != op {
				continue
			}
			o := openapi.MustLoad().Paths.Find(r.path).GetOperation(r.method)
			return o != nil && o.Responses.Status(status) != nil
		}
	}
	return false
}

// lookupID is the id a request names, for faults by id: see Fault.
func (h *Handler) lookupID(op string, r *http.Request, body []byte) string {
	q := r.URL.Query()
	switch op {
	case OpDataAvailability:
		var v struct {
			VerificationID any `json:"verification_id"`
		}
		_ = json.Unmarshal(body, &v)
		s, _ := v.VerificationID.(string)
		return s
	case OpUserDetails:
		token, _ := bearer(r)
		return token
	}
	lk, res := lookupOf(op)
	if id := q.Get(lk.idParam); id != "" {
		return id
	}
	ref := q.Get(lk.refParam)
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		h.store.mu.Lock()
		defer h.store.mu.Unlock()
		if rec := h.store.findRef(res, n, h.cfg.clock()); rec != nil {
			return rec.id
		}
	}
	return ref
}

func lookupOf(op string) (lookup, RecordKind) {
	switch op {
	case OpConsentStatus:
		return consentLookup, RecordConsent
	case OpFinancialInformation:
		return fiLookup, RecordFI
	default:
		return digiLockerLookup, RecordDigiLocker
	}
}

func bearer(r *http.Request) (string, bool) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, token, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
