package otelcfverify_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/otelcfverify"
)

const (
	testSecret = "cf_test_secret_do_not_leak"
	testMobile = "9876543210"
)

// setup returns a client instrumented with the real SDK's in-memory span
// exporter and a manual metric reader, against a loopback server that
// answers the first fails requests 503, then 401 to ids starting with
// "denied", else the spec's example.
func setup(t *testing.T, fails int) (*client.Client, *tracetest.InMemoryExporter, *sdkmetric.ManualReader, *atomic.Value) {
	t.Helper()
	ex, ok := openapi.MustLoad().Components.Examples["DigiLockerAuthenticated"]
	require.True(t, ok)
	body, err := json.Marshal(ex.Value.Value)
	require.NoError(t, err)
	var n atomic.Int32
	var traceparent atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		traceparent.Store(r.Header.Get("Traceparent"))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case int(n.Add(1)) <= fails:
			w.WriteHeader(503)
			_, _ = w.Write([]byte(`{"type":"internal_error","code":"service_unavailable","message":"try again"}`))
		case strings.HasPrefix(r.URL.Query().Get("verification_id"), "denied"):
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"type":"authentication_error","code":"authentication_failed","message":"bad credentials"}`))
		default:
			_, _ = w.Write(body)
		}
	}))
	t.Cleanup(srv.Close)

	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tel, err := otelcfverify.New(otelcfverify.WithTracerProvider(tp), otelcfverify.WithMeterProvider(mp),
		otelcfverify.WithPropagator(propagation.TraceContext{}))
	require.NoError(t, err)
	c, err := client.New(client.WithBaseURL(srv.URL+"/verification"), client.WithCredentials("cf_test_client", testSecret),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
		tel.Option())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, spans, reader, &traceparent
}

func attr(kvs []attribute.KeyValue, key attribute.Key) (attribute.Value, bool) {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func TestTelemetry_spanPerCallWithAttemptChildren(t *testing.T) {
	c, exporter, _, traceparent := setup(t, 2)
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("verif-"+testMobile))
	require.NoError(t, err)

	spans := exporter.GetSpans()
	require.Len(t, spans, 4, "three attempts and the call")
	call := spans[3]
	assert.Equal(t, client.OpDigiLockerStatus, call.Name)
	assert.Equal(t, trace.SpanKindInternal, call.SpanKind)
	attempts, _ := attr(call.Attributes, otelcfverify.AttemptsKey)
	assert.Equal(t, int64(3), attempts.AsInt64())
	outcome, _ := attr(call.Attributes, otelcfverify.OutcomeKey)
	assert.Equal(t, "ok", outcome.AsString())
	assert.Equal(t, codes.Unset, call.Status.Code)

	for i, s := range spans[:3] {
		assert.Equal(t, "GET /digilocker", s.Name)
		assert.Equal(t, trace.SpanKindClient, s.SpanKind)
		assert.Equal(t, call.SpanContext.SpanID(), s.Parent.SpanID(), "attempt %d is a child of the call", i+1)
		assert.Equal(t, call.SpanContext.TraceID(), s.SpanContext.TraceID())
		status, _ := attr(s.Attributes, "http.response.status_code")
		method, _ := attr(s.Attributes, "http.request.method")
		assert.Equal(t, "GET", method.AsString())
		full, _ := attr(s.Attributes, "url.full")
		assert.Contains(t, full.AsString(), "verification_id=REDACTED")
		resend, hasResend := attr(s.Attributes, "http.request.resend_count")
		if i == 0 {
			assert.False(t, hasResend, "the first attempt is no resend")
			assert.Equal(t, int64(503), status.AsInt64())
			assert.Equal(t, codes.Error, s.Status.Code)
		} else {
			assert.Equal(t, int64(i), resend.AsInt64())
		}
	}
	assert.Equal(t, int64(200), mustAttr(t, spans[2].Attributes, "http.response.status_code").AsInt64())
	tp, _ := traceparent.Load().(string)
	assert.Contains(t, tp, spans[2].SpanContext.TraceID().String(), "the attempt's context goes out in traceparent")
}

func mustAttr(t *testing.T, kvs []attribute.KeyValue, key attribute.Key) attribute.Value {
	t.Helper()
	v, ok := attr(kvs, key)
	require.True(t, ok, "no attribute %s", key)
	return v
}

func TestTelemetry_errorCallSpanAndNoSecretsOrPersonalData(t *testing.T) {
	c, exporter, _, _ := setup(t, 0)
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("denied-"+testMobile))
	require.Error(t, err)
	spans := exporter.GetSpans()
	require.Len(t, spans, 2)
	call := spans[1]
	assert.Equal(t, codes.Error, call.Status.Code)
	assert.Equal(t, "authentication_failed", mustAttr(t, call.Attributes, otelcfverify.ErrorCodeKey).AsString())
	assert.Equal(t, "api_error", mustAttr(t, call.Attributes, otelcfverify.OutcomeKey).AsString())
	assert.Equal(t, "401", mustAttr(t, call.Attributes, "error.type").AsString())
	for _, s := range spans {
		for _, kv := range s.Attributes {
			v := kv.Value.String()
			assert.NotContains(t, v, testSecret, "attribute %s", kv.Key)
			assert.NotContains(t, v, testMobile, "attribute %s", kv.Key)
			assert.NotContains(t, v, "denied-", "attribute %s carries the caller's id", kv.Key)
		}
	}
}

func TestTelemetry_metrics(t *testing.T) {
	c, _, reader, _ := setup(t, 2)
	for _, id := range []string{"ok-1", "ok-2", "denied-1"} {
		_, _ = c.DigiLockerStatus(t.Context(), client.ByVerificationID(id))
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(t.Context(), &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	byName := map[string]metricdata.Metrics{}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		byName[m.Name] = m
	}

	durations := byName[otelcfverify.MetricCallDuration].Data.(metricdata.Histogram[float64])
	counts := map[string]uint64{}
	for _, dp := range durations.DataPoints {
		outcome, _ := dp.Attributes.Value(otelcfverify.OutcomeKey)
		op, _ := dp.Attributes.Value(otelcfverify.OperationKey)
		assert.Equal(t, client.OpDigiLockerStatus, op.AsString())
		counts[outcome.AsString()] += dp.Count
	}
	assert.Equal(t, map[string]uint64{"ok": 2, "api_error": 1}, counts)
	assert.Equal(t, "s", byName[otelcfverify.MetricCallDuration].Unit)

	sum := func(name string) int64 {
		var n int64
		for _, dp := range byName[name].Data.(metricdata.Sum[int64]).DataPoints {
			n += dp.Value
		}
		return n
	}
	assert.Equal(t, int64(5), sum(otelcfverify.MetricAttempts), "3 for the first call (two 503s), 1 each after")
	assert.Equal(t, int64(2), sum(otelcfverify.MetricRetries))
	errs := byName[otelcfverify.MetricErrors].Data.(metricdata.Sum[int64]).DataPoints
	require.Len(t, errs, 1)
	code, _ := errs[0].Attributes.Value(otelcfverify.ErrorCodeKey)
	assert.Equal(t, "authentication_failed", code.AsString())
	assert.Equal(t, int64(1), errs[0].Value)

	httpDur := byName[otelcfverify.MetricHTTPDuration].Data.(metricdata.Histogram[float64])
	byStatus := map[int64]uint64{}
	for _, dp := range httpDur.DataPoints {
		st, _ := dp.Attributes.Value("http.response.status_code")
		byStatus[st.AsInt64()] += dp.Count
	}
	assert.Equal(t, map[int64]uint64{503: 2, 200: 2, 401: 1}, byStatus)
}
