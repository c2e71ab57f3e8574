package contractcheck

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

// Credentials and personal data that must never reach a report.
const (
	testSecret    = "cfsk_ma_test_7Hq2pLzX9vWbN4kR"
	testToken     = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXVzZXItdG9rZW4.Zm9vYmFy"
	testSignature = "c2lnbmF0dXJlLW9mLXRoZS1tZXJjaGFudC1hbmQtdGltZXN0YW1wLTE3MDAwMDAwMDA="
	testMobile    = "9876501234"
	testName      = "Ramesh Kumar Verma"
)

// validDigiLocker is a getDigiLockerStatus 200 body that holds to the spec.
const validDigiLocker = `{"user_details":{"name":"John Doe","dob":"02-02-1995","gender":"M","eaadhaar":"Y","mobile":"9999999999"},` +
	`"status":"AUTHENTICATED","document_requested":["AADHAAR","PAN"],"document_consent":["AADHAAR"],"verification_id":"ABC00123","reference_id":12345}`

// apiHeaders are the headers a well-behaved client sends with a status lookup.
func apiHeaders() http.Header {
	return http.Header{
		"X-Client-Id":     {"cf_test_client"},
		"X-Client-Secret": {testSecret},
		"X-Api-Version":   {"2024-12-01"},
		"X-Cf-Signature":  {testSignature},
	}
}

// seen is one request as the upstream received it.
type seen struct {
	method, requestURI, host string
	header                   http.Header
	body                     []byte
}

// fakeUpstream answers every request with the same canned answer and
// records what it received.
type fakeUpstream struct {
	mu       sync.Mutex
	requests []seen
	status   int
	header   http.Header
	body     []byte
}

func (f *fakeUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, seen{r.Method, r.RequestURI, r.Host, r.Header.Clone(), body})
	f.mu.Unlock()
	for k, v := range f.header {
		w.Header()[k] = v
	}
	w.WriteHeader(f.status)
	_, _ = w.Write(f.body)
}

func (f *fakeUpstream) received() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.requests...)
}

