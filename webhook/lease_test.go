package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flakyStore is a MemoryStore whose Renew and Complete can be made to fail.
type flakyStore struct {
	*MemoryStore
	renewErr      error
	completeFails atomic.Int32 // the next n Completes fail with an engine error
	renewals      atomic.Int32
}

func (s *flakyStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	s.renewals.Add(1)
	if s.renewErr != nil {
		return s.renewErr
	}
	return s.MemoryStore.Renew(ctx, key, token, lease)
}

func (s *flakyStore) Complete(ctx context.Context, key, token string, ttl time.Duration) error {
	if s.completeFails.Add(-1) >= 0 {
		return errors.New("redis: connection refused")
	}
	return s.MemoryStore.Complete(ctx, key, token, ttl)
}

func serve(t *testing.T, fn HandlerFunc, opts ...Option) *receiver {
	t.Helper()
	h, err := NewHandler(fn, append([]Option{WithSecrets(testSecret), WithClock(fixedClock)}, opts...)...)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &receiver{srv: srv, h: h}
}

func TestHandler_slowFunctionKeepsItsLeaseByRenewal(t *testing.T) {
	t.Parallel()
	const lease = 600 * time.Millisecond                   // wide: a renewal delayed past the lease by a loaded machine loses it
	store := &flakyStore{MemoryStore: NewMemoryStore(nil)} // real clock: leases lapse
	entered := make(chan struct{})
	var calls atomic.Int32
	r := serve(t, func(ctx context.Context, _ *Event) error {
		if calls.Add(1) == 1 {
			close(entered)
		}
		select {
		case <-time.After(4 * lease):
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}, WithStore(store), WithLease(lease))
	first := make(chan int, 1)
	go func() { s, _ := r.send(t, signed(consentBody, fixedNow)); first <- s }()
	<-entered
	time.Sleep(2 * lease) // past the first lease
	status, _ := r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusServiceUnavailable, status, "the renewed lease still holds the event")
	assert.Equal(t, http.StatusOK, <-first)
	assert.Equal(t, int32(1), calls.Load(), "never run twice at once")
	assert.GreaterOrEqual(t, store.renewals.Load(), int32(3), "renewed every lease/3")
	status, body := r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "duplicate")
}

func TestHandler_lostLeaseCancelsTheFunction(t *testing.T) {
	t.Parallel()
	for name, renewErr := range map[string]error{
		"claim gone":        ErrClaimLost,
		"store unreachable": errors.New("dial tcp 127.0.0.1:6379: connect: connection refused"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const lease = 300 * time.Millisecond
			store := &flakyStore{MemoryStore: NewMemoryStore(nil), renewErr: renewErr}
			var cause error
			var ranFor time.Duration
			r := serve(t, func(ctx context.Context, _ *Event) error {
				start := time.Now()
				<-ctx.Done()
				ranFor, cause = time.Since(start), context.Cause(ctx)
				return ctx.Err()
			}, WithStore(store), WithLease(lease))
			status, body := r.send(t, signed(consentBody, fixedNow))
			assert.Equal(t, http.StatusInternalServerError, status)
			assert.Contains(t, body, "lease_lost")
			var lost *leaseLostError
			require.ErrorAs(t, cause, &lost, "the function learns why it was stopped")
			assert.ErrorIs(t, cause, renewErr)
			assert.Less(t, ranFor, lease, "stopped before the lease could lapse and another delivery claim the event")
			if errors.Is(renewErr, ErrClaimLost) {
				assert.Less(t, ranFor, 2*lease/3, "a lost claim stops the function at the first renewal")
			} else {
				assert.GreaterOrEqual(t, ranFor, 2*lease/3-10*time.Millisecond, "a store error is retried until a third of the lease is left")
			}
			assert.Equal(t, int64(1), r.h.Stats().Failed)
		})
	}
}

func TestHandler_answers200OnlyOnceTheStoreRecordedTheEvent(t *testing.T) {
	t.Parallel()
	store := &flakyStore{MemoryStore: NewMemoryStore(fixedClock)}
	var calls atomic.Int32
	r := serve(t, func(context.Context, *Event) error { calls.Add(1); return nil }, WithStore(store), WithLease(time.Second))

	store.completeFails.Store(2) // a short outage: the Complete is retried
	status, _ := r.send(t, signed(consentBody, fixedNow))
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, int32(-1), store.completeFails.Load(), "Complete tried three times")

	other := []byte(`{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","data":{"consent_verification_id":"another","status":"SUCCESS"}}`)
	store.completeFails.Store(1000) // the store stays down
	status, body := r.send(t, signed(other, fixedNow))
	assert.Equal(t, http.StatusInternalServerError, status, "handled but not recorded is not acknowledged")
	assert.Contains(t, body, "store_failed")
	store.completeFails.Store(0)
	status, _ = r.send(t, signed(other, fixedNow))
	assert.Equal(t, http.StatusServiceUnavailable, status, "the claim holds off the retry until its lease lapses")
	assert.Equal(t, int32(2), calls.Load())
}

func TestHandler_bodySignatureWithoutHeaderIsExplained(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	body := []byte(`{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","signature":"c2lnbmVk","data":{"consent_verification_id":"a1","status":"SUCCESS"}}`)
	d := signed(body, fixedNow)
	d.omitSig = true
	status, resp := r.send(t, d)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, resp, "body-signature scheme")
	assert.Contains(t, resp, "x-webhook-signature header is missing")
	assert.NotContains(t, resp, "c2lnbmVk", "the body's signature is not echoed")

	d = signed(consentBody, fixedNow)
	d.omitSig = true
	_, resp = r.send(t, d)
	assert.NotContains(t, resp, "body-signature", "a body without a signature field gets the plain message")
}

func TestHandler_tinyLeaseStillRenews(t *testing.T) {
	t.Parallel()
	store := &flakyStore{MemoryStore: NewMemoryStore(nil)}
	r := serve(t, func(context.Context, *Event) error { time.Sleep(20 * time.Millisecond); return nil },
		WithStore(store), WithLease(time.Nanosecond))
	status, _ := r.send(t, signed(consentBody, fixedNow))
	// A 1ns lease lapses before the first renewal: the lease is lost and
	// the delivery not acknowledged, but nothing panics.
	assert.Equal(t, http.StatusInternalServerError, status)
}
