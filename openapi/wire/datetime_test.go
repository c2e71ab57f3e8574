package wire

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDate_bothLayoutsAndExactRoundTrip(t *testing.T) {
	t.Parallel()
	cases := map[string]time.Time{
		`"2022-04-01"`: time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC),
		`"02-02-1995"`: time.Date(1995, 2, 2, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		var d Date
		require.NoError(t, json.Unmarshal([]byte(in), &d))
		got, err := d.Time()
		require.NoError(t, err, in)
		assert.True(t, want.Equal(got), in)
		out, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Equal(t, in, string(out))
	}
}

func TestDate_oddValuesDecodeButDoNotParse(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`""`, `" "`, `"2022/04/01"`, `"31-02-2020"`} {
		var d Date
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		_, err := d.Time()
		assert.Error(t, err, in)
	}
	var d Date
	assert.Error(t, json.Unmarshal([]byte(`20220401`), &d), "a number is not a date")
}

func TestTimestamp_keepsOffsetAndText(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"2021-04-01T13:20:14+05:30"`, `"2020-06-22T07:50:00+00:00"`, `"2024-01-01T00:00:00Z"`} {
		var ts Timestamp
		require.NoError(t, json.Unmarshal([]byte(in), &ts))
		out, err := json.Marshal(ts)
		require.NoError(t, err)
		assert.Equal(t, in, string(out), "re-encoded exactly")
	}
	ts := TimestampOf("2021-04-01T13:20:14+05:30")
	got, err := ts.Time()
	require.NoError(t, err)
	_, offset := got.Zone()
	assert.Equal(t, 5*3600+30*60, offset)
	assert.Equal(t, time.Date(2021, 4, 1, 7, 50, 14, 0, time.UTC), got.UTC())

	_, err = TimestampOf("dateTime").Time()
	assert.Error(t, err)
}

func TestDateAndTimestamp_constructorsAndNull(t *testing.T) {
	t.Parallel()
	ist := time.FixedZone("IST", 5*3600+1800)
	at := time.Date(2024, 3, 9, 10, 0, 0, 0, ist)
	assert.Equal(t, "2024-03-09", NewDate(at).String())
	assert.Equal(t, "2024-03-09T10:00:00+05:30", NewTimestamp(at).String())

	var holder struct {
		D *Date      `json:"d,omitempty"`
		T *Timestamp `json:"t,omitempty"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"d":null,"t":null}`), &holder))
	assert.Nil(t, holder.D)
	assert.Nil(t, holder.T)
	require.NoError(t, json.Unmarshal([]byte(`{"d":"01-01-2000","t":"2000-01-01T00:00:00\u002B05:30"}`), &holder))
	assert.Equal(t, "2000-01-01T00:00:00+05:30", holder.T.String(), "escaped strings decode too")
}

// Invalid UTF-8 decodes as encoding/json decodes any string (U+FFFD), so a
// second round trip gives the same value.
func TestTimestamp_invalidUTF8IsStable(t *testing.T) {
	t.Parallel()
	var first Timestamp
	require.NoError(t, json.Unmarshal([]byte("\"\xff\""), &first))
	assert.Equal(t, "\ufffd", first.String())
	out, err := json.Marshal(first)
	require.NoError(t, err)
	var second Timestamp
	require.NoError(t, json.Unmarshal(out, &second))
	assert.Equal(t, first, second)
}
