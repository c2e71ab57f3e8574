package client_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/syncbuf"
)

func TestMaskPII(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{"", ""},
		{"nothing personal here", "nothing personal here"},
		{"mobile 9876543210 given", "mobile XXXXXX3210 given"},
		{"call +919876543210", "call +XXXXXXXX3210"},
		{"aadhaar 123456789012", "aadhaar XXXXXXXX9012"},
		{"aadhaar 1234 5678 9012", "aadhaar XXXX XXXX 9012"},
		{"pan ABCDE1234F ok", "pan XXXXXX234F ok"},
		{"mail vinay.kumar@example.com now", "mail v***@example.com now"},
		{"dob 02-02-1995", "dob XX-XX-XXXX"},
		{"dob 1960-08-15", "dob XXXX-XX-XX"},
		{"acct 12345678901234", "acct XXXXXXXXXX1234"},
		{"UPI/9876543219/getsimpl", "UPI/XXXXXX3219/getsimpl"},
		{"Authorization: Bearer abc.def-ghi", "Authorization: Bearer [REDACTED]"},
		{"sig " + strings.Repeat("QUJD", 20) + "==", "sig [REDACTED]"},
		{"HTTP 404 after 3 attempts, ref 3123123", "HTTP 404 after 3 attempts, ref 3123123"},
		{"timestamp 2021-04-01T13:20:14+05:30", "timestamp 2021-04-01T13:20:14+05:30"},
		{"mobile +91 98765 43210 given", "mobile +XX XXXXX X3210 given"},
		{"mobile 98765-43210", "mobile XXXXX-X3210"},
		{"mobile +91-98765-43210", "mobile +XX-XXXXX-X3210"},
		{"acct 001 122 334 455 66", "acct XXX XXX XXX X55 66"},
		{"3 of 25 accounts, 10 20 30", "3 of 25 accounts, 10 20 30"},
		{"took 1500 ms at 12 34", "took 1500 ms at 12 34"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, client.MaskPII(tc.in), tc.in)
	}
}

func TestMaskField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		key, value, want string
	}{
		{"x-client-secret", testSecret, "[REDACTED]"},
		{"client_secret", testSecret, "[REDACTED]"},
		{"Authorization", "Bearer " + testToken, "[REDACTED]"},
		{"access_token", testToken, "[REDACTED]"},
		{"x-cf-signature", "abc", "[REDACTED]"},
		{"privateKey", "-----BEGIN", "[REDACTED]"},
		{"mobile", testMobile, "XXXXXX3210"},
		{"identifier_value", testMobile, "XXXXXX3210"},
		{"aadhaar", "123456789012", "XXXXXXXX9012"},
		{"pan", testPAN, "XXXXXX234F"},
		{"bank_account", "1234567890", "XXXXXX7890"},
		{"email", testEmail, "v***@example.com"},
		{"name", testName, "****"},
		{"registered_name", testName, "****"},
		{"nameAtBank", testName, "****"},
		{"complete_address", "123 Main St", "****"},
		{"dob", "02-02-1995", "****"},
		{"photo_link", "<base64>", "****"},
		{"care_of", "S/O: X", "****"},
		{"status", "PENDING", "PENDING"},
		{"note", "mobile " + testMobile, "mobile XXXXXX3210"},
		{"name", "", ""},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, client.MaskField(tc.key, tc.value), tc.key)
	}
}

func TestNewRedactingHandler(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	log := slog.New(client.NewRedactingHandler(slog.NewJSONHandler(&buf, nil)))
	log = log.With("client_secret", testSecret, slog.Group("user", "name", testName))
	log.Info("user "+testEmail+" signed up",
		"mobile", testMobile,
		"pan", testPAN,
		"token", testToken,
		"err", errors.New("lookup for "+testMobile+" failed"),
		slog.Group("holder", "address", "729 2nd main", "dob", "1960-08-15", "email", testEmail),
		slog.Group("credentials", "id", "x", "password", "y"),
		"request_id", "req-12345678901",
		"api_version", "2024-12-01",
		"count", 3,
		"details", map[string]string{"phone": testMobile},
	)
	out := buf.String()
	for _, leak := range []string{testSecret, testName, testEmail, testMobile, testPAN, testToken, "729 2nd main", "1960-08-15"} {
		assert.NotContains(t, out, leak)
	}
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rec))
	assert.Equal(t, "req-12345678901", rec["request_id"], "request ids are kept whole")
	assert.Equal(t, "2024-12-01", rec["api_version"], "the API version is a date, not a birth date")
	assert.InDelta(t, 3, rec["count"], 0)
	assert.Equal(t, "XXXXXX3210", rec["mobile"])
	assert.Equal(t, "[REDACTED]", rec["credentials"].(map[string]any)["id"])
}

