package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// largeFI is a financial-information body of n transactions.
func largeFI(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"fi_verification_id": "Fi_1", "status": "SUCCESS", "fi_data": [{"fip_id": "F", "accounts": [{"status": "DELIVERED", "data": {"account": {"transactions": {"transaction": [`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"amount": "%d.00", "mode": "UPI", "type": "DEBIT", "transaction_timestamp": "2021-04-01T13:20:14+05:30", "txn_id": "T%d", "narration": "UPI/TEST/PAYMENT"}`, i, i)
	}
	b.WriteString(`]}}}}]}]}`)
	return []byte(b.String())
}

// The parts of validating a large response, each against decoding it alone.
func BenchmarkValidateResponse_large(b *testing.B) {
	v, err := DefaultValidator()
	if err != nil {
		b.Fatal(err)
	}
	body := largeFI(20000)
	b.Run("decode-any", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var x any
			if err := dec.Decode(&x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("duplicate-names", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if d := duplicateNames(body); d != nil {
				b.Fatal(d)
			}
		}
	})
	b.Run("validate", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err := v.ValidateResponse(b.Context(), "getFinancialInformation", 200, jsonHeader, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("drift", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := v.Drift("getFinancialInformation", 200, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validate-and-drift", func(b *testing.B) { // what ValidatingTransport does: one decoding
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err, _ := v.checkResponse(b.Context(), "getFinancialInformation", 200, jsonHeader, body, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
