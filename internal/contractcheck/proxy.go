package contractcheck

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cfverify/cfverify/mask"
)

// Defaults of ProxyConfig.
const (
	DefaultMaxRequestBytes  = 1 << 20  // the API's one request body is a few hundred bytes
	DefaultMaxResponseBytes = 64 << 20 // the client's own cap on a response
	DefaultUpstreamTimeout  = 60 * time.Second
)

// ProxyConfig configures a Proxy.
type ProxyConfig struct {
	// Upstream is where requests go: its scheme and host. The request's own
	// path and query are forwarded unchanged, so a client whose base URL was
	// https://sandbox.cashfree.com/verification uses http://PROXY/verification.
	Upstream *url.URL
	Checker  *Checker
	Recorder *Recorder
	// MaxRequestBytes caps a request body: a larger one gets 413 and is not forwarded.
	MaxRequestBytes int64
	// MaxResponseBytes caps the body checked; a larger one is forwarded whole, unchecked.
	MaxResponseBytes int64
	// Timeout bounds one exchange with the upstream; past it the client gets 504.
	Timeout time.Duration
	// Transport sends to the upstream (NewUpstreamTransport when nil). It
	// must not retry; http.Transport only retries replayable requests, and
	// the Proxy never hands it one.
	Transport http.RoundTripper
	// OnResult, when set, is called after each exchange is recorded.
	OnResult func(Result)
	// Metrics, when set, counts exchanges and the latency the proxy adds.
	Metrics *ProxyMetrics
}

// Proxy forwards each request unchanged to the upstream, once, and each
// answer unchanged back, then checks the exchange against the spec and
// records the result. Validation runs after the answer is written, so it
// adds nothing to the client's wait for that answer; call Wait before
// reading the Recorder.
type Proxy struct {
	cfg ProxyConfig
	// Checks run after the answer, off the connection's goroutine, so a
	// keep-alive connection's next request does not wait for them; at most
	// cap(checkSlots) at once, beyond which the handler checks inline.
	checkSlots chan struct{}
	checks     sync.WaitGroup
}

// NewUpstreamTransport is the Proxy's default transport: HTTP/1.1 (whose
// retry rules the Proxy defeats, unlike HTTP/2's), no transparent
// decompression (bodies pass as the upstream sent them), TLS 1.2 or newer,
// HTTP_PROXY and friends honoured.
func NewUpstreamTransport() *http.Transport {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		DisableCompression:    true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	t.Protocols = new(http.Protocols)
	t.Protocols.SetHTTP1(true)
	return t
}

// NewProxy checks cfg and fills its defaults.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	if cfg.Upstream == nil || (cfg.Upstream.Scheme != "http" && cfg.Upstream.Scheme != "https") || cfg.Upstream.Host == "" {
		return nil, errors.New("contractcheck: the upstream must be an absolute http or https URL")
	}
	if cfg.Checker == nil || cfg.Recorder == nil {
		return nil, errors.New("contractcheck: a Proxy needs a Checker and a Recorder")
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultUpstreamTimeout
	}
	if cfg.Transport == nil {
		cfg.Transport = NewUpstreamTransport()
	}
	return &Proxy{cfg: cfg, checkSlots: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}, nil
}

// hopHeaders are the connection's own headers (RFC 9110, 7.6.1): they are
// not forwarded; every other header is, unchanged.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

