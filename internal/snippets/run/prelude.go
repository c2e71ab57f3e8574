// Package run is where the Go blocks of README.md and docs/ are compiled
// and run (internal/snippets). A fragment becomes the body of a function
// whose parameters are the names below, so a snippet may use them without
// declaring them; each is a working value against an in-process mock.
package run

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/webhook"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Env holds the names a fragment may use without declaring them.
type Env struct {
	T           *testing.T
	Ctx         context.Context // ctx
	Client      *client.Client  // c: a client of Server
	Server      *mock.Server    // srv: an in-process mock, one poll per status
	Logger      *slog.Logger    // logger
	AccessToken string          // accessToken: a token the mock accepts
	ID, Secret  string          // id, secret: the mock's credentials
	KYC         *Records        // kyc: your own store, in the webhook example
	Jobs        *Records        // jobs: your own job queue, in the webhook example
	// tracerProvider, meterProvider: the OpenTelemetry SDK's own providers.
	TracerProvider *sdktrace.TracerProvider
	MeterProvider  *sdkmetric.MeterProvider
	// fn: the reader's webhook function, handed to webhook.NewHandler.
	Fn webhook.HandlerFunc
}

// NewEnv starts a mock for one snippet and closes it when the test ends.
// CASHFREE_BASE_URL, CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET name the
// mock and its credentials, as a reader's environment names the sandbox, so
// that client.FromEnv() finds the mock.
func NewEnv(t *testing.T) *Env {
	t.Helper()
	t.Setenv("CASHFREE_CLIENT_ID", mock.DefaultClientID)
	t.Setenv("CASHFREE_CLIENT_SECRET", mock.DefaultClientSecret)
	srv, err := mock.New(mock.WithPolls(1))
	if err != nil {
		t.Fatalf("mock.New: %v", err)
	}
	t.Cleanup(srv.Close)
	t.Setenv("CASHFREE_BASE_URL", srv.URL())
	tp, mp := sdktrace.NewTracerProvider(), sdkmetric.NewMeterProvider()
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	c, err := client.New(client.WithBaseURL(srv.URL()), client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret))
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return &Env{
		T: t, Ctx: t.Context(), Client: c, Server: srv,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		AccessToken: "token-from-your-oauth-flow",
		ID:          mock.DefaultClientID, Secret: mock.DefaultClientSecret,
		KYC: &Records{}, Jobs: &Records{},
		TracerProvider: tp, MeterProvider: mp,
		Fn: func(ctx context.Context, ev *webhook.Event) error { return nil },
	}
}

// Records stands for the reader's own code that a snippet calls (a KYC
// store, a job queue): it records each call.
type Records struct {
	mu    sync.Mutex
	Calls []string
}

func (r *Records) record(call string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Calls = append(r.Calls, call)
	return nil
}

// MarkVerified records a finished DigiLocker verification.
func (r *Records) MarkVerified(_ context.Context, id string, _ any) error {
	return r.record("MarkVerified " + id)
}

// MarkEnded records a verification that ended without success.
func (r *Records) MarkEnded(_ context.Context, resource webhook.Resource, id, status string) error {
	return r.record("MarkEnded " + string(resource) + " " + id + " " + status)
}

// FetchFinancialData records a job to fetch an FI answer.
func (r *Records) FetchFinancialData(_ context.Context, id string) error {
	return r.record("FetchFinancialData " + id)
}
