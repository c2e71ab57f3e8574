package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/webhook"
)

var hookBody = []byte(`{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS", "event_time":"2024-02-15 16:53:15","version":"v1","data":{"status":"SUCCESS","consent_verification_id":"a12bc34def56789"}}`)

// verifyRun runs webhook verify with body on stdin (not in parallel: the
// stdin is a package variable).
func verifyRun(c *cli, body []byte, args ...string) result {
	webhookStdin = bytes.NewReader(body)
	defer func() { webhookStdin = nil }()
	return c.run(append([]string{"webhook", "verify"}, args...)...)
}

func TestWebhookVerify_exitCodes(t *testing.T) {
	c := &cli{t: t, env: map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}}
	now := time.Now()
	ts := webhook.Timestamp(now)
	sig := webhook.Sign(cliSecret, ts, hookBody)

	r := verifyRun(c, hookBody, "--signature", sig, "--timestamp", ts)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","version":"v1","data":{"status":"SUCCESS","consent_verification_id":"a12bc34def56789"}}`+"\n", r.stdout)
	assert.Empty(t, r.stderr)

	old := webhook.Timestamp(now.Add(-time.Hour))
	oldSig := webhook.Sign(cliSecret, old, hookBody)
	future := webhook.Timestamp(now.Add(time.Hour))
	futureSig := webhook.Sign(cliSecret, future, hookBody)
	r = verifyRun(c, hookBody, "--signature", oldSig, "--timestamp", old, "--tolerance", "0")
	assert.Equal(t, 0, r.code, "--tolerance 0 disables the time check: %s", r.stderr)
	r = verifyRun(c, hookBody, "--signature", oldSig, "--timestamp", old, "--tolerance", "2h")
	assert.Equal(t, 0, r.code, r.stderr)

	malformed := []byte(`{"hello":"world"}`)
	for name, tc := range map[string]struct {
		body []byte
		args []string
		code int
		says string
	}{
		"bad signature":       {hookBody, []string{"--signature", webhook.Sign(cliSecret, ts, []byte("other")), "--timestamp", ts}, 3, "does not match"},
		"wrong secret":        {hookBody, []string{"--signature", webhook.Sign("guess", ts, hookBody), "--timestamp", ts}, 3, "does not match"},
		"stale":               {hookBody, []string{"--signature", oldSig, "--timestamp", old}, 3, "tolerance"},
		"future":              {hookBody, []string{"--signature", futureSig, "--timestamp", future}, 3, "future"},
		"timestamp not ms":    {hookBody, []string{"--signature", sig, "--timestamp", "2024-02-15T16:53:15Z"}, 3, "Unix milliseconds"},
		"signature not b64":   {hookBody, []string{"--signature", "***", "--timestamp", ts}, 3, "not base64"},
		"body not an event":   {malformed, []string{"--signature", webhook.Sign(cliSecret, ts, malformed), "--timestamp", ts}, 3, "not an event"},
		"body too large":      {bytes.Repeat([]byte(" "), webhook.DefaultMaxBodyBytes+1), []string{"--signature", sig, "--timestamp", ts}, 3, "larger"},
		"no signature flag":   {hookBody, []string{"--timestamp", ts}, 2, "--signature and --timestamp are required"},
		"negative tolerance":  {hookBody, []string{"--signature", sig, "--timestamp", ts, "--tolerance", "-1s"}, 2, "negative"},
		"unknown flag":        {hookBody, []string{"--signature", sig, "--timestamp", ts, "--secret", "x"}, 2, "--secret: unknown flag"},
		"tolerance not a dur": {hookBody, []string{"--signature", sig, "--timestamp", ts, "--tolerance", "soon"}, 2, "tolerance"},
	} {
		t.Run(name, func(t *testing.T) {
			r := verifyRun(c, tc.body, tc.args...)
			r.errorLine(t, tc.code, tc.says)
			assert.NotContains(t, r.stderr, cliSecret)
		})
	}

	noSecret := &cli{t: t, env: map[string]string{}}
	verifyRun(noSecret, hookBody, "--signature", sig, "--timestamp", ts).errorLine(t, 2, "CASHFREE_CLIENT_SECRET")
}

// listening starts webhook listen on a free loopback port and returns its
// URL, its output and a stop function that returns the exit code; args are
// more flags.
func listening(t *testing.T, env map[string]string, args ...string) (string, *syncbuf.Buffer, *syncbuf.Buffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out, errOut := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"webhook", "listen", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, out, errOut)
	}()
	re := regexp.MustCompile(`receiving at (http://127\.0\.0\.1:\d+)/`)
	require.Eventually(t, func() bool { return re.MatchString(errOut.String()) }, 5*time.Second, 5*time.Millisecond, errOut.String())
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(5 * time.Second):
			t.Fatal("webhook listen did not stop")
			return -1
		}
	}
	t.Cleanup(func() { cancel() })
	return re.FindStringSubmatch(errOut.String())[1], out, errOut, stop
}

