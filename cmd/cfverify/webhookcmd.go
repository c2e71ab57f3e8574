package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cfverify/cfverify/metrics"
	"github.com/cfverify/cfverify/webhook"
)

// exitRejected is webhook verify's code for a delivery it rejects (the
// same number as exitClient4x: the sender's request was refused).
const exitRejected = 3

// webhookStdin is where webhook verify reads the raw body (tests replace it).
var webhookStdin io.Reader = os.Stdin

// rejectedError is a delivery webhook verify refuses: exit 3.
type rejectedError struct{ err error }

func (e *rejectedError) Error() string { return "cfverify webhook verify: rejected: " + e.err.Error() }
func (e *rejectedError) Unwrap() error { return e.err }
func (e *rejectedError) ExitCode() int { return exitRejected }

// sendError is a receiver's non-2xx answer to webhook send: exit 3 for 4xx,
// 4 for 5xx, like the API commands.
type sendError struct{ status int }

func (e *sendError) Error() string {
	return fmt.Sprintf("cfverify webhook send: the receiver answered %d %s", e.status, http.StatusText(e.status))
}

func (e *sendError) ExitCode() int {
	if e.status >= 500 {
		return exitServer5x
	}
	return exitClient4x
}

// webhookSecret reads CASHFREE_CLIENT_SECRET; without it the command is
// misused (exit 2).
func webhookSecret(e *env) (string, error) {
	s := e.getenv("CASHFREE_CLIENT_SECRET")
	if s == "" {
		return "", usagef(e.name, "set CASHFREE_CLIENT_SECRET: webhooks are signed with the client secret")
	}
	return s, nil
}

func toleranceFlag(fs *pflag.FlagSet) *flagValue[time.Duration] {
	return durationFlag(fs, "tolerance", webhook.DefaultTolerance, "how far x-webhook-timestamp may be from now (0: no check)")
}

var webhookVerifyCmd = &command{
	name:    "webhook verify",
	args:    "--signature SIG --timestamp MS [flags] < raw-body",
	summary: "verify one webhook delivery: exit 0 and the event on stdout, or exit 3",
	long:    "The raw body is read from stdin; the secret from CASHFREE_CLIENT_SECRET.",
	example: "  CASHFREE_CLIENT_SECRET=… cfverify webhook verify \\\n" +
		"    --signature \"$HTTP_X_WEBHOOK_SIGNATURE\" --timestamp \"$HTTP_X_WEBHOOK_TIMESTAMP\" < body.json",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		sig := stringFlag(fs, "signature", "", "the x-webhook-signature header")
		ts := stringFlag(fs, "timestamp", "", "the x-webhook-timestamp header (Unix `ms`)")
		tolerance := toleranceFlag(fs)
		return func(context.Context) error {
			if sig.Get() == "" || ts.Get() == "" {
				return usagef(e.name, "--signature and --timestamp are required")
			}
			if tolerance.Get() < 0 {
				return usagef(e.name, "--tolerance must not be negative")
			}
			secret, err := webhookSecret(e)
			if err != nil {
				return err
			}
			body, err := io.ReadAll(io.LimitReader(webhookStdin, webhook.DefaultMaxBodyBytes+1))
			if err != nil {
				return fmt.Errorf("cfverify webhook verify: reading the body: %w", err)
			}
			if len(body) > webhook.DefaultMaxBodyBytes {
				return &rejectedError{fmt.Errorf("body larger than %d bytes", webhook.DefaultMaxBodyBytes)}
			}
			if err := webhook.Verify(secret, ts.Get(), sig.Get(), body, webhook.WithTolerance(tolerance.Get())); err != nil {
				return &rejectedError{err}
			}
			if _, err := webhook.Parse(body); err != nil {
				return &rejectedError{err}
			}
			var out bytes.Buffer
			if err := json.Compact(&out, body); err != nil {
				return &rejectedError{err}
			}
			out.WriteByte('\n')
			_, err = e.stdout.Write(out.Bytes())
			return err
		}
	},
}

