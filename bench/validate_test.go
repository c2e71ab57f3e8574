package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
)

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// BenchmarkValidation: what checking a response against the spec costs,
// on a small answer (DigiLocker status, as the mock sends it) and on the
// 10k-transaction statement. Baseline: impl=decode, json.Unmarshal of the
// body into its generated type. Figures over the same bytes:
// impl=validate (Validator.ValidateResponse), impl=drift
// (Validator.Drift), impl=transport (a ValidatingTransport round trip
// from an in-memory transport: read, validate and drift report, as every
// call through it pays).
func BenchmarkValidation(b *testing.B) {
	v, err := openapi.DefaultValidator()
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name, op, path string
		body           []byte
		decode         func([]byte) error
	}{
		{"small", client.OpDigiLockerStatus, "/verification/digilocker?verification_id=bench-dl", bodies()[client.OpDigiLockerStatus],
			func(b []byte) error { var x verification.DigiLockerStatus; return json.Unmarshal(b, &x) }},
		{"fi-10k", client.OpFinancialInformation, "/verification/aa/fi?fi_verification_id=bench-fi", statement(b, 10_000),
			func(b []byte) error { var x verification.FinancialInformation; return json.Unmarshal(b, &x) }},
	}
	for _, tc := range cases {
		b.Run("body="+tc.name+"/impl=decode", func(b *testing.B) {
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := tc.decode(tc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("body="+tc.name+"/impl=validate", func(b *testing.B) {
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := v.ValidateResponse(b.Context(), tc.op, 200, jsonHeader, tc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("body="+tc.name+"/impl=drift", func(b *testing.B) {
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if d, err := v.Drift(tc.op, 200, tc.body); err != nil || len(d) > 0 {
					b.Fatal(err, d)
				}
			}
		})
		vt, err := openapi.NewValidatingTransport(fixedTransport{body: tc.body}, openapi.WithValidator(v), openapi.WithMode(openapi.ModeFail))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("body="+tc.name+"/impl=transport", func(b *testing.B) {
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, "http://127.0.0.1:1"+tc.path, nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header = http.Header{"X-Client-Id": {clientID}, "X-Client-Secret": {secret}, "X-Api-Version": {apiVersion}}
				resp, err := vt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		})
	}
}

// BenchmarkValidatingTransportAdded: the time a ValidatingTransport adds to
// a whole client call on a small answer (request and response validation,
// drift report): impl=client+validating against impl=client, both from an
// in-memory transport answering the same body.
func BenchmarkValidatingTransportAdded(b *testing.B) {
	v, err := openapi.DefaultValidator()
	if err != nil {
		b.Fatal(err)
	}
	for _, op := range []string{client.OpDigiLockerStatus, client.OpDataAvailability} {
		rt := fixedTransport{body: bodies()[op]}
		plain := newClient(b, "http://127.0.0.1:1/verification", &http.Client{Transport: rt})
		vt, err := openapi.NewValidatingTransport(rt, openapi.WithValidator(v), openapi.WithMode(openapi.ModeFail))
		if err != nil {
			b.Fatal(err)
		}
		validating := newClient(b, "http://127.0.0.1:1/verification", &http.Client{Transport: vt})
		b.Run("op="+op+"/impl=client", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := clientCall(b.Context(), plain, op); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("op="+op+"/impl=client+validating", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := clientCall(b.Context(), validating, op); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
