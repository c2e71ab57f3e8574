package webhook

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// DefaultMaxBodyBytes caps the body a Handler reads unless
// WithMaxBodyBytes says otherwise. The vendor's largest documented event is
// a DigiLocker status, about 1 KB.
const DefaultMaxBodyBytes = 1 << 20

// DefaultDedupeTTL is how long a Handler remembers an event it handled.
const DefaultDedupeTTL = 24 * time.Hour

// DefaultLease is how long a delivery being handled holds its event: other
// deliveries of it meanwhile are answered 503. If the process dies while
// handling, the event is free again after the lease.
const DefaultLease = 5 * time.Minute

// Option configures a Verifier or a Handler. An option given a bad value
// makes the constructor fail.
type Option func(*config) error

type config struct {
	secrets      [][]byte
	tolerance    time.Duration
	now          func() time.Time
	maxBodyBytes int64
	store        Store
	ttl          time.Duration
	lease        time.Duration
	logger       *slog.Logger
	observer     Observer // observe.go
}

func newConfig(opts []Option) (*config, error) {
	c := &config{
		tolerance:    DefaultTolerance,
		now:          time.Now,
		maxBodyBytes: DefaultMaxBodyBytes,
		ttl:          DefaultDedupeTTL,
		lease:        DefaultLease,
		logger:       slog.New(slog.DiscardHandler),
	}
	var errs []error
	for _, o := range opts {
		if err := o(c); err != nil {
			errs = append(errs, err)
		}
	}
	if len(c.secrets) == 0 {
		errs = append(errs, errors.New("webhook: no secret given (WithSecrets)"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *config) verifier() *Verifier {
	return &Verifier{secrets: c.secrets, tolerance: c.tolerance, now: c.now}
}

// WithSecrets adds the secrets signatures are checked against: your client
// secret, or during a rotation the old and the new one (Cashfree signs with
// the oldest active key pair, so keep the old secret until it is revoked).
func WithSecrets(secrets ...string) Option {
	return func(c *config) error {
		for _, s := range secrets {
			if s == "" {
				return errors.New("webhook: WithSecrets: a secret is empty")
			}
			c.secrets = append(c.secrets, []byte(s))
		}
		return nil
	}
}

// WithTolerance sets how far the x-webhook-timestamp may be from now, in
// the past or the future (default 5 minutes). 0 disables the check.
func WithTolerance(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("webhook: WithTolerance(%s): negative", d)
		}
		c.tolerance = d
		return nil
	}
}

// WithClock sets the clock timestamps are compared with (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("webhook: WithClock(nil)")
		}
		c.now = now
		return nil
	}
}

// WithMaxBodyBytes caps the body a Handler reads (default 1 MiB); a larger
// one is answered 413 unread.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("webhook: WithMaxBodyBytes(%d): must be positive", n)
		}
		c.maxBodyBytes = n
		return nil
	}
}

// WithStore sets where a Handler remembers the events it handled (default:
// a MemoryStore, which one process alone can use). Use a shared store when
// several replicas receive the same webhooks: redisstore or pgstore, or
// your own that passes storetest.Run.
func WithStore(s Store) Option {
	return func(c *config) error {
		if s == nil {
			return errors.New("webhook: WithStore(nil)")
		}
		c.store = s
		return nil
	}
}

// WithDedupeTTL sets how long a handled event is remembered (default 24h).
func WithDedupeTTL(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("webhook: WithDedupeTTL(%s): must be positive", d)
		}
		c.ttl = d
		return nil
	}
}

// WithLease sets how long a delivery being handled holds its event
// (default 5 minutes). The Handler renews it every lease/3 while your
// function runs, so it bounds how long a replica that died keeps the
// event, not how long your function may take.
func WithLease(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("webhook: WithLease(%s): must be positive", d)
		}
		c.lease = d
		return nil
	}
}

// WithLogger sets where a Handler logs each delivery it rejects or fails
// (default: nowhere). It logs reasons, event types and attempts; never a
// secret, a signature or a body.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("webhook: WithLogger(nil)")
		}
		c.logger = l
		return nil
	}
}
