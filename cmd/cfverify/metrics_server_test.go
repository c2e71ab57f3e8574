package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/webhook"
)

// Each server command's /metrics is scraped after known traffic and read
// with Prometheus' own text parser; the counts must equal what was sent.

// server is a server command run through run(...) on free loopback ports.
type server struct {
	t       *testing.T
	out     *syncbuf.Buffer // stdout and stderr together
	metrics string          // http://host:port
	stop    func() int
}

var metricsRE = regexp.MustCompile(`metrics: (http://127\.0\.0\.1:\d+)/metrics`)

func startServer(t *testing.T, env map[string]string, ready *regexp.Regexp, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out := &syncbuf.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(args, "--metrics-addr", "127.0.0.1:0"), func(k string) string { return env[k] }, out, out)
	}()
	require.Eventually(t, func() bool { return ready.MatchString(out.String()) && metricsRE.MatchString(out.String()) },
		5*time.Second, 5*time.Millisecond, out.String())
	s := &server{t: t, out: out, metrics: metricsRE.FindStringSubmatch(out.String())[1]}
	s.stop = func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(15 * time.Second):
			t.Fatal("the server did not stop")
			return -1
		}
	}
	t.Cleanup(cancel)
	return s
}

// scrape reads /metrics with Prometheus' text parser.
func (s *server) scrape() map[string]*dto.MetricFamily {
	s.t.Helper()
	resp, err := http.Get(s.metrics + "/metrics")
	require.NoError(s.t, err)
	defer resp.Body.Close()
	require.Equal(s.t, http.StatusOK, resp.StatusCode)
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(s.t, err)
	return families
}

