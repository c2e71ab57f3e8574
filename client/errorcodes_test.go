package client_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

// Every error code and type in the recorded fixtures that are not edge
// cases (the vendor's documented examples) has its constant.
func TestErrorCodes_coverTheDocumentedExamples(t *testing.T) {
	t.Parallel()
	codes := map[client.ErrorCode]bool{}
	for _, c := range []client.ErrorCode{
		client.CodeClientIDMissing, client.CodeClientSecretMissing, client.CodeClientSecretInvalid,
		client.CodeAuthenticationFailed, client.CodeIPValidationFailed, client.CodeAccessTokenMissing,
		client.CodeAccessTokenInvalid, client.CodeInvalidRequest, client.CodeIdentifierTypeInvalid,
		client.CodeIdentifierValueInvalid, client.CodeVerificationIDInvalid, client.CodeReferenceIDInvalid,
		client.CodeConsentRefIDInvalid, client.CodeFIRefIDInvalid, client.CodeVerificationIDExists,
		client.CodeInsufficientBalance, client.CodeTooManyRequestsPerIP, client.CodeTooManyRequestsPerOperation,
		client.CodeVerificationFailed,
	} {
		codes[c] = true
	}
	types := map[client.ErrorType]bool{client.TypeValidation: true, client.TypeAuthentication: true,
		client.TypeNotFound: true, client.TypeRateLimit: true, client.TypeInternal: true}

	files, err := filepath.Glob("../contract_test/testdata/get*/[45]*.json")
	require.NoError(t, err)
	checked := 0
	for _, f := range files {
		if strings.Contains(filepath.Base(f), "_edge_") {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var body struct {
			Type client.ErrorType `json:"type"`
			Code client.ErrorCode `json:"code"`
		}
		if json.Unmarshal(data, &body) != nil || body.Code == "" {
			continue
		}
		checked++
		assert.True(t, codes[body.Code], "%s: code %q has no constant", f, body.Code)
		assert.True(t, types[body.Type], "%s: type %q has no constant", f, body.Type)
	}
	assert.Greater(t, checked, 20, "the fixtures were read")
}
