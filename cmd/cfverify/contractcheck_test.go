package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mock"
)

// Tests of proxy and validate: exit codes 0, 2 and 6, reports, the JUnit
// file on a signal, and secrets kept out of everything they write.

func init() {
	// validate without FILE reads stdin: in-process tests and the fuzzer
	// get an empty one, never the terminal's.
	stdin = strings.NewReader("")
}

const (
	validDigiLockerBody  = `{"status":"AUTHENTICATED","verification_id":"ABC00123","reference_id":12345,"document_requested":["AADHAAR"],"document_consent":["AADHAAR"],"user_details":{"name":"John Doe","mobile":"9999999999"}}`
	brokenDigiLockerBody = `{"status":7,"verification_id":"ABC00123","reference_id":12345,"user_details":{"mobile":"9876501234"}}`
	driftDigiLockerBody  = `{"status":"AUTHENTICATED","verification_id":"ABC00123","reference_id":12345,"new_field":1}`
	piiMobile            = "9876501234"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestValidate_singleBody(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	single := func(body string, extra ...string) result {
		args := append([]string{"validate", "--method", "GET", "--path", "/verification/digilocker", "--status", "200"}, extra...)
		return c.run(append(args, writeFile(t, "body.json", body))...)
	}

	r := single(validDigiLockerBody)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "1 exchanges checked, 0 broke the spec")

	r = single(brokenDigiLockerBody)
	assert.Equal(t, 6, r.code, r.stderr)
	assert.Contains(t, r.stdout, "getDigiLockerStatus GET /verification/digilocker 200 response body $.status: ")
	assert.NotContains(t, r.stdout+r.stderr, piiMobile)
	assert.Contains(t, r.stderr, "1 of 1 exchanges broke the spec")

	r = single(driftDigiLockerBody)
	assert.Equal(t, 0, r.code, "drift alone is a warning")
	assert.Contains(t, r.stdout, "unknown-property drift $.new_field")
	r = single(driftDigiLockerBody, "--strict")
	assert.Equal(t, 6, r.code, "--strict counts drift")

	undocumented := writeFile(t, "418.json", `{"type":"validation_error","code":"teapot","message":"I am a teapot"}`)
	r = c.run("validate", "--method", "GET", "--path", "/digilocker", "--status", "418", undocumented)
	assert.Equal(t, 0, r.code, "a status the operation does not list, with a well-formed error body, is drift: %s", r.stdout)
	assert.Contains(t, r.stdout, "undocumented-status")
	r = c.run("validate", "--strict", "--method", "GET", "--path", "/digilocker", "--status", "418", undocumented)
	assert.Equal(t, 6, r.code, "and --strict counts it")

	r = c.run("validate", "--method", "GET", "--path", "/digilocker", "--status", "503", writeFile(t, "b", "<html>busy</html>"))
	assert.Equal(t, 6, r.code, "an undocumented status or content type breaks the spec")

	r = c.run("validate", "--method", "GET", "--path", "/digilocker", "--status", "200", "--content-type", "application/json")
	assert.Equal(t, 6, r.code, "stdin (empty here) is read without FILE: an empty body breaks the spec")
}

func TestValidate_usageAndUnreadableInput(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	body := writeFile(t, "body.json", validDigiLockerBody)
	for name, args := range map[string][]string{
		"nothing to check":  {"validate"},
		"no status":         {"validate", "--method", "GET", "--path", "/digilocker", body},
		"bad status":        {"validate", "--method", "GET", "--path", "/digilocker", "--status", "1000", body},
		"unknown operation": {"validate", "--method", "GET", "--path", "/nowhere", "--status", "200", body},
		"missing file":      {"validate", "--method", "GET", "--path", "/digilocker", "--status", "200", "/does/not/exist.json"},
		"two files":         {"validate", "--method", "GET", "--path", "/digilocker", "--status", "200", body, body},
		"har and single":    {"validate", "--har", body, "--status", "200"},
		"missing HAR":       {"validate", "--har", "/does/not/exist.har"},
		"HAR not JSON":      {"validate", "--har", writeFile(t, "x.har", "this is not json")},
		"HAR without log":   {"validate", "--har", writeFile(t, "y.har", `{"entries":[]}`)},
		"HAR of nothing":    {"validate", "--har", writeFile(t, "z.har", `{"log":{"entries":[]}}`)},
		"unwritable report": {"validate", "--report", "/does/not/exist/r.jsonl", "--method", "GET", "--path", "/digilocker", "--status", "200", body},
		"unwritable junit":  {"validate", "--junit", "/does/not/exist/j.xml", "--har", body},
		"HAR bad base64":    {"validate", "--har", writeFile(t, "b.har", harOf(harEntryJSON(200, `"text":"%%%","encoding":"base64"`)))},
	} {
		r := c.run(args...)
		assert.Equal(t, 2, r.code, "%s: %s", name, r.stderr)
		assert.NotEmpty(t, r.stderr, name)
	}
	r := c.run("validate", "--har", writeFile(t, "x.har", "this is not json"))
	assert.Contains(t, r.stderr, "not a HAR file: it is not JSON (an invalid character at line 1, column 2)")
	r = c.run("validate", "--har", writeFile(t, "b.har", harOf(harEntryJSON(200, `"text":"%%%","encoding":"base64"`))))
	assert.Contains(t, r.stderr, `entry 1 GET /verification/digilocker: response.content: encoding "base64", but the text is not valid base64`)
}

