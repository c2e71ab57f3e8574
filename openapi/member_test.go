package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/specmember"
)

// memberValues are values tried in every independent member: valid for
// some schemas, invalid for others.
var memberValues = []string{
	`""`, `"x"`, `"2024-05-01"`, `"2024-05-01T10:00:00Z"`, `"` + strings.Repeat("a", 300) + `"`,
	`0`, `1`, `-1`, `1.5`, `123456789`, `1e30`, `12345678901234567890`,
	`true`, `false`, `null`, `{}`, `{"a":1}`, `[]`, `[1]`,
}

// violationTexts is a check's violations as sorted strings.
func violationTexts(err error) []string {
	if err == nil {
		return nil
	}
	verr, ok := err.(*ValidationError)
	if !ok {
		return []string{err.Error()}
	}
	out := make([]string, len(verr.Violations))
	for i, v := range verr.Violations {
		out[i] = v.Location + " " + v.Path + ": " + v.Message
	}
	slices.Sort(out)
	return out
}

// withMember re-encodes an object body with member name set to value.
func withMember(t *testing.T, body map[string]json.RawMessage, name, value string) []byte {
	t.Helper()
	out := make(map[string]json.RawMessage, len(body))
	for k, v := range body {
		out[k] = v
	}
	out[name] = json.RawMessage(value)
	data, err := json.Marshal(out)
	require.NoError(t, err)
	return data
}

// Where validateResponseMember says a member is independent, the strict
// check of a body is exactly the strict check of the body with that member
// replaced by a valid stand-in, plus the member's own check: the same
// violations, on every fixture and negative with every member set to every
// value in memberValues. That is the promise a server relies on when it
// checks its answers' shape once and their varying members each time.
func TestValidateResponseMember_agreesWithTheWholeBody(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	ctx := t.Context()
	var independentSeen, compared int
	for _, b := range fixtureBodies(t) {
		var body map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(b.data))
		if dec.Decode(&body) != nil || body == nil {
			continue // not an object: nothing to split
		}
		for name := range body {
			values := append([]string{string(body[name])}, memberValues...)
			standIn := ""
			for _, value := range values {
				independent, err := v.validateResponseMember(ctx, b.op, b.status, jsonHeader, name, []byte(value))
				if !independent {
					break
				}
				if err == nil {
					standIn = value
					break
				}
			}
			if standIn == "" {
				continue // not independent, or no valid value to stand in
			}
			independentSeen++
			template := withMember(t, body, name, standIn)
			_, templateErr := v.ValidateResponseStrict(ctx, b.op, b.status, jsonHeader, template)
			for _, value := range values {
				whole := withMember(t, body, name, value)
				_, wholeErr := v.ValidateResponseStrict(ctx, b.op, b.status, jsonHeader, whole)
				independent, memberErr := v.validateResponseMember(ctx, b.op, b.status, jsonHeader, name, []byte(value))
				if !independent {
					assert.Contains(t, "{[", value[:1], "%s: %s: only an object or array value is refused", b.name, name)
					continue
				}
				split := append(violationTexts(templateErr), violationTexts(memberErr)...)
				slices.Sort(split)
				assert.Equal(t, violationTexts(wholeErr), split, "%s: %s = %s", b.name, name, value)
				compared++
			}
		}
	}
	// The fixtures' reference_id and verification_id members are
	// independent; if none were, this test would prove nothing.
	assert.Greater(t, independentSeen, 50, "independent members found")
	t.Logf("%d independent members, %d bodies compared", independentSeen, compared)
}

// The spec's unions, objects, arrays and enums are never split off, nor is
// a member of a body whose schema is not a plain object, nor an unknown
// operation, status or member.
func TestValidateResponseMember_refusesWhatDependsOnMore(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	cases := []struct {
		op     string
		status int
		name   string
		want   bool
	}{
		{"getDataAvailability", 200, "reference_id", true},      // oneOf integer | string
		{"getDataAvailability", 200, "verification_id", true},   // string
		{"getDataAvailability", 200, "available_scopes", false}, // an array
		{"getDataAvailability", 200, "user", false},             // an array
		{"getDataAvailability", 200, "not_in_the_spec", false},  // undeclared
		{"getDigiLockerStatus", 200, "status", false},           // a closed set: an enum
		{"getDataAvailability", 299, "reference_id", false},     // only the default response covers it
		{"getDataAvailability", 418, "message", false},          // the same: undocumented-status is drift
		{"noSuchOperation", 200, "reference_id", false},
	}
	for _, c := range cases {
		got, err := v.validateResponseMember(t.Context(), c.op, c.status, jsonHeader, c.name, []byte(`1`))
		assert.Equal(t, c.want, got, "%s %d %s", c.op, c.status, c.name)
		if !got {
			assert.NoError(t, err, "nothing is checked when it is not independent")
		}
	}
	got, _ := v.validateResponseMember(t.Context(), "getDataAvailability", 200, nil, "reference_id", []byte(`1`))
	assert.False(t, got, "no Content-Type: the body is not known to be JSON")
}

