package verificationapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/downstream/verificationapi"
	"github.com/cfverify/cfverify/openapi/wire"
)

// stub answers GET /digilocker from the downstream module's own generated
// server interface; the other operations answer 501.
type stub struct{}

var _ verificationapi.ServerInterface = stub{}

func notImplemented(w http.ResponseWriter) { w.WriteHeader(http.StatusNotImplemented) }

func (stub) GetConsentStatus(w http.ResponseWriter, _ *http.Request, _ verificationapi.GetConsentStatusParams) {
	notImplemented(w)
}

func (stub) GetFinancialInformation(w http.ResponseWriter, _ *http.Request, _ verificationapi.GetFinancialInformationParams) {
	notImplemented(w)
}

func (stub) GetUserDetails(w http.ResponseWriter, _ *http.Request, _ verificationapi.GetUserDetailsParams) {
	notImplemented(w)
}

func (stub) GetDataAvailability(w http.ResponseWriter, _ *http.Request, _ verificationapi.GetDataAvailabilityParams) {
	notImplemented(w)
}

func (stub) GetDigiLockerStatus(w http.ResponseWriter, _ *http.Request, params verificationapi.GetDigiLockerStatusParams) {
	status := verificationapi.DigiLockerAuthenticated
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(verificationapi.DigiLockerStatus{
		Status:         &status,
		VerificationId: params.VerificationID,
		ReferenceId:    wire.NewIntID(42),
	})
}

func TestGeneratedServerServesTheSpec(t *testing.T) {
	srv := httptest.NewServer(verificationapi.Handler(stub{}))
	defer srv.Close()

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/digilocker?verification_id=demo-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-version", "2024-12-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	var got verificationapi.DigiLockerStatus
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Status == nil || *got.Status != verificationapi.DigiLockerAuthenticated {
		t.Fatalf("status field %v, want AUTHENTICATED", got.Status)
	}
	if got.VerificationId == nil || *got.VerificationId != "demo-1" {
		t.Fatalf("verification_id %v, want demo-1", got.VerificationId)
	}
	if id, ok := got.ReferenceId.Int64(); !ok || id != 42 {
		t.Fatalf("reference_id %v, want 42", got.ReferenceId)
	}
}
