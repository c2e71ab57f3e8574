package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/webhook"
)

// Scenarios that exist for webhooks: the two DigiLocker events no status
// names, and a fault prefix that delivers an id's events twice.
const (
	// ScenarioDigiLockerConsentExpired: PENDING, AUTHENTICATED (SUCCESS is
	// sent), then one stage later DIGILOCKER_VERIFICATION_CONSENT_EXPIRED,
	// the status staying AUTHENTICATED; the event carries only the ids (no
	// source shows its data).
	ScenarioDigiLockerConsentExpired = "dlconsentexpired"
	// ScenarioDigiLockerFailure: PENDING for two stages, then
	// DIGILOCKER_VERIFICATION_FAILURE, the status staying PENDING (the
	// status operation has no value for a system failure); the event
	// carries only the ids (no source shows its data).
	ScenarioDigiLockerFailure = "dlfailure"
	// ScenarioWebhookDuplicated delivers each event of the id twice.
	ScenarioWebhookDuplicated = "duplicated"
)

func init() {
	builtinScenarios[ScenarioDigiLockerConsentExpired] = func(s *Scenario) {
		s.DigiLocker = dl(dlPending, dlAuthenticated, dlAuthenticated)
	}
	builtinScenarios[ScenarioDigiLockerFailure] = func(s *Scenario) { s.DigiLocker = dl(dlPending, dlPending) }
	builtinScenarios[ScenarioWebhookDuplicated] = func(*Scenario) {}
}

// statusEvents maps a status a resource reaches to the event it sends.
var statusEvents = map[RecordKind]map[string]webhook.EventType{
	RecordDigiLocker: {
		string(dlAuthenticated): webhook.DigiLockerVerificationSuccess,
		string(dlExpired):       webhook.DigiLockerVerificationLinkExpired,
		string(dlDenied):        webhook.DigiLockerVerificationConsentDenied,
	},
	RecordConsent: {
		string(csSuccess):  webhook.ConsentVerificationSuccess,
		string(csPaused):   webhook.ConsentVerificationPaused,
		string(csRevoked):  webhook.ConsentVerificationRevoked,
		string(csRejected): webhook.ConsentVerificationRejected,
		string(csExpired):  webhook.ConsentVerificationExpired,
	},
	RecordFI: {
		string(fiSuccess): webhook.FIVerificationSuccess,
		string(fiActive):  webhook.FIVerificationActive,
		string(fiFailed):  webhook.FIVerificationFailed,
		string(fiExpired): webhook.FIVerificationExpired,
	},
}

// WebhookDelivery is one event the mock sent, or is sending, with each
// attempt (GET /_mock/webhooks lists them).
type WebhookDelivery struct {
	Seq       int               `json:"seq"`
	EventType webhook.EventType `json:"event_type"`
	Resource  RecordKind        `json:"resource"`
	ID        string            `json:"id"`
	Status    string            `json:"status"`    // the resource's status in the event
	Duplicate bool              `json:"duplicate"` // a copy sent on purpose (a fault)
	State     string            `json:"state"`     // "pending", "delivered" or "failed"
	Attempts  []WebhookAttempt  `json:"attempts"`
	Body      json.RawMessage   `json:"body"` // the event as sent
}

// WebhookAttempt is one POST of a delivery.
type WebhookAttempt struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Status  int       `json:"status,omitempty"` // the receiver's answer; 0 when none came
	Error   string    `json:"error,omitempty"`  // why none came (timeout, refused)
}

// Delivery states.
const (
	deliveryPending   = "pending"
	deliveryDelivered = "delivered"
	deliveryFailed    = "failed"
)

// webhookSender turns status changes into signed deliveries, one ordered
// chain per resource id, and keeps the log of deliveries.
type webhookSender struct {
	cfg    webhookConfig
	secret string
	clock  func() time.Time
	client *http.Client
	log    *slog.Logger
	check  func(context.Context, []byte) error // the spec's ValidateWebhook, when the validator has it and the self-check is on
	report func(SelfCheckFailure)              // records a body the check rejected

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	notified   map[string]int           // resource/id -> last stage sent
	tails      map[string]chan struct{} // resource/id -> the last delivery's done
	deliveries []*WebhookDelivery
	logBound   // webhook_retention.go
}

// webhookOperation names webhook deliveries in Violations (the operationId
// of the spec's x-webhooks entry).
const webhookOperation = "verificationWebhook"

