package client_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

func TestNew_validConfigurations(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(keyFile, publicPEM(t, testKey()), 0o600))

	cases := []struct {
		name     string
		opts     []client.Option
		wantBase string
	}{
		{"defaults: sandbox, no credentials", nil, client.SandboxBaseURL},
		{"production", []client.Option{client.WithEnvironment(client.Production)}, client.ProductionBaseURL},
		{"base URL wins over environment", []client.Option{client.WithBaseURL("https://proxy.example.com/v"), client.WithEnvironment(client.Production)}, "https://proxy.example.com/v"},
		{"http on 127.0.0.1", []client.Option{client.WithBaseURL("http://127.0.0.1:8080/verification")}, "http://127.0.0.1:8080/verification"},
		{"http on localhost", []client.Option{client.WithBaseURL("http://localhost:8080")}, "http://localhost:8080"},
		{"http on ::1", []client.Option{client.WithBaseURL("http://[::1]:8080")}, "http://[::1]:8080"},
		{"http elsewhere with WithInsecureHTTP", []client.Option{client.WithBaseURL("http://10.0.0.5"), client.WithInsecureHTTP()}, "http://10.0.0.5"},
		{"everything", []client.Option{
			client.WithCredentials(testClientID, testSecret),
			client.WithPublicKeyFile(keyFile),
			client.WithAPIVersion("2023-08-01"),
			client.WithHTTPClient(&http.Client{}),
			client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 5}),
			client.WithAttemptTimeout(0),
			client.WithLogger(slog.New(slog.DiscardHandler)),
			client.WithUserAgent("my-app/2"),
			client.WithMaxResponseBytes(1 << 30),
		}, client.SandboxBaseURL},
		{"PEM bytes", []client.Option{client.WithCredentials(testClientID, testSecret), client.WithPublicKeyPEM(publicPEM(t, testKey()))}, client.SandboxBaseURL},
		{"PKCS1 PEM", []client.Option{client.WithCredentials(testClientID, testSecret), client.WithPublicKeyPEM(pkcs1PEM(testKey()))}, client.SandboxBaseURL},
		{"nil option skipped", []client.Option{nil}, client.SandboxBaseURL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := client.New(tc.opts...)
			require.NoError(t, err)
			assert.Equal(t, tc.wantBase, c.BaseURL())
		})
	}
}

