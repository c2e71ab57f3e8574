package openapi

import (
	"context"
	"errors"
)

// WebhookSchema names the components/schemas entry every webhook event body
// must match: a oneOf of the DigiLocker, consent and financial-information
// events, told apart by event_type.
const WebhookSchema = "WebhookEvent"

// WebhookOperation is the operationId of the webhook in the spec's
// x-webhooks; a ValidationError or DriftFinding about a webhook carries it.
const WebhookOperation = "verificationWebhook"

// KindWebhook is the ValidationError.Kind of a webhook body.
const KindWebhook = "webhook"

// ValidateWebhook checks a webhook event body (the raw bytes Cashfree
// POSTs) against the spec's WebhookEvent schema, with the same schema
// options, duplicate-name check and vocabulary policy as response bodies: a
// string a closed set does not list (a new status, a new event type) is
// drift, not a violation. It returns nil or a *ValidationError listing every
// violation. It checks the body only: signature and timestamp headers are
// the webhook package's concern.
func (v *Validator) ValidateWebhook(ctx context.Context, body []byte) error {
	verr, _, err := v.checkWebhook(body, false)
	if err != nil {
		return err
	}
	if verr != nil {
		return verr
	}
	return nil
}

// ValidateWebhookAndDrift is ValidateWebhook that also returns the body's
// drift from the schema (properties it does not describe, values its closed
// sets do not list), as ValidateResponseAndDrift does for responses.
func (v *Validator) ValidateWebhookAndDrift(ctx context.Context, body []byte) ([]DriftFinding, error) {
	verr, drift, err := v.checkWebhook(body, true)
	if err != nil {
		return nil, err
	}
	if verr != nil {
		return drift, verr
	}
	return drift, nil
}

func (v *Validator) checkWebhook(body []byte, withDrift bool) (*ValidationError, []DriftFinding, error) {
	ref := v.doc.Components.Schemas[WebhookSchema]
	if ref == nil || ref.Value == nil {
		return nil, nil, errors.New("openapi: the spec has no " + WebhookSchema + " schema")
	}
	c := &collector{doc: v.doc}
	value, err := decodeJSON(body)
	if err != nil {
		c.add(LocationBody, "$", "body is not valid JSON: "+err.Error())
		return c.result(WebhookOperation, KindWebhook, 0), nil, nil
	}
	for _, path := range duplicateNames(body) {
		c.add(LocationBody, path, duplicateMessage)
	}
	if err := ref.Value.VisitJSON(value, v.schemaOptions...); err != nil {
		c.walk(LocationBody, "", err)
	}
	verr := c.result(WebhookOperation, KindWebhook, 0)
	var drift []DriftFinding
	if withDrift || verr != nil {
		drift = v.drift.findings(WebhookOperation, 0, ref.Value, value)
	}
	return demoteClosedSetValues(verr, drift, value), drift, nil
}
