package mock_test

import (
	"encoding/json"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
)

func rat(t testing.TB, s *string) *big.Rat {
	t.Helper()
	require.NotNil(t, s)
	r, ok := new(big.Rat).SetString(*s)
	require.True(t, ok, "%q is not a decimal", *s)
	return r
}

func TestGenerateFI_balancesAddUp(t *testing.T) {
	t.Parallel()
	from := time.Date(2024, 4, 1, 0, 0, 0, 0, mock.IST)
	to := time.Date(2025, 3, 31, 23, 59, 59, 0, mock.IST)
	fi := mock.GenerateFI(mock.FIOptions{Seed: 42, Accounts: 3, Transactions: 500, From: from, To: to})
	require.Len(t, fi.FIData, 2, "two accounts per provider")
	modes := map[verification.TransactionMode]int{}
	types := map[verification.TransactionType]int{}
	ids := map[string]bool{}
	accounts := 0
	for _, fip := range fi.FIData {
		for _, acc := range fip.Accounts {
			accounts++
			require.Equal(t, verification.AccountDelivered, *acc.Status)
			a := acc.Data.Account
			txns := a.Transactions.Transaction
			require.Len(t, txns, 500)
			// The balance before the first transaction, worked back from it.
			first := txns[0]
			balance := rat(t, first.CurrentBalance)
			if *first.Type == verification.TransactionType("CREDIT") {
				balance.Sub(balance, rat(t, first.Amount))
			} else {
				balance.Add(balance, rat(t, first.Amount))
			}
			prevTS := from.Add(-time.Second)
			for _, tx := range txns {
				amount := rat(t, tx.Amount)
				require.Equal(t, 1, amount.Sign(), "amounts are positive")
				switch *tx.Type {
				case verification.TransactionType("CREDIT"):
					balance.Add(balance, amount)
				case verification.Debit:
					balance.Sub(balance, amount)
				default:
					t.Fatalf("type %q", *tx.Type)
				}
				require.Zero(t, balance.Cmp(rat(t, tx.CurrentBalance)), "running balance of %s", *tx.TxnID)
				require.GreaterOrEqual(t, balance.Sign(), 0, "never overdrawn")
				modes[*tx.Mode]++
				types[*tx.Type]++
				require.False(t, ids[*tx.TxnID], "txn ids are unique")
				ids[*tx.TxnID] = true
				ts, err := tx.TransactionTimestamp.Time()
				require.NoError(t, err)
				require.True(t, ts.After(prevTS), "in order")
				require.False(t, ts.Before(from) || ts.After(to))
				_, offset := ts.Zone()
				require.Equal(t, 5*3600+30*60, offset, "+05:30")
				vd, err := tx.ValueDate.Time()
				require.NoError(t, err)
				day := time.Date(ts.Year(), ts.Month(), ts.Day(), 0, 0, 0, 0, time.UTC)
				require.False(t, vd.Before(day), "value date on or after the day")
				require.NotEmpty(t, *tx.Narration)
				require.Regexp(t, `^RFN\d{8}$`, *tx.Reference)
				prevTS = ts
			}
			assert.Zero(t, balance.Cmp(rat(t, a.Summary.CurrentBalance)), "summary balance is the last one")
			assert.Equal(t, "2024-04-01", a.Transactions.StartDate.String())
			assert.Equal(t, "2025-03-31", a.Transactions.EndDate.String())
			assert.Regexp(t, `^XXXXXX\d{4}$`, *acc.MaskedAccNumber)
			assert.Regexp(t, `^[A-Z]{4}0\d{6}$`, *a.Summary.IFSCCode)
		}
	}
	assert.Equal(t, 3, accounts)
	for _, m := range []verification.TransactionMode{verification.TransactionModeUPI, verification.TransactionModeFT, verification.TransactionModeATM, verification.TransactionModeCARD} {
		assert.Greater(t, modes[m], 10, "mode %s", m)
		assert.True(t, m.Valid(), "only modes the spec lists")
	}
	assert.Len(t, modes, 4)
	assert.Greater(t, types[verification.Credit], 100)
	assert.Greater(t, types[verification.Debit], 500)
}

