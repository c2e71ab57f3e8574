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
	"time"

	"github.com/cfverify/cfverify/internal/contractcheck"
	"github.com/cfverify/cfverify/internal/loadgen"
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

	newClient := func() *http.Client { return loadgen.NewClient(concurrency) }
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
			got := map[string]loadgen.Result{}
			for _, t := range roundOrder(direct, others, r) {
				l, err := latencies(t, op, calls)
				if err != nil {
					return err
				}
				got[t.name] = l
			}
			d50, d99 := got[direct.name].Percentile(0.50), got[direct.name].Percentile(0.99)
			figs[direct.name].p50 = append(figs[direct.name].p50, us(d50))
			figs[direct.name].p99 = append(figs[direct.name].p99, us(d99))
			for _, t := range others {
				f := figs[t.name]
				p50, p99 := got[t.name].Percentile(0.50), got[t.name].Percentile(0.99)
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

// request builds one call of op through t.
func request(t target, op operation) (*http.Request, error) {
	req, err := http.NewRequest("GET", t.base+strings.TrimPrefix(op.path, t.strip), nil)
	if err != nil {
		return nil, err
	}
	req.Header = http.Header{
		"X-Client-Id": {mock.DefaultClientID}, "X-Client-Secret": {mock.DefaultClientSecret}, "X-Api-Version": {"2024-12-01"},
	}
	return req, nil
}

// run sends n calls of op through t, concurrency at a time, with the
// project's load generator (each answer must be a 200).
func run(t target, op operation, n, concurrency int) (loadgen.Result, error) {
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		Requests: n, Concurrency: concurrency, Timeout: 10 * time.Minute, Client: t.hc,
		Request: func(int) (*http.Request, error) { return request(t, op) },
	})
	if err != nil {
		err = fmt.Errorf("%s: %w", t.name, err)
	}
	return res, err
}

// latencies measures n sequential calls.
func latencies(t target, op operation, n int) (loadgen.Result, error) { return run(t, op, n, 1) }

// throughput is the requests per second of n calls, concurrency at a time.
func throughput(t target, op operation, n, concurrency int) (float64, error) {
	res, err := run(t, op, n, concurrency)
	return res.PerSecond(), err
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

func med(v []float64) string {
	m, _, _, _ := loadgen.MedianInterval(v)
	return fmt.Sprintf("%.0f", m)
}

// interval is the median of v with a distribution-free interval for it
// (loadgen.MedianInterval), its coverage said when under 95%.
func interval(v []float64, format string) string {
	m, lo, hi, coverage := loadgen.MedianInterval(v)
	if coverage < 0.95 {
		return fmt.Sprintf(format+" [%.0f%%: "+format+" to "+format+"; too few rounds for 95%%]", m, 100*coverage, lo, hi)
	}
	return fmt.Sprintf(format+" [95%%: "+format+" to "+format+"]", m, lo, hi)
}
