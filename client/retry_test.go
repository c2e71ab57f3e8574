package client_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

// failThen answers status (with Retry-After if set) to the first fails
// requests, then 200 with body.
func failThen(fails, status int, retryAfter string, body []byte) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= fails {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeJSON(w, status, errorBody("some_error", "some_code", "failed"))
			return
		}
		writeJSON(w, 200, body)
	}
}

// hangUp drops the connection without answering, after reading the request.
func hangUp(t testing.TB, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	require.NoError(t, err)
	_ = conn.Close()
}

func TestClient_GET_retriesTemporaryStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 500, 502, 503, 504} {
		for _, oc := range operations {
			if oc.method != http.MethodGet {
				continue
			}
			t.Run(oc.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				t.Parallel()
				srv, rec := serve(t, failThen(2, status, "", example(t, oc.example)))
				c := newClient(t, srv)
				res, err := oc.call(t.Context(), c)
				require.NoError(t, err)
				require.NotNil(t, res)
				assert.Equal(t, 3, rec.count())
			})
		}
	}
}

func TestClient_neverRetriesClientErrors(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 422} {
		for _, oc := range operations {
			t.Run(oc.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				t.Parallel()
				srv, rec := serve(t, failThen(10, status, "0", example(t, oc.example)))
				c := newClient(t, srv)
				_, err := oc.call(t.Context(), c)
				var apiErr *client.Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.StatusCode)
				assert.Equal(t, 1, rec.count())
				assert.Equal(t, 1, apiErr.Attempts)
			})
		}
	}
}

func TestClient_DataAvailability_POSTNotRetriedOn5xx(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, failThen(10, status, "", example(t, "DataAvailabilitySuccess")))
			c := newClient(t, srv)
			_, err := c.DataAvailability(t.Context(), client.DataAvailabilityParams{VerificationID: "v1", Mobile: testMobile})
			var apiErr *client.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, 1, rec.count(), "the server may have acted on the POST")
		})
	}
}

func TestClient_DataAvailability_POSTRetriedOn429(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, failThen(1, 429, "", example(t, "DataAvailabilitySuccess")))
	c := newClient(t, srv)
	res, err := c.DataAvailability(t.Context(), client.DataAvailabilityParams{VerificationID: "v1", Mobile: testMobile})
	require.NoError(t, err)
	require.NotNil(t, res)
	require.Equal(t, 2, rec.count())
	reqs := rec.all()
	assert.Equal(t, reqs[0].Body, reqs[1].Body, "the body is sent again whole")
}

func TestClient_DataAvailability_conflictAfterRetryIsReported(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			writeJSON(w, 429, errorBody("rate_limit_error", "too_many_requests_per_ip", "slow down"))
			return
		}
		writeJSON(w, 409, example(t, "DataAvailability409ConflictError"))
	})
	c := newClient(t, srv)
	_, err := c.DataAvailability(t.Context(), client.DataAvailabilityParams{VerificationID: "v1", Mobile: testMobile})
	var apiErr *client.Error
	require.ErrorAs(t, err, &apiErr)
	require.ErrorIs(t, err, client.ErrConflict)
	assert.Equal(t, client.CodeVerificationIDExists, apiErr.Code)
	assert.Equal(t, 2, apiErr.Attempts)
	assert.Contains(t, err.Error(), "an earlier attempt may have succeeded")
	assert.Equal(t, 2, rec.count())
}

// transportFunc is an http.RoundTripper made of a function.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// failingTransport fails the first fails round trips, as a dial failure
// (nothing written) or, with written, after reporting the request written;
// then it hands requests to next.
func failingTransport(fails int32, written bool, next http.RoundTripper, calls *atomic.Int32) http.RoundTripper {
	return transportFunc(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) <= fails {
			if written {
				if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.WroteRequest != nil {
					tr.WroteRequest(httptrace.WroteRequestInfo{})
				}
				return nil, io.ErrUnexpectedEOF
			}
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		}
		return next.RoundTrip(r)
	})
}

// okTransport answers every request 200 with body, with no network at all.
func okTransport(body []byte) http.RoundTripper {
	return transportFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(string(body))), Request: r,
		}, nil
	})
}

