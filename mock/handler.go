package mock

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/internal/verdictcache"
	"github.com/cfverify/cfverify/verification"
)

// SelfCheckFailure is a response the self-check stopped: the mock was about to
// send something the spec does not allow.
type SelfCheckFailure struct {
	Operation string
	Status    int
	Err       error // a *openapi.ValidationError
}

func (v SelfCheckFailure) String() string {
	return fmt.Sprintf("%s %d: %v", v.Operation, v.Status, v.Err)
}

// Stats counts what a mock has done.
type Stats struct {
	Requests   int               `json:"requests"`    // requests received
	Responses  int               `json:"responses"`   // answers to the operations (faults included, the /_mock/ endpoints not)
	Checked    int               `json:"checked"`     // responses the self-check passed (each distinct body is validated once: SelfChecks)
	SelfChecks int               `json:"self_checks"` // distinct responses (data availability: distinct shapes) validated whole against the spec
	Violations int               `json:"violations"`  // responses the self-check stopped
	Faults     map[FaultKind]int `json:"faults"`      // faults injected, by kind
	// ByOperation counts answers by operation id ("" for paths outside
	// the spec) and HTTP status (0: a reset connection, nothing answered).
	ByOperation map[string]map[int]int `json:"by_operation"`
	Records     int                    `json:"records"`         // records held (WithRecordRetention)
	Expired     int64                  `json:"records_expired"` // records forgotten by age or cap
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
	cfg           config
	scen          *scenarios
	store         *store
	faults        *faultState
	validator     SpecValidator
	checks        verdictcache.Cache[error] // the self-check's verdicts, by response (the whole answer, every byte)
	requestChecks verdictcache.Cache[error] // the request validation's verdicts, by request (method, URL, headers, body)
	userAnswers   answerCache               // user details, encoded, by token
	log           *slog.Logger
	webhooks      *webhookSender // nil without WithWebhookURL (webhook.go)

	done      chan struct{}
	closeOnce sync.Once
	inflight  sync.WaitGroup

	seq        atomic.Int64
	statsMu    sync.Mutex
	stats      Stats
	violations []SelfCheckFailure
}

// NewHandler builds the mock without listening. It fails on bad options,
// an unreadable fixture, or a spec validator that cannot be built.
func NewHandler(opts ...Option) (*Handler, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	h := &Handler{
		cfg:   cfg,
		scen:  &scenarios{named: cfg.named, ids: cfg.ids},
		store: newStore(cfg.maxRecords, cfg.recordTTL),
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
	h.store.onForget = h.webhooks.forgetRecord
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
	s.ByOperation = make(map[string]map[int]int, len(h.stats.ByOperation))
	for op, byStatus := range h.stats.ByOperation {
		s.ByOperation[op] = maps.Clone(byStatus)
	}
	h.statsMu.Unlock()
	s.Faults = h.faults.counts()
	s.Records, s.Expired = h.store.held()
	return s
}

// FaultsInjected returns how many faults the mock has injected so far.
func (h *Handler) FaultsInjected() int { return h.Stats().FaultsInjected() }

// Violations returns the responses the self-check stopped, oldest first.
func (h *Handler) Violations() []SelfCheckFailure {
	h.statsMu.Lock()
	defer h.statsMu.Unlock()
	return append([]SelfCheckFailure(nil), h.violations...)
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

// Create makes a verification (RecordDigiLocker), consent
// (RecordConsent) or financial-information request (RecordFI) with the
// given scenario ("" for the id's prefixes), and returns its reference id.
// Creating is optional: by default ids are created the first time they are
// asked about. It fails for an id that exists.
func (h *Handler) Create(res RecordKind, id, scenario string) (int64, error) {
	if !validID(id) {
		return 0, fmt.Errorf("mock: id %q is not 1-50 letters, digits, '.', '-' or '_'", id)
	}
	if !slices.Contains(resources, res) {
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
	if h.store.find(res, id, h.cfg.clock()) != nil {
		return 0, errExists{res, id}
	}
	return h.newRecord(res, id, s, names).ref, nil
}

// newRecord makes and stores a record. Call with h.store.mu held.
func (h *Handler) newRecord(res RecordKind, id string, s Scenario, names []string) *record {
	rec := &record{res: res, id: id, scenario: s, names: names, created: h.cfg.clock()}
	rec.ref = h.store.refFor(h.cfg.seed, res, id)
	if res == RecordFI {
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
			rec.fi.FIData = []verification.FIPData{}
		}
	}
	h.store.add(rec, rec.created)
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

func validID(id string) bool { return operation.ValidID(id) }

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
	for i, candidate := range operationRoutes()[path] {
		allowed = append(allowed, candidate.method)
		if candidate.method == r.Method {
			rt = &operationRoutes()[path][i]
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
