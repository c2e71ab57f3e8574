package client_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/verification"
)

func TestUserDetails_typedRecords(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, respond(200, example(t, "UserDetailsSuccess")))
	c := newClient(t, srv)
	ud, err := c.UserDetails(t.Context(), testToken)
	require.NoError(t, err)

	ref, ok := ud.ReferenceID.Int64()
	require.True(t, ok)
	assert.Equal(t, int64(123456), ref)
	assert.Len(t, ud.Shared(), 11)
	assert.True(t, ud.Has(verification.ScopeAADHAAR))

	aadhaar := ud.Aadhaar
	require.Len(t, aadhaar, 1)
	assert.InDelta(t, 0.85, *aadhaar[0].ConfidenceScore, 1e-9)
	md := aadhaar[0].Metadata
	assert.Equal(t, "xxxxxxxx9012", *md.Aadhaar)
	assert.Equal(t, "Haveri", *md.SplitAddress.Dist)
	dob, err := verification.ParseDate(*md.DOB)
	require.NoError(t, err)
	assert.Equal(t, "1995-02-02", dob.Format("2006-01-02"), "Aadhaar DOB is DD-MM-YYYY")

	pan := ud.PAN
	assert.Equal(t, testPAN, *pan[0].Metadata.PAN)

	bank := ud.BankAccount
	assert.Equal(t, "YES BANK", *bank[0].Metadata.BankName)

	dobs := ud.DOB
	d, err := verification.ParseDate(*dobs[0].Metadata.DOB)
	require.NoError(t, err)
	assert.Equal(t, 1990, d.Year(), "DOB scope is YYYY-MM-DD")

	mobile := ud.Mobile
	assert.Nil(t, mobile[0].ConfidenceScore, "null confidence score")
	assert.Equal(t, "9988123456", *mobile[0].Metadata.Mobile)

	income := ud.Income
	assert.Equal(t, verification.IncomeRange("BELOW_ONE_LAKH"), *income[0].Metadata.Income)

	for name, n := range map[string]int{
		"Email": len(ud.Email), "Gender": len(ud.Gender), "Name": len(ud.Name),
		"Occupation": len(ud.Occupation), "Address": len(ud.Address),
	} {
		assert.Equal(t, 1, n, name)
	}
	assert.Empty(t, ud.Other)
}

func TestUserDetails_shapes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body      string
		wantErr   bool
		wantPAN   int
		wantScope []verification.Scope
	}{
		"scope absent":                          {`{"scopes":[{"scope":"NAME","records":[{"metadata":{"name":"A"}}]}]}`, false, 0, []verification.Scope{"NAME"}},
		"null scopes":                           {`{"scopes":null}`, false, 0, nil},
		"null records":                          {`{"scopes":[{"scope":"PAN","records":null}]}`, false, 0, []verification.Scope{"PAN"}},
		"scope twice":                           {`{"scopes":[{"scope":"PAN","records":[{}]},{"scope":"PAN","records":[{},{}]}]}`, false, 3, []verification.Scope{"PAN"}},
		"records before scope":                  {`{"scopes":[{"records":[{},{}],"scope":"PAN"}]}`, false, 2, []verification.Scope{"PAN"}},
		"records absent":                        {`{"scopes":[{"scope":"PAN"}]}`, false, 0, []verification.Scope{"PAN"}},
		"scope missing":                         {`{"scopes":[{"records":[]}]}`, true, 0, nil},
		"scope not a string":                    {`{"scopes":[{"scope":7,"records":[]}]}`, true, 0, nil},
		"scope given twice":                     {`{"scopes":[{"scope":"PAN","scope":"DOB","records":[]}]}`, true, 0, nil},
		"known scope, bad record records-first": {`{"scopes":[{"records":[{"confidence_score":"high"}],"scope":"PAN"}]}`, true, 0, nil},
		"unknown scope kept":                    {`{"scopes":[{"scope":"VOTER_ID","records":[{"metadata":{"x":1}}]}]}`, false, 0, []verification.Scope{"VOTER_ID"}},
		"malformed known scope":                 {`{"scopes":[{"scope":"PAN","records":[{"confidence_score":"high"}]}]}`, true, 0, nil},
		"scope entry not object":                {`{"scopes":["PAN"]}`, true, 0, nil},
		"reference id as string":                {`{"reference_id":"abc-1","scopes":[]}`, false, 0, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, respond(200, tc.body))
			c := newClient(t, srv)
			ud, err := c.UserDetails(t.Context(), testToken)
			if tc.wantErr {
				assert.Nil(t, ud)
				var decErr *client.DecodeError
				require.ErrorAs(t, err, &decErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantScope, ud.Shared())
			assert.Len(t, ud.PAN, tc.wantPAN)
		})
	}
}

func TestUserDetails_nilReceiver(t *testing.T) {
	t.Parallel()
	var ud *verification.UserDetails
	assert.Nil(t, ud.Shared())
	assert.False(t, ud.Has(verification.ScopePAN))
}

// The answer encodes back to the wire form: decoding that again gives the
// same value, every scope (an unknown one too) with its records.
func TestUserDetails_encodesToTheWireForm(t *testing.T) {
	t.Parallel()
	body := `{"reference_id":7,"verification_id":"v-1","scopes":[` +
		`{"scope":"VOTER_ID","records":[{"metadata":{"x":1}}]},` +
		`{"scope":"PAN","records":[{"metadata":{"pan":"ABCDE1234F"}}]},` +
		`{"scope":"DOB","records":[]}]}`
	srv, _ := serve(t, respond(200, body))
	c := newClient(t, srv)
	ud, err := c.UserDetails(t.Context(), testToken)
	require.NoError(t, err)
	require.Len(t, ud.Other, 1)
	assert.JSONEq(t, `[{"metadata":{"x":1}}]`, string(ud.Other[0].Records))
	assert.Equal(t, []verification.Scope{"PAN", "DOB", "VOTER_ID"}, ud.Shared())

	wire, err := json.Marshal(ud)
	require.NoError(t, err)
	assert.JSONEq(t, `{"reference_id":7,"verification_id":"v-1","scopes":[`+
		`{"scope":"PAN","records":[{"metadata":{"pan":"ABCDE1234F"}}]},`+
		`{"scope":"DOB","records":[]},`+
		`{"scope":"VOTER_ID","records":[{"metadata":{"x":1}}]}]}`, string(wire))
	var again verification.UserDetails
	require.NoError(t, json.Unmarshal(wire, &again))
	assert.Equal(t, *ud, again)
}
