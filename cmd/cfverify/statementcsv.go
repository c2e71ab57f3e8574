// fi --csv: the statement as CSV, refused when there is none to write.

package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/cfverify/cfverify/verification"
)

// notReadyError is fi --csv on a statement that is not ready, or empty:
// exit 7, so that a CI job learns why it has no transactions.
type notReadyError struct {
	status            verification.FIStatusValue
	accounts, pending int
	empty             bool
}

func (e *notReadyError) Error() string {
	if e.empty {
		return fmt.Sprintf("cfverify fi: --csv: the statement is %s but holds no transactions (%d accounts, %d pending): no CSV written",
			e.status, e.accounts, e.pending)
	}
	return fmt.Sprintf("cfverify fi: --csv: the statement is %s, not SUCCESS: no CSV written (--wait polls until it is final)", e.status)
}

func (e *notReadyError) ExitCode() int { return exitNotReady }

// writeStatementCSV writes the CSV of a statement whose status is SUCCESS
// and that holds at least one transaction; otherwise it writes nothing and
// returns a *notReadyError.
func writeStatementCSV(w io.Writer, fi *verification.FinancialInformation) error {
	status := verification.FIStatusValue("unknown")
	if fi.Status != nil {
		status = *fi.Status
	}
	accounts := 0
	for range fi.Accounts() {
		accounts++
	}
	if status != verification.FISuccess {
		return &notReadyError{status: status, accounts: accounts, pending: fi.PendingAccounts()}
	}
	var buf bytes.Buffer
	rows, err := writeCSV(&buf, fi)
	if err != nil {
		return err
	}
	if rows == 0 {
		return &notReadyError{status: status, accounts: accounts, pending: fi.PendingAccounts(), empty: true}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// csvHeader names the columns of fi --csv.
var csvHeader = []string{"fip_id", "masked_acc_number", "link_ref_number", "txn_id", "transaction_timestamp",
	"value_date", "type", "mode", "amount", "current_balance", "narration", "reference"}

// writeCSV writes every transaction of every delivered account, amounts as
// exact decimals, timestamps with the offset they came with.
func writeCSV(w io.Writer, fi *verification.FinancialInformation) (rows int, err error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return 0, err
	}
	for tx, err := range fi.Transactions() {
		if err != nil {
			return rows, err
		}
		ts, vd, bal := "", "", ""
		if !tx.Timestamp.IsZero() {
			ts = tx.Timestamp.Format(time.RFC3339)
		}
		if !tx.ValueDate.IsZero() {
			vd = tx.ValueDate.Format(time.DateOnly)
		}
		if tx.Balance.Valid {
			bal = tx.Balance.Decimal.String()
		}
		if err := cw.Write([]string{tx.FIPID, tx.MaskedAccNumber, tx.LinkRefNumber, tx.TxnID, ts, vd,
			string(tx.Type), string(tx.Mode), tx.Amount.String(), bal, tx.Narration, tx.Reference}); err != nil {
			return rows, err
		}
		rows++
	}
	cw.Flush()
	return rows, cw.Error()
}
