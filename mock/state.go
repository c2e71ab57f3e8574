package mock

import (
	"fmt"
	"sync"
	"time"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/verification"
)

// RecordKind names the things the mock keeps state for.
type RecordKind string

// The resources, one per status operation, plus data-availability requests.
const (
	RecordDigiLocker       RecordKind = "digilocker"
	RecordConsent          RecordKind = "consent"
	RecordFI               RecordKind = "fi"
	RecordDataAvailability RecordKind = "data-availability"
)

// resources are the operation table's resources (operation.Operation.Resource).
var resources = func() []RecordKind {
	var out []RecordKind
	for _, op := range operation.All {
		if op.Resource != "" {
			out = append(out, RecordKind(op.Resource))
		}
	}
	return out
}()

// record is one verification, consent, financial-information request or
// data-availability request the mock has seen.
type record struct {
	res       RecordKind
	id        string
	ref       int64
	scenario  Scenario
	names     []string // the scenario names it was made of
	created   time.Time
	polls     int  // GETs answered so far
	forgotten bool // past the retention: no longer in the store (retention.go)

	fi      *verification.FinancialInformation // the delivered data, made once (FI only)
	encoded *stageBytes                        // the body of the stage last answered, encoded
}

// stageBytes is a record's answer at one stage, as sent.
type stageBytes struct {
	stage int
	data  []byte
}

// stages is the length of the status path the record's resource follows.
func (r *record) stages() int {
	if k, ok := statusKinds[r.res]; ok {
		return k.stages(r.scenario)
	}
	return 0
}

// store holds the records; its mutex guards them all.
type store struct {
	mu    sync.Mutex
	byID  map[RecordKind]map[string]*record
	byRef map[RecordKind]map[int64]*record
	keep  retention
	// onForget is told of each record forgotten (retention.go), with mu held.
	onForget func(*record)
}

func newStore(maxRecords int, ttl time.Duration) *store {
	s := &store{keep: retention{max: maxRecords, ttl: ttl}}
	s.reset()
	return s
}

func (s *store) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID = map[RecordKind]map[string]*record{}
	s.byRef = map[RecordKind]map[int64]*record{}
	s.keep = retention{max: s.keep.max, ttl: s.keep.ttl}
	for _, r := range resources {
		s.byID[r] = map[string]*record{}
		s.byRef[r] = map[int64]*record{}
	}
}

// refFor picks the reference id of a new record: derived from the id and
// the seed (so the same id gets the same reference on every run), a
// seven-digit number like the vendor's, moved on if taken. Call with s.mu held.
func (s *store) refFor(seed uint64, res RecordKind, id string) int64 {
	ref := int64(1_000_000 + hashID(seed, string(res), id)%9_000_000)
	for s.byRef[res][ref] != nil {
		ref++
		if ref > 9_999_999 {
			ref = 1_000_000
		}
	}
	return ref
}

// stage returns how far along its status path a record is: each status but
// the last lasts polls GETs (when polls > 0) or d (when d > 0), whichever
// ends first. polls counts the GET being answered.
func stage(polls, pollsPerStage int, elapsed, d time.Duration, stages int, instant bool) int {
	if stages <= 1 {
		return 0
	}
	if instant {
		return stages - 1
	}
	st := 0
	if pollsPerStage > 0 && polls > 0 {
		st = (polls - 1) / pollsPerStage
	}
	if d > 0 {
		st = max(st, int(elapsed/d))
	}
	return min(st, stages-1)
}

// errExists is returned by Create for an id the mock already has.
type errExists struct {
	res RecordKind
	id  string
}

func (e errExists) Error() string { return fmt.Sprintf("mock: %s %q already exists", e.res, e.id) }