// startProxy serves a Proxy in front of upstream on loopback.
func startProxy(t *testing.T, upstream string, strict bool, tune func(*ProxyConfig)) (*httptest.Server, *Recorder, *bytes.Buffer) {
	t.Helper()
	u, err := url.Parse(upstream)
	require.NoError(t, err)
	checker, err := NewChecker(nil, strict)
	require.NoError(t, err)
	var report bytes.Buffer
	rec := NewRecorder(&lockedBuffer{b: &report})
	transport := NewUpstreamTransport()
	cfg := ProxyConfig{Upstream: u, Checker: checker, Recorder: rec, Transport: transport}
	if tune != nil {
		tune(&cfg)
	}
	p, err := NewProxy(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.Close()
		transport.CloseIdleConnections()
	})
	return srv, rec, &report
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// noDecompression is a client that hands back bodies exactly as they arrive.
func noDecompression(t *testing.T) *http.Client {
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// getDigiLocker sends a DigiLocker status call through the proxy at base,
// with the API's headers, and returns the answer as the client sees it.
func getDigiLocker(ctx context.Context, t *testing.T, base string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/verification/digilocker?verification_id=ABC00123", nil)
	require.NoError(t, err)
	req.Header = apiHeaders()
	resp, err := noDecompression(t).Do(req)
	require.NoError(t, err)
	return resp
}

// waitResults waits for n results: the proxy records after it answers.
func waitResults(t *testing.T, rec *Recorder, n int) []Result {
	t.Helper()
	require.Eventually(t, func() bool { return len(rec.Results()) >= n }, 5*time.Second, 2*time.Millisecond)
	return rec.Results()
}

func TestProxy_forwardsByteForByte(t *testing.T) {
	t.Parallel()
	gz := gzipped(t, []byte(validDigiLocker))
	cases := []struct {
		name   string
		method string
		target string // path and query, as the client sends them
		reqHdr http.Header
		body   string
		status int
		header http.Header
		answer []byte
	}{
		{"success JSON", "GET", "/verification/digilocker?verification_id=ABC00123&x=%2Fa%20b", apiHeaders(), "",
			200, http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-1"}}, []byte(validDigiLocker)},
		{"error JSON 404", "GET", "/verification/aa/consent?consent_verification_id=nope", apiHeaders(), "",
			404, http.Header{"Content-Type": {"application/json"}}, []byte(`{"type":"not_found_error","code":"verification_id_not_found","message":"Verification not found"}`)},
		{"gateway HTML 502", "GET", "/verification/aa/fi?fi_verification_id=fi-1", apiHeaders(), "",
			502, http.Header{"Content-Type": {"text/html"}, "Server": {"awselb/2.0"}}, []byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>bad gateway</body>\r\n</html>\r\n")},
		{"POST with body and 409", "POST", "/verification/user/data-availability", mergeHeaders(apiHeaders(), http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": {"k-1"}}),
			`{"verification_id":"dup-1","mobile":"9999999999"}`,
			409, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"3"}}, []byte(`{"type":"validation_error","code":"verification_id_already_exists","message":"Verification ID already exists"}`)},
		{"gzip body passes compressed", "GET", "/verification/digilocker?verification_id=ABC00123", mergeHeaders(apiHeaders(), http.Header{"Accept-Encoding": {"gzip"}}), "",
			200, http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}, gz},
		{"redirect is not followed", "GET", "/verification/digilocker?verification_id=ABC00123", apiHeaders(), "",
			302, http.Header{"Location": {"https://elsewhere.example/x"}}, nil},
		{"unknown path", "DELETE", "/somewhere/else", http.Header{"X-Anything": {"1"}}, "",
			418, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, []byte("teapot")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := &fakeUpstream{status: tc.status, header: tc.header, body: tc.answer}
			upSrv := httptest.NewServer(up)
			t.Cleanup(upSrv.Close)
			proxy, rec, _ := startProxy(t, upSrv.URL, false, nil)

			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tc.method, proxy.URL+tc.target, body)
			require.NoError(t, err)
			req.Header = mergeHeaders(tc.reqHdr, http.Header{"User-Agent": {"node-fetch-test/1.0"}})
			resp, err := noDecompression(t).Do(req)
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			resp.Body.Close()

			// The answer, unchanged.
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, string(tc.answer), string(got), "body byte for byte")
			assert.Equal(t, int64(len(tc.answer)), resp.ContentLength, "Content-Length kept, not turned into chunks")
			for k, v := range tc.header {
				assert.Equal(t, v, resp.Header[k], "response header %s", k)
			}
			assert.Empty(t, resp.Header.Get("X-Cfverify-Proxy"), "a forwarded answer is not marked as the proxy's")

			// The request, unchanged, sent once.
			reqs := up.received()
			require.Len(t, reqs, 1)
			assert.Equal(t, tc.method, reqs[0].method)
			assert.Equal(t, tc.target, reqs[0].requestURI, "path and query as sent")
			assert.Equal(t, tc.body, string(reqs[0].body))
			assert.Equal(t, strings.TrimPrefix(upSrv.URL, "http://"), reqs[0].host)
			for k, v := range req.Header {
				assert.Equal(t, v, reqs[0].header[k], "request header %s", k)
			}
			for k := range reqs[0].header {
				if k == "Content-Length" { // framing: the wire's, not a header the client set
					continue
				}
				assert.Contains(t, req.Header, k, "the proxy added header %s", k)
			}

			results := waitResults(t, rec, 1)
			assert.Empty(t, results[0].ProxyFault)
		})
	}
}

