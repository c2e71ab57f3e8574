package contract_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// pseudonymizer is how make record keeps personal data out of fixtures.
// It replaces personal data in API response bodies with
// deterministic, format-preserving stand-ins, so that fixtures recorded from
// live traffic keep their shape (a 10-digit mobile stays 10 digits, a PAN
// stays five letters, four digits and a letter, a date stays a valid date in
// the same layout) while no real value is written to disk.
//
// The mapping is keyed: the same value maps to the same stand-in under the
// same key, so relations inside and across fixtures survive (the mobile in
// data availability equals the mobile in user details), but without the key
// nobody can test a guessed value against a stand-in. Never use a published
// key for real data: a 10-digit space is small enough to search.
type pseudonymizer struct {
	key []byte
}

// newPseudonymizer returns a pseudonymizer keyed by key, which must not be empty.
func newPseudonymizer(key []byte) (*pseudonymizer, error) {
	if len(key) == 0 {
		return nil, fmt.Errorf("pseudonym: empty key")
	}
	return &pseudonymizer{key: bytes.Clone(key)}, nil
}

// How a field's value is replaced, chosen by the field's name.
type rule int

const (
	keepValue  rule = iota
	sameShape       // every letter and digit replaced by one of its class
	dateValue       // a valid date in the same layout
	emailValue      // local part reshaped, domain example.com
	freeText        // prose: all but a leading channel word reshaped
	dropValue       // replaced by a short marker (photos)
)

// fieldRules names the personal fields of the five operations' responses.
var fieldRules = map[string]rule{
	"mobile": sameShape, "identifier_value": sameShape, "value": sameShape,
	"landline": sameShape, "pan": sameShape, "aadhaar": sameShape,
	"bank_account": sameShape, "masked_acc_number": sameShape, "mobile_hash": sameShape,
	"name": sameShape, "registered_name": sameShape, "name_pan_card": sameShape,
	"name_at_bank": sameShape, "care_of": sameShape, "address": sameShape,
	"complete_address": sameShape, "house": sameShape, "street": sameShape,
	"landmark": sameShape, "po": sameShape, "vtc": sameShape, "subdist": sameShape,
	"dist": sameShape, "pincode": sameShape, "year_of_birth": sameShape,
	"dob": dateValue, "email": emailValue, "narration": freeText,
	"photo_link": dropValue,
}

// MaskJSON returns body with every personal field replaced. Object keys come
// out sorted; numbers keep their exact text.
func (m *pseudonymizer) MaskJSON(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("pseudonym: decode body: %w", err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m.walk(doc, keepValue)); err != nil {
		return nil, fmt.Errorf("pseudonym: encode body: %w", err)
	}
	return out.Bytes(), nil
}

func (m *pseudonymizer) walk(v any, r rule) any {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			t[k] = m.walk(child, fieldRules[k])
		}
		return t
	case []any:
		for i, child := range t {
			t[i] = m.walk(child, r)
		}
		return t
	case string:
		return m.String(t, r)
	case json.Number:
		if r == sameShape {
			return json.Number(m.reshape(string(t)))
		}
		return t
	default:
		return v
	}
}

// String applies rule r to one value.
func (m *pseudonymizer) String(s string, r rule) string {
	switch r {
	case sameShape:
		return m.reshape(s)
	case dateValue:
		return m.date(s)
	case emailValue:
		return m.email(s)
	case freeText:
		return m.text(s)
	case dropValue:
		if s == "" {
			return s
		}
		return "<photo removed>"
	default:
		return s
	}
}

// Mobile returns the stand-in for a 10-digit mobile number, as it appears in
// masked bodies; tests use it to check that relations survive.
func (m *pseudonymizer) Mobile(s string) string { return m.reshape(s) }

// stream returns a deterministic byte stream for a value.
func (m *pseudonymizer) stream(s string) func() uint32 {
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(s))
	seed := mac.Sum(nil)
	var counter uint32
	return func() uint32 {
		h := hmac.New(sha256.New, seed)
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], counter)
		counter++
		h.Write(b[:])
		return binary.BigEndian.Uint32(h.Sum(nil))
	}
}

// reshape replaces each digit with a digit and each letter with a letter of
// the same case; masking characters (x, X, *) and punctuation stay.
func (m *pseudonymizer) reshape(s string) string {
	next := m.stream("shape:" + s)
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch {
		case c == 'x' || c == 'X' || c == '*':
			b.WriteRune(c)
		case c >= '0' && c <= '9':
			b.WriteByte(byte('0' + next()%10))
		case c >= 'a' && c <= 'z':
			b.WriteByte(byte('a' + next()%26))
		case c >= 'A' && c <= 'Z':
			b.WriteByte(byte('A' + next()%26))
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

var dateLayouts = []string{"2006-01-02", "02-01-2006", "02/01/2006"}

// date maps a date to a valid date between 1950 and 2004 in the same layout;
// anything else is reshaped.
func (m *pseudonymizer) date(s string) string {
	for _, layout := range dateLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			next := m.stream("date:" + s)
			base := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
			return base.AddDate(0, 0, int(next()%(55*365))).Format(layout)
		}
	}
	return m.reshape(s)
}

func (m *pseudonymizer) email(s string) string {
	local, _, ok := strings.Cut(s, "@")
	if !ok {
		return m.reshape(s)
	}
	return m.reshape(local) + "@example.com"
}

// channel matches the leading word of a narration that says how money moved
// (UPI, NEFT, IMPS, ATM WDL, POS, …): it identifies nobody and is kept.
var channel = regexp.MustCompile(`^[A-Z][A-Z ]{1,11}/`)

// text masks prose such as a transaction narration, where banks put names,
// mobiles, UPI ids and account numbers: everything after the leading channel
// word is reshaped, letters to letters and digits to digits.
func (m *pseudonymizer) text(s string) string {
	prefix := channel.FindString(s)
	return prefix + m.reshape(s[len(prefix):])
}
