package client

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"
)

// Environment selects the Cashfree servers a Client talks to.
type Environment string

// The two environments Cashfree runs.
const (
	// Sandbox is the test environment: test credentials, simulated data.
	Sandbox Environment = "sandbox"
	// Production is the live environment.
	Production Environment = "production"
)

// Base URLs of the two environments, as the API reference gives them.
const (
	SandboxBaseURL    = "https://sandbox.cashfree.com/verification"
	ProductionBaseURL = "https://api.cashfree.com/verification"
)

// Defaults New applies when no option says otherwise.
const (
	// DefaultAPIVersion is the x-api-version sent with every request.
	DefaultAPIVersion = "2024-12-01"
	// DefaultAttemptTimeout bounds each HTTP attempt (connect, send, read the body).
	DefaultAttemptTimeout = 60 * time.Second
	// DefaultMaxResponseBytes caps the size of a response body: large enough
	// for a long financial-information statement, small enough that a
	// misbehaving server cannot make the client read gigabytes.
	DefaultMaxResponseBytes int64 = 64 << 20
	// DefaultUserAgent is the User-Agent header unless WithUserAgent is used.
	DefaultUserAgent = "cfverify-go/1"
)

// Names of the environment variables FromEnv reads.
const (
	EnvClientID     = "CASHFREE_CLIENT_ID"
	EnvClientSecret = "CASHFREE_CLIENT_SECRET"
	EnvPublicKey    = "CASHFREE_PUBLIC_KEY" // path to a PEM file
	EnvEnvironment  = "CASHFREE_ENV"        // "sandbox" or "production"
	EnvBaseURL      = "CASHFREE_BASE_URL"   // a base URL, such as a mock's; wins over CASHFREE_ENV
)

// ErrConfig is matched (errors.Is) by every error New returns for a
// misconfiguration: an empty client id, an unreadable key, an unknown
// environment, a malformed base URL, an out-of-range setting.
var ErrConfig = errors.New("cfverify: invalid configuration")

func configError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
}

// ParseEnvironment turns "sandbox" or "production" (any case) into an
// Environment.
func ParseEnvironment(s string) (Environment, error) {
	switch Environment(strings.ToLower(strings.TrimSpace(s))) {
	case Sandbox:
		return Sandbox, nil
	case Production:
		return Production, nil
	}
	return "", configError("unknown environment %q: want %q or %q", s, Sandbox, Production)
}

// BaseURL returns the environment's base URL, or "" for an unknown value.
func (e Environment) BaseURL() string {
	switch e {
	case Sandbox:
		return SandboxBaseURL
	case Production:
		return ProductionBaseURL
	}
	return ""
}

// config collects what the options say; New turns it into a Client.
type config struct {
	env              Environment
	baseURL          string
	clientID         string
	clientSecret     string
	credentialsSet   bool
	publicKey        *rsa.PublicKey
	apiVersion       string
	httpClient       *http.Client
	retry            RetryPolicy
	timeout          time.Duration
	logger           *slog.Logger
	userAgent        string
	maxResponseBytes int64
	insecureHTTP     bool
	middleware       []Middleware
	observer         CallObserver
}

func defaultConfig() config {
	return config{
		env:              Sandbox,
		apiVersion:       DefaultAPIVersion,
		retry:            DefaultRetryPolicy(),
		timeout:          DefaultAttemptTimeout,
		logger:           slog.New(slog.DiscardHandler),
		userAgent:        DefaultUserAgent,
		maxResponseBytes: DefaultMaxResponseBytes,
	}
}

// Option configures a Client in New. Options apply in order, so a later
// option overrides an earlier one (put FromEnv first to let explicit options
// win). An option that cannot apply makes New fail.
type Option func(*config) error

// WithEnvironment picks Sandbox (the default) or Production. A base URL set
// with WithBaseURL takes precedence over the environment.
func WithEnvironment(env Environment) Option {
	return func(c *config) error {
		if env.BaseURL() == "" {
			return configError("unknown environment %q: want %q or %q", string(env), Sandbox, Production)
		}
		c.env = env
		return nil
	}
}

// WithBaseURL sends requests to baseURL instead of the environment's URL,
// for example a local mock server or a proxy. It may carry a path prefix
// ("http://127.0.0.1:8080/verification"); operation paths are appended to
// it. It must be https unless the host is a loopback address or
// WithInsecureHTTP is given, and it may carry no user info, query or fragment.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		if strings.TrimSpace(baseURL) == "" {
			return configError("empty base URL")
		}
		c.baseURL = baseURL
		return nil
	}
}

// WithCredentials sets the client id and secret that authenticate the four
// operations other than user details. Both must be non-empty and free of
// whitespace. Without credentials a Client can still call UserDetails, which
// is authorised by the user's access token alone.
func WithCredentials(clientID, clientSecret string) Option {
	return func(c *config) error {
		if err := checkHeaderValue("client id", clientID); err != nil {
			return err
		}
		if err := checkHeaderValue("client secret", clientSecret); err != nil {
			return err
		}
		c.clientID, c.clientSecret, c.credentialsSet = clientID, clientSecret, true
		return nil
	}
}

