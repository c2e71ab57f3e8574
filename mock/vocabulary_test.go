package mock_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/verification"
)

// The mock sends only values the spec lists, in the open sets too, where
// any string would pass every validator: a client generated from the spec
// that branches on the known values sees every branch, and never one the
// spec does not name (issue 22: CREDIT and CURRENT were unlisted, NEFT and
// IMPS still are; those go out as the ReBIT mode FT).
func TestGenerateFI_sendsOnlyListedValues(t *testing.T) {
	t.Parallel()
	fi := mock.GenerateFI(mock.FIOptions{Accounts: 4, Transactions: 2000, Seed: 7})
	seen := map[string]map[string]bool{}
	check := func(field string, value string, listed bool) {
		t.Helper()
		if seen[field] == nil {
			seen[field] = map[string]bool{}
		}
		seen[field][value] = true
		assert.True(t, listed, "%s %q is not in the spec's list", field, value)
	}
	for _, fip := range fi.FIData {
		for _, acc := range fip.Accounts {
			if acc.Data == nil || acc.Data.Account == nil {
				continue
			}
			a := acc.Data.Account
			if a.Type != nil {
				check("account.type", string(*a.Type), a.Type.Valid())
			}
			if h := a.Profile; h != nil && h.Holders != nil {
				if h.Holders.Type != nil {
					check("holders.type", string(*h.Holders.Type), h.Holders.Type.Valid())
				}
				if n := h.Holders.Holder; n != nil && n.Nominee != nil {
					check("holder.nominee", string(*n.Nominee), n.Nominee.Valid())
				}
			}
			if s := a.Summary; s != nil {
				require.NotNil(t, s.Status)
				require.NotNil(t, s.Type)
				require.NotNil(t, s.Facility)
				check("summary.status", string(*s.Status), s.Status.Valid())
				check("summary.type", string(*s.Type), s.Type.Valid())
				check("summary.facility", string(*s.Facility), s.Facility.Valid())
				if s.Pending != nil && s.Pending.TransactionType != nil {
					check("pending.transaction_type", string(*s.Pending.TransactionType), s.Pending.TransactionType.Valid())
				}
			}
			if a.Transactions == nil {
				continue
			}
			for _, tx := range a.Transactions.Transaction {
				check("transaction.type", string(*tx.Type), tx.Type.Valid())
				check("transaction.mode", string(*tx.Mode), tx.Mode.Valid())
			}
		}
	}
	// Both directions, and more than one mode and account type, were seen:
	// the check above ran over the values that matter.
	assert.Len(t, seen["transaction.type"], 2)
	assert.Greater(t, len(seen["transaction.mode"]), 2)
	assert.NotEmpty(t, seen["summary.type"])
}

func TestConsent_sendsOnlyListedValues(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	var consent verification.ConsentStatus
	for range 4 {
		a := c.get("/aa/consent?consent_verification_id=vocab-consent-1")
		require.NoError(t, a.err)
		require.NoError(t, json.Unmarshal(a.body, &consent))
	}
	require.NotNil(t, consent.ConsentMode)
	assert.True(t, consent.ConsentMode.Valid(), "consent_mode %q", *consent.ConsentMode)
	require.NotEmpty(t, consent.ConsentType)
	for _, v := range consent.ConsentType {
		assert.True(t, v.Valid(), "consent_type %q", v)
	}
	require.NotEmpty(t, consent.FITypes)
	for _, v := range consent.FITypes {
		assert.True(t, v.Valid(), "fi_types %q", v)
	}
	for _, f := range consent.Filter {
		if f.Operator != nil {
			assert.True(t, f.Operator.Valid(), "operator %q", *f.Operator)
		}
	}
}
