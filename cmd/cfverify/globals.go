package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cfverify/cfverify/client"
)

// Values that remember whether the command line set them. The same value
// is registered on the root flag set and on the command's, so that global
// flags work on either side of the command name.
type stringFlag struct {
	val string
	set bool
}

func (f *stringFlag) String() string     { return f.val }
func (f *stringFlag) Set(s string) error { f.val, f.set = s, true; return nil }

type durationFlag struct {
	val time.Duration
	set bool
}

func (f *durationFlag) String() string { return f.val.String() }
func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration such as 30s or 2m")
	}
	f.val, f.set = d, true
	return nil
}

type intFlag struct{ val int }

func (f *intFlag) String() string { return strconv.Itoa(f.val) }
func (f *intFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not a whole number")
	}
	f.val = n
	return nil
}

type boolFlag struct{ val bool }

func (f *boolFlag) String() string { return strconv.FormatBool(f.val) }
func (f *boolFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("not true or false")
	}
	f.val = b
	return nil
}
func (f *boolFlag) IsBoolFlag() bool { return true }

// Defaults of the global flags.
const (
	defaultTimeout     = 60 * time.Second
	defaultWaitTimeout = 10 * time.Minute
	defaultRetries     = 2
)

type globals struct {
	env        stringFlag
	baseURL    stringFlag
	apiVersion stringFlag
	timeout    durationFlag
	retries    intFlag
	pretty     boolFlag
	verbose    boolFlag
}

func newGlobals(getenv func(string) string) *globals {
	g := &globals{}
	g.env.val = "sandbox"
	if e := getenv(client.EnvEnvironment); e != "" {
		g.env.val = e
	}
	g.apiVersion.val = client.DefaultAPIVersion
	g.timeout.val = defaultTimeout
	g.retries.val = defaultRetries
	return g
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.Var(&g.env, "env", "the Cashfree environment, `sandbox|production` (else CASHFREE_ENV, else sandbox)")
	fs.Var(&g.baseURL, "base-url", "send requests to `URL` instead, such as a mock (overrides --env)")
	fs.Var(&g.apiVersion, "api-version", "the x-api-version header, a `YYYY-MM-DD` date")
	fs.Var(&g.timeout, "timeout", "give up after `duration`, retries and polling included (10m with --wait unless set)")
	fs.Var(&g.retries, "retries", "retry a failed request up to `N` times (GETs; the POST only when safe)")
	fs.Var(&g.pretty, "pretty", "indent the JSON output")
	fs.Var(&g.verbose, "verbose", "log each HTTP attempt to stderr (secrets and personal data masked)")
}

func (g *globals) check() error {
	if g.env.set || g.env.val != "sandbox" {
		if _, err := client.ParseEnvironment(g.env.val); err != nil {
			return fmt.Errorf("--env %q: use sandbox or production", g.env.val)
		}
	}
	if g.retries.val < 0 {
		return errors.New("--retries cannot be negative")
	}
	if g.timeout.val <= 0 {
		return errors.New("--timeout must be positive")
	}
	return nil
}

// deadline is the context a command runs under.
func (e *env) deadline(ctx context.Context, waiting bool) (context.Context, context.CancelFunc) {
	d := e.g.timeout.val
	if waiting && !e.g.timeout.set {
		d = defaultWaitTimeout
	}
	return context.WithTimeout(ctx, d)
}

// logger is the --verbose logger: debug to stderr, through the client's
// redacting handler, so that nothing secret or personal is written.
func (e *env) logger() *slog.Logger {
	if !e.g.verbose.val {
		return slog.New(slog.DiscardHandler)
	}
	h := slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(client.NewRedactingHandler(h))
}

func (e *env) lookupEnv(name string) (string, bool) {
	v := e.getenv(name)
	return v, v != ""
}

// newClient builds the client from the global flags and the environment.
func (e *env) newClient(needCredentials bool) (*client.Client, *recorder, error) {
	return e.buildClient(clientSetup{needCredentials: needCredentials, fromEnv: true})
}

type clientSetup struct {
	needCredentials bool
	fromEnv         bool // read CASHFREE_* (the demo on the mock does not)
	// wrap, if set, wraps the transport (the demo validates every exchange).
	wrap  func(http.RoundTripper) http.RoundTripper
	extra []client.Option // last, so they win
}

