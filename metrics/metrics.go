// Package metrics exposes cfverify's services to Prometheus: collectors
// for the mock (MockCollector) and the webhook listener (WebhookMetrics),
// and an http.Handler serving /metrics in Prometheus' text format and
// /healthz (NewHandler). `cfverify mock`, `cfverify proxy` and
// `cfverify webhook listen` serve them with --metrics-addr; a program that
// mounts mock.Handler or webhook.Handler itself registers the same
// collectors with its own registry.
//
// Names follow Prometheus' conventions: the cfverify_ prefix, _total
// counters, seconds, and operation labels that are the spec's operation
// ids (getDigiLockerStatus). No label carries an id, a token or any
// personal data: every label has a small, fixed set of values.
//
// Why Prometheus collectors and not an OpenTelemetry meter: these are
// servers an SRE scrapes, and each already keeps its own counts (the
// mock's Stats, the proxy's results, the handler's deliveries). A
// collector reads them at scrape time, so serving requests costs nothing
// more, and the text format needs no SDK or exporter. The client, which
// runs inside someone else's service, uses OpenTelemetry (package
// otelcfverify), the API that service already exports through.
package metrics

import (
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is what /healthz answers: 200 "ok" while serving, 503
// "draining" once the service has begun to shut down, so that a load
// balancer stops sending it new work.
type Health struct{ draining atomic.Bool }

// Drain makes /healthz answer 503 from now on.
func (h *Health) Drain() { h.draining.Store(true) }

// Draining reports whether Drain was called.
func (h *Health) Draining() bool { return h.draining.Load() }

// ServeHTTP answers the health check.
func (h *Health) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if h.Draining() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("draining\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// NewRegistry is a registry with the Go runtime's and the process's
// collectors (heap, goroutines, resident memory, open files) and cs.
func NewRegistry(cs ...prometheus.Collector) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	all := append([]prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}, cs...)
	for _, c := range all {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// NewHandler serves GET /metrics from g and GET /healthz from health.
func NewHandler(g prometheus.Gatherer, health *Health) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	mux.Handle("GET /healthz", health)
	return mux
}
