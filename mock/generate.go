package mock

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/cfverify/cfverify/openapi/wire"

	"github.com/cfverify/cfverify/verification"
)

// Values no vendor example shows but the ReBIT Deposit FI schema lists,
// and so the spec (openapi/SOURCES.md): the mock sends them as a bank would.
const (
	creditTransaction = verification.Credit
	currentAccount    = verification.AccountSummaryTypeCURRENT
)

// FIOptions says what GenerateFI makes. Every zero field has a default.
type FIOptions struct {
	// Seed makes the output reproducible: the same options give the same
	// accounts and transactions, byte for byte.
	Seed uint64
	// Accounts is the number of accounts (default 2), spread over
	// providers AccountsPerFIP at a time (default 2).
	Accounts       int
	AccountsPerFIP int
	// Transactions is the number of transactions of each delivered
	// account (default 25; a negative number means none).
	Transactions int
	// From and To bound the period (default: the year up to
	// 2025-03-31T23:59:59+05:30). Transactions fall inside it, in order.
	From, To time.Time
	// The ids echoed in the response (defaults: "fi_mock", "consent_mock", 1000001).
	FIVerificationID      string
	ConsentVerificationID string
	FIRefID               int64
	// Status is the request's status (default SUCCESS).
	Status verification.FIStatusValue
	// AccountStatuses gives each account's status (default DELIVERED);
	// only DELIVERED accounts carry data.
	AccountStatuses []verification.FIAccountStatus
}

// IST is India Standard Time (+05:30), the offset bank timestamps carry.
var IST = time.FixedZone("IST", 5*3600+30*60)

var defaultFITo = time.Date(2025, 3, 31, 23, 59, 59, 0, IST)

