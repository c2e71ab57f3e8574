// Package bench holds cfverify's benchmarks: each one runs a baseline
// beside the figure it is judged against, in the same run, so that the
// ratio holds on a noisy machine. See BENCHMARKS.md; `make bench` runs
// them all with -count and benchstat.
package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
)

// Credentials of the fixed servers and of the mock.
const (
	clientID   = mock.DefaultClientID
	secret     = mock.DefaultClientSecret
	apiVersion = "2024-12-01"
	token      = "tok_bench"
)

// bodies are the 2xx bodies of the five operations as the mock sends them,
// keyed by operation id; fetched once from a running mock.
var bodies = sync.OnceValue(func() map[string][]byte {
	srv := mock.MustNew(mock.WithPolls(1))
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL()), client.WithCredentials(clientID, secret))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	ctx := context.Background()
	out := map[string][]byte{}
	grab := func(op string, call func(opt client.CallOption) error) {
		var raw client.RawResponse
		if err := call(client.WithRawResponse(&raw)); err != nil {
			panic(op + ": " + err.Error())
		}
		out[op] = raw.Body
	}
	grab(client.OpDataAvailability, func(o client.CallOption) error {
		_, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: "bench-da", Mobile: "9988123456"}, o)
		return err
	})
	grab(client.OpUserDetails, func(o client.CallOption) error { _, err := c.UserDetails(ctx, token, o); return err })
	// The status calls: poll until the final status, so the body is the full one.
	for range 8 {
		grab(client.OpDigiLockerStatus, func(o client.CallOption) error {
			_, err := c.DigiLockerStatus(ctx, client.ByVerificationID("bench-dl"), o)
			return err
		})
		grab(client.OpConsentStatus, func(o client.CallOption) error {
			_, err := c.ConsentStatus(ctx, client.ByVerificationID("bench-consent"), o)
			return err
		})
		grab(client.OpFinancialInformation, func(o client.CallOption) error {
			_, err := c.FinancialInformation(ctx, client.ByVerificationID("bench-fi"), o)
			return err
		})
	}
	return out
})

// statement is a financial-information body of n transactions in one
// account, from the mock's generator, marshalled as the vendor does.
func statement(tb testing.TB, n int) []byte {
	tb.Helper()
	statementsMu.Lock()
	defer statementsMu.Unlock()
	if b, ok := statements[n]; ok {
		return b
	}
	fi := mock.GenerateFI(mock.FIOptions{Seed: 7, Accounts: 1, Transactions: n})
	b, err := mock.MarshalFI(fi)
	if err != nil {
		tb.Fatal(err)
	}
	statements[n] = b
	return b
}

var (
	statementsMu sync.Mutex
	statements   = map[int][]byte{}
)

// fixedServer answers every request with the body of the operation its
// path names, as application/json: an in-process server on loopback.
func fixedServer(tb testing.TB, byPath map[string][]byte) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body, ok := byPath[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// fixedTransport answers every request with one body, from memory: no
// network, so what is measured is the client's own work.
type fixedTransport struct{ body []byte }

func (t fixedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)),
		Request:       req,
	}, nil
}

// newClient is a client of base with credentials and no retries or log.
func newClient(tb testing.TB, base string, hc *http.Client) *client.Client {
	tb.Helper()
	opts := []client.Option{client.WithBaseURL(base), client.WithCredentials(clientID, secret)}
	if hc != nil {
		opts = append(opts, client.WithHTTPClient(hc))
	}
	c, err := client.New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.CloseIdleConnections)
	return c
}
