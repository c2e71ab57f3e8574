package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mock"
)

// needles are the values that must never appear in a log line or an error
// string, by kind.
type needles struct {
	mu     sync.Mutex
	byKind map[string]map[string]bool
}

func (n *needles) add(kind, v string) {
	v = strings.TrimSpace(v)
	if len(v) < 6 || strings.Contains(strings.ToLower(v), "xxxx") || strings.Contains(v, "****") {
		return // too short to tell from other text, or masked already
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byKind == nil {
		n.byKind = map[string]map[string]bool{}
	}
	if n.byKind[kind] == nil {
		n.byKind[kind] = map[string]bool{}
	}
	n.byKind[kind][v] = true
}

func (n *needles) count() map[string]int {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string]int{}
	for k, vs := range n.byKind {
		out[k] = len(vs)
	}
	return out
}

// scan returns every needle found in the texts, as "kind value in: text".
func (n *needles) scan(texts []string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var hits []string
	for _, text := range texts {
		for kind, vs := range n.byKind {
			for v := range vs {
				if containsNeedle(text, v) {
					hits = append(hits, fmt.Sprintf("%s %q in: %s", kind, v, text))
				}
			}
		}
	}
	sort.Strings(hits)
	return hits
}

// containsNeedle reports whether v occurs in text. A needle of digits only
// (a pincode, a mobile number) must stand as a whole number: "100001" is
// not found in a logged latency of 1000012345 ns, which is no leak.
func containsNeedle(text, v string) bool {
	if strings.Trim(v, "0123456789") != "" {
		return strings.Contains(text, v)
	}
	isDigit := func(b byte) bool { return '0' <= b && b <= '9' }
	for from := 0; ; {
		i := strings.Index(text[from:], v)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(v)
		if (i == 0 || !isDigit(text[i-1])) && (end == len(text) || !isDigit(text[end])) {
			return true
		}
		from = i + 1
	}
}

// piiWords are words of JSON member names whose values are personal data.
var piiWords = []string{"name", "address", "dob", "birth", "mobile", "phone", "email", "pan", "aadhaar", "account_number",
	"photo", "care_of", "house", "street", "landmark", "pincode", "vtc", "dist", "subdist", "narration", "holder", "nominee", "identifier_value"}

func isPIIKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range piiWords {
		if k == w || strings.HasPrefix(k, w+"_") || strings.HasSuffix(k, "_"+w) || strings.Contains(k, "_"+w+"_") {
			return true
		}
	}
	return k == "po"
}

// harvestPII adds the personal values of a JSON document to n.
func harvestPII(n *needles, data []byte) {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(k, c)
			}
		case []any:
			for _, c := range v {
				walk(key, c)
			}
		case string:
			if isPIIKey(key) {
				n.add("pii:"+key, v)
			}
		}
	}
	walk("", v)
}

// capture is a client's debug log and every error string of a run.
type capture struct {
	logs   syncbuf.Buffer
	mu     sync.Mutex
	errors []string
}

func (c *capture) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&c.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (c *capture) err(err error) {
	if err == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errors = append(c.errors, err.Error(), fmt.Sprintf("%v", err))
}

// teeServer records what the server sent (for PII) and the signatures it
// received (for secrets).
func teeServer(n *needles, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sig := r.Header.Get("X-Cf-Signature"); sig != "" {
			n.add("signature", sig)
		}
		if strings.HasSuffix(r.URL.Path, "/user/data-availability") {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			harvestPII(n, body)
		}
		tw := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		harvestPII(n, tw.body.Bytes())
	})
}

type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type leakFigures struct {
	Calls        int            `json:"calls"`
	LogLines     int            `json:"log_lines_scanned"`
	ErrorStrings int            `json:"error_strings_scanned"`
	Needles      map[string]int `json:"needles_by_kind"`
	NeedleTotal  int            `json:"needles"`
	Hits         int            `json:"hits"`
}

