package openapi

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var dateTimeInputs = []string{
	"2021-04-01T13:20:14+05:30", "2021-04-01T13:20:14Z", "2021-04-01T13:20:14-00:00", "2024-02-29T23:59:59Z",
	"2023-02-29T10:00:00Z", "2021-04-31T10:00:00Z", "2021-13-01T10:00:00Z", "2021-00-01T10:00:00Z", "2021-04-00T10:00:00Z",
	"2021-04-01T24:00:00Z", "2021-04-01T23:60:00Z", "2021-04-01T23:59:60Z", "2021-04-01T13:20:14+24:00",
	"2021-04-01T13:20:14+05:60", "2021-04-01T13:20:14+23:59", "2021-04-01 13:20:14Z", "2021-04-01t13:20:14z",
	"2021-04-01T13:20:14.123Z", "2021-04-01T13:20:14.5+05:30", "2021-04-01T13:20:14", "2021-04-01", "0000-01-01T00:00:00Z",
	"2021-4-01T13:20:14Z", "+021-04-01T13:20:14Z", "2021-04-01T13:20:1aZ", "2021-04-01T13:20:14+0530", "2021-04-01T13:20:14+05:3",
	"", "2021-04-01T13:20:14ZZ", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
}

// checkPlain holds plainDateTime to time.Parse: it accepts nothing
// time.Parse rejects, and checkDateTime answers as time.Parse does.
func checkPlain(t *testing.T, s string) {
	t.Helper()
	_, err := time.Parse(time.RFC3339, s)
	if plainDateTime(s) && err != nil {
		t.Fatalf("plainDateTime accepts %q, time.Parse rejects it: %v", s, err)
	}
	assert.Equal(t, err == nil, checkDateTime(s) == nil, "%q", s)
}

func TestPlainDateTime_agreesWithTimeParse(t *testing.T) {
	t.Parallel()
	for _, s := range dateTimeInputs {
		checkPlain(t, s)
	}
	for _, s := range []string{"2021-04-01T13:20:14+05:30", "2021-04-01T13:20:14Z", "2024-02-29T23:59:59-11:00"} {
		assert.True(t, plainDateTime(s), "the common shape %q is recognised", s)
	}
}

func FuzzPlainDateTime(f *testing.F) {
	for _, s := range dateTimeInputs {
		f.Add(s)
	}
	f.Fuzz(checkPlain)
}
