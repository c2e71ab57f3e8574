// Package webhook receives the webhooks Cashfree sends when a DigiLocker
// verification, an Account Aggregator consent or a financial-information
// request changes: it verifies them, parses them into typed events, drops
// duplicates and hands each new event to your function.
//
// Verify checks the x-webhook-signature header (base64 of HMAC-SHA256,
// keyed with the client secret, over the x-webhook-timestamp value followed
// by the raw body) in constant time, with a tolerance window on the
// timestamp and several secrets for key rotation. Parse turns a verified
// body into an Event. Handler does both, then dedupes through a Store (in
// memory by default, with a TTL; shared by replicas with packages
// redisstore and pgstore, on a fenced lease) and calls your function: 200 on success and
// on a duplicate, 401 on a bad signature or timestamp, 400 on a body that is
// not an event, 5xx when your function fails so that Cashfree retries (and
// 503 to a copy that arrives while the event is still being handled).
// Sign makes a delivery for tests.
//
// Nothing here logs or returns a secret or a signature; errors name the
// header or field and the rule it broke.
//
// The event payloads are described in openapi/verification.yaml
// (components/schemas Webhook*, referenced from x-webhooks).
package webhook
