package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

func mustDefault(t *testing.T) *Validator {
	t.Helper()
	v, err := DefaultValidator()
	require.NoError(t, err)
	return v
}

// where lists a ValidationError's violations as "location path", sorted.
func where(t *testing.T, err error) []string {
	t.Helper()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	out := make([]string, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		out = append(out, v.Location+" "+v.Path)
	}
	slices.Sort(out)
	return out
}

func TestDefaultValidator_isBuiltOnce(t *testing.T) {
	t.Parallel()
	a, err := DefaultValidator()
	require.NoError(t, err)
	b, err := DefaultValidator()
	require.NoError(t, err)
	assert.Same(t, a, b)
	assert.Same(t, MustLoad(), a.Doc())
}

func TestNewValidator_rejectsUnusableDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml, want string
	}{
		{"no operationId", `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {description: ok}}
`, "has no operationId"},
		{"duplicate operationId", `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: same
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: same
      responses: {"200": {description: ok}}
`, `operationId "same" is used by`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := openapi3.NewLoader().LoadFromData([]byte(tt.yaml))
			require.NoError(t, err)
			_, err = NewValidator(doc)
			require.ErrorContains(t, err, tt.want)
		})
	}
	_, err := NewValidator(nil)
	require.Error(t, err)
}

func TestValidator_Operation_matchesPathSuffixes(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	tests := []struct {
		method, path, want string
	}{
		{"GET", "/digilocker", "getDigiLockerStatus"},
		{"GET", "/verification/digilocker", "getDigiLockerStatus"},
		{"get", "/verification/digilocker", "getDigiLockerStatus"},
		{"GET", "/anything/aa/fi", "getFinancialInformation"},
		{"GET", "/aa/fi", "getFinancialInformation"},
		{"GET", "/verification/aa/consent", "getConsentStatus"},
		{"GET", "/prefix/with/many/parts/oauth2/user-details", "getUserDetails"},
		{"POST", "/verification/user/data-availability", "getDataAvailability"},
		{"POST", "/user/data-availability", "getDataAvailability"},
		{"GET", "//verification//digilocker", "getDigiLockerStatus"},
		{"GET", "/verification/digilocker/", "getDigiLockerStatus"},
		{"GET", "digilocker", "getDigiLockerStatus"},
		{"GET", "/digilocker?verification_id=x", "getDigiLockerStatus"},
		{"GET", "/aa/fi#frag", "getFinancialInformation"},
		{"GET", "/aa//fi", "getFinancialInformation"},
		{"GET", "/aafi", ""},
		{"GET", "/notdigilocker", ""},
		{"GET", "/digilocker/extra", ""},
		{"POST", "/digilocker", ""},
		{"GET", "/user/data-availability", ""},
		{"GET", "/fi", ""},
		{"GET", "/", ""},
		{"GET", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			got, ok := v.Operation(tt.method, tt.path)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want != "", ok)
		})
	}
}

