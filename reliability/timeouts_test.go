package reliability_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

// opCase is one of the five operations, called with valid input.
type opCase struct {
	name string
	post bool
	call func(ctx context.Context, c *client.Client) (any, error)
}

const (
	testToken = "eyJhbGciOiJSUzI1NiJ9.TESTTOKEN-7f3a9c2e41d8b6"
	testID    = "rel-0001"
)

var allOps = []opCase{
	{client.OpDataAvailability, true, func(ctx context.Context, c *client.Client) (any, error) {
		return c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: testID, Mobile: "9000000001"})
	}},
	{client.OpUserDetails, false, func(ctx context.Context, c *client.Client) (any, error) {
		return c.UserDetails(ctx, testToken)
	}},
	{client.OpDigiLockerStatus, false, func(ctx context.Context, c *client.Client) (any, error) {
		return c.DigiLockerStatus(ctx, client.ByVerificationID(testID))
	}},
	{client.OpConsentStatus, false, func(ctx context.Context, c *client.Client) (any, error) {
		return c.ConsentStatus(ctx, client.ByVerificationID(testID))
	}},
	{client.OpFinancialInformation, false, func(ctx context.Context, c *client.Client) (any, error) {
		return c.FinancialInformation(ctx, client.ByVerificationID(testID))
	}},
}

// stallingServer sends headers and the start of a body, then nothing, until
// the client hangs up or 10s pass. It counts the requests it has begun to
// answer: a call that returned has been counted.
func stallingServer(t *testing.T, requests *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "4096")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"status":"PEND`)
		_ = http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// silentServer accepts connections and reads what comes, but never
// answers, until the test ends.
func silentServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Go(func() { _, _ = io.Copy(io.Discard, conn) })
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}

type timeoutFigures struct {
	Server        string  `json:"server"`
	Bound         string  `json:"bound"`
	Calls         int     `json:"calls"`
	LimitMS       int64   `json:"limit_ms"`
	SlowestMS     int64   `json:"slowest_ms"`
	SlowestRatio  float64 `json:"slowest_to_limit"`
	FastestRatio  float64 `json:"fastest_to_limit"`
	NetworkErrors int     `json:"network_errors"`
}

// TestTimeouts_slowAndSilentServers: a body that stalls after the headers,
// and a server that never answers, end every call of every operation within
// its attempt timeout (no retries) or its context (with retries).
func TestTimeouts_slowAndSilentServers(t *testing.T) {
	t.Parallel()
	const limit = 300 * time.Millisecond
	// The upper bound proves the call ends with its limit, not with the
	// server (10 s) or the test's own 10 s context. It leaves room for a
	// loaded machine; that the attempt timeout does not retry is proved by
	// counting requests, not by the clock.
	const slack = 750 * time.Millisecond
	type server struct {
		base     string
		requests *atomic.Int64 // nil: the server never reads a request
	}
	servers := map[string]func(t *testing.T) server{
		"stalled body": func(t *testing.T) server {
			var n atomic.Int64
			return server{stallingServer(t, &n).URL, &n}
		},
		"never answers": func(t *testing.T) server { return server{silentServer(t), nil} },
	}
	for name, start := range servers {
		for _, bound := range []string{"attempt timeout", "context deadline"} {
			t.Run(name+"/"+bound, func(t *testing.T) {
				t.Parallel()
				srv := start(t)
				opts := []client.Option{client.WithBaseURL(srv.base + "/verification"),
					client.WithCredentials("cf_rel_client", "cf_rel_secret")}
				if bound == "attempt timeout" {
					opts = append(opts, client.WithAttemptTimeout(limit), client.WithRetryPolicy(client.RetryPolicy{}))
				} else {
					opts = append(opts, client.WithAttemptTimeout(time.Minute), client.WithRetryPolicy(client.DefaultRetryPolicy()))
				}
				c, err := client.New(opts...)
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)
				fig := timeoutFigures{Server: name, Bound: bound, LimitMS: limit.Milliseconds(), FastestRatio: 1e9}
				for range pick(1, 3) {
					for _, oc := range allOps {
						ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
						if bound == "context deadline" {
							cancel()
							ctx, cancel = context.WithTimeout(t.Context(), limit)
						}
						var before int64
						if srv.requests != nil {
							before = srv.requests.Load()
						}
						begin := time.Now()
						res, err := oc.call(ctx, c)
						took := time.Since(begin)
						cancel()
						fig.Calls++
						assert.True(t, isNil(res), "%s: no result", oc.name)
						var netErr *client.NetworkError
						if assert.ErrorAs(t, err, &netErr, "%s", oc.name) {
							fig.NetworkErrors++
						}
						assert.True(t, errors.Is(err, context.DeadlineExceeded), "%s: %v", oc.name, err)
						if srv.requests != nil && bound == "attempt timeout" {
							assert.Equal(t, int64(1), srv.requests.Load()-before, "%s: one attempt, no retry", oc.name)
						}
						assert.GreaterOrEqual(t, took, limit-5*time.Millisecond, "%s", oc.name)
						assert.Less(t, took, limit+slack, "%s returned %v after a %v limit", oc.name, took, limit)
						fig.SlowestMS = max(fig.SlowestMS, took.Milliseconds())
						fig.SlowestRatio = max(fig.SlowestRatio, ratio(took, limit))
						fig.FastestRatio = min(fig.FastestRatio, ratio(took, limit))
					}
				}
				report(t, fig)
			})
		}
	}
}
