package client_test

import (
	"time"

	"github.com/cfverify/cfverify/verification"

	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/openapi/wire"
)

// operationCase calls one operation with valid input.
type operationCase struct {
	name    string
	op      string
	method  string
	path    string
	example string // a 200 example of the spec
	call    func(ctx context.Context, c *client.Client, opts ...client.CallOption) (any, error)
}

var operations = []operationCase{
	{
		name: "DataAvailability", op: client.OpDataAvailability, method: http.MethodPost,
		path: "/user/data-availability", example: "DataAvailabilitySuccess",
		call: func(ctx context.Context, c *client.Client, opts ...client.CallOption) (any, error) {
			return c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: "verif-001", Mobile: testMobile}, opts...)
		},
	},
	{
		name: "UserDetails", op: client.OpUserDetails, method: http.MethodGet,
		path: "/oauth2/user-details", example: "UserDetailsSuccess",
		call: func(ctx context.Context, c *client.Client, opts ...client.CallOption) (any, error) {
			return c.UserDetails(ctx, testToken, opts...)
		},
	},
	{
		name: "DigiLockerStatus", op: client.OpDigiLockerStatus, method: http.MethodGet,
		path: "/digilocker", example: "DigiLockerAuthenticated",
		call: func(ctx context.Context, c *client.Client, opts ...client.CallOption) (any, error) {
			return c.DigiLockerStatus(ctx, client.ByVerificationID("ABC00123"), opts...)
		},
	},
	{
		name: "ConsentStatus", op: client.OpConsentStatus, method: http.MethodGet,
		path: "/aa/consent", example: "ConsentExample",
		call: func(ctx context.Context, c *client.Client, opts ...client.CallOption) (any, error) {
			return c.ConsentStatus(ctx, client.ByVerificationID("abc12345"), opts...)
		},
	},
	{
		name: "FinancialInformation", op: client.OpFinancialInformation, method: http.MethodGet,
		path: "/aa/fi", example: "FIExample",
		call: func(ctx context.Context, c *client.Client, opts ...client.CallOption) (any, error) {
			return c.FinancialInformation(ctx, client.ByVerificationID("Fi_12345"), opts...)
		},
	},
}

// credentialOps are the operations authenticated by client id and secret.
func credentialOps() []operationCase {
	var out []operationCase
	for _, oc := range operations {
		if oc.op != client.OpUserDetails {
			out = append(out, oc)
		}
	}
	return out
}

func TestClient_operations_sendTheRightRequest(t *testing.T) {
	t.Parallel()
	for _, oc := range operations {
		t.Run(oc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, respond(200, example(t, oc.example)))
			c := newClient(t, srv, client.WithUserAgent("cfverify-test/1"))

			res, err := oc.call(t.Context(), c)
			require.NoError(t, err)
			require.NotNil(t, res)

			require.Equal(t, 1, rec.count())
			got := rec.last()
			assert.Equal(t, oc.method, got.Method)
			assert.Equal(t, prefix+oc.path, got.Path)
			assert.Equal(t, client.DefaultAPIVersion, got.Header.Get("X-Api-Version"))
			assert.Equal(t, "cfverify-test/1", got.Header.Get("User-Agent"))
			assert.Equal(t, "application/json", got.Header.Get("Accept"))
			assert.Empty(t, got.Header.Get("X-Cf-Signature"), "no key configured, no signature")
			if oc.op == client.OpUserDetails {
				assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
				assert.Empty(t, got.Header.Get("X-Client-Id"), "user details is authorised by the token alone")
				assert.Empty(t, got.Header.Get("X-Client-Secret"))
			} else {
				assert.Equal(t, testClientID, got.Header.Get("X-Client-Id"))
				assert.Equal(t, testSecret, got.Header.Get("X-Client-Secret"))
				assert.Empty(t, got.Header.Get("Authorization"))
			}
		})
	}
}

