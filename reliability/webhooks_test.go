package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/webhook"
)

const hookSecret = "cfsk_webhook_RELIABILITY_5e1d"

// hostileDelivery is one delivery spoilt on purpose, and the answer due.
type hostileDelivery struct {
	kind        string
	method      string
	contentType string
	ts, sig     string
	omitTS      bool
	omitSig     bool
	body        []byte
	want        int
}

// hostileDeliveries spoils a valid delivery of body in every way the
// Handler must refuse; rng picks the byte and character flipped.
func hostileDeliveries(rng *rand.Rand, body []byte, now time.Time) []hostileDelivery {
	ts := webhook.Timestamp(now)
	sig := webhook.Sign(hookSecret, ts, body)
	base := hostileDelivery{method: http.MethodPost, contentType: "application/json", ts: ts, sig: sig, body: body}
	with := func(kind string, want int, f func(*hostileDelivery)) hostileDelivery {
		d := base
		d.kind, d.want = kind, want
		f(&d)
		return d
	}
	resign := func(d *hostileDelivery) { d.sig = webhook.Sign(hookSecret, d.ts, d.body) }
	flipped := func(b []byte) []byte {
		c := bytes.Clone(b)
		i := rng.IntN(len(c))
		c[i] ^= byte(1 + rng.IntN(255))
		return c
	}
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	return []hostileDelivery{
		with("body byte flipped", 401, func(d *hostileDelivery) { d.body = flipped(d.body) }),
		with("signature char changed", 401, func(d *hostileDelivery) {
			s := []byte(d.sig)
			i := rng.IntN(len(s) - 2) // not the padding
			for c := s[i]; c == s[i]; {
				s[i] = b64[rng.IntN(len(b64))]
			}
			d.sig = string(s)
		}),
		with("signature truncated", 401, func(d *hostileDelivery) { d.sig = d.sig[:len(d.sig)/2] }),
		with("signature not base64", 401, func(d *hostileDelivery) { d.sig = "!" + d.sig[1:] }),
		with("signature hex", 401, func(d *hostileDelivery) { d.sig = fmt.Sprintf("%x", d.sig[:16]) }),
		with("wrong secret", 401, func(d *hostileDelivery) { d.sig = webhook.Sign("guessed", d.ts, d.body) }),
		with("signature over another timestamp", 401, func(d *hostileDelivery) { d.ts = webhook.Timestamp(now.Add(time.Second)) }),
		with("stale timestamp", 401, func(d *hostileDelivery) { d.ts = webhook.Timestamp(now.Add(-6 * time.Minute)); resign(d) }),
		with("future timestamp", 401, func(d *hostileDelivery) { d.ts = webhook.Timestamp(now.Add(6 * time.Minute)); resign(d) }),
		with("timestamp in seconds", 401, func(d *hostileDelivery) { d.ts = strconv.FormatInt(now.Unix(), 10); resign(d) }),
		with("timestamp not numeric", 401, func(d *hostileDelivery) { d.ts = now.Format(time.RFC3339); resign(d) }),
		with("timestamp negative", 401, func(d *hostileDelivery) { d.ts = "-" + d.ts; resign(d) }),
		with("timestamp overflow", 401, func(d *hostileDelivery) { d.ts = "99999999999999999999999"; resign(d) }),
		with("no signature", 401, func(d *hostileDelivery) { d.omitSig = true }),
		with("no timestamp", 401, func(d *hostileDelivery) { d.omitTS = true }),
		with("no headers", 401, func(d *hostileDelivery) { d.omitSig, d.omitTS = true, true }),
		with("text/plain", 415, func(d *hostileDelivery) { d.contentType = "text/plain" }),
		with("form", 415, func(d *hostileDelivery) { d.contentType = "application/x-www-form-urlencoded" }),
		with("no content type", 415, func(d *hostileDelivery) { d.contentType = "" }),
		with("GET", 405, func(d *hostileDelivery) { d.method = http.MethodGet }),
		with("too large", 413, func(d *hostileDelivery) {
			d.body = append(bytes.Clone(d.body), bytes.Repeat([]byte(" "), 64<<10)...)
			resign(d)
		}),
		with("signed, not JSON", 400, func(d *hostileDelivery) { d.body = d.body[:len(d.body)/2]; resign(d) }),
		with("signed, JSON array", 400, func(d *hostileDelivery) { d.body = append(append([]byte("["), d.body...), ']'); resign(d) }),
		with("signed, not an event", 400, func(d *hostileDelivery) { d.body = []byte(`{"hello":"world"}`); resign(d) }),
		with("signed, data missing", 400, func(d *hostileDelivery) {
			d.body = []byte(`{"event_type":"AA_FI_VERIFICATION_FAILED","event_time":"2024-02-15 16:53:15"}`)
			resign(d)
		}),
		with("signed, id missing", 400, func(d *hostileDelivery) {
			d.body = []byte(`{"event_type":"AA_CONSENT_VERIFICATION_PAUSED","event_time":"2024-02-15 16:53:15","data":{"status":"PAUSED"}}`)
			resign(d)
		}),
		with("signed, event_time epoch", 400, func(d *hostileDelivery) {
			d.body = []byte(`{"event_type":"AA_CONSENT_VERIFICATION_PAUSED","event_time":1708015995,"data":{"status":"PAUSED","consent_verification_id":"c"}}`)
			resign(d)
		}),
		with("signed, trailing data", 400, func(d *hostileDelivery) { d.body = append(bytes.Clone(d.body), "{}"...); resign(d) }),
	}
}

