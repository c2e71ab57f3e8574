package contract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testPseudonymizer(t *testing.T, key string) *pseudonymizer {
	t.Helper()
	m, err := newPseudonymizer([]byte(key))
	require.NoError(t, err)
	return m
}

func TestPseudonymizer_rejectsEmptyKey(t *testing.T) {
	t.Parallel()
	_, err := newPseudonymizer(nil)
	require.Error(t, err)
}

func TestPseudonymizer_preservesFormatsAndHidesValues(t *testing.T) {
	t.Parallel()
	in := `{"mobile":"9876543219","pan":"DUMPY0000A","aadhaar":"xxxxxxxx9012",
	"dob":"1960-08-15","aadhaar_dob":{"dob":"02-02-1995"},"email":"vinay@bank.example",
	"name":"Vinay Kumar","narration":"UPI/9876543219/getsimpl/simpl@axisbank/Axis Bank",
	"amount":"129","status":"DELIVERED","reference_id":1234,"photo_link":"aGVsbG8="}`
	out, err := testPseudonymizer(t, "k1").MaskJSON([]byte(in))
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(out, &got))

	assert.Regexp(t, `^[0-9]{10}$`, got["mobile"])
	assert.NotEqual(t, "9876543219", got["mobile"])
	assert.Regexp(t, `^[A-Z]{5}[0-9]{4}[A-Z]$`, got["pan"])
	assert.NotEqual(t, "DUMPY0000A", got["pan"])
	assert.Regexp(t, `^x{8}[0-9]{4}$`, got["aadhaar"])
	_, err = time.Parse("2006-01-02", got["dob"].(string))
	assert.NoError(t, err, "dob stays a valid YYYY-MM-DD date")
	nested := got["aadhaar_dob"].(map[string]any)["dob"].(string)
	_, err = time.Parse("02-01-2006", nested)
	assert.NoError(t, err, "dob stays a valid DD-MM-YYYY date")
	assert.True(t, strings.HasSuffix(got["email"].(string), "@example.com"))
	assert.Regexp(t, `^[A-Z][a-z]{4} [A-Z][a-z]{4}$`, got["name"])
	assert.NotContains(t, got["narration"], "9876543219")
	assert.NotContains(t, got["narration"], "simpl@axisbank")
	assert.NotContains(t, got["narration"], "Axis Bank", "names in prose are reshaped too")
	assert.True(t, strings.HasPrefix(got["narration"].(string), "UPI/"), "what the transaction was stays")
	assert.Equal(t, "129", got["amount"], "amounts are not personal")
	assert.Equal(t, "DELIVERED", got["status"])
	assert.EqualValues(t, 1234, got["reference_id"], "ids are not personal")
	assert.Equal(t, "<photo removed>", got["photo_link"])
}

func TestPseudonymizer_isDeterministicPerKey(t *testing.T) {
	t.Parallel()
	body := []byte(`{"user":[{"identifier_value":"9988123456"}],"mobile":"9988123456"}`)
	a, err := testPseudonymizer(t, "k1").MaskJSON(body)
	require.NoError(t, err)
	b, err := testPseudonymizer(t, "k1").MaskJSON(body)
	require.NoError(t, err)
	c, err := testPseudonymizer(t, "k2").MaskJSON(body)
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b), "same key, same stand-ins")
	assert.NotEqual(t, string(a), string(c), "another key, other stand-ins")

	var got struct {
		User []struct {
			IdentifierValue string `json:"identifier_value"`
		} `json:"user"`
		Mobile string `json:"mobile"`
	}
	require.NoError(t, json.Unmarshal(a, &got))
	assert.Equal(t, got.Mobile, got.User[0].IdentifierValue, "one value, one stand-in, wherever it appears")
	assert.Equal(t, testPseudonymizer(t, "k1").Mobile("9988123456"), got.Mobile)
}

// Every vendor example, masked, keeps no personal value of the original.
func TestPseudonymizer_vendorExamplesLeaveNoPersonalValue(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "reference", "vendor-examples.json"))
	if err != nil {
		t.Skipf("vendor examples not beside the repo (%v); the other tests cover the rules", err)
	}
	var examples []struct {
		Body json.RawMessage `json:"body"`
	}
	require.NoError(t, json.Unmarshal(raw, &examples))
	personal := []string{"9988123456", "ABCDE1234F", "Mallesh", "9876543219", "Vinay Kumar", "DUMPY0000A", "1234567890", "John Doe", "example@example.com"}
	m := testPseudonymizer(t, "vendor")
	for _, ex := range examples {
		out, err := m.MaskJSON(ex.Body)
		require.NoError(t, err)
		for _, p := range personal {
			assert.NotContains(t, string(out), p)
		}
		assert.True(t, json.Valid(out))
	}
}

func TestPseudonymizer_rejectsNonJSON(t *testing.T) {
	t.Parallel()
	_, err := testPseudonymizer(t, "k").MaskJSON([]byte("<html>"))
	require.Error(t, err)
}
