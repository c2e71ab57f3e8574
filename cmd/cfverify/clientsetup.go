// Building the client a command calls with: deadline, logger, transport
// and the recorder that keeps the body the API sent.

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mask"
)

// deadline is the context a command runs under.
func (e *env) deadline(ctx context.Context, waiting bool) (context.Context, context.CancelFunc) {
	d := e.timeout.Get()
	if waiting && !e.timeout.IsSet() {
		d = defaultWaitTimeout
	}
	return context.WithTimeout(ctx, d)
}

// logger is the --verbose logger: debug to stderr, through the client's
// redacting handler, so that nothing secret or personal is written.
func (e *env) logger() *slog.Logger {
	if e.verbose == nil || !e.verbose.Get() {
		return slog.New(slog.DiscardHandler)
	}
	h := slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(mask.NewHandler(h))
}

func (e *env) lookupEnv(name string) (string, bool) {
	v := e.getenv(name)
	return v, v != ""
}

// newClient builds the client from the API flags and the environment.
func (e *env) newClient(needCredentials bool) (*client.Client, *recorder, error) {
	return e.buildClient(clientSetup{needCredentials: needCredentials, fromEnv: true})
}

type clientSetup struct {
	needCredentials bool
	fromEnv         bool // read CASHFREE_* credentials (the demo on the mock does not)
	// wrap, if set, wraps the transport (the demo validates every exchange).
	wrap  func(http.RoundTripper) (http.RoundTripper, error)
	extra []client.Option // last, so they win
	// local is the demo's built-in mock: extra names it, no base URL to choose.
	local bool
}

func (e *env) buildClient(s clientSetup) (*client.Client, *recorder, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	var base http.RoundTripper = tr
	if s.wrap != nil {
		var err error
		if base, err = s.wrap(tr); err != nil {
			return nil, nil, err
		}
	}
	rec := &recorder{base: base, inner: tr}
	policy := client.DefaultRetryPolicy()
	policy.MaxAttempts = e.api.retries.Get() + 1
	var opts []client.Option
	if s.fromEnv {
		opts = append(opts, client.FromEnvLookup(e.lookupEnv))
	}
	var from string
	if !s.local {
		baseURL, source, err := e.api.where(e.getenv)
		if err != nil {
			return nil, nil, usagef(e.name, "%v", err)
		}
		opts, from = append(opts, client.WithBaseURL(baseURL)), source
	}
	opts = append(opts,
		client.WithAPIVersion(e.api.apiVersion.Get()),
		client.WithAttemptTimeout(e.timeout.Get()),
		client.WithRetryPolicy(policy),
		client.WithHTTPClient(&http.Client{Transport: rec}),
		client.WithLogger(e.logger()),
		client.WithUserAgent("cfverify-cli/"+buildVersion().version),
	)
	opts = append(opts, s.extra...)
	c, err := client.New(opts...)
	if err != nil {
		return nil, nil, err
	}
	if s.needCredentials && !c.HasCredentials() {
		return nil, nil, usagef(e.name, "no credentials: set %s and %s (the mock's are %s and %s)",
			client.EnvClientID, client.EnvClientSecret, "cf_test_client", "cf_test_secret")
	}
	if !s.local { // the demo on its mock prints where it calls
		e.logger().Debug("cfverify: client ready", "base_url", c.BaseURL(), "base_url_from", from,
			"api_version", e.api.apiVersion.Get(), "credentials", c.HasCredentials(), "retries", e.api.retries.Get())
	}
	return c, rec, nil
}

// recorder keeps the body of the last response, as the client read it, so
// that the command prints exactly what the API sent.
type recorder struct {
	base  http.RoundTripper
	inner *http.Transport // under any wrapper, for CloseIdleConnections
	mu    sync.Mutex
	last  []byte
}

// CloseIdleConnections reaches the transport under any wrapper (the
// validating transport has no such method), so Client.CloseIdleConnections
// leaves no connection goroutines behind.
func (r *recorder) CloseIdleConnections() { r.inner.CloseIdleConnections() }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	resp.Body = &teeBody{ReadCloser: resp.Body, rec: r}
	return resp, nil
}

func (r *recorder) body() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

type teeBody struct {
	io.ReadCloser
	rec  *recorder
	buf  bytes.Buffer
	once sync.Once
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.buf.Write(p[:n])
	return n, err
}

func (t *teeBody) Close() error {
	t.once.Do(func() {
		t.rec.mu.Lock()
		t.rec.last = t.buf.Bytes()
		t.rec.mu.Unlock()
	})
	return t.ReadCloser.Close()
}
