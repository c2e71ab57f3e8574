package client_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cfverify/cfverify/verification"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi/wire"
)

func TestClient_errorStatuses_mapToSentinels(t *testing.T) {
	t.Parallel()
	sentinels := []error{client.ErrNotFound, client.ErrUnauthorized, client.ErrRateLimited, client.ErrConflict, client.ErrValidation}
	cases := []struct {
		status int
		want   error // nil: no sentinel matches
	}{
		{400, client.ErrValidation},
		{401, client.ErrUnauthorized},
		{403, client.ErrUnauthorized},
		{404, client.ErrNotFound},
		{409, client.ErrConflict},
		{422, client.ErrValidation},
		{429, client.ErrRateLimited},
		{500, nil},
		{502, nil},
		{418, nil},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("X-Request-Id", "req-123")
				writeJSON(w, tc.status, errorBody("some_error", "some_code", "Something failed"))
			})
			c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{}))
			res, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("x"))
			require.Error(t, err)
			assert.Nil(t, res)

			var apiErr *client.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, client.ErrorType("some_error"), apiErr.Type)
			assert.Equal(t, client.ErrorCode("some_code"), apiErr.Code)
			assert.Equal(t, "Something failed", apiErr.Message)
			assert.Equal(t, "req-123", apiErr.RequestID)
			assert.Equal(t, client.OpDigiLockerStatus, apiErr.Operation)
			assert.Equal(t, 1, apiErr.Attempts)
			for _, s := range sentinels {
				assert.Equal(t, s == tc.want, errors.Is(err, s), "errors.Is(%v)", s)
			}
			assert.Contains(t, err.Error(), client.OpDigiLockerStatus)
			assert.Contains(t, err.Error(), "some_code")
			assert.Contains(t, err.Error(), "req-123")
		})
	}
}

func TestClient_oddErrorBodies_stillGiveError(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		status      int
		contentType string
		body        string
		wantCode    string
		wantMessage string
	}{
		"html from a gateway": {502, "text/html", "<html><body>502 Bad Gateway</body></html>", "", "text/html"},
		"empty":               {500, "", "", "", "empty body"},
		"truncated json":      {500, "application/json", `{"type":"internal_error","code":"verif`, "", "application/json"},
		"json array":          {400, "application/json", `["nope"]`, "", "application/json"},
		"numbers for strings": {400, "application/json", `{"type":"validation_error","code":1234,"message":"bad"}`, "1234", "bad"},
		"wrong types":         {404, "application/json", `{"type":{"a":1},"code":["x"],"message":null}`, "", "application/json"},
		"null":                {500, "application/json", `null`, "", "application/json"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{}))
			res, err := c.ConsentStatus(t.Context(), client.ByVerificationID("x"))
			assert.Nil(t, res)
			var apiErr *client.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.wantCode, string(apiErr.Code))
			assert.Contains(t, apiErr.Message, tc.wantMessage)
			assert.NotContains(t, err.Error(), "<html>", "bodies are described, not quoted")
		})
	}
}

func TestClient_undecodable2xx_isDecodeError(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		contentType string
		body        string
	}{
		"html":              {"text/html", "<html>captive portal</html>"},
		"empty":             {"application/json", ""},
		"truncated":         {"application/json", `{"status":"PENDING","reference_id":12`},
		"null":              {"application/json", "null"},
		"array":             {"application/json", "[]"},
		"wrong field type":  {"application/json", `{"status":"PENDING","consent_ref_id":{"a":1}}`},
		"time not a string": {"application/json", `{"status":"SUCCESS","consent_expiry":{"d":"31-12-2024"}}`},
		"sniffed text":      {"", "not json"},
		"duplicate names":   {"application/json", `{"status":"PENDING","status":"SUCCESS"}`},
		"duplicate escaped": {"application/json", `{"status":"PENDING","st\u0061tus":"SUCCESS"}`},
		"nested duplicate":  {"application/json", `{"status":"PENDING","customer_identifiers":[{"type":"MOBILE","type":"PAN"}]}`},
		"lone surrogate":    {"application/json", `{"status":"PENDING","consent_verification_id":"c\ud800"}`},
		"invalid UTF-8":     {"application/json", "{\"status\":\"PENDING\",\"consent_verification_id\":\"c\xff\"}"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				_, _ = io.WriteString(w, tc.body)
			})
			c := newClient(t, srv)
			res, err := c.ConsentStatus(t.Context(), client.ByVerificationID("x"))
			assert.Nil(t, res, "never a result with an error")
			var decErr *client.DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.Equal(t, 200, decErr.StatusCode)
			assert.Equal(t, client.OpConsentStatus, decErr.Operation)
			assert.NotContains(t, err.Error(), "31-12-2024", "values in decode errors are masked")
			assert.NotNil(t, errors.Unwrap(err), "the cause is kept")
		})
	}
}

