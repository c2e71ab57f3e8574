// Package wire holds the few hand-written Go types that the spec names with
// x-go-type, for values whose JSON form varies on the wire. Code generated
// from openapi/verification.yaml, here or in a downstream module, imports it.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// IntOrString holds an id that the API documents as an integer in one place
// and a string in another: servers send either, so it decodes from both and
// re-encodes in the form it arrived in, so nothing is lost in a round trip.
type IntOrString struct {
	raw      string
	isString bool
}

// NewIntID returns an IntOrString that encodes as a JSON integer.
func NewIntID(v int64) IntOrString { return IntOrString{raw: strconv.FormatInt(v, 10)} }

// NewStringID returns an IntOrString that encodes as a JSON string.
func NewStringID(v string) IntOrString { return IntOrString{raw: v, isString: true} }

// String returns the id as text, whichever form it arrived in.
func (id IntOrString) String() string { return id.raw }

// Int64 returns the id as an integer, and false if it is not one. An id
// written as a JSON number in another spelling of an integer (`1.0`, `1e3`)
// reads as that integer.
func (id IntOrString) Int64() (int64, bool) {
	if v, err := strconv.ParseInt(id.raw, 10, 64); err == nil {
		return v, true
	}
	if id.isString {
		return 0, false
	}
	return integralNumber(id.raw)
}

// IsZero reports whether the id is empty, so that omitzero leaves it out.
func (id IntOrString) IsZero() bool { return id.raw == "" && !id.isString }

// MarshalJSON writes the id in the form it arrived in.
func (id IntOrString) MarshalJSON() ([]byte, error) {
	if id.isString {
		return json.Marshal(id.raw)
	}
	if id.raw == "" {
		return []byte("null"), nil
	}
	return []byte(id.raw), nil
}

// UnmarshalJSON accepts a JSON integer or a JSON string.
func (id *IntOrString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*id = IntOrString{}
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*id = IntOrString{raw: s, isString: true}
		return nil
	default:
		if _, ok := integralNumber(string(data)); !ok {
			// The value is not quoted back: it may be personal data.
			return errors.New("reference id is neither a 64-bit integer nor a string")
		}
		*id = IntOrString{raw: string(data)}
		return nil
	}
}

// integralNumber reads a JSON number that JSON Schema counts as an integer:
// plain digits, or a fraction or exponent form of a whole value in int64.
func integralNumber(s string) (int64, bool) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, true
	}
	if !json.Valid([]byte(s)) || strings.ContainsAny(s, `"{}[]tfn`) {
		return 0, false
	}
	f, _, err := big.ParseFloat(s, 10, 256, big.ToNearestEven)
	if err != nil || !f.IsInt() {
		return 0, false
	}
	v, acc := f.Int64()
	return v, acc == big.Exact
}
