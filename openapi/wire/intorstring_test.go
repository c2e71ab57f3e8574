package wire

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntOrString_roundTripsTheFormItArrivedIn(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`123456`, `"ref123"`, `"123456"`, `9223372036854775807`, `""`} {
		var id IntOrString
		require.NoError(t, json.Unmarshal([]byte(in), &id), in)
		out, err := json.Marshal(id)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out), in)
	}
}

func TestIntOrString_accessors(t *testing.T) {
	t.Parallel()
	var id IntOrString
	require.NoError(t, json.Unmarshal([]byte(`"77"`), &id))
	n, ok := id.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(77), n)
	assert.Equal(t, "77", id.String())

	require.NoError(t, json.Unmarshal([]byte(`"ref123"`), &id))
	_, ok = id.Int64()
	assert.False(t, ok, "a non-numeric string id has no integer form")

	assert.Equal(t, "42", NewIntID(42).String())
	assert.True(t, IntOrString{}.IsZero())
	assert.False(t, NewStringID("").IsZero(), "an explicit empty string is a value")
}

func TestIntOrString_rejectsOtherJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`1.5`, `true`, `{}`, `[]`, `1e3`, `99999999999999999999`} {
		var id IntOrString
		assert.Error(t, json.Unmarshal([]byte(in), &id), in)
	}
}

func TestIntOrString_nullIsAbsent(t *testing.T) {
	t.Parallel()
	var holder struct {
		ID *IntOrString `json:"id,omitempty"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"id":null}`), &holder))
	assert.Nil(t, holder.ID)
}
