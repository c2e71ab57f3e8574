package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/metrics"
	"github.com/cfverify/cfverify/webhook"
)

func TestHandler_healthDrainsAndMetricsParse(t *testing.T) {
	t.Parallel()
	wm := metrics.NewWebhookMetrics()
	wm.Observe(t.Context(), webhook.Delivery{Outcome: webhook.OutcomeHandled, EventType: "SOMETHING_NEW_FROM_THE_VENDOR", Status: 200})
	reg, err := metrics.NewRegistry(wm)
	require.NoError(t, err)
	health := &metrics.Health{}
	srv := httptest.NewServer(metrics.NewHandler(reg, health))
	t.Cleanup(srv.Close)

	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	status, body := get("/healthz")
	assert.Equal(t, 200, status)
	assert.Equal(t, "ok\n", body)
	health.Drain()
	status, body = get("/healthz")
	assert.Equal(t, 503, status)
	assert.Equal(t, "draining\n", body)

	resp, err := http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	f := families["cfverify_webhook_deliveries_total"]
	require.NotNil(t, f)
	require.Len(t, f.GetMetric(), 1)
	for _, l := range f.GetMetric()[0].GetLabel() {
		if l.GetName() == "event_type" {
			assert.Equal(t, "unknown", l.GetValue(), "a type cfverify does not know is not a label value")
		}
	}
	assert.Contains(t, families, "go_goroutines")

	_, err = metrics.NewRegistry(wm, wm)
	require.Error(t, err, "registering twice is refused")
	var _ prometheus.Collector = wm
}