// Names match the spec's exactly: a case variant is an unknown member, so a
// body cannot say one thing to a validator (which also reads "status") and
// another to the client.
func TestClient_caseVariantName_isNotTheField(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]any{
		`{"status":"PENDING","STATUS":"SUCCESS"}`: verification.ConsentPending,
		`{"STATUS":"SUCCESS","status":"PENDING"}`: verification.ConsentPending,
		`{"Status":"SUCCESS"}`:                    nil,
	} {
		srv, _ := serve(t, respond(200, body))
		c := newClient(t, srv)
		res, err := c.ConsentStatus(t.Context(), client.ByVerificationID("x"))
		require.NoError(t, err, body)
		if want == nil {
			assert.Nil(t, res.Status, body)
		} else {
			require.NotNil(t, res.Status, body)
			assert.Equal(t, want, *res.Status, body)
		}
	}
}

func TestClient_jsonWithoutJSONContentType_decodes(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(example(t, "DigiLockerPending"))
	})
	c := newClient(t, srv)
	st, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("x"))
	require.NoError(t, err)
	assert.Equal(t, verification.DigiLockerPending, *st.Status)
}

func TestClient_retryAfter_parsed(t *testing.T) {
	t.Parallel()
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	cases := map[string]struct {
		header   string
		min, max time.Duration
	}{
		"seconds":   {"7", 7 * time.Second, 7 * time.Second},
		"http date": {date, 80 * time.Second, 91 * time.Second},
		"garbage":   {"soon", 0, 0},
		"negative":  {"-3", 0, 0},
		"absent":    {"", 0, 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				writeJSON(w, 429, errorBody("rate_limit_error", "too_many_requests_per_ip", "slow down"))
			})
			c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{}))
			_, err := c.FinancialInformation(t.Context(), client.ByReferenceID(wire.NewIntID(1)))
			var apiErr *client.Error
			require.ErrorAs(t, err, &apiErr)
			require.ErrorIs(t, err, client.ErrRateLimited)
			assert.GreaterOrEqual(t, apiErr.RetryAfter, tc.min)
			assert.LessOrEqual(t, apiErr.RetryAfter, tc.max)
		})
	}
}

func TestClient_responseSizeCap(t *testing.T) {
	t.Parallel()
	big := `{"status":"PENDING","pad":"` + strings.Repeat("x", 4096) + `"}`
	cases := map[string]handlerFunc{
		"content-length too large": respond(200, big),
		"chunked too large": func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			for i := 0; i < 8; i++ {
				_, _ = io.WriteString(w, big[i*len(big)/8:(i+1)*len(big)/8])
				w.(http.Flusher).Flush()
			}
		},
		"endless stream": func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			chunk := strings.Repeat("x", 32<<10)
			_, _ = io.WriteString(w, `{"pad":"`)
			for r.Context().Err() == nil {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, h)
			c := newClient(t, srv, client.WithMaxResponseBytes(1024))
			start := time.Now()
			res, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("x"))
			assert.Nil(t, res)
			require.ErrorIs(t, err, client.ErrResponseTooLarge)
			assert.Contains(t, err.Error(), client.OpDigiLockerStatus)
			assert.Equal(t, 1, rec.count(), "an oversize answer is not retried")
			assert.Less(t, time.Since(start), 5*time.Second)
		})
	}
}

func TestClient_responseSizeCap_bodyAtLimitIsFine(t *testing.T) {
	t.Parallel()
	body := example(t, "DigiLockerPending")
	srv, _ := serve(t, respond(200, body))
	c := newClient(t, srv, client.WithMaxResponseBytes(int64(len(body))))
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("x"))
	require.NoError(t, err)
}

// A date or timestamp in a layout nobody documented must not cost the whole
// answer: it decodes, keeps its text, and only parsing it reports the problem.
func TestClient_oddTimestamp_decodesAndReportsOnParse(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"status":"SUCCESS","consent_expiry":"31-12-2024","data_life_expiry":""}`)
	})
	c := newClient(t, srv)
	res, err := c.ConsentStatus(t.Context(), client.ByVerificationID("x"))
	require.NoError(t, err)
	require.NotNil(t, res.ConsentExpiry)
	assert.Equal(t, "31-12-2024", res.ConsentExpiry.String())
	_, err = res.ConsentExpiry.Time()
	assert.Error(t, err, "not RFC 3339")
	assert.True(t, res.DataLifeExpiry.IsZero())
}
