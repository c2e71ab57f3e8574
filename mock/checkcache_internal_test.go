package mock

import (
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckCache_checksEachDistinctResponseOnce(t *testing.T) {
	var c checkCache
	var runs atomic.Int64
	check := func() error { runs.Add(1); return nil }
	key := checkKey{op: OpDigiLockerStatus, status: 200}

	body := []byte(`{"status":"PENDING"}`)
	for i := range 5 {
		err, fresh := c.verdict(key, body, check)
		require.NoError(t, err)
		assert.Equal(t, i == 0, fresh, "send %d", i)
	}
	assert.EqualValues(t, 1, runs.Load(), "the same bytes are checked once")

	// One byte apart, another status, another header: each is its own response.
	_, fresh := c.verdict(key, []byte(`{"status":"PENDINg"}`), check)
	assert.True(t, fresh)
	_, fresh = c.verdict(checkKey{op: OpDigiLockerStatus, status: 201}, body, check)
	assert.True(t, fresh)
	_, fresh = c.verdict(checkKey{op: OpConsentStatus, status: 200}, body, check)
	assert.True(t, fresh)
	_, fresh = c.verdict(checkKey{op: OpDigiLockerStatus, status: 200, header: headerKey(http.Header{"Retry-After": {"1"}})}, body, check)
	assert.True(t, fresh)
	assert.EqualValues(t, 5, runs.Load())
}

func TestCheckCache_keepsFailuresToo(t *testing.T) {
	var c checkCache
	broken := errors.New("breaks the spec")
	runs := 0
	for range 3 {
		err, _ := c.verdict(checkKey{op: OpFinancialInformation, status: 200}, []byte(`{}`), func() error { runs++; return broken })
		assert.ErrorIs(t, err, broken, "every send of a bad body gets the verdict")
	}
	assert.Equal(t, 1, runs)
}

func TestCheckCache_concurrentSendsCheckOnce(t *testing.T) {
	var c checkCache
	var runs atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			err, _ := c.verdict(checkKey{op: OpConsentStatus, status: 200}, []byte(`{"same":true}`), func() error {
				<-release
				runs.Add(1)
				return nil
			})
			assert.NoError(t, err)
		})
	}
	close(release)
	wg.Wait()
	assert.EqualValues(t, 1, runs.Load())
}

func TestCheckCache_boundedByBytes(t *testing.T) {
	c := checkCache{limit: 100}
	runs := 0
	check := func() error { runs++; return nil }
	key := checkKey{op: OpFinancialInformation, status: 200}
	a, b := make([]byte, 60), make([]byte, 60)
	b[0] = 1
	c.verdict(key, a, check)
	c.verdict(key, a, check)
	assert.Equal(t, 1, runs)
	c.verdict(key, b, check) // over the limit: the memory is dropped, b is checked
	assert.Equal(t, 2, runs)
	assert.LessOrEqual(t, c.size, 100)
	c.verdict(key, a, check) // forgotten, so checked again: never skipped
	assert.Equal(t, 3, runs)
}

func TestHeaderKey_isOrderIndependent(t *testing.T) {
	assert.Empty(t, headerKey(nil))
	assert.Equal(t, headerKey(http.Header{"A": {"1"}, "B": {"2"}}), headerKey(http.Header{"B": {"2"}, "A": {"1"}}))
	assert.NotEqual(t, headerKey(http.Header{"A": {"1"}}), headerKey(http.Header{"A": {"2"}}))
}
