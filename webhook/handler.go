package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync/atomic"
)

// HandlerFunc is your code: it gets each new verified event once (unless it
// fails, when Cashfree's retry brings it again). Return an error to have
// the delivery answered 500 and retried.
type HandlerFunc func(ctx context.Context, ev *Event) error

// Handler is an http.Handler for Cashfree's webhook deliveries: it caps
// the body, verifies the signature and timestamp on the raw bytes, parses,
// drops duplicates through its Store and calls your function.
//
//	200  handled, or a duplicate of an event handled before
//	400  the body is not an event
//	401  signature or timestamp missing, malformed, wrong or stale
//	405  not a POST
//	413  body larger than the cap
//	415  Content-Type is not application/json
//	500  your function failed (or panicked), the store failed, or the
//	     event's lease was lost while your function ran: Cashfree retries
//	503  another delivery of the same event is being handled: Cashfree retries
//
// While your function runs, the Handler renews the event's lease in the
// Store every lease/3 (WithLease), and cancels the function's context if
// the lease is lost; a 200 is answered only once the Store has recorded
// the event as handled (or reported it a duplicate), so a Store that is
// down never yields a 200.
type Handler struct {
	fn       HandlerFunc
	verifier *Verifier
	cfg      *config
	store    Store
	stats    handlerCounters
}

// Stats counts what a Handler has answered.
type Stats struct {
	Handled      int64 `json:"handled"`      // new events your function took
	Duplicates   int64 `json:"duplicates"`   // deliveries of an event taken before, answered 200 unseen
	Unauthorized int64 `json:"unauthorized"` // 401: signature or timestamp rejected
	Malformed    int64 `json:"malformed"`    // 400: verified body that is not an event
	Refused      int64 `json:"refused"`      // 405, 413, 415: wrong method, too large, wrong content type
	Failed       int64 `json:"failed"`       // 500: your function or the store failed
	InProgress   int64 `json:"in_progress"`  // 503: the event was being handled by another delivery
}

type handlerCounters struct {
	handled, duplicates, unauthorized, malformed, refused, failed, inProgress atomic.Int64
}

