package client

import (
	"fmt"
	"strings"

	"github.com/cfverify/cfverify/internal/operation"
)

// Rules the input checks enforce, as InputError.Rule states them. The id
// and mobile rules are the spec's, kept in package operation.
const (
	ruleID          = operation.RuleID
	ruleMobile      = operation.RuleMobile
	ruleOneOf       = "give exactly one of %s and %s"
	ruleRefID       = "must be a positive integer"
	ruleAccessToken = "must be a non-empty token without whitespace or control characters (no \"Bearer \" prefix)"
)

// checkLookup enforces exactly one of the two ids of a status lookup,
// named by the operation's query parameters.
func checkLookup(o operation.Operation, l Lookup) error {
	op, idName, refName := o.ID, o.IDParam, o.RefParam
	switch {
	case l.VerificationID == "" && l.ReferenceID.IsZero():
		return &InputError{Operation: op, Field: idName + "/" + refName, Rule: fmt.Sprintf(ruleOneOf, idName, refName)}
	case l.VerificationID != "" && !l.ReferenceID.IsZero():
		return &InputError{Operation: op, Field: idName + "/" + refName, Rule: fmt.Sprintf(ruleOneOf, idName, refName)}
	case !l.ReferenceID.IsZero() && lookupRef(l) < 1:
		return &InputError{Operation: op, Field: refName, Rule: ruleRefID}
	case l.VerificationID != "" && !operation.ValidID(l.VerificationID):
		return &InputError{Operation: op, Field: idName, Rule: ruleID}
	}
	return nil
}

func checkDataAvailability(r DataAvailabilityParams) error {
	if !operation.ValidID(r.VerificationID) {
		return &InputError{Operation: OpDataAvailability, Field: "verification_id", Rule: ruleID}
	}
	if !operation.ValidMobile(r.Mobile) {
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
