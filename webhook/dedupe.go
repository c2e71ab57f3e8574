package webhook

import (
	"context"
	"sync"
	"time"
)

// ClaimState is what Store.Claim found.
type ClaimState int

const (
	// Claimed: the event is new (or its earlier claim lapsed); the caller
	// handles it and then calls Complete or Release.
	Claimed ClaimState = iota
	// InProgress: another delivery of the event is being handled right
	// now. Its outcome is unknown, so this one is answered 503 and
	// Cashfree retries it later.
	InProgress
	// Done: the event was handled before; the delivery is a duplicate.
	Done
)

// Store remembers the events a Handler has taken on, so that a second
// delivery of one is answered without calling your function again.
// Implement it over Redis, a database table with a unique key, or anything
// several replicas share; it must be safe for concurrent use, and Claim
// must be atomic: of two concurrent claims of one key, one wins.
type Store interface {
	// Claim takes key for lease if it is free or its lease lapsed, and
	// reports Claimed; otherwise it reports InProgress or Done.
	Claim(ctx context.Context, key string, lease time.Duration) (ClaimState, error)
	// Complete marks key as handled, remembered for ttl.
	Complete(ctx context.Context, key string, ttl time.Duration) error
	// Release forgets key, so that a retry of an event your function failed
	// on is handled again.
	Release(ctx context.Context, key string) error
}

// MemoryStore is a Store in this process's memory. Expired keys are swept
// as new ones come in. Use NewMemoryStore.
type MemoryStore struct {
	mu      sync.Mutex
	now     func() time.Time
	keys    map[string]memoryEntry
	claims  int
	lastLen int
}

type memoryEntry struct {
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
func (s *MemoryStore) Claim(_ context.Context, key string, lease time.Duration) (ClaimState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e, ok := s.keys[key]; ok && now.Before(e.until) {
		if e.done {
			return Done, nil
		}
		return InProgress, nil
	}
	s.keys[key] = memoryEntry{until: now.Add(lease)}
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
	return Claimed, nil
}

// Complete implements Store.
func (s *MemoryStore) Complete(_ context.Context, key string, ttl time.Duration) error {
	s.mu.Lock()
	s.keys[key] = memoryEntry{done: true, until: s.now().Add(ttl)}
	s.mu.Unlock()
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key string) error {
	s.mu.Lock()
	delete(s.keys, key)
	s.mu.Unlock()
	return nil
}

// Len returns how many keys are recorded, expired ones not yet swept included.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}
