package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeAny decodes JSON keeping numbers exact.
func decodeAny(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

// differences compares an original body with its round trip through a
// generated type, and describes each difference by JSON path. The rule:
//   - an object member that is null is the same as one that is absent;
//   - two strings that are both RFC 3339 date-times are the same if they
//     name the same instant with the same offset (Go writes "+00:00" as "Z");
//   - numbers compare by value ("1.0" and "1" are the same);
//   - everything else must be equal: [] is not null, {} is not null, and an
//     array keeps its length and order.
func differences(original, roundTripped any) []string {
	var out []string
	compare(original, roundTripped, "$", &out)
	return out
}

func compare(a, b any, path string, out *[]string) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: object became %s", path, kind(b)))
			return
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			x, inA := av[k]
			y, inB := bv[k]
			p := memberPath(path, k)
			switch {
			case x == nil && y == nil: // null or absent on both sides
			case !inA || x == nil:
				*out = append(*out, fmt.Sprintf("%s: absent or null became %s", p, kind(y)))
			case !inB || y == nil:
				*out = append(*out, fmt.Sprintf("%s: %s was lost", p, kind(x)))
			default:
				compare(x, y, p, out)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: array became %s", path, kind(b)))
			return
		}
		if len(av) != len(bv) {
			*out = append(*out, fmt.Sprintf("%s: %d items became %d", path, len(av), len(bv)))
			return
		}
		for i := range av {
			compare(av[i], bv[i], path+"["+strconv.Itoa(i)+"]", out)
		}
	case string:
		bv, ok := b.(string)
		switch {
		case !ok:
			*out = append(*out, fmt.Sprintf("%s: string became %s", path, kind(b)))
		case av == bv:
		case sameDateTime(av, bv):
		default:
			*out = append(*out, fmt.Sprintf("%s: string changed", path))
		}
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok || !sameNumber(av, bv) {
			*out = append(*out, fmt.Sprintf("%s: number %s became %v", path, av, b))
		}
	default: // bool or nil (nil only inside arrays)
		if a != b {
			*out = append(*out, fmt.Sprintf("%s: %v became %v", path, a, b))
		}
	}
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// sameDateTime reports whether a and b are RFC 3339 date-times of the same
// instant written with the same offset.
func sameDateTime(a, b string) bool {
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		return false
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
	if err != nil {
		return false
	}
	_, oa := ta.Zone()
	_, ob := tb.Zone()
	return ta.Equal(tb) && oa == ob
}

func sameNumber(a, b json.Number) bool {
	x, ok1 := new(big.Rat).SetString(a.String())
	y, ok2 := new(big.Rat).SetString(b.String())
	return ok1 && ok2 && x.Cmp(y) == 0
}

// memberPath renders path.key the way the openapi package does.
func memberPath(path, key string) string {
	ident := key != ""
	for i, r := range key {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			ident = false
		}
	}
	if ident {
		return path + "." + key
	}
	return path + "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(key) + "']"
}

// withoutPaths returns v with the object members at the given JSON paths removed.
func withoutPaths(v any, paths []string) any {
	if len(paths) == 0 {
		return v
	}
	drop := map[string]bool{}
	for _, p := range paths {
		drop[p] = true
	}
	return prune(v, "$", drop)
}

func prune(v any, path string, drop map[string]bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			p := memberPath(path, k)
			if !drop[p] {
				out[k] = prune(val, p, drop)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = prune(val, path+"["+strconv.Itoa(i)+"]", drop)
		}
		return out
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The comparison rule itself, so that a lenient comparator cannot hide a lost field.
func TestDifferences_rule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, a, b string
		want       []string
	}{
		{"identical", `{"a": [1, "x", true, null, {}]}`, `{"a": [1, "x", true, null, {}]}`, nil},
		{"null is absent", `{"a": null, "b": 1}`, `{"b": 1}`, nil},
		{"absent is null", `{"b": 1}`, `{"a": null, "b": 1}`, nil},
		{"a lost field", `{"a": "x", "b": 1}`, `{"b": 1}`, []string{"$.a: a string was lost"}},
		{"a field that appeared", `{}`, `{"a": 0}`, []string{"$.a: absent or null became a number"}},
		{"an empty array is not null", `{"a": []}`, `{"a": null}`, []string{"$.a: an array was lost"}},
		{"null is not an empty array", `{"a": null}`, `{"a": []}`, []string{"$.a: absent or null became an array"}},
		{"an empty object is not null", `{"a": {}}`, `{}`, []string{"$.a: an object was lost"}},
		{"+00:00 is Z", `{"t": "2020-06-22T07:50:00+00:00"}`, `{"t": "2020-06-22T07:50:00Z"}`, nil},
		{"same instant, other offset", `{"t": "2021-04-01T13:20:14+05:30"}`, `{"t": "2021-04-01T07:50:14Z"}`, []string{"$.t: string changed"}},
		{"fractions", `{"t": "2024-03-02T10:00:00.50+05:30"}`, `{"t": "2024-03-02T10:00:00.5+05:30"}`, nil},
		{"strings are exact", `{"s": "666.33"}`, `{"s": "666.330"}`, []string{"$.s: string changed"}},
		{"a date is a string", `{"d": "2024-01-07"}`, `{"d": "2024-1-7"}`, []string{"$.d: string changed"}},
		{"numbers by value", `{"n": 1.0, "m": 1e2}`, `{"n": 1, "m": 100}`, nil},
		{"a number is not a string", `{"n": 12345}`, `{"n": "12345"}`, []string{"$.n: number 12345 became 12345"}},
		{"order in arrays", `{"a": [1, 2]}`, `{"a": [2, 1]}`, []string{"$.a[0]: number 1 became 2", "$.a[1]: number 2 became 1"}},
		{"length of arrays", `{"a": [1, 2]}`, `{"a": [1]}`, []string{"$.a: 2 items became 1"}},
		{"null items count", `{"a": [null]}`, `{"a": [{}]}`, []string{"$.a[0]: <nil> became map[]"}},
		{"odd keys", `{"x-y": 1}`, `{}`, []string{"$['x-y']: a number was lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := differences(decodeAny(t, []byte(tt.a)), decodeAny(t, []byte(tt.b)))
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWithoutPaths(t *testing.T) {
	t.Parallel()
	v := decodeAny(t, []byte(`{"a": [{"x": 1, "y": 2}], "b": {"c-d": 3, "e": 4}, "f": 5}`))
	got := withoutPaths(v, []string{"$.a[0].y", "$.b['c-d']", "$.f"})
	assert.Equal(t, decodeAny(t, []byte(`{"a": [{"x": 1}], "b": {"e": 4}}`)), got)
}
