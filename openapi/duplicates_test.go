package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDuplicateNames(t *testing.T) {
	t.Parallel()
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf(`"k%d": %d`, i, i)
	}
	tests := []struct {
		body string
		want []string
	}{
		{`{"a": 1, "b": {"a": 2}}`, nil},
		{`{"a": 1, "a": 2}`, []string{"$.a"}},
		{`{"fi_data": [{"accounts": [{"data": "", "data": {}}]}]}`, []string{"$.fi_data[0].accounts[0].data"}},
		{`[{"x": 1}, {"x": 1, "y": [1, {"z": 0, "z": 0}], "x": 2}]`, []string{"$[1].y[1].z", "$[1].x"}},
		{`{"a": "\"a\"", "\u0061": 1}`, []string{"$.a"}},
		{`{"s": "{\"t\": 1, \"t\": 2}", "q": "\\", "r": "[,]"}`, nil},
		{`{"x-y": 1, "x-y": 2}`, []string{"$['x-y']"}},
		{"{\"\xff\": 1, \"\xfe\": 2}", []string{"$['\ufffd']"}}, // both decode to U+FFFD
		{`{` + strings.Join(many, ", ") + `, "k3": 3, "k39": 39}`, []string{"$.k3", "$.k39"}},
		{`{"a": [], "b": {}, "c": [[], {}], "a": null}`, []string{"$.a"}},
		{`"just a string"`, nil},
		{`12`, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, duplicateNames([]byte(tt.body)), tt.body)
	}
}

// duplicatesByTokens is the slow, obvious duplicateNames: encoding/json's tokens.
func duplicatesByTokens(data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []string
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key := kt.(string)
				var b strings.Builder
				b.WriteString(path)
				appendSegment(&b, key, false)
				if seen[key] {
					out = append(out, b.String())
				}
				seen[key] = true
				if err := walk(b.String()); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(path + "[" + strconv.Itoa(i) + "]"); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	if err := walk("$"); err != nil {
		return nil
	}
	return out
}

func FuzzDuplicateNames(f *testing.F) {
	for _, s := range []string{
		`{"a": 1, "a": 2}`, `[{"x": {"y": [1, {"z": 0, "z": 1}]}}]`, `{"\u0061": 1, "a": 2}`,
		`{"s": "{\"t\": 1, \"t\": 2}"}`, `{"k": "\\", "k": "\""}`, `"x"`, `[]`,
		"{\"\xff\": 1, \"\xfe\": 2}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := duplicateNames(data) // must not panic on anything
		if !json.Valid(data) {
			return
		}
		if want := duplicatesByTokens(data); !slices.Equal(got, want) {
			t.Fatalf("duplicateNames(%q) = %q, want %q", data, got, want)
		}
	})
}
