package contractcheck

import (
	"cmp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Verdicts of an exchange, as the proxy's metrics label them.
const (
	VerdictOK         = "ok"
	VerdictBroke      = "broke_spec" // a violation, or drift under --strict
	VerdictDrift      = "drift"      // fields or values the spec does not know, not counted as broken
	VerdictUnchecked  = "unchecked"  // the response body could not be checked
	VerdictSkipped    = "skipped"    // none of the spec's operations
	VerdictProxyFault = "proxy_fault"
)

// Verdict is the one word that sums up r.
func Verdict(r Result) string {
	switch {
	case r.ProxyFault != "":
		return VerdictProxyFault
	case r.Skipped:
		return VerdictSkipped
	case r.Broke:
		return VerdictBroke
	case len(r.Drift) > 0:
		return VerdictDrift
	case r.Unchecked != "":
		return VerdictUnchecked
	}
	return VerdictOK
}

// ProxyMetrics is a Proxy's Prometheus collector: exchanges by operation
// and verdict, and the latency the proxy adds to each answer (the time
// from the request's arrival to the answer written, less the upstream's
// time).
type ProxyMetrics struct {
	exchanges *prometheus.CounterVec
	added     *prometheus.HistogramVec
}

// NewProxyMetrics makes the collector; give it to ProxyConfig.Metrics and
// register it.
func NewProxyMetrics() *ProxyMetrics {
	return &ProxyMetrics{
		exchanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cfverify_proxy_exchanges_total",
			Help: "Exchanges the proxy forwarded and checked, by operation id and verdict " +
				"(ok, broke_spec, drift, unchecked, skipped, proxy_fault).",
		}, []string{"operation", "verdict"}),
		added: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cfverify_proxy_added_latency_seconds",
			Help:    "Time the proxy adds to an answer: from the request's arrival to the answer written, less the upstream's time.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25},
		}, []string{"operation"}),
	}
}

func (m *ProxyMetrics) exchange(r Result) {
	if m != nil {
		m.exchanges.WithLabelValues(cmp.Or(r.Operation, "unmatched"), Verdict(r)).Inc()
	}
}

func (m *ProxyMetrics) addedLatency(op string, d time.Duration) {
	if m != nil {
		m.added.WithLabelValues(cmp.Or(op, "unmatched")).Observe(max(d, 0).Seconds())
	}
}

// Describe implements prometheus.Collector.
func (m *ProxyMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.exchanges.Describe(ch)
	m.added.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *ProxyMetrics) Collect(ch chan<- prometheus.Metric) {
	m.exchanges.Collect(ch)
	m.added.Collect(ch)
}
