// Package reliability_test is the end-to-end reliability and security
// suite: the client against the mock with faults injected, slow and silent
// servers, bad and oversized bodies, redirects, transport rules and a scan
// of everything logged for secrets and personal data.
//
// `go test ./reliability` (and so `make test`) runs a short version in a few
// seconds; CFVERIFY_RELIABILITY=full (`make reliability`) runs the full one,
// thousands of calls, in a few minutes. Every test that measures something
// logs its figures and, when CFVERIFY_REPORT names a file, appends them to
// it as one JSON line, from which the figures in docs/reliability.md are refreshed.
//
// All traffic goes to 127.0.0.1; every request loop is bounded in count and
// time.
package reliability_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cfverify/cfverify/client"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: goroutines left after the suite:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// full reports whether the full suite runs (CFVERIFY_RELIABILITY=full).
func full() bool { return os.Getenv("CFVERIFY_RELIABILITY") == "full" }

// pick returns the full size or the short one.
func pick[T any](short, long T) T {
	if full() {
		return long
	}
	return short
}

// envInt reads a positive integer from the environment, else def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

var reportMu sync.Mutex

// report logs a test's figures and appends them, as one JSON line with the
// test's name and the suite's size, to the file CFVERIFY_REPORT names.
func report(t *testing.T, figures any) {
	t.Helper()
	b, err := json.Marshal(figures)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	m["test"] = t.Name()
	m["suite"] = pick("short", "full")
	line, err := json.Marshal(m)
	require.NoError(t, err)
	t.Logf("report: %s", line)
	path := os.Getenv("CFVERIFY_REPORT")
	if path == "" {
		return
	}
	reportMu.Lock()
	defer reportMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	_, err = f.Write(append(line, '\n'))
	require.NoError(t, errors.Join(err, f.Close()))
}

// errorKind names the typed error a call ended with: "ok" for none,
// "untyped" for an error of no type the client documents.
func errorKind(err error) string {
	var (
		apiErr   *client.Error
		decErr   *client.DecodeError
		netErr   *client.NetworkError
		inputErr *client.InputError
	)
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &apiErr):
		switch {
		case apiErr.StatusCode == 429:
			return "api_429"
		case apiErr.StatusCode >= 500:
			return "api_5xx"
		default:
			return "api_4xx"
		}
	case errors.As(err, &decErr):
		return "decode"
	case errors.As(err, &netErr):
		return "network"
	case errors.As(err, &inputErr):
		return "input"
	case errors.Is(err, client.ErrResponseTooLarge):
		return "too_large"
	case errors.Is(err, client.ErrMissingCredentials):
		return "missing_credentials"
	}
	return "untyped"
}

// attemptsOf returns how many HTTP attempts a failed call made, from its
// typed error, or 0 when the error does not say.
func attemptsOf(err error) int {
	var apiErr *client.Error
	var netErr *client.NetworkError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Attempts
	case errors.As(err, &netErr):
		return netErr.Attempts
	}
	return 0
}

// counter counts requests, for servers that must see none.
type counter struct {
	mu   sync.Mutex
	n    int
	reqs []seenRequest
}

// seenRequest is what a server received: method, URL, headers and body.
type seenRequest struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

func (c *counter) add(r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.reqs = append(c.reqs, seenRequest{r.Method, r.URL.String(), r.Header.Clone(), body})
}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *counter) requests() []seenRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seenRequest(nil), c.reqs...)
}

// ratio formats a/b with two decimals, for timings quoted as ratios.
func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(int(float64(a)/float64(b)*100+0.5)) / 100
}

// lines splits captured output into non-empty lines.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// mb is bytes in MiB with one decimal.
func mb(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