// NewHandler returns a Handler calling fn. WithSecrets is required; see the
// other options for the tolerance, body cap, store, TTL, clock and logger.
func NewHandler(fn HandlerFunc, opts ...Option) (*Handler, error) {
	if fn == nil {
		return nil, errors.New("webhook: NewHandler needs a function")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	store := cfg.store
	if store == nil {
		store = NewMemoryStore(cfg.now)
	}
	return &Handler{fn: fn, verifier: cfg.verifier(), cfg: cfg, store: store}, nil
}

// Stats returns the counts so far.
func (h *Handler) Stats() Stats {
	c := &h.stats
	return Stats{
		Handled: c.handled.Load(), Duplicates: c.duplicates.Load(), Unauthorized: c.unauthorized.Load(),
		Malformed: c.malformed.Load(), Refused: c.refused.Load(), Failed: c.failed.Load(), InProgress: c.inProgress.Load(),
	}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reject(w, r, http.StatusMethodNotAllowed, &h.stats.refused, "method_not_allowed", "only POST is accepted")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		h.reject(w, r, http.StatusUnsupportedMediaType, &h.stats.refused, "unsupported_media_type", "Content-Type must be application/json")
		return
	}
	if r.ContentLength > h.cfg.maxBodyBytes {
		h.reject(w, r, http.StatusRequestEntityTooLarge, &h.stats.refused, "body_too_large", fmt.Sprintf("body larger than %d bytes", h.cfg.maxBodyBytes))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.reject(w, r, http.StatusRequestEntityTooLarge, &h.stats.refused, "body_too_large", fmt.Sprintf("body larger than %d bytes", h.cfg.maxBodyBytes))
			return
		}
		h.reject(w, r, http.StatusBadRequest, &h.stats.malformed, "body_unreadable", "the body could not be read")
		return
	}
	if err := h.verifier.Verify(r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body); err != nil {
		msg := err.Error()
		if errors.Is(err, ErrMissingSignature) && hasBodySignature(body) {
			msg = bodySignatureMessage
		}
		h.reject(w, r, http.StatusUnauthorized, &h.stats.unauthorized, "unauthorized", msg)
		return
	}
	ev, err := Parse(body)
	if err != nil {
		h.reject(w, r, http.StatusBadRequest, &h.stats.malformed, "malformed", err.Error())
		return
	}
	ev.Attempt = attempt(r.Header.Get(HeaderAttempt))

	ctx := r.Context()
	key := ev.DedupeKey()
	claim, err := h.store.Claim(ctx, key, h.cfg.lease)
	if err != nil {
		h.fail(w, r, ev, "store_failed", "the dedupe store failed; retry later", err)
		return
	}
	switch claim.State {
	case Done:
		h.stats.duplicates.Add(1)
		h.cfg.logger.InfoContext(ctx, "webhook duplicate", "event_type", string(ev.Type), "attempt", ev.Attempt)
		writeJSON(w, http.StatusOK, map[string]string{"status": "duplicate"})
		h.observe(r, Delivery{Outcome: OutcomeDuplicate, EventType: ev.Type, Status: http.StatusOK})
		return
	case InProgress:
		// Answering 200 now would lose the event if the delivery being
		// handled fails after Cashfree stopped waiting for it.
		h.stats.inProgress.Add(1)
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "in_progress", "message": "another delivery of this event is being handled; retry later"})
		h.observe(r, Delivery{Outcome: OutcomeInProgress, EventType: ev.Type, Status: http.StatusServiceUnavailable})
		return
	}
	fnCtx, stop := h.holdLease(ctx, key, claim.Token)
	err = h.call(fnCtx, ev)
	lost := stop()
	bg := context.WithoutCancel(ctx)
	if lost != nil {
		// Another delivery may hold the event now: it decides the outcome.
		h.fail(w, r, ev, "lease_lost", "the event's lease was lost while it was handled; retry later", errors.Join(lost, err))
		return
	}
	if err != nil {
		// Free the event, so that Cashfree's retry is handled afresh.
		if rerr := h.store.Release(bg, key, claim.Token); rerr != nil {
			err = errors.Join(err, rerr)
		}
		h.fail(w, r, ev, "handler_failed", "the handler failed; retry later", err)
		return
	}
	if err := h.complete(bg, key, claim.Token); err != nil {
		// Handled, but not recorded: not acknowledged either, so that the
		// event is not lost if the store never learnt of it. The claim
		// holds off retries until its lease lapses; then one runs again.
		h.fail(w, r, ev, "store_failed", "handled, but the dedupe store could not record it; retry later", err)
		return
	}
	h.stats.handled.Add(1)
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	h.observe(r, Delivery{Outcome: OutcomeHandled, EventType: ev.Type, Status: http.StatusOK})
}

// call runs fn, turning a panic into an error so the delivery is retried.
func (h *Handler) call(ctx context.Context, ev *Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = fmt.Errorf("webhook: handler panicked: %v", p)
		}
	}()
	return h.fn(ctx, ev)
}

func (h *Handler) reject(w http.ResponseWriter, r *http.Request, status int, counter *atomic.Int64, code, msg string) {
	counter.Add(1)
	h.cfg.logger.WarnContext(r.Context(), "webhook rejected", "status", status, "code", code, "reason", msg)
	writeJSON(w, status, map[string]string{"code": code, "message": msg})
	h.observe(r, Delivery{Outcome: OutcomeRejected, Reason: code, Status: status})
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, ev *Event, code, msg string, err error) {
	h.stats.failed.Add(1)
	// The error comes from the caller's code or store; it is logged for the
	// operator but not sent back to the caller.
	h.cfg.logger.ErrorContext(r.Context(), "webhook failed", "code", code, "event_type", string(ev.Type), "attempt", ev.Attempt, "error", err.Error())
	writeJSON(w, http.StatusInternalServerError, map[string]string{"code": code, "message": msg})
	h.observe(r, Delivery{Outcome: OutcomeFailed, Reason: code, EventType: ev.Type, Status: http.StatusInternalServerError})
}

func attempt(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
