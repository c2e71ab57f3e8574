package reliability_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi/wire"
)

// Secrets the suite sends; none may ever reach another host or a log line.
const (
	relClientID = "cf_rel_client"
	relSecret   = "cfsk_ma_rel_SUPERSECRET_4b7d9e1f2a"
)

var (
	keyOnce sync.Once
	relKey  *rsa.PrivateKey
)

// signingKey is the suite's RSA key: the client signs with its public half,
// the mock checks with it.
func signingKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		relKey = k
	})
	return relKey
}

func publicPEM(t testing.TB) []byte {
	der, err := x509.MarshalPKIXPublicKey(&signingKey(t).PublicKey)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

type redirectFigures struct {
	Calls             int `json:"calls"`
	Refused           int `json:"refused"`
	OtherHostRequests int `json:"requests_reaching_the_other_host"`
	FirstHostRequests int `json:"requests_to_the_configured_host"`
}

// TestRedirects_neverCarryCredentialsOffHost: the configured server
// answers every operation with a redirect (301, 302, 303, 307, 308; the
// 307 and 308 keep the POST and its body) to a second loopback server, on
// another port, under another name, or from https down to http. The
// second server never receives a request, so it never sees the client
// secret, the bearer token or the signature; the call fails with
// ErrRedirectRefused after one request, and is not retried.
func TestRedirects_neverCarryCredentialsOffHost(t *testing.T) {
	t.Parallel()
	var other counter
	otherSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(otherSrv.Close)
	otherAddr := otherSrv.Listener.Addr().String()
	otherPort := otherAddr[strings.LastIndexByte(otherAddr, ':')+1:]

	var fig redirectFigures
	targets := map[string]string{
		"another port":          otherSrv.URL,
		"another name":          "http://localhost:" + otherPort,
		"https to http":         otherSrv.URL,
		"after a same-host hop": otherSrv.URL,
	}
	for targetName, target := range targets {
		for _, code := range []int{301, 302, 303, 307, 308} {
			var first counter
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				first.add(r)
				if targetName == "after a same-host hop" && !strings.HasSuffix(r.URL.Path, "/hop") {
					http.Redirect(w, r, r.URL.Path+"/hop?"+r.URL.RawQuery, code)
					return
				}
				http.Redirect(w, r, target+r.URL.RequestURI(), code)
			})
			var srv *httptest.Server
			opts := []client.Option{client.WithPublicKeyPEM(publicPEM(t)), client.WithRetryPolicy(client.DefaultRetryPolicy())}
			if targetName == "https to http" {
				srv = httptest.NewTLSServer(handler)
				opts = append(opts, client.WithHTTPClient(srv.Client()))
			} else {
				srv = httptest.NewServer(handler)
			}
			c, err := client.New(append([]client.Option{client.WithBaseURL(srv.URL + "/verification"),
				client.WithCredentials(relClientID, relSecret)}, opts...)...)
			require.NoError(t, err)
			for _, oc := range allOps {
				res, err := oc.call(t.Context(), c)
				fig.Calls++
				assert.True(t, isNil(res))
				if assert.ErrorIs(t, err, client.ErrRedirectRefused, "%s %d %s", targetName, code, oc.name) {
					fig.Refused++
				}
				assert.NotEqual(t, "untyped", errorKind(err), "%v", err)
			}
			want := len(allOps)
			if targetName == "after a same-host hop" {
				want *= 2 // the same-host hop is followed, credentials and all
			}
			assert.Equal(t, want, first.count(), "%s %d: one request per call, no retry", targetName, code)
			fig.FirstHostRequests += first.count()
			c.CloseIdleConnections()
			srv.Close()
		}
	}
	fig.OtherHostRequests = other.count()
	for _, r := range other.requests() {
		t.Errorf("the other host received %s %s with secret=%t bearer=%t signature=%t", r.Method, r.URL,
			r.Header.Get("X-Client-Secret") != "", r.Header.Get("Authorization") != "", r.Header.Get("X-Cf-Signature") != "")
	}
	report(t, fig)
}