// A member's violations are reported at its path, without its value.
func TestValidateResponseMember_reportsAtTheMembersPath(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	independent, err := v.validateResponseMember(t.Context(), "getDataAvailability", 200, jsonHeader, "verification_id", []byte(`4242`))
	require.True(t, independent)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	require.Len(t, verr.Violations, 1)
	assert.Equal(t, "$.verification_id", verr.Violations[0].Path)
	assert.NotContains(t, verr.Error(), "4242")

	independent, err = v.validateResponseMember(t.Context(), "getDataAvailability", 200, jsonHeader, "verification_id", []byte(`"da-1"`))
	assert.True(t, independent)
	assert.NoError(t, err)
	independent, err = v.validateResponseMember(t.Context(), "getDataAvailability", 200, jsonHeader, "verification_id", []byte(`"da-1`))
	assert.False(t, independent, "not JSON: the whole body's check says so")
	assert.NoError(t, err)
}

// requestBodies are data availability request bodies around a member
// placeholder (%s): valid, and broken elsewhere in every way the schema
// and the duplicate check can see.
var requestBodies = []string{
	`{"verification_id":%s,"user":[{"identifier_type":"MOBILE","identifier_value":"9999912345"}]}`,
	` { "user" : [ { "identifier_value" : "9999912345" , "identifier_type" : "MOBILE" } ] , "verification_id" : %s } `,
	`{"verification_id":%s}`,
	`{"verification_id":%s,"user":[]}`,
	`{"verification_id":%s,"user":[{"identifier_type":"PAN","identifier_value":"9999912345"}]}`,
	`{"verification_id":%s,"user":[{"identifier_type":"MOBILE","identifier_value":"12"}]}`,
	`{"verification_id":%s,"user":[{"identifier_type":"MOBILE","identifier_value":"9999912345","identifier_value":"9999912346"}]}`,
	`{"verification_id":%s,"user":"MOBILE","extra":{"verification_id":1}}`,
}

// Where validateRequestMember says a member is independent, ValidateRequest
// of a body is exactly ValidateRequest of specmember.Split's template plus the
// member's own check: the same violations, for every body in requestBodies
// with every value in memberValues, with and without credentials.
func TestValidateRequestMember_agreesWithTheWholeBody(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	ctx := t.Context()
	good := map[string]string{"x-client-id": "id", "x-client-secret": "secret", "x-api-version": "2024-12-01", "Content-Type": "application/json"}
	noSecret := map[string]string{"x-client-id": "id", "x-api-version": "2024-12-01", "Content-Type": "application/json"}
	const standIn = `"shape"`
	values := append([]string{`"da-1"`, `"da_ok.2-x"`, `"has space"`, `"` + strings.Repeat("a", 51) + `"`}, memberValues...)
	var split int
	for _, header := range []map[string]string{good, noSecret} {
		req := newRequest(t, http.MethodPost, "/verification/user/data-availability", header)
		independent, err := v.validateRequestMember(ctx, req, "verification_id", []byte(standIn))
		require.True(t, independent)
		require.NoError(t, err, "the stand-in is valid")
		for _, form := range requestBodies {
			for _, value := range values {
				body := []byte(fmt.Sprintf(form, value))
				wholeErr := v.ValidateRequest(ctx, req, body)
				template, member, ok := specmember.Split(body, "verification_id", []byte(standIn))
				if !ok {
					continue
				}
				assert.Equal(t, value, string(member))
				independent, memberErr := v.validateRequestMember(ctx, req, "verification_id", member)
				if !independent {
					assert.Contains(t, "{[", value[:1], "only an object or array value is refused")
					continue
				}
				templateErr := v.ValidateRequest(ctx, req, template)
				got := append(violationTexts(templateErr), violationTexts(memberErr)...)
				slices.Sort(got)
				assert.Equal(t, violationTexts(wholeErr), got, "%s", body)
				split++
			}
		}
	}
	assert.Greater(t, split, 200)
	t.Logf("%d request bodies compared", split)
}

func TestValidateRequestMember_refusesWhatDependsOnMore(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	header := map[string]string{"Content-Type": "application/json"}
	da := newRequest(t, http.MethodPost, "/verification/user/data-availability", header)
	for name, want := range map[string]bool{"verification_id": true, "user": false, "absent": false} {
		got, err := v.validateRequestMember(t.Context(), da, name, []byte(`"x"`))
		assert.Equal(t, want, got, name)
		if !got {
			assert.NoError(t, err)
		}
	}
	got, _ := v.validateRequestMember(t.Context(), da, "verification_id", []byte(`{"a":1}`))
	assert.False(t, got, "an object is never split off")
	got, _ = v.validateRequestMember(t.Context(), newRequest(t, http.MethodPost, "/verification/user/data-availability", nil), "verification_id", []byte(`"x"`))
	assert.False(t, got, "no Content-Type: not known to be JSON")
	got, _ = v.validateRequestMember(t.Context(), newRequest(t, http.MethodPost, "/verification/nowhere", header), "verification_id", []byte(`"x"`))
	assert.False(t, got, "no operation")
}
