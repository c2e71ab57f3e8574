package reliability_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/loadgen"
	"github.com/cfverify/cfverify/mock"
)

// TestSoak_memoryStaysBounded runs `cfverify mock` behind `cfverify proxy`
// as real processes (the built binary, default flags) and sends them
// distinct requests through the proxy, a new id on each, half data
// availability, half DigiLocker: the resident memory of each process after
// all of them must be within 1.3 times its memory after the first fifth.
// Before records expired and the proxy's results were bounded, the mock
// grew from 399 MB to 1.40 GB over 60,000 to 300,000 such requests.
//
// It takes a few minutes, so it runs in `make reliability` only; the
// bounds themselves (record cap and age, kept results, cache limits) have
// unit tests in their packages.
func TestSoak_memoryStaysBounded(t *testing.T) {
	if !full() {
		t.Skip("the memory soak runs in make reliability (CFVERIFY_RELIABILITY=full): a few minutes of load")
	}
	total := envInt("CFVERIFY_SOAK_REQUESTS", 300_000)
	checkpoint := total / 5
	bin := buildCLI(t)

	mockProc := startProcess(t, bin, regexp.MustCompile(`serving the Cashfree Verification API at (http://127\.0\.0\.1:\d+)/verification`),
		"mock", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0")
	proxyProc := startProcess(t, bin, regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`),
		"proxy", "--addr", "127.0.0.1:0", "--upstream", mockProc.url, "--metrics-addr", "127.0.0.1:0")

	client := loadgen.NewClient(8)
	defer client.CloseIdleConnections()
	send := func(from, to int) loadgen.Result {
		res, err := loadgen.Run(t.Context(), loadgen.Config{
			Requests: to - from, Concurrency: 8, Timeout: 8 * time.Minute, Client: client,
			Request: func(i int) (*http.Request, error) { return soakRequest(t.Context(), proxyProc.url, from+i) },
		})
		require.NoError(t, err)
		return res
	}
	first := send(0, checkpoint)
	mockAt, proxyAt := rss(t, mockProc.cmd.Process.Pid), rss(t, proxyProc.cmd.Process.Pid)
	rest := send(checkpoint, total)
	mockEnd, proxyEnd := rss(t, mockProc.cmd.Process.Pid), rss(t, proxyProc.cmd.Process.Pid)

	// The counts agree with what was sent, and the mock holds its cap.
	mockMetrics, proxyMetrics := scrapeFamilies(t, mockProc.metrics), scrapeFamilies(t, proxyProc.metrics)
	assert.Equal(t, float64(min(total, mock.DefaultMaxRecords)), gauge(mockMetrics, "cfverify_mock_records"))
	assert.Equal(t, float64(total), sumCounter(mockMetrics, "cfverify_mock_requests_total"))
	assert.Equal(t, float64(total), sumCounter(proxyMetrics, "cfverify_proxy_exchanges_total"))

	mockRatio, proxyRatio := float64(mockEnd)/float64(mockAt), float64(proxyEnd)/float64(proxyAt)
	report(t, map[string]any{
		"requests": total, "checkpoint": checkpoint,
		"mock_rss_checkpoint": mb(mockAt), "mock_rss_end": mb(mockEnd), "mock_ratio": round2(mockRatio),
		"proxy_rss_checkpoint": mb(proxyAt), "proxy_rss_end": mb(proxyEnd), "proxy_ratio": round2(proxyRatio),
		"requests_per_second": round2(float64(first.Requests+rest.Requests) / (first.Elapsed + rest.Elapsed).Seconds()),
	})
	assert.LessOrEqual(t, mockRatio, 1.3, "the mock's memory grew from %s to %s", mb(mockAt), mb(mockEnd))
	assert.LessOrEqual(t, proxyRatio, 1.3, "the proxy's memory grew from %s to %s", mb(proxyAt), mb(proxyEnd))

	// SIGTERM: each stops cleanly, the proxy with every exchange holding.
	assert.Equal(t, 0, proxyProc.terminate(t), proxyProc.output())
	assert.Equal(t, 0, mockProc.terminate(t), mockProc.output())
	assert.Contains(t, proxyProc.output(), fmt.Sprintf("%d exchanges checked, 0 broke the spec", total))
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// soakRequest is the i-th request: even ones data availability, odd ones
// DigiLocker status, each with an id of its own.
func soakRequest(ctx context.Context, base string, i int) (*http.Request, error) {
	var req *http.Request
	var err error
	if i%2 == 0 {
		body := fmt.Sprintf(`{"verification_id":"soak-da-%d","user":[{"identifier_type":"MOBILE","identifier_value":"9876543210"}]}`, i)
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/verification/user/data-availability", strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/verification/digilocker?verification_id=soak-dl-%d", base, i), nil)
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("x-client-id", mock.DefaultClientID)
	req.Header.Set("x-client-secret", mock.DefaultClientSecret)
	req.Header.Set("x-api-version", "2024-12-01")
	return req, nil
}

// buildCLI builds cmd/cfverify into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cfverify")
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "../cmd/cfverify").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// process is a cfverify server running as its own process.
type process struct {
	cmd          *exec.Cmd
	url, metrics string
	out          *strings.Builder
	lines        chan string
	done         chan error
}

var metricsLine = regexp.MustCompile(`metrics: (http://127\.0\.0\.1:\d+)/metrics`)

func startProcess(t *testing.T, bin string, ready *regexp.Regexp, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "CASHFREE_BASE_URL=")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, out: &strings.Builder{}, lines: make(chan string, 64), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	go func() { err := cmd.Wait(); _ = pw.Close(); p.done <- err }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	deadline := time.After(30 * time.Second)
	for p.url == "" || p.metrics == "" {
		select {
		case line, ok := <-p.lines:
			require.True(t, ok, "%s ended before it was ready: %s", args[0], p.out.String())
			p.out.WriteString(line + "\n")
			if m := ready.FindStringSubmatch(line); m != nil {
				p.url = m[1]
			}
			if m := metricsLine.FindStringSubmatch(line); m != nil {
				p.metrics = m[1]
			}
		case <-deadline:
			t.Fatalf("%s not ready: %s", args[0], p.out.String())
		}
	}
	go func() { // keep reading, so the process never blocks on its output
		for line := range p.lines {
			p.out.WriteString(line + "\n")
		}
	}()
	return p
}

// terminate sends SIGTERM and returns the exit code.
func (p *process) terminate(t *testing.T) int {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	time.Sleep(50 * time.Millisecond) // the last lines
	return p.cmd.ProcessState.ExitCode()
}

func (p *process) output() string { return p.out.String() }

// rss is a process's resident memory in bytes, from /proc.
func rss(t *testing.T, pid int) uint64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

func scrapeFamilies(t *testing.T, base string) map[string]*familyValues {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	out := map[string]*familyValues{}
	for name, f := range families {
		fv := &familyValues{}
		for _, m := range f.GetMetric() {
			switch {
			case m.Counter != nil:
				fv.values = append(fv.values, m.Counter.GetValue())
			case m.Gauge != nil:
				fv.values = append(fv.values, m.Gauge.GetValue())
			}
		}
		out[name] = fv
	}
	return out
}

type familyValues struct{ values []float64 }

func sumCounter(fs map[string]*familyValues, name string) float64 {
	n := 0.0
	if f := fs[name]; f != nil {
		for _, v := range f.values {
			n += v
		}
	}
	return n
}

func gauge(fs map[string]*familyValues, name string) float64 { return sumCounter(fs, name) }