func TestValidator_Operation_prefersTheLongestMatch(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /fi:
    get: {operationId: short, responses: {"200": {description: ok}}}
  /aa/fi:
    get: {operationId: long, responses: {"200": {description: ok}}}
  /items/{id}:
    get: {operationId: item, responses: {"200": {description: ok}}}
  /items/special:
    get: {operationId: special, responses: {"200": {description: ok}}}
`))
	require.NoError(t, err)
	v, err := NewValidator(doc)
	require.NoError(t, err)
	for path, want := range map[string]string{
		"/x/aa/fi":          "long",
		"/x/bb/fi":          "short",
		"/v1/items/42":      "item",
		"/v1/items/special": "special",
	} {
		got, ok := v.Operation("GET", path)
		assert.True(t, ok, path)
		assert.Equal(t, want, got, path)
	}
}

// specExamples yields every response example the spec carries.
func specExamples(t *testing.T, doc *openapi3.T, fn func(op string, status int, name string, body []byte)) {
	t.Helper()
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			for code, resp := range op.Responses.Map() {
				if code == "default" {
					continue // no examples: it describes the statuses the vendor does not document
				}
				status, err := strconv.Atoi(code)
				require.NoError(t, err)
				for name, ex := range resp.Value.Content.Get("application/json").Examples {
					body, err := json.Marshal(ex.Value.Value)
					require.NoError(t, err)
					fn(op.OperationID, status, name, body)
				}
			}
		}
	}
}

func TestValidator_ValidateResponse_acceptsEverySpecExample(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	n := 0
	specExamples(t, v.Doc(), func(op string, status int, name string, body []byte) {
		n++
		assert.NoError(t, v.ValidateResponse(t.Context(), op, status, jsonHeader, body), "%s %d %s", op, status, name)
	})
	assert.GreaterOrEqual(t, n, 55, "the spec carries an example per vendor example at least")
}

func TestValidator_ValidateResponse_reportsEveryViolationWithItsPath(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	tests := []struct {
		name   string
		op     string
		status int
		header http.Header
		body   string
		want   []string // "location path", sorted
	}{
		{
			name: "types, enums and formats deep in the FI tree", op: "getFinancialInformation", status: 200,
			body: `{"fi_ref_id": 1.5, "fi_from": "2023-13-01T00:00:00Z", "status": "ACTIVE",
				"fi_data": [{"fip_id": 3, "accounts": {"a": 1}},
				            {"accounts": [{"status": "DELIVERED"}, {"status": 7, "data": {"account": {"summary": {"current_balance": 5, "balance_date_time": "2024-02-30T00:00:00Z"}}}}]}]}`,
			want: []string{
				"body $.fi_data[0].accounts",
				"body $.fi_data[0].fip_id",
				"body $.fi_data[1].accounts[1].data.account.summary.balance_date_time",
				"body $.fi_data[1].accounts[1].data.account.summary.current_balance",
				"body $.fi_data[1].accounts[1].status",
				"body $.fi_from",
				"body $.fi_ref_id",
			},
		},
		{
			name: "the discriminator picks the branch that is checked", op: "getUserDetails", status: 200,
			body: `{"scopes": [{"scope": "PAN", "records": [{"confidence_score": "high", "metadata": {"pan": 1}}]},
			                    {"scope": "VOTER_ID", "records": []}, {"records": []}]}`,
			want: []string{
				"body $.scopes[0].records[0].confidence_score",
				"body $.scopes[0].records[0].metadata.pan",
				"body $.scopes[2].scope", // VOTER_ID (scopes[1]) is an unknown value of a closed set: drift

			},
		},
		{
			name: "allOf and nullable", op: "getDigiLockerStatus", status: 200,
			body: `{"user_details": {"eaadhaar": "MAYBE", "name": ["x"]}, "document_consent": {"0": "AADHAAR"}, "reference_id": null}`,
			want: []string{
				"body $.document_consent",
				"body $.reference_id",
				"body $.user_details.name", // eaadhaar is an open set: MAYBE is accepted
			},
		},
		{
			name: "required properties are named", op: "getUserDetails", status: 200,
			body: `{"scopes": [{"records": []}]}`,
			want: []string{"body $.scopes[0].scope"},
		},
		{
			name: "an error body that is not an object", op: "getConsentStatus", status: 400,
			body: `["validation_error"]`,
			want: []string{"body $"},
		},
		{
			name: "undocumented status with a body that is not the vendor's error", op: "getDigiLockerStatus", status: 418, body: `["teapot"]`,
			want: []string{"body $"},
		},
		{
			name: "304 without a body is not the vendor's error either", op: "getDataAvailability", status: 304, body: ``,
			want: []string{"body $"},
		},
		{
			name: "missing content type", op: "getDigiLockerStatus", status: 200, header: http.Header{}, body: `{}`,
			want: []string{"content-type Content-Type"},
		},
		{
			name: "HTML from a gateway", op: "getFinancialInformation", status: 502,
			header: http.Header{"Content-Type": {"text/html"}}, body: `<html>bad gateway</html>`,
			want: []string{"content-type Content-Type"},
		},
		{
			name: "not JSON", op: "getConsentStatus", status: 500, body: `{"type": `,
			want: []string{"body $"},
		},
		{
			name: "empty body", op: "getConsentStatus", status: 500, body: ``,
			want: []string{"body $"},
		},
		{
			name: "trailing data", op: "getConsentStatus", status: 500, body: `{} {}`,
			want: []string{"body $"},
		},
		{
			name: "a member name twice: the schema sees the last, Go decodes both", op: "getFinancialInformation", status: 200,
			body: `{"fi_data": [{"accounts": [{"data": "", "data": {}}]}]}`,
			want: []string{"body $.fi_data[0].accounts[0].data"},
		},
		{
			name: "a response header", op: "getFinancialInformation", status: 429,
			header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"soon"}}, body: `{}`,
			want: []string{"header Retry-After"},
		},
		{
			name: "unknown operation", op: "getNothing", status: 200, body: `{}`,
			want: []string{"path "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			header := tt.header
			if header == nil {
				header = jsonHeader
			}
			err := v.ValidateResponse(t.Context(), tt.op, tt.status, header, []byte(tt.body))
			require.Error(t, err)
			assert.Equal(t, tt.want, where(t, err))
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.op, ve.Operation)
			assert.Equal(t, KindResponse, ve.Kind)
			assert.Equal(t, tt.status, ve.Status)
			for _, vi := range ve.Violations {
				assert.NotEmpty(t, vi.Message)
			}
		})
	}
}

func TestValidator_ValidateResponse_acceptsWhatTheWireSends(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	tests := []struct {
		name, op string
		status   int
		header   http.Header
		body     string
	}{
		{"string reference id", "getDigiLockerStatus", 200, nil, `{"reference_id": "12345"}`},
		{"integer reference id", "getDigiLockerStatus", 200, nil, `{"reference_id": 12345}`},
		{"nulls and empty objects", "getDigiLockerStatus", 200, nil, `{"user_details": {}, "document_consent": null, "document_requested": []}`},
		{"null user details", "getDigiLockerStatus", 200, nil, `{"user_details": null}`},
		{"offset timestamps", "getFinancialInformation", 200, nil, `{"fi_from": "2023-01-01T00:00:00+05:30", "fi_to": "2023-12-31T23:59:59.123Z"}`},
		{"+00:00", "getFinancialInformation", 200, nil, `{"fi_data": [{"accounts": [{"status": "DELIVERED", "data": {"account": {"summary": {"balance_date_time": "2020-06-22T07:50:00+00:00"}}}}]}]}`},
		{"pending account with null data", "getFinancialInformation", 200, nil, `{"fi_data": [{"accounts": [{"status": "PENDING", "data": null}]}]}`},
		{"unknown properties", "getConsentStatus", 200, nil, `{"status": "SUCCESS", "brand_new": {"x": 1}}`},
		{"charset in content type", "getConsentStatus", 200, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, `{}`},
		{"error body with nothing in it", "getDataAvailability", 409, nil, `{}`},
		{"retry-after", "getUserDetails", 429, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"3"}}, `{"type": "rate_limit_error"}`},
		{"null confidence score", "getUserDetails", 200, nil, `{"scopes": [{"scope": "OCCUPATION", "records": [{"confidence_score": null, "metadata": {"occupation": "Salaried"}}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			header := tt.header
			if header == nil {
				header = jsonHeader
			}
			assert.NoError(t, v.ValidateResponse(t.Context(), tt.op, tt.status, header, []byte(tt.body)))
		})
	}
}

func TestValidator_formatsAreCheckedAsGoDecodesThem(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	tests := []struct {
		field, value string
		ok           bool
	}{
		{"data_life_expiry", "2024-01-07", true},
		{"data_life_expiry", "2024-02-30", false}, // the regexp kin-openapi ships accepts it; time.Parse does not
		{"data_life_expiry", "07-01-2024", false},
		{"data_life_expiry", "2024-01-07T00:00:00Z", false},
		{"consent_start", "2024-01-01T00:00:00Z", true},
		{"consent_start", "2021-04-01T13:20:14+05:30", true},
		{"consent_start", "2020-06-22T07:50:00+00:00", true},
		{"consent_start", "2020-06-22T07:50:00.123456789-04:00", true},
		{"consent_start", "2020-06-22 07:50:00Z", false},
		{"consent_start", "2020-06-22T07:50:00", false},
		{"consent_start", "2020-06-22T24:50:00Z", false},
		{"consent_start", "2020-06-22T23:59:60Z", false}, // leap seconds: time.Time cannot hold them
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			body := fmt.Sprintf(`{%q: %q}`, tt.field, tt.value)
			err := v.ValidateResponse(t.Context(), "getConsentStatus", 200, jsonHeader, []byte(body))
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, []string{"body $." + tt.field}, where(t, err))
		})
	}
}

