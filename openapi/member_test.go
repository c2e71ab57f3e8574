package openapi

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// Where ValidateResponseMember says a member is independent, the strict
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
				independent, err := v.ValidateResponseMember(ctx, b.op, b.status, jsonHeader, name, []byte(value))
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
				independent, memberErr := v.ValidateResponseMember(ctx, b.op, b.status, jsonHeader, name, []byte(value))
				require.True(t, independent, "%s: %s", b.name, name)
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
		got, err := v.ValidateResponseMember(t.Context(), c.op, c.status, jsonHeader, c.name, []byte(`1`))
		assert.Equal(t, c.want, got, "%s %d %s", c.op, c.status, c.name)
		if !got {
			assert.NoError(t, err, "nothing is checked when it is not independent")
		}
	}
	got, _ := v.ValidateResponseMember(t.Context(), "getDataAvailability", 200, nil, "reference_id", []byte(`1`))
	assert.False(t, got, "no Content-Type: the body is not known to be JSON")
}

// A member's violations are reported at its path, without its value.
func TestValidateResponseMember_reportsAtTheMembersPath(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	independent, err := v.ValidateResponseMember(t.Context(), "getDataAvailability", 200, jsonHeader, "verification_id", []byte(`4242`))
	require.True(t, independent)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	require.Len(t, verr.Violations, 1)
	assert.Equal(t, "$.verification_id", verr.Violations[0].Path)
	assert.NotContains(t, verr.Error(), "4242")

	independent, err = v.ValidateResponseMember(t.Context(), "getDataAvailability", 200, jsonHeader, "verification_id", []byte(`"da-1"`))
	assert.True(t, independent)
	assert.NoError(t, err)
	independent, err = v.ValidateResponseMember(t.Context(), "getDataAvailability", 200, jsonHeader, "verification_id", []byte(`"da-1`))
	assert.True(t, independent)
	assert.Error(t, err, "not JSON")
}
