package contract_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment of the live contract test. The client's own variables
// (CASHFREE_CLIENT_ID, CASHFREE_CLIENT_SECRET, CASHFREE_PUBLIC_KEY,
// CASHFREE_ENV) keep their meaning; these say where and what to look up.
const (
	envBaseURL      = "CASHFREE_BASE_URL"     // overrides CASHFREE_ENV, e.g. a local mock
	envAccessToken  = "CASHFREE_ACCESS_TOKEN" // for GET /oauth2/user-details
	envMobile       = "CFVERIFY_LIVE_MOBILE"  // for POST /user/data-availability
	envDigiLocker   = "CFVERIFY_LIVE_DIGILOCKER_ID"
	envConsent      = "CFVERIFY_LIVE_CONSENT_ID"
	envFI           = "CFVERIFY_LIVE_FI_ID"
	envStrictDrift  = "CFVERIFY_STRICT_DRIFT" // 1: drift fails the test too
	envRecord       = "CFVERIFY_RECORD"       // 1: write the answers as fixtures
	envMaskKey      = "CFVERIFY_MASK_KEY"     // key of the masking; random when unset
	envAPIVersion   = "CASHFREE_API_VERSION"
	liveSkipMessage = "live contract test: set CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET (and CASHFREE_BASE_URL or CASHFREE_ENV, " +
		"CASHFREE_ACCESS_TOKEN, CFVERIFY_LIVE_MOBILE, CFVERIFY_LIVE_DIGILOCKER_ID, CFVERIFY_LIVE_CONSENT_ID, CFVERIFY_LIVE_FI_ID) to run it; " +
		"TestLive_againstTheMock runs the same checks locally"
)

// liveConfig is what one live run needs.
type liveConfig struct {
	getenv func(string) string
	// ids looked up; an empty one skips its operation with a message.
	mobile, accessToken, digiLockerID, consentID, fiID string
	strictDrift                                        bool
}

func envConfig(getenv func(string) string) liveConfig {
	return liveConfig{
		getenv:       getenv,
		mobile:       getenv(envMobile),
		accessToken:  getenv(envAccessToken),
		digiLockerID: getenv(envDigiLocker),
		consentID:    getenv(envConsent),
		fiID:         getenv(envFI),
		strictDrift:  getenv(envStrictDrift) == "1",
	}
}

// exchange is one answer the live run received, kept for record mode.
type exchange struct {
	operation string
	status    int
	body      []byte
}

// capturingTransport keeps a copy of every response body, for record mode,
// and hands the caller the same bytes.
type capturingTransport struct {
	base      http.RoundTripper
	validator *openapi.Validator

	mu        sync.Mutex
	exchanges []exchange
}

func (c *capturingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr != nil {
		return resp, nil // the caller meets the same failure reading the rest
	}
	if op, ok := c.validator.Operation(req.Method, req.URL.Path); ok {
		c.mu.Lock()
		c.exchanges = append(c.exchanges, exchange{operation: op, status: resp.StatusCode, body: body})
		c.mu.Unlock()
	}
	return resp, nil
}

func (c *capturingTransport) CloseIdleConnections() {
	if ci, ok := c.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// liveResult is what one live run saw.
type liveResult struct {
	exchanges  []exchange
	violations []*openapi.ValidationError
	drift      []openapi.DriftFinding
}

// check fails t on every violation of the spec, in either direction, and on
// drift too in strict mode; drift is otherwise logged as a warning.
func (r liveResult) check(t *testing.T, strictDrift bool) {
	t.Helper()
	for _, v := range r.violations {
		t.Errorf("spec violation: %v", v)
	}
	for _, d := range r.drift {
		if strictDrift {
			t.Errorf("drift (strict): %v", d)
		} else {
			t.Logf("drift (the API has grown past the spec): %v", d)
		}
	}
}

// liveRun calls each operation through the client with the validating
// transport and the capturing one, a subtest per operation.
func liveRun(t *testing.T, cfg liveConfig) liveResult {
	t.Helper()
	validating, err := openapi.NewValidatingTransport(defaultTransport(), openapi.WithMode(openapi.ModeRecord))
	require.NoError(t, err)
	capture := &capturingTransport{base: validating, validator: validator(t)}
	opts := []client.Option{
		client.FromEnvLookup(func(k string) (string, bool) {
			v := cfg.getenv(k)
			return v, v != ""
		}),
		client.WithHTTPClient(&http.Client{Transport: capture}),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3}),
	}
	if u := cfg.getenv(envBaseURL); u != "" {
		opts = append(opts, client.WithBaseURL(u))
	}
	if v := cfg.getenv(envAPIVersion); v != "" {
		opts = append(opts, client.WithAPIVersion(v))
	}
	c, err := client.New(opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	// An answer of the API, success or a documented error, is what the
	// contract is about; a network failure is not.
	answered := func(t *testing.T, res any, err error) {
		t.Helper()
		if err == nil {
			assert.NotNil(t, res)
			return
		}
		var apiErr *client.Error
		require.True(t, errors.As(err, &apiErr), "no answer from the API: %v", err)
		t.Logf("answered %d %s/%s", apiErr.StatusCode, apiErr.Type, apiErr.Code)
	}
	ctx := t.Context()
	t.Run("getDataAvailability", func(t *testing.T) {
		if cfg.mobile == "" {
			t.Skipf("set %s to call POST /user/data-availability", envMobile)
		}
		id := "cfverify-live-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		res, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: id, Mobile: cfg.mobile})
		answered(t, res, err)
	})
	t.Run("getUserDetails", func(t *testing.T) {
		if cfg.accessToken == "" {
			t.Skipf("set %s to call GET /oauth2/user-details", envAccessToken)
		}
		res, err := c.UserDetails(ctx, cfg.accessToken)
		answered(t, res, err)
	})
	t.Run("getDigiLockerStatus", func(t *testing.T) {
		if cfg.digiLockerID == "" {
			t.Skipf("set %s to call GET /digilocker", envDigiLocker)
		}
		res, err := c.DigiLockerStatus(ctx, client.ByVerificationID(cfg.digiLockerID))
		answered(t, res, err)
	})
	t.Run("getConsentStatus", func(t *testing.T) {
		if cfg.consentID == "" {
			t.Skipf("set %s to call GET /aa/consent", envConsent)
		}
		res, err := c.ConsentStatus(ctx, client.ByVerificationID(cfg.consentID))
		answered(t, res, err)
	})
	t.Run("getFinancialInformation", func(t *testing.T) {
		if cfg.fiID == "" {
			t.Skipf("set %s to call GET /aa/fi", envFI)
		}
		res, err := c.FinancialInformation(ctx, client.ByVerificationID(cfg.fiID))
		answered(t, res, err)
	})

	capture.mu.Lock()
	defer capture.mu.Unlock()
	return liveResult{exchanges: capture.exchanges, violations: validating.Violations(), drift: validating.DriftFindings()}
}