func TestValidationError_neverCarriesTheValue(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	secret := "ABCDE1234F-SECRET"
	body := fmt.Sprintf(`{"fi_from": %q, "fi_data": [{"accounts": [{"status": %q, "data": {"account": {"profile": {"holders": {"holder": {"pan": [%q]}}}}}}]}]}`, secret, secret, secret)
	err := v.ValidateResponse(t.Context(), "getFinancialInformation", 200, jsonHeader, []byte(body))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	// The account status is an unlisted value of a closed set: drift, not a violation.
	assert.Len(t, where(t, err), 2)
	assert.Contains(t, err.Error(), "openapi: getFinancialInformation response (status 200) breaks the spec (2 violations): ")
}

func TestValidationError_Error(t *testing.T) {
	t.Parallel()
	err := &ValidationError{Operation: "getDigiLockerStatus", Kind: KindRequest, Violations: []Violation{
		{Location: LocationSecurity, Path: "x-client-id", Message: "missing"},
		{Location: LocationStatus, Message: "status 418 is not documented"},
	}}
	assert.Equal(t, "openapi: getDigiLockerStatus request breaks the spec (2 violations): security x-client-id: missing; status: status 418 is not documented", err.Error())
	one := &ValidationError{Operation: "getConsentStatus", Kind: KindResponse, Status: 200, Violations: []Violation{{Location: LocationBody, Path: "$.status", Message: "bad"}}}
	assert.Equal(t, "openapi: getConsentStatus response (status 200) breaks the spec (1 violation): body $.status: bad", one.Error())
}

