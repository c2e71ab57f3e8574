package openapi

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// findings renders drift as "kind path" (and "=value" for enums), in order.
func findings(fs []DriftFinding) []string {
	out := []string{}
	for _, f := range fs {
		s := string(f.Kind) + " " + f.Path
		if f.Value != "" {
			s += "=" + f.Value
		}
		out = append(out, s)
	}
	return out
}

func TestValidator_Drift_findsNothingInTheSpecsOwnExamples(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	specExamples(t, v.Doc(), func(op string, status int, name string, body []byte) {
		got, err := v.Drift(op, status, body)
		require.NoError(t, err)
		assert.Empty(t, got, "%s %d %s", op, status, name)
	})
}

func TestValidator_Drift_embeddedSpec(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	tests := []struct {
		name, op string
		status   int
		body     string
		want     []string
	}{
		{
			name: "unknown properties at every depth", op: "getFinancialInformation", status: 200,
			body: `{"new_top": 1, "fi_data": [{"fip_id": "F", "fip_name": "Bank", "accounts": [
				{"status": "DELIVERED", "data": {"account": {"type": "DEPOSIT", "profile": {"holders": {"holder": {"name": "A", "ckyc_id": "x"}}},
				 "transactions": {"transaction": [{"amount": "1"}, {"amount": "2", "category": "FOOD"}]}}, "fetched_at": "now"}}]}]}`,
			want: []string{
				"unknown-property $.fi_data[0].accounts[0].data.account.profile.holders.holder.ckyc_id",
				"unknown-property $.fi_data[0].accounts[0].data.account.transactions.transaction[1].category",
				"unknown-property $.fi_data[0].accounts[0].data.fetched_at",
				"unknown-property $.fi_data[0].fip_name",
				"unknown-property $.new_top",
			},
		},
		{
			name: "unknown enum values", op: "getFinancialInformation", status: 200,
			body: `{"status": "PARTIAL", "fi_data": [{"accounts": [{"status": "DELIVERED"}, {"status": "BLOCKED", "data": null}]}]}`,
			want: []string{
				"unknown-enum-value $.fi_data[0].accounts[1].status=BLOCKED",
				"unknown-enum-value $.status=PARTIAL",
			},
		},
		{
			name: "open sets: values the spec does not list are not drift", op: "getConsentStatus", status: 200,
			body: `{"consent_type": ["PROFILE", "TRANSACTION", "INSIGHTS"], "fi_types": ["DEPOSIT", "MUTUAL_FUNDS"], "consent_mode": "ARCHIVE",
				"filter": [{"type": "TRANSACTION_AMOUNT", "operator": "BETWEEN", "value": "1"}]}`,
			want: []string{},
		},
		{
			name: "allOf: the referenced schema's properties are known", op: "getDigiLockerStatus", status: 200,
			body: `{"user_details": {"name": "A", "eaadhaar": "Y", "photo": "x"}, "status": "PENDING"}`,
			want: []string{"unknown-property $.user_details.photo"},
		},
		{
			name: "discriminator: the mapped branch's properties, not another branch's", op: "getUserDetails", status: 200,
			body: `{"scopes": [
				{"scope": "AADHAAR", "records": [{"confidence_score": 0.9, "metadata": {"aadhaar": "xxxx", "pan": "ABCDE1234F", "split_address": {"pincode": "1", "flat": "2"}}}]},
				{"scope": "PAN", "records": [{"metadata": {"pan": "ABCDE1234F", "aadhaar": "xxxx"}}]},
				{"scope": "INCOME", "records": [{"metadata": {"income": "ABOVE_ONE_CRORE", "band": "x"}}]}]}`,
			want: []string{
				"unknown-property $.scopes[0].records[0].metadata.pan",
				"unknown-property $.scopes[0].records[0].metadata.split_address.flat",
				"unknown-property $.scopes[1].records[0].metadata.aadhaar",
				"unknown-property $.scopes[2].records[0].metadata.band",
			},
		},
		{
			name: "a discriminator value with no branch", op: "getUserDetails", status: 200,
			body: `{"scopes": [{"scope": "VOTER_ID", "records": [{"metadata": {"epic": "x"}}]}]}`,
			want: []string{"unknown-enum-value $.scopes[0].scope=VOTER_ID"},
		},
		{
			name: "nulls, empty objects and arrays are not drift", op: "getDigiLockerStatus", status: 200,
			body: `{"user_details": {}, "document_consent": null, "document_requested": [], "reference_id": "12"}`,
			want: []string{},
		},
		{
			name: "keys that need brackets", op: "getConsentStatus", status: 400,
			body: `{"type": "validation_error", "x-request-id": "r1", "0": true}`,
			want: []string{"unknown-property $['0']", "unknown-property $['x-request-id']"},
		},
		{
			name: "type errors are left to validation", op: "getDigiLockerStatus", status: 200,
			body: `{"user_details": [{"x": 1}], "status": 3, "document_consent": {"a": 1}}`,
			want: []string{"unknown-enum-value $.status=3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v.Drift(tt.op, tt.status, []byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, findings(got))
			for _, f := range got {
				assert.Equal(t, tt.op, f.Operation)
				assert.Equal(t, tt.status, f.Status)
				assert.NotEmpty(t, f.Message)
			}
		})
	}
}

