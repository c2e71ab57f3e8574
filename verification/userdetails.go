package verification

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// UserDetails is the answer of GET /oauth2/user-details: the data the user
// agreed to share, one slice of typed records per scope.
//
// A nil slice means the answer had no entry for that scope; a scope sent
// with no records is an empty, non-nil slice. Two entries of one scope are
// joined in answer order. Scopes this version does not know are kept in
// Other as sent. Encoded (json.Marshal) it is the wire form again: one
// entry per shared scope, known scopes first, in the order of the fields.
//
// Records hold personal data: mask it before logging.
type UserDetails struct {
	// ReferenceID is Cashfree's id of the verification.
	ReferenceID ReferenceID
	// VerificationID is your id of the verification.
	VerificationID *string

	Aadhaar     []AadhaarRecord
	PAN         []PANRecord
	DOB         []DOBRecord
	Email       []EmailRecord
	Gender      []GenderRecord
	Mobile      []MobileRecord
	Name        []NameRecord
	Occupation  []OccupationRecord
	Address     []AddressRecord
	Income      []IncomeRecord
	BankAccount []BankAccountRecord

	// Other holds the entries of scopes this version does not know.
	Other []OtherScope
}

// OtherScope is an entry of a scope this version does not know.
type OtherScope struct {
	Scope Scope
	// Records is the entry's records member as sent (nil if it had none).
	Records jsontext.Value
}

// knownScope ties a scope to its field of UserDetails: decode appends one
// entry's records to the field; encode writes the field's records.
type knownScope struct {
	scope  Scope
	shared func(u *UserDetails) bool
	decode func(u *UserDetails, dec *jsontext.Decoder) error
	encode func(u *UserDetails, enc *jsontext.Encoder) error
}

func scopeField[R any](scope Scope, field func(u *UserDetails) *[]R) knownScope {
	return knownScope{
		scope:  scope,
		shared: func(u *UserDetails) bool { return *field(u) != nil },
		decode: func(u *UserDetails, dec *jsontext.Decoder) error {
			dst := field(u)
			if *dst == nil {
				*dst = []R{}
			}
			if dec.PeekKind() == 'n' {
				return dec.SkipValue()
			}
			if len(*dst) == 0 { // the usual case: decode straight into the field
				return jsonv2.UnmarshalDecode(dec, dst)
			}
			var recs []R
			if err := jsonv2.UnmarshalDecode(dec, &recs); err != nil {
				return err
			}
			*dst = append(*dst, recs...)
			return nil
		},
		encode: func(u *UserDetails, enc *jsontext.Encoder) error {
			// encoding/json: the generated records' omitempty means what it
			// means there (an empty metadata object is kept).
			b, err := json.Marshal(*field(u))
			if err != nil {
				return err
			}
			return enc.WriteValue(b)
		},
	}
}

// knownScopes lists the scopes UserDetails has a field for, in field order.
var knownScopes = []knownScope{
	scopeField(ScopeAADHAAR, func(u *UserDetails) *[]AadhaarRecord { return &u.Aadhaar }),
	scopeField(ScopePAN, func(u *UserDetails) *[]PANRecord { return &u.PAN }),
	scopeField(ScopeDOB, func(u *UserDetails) *[]DOBRecord { return &u.DOB }),
	scopeField(ScopeEMAIL, func(u *UserDetails) *[]EmailRecord { return &u.Email }),
	scopeField(ScopeGENDER, func(u *UserDetails) *[]GenderRecord { return &u.Gender }),
	scopeField(ScopeMOBILE, func(u *UserDetails) *[]MobileRecord { return &u.Mobile }),
	scopeField(ScopeNAME, func(u *UserDetails) *[]NameRecord { return &u.Name }),
	scopeField(ScopeOCCUPATION, func(u *UserDetails) *[]OccupationRecord { return &u.Occupation }),
	scopeField(ScopeADDRESS, func(u *UserDetails) *[]AddressRecord { return &u.Address }),
	scopeField(ScopeINCOME, func(u *UserDetails) *[]IncomeRecord { return &u.Income }),
	scopeField(ScopeBANKACCOUNT, func(u *UserDetails) *[]BankAccountRecord { return &u.BankAccount }),
}

func findScope(s Scope) *knownScope {
	for i := range knownScopes {
		if knownScopes[i].scope == s {
			return &knownScopes[i]
		}
	}
	return nil
}