// TestLeaks_logsAndErrors runs the five operations (and the Wait helpers)
// through normal answers, every error scenario, every fault, wrong
// credentials, every fixture of contract_test/testdata and hostile error
// bodies full of personal data, with debug logging on, and scans every log
// line (the client's and the mock's) and every error string for the
// secret, the tokens, the signatures sent and every personal value the
// servers sent or the fixtures hold: there must be none.
func TestLeaks_logsAndErrors(t *testing.T) {
	t.Parallel()
	var n needles
	var capt capture
	var mockLogs syncbuf.Buffer
	calls := 0

	tokens := []string{testToken, "expired_" + testToken, "denied_" + testToken, "invalid_" + testToken, "unknown_" + testToken,
		"partial_" + testToken, "nobalance_" + testToken, "flaky_" + testToken, "reset_" + testToken, "gateway_" + testToken}
	for _, tok := range tokens {
		n.add("token", tok)
	}
	wrongSecret := "cfsk_ma_rel_WRONGSECRET_0c1d2e3f"
	n.add("secret", relSecret)
	n.add("secret", wrongSecret)

	// The mock, with the signature required and its own logs captured.
	h, err := mock.NewHandler(mock.WithCredentials(relClientID, relSecret), mock.WithSignatureKey(signingKey(t)),
		mock.WithLogger(slog.New(slog.NewJSONHandler(&mockLogs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		mock.WithSeed(3), mock.WithPolls(1),
		mock.WithFaults(mock.Fault{Kind: mock.FaultStatus, Status: 502, HTML: true, IDPrefix: "html_", Times: 4, PerID: true},
			mock.Fault{Kind: mock.FaultTruncate, IDPrefix: "cut_", Times: 4, PerID: true}))
	require.NoError(t, err)
	srv := httptest.NewServer(teeServer(&n, h))
	t.Cleanup(func() { h.Close(); srv.Close() })
	newC := func(secret string, opts ...client.Option) *client.Client {
		c, err := client.New(append([]client.Option{client.WithBaseURL(srv.URL + mock.BasePath),
			client.WithCredentials(relClientID, secret), client.WithPublicKeyPEM(publicPEM(t)),
			client.WithLogger(capt.logger()), client.WithAttemptTimeout(5 * time.Second),
			client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 2 * time.Second})},
			opts...)...)
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		capt.mu.Lock()
		capt.errors = append(capt.errors, c.String(), fmt.Sprintf("%v %+v %#v", c, c, c))
		capt.mu.Unlock()
		return c
	}
	c := newC(relSecret)
	ctx := t.Context()
	poll := client.PollOptions{Interval: time.Millisecond}

	prefixes := []string{"", "instant_", "expired_", "denied_", "partial_", "empty_", "unknown_", "nobalance_", "blocked_",
		"flaky_", "ratelimited_", "reset_", "truncated_", "gateway_", "html_", "cut_"}
	for i, p := range prefixes {
		id := fmt.Sprintf("%sleak-%d", p, i)
		calls += 5
		_, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: id, Mobile: "9811122233"})
		capt.err(err)
		_, err = c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: id, Mobile: "9811122233"}) // 409
		capt.err(err)
		_, err = c.UserDetails(ctx, p+testToken)
		capt.err(err)
		// Every Wait is bounded: a scenario that never ends ends with its context.
		wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		_, err = c.WaitDigiLocker(wctx, client.ByVerificationID(id), poll)
		capt.err(err)
		_, err = c.WaitConsent(wctx, client.ByVerificationID(id), poll)
		capt.err(err)
		_, err = c.WaitFinancialInformation(wctx, client.ByVerificationID(id), poll)
		capt.err(err)
		cancel()
	}
	n.add("pii:mobile", "9811122233")
	// Wrong credentials, and a context that ends mid-call.
	bad := newC(wrongSecret)
	for _, oc := range allOps {
		calls++
		_, err := oc.call(ctx, bad)
		capt.err(err)
		short, cancel := context.WithTimeout(ctx, time.Microsecond)
		_, err = oc.call(short, c)
		cancel()
		capt.err(err)
	}

	// Every fixture, served for its operation and status, and hostile
	// bodies: personal data in error messages, in HTML pages, in bodies of
	// the wrong shape.
	fixtures := loadFixtures(t)
	hostile := []fixture{
		{op: "*", status: 400, body: `{"type":"validation_error","code":"mobile_invalid","message":"mobile 9876501234 / +91 98765 01234 is not registered for asha.testkumar@example.in, PAN ZZZPZ1234Z, Aadhaar 2345 6789 0123, account 00112233445566, born 14-08-1990 (1990-08-14)"}`},
		{op: "*", status: 502, contentType: "text/html", body: `<html><body>upstream error for 9876501234 asha.testkumar@example.in</body></html>`},
		{op: "*", status: 200, body: `{"status":{"name":"Asha Testkumar","mobile":"9876501234"},"verification_id":["ZZZPZ1234Z"],"consent_verification_id":{"email":"asha.testkumar@example.in"},"fi_verification_id":9876501234,"available_scopes":"asha.testkumar@example.in","scopes":"9876501234"}`},
		{op: "*", status: 200, body: `{"status":"Asha Testkumar 9876501234 asha.testkumar@example.in`},
		{op: "*", status: 200, body: `{"user_details":{"name":"Asha Testkumar","name":"Asha Other","mobile":"9876501234"},"status":"PENDING","scopes":[{"scope":"NAME","records":[{"metadata":{"name":"Asha Testkumar","name":"X"}}]}],"available_scopes":[{"x":"9876501234","x":1}],"fi_data":[{"accounts":[{"data":{"profile":{"holders":{"holder":[{"name":"Asha Testkumar","name":"y"}]}}}}]}],"consent_type":[],"consent_status":"\xff 9876501234"}`},
	}
	for _, v := range []string{"9876501234", "asha.testkumar@example.in", "ZZZPZ1234Z", "2345 6789 0123", "00112233445566", "14-08-1990", "1990-08-14", "Asha Testkumar", "98765 01234"} {
		n.add("pii:hostile", v)
	}
	var mu sync.Mutex
	var current fixture
	fixSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f := current
		mu.Unlock()
		ct := f.contentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("X-Request-Id", "fixture-req-1")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.body)
	}))
	t.Cleanup(fixSrv.Close)
	fc, err := client.New(client.WithBaseURL(fixSrv.URL+"/verification"), client.WithCredentials(relClientID, relSecret),
		client.WithPublicKeyPEM(publicPEM(t)), client.WithLogger(capt.logger()), client.WithRetryPolicy(client.RetryPolicy{}))
	require.NoError(t, err)
	t.Cleanup(fc.CloseIdleConnections)
	for _, f := range append(fixtures, hostile...) {
		harvestPII(&n, []byte(f.body))
		mu.Lock()
		current = f
		mu.Unlock()
		for _, oc := range allOps {
			if f.op != "*" && f.op != oc.name {
				continue
			}
			calls++
			_, err := oc.call(ctx, fc)
			capt.err(err)
		}
	}

	logLines := append(lines(capt.logs.String()), lines(mockLogs.String())...)
	capt.mu.Lock()
	errs := append([]string(nil), capt.errors...)
	capt.mu.Unlock()
	hits := n.scan(append(append([]string(nil), logLines...), errs...))
	fig := leakFigures{Calls: calls, LogLines: len(logLines), ErrorStrings: len(errs), Needles: n.count(), Hits: len(hits)}
	for _, v := range fig.Needles {
		fig.NeedleTotal += v
	}
	report(t, fig)
	assert.Empty(t, hits, "secrets or personal data in logs or errors")
	assert.NotZero(t, fig.Needles["signature"], "signatures were sent and scanned for")
	assert.Greater(t, fig.LogLines, 100)
	assert.Zero(t, len(h.Violations()), "mock self-check")
}

