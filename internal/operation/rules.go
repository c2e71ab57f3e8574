package operation

// Input rules the spec states, kept here once for the client's input checks
// and the mock's request checks; TestRules_matchSpec holds the patterns to
// the spec's.

// The spec's rules of a verification id (verification_id,
// consent_verification_id, fi_verification_id): its pattern and lengths.
const (
	IDPattern   = `^[A-Za-z0-9._-]+$`
	IDMinLength = 1
	IDMaxLength = 50
)

// MobilePattern is the spec's pattern of a mobile number.
const MobilePattern = `^[0-9]{10}$`

// Rules as an input error states them.
const (
	RuleID     = "must be 1 to 50 characters of letters, digits, '.', '-' and '_'"
	RuleMobile = "must be exactly 10 digits, without country code, spaces or signs"
)

// ValidID reports whether s matches IDPattern and the lengths, without a
// regexp.
func ValidID(s string) bool {
	if len(s) < IDMinLength || len(s) > IDMaxLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', ch == '.', ch == '-', ch == '_':
		default:
			return false
		}
	}
	return true
}

// ValidMobile reports whether s matches MobilePattern, without a regexp.
func ValidMobile(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
