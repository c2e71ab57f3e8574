package mock_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

func TestServer_listensOnLoopback(t *testing.T) {
	t.Parallel()
	srv := start(t)
	assert.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), srv.URL())
	assert.True(t, strings.HasSuffix(srv.URL(), "/verification"), srv.URL())
	assert.Equal(t, "http://"+srv.Addr(), srv.RootURL())
}

func TestServer_servesUnderBasePathAndBarePaths(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	a := c.get("/digilocker?verification_id=both-paths")
	require.Equal(t, http.StatusOK, a.status)
	c.base = srv.RootURL()
	b := c.get("/digilocker?verification_id=both-paths")
	require.Equal(t, http.StatusOK, b.status)
	assert.Equal(t, a.json(t)["reference_id"], b.json(t)["reference_id"], "one state behind both paths")
	assert.NotEmpty(t, a.header.Get("X-Request-Id"))
}

func TestServer_unknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := plain(t, srv)
	c.get("/nowhere").errorIs(t, http.StatusNotFound, "invalid_request_error", "request_invalid", "")
	a := c.do(http.MethodDelete, "/digilocker", nil, "")
	a.errorIs(t, http.StatusMethodNotAllowed, "invalid_request_error", "request_invalid", "")
	assert.Equal(t, "GET", a.header.Get("Allow"))
}

func TestServer_credentials(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := plain(t, srv) // requests without credentials break the spec on purpose
	for _, path := range []string{"/digilocker?verification_id=x1", "/aa/consent?consent_verification_id=x1", "/aa/fi?fi_verification_id=x1"} {
		t.Run(path, func(t *testing.T) {
			c.getWith(path, http.Header{"X-Client-Id": {""}}).errorIs(t, 400, "validation_error", "x-client-id_missing", "x-client-id is missing in the request.")
			c.getWith(path, http.Header{"X-Client-Secret": {""}}).errorIs(t, 400, "validation_error", "x-client-secret_missing", "x-client-secret is missing in the request.")
			c.getWith(path, http.Header{"X-Client-Secret": {"wrong"}}).errorIs(t, 401, "authentication_error", "authentication_failed", "Invalid clientId and clientSecret combination")
			c.getWith(path, http.Header{"X-Client-Id": {"someone_else"}}).errorIs(t, 401, "authentication_error", "authentication_failed", "")
		})
	}
	// The POST is checked the same way, before its body.
	a := c.do(http.MethodPost, "/user/data-availability", http.Header{"X-Client-Id": {""}}, `{}`)
	a.errorIs(t, 400, "validation_error", "x-client-id_missing", "")
}

func TestServer_customCredentials(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithCredentials("my_id", "my_secret"))
	c := connect(t, srv)
	c.get("/digilocker?verification_id=x").errorIs(t, 401, "authentication_error", "authentication_failed", "")
	c.header.Set("X-Client-Id", "my_id")
	c.header.Set("X-Client-Secret", "my_secret")
	assert.Equal(t, http.StatusOK, c.get("/digilocker?verification_id=x").status)

	_, err := mock.New(mock.WithCredentials("", "x"))
	require.Error(t, err)
}

func TestServer_apiVersion(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := plain(t, srv) // a request without the required header breaks the spec on purpose
	c.getWith("/digilocker?verification_id=v", http.Header{"X-Api-Version": {""}}).
		errorIs(t, 400, "validation_error", "x-api-version_missing", "x-api-version is missing in the request.")
	c.getWith("/digilocker?verification_id=v", http.Header{"X-Api-Version": {"v1"}}).
		errorIs(t, 400, "validation_error", "x-api-version_value_invalid", "")
	c.do(http.MethodGet, "/oauth2/user-details", http.Header{"Authorization": {"Bearer t"}, "X-Api-Version": {""}}, "").
		errorIs(t, 400, "validation_error", "x-api-version_missing", "")
}

