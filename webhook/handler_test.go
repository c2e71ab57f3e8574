package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receiver is a Handler on a loopback server, with what its function got.
type receiver struct {
	srv  *httptest.Server
	h    *Handler
	logs *syncbuf.Buffer
	mu   sync.Mutex
	got  []*Event
	fail atomic.Int32 // the next n calls fail
}

func newReceiver(t *testing.T, opts ...Option) *receiver {
	t.Helper()
	r := &receiver{logs: &syncbuf.Buffer{}}
	fn := func(_ context.Context, ev *Event) error {
		if r.fail.Add(-1) >= 0 {
			return errors.New("database is down")
		}
		r.fail.Store(0)
		r.mu.Lock()
		r.got = append(r.got, ev)
		r.mu.Unlock()
		return nil
	}
	base := []Option{WithSecrets(testSecret), WithClock(fixedClock), WithLogger(slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}
	h, err := NewHandler(fn, append(base, opts...)...)
	require.NoError(t, err)
	r.h = h
	r.srv = httptest.NewServer(h)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) events() []*Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Event(nil), r.got...)
}

// delivery is one POST as Cashfree would make it; the fields can be spoilt.
type delivery struct {
	body        []byte
	ts, sig     string
	contentType string
	attempt     string
	method      string
	omitSig     bool
	omitTS      bool
	chunked     bool
}

func signed(body []byte, at time.Time) delivery {
	ts := Timestamp(at)
	return delivery{body: body, ts: ts, sig: Sign(testSecret, ts, body), contentType: "application/json", attempt: "1", method: http.MethodPost}
}

func (r *receiver) send(t *testing.T, d delivery) (int, string) {
	t.Helper()
	var body io.Reader = bytes.NewReader(d.body)
	if d.chunked {
		body = io.MultiReader(bytes.NewReader(d.body)) // unknown length: sent chunked
	}
	req, err := http.NewRequestWithContext(t.Context(), d.method, r.srv.URL+"/hooks/cashfree", body)
	require.NoError(t, err)
	if d.contentType != "" {
		req.Header.Set("Content-Type", d.contentType)
	}
	if !d.omitSig {
		req.Header.Set(HeaderSignature, d.sig)
	}
	if !d.omitTS {
		req.Header.Set(HeaderTimestamp, d.ts)
	}
	req.Header.Set(HeaderAttempt, d.attempt)
	resp, err := r.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHandler_validDeliveryReachesTheFunctionOnce(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	d := signed(consentBody, fixedNow)
	d.attempt = "2"
	status, body := r.send(t, d)
	require.Equal(t, http.StatusOK, status, body)
	evs := r.events()
	require.Len(t, evs, 1)
	assert.Equal(t, ConsentVerificationSuccess, evs[0].Type)
	assert.Equal(t, "a12bc34def56789", evs[0].ResourceID)
	assert.Equal(t, 2, evs[0].Attempt)

	// The same event again, re-signed later and re-serialised: 200, unseen.
	again := signed([]byte(`{"data":{"consent_verification_id":"a12bc34def56789","status":"SUCCESS"},"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15"}`), fixedNow.Add(time.Second))
	status, body = r.send(t, again)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "duplicate")
	assert.Len(t, r.events(), 1)
	assert.Equal(t, Stats{Handled: 1, Duplicates: 1}, r.h.Stats())
}