func TestGenerateFI_amountsLookLikeTheVendors(t *testing.T) {
	t.Parallel()
	fi := mock.GenerateFI(mock.FIOptions{Seed: 3, Accounts: 1, Transactions: 300})
	whole, cents := 0, 0
	for _, tx := range fi.FIData[0].Accounts[0].Data.Account.Transactions.Transaction {
		require.Regexp(t, `^\d+(\.\d\d)?$`, *tx.Amount)
		if len(*tx.Amount) > 3 && (*tx.Amount)[len(*tx.Amount)-3] == '.' {
			cents++
		} else {
			whole++
		}
	}
	assert.Positive(t, whole, `"129"`)
	assert.Positive(t, cents, `"567.25"`)
}

func TestGenerateFI_validatesAgainstTheSpec(t *testing.T) {
	t.Parallel()
	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	for name, o := range map[string]mock.FIOptions{
		"defaults": {},
		"mixed": {Seed: 9, Accounts: 5, AccountsPerFIP: 3, Transactions: 50, Status: verification.FIActive,
			AccountStatuses: []verification.FIAccountStatus{verification.AccountDelivered, verification.AccountPending, verification.AccountDenied, verification.AccountTimeout}},
		"no transactions": {Transactions: -1},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := mock.MarshalFI(mock.GenerateFI(o))
			require.NoError(t, err)
			require.NoError(t, v.ValidateResponse(t.Context(), mock.OpFinancialInformation, 200, http.Header{"Content-Type": {"application/json"}}, data))
			drift, err := v.Drift(mock.OpFinancialInformation, 200, data)
			require.NoError(t, err)
			assert.Empty(t, drift)
		})
	}
}

func TestGenerateFI_undeliveredAccountsHaveNullData(t *testing.T) {
	t.Parallel()
	fi := mock.GenerateFI(mock.FIOptions{Accounts: 2, AccountStatuses: []verification.FIAccountStatus{verification.AccountDelivered, verification.AccountPending}})
	data, err := mock.MarshalFI(fi)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	statuses, withData := fiAccounts(t, m)
	assert.Equal(t, []string{"DELIVERED", "PENDING"}, statuses)
	assert.Equal(t, []bool{true, false}, withData)
}

func TestGenerateFI_isReproducible(t *testing.T) {
	t.Parallel()
	o := mock.FIOptions{Seed: 5, Accounts: 2, Transactions: 100}
	a, err := mock.MarshalFI(mock.GenerateFI(o))
	require.NoError(t, err)
	b, err := mock.MarshalFI(mock.GenerateFI(o))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
	o.Seed = 6
	c, err := mock.MarshalFI(mock.GenerateFI(o))
	require.NoError(t, err)
	assert.NotEqual(t, string(a), string(c))
}

func TestGenerateFI_roundTripsThroughTheGeneratedTypes(t *testing.T) {
	t.Parallel()
	fi := mock.GenerateFI(mock.FIOptions{Seed: 11, Transactions: 20})
	data, err := mock.MarshalFI(fi)
	require.NoError(t, err)
	var back verification.FinancialInformation
	require.NoError(t, json.Unmarshal(data, &back))
	again, err := mock.MarshalFI(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again))
}

func BenchmarkGenerateFI(b *testing.B) {
	for _, bc := range []struct {
		name               string
		accounts, perAccnt int
	}{
		{"accounts=1/txns=1000", 1, 1000},
		{"accounts=1/txns=100000", 1, 100_000},
		{"accounts=10/txns=10000", 10, 10_000},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mock.GenerateFI(mock.FIOptions{Seed: 1, Accounts: bc.accounts, Transactions: bc.perAccnt})
			}
			b.ReportMetric(float64(bc.accounts*bc.perAccnt), "txns/op")
		})
	}
}

func BenchmarkMarshalFI_100k(b *testing.B) {
	fi := mock.GenerateFI(mock.FIOptions{Seed: 1, Accounts: 1, Transactions: 100_000})
	b.ReportAllocs()
	var n int
	for b.Loop() {
		data, err := mock.MarshalFI(fi)
		if err != nil {
			b.Fatal(err)
		}
		n = len(data)
	}
	b.SetBytes(int64(n))
}
