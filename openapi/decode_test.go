package openapi

import (
	"encoding/json"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	v, err := decodeJSON([]byte(`{"a": 1.5, "b": [true, null, "x"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(map[string]any)["a"]; got != 1.5 {
		t.Errorf("a = %#v, want 1.5", got)
	}
	// A number beyond float64 is still JSON: it decodes, as a json.Number,
	// for the schema check to judge.
	v, err = decodeJSON([]byte(`{"big": 1e400}`))
	if err != nil {
		t.Fatalf("1e400: %v", err)
	}
	if got := v.(map[string]any)["big"]; got != json.Number("1e400") {
		t.Errorf("big = %#v, want json.Number(1e400)", got)
	}
	for _, bad := range []string{``, `  `, `{"a": 1} {"b": 2}`, `{"a": 1}x`, `{"a": `, `{"big": 1e400} x`} {
		if _, err := decodeJSON([]byte(bad)); err == nil {
			t.Errorf("%q: decoded, want an error", bad)
		}
	}
}