func TestHandler_rejections(t *testing.T) {
	t.Parallel()
	r := newReceiver(t, WithMaxBodyBytes(4096))
	good := func() delivery { return signed(consentBody, fixedNow) }
	resign := func(d delivery) delivery { d.sig = Sign(testSecret, d.ts, d.body); return d }
	cases := []struct {
		name   string
		d      func() delivery
		status int
	}{
		{"GET", func() delivery { d := good(); d.method = http.MethodGet; return d }, http.StatusMethodNotAllowed},
		{"text/plain", func() delivery { d := good(); d.contentType = "text/plain"; return d }, http.StatusUnsupportedMediaType},
		{"form", func() delivery { d := good(); d.contentType = "application/x-www-form-urlencoded"; return d }, http.StatusUnsupportedMediaType},
		{"no content type", func() delivery { d := good(); d.contentType = ""; return d }, http.StatusUnsupportedMediaType},
		{"too large", func() delivery {
			return resign(delivery{body: bytes.Repeat([]byte("x"), 5000), ts: Timestamp(fixedNow), contentType: "application/json", method: http.MethodPost, attempt: "1"})
		}, http.StatusRequestEntityTooLarge},
		{"too large, chunked", func() delivery {
			d := resign(delivery{body: bytes.Repeat([]byte("x"), 5000), ts: Timestamp(fixedNow), contentType: "application/json", method: http.MethodPost, attempt: "1"})
			d.chunked = true
			return d
		}, http.StatusRequestEntityTooLarge},
		{"signature missing", func() delivery { d := good(); d.omitSig = true; return d }, http.StatusUnauthorized},
		{"timestamp missing", func() delivery { d := good(); d.omitTS = true; return d }, http.StatusUnauthorized},
		{"timestamp not numeric", func() delivery { d := good(); d.ts = "yesterday"; return resign(d) }, http.StatusUnauthorized},
		{"timestamp in seconds", func() delivery { d := good(); d.ts = strconv.FormatInt(fixedNow.Unix(), 10); return resign(d) }, http.StatusUnauthorized},
		{"timestamp future", func() delivery { return signed(consentBody, fixedNow.Add(10*time.Minute)) }, http.StatusUnauthorized},
		{"timestamp stale", func() delivery { return signed(consentBody, fixedNow.Add(-10*time.Minute)) }, http.StatusUnauthorized},
		{"signature not base64", func() delivery { d := good(); d.sig = "%%%"; return d }, http.StatusUnauthorized},
		{"wrong secret", func() delivery { d := good(); d.sig = Sign("guess", d.ts, d.body); return d }, http.StatusUnauthorized},
		{"body tampered", func() delivery {
			d := good()
			d.body = bytes.Replace(d.body, []byte("SUCCESS\""), []byte("REVOKED\""), 1)
			return d
		}, http.StatusUnauthorized},
		{"signed but not JSON", func() delivery { return signed([]byte("hello"), fixedNow) }, http.StatusBadRequest},
		{"signed but not an event", func() delivery { return signed([]byte(`{"hello":"world"}`), fixedNow) }, http.StatusBadRequest},
		{"signed, event without id", func() delivery {
			return signed([]byte(`{"event_type":"AA_FI_VERIFICATION_FAILED","event_time":"2024-02-15 16:53:15","data":{"status":"FAILED"}}`), fixedNow)
		}, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.d()
			status, body := r.send(t, d)
			assert.Equal(t, c.status, status, body)
			if d.sig != "" {
				assert.NotContains(t, body, d.sig)
			}
		})
	}
	assert.Empty(t, r.events(), "no rejected delivery reaches the function")
	s := r.h.Stats()
	assert.Equal(t, int64(0), s.Handled)
	assert.Equal(t, int64(len(cases)), s.Refused+s.Unauthorized+s.Malformed)
	assert.Equal(t, int64(9), s.Unauthorized)
	logs := r.logs.String()
	assert.NotContains(t, logs, testSecret)
	assert.NotContains(t, logs, good().sig)
	assert.NotContains(t, logs, "a12bc34def56789", "bodies are not logged")
}

func TestHandler_functionFailureIsRetried(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	r.fail.Store(1)
	status, _ := r.send(t, signed(consentBody, fixedNow))
	require.Equal(t, http.StatusInternalServerError, status)
	assert.Empty(t, r.events())
	assert.NotContains(t, r.logs.String(), testSecret)
	assert.Contains(t, r.logs.String(), "database is down", "the operator sees why")

	d := signed(consentBody, fixedNow.Add(time.Second))
	d.attempt = "2"
	status, _ = r.send(t, d)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, r.events(), 1, "the retry is not taken for a duplicate")
	assert.Equal(t, 2, r.events()[0].Attempt)
}

func TestHandler_panicIs500AndRetried(t *testing.T) {
	t.Parallel()
	calls := 0
	h, err := NewHandler(func(context.Context, *Event) error {
		calls++
		if calls == 1 {
			panic("nil map")
		}
		return nil
	}, WithSecrets(testSecret), WithClock(fixedClock))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	r := &receiver{srv: srv, h: h}
	status, _ := r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusInternalServerError, status)
	status, _ = r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, 2, calls)
}

type failingStore struct{}

func (failingStore) Claim(context.Context, string, time.Duration) (Claim, error) {
	return Claim{State: Claimed, Token: "t"}, errors.New("redis: connection refused")
}
func (failingStore) Renew(context.Context, string, string, time.Duration) error { return nil }
func (failingStore) Complete(context.Context, string, string, time.Duration) error {
	return nil
}
func (failingStore) Release(context.Context, string, string) error { return nil }

func TestHandler_storeFailureIs500(t *testing.T) {
	t.Parallel()
	r := newReceiver(t, WithStore(failingStore{}))
	status, body := r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.NotContains(t, body, "redis", "internal errors stay in the log")
	assert.Empty(t, r.events())
}