func mergeHeaders(hs ...http.Header) http.Header {
	out := http.Header{}
	for _, h := range hs {
		for k, v := range h {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

func gzipped(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestProxy_noAcceptEncodingAdded(t *testing.T) {
	t.Parallel()
	up := &fakeUpstream{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(validDigiLocker)}
	upSrv := httptest.NewServer(up)
	t.Cleanup(upSrv.Close)
	proxy, _, _ := startProxy(t, upSrv.URL, false, nil)
	req, err := http.NewRequestWithContext(t.Context(), "GET", proxy.URL+"/verification/digilocker?verification_id=ABC00123", nil)
	require.NoError(t, err)
	req.Header = apiHeaders()
	req.Header["User-Agent"] = []string{""} // the client sends none
	resp, err := noDecompression(t).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	reqs := up.received()
	require.Len(t, reqs, 1)
	assert.Empty(t, reqs[0].header.Values("Accept-Encoding"), "Go's transport must not ask for gzip on the client's behalf")
	assert.Empty(t, reqs[0].header.Values("User-Agent"), "nor add its own User-Agent")
	assert.Empty(t, reqs[0].header.Values("X-Forwarded-For"))
}

// dropSecondRequest is an upstream that answers the first request on a
// connection and closes the connection on reading the second, without an
// answer: the case where http.Transport would send a replayable request
// again on a new connection.
func dropSecondRequest(t *testing.T) (addr string, count *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	count = &atomic.Int64{}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				br := bufio.NewReader(conn)
				for n := 0; ; n++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, req.Body)
					count.Add(1)
					if n > 0 {
						return // read, never answered
					}
					_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+
						strconv.Itoa(len(validDigiLocker))+"\r\n\r\n"+validDigiLocker)
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String(), count
}

func TestProxy_neverSendsARequestTwice(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			upstream, count := dropSecondRequest(t)
			proxy, rec, _ := startProxy(t, upstream, false, nil)
			client := noDecompression(t)
			send := func() *http.Response {
				var body io.Reader
				path := "/verification/digilocker?verification_id=ABC00123"
				if method == "POST" {
					body, path = strings.NewReader(`{"verification_id":"v-1","mobile":"9999999999"}`), "/verification/user/data-availability"
				}
				req, err := http.NewRequestWithContext(t.Context(), method, proxy.URL+path, body)
				require.NoError(t, err)
				req.Header = apiHeaders()
				resp, err := client.Do(req)
				require.NoError(t, err)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp
			}
			assert.Equal(t, 200, send().StatusCode)
			second := send() // goes out on the kept-alive connection, which the upstream drops
			assert.Equal(t, http.StatusBadGateway, second.StatusCode)
			assert.Equal(t, "fault", second.Header.Get("X-Cfverify-Proxy"))
			results := waitResults(t, rec, 2)
			time.Sleep(50 * time.Millisecond) // a retry, if any, would land now
			assert.Equal(t, int64(2), count.Load(), "the upstream received each request exactly once")
			faults := 0
			for _, r := range results {
				if r.ProxyFault != "" {
					faults++
					assert.False(t, r.Broke)
				}
			}
			assert.Equal(t, 1, faults, "the dropped request is a proxy fault")
		})
	}
}

func TestProxy_upstreamDownIsAProxyFault(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	proxy, rec, report := startProxy(t, "http://"+addr, false, nil)

	resp := getDigiLocker(t.Context(), t, proxy.URL)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var body ProxyErrorBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "proxy_error", body.Type)
	assert.Equal(t, "upstream_unreachable", body.Code)
	assert.Contains(t, body.Message, "cfverify proxy")
	assert.Contains(t, body.Message, addr)

	r := waitResults(t, rec, 1)[0]
	assert.Equal(t, "getDigiLockerStatus", r.Operation)
	assert.Contains(t, r.ProxyFault, "did not answer")
	assert.False(t, r.Broke)
	assert.Empty(t, r.Violations)
	all, _ := Summarize(rec.Results())
	assert.Equal(t, Totals{Faults: 1}, all, "a fault is counted as a fault, not as a checked exchange")
	assert.Contains(t, report.String(), `"proxy_fault":"cfverify proxy: the upstream`)
}

func TestProxy_upstreamTimeoutIs504(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	upSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); upSrv.Close() })
	proxy, rec, _ := startProxy(t, upSrv.URL, false, func(c *ProxyConfig) { c.Timeout = 50 * time.Millisecond })
	resp, err := noDecompression(t).Get(proxy.URL + "/verification/aa/fi?fi_verification_id=x")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusGatewayTimeout, resp.StatusCode)
	assert.Contains(t, waitResults(t, rec, 1)[0].ProxyFault, "did not answer within 50ms")
}