// harEntryJSON is one getDigiLockerStatus entry with credentials in its
// request headers; content is the inside of response.content.
func harEntryJSON(status int, content string) string {
	return `{"startedDateTime":"2026-11-30T10:00:00Z","time":4,` +
		`"request":{"method":"GET","url":"https://sandbox.cashfree.com/verification/digilocker?verification_id=ABC00123","headers":[` +
		`{"name":"x-client-id","value":"cf_test_client"},{"name":"x-client-secret","value":"` + cliSecret + `"},` +
		`{"name":"x-api-version","value":"2024-12-01"},{"name":"authorization","value":"Bearer ` + cliToken + `"}]},` +
		`"response":{"status":` + itoa(status) + `,"headers":[{"name":"content-type","value":"application/json"}],"content":{"size":1,` + content + `}}}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func harOf(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`
}

func quoted(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestValidate_HAR(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	good := harEntryJSON(200, `"text":`+quoted(validDigiLockerBody))
	bad := harEntryJSON(200, `"text":`+quoted(brokenDigiLockerBody))
	asset := `{"request":{"method":"GET","url":"https://app.example/app.js","headers":[]},"response":{"status":200,"headers":[],"content":{"size":1,"text":"x"}}}`

	r := c.run("validate", "--har", writeFile(t, "ok.har", harOf(good, asset, good)))
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "2 exchanges checked, 0 broke the spec; 1 skipped (not in the spec)")

	dir := t.TempDir()
	report, junit := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "j.xml")
	r = c.run("validate", "--har", writeFile(t, "bad.har", harOf(good, asset, bad)), "--report", report, "--junit", junit)
	assert.Equal(t, 6, r.code, r.stderr)
	assert.Regexp(t, `(?m)^entry 3 getDigiLockerStatus GET /verification/digilocker 200 response body \$\.status: `, r.stdout)
	lines := strings.Split(strings.TrimSpace(readFile(t, report)), "\n")
	require.Len(t, lines, 2, "one line per exchange checked")
	var last map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &last))
	assert.Equal(t, float64(3), last["entry"])
	assert.Equal(t, true, last["broke"])
	assertJUnit(t, junit, 2, 1)
	for _, out := range []string{r.stdout, r.stderr, readFile(t, report), readFile(t, junit)} {
		for _, secret := range []string{cliSecret, cliToken, piiMobile} {
			assert.NotContains(t, out, secret)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// assertJUnit parses a JUnit file and checks its counts.
func assertJUnit(t *testing.T, path string, tests, failures int) {
	t.Helper()
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suite    struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(readFile(t, path)), &doc))
	assert.Equal(t, tests, doc.Tests)
	assert.Equal(t, failures, doc.Failures)
	assert.Len(t, doc.Suite.Cases, tests)
}

