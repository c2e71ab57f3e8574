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
// x-webhooks; a ValidationError from ValidateWebhook carries it.
const WebhookOperation = "verificationWebhook"

// ValidateWebhook checks a webhook event body (the raw bytes Cashfree
// POSTs) against the spec's WebhookEvent schema, with the same schema
// options and the same duplicate-name check as response bodies. It returns
// nil or a *ValidationError listing every violation. It checks the body
// only: signature and timestamp headers are the webhook package's concern.
func (v *Validator) ValidateWebhook(_ context.Context, body []byte) error {
	ref := v.doc.Components.Schemas[WebhookSchema]
	if ref == nil || ref.Value == nil {
		return errors.New("openapi: the spec has no " + WebhookSchema + " schema")
	}
	c := &collector{doc: v.doc}
	value, err := decodeJSON(body)
	if err != nil {
		c.add(LocationBody, "$", "body is not valid JSON: "+err.Error())
		return c.result(WebhookOperation, "webhook", 0)
	}
	for _, path := range duplicateNames(body) {
		c.add(LocationBody, path, duplicateMessage)
	}
	if err := ref.Value.VisitJSON(value, v.schemaOptions...); err != nil {
		c.walk(LocationBody, "", err)
	}
	if e := c.result(WebhookOperation, "webhook", 0); e != nil {
		return e
	}
	return nil
}
