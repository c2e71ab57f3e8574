package mock_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

func TestFaults_latency(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(
		mock.Fault{Kind: mock.FaultLatency, Operation: "digilocker", Latency: 60 * time.Millisecond},
		mock.Fault{Kind: mock.FaultLatency, Operation: "digilocker", Latency: 40 * time.Millisecond},
	))
	c := connect(t, srv)
	began := time.Now()
	a := c.get("/digilocker?verification_id=lat")
	assert.Equal(t, http.StatusOK, a.status, "latency delays, then answers normally")
	assert.GreaterOrEqual(t, time.Since(began), 100*time.Millisecond, "latencies add up")
	assert.Equal(t, map[mock.FaultKind]int{mock.FaultLatency: 2}, srv.Stats().Faults)
}

func TestFaults_latencyEndsOnClose(t *testing.T) {
	t.Parallel()
	srv, err := mock.New(mock.WithFaults(mock.Fault{Kind: mock.FaultLatency, Latency: time.Hour}))
	require.NoError(t, err)
	inner := &http.Transport{}
	defer inner.CloseIdleConnections()
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/digilocker?verification_id=x", nil)
		resp, err := (&http.Client{Transport: inner}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool { return srv.Stats().Requests == 1 }, 5*time.Second, time.Millisecond)
	began := time.Now()
	srv.Close()
	assert.Less(t, time.Since(began), 5*time.Second)
	require.Error(t, <-done, "the request was cut off")
}

func TestFaults_rateLimit(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultRateLimit, RetryAfter: 2, Times: 1}))
	c := connect(t, srv)
	a := c.get("/aa/consent?consent_verification_id=rl")
	a.errorIs(t, 429, "rate_limit_error", "too_many_requests_per_operation", "Too many requests for this operation, rate limit reached")
	assert.Equal(t, "2", a.header.Get("Retry-After"))
	assert.Equal(t, http.StatusOK, c.get("/aa/consent?consent_verification_id=rl").status, "Times: 1")
}

func TestFaults_statusJSON(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(
		mock.Fault{Kind: mock.FaultStatus, Status: 500, IDs: []string{"s500"}},
		mock.Fault{Kind: mock.FaultStatus, Status: 502, IDs: []string{"s502"}},
		mock.Fault{Kind: mock.FaultStatus, IDs: []string{"s503"}, RetryAfter: 3}, // 503 is the default
	))
	c := connect(t, srv) // 500 is documented; 502 falls to the default response (the vendor's error body)
	c.get("/aa/fi?fi_verification_id=s500").errorIs(t, 500, "internal_error", "verification_failed", "something went wrong")
	c.get("/aa/fi?fi_verification_id=s502").errorIs(t, 502, "internal_error", "verification_failed", "verification attempt failed")
	p := plain(t, srv) // the spec documents no 503
	a := p.get("/aa/fi?fi_verification_id=s503")
	a.errorIs(t, 503, "internal_error", "service_unavailable", "")
	assert.Equal(t, "3", a.header.Get("Retry-After"))
	assert.Equal(t, "application/json", a.header.Get("Content-Type"))
	assert.Equal(t, 3, srv.Stats().Faults[mock.FaultStatus])
	assert.Equal(t, 1, srv.Stats().Checked, "the 502 and 503 FI does not document are exempt from the self-check; the 500 passes it")
}

func TestFaults_statusHTML(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503} {
		srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultStatus, Status: status, HTML: true}))
		p := plain(t, srv)
		a := p.get("/digilocker?verification_id=html")
		require.NoError(t, a.err)
		assert.Equal(t, status, a.status)
		assert.Equal(t, "text/html", a.header.Get("Content-Type"))
		assert.Contains(t, string(a.body), "<title>"+itoa(int64(status))+" "+http.StatusText(status))
		assert.Equal(t, 0, len(srv.Violations()), "HTML faults are exempt from the self-check")
	}
}

