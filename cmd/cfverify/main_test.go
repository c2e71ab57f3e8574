package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
)

var checked atomic.Int64 // responses the mocks of this suite checked against the spec

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Printf("cmd/cfverify suite: %d responses passed the mock's self-check\n", checked.Load())
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// result is one run of the command line.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &m), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	return m
}

// errorLine asserts one line on stderr naming the operation, status, type,
// code and message.
func (r result) errorLine(t *testing.T, code int, parts ...string) {
	t.Helper()
	assert.Equal(t, code, r.code, "stderr: %s", r.stderr)
	assert.Empty(t, r.stdout)
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
	for _, p := range parts {
		assert.Contains(t, r.stderr, p)
	}
}

type cli struct {
	t   *testing.T
	env map[string]string
}

// newCLI returns a command line whose environment holds the mock's credentials.
func newCLI(t *testing.T) *cli {
	return &cli{t: t, env: map[string]string{
		"CASHFREE_CLIENT_ID":     mock.DefaultClientID,
		"CASHFREE_CLIENT_SECRET": mock.DefaultClientSecret,
	}}
}

func (c *cli) run(args ...string) result {
	return c.runCtx(c.t.Context(), args...)
}

func (c *cli) runCtx(ctx context.Context, args ...string) result {
	var out, errOut bytes.Buffer
	code := run(ctx, args, func(k string) string { return c.env[k] }, &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// startMock runs a mock for one test; its responses must all pass the self-check.
func startMock(t *testing.T, opts ...mock.Option) *mock.Server {
	t.Helper()
	srv, err := mock.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		srv.Close()
		checked.Add(int64(srv.Stats().Checked))
		for _, v := range srv.Violations() {
			t.Errorf("mock self-check: %v", v)
		}
	})
	return srv
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run()
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "Usage:\n  cfverify [command]")
	for _, args := range [][]string{
		{"bogus"},
		{"--bogus", "spec"},
		{"spec", "extra"},
		{"digilocker-status"},
		{"digilocker-status", "--verification-id", "a", "--reference-id", "1"},
		{"digilocker-status", "--reference-id", "-4"},
		{"digilocker-status", "--reference-id", "x"},
		{"consent-status"},
		{"fi", "--fi-verification-id", "a", "--fi-ref-id", "2"},
		{"data-availability", "--verification-id", "a"},
		{"digilocker-status", "--verification-id", "a", "--env", "staging"},
		{"digilocker-status", "--verification-id", "a", "--retries", "-1"},
		{"digilocker-status", "--verification-id", "a", "--timeout", "soon"},
		{"mock", "--fault", "kind=explode"},
	} {
		r := c.run(args...)
		r.errorLine(t, 2, "cfverify", "--help")
	}
}

func TestCredentialsAndInputAreCheckedBeforeSending(t *testing.T) {
	t.Parallel()
	srv := startMock(t)
	c := newCLI(t)
	base := "--base-url=" + srv.URL()

	none := &cli{t: t, env: map[string]string{}}
	none.run("digilocker-status", "--verification-id", "x", base).errorLine(t, 2, "CASHFREE_CLIENT_ID")
	half := &cli{t: t, env: map[string]string{"CASHFREE_CLIENT_ID": "id-only"}}
	half.run("digilocker-status", "--verification-id", "x", base).errorLine(t, 2, "CASHFREE_CLIENT_SECRET")
	badEnv := &cli{t: t, env: map[string]string{"CASHFREE_ENV": "staging"}}
	badEnv.run("consent-status", "--consent-ref-id", "1").errorLine(t, 2)

	c.run("data-availability", "--verification-id", "x", "--mobile", "123", base).errorLine(t, 2, "getDataAvailability", "mobile")
	c.run("digilocker-status", "--verification-id", "not valid!", base).errorLine(t, 2, "getDigiLockerStatus", "verification_id")
	c.run("user-details", base).errorLine(t, 2, "CASHFREE_ACCESS_TOKEN")
	assert.Zero(t, srv.Stats().Requests, "nothing was sent")
}

