package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/contractcheck"
	"github.com/cfverify/cfverify/mask"
)

var proxyCmd = &command{
	name:    "proxy",
	args:    "--addr HOST:PORT (--upstream URL | --env sandbox) [--report FILE.jsonl] [--junit FILE.xml] [flags]",
	summary: "forward any client's traffic to the API or a mock, checking every exchange against the spec",
	long: "On SIGINT or SIGTERM it writes the JUnit file and a summary, and exits 6 if an exchange broke the spec.\n" +
		"It forwards to --upstream, else CASHFREE_BASE_URL, else the environment of --env or CASHFREE_ENV;\n" +
		"it never picks the sandbox by itself, and forwards to production only with --allow-production.",
	group: groupTools,
	example: "  cfverify mock --addr 127.0.0.1:8080 &\n" +
		"  cfverify proxy --addr 127.0.0.1:8081 --upstream http://127.0.0.1:8080 --report contract.jsonl --junit contract.xml &\n" +
		"  CASHFREE_BASE_URL=http://127.0.0.1:8081/verification npm test\n" +
		"  kill -TERM %2; wait %2   # exit 6 if an exchange broke the spec",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		addr := stringFlag(fs, "addr", "127.0.0.1:8081", "listen on `host:port` (port 0: any free port, printed on stdout)")
		where := &apiFlags{
			baseURL: stringFlag(fs, "upstream", "", "forward to `URL` (its scheme and host; paths pass unchanged), such as http://127.0.0.1:8080 for cfverify mock; else CASHFREE_BASE_URL, else --env"),
			env:     stringFlag(fs, "env", "", "forward to this Cashfree environment, `sandbox|production` (else CASHFREE_ENV)"),
		}
		aliasFlag(fs, "base-url", "upstream", false)
		report := stringFlag(fs, "report", "", "write one JSON line per exchange to `FILE.jsonl`")
		junit := stringFlag(fs, "junit", "", "write a JUnit report to `FILE.xml` on SIGINT or SIGTERM")
		strict := boolFlag(fs, "strict", "count drift (fields and enum values the spec does not know) as a violation")
		allowProd := boolFlag(fs, "allow-production", "allow forwarding to the production API")
		maxRequest := int64Flag(fs, "max-request-bytes", contractcheck.DefaultMaxRequestBytes, "answer 413 to a request body over `N` bytes, without forwarding it")
		metricsAddr := metricsAddrFlag(fs)
		e.addTimeout(fs, "give up on an upstream answer after `duration`")
		return func(ctx context.Context) error {
			target, err := e.proxyUpstream(where, allowProd.Get())
			if err != nil {
				return err
			}
			out, err := openOutputs(e.name, report.Get(), junit.Get())
			if err != nil {
				return err
			}
			defer out.close()
			checker, err := contractcheck.NewChecker(nil, strict.Get())
			if err != nil {
				return err
			}
			stderr := &lockedWriter{w: e.stderr}
			rec := contractcheck.NewRecorder(out.reportWriter()).KeepAtMost(contractcheck.DefaultKeptResults)
			timeout := contractcheck.DefaultUpstreamTimeout
			if e.timeout.IsSet() {
				timeout = e.timeout.Get()
			}
			pm := contractcheck.NewProxyMetrics()
			ms, err := startMetrics(metricsAddr.Get(), e.stdout, "cfverify proxy", pm)
			if err != nil {
				return err
			}
			defer ms.close()
			transport := contractcheck.NewUpstreamTransport()
			defer transport.CloseIdleConnections()
			proxy, err := contractcheck.NewProxy(contractcheck.ProxyConfig{
				Upstream: target, Checker: checker, Recorder: rec, Transport: transport,
				MaxRequestBytes: maxRequest.Get(), Timeout: timeout,
				OnResult: func(r contractcheck.Result) { printExchange(stderr, r) }, Metrics: pm,
			})
			if err != nil {
				return usagef(e.name, "%v", err)
			}
			ln, err := net.Listen("tcp", addr.Get())
			if err != nil {
				return fmt.Errorf("cfverify proxy: %w", err)
			}
			if forwardsToItself(ln, target) {
				_ = ln.Close()
				return usagef(e.name, "the upstream %s is this proxy's own address: point --upstream at the API or a mock", target.Host)
			}
			if host, _, err := net.SplitHostPort(addr.Get()); err == nil {
				if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
					fmt.Fprintf(stderr, "cfverify proxy: warning: %s is not a loopback address; the proxy is reachable from other machines\n", addr.Get())
				}
			}
			srv := &http.Server{
				Handler:           proxy,
				ReadHeaderTimeout: 30 * time.Second,
				ErrorLog:          log.New(io.Discard, "", 0), // aborted answers are recorded, not logged
			}
			served := make(chan error, 1)
			go func() { served <- srv.Serve(ln) }()
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(e.stdout, "cfverify proxy: listening on %s, forwarding to %s\n", base, target.Scheme+"://"+target.Host)
			fmt.Fprintf(e.stdout, "  point your client at %s%s; SIGINT or SIGTERM stops, writes the reports and prints the summary\n",
				base, strings.TrimSuffix(target.Path, "/"))
			ms.announce(e.stdout)

			select {
			case <-ctx.Done():
			case err := <-served:
				return fmt.Errorf("cfverify proxy: %w", err)
			}
			// Let the exchanges in flight finish, so that each is recorded.
			ms.drain()
			shutdown, cancel := graceContext(ctx)
			defer cancel()
			_ = srv.Shutdown(shutdown)
			proxy.Wait()
			return finishCheck(e, out, rec, checker.Strict(), "cfverify proxy")
		}
	},
}