func TestServer_lookupErrors(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := plain(t, srv) // some of these requests break the spec on purpose
	cases := []struct {
		path, idParam, refParam, missing, idCode, refCode string
	}{
		{"/digilocker", "verification_id", "reference_id", "Please provide verification_id or reference_id", "verification_id_value_invalid", "reference_id_value_invalid"},
		{"/aa/consent", "consent_verification_id", "consent_ref_id", "provide consent_verification_id or consent_ref_id", "consent_verification_id_value_invalid", "consent_ref_id_value_invalid"},
		{"/aa/fi", "fi_verification_id", "fi_ref_id", "provide fi_verification_id or fi_ref_id", "fi_verification_id_value_invalid", "fi_ref_id_value_invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			c.get(tc.path).errorIs(t, 400, "validation_error", "invalid_request", tc.missing)
			c.get(tc.path+"?"+tc.idParam+"=a&"+tc.refParam+"=1").errorIs(t, 400, "validation_error", "invalid_request", "")
			c.get(tc.path+"?"+tc.refParam+"=abc").errorIs(t, 400, "validation_error", tc.refCode, "Bad request, please check API documentation")
			c.get(tc.path+"?"+tc.refParam+"=0").errorIs(t, 400, "validation_error", tc.refCode, "")
			c.get(tc.path+"?"+tc.idParam+"=has%20space").errorIs(t, 400, "validation_error", tc.idCode, "")
			c.get(tc.path+"?"+tc.idParam+"="+strings.Repeat("x", 51)).errorIs(t, 400, "validation_error", tc.idCode, "")
			// Unknown: a reference the mock never handed out, an unknown_ id.
			c.get(tc.path+"?"+tc.refParam+"=42").errorIs(t, 404, "not_found_error", tc.refCode, "")
			c.get(tc.path+"?"+tc.idParam+"=unknown_1").errorIs(t, 404, "not_found_error", tc.idCode, "")
		})
	}
	c.get("/digilocker?reference_id=42").errorIs(t, 404, "not_found_error", "reference_id_value_invalid", "Please enter a valid reference_id")
	c.get("/digilocker?verification_id=unknown_9").errorIs(t, 404, "not_found_error", "verification_id_value_invalid", "Please enter a valid verification_id")
}

func TestServer_referenceIDFindsTheSameVerification(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	first := c.get("/digilocker?verification_id=by-ref").json(t)
	ref := strconv.FormatFloat(first["reference_id"].(float64), 'f', 0, 64)
	second := c.get("/digilocker?reference_id=" + ref).json(t)
	assert.Equal(t, "by-ref", second["verification_id"])
	assert.Equal(t, "AUTHENTICATED", second["status"], "a lookup by reference counts as a poll")
}

func TestServer_referenceIDsAreStable(t *testing.T) {
	t.Parallel()
	a, b := start(t), start(t)
	ca, cb := connect(t, a), connect(t, b)
	cb.get("/digilocker?verification_id=other") // a different order of arrival
	assert.Equal(t, ca.get("/digilocker?verification_id=same").json(t)["reference_id"],
		cb.get("/digilocker?verification_id=same").json(t)["reference_id"])
}

func TestDataAvailability(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	a := c.availability("da-1", "9988123456")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, "da-1", m["verification_id"])
	assert.Len(t, m["available_scopes"], 11)
	assert.Equal(t, []any{map[string]any{"identifier_type": "MOBILE", "identifier_value": "9988123456"}}, m["user"])

	c.availability("da-1", "9988123456").errorIs(t, 409, "validation_error", "verification_id_already_exists", "verification id already exists")

	partial := c.availability("partial_da", "9988123456").json(t)
	assert.Len(t, partial["available_scopes"], 4)
	empty := c.availability("empty_da", "9988123456").json(t)
	assert.Equal(t, []any{}, empty["available_scopes"])
	c.availability("nobalance_da", "9988123456").errorIs(t, 422, "validation_error", "insufficient_balance", "Insufficient balance to process this request")
	c.availability("blocked_da", "9988123456").errorIs(t, 403, "authentication_error", "ip_validation_failed", "")
}

