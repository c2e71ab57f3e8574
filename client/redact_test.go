package client_test

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mask"
)

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
	h := mask.NewHandler(slog.NewJSONHandler(&buf, nil))
	assert.Equal(t, h, mask.NewHandler(h), "wrapping twice is wrapping once")
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
