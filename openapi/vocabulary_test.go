package openapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The vocabulary policy: an unlisted value of a closed set and an
// undocumented status with the vendor's error body are drift by default and
// violations in strict mode; everything else keeps failing.
func TestVocabulary_undocumentedStatusIsDriftUnlessStrict(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	body := []byte(`{"type": "api_error", "code": "bad_gateway", "message": "upstream failed"}`)

	assert.NoError(t, v.ValidateResponse(t.Context(), "getUserDetails", 502, jsonHeader, body))
	drift, err := v.ValidateResponseAndDrift(t.Context(), "getUserDetails", 502, jsonHeader, body)
	require.NoError(t, err)
	require.Len(t, drift, 1)
	assert.Equal(t, DriftUndocumentedStatus, drift[0].Kind)
	assert.Empty(t, drift[0].Path)
	assert.Equal(t, 502, drift[0].Status)

	// A documented status is not drift.
	drift, err = v.ValidateResponseAndDrift(t.Context(), "getUserDetails", 400, jsonHeader, body)
	require.NoError(t, err)
	assert.Empty(t, drift)

	// The body must still be the vendor's error: then it is a violation, not drift.
	drift, err = v.ValidateResponseAndDrift(t.Context(), "getUserDetails", 502, jsonHeader, []byte(`{"type": 401}`))
	assert.Equal(t, []string{"body $.type"}, where(t, err))
	assert.Empty(t, drift)

	// Strict mode: the transport fails the call.
	_, base := newFakeAPI(t, map[string]cannedResponse{"/verification/oauth2/user-details": {502, nil, string(body)}})
	strict := mustValidatingTransport(t, nil, WithMode(ModeFail), WithStrictDrift(), WithLogger(quietLogger()))
	_, _, err = getWith(t, &http.Client{Transport: strict}, base+"/oauth2/user-details", map[string]string{"Authorization": "Bearer t", "x-api-version": "2024-12-01"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"drift "}, where(t, ve))

	lenient := mustValidatingTransport(t, nil, WithMode(ModeFail), WithLogger(quietLogger()))
	resp, got, err := getWith(t, &http.Client{Transport: lenient}, base+"/oauth2/user-details", map[string]string{"Authorization": "Bearer t", "x-api-version": "2024-12-01"})
	require.NoError(t, err)
	assert.Equal(t, 502, resp.StatusCode)
	assert.Equal(t, string(body), string(got))
	assert.Len(t, lenient.DriftFindings(), 1)
}

func TestVocabulary_closedSetValuesAreDriftOpenSetValuesAreNothing(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	tests := []struct {
		name, op  string
		body      string
		violation []string
		drift     []string
	}{
		{
			name: "an unlisted status", op: "getConsentStatus",
			body:  `{"status": "APPROVED"}`,
			drift: []string{"unknown-enum-value $.status=APPROVED"},
		},
		{
			name: "an unlisted scope", op: "getUserDetails",
			body:  `{"scopes": [{"scope": "VOTER_ID", "records": [{"metadata": {"epic": "x"}}]}]}`,
			drift: []string{"unknown-enum-value $.scopes[0].scope=VOTER_ID"},
		},
		{
			name: "a number where the status string belongs stays a violation", op: "getConsentStatus",
			body:      `{"status": 3}`,
			violation: []string{"body $.status"},
			drift:     []string{"unknown-enum-value $.status=3"},
		},
		{
			name: "open sets take any string", op: "getFinancialInformation",
			body: `{"status": "SUCCESS", "fi_data": [{"accounts": [{"status": "DELIVERED", "data": {"account": {"type": "TERM_DEPOSIT",
				"profile": {"holders": {"type": "JOINT", "holder": {"nominee": "NOT-REGISTERED", "dob": "15/08/1960"}}},
				"summary": {"status": "INACTIVE", "type": "CURRENT", "opening_date": "", "pending": {"transaction_type": "CREDIT"}},
				"transactions": {"start_date": "n/a", "transaction": [{"type": "CREDIT", "value_date": "2022-04-01"}]}}}}]}]}`,
			drift: []string{},
		},
		{
			name: "open sets still want a string", op: "getFinancialInformation",
			body:      `{"fi_data": [{"accounts": [{"data": {"account": {"type": 1}}}]}]}`,
			violation: []string{"body $.fi_data[0].accounts[0].data.account.type"},
			// As for any type error, drift sees a value no list names; validation reports the type.
			drift: []string{"unknown-enum-value $.fi_data[0].accounts[0].data.account.type=1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			drift, err := v.ValidateResponseAndDrift(t.Context(), tt.op, 200, jsonHeader, []byte(tt.body))
			if tt.violation == nil {
				assert.NoError(t, err)
			} else {
				assert.Equal(t, tt.violation, where(t, err))
			}
			assert.Equal(t, tt.drift, findings(drift))
			assert.Equal(t, err == nil, v.ValidateResponse(t.Context(), tt.op, 200, jsonHeader, []byte(tt.body)) == nil,
				"ValidateResponse agrees with ValidateResponseAndDrift")
		})
	}
}

