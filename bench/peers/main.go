// Command peers measures `cfverify mock` beside Prism, the spec's peer
// mock server, on the five operations: both run as their own processes on
// loopback, and one Go load generator (internal/loadgen) sends each the
// same requests, in alternating blocks, so that a noisy machine moves both
// figures together. It prints a Markdown table (req/s, p50, p99 per server,
// and the ratio) and, with -write, puts it into BENCHMARKS.md between the
// bench-peers markers. `make bench-peers` runs it; `make bench-peers-smoke`
// runs a short form to prove it works.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cfverify/cfverify/internal/loadgen"
)

type options struct {
	mockBin, prismDir, spec, write string
	requests, concurrency, rounds  int
	timeout                        time.Duration
	ops                            string
	baseline                       string        // metricscost.go
	scrape                         time.Duration // metricscost.go
}

func main() {
	var o options
	flag.StringVar(&o.mockBin, "mock", "", "path to a built cfverify binary (required)")
	flag.StringVar(&o.prismDir, "prism-dir", "tools/spec", "directory whose node_modules has Prism (npx --no-install prism)")
	flag.StringVar(&o.spec, "spec", "openapi/verification.yaml", "the OpenAPI document Prism serves")
	flag.IntVar(&o.requests, "requests", 2000, "requests per block")
	flag.IntVar(&o.concurrency, "concurrency", 16, "concurrent keep-alive connections")
	flag.IntVar(&o.rounds, "rounds", 6, "alternating rounds per operation (each: one block per server)")
	flag.DurationVar(&o.timeout, "timeout", 2*time.Minute, "bound on each block")
	flag.StringVar(&o.write, "write", "", "Markdown file whose bench-peers section gets the table (e.g. BENCHMARKS.md)")
	flag.StringVar(&o.ops, "ops", "", "comma-separated operation ids (default: all five)")
	flag.StringVar(&o.baseline, "metrics-baseline", "", "instead of Prism: a cfverify `binary` whose mock, without --metrics-addr, is the baseline of -mock's with it (metricscost.go)")
	flag.DurationVar(&o.scrape, "scrape", time.Second, "with -metrics-baseline: scrape the subject's /metrics this often")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	run := run
	if o.baseline != "" {
		run = runMetricsCost
	}
	err := run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-peers:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.mockBin == "" {
		return errors.New("-mock is required")
	}
	if o.requests <= 0 || o.concurrency <= 0 || o.rounds <= 0 {
		return errors.New("-requests, -concurrency and -rounds must be positive")
	}
	spec, err := filepath.Abs(o.spec)
	if err != nil {
		return err
	}
	mock, mockURL, err := startMock(ctx, o.mockBin)
	if err != nil {
		return err
	}
	defer mock.stop()
	servers := []server{{name: "cfverify mock", base: mockURL}}
	// Prism as it runs out of the box (it logs every request at info), and
	// quiet, its best case: the ratio is given against both.
	for _, level := range []string{"info", "warn"} {
		prism, prismURL, err := startPrism(ctx, o.prismDir, spec, level)
		if err != nil {
			return err
		}
		defer prism.stop()
		servers = append(servers, server{name: "Prism (log " + level + ")", base: prismURL})
	}
	for _, s := range servers {
		fmt.Fprintf(os.Stderr, "bench-peers: %s at %s\n", s.name, s.base)
	}
	ops := operations
	if o.ops != "" {
		ops = nil
		for _, id := range strings.Split(o.ops, ",") {
			i := slices.IndexFunc(operations, func(op operation) bool { return op.id == id })
			if i < 0 {
				return fmt.Errorf("unknown operation %q", id)
			}
			ops = append(ops, operations[i])
		}
	}
	var rows []row
	for _, op := range ops {
		r, err := measure(ctx, o, op, servers)
		if err != nil {
			return fmt.Errorf("%s: %w", op.id, err)
		}
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "bench-peers: %s: req/s %.0f (mock), %.0f, %.0f (Prism info, warn); ratios %.1f×, %.1f×\n",
			op.id, r.rps[0], r.rps[1], r.rps[2], r.ratio[1], r.ratio[2])
	}
	stats, err := mockStats(ctx, mockURL)
	if err != nil {
		return err
	}
	if stats.Violations != 0 || stats.Checked == 0 {
		return fmt.Errorf("the mock's self-check: %d checked, %d violations", stats.Checked, stats.Violations)
	}
	table := render(o, rows, stats)
	fmt.Print(table)
	if o.write != "" {
		return writeSection(o.write, table)
	}
	return nil
}

// operation is one of the five, as both servers are asked it.
type operation struct {
	id, title string
	request   func(base, tag string, i int) (*http.Request, error)
}

const (
	clientID, clientSecret = "cf_test_client", "cf_test_secret"
	apiVersion             = "2024-12-01"
)