// TestTransport_httpsRequiredTLS12Minimum: both vendor environments are
// https; plain http is refused at construction except on loopback or with
// WithInsecureHTTP; the default transport will not speak TLS below 1.2 and
// sends nothing to a server it does not trust.
func TestTransport_httpsRequiredTLS12Minimum(t *testing.T) {
	t.Parallel()
	for _, env := range []client.Environment{client.Sandbox, client.Production} {
		c, err := client.New(client.WithEnvironment(env), client.WithCredentials(relClientID, relSecret))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(c.BaseURL(), "https://"), "%s: %s", env, c.BaseURL())
	}
	refused := []string{"http://api.cashfree.com/verification", "http://sandbox.cashfree.com/verification",
		"http://10.0.0.7/verification", "http://localhost.example.com/", "http://127.0.0.1.nip.io/",
		"http://[::ffff:10.0.0.1]/", "ftp://127.0.0.1/", "//127.0.0.1/", "http://user:pw@127.0.0.1/"}
	for _, u := range refused {
		_, err := client.New(client.WithBaseURL(u), client.WithCredentials(relClientID, relSecret))
		assert.ErrorIs(t, err, client.ErrConfig, u)
		if err != nil {
			assert.NotContains(t, err.Error(), "pw", "the password is not echoed")
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080/verification", "http://localhost/", "http://[::1]:9/", "http://127.1.2.3/"} {
		_, err := client.New(client.WithBaseURL(u))
		assert.NoError(t, err, u)
	}
	_, err := client.New(client.WithBaseURL("http://mock.internal:8080/verification"), client.WithInsecureHTTP())
	assert.NoError(t, err, "WithInsecureHTTP allows plain http elsewhere")

	// A loopback server that only speaks TLS 1.1, and one whose
	// certificate nobody trusts: the handshake fails, nothing is sent.
	for name, cfg := range map[string]*tls.Config{
		"TLS 1.1 only":       {MaxVersion: tls.VersionTLS11},
		"untrusted, TLS 1.3": {MinVersion: tls.VersionTLS13},
	} {
		var seen counter
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.add(r) }))
		srv.TLS = cfg
		srv.Config.ErrorLog = nil
		srv.StartTLS()
		c := newTestClient(t, srv.URL, client.WithRetryPolicy(client.DefaultRetryPolicy()))
		for _, oc := range allOps {
			res, err := oc.call(t.Context(), c)
			assert.True(t, isNil(res))
			var netErr *client.NetworkError
			require.ErrorAs(t, err, &netErr, "%s %s", name, oc.name)
			assert.Equal(t, 1, netErr.Attempts, "%s: a TLS failure is not retried: %v", name, err)
			if name == "TLS 1.1 only" {
				assert.Contains(t, err.Error(), "protocol version", "%v", err)
			}
		}
		c.CloseIdleConnections()
		srv.Close()
		assert.Zero(t, seen.count(), "%s: no request reached the server", name)
	}
}

