package main

import (
	"errors"
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cfverify/cfverify/metrics"
)

// metricsAddrFlag registers --metrics-addr on a server command.
func metricsAddrFlag(fs *pflag.FlagSet) *flagValue[string] {
	return stringFlag(fs, "metrics-addr", "", "serve Prometheus metrics at http://`host:port`/metrics and a health check at /healthz (off when empty)")
}

// metricsServer serves /metrics and /healthz beside a command's own
// server. A nil *metricsServer (no --metrics-addr) does nothing.
type metricsServer struct {
	srv    *http.Server
	health *metrics.Health
	done   chan struct{}
	addr   string
}

// startMetrics listens on addr ("" for none) and serves the Go runtime's,
// the process's and the command's collectors. who prefixes what it prints.
func startMetrics(addr string, w io.Writer, who string, cs ...prometheus.Collector) (*metricsServer, error) {
	if addr == "" {
		return nil, nil
	}
	reg, err := metrics.NewRegistry(cs...)
	if err != nil {
		return nil, fmt.Errorf("%s: metrics: %w", who, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: --metrics-addr: %w", who, err)
	}
	m := &metricsServer{health: &metrics.Health{}, done: make(chan struct{}), addr: ln.Addr().String()}
	m.srv = &http.Server{
		Handler:           metrics.NewHandler(reg, m.health),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(m.done)
		if err := m.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(w, "%s: metrics server: %v\n", who, err)
		}
	}()
	return m, nil
}

// announce prints where the metrics are served.
func (m *metricsServer) announce(w io.Writer) {
	if m != nil {
		fmt.Fprintf(w, "  metrics: http://%s/metrics; health: http://%s/healthz\n", m.addr, m.addr)
	}
}

// drain makes /healthz answer 503: the command is shutting down.
func (m *metricsServer) drain() {
	if m != nil {
		m.health.Drain()
	}
}

// close stops the metrics server, last, so that a final scrape sees the
// final counts until the command has finished its work.
func (m *metricsServer) close() {
	if m == nil {
		return
	}
	_ = m.srv.Close()
	<-m.done
}
