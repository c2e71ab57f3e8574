package client_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfverify/cfverify/verification"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi/wire"
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
			assert.Equal(t, verification.DigiLockerStatusValue(terminal), *st.Status)
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
			st, err := c.WaitConsent(t.Context(), client.ByReferenceID(wire.NewIntID(2)), fastPoll)
			require.NoError(t, err)
			assert.Equal(t, verification.ConsentStatusValue(terminal), *st.Status)
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

func fiBody(status string, accounts ...string) string {
	var accs []string
	for i, a := range accounts {
		data := "null"
		if a == "DELIVERED" {
			data = `{"account":{"transactions":{"transaction":[{"amount":"1.00","type":"CREDIT"}]}}}`
		}
		accs = append(accs, fmt.Sprintf(`{"masked_acc_number":"XX%d","status":%q,"data":%s}`, i, a, data))
	}
	return fmt.Sprintf(`{"status":%q,"fi_data":[{"fip_id":"F","accounts":[%s]}]}`, status, strings.Join(accs, ","))
}

func TestClient_WaitFinancialInformation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		bodies    []string
		wantPolls int
		want      verification.FIStatusValue
	}{
		{"success with every account final", []string{fiBody("PENDING"), fiBody("ACTIVE", "DELIVERED", "PENDING"), fiBody("SUCCESS", "DELIVERED", "DENIED")}, 3, verification.FISuccess},
		{"success waits for pending accounts", []string{fiBody("SUCCESS", "DELIVERED", "READY"), fiBody("SUCCESS", "DELIVERED", "PENDING"), fiBody("SUCCESS", "DELIVERED", "TIMEOUT")}, 3, verification.FISuccess},
		{"failed ends at once", []string{fiBody("FAILED", "PENDING")}, 1, verification.FIFailed},
		{"expired ends at once", []string{fiBody("ACTIVE"), fiBody("EXPIRED")}, 2, verification.FIExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				writeJSON(w, 200, tc.bodies[min(n, len(tc.bodies))-1])
			})
			c := newClient(t, srv)
			var last client.PollProgress
			opts := fastPoll
			opts.OnPoll = func(p client.PollProgress) { last = p }
			fi, err := c.WaitFinancialInformation(t.Context(), client.ByVerificationID("fi-1"), opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, *fi.Status)
			assert.Equal(t, tc.wantPolls, rec.count())
			assert.True(t, last.Done)
			assert.Equal(t, string(tc.want), last.Status)
		})
	}
}

func TestClient_Wait_unknownStatus(t *testing.T) {
	t.Parallel()
	t.Run("polled through by default", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, statusSequence(digiLockerBody, "PENDING", "VERIFYING_SOMETHING_NEW", "AUTHENTICATED"))
		c := newClient(t, srv)
		st, err := c.WaitDigiLocker(t.Context(), client.ByVerificationID("v1"), fastPoll)
		require.NoError(t, err)
		assert.Equal(t, verification.DigiLockerAuthenticated, *st.Status)
		assert.Equal(t, 3, rec.count())
	})
	t.Run("StopOnUnknown returns it", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, statusSequence(consentBody, "PENDING", "ON_HOLD", "SUCCESS"))
		c := newClient(t, srv)
		opts := fastPoll
		opts.StopOnUnknown = true
		st, err := c.WaitConsent(t.Context(), client.ByVerificationID("c1"), opts)
		require.NoError(t, err)
		assert.Equal(t, verification.ConsentStatusValue("ON_HOLD"), *st.Status)
		assert.Equal(t, 2, rec.count())
	})
}

func TestClient_Wait_errors(t *testing.T) {
	t.Parallel()
	t.Run("temporary failures are polled through", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			switch n {
			case 1:
				writeJSON(w, 503, errorBody("internal_error", "down", "down"))
			case 2:
				writeJSON(w, 429, errorBody("rate_limit_error", "too_many_requests_per_ip", "slow"))
			default:
				writeJSON(w, 200, digiLockerBody("AUTHENTICATED"))
			}
		})
		c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{}))
		var errs []error
		opts := fastPoll
		opts.OnPoll = func(p client.PollProgress) {
			if p.Err != nil {
				errs = append(errs, p.Err)
			}
		}
		st, err := c.WaitDigiLocker(t.Context(), client.ByVerificationID("v1"), opts)
		require.NoError(t, err)
		assert.Equal(t, verification.DigiLockerAuthenticated, *st.Status)
		assert.Equal(t, 3, rec.count())
		require.Len(t, errs, 2)
		assert.ErrorIs(t, errs[1], client.ErrRateLimited)
	})
	t.Run("permanent failure stops", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n == 1 {
				writeJSON(w, 200, digiLockerBody("PENDING"))
				return
			}
			writeJSON(w, 404, example(t, "DigiLocker404ValidationIdNotFound"))
		})
		c := newClient(t, srv)
		st, err := c.WaitDigiLocker(t.Context(), client.ByVerificationID("v1"), fastPoll)
		assert.Nil(t, st)
		require.ErrorIs(t, err, client.ErrNotFound)
		assert.Equal(t, 2, rec.count())
	})
	t.Run("missing credentials stop before the network", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, respond(200, digiLockerBody("PENDING")))
		c, err := client.New(client.WithBaseURL(srv.URL + prefix))
		require.NoError(t, err)
		_, err = c.WaitConsent(t.Context(), client.ByReferenceID(wire.NewIntID(1)), fastPoll)
		require.ErrorIs(t, err, client.ErrMissingCredentials)
		assert.Equal(t, 0, rec.count())
	})
	t.Run("context ends while failing: both errors kept", func(t *testing.T) {
		t.Parallel()
		srv, _ := serve(t, respond(503, errorBody("internal_error", "down", "down")))
		c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{}))
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond) // room for at least one 503 before it ends, on a loaded machine too
		defer cancel()
		_, err := c.WaitFinancialInformation(ctx, client.ByVerificationID("fi-1"), fastPoll)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var apiErr *client.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 503, apiErr.StatusCode)
	})
}

