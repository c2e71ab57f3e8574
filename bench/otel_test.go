package bench

import (
	"context"
	"net/http"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/otelcfverify"
)

// BenchmarkPairedOTel: each operation through the client from an in-memory
// RoundTripper, without telemetry and with otelcfverify on the real SDK
// (every span sampled, batched to an exporter that drops them; metrics
// aggregated for a reader). Metrics: ratio (with/without, median of
// paired rounds) with its 95% interval, and extra-allocs per call. The
// in-memory transport makes this the whole of the client's own work: over
// a network the share is smaller.
func BenchmarkPairedOTel(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	tel, err := otelcfverify.New(otelcfverify.WithTracerProvider(tp), otelcfverify.WithMeterProvider(mp))
	if err != nil {
		b.Fatal(err)
	}
	for _, op := range opOrder {
		rt := fixedTransport{body: bodies()[op]}
		plain := newClient(b, "http://127.0.0.1:1", &http.Client{Transport: rt})
		traced, err := client.New(client.WithBaseURL("http://127.0.0.1:1"), client.WithCredentials(clientID, secret),
			client.WithHTTPClient(&http.Client{Transport: rt}), tel.Option())
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		base := func() error { return clientCall(ctx, plain, op) }
		subject := func() error { return clientCall(ctx, traced, op) }
		b.Run("op="+op, func(b *testing.B) {
			var r pairedResult
			for b.Loop() {
				r = paired(b, base, subject)
			}
			r.report(b)
			b.ReportMetric(extraAllocs(base, subject), "extra-allocs")
		})
	}
	// The same over loopback TCP to a server answering the fixed body: what
	// a call costs with a network in it, however short.
	byPath := map[string][]byte{opPaths[client.OpDigiLockerStatus]: bodies()[client.OpDigiLockerStatus]}
	srv := fixedServer(b, byPath)
	plain := newClient(b, srv.URL, nil)
	traced, err := client.New(client.WithBaseURL(srv.URL), client.WithCredentials(clientID, secret), tel.Option())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(traced.CloseIdleConnections)
	ctx := context.Background()
	base := func() error { return clientCall(ctx, plain, client.OpDigiLockerStatus) }
	subject := func() error { return clientCall(ctx, traced, client.OpDigiLockerStatus) }
	b.Run("op="+client.OpDigiLockerStatus+"/transport=loopback", func(b *testing.B) {
		var r pairedResult
		for b.Loop() {
			r = paired(b, base, subject)
		}
		r.report(b)
	})
}