func TestValidator_Drift_warnsOfNamesThatDifferOnlyInCase(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	got, err := v.Drift("getConsentStatus", 200, []byte(`{"Data_Life_Expiry": "07-01-2024", "other": 1}`))
	require.NoError(t, err)
	require.Equal(t, []string{"unknown-property $.Data_Life_Expiry", "unknown-property $.other"}, findings(got))
	assert.Contains(t, got[0].Message, `matches "data_life_expiry" but for case`)
	assert.Equal(t, "property is not in the spec", got[1].Message)
}

func TestValidator_Drift_neverCopiesUnknownValues(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	got, err := v.Drift("getDigiLockerStatus", 200, []byte(`{"aadhaar_number": "9999-8888-7777"}`))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Empty(t, got[0].Value)
	assert.NotContains(t, got[0].String(), "9999")
}

func TestValidator_Drift_errors(t *testing.T) {
	t.Parallel()
	v := mustDefault(t)
	_, err := v.Drift("getNothing", 200, []byte(`{}`))
	assert.ErrorContains(t, err, `no operation "getNothing"`)
	// A status the operation does not list is drift, under its default response.
	undocumented, err := v.Drift("getDigiLockerStatus", 418, []byte(`{}`))
	require.NoError(t, err)
	require.Len(t, undocumented, 1)
	assert.Equal(t, DriftUndocumentedStatus, undocumented[0].Kind)
	assert.Contains(t, undocumented[0].Message, "status 418 is not documented")
	_, err = v.Drift("getDigiLockerStatus", 200, []byte(`{"a":`))
	assert.ErrorContains(t, err, "not JSON")
	got, err := v.Drift("getDigiLockerStatus", 200, nil)
	assert.NoError(t, err)
	assert.Empty(t, got)
}

const compositionSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: getThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Things"}
components:
  schemas:
    Things:
      type: object
      properties:
        labels:
          type: object
          additionalProperties: {type: string, enum: [red, blue]}
        extra:
          type: object
          additionalProperties: true
          properties: {known: {type: string}}
        free: {type: object}
        anything: {}
        pet: {$ref: "#/components/schemas/Pet"}
        implicit: {$ref: "#/components/schemas/Implicit"}
        shape: {$ref: "#/components/schemas/Shape"}
        tree: {$ref: "#/components/schemas/Tree"}
        mixed:
          allOf:
            - {$ref: "#/components/schemas/Base"}
            - type: object
              properties: {size: {type: integer, enum: [1, 2, 3]}}
    Base:
      type: object
      properties: {id: {type: string}}
    Pet:
      oneOf:
        - {$ref: "#/components/schemas/Cat"}
        - {$ref: "#/components/schemas/Dog"}
      discriminator:
        propertyName: kind
        mapping: {cat: "#/components/schemas/Cat", dog: "Dog"}
    Implicit:
      oneOf:
        - {$ref: "#/components/schemas/Cat"}
        - {$ref: "#/components/schemas/Dog"}
      discriminator: {propertyName: kind}
    Cat:
      type: object
      required: [kind]
      properties: {kind: {type: string}, meows: {type: boolean}}
    Dog:
      type: object
      required: [kind]
      properties: {kind: {type: string}, barks: {type: boolean}}
    Shape:
      anyOf:
        - type: object
          required: [radius]
          properties: {radius: {type: number}}
        - type: object
          required: [side]
          properties: {side: {type: number}}
    Tree:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: "#/components/schemas/Tree"}}
`

func TestValidator_Drift_compositions(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(compositionSpec))
	require.NoError(t, err)
	require.NoError(t, doc.Validate(t.Context()))
	v, err := NewValidator(doc)
	require.NoError(t, err)
	tests := []struct {
		name, body string
		want       []string
	}{
		{"a declared map: keys are fine, values are checked", `{"labels": {"a": "red", "b": "green"}}`, []string{"unknown-enum-value $.labels.b=green"}},
		{"additionalProperties true", `{"extra": {"known": "k", "other": 1}}`, []string{}},
		{"a free-form object", `{"free": {"any": {"thing": 1}}, "anything": {"x": [1]}}`, []string{}},
		{"explicit mapping", `{"pet": {"kind": "cat", "meows": true, "barks": true}}`, []string{"unknown-property $.pet.barks"}},
		{"mapping by bare name", `{"pet": {"kind": "dog", "barks": true, "meows": true}}`, []string{"unknown-property $.pet.meows"}},
		{"unmapped value", `{"pet": {"kind": "bird", "sings": true}}`, []string{"unknown-enum-value $.pet.kind=bird"}},
		{"implicit mapping by schema name", `{"implicit": {"kind": "Dog", "barks": true, "meows": true}}`, []string{"unknown-property $.implicit.meows"}},
		{"anyOf: the branches the value matches", `{"shape": {"radius": 1, "colour": "red"}}`, []string{"unknown-property $.shape.colour"}},
		{"anyOf: both branches match", `{"shape": {"radius": 1, "side": 2}}`, []string{}},
		{"recursive schemas", `{"tree": {"name": "a", "children": [{"name": "b", "children": [{"leaf": true}]}]}}`, []string{"unknown-property $.tree.children[0].children[0].leaf"}},
		{"allOf parts together", `{"mixed": {"id": "x", "size": 4, "colour": "red"}}`, []string{"unknown-property $.mixed.colour", "unknown-enum-value $.mixed.size=4"}},
		{"numbers in enums", `{"mixed": {"size": 2.0}}`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v.Drift("getThings", 200, []byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, findings(got))
		})
	}
}
