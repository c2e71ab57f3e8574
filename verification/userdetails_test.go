package verification_test

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/verification"
)

const userDetailsBody = `{"reference_id":"abc-1","scopes":[
	{"scope":"NAME","records":[{"metadata":{"name":"A"}}]},
	{"records":[{"metadata":{"pan":"ABCDE1234F"}}],"scope":"PAN","extra":true},
	{"scope":"NAME","records":[{"metadata":{"name":"B"}}]},
	{"scope":"GENDER","records":null},
	{"scope":"VOTER_ID","records":[1,2]}]}`

// encoding/json and json v2 decode the same value: the type's own
// decoder runs under both.
func TestUserDetails_sameUnderBothDecoders(t *testing.T) {
	t.Parallel()
	var v1, v2 verification.UserDetails
	require.NoError(t, json.Unmarshal([]byte(userDetailsBody), &v1))
	require.NoError(t, jsonv2.Unmarshal([]byte(userDetailsBody), &v2))
	assert.Equal(t, v1, v2)

	assert.Equal(t, "abc-1", v1.ReferenceID.String())
	require.Len(t, v1.Name, 2, "two NAME entries are joined in order")
	assert.Equal(t, "A", *v1.Name[0].Metadata.Name)
	assert.Equal(t, "B", *v1.Name[1].Metadata.Name)
	require.Len(t, v1.PAN, 1, "records before scope")
	assert.NotNil(t, v1.Gender, "a shared scope with null records is empty, not nil")
	assert.Empty(t, v1.Gender)
	assert.Nil(t, v1.Aadhaar, "not shared")
	require.Len(t, v1.Other, 1)
	assert.Equal(t, verification.Scope("VOTER_ID"), v1.Other[0].Scope)
	assert.JSONEq(t, `[1,2]`, string(v1.Other[0].Records))
	assert.Equal(t, []verification.Scope{"PAN", "GENDER", "NAME", "VOTER_ID"}, v1.Shared())
}

// A value and a pointer encode alike, and the encoding decodes back to the
// same value.
func TestUserDetails_encodeDecode(t *testing.T) {
	t.Parallel()
	var u verification.UserDetails
	require.NoError(t, json.Unmarshal([]byte(userDetailsBody), &u))
	byValue, err := json.Marshal(u)
	require.NoError(t, err)
	byPointer, err := json.Marshal(&u)
	require.NoError(t, err)
	assert.Equal(t, string(byValue), string(byPointer))
	var again verification.UserDetails
	require.NoError(t, json.Unmarshal(byValue, &again))
	assert.Equal(t, u, again)

	empty, err := json.Marshal(verification.UserDetails{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"scopes":[]}`, string(empty))
}

// What the type rejects names where it is.
func TestUserDetails_rejects(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"scopes":[{"records":[]}]}`:                                       "scopes[0]: no scope",
		`{"scopes":[{"scope":1}]}`:                                          "scopes[0]: scope: not a string",
		`{"scopes":[{},{"scope":"PAN","records":{}}]}`:                      "scopes[0]: no scope",
		`{"scopes":[{"scope":"PAN","records":[{"confidence_score":"x"}]}]}`: "scopes[0]: PAN records",
		`{"scopes":{}}`: "scopes: want [",
		`{"scopes":[{"scope":"PAN","scope":"DOB"}]}`: "duplicate",
	} {
		var u verification.UserDetails
		err := json.Unmarshal([]byte(body), &u)
		if assert.Error(t, err, body) {
			assert.Contains(t, err.Error(), want, body)
		}
	}
}

func TestTerminalStatuses(t *testing.T) {
	t.Parallel()
	assert.True(t, verification.IsTerminalDigiLocker(verification.DigiLockerExpired))
	assert.False(t, verification.IsTerminalDigiLocker(verification.DigiLockerPending))
	assert.False(t, verification.IsTerminalDigiLocker("SOMETHING_NEW"))
	assert.True(t, verification.IsTerminalConsent(verification.ConsentRejected))
	assert.False(t, verification.IsTerminalConsent(verification.ConsentProcessing))
	assert.True(t, verification.IsTerminalFI(verification.FIFailed))
	assert.False(t, verification.IsTerminalFI(verification.FIActive))
	assert.True(t, verification.IsFinalAccount(verification.AccountTimeout))
	assert.False(t, verification.IsFinalAccount(verification.AccountReady))
}
