package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfverify/cfverify/verification"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
)

// soakFaults is the fault mix of the soak, on every operation: about a third
// of all attempts fail, in every way the mock knows. Rules are tried in
// order; latencies add up, the first other rule that fires answers.
var soakFaults = []mock.Fault{
	{Kind: mock.FaultLatency, Latency: 15 * time.Millisecond, Rate: 0.15},
	{Kind: mock.FaultLatency, Latency: 1500 * time.Millisecond, Rate: 0.004}, // beyond the attempt timeout
	{Kind: mock.FaultRateLimit, RetryAfter: 1, Rate: 0.02},
	{Kind: mock.FaultRateLimit, RetryAfter: 0, Rate: 0.04},
	{Kind: mock.FaultStatus, Status: 500, Rate: 0.05},
	{Kind: mock.FaultStatus, Status: 502, HTML: true, Rate: 0.05},
	{Kind: mock.FaultStatus, Status: 503, Rate: 0.05},
	{Kind: mock.FaultStatus, Status: 503, HTML: true, Rate: 0.03},
	{Kind: mock.FaultReset, Rate: 0.06},
	{Kind: mock.FaultTruncate, Rate: 0.06},
}

// soakPolicy retries quickly: the soak measures outcomes, not patience.
var soakPolicy = client.RetryPolicy{MaxAttempts: 4, BaseDelay: 2 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxRetryAfter: 2 * time.Second}

const (
	soakAttemptTimeout = time.Second
	soakCallTimeout    = 8 * time.Second
	soakTightTimeout   = 40 * time.Millisecond
	// soakOverrun is how long after its deadline a call may still return:
	// scheduling on a loaded machine, not work.
	soakOverrun = 250 * time.Millisecond
)

// postLedger wraps the mock and records every POST /user/data-availability
// it receives, by verification_id, with the status it answered (0: no
// answer was written, the connection was reset or the body truncated). A
// second arrival of an id after an arrival that was not a 429 is a
// duplicate: the first one may have been acted on.
type postLedger struct {
	mu       sync.Mutex
	arrivals map[string][]int
}

func (l *postLedger) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/user/data-availability") {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		var v struct {
			VerificationID string `json:"verification_id"`
		}
		_ = json.Unmarshal(body, &v)
		sw := &statusWriter{ResponseWriter: w}
		defer func() { l.record(v.VerificationID, sw.status) }() // also when the handler aborts
		next.ServeHTTP(sw, r)
	})
}

func (l *postLedger) record(id string, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.arrivals == nil {
		l.arrivals = map[string][]int{}
	}
	l.arrivals[id] = append(l.arrivals[id], status)
}

// duplicates counts arrivals that followed an arrival the server may have
// acted on, and the POSTs received in all.
func (l *postLedger) duplicates() (dups, received int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, statuses := range l.arrivals {
		received += len(statuses)
		for i := 1; i < len(statuses); i++ {
			for _, earlier := range statuses[:i] {
				if earlier != http.StatusTooManyRequests {
					dups++
					break
				}
			}
		}
	}
	return dups, received
}

// statusWriter remembers the status written; Unwrap lets the mock hijack
// the connection through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// soakCall is one call of the soak: what it asks and what a correct answer is.
type soakCall struct {
	op       string
	get      bool
	wantCode int  // the expected API error status, 0 for a result
	tight    bool // called with soakTightTimeout
	run      func(ctx context.Context, c *client.Client) (any, error)
	check    func(res any) error // a result is correct
}

