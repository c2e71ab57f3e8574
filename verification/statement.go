package verification

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// StatementAccount is one account of a FinancialInformation answer, with
// the provider (FIP) that holds it.
type StatementAccount struct {
	FIPID           string
	LinkRefNumber   string
	MaskedAccNumber string
	Status          FIAccountStatus
	// Deposit is the account's data; nil until the account is DELIVERED.
	Deposit *DepositAccount
}

// StatementTransaction is one transaction, parsed: exact decimal amounts,
// the timestamp with its original offset, the value date.
type StatementTransaction struct {
	// Where it comes from.
	FIPID           string
	LinkRefNumber   string
	MaskedAccNumber string

	TxnID string
	// Type is CREDIT or DEBIT as sent; Amount is unsigned (see Signed).
	Type   TransactionType
	Amount decimal.Decimal
	// Balance is the balance after the transaction, if sent.
	Balance   decimal.NullDecimal
	Mode      TransactionMode
	Narration string
	Reference string
	// Timestamp keeps the offset it was sent with (Z, +05:30, …); zero if
	// none was sent.
	Timestamp time.Time
	// ValueDate is a calendar date at midnight UTC; zero if none was sent.
	ValueDate time.Time
}

// Signed returns the amount negative for a DEBIT, positive otherwise.
func (t StatementTransaction) Signed() decimal.Decimal {
	if t.Type == Debit {
		return t.Amount.Neg()
	}
	return t.Amount
}

// Balance is an account summary's money, parsed.
type Balance struct {
	Current  decimal.Decimal
	Currency string
	// At is when the balance was read, with its offset; zero if not sent.
	At           time.Time
	ODLimit      decimal.NullDecimal
	DrawingLimit decimal.NullDecimal
	// Pending is money not yet settled, with its direction, if sent.
	Pending     decimal.NullDecimal
	PendingType TransactionType
}

// Accounts yields every account of every provider, in answer order.
func (fi *FinancialInformation) Accounts() iter.Seq[StatementAccount] {
	return func(yield func(StatementAccount) bool) {
		if fi == nil {
			return
		}
		for _, fip := range fi.FIData {
			for _, acc := range fip.Accounts {
				sa := StatementAccount{
					FIPID:           deref(fip.FIPID),
					LinkRefNumber:   deref(acc.LinkRefNumber),
					MaskedAccNumber: deref(acc.MaskedAccNumber),
				}
				if acc.Status != nil {
					sa.Status = *acc.Status
				}
				if acc.Data != nil {
					sa.Deposit = acc.Data.Account
				}
				if !yield(sa) {
					return
				}
			}
		}
	}
}

// PendingAccounts counts the accounts whose data is still on its way
// (status PENDING or READY, or no status).
func (fi *FinancialInformation) PendingAccounts() int {
	n := 0
	for acc := range fi.Accounts() {
		if !IsFinalAccount(acc.Status) {
			n++
		}
	}
	return n
}

// Transactions yields every transaction of every delivered account, across
// providers, in answer order. A transaction whose amount or balance is not a
// decimal yields a zero StatementTransaction (with its FIP and account) and
// an error naming it; iteration goes on unless the loop stops.
//
//	for tx, err := range fi.Transactions() {
//		if err != nil { return err }
//		total = total.Add(tx.Signed())
//	}
func (fi *FinancialInformation) Transactions() iter.Seq2[StatementTransaction, error] {
	return func(yield func(StatementTransaction, error) bool) {
		for acc := range fi.Accounts() {
			if acc.Deposit == nil || acc.Deposit.Transactions == nil {
				continue
			}
			for i, raw := range acc.Deposit.Transactions.Transaction {
				tx, err := parseTransaction(acc, raw)
				if err != nil {
					err = fmt.Errorf("cfverify: FIP %s account %s transaction %d: %w", acc.FIPID, acc.MaskedAccNumber, i, err)
					tx = StatementTransaction{FIPID: acc.FIPID, LinkRefNumber: acc.LinkRefNumber, MaskedAccNumber: acc.MaskedAccNumber}
				}
				if !yield(tx, err) {
					return
				}
			}
		}
	}
}