func TestDataAvailability(t *testing.T) {
	t.Parallel()
	srv := startMock(t)
	c := newCLI(t)
	r := c.run("data-availability", "--verification-id", "cli-da-1", "--mobile", "9988123456", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	m := r.json(t)
	assert.Equal(t, "cli-da-1", m["verification_id"])
	assert.Len(t, m["available_scopes"], 11)
	assert.Empty(t, r.stderr)
	assert.Equal(t, 1, strings.Count(r.stdout, "\n"), "compact JSON on one line")

	again := c.run("data-availability", "--verification-id", "cli-da-1", "--mobile", "9988123456", "--base-url", srv.URL())
	again.errorLine(t, 3, "getDataAvailability", "HTTP 409", "validation_error", "verification_id_already_exists", "verification id already exists")
}

func TestUserDetails(t *testing.T) {
	t.Parallel()
	srv := startMock(t)
	c := newCLI(t)
	r := c.run("user-details", "--token", "cli-token", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, r.json(t)["scopes"], 11)

	fromEnv := &cli{t: t, env: map[string]string{"CASHFREE_ACCESS_TOKEN": "env-token"}}
	r = fromEnv.run("user-details", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)

	c.run("user-details", "--token", "invalid_token", "--base-url", srv.URL()).
		errorLine(t, 3, "getUserDetails", "HTTP 400", "validation_error", "access_token_value_invalid", "access_token should be valid.")
	c.run("user-details", "--token", "expired_token", "--base-url", srv.URL()).
		errorLine(t, 3, "HTTP 401", "authentication_failed")
}

func TestDigiLockerStatus(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	r := c.run("digilocker-status", "--verification-id", "cli-dl", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	m := r.json(t)
	assert.Equal(t, "PENDING", m["status"])
	assert.Equal(t, map[string]any{}, m["user_details"], "printed as the API sent it")
	ref := strconv.FormatFloat(m["reference_id"].(float64), 'f', 0, 64)

	r = c.run("--base-url", srv.URL(), "digilocker-status", "--reference-id", ref, "--pretty")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "\n  \"status\": \"AUTHENTICATED\"", "global flags before the command; --pretty indents")

	r = c.run("digilocker-status", "--verification-id", "expired_cli", "--wait", "--poll-interval=1ms", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "EXPIRED", r.json(t)["status"], "a terminal status that is not success still exits 0")

	c.run("digilocker-status", "--verification-id", "unknown_cli", "--base-url", srv.URL()).
		errorLine(t, 3, "getDigiLockerStatus", "HTTP 404", "not_found_error", "verification_id_value_invalid", "Please enter a valid verification_id")
	c.run("digilocker-status", "--reference-id", "42", "--base-url", srv.URL()).
		errorLine(t, 3, "HTTP 404", "reference_id_value_invalid")
}

func TestConsentStatus(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	for id, want := range map[string]string{"cli-consent": "SUCCESS", "revoked_cli": "REVOKED", "paused_cli": "PAUSED"} {
		r := c.run("consent-status", "--consent-verification-id", id, "--wait", "--poll-interval=1ms", "--base-url", srv.URL())
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, want, r.json(t)["status"])
	}
	r := c.run("consent-status", "--consent-verification-id", "nobalance_x", "--base-url", srv.URL())
	r.errorLine(t, 3, "getConsentStatus", "HTTP 422", "insufficient_balance")
}

func TestFI_jsonAndCSV(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	r := c.run("fi", "--fi-verification-id", "cli-fi", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "PENDING", r.json(t)["status"])
	assert.Contains(t, r.stdout, `"data":null`, "null as the API sent it")

	r = c.run("fi", "--fi-verification-id", "cli-fi", "--wait", "--poll-interval=1ms", "--csv", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+75, "a header and every transaction of the three accounts")
	assert.Equal(t, csvHeader, rows[0])
	accounts := map[string]bool{}
	amount := regexp.MustCompile(`^\d+(\.\d{1,2})?$`)
	for _, row := range rows[1:] {
		accounts[row[1]] = true
		assert.Regexp(t, amount, row[8], "amount")
		assert.Regexp(t, amount, row[9], "balance")
		assert.Contains(t, []string{"CREDIT", "DEBIT"}, row[6])
		assert.Contains(t, []string{"UPI", "FT", "ATM", "CARD"}, row[7], "the ReBIT modes the spec lists")
		_, err := time.Parse(time.RFC3339, row[4])
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(row[4], "+05:30"), row[4])
	}
	assert.Len(t, accounts, 3)

	r = c.run("fi", "--fi-verification-id", "partial_cli", "--wait", "--poll-interval=1ms", "--csv", "--base-url", srv.URL())
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1+25, strings.Count(r.stdout, "\n"), "only the delivered account has transactions")
}

