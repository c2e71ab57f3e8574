package mock

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfverify/cfverify/openapi/wire"

	"github.com/cfverify/cfverify/client/api"
	"github.com/cfverify/cfverify/openapi"
)

// The operations the mock serves, by their operationId in the spec.
const (
	OpDataAvailability     = "getDataAvailability"
	OpUserDetails          = "getUserDetails"
	OpDigiLockerStatus     = "getDigiLockerStatus"
	OpConsentStatus        = "getConsentStatus"
	OpFinancialInformation = "getFinancialInformation"
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

// Violation is a response the self-check stopped: the mock was about to
// send something the spec does not allow.
type Violation struct {
	Operation string
	Status    int
	Err       error // a *openapi.ValidationError
}

func (v Violation) String() string {
	return fmt.Sprintf("%s %d: %v", v.Operation, v.Status, v.Err)
}

// Stats counts what a mock has done.
type Stats struct {
	Requests   int               `json:"requests"`   // requests received
	Responses  int               `json:"responses"`  // answers to the operations (faults included, the /_mock/ endpoints not)
	Checked    int               `json:"checked"`    // responses validated against the spec by the self-check
	Violations int               `json:"violations"` // responses the self-check stopped
	Faults     map[FaultKind]int `json:"faults"`     // faults injected, by kind
}

// FaultsInjected returns the total of Faults.
func (s Stats) FaultsInjected() int {
	n := 0
	for _, v := range s.Faults {
		n += v
	}
	return n
}

// Handler is the mock as an http.Handler: the five operations under
// BasePath and at the bare paths, with state, scenarios and faults. New
// wraps it in a listening Server; use it directly to mount it elsewhere.
type Handler struct {
	cfg       config
	scen      *scenarios
	store     *store
	faults    *faultState
	validator SpecValidator
	log       *slog.Logger
	webhooks  *webhookSender // nil without WithWebhookURL (webhook.go)

	done      chan struct{}
	closeOnce sync.Once
	inflight  sync.WaitGroup

	seq        atomic.Int64
	statsMu    sync.Mutex
	stats      Stats
	violations []Violation
}

// NewHandler builds the mock without listening. It fails on bad options,
// an unreadable fixture, or a spec validator that cannot be built.
func NewHandler(opts ...Option) (*Handler, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.errs) > 0 {
		return nil, errors.Join(cfg.errs...)
	}
	h := &Handler{
		cfg:   cfg,
		scen:  &scenarios{named: cfg.named, ids: cfg.ids},
		store: newStore(),
		log:   cfg.logger,
		done:  make(chan struct{}),
	}
	for id, entry := range cfg.ids {
		if err := h.scen.check(entry); err != nil {
			return nil, fmt.Errorf("%w (id %q)", err, id)
		}
	}
	rules := append(append([]Fault{}, builtinFaults...), cfg.faults...)
	h.faults = newFaultState(cfg.seed, rules)
	h.validator = cfg.validator
	if h.validator == nil {
		v, err := defaultValidator()
		if err != nil {
			return nil, fmt.Errorf("mock: spec validator: %w", err)
		}
		h.validator = v
	}
	h.stats.Faults = map[FaultKind]int{}
	h.webhooks = newWebhookSender(&cfg, h.validator, h.log, h.recordViolation)
	h.webhookSweep()
	return h, nil
}

// Close releases requests waiting in an injected latency and waits for
// every request being served to finish.
func (h *Handler) Close() {
	h.closeOnce.Do(func() { close(h.done) })
	h.inflight.Wait()
	h.webhooks.close()
}

// Stats returns what the mock has done so far.
func (h *Handler) Stats() Stats {
	h.statsMu.Lock()
	s := h.stats
	h.statsMu.Unlock()
	s.Faults = h.faults.counts()
	return s
}

// FaultsInjected returns how many faults the mock has injected so far.
func (h *Handler) FaultsInjected() int { return h.Stats().FaultsInjected() }