// value is the value of the family's series with exactly these labels (0
// when there is none).
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f := families[name]
	if f == nil {
		return 0
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if len(got) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			match = match && got[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

// total sums every series of a counter family.
func total(families map[string]*dto.MetricFamily, name string) float64 {
	n := 0.0
	if f := families[name]; f != nil {
		for _, m := range f.GetMetric() {
			n += m.GetCounter().GetValue()
		}
	}
	return n
}

func getWith(t *testing.T, url string, header map[string]string) int {
	t.Helper()
	return send(t, http.MethodGet, url, header, "")
}

func postJSON(t *testing.T, url string, header map[string]string, body string) int {
	t.Helper()
	return send(t, http.MethodPost, url, header, body)
}

// send makes one request (a body is sent as JSON) and returns the status.
func send(t *testing.T, method, url string, header map[string]string, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var mockCreds = map[string]string{"x-client-id": mock.DefaultClientID, "x-client-secret": mock.DefaultClientSecret, "x-api-version": "2024-12-01"}

func TestMockCommand_metricsCountWhatWasSent(t *testing.T) {
	t.Parallel()
	serving := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/verification)`)
	s := startServer(t, nil, serving, "mock", "--addr", "127.0.0.1:0", "--fault", "kind=status,status=503,ids=broken-1", "--max-records", "2")
	base := serving.FindStringSubmatch(s.out.String())[1]

	for range 3 {
		require.Equal(t, 200, getWith(t, base+"/digilocker?verification_id=metrics-1", mockCreds))
	}
	require.Equal(t, 503, getWith(t, base+"/digilocker?verification_id=broken-1", mockCreds))
	require.Equal(t, 401, getWith(t, base+"/digilocker?verification_id=metrics-1",
		map[string]string{"x-client-id": mock.DefaultClientID, "x-client-secret": "wrong", "x-api-version": "2024-12-01"}))
	for _, id := range []string{"da-1", "da-2"} {
		require.Equal(t, 200, postJSON(t, base+"/user/data-availability", mockCreds,
			`{"verification_id":"`+id+`","user":[{"identifier_type":"MOBILE","identifier_value":"9876543210"}]}`))
	}

	f := s.scrape()
	dl := "getDigiLockerStatus"
	assert.Equal(t, 3.0, value(f, "cfverify_mock_requests_total", map[string]string{"operation": dl, "code": "200"}))
	assert.Equal(t, 1.0, value(f, "cfverify_mock_requests_total", map[string]string{"operation": dl, "code": "503"}))
	assert.Equal(t, 1.0, value(f, "cfverify_mock_requests_total", map[string]string{"operation": dl, "code": "401"}))
	assert.Equal(t, 2.0, value(f, "cfverify_mock_requests_total", map[string]string{"operation": "getDataAvailability", "code": "200"}))
	assert.Equal(t, 7.0, total(f, "cfverify_mock_requests_total"))
	assert.Equal(t, 1.0, value(f, "cfverify_mock_faults_injected_total", map[string]string{"kind": "status"}))
	assert.Equal(t, 0.0, value(f, "cfverify_mock_self_check_failures_total", map[string]string{}))
	assert.Equal(t, 2.0, value(f, "cfverify_mock_records", map[string]string{}), "--max-records 2 of 3 records made")
	assert.Equal(t, 1.0, value(f, "cfverify_mock_records_expired_total", map[string]string{}))
	assert.NotNil(t, f["process_resident_memory_bytes"], "the process collector")
	assert.Equal(t, 200, getWith(t, s.metrics+"/healthz", nil))

	require.Equal(t, 0, s.stop(), s.out.String())
}

func TestProxyCommand_metricsCountWhatWasSent(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("verification_id") {
		case "bad":
			_, _ = w.Write([]byte(`{"verification_id":"bad","reference_id":1,"status":42}`))
		default:
			_, _ = w.Write([]byte(`{"verification_id":"good","reference_id":1,"status":"PENDING","user_details":{},"document_requested":["AADHAAR"]}`))
		}
	}))
	t.Cleanup(upstream.Close)
	listening := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	s := startServer(t, nil, listening, "proxy", "--addr", "127.0.0.1:0", "--upstream", upstream.URL, "--max-request-bytes", "64")
	base := listening.FindStringSubmatch(s.out.String())[1]

	for range 3 {
		require.Equal(t, 200, getWith(t, base+"/verification/digilocker?verification_id=good", mockCreds))
	}
	require.Equal(t, 200, getWith(t, base+"/verification/digilocker?verification_id=bad", mockCreds))
	require.Equal(t, 200, getWith(t, base+"/not/in/the/spec", nil))
	require.Equal(t, 413, postJSON(t, base+"/verification/user/data-availability", mockCreds, strings.Repeat(" ", 100)))

	var f map[string]*dto.MetricFamily
	require.Eventually(t, func() bool { // checks run after the answer
		f = s.scrape()
		return total(f, "cfverify_proxy_exchanges_total") == 6
	}, 5*time.Second, 10*time.Millisecond)
	dl := "getDigiLockerStatus"
	assert.Equal(t, 3.0, value(f, "cfverify_proxy_exchanges_total", map[string]string{"operation": dl, "verdict": "ok"}), s.out.String())
	assert.Equal(t, 1.0, value(f, "cfverify_proxy_exchanges_total", map[string]string{"operation": dl, "verdict": "broke_spec"}))
	assert.Equal(t, 1.0, value(f, "cfverify_proxy_exchanges_total", map[string]string{"operation": "unmatched", "verdict": "skipped"}))
	assert.Equal(t, 1.0, value(f, "cfverify_proxy_exchanges_total", map[string]string{"operation": "getDataAvailability", "verdict": "proxy_fault"}))
	assert.Equal(t, 4.0, value(f, "cfverify_proxy_added_latency_seconds", map[string]string{"operation": dl}), "one observation per answered exchange")
	assert.Equal(t, 200, getWith(t, s.metrics+"/healthz", nil))

	assert.Equal(t, exitBroke, s.stop(), "an exchange broke the spec")
}

func TestWebhookListen_metricsCountWhatWasSent(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}
	receiving := regexp.MustCompile(`receiving at (http://127\.0\.0\.1:\d+)/`)
	s := startServer(t, env, receiving, "webhook", "listen", "--addr", "127.0.0.1:0")
	url := receiving.FindStringSubmatch(s.out.String())[1]
	now := time.Now()
	other := bytes.Replace(hookBody, []byte("a12bc34def56789"), []byte("z98"), 1)
	require.Equal(t, 200, post(t, url, hookBody, cliSecret, now, "application/json"))
	require.Equal(t, 200, post(t, url, other, cliSecret, now, "application/json"))
	require.Equal(t, 200, post(t, url, hookBody, cliSecret, now.Add(time.Second), "application/json"), "a duplicate")
	require.Equal(t, 401, post(t, url, hookBody, "forger", now, "application/json"))
	require.Equal(t, 401, post(t, url, hookBody, "forger", now, "application/json"))
	require.Equal(t, 415, post(t, url, hookBody, cliSecret, now, "text/plain"))
	require.Equal(t, 400, post(t, url, []byte(`{"event_type":"AA_FI_VERIFICATION_ACTIVE"}`), cliSecret, now, "application/json"))

	f := s.scrape()
	name := "cfverify_webhook_deliveries_total"
	consent := string(webhook.ConsentVerificationSuccess)
	assert.Equal(t, 2.0, value(f, name, map[string]string{"outcome": "handled", "reason": "", "event_type": consent}))
	assert.Equal(t, 1.0, value(f, name, map[string]string{"outcome": "duplicate", "reason": "", "event_type": consent}))
	assert.Equal(t, 2.0, value(f, name, map[string]string{"outcome": "rejected", "reason": "unauthorized", "event_type": "none"}))
	assert.Equal(t, 1.0, value(f, name, map[string]string{"outcome": "rejected", "reason": "unsupported_media_type", "event_type": "none"}))
	assert.Equal(t, 1.0, value(f, name, map[string]string{"outcome": "rejected", "reason": "malformed", "event_type": "none"}))
	assert.Equal(t, 7.0, total(f, name))
	assert.Equal(t, 200, getWith(t, s.metrics+"/healthz", nil))
	require.Equal(t, 0, s.stop(), s.out.String())
}