func parseTransaction(acc StatementAccount, raw Transaction) (StatementTransaction, error) {
	tx := StatementTransaction{
		FIPID:           acc.FIPID,
		LinkRefNumber:   acc.LinkRefNumber,
		MaskedAccNumber: acc.MaskedAccNumber,
		TxnID:           deref(raw.TxnID),
		Mode:            deref(raw.Mode),
		Narration:       deref(raw.Narration),
		Reference:       deref(raw.Reference),
	}
	if raw.Type != nil {
		tx.Type = *raw.Type
	}
	amount, err := ParseAmount(deref(raw.Amount))
	if err != nil {
		return tx, fmt.Errorf("amount: %w", err)
	}
	if !amount.Valid {
		return tx, errors.New("amount: missing")
	}
	tx.Amount = amount.Decimal
	if tx.Balance, err = ParseAmount(deref(raw.CurrentBalance)); err != nil {
		return tx, fmt.Errorf("current_balance: %w", err)
	}
	if raw.TransactionTimestamp != nil && !raw.TransactionTimestamp.IsZero() {
		if tx.Timestamp, err = raw.TransactionTimestamp.Time(); err != nil {
			return tx, fmt.Errorf("transaction_timestamp: %w", err)
		}
	}
	if raw.ValueDate != nil && !raw.ValueDate.IsZero() {
		if tx.ValueDate, err = raw.ValueDate.Time(); err != nil {
			return tx, fmt.Errorf("value_date: %w", err)
		}
	}
	return tx, nil
}

// Balance parses the account's summary. ok is false when the account has no
// summary (not delivered yet).
func (a StatementAccount) Balance() (b Balance, ok bool, err error) {
	if a.Deposit == nil || a.Deposit.Summary == nil {
		return Balance{}, false, nil
	}
	s := a.Deposit.Summary
	current, err := ParseAmount(deref(s.CurrentBalance))
	if err != nil {
		return Balance{}, true, fmt.Errorf("cfverify: account %s current_balance: %w", a.MaskedAccNumber, err)
	}
	b.Current = current.Decimal
	b.Currency = deref(s.Currency)
	if s.BalanceDateTime != nil && !s.BalanceDateTime.IsZero() {
		if b.At, err = s.BalanceDateTime.Time(); err != nil {
			return Balance{}, true, fmt.Errorf("cfverify: account %s balance_date_time: %w", a.MaskedAccNumber, err)
		}
	}
	if b.ODLimit, err = ParseAmount(deref(s.CurrentODLimit)); err != nil {
		return Balance{}, true, fmt.Errorf("cfverify: account %s current_od_limit: %w", a.MaskedAccNumber, err)
	}
	if b.DrawingLimit, err = ParseAmount(deref(s.DrawingLimit)); err != nil {
		return Balance{}, true, fmt.Errorf("cfverify: account %s drawing_limit: %w", a.MaskedAccNumber, err)
	}
	if s.Pending != nil {
		if b.Pending, err = ParseAmount(deref(s.Pending.Amount)); err != nil {
			return Balance{}, true, fmt.Errorf("cfverify: account %s pending amount: %w", a.MaskedAccNumber, err)
		}
		if s.Pending.TransactionType != nil {
			b.PendingType = *s.Pending.TransactionType
		}
	}
	return b, true, nil
}

// ParseAmount parses a decimal string as the API sends amounts and balances
// ("666.33", "0", "129"), exactly, never through float64. A blank string
// (the API sends " " for an absent exchange rate) gives an invalid
// NullDecimal and no error.
func ParseAmount(s string) (decimal.NullDecimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal.NullDecimal{}, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.NullDecimal{}, fmt.Errorf("%q is not a decimal amount", truncate(s, 32))
	}
	return decimal.NewNullDecimal(d), nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// truncate shortens s to at most n bytes for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
