package mask_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/syncbuf"
	"github.com/cfverify/cfverify/mask"
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
		assert.Equal(t, tc.want, mask.PII(tc.in), tc.in)
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
		assert.Equal(t, tc.want, mask.Field(tc.key, tc.value), tc.key)
	}
}

func TestNewRedactingHandler(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	log := slog.New(mask.NewHandler(slog.NewJSONHandler(&buf, nil)))
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

// Secrets and personal data the tests plant, to check none of it leaks.
const (
	testSecret = "cfsk_ma_test_SUPERSECRET_9f8e7d6c5b"
	testToken  = "tok_USERTOKEN_Zx9Yw8Vu7"
	testMobile = "9876543210"
	testPAN    = "ABCDE1234F"
	testName   = "Vinay Kumar"
	testEmail  = "vinay.kumar@example.com"
)
