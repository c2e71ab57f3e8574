package verdictcache

import (
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCache_checksEachDistinctInputOnce(t *testing.T) {
	var c Cache[error]
	var runs atomic.Int64
	check := func() error { runs.Add(1); return nil }
	key := Key{Op: "getDigiLockerStatus", Status: 200}

	body := []byte(`{"status":"PENDING"}`)
	for i := range 5 {
		err, fresh := c.Verdict(key, body, check)
		require.NoError(t, err)
		assert.Equal(t, i == 0, fresh, "call %d", i)
	}
	assert.EqualValues(t, 1, runs.Load(), "the same bytes are checked once")
	assert.Equal(t, 1, c.Len())

	// One byte apart, another status, operation or header: each is its own input.
	_, fresh := c.Verdict(key, []byte(`{"status":"PENDINg"}`), check)
	assert.True(t, fresh)
	_, fresh = c.Verdict(Key{Op: "getDigiLockerStatus", Status: 201}, body, check)
	assert.True(t, fresh)
	_, fresh = c.Verdict(Key{Op: "getConsentStatus", Status: 200}, body, check)
	assert.True(t, fresh)
	_, fresh = c.Verdict(Key{Op: "getDigiLockerStatus", Status: 200, Header: HeaderKey(http.Header{"Retry-After": {"1"}})}, body, check)
	assert.True(t, fresh)
	assert.EqualValues(t, 5, runs.Load())
	assert.Equal(t, 5, c.Len())
}

func TestCache_keepsFailuresToo(t *testing.T) {
	var c Cache[error]
	broken := errors.New("breaks the spec")
	runs := 0
	for range 3 {
		err, _ := c.Verdict(Key{Op: "x", Status: 200}, []byte(`{}`), func() error { runs++; return broken })
		assert.ErrorIs(t, err, broken, "every call gets the verdict")
	}
	assert.Equal(t, 1, runs)
}

func TestCache_concurrentCallsCheckOnce(t *testing.T) {
	var c Cache[int]
	var runs atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			v, _ := c.Verdict(Key{Op: "x"}, []byte(`{"same":true}`), func() int {
				<-release
				runs.Add(1)
				return 42
			})
			assert.Equal(t, 42, v)
		})
	}
	close(release)
	wg.Wait()
	assert.EqualValues(t, 1, runs.Load())
}

func TestCache_boundedByBytes(t *testing.T) {
	c := Cache[error]{Limit: 400} // one 60-byte input (318 with its overhead), not two
	runs := 0
	check := func() error { runs++; return nil }
	key := Key{Op: "op"}
	a, b := make([]byte, 60), make([]byte, 60)
	b[0] = 1
	c.Verdict(key, a, check)
	c.Verdict(key, a, check)
	assert.Equal(t, 1, runs)
	c.Verdict(key, b, check) // over the limit: the memory is dropped, b is checked
	assert.Equal(t, 2, runs)
	assert.LessOrEqual(t, c.size, 400)
	assert.Equal(t, 1, c.Len())
	c.Verdict(key, a, check) // forgotten, so checked again: never skipped
	assert.Equal(t, 3, runs)

	// The key's own bytes count, and an input over the limit by itself is
	// checked every time, never kept.
	big := Key{Op: "op", Header: string(make([]byte, 200))}
	for range 2 {
		_, fresh := c.Verdict(big, []byte("0123456789"), check)
		assert.True(t, fresh)
	}
	assert.Equal(t, 5, runs)
	assert.LessOrEqual(t, c.size, 400)
}

func TestHeaderKey_isOrderIndependent(t *testing.T) {
	assert.Empty(t, HeaderKey(nil))
	assert.Equal(t, HeaderKey(http.Header{"A": {"1"}, "B": {"2"}}), HeaderKey(http.Header{"B": {"2"}, "A": {"1"}}))
	assert.NotEqual(t, HeaderKey(http.Header{"A": {"1"}}), HeaderKey(http.Header{"A": {"2"}}))
	assert.NotEqual(t, HeaderKey(http.Header{"A": {"1", "2"}}), HeaderKey(http.Header{"A": {"2", "1"}}))
}
