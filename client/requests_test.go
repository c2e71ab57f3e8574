package client

import (
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/cfverify/cfverify/client/api"
)

// TestRequests_matchGenerated holds the hand-built requests to the
// generated builders: same method, URL, headers and body for every
// operation, lookup kind, signature or none, and base URL shape.
func TestRequests_matchGenerated(t *testing.T) {
	t.Parallel()
	sig := "c2lnbmF0dXJl+/="
	daBody := api.DataAvailabilityRequest{
		VerificationID: "onb-001",
		User:           []api.UserIdentifier{{IdentifierType: api.IdentifierTypeMOBILE, IdentifierValue: "9988123456"}},
	}
	for _, server := range []string{
		"https://sandbox.cashfree.com/verification/",
		"https://api.cashfree.com/",
		"http://127.0.0.1:8080/prefix/verification/",
	} {
		for _, s := range []*string{nil, &sig} {
			for _, l := range []Lookup{ByVerificationID("ABC_00.1-23"), ByReferenceID(9007199254740993)} {
				type pair struct {
					name      string
					got, want func() (*http.Request, error)
				}
				const v = "2024-12-01"
				pairs := []pair{
					{"DataAvailability",
						func() (*http.Request, error) { return newDataAvailabilityRequest(server, v, s, daBody) },
						func() (*http.Request, error) {
							return api.NewGetDataAvailabilityRequest(server, &api.GetDataAvailabilityParams{XApiVersion: v, XCfSignature: s}, daBody)
						}},
					{"UserDetails",
						func() (*http.Request, error) { return newUserDetailsRequest(server, v) },
						func() (*http.Request, error) {
							return api.NewGetUserDetailsRequest(server, &api.GetUserDetailsParams{XApiVersion: v})
						}},
					{"DigiLockerStatus",
						func() (*http.Request, error) { return newDigiLockerStatusRequest(server, v, s, l) },
						func() (*http.Request, error) {
							return api.NewGetDigiLockerStatusRequest(server, &api.GetDigiLockerStatusParams{
								VerificationID: l.idOrNil(), ReferenceID: l.refOrNil(), XApiVersion: v, XCfSignature: s})
						}},
					{"ConsentStatus",
						func() (*http.Request, error) { return newConsentStatusRequest(server, v, s, l) },
						func() (*http.Request, error) {
							return api.NewGetConsentStatusRequest(server, &api.GetConsentStatusParams{
								ConsentVerificationID: l.idOrNil(), ConsentRefID: l.refOrNil(), XApiVersion: v, XCfSignature: s})
						}},
					{"FinancialInformation",
						func() (*http.Request, error) { return newFinancialInformationRequest(server, v, s, l) },
						func() (*http.Request, error) {
							return api.NewGetFinancialInformationRequest(server, &api.GetFinancialInformationParams{
								FIVerificationID: l.idOrNil(), FIRefID: l.refOrNil(), XApiVersion: v, XCfSignature: s})
						}},
				}
				for _, p := range pairs {
					got, err := p.got()
					if err != nil {
						t.Fatalf("%s: %v", p.name, err)
					}
					want, err := p.want()
					if err != nil {
						t.Fatalf("%s generated: %v", p.name, err)
					}
					where := p.name + " " + server
					if got.Method != want.Method || got.URL.String() != want.URL.String() || got.Host != want.Host {
						t.Errorf("%s: %s %s (host %q), generated %s %s (host %q)", where, got.Method, got.URL, got.Host, want.Method, want.URL, want.Host)
					}
					if !reflect.DeepEqual(got.Header, want.Header) {
						t.Errorf("%s: header %v, generated %v", where, got.Header, want.Header)
					}
					if got.ContentLength != want.ContentLength || (got.GetBody == nil) != (want.GetBody == nil) {
						t.Errorf("%s: content length %d (GetBody %t), generated %d (GetBody %t)", where,
							got.ContentLength, got.GetBody != nil, want.ContentLength, want.GetBody != nil)
					}
					if g, w := readAll(t, got.Body), readAll(t, want.Body); g != w {
						t.Errorf("%s: body %q, generated %q", where, g, w)
					}
				}
			}
		}
	}
}

func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	if r == nil || r == http.NoBody {
		return ""
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
