// Command proxylatency measures what cfverify proxy adds to an exchange:
// latency per call (p50 and p99) and throughput, against direct calls to
// the same in-process mock, measured side by side in alternating rounds
// (ABBA), so that the machine's noise hits both alike. Each figure is the
// median over rounds of a per-round difference or ratio, with a 95%
// interval from the order statistics of the rounds.
//
//	go run ./bench/proxylatency                 # make bench-proxy
//	go run ./bench/proxylatency -rounds 30 -calls 400 -concurrency 8
//	go run ./bench/proxylatency -prism tools/spec   # Prism's proxy measured alongside
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfverify/cfverify/internal/contractcheck"
	"github.com/cfverify/cfverify/mock"
)

func main() {
	rounds := flag.Int("rounds", 20, "paired rounds (direct and proxy each once per round)")
	calls := flag.Int("calls", 300, "sequential calls per latency block")
	concurrency := flag.Int("concurrency", 8, "concurrent clients in a throughput block")
	tputCalls := flag.Int("throughput-calls", 3000, "calls per throughput block")
	prismDir := flag.String("prism", "", "also measure `DIR`/node_modules/.bin/prism proxy (DIR: tools/spec) in front of the same mock")
	flag.Parse()
	if err := runBench(*rounds, *calls, *concurrency, *tputCalls, *prismDir); err != nil {
		fmt.Fprintln(os.Stderr, "proxylatency:", err)
		os.Exit(1)
	}
}

// target is one way to reach the mock.
type target struct {
	name  string
	base  string
	strip string // a path prefix the target does not take (Prism adds the spec's server path)
	hc    *http.Client
}

// operation is one call measured.
type operation struct {
	name, path string
}

var operations = []operation{
	{"DigiLocker status (small body)", "/verification/digilocker?verification_id=instant_bench-1"},
	{"financial information (3 accounts x 25 transactions, ~20 KB)", "/verification/aa/fi?fi_verification_id=instant_bench-fi"},
}

func runBench(rounds, calls, concurrency, tputCalls int, prismDir string) error {
	m, err := mock.New()
	if err != nil {
		return err
	}
	defer m.Close()

	checker, err := contractcheck.NewChecker(nil, true)
	if err != nil {
		return err
	}
	rec := contractcheck.NewRecorder(io.Discard) // the report's JSON encoding is part of the cost
	upstream, _ := url.Parse(m.RootURL())
	upTransport := contractcheck.NewUpstreamTransport()
	upTransport.MaxIdleConnsPerHost = concurrency * 2
	proxy, err := contractcheck.NewProxy(contractcheck.ProxyConfig{Upstream: upstream, Checker: checker, Recorder: rec, Transport: upTransport})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		_ = srv.Shutdown(context.Background())
		upTransport.CloseIdleConnections()
	}()

	newClient := func() *http.Client {
		return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency * 2, DisableCompression: true}}
	}
	direct := target{name: "direct", base: m.RootURL(), hc: newClient()}
	viaProxy := target{name: "proxy", base: "http://" + ln.Addr().String(), hc: newClient()}
	others := []target{viaProxy}
	if prismDir != "" {
		base, stop, err := startPrism(prismDir, m.RootURL())
		if err != nil {
			return err
		}
		defer stop()
		others = append(others, target{name: "prism", base: base, strip: "/verification", hc: newClient()})
	}

	fmt.Printf("go %s, GOMAXPROCS %d, %d rounds; latency: %d sequential calls per block; throughput: %d calls per block, %d at a time\n",
		runtime.Version(), runtime.GOMAXPROCS(0), rounds, calls, tputCalls, concurrency)
	fmt.Println("mock: in-process, self-check on; proxy: in-process, strict, report encoded to io.Discard; loopback HTTP/1.1 keep-alive")

	for _, op := range operations {
		// Warm up every path: connections, the mock's state, caches.
		for _, t := range append([]target{direct}, others...) {
			if _, err := latencies(t, op, 100); err != nil {
				return err
			}
		}
		type figures struct{ addP50, addP99, ratioP50, ratioP99, p50, p99, tput, tputRatio []float64 }
		figs := map[string]*figures{direct.name: {}}
		for _, t := range others {
			figs[t.name] = &figures{}
		}
		// Latency rounds: every target once per round, the order rotated
		// (and reversed every other round) so none is always first.
		for r := range rounds {
			got := map[string][]time.Duration{}
			for _, t := range roundOrder(direct, others, r) {
				l, err := latencies(t, op, calls)
				if err != nil {
					return err
				}
				got[t.name] = l
			}
			d50, d99 := percentile(got[direct.name], 50), percentile(got[direct.name], 99)
			figs[direct.name].p50 = append(figs[direct.name].p50, us(d50))
			figs[direct.name].p99 = append(figs[direct.name].p99, us(d99))
			for _, t := range others {
				f := figs[t.name]
				p50, p99 := percentile(got[t.name], 50), percentile(got[t.name], 99)
				f.addP50, f.addP99 = append(f.addP50, us(p50-d50)), append(f.addP99, us(p99-d99))
				f.ratioP50, f.ratioP99 = append(f.ratioP50, float64(p50)/float64(d50)), append(f.ratioP99, float64(p99)/float64(d99))
				f.p50, f.p99 = append(f.p50, us(p50)), append(f.p99, us(p99))
			}
		}
		for r := range rounds {
			got := map[string]float64{}
			for _, t := range roundOrder(direct, others, r) {
				rps, err := throughput(t, op, tputCalls, concurrency)
				if err != nil {
					return err
				}
				got[t.name] = rps
			}
			figs[direct.name].tput = append(figs[direct.name].tput, got[direct.name])
			for _, t := range others {
				figs[t.name].tput = append(figs[t.name].tput, got[t.name])
				figs[t.name].tputRatio = append(figs[t.name].tputRatio, got[t.name]/got[direct.name])
			}
		}
		d := figs[direct.name]
		fmt.Printf("\n%s\n  direct: p50 %s µs, p99 %s µs, %s req/s\n", op.name, med(d.p50), med(d.p99), med(d.tput))
		for _, t := range others {
			f := figs[t.name]
			fmt.Printf("  %s:\n", t.name)
			fmt.Printf("    latency p50: %s µs; added %s µs; ratio %s\n", med(f.p50), interval(f.addP50, "%.0f"), interval(f.ratioP50, "%.2f×"))
			fmt.Printf("    latency p99: %s µs; added %s µs; ratio %s\n", med(f.p99), interval(f.addP99, "%.0f"), interval(f.ratioP99, "%.2f×"))
			fmt.Printf("    throughput:  %s req/s; ratio to direct %s\n", med(f.tput), interval(f.tputRatio, "%.2f×"))
		}
	}
	all, _ := contractcheck.Summarize(rec.Results())
	fmt.Printf("\nproxy: %d exchanges checked, %d broke the spec, %d proxy faults\n", all.Exchanges, all.Broke, all.Faults)
	if all.Broke > 0 || all.Faults > 0 {
		return errors.New("the benchmark's exchanges must all hold to the spec")
	}
	return nil
}

