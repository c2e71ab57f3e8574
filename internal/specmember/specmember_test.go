package specmember

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body, template, value string
		ok                    bool
	}{
		{`{"a":1,"id":"x-1","b":[{"id":2}]}`, `{"a":1,"id":"S","b":[{"id":2}]}`, `"x-1"`, true},
		{" {\n \"id\" :\t\"x\" } ", " {\n \"id\" :\t\"S\" } ", `"x"`, true},
		{`{"i\u0064":"x"}`, `{"i\u0064":"S"}`, `"x"`, true},
		{`{"b":{"id":"nested"}}`, ``, ``, false},
		{`{"id":"x","id":"y"}`, ``, ``, false},
		{`{"id":"x"} {}`, ``, ``, false},
		{`{"id":"x"`, ``, ``, false},
		{`["id"]`, ``, ``, false},
		{"{\"id\":\"\xff\"}", ``, ``, false},
		{``, ``, ``, false},
	}
	for _, c := range cases {
		template, value, ok := Split([]byte(c.body), "id", []byte(`"S"`))
		assert.Equal(t, c.ok, ok, c.body)
		assert.Equal(t, c.template, string(template), c.body)
		assert.Equal(t, c.value, string(value), c.body)
	}
}

// FuzzSplit: whatever the body, a split is exact: splitting the
// template puts the value back, byte for byte, and the value is the one
// encoding/json reads for that member.
func FuzzSplit(f *testing.F) {
	f.Add([]byte(`{"verification_id":"da-1","user":[{"identifier_type":"MOBILE","identifier_value":"9999912345"}]}`))
	f.Add([]byte(` { "user" : [ ] , "verification_id" : "da-1" } `))
	f.Add([]byte(`{"verification_id":"da-1","user":"MOBILE","extra":{"verification_id":1}}`))
	f.Add([]byte(`{"verification_id":1,"verification_id":2}`))
	f.Add([]byte(`{"verification\u005fid" : {"a":[1,"}"]} }`))
	f.Fuzz(func(t *testing.T, body []byte) {
		const name = "verification_id"
		template, value, ok := Split(body, name, []byte(`"shape"`))
		if !ok {
			return
		}
		back, standIn, ok := Split(template, name, value)
		if !ok || !bytes.Equal(back, body) || string(standIn) != `"shape"` {
			t.Fatalf("split of %q is not undone: %q, %q", body, back, standIn)
		}
		var whole map[string]json.RawMessage
		if err := json.Unmarshal(body, &whole); err != nil {
			t.Fatalf("split a body encoding/json refuses: %v", err)
		}
		var want, got any
		if json.Unmarshal(whole[name], &want) != nil || json.Unmarshal(value, &got) != nil {
			t.Fatalf("the member is not JSON: %q", value)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("split %q, encoding/json reads %q", value, whole[name])
		}
	})
}