// Violations returns the responses the self-check stopped, oldest first.
func (h *Handler) Violations() []Violation {
	h.statsMu.Lock()
	defer h.statsMu.Unlock()
	return append([]Violation(nil), h.violations...)
}

// Reset forgets every id, counter and violation; options stay as they were.
func (h *Handler) Reset() {
	h.store.reset()
	h.faults.reset(h.cfg.seed)
	h.webhooks.reset()
	h.statsMu.Lock()
	h.stats = Stats{Faults: map[FaultKind]int{}}
	h.violations = nil
	h.statsMu.Unlock()
}

// Create makes a verification (ResourceDigiLocker), consent
// (ResourceConsent) or financial-information request (ResourceFI) with the
// given scenario ("" for the id's prefixes), and returns its reference id.
// Creating is optional: by default ids are created the first time they are
// asked about. It fails for an id that exists.
func (h *Handler) Create(res Resource, id, scenario string) (int64, error) {
	if !validID(id) {
		return 0, fmt.Errorf("mock: id %q is not 1-50 letters, digits, '.', '-' or '_'", id)
	}
	if res != ResourceDigiLocker && res != ResourceConsent && res != ResourceFI && res != ResourceDataAvailability {
		return 0, fmt.Errorf("mock: unknown resource %q", res)
	}
	var s Scenario
	var names []string
	if scenario != "" {
		if err := h.scen.check(scenario); err != nil {
			return 0, err
		}
		s = DefaultScenario()
		for n := range strings.SplitSeq(scenario, "_") {
			h.scen.apply(&s, n)
			names = append(names, n)
		}
	} else {
		s, names = h.scen.resolve(id)
	}
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	if h.store.byID[res][id] != nil {
		return 0, errExists{res, id}
	}
	return h.newRecord(res, id, s, names).ref, nil
}

// newRecord makes and stores a record. Call with h.store.mu held.
func (h *Handler) newRecord(res Resource, id string, s Scenario, names []string) *record {
	rec := &record{res: res, id: id, scenario: s, names: names, created: h.cfg.clock()}
	rec.ref = h.store.refFor(h.cfg.seed, res, id)
	if res == ResourceFI {
		n := s.Transactions
		if n == 0 {
			n = -1
		}
		rec.fi = GenerateFI(FIOptions{
			Seed:                  hashID(h.cfg.seed, "fi", id),
			Accounts:              max(len(s.Accounts), 1),
			Transactions:          n,
			To:                    rec.created.In(IST).Truncate(time.Second),
			FIVerificationID:      id,
			ConsentVerificationID: consentFor(id),
			FIRefID:               rec.ref,
		})
		if len(s.Accounts) == 0 {
			rec.fi.FIData = []api.FIPData{}
		}
	}
	h.store.byID[res][id] = rec
	h.store.byRef[res][rec.ref] = rec
	return rec
}