func TestExitCodes_serverErrorsAndRetries(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithFaults(
		mock.Fault{Kind: mock.FaultStatus, Status: 500, IDs: []string{"down"}},
		mock.Fault{Kind: mock.FaultStatus, Status: 502, HTML: true, IDs: []string{"html"}},
		mock.Fault{Kind: mock.FaultRateLimit, RetryAfter: 0, IDs: []string{"busy"}},
		mock.Fault{Kind: mock.FaultStatus, Status: 503, IDs: []string{"once"}, Times: 1},
	))
	c := newCLI(t)
	base := "--base-url=" + srv.URL()
	c.run("digilocker-status", "--verification-id", "down", base).
		errorLine(t, 4, "getDigiLockerStatus", "HTTP 500", "internal_error", "verification_failed", "something went wrong", "(after 3 attempts)")
	c.run("digilocker-status", "--verification-id", "down", base, "--retries", "0").errorLine(t, 4, "HTTP 500")
	assert.NotContains(t, c.run("digilocker-status", "--verification-id", "down", base, "--retries", "0").stderr, "attempts")
	c.run("consent-status", "--consent-verification-id", "html", base, "--retries", "1").errorLine(t, 4, "HTTP 502", "(after 2 attempts)")
	c.run("fi", "--fi-verification-id", "busy", base, "--retries", "1").errorLine(t, 4, "HTTP 429", "rate_limit_error", "too_many_requests_per_operation")
	r := c.run("fi", "--fi-verification-id", "once", base)
	assert.Equal(t, 0, r.code, "a retry got through: %s", r.stderr)
}

func TestExitCodes_networkAndTimeout(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithFaults(mock.Fault{Kind: mock.FaultLatency, Latency: time.Minute, IDs: []string{"slow"}}))
	c := newCLI(t)
	// A port nothing listens on: the mock's, once closed.
	closed, err := mock.New()
	require.NoError(t, err)
	url := closed.URL()
	closed.Close()
	c.run("digilocker-status", "--verification-id", "x", "--base-url", url, "--retries", "0").errorLine(t, 5, "getDigiLockerStatus", "connection refused")
	c.run("digilocker-status", "--verification-id", "slow", "--base-url", srv.URL(), "--timeout", "200ms").errorLine(t, 5, "getDigiLockerStatus")
	c.run("consent-status", "--consent-verification-id", "slow_forever", "--wait", "--poll-interval=1ms", "--base-url", srv.URL(), "--timeout", "300ms").errorLine(t, 5)
}

func TestVerbose_masksSecretsAndPersonalData(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	token := "cli-secret-token-123"
	runs := []result{
		c.run("--verbose", "user-details", "--token", token, "--base-url", srv.URL()),
		c.run("--verbose", "data-availability", "--verification-id", "v-1", "--mobile", "9988123456", "--base-url", srv.URL()),
		c.run("--verbose", "digilocker-status", "--verification-id", "verbose-dl", "--wait", "--poll-interval=1ms", "--base-url", srv.URL()),
		c.run("--verbose", "fi", "--fi-verification-id", "verbose-fi", "--wait", "--poll-interval=1ms", "--base-url", srv.URL()),
		c.run("--verbose", "user-details", "--token", "invalid_"+token, "--base-url", srv.URL()),
	}
	var secrets []string
	secrets = append(secrets, mock.DefaultClientSecret, token, "9988123456")
	// Personal data the responses carried: names, mobiles, PANs, emails, account numbers.
	pii := regexp.MustCompile(`"(name|mobile|pan|email|bank_account|dob|address|complete_address|aadhaar|registered_name|name_at_bank)":"([^"]+)"`)
	for _, r := range runs[:4] {
		require.Equal(t, 0, r.code, r.stderr)
		for _, m := range pii.FindAllStringSubmatch(r.stdout, -1) {
			secrets = append(secrets, m[2])
		}
	}
	assert.Greater(t, len(secrets), 20)
	for i, r := range runs {
		assert.Contains(t, r.stderr, "level=DEBUG", "run %d logged", i)
		for _, s := range secrets {
			assert.NotContains(t, r.stderr, s, "run %d leaked a secret or personal data to stderr", i)
		}
	}
	assert.Equal(t, 3, runs[4].code)
}

func TestSpecAndVersion(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("spec")
	require.Equal(t, 0, r.code)
	assert.Equal(t, string(openapi.YAML), r.stdout)
	r = c.run("version")
	require.Equal(t, 0, r.code)
	assert.Regexp(t, `^cfverify \S+ \(API version 2024-12-01, spec 2024-12-01, go`, r.stdout)
}

func TestMockCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out, errOut syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"mock", "--addr", "127.0.0.1:0", "--polls", "1", "--fixture", "../../mock/testdata/fixture.json",
			"--fault", "kind=status,status=500,ids=broken", "--client-id", "cli_id", "--client-secret", "cli_secret"},
			func(string) string { return "" }, &out, &errOut)
	}()
	urlRE := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/verification)`)
	require.Eventually(t, func() bool { return urlRE.MatchString(out.String()) }, 5*time.Second, 5*time.Millisecond)
	url := urlRE.FindStringSubmatch(out.String())[1]
	assert.Contains(t, out.String(), "x-client-id cli_id")

	c := &cli{t: t, env: map[string]string{"CASHFREE_CLIENT_ID": "cli_id", "CASHFREE_CLIENT_SECRET": "cli_secret"}}
	r := c.run("digilocker-status", "--verification-id", "ABC00123", "--wait", "--poll-interval=1ms", "--base-url", url)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "EXPIRED", r.json(t)["status"], "the fixture's id table")
	c.run("fi", "--fi-verification-id", "broken", "--base-url", url, "--retries", "0").errorLine(t, 4, "HTTP 500")
	wrong := newCLI(t)
	wrong.run("fi", "--fi-verification-id", "x", "--base-url", url).errorLine(t, 3, "HTTP 401", "authentication_failed")

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code, errOut.String())
	case <-time.After(5 * time.Second):
		t.Fatal("cfverify mock did not stop")
	}
	assert.Regexp(t, `stopped after \d+ requests: \d+ responses checked against the spec, 0 violations, 1 faults injected`, out.String())
	assert.Empty(t, errOut.String())
}

func TestMockCommand_warnsOffLoopbackAndFailsOnABusyPort(t *testing.T) {
	t.Parallel()
	srv := startMock(t)
	c := newCLI(t)
	r := c.run("mock", "--addr", srv.Addr())
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "address already in use")
	r = c.run("mock", "--addr", "127.0.0.1:0", "--fixture", "does-not-exist.json")
	assert.Equal(t, 2, r.code)
}

func TestDemo_onTheMock(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{}}
	r := c.run("demo", "--poll-interval", "1ms")
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	for _, want := range []string{
		"built-in mock at http://127.0.0.1:",
		"1/5", "POST /user/data-availability", "11 scopes available",
		"2/5", "GET /oauth2/user-details", "11 scopes shared",
		"3/5", "GET /digilocker", "… poll 1: PENDING", "AUTHENTICATED",
		"4/5", "GET /aa/consent", "PROCESSING", "→ SUCCESS",
		"5/5", "GET /aa/fi", "3 accounts (3 delivered), 75 transactions", "credits", "debits",
		"5 of 5 steps done", "Every request and response matched openapi/verification.yaml",
	} {
		assert.Contains(t, r.stdout, want)
	}
	assert.Empty(t, r.stderr)
	// Credits minus debits is the change of the three balances; the totals are exact decimals.
	assert.Regexp(t, `credits +\d+  INR \d+\.\d\d\n +debits +\d+  INR \d+\.\d\d\n`, r.stdout)
}

func TestDemo_ignoresCredentialsUnlessAskedForTheSandbox(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{"CASHFREE_CLIENT_ID": "real-id", "CASHFREE_CLIENT_SECRET": "real-secret", "CASHFREE_ENV": "sandbox"}}
	r := c.run("demo", "--poll-interval", "1ms")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "built-in mock")
}

func TestDemo_refusals(t *testing.T) {
	t.Parallel()
	none := &cli{t: t, env: map[string]string{}}
	none.run("demo", "--env", "sandbox").errorLine(t, 2, "CASHFREE_CLIENT_ID")
	newCLI(t).run("demo", "--env", "production").errorLine(t, 2, "not production")
}

// The sandbox path of the demo, run against a mock standing in for the sandbox.
func TestDemo_remotePath(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	r := c.run("demo", "--base-url", srv.URL(), "--poll-interval", "1ms")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "1 of 5 steps done, 4 skipped")
	assert.Contains(t, r.stdout, "skipped: no access token")
	assert.Contains(t, r.stdout, "skipped: pass --verification-id")

	c.env["CASHFREE_ACCESS_TOKEN"] = "sandbox-token"
	r = c.run("demo", "--base-url", srv.URL(), "--poll-interval", "1ms",
		"--verification-id", "expired_kyc", "--consent-id", "c-1", "--fi-id", "partial_fi")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "5 of 5 steps done")
	assert.Contains(t, r.stdout, "→ EXPIRED")
	assert.Contains(t, r.stdout, "3 accounts (1 delivered)")

	r = c.run("demo", "--base-url", srv.URL(), "--poll-interval", "1ms", "--verification-id", "unknown_kyc")
	assert.Equal(t, 3, r.code)
	assert.Contains(t, r.stdout, "✗ cfverify: getDigiLockerStatus: HTTP 404")
	assert.Contains(t, r.stdout, "1 failed")
}

func TestDemo_onTheMockReadsNoVariable(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{"CASHFREE_ENV": "staging", "CASHFREE_BASE_URL": "http://127.0.0.1:1/verification"}}
	r := c.run("demo", "--poll-interval", "1ms")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "built-in mock at http://127.0.0.1:")
	assert.NotContains(t, r.stdout, "127.0.0.1:1/")
}
