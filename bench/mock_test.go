package bench

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/verification"
)

// noValidation is a mock.SpecValidator that accepts everything: the mock
// with request validation off.
type noValidation struct{}

func (noValidation) ValidateRequest(context.Context, *http.Request, []byte) error { return nil }
func (noValidation) ValidateResponse(context.Context, string, int, http.Header, []byte) error {
	return nil
}

// loadConcurrency is how many clients the mock benchmark runs at once.
const loadConcurrency = 8

// BenchmarkMockThroughput: the mock on loopback under loadConcurrency
// concurrent keep-alive clients, with request validation and the response
// self-check on (validation=on, the default) or off, for a DigiLocker
// status call and a 1k-transaction FI call. b.N requests in all; metrics:
// req/s, and the latency percentiles p50, p90, p99 in µs. Load generator
// and mock share the machine's cores.
func BenchmarkMockThroughput(b *testing.B) {
	calls := []struct{ name, path string }{
		{"status", "/verification/digilocker?verification_id=bench-dl"},
		{"fi-1k", "/verification/aa/fi?fi_verification_id=big_bench"},
	}
	for _, call := range calls {
		for _, validation := range []string{"on", "off"} {
			b.Run("call="+call.name+"/validation="+validation, func(b *testing.B) {
				opts := []mock.Option{
					mock.WithPolls(1),
					mock.WithScenario("big", mock.Scenario{Transactions: 1000, Instant: true,
						Accounts: []verification.FIAccountStatus{verification.AccountDelivered}}),
				}
				if validation == "off" {
					opts = append(opts, mock.WithSelfCheck(false), mock.WithValidator(noValidation{}))
				}
				srv := mock.MustNew(opts...)
				defer srv.Close()
				tr := http.DefaultTransport.(*http.Transport).Clone()
				tr.MaxIdleConnsPerHost = loadConcurrency
				defer tr.CloseIdleConnections()
				hc := &http.Client{Transport: tr}
				url := srv.RootURL() + call.path
				get := func() error {
					req, err := http.NewRequest(http.MethodGet, url, nil)
					if err != nil {
						return err
					}
					req.Header = http.Header{"X-Client-Id": {clientID}, "X-Client-Secret": {secret}, "X-Api-Version": {apiVersion}}
					resp, err := hc.Do(req)
					if err != nil {
						return err
					}
					_, err = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
					}
					return err
				}
				if err := get(); err != nil { // warm up: the record exists, a connection is open
					b.Fatal(err)
				}
				lat := runLoad(b, loadConcurrency, get)
				reportLatencies(b, lat)
				if st := srv.Stats(); validation == "on" && st.Checked == 0 {
					b.Fatal("self-check did not run")
				}
			})
		}
	}
}

// runLoad makes b.N calls from workers goroutines and returns each call's
// latency; it reports req/s.
func runLoad(b *testing.B, workers int, call func() error) []time.Duration {
	b.Helper()
	var (
		mu   sync.Mutex
		lat  = make([]time.Duration, 0, b.N)
		next = make(chan struct{}, b.N)
	)
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			mine := make([]time.Duration, 0, b.N/workers+1)
			for range next {
				t := time.Now()
				if err := call(); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/req")
	return lat
}

func reportLatencies(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := min(int(p*float64(len(lat))), len(lat)-1)
		return float64(lat[i].Microseconds())
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.90), "p90-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// cpuTime is the CPU time (user and system) the process has used: the
// mock's and the load generator's together. Per request it varies less
// than wall time on a machine others are using.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