func TestDataAvailability_badBodies(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := plain(t, srv) // these bodies break the spec on purpose
	post := func(body string) answer { return c.do(http.MethodPost, "/user/data-availability", nil, body) }
	post(`not json`).errorIs(t, 400, "validation_error", "invalid_request", "")
	post(`{"user":[{"identifier_type":"MOBILE","identifier_value":"9988123456"}]}`).errorIs(t, 400, "validation_error", "invalid_request", "Please provide verification_id")
	post(`{"verification_id":"bad id!","user":[{"identifier_type":"MOBILE","identifier_value":"9988123456"}]}`).errorIs(t, 400, "validation_error", "verification_id_value_invalid", "")
	post(`{"verification_id":"v1","user":[]}`).errorIs(t, 400, "validation_error", "invalid_request", "Please provide user")
	post(`{"verification_id":"v1","user":[{"identifier_type":"EMAIL","identifier_value":"9988123456"}]}`).errorIs(t, 400, "validation_error", "identifier_type_value_invalid", "Please enter a valid identifier_type")
	post(`{"verification_id":"v1","user":[{"identifier_type":"MOBILE","identifier_value":"12345"}]}`).errorIs(t, 400, "validation_error", "identifier_value_value_invalid", "Please enter a valid identifier_value")
	// What only the spec validator catches: a body sent as text/plain.
	a := c.do(http.MethodPost, "/user/data-availability", http.Header{"Content-Type": {"text/plain"}},
		`{"verification_id":"v2","user":[{"identifier_type":"MOBILE","identifier_value":"9988123456"}]}`)
	require.NoError(t, a.err)
	a.errorIs(t, 400, "validation_error", "invalid_request", "")
	assert.Contains(t, a.json(t)["message"], "Content-Type")
	// None of those requests recorded the id.
	c2 := connect(t, srv)
	assert.Equal(t, http.StatusOK, c2.availability("v1", "9988123456").status)
}

func TestUserDetails(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	a := c.userDetails("any-token")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var scopes []string
	for _, s := range a.json(t)["scopes"].([]any) {
		scopes = append(scopes, s.(map[string]any)["scope"].(string))
	}
	assert.Equal(t, []string{"AADHAAR", "PAN", "DOB", "EMAIL", "GENDER", "MOBILE", "NAME", "OCCUPATION", "ADDRESS", "INCOME", "BANK_ACCOUNT"}, scopes)
	assert.Equal(t, compact(t, a.body), compact(t, c.userDetails("any-token").body), "the same token gives the same user")
	assert.NotEqual(t, compact(t, a.body), compact(t, c.userDetails("another-token").body))

	assert.Len(t, c.userDetails("partial_tok").json(t)["scopes"], 4)
	assert.Equal(t, []any{}, c.userDetails("empty_tok").json(t)["scopes"])
	c.userDetails("invalid_tok").errorIs(t, 400, "validation_error", "access_token_value_invalid", "access_token should be valid.")
	c.userDetails("expired_tok").errorIs(t, 401, "authentication_error", "authentication_failed", "access_token is invalid or has expired")
	c.userDetails("denied_tok").errorIs(t, 403, "authentication_error", "access_denied", "")
	c.userDetails("nobalance_tok").errorIs(t, 422, "validation_error", "insufficient_balance", "")
	c.userDetails("unknown_tok").errorIs(t, 400, "validation_error", "access_token_value_invalid", "")
}

func TestUserDetails_tokenMissing(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := plain(t, srv) // no credential at all breaks the spec's security requirement
	for _, auth := range []string{"", "Bearer", "Bearer  ", "Basic abc"} {
		c.getWith("/oauth2/user-details", http.Header{"Authorization": {auth}}).
			errorIs(t, 400, "validation_error", "access_token_missing", "access_token is missing in the request.")
	}
}

