package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

// The reliability suite's part for the command line (see package
// reliability): the --verbose leak scan and the fuzzing of flag parsing.

const (
	cliSecret = "cfsk_ma_cli_SUPERSECRET_8e2f6a1b3c"
	cliToken  = "eyJhbGciOiJSUzI1NiJ9.CLITOKEN-5d1e7b3a90f4"
)

// reportFigures logs a test's figures and appends them as a JSON line to
// the file CFVERIFY_REPORT names, like the reliability package does.
func reportFigures(t *testing.T, figures map[string]any) {
	t.Helper()
	figures["test"] = "cmd/cfverify." + t.Name()
	line, err := json.Marshal(figures)
	require.NoError(t, err)
	t.Logf("report: %s", line)
	if path := os.Getenv("CFVERIFY_REPORT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(t, err)
		_, err = f.Write(append(line, '\n'))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
}

// piiMember finds personal values in the JSON the command printed.
var piiMember = regexp.MustCompile(`"(name|mobile|pan|email|dob|address|complete_address|aadhaar|care_of|registered_name|name_at_bank|name_pan_card|narration|identifier_value|account_number|masked_account_number|photo_link|house|street|landmark)":"([^"]{6,})"`)

// TestVerbose_leakScan runs every command with --verbose through normal
// answers, every error scenario, every fault and wrong credentials, with
// the two-factor signature on, and scans every stderr line for the secret,
// the tokens, the signatures sent and the personal data the responses
// carried (harvested from stdout): none may appear.
func TestVerbose_leakScan(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600))

	h, err := mock.NewHandler(mock.WithCredentials(mock.DefaultClientID, cliSecret), mock.WithSignatureKey(key), mock.WithPolls(1))
	require.NoError(t, err)
	var mu sync.Mutex
	needles := map[string]string{cliSecret: "secret", cliToken: "token", "cfsk_ma_cli_WRONG_77aa": "secret", "9811122233": "mobile"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sig := r.Header.Get("X-Cf-Signature"); sig != "" {
			mu.Lock()
			needles[sig] = "signature"
			mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.Close(); srv.Close() })
	base := srv.URL + mock.BasePath

	c := newCLI(t)
	c.env["CASHFREE_CLIENT_SECRET"] = cliSecret
	c.env["CASHFREE_PUBLIC_KEY"] = keyFile
	wrong := newCLI(t)
	wrong.env["CASHFREE_CLIENT_SECRET"] = "cfsk_ma_cli_WRONG_77aa"

	var runs []result
	common := []string{"--verbose", "--base-url", base, "--timeout", "5s", "--retries", "2"}
	for i, p := range []string{"", "instant_", "expired_", "denied_", "partial_", "empty_", "unknown_", "nobalance_", "blocked_",
		"invalid_", "flaky_", "reset_", "truncated_", "gateway_"} {
		id := fmt.Sprintf("%scli-leak-%d", p, i)
		for _, args := range [][]string{
			{"data-availability", "--verification-id", id, "--mobile", "9811122233"},
			{"data-availability", "--verification-id", id, "--mobile", "9811122233"}, // 409
			{"user-details", "--token", p + cliToken},
			{"digilocker-status", "--verification-id", id, "--wait", "--poll-interval=1ms"},
			{"consent-status", "--consent-verification-id", id, "--wait", "--poll-interval=1ms"},
			{"fi", "--fi-verification-id", id, "--wait", "--poll-interval=1ms"},
			{"fi", "--fi-verification-id", id, "--csv"},
		} {
			runs = append(runs, c.run(append(append([]string{}, common...), args...)...))
		}
	}
	for _, args := range [][]string{
		{"digilocker-status", "--verification-id", "cli-wrong"}, {"consent-status", "--consent-ref-id", "99"},
		{"fi", "--fi-verification-id", "cli-wrong"}, {"data-availability", "--verification-id", "cli-wrong", "--mobile", "9811122233"},
	} {
		runs = append(runs, wrong.run(append(append([]string{}, common...), args...)...))
	}
	needles["+91 98111 22233"] = "mobile"

	var stderrLines []string
	pii := 0
	for _, r := range runs {
		stderrLines = append(stderrLines, lines(r.stderr)...)
		for _, m := range piiMember.FindAllStringSubmatch(r.stdout, -1) {
			if !strings.Contains(strings.ToLower(m[2]), "xxxx") {
				needles[m[2]] = "pii:" + m[1]
				pii++
			}
		}
	}
	var hits []string
	for _, l := range stderrLines {
		for v, kind := range needles {
			if strings.Contains(l, v) {
				hits = append(hits, fmt.Sprintf("%s %q in: %s", kind, v, l))
			}
		}
	}
	sort.Strings(hits)
	kinds := map[string]int{}
	for _, kind := range needles {
		kinds[strings.SplitN(kind, ":", 2)[0]]++
	}
	reportFigures(t, map[string]any{"cli_runs": len(runs), "stderr_lines_scanned": len(stderrLines),
		"needles": len(needles), "needles_by_kind": kinds, "hits": len(hits)})
	assert.Empty(t, hits, "secrets or personal data on stderr")
	assert.Greater(t, len(stderrLines), 200)
	assert.NotZero(t, kinds["signature"])
	assert.NotZero(t, kinds["pii"])
	assert.Empty(t, h.Violations())
}

