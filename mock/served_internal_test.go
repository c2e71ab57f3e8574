package mock

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/openapi"
)

// TestHandle_servesEveryOperation: every operation of the spec reaches its
// method of the generated server interface through the operation table;
// none falls through to the 501 of an operation the table lacks.
func TestHandle_servesEveryOperation(t *testing.T) {
	h, err := NewHandler()
	require.NoError(t, err)
	t.Cleanup(h.Close)
	seen := 0
	for path, item := range openapi.MustLoad().Paths.Map() {
		for method, op := range item.Operations() {
			seen++
			r := httptest.NewRequest(method, path, nil)
			rep := h.handle(op.OperationID, r, nil)
			assert.NotEqual(t, http.StatusNotImplemented, rep.status, op.OperationID)
			assert.False(t, rep.offSpec, op.OperationID)
		}
	}
	assert.Equal(t, len(operation.All), seen)
	assert.Len(t, servers, seen)
	rep := h.handle("getSomethingNew", httptest.NewRequest(http.MethodGet, "/new", nil), nil)
	assert.Equal(t, http.StatusNotImplemented, rep.status, "an operation the mock lacks is a 501")
}

// TestStatusKinds_coverTable: each status operation of the table has its
// kind (status path and body), its lookup errors, and its resource.
func TestStatusKinds_coverTable(t *testing.T) {
	require.Len(t, statusKinds, len(operation.Lookups()))
	for _, op := range operation.Lookups() {
		k, ok := statusKinds[RecordKind(op.Resource)]
		require.True(t, ok, op.ID)
		assert.Equal(t, op.ID, k.op.ID)
		lk, ok := lookups[op.ID]
		require.True(t, ok, op.ID)
		assert.Equal(t, op.IDParam, lk.idParam)
		assert.Equal(t, op.RefParam+"_value_invalid", lk.refNotFound.code)
		assert.Contains(t, resources, lk.res)
		assert.Len(t, k.path(DefaultScenario()), k.stages(DefaultScenario()), op.ID)
	}
}

// TestOperationAliases: the CLI's command names and the resource names
// name operations in faults.
func TestOperationAliases(t *testing.T) {
	for name, want := range map[string]string{
		"consent-status": operation.ConsentStatusID, "consent": operation.ConsentStatusID,
		"fi": operation.FinancialInformationID, "digilocker-status": operation.DigiLockerStatusID,
		"data-availability": operation.DataAvailabilityID, "user-details": operation.UserDetailsID,
		operation.UserDetailsID: operation.UserDetailsID,
	} {
		got, err := canonicalOperation(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	_, err := canonicalOperation("nope")
	assert.ErrorContains(t, err, "one of data-availability, user-details, digilocker, consent, fi")
}
