package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/testservers"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/webhook"
	"github.com/cfverify/cfverify/webhook/pgstore"
	"github.com/cfverify/cfverify/webhook/redisstore"
)

// replicaEngine is a real store engine the test can stop and start, and a
// way to give each replica its own client of it (as separate processes).
type replicaEngine struct {
	stop, start func()
	newStore    func(t *testing.T) webhook.Store
}

// quietRedis drops go-redis's own log lines (a pool that cannot dial
// while the engine is down): the figures say what happened.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func replicaEngines() map[string]func(t *testing.T) replicaEngine {
	return map[string]func(t *testing.T) replicaEngine{
		"redis": func(t *testing.T) replicaEngine {
			srv := testservers.StartRedis(t)
			redis.SetLogger(quietRedis{})
			return replicaEngine{stop: srv.Stop, start: srv.Start, newStore: func(t *testing.T) webhook.Store {
				c := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1, DialTimeout: time.Second})
				t.Cleanup(func() { _ = c.Close() })
				return redisstore.New(c)
			}}
		},
		"postgres": func(t *testing.T) replicaEngine {
			srv := testservers.StartPostgres(t)
			newStore := func(t *testing.T) webhook.Store {
				pool, err := pgxpool.New(t.Context(), srv.URL+"&connect_timeout=1")
				require.NoError(t, err)
				t.Cleanup(pool.Close)
				s, err := pgstore.New(pool)
				require.NoError(t, err)
				return s
			}
			first := newStore(t).(*pgstore.Store)
			require.NoError(t, first.EnsureSchema(t.Context()))
			return replicaEngine{stop: srv.Stop, start: srv.Start, newStore: newStore}
		},
	}
}

// eventPrefixes are the mock's scenarios that end in a webhook event: with
// the three resources, every event type.
var eventPrefixes = []string{"", "expired_", "denied_", "revoked_", "paused_", "dlconsentexpired_", "dlfailure_"}

// pollToEvents polls id's DigiLocker verification, consent and FI request on
// the mock (WithPolls(1)) until each reached the end of its scenario, so
// that the mock sends their events.
func pollToEvents(t *testing.T, m *mock.Server, id string) {
	t.Helper()
	for _, q := range []string{"/digilocker?verification_id=", "/aa/consent?consent_verification_id=", "/aa/fi?fi_verification_id="} {
		for range 4 {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, m.URL()+q+id, nil)
			require.NoError(t, err)
			req.Header.Set("x-client-id", mock.DefaultClientID)
			req.Header.Set("x-client-secret", hookSecret)
			req.Header.Set("x-api-version", "2024-12-01")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
		}
	}
}

// settledDeliveries waits until the mock has sent something and no delivery
// is pending (each was acknowledged or ran out of attempts).
func settledDeliveries(t *testing.T, m *mock.Server, within time.Duration) []mock.WebhookDelivery {
	t.Helper()
	var deliveries []mock.WebhookDelivery
	require.Eventually(t, func() bool {
		deliveries = m.Webhooks()
		for _, d := range deliveries {
			if d.State == "pending" {
				return false
			}
		}
		return len(deliveries) > 0
	}, within, 10*time.Millisecond, "the mock's deliveries end")
	return deliveries
}

// answer is one delivery a replica answered, and when.
type answer struct {
	status     int
	start, end time.Time
}

// replicaRun is what the replicas' shared function saw.
type replicaRun struct {
	lease     time.Duration
	mu        sync.Mutex
	inFlight  map[string]int
	runs      map[string]int // calls of the function per event
	handled   map[string]int // calls that succeeded
	doubleRun map[string]bool
}

// faultOf is the fault an event's first run meets, picked by its key.
func faultOf(key string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return [...]string{"fails", "panics", "outlives its lease", "", "", ""}[h.Sum32()%6]
}

