// Package otelcfverify traces and measures the calls of a cfverify client
// with OpenTelemetry: a span per call (named by the operation id, such as
// getDigiLockerStatus) with an HTTP client span per attempt as its child,
// following the OpenTelemetry HTTP client conventions, and metrics of call
// duration, attempts, retries and error codes by operation.
//
//	tel, err := otelcfverify.New(otelcfverify.WithTracerProvider(tp), otelcfverify.WithMeterProvider(mp))
//	c, err := client.New(client.FromEnv(), tel.Option())
//
// It is a package of its own so that the client never imports
// OpenTelemetry. Attributes carry no personal data and no secret: no
// header, no body, no query value (url.full has every query value replaced
// by REDACTED), and the API's error code only when it is a plain code.
package otelcfverify

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/cfverify/cfverify/client"
)

// ScopeName is the instrumentation scope of the spans and metrics.
const ScopeName = "github.com/cfverify/cfverify/otelcfverify"

// Attribute keys of this package, beside the semantic conventions'.
const (
	// OperationKey is the spec's operationId, such as getDigiLockerStatus.
	OperationKey = attribute.Key("cfverify.operation")
	// OutcomeKey is how a call ended: ok, api_error, network_error,
	// decode_error or error.
	OutcomeKey = attribute.Key("cfverify.outcome")
	// ErrorCodeKey is the API's error code, such as authentication_failed.
	ErrorCodeKey = attribute.Key("cfverify.error.code")
	// AttemptsKey is how many HTTP attempts a call made.
	AttemptsKey = attribute.Key("cfverify.attempts")
)

// Metric names (OpenTelemetry style; a Prometheus exporter renders
// cfverify.client.call.duration as cfverify_client_call_duration_seconds).
const (
	MetricCallDuration = "cfverify.client.call.duration"
	MetricAttempts     = "cfverify.client.attempts"
	MetricRetries      = "cfverify.client.retries"
	MetricErrors       = "cfverify.client.errors"
	// MetricHTTPDuration is the conventions' http.client.request.duration, per attempt.
	MetricHTTPDuration = "http.client.request.duration"
)

// Option configures Instrument.
type Option func(*config)

type config struct {
	tp         trace.TracerProvider
	mp         metric.MeterProvider
	propagator propagation.TextMapPropagator
}

// WithTracerProvider sets where spans go (default: otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider sets where metrics go (default: otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// WithPropagator sets how the attempt span's context is written into the
// request's headers (default: otel.GetTextMapPropagator(), which sends
// nothing until the application sets one).
func WithPropagator(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.propagator = p }
}

// New makes the instruments. It fails when the meter provider refuses one.
func New(opts ...Option) (*Telemetry, error) {
	cfg := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider(), propagator: otel.GetTextMapPropagator()}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return newTelemetry(cfg)
}

// Option is the client.Option that makes a Client traced and measured by t.
// One Telemetry may serve many clients.
func (t *Telemetry) Option() client.Option {
	return client.WithOptions(client.WithCallObserver(t), client.WithMiddleware(t.middleware))
}
