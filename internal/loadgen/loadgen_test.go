package loadgen

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_sendsEveryRequestWithinTheConcurrency(t *testing.T) {
	var inflight, peak, served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		served.Add(1)
		time.Sleep(time.Millisecond)
		_, _ = w.Write([]byte(r.URL.Query().Get("i")))
	}))
	defer srv.Close()
	seen := make([]atomic.Bool, 200)
	res, err := Run(t.Context(), Config{
		Requests: 200, Concurrency: 4, Timeout: 30 * time.Second,
		Request: func(i int) (*http.Request, error) {
			seen[i].Store(true)
			return http.NewRequest(http.MethodGet, srv.URL+"/?i=x", nil)
		},
	})
	require.NoError(t, err)
	assert.Equal(t, 200, res.Requests)
	assert.EqualValues(t, 200, served.Load())
	assert.EqualValues(t, 200, res.Bytes) // one byte each
	assert.LessOrEqual(t, peak.Load(), int64(4))
	assert.Len(t, res.Latencies, 200)
	for i := range seen {
		assert.True(t, seen[i].Load(), "request %d was built", i)
	}
	assert.Greater(t, res.PerSecond(), 0.0)
	assert.GreaterOrEqual(t, res.Percentile(0.99), res.Percentile(0.5))
	assert.GreaterOrEqual(t, res.Percentile(0.5), time.Millisecond)
}

func TestRun_failsOnAnUnexpectedStatus(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 10 {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
	}))
	defer srv.Close()
	_, err := Run(t.Context(), Config{Requests: 100, Concurrency: 2, Timeout: 30 * time.Second,
		Request: func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) }})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "status 422")
}

func TestRun_isBoundedInTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	start := time.Now()
	_, err := Run(t.Context(), Config{Requests: 10, Concurrency: 2, Timeout: 100 * time.Millisecond,
		Request: func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) }})
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), err)
	assert.Less(t, time.Since(start), 3*time.Second)
}

func TestRun_rejectsABadConfig(t *testing.T) {
	_, err := Run(t.Context(), Config{Requests: 0, Concurrency: 1, Timeout: time.Second})
	assert.Error(t, err)
	_, err = Run(t.Context(), Config{Requests: 1, Concurrency: 1, Timeout: time.Second})
	assert.Error(t, err)
}

func TestPercentile_nearestRank(t *testing.T) {
	r := Result{Latencies: []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	assert.Equal(t, time.Duration(5), r.Percentile(0.5))
	assert.Equal(t, time.Duration(10), r.Percentile(0.99))
	assert.Equal(t, time.Duration(1), r.Percentile(0))
	assert.Zero(t, Result{}.Percentile(0.5))
}

func TestMedianInterval(t *testing.T) {
	m, lo, hi, c := MedianInterval([]float64{5, 1, 3})
	assert.Equal(t, 3.0, m)
	assert.Equal(t, 1.0, lo)
	assert.Equal(t, 5.0, hi)
	assert.InDelta(t, 0.75, c, 1e-9) // 1 - 2/8

	m, lo, hi, c = MedianInterval([]float64{6, 1, 2, 3, 4, 5})
	assert.Equal(t, 3.5, m)
	assert.Equal(t, 1.0, lo)
	assert.Equal(t, 6.0, hi)
	assert.InDelta(t, 1-2.0/64, c, 1e-9)

	xs := make([]float64, 20)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	_, lo, hi, c = MedianInterval(xs)
	assert.Equal(t, 6.0, lo) // k = 6 for n = 20: coverage 95.9%
	assert.Equal(t, 15.0, hi)
	assert.GreaterOrEqual(t, c, 0.95)
}
