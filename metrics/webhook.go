package metrics

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cfverify/cfverify/webhook"
)

// WebhookMetrics counts a webhook.Handler's deliveries by outcome, reason
// and event type. Give its Observe to webhook.WithObserver and register
// it.
type WebhookMetrics struct {
	deliveries *prometheus.CounterVec
}

// NewWebhookMetrics makes the counters.
func NewWebhookMetrics() *WebhookMetrics {
	return &WebhookMetrics{deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cfverify_webhook_deliveries_total",
		Help: "Webhook deliveries answered, by outcome (handled, duplicate, in_progress, rejected, failed), " +
			"the reason of a rejection or failure, and the event type (\"none\" before the body was verified, \"unknown\" for a type cfverify does not know).",
	}, []string{"outcome", "reason", "event_type"})}
}

// Observe is a webhook.Observer.
func (m *WebhookMetrics) Observe(_ context.Context, d webhook.Delivery) {
	eventType := string(d.EventType)
	switch {
	case eventType == "":
		eventType = "none"
	case !d.EventType.Known():
		eventType = "unknown" // a type from the body, unbounded: not a label value
	}
	m.deliveries.WithLabelValues(d.Outcome, d.Reason, eventType).Inc()
}

// Describe implements prometheus.Collector.
func (m *WebhookMetrics) Describe(ch chan<- *prometheus.Desc) { m.deliveries.Describe(ch) }

// Collect implements prometheus.Collector.
func (m *WebhookMetrics) Collect(ch chan<- prometheus.Metric) { m.deliveries.Collect(ch) }