// GenerateFI makes a financial-information response with realistic,
// obviously fake accounts: each with a holder profile, a summary and
// transactions whose running balances add up (each current_balance is the
// previous one plus a CREDIT or minus a DEBIT, and the summary's
// current_balance is the last of them), in UPI, NEFT, IMPS, ATM and CARD
// modes with bank-style narrations, timestamps at +05:30 and value dates.
// Amounts are decimal strings ("129", "567.25"). The result validates
// against the spec. It is quick enough for benchmarks of 100,000
// transactions.
func GenerateFI(o FIOptions) *verification.FinancialInformation {
	if o.Accounts <= 0 {
		o.Accounts = 2
	}
	if o.AccountsPerFIP <= 0 {
		o.AccountsPerFIP = 2
	}
	switch {
	case o.Transactions == 0:
		o.Transactions = 25
	case o.Transactions < 0:
		o.Transactions = 0
	}
	if o.To.IsZero() {
		o.To = defaultFITo
	}
	if o.From.IsZero() || !o.From.Before(o.To) {
		o.From = o.To.AddDate(-1, 0, 0).Add(time.Second)
	}
	if o.FIVerificationID == "" {
		o.FIVerificationID = "fi_mock"
	}
	if o.ConsentVerificationID == "" {
		o.ConsentVerificationID = "consent_mock"
	}
	if o.FIRefID <= 0 {
		o.FIRefID = 1000001
	}
	if o.Status == "" {
		o.Status = verification.FISuccess
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	fi := &verification.FinancialInformation{
		FIVerificationID:      ptr(o.FIVerificationID),
		ConsentVerificationID: ptr(o.ConsentVerificationID),
		FIRefID:               refID(o.FIRefID),
		FIFrom:                ptr(wire.NewTimestamp(o.From.UTC())),
		FITo:                  ptr(wire.NewTimestamp(o.To.UTC())),
		Status:                ptr(o.Status),
		FIData:                []verification.FIPData{},
	}
	for i := range o.Accounts {
		if i%o.AccountsPerFIP == 0 {
			fi.FIData = append(fi.FIData, verification.FIPData{
				FIPID:    ptr("MOCK-FIP-" + strconv.Itoa(len(fi.FIData)+1)),
				Accounts: []verification.FIAccount{},
			})
		}
		status := verification.AccountDelivered
		if i < len(o.AccountStatuses) {
			status = o.AccountStatuses[i]
		}
		g := accountGen{rng: rng, index: i, from: o.From, to: o.To}
		acc := g.account(status, o.Transactions)
		fip := &fi.FIData[len(fi.FIData)-1]
		fip.Accounts = append(fip.Accounts, acc)
	}
	return fi
}

// refID builds a reference id that encodes as a JSON integer.
func refID(n int64) verification.ReferenceID { return wire.NewIntID(n) }

// MarshalFI encodes fi the way the server sends it: an account that is not
// delivered has "data": null (the generated types would leave it out).
func MarshalFI(fi *verification.FinancialInformation) ([]byte, error) {
	return json.Marshal(fiWire(fi))
}

// fiWireAccount shadows FIAccount.Data without omitempty, so nil is null.
type fiWireAccount struct {
	verification.FIAccount
	Data *verification.FIAccountData `json:"data"`
}

type fiWireFIP struct {
	verification.FIPData
	Accounts []fiWireAccount `json:"accounts"`
}

type fiWireBody struct {
	verification.FinancialInformation
	FIData []fiWireFIP `json:"fi_data"`
}

func fiWire(fi *verification.FinancialInformation) fiWireBody {
	out := fiWireBody{FinancialInformation: *fi}
	if fi.FIData == nil {
		return out
	}
	out.FIData = make([]fiWireFIP, len(fi.FIData))
	for i, fip := range fi.FIData {
		w := fiWireFIP{FIPData: fip}
		if fip.Accounts != nil {
			w.Accounts = make([]fiWireAccount, len(fip.Accounts))
			for j, acc := range fip.Accounts {
				w.Accounts[j] = fiWireAccount{FIAccount: acc, Data: acc.Data}
			}
		}
		out.FIData[i] = w
	}
	return out
}

// Fake people, places and shops: plausible in shape, plainly not real.
var (
	// Even indexes are women's names, odd ones men's (fakePerson relies on it).
	fakeFirstNames = []string{"Asha", "Ravi", "Meera", "Arjun", "Priya", "Kiran", "Neha", "Vikram", "Divya", "Rahul"}
	fakeLastNames  = []string{"Sample", "Example", "Testkumar", "Mockappa", "Dummyraj", "Fakeshwar"}
	fakeCities     = []struct{ name, state, pin string }{
		{"Bengaluru", "KARNATAKA", "560001"}, {"Mumbai", "MAHARASHTRA", "400001"}, {"Pune", "MAHARASHTRA", "411001"},
		{"Chennai", "TAMIL NADU", "600001"}, {"Hyderabad", "TELANGANA", "500001"}, {"New Delhi", "DELHI", "110001"},
	}
	fakeBanks = []struct{ name, ifsc, vpa string }{
		{"Example Bank", "EXMP", "okexample"}, {"Sample Co-operative Bank", "SMPL", "oksample"},
		{"Test Bank of India", "TEST", "oktest"}, {"Mock Gramin Bank", "MOCK", "okmock"},
	}
	fakeMerchants = []string{"Fake Grocer", "Sample Cafe", "Example Mart", "Test Pharmacy", "Dummy Fuels",
		"Mock Electricity Board", "Sample Mobile Recharge", "Example Foods", "Test Book House", "Dummy Cabs"}
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
)

// accountGen makes one account from a shared random source.
type accountGen struct {
	rng      *rand.Rand
	index    int
	from, to time.Time
}

func (g *accountGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *accountGen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

func (g *accountGen) hex(n int) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hexdigits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *accountGen) account(status verification.FIAccountStatus, transactions int) verification.FIAccount {
	bank := fakeBanks[g.rng.IntN(len(fakeBanks))]
	acc := verification.FIAccount{
		LinkRefNumber:   ptr(g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12)),
		MaskedAccNumber: ptr("XXXXXX" + g.digits(4)),
		Status:          ptr(status),
	}
	// Draw the data even when it is not delivered, so that an account's
	// data does not depend on the statuses of the others.
	data := g.data(bank.name, bank.ifsc, bank.vpa, transactions)
	if status == verification.AccountDelivered {
		acc.Data = data
	}
	return acc
}