var (
	idRE     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,50}$`)
	mobileRE = regexp.MustCompile(`^[0-9]{10}$`)
	tokenRE  = regexp.MustCompile(`^[^\x00-\x20\x7f]+$`)
	// RFC 9110 field names, and field values without controls but tab.
	headerNameRE  = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")
	headerValueRE = regexp.MustCompile(`^[^\x00-\x08\x0a-\x1f\x7f]*$`)
)

var protectedHeaders = map[string]bool{"X-Client-Id": true, "X-Client-Secret": true, "Authorization": true,
	"X-Cf-Signature": true, "X-Api-Version": true, "Content-Type": true, "Content-Length": true, "Host": true,
	"User-Agent": true, "Accept": true}

// FuzzClientInput fuzzes what callers give the five operations, and the
// extra header of WithHeader: input the API would refuse is an
// *InputError and no request reaches the counting server; good input is
// sent, exactly once.
func FuzzClientInput(f *testing.F) {
	f.Add("kyc-001", "9988123456", "tok", int64(0), "X-Trace", "abc")
	f.Add("", "99881234567", "Bearer tok", int64(-1), "Authorization", "Bearer x")
	f.Add(strings.Repeat("a", 51), "+919988123456", "to ken", int64(7), "X Bad", "line\r\nInjected: 1")
	f.Add("id with space", "99881 3456", "tok\x00", int64(1<<62), "X-Ctl", "bell\x07")
	f.Add("ünïcode", "٩٨٨١٢٣٤٥٦٧", "tök", int64(0), "x-client-secret", "steal")
	f.Add("a/../b", "0000000000", "\x7f", int64(0), "", "")
	f.Add("kyc-001", "9988123456", "tok", int64(0), "X-Ctl", "bell\x07")
	f.Add("kyc-001", "9988123456", "tok", int64(0), "X Bad", "v")
	f.Add("kyc-001", "9988123456", "tok", int64(0), "", "v")
	f.Add("kyc-001", "9988123456", "tok", int64(0), "X-Client-Secret ", "steal")

	var seen counter
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.add(r)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL+"/verification"), client.WithCredentials(relClientID, relSecret),
		client.WithRetryPolicy(client.RetryPolicy{}), client.WithAttemptTimeout(5*time.Second))
	if err != nil {
		f.Fatal(err)
	}
	defer c.CloseIdleConnections()

	f.Fuzz(func(t *testing.T, id, mobile, token string, ref int64, hName, hValue string) {
		header := hName != "" || hValue != ""
		headerOK := !header || (headerNameRE.MatchString(hName) && headerValueRE.MatchString(hValue) &&
			!protectedHeaders[http.CanonicalHeaderKey(hName)])
		var opts []client.CallOption
		if header {
			opts = append(opts, client.WithHeader(hName, hValue))
		}
		lookup := client.Lookup{VerificationID: id}
		if ref != 0 {
			lookup.ReferenceID = wire.NewIntID(ref)
		}
		lookupOK := (id != "") != (ref != 0) && (id == "" || idRE.MatchString(id)) && ref >= 0
		calls := []struct {
			name string
			ok   bool
			call func(ctx context.Context) error
		}{
			{client.OpDataAvailability, idRE.MatchString(id) && mobileRE.MatchString(mobile), func(ctx context.Context) error {
				_, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: id, Mobile: mobile}, opts...)
				return err
			}},
			{client.OpUserDetails, tokenRE.MatchString(token), func(ctx context.Context) error {
				_, err := c.UserDetails(ctx, token, opts...)
				return err
			}},
			{client.OpDigiLockerStatus, lookupOK, func(ctx context.Context) error {
				_, err := c.DigiLockerStatus(ctx, lookup, opts...)
				return err
			}},
			{client.OpConsentStatus, lookupOK, func(ctx context.Context) error {
				_, err := c.ConsentStatus(ctx, lookup, opts...)
				return err
			}},
			{client.OpFinancialInformation, lookupOK, func(ctx context.Context) error {
				_, err := c.FinancialInformation(ctx, lookup, opts...)
				return err
			}},
		}
		for _, call := range calls {
			before := seen.count()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := call.call(ctx)
			cancel()
			sent := seen.count() - before
			if !call.ok || !headerOK {
				var inputErr *client.InputError
				if !errors.As(err, &inputErr) {
					t.Fatalf("%s(id=%q mobile=%q token=%q ref=%d header %q: %q): want an *InputError, got %v",
						call.name, id, mobile, token, ref, hName, hValue, err)
				}
				if sent != 0 {
					t.Fatalf("%s: bad input reached the network (%d requests)", call.name, sent)
				}
				continue
			}
			if sent != 1 {
				t.Fatalf("%s(id=%q mobile=%q token=%q ref=%d header %q: %q): good input sent %d requests: %v",
					call.name, id, mobile, token, ref, hName, hValue, sent, err)
			}
		}
	})
}
