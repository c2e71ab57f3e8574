package client

import "github.com/cfverify/cfverify/client/api"

// Result types, re-exported from the generated package so that ordinary use
// needs no import of client/api. Optional fields are pointers (nil when the
// server sent null or nothing); arrays the server may send as null are nil
// slices.
type (
	// DataAvailability is the answer of POST /user/data-availability.
	DataAvailability = api.DataAvailability
	// AvailableScope is one scope listed in DataAvailability.
	AvailableScope = api.AvailableScope
	// UserIdentifier is an identifier echoed back in DataAvailability.
	UserIdentifier = api.UserIdentifier

	// DigiLockerStatus is the answer of GET /digilocker.
	DigiLockerStatus = api.DigiLockerStatus
	// DigiLockerUserDetails is the user as DigiLocker knows them; its DOB is
	// DD-MM-YYYY (see ParseDate).
	DigiLockerUserDetails = api.DigiLockerUserDetails

	// ConsentStatus is the answer of GET /aa/consent.
	ConsentStatus = api.ConsentStatus
	// ConsentMode says what the data is for (VIEW, STORE, QUERY, STREAM).
	ConsentMode = api.ConsentMode
	// ConsentType is a part of an account a consent covers.
	ConsentType = api.ConsentType
	// ConsentFilter is a condition on the transactions a consent covers.
	ConsentFilter = api.ConsentFilter
	// CustomerIdentifier identifies the customer of a consent.
	CustomerIdentifier = api.CustomerIdentifier

	// FIPData, FIAccount, DepositAccount, AccountProfile, AccountHolders,
	// AccountHolder, AccountSummary, PendingAmount, AccountTransactions and
	// Transaction are the parts of a FinancialInformation answer as sent;
	// StatementAccount and StatementTransaction are their parsed forms.
	FIPData             = api.FIPData
	FIAccount           = api.FIAccount
	DepositAccount      = api.DepositAccount
	AccountProfile      = api.AccountProfile
	AccountHolders      = api.AccountHolders
	AccountHolder       = api.AccountHolder
	AccountSummary      = api.AccountSummary
	PendingAmount       = api.PendingAmount
	AccountTransactions = api.AccountTransactions
	Transaction         = api.Transaction

	// ReferenceID is an id Cashfree assigns, sent as a JSON integer or
	// string; String and Int64 read it.
	ReferenceID = api.ReferenceID

	// Scope is a kind of user data (AADHAAR, PAN, …).
	Scope = api.Scope
	// IncomeRange is an annual income band.
	IncomeRange = api.IncomeRange

	// Per-scope records of UserDetails, with their typed metadata.
	AadhaarRecord       = api.AadhaarRecord
	AadhaarMetadata     = api.AadhaarMetadata
	SplitAddress        = api.SplitAddress
	PANRecord           = api.PANRecord
	PANMetadata         = api.PANMetadata
	DOBRecord           = api.DOBRecord
	DOBMetadata         = api.DOBMetadata
	EmailRecord         = api.EmailRecord
	EmailMetadata       = api.EmailMetadata
	GenderRecord        = api.GenderRecord
	GenderMetadata      = api.GenderMetadata
	MobileRecord        = api.MobileRecord
	MobileMetadata      = api.MobileMetadata
	NameRecord          = api.NameRecord
	NameMetadata        = api.NameMetadata
	OccupationRecord    = api.OccupationRecord
	OccupationMetadata  = api.OccupationMetadata
	AddressRecord       = api.AddressRecord
	AddressMetadata     = api.AddressMetadata
	IncomeRecord        = api.IncomeRecord
	IncomeMetadata      = api.IncomeMetadata
	BankAccountRecord   = api.BankAccountRecord
	BankAccountMetadata = api.BankAccountMetadata

	// Status values; each type has Valid() for the values known today.
	DigiLockerStatusValue = api.DigiLockerStatusValue
	ConsentStatusValue    = api.ConsentStatusValue
	FIStatusValue         = api.FIStatusValue
	FIAccountStatus       = api.FIAccountStatus
	TransactionType       = api.TransactionType
)

