package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/loadgen"
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

// BenchmarkTransportPaired: the validating transport against its baseline
// in paired rounds, for the issue-12 targets. Each iteration is one round:
// a block of baseline calls and a block of subject calls, their order
// swapped every other round, so that the machine's swings fall on both;
// the metrics are the median over rounds of the per-round figure and a
// distribution-free interval for it (order statistics, ≥95% coverage from
// six rounds on). Run with -benchtime=Nx for N rounds.
//
//   - body=fi-10k: a ValidatingTransport round trip (read, validate, drift)
//     over the 10k-transaction statement against json.Unmarshal of the same
//     bytes into the generated type: "ratio".
//   - op=…: a whole client call through the validating transport against
//     the same call without it, on a small answer: "added-µs" per call.
func BenchmarkTransportPaired(b *testing.B) {
	v, err := openapi.DefaultValidator()
	if err != nil {
		b.Fatal(err)
	}
	fi := statement(b, 10_000)
	vt, err := openapi.NewValidatingTransport(fixedTransport{body: fi}, openapi.WithValidator(v), openapi.WithMode(openapi.ModeFail))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("body=fi-10k", func(b *testing.B) {
		decode := func() error { var x verification.FinancialInformation; return json.Unmarshal(fi, &x) }
		transport := func() error {
			req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, "http://127.0.0.1:1/verification/aa/fi?fi_verification_id=bench-fi", nil)
			if err != nil {
				return err
			}
			req.Header = http.Header{"X-Client-Id": {clientID}, "X-Client-Secret": {secret}, "X-Api-Version": {apiVersion}}
			resp, err := vt.RoundTrip(req)
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			return err
		}
		ratios, _ := pairedRounds(b, 2, decode, transport)
		reportInterval(b, ratios, 1, "ratio")
	})
	for _, op := range []string{client.OpDigiLockerStatus, client.OpDataAvailability} {
		b.Run("op="+op, func(b *testing.B) {
			rt := fixedTransport{body: bodies()[op]}
			plain := newClient(b, "http://127.0.0.1:1/verification", &http.Client{Transport: rt})
			vt, err := openapi.NewValidatingTransport(rt, openapi.WithValidator(v), openapi.WithMode(openapi.ModeFail))
			if err != nil {
				b.Fatal(err)
			}
			validating := newClient(b, "http://127.0.0.1:1/verification", &http.Client{Transport: vt})
			_, added := pairedRounds(b, 300,
				func() error { return clientCall(b.Context(), plain, op) },
				func() error { return clientCall(b.Context(), validating, op) })
			reportInterval(b, added, 1e6, "added-µs")
		})
	}
}

// pairedRounds runs b.N rounds of reps baseline calls and reps subject
// calls, alternating which goes first, and returns each round's ratio
// (subject time over baseline time) and added seconds per call.
func pairedRounds(b *testing.B, reps int, baseline, subject func() error) (ratios, added []float64) {
	block := func(f func() error) time.Duration {
		start := time.Now()
		for range reps {
			if err := f(); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	block(baseline) // warm both up
	block(subject)
	b.ResetTimer()
	for i := range b.N {
		var base, subj time.Duration
		if i%2 == 0 {
			base, subj = block(baseline), block(subject)
		} else {
			subj, base = block(subject), block(baseline)
		}
		ratios = append(ratios, float64(subj)/float64(base))
		added = append(added, (subj-base).Seconds()/float64(reps))
	}
	return ratios, added
}

// reportInterval reports the median of xs (times scale) as unit, and its
// interval as unit-lo and unit-hi.
func reportInterval(b *testing.B, xs []float64, scale float64, unit string) {
	median, lo, hi, _ := loadgen.MedianInterval(xs)
	b.ReportMetric(median*scale, unit)
	b.ReportMetric(lo*scale, unit+"-lo")
	b.ReportMetric(hi*scale, unit+"-hi")
}