func TestNew_misconfigurationIsAnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not a key"), 0o600))
	smallKey, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // deliberately too small
	require.NoError(t, err)
	privDER, err := x509.MarshalPKCS8PrivateKey(smallKey)
	require.NoError(t, err)
	privPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})
	creds := client.WithCredentials(testClientID, testSecret)

	cases := []struct {
		name string
		opts []client.Option
		want string
	}{
		{"empty client id", []client.Option{client.WithCredentials("", testSecret)}, "empty client id"},
		{"empty secret", []client.Option{client.WithCredentials(testClientID, "")}, "empty client secret"},
		{"secret with newline", []client.Option{client.WithCredentials(testClientID, "abc\n")}, "whitespace"},
		{"unknown environment", []client.Option{client.WithEnvironment("staging")}, "unknown environment"},
		{"malformed base URL", []client.Option{client.WithBaseURL("http://[::1")}, "malformed base URL"},
		{"relative base URL", []client.Option{client.WithBaseURL("/verification")}, "scheme"},
		{"ftp base URL", []client.Option{client.WithBaseURL("ftp://example.com")}, "scheme"},
		{"no host", []client.Option{client.WithBaseURL("https://")}, "no host"},
		{"user info", []client.Option{client.WithBaseURL("https://user:hunter2@example.com")}, "user info"},
		{"malformed with password", []client.Option{client.WithBaseURL("https://user:hunter2@[::1")}, "malformed"},
		{"query", []client.Option{client.WithBaseURL("https://example.com/?a=1")}, "query"},
		{"plain http off loopback", []client.Option{client.WithBaseURL("http://example.com/verification")}, "loopback"},
		{"empty base URL", []client.Option{client.WithBaseURL(" ")}, "empty base URL"},
		{"unreadable key file", []client.Option{creds, client.WithPublicKeyFile(filepath.Join(dir, "missing.pem"))}, "read public key"},
		{"garbage key", []client.Option{creds, client.WithPublicKeyFile(garbage)}, "no PEM block"},
		{"private key", []client.Option{creds, client.WithPublicKeyPEM(privPEM)}, "private key"},
		{"small key", []client.Option{creds, client.WithPublicKeyPEM(publicPEM(t, smallKey))}, "at least 2048"},
		{"key without credentials", []client.Option{client.WithPublicKeyPEM(publicPEM(t, testKey()))}, "needs client credentials"},
		{"client id too long to sign", []client.Option{client.WithCredentials(strings.Repeat("a", 250), testSecret), client.WithPublicKeyPEM(publicPEM(t, testKey()))}, "too long"},
		{"bad API version", []client.Option{client.WithAPIVersion("v2")}, "YYYY-MM-DD"},
		{"nil http client", []client.Option{client.WithHTTPClient(nil)}, "nil *http.Client"},
		{"nil logger", []client.Option{client.WithLogger(nil)}, "nil *slog.Logger"},
		{"negative timeout", []client.Option{client.WithAttemptTimeout(-1)}, "negative timeout"},
		{"negative attempts", []client.Option{client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: -1})}, "MaxAttempts"},
		{"max delay below base", []client.Option{client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 2, BaseDelay: 2e9, MaxDelay: 1e9})}, "MaxDelay"},
		{"zero max response", []client.Option{client.WithMaxResponseBytes(0)}, "max response bytes"},
		{"multi-line user agent", []client.Option{client.WithUserAgent("a\nb")}, "user agent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := client.New(tc.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, client.ErrConfig)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), testSecret)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestNew_reportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	_, err := client.New(client.WithCredentials("", ""), client.WithEnvironment("moon"), client.WithAttemptTimeout(-1))
	require.Error(t, err)
	for _, want := range []string{"empty client id", "unknown environment", "negative timeout"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestFromEnvLookup(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	require.NoError(t, os.WriteFile(keyFile, publicPEM(t, testKey()), 0o600))

	cases := []struct {
		name     string
		env      map[string]string
		wantErr  string
		wantBase string
		wantCred bool
	}{
		{"nothing set", nil, "", client.SandboxBaseURL, false},
		{"all set", map[string]string{
			client.EnvClientID: testClientID, client.EnvClientSecret: testSecret,
			client.EnvPublicKey: keyFile, client.EnvEnvironment: "PRODUCTION",
		}, "", client.ProductionBaseURL, true},
		{"id without secret", map[string]string{client.EnvClientID: testClientID}, "CASHFREE_CLIENT_SECRET is not", "", false},
		{"secret without id", map[string]string{client.EnvClientSecret: testSecret}, "CASHFREE_CLIENT_ID is not", "", false},
		{"unknown env", map[string]string{client.EnvEnvironment: "staging"}, "CASHFREE_ENV", "", false},
		{"base URL wins over the environment", map[string]string{
			client.EnvBaseURL: "http://127.0.0.1:8080/verification", client.EnvEnvironment: "production",
		}, "", "http://127.0.0.1:8080/verification", false},
		{"base URL alone", map[string]string{client.EnvBaseURL: "http://localhost:9/v"}, "", "http://localhost:9/v", false},
		{"empty base URL is unset", map[string]string{client.EnvBaseURL: "", client.EnvEnvironment: "production"}, "", client.ProductionBaseURL, false},
		{"bad base URL", map[string]string{client.EnvBaseURL: "ftp://example.com"}, `base URL "ftp://example.com"`, "", false},
		{"missing key file", map[string]string{
			client.EnvClientID: testClientID, client.EnvClientSecret: testSecret, client.EnvPublicKey: keyFile + ".missing",
		}, "CASHFREE_PUBLIC_KEY", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			c, err := client.New(client.FromEnvLookup(lookup))
			if tc.wantErr != "" {
				require.ErrorIs(t, err, client.ErrConfig)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotContains(t, err.Error(), testSecret)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantBase, c.BaseURL())
			assert.Equal(t, tc.wantCred, c.HasCredentials())
		})
	}
}

func TestFromEnv_laterOptionsWin(t *testing.T) {
	t.Parallel()
	lookup := func(k string) (string, bool) {
		v, ok := map[string]string{client.EnvEnvironment: "production"}[k]
		return v, ok
	}
	c, err := client.New(client.FromEnvLookup(lookup), client.WithEnvironment(client.Sandbox))
	require.NoError(t, err)
	assert.Equal(t, client.SandboxBaseURL, c.BaseURL())
}

// An explicit WithBaseURL wins over CASHFREE_BASE_URL; CASHFREE_BASE_URL wins
// over any environment, even one given in code after FromEnv (the order the
// CLI follows: flag > CASHFREE_BASE_URL > environment > sandbox).
func TestFromEnv_baseURLPrecedence(t *testing.T) {
	t.Parallel()
	lookup := func(k string) (string, bool) {
		v, ok := map[string]string{client.EnvBaseURL: "http://127.0.0.1:1/verification", client.EnvEnvironment: "sandbox"}[k]
		return v, ok
	}
	c, err := client.New(client.FromEnvLookup(lookup), client.WithBaseURL("http://127.0.0.1:2/verification"))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:2/verification", c.BaseURL())
	c, err = client.New(client.FromEnvLookup(lookup), client.WithEnvironment(client.Production))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:1/verification", c.BaseURL())
}

func TestClient_printingLeaksNoSecret(t *testing.T) {
	t.Parallel()
	c, err := client.New(client.WithCredentials(testClientID, testSecret), client.WithPublicKeyPEM(publicPEM(t, testKey())))
	require.NoError(t, err)
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, c)
		assert.NotContains(t, out, testSecret, format)
		assert.Contains(t, out, "credentials: true", format)
	}
}

func TestParseEnvironment(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]client.Environment{"sandbox": client.Sandbox, " Production ": client.Production} {
		got, err := client.ParseEnvironment(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := client.ParseEnvironment("prod")
	require.ErrorIs(t, err, client.ErrConfig)
}

func pkcs1PEM(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)})
}