func TestClient_connectionFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		op        operationCase
		written   bool
		wantCalls int32
		wantOK    bool
	}{
		{"POST dial failure retried", operations[0], false, 3, true},
		{"POST failure after write not retried", operations[0], true, 1, false},
		{"GET dial failure retried", operations[2], false, 3, true},
		{"GET failure after write retried", operations[2], true, 3, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			rt := failingTransport(2, tc.written, okTransport(example(t, tc.op.example)), &calls)
			c, err := client.New(client.WithBaseURL("http://127.0.0.1:1/verification"),
				client.WithCredentials(testClientID, testSecret), client.WithRetryPolicy(fastRetry),
				client.WithHTTPClient(&http.Client{Transport: rt}))
			require.NoError(t, err)
			res, err := tc.op.call(t.Context(), c)
			assert.Equal(t, tc.wantCalls, calls.Load())
			if tc.wantOK {
				require.NoError(t, err)
				require.NotNil(t, res)
				return
			}
			var netErr *client.NetworkError
			require.ErrorAs(t, err, &netErr)
			assert.Equal(t, 1, netErr.Attempts)
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		})
	}
}

func TestClient_droppedConnection(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		op        operationCase
		wantCount int
		wantOK    bool
	}{
		{"GET retried", operations[3], 2, true},
		{"POST not retried", operations[0], 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 {
					hangUp(t, w)
					return
				}
				writeJSON(w, 200, example(t, tc.op.example))
			})
			c := newClient(t, srv)
			_, err := tc.op.call(t.Context(), c)
			assert.Equal(t, tc.wantCount, rec.count())
			if tc.wantOK {
				require.NoError(t, err)
				return
			}
			var netErr *client.NetworkError
			require.ErrorAs(t, err, &netErr)
			assert.Equal(t, client.OpDataAvailability, netErr.Operation)
		})
	}
}

func TestClient_retriesStopAtMaxAttempts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []client.Option
		call []client.CallOption
		want int
	}{
		{"default policy", []client.Option{client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})}, nil, 3},
		{"five attempts", []client.Option{client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})}, nil, 5},
		{"zero disables retries", []client.Option{client.WithRetryPolicy(client.RetryPolicy{})}, nil, 1},
		{"one attempt", []client.Option{client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 1})}, nil, 1},
		{"per-call override", nil, []client.CallOption{client.WithMaxAttempts(2)}, 2},
		{"per-call disable", nil, []client.CallOption{client.WithMaxAttempts(0)}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, failThen(100, 503, "", nil))
			c := newClient(t, srv, tc.opts...)
			_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("v1"), tc.call...)
			var apiErr *client.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.want, rec.count())
			assert.Equal(t, tc.want, apiErr.Attempts)
		})
	}
}

func TestClient_backoffIsBounded(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, failThen(100, 503, "", nil))
	c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 6, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}))
	start := time.Now()
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("v1"))
	require.Error(t, err)
	assert.Equal(t, 6, rec.count())
	// Five waits, each below MaxDelay: at most 100ms of sleeping.
	assert.Less(t, time.Since(start), time.Second)
}

func TestClient_retryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, failThen(1, 429, "1", example(t, "DigiLockerPending")))
	c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	start := time.Now()
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("v1"))
	require.NoError(t, err)
	assert.Equal(t, 2, rec.count())
	assert.GreaterOrEqual(t, time.Since(start), 950*time.Millisecond, "waited as the server asked, not the 1ms backoff")
}

func TestClient_retryAfterTooLong_returnsAtOnce(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		policy client.RetryPolicy
		ctx    func(context.Context) (context.Context, context.CancelFunc)
	}{
		{"beyond MaxRetryAfter", client.RetryPolicy{MaxAttempts: 3, MaxRetryAfter: 5 * time.Second}, context.WithCancel},
		{"beyond the context deadline", client.RetryPolicy{MaxAttempts: 3}, func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 5*time.Second)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, failThen(100, 503, "30", nil))
			c := newClient(t, srv, client.WithRetryPolicy(tc.policy))
			ctx, cancel := tc.ctx(t.Context())
			defer cancel()
			start := time.Now()
			_, err := c.ConsentStatus(ctx, client.ByVerificationID("v1"))
			var apiErr *client.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 30*time.Second, apiErr.RetryAfter)
			assert.Equal(t, 1, rec.count())
			assert.Less(t, time.Since(start), time.Second)
		})
	}
}