func TestFaults_reset(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultReset, Times: 1}))
	p := plain(t, srv)
	a := p.get("/digilocker?verification_id=rst")
	require.Error(t, a.err)
	assert.True(t, errors.Is(a.err, syscall.ECONNRESET) || errors.Is(a.err, io.EOF), "a reset or an EOF: %v", a.err)
	assert.Equal(t, http.StatusOK, p.get("/digilocker?verification_id=rst").status)
	assert.Equal(t, 1, srv.FaultsInjected())
}

func TestFaults_truncate(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultTruncate, Operation: "fi", Times: 1}))
	p := plain(t, srv)
	a := p.get("/aa/fi?fi_verification_id=trunc")
	assert.Equal(t, http.StatusOK, a.status)
	require.ErrorIs(t, a.err, io.ErrUnexpectedEOF)
	assert.True(t, strings.HasPrefix(string(a.body), `{"consent_verification_id":"consent_trunc"`), "the start of the real answer: %.80s", a.body)
	assert.False(t, json.Valid(a.body))
	full := p.get("/aa/fi?fi_verification_id=trunc")
	require.NoError(t, full.err)
	assert.True(t, json.Valid(full.body))
}

func TestFaults_truncateKeepsTheStatus(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultTruncate, IDPrefix: "unknown_"}))
	p := plain(t, srv)
	a := p.get("/digilocker?verification_id=unknown_t")
	assert.Equal(t, http.StatusNotFound, a.status)
	require.ErrorIs(t, a.err, io.ErrUnexpectedEOF)
}

// pattern returns which of n requests met a fault.
func pattern(t *testing.T, seed uint64, n int) string {
	srv := start(t, mock.WithSeed(seed), mock.WithFaults(mock.Fault{Kind: mock.FaultStatus, Status: 500, Rate: 0.3}))
	c := connect(t, srv)
	var b strings.Builder
	for range n {
		if c.get("/aa/consent?consent_verification_id=rate").status == 500 {
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

func TestFaults_rateIsDeterministicWithASeed(t *testing.T) {
	t.Parallel()
	a, b, other := pattern(t, 7, 60), pattern(t, 7, 60), pattern(t, 8, 60)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.NotEqual(t, a, other, "another seed, other faults")
	n := strings.Count(a, "x")
	assert.True(t, n > 8 && n < 30, "about 30%% of 60: %d (%s)", n, a)
}

func TestFaults_byIDAndOperation(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(
		mock.Fault{Kind: mock.FaultStatus, Status: 500, Operation: mock.OpDigiLockerStatus, IDs: []string{"doomed"}},
		mock.Fault{Kind: mock.FaultStatus, Status: 502, IDPrefix: "bad-"},
	))
	c := connect(t, srv)
	assert.Equal(t, 500, c.get("/digilocker?verification_id=doomed").status)
	assert.Equal(t, 500, c.get("/digilocker?verification_id=doomed").status, "no Times: every time")
	assert.Equal(t, 200, c.get("/aa/consent?consent_verification_id=doomed").status, "another operation")
	assert.Equal(t, 200, c.get("/digilocker?verification_id=fine").status, "another id")
	assert.Equal(t, 502, c.get("/aa/fi?fi_verification_id=bad-1").status)
	assert.Equal(t, 502, c.availability("bad-2", "9988123456").status, "the POST's id is in its body")
	assert.Equal(t, 502, c.userDetails("bad-token").status, "user details: the token")
}

func TestFaults_byReferenceID(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultStatus, Status: 500, IDs: []string{"by-ref"}, Times: 1}))
	c := connect(t, srv)
	ref, err := srv.Create(mock.RecordDigiLocker, "by-ref", "")
	require.NoError(t, err)
	assert.Equal(t, 500, c.get("/digilocker?reference_id="+itoa(ref)).status, "a reference resolves to its id")
}

func TestFaults_timesPerID(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultStatus, Status: 500, IDPrefix: "twice-", Times: 2, PerID: true}))
	c := connect(t, srv)
	for _, id := range []string{"twice-a", "twice-b"} {
		got := []int{}
		for range 3 {
			got = append(got, c.get("/digilocker?verification_id="+id).status)
		}
		assert.Equal(t, []int{500, 500, 200}, got, id)
	}
}

