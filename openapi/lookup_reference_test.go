package openapi

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A lookup's reference id is typed integer-or-digits (LookupReferenceID) so
// that a TypeScript client can send back the number | string a response
// gave it; on the wire both are the same digits, and anything else still
// breaks the spec.
func TestLookupReferenceID_digitsOnly(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	for _, tc := range []struct {
		path, value string
		ok          bool
	}{
		{"/digilocker", "123456", true},
		{"/aa/consent", "9007199254740993", true}, // past a JavaScript number's exact range: only a string keeps it
		{"/aa/fi", "42", true},
		{"/digilocker", "0", false},
		{"/digilocker", "-5", false},
		{"/aa/consent", "12ab", false},
		{"/aa/fi", "ref123", false},
		{"/digilocker", "1.5", false},
	} {
		param := map[string]string{"/digilocker": "reference_id", "/aa/consent": "consent_ref_id", "/aa/fi": "fi_ref_id"}[tc.path]
		u := &url.URL{Path: "/verification" + tc.path, RawQuery: url.Values{param: {tc.value}}.Encode()}
		req := &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{
			"X-Client-Id": {"id"}, "X-Client-Secret": {"secret"}, "X-Api-Version": {"2024-12-01"},
		}}
		err := v.ValidateRequest(t.Context(), req, nil)
		if tc.ok {
			assert.NoError(t, err, "%s=%s", param, tc.value)
			continue
		}
		assert.Equal(t, []string{"query " + param}, where(t, err), "%s=%s", param, tc.value)
	}
}