func TestServer_signature(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	now := time.Unix(1_750_000_000, 0)
	srv := start(t, mock.WithSignatureKey(key), mock.WithClock(func() time.Time { return now }))
	c := connect(t, srv)
	sign := func(clientID string, at time.Time) string {
		ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &key.PublicKey, []byte(clientID+"."+strconv.FormatInt(at.Unix(), 10)), nil)
		require.NoError(t, err)
		return base64.StdEncoding.EncodeToString(ct)
	}
	path := "/digilocker?verification_id=signed"
	c.get(path).errorIs(t, 403, "authentication_error", "ip_validation_failed", "")
	assert.Equal(t, http.StatusOK, c.getWith(path, http.Header{"X-Cf-Signature": {sign(mock.DefaultClientID, now)}}).status)
	c.getWith(path, http.Header{"X-Cf-Signature": {sign("someone", now)}}).errorIs(t, 401, "authentication_error", "signature_invalid", "")
	c.getWith(path, http.Header{"X-Cf-Signature": {sign(mock.DefaultClientID, now.Add(-time.Hour))}}).errorIs(t, 401, "authentication_error", "signature_invalid", "")
	c.getWith(path, http.Header{"X-Cf-Signature": {"bm90IGEgc2lnbmF0dXJl"}}).errorIs(t, 401, "authentication_error", "signature_invalid", "")
}

func TestServer_adminEndpoints(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithStrictIDs(true))
	c := connect(t, srv)
	c.get("/digilocker?verification_id=made-by-hand").errorIs(t, 404, "not_found_error", "verification_id_value_invalid", "")

	p := plain(t, srv)
	created := p.do(http.MethodPost, "/_mock/create?resource=digilocker&id=made-by-hand&scenario=instant", nil, "")
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	ref := created.json(t)["reference_id"].(float64)
	got := c.get("/digilocker?verification_id=made-by-hand").json(t)
	assert.Equal(t, "AUTHENTICATED", got["status"])
	assert.Equal(t, ref, got["reference_id"])
	assert.Equal(t, http.StatusBadRequest, p.do(http.MethodPost, "/_mock/create?resource=digilocker&id=made-by-hand", nil, "").status, "exists")
	assert.Equal(t, http.StatusBadRequest, p.do(http.MethodPost, "/_mock/create?resource=nope&id=x", nil, "").status)
	assert.Equal(t, http.StatusBadRequest, p.do(http.MethodPost, "/_mock/create?resource=fi&id=x&scenario=nope", nil, "").status)

	stats := p.get("/_mock/stats").json(t)
	assert.GreaterOrEqual(t, stats["requests"].(float64), 2.0)

	require.Equal(t, http.StatusOK, p.do(http.MethodPost, "/_mock/reset", nil, "").status)
	c.get("/digilocker?verification_id=made-by-hand").errorIs(t, 404, "not_found_error", "verification_id_value_invalid", "")
	assert.Equal(t, http.StatusNotFound, p.get("/_mock/nothing").status)
}

func TestServer_createInGo(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithStrictIDs(true), mock.WithPolls(1))
	c := connect(t, srv)
	ref, err := srv.Create(mock.RecordConsent, "consent-1", "revoked")
	require.NoError(t, err)
	assert.Equal(t, []string{"PENDING", "PROCESSING", "REVOKED", "REVOKED"},
		c.statuses("/aa/consent?consent_ref_id="+strconv.FormatInt(ref, 10), 4))
	_, err = srv.Create(mock.RecordConsent, "consent-1", "")
	require.Error(t, err)
	_, err = srv.Create(mock.RecordFI, "bad id", "")
	require.Error(t, err)
}

func TestNew_badOptions(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]mock.Option{
		"polls":          mock.WithPolls(-1),
		"scenario name":  mock.WithScenario("with_underscore", mock.Scenario{}),
		"scenario error": mock.WithScenario("x", mock.Scenario{Error: "nope"}),
		"eaadhaar":       mock.WithScenario("x", mock.Scenario{EAadhaar: "maybe"}),
		"id table":       mock.WithScenarioIDs(map[string]string{"a": "nosuch"}),
		"fault":          mock.WithFaults(mock.Fault{Kind: "explode"}),
		"fixture":        mock.WithFixtureFile("testdata/does-not-exist.json"),
		"address":        mock.WithAddr("127.0.0.1:bad"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := mock.New(opt)
			require.Error(t, err)
		})
	}
}