func TestProxyCommand_refusals(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for name, args := range map[string][]string{
		"no upstream":       {"proxy", "--addr", "127.0.0.1:0"},
		"production by env": {"proxy", "--addr", "127.0.0.1:0", "--env", "production"},
		"production by URL": {"proxy", "--addr", "127.0.0.1:0", "--upstream", "https://API.cashfree.com/verification"},
		"not http":          {"proxy", "--addr", "127.0.0.1:0", "--upstream", "ftp://example.com"},
		"relative":          {"proxy", "--addr", "127.0.0.1:0", "--upstream", "/verification"},
		"two upstreams":     {"proxy", "--addr", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--base-url", "http://127.0.0.1:2"},
		"unwritable report": {"proxy", "--addr", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--report", "/does/not/exist/r.jsonl"},
		"bad address":       {"proxy", "--addr", "127.0.0.1:99999", "--upstream", "http://127.0.0.1:1"},
		"an operand":        {"proxy", "--upstream", "http://127.0.0.1:1", "extra"},
	} {
		r := c.run(args...)
		if name == "bad address" {
			assert.Equal(t, 1, r.code, "%s: %s", name, r.stderr)
		} else {
			assert.Equal(t, 2, r.code, "%s: %s", name, r.stderr)
		}
		assert.Empty(t, r.stdout, "%s: it never started listening", name)
	}
	r := c.run("proxy", "--env", "production")
	assert.Contains(t, r.stderr, "--allow-production")

	// With --allow-production it starts; an ended context stops it at once,
	// before any request could reach production.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r = c.runCtx(ctx, "proxy", "--addr", "127.0.0.1:0", "--env", "production", "--allow-production")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "forwarding to https://api.cashfree.com")
	assert.Contains(t, r.stdout, "/verification;")
	assert.Contains(t, r.stderr, "0 exchanges checked")

	// The sandbox by --env, or by CASHFREE_ENV; --base-url stands for --upstream.
	sandbox := &cli{t: t, env: map[string]string{"CASHFREE_ENV": "sandbox"}}
	for _, run := range []func() result{
		func() result { return c.runCtx(ctx, "proxy", "--addr", "127.0.0.1:0", "--env", "sandbox") },
		func() result { return sandbox.runCtx(ctx, "proxy", "--addr", "127.0.0.1:0") },
	} {
		r = run()
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stdout, "forwarding to https://sandbox.cashfree.com")
	}
	r = c.runCtx(ctx, "proxy", "--addr", "127.0.0.1:0", "--base-url", "http://127.0.0.1:1/verification")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "forwarding to http://127.0.0.1:1")
}

// TestProxyCommand_inProcess runs the command against the mock, ends it as
// a signal would (the context), and checks the exit code, both reports and
// the summary.
func TestProxyCommand_inProcess(t *testing.T) {
	t.Parallel()
	m := startMock(t)
	dir := t.TempDir()
	report, junit := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "j.xml")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out, errOut syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"proxy", "--addr", "127.0.0.1:0", "--upstream", m.RootURL(), "--report", report, "--junit", junit},
			func(string) string { return "" }, &out, &errOut)
	}()
	base := proxyURL(t, out.String)

	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	status := func(header http.Header, path string) int {
		req, err := http.NewRequestWithContext(t.Context(), "GET", base+path, nil)
		require.NoError(t, err)
		req.Header = header
		resp, err := hc.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 200, status(mockHeaders(), "/verification/digilocker?verification_id=kyc-1"))
	assert.Equal(t, 200, status(mockHeaders(), "/verification/aa/consent?consent_verification_id=c-1"))
	assert.Equal(t, 400, status(http.Header{"X-Api-Version": {"2024-12-01"}}, "/verification/aa/fi?fi_verification_id=f-1"), "the mock's own answer, forwarded")
	assert.Equal(t, 404, status(mockHeaders(), "/not/an/operation"))

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 6, code, "the third request broke the spec (no credentials): %s", errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("cfverify proxy did not stop")
	}
	assert.Equal(t, 3, strings.Count(readFile(t, report), "\n"), "a line per exchange of the spec's operations")
	assertJUnit(t, junit, 3, 1)
	assert.Regexp(t, `getFinancialInformation +1 +1 +\d+ +0`, errOut.String())
	assert.Contains(t, errOut.String(), "3 exchanges checked, 1 broke the spec; 1 skipped")
	assert.Contains(t, errOut.String(), "getFinancialInformation GET /verification/aa/fi 400 request security x-client-id: ")
}

func mockHeaders() http.Header {
	return http.Header{
		"X-Client-Id": {mock.DefaultClientID}, "X-Client-Secret": {mock.DefaultClientSecret},
		"X-Api-Version": {"2024-12-01"}, "X-Cf-Signature": {cliToken},
	}
}

var proxyURLRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// proxyURL waits for the proxy's first line and returns its address.
func proxyURL(t *testing.T, stdout func() string) string {
	t.Helper()
	require.Eventually(t, func() bool { return proxyURLRE.MatchString(stdout()) }, 10*time.Second, 5*time.Millisecond)
	return proxyURLRE.FindStringSubmatch(stdout())[1]
}

// buildCfverify builds ./cmd/cfverify, for tests of what only a process
// shows: signals, stdin and exit statuses.
func buildCfverify(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cfverify")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func TestProcess(t *testing.T) {
	t.Parallel()
	bin := buildCfverify(t)
	t.Run("proxy signals", func(t *testing.T) { testProxySignals(t, bin) })
	t.Run("validate stdin", func(t *testing.T) { testValidateStdin(t, bin) })
}

// testProxySignals runs the proxy as a process in front of the
// mock and stops it with SIGTERM and SIGINT: each writes the JUnit file and
// the summary, and the exit status says whether an exchange broke the spec.
// Nothing the process writes holds the secret, the token, the signature or
// the mobile number the client sent.
func testProxySignals(t *testing.T, bin string) {
	m := startMock(t)
	for _, tc := range []struct {
		name   string
		signal syscall.Signal
		broken bool
		code   int
	}{
		{"SIGTERM after a broken exchange", syscall.SIGTERM, true, 6},
		{"SIGINT after clean exchanges", syscall.SIGINT, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			report, junit := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "j.xml")
			cmd := exec.Command(bin, "proxy", "--addr", "127.0.0.1:0", "--upstream", m.RootURL(), "--report", report, "--junit", junit, "--strict")
			var stderr syncbuf.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			var stdoutText syncbuf.Buffer
			copied := make(chan struct{})
			go func() {
				defer close(copied)
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					_, _ = stdoutText.Write([]byte(sc.Text() + "\n"))
				}
			}()
			defer func() { _ = cmd.Process.Kill() }()
			base := proxyURL(t, stdoutText.String)

			hc := &http.Client{Transport: &http.Transport{}}
			defer hc.CloseIdleConnections()
			post := func(body string) int {
				req, err := http.NewRequestWithContext(t.Context(), "POST", base+"/verification/user/data-availability", strings.NewReader(body))
				require.NoError(t, err)
				req.Header = mockHeaders()
				req.Header.Set("Content-Type", "application/json")
				resp, err := hc.Do(req)
				require.NoError(t, err)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			id := strings.ReplaceAll(strings.ToLower(tc.signal.String()), " ", "-")
			assert.Equal(t, 200, post(`{"verification_id":"sig-`+id+`","user":[{"identifier_type":"MOBILE","identifier_value":"`+piiMobile+`"}]}`))
			if tc.broken {
				assert.Equal(t, 400, post(`{"verification_id":"sig-bad-`+id+`","mobile":"`+piiMobile+`"}`))
			}
			require.NoError(t, cmd.Process.Signal(tc.signal))
			<-copied
			err = cmd.Wait()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.code, code, stderr.String())
			want := 1
			if tc.broken {
				want = 2
			}
			assertJUnit(t, junit, want, want-1)
			assert.Contains(t, stderr.String(), "getDataAvailability")
			assert.Contains(t, stderr.String(), "exchanges checked")
			for _, out := range []string{stdoutText.String(), stderr.String(), readFile(t, report), readFile(t, junit)} {
				for _, secret := range []string{mock.DefaultClientSecret, cliToken, piiMobile} {
					assert.NotContains(t, out, secret)
				}
			}
		})
	}
}

// testValidateStdin reads the body from stdin, as in a pipe.
func testValidateStdin(t *testing.T, bin string) {
	for body, code := range map[string]int{validDigiLockerBody: 0, brokenDigiLockerBody: 6, "": 6} {
		cmd := exec.Command(bin, "validate", "--method", "GET", "--path", "/digilocker", "--status", "200", "-")
		cmd.Stdin = strings.NewReader(body)
		out, err := cmd.CombinedOutput()
		got := 0
		if exit, ok := err.(*exec.ExitError); ok {
			got = exit.ExitCode()
		}
		assert.Equal(t, code, got, "%s", out)
		assert.NotContains(t, string(out), piiMobile)
	}
}
