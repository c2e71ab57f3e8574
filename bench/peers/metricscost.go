package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

// runMetricsCost measures what metrics cost the mock: the -mock binary's
// mock with --metrics-addr, its /metrics scraped every -scrape, against
// the -metrics-baseline binary's mock without (build it from the commit
// before metrics), in the same alternating blocks as the Prism comparison.
// It prints, per operation, the median of the per-round req/s ratios
// (with metrics ÷ baseline) and its interval.
func runMetricsCost(ctx context.Context, o options) error {
	if o.mockBin == "" {
		return errors.New("-mock is required")
	}
	metricsAddr, err := freePort()
	if err != nil {
		return err
	}
	subject, subjectURL, err := startMock(ctx, o.mockBin, "--metrics-addr", metricsAddr)
	if err != nil {
		return err
	}
	defer subject.stop()
	base, baseURL, err := startMock(ctx, o.baseline)
	if err != nil {
		return err
	}
	defer base.stop()

	scrapes := 0
	scrapeCtx, stopScraping := context.WithCancel(ctx)
	defer stopScraping()
	scraped := make(chan error, 1)
	go func() {
		t := time.NewTicker(o.scrape)
		defer t.Stop()
		for {
			select {
			case <-scrapeCtx.Done():
				scraped <- nil
				return
			case <-t.C:
				resp, err := http.Get("http://" + metricsAddr + "/metrics")
				if err != nil {
					scraped <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				scrapes++
			}
		}
	}()

	servers := []server{{name: "mock with metrics", base: subjectURL}, {name: "mock without", base: baseURL}}
	ops := operations
	if o.ops != "" {
		ops = slices.DeleteFunc(slices.Clone(operations), func(op operation) bool { return !slices.Contains(strings.Split(o.ops, ","), op.id) })
	}
	var b strings.Builder
	b.WriteString("| operation | req/s with metrics | req/s without | with ÷ without (95% interval) |\n|---|---:|---:|---|\n")
	for _, op := range ops {
		r, err := measure(ctx, o, op, servers)
		if err != nil {
			return fmt.Errorf("%s: %w", op.id, err)
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.3f (%.3f–%.3f) |\n", op.id, r.rps[0], r.rps[1], r.ratio[1], r.lo[1], r.hi[1])
		fmt.Fprintf(os.Stderr, "bench-peers: %s: with metrics %.0f req/s, without %.0f; ratio %.3f\n", op.id, r.rps[0], r.rps[1], r.ratio[1])
	}
	stopScraping()
	if err := <-scraped; err != nil {
		return fmt.Errorf("scraping /metrics: %w", err)
	}
	fmt.Fprintf(&b, "\n%d rounds of %d requests per server and operation, %d at a time; /metrics scraped every %s (%d scrapes).\n",
		o.rounds, o.requests, o.concurrency, o.scrape, scrapes)
	fmt.Print(b.String())
	return nil
}

// freePort is a loopback address free a moment ago.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
