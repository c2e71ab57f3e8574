package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// ClaimState is what Store.Claim found.
type ClaimState int

const (
	// Claimed: the event is new (or its earlier claim lapsed); the caller
	// holds it under the returned token, handles it and then calls
	// Complete or Release with that token.
	Claimed ClaimState = iota
	// InProgress: another delivery of the event is being handled right
	// now. Its outcome is unknown, so this one is answered 503 and
	// Cashfree retries it later.
	InProgress
	// Done: the event was handled before; the delivery is a duplicate.
	Done
)

// Claim is what Store.Claim hands back: the state found and, when the
// state is Claimed, the owner token that Renew, Complete and Release need.
type Claim struct {
	State ClaimState
	Token string // set only when State is Claimed
}

// ErrClaimLost is what Store.Renew, Complete and Release return when the
// token no longer holds the key: its lease lapsed, and the key may have
// been claimed again by another delivery. Nothing was changed. A Handler
// that gets it stops your function (its context is cancelled) and does
// not acknowledge the delivery, so that the holder of the newer claim
// decides the outcome.
var ErrClaimLost = errors.New("webhook: claim lost: the lease lapsed or another delivery holds the event")

// Store remembers the events a Handler has taken on, so that a second
// delivery of one is answered without calling your function again. Several
// replicas share one Store (packages redisstore and pgstore; or your own,
// checked with storetest.Run); it must be safe for concurrent use.
//
// The contract is a fenced lease. Claim is atomic: of concurrent claims of
// one key, one gets Claimed and a fresh token. That claim holds the key for
// the lease; Renew extends it. Complete and Release change the key only
// while the token still holds it (the lease has not lapsed, no newer claim
// took it) and otherwise return ErrClaimLost and change nothing, so a slow
// delivery can never wipe the claim of the retry that replaced it. Errors
// of the engine (unreachable, timeout, cancelled context) are returned as
// errors, never as a state.
type Store interface {
	// Claim takes key for lease if it is free, or its lease lapsed, or it
	// was released; otherwise it reports InProgress or Done.
	Claim(ctx context.Context, key string, lease time.Duration) (Claim, error)
	// Renew extends the claim held by token to lease from now.
	Renew(ctx context.Context, key, token string, lease time.Duration) error
	// Complete marks key as handled, remembered for ttl.
	Complete(ctx context.Context, key, token string, ttl time.Duration) error
	// Release frees key, so that a retry of an event your function failed
	// on is handled again.
	Release(ctx context.Context, key, token string) error
}

// NewClaimToken returns a random owner token (128 bits, hex) for a Store
// implementation to hand out with each claim.
func NewClaimToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// MemoryStore is a Store in this process's memory: for one replica, or
// tests. Expired keys are swept as new ones come in. Use NewMemoryStore.
type MemoryStore struct {
	mu      sync.Mutex
	now     func() time.Time
	keys    map[string]memoryEntry
	claims  int
	lastLen int
}

type memoryEntry struct {
	token string // the holder's token; empty once done
	done  bool
	until time.Time // end of the lease, or of the memory of a done event
}

// NewMemoryStore returns an empty MemoryStore reading the given clock
// (time.Now when nil).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{now: now, keys: map[string]memoryEntry{}}
}

// Claim implements Store.
func (s *MemoryStore) Claim(ctx context.Context, key string, lease time.Duration) (Claim, error) {
	if err := ctx.Err(); err != nil {
		return Claim{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e, ok := s.keys[key]; ok && now.Before(e.until) {
		if e.done {
			return Claim{State: Done}, nil
		}
		return Claim{State: InProgress}, nil
	}
	token := NewClaimToken()
	s.keys[key] = memoryEntry{token: token, until: now.Add(lease)}
	s.claims++
	// Sweep when the map has doubled since the last sweep, or every 1024
	// claims: the cost stays proportional to the keys added.
	if len(s.keys) >= 2*max(s.lastLen, 512) || s.claims%1024 == 0 {
		for k, e := range s.keys {
			if !now.Before(e.until) {
				delete(s.keys, k)
			}
		}
		s.lastLen = len(s.keys)
	}
	return Claim{State: Claimed, Token: token}, nil
}

// fenced runs change, with s.mu held, only while token holds key; the
// lease checked on the store's clock.
func (s *MemoryStore) fenced(ctx context.Context, key, token string, change func(now time.Time)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, ok := s.keys[key]
	if !ok || e.done || token == "" || e.token != token || !now.Before(e.until) {
		return ErrClaimLost
	}
	change(now)
	return nil
}

// Renew implements Store.
func (s *MemoryStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	return s.fenced(ctx, key, token, func(now time.Time) { s.keys[key] = memoryEntry{token: token, until: now.Add(lease)} })
}

// Complete implements Store.
func (s *MemoryStore) Complete(ctx context.Context, key, token string, ttl time.Duration) error {
	return s.fenced(ctx, key, token, func(now time.Time) { s.keys[key] = memoryEntry{done: true, until: now.Add(ttl)} })
}

// Release implements Store.
func (s *MemoryStore) Release(ctx context.Context, key, token string) error {
	return s.fenced(ctx, key, token, func(time.Time) { delete(s.keys, key) })
}

// Len returns how many keys are recorded, expired ones not yet swept included.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}