// consentFor names the consent an FI request was fetched under: the mock
// has no endpoint that links them, so it derives one from the FI id.
func consentFor(fiID string) string {
	id := "consent_" + fiID
	if len(id) > 50 {
		id = id[:50]
	}
	return id
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,50}$`)

func validID(id string) bool { return idPattern.MatchString(id) }

// reply is an answer before it is written.
type reply struct {
	status  int
	body    any    // encoded as JSON, unless raw is set
	raw     []byte // a body written as is (HTML)
	header  http.Header
	offSpec bool // a deliberate fault the spec cannot describe: not self-checked
	fault   FaultKind
}

func errorReply(e apiError) reply { return reply{status: e.status, body: e.body()} }

// ServeHTTP serves the five operations under BasePath and at the bare
// paths, and the mock's own endpoints under AdminPath (also below BasePath):
//
//	GET  /_mock/stats                                     Stats as JSON
//	GET  /_mock/webhooks                                  webhook deliveries (WithWebhookURL)
//	POST /_mock/reset                                     forget all state
//	POST /_mock/create?resource=fi&id=ID[&scenario=NAME]  Create
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.inflight.Add(1)
	defer h.inflight.Done()
	start := time.Now()
	h.statsMu.Lock()
	h.stats.Requests++
	h.statsMu.Unlock()

	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, BasePath); ok && strings.HasPrefix(rest, "/") {
		path = rest
	}
	if rest, ok := strings.CutPrefix(path, AdminPath); ok {
		h.admin(w, r, rest)
		return
	}
	var rt *route
	var allowed []string
	for i, candidate := range specRoutes()[path] {
		allowed = append(allowed, candidate.method)
		if candidate.method == r.Method {
			rt = &specRoutes()[path][i]
		}
	}
	if rt == nil {
		status, msg := http.StatusNotFound, "No such endpoint: "+path
		if len(allowed) > 0 {
			status, msg = http.StatusMethodNotAllowed, r.Method+" is not allowed on "+path
			w.Header().Set("Allow", strings.Join(allowed, ", "))
		}
		h.write(r.Context(), w, "", reply{status: status, offSpec: true, body: apiError{status, "invalid_request_error", "request_invalid", msg}.body()})
		return
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		h.respond(w, r, rt.op, errorReply(errInvalidRequest.withMessage("request body unreadable or larger than 1 MiB")))
		return
	}
	id := h.lookupID(rt.op, r, body)
	delay, fault := h.faults.decide(rt.op, id)
	if delay > 0 && !h.sleep(r, delay) {
		// The client left or the mock is closing: hang up, answer nothing.
		panic(http.ErrAbortHandler)
	}
	rep := h.inject(w, r, rt.op, body, fault)
	if rep == nil {
		return // the fault answered (or hung up)
	}
	h.respond(w, r, rt.op, *rep)
	h.log.Debug("mock request", "operation", rt.op, "status", rep.status, "fault", string(rep.fault),
		"latency", delay, "took", time.Since(start).Round(time.Microsecond))
}

// sleep waits d, or less if the request is cancelled or the mock closed.
func (h *Handler) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-h.done:
		return false
	}
}

// inject answers with fault, or returns the normal reply when there is none.
func (h *Handler) inject(w http.ResponseWriter, r *http.Request, op string, body []byte, f *Fault) *reply {
	if f == nil {
		rep := h.handle(op, r, body)
		return &rep
	}
	h.log.Debug("mock fault", "operation", op, "kind", string(f.Kind), "status", f.Status)
	switch f.Kind {
	case FaultRateLimit:
		rep := errorReply(errRateLimitOperation)
		rep.header = http.Header{"Retry-After": {strconv.Itoa(f.RetryAfter)}}
		rep.fault = f.Kind
		return &rep
	case FaultStatus:
		var rep reply
		if f.HTML {
			rep = reply{status: f.Status, raw: []byte(gatewayHTML(f.Status)), header: http.Header{"Content-Type": {"text/html"}}}
		} else {
			e := errInternal
			switch f.Status {
			case http.StatusBadGateway:
				e = errBadGateway
			case http.StatusServiceUnavailable:
				e = errUnavailable
			}
			e.status = f.Status
			rep = errorReply(e)
		}
		if f.RetryAfter > 0 {
			if rep.header == nil {
				rep.header = http.Header{}
			}
			rep.header.Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		rep.offSpec = f.HTML || !documented(op, f.Status)
		rep.fault = f.Kind
		return &rep
	case FaultReset:
		h.countResponse(false)
		if err := resetConnection(w); err != nil {
			h.log.Error("mock: reset fault", "err", err)
		}
		return nil
	case FaultTruncate:
		rep := h.handle(op, r, body)
		data, err := encode(rep)
		if err != nil {
			h.log.Error("mock: encode", "err", err)
			data = []byte(`{}`)
		}
		h.countResponse(false)
		if err := truncate(w, rep.status, data); err != nil {
			h.log.Error("mock: truncate fault", "err", err)
		}
		return nil
	}
	rep := h.handle(op, r, body)
	return &rep
}

func encode(rep reply) ([]byte, error) {
	if rep.raw != nil {
		return rep.raw, nil
	}
	var data []byte
	var err error
	if fi, ok := rep.body.(*api.FinancialInformation); ok {
		data, err = MarshalFI(fi)
	} else {
		data, err = json.Marshal(rep.body)
	}
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func (h *Handler) countResponse(checked bool) {
	h.statsMu.Lock()
	h.stats.Responses++
	if checked {
		h.stats.Checked++
	}
	h.statsMu.Unlock()
}

// respond encodes a reply, checks it against the spec (self-check) and
// writes it. A reply that breaks the spec is replaced by a 500 that says so.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, op string, rep reply) {
	h.write(r.Context(), w, op, rep)
}

func (h *Handler) write(ctx context.Context, w http.ResponseWriter, op string, rep reply) {
	data, err := encode(rep)
	if err != nil {
		rep = errorReply(errMockViolation.withMessage("cfverify mock: cannot encode its response: " + err.Error()))
		data, _ = encode(rep)
	}
	header := http.Header{"Content-Type": {"application/json"}}
	for k, v := range rep.header {
		header[k] = v
	}
	checked := false
	if h.cfg.selfCheck && op != "" && !rep.offSpec {
		if err := h.checkResponse(ctx, op, rep.status, header, data); err != nil {
			h.statsMu.Lock()
			h.stats.Violations++
			h.violations = append(h.violations, Violation{Operation: op, Status: rep.status, Err: err})
			h.statsMu.Unlock()
			h.log.Error("cfverify mock: response breaks the spec", "operation", op, "status", rep.status, "err", err)
			rep = errorReply(errMockViolation.withMessage(fmt.Sprintf(
				"cfverify mock: its %d response to %s breaks the spec, so it sent this instead: %v", rep.status, op, err)))
			header = http.Header{"Content-Type": {"application/json"}, "X-Mock-Violation": {"1"}}
			data, _ = encode(rep)
		} else {
			checked = true
		}
	}
	h.countResponse(checked)
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Request-Id", "mock-"+strconv.FormatInt(h.seq.Add(1), 10))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(data)
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
		if rec := h.store.byRef[res][n]; rec != nil {
			return rec.id
		}
	}
	return ref
}

func lookupOf(op string) (lookup, Resource) {
	switch op {
	case OpConsentStatus:
		return consentLookup, ResourceConsent
	case OpFinancialInformation:
		return fiLookup, ResourceFI
	default:
		return digiLockerLookup, ResourceDigiLocker
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

// handle answers a request that meets no fault.
func (h *Handler) handle(op string, r *http.Request, body []byte) reply {
	switch op {
	case OpDataAvailability:
		return h.dataAvailability(r, body)
	case OpUserDetails:
		return h.userDetails(r, body)
	case OpDigiLockerStatus, OpConsentStatus, OpFinancialInformation:
		return h.status(op, r, body)
	}
	return reply{status: http.StatusNotImplemented, offSpec: true,
		body: apiError{http.StatusNotImplemented, typeInternal, "not_implemented", "the mock does not serve " + op + " yet"}.body()}
}

// checkClient checks the client id, secret and (when required) signature.
func (h *Handler) checkClient(r *http.Request) *apiError {
	id, secret := r.Header.Get("x-client-id"), r.Header.Get("x-client-secret")
	switch {
	case strings.TrimSpace(id) == "":
		return &errClientIDMissing
	case strings.TrimSpace(secret) == "":
		return &errClientSecretMissing
	case subtle.ConstantTimeCompare([]byte(id), []byte(h.cfg.clientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(h.cfg.clientSecret)) != 1:
		return &errAuthFailed
	}
	if h.cfg.signatureKey != nil {
		return h.checkSignature(r.Header.Get("x-cf-signature"), id)
	}
	return nil
}

func (h *Handler) checkSignature(sig, clientID string) *apiError {
	if sig == "" {
		return &errIPNotWhitelisted
	}
	ct, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return &errSignatureInvalid
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, h.cfg.signatureKey, ct, nil)
	if err != nil {
		return &errSignatureInvalid
	}
	who, when, ok := strings.Cut(string(pt), ".")
	secs, err := strconv.ParseInt(when, 10, 64)
	if !ok || err != nil || who != clientID {
		return &errSignatureInvalid
	}
	if d := h.cfg.clock().Sub(time.Unix(secs, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return &errSignatureInvalid
	}
	return nil
}

func checkAPIVersion(r *http.Request) *apiError {
	v := strings.TrimSpace(r.Header.Get("x-api-version"))
	if v == "" {
		return &errAPIVersionMissing
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return &errAPIVersionInvalid
	}
	return nil
}

// checkSpec runs the shared validator over the request: whatever the
// vendor-specific checks let through and the spec forbids is a 400.
func (h *Handler) checkSpec(r *http.Request, body []byte) *apiError {
	err := h.validator.ValidateRequest(r.Context(), r, body)
	if err == nil {
		return nil
	}
	e := errInvalidRequest.withMessage(msgBadRequest + ": " + describe(err))
	return &e
}

func (h *Handler) dataAvailability(r *http.Request, body []byte) reply {
	if e := h.checkClient(r); e != nil {
		return errorReply(*e)
	}
	if e := checkAPIVersion(r); e != nil {
		return errorReply(*e)
	}
	var req struct {
		VerificationID *string `json:"verification_id"`
		User           []struct {
			IdentifierType  *string `json:"identifier_type"`
			IdentifierValue *string `json:"identifier_value"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return errorReply(errInvalidRequest.withMessage(msgBadRequest + ": the body is not a JSON object of the documented shape"))
	}
	switch {
	case req.VerificationID == nil || *req.VerificationID == "":
		return errorReply(errVerificationIDMissing)
	case !validID(*req.VerificationID):
		return errorReply(digiLockerLookup.idInvalid)
	case len(req.User) == 0:
		return errorReply(errUserMissing)
	}
	users := make([]api.EchoedUserIdentifier, 0, len(req.User))
	for _, u := range req.User {
		if u.IdentifierType == nil || *u.IdentifierType != string(api.IdentifierTypeMOBILE) {
			return errorReply(errIdentifierTypeInvalid)
		}
		if u.IdentifierValue == nil || !mobilePattern.MatchString(*u.IdentifierValue) {
			return errorReply(errIdentifierValueInvalid)
		}
		users = append(users, api.EchoedUserIdentifier{IdentifierType: api.IdentifierTypeMOBILE, IdentifierValue: *u.IdentifierValue})
	}
	if e := h.checkSpec(r, body); e != nil {
		return errorReply(*e)
	}
	id := *req.VerificationID
	s, names := h.scen.resolve(id)
	if e, ok, _ := s.errorFor(OpDataAvailability); ok && e.status != 0 {
		return errorReply(e)
	}
	h.store.mu.Lock()
	if h.store.byID[ResourceDataAvailability][id] != nil {
		h.store.mu.Unlock()
		return errorReply(errConflict)
	}
	rec := h.newRecord(ResourceDataAvailability, id, s, names)
	h.store.mu.Unlock()

	scopes := make([]api.AvailableScope, 0, 11)
	for _, sc := range scopesOf(s) {
		scopes = append(scopes, api.AvailableScope{Scope: ptr(sc)})
	}
	return reply{status: http.StatusOK, body: api.DataAvailability{
		ReferenceID: refID(rec.ref), VerificationID: ptr(id), User: users, AvailableScopes: scopes,
	}}
}