// The answer of the last poll can arrive just as the context ends: a loaded
// machine made TestClient_Wait_errors flaky that way. The error must still
// match the context's error, whatever the poll answered.
func TestClient_Wait_contextEndsAsAnErrorArrives(t *testing.T) {
	t.Parallel()
	answerAfterDeadline := transportFunc(func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done() // the deadline has passed: now the 503 comes in
		return &http.Response{
			StatusCode: 503, Header: http.Header{"Content-Type": {"application/json"}},
			Body:    io.NopCloser(strings.NewReader(errorBody("internal_error", "down", "down"))),
			Request: r,
		}, nil
	})
	c, err := client.New(client.WithBaseURL("http://127.0.0.1:1"+prefix),
		client.WithCredentials(testClientID, testSecret),
		client.WithHTTPClient(&http.Client{Transport: answerAfterDeadline}),
		client.WithRetryPolicy(client.RetryPolicy{}))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
	defer cancel()
	_, err = c.WaitFinancialInformation(ctx, client.ByVerificationID("fi-1"), fastPoll)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var apiErr *client.Error
	require.ErrorAs(t, err, &apiErr, "the last answer is kept")
	assert.Equal(t, 503, apiErr.StatusCode)
}

func TestClient_Wait_intervalGrowsAndIsCapped(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, statusSequence(digiLockerBody, "PENDING", "PENDING", "PENDING", "PENDING", "PENDING", "EXPIRED"))
	c := newClient(t, srv)
	var nexts []time.Duration
	opts := client.PollOptions{Interval: time.Millisecond, MaxInterval: 4 * time.Millisecond, Multiplier: 2,
		OnPoll: func(p client.PollProgress) { nexts = append(nexts, p.Next) }}
	_, err := c.WaitDigiLocker(t.Context(), client.ByVerificationID("v1"), opts)
	require.NoError(t, err)
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{ms, 2 * ms, 4 * ms, 4 * ms, 4 * ms, 0}, nexts)
}

func TestClient_Wait_neverSpins(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, statusSequence(digiLockerBody, "PENDING"))
	c := newClient(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := c.WaitDigiLocker(ctx, client.ByVerificationID("v1"), client.PollOptions{Interval: 20 * time.Millisecond, Multiplier: 1})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.LessOrEqual(t, rec.count(), 12, "about one poll per interval")
	assert.GreaterOrEqual(t, rec.count(), 2)
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	for s, want := range map[verification.DigiLockerStatusValue]bool{"PENDING": false, "AUTHENTICATED": true, "EXPIRED": true, "CONSENT_DENIED": true, "NEW": false} {
		assert.Equal(t, want, verification.IsTerminalDigiLocker(s), s)
	}
	for s, want := range map[verification.ConsentStatusValue]bool{"PENDING": false, "PROCESSING": false, "SUCCESS": true, "PAUSED": true, "EXPIRED": true, "REVOKED": true, "REJECTED": true, "": false} {
		assert.Equal(t, want, verification.IsTerminalConsent(s), s)
	}
	for s, want := range map[verification.FIStatusValue]bool{"PENDING": false, "ACTIVE": false, "SUCCESS": true, "FAILED": true, "EXPIRED": true, "NEW": false} {
		assert.Equal(t, want, verification.IsTerminalFI(s), s)
	}
	for s, want := range map[verification.FIAccountStatus]bool{"READY": false, "PENDING": false, "DELIVERED": true, "DENIED": true, "TIMEOUT": true, "": false} {
		assert.Equal(t, want, verification.IsFinalAccount(s), s)
	}
}
