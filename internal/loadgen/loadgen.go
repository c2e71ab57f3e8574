// Package loadgen is a small HTTP load generator for the peer benchmarks:
// a fixed number of requests from a fixed number of keep-alive clients,
// bounded in time, each answer checked. The same generator measures every
// server, so their figures differ only by the server.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one run.
type Config struct {
	Requests    int           // how many requests in all (> 0)
	Concurrency int           // how many clients at once (> 0)
	Timeout     time.Duration // bound on the whole run (> 0)
	// Request builds the i-th request (0 ≤ i < Requests).
	Request func(i int) (*http.Request, error)
	// Check judges an answer; nil accepts status 200 only.
	Check func(resp *http.Response, body []byte) error
	// Client sends the requests; nil is NewClient(Concurrency).
	Client *http.Client
}

// Result is what a run measured.
type Result struct {
	Requests  int             // answered and accepted
	Bytes     int64           // body bytes read
	Elapsed   time.Duration   // wall time of the whole run
	Latencies []time.Duration // one per request, sorted
}

// PerSecond is the throughput: requests over wall time.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the latency at or below which a fraction p (0..1) of
// the requests finished (nearest rank).
func (r Result) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(p*float64(n)+0.999999) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// NewClient is a client for loopback load: keep-alive connections, one per
// worker, no proxy from the environment, no compression.
func NewClient(concurrency int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        concurrency,
		MaxIdleConnsPerHost: concurrency,
		MaxConnsPerHost:     concurrency,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}}
}

// Run sends cfg.Requests requests from cfg.Concurrency workers and stops at
// the first failure or when cfg.Timeout passes, whichever comes first.
func Run(ctx context.Context, cfg Config) (Result, error) {
	switch {
	case cfg.Requests <= 0, cfg.Concurrency <= 0, cfg.Timeout <= 0:
		return Result{}, errors.New("loadgen: Requests, Concurrency and Timeout must be positive")
	case cfg.Request == nil:
		return Result{}, errors.New("loadgen: Request is required")
	}
	client := cfg.Client
	if client == nil {
		client = NewClient(cfg.Concurrency)
		defer client.CloseIdleConnections()
	}
	check := cfg.Check
	if check == nil {
		check = func(resp *http.Response, _ []byte) error {
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("status %d, want 200", resp.StatusCode)
			}
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	var (
		next      atomic.Int64
		bytesRead atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, cfg.Requests)
		firstErr  error
		wg        sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	start := time.Now()
	for range min(cfg.Concurrency, cfg.Requests) {
		wg.Go(func() {
			mine := make([]time.Duration, 0, cfg.Requests/cfg.Concurrency+1)
			defer func() {
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			}()
			buf := make([]byte, 32<<10)
			for {
				i := int(next.Add(1) - 1)
				if i >= cfg.Requests || ctx.Err() != nil {
					return
				}
				req, err := cfg.Request(i)
				if err != nil {
					fail(fmt.Errorf("loadgen: request %d: %w", i, err))
					return
				}
				t0 := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				if err != nil {
					fail(fmt.Errorf("loadgen: request %d: %w", i, err))
					return
				}
				body, err := readAll(resp.Body, buf)
				_ = resp.Body.Close()
				took := time.Since(t0)
				if err == nil {
					err = check(resp, body)
				}
				if err != nil {
					fail(fmt.Errorf("loadgen: request %d (%s %s): %w", i, req.Method, req.URL.Path, err))
					return
				}
				bytesRead.Add(int64(len(body)))
				mine = append(mine, took)
			}
		})
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start), Bytes: bytesRead.Load()}
	slices.Sort(latencies)
	res.Latencies, res.Requests = latencies, len(latencies)
	if firstErr != nil {
		return res, firstErr
	}
	if res.Requests < cfg.Requests {
		return res, fmt.Errorf("loadgen: %d of %d requests in %v: %w", res.Requests, cfg.Requests, cfg.Timeout, context.DeadlineExceeded)
	}
	return res, nil
}

// readAll reads a body into buf, growing it only for a larger body.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	n := 0
	for {
		if n == len(buf) {
			buf = append(buf, 0)[:n]
			buf = buf[:cap(buf)]
		}
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return buf[:n], nil
		}
		if err != nil {
			return buf[:n], err
		}
	}
}
