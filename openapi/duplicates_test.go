package openapi

import (
	"fmt"
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
		{`{` + strings.Join(many, ", ") + `, "k3": 3, "k39": 39}`, []string{"$.k3", "$.k39"}},
		{`{"a": [], "b": {}, "c": [[], {}], "a": null}`, []string{"$.a"}},
		{`"just a string"`, nil},
		{`12`, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, duplicateNames([]byte(tt.body)), tt.body)
	}
}