// fixture is a response body to serve for an operation ("*": all) and status.
type fixture struct {
	op          string
	status      int
	contentType string
	body        string
}

// loadFixtures reads contract_test/testdata/index.json and its files.
func loadFixtures(t *testing.T) []fixture {
	dir := filepath.Join("..", "contract_test", "testdata")
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	require.NoError(t, err)
	var index struct {
		Fixtures []struct {
			File      string `json:"file"`
			Operation string `json:"operation"`
			Status    int    `json:"status"`
		} `json:"fixtures"`
	}
	require.NoError(t, json.Unmarshal(data, &index))
	var out []fixture
	for _, f := range index.Fixtures {
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.File)))
		require.NoError(t, err)
		out = append(out, fixture{op: f.Operation, status: f.Status, body: string(body)})
	}
	require.NotEmpty(t, out)
	return out
}

func TestContainsNeedle_digitsStandAsAWholeNumber(t *testing.T) {
	for _, c := range []struct {
		text, needle string
		want         bool
	}{
		{`"latency":1000012345`, "100001", false},
		{`"latency":2100001`, "100001", false},
		{`"pincode":"100001"`, "100001", true},
		{`pin 100001, town`, "100001", true},
		{`100001`, "100001", true},
		{`x21000012 and 100001`, "100001", true},
		{`token abc_tok_123456xyz`, "tok_123456", true},
	} {
		if got := containsNeedle(c.text, c.needle); got != c.want {
			t.Errorf("containsNeedle(%q, %q) = %v, want %v", c.text, c.needle, got, c.want)
		}
	}
}