// leakCheck lists what must never appear in logs or error strings.
var leakCheck = []string{testSecret, testToken, testMobile, testPAN, testName, testEmail, "1960-08-15", "02-02-1995", "123456789012"}

func TestClient_debugLogs_leakNothing(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var sigMu sync.Mutex
	var sigs []string
	personal := "PAN " + testPAN + " of " + testEmail + " with mobile " + testMobile + " born 02-02-1995"
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if s := r.Header.Get("X-Cf-Signature"); s != "" {
			sigMu.Lock()
			sigs = append(sigs, s)
			sigMu.Unlock()
		}
		w.Header().Set("X-Request-Id", "req-log-1")
		switch {
		case r.URL.Query().Get("verification_id") == "decode":
			writeJSON(w, 200, `{"status":"PENDING","reference_id":"`+testName+`","user_details":{"dob":1960}}`)
		case r.URL.Query().Get("fi_verification_id") == "decode":
			writeJSON(w, 200, `{"status":"SUCCESS","fi_from":{"who":"`+testName+` 1960-08-15"}}`)
		case n%3 == 1:
			writeJSON(w, 503, errorBody("internal_error", "upstream", personal))
		case n%3 == 2:
			writeJSON(w, 400, errorBody("validation_error", "identifier_value_value_invalid", personal))
		default:
			writeJSON(w, 200, example(t, "UserDetailsSuccess"))
		}
	})
	c := newClient(t, srv, client.WithLogger(logger), client.WithPublicKeyPEM(publicPEM(t, testKey())))

	var errs []error
	for _, oc := range operations {
		_, err := oc.call(t.Context(), c)
		errs = append(errs, err)
	}
	_, err := c.DataAvailability(t.Context(), client.DataAvailabilityParams{VerificationID: "v1", Mobile: testMobile})
	errs = append(errs, err)
	_, err = c.UserDetails(t.Context(), testToken)
	errs = append(errs, err)
	_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("decode"))
	errs = append(errs, err)
	_, err = c.FinancialInformation(t.Context(), client.ByVerificationID("decode"))
	errs = append(errs, err)
	_, err = c.UserDetails(t.Context(), "Bearer "+testToken)
	errs = append(errs, err)

	out := buf.String()
	require.NotEmpty(t, out)
	if testing.Verbose() {
		t.Log(out)
		for _, err := range errs {
			t.Log(err)
		}
	}
	for _, want := range []string{`"operation":"getDigiLockerStatus"`, `"method":"GET"`, `"path":"/verification/digilocker"`,
		`"attempt":2`, `"status":503`, `"latency":`, `"request_id":"req-log-1"`, `"retry_in":`} {
		assert.Contains(t, out, want)
	}
	sigMu.Lock()
	leaks := append(append([]string(nil), leakCheck...), sigs...)
	sigMu.Unlock()
	require.NotEmpty(t, sigs)
	for _, leak := range leaks {
		assert.NotContains(t, out, leak, "debug log")
		for _, err := range errs {
			if err != nil {
				assert.NotContains(t, err.Error(), leak, "error string")
			}
		}
	}
	var decodeErrs int
	for _, err := range errs {
		var d *client.DecodeError
		if errors.As(err, &d) {
			decodeErrs++
		}
	}
	assert.Equal(t, 2, decodeErrs, "the planted decode failures were exercised")
}

func TestNewRedactingHandler_groupsAndClientValue(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	h := client.NewRedactingHandler(slog.NewJSONHandler(&buf, nil))
	assert.Equal(t, h, client.NewRedactingHandler(h), "wrapping twice is wrapping once")
	c, err := client.New(client.WithCredentials(testClientID, testSecret))
	require.NoError(t, err)
	slog.New(h).WithGroup("kyc").Info("done", "aadhaar", "123456789012", "client", c)
	out := buf.String()
	assert.Contains(t, out, `"kyc":{`)
	assert.Contains(t, out, "XXXXXXXX9012")
	assert.Contains(t, out, "credentials: true")
	assert.NotContains(t, out, testSecret)
	assert.NotContains(t, out, "123456789012")
}
