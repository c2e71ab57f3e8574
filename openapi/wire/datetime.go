package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// Date is a calendar date as the API sends it: `YYYY-MM-DD` in most places,
// `DD-MM-YYYY` in DigiLocker and Aadhaar dates of birth. It keeps the text it
// arrived as, so decoding never fails on a layout nobody documented (a bank's
// blank opening date must not cost a whole statement) and re-encoding gives
// back the same bytes; Time parses it on demand.
type Date struct {
	raw string
}

// Layouts Date.Time accepts, most common first.
var dateLayouts = []string{"2006-01-02", "02-01-2006"}

// NewDate returns the date of t in `YYYY-MM-DD` form.
func NewDate(t time.Time) Date { return Date{raw: t.Format(time.DateOnly)} }

// DateOf returns a Date holding s as it is, for building values in tests and mocks.
func DateOf(s string) Date { return Date{raw: s} }

// String returns the date as received.
func (d Date) String() string { return d.raw }

// IsZero reports whether the date is empty.
func (d Date) IsZero() bool { return d.raw == "" }

// Time parses the date, in `YYYY-MM-DD` or `DD-MM-YYYY` form, at midnight UTC.
func (d Date) Time() (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, d.raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q is neither YYYY-MM-DD nor DD-MM-YYYY", d.raw)
}

// MarshalJSON writes the date as received.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.raw) }

// UnmarshalJSON accepts any JSON string; null leaves the date empty.
func (d *Date) UnmarshalJSON(data []byte) error {
	raw, err := jsonText(data, "date")
	if err == nil {
		d.raw = raw
	}
	return err
}

// Timestamp is an instant with its UTC offset as the API sends it
// (`2021-04-01T13:20:14+05:30`, `2024-01-01T00:00:00Z`). Like Date it keeps
// the text, so an odd value never fails a whole response, and re-encoding
// gives back the same bytes (time.Time would rewrite `+00:00` as `Z`).
type Timestamp struct {
	raw string
}

// Layouts Timestamp.Time accepts: RFC 3339, and the same without an offset.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05"}

// NewTimestamp returns t in RFC 3339 form, keeping its offset.
func NewTimestamp(t time.Time) Timestamp { return Timestamp{raw: t.Format(time.RFC3339)} }

// TimestampOf returns a Timestamp holding s as it is.
func TimestampOf(s string) Timestamp { return Timestamp{raw: s} }

// String returns the timestamp as received.
func (ts Timestamp) String() string { return ts.raw }

// IsZero reports whether the timestamp is empty.
func (ts Timestamp) IsZero() bool { return ts.raw == "" }

// Time parses the timestamp, keeping its offset; one without an offset is
// read as UTC.
func (ts Timestamp) Time() (time.Time, error) {
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, ts.raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q is not RFC 3339", ts.raw)
}

// MarshalJSON writes the timestamp as received.
func (ts Timestamp) MarshalJSON() ([]byte, error) { return json.Marshal(ts.raw) }

// UnmarshalJSON accepts any JSON string; null leaves the timestamp empty.
func (ts *Timestamp) UnmarshalJSON(data []byte) error {
	raw, err := jsonText(data, "timestamp")
	if err == nil {
		ts.raw = raw
	}
	return err
}

// jsonText reads a JSON string (fast path: no escapes) or null.
func jsonText(data []byte, what string) (string, error) {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		return "", nil
	}
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		// The value is not quoted back: it may be personal data.
		return "", fmt.Errorf("%s must be a JSON string or null", what)
	}
	// Fast path: plain text needs no unescaping. Invalid UTF-8 takes the slow
	// path, where encoding/json replaces it with U+FFFD as for any string.
	inner := data[1 : len(data)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return "", err
	}
	return s, nil
}