func withClient(req *http.Request, err error) (*http.Request, error) {
	if err != nil {
		return nil, err
	}
	req.Header.Set("x-client-id", clientID)
	req.Header.Set("x-client-secret", clientSecret)
	req.Header.Set("x-api-version", apiVersion)
	return req, nil
}

var operations = []operation{
	{"getDataAvailability", "data availability (POST)", func(base, tag string, i int) (*http.Request, error) {
		// A new verification id each time: the API (and the mock) answer 409 to a repeated one.
		body := fmt.Sprintf(`{"verification_id":"peers-%s-%d","user":[{"identifier_type":"MOBILE","identifier_value":"9999912345"}]}`, tag, i)
		req, err := withClient(http.NewRequest(http.MethodPost, base+"/user/data-availability", strings.NewReader(body)))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}},
	{"getUserDetails", "user details", func(base, _ string, _ int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, base+"/oauth2/user-details", nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer peers-token")
			req.Header.Set("x-api-version", apiVersion)
		}
		return req, err
	}},
	{"getDigiLockerStatus", "DigiLocker status", func(base, _ string, _ int) (*http.Request, error) {
		return withClient(http.NewRequest(http.MethodGet, base+"/digilocker?verification_id=peers-dl", nil))
	}},
	{"getConsentStatus", "consent status", func(base, _ string, _ int) (*http.Request, error) {
		return withClient(http.NewRequest(http.MethodGet, base+"/aa/consent?consent_verification_id=peers-consent", nil))
	}},
	{"getFinancialInformation", "financial information", func(base, _ string, _ int) (*http.Request, error) {
		return withClient(http.NewRequest(http.MethodGet, base+"/aa/fi?fi_verification_id=peers-fi", nil))
	}},
}

type server struct{ name, base string }

// nServers: the mock, Prism logging at info (its default), Prism at warn.
const nServers = 3

// row is one operation's figures, by server (index 0 is the mock).
type row struct {
	op       operation
	rps      [nServers]float64 // medians over rounds
	p50, p99 [nServers]time.Duration
	bytes    [nServers]int64 // body bytes of one answer (mean of the last block)
	// ratio, lo, hi and coverage: the mock's req/s over server i's, the
	// median over rounds and its interval (index 0 unused).
	ratio, lo, hi, coverage [nServers]float64
	rounds                  int
}

func measure(ctx context.Context, o options, op operation, servers []server) (row, error) {
	r := row{op: op, rounds: o.rounds}
	// Each block opens its own connections (Client nil): Prism closes a
	// connection idle for 5 s, and a POST sent on one it is closing fails
	// rather than being retried.
	// Warm up: every server answers 200 (the mock's status calls reach
	// their final stage, the FI answer with its generated statement),
	// connections open.
	for _, srv := range servers {
		_, err := loadgen.Run(ctx, loadgen.Config{Requests: 20, Concurrency: 1, Timeout: o.timeout,
			Request: func(i int) (*http.Request, error) { return op.request(srv.base, "warm", i) }})
		if err != nil {
			return r, fmt.Errorf("%s: %w", srv.name, err)
		}
	}
	var rps [nServers][]float64
	var lat [nServers][]time.Duration
	var ratios [nServers][]float64
	for round := range o.rounds {
		var got [nServers]float64
		for k := range servers { // the order rotates by round
			s := (k + round) % len(servers)
			srv := servers[s]
			tag := strconv.Itoa(round)
			res, err := loadgen.Run(ctx, loadgen.Config{Requests: o.requests, Concurrency: o.concurrency, Timeout: o.timeout,
				Request: func(i int) (*http.Request, error) { return op.request(srv.base, tag, i) }})
			if err != nil {
				return r, fmt.Errorf("%s, round %d: %w", srv.name, round+1, err)
			}
			got[s] = res.PerSecond()
			r.bytes[s] = res.Bytes / int64(res.Requests)
			rps[s] = append(rps[s], got[s])
			lat[s] = append(lat[s], res.Latencies...)
		}
		for s := 1; s < len(servers); s++ {
			ratios[s] = append(ratios[s], got[0]/got[s])
		}
	}
	for s := range servers {
		r.rps[s], _, _, _ = loadgen.MedianInterval(rps[s])
		slices.Sort(lat[s])
		all := loadgen.Result{Latencies: lat[s]}
		r.p50[s], r.p99[s] = all.Percentile(0.50), all.Percentile(0.99)
		if s > 0 {
			r.ratio[s], r.lo[s], r.hi[s], r.coverage[s] = loadgen.MedianInterval(ratios[s])
		}
	}
	return r, nil
}

type stats struct {
	Requests   int `json:"requests"`
	Checked    int `json:"checked"`
	SelfChecks int `json:"self_checks"`
	Violations int `json:"violations"`
}

