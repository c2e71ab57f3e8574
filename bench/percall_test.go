package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/verification"
)

// Paths of the five operations, from the operation table.
var opPaths = func() map[string]string {
	paths := map[string]string{}
	for _, op := range operation.All {
		paths[op.ID] = "/" + op.Path
	}
	return paths
}()

var opOrder = []string{
	client.OpDataAvailability, client.OpUserDetails, client.OpDigiLockerStatus,
	client.OpConsentStatus, client.OpFinancialInformation,
}

// handCall is the same call as the client's, written by hand with net/http
// and encoding/json: build the request, send it, read the body, check the
// status, decode into the same type (for user details, each scope's
// records into their typed structs: see handUserDetails).
type handCall struct {
	hc   *http.Client
	base string
}

func (h handCall) do(ctx context.Context, method, path string, query url.Values, body any, auth string, out any) error {
	u := h.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	} else {
		req.Header.Set("X-Client-Id", clientID)
		req.Header.Set("X-Client-Secret", secret)
	}
	req.Header.Set("X-Api-Version", apiVersion)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "hand-written")
	resp, err := h.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

func (h handCall) call(ctx context.Context, op string) error {
	switch op {
	case client.OpDataAvailability:
		var out verification.DataAvailability
		return h.do(ctx, http.MethodPost, opPaths[op], nil, verification.DataAvailabilityRequest{
			VerificationID: "bench-da",
			User:           []verification.UserIdentifier{{IdentifierType: verification.IdentifierTypeMOBILE, IdentifierValue: "9988123456"}},
		}, "", &out)
	case client.OpUserDetails:
		var out handUserDetails // every record into its typed struct
		return h.do(ctx, http.MethodGet, opPaths[op], nil, nil, token, &out)
	case client.OpDigiLockerStatus:
		var out verification.DigiLockerStatus
		return h.do(ctx, http.MethodGet, opPaths[op], url.Values{"verification_id": {"bench-dl"}}, nil, "", &out)
	case client.OpConsentStatus:
		var out verification.ConsentStatus
		return h.do(ctx, http.MethodGet, opPaths[op], url.Values{"consent_verification_id": {"bench-consent"}}, nil, "", &out)
	default:
		var out verification.FinancialInformation
		return h.do(ctx, http.MethodGet, opPaths[op], url.Values{"fi_verification_id": {"bench-fi"}}, nil, "", &out)
	}
}

// clientCall makes the same call through the client.
func clientCall(ctx context.Context, c *client.Client, op string) error {
	var err error
	switch op {
	case client.OpDataAvailability:
		_, err = c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: "bench-da", Mobile: "9988123456"})
	case client.OpUserDetails:
		_, err = c.UserDetails(ctx, token)
	case client.OpDigiLockerStatus:
		_, err = c.DigiLockerStatus(ctx, client.ByVerificationID("bench-dl"))
	case client.OpConsentStatus:
		_, err = c.ConsentStatus(ctx, client.ByVerificationID("bench-consent"))
	default:
		_, err = c.FinancialInformation(ctx, client.ByVerificationID("bench-fi"))
	}
	return err
}

// BenchmarkPerCall: each operation through the client against an
// in-process loopback server answering a fixed body (the mock's), beside
// the hand-written net/http + encoding/json call of the same request and
// body. Figure: client; baseline: handwritten.
func BenchmarkPerCall(b *testing.B) {
	byPath := map[string][]byte{}
	for op, p := range opPaths {
		byPath[p] = bodies()[op]
	}
	srv := fixedServer(b, byPath)
	c := newClient(b, srv.URL, nil)
	hand := handCall{hc: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}, base: srv.URL}
	b.Cleanup(hand.hc.CloseIdleConnections)
	for _, op := range opOrder {
		b.Run("op="+op+"/impl=handwritten", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := hand.call(b.Context(), op); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("op="+op+"/impl=client", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := clientCall(b.Context(), c, op); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPerCallInMemory is BenchmarkPerCall without the network: both
// sides get the fixed body from an in-memory RoundTripper, so the ratio
// shows the client's own work undiluted by loopback TCP.
func BenchmarkPerCallInMemory(b *testing.B) {
	for _, op := range opOrder {
		rt := fixedTransport{body: bodies()[op]}
		c := newClient(b, "http://127.0.0.1:1", &http.Client{Transport: rt})
		hand := handCall{hc: &http.Client{Transport: rt}, base: "http://127.0.0.1:1"}
		b.Run("op="+op+"/impl=handwritten", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := hand.call(b.Context(), op); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("op="+op+"/impl=client", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := clientCall(b.Context(), c, op); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