func TestClient_cancellationDuringBackoffIsPrompt(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, failThen(100, 503, "30", nil))
	c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3}))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	res, err := c.FinancialInformation(ctx, client.ByVerificationID("v1"))
	assert.Nil(t, res)
	require.ErrorIs(t, err, context.Canceled)
	var apiErr *client.Error
	require.ErrorAs(t, err, &apiErr, "the last answer is kept")
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, 1, rec.count())
}

func TestClient_timeouts(t *testing.T) {
	t.Parallel()
	// slowFirst makes the first answer wait until the client gives up.
	slowFirst := func(body []byte) handlerFunc {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
				return
			}
			writeJSON(w, 200, body)
		}
	}
	t.Run("GET attempt timeout is retried", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, slowFirst(example(t, "DigiLockerPending")))
		c := newClient(t, srv, client.WithAttemptTimeout(250*time.Millisecond))
		_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("v1"))
		require.NoError(t, err)
		assert.Equal(t, 2, rec.count())
	})
	t.Run("POST attempt timeout is not retried", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, slowFirst(example(t, "DataAvailabilitySuccess")))
		c := newClient(t, srv, client.WithAttemptTimeout(250*time.Millisecond))
		_, err := c.DataAvailability(t.Context(), client.DataAvailabilityParams{VerificationID: "v1", Mobile: testMobile})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var netErr *client.NetworkError
		require.ErrorAs(t, err, &netErr)
		assert.Equal(t, 1, rec.count())
	})
	t.Run("context deadline ends the call", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, slowFirst(example(t, "DigiLockerPending")))
		c := newClient(t, srv)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		res, err := c.DigiLockerStatus(ctx, client.ByVerificationID("v1"))
		assert.Nil(t, res)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var netErr *client.NetworkError
		require.ErrorAs(t, err, &netErr)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.Equal(t, 1, rec.count())
	})
	t.Run("canceled before the call", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, respond(200, example(t, "DigiLockerPending")))
		c := newClient(t, srv)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := c.DigiLockerStatus(ctx, client.ByVerificationID("v1"))
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, rec.count())
	})
}

func TestClient_networkErrorUnwraps(t *testing.T) {
	t.Parallel()
	// A listener that is closed at once: connections are refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	c, err := client.New(client.WithBaseURL("http://"+addr+"/verification"),
		client.WithCredentials(testClientID, testSecret), client.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("v1"))
	var netErr *client.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.Equal(t, 3, netErr.Attempts)
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr)
	assert.True(t, errors.Is(err, syscall.ECONNREFUSED))
}

// A 2xx body cut off mid-stream is a failed exchange, not an undecodable
// answer: a NetworkError, retried for a GET, whether the body is decoded
// as it streams in or read whole for WithRawResponse.
func TestClient_bodyCutMidStream_isRetried(t *testing.T) {
	t.Parallel()
	for _, raw := range []bool{false, true} {
		srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			body := example(t, operations[3].example)
			if n == 1 {
				// Promise the whole body, send half, drop the connection.
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(body[:len(body)/2])
				w.(http.Flusher).Flush()
				hangUp(t, w)
				return
			}
			writeJSON(w, 200, body)
		})
		c := newClient(t, srv)
		var opts []client.CallOption
		var got client.RawResponse
		if raw {
			opts = append(opts, client.WithRawResponse(&got))
		}
		res, err := c.ConsentStatus(t.Context(), client.ByVerificationID("x"), opts...)
		require.NoError(t, err, "raw=%t", raw)
		require.NotNil(t, res.Status)
		assert.Equal(t, 2, rec.count(), "raw=%t: the cut answer was retried", raw)
		if raw {
			assert.Equal(t, 2, got.Attempts)
			assert.JSONEq(t, string(example(t, operations[3].example)), string(got.Body))
		}
	}
}