// roundOrder is the targets of round r: rotated by r, reversed every other round.
func roundOrder(direct target, others []target, r int) []target {
	all := append([]target{direct}, others...)
	k := r % len(all)
	order := append(slices.Clone(all[k:]), all[:k]...)
	if (r/len(all))%2 == 1 {
		slices.Reverse(order)
	}
	return order
}

// startPrism runs Prism's validating proxy in front of upstream and returns
// its base URL and a function that stops it.
func startPrism(dir, upstream string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // Prism needs a port number; taken back at once
	spec, err := filepath.Abs("openapi/verification.yaml")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(filepath.Join(dir, "node_modules", ".bin", "prism"), "proxy", spec, upstream,
		"--host", "127.0.0.1", "--port", strconv.Itoa(port))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() { // drained to the end: Prism logs every request
			if strings.Contains(sc.Text(), "Prism is listening") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
		return fmt.Sprintf("http://127.0.0.1:%d", port), stop, nil
	case <-time.After(90 * time.Second):
		stop()
		return "", nil, errors.New("prism proxy did not start")
	}
}

func call(t target, op operation) error {
	req, err := http.NewRequest("GET", t.base+strings.TrimPrefix(op.path, t.strip), nil)
	if err != nil {
		return err
	}
	req.Header = http.Header{
		"X-Client-Id": {mock.DefaultClientID}, "X-Client-Secret": {mock.DefaultClientSecret}, "X-Api-Version": {"2024-12-01"},
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s %s: status %d", t.name, op.path, resp.StatusCode)
	}
	return err
}

func latencies(t target, op operation, n int) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := call(t, op); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

func throughput(t target, op operation, n, concurrency int) (float64, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := call(t, op); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds(), firstErr
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

func med(v []float64) string {
	s := slices.Clone(v)
	slices.Sort(s)
	return fmt.Sprintf("%.0f", median(s))
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// interval is the median of v with a distribution-free 95% interval for it:
// the order statistics k and n+1-k, k the largest with P(Binomial(n, ½) < k) ≤ 2.5%.
func interval(v []float64, format string) string {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	k, cum := 0, 0.0
	for j := 0; j < n; j++ {
		cum += binomialHalf(n, j)
		if cum > 0.025 {
			break
		}
		k = j + 1 // P(X <= j) <= 2.5%: the (j+1)-th order statistic is a lower bound
	}
	if k == 0 {
		return fmt.Sprintf(format+" (too few rounds for a 95%% interval)", median(s))
	}
	return fmt.Sprintf(format+" [95%%: "+format+" to "+format+"]", median(s), s[k-1], s[n-k])
}

func binomialHalf(n, j int) float64 {
	// C(n, j) / 2^n, in logs to stay finite.
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	return math.Exp(lg(n) - lg(j) - lg(n-j) - float64(n)*math.Ln2)
}
