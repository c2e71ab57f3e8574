package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/verification"
)

// PollOptions tune the Wait helpers. The zero value is usable: first poll at
// once, then every 2s growing by 1.5× up to 30s, unknown statuses polled
// through. The context is the only overall deadline: give it one.
type PollOptions struct {
	// Interval is the wait after the first poll (zero: 2s).
	Interval time.Duration
	// MaxInterval caps the wait as it grows (zero: 30s, or Interval if that
	// is longer).
	MaxInterval time.Duration
	// Multiplier grows the wait after each poll (zero: 1.5; 1 keeps it fixed).
	Multiplier float64
	// StopOnUnknown makes a status the client does not know (one the API
	// adds later) end the wait, returning the answer as it is. By default
	// such a status counts as still in progress and polling goes on: a new
	// status is likelier an intermediate step, and the context bounds the
	// wait either way.
	StopOnUnknown bool
	// OnPoll, if set, is called after every poll, from the polling
	// goroutine, for progress reports.
	OnPoll func(PollProgress)
}

// PollProgress reports one poll of a Wait helper.
type PollProgress struct {
	// Operation is the operation polled, such as "getDigiLockerStatus".
	Operation string
	// Poll counts the polls made, from 1.
	Poll int
	// Status is the status the answer had ("" if the poll failed or the
	// answer had none). For WaitFinancialInformation it is the request's
	// status.
	Status string
	// PendingAccounts is, for WaitFinancialInformation, how many accounts
	// are still on their way.
	PendingAccounts int
	// Err is a temporary failure (429, 5xx, network) polling continues
	// through, after the call's own retries.
	Err error
	// Done is true on the last poll.
	Done bool
	// Next is the wait before the next poll; zero when Done.
	Next time.Duration
}

const (
	defaultPollInterval    = 2 * time.Second
	defaultPollMaxInterval = 30 * time.Second
	defaultPollMultiplier  = 1.5
)

func (o PollOptions) withDefaults() PollOptions {
	if o.Interval <= 0 {
		o.Interval = defaultPollInterval
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = max(defaultPollMaxInterval, o.Interval)
	}
	o.MaxInterval = max(o.MaxInterval, o.Interval)
	if o.Multiplier < 1 {
		o.Multiplier = defaultPollMultiplier
	}
	return o
}

// pollState is what a Wait helper reads from one answer.
type pollState struct {
	status  string
	pending int  // FI accounts still on their way
	done    bool // terminal: stop and return the answer
	known   bool // the status is one the client knows
}

// poll calls fetch until state says done, the call fails for good, or ctx
// ends. Retryable failures (isRetryable) are reported through OnPoll and
// polled through.
func poll[T any](ctx context.Context, op string, o PollOptions, fetch func(context.Context) (*T, error), state func(*T) pollState) (*T, error) {
	o = o.withDefaults()
	wait := o.Interval
	var lastErr error
	for n := 1; ; n++ {
		res, err := fetch(ctx)
		p := PollProgress{Operation: op, Poll: n}
		switch {
		case err != nil && ctx.Err() != nil:
			// The answer may have arrived just as ctx ended (a 503, not the
			// context's error): the error still says the context ended.
			if !errors.Is(err, ctx.Err()) {
				return nil, fmt.Errorf("cfverify: %s: wait ended: %w (last poll: %w)", op, ctx.Err(), err)
			}
			if lastErr != nil {
				return nil, fmt.Errorf("cfverify: %s: wait ended: %w (last poll: %w)", op, err, lastErr)
			}
			return nil, err
		case err != nil && !isRetryable(err):
			return nil, err
		case err != nil:
			p.Err, lastErr = err, err
		default:
			s := state(res)
			p.Status, p.PendingAccounts = s.status, s.pending
			p.Done = s.done || (!s.known && o.StopOnUnknown)
			lastErr = nil
		}
		if p.Done {
			if o.OnPoll != nil {
				o.OnPoll(p)
			}
			return res, nil
		}
		p.Next = wait
		if o.OnPoll != nil {
			o.OnPoll(p)
		}
		if err := sleep(ctx, wait); err != nil {
			if lastErr != nil {
				return nil, fmt.Errorf("cfverify: %s: wait ended: %w (last poll: %w)", op, err, lastErr)
			}
			return nil, fmt.Errorf("cfverify: %s: wait ended after %d polls (status %q): %w", op, n, p.Status, err)
		}
		wait = min(time.Duration(float64(wait)*o.Multiplier), o.MaxInterval)
	}
}

// WaitDigiLocker polls DigiLockerStatus until the verification reaches a
// terminal status (AUTHENTICATED, EXPIRED or CONSENT_DENIED) and returns that
// answer with a nil error: check its Status, only AUTHENTICATED is a
// success. It returns an error if a poll fails for good (4xx, bad input,
// undecodable answer) or when ctx ends (wrapping ctx.Err()); temporary
// failures (429, 5xx, network) are polled through.
func (c *Client) WaitDigiLocker(ctx context.Context, lookup Lookup, opts PollOptions) (*verification.DigiLockerStatus, error) {
	if err := checkLookup(operation.DigiLockerStatus, lookup); err != nil {
		return nil, err
	}
	return poll(ctx, OpDigiLockerStatus, opts,
		func(ctx context.Context) (*verification.DigiLockerStatus, error) {
			return c.DigiLockerStatus(ctx, lookup)
		},
		func(st *verification.DigiLockerStatus) pollState {
			s := deref(st.Status)
			return pollState{status: string(s), done: verification.IsTerminalDigiLocker(s), known: s.Valid()}
		})
}

// WaitConsent polls ConsentStatus until the consent reaches a terminal
// status (SUCCESS, PAUSED, EXPIRED, REVOKED or REJECTED) and returns that
// answer with a nil error: only SUCCESS means data can be fetched. Errors
// and the context are handled as in WaitDigiLocker.
func (c *Client) WaitConsent(ctx context.Context, lookup Lookup, opts PollOptions) (*verification.ConsentStatus, error) {
	if err := checkLookup(operation.ConsentStatus, lookup); err != nil {
		return nil, err
	}
	return poll(ctx, OpConsentStatus, opts,
		func(ctx context.Context) (*verification.ConsentStatus, error) { return c.ConsentStatus(ctx, lookup) },
		func(st *verification.ConsentStatus) pollState {
			s := deref(st.Status)
			return pollState{status: string(s), done: verification.IsTerminalConsent(s), known: s.Valid()}
		})
}

// WaitFinancialInformation polls FinancialInformation until the request is
// over: FAILED or EXPIRED, or SUCCESS with every account final (DELIVERED,
// DENIED or TIMEOUT; none PENDING or READY), so that a SUCCESS answer it
// returns holds all the data there will be. It returns that answer with a
// nil error. Errors and the context are handled as in WaitDigiLocker.
func (c *Client) WaitFinancialInformation(ctx context.Context, lookup Lookup, opts PollOptions) (*verification.FinancialInformation, error) {
	if err := checkLookup(operation.FinancialInformation, lookup); err != nil {
		return nil, err
	}
	return poll(ctx, OpFinancialInformation, opts,
		func(ctx context.Context) (*verification.FinancialInformation, error) {
			return c.FinancialInformation(ctx, lookup)
		},
		func(fi *verification.FinancialInformation) pollState {
			s := deref(fi.Status)
			pending := fi.PendingAccounts()
			done := s == verification.FIFailed || s == verification.FIExpired || (s == verification.FISuccess && pending == 0)
			return pollState{status: string(s), pending: pending, done: done, known: s.Valid()}
		})
}

// deref is *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