// planCall makes call i: the five operations in turn, most on the happy
// path (instant_ ids, so that every poll is final), one in ten on an id
// whose scenario answers a 4xx.
func planCall(i int) soakCall {
	errCase := i%10 == 9
	switch i % 5 {
	case 0:
		id := fmt.Sprintf("soak-da-%d", i)
		want := 0
		if errCase {
			id, want = fmt.Sprintf("nobalance_da-%d", i), 422
		}
		return soakCall{op: client.OpDataAvailability, wantCode: want,
			run: func(ctx context.Context, c *client.Client) (any, error) {
				return c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: id, Mobile: "9000000001"})
			},
			check: func(res any) error {
				da := res.(*verification.DataAvailability)
				if deref(da.VerificationID) != id || len(da.AvailableScopes) != 11 {
					return fmt.Errorf("verification_id %q, %d scopes", deref(da.VerificationID), len(da.AvailableScopes))
				}
				return nil
			}}
	case 1:
		token := fmt.Sprintf("soak-token-%d", i)
		want := 0
		if errCase {
			token, want = fmt.Sprintf("expired_token-%d", i), 401
		}
		return soakCall{op: client.OpUserDetails, get: true, wantCode: want,
			run: func(ctx context.Context, c *client.Client) (any, error) { return c.UserDetails(ctx, token) },
			check: func(res any) error {
				ud := res.(*verification.UserDetails)
				if len(ud.Shared()) != 11 {
					return fmt.Errorf("%d scopes", len(ud.Shared()))
				}
				if len(ud.Aadhaar) != 1 {
					return fmt.Errorf("%d Aadhaar records", len(ud.Aadhaar))
				}
				return nil
			}}
	case 2:
		id := fmt.Sprintf("instant_dl-%d", i)
		want := 0
		if errCase {
			id, want = fmt.Sprintf("unknown_dl-%d", i), 404
		}
		return soakCall{op: client.OpDigiLockerStatus, get: true, wantCode: want,
			run: func(ctx context.Context, c *client.Client) (any, error) {
				return c.DigiLockerStatus(ctx, client.ByVerificationID(id))
			},
			check: func(res any) error {
				st := res.(*verification.DigiLockerStatus)
				if deref(st.VerificationID) != id || deref(st.Status) != verification.DigiLockerAuthenticated {
					return fmt.Errorf("verification_id %q, status %q", deref(st.VerificationID), deref(st.Status))
				}
				return nil
			}}
	case 3:
		id := fmt.Sprintf("instant_consent-%d", i)
		want := 0
		if errCase {
			id, want = fmt.Sprintf("blocked_consent-%d", i), 403
		}
		return soakCall{op: client.OpConsentStatus, get: true, wantCode: want,
			run: func(ctx context.Context, c *client.Client) (any, error) {
				return c.ConsentStatus(ctx, client.ByVerificationID(id))
			},
			check: func(res any) error {
				st := res.(*verification.ConsentStatus)
				if deref(st.ConsentVerificationID) != id || deref(st.Status) != verification.ConsentSuccess {
					return fmt.Errorf("consent_verification_id %q, status %q", deref(st.ConsentVerificationID), deref(st.Status))
				}
				return nil
			}}
	default:
		id := fmt.Sprintf("instant_fi-%d", i)
		want := 0
		if errCase {
			id, want = fmt.Sprintf("unknown_fi-%d", i), 404
		}
		return soakCall{op: client.OpFinancialInformation, get: true, wantCode: want,
			run: func(ctx context.Context, c *client.Client) (any, error) {
				return c.FinancialInformation(ctx, client.ByVerificationID(id))
			},
			check: func(res any) error {
				fi := res.(*verification.FinancialInformation)
				n := 0
				for _, err := range fi.Transactions() {
					if err != nil {
						return err
					}
					n++
				}
				if deref(fi.FIVerificationID) != id || deref(fi.Status) != verification.FISuccess || n != 75 {
					return fmt.Errorf("fi_verification_id %q, status %q, %d transactions", deref(fi.FIVerificationID), deref(fi.Status), n)
				}
				return nil
			}}
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// soakReport is the soak's figures.
type soakReport struct {
	Calls            int            `json:"calls"`
	Attempts         int            `json:"http_requests_received"`
	FaultsInjected   int            `json:"faults_injected"`
	FaultsByKind     map[string]int `json:"faults_by_kind"`
	Succeeded        int            `json:"calls_succeeded"`
	ExpectedErrors   int            `json:"expected_api_errors"`
	TypedErrors      map[string]int `json:"typed_errors_by_kind"`
	Untyped          int            `json:"untyped_errors"`
	Wrong            int            `json:"wrong_results"`
	GETsFailed       int            `json:"gets_failed"`
	GETsFailedBudget int            `json:"gets_failed_with_budget_left"`
	POSTsReceived    int            `json:"posts_received"`
	Duplicates       int            `json:"post_duplicates"`
	MaxOverrunMS     float64        `json:"max_ms_past_deadline"`
	LongestCallMS    float64        `json:"longest_call_ms"`
	CallTimeoutMS    float64        `json:"call_timeout_ms"`
	TightCalls       int            `json:"tight_deadline_calls"`
	TightDeadlineHit int            `json:"tight_deadline_reached"`
	TightTimeoutMS   float64        `json:"tight_timeout_ms"`
	GoroutinesBefore int            `json:"goroutines_before"`
	GoroutinesLeft   int            `json:"goroutines_left"`
	HeapBefore       string         `json:"heap_before"`
	HeapAfter        string         `json:"heap_after"`
	Seconds          float64        `json:"seconds"`
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestSoak makes thousands of calls (full) or a few hundred (short) across
// the five operations against the mock with a third of all attempts
// failing, and holds every call to a correct result or a typed error.
func TestSoak(t *testing.T) {
	calls := envInt("CFVERIFY_SOAK_CALLS", pick(300, 10000))
	workers := envInt("CFVERIFY_SOAK_WORKERS", 16)

	leakBaseline := goleak.IgnoreCurrent()
	goroutinesBefore := runtime.NumGoroutine()
	heapBefore := heapInUse()
	start := time.Now()

	h, err := mock.NewHandler(mock.WithSeed(6), mock.WithFaults(soakFaults...))
	require.NoError(t, err)
	var ledger postLedger
	srv := httptest.NewServer(ledger.wrap(h))
	srv.Config.ErrorLog = nil

	c, err := client.New(client.WithBaseURL(srv.URL+mock.BasePath),
		client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret),
		client.WithRetryPolicy(soakPolicy), client.WithAttemptTimeout(soakAttemptTimeout))
	require.NoError(t, err)

	type outcome struct {
		call    soakCall
		kind    string
		err     error
		wrong   error
		overrun time.Duration
	}
	outcomes := make([]outcome, calls)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= calls {
					return
				}
				call := planCall(i)
				timeout := soakCallTimeout
				if i%13 == 6 {
					// A tight deadline, which latency, backoff and
					// Retry-After often outlast: the call must end with it.
					call.tight, timeout = true, soakTightTimeout
				}
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				deadline, _ := ctx.Deadline()
				res, err := call.run(ctx, c)
				returned := time.Now()
				cancel()
				o := outcome{call: call, kind: errorKind(err), err: err, overrun: returned.Sub(deadline)}
				switch {
				case err == nil && isNil(res):
					o.wrong = errors.New("nil result with a nil error")
				case err != nil && !isNil(res):
					o.wrong = fmt.Errorf("a result with an error: %w", err)
				case err == nil && call.wantCode != 0:
					o.wrong = fmt.Errorf("a result where HTTP %d was expected", call.wantCode)
				case err == nil:
					o.wrong = call.check(res)
				}
				outcomes[i] = o
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	stats := h.Stats()
	h.Close()
	c.CloseIdleConnections()
	srv.Close()

	rep := soakReport{Calls: calls, Attempts: stats.Requests, FaultsInjected: stats.FaultsInjected(),
		FaultsByKind: map[string]int{}, TypedErrors: map[string]int{}, GoroutinesBefore: goroutinesBefore,
		CallTimeoutMS: float64(soakCallTimeout.Milliseconds()), TightTimeoutMS: float64(soakTightTimeout.Milliseconds())}
	for k, v := range stats.Faults {
		rep.FaultsByKind[string(k)] = v
	}
	var problems []string
	for i, o := range outcomes {
		var apiErr *client.Error
		switch {
		case o.wrong != nil:
			rep.Wrong++
			problems = append(problems, fmt.Sprintf("call %d (%s): %v", i, o.call.op, o.wrong))
		case o.kind == "ok":
			rep.Succeeded++
		case errors.As(o.err, &apiErr) && apiErr.StatusCode == o.call.wantCode:
			rep.ExpectedErrors++
		case o.kind == "untyped":
			rep.Untyped++
			problems = append(problems, fmt.Sprintf("call %d (%s): untyped error %T: %v", i, o.call.op, o.err, o.err))
		default:
			rep.TypedErrors[o.kind]++
		}
		if o.err != nil && !strings.Contains(o.err.Error(), o.call.op) {
			problems = append(problems, fmt.Sprintf("call %d: the error does not name %s: %v", i, o.call.op, o.err))
		}
		if o.call.tight {
			rep.TightCalls++
			if errors.Is(o.err, context.DeadlineExceeded) {
				rep.TightDeadlineHit++
			}
		}
		if o.err != nil && o.call.get && o.call.wantCode == 0 && o.wrong == nil && !o.call.tight {
			rep.GETsFailed++
			// A GET on the happy path fails only when every attempt of its
			// budget met a fault (or a Retry-After beyond MaxRetryAfter,
			// which the mix never asks for).
			if attemptsOf(o.err) < soakPolicy.MaxAttempts {
				rep.GETsFailedBudget++
				problems = append(problems, fmt.Sprintf("call %d (%s): failed after %d attempts: %v", i, o.call.op, attemptsOf(o.err), o.err))
			}
		}
		if o.err != nil && errors.Is(o.err, client.ErrConflict) {
			problems = append(problems, fmt.Sprintf("call %d: 409, the POST arrived twice: %v", i, o.err))
		}
		rep.MaxOverrunMS = max(rep.MaxOverrunMS, float64(o.overrun.Microseconds())/1000)
		if !o.call.tight {
			rep.LongestCallMS = max(rep.LongestCallMS, float64((soakCallTimeout + o.overrun).Milliseconds()))
		}
	}
	rep.Duplicates, rep.POSTsReceived = ledger.duplicates()

	leakErr := goleak.Find(leakBaseline)
	rep.GoroutinesLeft = max(runtime.NumGoroutine()-goroutinesBefore, 0)
	if leakErr == nil {
		rep.GoroutinesLeft = 0
	}
	heapAfter := heapInUse()
	rep.HeapBefore, rep.HeapAfter = mb(heapBefore), mb(heapAfter)
	rep.Seconds = float64(elapsed.Milliseconds()) / 1000
	report(t, rep)

	sort.Strings(problems)
	assert.Empty(t, problems, "every call ends with a correct result or a typed error that names its operation")
	assert.Zero(t, rep.Untyped, "untyped errors")
	assert.Zero(t, rep.Wrong, "wrong results")
	assert.Zero(t, rep.Duplicates, "a POST sent again after an attempt that may have reached the server")
	assert.Zero(t, rep.TypedErrors["decode"], "the mock sends no undecodable success: a decode error means a broken body was read as whole")
	assert.NoError(t, leakErr, "goroutines left after the soak")
	assert.LessOrEqual(t, rep.MaxOverrunMS, float64(soakOverrun.Milliseconds()), "a call outlived its context")
	assert.GreaterOrEqual(t, float64(rep.FaultsInjected), 0.25*float64(rep.Attempts), "a large share of faults")
	assert.Greater(t, rep.Succeeded, calls/2, "the fault rate allows most calls to succeed")
	assert.Zero(t, stats.Violations, "mock self-check violations")
	assert.Less(t, heapAfter, heapBefore+32<<20, "memory after the soak is back near where it started")
}

// isNil reports whether a result interface holds a nil pointer.
func isNil(v any) bool {
	switch r := v.(type) {
	case nil:
		return true
	case *verification.DataAvailability:
		return r == nil
	case *verification.UserDetails:
		return r == nil
	case *verification.DigiLockerStatus:
		return r == nil
	case *verification.ConsentStatus:
		return r == nil
	case *verification.FinancialInformation:
		return r == nil
	}
	return false
}