var mobilePattern = regexp.MustCompile(`^[0-9]{10}$`)

func (h *Handler) userDetails(r *http.Request, body []byte) reply {
	token, ok := bearer(r)
	if !ok {
		return errorReply(errAccessTokenMissing)
	}
	if e := checkAPIVersion(r); e != nil {
		return errorReply(*e)
	}
	if e := h.checkSpec(r, body); e != nil {
		return errorReply(*e)
	}
	s, _ := h.scen.resolve(token)
	if e, ok, notFound := s.errorFor(OpUserDetails); ok {
		if notFound {
			return errorReply(errAccessTokenInvalid)
		}
		return errorReply(e)
	}
	return reply{status: http.StatusOK, body: userDetails(h.cfg.seed, token, s)}
}

// status answers the three status operations.
func (h *Handler) status(op string, r *http.Request, body []byte) reply {
	if e := h.checkClient(r); e != nil {
		return errorReply(*e)
	}
	if e := checkAPIVersion(r); e != nil {
		return errorReply(*e)
	}
	lk, res := lookupOf(op)
	q := r.URL.Query()
	id, refText := q.Get(lk.idParam), q.Get(lk.refParam)
	var ref int64
	switch {
	case id == "" && refText == "":
		return errorReply(lk.missing)
	case id != "" && refText != "":
		return errorReply(lk.both)
	case refText != "":
		n, err := strconv.ParseInt(refText, 10, 64)
		if err != nil || n < 1 {
			return errorReply(lk.refInvalid)
		}
		ref = n
	case !validID(id):
		return errorReply(lk.idInvalid)
	}
	if e := h.checkSpec(r, body); e != nil {
		return errorReply(*e)
	}

	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	var rec *record
	if ref != 0 {
		if rec = h.store.byRef[res][ref]; rec == nil {
			return errorReply(lk.refNotFound)
		}
	} else if rec = h.store.byID[res][id]; rec == nil {
		s, names := h.scen.resolve(id)
		_, listed := h.cfg.ids[id]
		if _, _, notFound := s.errorFor(op); notFound || (h.cfg.strictIDs && !listed) {
			return errorReply(lk.idNotFound)
		}
		rec = h.newRecord(res, id, s, names)
	}
	if e, ok, notFound := rec.scenario.errorFor(op); ok {
		if notFound {
			if ref != 0 {
				return errorReply(lk.refNotFound)
			}
			return errorReply(lk.idNotFound)
		}
		return errorReply(e)
	}
	rec.polls++
	polls := h.cfg.polls
	if rec.scenario.PollsPerStage > 0 {
		polls = rec.scenario.PollsPerStage
	}
	d := h.cfg.stageDuration
	if k := rec.scenario.Slowdown; k > 1 {
		polls *= k
		d *= time.Duration(k)
	}
	elapsed := h.cfg.clock().Sub(rec.created)
	at := func(stages int) int { return stage(rec.polls, polls, elapsed, d, stages, rec.scenario.Instant) }
	h.webhookStages(rec, at)

	switch res {
	case ResourceDigiLocker:
		return reply{status: http.StatusOK, body: h.digiLockerBody(rec, at)}
	case ResourceConsent:
		return reply{status: http.StatusOK, body: consentBody(h.cfg.seed, rec, at)}
	default:
		return reply{status: http.StatusOK, body: fiBody(rec, at)}
	}
}

