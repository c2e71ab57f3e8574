package openapi

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateWebhook(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	ctx := t.Context()

	require.NoError(t, v.ValidateWebhook(ctx, []byte(`{"event_type":"AA_FI_VERIFICATION_EXPIRED","event_time":"2024-02-15 16:53:15","version":"1.0","data":{"status":"EXPIRED","fi_verification_id":"f"}}`)))

	err = v.ValidateWebhook(ctx, []byte(`{"event_type":"AA_FI_VERIFICATION_EXPIRED","event_time":"2024-02-15 16:53:15","event_time":"2024-02-15T16:53:15Z","data":{"status":"EXPIRED"}}`))
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, WebhookOperation, ve.Operation)
	var paths []string
	for _, viol := range ve.Violations {
		paths = append(paths, viol.Path)
	}
	assert.Contains(t, paths, "$.event_time", "a duplicate name is reported")
	assert.Contains(t, paths, "$.data.fi_verification_id")

	err = v.ValidateWebhook(ctx, []byte(`not json`))
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "$", ve.Violations[0].Path)
}

func TestValidateWebhook_specWithoutTheSchema(t *testing.T) {
	t.Parallel()
	doc, err := parse(YAML)
	require.NoError(t, err)
	delete(doc.Components.Schemas, WebhookSchema)
	v, err := NewValidator(doc)
	require.NoError(t, err)
	err = v.ValidateWebhook(t.Context(), []byte(`{}`))
	require.ErrorContains(t, err, "no WebhookEvent schema")
	var ve *ValidationError
	assert.False(t, errors.As(err, &ve))
}

func TestValidateWebhook_vocabularyPolicy(t *testing.T) {
	t.Parallel()
	v, err := DefaultValidator()
	require.NoError(t, err)
	// A status and an event type the spec does not list yet are drift, not
	// violations, as in responses; a wrong type stays a violation.
	for body, want := range map[string]string{
		`{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","data":{"status":"ARCHIVED","consent_verification_id":"c"}}`: "unknown-enum-value $.data.status",
		`{"event_type":"AA_CONSENT_VERIFICATION_ARCHIVED","event_time":"2024-02-15 16:53:15","data":{"status":"SUCCESS","consent_verification_id":"c"}}`: "unknown-enum-value $.event_type",
	} {
		require.NoError(t, v.ValidateWebhook(t.Context(), []byte(body)))
		drift, err := v.ValidateWebhookAndDrift(t.Context(), []byte(body))
		require.NoError(t, err)
		require.Len(t, drift, 1)
		assert.Equal(t, want, string(drift[0].Kind)+" "+drift[0].Path)
	}
	err = v.ValidateWebhook(t.Context(), []byte(`{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","data":{"status":7,"consent_verification_id":"c"}}`))
	require.Error(t, err)
}
