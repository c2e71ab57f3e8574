// Package redisstore is a webhook.Store on Redis (github.com/redis/go-redis/v9),
// for several replicas of a webhook receiver sharing one Redis.
//
// Each event is one key: "c:<token>" while a delivery holds it, with the
// lease as the key's expiry; "d" once handled, with the dedupe TTL as its
// expiry. Redis keeps the time, so replicas' clocks do not matter. Claim is
// one SET NX PX GET (atomic, one round trip); Renew, Complete and Release
// are Lua scripts that act only while the key still holds the caller's
// token, and otherwise change nothing and return webhook.ErrClaimLost.
//
// Give Redis persistence (appendonly yes) if a Redis restart must not
// forget the events in flight and handled; without it a restart forgets
// them and the next copies run again.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cfverify/cfverify/webhook"
)

// DefaultPrefix is put before every key unless WithPrefix says otherwise.
const DefaultPrefix = "cfverify:webhook:"

const (
	claimPrefix = "c:"
	doneValue   = "d"
)

// Store is a webhook.Store on Redis. Use New.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ webhook.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the prefix of every key (default DefaultPrefix), so that
// several receivers can share one Redis database.
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// New returns a Store on client (a *redis.Client, *redis.ClusterClient or
// any redis.UniversalClient), which the caller owns and closes.
func New(client redis.UniversalClient, opts ...Option) *Store {
	s := &Store{client: client, prefix: DefaultPrefix}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Claim implements webhook.Store.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (webhook.Claim, error) {
	token := webhook.NewClaimToken()
	// SET … NX GET sets the key only if absent and returns its old value.
	old, err := s.client.Do(ctx, "SET", s.prefix+key, claimPrefix+token, "PX", lease.Milliseconds(), "NX", "GET").Text()
	switch {
	case errors.Is(err, redis.Nil):
		return webhook.Claim{State: webhook.Claimed, Token: token}, nil
	case err != nil:
		return webhook.Claim{}, fmt.Errorf("redisstore: claim: %w", err)
	case old == doneValue:
		return webhook.Claim{State: webhook.Done}, nil
	default:
		return webhook.Claim{State: webhook.InProgress}, nil
	}
}

// The scripts act only while KEYS[1] holds ARGV[1] ("c:<token>").
var (
	renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)
	completeScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
  return 1
end
return 0`)
	releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)
)

func (s *Store) fenced(ctx context.Context, op string, script *redis.Script, key, token string, args ...any) error {
	if token == "" {
		return webhook.ErrClaimLost
	}
	n, err := script.Run(ctx, s.client, []string{s.prefix + key}, append([]any{claimPrefix + token}, args...)...).Int()
	if err != nil {
		return fmt.Errorf("redisstore: %s: %w", op, err)
	}
	if n != 1 {
		return webhook.ErrClaimLost
	}
	return nil
}

// Renew implements webhook.Store.
func (s *Store) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	return s.fenced(ctx, "renew", renewScript, key, token, lease.Milliseconds())
}

// Complete implements webhook.Store.
func (s *Store) Complete(ctx context.Context, key, token string, ttl time.Duration) error {
	return s.fenced(ctx, "complete", completeScript, key, token, ttl.Milliseconds(), doneValue)
}

// Release implements webhook.Store.
func (s *Store) Release(ctx context.Context, key, token string) error {
	return s.fenced(ctx, "release", releaseScript, key, token)
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}