func (g *accountGen) data(bankName, ifscPrefix, vpaSuffix string, n int) *verification.FIAccountData {
	first, last := g.pick(fakeFirstNames), g.pick(fakeLastNames)
	city := fakeCities[g.rng.IntN(len(fakeCities))]
	name := first + " " + last
	dob := time.Date(1960+g.rng.IntN(41), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	opened := time.Date(2000+g.rng.IntN(21), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	ifsc := ifscPrefix + "0" + g.digits(6)
	accType := verification.AccountSummaryTypeSAVINGS
	if g.rng.IntN(4) == 0 {
		accType = currentAccount
	}

	opening := 5_000_00 + g.rng.Int64N(200_000_00) // paise
	txns, closing := g.transactions(n, opening, name, bankName, vpaSuffix, city.name)

	return &verification.FIAccountData{Account: &verification.DepositAccount{
		Type: ptr(verification.FITypeDEPOSIT),
		Profile: &verification.AccountProfile{Holders: &verification.AccountHolders{
			Type: ptr(verification.AccountHoldersTypeSINGLE),
			Holder: &verification.AccountHolder{
				Address:        ptr("Flat " + strconv.Itoa(1+g.rng.IntN(900)) + ", Test Residency, " + strconv.Itoa(1+g.rng.IntN(40)) + " Sample Road, " + city.name + " - " + city.pin),
				CkycCompliance: ptr("true"),
				DOB:            ptr(wire.NewDate(dob)),
				Email:          ptr(strings.ToLower(first) + "." + strings.ToLower(last) + "@example.com"),
				Landline:       ptr(""),
				Mobile:         ptr("99999" + g.digits(5)),
				Name:           ptr(name),
				Nominee:        ptr(verification.AccountHolderNomineeREGISTERED),
				PAN:            ptr("ZZZPZ" + g.digits(4) + "Z"),
			},
		}},
		Summary: &verification.AccountSummary{
			CurrentBalance:  ptr(formatPaise(closing)),
			Currency:        ptr("INR"),
			Branch:          ptr(city.name + " Main"),
			BalanceDateTime: ptr(wire.NewTimestamp(g.to)),
			CurrentODLimit:  ptr("0"),
			DrawingLimit:    ptr("0"),
			ExchangeRate:    ptr(" "),
			Facility:        ptr(verification.AccountFacilityOD),
			IFSCCode:        ptr(ifsc),
			MICRCode:        ptr(g.digits(9)),
			OpeningDate:     ptr(wire.NewDate(opened)),
			Status:          ptr(verification.AccountSummaryStatusACTIVE),
			Type:            ptr(accType),
			Pending:         &verification.PendingAmount{TransactionType: ptr(verification.Debit), Amount: ptr("0")},
		},
		Transactions: &verification.AccountTransactions{
			StartDate:   ptr(wire.NewDate(dateOf(g.from))),
			EndDate:     ptr(wire.NewDate(dateOf(g.to))),
			Transaction: txns,
		},
	}}
}

func dateOf(t time.Time) time.Time {
	t = t.In(IST)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// txnValues backs the pointers of one Transaction: one allocation for all
// of an account's transactions instead of nine per transaction.
type txnValues struct {
	amount, balance, narration, reference, txnID string
	mode                                         verification.TransactionMode
	typ                                          verification.TransactionType
	ts                                           wire.Timestamp
	valueDate                                    wire.Date
}

// transactions makes n transactions from an opening balance (in paise) and
// returns them with the closing balance.
func (g *accountGen) transactions(n int, balance int64, holder, bankName, vpaSuffix, city string) ([]verification.Transaction, int64) {
	txns := make([]verification.Transaction, n)
	vals := make([]txnValues, n)
	if n == 0 {
		return txns, balance
	}
	from := g.from.In(IST)
	step := g.to.Sub(g.from) / time.Duration(n)
	idPrefix := "M" + strconv.Itoa(g.index+1)
	buf := make([]byte, 0, 128)
	for i := range n {
		v := &vals[i]
		ts := from.Add(time.Duration(i)*step + time.Duration(g.rng.Int64N(int64(max(step, 1)))))
		ts = ts.Truncate(time.Second)

		credit, mode, amount := g.kind()
		if !credit && amount > balance {
			credit = true // never overdraw: the money came in instead
		}
		if credit {
			balance += amount
			v.typ = creditTransaction
		} else {
			balance -= amount
			v.typ = verification.Debit
		}
		v.mode = modeOf(mode)
		// The five strings of a transaction share one allocation.
		buf = appendPaise(buf[:0], amount)
		e1 := len(buf)
		buf = appendPaise(buf, balance)
		e2 := len(buf)
		buf = g.appendNarration(buf, mode, credit, ts, holder, bankName, vpaSuffix, city)
		e3 := len(buf)
		buf = append(buf, "RFN"...)
		buf = strconv.AppendInt(buf, 10_000_000+g.rng.Int64N(90_000_000), 10)
		e4 := len(buf)
		buf = append(buf, idPrefix...)
		buf = appendPadded(buf, int64(i+1), 8)
		e5 := len(buf)
		buf = ts.AppendFormat(buf, time.RFC3339)
		e6 := len(buf)
		vd := dateOf(ts)
		if mode == "NEFT" && ts.Hour() >= 18 {
			vd = vd.AddDate(0, 0, 1) // settles the next day
		}
		buf = vd.AppendFormat(buf, time.DateOnly)
		all := string(buf)
		v.amount, v.balance, v.narration, v.reference, v.txnID = all[:e1], all[e1:e2], all[e2:e3], all[e3:e4], all[e4:e5]
		v.ts, v.valueDate = wire.TimestampOf(all[e5:e6]), wire.DateOf(all[e6:])

		txns[i] = verification.Transaction{
			Amount: &v.amount, CurrentBalance: &v.balance, Mode: &v.mode, Narration: &v.narration,
			Reference: &v.reference, TransactionTimestamp: &v.ts, TxnID: &v.txnID, Type: &v.typ,
			ValueDate: &v.valueDate,
		}
	}
	return txns, balance
}

// modeOf is the ReBIT mode of a channel: NEFT and IMPS are fund
// transfers (FT); the narration keeps the channel's name, as banks write it.
func modeOf(channel string) verification.TransactionMode {
	switch channel {
	case "NEFT", "IMPS":
		return verification.TransactionModeFT
	}
	return verification.TransactionMode(channel)
}

// kind draws a transaction's direction, channel (UPI, CARD, ATM, IMPS,
// NEFT) and amount in paise.
func (g *accountGen) kind() (credit bool, mode string, amount int64) {
	between := func(lo, hi int64) int64 { return lo + g.rng.Int64N(hi-lo+1) }
	switch r := g.rng.IntN(100); {
	case r < 42:
		return false, "UPI", between(20_00, 3_000_00)
	case r < 52:
		return true, "UPI", between(50_00, 5_000_00)
	case r < 64:
		return false, "CARD", between(100_00, 15_000_00)
	case r < 72:
		return false, "ATM", between(5, 100) * 100_00 // whole hundreds of rupees
	case r < 80:
		return r%2 == 0, "IMPS", between(500_00, 50_000_00)
	case r < 88:
		return false, "NEFT", between(5_000_00, 40_000_00)
	case r < 94:
		return true, "NEFT", between(1_000_00, 80_000_00)
	default:
		return true, "NEFT", between(30_000, 150_000) * 100 // salary, whole rupees
	}
}

// appendNarration appends a bank-style description of a transaction.
func (g *accountGen) appendNarration(b []byte, mode string, credit bool, ts time.Time, holder, bankName, vpaSuffix, city string) []byte {
	switch mode {
	case "UPI":
		b = append(b, "UPI/"...)
		b = g.appendDigits(b, 12)
		b = append(b, '/')
		var who string
		if credit {
			who = g.pick(fakeFirstNames) + " " + g.pick(fakeLastNames)
		} else {
			who = g.pick(fakeMerchants)
		}
		b = append(b, who...)
		b = append(b, '/')
		for i := 0; i < len(who); i++ {
			switch c := who[i]; {
			case c == ' ':
				if credit {
					b = append(b, '.')
				}
			case 'A' <= c && c <= 'Z':
				b = append(b, c+'a'-'A')
			default:
				b = append(b, c)
			}
		}
		b = append(b, '@')
		b = append(b, vpaSuffix...)
		b = append(b, '/')
		return append(b, bankName...)
	case "CARD":
		b = append(b, "POS/"...)
		b = append(b, g.pick(fakeMerchants)...)
		b = append(b, '/')
		return appendUpper(b, city)
	case "ATM":
		b = append(b, "ATM WDL/EXMP"...)
		b = g.appendDigits(b, 6)
		b = append(b, '/')
		return appendUpper(b, city)
	case "IMPS":
		if credit {
			b = append(b, "IMPS/P2P/"...)
		} else {
			b = append(b, "IMPS/P2A/"...)
		}
		b = g.appendDigits(b, 12)
		b = append(b, '/')
		b = append(b, g.pick(fakeFirstNames)...)
		b = append(b, ' ')
		return append(b, g.pick(fakeLastNames)...)
	default: // NEFT
		switch {
		case credit && g.rng.IntN(2) == 0:
			b = append(b, "NEFT/SALARY/ACME TEST PVT LTD/"...)
			b = append(b, monthNames[ts.Month()-1]...)
			b = append(b, ' ')
			return strconv.AppendInt(b, int64(ts.Year()), 10)
		case credit:
			b = append(b, "NEFT/SMPL0"...)
			b = g.appendDigits(b, 6)
			b = append(b, '/')
			b = append(b, g.pick(fakeFirstNames)...)
			b = append(b, ' ')
			return append(b, g.pick(fakeLastNames)...)
		default:
			b = append(b, "NEFT/RENT/"...)
			b = appendUpper(b, holder)
			b = append(b, "/LANDLORD "...)
			return appendUpper(b, g.pick(fakeLastNames))
		}
	}
}

func (g *accountGen) appendDigits(b []byte, n int) []byte {
	for range n {
		b = append(b, byte('0'+g.rng.IntN(10)))
	}
	return b
}

func appendUpper(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// formatPaise writes an amount in paise as the API does: "129" for whole
// rupees, "567.25" otherwise.
func formatPaise(p int64) string { return string(appendPaise(make([]byte, 0, 24), p)) }

func appendPaise(buf []byte, p int64) []byte {
	if p < 0 {
		buf = append(buf, '-')
		p = -p
	}
	buf = strconv.AppendInt(buf, p/100, 10)
	if frac := p % 100; frac != 0 {
		buf = append(buf, '.')
		buf = appendPadded(buf, frac, 2)
	}
	return buf
}

func appendPadded(buf []byte, v int64, width int) []byte {
	start := len(buf)
	buf = strconv.AppendInt(buf, v, 10)
	if pad := width - (len(buf) - start); pad > 0 {
		buf = append(buf, make([]byte, pad)...)
		copy(buf[start+pad:], buf[start:len(buf)-pad])
		for i := range pad {
			buf[start+i] = '0'
		}
	}
	return buf
}
