package operation_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/openapi"
)

// TestTable_matchesSpec holds every row of the table to the spec: the
// operation exists at that method and path, its security is the row's
// auth, and its query parameters are the row's lookup names; and the spec
// has no operation the table lacks.
func TestTable_matchesSpec(t *testing.T) {
	t.Parallel()
	doc := openapi.MustLoad()
	seen := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			seen++
			row, ok := operation.ByID(op.OperationID)
			require.True(t, ok, "spec operation %s is not in the table", op.OperationID)
			assert.Equal(t, method, row.Method, row.ID)
			assert.Equal(t, strings.TrimPrefix(path, "/"), row.Path, row.ID)

			var schemes []string
			for _, req := range *op.Security {
				for name := range req {
					schemes = append(schemes, name)
				}
			}
			if row.Auth == operation.Bearer {
				assert.Equal(t, []string{"AccessToken"}, schemes, row.ID)
			} else {
				assert.ElementsMatch(t, []string{"ClientID", "ClientSecret"}, schemes, row.ID)
			}

			var query []string
			for _, p := range op.Parameters {
				if p.Value.In == openapi3.ParameterInQuery {
					query = append(query, p.Value.Name)
				}
			}
			if row.IDParam == "" {
				assert.Empty(t, query, row.ID)
			} else {
				assert.ElementsMatch(t, []string{row.IDParam, row.RefParam}, query, row.ID)
			}
		}
	}
	assert.Equal(t, len(operation.All), seen, "the table and the spec list different numbers of operations")
	assert.True(t, operation.DigiLockerStatus.Idempotent())
	assert.False(t, operation.DataAvailability.Idempotent())
	assert.Equal(t, http.MethodPost, operation.DataAvailability.Method)
}

// TestRules_matchSpec holds the input rules to the spec's schemas.
func TestRules_matchSpec(t *testing.T) {
	t.Parallel()
	doc := openapi.MustLoad()
	id := doc.Components.Schemas["VerificationID"].Value
	assert.Equal(t, operation.IDPattern, id.Pattern)
	assert.Equal(t, uint64(operation.IDMinLength), id.MinLength)
	require.NotNil(t, id.MaxLength)
	assert.Equal(t, uint64(operation.IDMaxLength), *id.MaxLength)
	mobile := doc.Components.Schemas["UserIdentifier"].Value.Properties["identifier_value"].Value
	assert.Equal(t, operation.MobilePattern, mobile.Pattern)

	// The hand-written checks agree with the patterns on edge cases.
	for s, want := range map[string]bool{"a": true, "A.b-c_9": true, strings.Repeat("x", 50): true,
		"": false, strings.Repeat("x", 51): false, "a b": false, "é": false, "a/b": false} {
		assert.Equal(t, want, operation.ValidID(s), "ValidID(%q)", s)
	}
	for s, want := range map[string]bool{"9988123456": true, "998812345": false, "99881234567": false,
		"+919988123": false, "99881234a6": false} {
		assert.Equal(t, want, operation.ValidMobile(s), "ValidMobile(%q)", s)
	}
}
