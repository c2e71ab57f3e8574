package openapi

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeInputs are bodies the fast path must agree on with the slow one:
// valid, invalid, and every corner where encoding/json has a rule.
var decodeInputs = []string{
	`{}`, `[]`, `{"a":[]}`, `[{}]`, `""`, `0`, `-0`, `1.5e3`, `-12.25E-2`, `true`, `false`, `null`,
	` { "a" : 1 , "b" : [ true , null , "x" ] } `, "\t\n\r{\"a\":1}\n",
	`{"a": 1, "a": 2}`, `{"a": {"b": 1, "b": 1}}`, `[{"x": 1}, {"x": 1, "x": 2}]`, `{"a": "\"a\"", "\u0061": 1}`,
	`{"big": 1e400}`, `{"big": -1e400}`, `1e400`, `{"small": 1e-400}`, `{"n": 123456789012345678901234567890}`,
	`"\u00e9\u20ac\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ude00\ud83d"`, `"\ud83d\ud83d\ude00"`,
	`"\/\b\f\n\r\t\\\""`, `"\x"`, `"\u12"`, `"\u12G4"`, `"\`, `"abc`, "\"tab\tinside\"", "\"nl\ninside\"",
	"\"caf\xc3\xa9\"", "\"\xff\"", "{\"\xff\": 1, \"\xfe\": 2}", "\"\xe2\x82\"", "\"\xed\xa0\x80\"",
	"\xef\xbb\xbf{}", `{"a":1}x`, `{"a":1} {"b":2}`, `{"a": }`, `{"a" 1}`, `{a: 1}`, `{"a": 1,}`, `[1,]`, `[,1]`,
	`01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `--1`, `0x10`, `tru`, `truex`, `nul`, `[true false]`, `{"a":1 "b":2}`,
	``, ` `, `}`, `]`, `[`, `{`, `{"a"`, `{"a":`, `[1`, `NaN`, `Infinity`, `{"a":"b"}}`,
	`{"fi_data": [{"accounts": [{"data": "", "data": {}}]}]}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10001), strings.Repeat(`{"a":`, 10000) + `[]` + strings.Repeat(`}`, 10000),
	strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200),
}

// checkAgreement holds the fast path to the slow one on one input.
func checkAgreement(t *testing.T, body []byte) (fast bool) {
	t.Helper()
	slowValue, slowDuplicates, slowErr := decodeSlow(body)
	fastValue, ok := decodeFast(body)
	if ok {
		require.NoError(t, slowErr, "the fast path accepted what the slow one rejects: %q", body)
		require.Empty(t, slowDuplicates, "the fast path accepted repeated names: %q", body)
		require.True(t, reflect.DeepEqual(slowValue, fastValue), "values differ for %q:\nslow %#v\nfast %#v", body, slowValue, fastValue)
	}
	value, duplicates, err := decodeBody(body)
	require.True(t, reflect.DeepEqual(slowValue, value), "decodeBody's value differs for %q", body)
	require.Equal(t, slowDuplicates, duplicates, "%q", body)
	if slowErr == nil {
		require.NoError(t, err, "%q", body)
	} else {
		require.EqualError(t, err, slowErr.Error(), "%q", body)
	}
	return ok
}

func TestDecodeFast_agreesWithTheSlowPath(t *testing.T) {
	t.Parallel()
	for _, in := range decodeInputs {
		checkAgreement(t, []byte(in))
	}
	// The fast path is taken where it should be, not only declined.
	for _, in := range []string{strings.Repeat("[", 10000) + strings.Repeat("]", 10000), `{}`, `[]`, `1.5e3`, `"\ud83d\ude00"`, `"\ud83d"`, "\"caf\xc3\xa9\"", `{"a":[1,{"b":null}]}`, string(largeFI(100))} {
		assert.True(t, checkAgreement(t, []byte(in)), "fast path declined %q", in)
	}
	for _, in := range []string{`{"a": 1, "a": 2}`, `1e400`, "\"\xff\"", `{"a":1}x`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001)} {
		assert.False(t, checkAgreement(t, []byte(in)), "fast path took %q", in)
	}
}

// Every fixture and negative of the contract tests decodes the same both ways.
func TestDecodeFast_agreesOnEveryFixture(t *testing.T) {
	t.Parallel()
	fast, n := 0, 0
	for _, body := range fixtureBodies(t) {
		n++
		if checkAgreement(t, body.data) {
			fast++
		}
	}
	require.Greater(t, n, 100, "the contract fixtures were found")
	assert.Greater(t, fast, n/2, "the fast path decodes most fixtures")
}

