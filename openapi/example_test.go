package openapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/cfverify/cfverify/openapi"
)

// A test wraps its client's transport, makes its calls, and asserts on what
// the transport saw. Here a server answers a DigiLocker status with a field
// the spec does not know and a status value it does not list.
func ExampleNewValidatingTransport() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status": "IN_REVIEW", "verification_id": "v-1", "liveness_score": 0.9}`)
	}))
	defer srv.Close()

	transport := openapi.NewValidatingTransport(http.DefaultTransport, openapi.WithLogger(nil))
	client := &http.Client{Transport: transport} // or client.WithHTTPClient(...), api.WithHTTPClient(...)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/verification/digilocker?verification_id=v-1", nil)
	req.Header.Set("x-client-id", "test-id")
	req.Header.Set("x-client-secret", "test-secret")
	req.Header.Set("x-api-version", "2024-12-01")
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()

	for _, v := range transport.Violations() {
		fmt.Println(v)
	}
	for _, d := range transport.DriftFindings() {
		fmt.Println(d)
	}
	// IN_REVIEW is not in the closed set of statuses: drift, not a violation,
	// unless the transport is strict (WithStrictDrift).
	// Output:
	// unknown-property $.liveness_score: property is not in the spec
	// unknown-enum-value $.status: value "IN_REVIEW" is not one the spec lists (PENDING, AUTHENTICATED, EXPIRED, CONSENT_DENIED)
}

// Validating a status and body directly, as a contract test over recorded
// fixtures does.
func ExampleValidator_ValidateResponse() {
	v, err := openapi.DefaultValidator()
	if err != nil {
		panic(err)
	}
	body := []byte(`{"fi_data": [{"accounts": [{"status": "DELIVERED", "data": {"account": {"summary": {"current_balance": 666.33}}}}]}]}`)
	err = v.ValidateResponse(context.Background(), "getFinancialInformation", 200, http.Header{"Content-Type": {"application/json"}}, body)
	fmt.Println(err)
	// Output:
	// openapi: getFinancialInformation response (status 200) breaks the spec (1 violation): body $.fi_data[0].accounts[0].data.account.summary.current_balance: value must be a string
}