func endToEnd(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, f := range h.Values("Connection") {
		for name := range strings.SplitSeq(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		out.Del(name)
	}
	return out
}

// ServeHTTP forwards r and records the exchange.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	op, _ := p.cfg.Checker.validator.Operation(r.Method, r.URL.Path)
	fault := func(status int, code, msg string) {
		writeProxyError(w, status, code, msg)
		p.record(Result{Time: start, Operation: op, Method: r.Method, Path: mask.PII(r.URL.Path),
			LatencyMS: ms(time.Since(start)), Violations: []Finding{}, Drift: []Finding{}, ProxyFault: msg})
	}

	if r.ContentLength > p.cfg.MaxRequestBytes {
		fault(http.StatusRequestEntityTooLarge, "request_too_large",
			fmt.Sprintf("cfverify proxy: the request body (%d bytes) is over the proxy's limit of %d bytes; not forwarded", r.ContentLength, p.cfg.MaxRequestBytes))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, p.cfg.MaxRequestBytes+1))
	if err != nil {
		fault(http.StatusBadRequest, "request_unreadable", "cfverify proxy: reading the request body failed: "+mask.PII(err.Error())+"; not forwarded")
		return
	}
	if int64(len(body)) > p.cfg.MaxRequestBytes {
		fault(http.StatusRequestEntityTooLarge, "request_too_large",
			fmt.Sprintf("cfverify proxy: the request body is over the proxy's limit of %d bytes; not forwarded", p.cfg.MaxRequestBytes))
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), p.cfg.Timeout)
	defer cancel()
	out := p.outgoing(ctx, r, body)
	upstreamStart := time.Now()
	resp, err := p.cfg.Transport.RoundTrip(out)
	if err != nil {
		switch {
		case r.Context().Err() != nil:
			fault(499, "client_closed", "cfverify proxy: the client went away before the upstream answered")
		case errors.Is(err, context.DeadlineExceeded):
			fault(http.StatusGatewayTimeout, "upstream_timeout",
				fmt.Sprintf("cfverify proxy: the upstream %s did not answer within %s", p.cfg.Upstream.Host, p.cfg.Timeout))
		default:
			fault(http.StatusBadGateway, "upstream_unreachable",
				fmt.Sprintf("cfverify proxy: the upstream %s did not answer: %s", p.cfg.Upstream.Host, mask.PII(err.Error())))
		}
		return
	}
	defer resp.Body.Close()

	data, readErr := io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxResponseBytes+1))
	latency := time.Since(start)
	upstream := time.Since(upstreamStart)
	tooLarge := int64(len(data)) > p.cfg.MaxResponseBytes

	header := w.Header()
	for name, values := range endToEnd(resp.Header) {
		header[name] = values
	}
	w.WriteHeader(resp.StatusCode)
	_, writeErr := w.Write(data)
	if tooLarge && readErr == nil && writeErr == nil {
		_, readErr = io.Copy(w, resp.Body)
	}
	if readErr == nil && writeErr == nil {
		// The client has its whole answer before the check starts.
		_ = http.NewResponseController(w).Flush()
		p.cfg.Metrics.addedLatency(op, time.Since(start)-upstream)
	}

	x := Exchange{
		Method: r.Method, URL: new(*r.URL), RequestHeader: r.Header.Clone(), RequestBody: body, // the check may outlive r
		Status: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: data,
	}
	switch {
	case readErr != nil:
		x.ResponseUnavailable = "the upstream's body ended early: " + mask.PII(readErr.Error())
	case tooLarge:
		x.ResponseUnavailable = fmt.Sprintf("the body is over the proxy's limit of %d bytes (forwarded whole)", p.cfg.MaxResponseBytes)
	case r.Method == http.MethodHead:
		x.ResponseUnavailable = "a HEAD response has no body"
	default:
		x.ResponseBody, x.ResponseUnavailable = decodedBody(resp.Header, data)
	}
	check := func() {
		res := p.cfg.Checker.Check(context.WithoutCancel(r.Context()), x)
		res.Time, res.LatencyMS = start, ms(latency)
		p.record(res)
	}
	if readErr == nil {
		select {
		case p.checkSlots <- struct{}{}:
			p.checks.Go(func() {
				defer func() { <-p.checkSlots }()
				check()
			})
		default:
			check()
		}
		return
	}
	// The client gets what arrived and then the same broken connection.
	_ = http.NewResponseController(w).Flush()
	check()
	panic(http.ErrAbortHandler)
}

// outgoing is r as it goes to the upstream: the same method, path, query,
// end-to-end headers and body, sent once. Its body is never replayable,
// so http.Transport cannot send it a second time after a connection drops.
func (p *Proxy) outgoing(ctx context.Context, r *http.Request, body []byte) *http.Request {
	u := *p.cfg.Upstream
	u.Path, u.RawPath, u.RawQuery, u.ForceQuery, u.Fragment, u.User = r.URL.Path, r.URL.RawPath, r.URL.RawQuery, r.URL.ForceQuery, "", nil
	out := &http.Request{
		Method:     r.Method,
		URL:        &u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     endToEnd(r.Header),
		Host:       u.Host,
	}
	if _, ok := r.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = []string{""} // Go would add its own otherwise
	}
	switch {
	case len(body) > 0:
		out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	case methodLacksBody(r.Method):
		// An empty reader, not http.NoBody: the transport probes it, sends
		// no body, and treats the request as not replayable.
		out.Body = io.NopCloser(bytes.NewReader(nil))
	default:
		// A POST without a body: http.NoBody keeps "Content-Length: 0"; a
		// POST is replayable only with an Idempotency-Key header.
		out.Body = http.NoBody
	}
	return out.WithContext(ctx)
}

// methodLacksBody mirrors net/http's list of methods whose empty body it
// probes instead of sending chunked.
func methodLacksBody(m string) bool {
	switch m {
	case "GET", "HEAD", "DELETE", "OPTIONS", "PROPFIND", "SEARCH":
		return true
	}
	return false
}

// Wait waits for the checks of the exchanges answered so far: call it
// after the server has shut down, before reading the Recorder.
func (p *Proxy) Wait() { p.checks.Wait() }

func (p *Proxy) record(r Result) {
	p.cfg.Recorder.Add(r)
	p.cfg.Metrics.exchange(r)
	if p.cfg.OnResult != nil {
		p.cfg.OnResult(r)
	}
}

// ProxyErrorBody is the JSON body of an answer the proxy makes itself: the
// API's own error shape, so that clients parse it, with a type naming the
// proxy. Its answers also carry the header X-Cfverify-Proxy: fault.
type ProxyErrorBody struct {
	Type    string `json:"type"` // always "proxy_error"
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeProxyError(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(ProxyErrorBody{Type: "proxy_error", Code: code, Message: msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Cfverify-Proxy", "fault")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