func TestFaults_builtinPrefixes(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	p := plain(t, srv)
	// flaky_: two 503s, then normal.
	assert.Equal(t, []int{503, 503, 200}, []int{
		p.get("/digilocker?verification_id=flaky_1").status,
		p.get("/digilocker?verification_id=flaky_1").status,
		p.get("/digilocker?verification_id=flaky_1").status})
	// ratelimited_: one 429 with Retry-After: 1.
	rl := c.get("/aa/consent?consent_verification_id=ratelimited_1")
	assert.Equal(t, 429, rl.status)
	assert.Equal(t, "1", rl.header.Get("Retry-After"))
	assert.Equal(t, 200, c.get("/aa/consent?consent_verification_id=ratelimited_1").status)
	// reset_: one reset.
	require.Error(t, p.get("/aa/fi?fi_verification_id=reset_1").err)
	assert.Equal(t, 200, p.get("/aa/fi?fi_verification_id=reset_1").status)
	// truncated_: one truncated body.
	require.ErrorIs(t, p.get("/aa/fi?fi_verification_id=truncated_1").err, io.ErrUnexpectedEOF)
	assert.Equal(t, 200, c.get("/aa/fi?fi_verification_id=truncated_1").status)
	// gateway_: one HTML 502.
	gw := p.get("/digilocker?verification_id=gateway_1")
	assert.Equal(t, 502, gw.status)
	assert.Equal(t, "text/html", gw.header.Get("Content-Type"))
	// Fault prefixes come first and stack with scenario prefixes.
	assert.Equal(t, 503, p.get("/digilocker?verification_id=flaky_expired_1").status)
	p.get("/digilocker?verification_id=flaky_expired_1")
	assert.Equal(t, []string{"PENDING", "PENDING", "EXPIRED"}, c.statuses("/digilocker?verification_id=flaky_expired_1", 3))

	assert.Equal(t, map[mock.FaultKind]int{
		mock.FaultStatus: 5, mock.FaultRateLimit: 1, mock.FaultReset: 1, mock.FaultTruncate: 1,
	}, srv.Stats().Faults)
	assert.Equal(t, 8, srv.FaultsInjected())
}

func TestParseFault(t *testing.T) {
	t.Parallel()
	f, err := mock.ParseFault("kind=status,status=502,html=true,op=fi,rate=0.2,times=3,per_id=true,ids=a|b,id_prefix=x-")
	require.NoError(t, err)
	assert.Equal(t, mock.Fault{Kind: mock.FaultStatus, Status: 502, HTML: true, Operation: mock.OpFinancialInformation,
		Rate: 0.2, Times: 3, PerID: true, IDs: []string{"a", "b"}, IDPrefix: "x-"}, f)
	f, err = mock.ParseFault("kind=latency,latency=300ms")
	require.NoError(t, err)
	assert.Equal(t, 300*time.Millisecond, f.Latency)
	f, err = mock.ParseFault("kind=status")
	require.NoError(t, err)
	assert.Equal(t, 503, f.Status, "503 by default")
	f, err = mock.ParseFault("kind=rate_limit,retry_after=2,operation=getUserDetails")
	require.NoError(t, err)
	assert.Equal(t, mock.OpUserDetails, f.Operation)

	for _, bad := range []string{"", "kind=nope", "kind=status,status=404", "kind=latency", "kind=status,rate=2",
		"kind=status,op=nowhere", "kind=status,colour=red", "kind=status,times=x", "kind"} {
		_, err := mock.ParseFault(bad)
		assert.Error(t, err, bad)
	}
}

func TestFault_JSON(t *testing.T) {
	t.Parallel()
	f := mock.Fault{Kind: mock.FaultLatency, Latency: 250 * time.Millisecond, Operation: "fi"}
	data, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"latency","operation":"fi","latency":"250ms"}`, string(data))
	var back mock.Fault
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, f, back)
	require.Error(t, json.Unmarshal([]byte(`{"kind":"latency","latency":"soon"}`), &back))
	require.Error(t, json.Unmarshal([]byte(`{"kind":"latency","colour":"red"}`), &back))
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