func (e *env) buildClient(s clientSetup) (*client.Client, *recorder, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	var base http.RoundTripper = tr
	if s.wrap != nil {
		base = s.wrap(tr)
	}
	rec := &recorder{base: base, inner: tr}
	policy := client.DefaultRetryPolicy()
	policy.MaxAttempts = e.g.retries.val + 1
	var opts []client.Option
	if s.fromEnv {
		opts = append(opts, client.FromEnvLookup(e.lookupEnv))
	}
	if e.g.env.set {
		env, err := client.ParseEnvironment(e.g.env.val)
		if err != nil {
			return nil, nil, usagef(e.cmd.name, "--env %q: use sandbox or production", e.g.env.val)
		}
		opts = append(opts, client.WithEnvironment(env))
	}
	if e.g.baseURL.val != "" {
		opts = append(opts, client.WithBaseURL(e.g.baseURL.val))
	}
	opts = append(opts,
		client.WithAPIVersion(e.g.apiVersion.val),
		client.WithTimeout(e.g.timeout.val),
		client.WithRetryPolicy(policy),
		client.WithHTTPClient(&http.Client{Transport: rec}),
		client.WithLogger(e.logger()),
		client.WithUserAgent("cfverify-cli/"+version),
	)
	opts = append(opts, s.extra...)
	c, err := client.New(opts...)
	if err != nil {
		return nil, nil, err
	}
	if s.needCredentials && !c.HasCredentials() {
		return nil, nil, usagef(e.cmd.name, "no credentials: set %s and %s (the mock's are %s and %s)",
			client.EnvClientID, client.EnvClientSecret, "cf_test_client", "cf_test_secret")
	}
	e.logger().Debug("cfverify: client ready", "base_url", c.BaseURL(), "api_version", e.g.apiVersion.val,
		"credentials", c.HasCredentials(), "retries", e.g.retries.val)
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

// printJSON writes the last response body, or v if there is none, to stdout.
func (e *env) printJSON(rec *recorder, v any) error {
	data := rec.body()
	if len(bytes.TrimSpace(data)) == 0 || !json.Valid(data) {
		var err error
		if data, err = json.Marshal(v); err != nil {
			return err
		}
	}
	return writeJSON(e.stdout, data, e.g.pretty.val)
}

func writeJSON(w io.Writer, data []byte, pretty bool) error {
	var buf bytes.Buffer
	var err error
	if pretty {
		err = json.Indent(&buf, data, "", "  ")
	} else {
		err = json.Compact(&buf, data)
	}
	if err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// report prints err on one line to stderr and returns its exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	msg := err.Error()
	var apiErr *client.Error
	if errors.As(err, &apiErr) && apiErr.Attempts > 1 && apiErr.StatusCode != http.StatusConflict {
		msg += fmt.Sprintf(" (after %d attempts)", apiErr.Attempts)
	}
	var netErr *client.NetworkError
	if errors.As(err, &netErr) && netErr.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", netErr.Attempts)
	}
	if !strings.HasPrefix(msg, "cfverify") {
		msg = "cfverify: " + msg
	}
	fmt.Fprintln(stderr, oneLine(client.MaskPII(msg)))
	return code
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var (
		usage   *usageError
		apiErr  *client.Error
		input   *client.InputError
		decode  *client.DecodeError
		network *client.NetworkError
		coded   interface{ ExitCode() int } // an error that knows its code (webhookcmd.go)
	)
	switch {
	case errors.As(err, &coded):
		return coded.ExitCode()
	case errors.As(err, &usage), errors.As(err, &input),
		errors.Is(err, client.ErrMissingCredentials), errors.Is(err, client.ErrConfig):
		return exitUsage
	case errors.As(err, &apiErr):
		if apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests {
			return exitServer5x
		}
		return exitClient4x
	case errors.As(err, &decode), errors.Is(err, client.ErrResponseTooLarge):
		return exitServer5x
	case errors.As(err, &network), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, client.ErrRedirectRefused):
		return exitNetwork
	}
	return exitOther
}