func newWebhookSender(cfg *config, v SpecValidator, log *slog.Logger, report func(SelfCheckFailure)) *webhookSender {
	if cfg.webhook == nil || cfg.webhook.url == "" {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &webhookSender{
		cfg:      *cfg.webhook,
		secret:   cfg.clientSecret,
		clock:    cfg.clock,
		client:   &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		log:      log,
		ctx:      ctx,
		cancel:   cancel,
		notified: map[string]int{},
		tails:    map[string]chan struct{}{},
		report:   report,
		logBound: logBound{limit: maxWebhookLog},
	}
	if wv, ok := v.(interface {
		ValidateWebhook(context.Context, []byte) error
	}); ok && cfg.selfCheck {
		s.check = wv.ValidateWebhook
	}
	return s
}

// close stops retries and waits for every delivery goroutine.
func (s *webhookSender) close() {
	if s == nil {
		return
	}
	s.cancel()
	s.wg.Wait()
}

// reset forgets what was sent (Handler.Reset).
func (s *webhookSender) reset() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.notified = map[string]int{}
	s.deliveries = nil
	s.sent = 0
	s.mu.Unlock()
}

// list returns a copy of the deliveries, oldest first.
func (s *webhookSender) list() []WebhookDelivery {
	if s == nil {
		return []WebhookDelivery{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]WebhookDelivery, len(s.deliveries))
	for i, d := range s.deliveries {
		out[i] = *d
		out[i].Attempts = slices.Clone(d.Attempts)
	}
	return out
}

// recordViolation adds a webhook body the self-check rejected to Violations.
func (h *Handler) recordViolation(v SelfCheckFailure) {
	h.statsMu.Lock()
	h.stats.Violations++
	h.violations = append(h.violations, v)
	h.statsMu.Unlock()
}

// Webhooks returns the webhook deliveries so far, oldest first (none
// without WithWebhookURL).
func (h *Handler) Webhooks() []WebhookDelivery { return h.webhooks.list() }

// webhookStages sends the events of the stages a record has reached since
// the last call: at is the stage function of the poll being answered (or of
// the sweep). Call with h.store.mu held; it never blocks on the network.
func (h *Handler) webhookStages(rec *record, at func(int) int) {
	s := h.webhooks
	if s == nil {
		return
	}
	kind, ok := statusKinds[rec.res]
	if !ok {
		return
	}
	path := kind.path(rec.scenario)
	if _, fails, _ := rec.scenario.errorFor(kind.op.ID); fails || len(path) == 0 {
		return // a record that only answers errors never reaches a status
	}
	key := string(rec.res) + "/" + rec.id
	now := at(len(path))
	s.mu.Lock()
	last, seen := s.notified[key]
	if !seen {
		last = -1
	}
	if now <= last {
		s.mu.Unlock()
		return
	}
	s.notified[key] = now
	s.mu.Unlock()
	for i := last + 1; i <= now; i++ {
		ev, ok := stageEvent(rec, path, i)
		if !ok {
			continue
		}
		body, err := h.webhookBody(rec, ev, path[i], i)
		if err != nil {
			h.log.Error("mock: webhook body", "err", err)
			continue
		}
		copies := 1 + s.cfg.duplicates
		if slices.Contains(rec.names, ScenarioWebhookDuplicated) {
			copies++
		}
		for c := range copies {
			s.enqueue(key, &WebhookDelivery{EventType: ev, Resource: rec.res, ID: rec.id, Status: path[i], Duplicate: c > 0, Body: body})
		}
	}
}

// stageEvent is the event of reaching stage i of a status path: the status's
// event when the status changed there, or the scenario's own event at the
// end of the path.
func stageEvent(rec *record, path []string, i int) (webhook.EventType, bool) {
	if rec.res == RecordDigiLocker && i == len(path)-1 && i > 0 {
		switch {
		case slices.Contains(rec.names, ScenarioDigiLockerConsentExpired):
			return webhook.DigiLockerVerificationConsentExpired, true
		case slices.Contains(rec.names, ScenarioDigiLockerFailure):
			return webhook.DigiLockerVerificationFailure, true
		}
	}
	if i > 0 && path[i] == path[i-1] {
		return "", false
	}
	ev, ok := statusEvents[rec.res][path[i]]
	return ev, ok
}

// webhookBody is the event as Cashfree sends it: data is the resource's
// status at that stage (DigiLocker: the whole status answer).
func (h *Handler) webhookBody(rec *record, ev webhook.EventType, status string, stage int) ([]byte, error) {
	var data any
	switch rec.res {
	case RecordDigiLocker:
		data = h.digiLockerEventData(rec, ev, stage)
	case RecordConsent:
		data = map[string]string{"status": status, "consent_verification_id": rec.id}
	default:
		data = map[string]string{"status": status, "fi_verification_id": rec.id}
	}
	return json.Marshal(map[string]any{
		"event_type": ev,
		"event_time": webhook.EventTimeText(ev, h.cfg.clock()),
		"version":    "v1",
		"data":       data,
	})
}