// Scopes of user data.
const (
	ScopeAadhaar     = api.ScopeAADHAAR
	ScopePAN         = api.ScopePAN
	ScopeDOB         = api.ScopeDOB
	ScopeEmail       = api.ScopeEMAIL
	ScopeGender      = api.ScopeGENDER
	ScopeMobile      = api.ScopeMOBILE
	ScopeName        = api.ScopeNAME
	ScopeOccupation  = api.ScopeOCCUPATION
	ScopeAddress     = api.ScopeADDRESS
	ScopeIncome      = api.ScopeINCOME
	ScopeBankAccount = api.ScopeBANKACCOUNT
)

// DigiLocker statuses. PENDING is transient; the others are terminal.
const (
	DigiLockerPending       = api.DigiLockerStatusValuePENDING
	DigiLockerAuthenticated = api.DigiLockerStatusValueAUTHENTICATED
	DigiLockerExpired       = api.DigiLockerStatusValueEXPIRED
	DigiLockerConsentDenied = api.DigiLockerStatusValueCONSENTDENIED
)

// Consent statuses. PENDING and PROCESSING are transient; the others are
// terminal.
const (
	ConsentPending    = api.ConsentStatusValuePENDING
	ConsentProcessing = api.ConsentStatusValuePROCESSING
	ConsentSuccess    = api.ConsentStatusValueSUCCESS
	ConsentPaused     = api.ConsentStatusValuePAUSED
	ConsentExpired    = api.ConsentStatusValueEXPIRED
	ConsentRevoked    = api.ConsentStatusValueREVOKED
	ConsentRejected   = api.ConsentStatusValueREJECTED
)

// Financial-information statuses. PENDING and ACTIVE are transient; the
// others are terminal.
const (
	FIPending = api.FIStatusValuePENDING
	FIActive  = api.FIStatusValueACTIVE
	FISuccess = api.FIStatusValueSUCCESS
	FIFailed  = api.FIStatusValueFAILED
	FIExpired = api.FIStatusValueEXPIRED
)

// Statuses of one account in a FinancialInformation answer. READY and
// PENDING are transient; the others are final.
const (
	AccountReady     = api.FIAccountStatusREADY
	AccountPending   = api.FIAccountStatusPENDING
	AccountDelivered = api.FIAccountStatusDELIVERED
	AccountDenied    = api.FIAccountStatusDENIED
	AccountTimeout   = api.FIAccountStatusTIMEOUT
)

// Directions of a transaction.
const (
	// Credit is not among the spec's known values (no vendor source shows
	// it); the set is open, and a statement needs both directions.
	Credit TransactionType = "CREDIT"
	Debit                  = api.TransactionTypeDEBIT
)

// IsTerminalDigiLocker reports whether a DigiLocker status is final:
// AUTHENTICATED, EXPIRED or CONSENT_DENIED. Unknown values are not.
func IsTerminalDigiLocker(s DigiLockerStatusValue) bool {
	switch s {
	case DigiLockerAuthenticated, DigiLockerExpired, DigiLockerConsentDenied:
		return true
	}
	return false
}

// IsTerminalConsent reports whether a consent status is final: SUCCESS,
// PAUSED, EXPIRED, REVOKED or REJECTED. Unknown values are not.
func IsTerminalConsent(s ConsentStatusValue) bool {
	switch s {
	case ConsentSuccess, ConsentPaused, ConsentExpired, ConsentRevoked, ConsentRejected:
		return true
	}
	return false
}

// IsTerminalFI reports whether a financial-information status is final:
// SUCCESS, FAILED or EXPIRED. Unknown values are not.
func IsTerminalFI(s FIStatusValue) bool {
	switch s {
	case FISuccess, FIFailed, FIExpired:
		return true
	}
	return false
}

// IsFinalAccount reports whether an account's status is final: DELIVERED,
// DENIED or TIMEOUT. Unknown values are not.
func IsFinalAccount(s FIAccountStatus) bool {
	switch s {
	case AccountDelivered, AccountDenied, AccountTimeout:
		return true
	}
	return false
}
