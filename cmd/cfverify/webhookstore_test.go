package main

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/testservers"
)

// storeServer is a real engine behind a --store URL that a test can stop
// and start again.
type storeServer struct {
	url         string
	stop, start func()
}

func storeServers(t *testing.T) map[string]func(t *testing.T) storeServer {
	return map[string]func(t *testing.T) storeServer{
		"redis": func(t *testing.T) storeServer {
			r := testservers.StartRedis(t)
			return storeServer{url: r.URL(0), stop: r.Stop, start: r.Start}
		},
		"postgres": func(t *testing.T) storeServer {
			p := testservers.StartPostgres(t)
			return storeServer{url: p.URL, stop: p.Stop, start: p.Start}
		},
	}
}

func consentEvent(id string) []byte {
	return fmt.Appendf(nil, `{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","version":"v1","data":{"status":"SUCCESS","consent_verification_id":%q}}`, id)
}

func TestWebhookListen_twoListenersShareOneStore(t *testing.T) {
	t.Parallel()
	for name, start := range storeServers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			env := map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}
			urlA, outA, _, stopA := listening(t, env, "--store", srv.url)
			urlB, outB, _, stopB := listening(t, env, "--store", srv.url)
			const events = 20
			var wg sync.WaitGroup
			for i := range events {
				body := consentEvent(fmt.Sprintf("consent-%02d", i))
				for _, url := range []string{urlA, urlB} { // each copy to both, at once
					wg.Go(func() {
						for attempt := 0; ; attempt++ {
							status := post(t, url, body, cliSecret, time.Now(), "application/json")
							if status == 200 {
								return
							}
							assert.Equal(t, 503, status, "a copy while the other is handled is answered 503")
							require.Less(t, attempt, 200, "never acknowledged")
							time.Sleep(10 * time.Millisecond)
						}
					})
				}
			}
			wg.Wait()
			require.Equal(t, 0, stopA())
			require.Equal(t, 0, stopB())
			printed := outA.String() + outB.String()
			assert.Equal(t, events, strings.Count(printed, "\n"), "each event printed once between the two listeners:\n%s", printed)
			for i := range events {
				assert.Equal(t, 1, strings.Count(printed, fmt.Sprintf(`"consent-%02d"`, i)), "event %d", i)
			}
		})
	}
}

func TestWebhookListen_storeDownIs5xxAndTheRetryIsHandledOnce(t *testing.T) {
	t.Parallel()
	for name, start := range storeServers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			env := map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}
			url, out, errOut, stop := listening(t, env, "--store", srv.url)
			body := consentEvent("consent-down")
			srv.stop()
			for range 3 {
				status := post(t, url, body, cliSecret, time.Now(), "application/json")
				assert.GreaterOrEqual(t, status, 500, "while the store is down a delivery is never acknowledged")
			}
			assert.Empty(t, out.String(), "nothing handled while the store is down")
			srv.start()
			require.Eventually(t, func() bool {
				return post(t, url, body, cliSecret, time.Now(), "application/json") == 200
			}, 15*time.Second, 50*time.Millisecond, "the retry after the store is back is handled")
			assert.Equal(t, 200, post(t, url, body, cliSecret, time.Now(), "application/json"))
			require.Equal(t, 0, stop())
			assert.Equal(t, 1, strings.Count(out.String(), "\n"), "handled once: %s", out.String())
			assert.Contains(t, errOut.String(), "1 events, 1 duplicates dropped")
		})
	}
}

func TestWebhookListen_storeURLErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())
	c := &cli{t: t, env: map[string]string{"CASHFREE_CLIENT_SECRET": cliSecret}}
	listen := func(store string) result {
		return c.run("webhook", "listen", "--addr", "127.0.0.1:0", "--store", store)
	}
	listen("mysql://db/hooks").errorLine(t, 2, `scheme "mysql"`)
	listen("postgres://u@"+closed+"/db?sslmode=bogus").errorLine(t, 2, "--store")
	r := listen("redis://:hunter2pw@" + closed + "/0")
	r.errorLine(t, 5, "--store redis://:xxxxx@")
	assert.NotContains(t, r.stderr, "hunter2pw", "the password is never shown")
	r = listen("postgres://u:hunter2pw@" + closed + "/db?sslmode=disable&connect_timeout=2")
	r.errorLine(t, 5, "--store postgres://u:xxxxx@")
	assert.NotContains(t, r.stderr, "hunter2pw")
}
