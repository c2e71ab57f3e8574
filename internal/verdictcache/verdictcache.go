// Package verdictcache remembers a validation's verdict per distinct input,
// keyed by every byte of it: a deterministic check of the same bytes gives
// the same verdict, so a server or proxy that sees the same answers again
// and again checks each one once. It never skips a check for bytes it has
// not seen, and it is bounded: past its limit it forgets everything.
package verdictcache

import (
	"net/http"
	"slices"
	"strings"
	"sync"
)

// DefaultLimit bounds the bytes a Cache with Limit 0 remembers. A mock
// or proxy holds a few caches, and with a new id on every request (a
// shared staging mock, a long CI job) each fills to its limit and starts
// again: 16 MiB each keeps their memory small and steady, and is still
// tens of thousands of distinct answers.
const DefaultLimit = 16 << 20

// entryOverhead is what an entry costs besides its bytes: the map slots,
// the entry, the key's headers. The limit counts it so that many small
// inputs are bounded as surely as a few large ones.
const entryOverhead = 256

// Key is what a verdict depends on besides the body. Every field is
// compared exactly; Header may hold credentials: a Key lives in memory
// only and is never rendered.
type Key struct {
	Op     string // the operation; for a request, its method and URL
	Status int    // 0 for a request
	Header string // the headers the check sees, from HeaderKey
}

// Cache holds verdicts of type V. The zero value is ready; it is safe for
// concurrent use. Every verdict is kept, failures too.
type Cache[V any] struct {
	// Limit bounds the bytes remembered (bodies and keys); 0 is
	// DefaultLimit. Past it the memory is dropped whole and inputs are
	// checked afresh. Set it before first use.
	Limit int

	mu      sync.RWMutex
	entries map[Key]map[string]*entry[V] // the inner key is the body
	size    int
}

// entry is one input's verdict, computed once even when callers ask for
// it together.
type entry[V any] struct {
	once    sync.Once
	verdict V
}

// Verdict returns check's verdict on (key, body), running check only for
// an input it does not remember. fresh says whether this call ran it.
func (c *Cache[V]) Verdict(key Key, body []byte, check func() V) (verdict V, fresh bool) {
	limit := c.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	cost := len(body) + len(key.Op) + len(key.Header) + entryOverhead
	if cost > limit {
		return check(), true // too large to remember at all
	}
	c.mu.RLock()
	e := c.entries[key][string(body)]
	c.mu.RUnlock()
	if e == nil {
		c.mu.Lock()
		if e = c.entries[key][string(body)]; e == nil {
			if c.entries == nil || c.size+cost > limit {
				c.entries, c.size = map[Key]map[string]*entry[V]{}, 0
			}
			bodies := c.entries[key]
			if bodies == nil {
				bodies = map[string]*entry[V]{}
				c.entries[key] = bodies
			}
			e = &entry[V]{}
			bodies[string(body)] = e
			c.size += cost
		}
		c.mu.Unlock()
	}
	e.once.Do(func() {
		e.verdict = check()
		fresh = true
	})
	return e.verdict, fresh
}

// Len is how many inputs the cache remembers.
func (c *Cache[V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := 0
	for _, bodies := range c.entries {
		n += len(bodies)
	}
	return n
}

// HeaderKey renders h in a fixed order (names sorted, values in order) for
// Key.Header: the same headers give the same string whatever their map
// order, and any difference in a name or value gives another.
func HeaderKey(h http.Header) string {
	if len(h) == 0 {
		return ""
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			b.WriteString(k)
			b.WriteByte(':')
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
