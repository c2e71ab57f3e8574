package verification

// Friendly names for the status values the client, the mock and
// callers test most, and the predicates the Wait helpers stop on. The
// generated constants (DigiLockerStatusValueAUTHENTICATED, …) are the same
// values; these are the ones to use.

// DigiLocker statuses. PENDING is transient; the others are terminal.
const (
	DigiLockerPending       = DigiLockerStatusValuePENDING
	DigiLockerAuthenticated = DigiLockerStatusValueAUTHENTICATED
	DigiLockerExpired       = DigiLockerStatusValueEXPIRED
	DigiLockerConsentDenied = DigiLockerStatusValueCONSENTDENIED
)

// Consent statuses. PENDING and PROCESSING are transient; the others are
// terminal.
const (
	ConsentPending    = ConsentStatusValuePENDING
	ConsentProcessing = ConsentStatusValuePROCESSING
	ConsentSuccess    = ConsentStatusValueSUCCESS
	ConsentPaused     = ConsentStatusValuePAUSED
	ConsentExpired    = ConsentStatusValueEXPIRED
	ConsentRevoked    = ConsentStatusValueREVOKED
	ConsentRejected   = ConsentStatusValueREJECTED
)

// Financial-information statuses. PENDING and ACTIVE are transient; the
// others are terminal.
const (
	FIPending = FIStatusValuePENDING
	FIActive  = FIStatusValueACTIVE
	FISuccess = FIStatusValueSUCCESS
	FIFailed  = FIStatusValueFAILED
	FIExpired = FIStatusValueEXPIRED
)

// Statuses of one account in a FinancialInformation answer. READY and
// PENDING are transient; the others are final.
const (
	AccountReady     = FIAccountStatusREADY
	AccountPending   = FIAccountStatusPENDING
	AccountDelivered = FIAccountStatusDELIVERED
	AccountDenied    = FIAccountStatusDENIED
	AccountTimeout   = FIAccountStatusTIMEOUT
)

// Directions of a transaction.
const (
	Credit = TransactionTypeCREDIT
	Debit  = TransactionTypeDEBIT
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
