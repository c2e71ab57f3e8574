package client

import (
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/internal/rawclient"
	"github.com/cfverify/cfverify/openapi/wire"
)

// TestRequests_matchGenerated holds the hand-built requests to the
// builders of the generated raw client (internal/rawclient, kept as this
// oracle): same method, URL, headers and body for every
// operation, lookup kind, signature or none, and base URL shape.
func TestRequests_matchGenerated(t *testing.T) {
	t.Parallel()
	sig := "c2lnbmF0dXJl+/="
	daBody := rawclient.DataAvailabilityRequest{
		VerificationID: "onb-001",
		User:           []rawclient.UserIdentifier{{IdentifierType: rawclient.IdentifierTypeMOBILE, IdentifierValue: "9988123456"}},
	}
	for _, server := range []string{
		"https://sandbox.cashfree.com/verification/",
		"https://rawclient.cashfree.com/",
		"http://127.0.0.1:8080/prefix/verification/",
	} {
		for _, s := range []*string{nil, &sig} {
			sigText := ""
			if s != nil {
				sigText = *s
			}
			for _, l := range []Lookup{ByVerificationID("ABC_00.1-23"), ByReferenceID(wire.NewIntID(9007199254740993))} {
				type pair struct {
					name      string
					got, want func() (*http.Request, error)
				}
				const v = "2024-12-01"
				pairs := []pair{
					{"DataAvailability",
						func() (*http.Request, error) {
							body, err := dataAvailabilityBody(DataAvailabilityParams{VerificationID: "onb-001", Mobile: "9988123456"})
							if err != nil {
								return nil, err
							}
							return newRequest(operation.DataAvailability, server, request{body: body}, v, sigText)
						},
						func() (*http.Request, error) {
							return rawclient.NewGetDataAvailabilityRequest(server, &rawclient.GetDataAvailabilityParams{XApiVersion: v, XCfSignature: s}, daBody)
						}},
					{"UserDetails",
						func() (*http.Request, error) { return newRequest(operation.UserDetails, server, request{}, v, "") },
						func() (*http.Request, error) {
							return rawclient.NewGetUserDetailsRequest(server, &rawclient.GetUserDetailsParams{XApiVersion: v})
						}},
					{"DigiLockerStatus",
						func() (*http.Request, error) {
							return newRequest(operation.DigiLockerStatus, server, request{query: lookupQuery(operation.DigiLockerStatus, l)}, v, sigText)
						},
						func() (*http.Request, error) {
							return rawclient.NewGetDigiLockerStatusRequest(server, &rawclient.GetDigiLockerStatusParams{
								VerificationID: idOrNil(l), ReferenceID: refOrNil(l), XApiVersion: v, XCfSignature: s})
						}},
					{"ConsentStatus",
						func() (*http.Request, error) {
							return newRequest(operation.ConsentStatus, server, request{query: lookupQuery(operation.ConsentStatus, l)}, v, sigText)
						},
						func() (*http.Request, error) {
							return rawclient.NewGetConsentStatusRequest(server, &rawclient.GetConsentStatusParams{
								ConsentVerificationID: idOrNil(l), ConsentRefID: refOrNil(l), XApiVersion: v, XCfSignature: s})
						}},
					{"FinancialInformation",
						func() (*http.Request, error) {
							return newRequest(operation.FinancialInformation, server, request{query: lookupQuery(operation.FinancialInformation, l)}, v, sigText)
						},
						func() (*http.Request, error) {
							return rawclient.NewGetFinancialInformationRequest(server, &rawclient.GetFinancialInformationParams{
								FIVerificationID: idOrNil(l), FIRefID: refOrNil(l), XApiVersion: v, XCfSignature: s})
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

// idOrNil and refOrNil give a lookup's ids as the generated params want
// them: nil when unset.
func idOrNil(l Lookup) *string {
	if l.VerificationID == "" {
		return nil
	}
	return &l.VerificationID
}

func refOrNil(l Lookup) *int64 {
	v, ok := l.ReferenceID.Int64()
	if !ok {
		return nil
	}
	return &v
}