func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// unsafeArg: arguments the fuzzer may not use, because they could send
// traffic off loopback (--env, --base-url), start a server (mock) or call
// the sandbox (demo), listen or post anywhere (webhook; FuzzWebhookVerify covers
// verify), or end flag parsing before the test's --base-url.
func unsafeArg(a string) bool {
	l := strings.ToLower(a)
	return strings.Contains(l, "env") || strings.Contains(l, "base-url") || strings.Contains(l, "mock") ||
		strings.Contains(l, "demo") || strings.Contains(l, "webhook") || strings.TrimLeft(a, "-") == "" || strings.Contains(l, "public") ||
		// proxy serves until interrupted; --report and --junit write files
		strings.Contains(l, "proxy") || strings.Contains(l, "report") || strings.Contains(l, "junit")
}

// FuzzCLIArgs fuzzes the command line's arguments (NUL-separated) against a
// loopback server that counts requests: no panic, an exit code from the
// documented table, nothing sent when the exit code says bad usage or bad
// input (2), and the secret and token from the environment never echoed.
func FuzzCLIArgs(f *testing.F) {
	for _, s := range []string{
		"digilocker-status\x00--verification-id\x00kyc-1",
		"digilocker-status\x00--verification-id\x00kyc 1",
		"digilocker-status\x00--verification-id\x00a\x00--reference-id\x007",
		"consent-status\x00--consent-ref-id\x00-3",
		"fi\x00--fi-verification-id\x00" + strings.Repeat("x", 51) + "\x00--csv",
		"data-availability\x00--verification-id\x00v1\x00--mobile\x00+919811122233",
		"data-availability\x00--verification-id\x00v1",
		"user-details\x00--token\x00Bearer x",
		"user-details",
		"--timeout\x00-1s\x00fi\x00--fi-ref-id\x001",
		"--retries\x00-1\x00fi\x00--fi-ref-id\x001",
		"--api-version\x002024-13-45\x00fi\x00--fi-ref-id\x001",
		"nosuchcommand\x00--x",
		"fi\x00--fi-ref-id\x00999999999999999999999999",
		"help\x00fi",
		"spec",
		"digilocker-status\x00--verification-id\x00ok\x00--wait\x00--poll-interval\x00-5s",
		"fi\x00--verification-id\x00x\x00--csv",
		"consent-status\x00--verification-id\x00a\x00--consent-verification-id\x00b",
		"--verbose\x00fi\x00--reference-id\x00abc",
		"webhok",
		"help\x00digilocker-statuss",
	} {
		f.Add(s)
	}
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		requests++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"type":"not_found_error","code":"verification_id_value_invalid","message":"Please enter a valid verification_id"}`)
	}))
	defer srv.Close()
	env := map[string]string{"CASHFREE_CLIENT_ID": mock.DefaultClientID, "CASHFREE_CLIENT_SECRET": cliSecret, "CASHFREE_ACCESS_TOKEN": cliToken}

	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		if len(args) > 16 {
			t.Skip()
		}
		for _, a := range args {
			if unsafeArg(a) {
				t.Skip()
			}
		}
		all := append([]string{"--base-url", srv.URL + "/verification", "--retries", "0"}, args...)
		mu.Lock()
		before := requests
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var out, errOut bytes.Buffer
		code := run(ctx, all, func(k string) string { return env[k] }, &out, &errOut)
		mu.Lock()
		sent := requests - before
		mu.Unlock()
		if code < 0 || code > exitNotReady {
			t.Fatalf("exit code %d for %q", code, args)
		}
		if code == exitUsage && sent != 0 {
			t.Fatalf("exit 2 (nothing sent) for %q, but the server got %d requests; stderr: %s", args, sent, errOut.String())
		}
		for _, s := range []string{cliSecret, cliToken} {
			if strings.Contains(errOut.String(), s) || (!strings.Contains(joined, s) && strings.Contains(out.String(), s)) {
				t.Fatalf("the secret or token from the environment was printed for %q", args)
			}
		}
	})
}
