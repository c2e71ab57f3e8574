package mock

import (
	"fmt"
	"time"
)

// A mock shared by a team, or left running through a long CI job, sees a
// new id on most requests. It keeps each record for at most a retention
// age and holds at most a number of records, forgetting the oldest first;
// a forgotten id is answered as the API answers one it never saw.

// Defaults of WithRecordRetention.
const (
	// DefaultMaxRecords bounds the records held: about 50 MB of a
	// mock's memory at most, and far more than any test suite's ids.
	DefaultMaxRecords = 50_000
	// DefaultRecordTTL is how long a record is kept: longer than any
	// verification a test or a person walks through.
	DefaultRecordTTL = 24 * time.Hour
)

// WithRecordRetention bounds the records (verifications, consents, FI
// requests, data-availability requests) the mock keeps: at most max of
// them, none older than ttl. Past either bound the oldest is forgotten,
// and its id is then answered as an unknown one: created afresh on its
// next status request (404 with WithStrictIDs or by reference id), and
// accepted again by data availability. Defaults: DefaultMaxRecords,
// DefaultRecordTTL.
func WithRecordRetention(max int, ttl time.Duration) Option {
	return func(c *config) error {
		if max < 1 || ttl <= 0 {
			return fmt.Errorf("mock: record retention needs at least 1 record and a positive age (got %d, %v)", max, ttl)
		}
		c.maxRecords, c.recordTTL = max, ttl
		return nil
	}
}

// retention is the store's bounds and its records, oldest first. Guarded
// by store.mu.
type retention struct {
	max     int
	ttl     time.Duration
	order   []*record // by creation; forgotten ones stay until they reach the front
	head    int
	live    int
	expired int64 // records forgotten so far, by age or by the cap
}

// find returns the record of id, or nil when there is none or it has
// expired. Call with s.mu held.
func (s *store) find(res RecordKind, id string, now time.Time) *record {
	return s.alive(s.byID[res][id], now)
}

// findRef is find by reference id.
func (s *store) findRef(res RecordKind, ref int64, now time.Time) *record {
	return s.alive(s.byRef[res][ref], now)
}

func (s *store) alive(rec *record, now time.Time) *record {
	if rec == nil {
		return nil
	}
	if now.Sub(rec.created) >= s.keep.ttl {
		s.forget(rec)
		return nil
	}
	return rec
}

// add stores rec, first forgetting what is past its age or over the cap.
// Call with s.mu held.
func (s *store) add(rec *record, now time.Time) {
	k := &s.keep
	for k.head < len(k.order) {
		oldest := k.order[k.head]
		if !oldest.forgotten && now.Sub(oldest.created) < k.ttl && k.live < k.max {
			break
		}
		s.forget(oldest)
		k.order[k.head] = nil
		k.head++
	}
	if k.head > 1024 && k.head*2 > len(k.order) {
		k.order = append(k.order[:0], k.order[k.head:]...)
		clear(k.order[len(k.order):cap(k.order)])
		k.head = 0
	}
	k.order = append(k.order, rec)
	k.live++
	s.byID[rec.res][rec.id] = rec
	s.byRef[rec.res][rec.ref] = rec
}

// forget removes rec from the maps (where it is still the one stored).
func (s *store) forget(rec *record) {
	if rec.forgotten {
		return
	}
	rec.forgotten = true
	if s.onForget != nil {
		s.onForget(rec)
	}
	s.keep.live--
	s.keep.expired++
	if s.byID[rec.res][rec.id] == rec {
		delete(s.byID[rec.res], rec.id)
	}
	if s.byRef[rec.res][rec.ref] == rec {
		delete(s.byRef[rec.res], rec.ref)
	}
}

// held returns how many records the store holds and how many it has
// forgotten.
func (s *store) held() (live int, expired int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keep.live, s.keep.expired
}
