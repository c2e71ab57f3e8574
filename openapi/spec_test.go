package openapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad_validatesEmbeddedSpec(t *testing.T) {
	doc, err := Load()
	require.NoError(t, err)
	again, err := Load()
	require.NoError(t, err)
	assert.Same(t, doc, again, "Load must hand out one shared document")
	assert.Equal(t, "3.0.3", doc.OpenAPI)
}

func TestLoad_hasTheFiveOperations(t *testing.T) {
	doc := MustLoad()
	want := map[string]string{
		"POST /user/data-availability": "getDataAvailability",
		"GET /oauth2/user-details":     "getUserDetails",
		"GET /digilocker":              "getDigiLockerStatus",
		"GET /aa/consent":              "getConsentStatus",
		"GET /aa/fi":                   "getFinancialInformation",
	}
	got := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			got[method+" "+path] = op.OperationID
		}
	}
	assert.Equal(t, want, got)
}

func TestParse_rejectsInvalidExample(t *testing.T) {
	bad := []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    N:
      type: integer
      example: "not a number"
`)
	_, err := parse(bad)
	require.Error(t, err, "example validation must stay on")
}