// digiLockerEventData is a DigiLocker event's data: the status answer as it
// stood, with document_consent_validity once the user consented (the
// vendor's full sample). For the two events whose data no source shows
// (ev.Status() is ""), only the ids: no status is invented.
func (h *Handler) digiLockerEventData(rec *record, ev webhook.EventType, stage int) any {
	st := h.digiLockerBody(rec, stage)
	if ev.Status() == "" {
		ids := map[string]any{"verification_id": st.VerificationID}
		if !st.ReferenceID.IsZero() {
			ids["reference_id"] = st.ReferenceID
		}
		return ids
	}
	b, err := json.Marshal(st)
	if err != nil {
		return st
	}
	var data map[string]any
	if err := json.Unmarshal(b, &data); err != nil {
		return st
	}
	if len(st.DocumentConsent) > 0 {
		data["document_consent_validity"] = h.cfg.clock().Add(webhook.ConsentValidity).UTC().Format(time.RFC3339)
	}
	return data
}

// enqueue starts a delivery after the previous one of the same resource.
func (s *webhookSender) enqueue(key string, d *WebhookDelivery) {
	s.mu.Lock()
	d.State = deliveryPending
	s.keepInLog(d)
	prev := s.tails[key]
	done := make(chan struct{})
	s.tails[key] = done
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.untail(key, done)
		if prev != nil {
			select {
			case <-prev:
			case <-s.ctx.Done():
				s.finish(d, deliveryFailed)
				return
			}
		}
		s.deliver(d)
	}()
}

// deliver POSTs d until the receiver answers 2xx or the attempts run out.
func (s *webhookSender) deliver(d *WebhookDelivery) {
	if s.check != nil {
		// A body that breaks the spec is still sent (the receiver's test may
		// want it) but recorded, like a response the self-check stops.
		if err := s.check(s.ctx, d.Body); err != nil {
			s.log.Error("mock: webhook body breaks the spec", "event_type", string(d.EventType), "err", err)
			s.report(SelfCheckFailure{Operation: webhookOperation, Err: err})
		}
	}
	wait := s.cfg.backoff
	for n := 1; n <= s.cfg.attempts; n++ {
		status, err := s.post(d, n)
		a := WebhookAttempt{Attempt: n, At: s.clock(), Status: status}
		if err != nil {
			a.Error = attemptError(err)
		}
		s.mu.Lock()
		d.Attempts = append(d.Attempts, a)
		s.mu.Unlock()
		if err == nil && status >= 200 && status < 300 {
			s.finish(d, deliveryDelivered)
			return
		}
		s.log.Debug("mock: webhook attempt failed", "event_type", string(d.EventType), "attempt", n, "status", status)
		if n == s.cfg.attempts {
			break
		}
		select {
		case <-time.After(wait):
		case <-s.ctx.Done():
			s.finish(d, deliveryFailed)
			return
		}
		wait = min(2*wait, s.cfg.maxBackoff)
	}
	s.finish(d, deliveryFailed)
}

func (s *webhookSender) finish(d *WebhookDelivery, state string) {
	s.mu.Lock()
	d.State = state
	s.mu.Unlock()
}

// post makes one attempt, signed afresh with its own timestamp.
func (s *webhookSender) post(d *WebhookDelivery, attempt int) (int, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.url, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	ts := webhook.Timestamp(s.clock())
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.HeaderTimestamp, ts)
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(s.secret, ts, d.Body))
	req.Header.Set(webhook.HeaderAttempt, strconv.Itoa(attempt))
	req.Header.Set("User-Agent", "cfverify-mock")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// attemptError says why an attempt got no answer, without the URL's query.
func attemptError(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "mock closing"
	default:
		return fmt.Sprintf("no answer: %T", errors.Unwrap(err))
	}
}

// webhookSweep moves time-driven records on when nobody polls: with a stage
// duration, a status can change between polls, and the event must go out
// then, not at the next poll.
func (h *Handler) webhookSweep() {
	s := h.webhooks
	if s == nil || h.cfg.stageDuration <= 0 {
		return
	}
	every := min(max(h.cfg.stageDuration/4, 10*time.Millisecond), 250*time.Millisecond)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-t.C:
			}
			h.store.mu.Lock()
			for _, op := range operation.Lookups() {
				for _, rec := range h.store.byID[RecordKind(op.Resource)] {
					h.webhookStages(rec, h.stageAt(rec))
				}
			}
			h.store.mu.Unlock()
		}
	}()
}

// stageAt is the stage function of a record now, as polled so far:
// Handler.status calls it after counting its poll, the webhook ticker
// without counting one.
func (h *Handler) stageAt(rec *record) func(int) int {
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
	// Instant moves a record on at its first poll, not before.
	instant := rec.scenario.Instant && rec.polls > 0
	return func(stages int) int { return stage(rec.polls, polls, elapsed, d, stages, instant) }
}
