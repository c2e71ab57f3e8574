// Package wire holds the few hand-written Go types that the spec names with
// x-go-type, for values whose JSON form varies on the wire. Code generated
// from openapi/verification.yaml, here or in a downstream module, imports it.
package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
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

// Int64 returns the id as an integer, and false if it is not one.
func (id IntOrString) Int64() (int64, bool) {
	v, err := strconv.ParseInt(id.raw, 10, 64)
	return v, err == nil
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
		if _, err := strconv.ParseInt(string(data), 10, 64); err != nil {
			return fmt.Errorf("reference id %s is neither a 64-bit integer nor a string", data)
		}
		*id = IntOrString{raw: string(data)}
		return nil
	}
}
