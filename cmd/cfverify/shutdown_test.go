package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/syncbuf"
)

// On SIGTERM (the context run gets ends) a server command stops taking
// connections at once and lets the request in flight finish.

// refusesConnections waits until nothing accepts connections at addr.
func refusesConnections(t *testing.T, addr string) {
	t.Helper()
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return true
		}
		c.Close()
		return false
	}, 3*time.Second, 10*time.Millisecond, "still accepting connections at %s", addr)
}

func TestMockCommand_shutdownFinishesRequestsInFlight(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"mock", "--addr", "127.0.0.1:0", "--fault", "kind=latency,latency=1500ms,ids=slow-1"},
			func(string) string { return "" }, &out, &out)
	}()
	serving := regexp.MustCompile(`at (http://(127\.0\.0\.1:\d+))/verification`)
	require.Eventually(t, func() bool { return serving.MatchString(out.String()) }, 5*time.Second, 5*time.Millisecond)
	m := serving.FindStringSubmatch(out.String())
	root, addr := m[1], m[2]

	slow := make(chan int, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, root+"/verification/digilocker?verification_id=slow-1", nil)
		for k, v := range mockCreds {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			slow <- -1
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		slow <- resp.StatusCode
	}()
	// The slow request has arrived when the mock has counted more requests
	// than the polls of its stats.
	polls := 0
	require.Eventually(t, func() bool {
		polls++
		resp, err := http.Get(root + "/_mock/stats")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var st struct{ Requests int }
		_ = json.NewDecoder(resp.Body).Decode(&st)
		return st.Requests > polls
	}, 3*time.Second, 10*time.Millisecond)

	cancel() // what SIGTERM does in main
	refusesConnections(t, addr)
	select {
	case <-slow:
		t.Fatal("the request in flight ended before its latency: it was cut off, not finished")
	default:
	}
	assert.Equal(t, http.StatusOK, <-slow, "the request in flight is answered")
	select {
	case code := <-done:
		assert.Equal(t, 0, code, out.String())
	case <-time.After(15 * time.Second):
		t.Fatal("cfverify mock did not stop")
	}
	assert.Contains(t, out.String(), "stopped after")
}

// gatedWriter blocks every Write until open is closed: the listener's
// output, so that a delivery stays in flight.
type gatedWriter struct {
	open    chan struct{}
	writing chan struct{}
	once    sync.Once
	buf     syncbuf.Buffer
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.once.Do(func() { close(g.writing) })
	<-g.open
	return g.buf.Write(p)
}

func TestWebhookListen_shutdownFinishesDeliveriesInFlight(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout := &gatedWriter{open: make(chan struct{}), writing: make(chan struct{})}
	var stderr syncbuf.Buffer
	env := map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"webhook", "listen", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, stdout, &stderr)
	}()
	re := regexp.MustCompile(`receiving at http://(127\.0\.0\.1:\d+)/`)
	require.Eventually(t, func() bool { return re.MatchString(stderr.String()) }, 5*time.Second, 5*time.Millisecond)
	addr := re.FindStringSubmatch(stderr.String())[1]

	delivered := make(chan int, 1)
	go func() {
		delivered <- post(t, "http://"+addr+"/hooks", hookBody, cliSecret, time.Now(), "application/json")
	}()
	<-stdout.writing // the delivery is being handled

	cancel()
	refusesConnections(t, addr)
	close(stdout.open)
	assert.Equal(t, http.StatusOK, <-delivered, "the delivery in flight is answered")
	select {
	case code := <-done:
		assert.Equal(t, 0, code, stderr.String())
	case <-time.After(15 * time.Second):
		t.Fatal("webhook listen did not stop")
	}
	assert.True(t, strings.Contains(stdout.buf.String(), "AA_CONSENT_VERIFICATION_SUCCESS"), "the event was handled")
	assert.Contains(t, stderr.String(), "stopped: 1 events")
}