// proxyUpstream is where the proxy forwards: --upstream, else
// CASHFREE_BASE_URL, else the environment of --env or CASHFREE_ENV (the
// order of every command), which must be given: the proxy never picks the
// sandbox by itself.
func (e *env) proxyUpstream(where *apiFlags, allowProduction bool) (*url.URL, error) {
	upstream, from, err := where.where(e.getenv)
	switch {
	case err != nil:
		return nil, usagef(e.name, "%v", err)
	case from == fromDefault:
		return nil, usagef(e.name, "give --upstream URL or --env sandbox")
	}
	flag := "--upstream"
	if from == fromEnvURL {
		flag = fromEnvURL
	}
	u, err := url.Parse(upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef(e.name, "%s: want an absolute http or https URL, got %q", flag, mask.PII(upstream))
	}
	if u.User != nil {
		return nil, usagef(e.name, "%s: credentials in the URL are not forwarded; send them as headers", flag)
	}
	prod, _ := url.Parse(client.ProductionBaseURL)
	if strings.EqualFold(u.Hostname(), prod.Hostname()) && !allowProduction {
		return nil, usagef(e.name, "the upstream is the production API (%s): add --allow-production if you mean it", prod.Host)
	}
	return u, nil
}

// forwardsToItself reports whether the proxy listening on ln would forward
// to itself: CASHFREE_BASE_URL set for the proxy's own clients, say.
func forwardsToItself(ln net.Listener, target *url.URL) bool {
	port := target.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[target.Scheme]
	}
	_, lnPort, err := net.SplitHostPort(ln.Addr().String())
	if err != nil || port != lnPort {
		return false
	}
	ips, err := net.LookupIP(target.Hostname())
	if err != nil {
		return false
	}
	lnAddr, _ := ln.Addr().(*net.TCPAddr)
	for _, ip := range ips {
		if ip.IsLoopback() || (lnAddr != nil && (lnAddr.IP.IsUnspecified() || lnAddr.IP.Equal(ip))) {
			return true
		}
	}
	return false
}

// outputs are the report files a check writes.
type outputs struct {
	report, junit *os.File
}