func TestHandler_concurrentDuplicatesReachTheFunctionOnce(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	const n = 20
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			d := signed(consentBody, fixedNow.Add(time.Duration(i)*time.Millisecond))
			d.attempt = strconv.Itoa(i + 1)
			statuses[i], _ = r.send(t, d)
		})
	}
	wg.Wait()
	for _, s := range statuses {
		// 200 (handled or a duplicate), or 503 while another was in progress.
		assert.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, s)
	}
	assert.Len(t, r.events(), 1)
	st := r.h.Stats()
	assert.Equal(t, int64(n-1), st.Duplicates+st.InProgress)
}

func TestHandler_duplicateDuringHandlingIsRetriedNotAcknowledged(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	h, err := NewHandler(func(context.Context, *Event) error {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
			return errors.New("crashed half way")
		}
		return nil
	}, WithSecrets(testSecret), WithClock(fixedClock))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	r := &receiver{srv: srv, h: h}
	first := make(chan int, 1)
	go func() { s, _ := r.send(t, signed(consentBody, fixedNow)); first <- s }()
	<-entered
	// Cashfree gave up waiting and redelivers: the outcome is unknown, so
	// the copy must not be acknowledged.
	status, body := r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusServiceUnavailable, status, body)
	close(release)
	assert.Equal(t, http.StatusInternalServerError, <-first)
	// The next retry is handled afresh, then remembered.
	status, _ = r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusOK, status)
	status, body = r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "duplicate")
	assert.Equal(t, int32(2), calls.Load())
	assert.Equal(t, Stats{Handled: 1, Duplicates: 1, Failed: 1, InProgress: 1}, h.Stats())
}

func TestHandler_leaseLapsesAfterACrash(t *testing.T) {
	t.Parallel()
	now := fixedNow
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	store := NewMemoryStore(clock)
	// A replica claimed the event and died before finishing.
	claim, err := store.Claim(t.Context(), "AA_CONSENT_VERIFICATION_SUCCESS|consent|a12bc34def56789|2024-02-15 16:53:15", time.Minute)
	require.NoError(t, err)
	require.Equal(t, Claimed, claim.State)
	r := newReceiver(t, WithStore(store), WithClock(clock), WithLease(time.Minute), WithTolerance(0))
	status, _ := r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusServiceUnavailable, status)
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	status, _ = r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusOK, status)
	assert.Len(t, r.events(), 1)
}

func TestHandler_dedupeTTL(t *testing.T) {
	t.Parallel()
	now := fixedNow
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := newReceiver(t, WithClock(clock), WithDedupeTTL(time.Hour), WithTolerance(0))
	status, _ := r.send(t, signed(consentBody, fixedNow))
	require.Equal(t, http.StatusOK, status)
	mu.Lock()
	now = now.Add(59 * time.Minute)
	mu.Unlock()
	r.send(t, signed(consentBody, fixedNow))
	require.Len(t, r.events(), 1)
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	r.send(t, signed(consentBody, fixedNow))
	require.Len(t, r.events(), 2, "after the TTL the event is new again")
}

func TestNewHandler_badOptions(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, *Event) error { return nil }
	_, err := NewHandler(nil, WithSecrets("s"))
	require.Error(t, err)
	_, err = NewHandler(fn)
	require.ErrorContains(t, err, "no secret")
	for _, o := range []Option{WithMaxBodyBytes(0), WithDedupeTTL(0), WithLease(0), WithStore(nil), WithLogger(nil)} {
		_, err = NewHandler(fn, WithSecrets("s"), o)
		require.Error(t, err)
	}
}

func TestMemoryStore_sweep(t *testing.T) {
	t.Parallel()
	now := fixedNow
	s := NewMemoryStore(func() time.Time { return now })
	ctx := t.Context()
	for i := range 600 {
		c, err := s.Claim(ctx, "k"+strconv.Itoa(i), time.Minute)
		require.NoError(t, err)
		require.Equal(t, Claimed, c.State)
		if i == 1 {
			require.NoError(t, s.Complete(ctx, "k1", c.Token, time.Hour))
		}
	}
	now = now.Add(2 * time.Minute)
	for i := range 600 {
		c, _ := s.Claim(ctx, "n"+strings.Repeat("x", i%3)+strconv.Itoa(i), time.Minute)
		require.Equal(t, Claimed, c.State)
	}
	assert.LessOrEqual(t, s.Len(), 700, "the 599 lapsed leases were swept")
	c, _ := s.Claim(ctx, "k1", time.Minute)
	assert.Equal(t, Done, c.State, "a done key is kept for its TTL")
}
