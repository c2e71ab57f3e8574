package webhook

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// leaseLostError is the cause a Handler cancels your function's context
// with when it can no longer hold the event's lease.
type leaseLostError struct{ err error }

func (e *leaseLostError) Error() string {
	return "webhook: the event's lease could not be renewed: " + e.err.Error()
}
func (e *leaseLostError) Unwrap() error { return e.err }

// holdLease renews the claim (key, token) every lease/3 while your function
// runs, and returns the function's context and a stop function.
//
// Why renew rather than end the context when the lease ends: a function
// that is slow but healthy (a slow database, a long KYC write) keeps its
// event, so no retry runs it a second time at once, whatever lease is set.
// The context is cancelled, with a *leaseLostError as its cause, when a
// renewal finds the claim gone (ErrClaimLost) or when the store has failed
// to renew until less than a third of the lease is left: the function is
// told to stop before another delivery can claim the event. stop ends the
// renewals and returns that cause, or nil while the lease held.
func (h *Handler) holdLease(ctx context.Context, key, token string) (context.Context, func() error) {
	fnCtx, cancel := context.WithCancelCause(ctx)
	stopped, exited := make(chan struct{}), make(chan struct{})
	lease := h.cfg.lease
	every := max(lease/3, time.Millisecond) // a ticker needs a positive period
	go func() {
		defer close(exited)
		expires := time.Now().Add(lease)
		tick := time.NewTicker(every)
		defer tick.Stop()
		bg := context.WithoutCancel(ctx)
		for {
			select {
			case <-stopped:
				return
			case <-fnCtx.Done():
				return
			case <-tick.C:
			}
			start := time.Now()
			rctx, rcancel := context.WithTimeout(bg, every)
			err := h.store.Renew(rctx, key, token, lease)
			rcancel()
			if err == nil {
				expires = start.Add(lease)
				continue
			}
			if errors.Is(err, ErrClaimLost) || !time.Now().Add(every).Before(expires) {
				cancel(&leaseLostError{err})
				return
			}
			h.cfg.logger.WarnContext(ctx, "webhook lease renewal failed; retrying", "error", err.Error())
		}
	}()
	return fnCtx, func() error {
		close(stopped)
		<-exited
		var lost *leaseLostError
		if cause := context.Cause(fnCtx); errors.As(cause, &lost) {
			cancel(nil)
			return lost
		}
		cancel(nil)
		return nil
	}
}

// completeRetryLimit bounds how long a delivery waits for a failing store
// to record its event: Cashfree stops waiting for an answer long before a
// default lease ends.
const completeRetryLimit = 10 * time.Second

// complete records the event as handled. A store that fails (not one that
// reports the claim lost) is tried again for up to half the lease (at most
// completeRetryLimit), within which no other delivery can take the event;
// a Redis or PostgreSQL restart is usually shorter.
func (h *Handler) complete(ctx context.Context, key, token string) error {
	deadline := time.Now().Add(min(h.cfg.lease/2, completeRetryLimit))
	wait := 20 * time.Millisecond
	for {
		cctx, cancel := context.WithTimeout(ctx, time.Until(deadline))
		err := h.store.Complete(cctx, key, token, h.cfg.ttl)
		cancel()
		if err == nil || errors.Is(err, ErrClaimLost) || !time.Now().Add(wait).Before(deadline) {
			if err != nil {
				return fmt.Errorf("webhook: recording the event as handled: %w", err)
			}
			return nil
		}
		time.Sleep(wait)
		wait = min(2*wait, time.Second)
	}
}