// fn is the replicas' function: it notes overlapping runs of one event,
// and on an event's first run fails, panics or outlives its lease.
func (r *replicaRun) fn(ctx context.Context, ev *webhook.Event) error {
	key := ev.DedupeKey()
	r.mu.Lock()
	if r.inFlight[key] > 0 {
		r.doubleRun[key] = true
	}
	r.inFlight[key]++
	r.runs[key]++
	first := r.runs[key] == 1
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inFlight[key]--
		r.mu.Unlock()
	}()
	work := 5 * time.Millisecond
	if first {
		switch faultOf(key) {
		case "fails":
			return errors.New("the KYC database refused the write")
		case "panics":
			panic("nil map in the KYC writer")
		case "outlives its lease":
			work = r.lease * 3 / 2
		}
	}
	select {
	case <-time.After(work):
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	r.mu.Lock()
	r.handled[key]++
	r.mu.Unlock()
	return nil
}

// TestWebhooks_replicasShareAFencedStore: three Handler replicas behind a
// round-robin front share one store on a real engine. The mock delivers
// every event with its duplicate fault on and retries every non-2xx answer;
// the front also re-sends a copy of every other delivery to both other
// replicas at once; the function fails, panics or outlives its lease on an
// event's first run; the engine is stopped and restarted mid-run. No event
// may run twice at the same time, none may be left unhandled, and no
// delivery may be answered 200 while the store was down.
func TestWebhooks_replicasShareAFencedStore(t *testing.T) {
	t.Parallel()
	for name, start := range replicaEngines() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			replicaScenario(t, start(t))
		})
	}
}