func (h *Handler) digiLockerBody(rec *record, at func(int) int) api.DigiLockerStatus {
	path := rec.scenario.DigiLocker
	st := api.DigiLockerStatusValue("")
	if len(path) > 0 {
		st = path[at(len(path))]
	}
	out := api.DigiLockerStatus{
		VerificationID:    ptr(rec.id),
		ReferenceID:       refID(rec.ref),
		Status:            &st,
		DocumentRequested: []string{"AADHAAR", "PAN"},
		DocumentConsent:   []string{},
		UserDetails:       &api.DigiLockerUserDetails{},
	}
	switch st {
	case api.DigiLockerStatusValueAUTHENTICATED:
		eaadhaar := rec.scenario.EAadhaar
		if eaadhaar == "" {
			eaadhaar = "Y"
		}
		out.UserDetails = digiLockerUser(h.cfg.seed, rec.id, eaadhaar)
		out.DocumentConsent = []string{"AADHAAR", "PAN"}
		if eaadhaar == "N" {
			out.DocumentConsent = nil // the vendor's example: null
		}
	case api.DigiLockerStatusValueCONSENTDENIED:
		out.DocumentConsent = nil
	}
	return out
}

func consentBody(seed uint64, rec *record, at func(int) int) api.ConsentStatus {
	path := rec.scenario.Consent
	st := api.ConsentStatusValue("")
	if len(path) > 0 {
		st = path[at(len(path))]
	}
	start := rec.created.UTC().Truncate(time.Second)
	p := fakePerson(hashID(seed, "consent", rec.id))
	return api.ConsentStatus{
		ConsentVerificationID: ptr(rec.id),
		ConsentRefID:          refID(rec.ref),
		ConsentRedirectURL:    ptr("https://example.com/cfverify-mock/aa/consent/" + strconv.FormatInt(rec.ref, 10)),
		Status:                &st,
		CustomerIdentifiers:   []api.CustomerIdentifier{{Type: ptr("MOBILE"), Value: ptr(p.mobile)}},
		ConsentStart:          ptr(wire.NewTimestamp(start)),
		ConsentExpiry:         ptr(wire.NewTimestamp(start.AddDate(1, 0, 0))),
		FIFrom:                ptr(wire.NewTimestamp(start.AddDate(-1, 0, 0))),
		FITo:                  ptr(wire.NewTimestamp(start)),
		RedirectURL:           ptr("https://example.com/cfverify-mock/return"),
		ConsentMode:           ptr(api.ConsentModeSTORE),
		ConsentType:           []api.ConsentType{api.ConsentTypePROFILE, api.ConsentTypeSUMMARY, api.ConsentTypeTRANSACTION},
		FITypes:               []api.FIType{api.FITypeDEPOSIT},
		DataLifeExpiry:        ptr(wire.NewDate(start.AddDate(0, 0, 7))),
		Filter: []api.ConsentFilter{{
			Type: ptr("TRANSACTION_AMOUNT"), Operator: ptr(api.FilterOperatorLESSTHAN), Value: ptr("200000"),
		}},
	}
}

// fiBody is the FI request as it stands: accounts PENDING while the request
// is PENDING, the first account final while ACTIVE, all final after that.
func fiBody(rec *record, at func(int) int) *api.FinancialInformation {
	path := rec.scenario.FI
	st := api.FIStatusValue("")
	stageIdx := 0
	if len(path) > 0 {
		stageIdx = at(len(path))
		st = path[stageIdx]
	}
	out := *rec.fi
	out.Status = &st
	out.FIData = make([]api.FIPData, len(rec.fi.FIData))
	n := 0
	for i, fip := range rec.fi.FIData {
		out.FIData[i] = api.FIPData{FIPID: fip.FIPID, Accounts: make([]api.FIAccount, len(fip.Accounts))}
		for j, acc := range fip.Accounts {
			final := accDelivered
			if n < len(rec.scenario.Accounts) {
				final = rec.scenario.Accounts[n]
			}
			status := final
			switch {
			case st == fiPending:
				status = accPending
			case st == fiActive && n > 0:
				status = accPending
			case st == "" && stageIdx == 0:
				status = accPending
			}
			acc.Status = ptr(status)
			if status != accDelivered {
				acc.Data = nil
			}
			out.FIData[i].Accounts[j] = acc
			n++
		}
	}
	return &out
}