var webhookListenCmd = &command{
	name:    "webhook listen",
	args:    "[--addr 127.0.0.1:8090] [--store URL] [flags]",
	summary: "receive webhooks: verify, drop duplicates, print one JSON line per new event",
	example: "  CASHFREE_CLIENT_SECRET=cf_test_secret cfverify webhook listen --addr 127.0.0.1:8090 &\n" +
		"  cfverify mock --webhook-url http://127.0.0.1:8090/webhooks",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		addr := stringFlag(fs, "addr", "127.0.0.1:8090", "listen on `host:port`; POST on any path is a delivery")
		tolerance := toleranceFlag(fs)
		metricsAddr := metricsAddrFlag(fs)
		storeURL := stringFlag(fs, "store", "memory", storeFlagUsage)
		e.addVerbose(fs, "log each delivery received, rejected or dropped as a duplicate to stderr")
		return func(ctx context.Context) error {
			if tolerance.Get() < 0 {
				return usagef(e.name, "--tolerance must not be negative")
			}
			secret, err := webhookSecret(e)
			if err != nil {
				return err
			}
			store, closeStore, err := openWebhookStore(ctx, e, storeURL.Get())
			if err != nil {
				return err
			}
			defer closeStore()
			var mu sync.Mutex
			wm := metrics.NewWebhookMetrics()
			h, err := webhook.NewHandler(func(_ context.Context, ev *webhook.Event) error {
				line, err := json.Marshal(map[string]any{
					"event_type": ev.Type, "event_time": ev.RawTime, "version": ev.Version,
					"attempt": ev.Attempt, "data": ev.Data,
				})
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				_, err = fmt.Fprintf(e.stdout, "%s\n", line)
				return err
			}, webhook.WithSecrets(secret), webhook.WithTolerance(tolerance.Get()), webhook.WithLogger(e.logger()), webhook.WithObserver(wm.Observe), webhook.WithStore(store))
			if err != nil {
				return usagef(e.name, "%v", err)
			}
			ms, err := startMetrics(metricsAddr.Get(), e.stderr, "cfverify webhook listen", wm)
			if err != nil {
				return err
			}
			defer ms.close()
			ln, err := net.Listen("tcp", addr.Get())
			if err != nil {
				return fmt.Errorf("cfverify webhook listen: %w", err)
			}
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			fmt.Fprintf(e.stderr, "cfverify webhook listen: receiving at http://%s/ (any path); Ctrl-C stops\n", ln.Addr())
			ms.announce(e.stderr)
			select {
			case <-ctx.Done():
			case err := <-done:
				return fmt.Errorf("cfverify webhook listen: %w", err)
			}
			ms.drain()
			shutdown, cancel := graceContext(ctx)
			defer cancel()
			if err := srv.Shutdown(shutdown); err != nil {
				fmt.Fprintf(e.stderr, "cfverify webhook listen: deliveries still running after %s were cut off\n", shutdownGrace)
			}
			st := h.Stats()
			fmt.Fprintf(e.stderr, "cfverify webhook listen: stopped: %d events, %d duplicates dropped, %d rejected (%d bad signature or timestamp, %d malformed, %d refused), %d failed\n",
				st.Handled, st.Duplicates, st.Unauthorized+st.Malformed+st.Refused, st.Unauthorized, st.Malformed, st.Refused, st.Failed)
			return nil
		}
	},
}

var webhookSendCmd = &command{
	name:    "webhook send",
	args:    "--url URL --event TYPE --id ID [flags]",
	summary: "sign a sample event with CASHFREE_CLIENT_SECRET and POST it: test your own endpoint",
	example: "  CASHFREE_CLIENT_SECRET=… cfverify webhook send --url http://127.0.0.1:8090/webhooks \\\n" +
		"    --event DIGILOCKER_VERIFICATION_SUCCESS --id kyc-1",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		target := stringFlag(fs, "url", "", "the receiver's `URL`")
		eventType := stringFlag(fs, "event", "", "the event `TYPE`, such as AA_CONSENT_VERIFICATION_SUCCESS")
		id := stringFlag(fs, "id", "", "the verification, consent or FI request `ID` the event is about")
		e.addTimeout(fs, "give up on the receiver after `duration`")
		return func(ctx context.Context) error {
			switch {
			case target.Get() == "" || eventType.Get() == "" || id.Get() == "":
				return usagef(e.name, "--url, --event and --id are required")
			case !strings.HasPrefix(target.Get(), "http://") && !strings.HasPrefix(target.Get(), "https://"):
				return usagef(e.name, "--url must be an http or https URL")
			case !webhook.EventType(eventType.Get()).Known():
				names := make([]string, 0, 14)
				for _, t := range webhook.EventTypes() {
					names = append(names, string(t))
				}
				return usagef(e.name, "--event %q is not one of %s", eventType.Get(), strings.Join(names, ", "))
			}
			secret, err := webhookSecret(e)
			if err != nil {
				return err
			}
			now := time.Now()
			body, err := webhook.SampleEvent(webhook.EventType(eventType.Get()), id.Get(), now)
			if err != nil {
				return usagef(e.name, "%v", err)
			}
			ctx, cancel := e.deadline(ctx, false)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.Get(), bytes.NewReader(body))
			if err != nil {
				return usagef(e.name, "--url: %v", err)
			}
			ts := webhook.Timestamp(now)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(webhook.HeaderTimestamp, ts)
			req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, ts, body))
			req.Header.Set(webhook.HeaderAttempt, "1")
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Do(req)
			if err != nil {
				var urlErr interface{ Timeout() bool }
				if errors.As(err, &urlErr) && urlErr.Timeout() {
					return fmt.Errorf("cfverify webhook send: %w", context.DeadlineExceeded)
				}
				return &networkExit{err}
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				return &sendError{status: resp.StatusCode}
			}
			fmt.Fprintf(e.stdout, "cfverify webhook send: %s for %s delivered to %s: %d %s\n",
				eventType.Get(), id.Get(), target.Get(), resp.StatusCode, http.StatusText(resp.StatusCode))
			return nil
		}
	},
}

// networkExit is a receiver that could not be reached: exit 5.
type networkExit struct{ err error }

func (e *networkExit) Error() string { return "cfverify webhook send: " + e.err.Error() }
func (e *networkExit) Unwrap() error { return e.err }
func (e *networkExit) ExitCode() int { return exitNetwork }