func checkHeaderValue(what, v string) error {
	if v == "" {
		return configError("empty %s", what)
	}
	if strings.IndexFunc(v, isSpaceOrControl) >= 0 {
		return configError("%s contains whitespace or control characters", what)
	}
	return nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// WithPublicKeyPEM sets the RSA public key (PEM, "PUBLIC KEY" or
// "RSA PUBLIC KEY", at least 2048 bits) used for the two-factor signature:
// with a key, every request of the four credential operations carries a
// fresh x-cf-signature. It needs WithCredentials too, since the signature
// embeds the client id.
func WithPublicKeyPEM(pemBytes []byte) Option {
	return func(c *config) error {
		key, err := parsePublicKey(pemBytes)
		if err != nil {
			return err
		}
		c.publicKey = key
		return nil
	}
}

// WithPublicKeyFile is WithPublicKeyPEM with the PEM read from a file.
func WithPublicKeyFile(path string) Option {
	return func(c *config) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return configError("read public key: %v", err)
		}
		key, err := parsePublicKey(data)
		if err != nil {
			return fmt.Errorf("%w (file %s)", err, path)
		}
		c.publicKey = key
		return nil
	}
}

// WithAPIVersion sets the x-api-version header (a YYYY-MM-DD date); the
// default is DefaultAPIVersion.
func WithAPIVersion(version string) Option {
	return func(c *config) error {
		if _, err := time.Parse(time.DateOnly, version); err != nil {
			return configError("API version %q is not a YYYY-MM-DD date", version)
		}
		c.apiVersion = version
		return nil
	}
}

// WithHTTPClient sends requests through hc. The Client uses a shallow copy
// of it with its own redirect policy in front of hc's CheckRedirect, so hc
// itself is never modified. hc's transport is used as it is: the TLS 1.2
// minimum of the default transport is then the transport's business.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return configError("nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy. RetryPolicy{} disables
// retries; see RetryPolicy for which requests are retried.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithAttemptTimeout bounds each HTTP attempt, body included (default
// DefaultAttemptTimeout). Zero means no per-attempt bound. The context passed to a
// call bounds the whole call, retries and backoff included.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return configError("negative timeout %v", d)
		}
		c.timeout = d
		return nil
	}
}

// WithLogger receives a debug record for every HTTP attempt (operation,
// method, path, attempt, status, latency, request id). The Client wraps the
// logger's handler in mask.NewHandler, and never logs secrets in the
// first place. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return configError("nil *slog.Logger")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n\x00") {
			return configError("user agent must be non-empty and on one line")
		}
		c.userAgent = ua
		return nil
	}
}

// WithMaxResponseBytes caps the size of any response body (default
// DefaultMaxResponseBytes). A larger success body fails the call with an
// error matching ErrResponseTooLarge, after reading at most n+1 bytes.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return configError("max response bytes must be positive, got %d", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithInsecureHTTP allows an http:// base URL on a host that is not a
// loopback address. Credentials then cross the network in clear text: use
// it only for test setups you control.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// FromEnv configures the Client from the environment: CASHFREE_CLIENT_ID and
// CASHFREE_CLIENT_SECRET (credentials, both or neither), CASHFREE_PUBLIC_KEY
// (path to the PEM public key), CASHFREE_BASE_URL (a base URL, as
// WithBaseURL) and CASHFREE_ENV ("sandbox" or "production"). Unset or empty
// variables leave the configuration as it is.
//
// Where to call follows one order, the CLI's too: an explicit WithBaseURL,
// else CASHFREE_BASE_URL, else the environment (WithEnvironment or
// CASHFREE_ENV), else the sandbox. A base URL, from either source, wins
// over an environment, so that a process pointed at a mock with
// CASHFREE_BASE_URL never calls the sandbox with its credentials.
func FromEnv() Option { return FromEnvLookup(os.LookupEnv) }

// FromEnvLookup is FromEnv reading variables through lookup (os.LookupEnv
// for FromEnv), so that tests and tools can supply their own.
func FromEnvLookup(lookup func(string) (string, bool)) Option {
	return func(c *config) error {
		get := func(name string) string {
			v, _ := lookup(name)
			return v
		}
		var errs []error
		id, secret := get(EnvClientID), get(EnvClientSecret)
		switch {
		case id != "" && secret != "":
			if err := WithCredentials(id, secret)(c); err != nil {
				errs = append(errs, fmt.Errorf("%s/%s: %w", EnvClientID, EnvClientSecret, err))
			}
		case id != "":
			errs = append(errs, configError("%s is set but %s is not", EnvClientID, EnvClientSecret))
		case secret != "":
			errs = append(errs, configError("%s is set but %s is not", EnvClientSecret, EnvClientID))
		}
		if path := get(EnvPublicKey); path != "" {
			if err := WithPublicKeyFile(path)(c); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", EnvPublicKey, err))
			}
		}
		if u := get(EnvBaseURL); u != "" {
			if err := WithBaseURL(u)(c); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", EnvBaseURL, err))
			}
		}
		if e := get(EnvEnvironment); e != "" {
			env, err := ParseEnvironment(e)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", EnvEnvironment, err))
			} else {
				c.env = env
			}
		}
		return errors.Join(errs...)
	}
}