func TestProxy_requestTooLargeIs413(t *testing.T) {
	t.Parallel()
	up := &fakeUpstream{status: 200}
	upSrv := httptest.NewServer(up)
	t.Cleanup(upSrv.Close)
	proxy, rec, _ := startProxy(t, upSrv.URL, false, func(c *ProxyConfig) { c.MaxRequestBytes = 64 })
	big := strings.Repeat("x", 65)
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(big)
		if chunked {
			body = io.MultiReader(strings.NewReader(big)) // unknown length: sent chunked
		}
		req, err := http.NewRequestWithContext(t.Context(), "POST", proxy.URL+"/verification/user/data-availability", body)
		require.NoError(t, err)
		resp, err := noDecompression(t).Do(req)
		require.NoError(t, err)
		var pe ProxyErrorBody
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&pe))
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "chunked=%v", chunked)
		assert.Equal(t, "request_too_large", pe.Code)
		assert.Contains(t, pe.Message, "64 bytes")
	}
	assert.Empty(t, up.received(), "nothing was forwarded")
	results := waitResults(t, rec, 2)
	for _, r := range results {
		assert.Equal(t, "getDataAvailability", r.Operation)
		assert.NotEmpty(t, r.ProxyFault)
	}
	// Exactly at the limit is forwarded.
	req, err := http.NewRequestWithContext(t.Context(), "POST", proxy.URL+"/verification/user/data-availability", strings.NewReader(big[:64]))
	require.NoError(t, err)
	resp, err := noDecompression(t).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Len(t, up.received(), 1)
}

func TestProxy_responseOverTheCapIsForwardedUnchecked(t *testing.T) {
	t.Parallel()
	big := `{"status":"AUTHENTICATED","padding":"` + strings.Repeat("x", 4096) + `"}`
	up := &fakeUpstream{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(big)}
	upSrv := httptest.NewServer(up)
	t.Cleanup(upSrv.Close)
	proxy, rec, _ := startProxy(t, upSrv.URL, false, func(c *ProxyConfig) { c.MaxResponseBytes = 1024 })
	resp := getDigiLocker(t.Context(), t, proxy.URL)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, big, string(got), "forwarded whole")
	r := waitResults(t, rec, 1)[0]
	assert.Contains(t, r.Unchecked, "over the proxy's limit of 1024 bytes")
	assert.Empty(t, r.Violations)
}

func TestProxy_truncatedUpstreamBody(t *testing.T) {
	t.Parallel()
	upSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "500")
		_, _ = io.WriteString(w, `{"status":"PEN`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}))
	t.Cleanup(upSrv.Close)
	proxy, rec, _ := startProxy(t, upSrv.URL, false, nil)
	resp := getDigiLocker(t.Context(), t, proxy.URL)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Error(t, err, "the client sees the body end early, as it would without the proxy")
	assert.Equal(t, `{"status":"PEN`, string(got))
	r := waitResults(t, rec, 1)[0]
	assert.Contains(t, r.Unchecked, "ended early")
	assert.False(t, r.Broke)
}

func TestProxy_checksAgainstTheSpec(t *testing.T) {
	t.Parallel()
	const drifting = `{"status":"AUTHENTICATED","verification_id":"ABC00123","reference_id":1,"brand_new_field":"` + testName + `"}`
	const broken = `{"status":12,"verification_id":"` + testMobile + `","reference_id":{"name":"` + testName + `"}}`
	cases := []struct {
		name       string
		body       string
		strict     bool
		broke      bool
		violations []string // JSON paths
		drift      int      // -1: any
	}{
		{"valid", validDigiLocker, false, false, nil, 0},
		{"drift is a warning", drifting, false, false, nil, 1},
		{"drift breaks under strict", drifting, true, true, nil, 1},
		{"broken body", broken, false, true, []string{"$.status", "$.reference_id"}, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := &fakeUpstream{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(tc.body)}
			upSrv := httptest.NewServer(up)
			t.Cleanup(upSrv.Close)
			proxy, rec, report := startProxy(t, upSrv.URL, tc.strict, nil)
			resp := getDigiLocker(t.Context(), t, proxy.URL)
			resp.Body.Close()
			r := waitResults(t, rec, 1)[0]
			assert.Equal(t, tc.broke, r.Broke)
			if tc.drift >= 0 {
				assert.Len(t, r.Drift, tc.drift)
			}
			var paths []string
			for _, v := range r.Violations {
				paths = append(paths, v.Path)
			}
			for _, p := range tc.violations {
				assert.Contains(t, paths, p)
			}
			if tc.violations == nil {
				assert.Empty(t, r.Violations)
			}
			assert.NotContains(t, report.String(), testMobile)
			assert.NotContains(t, report.String(), testName)
		})
	}
}

