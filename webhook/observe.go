package webhook

import (
	"context"
	"net/http"
)

// Outcomes of a delivery, as a Handler answered it.
const (
	OutcomeHandled    = "handled"     // 200: a new event your function took
	OutcomeDuplicate  = "duplicate"   // 200: an event taken before
	OutcomeInProgress = "in_progress" // 503: another delivery of the event is being handled
	OutcomeRejected   = "rejected"    // 400, 401, 405, 413, 415: see Delivery.Reason
	OutcomeFailed     = "failed"      // 500: your function or the store failed
)

// Delivery is what a Handler did with one request, for an Observer.
type Delivery struct {
	Outcome string // one of the Outcome constants
	// Reason is the code of a rejection or failure, the same as the
	// answer's "code": unauthorized, malformed, body_unreadable,
	// body_too_large, method_not_allowed, unsupported_media_type,
	// handler_failed, store_failed. Empty otherwise.
	Reason string
	// EventType is the event's type once the body was verified and parsed;
	// empty for a delivery rejected before that. It may be a type the
	// package does not know (EventType.Known).
	EventType EventType
	Status    int // the HTTP status answered
}

// Observer is told of every delivery a Handler answers, after the answer
// is written, on the request's goroutine: keep it quick. It never sees
// the body, the signature or the event's data.
type Observer func(ctx context.Context, d Delivery)

// WithObserver makes a Handler tell fn of every delivery: metrics by
// outcome and event type (cfverify's metrics package has a Prometheus
// collector for them).
func WithObserver(fn Observer) Option {
	return func(c *config) error {
		c.observer = fn
		return nil
	}
}

func (h *Handler) observe(r *http.Request, d Delivery) {
	if h.cfg.observer != nil {
		h.cfg.observer(r.Context(), d)
	}
}
