package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/cfverify/cfverify/webhook"
)

// A receiver: verify, dedupe, then act on the event. Cashfree gets 200 when
// the function returns nil and retries when it returns an error.
func ExampleNewHandler() {
	h, err := webhook.NewHandler(func(ctx context.Context, ev *webhook.Event) error {
		switch ev.Type {
		case webhook.DigiLockerVerificationSuccess:
			fmt.Println("verified:", ev.ResourceID)
		case webhook.ConsentVerificationSuccess, webhook.FIVerificationSuccess:
			fmt.Println("data ready:", ev.Resource, ev.ResourceID)
		default:
			fmt.Println("ended:", ev.Type, ev.ResourceID, ev.Status)
		}
		return nil
	}, webhook.WithSecrets("client-secret")) // os.Getenv("CASHFREE_CLIENT_SECRET")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h) // in production: http.Handle("/webhooks/cashfree", h)
	defer srv.Close()

	// What Cashfree sends, twice (duplicates happen).
	body := []byte(`{"event_type":"AA_CONSENT_VERIFICATION_REVOKED","event_time":"2024-02-15 16:53:15","version":"v1","data":{"status":"REVOKED","consent_verification_id":"c-42"}}`)
	for range 2 {
		ts := webhook.Timestamp(time.Now())
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(webhook.HeaderTimestamp, ts)
		req.Header.Set(webhook.HeaderSignature, webhook.Sign("client-secret", ts, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Printf("%+v\n", h.Stats())
	// Output:
	// ended: AA_CONSENT_VERIFICATION_REVOKED c-42 REVOKED
	// 200
	// 200
	// {Handled:1 Duplicates:1 Unauthorized:0 Malformed:0 Refused:0 Failed:0 InProgress:0}
}

func ExampleVerify() {
	body := []byte(`{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15T16:53:15Z","version":"1.0","data":{"status":"ACTIVE","fi_verification_id":"fi-7"}}`)
	ts := webhook.Timestamp(time.Now())
	sig := webhook.Sign("client-secret", ts, body)

	fmt.Println(webhook.Verify("client-secret", ts, sig, body))
	fmt.Println(webhook.Verify("wrong-secret", ts, sig, body))
	ev, _ := webhook.Parse(body)
	fmt.Println(ev.Type, ev.Resource, ev.ResourceID, ev.FI.Status)
	// Output:
	// <nil>
	// webhook: signature does not match the body with any configured secret
	// AA_FI_VERIFICATION_ACTIVE fi fi-7 ACTIVE
}
