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

	// decoded[i] is Scopes[i] decoded into its typed scope (api.AadhaarScope,
	// …) when the answer arrived, so that accessors do not decode it again;
	// nil for a scope the client does not know. Accessors read these: a
	// caller that rewrites Scopes in place should not expect them to follow.
	// When Scopes is given another length, accessors decode afresh.
	decoded []any
	names   []Scope // names[i] is the scope of Scopes[i], as check read it
}

// check decodes every known scope's records once, so that a malformed
// answer fails the call instead of a later accessor, and keeps the results
// for the accessors.
func (u *UserDetails) check() error {
	u.decoded = make([]any, len(u.Scopes))
	u.names = make([]Scope, len(u.Scopes))
	for i, sd := range u.Scopes {
		name, err := sd.Discriminator()
		if err != nil {
			return fmt.Errorf("scopes[%d]: %w", i, err)
		}
		u.names[i] = Scope(name)
		if !api.Scope(name).Valid() {
			continue
		}
		decode := scopeDecoders[api.Scope(name)]
		if decode == nil {
			decode = api.ScopeData.ValueByDiscriminator
		}
		v, err := decode(sd)
		if err != nil {
			return fmt.Errorf("scopes[%d] (%s): %w", i, name, err)
		}
		u.decoded[i] = v
	}
	return nil
}

// decodeAs adapts a generated AsXScope method to scopeDecoders.
func decodeAs[S any](as func(api.ScopeData) (S, error)) func(api.ScopeData) (any, error) {
	return func(sd api.ScopeData) (any, error) { return as(sd) }
}

// scopeDecoders decode the record of one scope whose name check has read
// already. ValueByDiscriminator would decode the name a second time: that
// was a third of a UserDetails call. A scope missing here falls back to it.
var scopeDecoders = map[api.Scope]func(api.ScopeData) (any, error){
	api.ScopeAADHAAR:     decodeAs(api.ScopeData.AsAadhaarScope),
	api.ScopeADDRESS:     decodeAs(api.ScopeData.AsAddressScope),
	api.ScopeBANKACCOUNT: decodeAs(api.ScopeData.AsBankAccountScope),
	api.ScopeDOB:         decodeAs(api.ScopeData.AsDOBScope),
	api.ScopeEMAIL:       decodeAs(api.ScopeData.AsEmailScope),
	api.ScopeGENDER:      decodeAs(api.ScopeData.AsGenderScope),
	api.ScopeINCOME:      decodeAs(api.ScopeData.AsIncomeScope),
	api.ScopeMOBILE:      decodeAs(api.ScopeData.AsMobileScope),
	api.ScopeNAME:        decodeAs(api.ScopeData.AsNameScope),
	api.ScopeOCCUPATION:  decodeAs(api.ScopeData.AsOccupationScope),
	api.ScopePAN:         decodeAs(api.ScopeData.AsPANScope),
}

// Shared lists the scopes present in the answer, in order, unknown ones
// included.
func (u *UserDetails) Shared() []Scope {
	if u == nil {
		return nil
	}
	var out []Scope
	for i := range u.Scopes {
		if name, err := u.scopeAt(i); err == nil && name != "" {
			out = append(out, name)
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
	for i, sd := range u.Scopes {
		if name, err := u.scopeAt(i); err != nil || name != scope {
			continue
		}
		if s, ok := u.checked(i).(S); ok {
			out = append(out, recs(s)...)
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

// scopeAt returns the scope of Scopes[i], as check read it when it could.
func (u *UserDetails) scopeAt(i int) (Scope, error) {
	if len(u.names) == len(u.Scopes) {
		return u.names[i], nil
	}
	name, err := u.Scopes[i].Discriminator()
	return Scope(name), err
}

// checked returns Scopes[i] as check decoded it, or nil.
func (u *UserDetails) checked(i int) any {
	if len(u.decoded) == len(u.Scopes) {
		return u.decoded[i]
	}
	return nil
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