// The validator gives the same verdict, violations and drift with the fast
// decoding as with the slow one, on every fixture and negative.
func TestValidator_fastAndSlowDecodingAgree(t *testing.T) {
	t.Parallel()
	doc, err := Load()
	require.NoError(t, err)
	fastV, err := NewValidator(doc)
	require.NoError(t, err)
	slowV, err := NewValidator(doc)
	require.NoError(t, err)
	slowV.decode = decodeSlow
	bodies := fixtureBodies(t)
	for _, in := range decodeInputs {
		bodies = append(bodies, fixtureBody{op: "getFinancialInformation", status: 200, data: []byte(in)})
	}
	bodies = append(bodies, fixtureBody{op: "getFinancialInformation", status: 200, data: largeFI(500)})
	for _, b := range bodies {
		for _, header := range []map[string][]string{jsonHeader, nil} {
			fd, ferr := fastV.ValidateResponseStrict(t.Context(), b.op, b.status, header, b.data)
			sd, serr := slowV.ValidateResponseStrict(t.Context(), b.op, b.status, header, b.data)
			assert.Equal(t, errText(serr), errText(ferr), b.name)
			assert.Equal(t, sd, fd, b.name)
		}
		fd, ferr := fastV.Drift(b.op, b.status, b.data)
		sd, serr := slowV.Drift(b.op, b.status, b.data)
		assert.Equal(t, errText(serr), errText(ferr), b.name)
		assert.Equal(t, sd, fd, b.name)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

type fixtureBody struct {
	name, op string
	status   int
	data     []byte
}

// fixtureBodies reads the contract tests' fixtures and negatives: files
// named <status>_<name>.json under a directory named for their operation.
func fixtureBodies(t *testing.T) []fixtureBody {
	t.Helper()
	var out []fixtureBody
	root := filepath.Join("..", "contract_test", "testdata")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		status, _, ok := strings.Cut(d.Name(), "_")
		code, convErr := strconv.Atoi(status)
		if !ok || convErr != nil {
			return nil // an index
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out = append(out, fixtureBody{name: path, op: filepath.Base(filepath.Dir(path)), status: code, data: data})
		return nil
	})
	require.NoError(t, err)
	return out
}

// FuzzDecodeFast: on any input, the fast path either steps aside or gives
// exactly what the slow path gives, and decodeBody always does.
func FuzzDecodeFast(f *testing.F) {
	for _, in := range decodeInputs {
		if len(in) < 1000 {
			f.Add([]byte(in))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkAgreement(t, body)
	})
}

// Leaving out VisitAsResponse for a document without readOnly or writeOnly
// properties changes no verdict: checked against a validator that keeps it.
func TestValidator_asResponseAgrees(t *testing.T) {
	t.Parallel()
	doc, err := Load()
	require.NoError(t, err)
	require.False(t, declaresReadOrWriteOnly(doc), "the embedded spec has no readOnly or writeOnly property")
	lean, err := NewValidator(doc)
	require.NoError(t, err)
	full, err := newValidator(doc, true)
	require.NoError(t, err)
	bodies := fixtureBodies(t)
	bodies = append(bodies, fixtureBody{name: "large", op: "getFinancialInformation", status: 200, data: largeFI(300)})
	for _, b := range bodies {
		ld, lerr := lean.ValidateResponseStrict(t.Context(), b.op, b.status, jsonHeader, b.data)
		fd, ferr := full.ValidateResponseStrict(t.Context(), b.op, b.status, jsonHeader, b.data)
		assert.Equal(t, errText(ferr), errText(lerr), b.name)
		assert.Equal(t, fd, ld, b.name)
	}
}

func TestDeclaresReadOrWriteOnly(t *testing.T) {
	t.Parallel()
	load := func(prop string) bool {
		doc, err := openapi3.NewLoader().LoadFromData([]byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
			"paths": {"/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok",
			"content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}}}},
			"components": {"schemas": {"X": {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object",
			"properties": {"b": {"type": "string"` + prop + `}}}}}}}}}`))
		require.NoError(t, err)
		return declaresReadOrWriteOnly(doc)
	}
	assert.False(t, load(``))
	assert.True(t, load(`, "writeOnly": true`))
	assert.True(t, load(`, "readOnly": true`))
}

// Remembering which oneOf/anyOf branches a scalar matches changes no
// drift finding: checked against matching every value afresh.
func TestDrift_branchMemoAgrees(t *testing.T) {
	t.Parallel()
	doc, err := Load()
	require.NoError(t, err)
	memo, err := NewValidator(doc)
	require.NoError(t, err)
	fresh, err := NewValidator(doc)
	require.NoError(t, err)
	fresh.drift.noMemo = true
	bodies := fixtureBodies(t)
	// Values that repeat, one of them unlisted, in one body.
	bodies = append(bodies, fixtureBody{name: "repeated", op: "getDataAvailability", status: 200, data: []byte(
		`{"reference_id": 1, "verification_id": "v", "available_scopes": [{"scope": "PAN"}, {"scope": "NEW_SCOPE"}, {"scope": "PAN"}, {"scope": "NEW_SCOPE"}, {"scope": 5}]}`)})
	for _, b := range bodies {
		md, merr := memo.Drift(b.op, b.status, b.data)
		fd, ferr := fresh.Drift(b.op, b.status, b.data)
		assert.Equal(t, errText(ferr), errText(merr), b.name)
		assert.Equal(t, fd, md, b.name)
	}
}
