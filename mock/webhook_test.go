package mock_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/webhook"
)

// hookReceiver is a webhook.Handler with the mock's secret on a loopback
// server; before it, answer may fail attempts on purpose.
type hookReceiver struct {
	url     string
	handler *webhook.Handler
	mu      sync.Mutex
	events  []*webhook.Event
	answer  func(attempt string) int // 0: let the handler answer
	calls   atomic.Int32
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	t.Helper()
	r := &hookReceiver{}
	h, err := webhook.NewHandler(func(_ context.Context, ev *webhook.Event) error {
		r.mu.Lock()
		r.events = append(r.events, ev)
		r.mu.Unlock()
		return nil
	}, webhook.WithSecrets(secret))
	require.NoError(t, err)
	r.handler = h
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.calls.Add(1)
		if r.answer != nil {
			if status := r.answer(req.Header.Get(webhook.HeaderAttempt)); status != 0 {
				w.WriteHeader(status)
				return
			}
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/hooks"
	return r
}

func (r *hookReceiver) got() []*webhook.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// settled waits until every delivery of srv is delivered or failed.
func settled(t *testing.T, srv *mock.Server, atLeast int) []mock.WebhookDelivery {
	t.Helper()
	var ds []mock.WebhookDelivery
	require.Eventually(t, func() bool {
		ds = srv.Webhooks()
		if len(ds) < atLeast {
			return false
		}
		for _, d := range ds {
			if d.State == "pending" {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond)
	return ds
}

func TestWebhooks_everyEventTypeIsDelivered(t *testing.T) {
	t.Parallel()
	recv := newHookReceiver(t, mock.DefaultClientSecret)
	srv := start(t, mock.WithPolls(1), mock.WithWebhookURL(recv.url))
	c := connect(t, srv)
	// The scenarios that reach every event's status (see the event table in docs/webhooks.md).
	for _, prefix := range []string{"", "expired_", "denied_", "revoked_", "paused_", "dlconsentexpired_", "dlfailure_"} {
		id := prefix + "hook"
		c.statuses("/digilocker?verification_id="+id, 4)
		c.statuses("/aa/consent?consent_verification_id="+id, 4)
		c.statuses("/aa/fi?fi_verification_id="+id, 4)
	}
	ds := settled(t, srv, 17)

	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	types := map[webhook.EventType]bool{}
	for _, d := range ds {
		assert.Equal(t, "delivered", d.State, "%s %s", d.EventType, d.ID)
		require.Len(t, d.Attempts, 1)
		assert.Equal(t, http.StatusOK, d.Attempts[0].Status)
		require.NoError(t, v.ValidateWebhook(t.Context(), d.Body), "%s", d.EventType)
		types[d.EventType] = true
	}
	for _, et := range webhook.EventTypes() {
		assert.True(t, types[et], "no scenario delivered %s", et)
	}
	events := recv.got()
	assert.Len(t, events, len(ds), "every delivery verified and handled")
	byKey := map[string]*webhook.Event{}
	for _, ev := range events {
		byKey[string(ev.Type)+" "+ev.ResourceID] = ev
	}
	assert.Equal(t, "AUTHENTICATED", byKey["DIGILOCKER_VERIFICATION_SUCCESS hook"].Status)
	assert.NotNil(t, byKey["DIGILOCKER_VERIFICATION_SUCCESS hook"].DigiLocker.UserDetails.Name, "data is the status answer")
	assert.NotNil(t, byKey["DIGILOCKER_VERIFICATION_SUCCESS hook"].DigiLocker, "the vendor's sample")
	assert.Contains(t, string(byKey["DIGILOCKER_VERIFICATION_SUCCESS hook"].Data), `"document_consent_validity":"`, "the vendor's full sample carries it")
	// No source shows these two events' data: the mock sends the ids, no status.
	for _, key := range []string{"DIGILOCKER_VERIFICATION_CONSENT_EXPIRED dlconsentexpired_hook", "DIGILOCKER_VERIFICATION_FAILURE dlfailure_hook"} {
		assert.Empty(t, byKey[key].Status, key)
		assert.NotContains(t, string(byKey[key].Data), `"status"`, key)
	}
	assert.Equal(t, "ACTIVE", byKey["AA_FI_VERIFICATION_ACTIVE hook"].Status)
	assert.Equal(t, "REJECTED", byKey["AA_CONSENT_VERIFICATION_REJECTED denied_hook"].Status)

	// FI events of one request arrive in the order the statuses came.
	var fiOrder []webhook.EventType
	for _, ev := range events {
		if ev.ResourceID == "hook" && ev.Resource == webhook.ResourceFI {
			fiOrder = append(fiOrder, ev.Type)
		}
	}
	assert.Equal(t, []webhook.EventType{webhook.FIVerificationActive, webhook.FIVerificationSuccess}, fiOrder)

	// Polling a terminal status again sends nothing new.
	c.statuses("/aa/consent?consent_verification_id=hook", 2)
	time.Sleep(50 * time.Millisecond)
	assert.Len(t, srv.Webhooks(), len(ds))
}

func TestWebhooks_timeMovesStatesWithoutPolls(t *testing.T) {
	t.Parallel()
	recv := newHookReceiver(t, mock.DefaultClientSecret)
	srv := start(t, mock.WithPolls(0), mock.WithStageDuration(20*time.Millisecond), mock.WithWebhookURL(recv.url))
	_, err := srv.Create(mock.RecordConsent, "paused_timed", "")
	require.NoError(t, err)
	// Nobody polls: the sweep notices the status change.
	ds := settled(t, srv, 1)
	require.Len(t, ds, 1)
	assert.Equal(t, webhook.ConsentVerificationPaused, ds[0].EventType)
	assert.Equal(t, "PAUSED", ds[0].Status)
	assert.Len(t, recv.got(), 1)
}

func TestWebhooks_retriesWithBackoffAndAttemptHeader(t *testing.T) {
	t.Parallel()
	recv := newHookReceiver(t, mock.DefaultClientSecret)
	var attempts []string
	var mu sync.Mutex
	recv.answer = func(attempt string) int {
		mu.Lock()
		defer mu.Unlock()
		attempts = append(attempts, attempt)
		if len(attempts) <= 2 {
			return http.StatusServiceUnavailable
		}
		return 0
	}
	srv := start(t, mock.WithPolls(1), mock.WithWebhookURL(recv.url), mock.WithWebhookRetries(4, 20*time.Millisecond))
	connect(t, srv).statuses("/digilocker?verification_id=instant_retry", 1)
	ds := settled(t, srv, 1)
	require.Len(t, ds, 1)
	d := ds[0]
	assert.Equal(t, "delivered", d.State)
	require.Len(t, d.Attempts, 3)
	assert.Equal(t, []int{503, 503, 200}, []int{d.Attempts[0].Status, d.Attempts[1].Status, d.Attempts[2].Status})
	gap1 := d.Attempts[1].At.Sub(d.Attempts[0].At)
	gap2 := d.Attempts[2].At.Sub(d.Attempts[1].At)
	assert.GreaterOrEqual(t, gap1, 20*time.Millisecond, "first backoff")
	assert.GreaterOrEqual(t, gap2, 40*time.Millisecond, "the backoff doubles")
	mu.Lock()
	assert.Equal(t, []string{"1", "2", "3"}, attempts)
	mu.Unlock()
	evs := recv.got()
	require.Len(t, evs, 1)
	assert.Equal(t, 3, evs[0].Attempt)
}

func TestWebhooks_timeoutIsRetriedAndGivingUpIsRecorded(t *testing.T) {
	t.Parallel()
	recv := newHookReceiver(t, mock.DefaultClientSecret)
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	recv.answer = func(attempt string) int {
		if attempt == "1" {
			select { // slower than the mock waits
			case <-block:
			case <-time.After(500 * time.Millisecond):
			}
		}
		return 0
	}
	srv := start(t, mock.WithPolls(1), mock.WithWebhookURL(recv.url),
		mock.WithWebhookRetries(2, 5*time.Millisecond), mock.WithWebhookTimeout(50*time.Millisecond))
	connect(t, srv).statuses("/aa/consent?consent_verification_id=instant_slow", 1)
	ds := settled(t, srv, 1)
	require.Len(t, ds, 1)
	require.Len(t, ds[0].Attempts, 2)
	assert.Equal(t, "timeout", ds[0].Attempts[0].Error)
	assert.Equal(t, http.StatusOK, ds[0].Attempts[1].Status)

	// A receiver with another secret answers 401 every time: the mock
	// gives up after its attempts and says so.
	wrong := newHookReceiver(t, "not-the-mock-secret")
	srv2 := start(t, mock.WithPolls(1), mock.WithWebhookURL(wrong.url), mock.WithWebhookRetries(3, time.Millisecond))
	connect(t, srv2).statuses("/aa/consent?consent_verification_id=instant_forged", 1)
	ds = settled(t, srv2, 1)
	assert.Equal(t, "failed", ds[0].State)
	require.Len(t, ds[0].Attempts, 3)
	assert.Equal(t, http.StatusUnauthorized, ds[0].Attempts[2].Status)
	assert.Empty(t, wrong.got())
	assert.Equal(t, int64(3), wrong.handler.Stats().Unauthorized)
}

func TestWebhooks_duplicateFault(t *testing.T) {
	t.Parallel()
	recv := newHookReceiver(t, mock.DefaultClientSecret)
	srv := start(t, mock.WithPolls(1), mock.WithWebhookURL(recv.url), mock.WithWebhookDuplicates(2))
	c := connect(t, srv)
	c.statuses("/aa/consent?consent_verification_id=instant_dup", 1)
	ds := settled(t, srv, 3)
	require.Len(t, ds, 3)
	assert.Equal(t, []bool{false, true, true}, []bool{ds[0].Duplicate, ds[1].Duplicate, ds[2].Duplicate})
	assert.Len(t, recv.got(), 1, "the receiver handled the event once")
	assert.Equal(t, int64(2), recv.handler.Stats().Duplicates)

	// The "duplicated" prefix doubles one id's events only.
	recv2 := newHookReceiver(t, mock.DefaultClientSecret)
	srv2 := start(t, mock.WithPolls(1), mock.WithWebhookURL(recv2.url))
	c2 := connect(t, srv2)
	c2.statuses("/aa/consent?consent_verification_id=duplicated_instant_x", 1)
	c2.statuses("/aa/consent?consent_verification_id=instant_y", 1)
	ds = settled(t, srv2, 3)
	assert.Len(t, ds, 3)
	assert.Len(t, recv2.got(), 2)
	assert.Equal(t, int64(1), recv2.handler.Stats().Duplicates)
}

func TestWebhooks_adminListAndReset(t *testing.T) {
	t.Parallel()
	recv := newHookReceiver(t, mock.DefaultClientSecret)
	srv := start(t, mock.WithPolls(1), mock.WithWebhookURL(recv.url))
	connect(t, srv).statuses("/digilocker?verification_id=instant_admin", 1)
	settled(t, srv, 1)

	resp, err := http.Get(srv.URL() + "/_mock/webhooks")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var listed []mock.WebhookDelivery
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&listed))
	require.Len(t, listed, 1)
	assert.Equal(t, webhook.DigiLockerVerificationSuccess, listed[0].EventType)
	assert.Equal(t, "instant_admin", listed[0].ID)
	assert.Equal(t, "delivered", listed[0].State)

	srv.Reset()
	assert.Empty(t, srv.Webhooks())
}

func TestWebhooks_offByDefaultAndBadOptions(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	connect(t, srv).statuses("/digilocker?verification_id=instant_quiet", 1)
	assert.Empty(t, srv.Webhooks())
	for _, o := range []mock.Option{
		mock.WithWebhookURL("ftp://127.0.0.1/x"), mock.WithWebhookURL("/relative"), mock.WithWebhookRetries(0, time.Second),
		mock.WithWebhookTimeout(0), mock.WithWebhookDuplicates(-1),
	} {
		_, err := mock.New(o)
		assert.Error(t, err)
	}
}

// rejectingValidator is the spec's validator with a webhook check that
// rejects everything, to see what the mock does with a body that fails.
type rejectingValidator struct{ *openapi.Validator }

func (rejectingValidator) ValidateWebhook(context.Context, []byte) error {
	return errors.New("webhook body breaks the spec (test)")
}

func TestWebhooks_selfCheckRecordsABodyThatBreaksTheSpec(t *testing.T) {
	t.Parallel()
	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	for _, selfCheck := range []bool{true, false} {
		recv := newHookReceiver(t, mock.DefaultClientSecret)
		srv := start(t, mock.WithPolls(1), mock.WithWebhookURL(recv.url), mock.WithValidator(rejectingValidator{v}), mock.WithSelfCheck(selfCheck))
		expectViolations(srv)
		connect(t, srv).statuses("/digilocker?verification_id=instant_checked", 1)
		ds := settled(t, srv, 1)
		assert.Equal(t, "delivered", ds[0].State, "sent all the same")
		if selfCheck {
			require.Len(t, srv.Violations(), 1)
			assert.Equal(t, "verificationWebhook", srv.Violations()[0].Operation)
			assert.Equal(t, 1, srv.Stats().Violations)
		} else {
			assert.Empty(t, srv.Violations())
		}
	}
}
