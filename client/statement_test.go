package client_test

import (
	"testing"
	"time"

	"github.com/cfverify/cfverify/verification"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi/wire"
)

func TestFinancialInformation_statement(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, respond(200, example(t, "FIExample")))
	c := newClient(t, srv)
	fi, err := c.FinancialInformation(t.Context(), client.ByReferenceID(wire.NewIntID(12462)))
	require.NoError(t, err)
	assert.Equal(t, verification.FIActive, *fi.Status)

	var accounts []verification.StatementAccount
	for acc := range fi.Accounts() {
		accounts = append(accounts, acc)
	}
	require.Len(t, accounts, 2)
	assert.Equal(t, "FIP_1", accounts[0].FIPID)
	assert.Equal(t, verification.AccountDelivered, accounts[0].Status)
	assert.NotNil(t, accounts[0].Deposit)
	assert.Equal(t, "FIP_2", accounts[1].FIPID)
	assert.Equal(t, verification.AccountPending, accounts[1].Status)
	assert.Nil(t, accounts[1].Deposit, "data is null until delivered")
	assert.Equal(t, 1, fi.PendingAccounts())

	bal, ok, err := accounts[0].Balance()
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "666.33", bal.Current.String())
	assert.True(t, bal.Current.Equal(decimal.RequireFromString("666.33")))
	assert.Equal(t, "INR", bal.Currency)
	assert.True(t, bal.ODLimit.Valid)
	assert.True(t, bal.Pending.Valid)
	assert.Equal(t, verification.Debit, bal.PendingType)
	assert.Equal(t, time.Date(2020, 6, 22, 7, 50, 0, 0, time.UTC), bal.At.UTC())
	_, ok, err = accounts[1].Balance()
	require.NoError(t, err)
	assert.False(t, ok)

	var txs []verification.StatementTransaction
	for tx, err := range fi.Transactions() {
		require.NoError(t, err)
		txs = append(txs, tx)
	}
	require.Len(t, txs, 1)
	tx := txs[0]
	assert.Equal(t, "FIP_1", tx.FIPID)
	assert.Equal(t, "XXXXXX4363", tx.MaskedAccNumber)
	assert.Equal(t, "M3256752", tx.TxnID)
	assert.Equal(t, verification.Debit, tx.Type)
	assert.Equal(t, "129", tx.Amount.String())
	assert.Equal(t, "-129", tx.Signed().String())
	assert.Equal(t, "567.25", tx.Balance.Decimal.String())
	_, offset := tx.Timestamp.Zone()
	assert.Equal(t, 5*3600+30*60, offset, "the +05:30 offset is kept")
	assert.Equal(t, "2021-04-01T13:20:14+05:30", tx.Timestamp.Format(time.RFC3339))
	assert.Equal(t, "2022-04-01", tx.ValueDate.Format(time.DateOnly))
}

func TestFinancialInformation_transactionsAcrossProvidersAndExactSums(t *testing.T) {
	t.Parallel()
	body := `{"status":"SUCCESS","fi_data":[
	  {"fip_id":"A","accounts":[
	    {"masked_acc_number":"XX1","status":"DELIVERED","data":{"account":{"transactions":{"transaction":[
	      {"amount":"0.10","type":"CREDIT","transaction_timestamp":"2024-01-01T10:00:00Z"},
	      {"amount":"0.20","type":"CREDIT","transaction_timestamp":"2024-01-01T10:00:00+05:30"}]}}}},
	    {"masked_acc_number":"XX2","status":"DELIVERED","data":{"account":{"transactions":{"transaction":null}}}}]},
	  {"fip_id":"B","accounts":[
	    {"masked_acc_number":"XX3","status":"DELIVERED","data":{"account":{"transactions":{"transaction":[
	      {"amount":"12345678901234567890.01","type":"DEBIT"},
	      {"amount":"oops","type":"DEBIT"},
	      {"type":"CREDIT"}]}}}}]},
	  {"fip_id":"C","accounts":null}]}`
	srv, _ := serve(t, respond(200, body))
	c := newClient(t, srv)
	fi, err := c.FinancialInformation(t.Context(), client.ByVerificationID("fi-1"))
	require.NoError(t, err)
	assert.Equal(t, 0, fi.PendingAccounts())

	sum := decimal.Zero
	var fips []string
	var errs []error
	for tx, err := range fi.Transactions() {
		if err != nil {
			errs = append(errs, err)
			assert.Equal(t, "B", tx.FIPID, "a bad transaction still says where it is")
			continue
		}
		fips = append(fips, tx.FIPID)
		sum = sum.Add(tx.Signed())
	}
	assert.Equal(t, []string{"A", "A", "B"}, fips)
	assert.Equal(t, "-12345678901234567889.71", sum.String(), "exact: 0.1 + 0.2 is 0.3 here")
	require.Len(t, errs, 2)
	assert.Contains(t, errs[0].Error(), "amount")
	assert.Contains(t, errs[1].Error(), "missing")

	// Stopping early stops the iteration.
	n := 0
	for range fi.Transactions() {
		n++
		break
	}
	assert.Equal(t, 1, n)
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"666.33": "666.33", "0": "0", " 129 ": "129", "-5.5": "-5.5"} {
		d, err := verification.ParseAmount(in)
		require.NoError(t, err, in)
		require.True(t, d.Valid)
		assert.Equal(t, want, d.Decimal.String())
	}
	for _, blank := range []string{"", " "} {
		d, err := verification.ParseAmount(blank)
		require.NoError(t, err)
		assert.False(t, d.Valid)
	}
	_, err := verification.ParseAmount("1,000.00")
	require.Error(t, err)
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	want := time.Date(1995, 2, 2, 0, 0, 0, 0, time.UTC)
	for _, in := range []string{"1995-02-02", "02-02-1995", " 02-02-1995 "} {
		got, err := verification.ParseDate(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "1995/02/02", "31-02-1995", "1995-13-01", "2-2-1995", "02021995"} {
		_, err := verification.ParseDate(bad)
		require.Error(t, err, bad)
		if bad != "" {
			assert.NotContains(t, err.Error(), bad, "the value, often a date of birth, is not quoted")
		}
	}
}
