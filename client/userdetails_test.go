package client_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

func TestUserDetails_typedAccessors(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, respond(200, example(t, "UserDetailsSuccess")))
	c := newClient(t, srv)
	ud, err := c.UserDetails(t.Context(), testToken)
	require.NoError(t, err)

	ref, ok := ud.ReferenceID.Int64()
	require.True(t, ok)
	assert.Equal(t, int64(123456), ref)
	assert.Len(t, ud.Shared(), 11)
	assert.True(t, ud.Has(client.ScopeAadhaar))

	aadhaar, err := ud.Aadhaar()
	require.NoError(t, err)
	require.Len(t, aadhaar, 1)
	assert.InDelta(t, 0.85, *aadhaar[0].ConfidenceScore, 1e-9)
	md := aadhaar[0].Metadata
	assert.Equal(t, "xxxxxxxx9012", *md.Aadhaar)
	assert.Equal(t, "Haveri", *md.SplitAddress.Dist)
	dob, err := client.ParseDate(*md.DOB)
	require.NoError(t, err)
	assert.Equal(t, "1995-02-02", dob.Format("2006-01-02"), "Aadhaar DOB is DD-MM-YYYY")

	pan, err := ud.PAN()
	require.NoError(t, err)
	assert.Equal(t, testPAN, *pan[0].Metadata.PAN)

	bank, err := ud.BankAccount()
	require.NoError(t, err)
	assert.Equal(t, "YES BANK", *bank[0].Metadata.BankName)

	dobs, err := ud.DOB()
	require.NoError(t, err)
	d, err := client.ParseDate(*dobs[0].Metadata.DOB)
	require.NoError(t, err)
	assert.Equal(t, 1990, d.Year(), "DOB scope is YYYY-MM-DD")

	mobile, err := ud.Mobile()
	require.NoError(t, err)
	assert.Nil(t, mobile[0].ConfidenceScore, "null confidence score")
	assert.Equal(t, "9988123456", *mobile[0].Metadata.Mobile)

	income, err := ud.Income()
	require.NoError(t, err)
	assert.Equal(t, client.IncomeRange("BELOW_ONE_LAKH"), *income[0].Metadata.Income)

	for name, get := range map[string]func() (int, error){
		"Email":      func() (int, error) { r, err := ud.Email(); return len(r), err },
		"Gender":     func() (int, error) { r, err := ud.Gender(); return len(r), err },
		"Name":       func() (int, error) { r, err := ud.Name(); return len(r), err },
		"Occupation": func() (int, error) { r, err := ud.Occupation(); return len(r), err },
		"Address":    func() (int, error) { r, err := ud.Address(); return len(r), err },
	} {
		n, err := get()
		require.NoError(t, err, name)
		assert.Equal(t, 1, n, name)
	}
}

func TestUserDetails_shapes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body      string
		wantErr   bool
		wantPAN   int
		wantScope []client.Scope
	}{
		"scope absent":           {`{"scopes":[{"scope":"NAME","records":[{"metadata":{"name":"A"}}]}]}`, false, 0, []client.Scope{"NAME"}},
		"null scopes":            {`{"scopes":null}`, false, 0, nil},
		"null records":           {`{"scopes":[{"scope":"PAN","records":null}]}`, false, 0, []client.Scope{"PAN"}},
		"scope twice":            {`{"scopes":[{"scope":"PAN","records":[{}]},{"scope":"PAN","records":[{},{}]}]}`, false, 3, []client.Scope{"PAN", "PAN"}},
		"unknown scope kept":     {`{"scopes":[{"scope":"VOTER_ID","records":[{"metadata":{"x":1}}]}]}`, false, 0, []client.Scope{"VOTER_ID"}},
		"malformed known scope":  {`{"scopes":[{"scope":"PAN","records":[{"confidence_score":"high"}]}]}`, true, 0, nil},
		"scope entry not object": {`{"scopes":["PAN"]}`, true, 0, nil},
		"reference id as string": {`{"reference_id":"abc-1","scopes":[]}`, false, 0, nil},
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
			pan, err := ud.PAN()
			require.NoError(t, err)
			assert.Len(t, pan, tc.wantPAN)
		})
	}
}

func TestUserDetails_nilReceiver(t *testing.T) {
	t.Parallel()
	var ud *client.UserDetails
	recs, err := ud.Aadhaar()
	assert.NoError(t, err)
	assert.Nil(t, recs)
	assert.False(t, ud.Has(client.ScopePAN))
}

func TestResultWrappers_marshalLikeTheGeneratedTypes(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if strings.HasSuffix(r.URL.Path, "/aa/fi") {
			writeJSON(w, 200, example(t, "FIExample"))
			return
		}
		writeJSON(w, 200, example(t, "UserDetailsSuccess"))
	})
	c := newClient(t, srv)
	ud, err := c.UserDetails(t.Context(), testToken)
	require.NoError(t, err)
	fi, err := c.FinancialInformation(t.Context(), client.ByReferenceID(1))
	require.NoError(t, err)
	for _, pair := range [][2]any{{ud, ud.UserDetails}, {fi, fi.FinancialInformation}} {
		wrapped, err := json.Marshal(pair[0])
		require.NoError(t, err)
		plain, err := json.Marshal(pair[1])
		require.NoError(t, err)
		assert.JSONEq(t, string(plain), string(wrapped))
	}
}

// The accessors read the records decoded when the answer arrived; replacing
// Scopes with a list of another length makes them decode afresh.
func TestUserDetails_accessorsUseTheCheckedRecords(t *testing.T) {
	// Not parallel: AllocsPerRun needs the test to itself.
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, example(t, "UserDetailsSuccess"))
	})
	c := newClient(t, srv)
	details, err := c.UserDetails(t.Context(), testToken)
	require.NoError(t, err)
	first, err := details.Aadhaar()
	require.NoError(t, err)
	require.Len(t, first, 1)
	allocs := testing.AllocsPerRun(10, func() { _, _ = details.Aadhaar() })
	assert.LessOrEqual(t, allocs, 2.0, "no second decoding of the records")

	details.Scopes = details.Scopes[:len(details.Scopes)-1]
	again, err := details.Aadhaar()
	require.NoError(t, err)
	assert.Equal(t, first, again)
}