func sendHostile(ctx context.Context, c *http.Client, url string, d hostileDelivery) (int, error) {
	req, err := http.NewRequestWithContext(ctx, d.method, url, bytes.NewReader(d.body))
	if err != nil {
		return 0, err
	}
	if d.contentType != "" {
		req.Header.Set("Content-Type", d.contentType)
	}
	if !d.omitTS {
		req.Header.Set(webhook.HeaderTimestamp, d.ts)
	}
	if !d.omitSig {
		req.Header.Set(webhook.HeaderSignature, d.sig)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// TestWebhooks_hostileDeliveriesAndDuplicates: every event type, spoilt in
// every way the Handler must refuse, then delivered several times over
// (re-signed, re-serialised), then delivered by the mock with its duplicate
// fault. Nothing spoilt reaches the function; each event reaches it once.
func TestWebhooks_hostileDeliveriesAndDuplicates(t *testing.T) {
	t.Parallel()
	var reached atomic.Int64
	var mu sync.Mutex
	seen := map[webhook.EventType]int{}
	h, err := webhook.NewHandler(func(_ context.Context, ev *webhook.Event) error {
		reached.Add(1)
		mu.Lock()
		seen[ev.Type]++
		mu.Unlock()
		return nil
	}, webhook.WithSecrets(hookSecret), webhook.WithMaxBodyBytes(32<<10))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := srv.Client()
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(13, 13))

	rounds := pick(1, 20)
	tried, rejected := 0, 0
	byStatus := map[string]int{}
	for round := range rounds {
		for i, et := range webhook.EventTypes() {
			body, err := webhook.SampleEvent(et, fmt.Sprintf("hostile-%d-%d", round, i), time.Now())
			require.NoError(t, err)
			for _, d := range hostileDeliveries(rng, body, time.Now()) {
				status, err := sendHostile(ctx, c, srv.URL+"/webhooks", d)
				require.NoError(t, err)
				tried++
				byStatus[strconv.Itoa(status)]++
				if assert.Equal(t, d.want, status, "%s: %s", et, d.kind) {
					rejected++
				}
			}
		}
	}
	require.Zero(t, reached.Load(), "a hostile delivery reached the function")

	// Each event delivered `copies` times: re-signed later, keys re-ordered.
	const copies = 3
	for i, et := range webhook.EventTypes() {
		body, err := webhook.SampleEvent(et, fmt.Sprintf("dup-%d", i), time.Now())
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m))
		for n := range copies {
			b := body
			if n > 0 {
				b, err = json.MarshalIndent(m, "", " ") // another layout, the same event
				require.NoError(t, err)
			}
			d := hostileDelivery{method: http.MethodPost, contentType: "application/json", ts: webhook.Timestamp(time.Now()), body: b}
			d.sig = webhook.Sign(hookSecret, d.ts, b)
			status, err := sendHostile(ctx, c, srv.URL, d)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, status)
		}
	}
	st := h.Stats()
	require.Equal(t, int64(14), st.Handled)
	require.Equal(t, int64(14*(copies-1)), st.Duplicates)

	// The mock, its duplicate fault on, through every scenario with an event.
	recvd := h.Stats()
	m, err := mock.New(mock.WithPolls(1), mock.WithCredentials(mock.DefaultClientID, hookSecret),
		mock.WithWebhookURL(srv.URL+"/from-mock"), mock.WithWebhookDuplicates(1))
	require.NoError(t, err)
	defer m.Close()
	for _, prefix := range eventPrefixes {
		pollToEvents(t, m, prefix+"rel")
	}
	deliveries := settledDeliveries(t, m, 10*time.Second)
	mockTypes := map[webhook.EventType]bool{}
	sentDup := 0
	for _, d := range deliveries {
		require.Equal(t, "delivered", d.State)
		mockTypes[d.EventType] = true
		if d.Duplicate {
			sentDup++
		}
	}
	after := h.Stats()
	assert.Len(t, mockTypes, 14, "the mock delivers every event type")
	assert.Equal(t, int64(len(deliveries)-sentDup), after.Handled-recvd.Handled)
	assert.Equal(t, int64(sentDup), after.Duplicates-recvd.Duplicates, "every duplicate the mock sent was suppressed")

	report(t, map[string]any{
		"event_types_covered":        len(seen),
		"hostile_deliveries_tried":   tried,
		"hostile_rejected_as_due":    rejected,
		"hostile_by_status":          byStatus,
		"hostile_reaching_function":  0,
		"duplicates_sent":            14*(copies-1) + sentDup,
		"duplicates_suppressed":      after.Duplicates,
		"mock_event_types_delivered": len(mockTypes),
		"mock_deliveries":            len(deliveries),
	})
}
