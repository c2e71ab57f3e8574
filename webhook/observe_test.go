package webhook

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandler_observerSeesEveryDelivery(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []Delivery
	r := newReceiver(t, WithObserver(func(_ context.Context, d Delivery) {
		mu.Lock()
		seen = append(seen, d)
		mu.Unlock()
	}))
	ok := signed(consentBody, fixedNow)
	status, _ := r.send(t, ok)
	require.Equal(t, http.StatusOK, status)
	status, _ = r.send(t, ok)
	require.Equal(t, http.StatusOK, status)
	bad := signed(consentBody, fixedNow)
	bad.sig = "bm90IGEgc2lnbmF0dXJl"
	status, _ = r.send(t, bad)
	require.Equal(t, http.StatusUnauthorized, status)
	r.fail.Store(1)
	status, _ = r.send(t, signed([]byte(`{"data":{"consent_verification_id":"other-1","status":"SUCCESS"},"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15"}`), fixedNow))
	require.Equal(t, http.StatusInternalServerError, status)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []Delivery{
		{Outcome: OutcomeHandled, EventType: ConsentVerificationSuccess, Status: 200},
		{Outcome: OutcomeDuplicate, EventType: ConsentVerificationSuccess, Status: 200},
		{Outcome: OutcomeRejected, Reason: "unauthorized", Status: 401},
		{Outcome: OutcomeFailed, Reason: "handler_failed", EventType: ConsentVerificationSuccess, Status: 500},
	}, seen)
}
