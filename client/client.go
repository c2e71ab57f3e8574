// Package client is the Go client for the Cashfree Verification (Secure ID)
// API: data availability, user details, DigiLocker status, Account
// Aggregator consent status and financial information.
//
// Build a Client with New and options, then call one method per operation:
//
//	c, err := client.New(client.FromEnv(), client.WithEnvironment(client.Production))
//	st, err := c.DigiLockerStatus(ctx, client.ByVerificationID("verif-42"))
//
// Every method takes a context first, checks its input before anything is
// sent, signs the request when a public key is configured, retries what is
// safe to retry (RetryPolicy), and returns a typed result or an error: an
// *Error for a non-2xx answer, an *InputError for bad input, a *DecodeError
// for a 2xx answer that does not decode, a *NetworkError when no answer
// came. It never returns a nil result with a nil error.
//
// The results are the types of package verification (generated from the
// spec; go doc shows their fields): *verification.DigiLockerStatus, …,
// *verification.UserDetails with one typed slice of records per scope, and
// *verification.FinancialInformation with its parsed statement.
//
// Security: credentials go only to the configured host (redirects to another
// host or scheme are refused), https is required except on loopback
// addresses (WithInsecureHTTP overrides), the default transport requires
// TLS 1.2, response bodies are capped (WithMaxResponseBytes), and nothing
// secret or personal is logged or put in an error message unmasked.
package client

import (
	"crypto/rsa"
	"crypto/sha1" // #nosec G505 -- only for the size of an OAEP-SHA-1 digest
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/cfverify/cfverify/mask"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls the five operations. It is safe for concurrent use and holds
// no per-call state; build one and share it.
type Client struct {
	server           string // base URL with a trailing slash, as the generated builders want it
	clientID         string
	clientSecret     string
	publicKey        *rsa.PublicKey
	apiVersion       string
	http             *http.Client
	do               MiddlewareNext // the middleware, then http.Do
	observer         CallObserver   // nil: calls are not observed
	retry            RetryPolicy
	timeout          time.Duration
	logger           *slog.Logger
	userAgentHeader  []string // the User-Agent value, shared by every request
	maxResponseBytes int64
	now              func() time.Time
	jitter           func(n int64) int64
}

// New builds a Client. With no options it talks to the sandbox, without
// credentials (only UserDetails works then), with DefaultRetryPolicy,
// DefaultAttemptTimeout and DefaultMaxResponseBytes. Any misconfiguration is
// reported here, all problems at once, as an error matching ErrConfig.
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			errs = append(errs, err)
		}
	}
	base := cfg.baseURL
	if base == "" {
		base = cfg.env.BaseURL()
	}
	server, err := checkBaseURL(base, cfg.insecureHTTP)
	if err != nil {
		errs = append(errs, err)
	}
	if cfg.publicKey != nil {
		switch {
		case !cfg.credentialsSet:
			errs = append(errs, configError("a public key needs client credentials too: the signature embeds the client id"))
		case len(cfg.clientID)+len(".")+20 > cfg.publicKey.Size()-2*sha1.Size-2:
			errs = append(errs, configError("client id too long to be signed with a %d-bit key", cfg.publicKey.N.BitLen()))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	hc := &http.Client{Transport: defaultTransport()}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient
		hc = &copied
	}
	hc.CheckRedirect = redirectPolicy(hc.CheckRedirect)

	return &Client{
		server:           server,
		clientID:         cfg.clientID,
		clientSecret:     cfg.clientSecret,
		publicKey:        cfg.publicKey,
		apiVersion:       cfg.apiVersion,
		http:             hc,
		do:               chain(hc, cfg.middleware),
		observer:         cfg.observer,
		retry:            cfg.retry,
		timeout:          cfg.timeout,
		logger:           slog.New(mask.NewHandler(cfg.logger.Handler())),
		userAgentHeader:  []string{cfg.userAgent},
		maxResponseBytes: cfg.maxResponseBytes,
		now:              time.Now,
		jitter:           randomJitter,
	}, nil
}

// BaseURL returns the URL operation paths are appended to.
func (c *Client) BaseURL() string { return strings.TrimSuffix(c.server, "/") }

// HasCredentials reports whether the client id and secret are configured,
// which every operation but UserDetails needs.
func (c *Client) HasCredentials() bool { return c.clientID != "" }

// CloseIdleConnections closes idle keep-alive connections of the underlying
// transport. Call it when done with a Client in a long-lived process or a
// test that checks for leaked goroutines.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// String describes the Client without its secret, so that printing or
// logging one leaks nothing.
func (c *Client) String() string {
	return fmt.Sprintf("cfverify.Client{base: %s, credentials: %t, signature: %t}",
		c.BaseURL(), c.clientID != "", c.publicKey != nil)
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// LogValue is String, for slog.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// checkBaseURL validates a base URL and returns it with a trailing slash.
func checkBaseURL(raw string, insecure bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // without the URL, which may hold a password
		}
		return "", configError("malformed base URL: %v", err)
	}
	shown := u.Redacted()
	switch {
	case u.User != nil:
		return "", configError("base URL %q must not carry user info", shown)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", configError("base URL %q: scheme must be https (or http on loopback)", shown)
	case u.Host == "" || u.Hostname() == "":
		return "", configError("base URL %q has no host", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", configError("base URL %q must not carry a query or fragment", shown)
	case u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()):
		return "", configError("base URL %q: plain http is only allowed on loopback addresses (WithInsecureHTTP overrides)", shown)
	}
	s := u.String()
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// defaultTransport is http.DefaultTransport's settings with TLS 1.2 as the
// minimum version.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return t
}

// maxRedirects is how many same-host redirects a call follows.
const maxRedirects = 3

// redirectPolicy follows at most maxRedirects redirects, and only to the
// scheme and host of the original request: credentials, the access token
// and the signature are never sent anywhere else, and https is never
// downgraded. next is the caller's own CheckRedirect, consulted after.
func redirectPolicy(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if !strings.EqualFold(req.URL.Scheme, first.Scheme) || !strings.EqualFold(req.URL.Host, first.Host) {
			return fmt.Errorf("%w: to another host or scheme (%s://%s)", ErrRedirectRefused, req.URL.Scheme, req.URL.Host)
		}
		if len(via) > maxRedirects {
			return fmt.Errorf("%w: more than %d redirects", ErrRedirectRefused, maxRedirects)
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}