// failingBody fails the test if anything reads it.
type failingBody struct{ t *testing.T }

func (b failingBody) Read([]byte) (int, error) {
	b.t.Error("ValidateRequest read req.Body")
	return 0, io.EOF
}
func (failingBody) Close() error { return nil }

func newRequest(t *testing.T, method, url string, header map[string]string) *http.Request {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

func TestValidator_ValidateRequest(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	creds := map[string]string{"x-client-id": "id", "x-client-secret": "secret", "x-api-version": "2024-12-01"}
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range creds {
			h[k] = v
		}
		for k, v := range extra {
			if v == "" {
				delete(h, k)
			} else {
				h[k] = v
			}
		}
		return h
	}
	goodBody := `{"verification_id": "verif_2024-001", "user": [{"identifier_type": "MOBILE", "identifier_value": "9000000001"}]}`
	tests := []struct {
		name, method, url string
		header            map[string]string
		body              string
		want              []string // nil: valid
	}{
		{"digilocker by verification id", "GET", "http://127.0.0.1:9/verification/digilocker?verification_id=v-1", creds, "", nil},
		{"digilocker by reference id", "GET", "http://sandbox.example/digilocker?reference_id=12345", creds, "", nil},
		{"consent", "GET", "http://127.0.0.1:9/aa/consent?consent_ref_id=7", creds, "", nil},
		{"fi", "GET", "http://127.0.0.1:9/base/aa/fi?fi_verification_id=Fi_1", with(map[string]string{"x-cf-signature": "c2ln"}), "", nil},
		{"user details", "GET", "http://127.0.0.1:9/oauth2/user-details", map[string]string{"Authorization": "Bearer tok", "x-api-version": "2024-12-01"}, "", nil},
		{"bearer scheme in lower case", "GET", "http://127.0.0.1:9/oauth2/user-details", map[string]string{"Authorization": "bearer tok", "x-api-version": "2024-12-01"}, "", nil},
		{"data availability", "POST", "http://127.0.0.1:9/verification/user/data-availability", with(map[string]string{"Content-Type": "application/json"}), goodBody, nil},
		{
			"both credentials missing are both reported", "GET", "http://127.0.0.1:9/digilocker?verification_id=v",
			map[string]string{"x-api-version": "2024-12-01"}, "",
			[]string{"security x-client-id", "security x-client-secret"},
		},
		{
			"secret missing", "GET", "http://127.0.0.1:9/aa/fi?fi_ref_id=1",
			with(map[string]string{"x-client-secret": ""}), "",
			[]string{"security x-client-secret"},
		},
		{
			"blank credential", "GET", "http://127.0.0.1:9/aa/fi?fi_ref_id=1",
			with(map[string]string{"x-client-id": "  "}), "",
			[]string{"security x-client-id"},
		},
		{
			"no bearer token", "GET", "http://127.0.0.1:9/oauth2/user-details",
			map[string]string{"x-api-version": "2024-12-01", "Authorization": "Basic dXNlcjpwYXNz"}, "",
			[]string{"security Authorization"},
		},
		{
			"empty bearer token", "GET", "http://127.0.0.1:9/oauth2/user-details",
			map[string]string{"x-api-version": "2024-12-01", "Authorization": "Bearer "}, "",
			[]string{"security Authorization"},
		},
		{
			"client credentials do not stand in for a bearer token", "GET", "http://127.0.0.1:9/oauth2/user-details", creds, "",
			[]string{"security Authorization"},
		},
		{
			"api version missing and malformed query", "GET", "http://127.0.0.1:9/digilocker?reference_id=abc&verification_id=has%20space",
			with(map[string]string{"x-api-version": ""}), "",
			[]string{"header x-api-version", "query reference_id", "query verification_id"},
		},
		{
			"api version not a date", "GET", "http://127.0.0.1:9/aa/consent?consent_ref_id=0",
			with(map[string]string{"x-api-version": "v2"}), "",
			[]string{"header x-api-version", "query consent_ref_id"},
		},
		{
			"verification id too long", "GET", "http://127.0.0.1:9/aa/fi?fi_verification_id=" + strings.Repeat("a", 51), creds, "",
			[]string{"query fi_verification_id"},
		},
		{
			"body errors by path", "POST", "http://127.0.0.1:9/user/data-availability",
			with(map[string]string{"Content-Type": "application/json"}),
			`{"verification_id": "a b", "user": [{"identifier_type": "EMAIL", "identifier_value": "12"}, {}]}`,
			[]string{"body $.user[0].identifier_type", "body $.user[0].identifier_value", "body $.user[1].identifier_type", "body $.user[1].identifier_value", "body $.verification_id"},
		},
		{
			"empty user list", "POST", "http://127.0.0.1:9/user/data-availability",
			with(map[string]string{"Content-Type": "application/json"}), `{"verification_id": "a", "user": []}`,
			[]string{"body $.user"},
		},
		{
			"a member name twice", "POST", "http://127.0.0.1:9/user/data-availability",
			with(map[string]string{"Content-Type": "application/json"}),
			`{"verification_id": "v", "verification_id": "w", "user": [{"identifier_type": "MOBILE", "identifier_value": "9000000001"}]}`,
			[]string{"body $.verification_id"},
		},
		{
			"missing body", "POST", "http://127.0.0.1:9/user/data-availability",
			with(map[string]string{"Content-Type": "application/json"}), "",
			[]string{"body $"},
		},
		{
			"wrong content type", "POST", "http://127.0.0.1:9/user/data-availability",
			with(map[string]string{"Content-Type": "text/plain"}), goodBody,
			[]string{"content-type Content-Type"},
		},
		{
			"unknown path", "GET", "http://127.0.0.1:9/verification/pan", creds, "",
			[]string{"path /verification/pan"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := newRequest(t, tt.method, tt.url, tt.header)
			req.Body = failingBody{t}
			before := req.Header.Clone()
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			err := v.ValidateRequest(t.Context(), req, body)
			assert.Equal(t, before, req.Header, "ValidateRequest must not change the request")
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.want, where(t, err))
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, KindRequest, ve.Kind)
			assert.Zero(t, ve.Status)
		})
	}
}