func TestVocabulary_isStringAt(t *testing.T) {
	t.Parallel()
	body := map[string]any{"a": []any{map[string]any{"b c": "x", "it's": "y", "n": 1.0}}, "s": "top"}
	for path, want := range map[string]bool{
		"$.s":             true,
		"$.a[0]['b c']":   true,
		`$.a[0]['it\'s']`: true,
		"$.a[0].n":        false,
		"$.a[1]":          false,
		"$.a":             false,
		"$":               false,
		"$.missing":       false,
		"s":               false,
		"$.a[x]":          false,
	} {
		assert.Equal(t, want, isStringAt(body, path), path)
	}
}

// TestVocabulary_everyListNamesItsSource: each named list of values in the
// spec says where its values come from (x-values-source), and each open
// field follows the one pattern the policy describes: type string, the named
// list or any other string, and x-go-type naming the list for Go.
func TestVocabulary_everyListNamesItsSource(t *testing.T) {
	t.Parallel()
	doc := mustDefault(t).Doc()
	lists := 0
	for name, ref := range doc.Components.Schemas {
		s := ref.Value
		if len(s.Enum) > 0 {
			lists++
			src, _ := s.Extensions["x-values-source"].(string)
			assert.NotEmpty(t, src, "%s: an enum without x-values-source", name)
		}
	}
	assert.GreaterOrEqual(t, lists, 17)

	open := 0
	var visit func(path string, s *openapi3.Schema, seen map[*openapi3.Schema]bool)
	visit = func(path string, s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if len(s.AnyOf) == 2 && s.AnyOf[0].Ref != "" && s.AnyOf[0].Value != nil && len(s.AnyOf[0].Value.Enum) > 0 {
			open++
			known := s.AnyOf[0].Value
			other := s.AnyOf[1].Value
			assert.True(t, s.Type.Is("string"), "%s: an open set is type string", path)
			assert.Equal(t, strings.TrimPrefix(s.AnyOf[0].Ref, "#/components/schemas/"), s.Extensions["x-go-type"], "%s: x-go-type names the list", path)
			require.NotNil(t, other, path)
			assert.True(t, other.Type.Is("string"), "%s: the second branch is any string", path)
			require.NotNil(t, other.Not, "%s: the second branch excludes the known values, so exactly one branch matches", path)
			assert.Same(t, known, other.Not.Value, "%s: it excludes the same list", path)
		}
		for name, p := range s.Properties {
			visit(path+"."+name, p.Value, seen)
		}
		if s.Items != nil {
			visit(path+"[]", s.Items.Value, seen)
		}
		for _, group := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf} {
			for _, b := range group {
				visit(path, b.Value, seen)
			}
		}
	}
	seen := map[*openapi3.Schema]bool{}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		visit(name, doc.Components.Schemas[name].Value, seen)
	}
	assert.Equal(t, 16, open, "the open fields")
}

// TestEnumsNameEveryValue: every enum that becomes a Go type names each of
// its values for Go (x-enum-varnames), one name per value. The generator adds
// no prefix of its own (openapi/oapi-codegen.yaml), so an enum without the
// list would get bare constants such as MOBILE.
func TestEnumsNameEveryValue(t *testing.T) {
	t.Parallel()
	doc := mustDefault(t).Doc()
	enums := 0
	var visit func(path string, s *openapi3.Schema, seen map[*openapi3.Schema]bool)
	visit = func(path string, s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		// An inline enum with x-go-type reuses a named type's constants.
		if _, reuses := s.Extensions["x-go-type"]; len(s.Enum) > 0 && !reuses {
			enums++
			names, _ := s.Extensions["x-enum-varnames"].([]any)
			assert.Len(t, names, len(s.Enum), "%s: x-enum-varnames names each value", path)
		}
		for name, p := range s.Properties {
			visit(path+"."+name, p.Value, seen)
		}
		if s.Items != nil {
			visit(path+"[]", s.Items.Value, seen)
		}
		for _, group := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
			for _, b := range group {
				visit(path, b.Value, seen)
			}
		}
	}
	seen := map[*openapi3.Schema]bool{}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		visit(name, doc.Components.Schemas[name].Value, seen)
	}
	assert.Equal(t, 19, enums, "the enums that become Go types")
}
