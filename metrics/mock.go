package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cfverify/cfverify/mock"
)

// unmatched is the operation label of a request no operation of the spec
// matches.
const unmatched = "unmatched"

var (
	mockRequestsDesc = prometheus.NewDesc("cfverify_mock_requests_total",
		"Requests the mock answered, by operation id and HTTP status (code \"reset\": the connection was reset by a fault).",
		[]string{"operation", "code"}, nil)
	mockFaultsDesc = prometheus.NewDesc("cfverify_mock_faults_injected_total",
		"Faults the mock injected, by kind.", []string{"kind"}, nil)
	mockSelfCheckDesc = prometheus.NewDesc("cfverify_mock_self_check_failures_total",
		"Responses the mock's self-check stopped because they broke the spec.", nil, nil)
	mockRecordsDesc = prometheus.NewDesc("cfverify_mock_records",
		"Records (verifications, consents, FI and data-availability requests) the mock holds.", nil, nil)
	mockExpiredDesc = prometheus.NewDesc("cfverify_mock_records_expired_total",
		"Records the mock forgot, by age or by its cap.", nil, nil)
)

// MockCollector reads a mock's Stats at each scrape. POST /_mock/reset
// sets its counters back to zero, which Prometheus reads as a counter
// reset.
type MockCollector struct{ h *mock.Handler }

// NewMockCollector collects h's counts.
func NewMockCollector(h *mock.Handler) *MockCollector { return &MockCollector{h: h} }

// Describe implements prometheus.Collector.
func (c *MockCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{mockRequestsDesc, mockFaultsDesc, mockSelfCheckDesc, mockRecordsDesc, mockExpiredDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *MockCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.h.Stats()
	for op, byStatus := range st.ByOperation {
		if op == "" {
			op = unmatched
		}
		for status, n := range byStatus {
			code := strconv.Itoa(status)
			if status == 0 {
				code = "reset"
			}
			ch <- prometheus.MustNewConstMetric(mockRequestsDesc, prometheus.CounterValue, float64(n), op, code)
		}
	}
	for kind, n := range st.Faults {
		ch <- prometheus.MustNewConstMetric(mockFaultsDesc, prometheus.CounterValue, float64(n), string(kind))
	}
	ch <- prometheus.MustNewConstMetric(mockSelfCheckDesc, prometheus.CounterValue, float64(st.Violations))
	ch <- prometheus.MustNewConstMetric(mockRecordsDesc, prometheus.GaugeValue, float64(st.Records))
	ch <- prometheus.MustNewConstMetric(mockExpiredDesc, prometheus.CounterValue, float64(st.Expired))
}