func TestValidator_ValidateRequest_neverEchoesCredentials(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	req := newRequest(t, "GET", "http://127.0.0.1:9/oauth2/user-details", map[string]string{"Authorization": "Token s3cr3t-t0ken"})
	err := v.ValidateRequest(t.Context(), req, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
}

func TestValidator_isSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	good := []byte(`{"status": "PENDING", "user_details": {}, "reference_id": 1}`)
	bad := []byte(`{"status": 1, "user_details": [], "extra": true}`)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Go(func() {
			body, wantErr := good, false
			if i%2 == 1 {
				body, wantErr = bad, true
			}
			err := v.ValidateResponse(t.Context(), "getDigiLockerStatus", 200, jsonHeader, body)
			if (err != nil) != wantErr {
				errs <- fmt.Errorf("goroutine %d: %v", i, err)
			}
			if _, err := v.Drift("getDigiLockerStatus", 200, body); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestValidator_ValidateResponse_errorIsAValidationError(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	err := v.ValidateResponse(t.Context(), "getDigiLockerStatus", 200, jsonHeader, []byte(`{"verification_id": 7}`))
	var ve *ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, []Violation{{Location: LocationBody, Path: "$.verification_id", Message: "value must be a string"}}, ve.Violations)
}

func TestJSONPath(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"$":                      nil,
		"$.fi_data[0].accounts":  {"fi_data", "0", "accounts"},
		"$['x-y'].z":             {"x-y", "z"},
		"$['a b']['it\\'s']":     {"a b", "it's"},
		"$['9lives']":            {"9lives"},
		"$[12]['']":              {"12", ""},
		"$.document_consent[10]": {"document_consent", "10"},
	}
	for want, segs := range tests {
		assert.Equal(t, want, jsonPath(segs))
	}
}