func replicaScenario(t *testing.T, engine replicaEngine) {
	const replicas = 3
	lease := pick(600*time.Millisecond, 900*time.Millisecond)
	downFor := pick(400*time.Millisecond, 2*time.Second)
	ids := pick(8, 40)
	run := &replicaRun{lease: lease, inFlight: map[string]int{}, runs: map[string]int{}, handled: map[string]int{}, doubleRun: map[string]bool{}}

	handlers := make([]*webhook.Handler, replicas)
	urls := make([]string, replicas)
	for i := range replicas {
		h, err := webhook.NewHandler(run.fn, webhook.WithSecrets(hookSecret), webhook.WithStore(engine.newStore(t)), webhook.WithLease(lease))
		require.NoError(t, err)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		handlers[i], urls[i] = h, srv.URL
	}

	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	var answersMu sync.Mutex
	var answers []answer
	send := func(url string, header http.Header, body []byte) int {
		began := time.Now()
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return 0
		}
		req.Header = header.Clone()
		resp, err := client.Do(req)
		status := 0
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
		answersMu.Lock()
		answers = append(answers, answer{status: status, start: began, end: time.Now()})
		answersMu.Unlock()
		return status
	}

	// The front: round robin; every other delivery is also re-sent, at
	// once, to both other replicas (re-signed: Cashfree signs each attempt).
	var next atomic.Uint64
	var copies sync.WaitGroup
	var copiesSent atomic.Int64
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		n := next.Add(1)
		target := int(n % replicas)
		if n%2 == 0 {
			for j := 1; j < replicas; j++ {
				copies.Add(1)
				copiesSent.Add(1)
				go func() {
					defer copies.Done()
					h := r.Header.Clone()
					ts := webhook.Timestamp(time.Now())
					h.Set(webhook.HeaderTimestamp, ts)
					h.Set(webhook.HeaderSignature, webhook.Sign(hookSecret, ts, body))
					send(urls[(target+j)%replicas], h, body)
				}()
			}
		}
		w.WriteHeader(send(urls[target], r.Header, body))
	}))
	t.Cleanup(front.Close)

	m, err := mock.New(mock.WithPolls(1), mock.WithCredentials(mock.DefaultClientID, hookSecret),
		mock.WithWebhookURL(front.URL+"/cashfree"), mock.WithWebhookDuplicates(1),
		mock.WithWebhookRetries(12, 50*time.Millisecond), mock.WithWebhookTimeout(10*time.Second))
	require.NoError(t, err)
	t.Cleanup(m.Close)

	// Every event type: each id through the scenarios that end in an event.
	poll := func(i int) { pollToEvents(t, m, fmt.Sprintf("%srep%d", eventPrefixes[i%len(eventPrefixes)], i)) }
	for i := range ids / 2 {
		poll(i)
	}
	// The engine goes away mid-run, with deliveries in flight.
	time.Sleep(lease / 4)
	engine.stop()
	downFrom := time.Now()
	// Deliveries while it is down: a new event to every replica.
	var probes []int
	for i, url := range urls {
		body, err := webhook.SampleEvent(webhook.ConsentVerificationSuccess, fmt.Sprintf("down-%d", i), time.Now())
		require.NoError(t, err)
		h := http.Header{"Content-Type": {"application/json"}}
		ts := webhook.Timestamp(time.Now())
		h.Set(webhook.HeaderTimestamp, ts)
		h.Set(webhook.HeaderSignature, webhook.Sign(hookSecret, ts, body))
		probes = append(probes, send(url, h, body))
	}
	time.Sleep(downFor - time.Since(downFrom))
	downTo := time.Now()
	engine.start()
	for i := ids / 2; i < ids; i++ {
		poll(i)
	}

	deliveries := settledDeliveries(t, m, 90*time.Second)
	copies.Wait()

	events := map[string]bool{}
	failedDeliveries, mockAttempts, mockDuplicates := 0, 0, 0
	for _, d := range deliveries {
		ev, err := webhook.Parse(d.Body)
		require.NoError(t, err)
		events[ev.DedupeKey()] = true
		mockAttempts += len(d.Attempts)
		if d.Duplicate {
			mockDuplicates++
		}
		if d.State != "delivered" {
			failedDeliveries++
		}
	}
	run.mu.Lock()
	neverHandled, doubleRuns, reruns := 0, len(run.doubleRun), 0
	faults := map[string]int{}
	for key := range events {
		if run.handled[key] == 0 {
			neverHandled++
		}
		if run.handled[key] > 1 {
			reruns++
		}
		if f := faultOf(key); f != "" {
			faults[f]++
		}
	}
	run.mu.Unlock()
	answersMu.Lock()
	ok200Down, answeredDown, byStatus := 0, 0, map[int]int{}
	for _, a := range answers {
		byStatus[a.status]++
		if !a.start.Before(downFrom) && !a.end.After(downTo) {
			answeredDown++
			if a.status == http.StatusOK {
				ok200Down++
			}
		}
	}
	deliveriesTotal := len(answers)
	answersMu.Unlock()
	var duplicates, inProgress, handled, failed int64
	for _, h := range handlers {
		st := h.Stats()
		duplicates += st.Duplicates
		inProgress += st.InProgress
		handled += st.Handled
		failed += st.Failed
	}

	for i, s := range probes {
		assert.GreaterOrEqual(t, s, 500, "replica %d answered %d to a delivery while the store was down", i, s)
	}
	assert.Zero(t, doubleRuns, "events whose function ran twice at the same time")
	assert.Zero(t, neverHandled, "events never handled once the retries stopped")
	assert.Zero(t, failedDeliveries, "mock deliveries that ran out of retries")
	assert.Zero(t, ok200Down, "200s answered while the store was down")
	assert.Positive(t, answeredDown, "deliveries were answered while the store was down")
	assert.Positive(t, duplicates+inProgress, "duplicates were suppressed")
	assert.Len(t, faults, 3, "every fault met: %v", faults)

	report(t, map[string]any{
		"replicas":                   replicas,
		"lease_ms":                   lease.Milliseconds(),
		"store_down_ms":              downTo.Sub(downFrom).Milliseconds(),
		"events":                     len(events),
		"deliveries":                 deliveriesTotal,
		"mock_attempts":              mockAttempts,
		"mock_duplicate_deliveries":  mockDuplicates,
		"copies_to_other_replicas":   copiesSent.Load(),
		"answers_by_status":          byStatus,
		"duplicates_suppressed":      duplicates,
		"in_progress_503":            inProgress,
		"handled":                    handled,
		"failed_5xx":                 failed,
		"first_run_faults":           faults,
		"events_run_twice_at_once":   doubleRuns,
		"events_never_handled":       neverHandled,
		"events_handled_again_later": reruns,
		"answered_while_store_down":  answeredDown,
		"ok_200_while_store_down":    ok200Down,
	})
}