func TestClient_DataAvailability_body(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, respond(200, example(t, "DataAvailabilitySuccess")))
	c := newClient(t, srv)

	res, err := c.DataAvailability(t.Context(), client.DataAvailabilityParams{VerificationID: "verif-001", Mobile: "9988123456"})
	require.NoError(t, err)

	got := rec.last()
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"verification_id":"verif-001","user":[{"identifier_type":"MOBILE","identifier_value":"9988123456"}]}`, string(got.Body))

	ref, ok := res.ReferenceID.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(3123123), ref)
	require.Len(t, res.AvailableScopes, 11)
	assert.Equal(t, verification.ScopeAADHAAR, *res.AvailableScopes[0].Scope)
}

func TestClient_lookups_sendOneQueryParameter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		example string
		call    func(context.Context, *client.Client, client.Lookup) error
		idName  string
		refName string
	}{
		{"DigiLocker", "DigiLockerPending", func(ctx context.Context, c *client.Client, l client.Lookup) error {
			_, err := c.DigiLockerStatus(ctx, l)
			return err
		}, "verification_id", "reference_id"},
		{"Consent", "ConsentExample", func(ctx context.Context, c *client.Client, l client.Lookup) error {
			_, err := c.ConsentStatus(ctx, l)
			return err
		}, "consent_verification_id", "consent_ref_id"},
		{"FI", "FIExample", func(ctx context.Context, c *client.Client, l client.Lookup) error {
			_, err := c.FinancialInformation(ctx, l)
			return err
		}, "fi_verification_id", "fi_ref_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, respond(200, example(t, tc.example)))
			c := newClient(t, srv)

			require.NoError(t, tc.call(t.Context(), c, client.ByVerificationID("v.id-1_x")))
			assert.Equal(t, "v.id-1_x", rec.last().Query.Get(tc.idName))
			assert.False(t, rec.last().Query.Has(tc.refName))

			require.NoError(t, tc.call(t.Context(), c, client.ByReferenceID(wire.NewIntID(9007199254740993))))
			assert.Equal(t, "9007199254740993", rec.last().Query.Get(tc.refName), "int64 beyond float64 precision")
			assert.False(t, rec.last().Query.Has(tc.idName))
		})
	}
}

func TestClient_DigiLockerStatus_decodesNullsAndEmptyObjects(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body   string
		status verification.DigiLockerStatusValue
	}{
		"pending with {} user details": {string(example(t, "DigiLockerPending")), verification.DigiLockerPending},
		"null document_consent":        {string(example(t, "DigiLockerEaadhaarIsN")), verification.DigiLockerAuthenticated},
		"null user_details":            {`{"status":"EXPIRED","user_details":null,"document_consent":null,"reference_id":"12345"}`, verification.DigiLockerExpired},
		"unknown status still decodes": {`{"status":"SOMETHING_NEW","reference_id":1}`, "SOMETHING_NEW"},
		"unknown fields ignored":       {`{"status":"PENDING","brand_new_field":{"x":1}}`, verification.DigiLockerPending},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, respond(200, tc.body))
			c := newClient(t, srv)
			st, err := c.DigiLockerStatus(t.Context(), client.ByReferenceID(wire.NewIntID(12345)))
			require.NoError(t, err)
			require.NotNil(t, st.Status)
			assert.Equal(t, tc.status, *st.Status)
		})
	}
}

func TestClient_ConsentStatus_decodesTimesWithOffsets(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, respond(200, example(t, "ConsentExample")))
	c := newClient(t, srv)
	st, err := c.ConsentStatus(t.Context(), client.ByReferenceID(wire.NewIntID(67890)))
	require.NoError(t, err)
	assert.Equal(t, verification.ConsentSuccess, *st.Status)
	assert.Equal(t, "2024-12-31T23:59:59Z", st.ConsentExpiry.String())
	expiry, err := st.ConsentExpiry.Time()
	require.NoError(t, err)
	assert.Equal(t, time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC), expiry)
	assert.Equal(t, "2024-01-07", st.DataLifeExpiry.String())
	assert.Contains(t, st.ConsentType, verification.ConsentType("TRANSACTION"))
	ref, _ := st.ConsentRefID.Int64()
	assert.Equal(t, int64(67890), ref)
}

// TestClient_everySpecExample serves every example of the spec with its
// status and checks the client's answer: 2xx examples decode into a result,
// the others give an *Error carrying the example's type, code and status.
func TestClient_everySpecExample(t *testing.T) {
	t.Parallel()
	doc := openapi.MustLoad()
	byPath := map[string]operationCase{}
	for _, oc := range operations {
		byPath[oc.path] = oc
	}
	total := 0
	for path, item := range doc.Paths.Map() {
		oc, ok := byPath[path]
		require.True(t, ok, "no operation case for %s", path)
		for _, op := range item.Operations() {
			for code, ref := range op.Responses.Map() {
				for name, ex := range ref.Value.Content.Get("application/json").Examples {
					total++
					body, err := json.Marshal(ex.Value.Value)
					require.NoError(t, err)
					status, err := strconv.Atoi(code)
					require.NoError(t, err)
					t.Run(oc.name+"/"+code+"/"+name, func(t *testing.T) {
						t.Parallel()
						srv, _ := serve(t, respond(status, body))
						c := newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{}))
						res, err := oc.call(t.Context(), c)
						if status < 300 {
							require.NoError(t, err)
							require.NotNil(t, res)
							return
						}
						var apiErr *client.Error
						require.ErrorAs(t, err, &apiErr)
						var want map[string]string
						require.NoError(t, json.Unmarshal(body, &want))
						assert.Equal(t, status, apiErr.StatusCode)
						assert.Equal(t, want["type"], string(apiErr.Type))
						assert.Equal(t, want["code"], string(apiErr.Code))
						assert.Equal(t, oc.op, apiErr.Operation)
						assert.NotEmpty(t, apiErr.Message)
					})
				}
			}
		}
	}
	assert.GreaterOrEqual(t, total, 55, "every example of the spec is served")
}

func TestClient_WithRawResponse(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		w.Header().Set("X-Request-Id", "req-raw-1")
		if n == 1 {
			writeJSON(w, 503, errorBody("internal_error", "down", "try later"))
			return
		}
		writeJSON(w, 200, example(t, "DigiLockerPending"))
	})
	c := newClient(t, srv)
	var raw client.RawResponse
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("ABC00123"), client.WithRawResponse(&raw))
	require.NoError(t, err)
	assert.Equal(t, 200, raw.StatusCode)
	assert.Equal(t, 2, raw.Attempts)
	assert.Equal(t, "req-raw-1", raw.Header.Get("X-Request-Id"))
	assert.JSONEq(t, string(example(t, "DigiLockerPending")), string(raw.Body))
}

func TestClient_WithHeader(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, respond(200, example(t, "DigiLockerPending")))
	c := newClient(t, srv)

	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("a"), client.WithHeader("X-Trace", "t-1"))
	require.NoError(t, err)
	assert.Equal(t, "t-1", rec.last().Header.Get("X-Trace"))

	for _, name := range []string{"x-client-id", "x-client-secret", "Authorization", "X-Cf-Signature", "x-api-version", "user-agent", "Content-Type"} {
		_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("a"), client.WithHeader(name, "evil"))
		require.ErrorIs(t, err, client.ErrInvalidInput, name)
	}
	_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("a"), client.WithHeader("X-Trace", "a\r\nInjected: 1"))
	require.ErrorIs(t, err, client.ErrInvalidInput)
	// Names and values net/http would refuse only when sending (after
	// retries, as a network error) are bad input too.
	for name, value := range map[string]string{"": "v", "X Trace": "v", "X-Client-Secret ": "v", "X:Y": "v", "X-Trace": "bell\x07", "X-Del": "a\x7f"} {
		_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("a"), client.WithHeader(name, value))
		require.ErrorIs(t, err, client.ErrInvalidInput, "%q: %q", name, value)
	}
	_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("a"), client.WithHeader("X-Tab", "a\tb"))
	require.NoError(t, err, "a tab is allowed in a value")
	assert.Equal(t, 2, rec.count(), "rejected headers send nothing")
}

func TestClient_baseURLPathPrefixIsKept(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, respond(200, example(t, "DigiLockerPending")))
	// With and without a trailing slash.
	for _, base := range []string{srv.URL + prefix, srv.URL + prefix + "/"} {
		c := newClient(t, srv, client.WithBaseURL(base))
		_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("a"))
		require.NoError(t, err, base)
		assert.Equal(t, prefix+"/digilocker", rec.last().Path)
	}
}
