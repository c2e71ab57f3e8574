package contractcheck

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func digiLockerExchange(header http.Header, status int, contentType, body string) Exchange {
	u, _ := url.Parse("http://127.0.0.1/verification/digilocker?verification_id=ABC00123")
	return Exchange{
		Method: http.MethodGet, URL: u, RequestHeader: header,
		Status: status, ResponseHeader: http.Header{"Content-Type": {contentType}}, ResponseBody: []byte(body),
	}
}

func TestChecker_cachedVerdictEqualsAFreshOne(t *testing.T) {
	const drifting = `{"status":"AUTHENTICATED","verification_id":"ABC00123","reference_id":1,"brand_new_field":"` + testName + `"}`
	const broken = `{"status":12,"verification_id":"` + testMobile + `","reference_id":{"name":"` + testName + `"}}`
	noSecret := apiHeaders()
	noSecret.Del("X-Client-Secret")
	cases := []struct {
		name                  string
		x                     Exchange
		violations, withDrift bool
	}{
		{"valid", digiLockerExchange(apiHeaders(), 200, "application/json", validDigiLocker), false, false},
		{"drift", digiLockerExchange(apiHeaders(), 200, "application/json", drifting), false, true},
		{"broken body, masked", digiLockerExchange(apiHeaders(), 200, "application/json", broken), true, true},
		{"request without its secret", digiLockerExchange(noSecret, 200, "application/json", validDigiLocker), true, false},
		{"html answer", digiLockerExchange(apiHeaders(), 502, "text/html", "<html>Bad Gateway</html>"), true, false},
	}
	for _, strict := range []bool{false, true} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/strict=%v", tc.name, strict), func(t *testing.T) {
				c, err := NewChecker(nil, strict)
				require.NoError(t, err)
				first := c.Check(t.Context(), tc.x)
				requests, responses := c.requests.Len(), c.responses.Len()
				require.Equal(t, 1, requests)
				require.Equal(t, 1, responses)
				cached := c.Check(t.Context(), tc.x)
				assert.Equal(t, requests, c.requests.Len(), "the second check is the remembered verdict")
				assert.Equal(t, responses, c.responses.Len())

				freshChecker, err := NewChecker(nil, strict)
				require.NoError(t, err)
				fresh := freshChecker.Check(t.Context(), tc.x)
				assert.Equal(t, fresh, cached)
				assert.Equal(t, first, cached)

				assert.Equal(t, tc.violations, len(cached.Violations) > 0, "%v", cached.Violations)
				assert.Equal(t, tc.withDrift, len(cached.Drift) > 0, "%v", cached.Drift)
				assert.Equal(t, tc.violations || (strict && tc.withDrift), cached.Broke)
				text := fmt.Sprint(cached)
				for _, secret := range []string{testMobile, testName, testSecret, testSignature} {
					assert.NotContains(t, text, secret)
				}
			})
		}
	}
}

func TestChecker_cachedVerdictsAreNotSharedAcrossHeaders(t *testing.T) {
	c, err := NewChecker(nil, false)
	require.NoError(t, err)
	good := digiLockerExchange(apiHeaders(), 200, "application/json", validDigiLocker)
	require.Empty(t, c.Check(t.Context(), good).Violations)

	// The same URL and body without the secret: another request.
	noSecret := apiHeaders()
	noSecret.Del("X-Client-Secret")
	r := c.Check(t.Context(), digiLockerExchange(noSecret, 200, "application/json", validDigiLocker))
	require.NotEmpty(t, r.Violations)
	for _, v := range r.Violations {
		assert.Equal(t, "request", v.Kind, v)
	}
	// Another secret: another request too (checked, though it holds).
	otherSecret := apiHeaders()
	otherSecret.Set("X-Client-Secret", "cfsk_ma_test_another")
	assert.Empty(t, c.Check(t.Context(), digiLockerExchange(otherSecret, 200, "application/json", validDigiLocker)).Violations)
	assert.Equal(t, 3, c.requests.Len())

	// The same body under another Content-Type: another response.
	r = c.Check(t.Context(), digiLockerExchange(apiHeaders(), 200, "text/plain", validDigiLocker))
	require.NotEmpty(t, r.Violations)
	assert.Equal(t, "response", r.Violations[0].Kind)
	assert.Equal(t, 2, c.responses.Len())
	assert.Empty(t, c.Check(t.Context(), good).Violations, "the first verdict still holds for the first exchange")
}

func TestProxy_repeatedExchangesGetOneReportLineEach(t *testing.T) {
	const broken = `{"status":12,"verification_id":"` + testMobile + `","reference_id":{"name":"` + testName + `"}}`
	up := &fakeUpstream{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(broken)}
	upSrv := httptest.NewServer(up)
	t.Cleanup(upSrv.Close)
	proxy, rec, report := startProxy(t, upSrv.URL, false, nil)
	const n = 5
	for range n {
		resp := getDigiLocker(t.Context(), t, proxy.URL)
		resp.Body.Close()
	}
	results := waitResults(t, rec, n)
	require.Len(t, results, n)
	for _, r := range results {
		assert.True(t, r.Broke)
		assert.Equal(t, results[0].Violations, r.Violations)
		assert.NotEmpty(t, r.Violations)
	}
	require.Eventually(t, func() bool { return strings.Count(report.String(), "\n") == n }, 5*time.Second, 2*time.Millisecond)
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(report.String()))
	for sc.Scan() {
		lines++
		assert.Contains(t, sc.Text(), `"broke":true`)
	}
	assert.Equal(t, n, lines)
	for _, secret := range []string{testMobile, testName, testSecret, testSignature} {
		assert.NotContains(t, report.String(), secret)
	}
}

func TestChecker_responseVerdictIgnoresHeadersTheValidatorDoesNotRead(t *testing.T) {
	c, err := NewChecker(nil, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"Content-Type", "Retry-After"}, c.responseHeaders, "Content-Type and the spec's declared response headers")

	answer := func(status int, extra http.Header) Exchange {
		x := digiLockerExchange(apiHeaders(), status, "application/json", `{"message":"slow down","code":"rate_limit","type":"rate_limit_error"}`)
		for k, v := range extra {
			x.ResponseHeader[k] = v
		}
		return x
	}
	// Per-answer headers the validator never reads: one verdict.
	for i := range 3 {
		r := c.Check(t.Context(), answer(429, http.Header{"X-Request-Id": {fmt.Sprint("req-", i)}, "Date": {fmt.Sprint("day ", i)}}))
		assert.Empty(t, r.Violations)
	}
	assert.Equal(t, 1, c.responses.Len())
	// A declared header is read: another value is another answer, checked.
	r := c.Check(t.Context(), answer(429, http.Header{"Retry-After": {"soon"}}))
	assert.NotEmpty(t, r.Violations, "Retry-After is declared an integer")
	assert.Equal(t, 2, c.responses.Len())
	r = c.Check(t.Context(), answer(429, http.Header{"Retry-After": {"3"}}))
	assert.Empty(t, r.Violations)
	assert.Equal(t, 3, c.responses.Len())
}