// TestProxy_inFrontOfTheMock runs every operation of a client through the
// proxy to the mock: nothing breaks the spec, and statuses and bodies are
// those of the mock.
func TestProxy_inFrontOfTheMock(t *testing.T) {
	t.Parallel()
	m, err := mock.New()
	require.NoError(t, err)
	t.Cleanup(m.Close)
	proxy, rec, report := startProxy(t, m.RootURL(), true, nil)
	c := noDecompression(t)
	calls := []struct{ method, path, body string }{
		{"POST", "/verification/user/data-availability", `{"verification_id":"proxy-1","user":[{"identifier_type":"MOBILE","identifier_value":"` + testMobile + `"}]}`},
		{"POST", "/verification/user/data-availability", `{"verification_id":"proxy-1","user":[{"identifier_type":"MOBILE","identifier_value":"` + testMobile + `"}]}`}, // 409
		{"GET", "/verification/oauth2/user-details", ""},
		{"GET", "/verification/digilocker?verification_id=kyc-1", ""},
		{"GET", "/verification/digilocker?verification_id=unknown_kyc", ""}, // 404
		{"GET", "/verification/aa/consent?consent_verification_id=consent-1", ""},
		{"GET", "/verification/aa/fi?fi_verification_id=fi-1", ""},
	}
	for _, call := range calls {
		var body io.Reader
		if call.body != "" {
			body = strings.NewReader(call.body)
		}
		req, err := http.NewRequestWithContext(t.Context(), call.method, proxy.URL+call.path, body)
		require.NoError(t, err)
		req.Header = apiHeaders()
		req.Header.Set("X-Client-Secret", mock.DefaultClientSecret)
		if call.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if strings.Contains(call.path, "oauth2") {
			req.Header = http.Header{"Authorization": {"Bearer " + testToken}, "X-Api-Version": {"2024-12-01"}}
		}
		resp, err := c.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	results := waitResults(t, rec, len(calls))
	// Checks run after each answer, in parallel: the order of arrival is by start time.
	slices.SortFunc(results, func(a, b Result) int { return a.Time.Compare(b.Time) })
	statuses := []int{}
	for _, r := range results {
		statuses = append(statuses, r.Status)
		assert.False(t, r.Broke, "%s: %v %v", r.Operation, r.Violations, r.Drift)
	}
	assert.Equal(t, []int{200, 409, 200, 200, 404, 200, 200}, statuses)
	all, ops := Summarize(results)
	assert.Equal(t, len(calls), all.Exchanges)
	assert.Len(t, ops, 5)
	for _, secret := range []string{mock.DefaultClientSecret, testToken, testSignature, testMobile} {
		assert.NotContains(t, report.String(), secret)
	}
	assert.Empty(t, m.Violations())
}

// TestProxy_answersBeforeChecking holds the check until the client has read
// its whole answer: the check adds nothing to the client's wait.
func TestProxy_answersBeforeChecking(t *testing.T) {
	t.Parallel()
	up := &fakeUpstream{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(validDigiLocker)}
	upSrv := httptest.NewServer(up)
	t.Cleanup(upSrv.Close)
	gate := make(chan struct{})
	proxy, rec, _ := startProxy(t, upSrv.URL, false, func(c *ProxyConfig) { c.OnResult = func(Result) { <-gate } })
	var open sync.Once
	release := func() { open.Do(func() { close(gate) }) }
	t.Cleanup(release) // before the server closes, which waits for the handler
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	resp := getDigiLocker(ctx, t, proxy.URL)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err, "the answer arrives while the proxy's post-answer work is held")
	assert.Equal(t, validDigiLocker, string(got))
	release()
	assert.False(t, waitResults(t, rec, 1)[0].Broke)
}
