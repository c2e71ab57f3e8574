package client_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

// fastPoll polls every millisecond or two.
var fastPoll = client.PollOptions{Interval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

// statusSequence answers the n-th request with body(statuses[n-1]), the
// last status repeating.
func statusSequence(body func(status string) string, statuses ...string) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, n int) {
		writeJSON(w, 200, body(statuses[min(n, len(statuses))-1]))
	}
}

func digiLockerBody(status string) string {
	return fmt.Sprintf(`{"status":%q,"verification_id":"v1","reference_id":1,"user_details":{}}`, status)
}

func consentBody(status string) string {
	return fmt.Sprintf(`{"status":%q,"consent_verification_id":"c1","consent_ref_id":2}`, status)
}

func TestClient_WaitDigiLocker_returnsOnTerminalStatus(t *testing.T) {
	t.Parallel()
	for _, terminal := range []string{"AUTHENTICATED", "EXPIRED", "CONSENT_DENIED"} {
		t.Run(terminal, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, statusSequence(digiLockerBody, "PENDING", "PENDING", terminal))
			c := newClient(t, srv)
			var mu sync.Mutex
			var seen []client.PollProgress
			opts := fastPoll
			opts.OnPoll = func(p client.PollProgress) { mu.Lock(); seen = append(seen, p); mu.Unlock() }

			st, err := c.WaitDigiLocker(t.Context(), client.ByVerificationID("v1"), opts)
			require.NoError(t, err)
			assert.Equal(t, client.DigiLockerStatusValue(terminal), *st.Status)
			assert.Equal(t, 3, rec.count())
			require.Len(t, seen, 3)
			assert.Equal(t, "PENDING", seen[0].Status)
			assert.False(t, seen[0].Done)
			assert.Positive(t, seen[0].Next)
			assert.Equal(t, terminal, seen[2].Status)
			assert.True(t, seen[2].Done)
			assert.Equal(t, 3, seen[2].Poll)
		})
	}
}

func TestClient_WaitConsent_terminalStatuses(t *testing.T) {
	t.Parallel()
	for _, terminal := range []string{"SUCCESS", "PAUSED", "EXPIRED", "REVOKED", "REJECTED"} {
		t.Run(terminal, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, statusSequence(consentBody, "PENDING", "PROCESSING", terminal))
			c := newClient(t, srv)
			st, err := c.WaitConsent(t.Context(), client.ByReferenceID(2), fastPoll)
			require.NoError(t, err)
			assert.Equal(t, client.ConsentStatusValue(terminal), *st.Status)
			assert.Equal(t, 3, rec.count())
		})
	}
}

func TestClient_WaitDigiLocker_contextEndsTheWait(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, statusSequence(digiLockerBody, "PENDING"))
	c := newClient(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	st, err := c.WaitDigiLocker(ctx, client.ByVerificationID("v1"), client.PollOptions{Interval: 10 * time.Second})
	assert.Nil(t, st)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second, "the wait ends with the context, not the interval")
}
