package mock

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookSender_stateIsBounded(t *testing.T) {
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer recv.Close()
	h, err := NewHandler(WithPolls(1), WithWebhookURL(recv.URL), WithRecordRetention(2, time.Hour))
	require.NoError(t, err)
	defer h.Close()
	s := h.webhooks
	s.mu.Lock()
	s.limit = 2
	s.mu.Unlock()

	const ids = 5
	for i := range ids {
		for range 2 { // PENDING, then AUTHENTICATED: one event
			req := httptest.NewRequest(http.MethodGet, "/digilocker?verification_id=hook-"+strconv.Itoa(i), nil)
			req.Header.Set("x-client-id", DefaultClientID)
			req.Header.Set("x-client-secret", DefaultClientSecret)
			req.Header.Set("x-api-version", "2024-12-01")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		}
	}
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.tails) == 0
	}, 5*time.Second, 5*time.Millisecond, "every chain is freed once its deliveries end")

	log := h.Webhooks()
	require.Len(t, log, 2, "the log keeps the most recent deliveries")
	assert.Equal(t, ids, log[1].Seq, "numbered across the whole run")
	assert.Equal(t, deliveryDelivered, log[1].State)
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.LessOrEqual(t, len(s.notified), 2, "what was sent is forgotten with the record")
	assert.Equal(t, ids, s.sent)
}
