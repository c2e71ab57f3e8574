package otelcfverify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/operation"
)

// Telemetry is a client's tracer and instruments: a client.CallObserver
// and a client.Middleware.
type Telemetry struct {
	tracer       trace.Tracer
	propagator   propagation.TextMapPropagator
	callDuration metric.Float64Histogram
	httpDuration metric.Float64Histogram
	attempts     metric.Int64Counter
	retries      metric.Int64Counter
	errors       metric.Int64Counter
	ops          map[string]*opTelemetry // by operation id, made once
}

// opTelemetry is what every call of one operation shares: names and
// attribute sets made once rather than per call.
type opTelemetry struct {
	attemptName string                   // "GET /digilocker"
	template    attribute.KeyValue       // url.template
	op          attribute.KeyValue       // cfverify.operation
	opSet       metric.MeasurementOption // {cfverify.operation}
	okSet       metric.MeasurementOption // {cfverify.operation, cfverify.outcome=ok}
}

func newOpTelemetry(op, method, template string) *opTelemetry {
	opAttr := OperationKey.String(op)
	return &opTelemetry{
		attemptName: method + " " + template,
		template:    semconv.URLTemplate(template),
		op:          opAttr,
		opSet:       metric.WithAttributeSet(attribute.NewSet(opAttr)),
		okSet:       metric.WithAttributeSet(attribute.NewSet(opAttr, OutcomeKey.String("ok"))),
	}
}

// opFor returns the operation's shared telemetry (made on the spot for an
// id the table does not know, which the client never sends).
func (t *Telemetry) opFor(op, method string) *opTelemetry {
	if o, ok := t.ops[op]; ok {
		return o
	}
	return newOpTelemetry(op, method, "/")
}

var _ client.CallObserver = (*Telemetry)(nil)

func newTelemetry(cfg config) (*Telemetry, error) {
	m := cfg.mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	t := &Telemetry{
		tracer:     cfg.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		propagator: cfg.propagator,
	}
	var errs [5]error
	t.callDuration, errs[0] = m.Float64Histogram(MetricCallDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of cfverify client calls, retries and waits included."))
	t.httpDuration, errs[1] = m.Float64Histogram(MetricHTTPDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP client requests."))
	t.attempts, errs[2] = m.Int64Counter(MetricAttempts, metric.WithUnit("{attempt}"),
		metric.WithDescription("HTTP attempts made by cfverify client calls."))
	t.retries, errs[3] = m.Int64Counter(MetricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("HTTP attempts that repeated an earlier attempt of the same call."))
	t.errors, errs[4] = m.Int64Counter(MetricErrors, metric.WithUnit("{error}"),
		metric.WithDescription("cfverify client calls that ended with an error, by the API's error code."))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	t.ops = make(map[string]*opTelemetry, len(operation.All))
	for _, o := range operation.All {
		t.ops[o.ID] = newOpTelemetry(o.ID, o.Method, "/"+o.Path)
	}
	return t, nil
}

// StartCall starts the call's span.
func (t *Telemetry) StartCall(ctx context.Context, op string) context.Context {
	ctx, _ = t.tracer.Start(ctx, op, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(t.opFor(op, "").op))
	return ctx
}

// EndCall ends the call's span and records the call's metrics.
func (t *Telemetry) EndCall(ctx context.Context, end client.CallEnd) {
	o := t.opFor(end.OperationID, "")
	span := trace.SpanFromContext(ctx)
	if end.Attempts > 1 {
		t.retries.Add(ctx, int64(end.Attempts-1), o.opSet)
	}
	if end.Err == nil {
		span.SetAttributes(OutcomeKey.String("ok"), AttemptsKey.Int(end.Attempts))
		span.End()
		t.callDuration.Record(ctx, end.Duration.Seconds(), o.okSet)
		return
	}
	outcome := outcomeOf(end.Err)
	attrs := []attribute.KeyValue{o.op, OutcomeKey.String(outcome)}
	if code := plainCode(string(end.Code())); code != "" {
		attrs = append(attrs, ErrorCodeKey.String(code))
	}
	span.SetAttributes(append(attrs[1:len(attrs):len(attrs)], AttemptsKey.Int(end.Attempts), semconv.ErrorTypeKey.String(errorType(end)))...)
	span.SetStatus(codes.Error, outcome)
	span.End()
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	t.callDuration.Record(ctx, end.Duration.Seconds(), set)
	t.errors.Add(ctx, 1, set)
}

// middleware makes an HTTP client span per attempt, child of the call's.
func (t *Telemetry) middleware(req *http.Request, next client.MiddlewareNext) (*http.Response, error) {
	ctx := req.Context()
	op, _ := client.OperationID(ctx)
	attempt, _ := client.Attempt(ctx)
	o := t.opFor(op, req.Method)
	host, port := hostPort(req.URL)
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs,
		semconv.HTTPRequestMethodKey.String(req.Method),
		semconv.ServerAddress(host),
		semconv.ServerPort(port),
		o.template,
		o.op,
	)
	spanAttrs := append(attrs[:len(attrs):len(attrs)], semconv.URLFull(redactedURL(req.URL)))
	if attempt > 1 {
		spanAttrs = append(spanAttrs, semconv.HTTPRequestResendCount(attempt-1))
	}
	ctx, span := t.tracer.Start(ctx, o.attemptName, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(spanAttrs...))
	defer span.End()
	req = req.WithContext(ctx)
	if t.propagator != nil && len(t.propagator.Fields()) > 0 {
		req.Header = req.Header.Clone()
		t.propagator.Inject(ctx, propagation.HeaderCarrier(req.Header))
	}

	start := time.Now()
	resp, err := next(req)
	elapsed := time.Since(start)
	switch {
	case err != nil:
		typ := semconv.ErrorType(err)
		if errors.Is(err, context.DeadlineExceeded) {
			typ = semconv.ErrorTypeKey.String("timeout")
		}
		attrs = append(attrs, typ)
		span.SetAttributes(typ)
		span.SetStatus(codes.Error, typ.Value.AsString())
	default:
		status := semconv.HTTPResponseStatusCode(resp.StatusCode)
		attrs = append(attrs, status)
		span.SetAttributes(status)
		if resp.StatusCode >= 400 {
			typ := semconv.ErrorTypeKey.String(strconv.Itoa(resp.StatusCode))
			attrs = append(attrs, typ)
			span.SetAttributes(typ)
			span.SetStatus(codes.Error, "")
		}
	}
	t.httpDuration.Record(ctx, elapsed.Seconds(), metric.WithAttributeSet(attribute.NewSet(attrs...)))
	t.attempts.Add(ctx, 1, o.opSet)
	return resp, err
}

// outcomeOf names how a call ended.
func outcomeOf(err error) string {
	var (
		apiErr *client.Error
		netErr *client.NetworkError
		decErr *client.DecodeError
	)
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &apiErr):
		return "api_error"
	case errors.As(err, &netErr):
		return "network_error"
	case errors.As(err, &decErr):
		return "decode_error"
	}
	return "error"
}

