// Command proxylatency measures what cfverify proxy adds to an exchange:
// latency per call (p50 and p99) and throughput, against direct calls to
// the same in-process mock, measured side by side in alternating rounds
// (ABBA), so that the machine's noise hits both alike. Each figure is the
// median over rounds of a per-round difference or ratio, with a 95%
// interval from the order statistics of the rounds.
//
//	go run ./bench/proxylatency                 # make bench-proxy
//	go run ./bench/proxylatency -rounds 30 -calls 400 -concurrency 8
package main

import (
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
	"runtime"
	"slices"
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
	flag.Parse()
	if err := runBench(*rounds, *calls, *concurrency, *tputCalls); err != nil {
		fmt.Fprintln(os.Stderr, "proxylatency:", err)
		os.Exit(1)
	}
}

// target is one way to reach the mock.
type target struct {
	name string
	base string
	hc   *http.Client
}

// operation is one call measured.
type operation struct {
	name, path string
}

var operations = []operation{
	{"DigiLocker status (small body)", "/verification/digilocker?verification_id=instant_bench-1"},
	{"financial information (3 accounts x 25 transactions, ~20 KB)", "/verification/aa/fi?fi_verification_id=instant_bench-fi"},
}

func runBench(rounds, calls, concurrency, tputCalls int) error {
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
	direct := target{"direct", m.RootURL(), newClient()}
	viaProxy := target{"proxy", "http://" + ln.Addr().String(), newClient()}

	fmt.Printf("go %s, GOMAXPROCS %d, %d rounds; latency: %d sequential calls per block; throughput: %d calls per block, %d at a time\n",
		runtime.Version(), runtime.GOMAXPROCS(0), rounds, calls, tputCalls, concurrency)
	fmt.Println("mock: in-process, self-check on; proxy: in-process, strict, report encoded to io.Discard; loopback HTTP/1.1 keep-alive")

	for _, op := range operations {
		// Warm up both paths: connections, the mock's state, caches.
		for _, t := range []target{direct, viaProxy} {
			if _, err := latencies(t, op, 100); err != nil {
				return err
			}
		}
		var addP50, addP99, ratioP50, ratioP99 []float64
		var dP50, pP50, dP99, pP99 []float64
		for r := range rounds {
			order := []target{direct, viaProxy}
			if r%2 == 1 {
				order = []target{viaProxy, direct}
			}
			got := map[string][]time.Duration{}
			for _, t := range order {
				l, err := latencies(t, op, calls)
				if err != nil {
					return err
				}
				got[t.name] = l
			}
			d50, d99 := percentile(got["direct"], 50), percentile(got["direct"], 99)
			p50, p99 := percentile(got["proxy"], 50), percentile(got["proxy"], 99)
			addP50, addP99 = append(addP50, us(p50-d50)), append(addP99, us(p99-d99))
			ratioP50, ratioP99 = append(ratioP50, float64(p50)/float64(d50)), append(ratioP99, float64(p99)/float64(d99))
			dP50, pP50, dP99, pP99 = append(dP50, us(d50)), append(pP50, us(p50)), append(dP99, us(d99)), append(pP99, us(p99))
		}
		var tputRatio, dTput, pTput []float64
		for r := range rounds {
			order := []target{direct, viaProxy}
			if r%2 == 1 {
				order = []target{viaProxy, direct}
			}
			got := map[string]float64{}
			for _, t := range order {
				rps, err := throughput(t, op, tputCalls, concurrency)
				if err != nil {
					return err
				}
				got[t.name] = rps
			}
			tputRatio = append(tputRatio, got["proxy"]/got["direct"])
			dTput, pTput = append(dTput, got["direct"]), append(pTput, got["proxy"])
		}
		fmt.Printf("\n%s\n", op.name)
		fmt.Printf("  latency p50: direct %s µs, proxy %s µs; added %s µs; ratio %s\n", med(dP50), med(pP50), interval(addP50, "%.0f"), interval(ratioP50, "%.2f×"))
		fmt.Printf("  latency p99: direct %s µs, proxy %s µs; added %s µs; ratio %s\n", med(dP99), med(pP99), interval(addP99, "%.0f"), interval(ratioP99, "%.2f×"))
		fmt.Printf("  throughput:  direct %s req/s, proxy %s req/s; ratio %s\n", med(dTput), med(pTput), interval(tputRatio, "%.2f×"))
	}
	all, _ := contractcheck.Summarize(rec.Results())
	fmt.Printf("\nproxy: %d exchanges checked, %d broke the spec, %d proxy faults\n", all.Exchanges, all.Broke, all.Faults)
	if all.Broke > 0 || all.Faults > 0 {
		return errors.New("the benchmark's exchanges must all hold to the spec")
	}
	return nil
}

func call(t target, op operation) error {
	req, err := http.NewRequest("GET", t.base+op.path, nil)
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
