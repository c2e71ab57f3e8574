package webhook

import (
	"context"
	"sync"
	"time"
)

// Store remembers the events a Handler has taken on, so that a second
// delivery of one is answered 200 without calling your function again.
// Implement it over Redis, a database table with a unique key, or anything
// several replicas share; it must be safe for concurrent use.
type Store interface {
	// Claim records key for ttl and reports true, or reports false when key
	// is already recorded and has not expired. It must be atomic: of two
	// concurrent claims of one key, one wins.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Release forgets key, so that a retry of an event your function failed
	// on is handled again.
	Release(ctx context.Context, key string) error
}

// MemoryStore is a Store in this process's memory, with a TTL per key.
// Expired keys are swept as new ones come in. The zero value is not ready;
// use NewMemoryStore.
type MemoryStore struct {
	mu      sync.Mutex
	now     func() time.Time
	expiry  map[string]time.Time
	claims  int
	lastLen int
}

// NewMemoryStore returns an empty MemoryStore reading the given clock
// (time.Now when nil).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{now: now, expiry: map[string]time.Time{}}
}

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if until, ok := s.expiry[key]; ok && now.Before(until) {
		return false, nil
	}
	s.expiry[key] = now.Add(ttl)
	s.claims++
	// Sweep when the map has doubled since the last sweep, or every 1024
	// claims: the cost stays proportional to the keys added.
	if len(s.expiry) >= 2*max(s.lastLen, 512) || s.claims%1024 == 0 {
		for k, until := range s.expiry {
			if !now.Before(until) {
				delete(s.expiry, k)
			}
		}
		s.lastLen = len(s.expiry)
	}
	return true, nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key string) error {
	s.mu.Lock()
	delete(s.expiry, key)
	s.mu.Unlock()
	return nil
}

// Len returns how many keys are recorded, expired ones not yet swept included.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.expiry)
}
