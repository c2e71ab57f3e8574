package client_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Secrets and personal data the tests plant, to check none of it leaks.
const (
	testClientID = "CF_TEST_CLIENT_7788"
	testSecret   = "cfsk_ma_test_SUPERSECRET_9f8e7d6c5b"
	testToken    = "tok_USERTOKEN_Zx9Yw8Vu7"
	testMobile   = "9876543210"
	testPAN      = "ABCDE1234F"
	testName     = "Vinay Kumar"
	testEmail    = "vinay.kumar@example.com"
	prefix       = "/verification"
)

// testKey is one RSA key pair for every signature test.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func publicPEM(t testing.TB, k *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// recorded is a request as the test server saw it.
type recorded struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// recorder keeps the requests a test server received.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) add(req recorded) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return len(r.reqs)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func (r *recorder) last() recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		return recorded{}
	}
	return r.reqs[len(r.reqs)-1]
}

// handlerFunc answers the n-th request (from 1) a test server receives.
type handlerFunc func(w http.ResponseWriter, r *http.Request, n int)

// serve starts a loopback server that records every request and answers
// with h. Paths outside prefix get an HTML 404, so URL-joining bugs fail.
func serve(t testing.TB, h handlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n := rec.add(recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, "<html>no such path</html>")
			return
		}
		h(w, r, n)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// fastRetry retries quickly, so that retry tests take milliseconds.
var fastRetry = client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

// newClient builds a Client for srv with test credentials and fast retries;
// opts come after and override.
func newClient(t testing.TB, srv *httptest.Server, opts ...client.Option) *client.Client {
	t.Helper()
	all := append([]client.Option{
		client.WithBaseURL(srv.URL + prefix),
		client.WithCredentials(testClientID, testSecret),
		client.WithRetryPolicy(fastRetry),
	}, opts...)
	c, err := client.New(all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// writeJSON writes body (bytes as they are, anything else marshalled).
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	switch b := body.(type) {
	case []byte:
		_, _ = w.Write(b)
	case string:
		_, _ = io.WriteString(w, b)
	default:
		_ = json.NewEncoder(w).Encode(b)
	}
}

// respond always answers status with body.
func respond(status int, body any) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, status, body) }
}

// example returns a named example of the spec as JSON.
func example(t testing.TB, name string) []byte {
	t.Helper()
	ex, ok := openapi.MustLoad().Components.Examples[name]
	require.True(t, ok, "no example %s in the spec", name)
	b, err := json.Marshal(ex.Value.Value)
	require.NoError(t, err)
	return b
}

// errorBody is a JSON error body.
func errorBody(typ, code, msg string) string {
	b, _ := json.Marshal(map[string]string{"type": typ, "code": code, "message": msg})
	return string(b)
}
