package verification

// The predicates the Wait helpers stop on. The status constants
// (DigiLockerExpired, ConsentSuccess, …) are generated from the spec's
// x-enum-varnames: one name per value.

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