// errorType is the conventions' error.type of a failed call: the HTTP
// status of an error answer, else the kind of failure.
func errorType(end client.CallEnd) string {
	var apiErr *client.Error
	if errors.As(end.Err, &apiErr) {
		return strconv.Itoa(apiErr.StatusCode)
	}
	if errors.Is(end.Err, context.DeadlineExceeded) {
		return "timeout"
	}
	return outcomeOf(end.Err)
}

// codePattern is what a plain error code looks like (authentication_failed,
// x-client-id_missing). Anything else is a server's free text, which could
// hold anything, and is not recorded.
var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

func plainCode(code string) string {
	if codePattern.MatchString(code) {
		return code
	}
	if code == "" {
		return ""
	}
	return "_OTHER"
}

// redactedURL is u with every query value replaced: ids and reference ids
// are the caller's business, not telemetry's.
func redactedURL(u *url.URL) string {
	var b strings.Builder
	b.Grow(len(u.Scheme) + len(u.Host) + len(u.EscapedPath()) + len(u.RawQuery) + 16)
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(u.Host)
	b.WriteString(u.EscapedPath())
	sep := byte('?')
	for pair := range strings.SplitSeq(u.RawQuery, "&") {
		if pair == "" {
			continue
		}
		b.WriteByte(sep)
		sep = '&'
		key, _, _ := strings.Cut(pair, "=")
		b.WriteString(key)
		b.WriteString("=REDACTED")
	}
	return b.String()
}

func hostPort(u *url.URL) (string, int) {
	host, portText, err := net.SplitHostPort(u.Host)
	if err != nil {
		host = u.Hostname()
	}
	port, _ := strconv.Atoi(portText)
	if port == 0 {
		port = 443
		if u.Scheme == "http" {
			port = 80
		}
	}
	return host, port
}
