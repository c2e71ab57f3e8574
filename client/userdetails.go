package client

import (
	"fmt"

	"github.com/cfverify/cfverify/client/api"
)

// UserDetails is the answer of GET /oauth2/user-details: the fields of the
// generated api.UserDetails (ReferenceID, VerificationID, Scopes) plus typed
// accessors, one per scope, that return that scope's records with their
// metadata. An accessor returns nil and no error when the user did not share
// the scope (see Has); records of every scope the client knows were checked
// to decode when the answer arrived. Scopes the client does not know yet are
// kept in Scopes and skipped by the accessors.
//
// Records hold personal data: mask it (MaskField, MaskPII) before logging.
type UserDetails struct {
	api.UserDetails
}

// check decodes every known scope's records once, so that a malformed
// answer fails the call instead of a later accessor.
func (u *UserDetails) check() error {
	for i, sd := range u.Scopes {
		name, err := sd.Discriminator()
		if err != nil {
			return fmt.Errorf("scopes[%d]: %w", i, err)
		}
		if !api.Scope(name).Valid() {
			continue
		}
		decode := scopeDecoders[api.Scope(name)]
		if decode == nil {
			decode = func(sd api.ScopeData) error { _, err := sd.ValueByDiscriminator(); return err }
		}
		if err := decode(sd); err != nil {
			return fmt.Errorf("scopes[%d] (%s): %w", i, name, err)
		}
	}
	return nil
}

// scopeDecoders decode the record of one scope whose name check has read
// already. ValueByDiscriminator would decode the name a second time: that
// was a third of a UserDetails call. A scope missing here falls back to it.
var scopeDecoders = map[api.Scope]func(api.ScopeData) error{
	api.ScopeAADHAAR:     func(sd api.ScopeData) error { _, err := sd.AsAadhaarScope(); return err },
	api.ScopeADDRESS:     func(sd api.ScopeData) error { _, err := sd.AsAddressScope(); return err },
	api.ScopeBANKACCOUNT: func(sd api.ScopeData) error { _, err := sd.AsBankAccountScope(); return err },
	api.ScopeDOB:         func(sd api.ScopeData) error { _, err := sd.AsDOBScope(); return err },
	api.ScopeEMAIL:       func(sd api.ScopeData) error { _, err := sd.AsEmailScope(); return err },
	api.ScopeGENDER:      func(sd api.ScopeData) error { _, err := sd.AsGenderScope(); return err },
	api.ScopeINCOME:      func(sd api.ScopeData) error { _, err := sd.AsIncomeScope(); return err },
	api.ScopeMOBILE:      func(sd api.ScopeData) error { _, err := sd.AsMobileScope(); return err },
	api.ScopeNAME:        func(sd api.ScopeData) error { _, err := sd.AsNameScope(); return err },
	api.ScopeOCCUPATION:  func(sd api.ScopeData) error { _, err := sd.AsOccupationScope(); return err },
	api.ScopePAN:         func(sd api.ScopeData) error { _, err := sd.AsPANScope(); return err },
}

// Shared lists the scopes present in the answer, in order, unknown ones
// included.
func (u *UserDetails) Shared() []Scope {
	if u == nil {
		return nil
	}
	var out []Scope
	for _, sd := range u.Scopes {
		if name, err := sd.Discriminator(); err == nil && name != "" {
			out = append(out, Scope(name))
		}
	}
	return out
}

// Has reports whether the answer has an entry for scope.
func (u *UserDetails) Has(scope Scope) bool {
	for _, s := range u.Shared() {
		if s == scope {
			return true
		}
	}
	return false
}

// records gathers the records of every entry for scope.
func records[S any, R any](u *UserDetails, scope Scope, as func(api.ScopeData) (S, error), recs func(S) []R) ([]R, error) {
	if u == nil {
		return nil, nil
	}
	var out []R
	for _, sd := range u.Scopes {
		name, err := sd.Discriminator()
		if err != nil || Scope(name) != scope {
			continue
		}
		s, err := as(sd)
		if err != nil {
			return nil, fmt.Errorf("cfverify: user details: %s records: %w", scope, err)
		}
		out = append(out, recs(s)...)
	}
	return out, nil
}

// Aadhaar returns the AADHAAR records: the (server-masked) number, name,
// address, DOB (DD-MM-YYYY), photo and more.
func (u *UserDetails) Aadhaar() ([]AadhaarRecord, error) {
	return records(u, ScopeAadhaar, api.ScopeData.AsAadhaarScope, func(s api.AadhaarScope) []AadhaarRecord { return s.Records })
}

// PAN returns the PAN records.
func (u *UserDetails) PAN() ([]PANRecord, error) {
	return records(u, ScopePAN, api.ScopeData.AsPANScope, func(s api.PANScope) []PANRecord { return s.Records })
}

// DOB returns the DOB records (YYYY-MM-DD; see ParseDate).
func (u *UserDetails) DOB() ([]DOBRecord, error) {
	return records(u, ScopeDOB, api.ScopeData.AsDOBScope, func(s api.DOBScope) []DOBRecord { return s.Records })
}

// Email returns the EMAIL records.
func (u *UserDetails) Email() ([]EmailRecord, error) {
	return records(u, ScopeEmail, api.ScopeData.AsEmailScope, func(s api.EmailScope) []EmailRecord { return s.Records })
}

// Gender returns the GENDER records.
func (u *UserDetails) Gender() ([]GenderRecord, error) {
	return records(u, ScopeGender, api.ScopeData.AsGenderScope, func(s api.GenderScope) []GenderRecord { return s.Records })
}

// Mobile returns the MOBILE records.
func (u *UserDetails) Mobile() ([]MobileRecord, error) {
	return records(u, ScopeMobile, api.ScopeData.AsMobileScope, func(s api.MobileScope) []MobileRecord { return s.Records })
}

// Name returns the NAME records.
func (u *UserDetails) Name() ([]NameRecord, error) {
	return records(u, ScopeName, api.ScopeData.AsNameScope, func(s api.NameScope) []NameRecord { return s.Records })
}

// Occupation returns the OCCUPATION records.
func (u *UserDetails) Occupation() ([]OccupationRecord, error) {
	return records(u, ScopeOccupation, api.ScopeData.AsOccupationScope, func(s api.OccupationScope) []OccupationRecord { return s.Records })
}

// Address returns the ADDRESS records.
func (u *UserDetails) Address() ([]AddressRecord, error) {
	return records(u, ScopeAddress, api.ScopeData.AsAddressScope, func(s api.AddressScope) []AddressRecord { return s.Records })
}

// Income returns the INCOME records.
func (u *UserDetails) Income() ([]IncomeRecord, error) {
	return records(u, ScopeIncome, api.ScopeData.AsIncomeScope, func(s api.IncomeScope) []IncomeRecord { return s.Records })
}

// BankAccount returns the BANK_ACCOUNT records.
func (u *UserDetails) BankAccount() ([]BankAccountRecord, error) {
	return records(u, ScopeBankAccount, api.ScopeData.AsBankAccountScope, func(s api.BankAccountScope) []BankAccountRecord { return s.Records })
}