// openOutputs creates the report files before anything runs, so that an
// unwritable path is bad usage at once, not a lost report at the end.
func openOutputs(cmd, report, junit string) (*outputs, error) {
	out := &outputs{}
	for _, f := range []struct {
		path string
		dst  **os.File
	}{{report, &out.report}, {junit, &out.junit}} {
		if f.path == "" {
			continue
		}
		file, err := os.Create(f.path)
		if err != nil {
			out.close()
			return nil, usagef(cmd, "cannot write %s: %v", f.path, errors.Unwrap(err))
		}
		*f.dst = file
	}
	return out, nil
}

func (o *outputs) close() {
	for _, f := range []*os.File{o.report, o.junit} {
		if f != nil {
			_ = f.Close()
		}
	}
}

// reportWriter is the JSON-lines report, or nil (an untyped nil, so that
// the Recorder sees none).
func (o *outputs) reportWriter() io.Writer {
	if o.report == nil {
		return nil
	}
	return o.report
}

// specBrokenError ends a check that found exchanges breaking the spec: exit 6.
type specBrokenError struct {
	who          string
	broke, total int
}

func (e *specBrokenError) Error() string {
	return fmt.Sprintf("%s: %d of %d exchanges broke the spec", e.who, e.broke, e.total)
}

func (e *specBrokenError) ExitCode() int { return exitBroke }

// badInputError is input a check cannot read (a HAR entry, a file): exit 2.
type badInputError struct{ msg string }

func (e *badInputError) Error() string { return e.msg }
func (e *badInputError) ExitCode() int { return exitUsage }

// finishCheck writes the JUnit file and the summary, and returns the
// check's outcome: nil, or a *specBrokenError.
func finishCheck(e *env, out *outputs, rec *contractcheck.Recorder, strict bool, who string) error {
	results := rec.Results()
	var errs []error
	if err := rec.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", who, err))
	}
	if out.junit != nil {
		if err := contractcheck.WriteJUnitOmitting(out.junit, who, results, rec.Omitted()); err != nil {
			errs = append(errs, fmt.Errorf("%s: writing the JUnit report: %w", who, err))
		}
	}
	all, ops := rec.Summary()
	contractcheck.WriteTotals(e.stderr, who, all, ops, strict)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if all.Broke > 0 {
		return &specBrokenError{who: who, broke: all.Broke, total: all.Exchanges}
	}
	return nil
}

// printExchange prints a line per violation, drift finding and proxy fault
// of one exchange; nothing for an exchange that holds.
func printExchange(w io.Writer, r contractcheck.Result) {
	head := exchangeHead(r)
	if r.ProxyFault != "" {
		fmt.Fprintf(w, "%s: proxy fault (not a spec violation): %s\n", head, r.ProxyFault)
		return
	}
	for _, v := range r.Violations {
		fmt.Fprintf(w, "%s %s\n", head, v)
	}
	for _, d := range r.Drift {
		fmt.Fprintf(w, "%s %s\n", head, d)
	}
	if r.RequestUnchecked != "" {
		fmt.Fprintf(w, "%s: request body not checked: %s\n", head, r.RequestUnchecked)
	}
	if r.Unchecked != "" {
		fmt.Fprintf(w, "%s: response body not checked: %s\n", head, r.Unchecked)
	}
}

// exchangeHead names an exchange: entry (HAR), operation, method and path, status.
func exchangeHead(r contractcheck.Result) string {
	var b strings.Builder
	if r.Entry > 0 {
		fmt.Fprintf(&b, "entry %d ", r.Entry)
	}
	if r.Operation != "" {
		b.WriteString(r.Operation + " ")
	}
	b.WriteString(r.Method + " " + r.Path)
	if r.Status != 0 {
		fmt.Fprintf(&b, " %d", r.Status)
	}
	return b.String()
}

// lockedWriter serialises writes from the proxy's concurrent exchanges.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