// defaultTransport is what the client would use on its own: a transport
// supplied with WithHTTPClient keeps its TLS settings, so the live test
// asks for the client's TLS 1.2 minimum itself.
func defaultTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return t
}

// TestLive runs against the API the environment names: the vendor's sandbox
// or production with real credentials, or a standalone mock (CI starts
// `cfverify mock` and points CASHFREE_BASE_URL at it). With CFVERIFY_RECORD=1
// it also refreshes the recorded fixtures (make record).
func TestLive(t *testing.T) {
	if os.Getenv(client.EnvClientID) == "" || os.Getenv(client.EnvClientSecret) == "" {
		t.Skip(liveSkipMessage)
	}
	cfg := envConfig(os.Getenv)
	res := liveRun(t, cfg)
	res.check(t, cfg.strictDrift)
	t.Logf("live: %d answers checked against the spec", len(res.exchanges))
	if os.Getenv(envRecord) != "1" {
		return
	}
	rec, err := newRecorder(os.Getenv(envMaskKey), "testdata")
	require.NoError(t, err)
	written, err := rec.record(res.exchanges, recordMeta{
		RecordedAt: time.Now().UTC().Format(time.RFC3339),
		APIVersion: apiVersionOf(os.Getenv),
		Against:    hostOf(os.Getenv),
	})
	require.NoError(t, err)
	t.Logf("record: wrote %d fixtures, personal data masked: %s", len(written), strings.Join(written, ", "))
}

// TestLive_againstTheMock runs the live path, unchanged, against the local
// mock, so that it is exercised on every run without credentials.
func TestLive_againstTheMock(t *testing.T) {
	t.Parallel()
	srv, err := mock.New()
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	env := map[string]string{
		client.EnvClientID:     mock.DefaultClientID,
		client.EnvClientSecret: mock.DefaultClientSecret,
		envBaseURL:             srv.URL(),
		envAccessToken:         "mock-token-live",
		envMobile:              "9000000001",
		envDigiLocker:          "instant_live-dl",
		envConsent:             "instant_live-consent",
		envFI:                  "instant_live-fi",
		envStrictDrift:         "1",
	}
	cfg := envConfig(func(k string) string { return env[k] })
	res := liveRun(t, cfg)
	res.check(t, cfg.strictDrift)
	ops := map[string]int{}
	for _, e := range res.exchanges {
		ops[e.operation] = e.status
	}
	assert.Equal(t, map[string]int{
		"getDataAvailability": 200, "getUserDetails": 200, "getDigiLockerStatus": 200,
		"getConsentStatus": 200, "getFinancialInformation": 200,
	}, ops, "every operation answered, and was checked")
	assert.Empty(t, srv.Violations(), "the mock's own self-check")
}

// TestLive_reportsViolations: the live path catches an answer the spec does
// not allow, here a DigiLocker status no version of the docs lists, which Go
// decodes without complaint: drift by default (the vocabulary policy), a
// failure in strict mode (res.check with strictDrift).
func TestLive_reportsViolations(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"WAITING","verification_id":"dl-1","reference_id":7}`)
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{
		client.EnvClientID: "id", client.EnvClientSecret: "secret",
		envBaseURL: srv.URL + "/verification", envDigiLocker: "dl-1",
	}
	res := liveRun(t, envConfig(func(k string) string { return env[k] }))
	assert.Empty(t, res.violations, "an unlisted value of a closed set is not a violation by default")
	require.Len(t, res.drift, 1, "the unknown status is drift")
	assert.Equal(t, openapi.DriftUnknownEnumValue, res.drift[0].Kind)
	assert.Equal(t, "$.status", res.drift[0].Path)
	require.Len(t, res.exchanges, 1)
	assert.Equal(t, "getDigiLockerStatus", res.exchanges[0].operation)
}

func apiVersionOf(getenv func(string) string) string {
	if v := getenv(envAPIVersion); v != "" {
		return v
	}
	return client.DefaultAPIVersion
}

// hostOf names what was recorded against without credentials or paths.
func hostOf(getenv func(string) string) string {
	if u := getenv(envBaseURL); u != "" {
		if _, rest, ok := strings.Cut(u, "://"); ok {
			host, _, _ := strings.Cut(rest, "/")
			if _, h, ok := strings.Cut(host, "@"); ok {
				host = h
			}
			return host
		}
		return "custom base URL"
	}
	if env := getenv(client.EnvEnvironment); env != "" {
		return env
	}
	return string(client.Sandbox)
}