func post(t *testing.T, url string, body []byte, secret string, at time.Time, contentType string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	ts := webhook.Timestamp(at)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(webhook.HeaderTimestamp, ts)
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, ts, body))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookListen_printsNewVerifiedEventsOnly(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}
	url, out, errOut, stop := listening(t, env)
	now := time.Now()
	assert.Equal(t, 200, post(t, url+"/any/path", hookBody, cliSecret, now, "application/json"))
	assert.Equal(t, 200, post(t, url+"/other", hookBody, cliSecret, now.Add(time.Second), "application/json"), "a duplicate")
	assert.Equal(t, 401, post(t, url, hookBody, "forger", now, "application/json"))
	assert.Equal(t, 401, post(t, url, hookBody, cliSecret, now.Add(-time.Hour), "application/json"), "stale")
	assert.Equal(t, 400, post(t, url, []byte(`{"event_type":"AA_FI_VERIFICATION_ACTIVE"}`), cliSecret, now, "application/json"))
	assert.Equal(t, 415, post(t, url, hookBody, cliSecret, now, "text/plain"))

	c := &cli{t: t, env: env}
	r := c.run("webhook", "send", "--url", url+"/hooks", "--event", "DIGILOCKER_VERIFICATION_SUCCESS", "--id", "kyc-9")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "200 OK")

	require.Equal(t, 0, stop())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2, "one line per new verified event: %s", out.String())
	var first, second map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &second))
	assert.Equal(t, "AA_CONSENT_VERIFICATION_SUCCESS", first["event_type"])
	assert.Equal(t, "DIGILOCKER_VERIFICATION_SUCCESS", second["event_type"])
	assert.Equal(t, "kyc-9", second["data"].(map[string]any)["verification_id"])
	assert.Contains(t, errOut.String(), "stopped: 2 events, 1 duplicates dropped, 4 rejected (2 bad signature or timestamp, 1 malformed, 1 refused), 0 failed")
	assert.NotContains(t, errOut.String(), cliSecret)
}

func TestWebhookListen_receivesTheMock(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CASHFREE_CLIENT_SECRET": mock.DefaultClientSecret, "CASHFREE_CLIENT_ID": mock.DefaultClientID}
	url, out, errOut, stop := listening(t, env)
	srv := startMock(t, mock.WithPolls(1), mock.WithWebhookURL(url+"/cashfree"), mock.WithWebhookDuplicates(1))
	c := &cli{t: t, env: env}
	r := c.run("digilocker-status", "--verification-id", "kyc-hook", "--wait", "--poll-interval=1ms", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	require.Eventually(t, func() bool {
		ds := srv.Webhooks()
		return len(ds) == 2 && ds[0].State == "delivered" && ds[1].State == "delivered"
	}, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, 0, stop())
	assert.Equal(t, 1, strings.Count(out.String(), "\n"), out.String())
	assert.Contains(t, out.String(), `"event_type":"DIGILOCKER_VERIFICATION_SUCCESS"`)
	assert.Contains(t, errOut.String(), "1 events, 1 duplicates dropped")
}

func TestWebhookSend_exitCodes(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var status int
		switch r.URL.Path {
		case "/500":
			status = 500
		case "/404":
			status = 404
		default:
			status = 200
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	c := &cli{t: t, env: map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}}
	send := func(path string, args ...string) result {
		return c.run(append([]string{"webhook", "send", "--url", srv.URL + path}, args...)...)
	}
	ok := []string{"--event", "AA_FI_VERIFICATION_FAILED", "--id", "fi-1"}
	assert.Equal(t, 0, send("/", ok...).code)
	send("/404", ok...).errorLine(t, 3, "404")
	send("/500", ok...).errorLine(t, 4, "500")
	send("/", "--event", "NOPE", "--id", "x").errorLine(t, 2, "AA_FI_VERIFICATION_EXPIRED")
	send("/", "--event", "AA_FI_VERIFICATION_FAILED").errorLine(t, 2, "required")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	ln.Close()
	r := c.run(append([]string{"webhook", "send", "--url", closed}, ok...)...)
	r.errorLine(t, 5, "refused")
	noSecret := &cli{t: t, env: map[string]string{}}
	noSecret.run(append([]string{"webhook", "send", "--url", srv.URL}, ok...)...).errorLine(t, 2, "CASHFREE_CLIENT_SECRET")
	for _, r := range []result{send("/", ok...), send("/404", ok...)} {
		assert.NotContains(t, r.stdout+r.stderr, cliSecret)
	}
}

// FuzzWebhookVerify: whatever the headers and body, webhook verify exits 0,
// 2 or 3, never prints the secret, and exits 0 only for a signed event.
func FuzzWebhookVerify(f *testing.F) {
	ts := webhook.Timestamp(time.Now())
	f.Add(webhook.Sign(cliSecret, ts, hookBody), ts, "5m", hookBody)
	f.Add("", "", "", []byte{})
	f.Add("AAAA", "-1", "0", []byte("{}"))
	f.Add("e8f06e55abcf7483f3249b7a992f4a2d", "1746427759733", "-5s", hookBody)
	f.Fuzz(func(t *testing.T, sig, ts, tolerance string, body []byte) {
		args := []string{"--signature", sig, "--timestamp", ts}
		if tolerance != "" {
			args = append(args, "--tolerance", tolerance)
		}
		c := &cli{t: t, env: map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}}
		r := verifyRun(c, body, args...)
		switch r.code {
		case 0:
			if sig != webhook.Sign(cliSecret, ts, body) {
				t.Fatalf("exit 0 without the right signature")
			}
		case 2, 3:
			if strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("stderr is not one line: %q", r.stderr)
			}
		default:
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if strings.Contains(r.stderr+r.stdout, cliSecret) {
			t.Fatalf("the secret was printed")
		}
	})
}