func mockStats(ctx context.Context, base string) (stats, error) {
	var s stats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_mock/stats", nil)
	if err != nil {
		return s, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

func render(o options, rows []row, st stats) string {
	var b strings.Builder
	commit := "unknown"
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
		if out, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
			commit += " (with uncommitted changes)"
		}
	}
	fmt.Fprintf(&b, "Measured at commit `%s` on %s, %s, %d CPUs (shared machine): %d round(s) per operation, each one block of %d requests per server over %d keep-alive connections, the order of the servers rotating by round. Reproduce: `make bench-peers`.\n\n",
		commit, time.Now().UTC().Format("2006-01-02"), runtime.Version(), runtime.NumCPU(), o.rounds, o.requests, o.concurrency)
	b.WriteString("| operation | mock req/s | p50 | p99 | Prism req/s | p50 | p99 | **mock ÷ Prism** | Prism quiet req/s | p50 | p99 | mock ÷ Prism quiet | answer bytes mock / Prism |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s |", r.op.title)
		for s := range nServers {
			fmt.Fprintf(&b, " %s | %s | %s |", thousands(r.rps[s]), ms(r.p50[s]), ms(r.p99[s]))
			if s == 0 {
				continue
			}
			interval := "one round"
			if r.rounds > 1 {
				interval = fmt.Sprintf("%.1f–%.1f", r.lo[s], r.hi[s])
			}
			format := " %.1f× (%s) |"
			if s == 1 {
				format = " **%.1f×** (%s) |"
			}
			fmt.Fprintf(&b, format, r.ratio[s], interval)
		}
		fmt.Fprintf(&b, " %d / %d |\n", r.bytes[0], r.bytes[1])
	}
	coverageText := "no interval from one round"
	if len(rows) > 0 && rows[0].rounds > 1 {
		coverageText = fmt.Sprintf("coverage %.0f%%", 100*rows[0].coverage[1])
	}
	fmt.Fprintf(&b, "\nReq/s are medians over the rounds; p50 and p99 pool every request of a server; a ratio is the median of the per-round ratios of req/s, with its order-statistic interval (%s). The mock ran with its self-check on (the default): %d responses passed it, %d distinct answers were validated, 0 violations. Prism 5 ran `prism mock` with static examples, as it runs out of the box (logging every request at info), and quiet (`-v warn`), its best case; its FI answer is the spec's example, the mock's a generated statement (default scenario: three accounts of 25 transactions). The load generator shares the two cores with the servers.\n",
		coverageText, st.Checked, st.SelfChecks)
	return b.String()
}

func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

const (
	markerStart = "<!-- bench-peers:start -->"
	markerEnd   = "<!-- bench-peers:end -->"
)

// writeSection replaces what lies between the bench-peers markers of path.
func writeSection(path, table string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(data)
	i, j := strings.Index(s, markerStart), strings.Index(s, markerEnd)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %s … %s section", path, markerStart, markerEnd)
	}
	out := s[:i+len(markerStart)] + "\n" + table + s[j:]
	return os.WriteFile(path, []byte(out), 0o644)
}

// process is a server this command started, in its own process group so
// that stopping it stops its children too (npx runs Prism in a child).
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func start(ctx context.Context, cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

func (p *process) stop() {
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

var mockURLPattern = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

// startMock runs `cfverify mock` on an ephemeral loopback port and reads
// the address it prints.
func startMock(ctx context.Context, bin string, args ...string) (*process, string, error) {
	cmd := exec.Command(bin, append([]string{"mock", "--addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = os.Stderr
	p, err := start(ctx, cmd)
	if err != nil {
		return nil, "", err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u := mockURLPattern.FindString(sc.Text()); u != "" {
				select {
				case found <- u:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case u := <-found:
		return p, u, nil
	case <-p.done:
		return nil, "", errors.New("cfverify mock exited before it listened")
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, "", errors.New("cfverify mock did not print its address in 30s")
	case <-ctx.Done():
		p.stop()
		return nil, "", ctx.Err()
	}
}

// startPrism runs Prism's mock on a free loopback port and waits until it
// answers. Prism cannot take port 0, so a free port is found first.
func startPrism(ctx context.Context, dir, spec, logLevel string) (*process, string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cmd := exec.Command("npx", "--no-install", "prism", "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-v", logLevel, spec)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	p, err := start(ctx, cmd)
	if err != nil {
		return nil, "", fmt.Errorf("prism: %w", err)
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(90 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/digilocker", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			return p, base, nil
		}
		select {
		case <-p.done:
			return nil, "", errors.New("prism exited before it listened (is tools/spec installed? make lint-spec installs it)")
		case <-ctx.Done():
			p.stop()
			return nil, "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, "", errors.New("prism did not answer in 90s")
		}
	}
}