// Shared lists the scopes the answer has entries for: known ones in field
// order, then the others as sent.
func (u *UserDetails) Shared() []Scope {
	if u == nil {
		return nil
	}
	var out []Scope
	for _, k := range knownScopes {
		if k.shared(u) {
			out = append(out, k.scope)
		}
	}
	for _, o := range u.Other {
		out = append(out, o.Scope)
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

// UnmarshalJSONFrom decodes the wire form in one pass: each entry's
// records go straight into the field of its scope. Only an entry that
// sends "records" before "scope" is held as raw JSON until its scope is
// read.
func (u *UserDetails) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == 'n' {
		return dec.SkipValue()
	}
	if err := expect(dec, '{', "user details"); err != nil {
		return err
	}
	*u = UserDetails{}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch name.String() {
		case "reference_id":
			err = jsonv2.UnmarshalDecode(dec, &u.ReferenceID)
		case "verification_id":
			err = jsonv2.UnmarshalDecode(dec, &u.VerificationID)
		case "scopes":
			err = u.decodeScopes(dec)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

func (u *UserDetails) decodeScopes(dec *jsontext.Decoder) error {
	if dec.PeekKind() == 'n' {
		return dec.SkipValue()
	}
	if err := expect(dec, '[', "scopes"); err != nil {
		return err
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		if err := u.decodeScope(dec); err != nil {
			return fmt.Errorf("scopes[%d]: %w", i, err)
		}
	}
	_, err := dec.ReadToken()
	return err
}

// decodeScope decodes one entry, {"scope": …, "records": [...]}.
func (u *UserDetails) decodeScope(dec *jsontext.Decoder) error {
	if err := expect(dec, '{', "entry"); err != nil {
		return err
	}
	var (
		scope     Scope
		haveScope bool
		known     *knownScope
		held      jsontext.Value // records seen before the scope
		haveRecs  bool
	)
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch name.String() {
		case "scope":
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			if tok.Kind() != '"' {
				return errors.New("scope: not a string")
			}
			scope, haveScope = Scope(tok.String()), true
			known = findScope(scope)
		case "records":
			haveRecs = true
			switch {
			case known != nil:
				if err := known.decode(u, dec); err != nil {
					return fmt.Errorf("%s records: %w", scope, err)
				}
			default: // unknown scope, or scope not read yet
				v, err := dec.ReadValue()
				if err != nil {
					return err
				}
				held = v.Clone()
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	switch {
	case !haveScope:
		return errors.New("no scope")
	case known == nil:
		u.Other = append(u.Other, OtherScope{Scope: scope, Records: held})
	case !haveRecs:
		held = jsontext.Value("null")
		fallthrough
	case held != nil:
		if err := known.decode(u, jsontext.NewDecoder(bytes.NewReader(held))); err != nil {
			return fmt.Errorf("%s records: %w", scope, err)
		}
	}
	return nil
}

// MarshalJSONTo encodes the wire form: reference_id and verification_id
// when set, and one scopes entry per shared scope.
func (u *UserDetails) MarshalJSONTo(enc *jsontext.Encoder) error {
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return err
	}
	if !u.ReferenceID.IsZero() {
		if err := writeMember(enc, "reference_id", u.ReferenceID); err != nil {
			return err
		}
	}
	if u.VerificationID != nil {
		if err := writeMember(enc, "verification_id", u.VerificationID); err != nil {
			return err
		}
	}
	if err := enc.WriteToken(jsontext.String("scopes")); err != nil {
		return err
	}
	if err := enc.WriteToken(jsontext.BeginArray); err != nil {
		return err
	}
	for _, k := range knownScopes {
		if !k.shared(u) {
			continue
		}
		if err := writeEntry(enc, k.scope, func() error { return k.encode(u, enc) }); err != nil {
			return err
		}
	}
	for _, o := range u.Other {
		recs := o.Records
		if recs == nil {
			recs = jsontext.Value("[]")
		}
		if err := writeEntry(enc, o.Scope, func() error { return enc.WriteValue(recs) }); err != nil {
			return err
		}
	}
	if err := enc.WriteToken(jsontext.EndArray); err != nil {
		return err
	}
	return enc.WriteToken(jsontext.EndObject)
}

func writeEntry(enc *jsontext.Encoder, scope Scope, records func() error) error {
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return err
	}
	if err := writeMember(enc, "scope", string(scope)); err != nil {
		return err
	}
	if err := enc.WriteToken(jsontext.String("records")); err != nil {
		return err
	}
	if err := records(); err != nil {
		return err
	}
	return enc.WriteToken(jsontext.EndObject)
}

func writeMember(enc *jsontext.Encoder, name string, v any) error {
	if err := enc.WriteToken(jsontext.String(name)); err != nil {
		return err
	}
	return jsonv2.MarshalEncode(enc, v)
}

// MarshalJSON and UnmarshalJSON serve encoding/json callers with the same
// wire form.
func (u UserDetails) MarshalJSON() ([]byte, error) { return jsonv2.Marshal(&u) }

// UnmarshalJSON decodes the wire form; see UnmarshalJSONFrom.
func (u *UserDetails) UnmarshalJSON(data []byte) error { return jsonv2.Unmarshal(data, u) }

var _ json.Marshaler = UserDetails{}

// expect reads the opening token of an object or array.
func expect(dec *jsontext.Decoder, kind jsontext.Kind, what string) error {
	if k := dec.PeekKind(); k != kind {
		if k == 0 {
			_, err := dec.ReadToken()
			return err
		}
		return fmt.Errorf("%s: want %s, got %s", what, kind, k)
	}
	_, err := dec.ReadToken()
	return err
}
