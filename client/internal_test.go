package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfverify/cfverify/verification"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryPolicy_backoff_fullJitterCapped(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	top := func(n int64) int64 { return n - 1 } // largest jitter
	zero := func(int64) int64 { return 0 }      // smallest jitter
	cases := []struct {
		retry int
		max   time.Duration
	}{
		{1, 100 * time.Millisecond},
		{2, 200 * time.Millisecond},
		{3, 400 * time.Millisecond},
		{4, 800 * time.Millisecond},
		{5, time.Second},
		{30, time.Second},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.max-1, p.backoff(tc.retry, top), "retry %d", tc.retry)
		assert.Equal(t, time.Duration(0), p.backoff(tc.retry, zero))
		for range 100 {
			d := p.backoff(tc.retry, randomJitter)
			assert.GreaterOrEqual(t, d, time.Duration(0))
			assert.Less(t, d, tc.max)
		}
	}
}

func TestRetryPolicy_defaults(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 2}.withDefaults()
	assert.Equal(t, defaultBaseDelay, p.BaseDelay)
	assert.Equal(t, defaultMaxDelay, p.MaxDelay)
	assert.Equal(t, defaultMaxRetryAfter, p.MaxRetryAfter)
	p = RetryPolicy{BaseDelay: 20 * time.Second}.withDefaults()
	assert.Equal(t, 20*time.Second, p.MaxDelay, "the cap is never below the base")
}

func TestRetryableStatus(t *testing.T) {
	t.Parallel()
	for status := 100; status < 600; status++ {
		get := status == 429 || status == 500 || status == 502 || status == 503 || status == 504
		assert.Equal(t, get, retryableStatus(status, true), "GET %d", status)
		assert.Equal(t, status == 429, retryableStatus(status, false), "POST %d", status)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"0":                             0,
		"12":                            12 * time.Second,
		" 3 ":                           3 * time.Second,
		"99999999999":                   24 * time.Hour,
		"-1":                            0,
		"1.5":                           0,
		"Thu, 02 Jan 2025 03:05:05 GMT": time.Minute,
		"Thu, 02 Jan 2025 03:00:00 GMT": 0,
	}
	for in, want := range cases {
		assert.Equal(t, want, parseRetryAfter(in, now), "%q", in)
	}
}

func TestRedirectPolicy(t *testing.T) {
	t.Parallel()
	mk := func(s string) *http.Request {
		u, err := url.Parse(s)
		require.NoError(t, err)
		return &http.Request{URL: u}
	}
	origin := mk("https://api.cashfree.com/verification/digilocker")
	policy := redirectPolicy(nil)
	cases := []struct {
		to   string
		via  int
		want bool // followed
	}{
		{"https://api.cashfree.com/verification/digilocker/", 1, true},
		{"https://API.cashfree.com/other", 1, true},
		{"http://api.cashfree.com/verification/digilocker", 1, false},
		{"https://evil.example.com/verification/digilocker", 1, false},
		{"https://api.cashfree.com:8443/verification/digilocker", 1, false},
		{"https://sandbox.cashfree.com/verification/digilocker", 1, false},
		{"https://api.cashfree.com/verification/digilocker", maxRedirects + 1, false},
	}
	for _, tc := range cases {
		via := make([]*http.Request, tc.via)
		for i := range via {
			via[i] = origin
		}
		err := policy(mk(tc.to), via)
		if tc.want {
			assert.NoError(t, err, tc.to)
		} else {
			assert.ErrorIs(t, err, ErrRedirectRefused, tc.to)
		}
	}
}

func TestDefaultTransport_requiresTLS12(t *testing.T) {
	t.Parallel()
	c, err := New()
	require.NoError(t, err)
	tr, ok := c.http.Transport.(*http.Transport)
	require.True(t, ok)
	require.NotNil(t, tr.TLSClientConfig)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.NotSame(t, http.DefaultTransport, c.http.Transport, "the shared default transport is never modified")
}

func TestNew_doesNotModifyCallersHTTPClient(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: time.Minute}
	c, err := New(WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Nil(t, hc.CheckRedirect)
	assert.NotSame(t, hc, c.http)
	assert.Equal(t, time.Minute, c.http.Timeout)
}

func TestDefaultTransport_refusesOldTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"PENDING"}`))
	}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11} //nolint:gosec // the old server under test
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()

	c, err := New(WithBaseURL(srv.URL), WithCredentials("id", "secret"), WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	trustServer(t, c, srv)
	_, err = c.DigiLockerStatus(t.Context(), ByVerificationID("v1"))
	require.Error(t, err)
	var netErr *NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.Contains(t, err.Error(), "protocol version")
	assert.Equal(t, 1, netErr.Attempts, "a TLS version the server will not speak is not retried")
}

func TestPermanentNetErr_tlsAlerts(t *testing.T) {
	t.Parallel()
	remote := func(msg string) error {
		return &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "remote error", Err: errors.New(msg)}}
	}
	assert.True(t, permanentNetErr(remote("tls: protocol version not supported")))
	assert.True(t, permanentNetErr(remote("tls: insufficient security level")))
	assert.True(t, permanentNetErr(remote("tls: handshake failure")))
	assert.True(t, permanentNetErr(fmt.Errorf("x: %w", errors.New("tls: server selected unsupported protocol version 302"))))
	assert.False(t, permanentNetErr(remote("tls: internal error")), "may pass")
	assert.False(t, permanentNetErr(&net.OpError{Op: "read", Err: errors.New("connection reset by peer")}))
}

func TestDefaultTransport_httpsOnLoopbackWorks(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"PENDING"}`))
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithCredentials("id", "secret"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	trustServer(t, c, srv)
	st, err := c.DigiLockerStatus(t.Context(), ByVerificationID("v1"))
	require.NoError(t, err)
	assert.Equal(t, verification.DigiLockerPending, *st.Status)
}

func TestClient_untrustedCertificate_notRetried(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithCredentials("id", "secret"),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	start := time.Now()
	_, err = c.DigiLockerStatus(t.Context(), ByVerificationID("v1"))
	var certErr *tls.CertificateVerificationError
	require.ErrorAs(t, err, &certErr)
	var netErr *NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.Equal(t, 1, netErr.Attempts, "a certificate failure is not retried")
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Zero(t, hits.Load())
}

// trustServer makes the Client's default transport trust srv's certificate.
func trustServer(t *testing.T, c *Client, srv *httptest.Server) {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c.http.Transport.(*http.Transport).TLSClientConfig.RootCAs = pool
}
