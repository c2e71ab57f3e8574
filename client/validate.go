package client

import (
	"fmt"
	"strings"
)

// Rules the input checks enforce, as InputError.Rule states them.
const (
	ruleID          = "must be 1 to 50 characters of letters, digits, '.', '-' and '_'"
	ruleMobile      = "must be exactly 10 digits, without country code, spaces or signs"
	ruleOneOf       = "give exactly one of %s and %s"
	ruleRefID       = "must be a positive integer"
	ruleAccessToken = "must be a non-empty token without whitespace or control characters (no \"Bearer \" prefix)"
)

// validID reports whether s is a verification id the API accepts:
// 1 to 50 characters of ASCII letters, digits, '.', '-' and '_'.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 50 {
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

// validMobile reports whether s is exactly 10 ASCII digits.
func validMobile(s string) bool {
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

// checkLookup enforces exactly one of the two ids of a status lookup; idName
// and refName are the operation's query parameter names.
func checkLookup(op string, l Lookup, idName, refName string) error {
	switch {
	case l.VerificationID == "" && l.ReferenceID == 0:
		return &InputError{Operation: op, Field: idName + "/" + refName, Rule: fmt.Sprintf(ruleOneOf, idName, refName)}
	case l.VerificationID != "" && l.ReferenceID != 0:
		return &InputError{Operation: op, Field: idName + "/" + refName, Rule: fmt.Sprintf(ruleOneOf, idName, refName)}
	case l.ReferenceID < 0:
		return &InputError{Operation: op, Field: refName, Rule: ruleRefID}
	case l.VerificationID != "" && !validID(l.VerificationID):
		return &InputError{Operation: op, Field: idName, Rule: ruleID}
	}
	return nil
}

func checkDataAvailability(r DataAvailabilityRequest) error {
	if !validID(r.VerificationID) {
		return &InputError{Operation: OpDataAvailability, Field: "verification_id", Rule: ruleID}
	}
	if !validMobile(r.Mobile) {
		return &InputError{Operation: OpDataAvailability, Field: "mobile", Rule: ruleMobile}
	}
	return nil
}

func checkAccessToken(token string) error {
	if token == "" || strings.IndexFunc(token, isSpaceOrControl) >= 0 {
		return &InputError{Operation: OpUserDetails, Field: "access_token", Rule: ruleAccessToken}
	}
	return nil
}
