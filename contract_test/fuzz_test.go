package contract_test

// Fuzz targets, seeded from every fixture and negative fixture. Run one with
//
//	go test -run '^$' -fuzz '^FuzzDecodeUserDetails$' -fuzztime 30s ./contract_test
//
// (make fuzz-short runs each for a few seconds). Without -fuzz, go test runs
// the seeds as ordinary tests.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cfverify/cfverify/client/api"
	"github.com/cfverify/cfverify/openapi"
)

// seedBodies adds the body of every fixture and negative of op (every
// operation when op is ""), as f.Add(body).
func seedBodies(f *testing.F, op string, status func(int) bool) {
	for _, fx := range fixtures(f) {
		if (op == "" || fx.Operation == op) && status(fx.Status) {
			f.Add(fx.body)
		}
	}
	for _, n := range negatives(f) {
		if (op == "" || n.Operation == op) && status(n.Status) {
			f.Add(n.body)
		}
	}
}

func success(s int) bool     { return s == http.StatusOK }
func failure(s int) bool     { return s != http.StatusOK }
func operationIDs() []string { return sortedKeys(operations) }

// decodeStable checks that whatever decodes into T encodes, decodes again,
// and encodes to the same bytes: the generated types and the hand-written
// IntOrString are stable, and nothing panics.
func decodeStable[T any](t *testing.T, body []byte) (*T, bool) {
	var v T
	if json.Unmarshal(body, &v) != nil {
		return nil, false
	}
	first, err := json.Marshal(&v)
	if err != nil {
		t.Fatalf("%T decoded but does not encode: %v", v, err)
	}
	var again T
	if err := json.Unmarshal(first, &again); err != nil {
		t.Fatalf("%T does not decode its own encoding %s: %v", v, first, err)
	}
	second, err := json.Marshal(&again)
	if err != nil {
		t.Fatalf("%T: second encoding: %v", v, err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("%T is not stable:\n%s\n%s", v, first, second)
	}
	return &v, true
}

func FuzzDecodeDataAvailability(f *testing.F) {
	seedBodies(f, "getDataAvailability", success)
	f.Fuzz(func(t *testing.T, body []byte) { decodeStable[api.DataAvailability](t, body) })
}

func FuzzDecodeUserDetails(f *testing.F) {
	seedBodies(f, "getUserDetails", success)
	f.Fuzz(func(t *testing.T, body []byte) {
		details, ok := decodeStable[api.UserDetails](t, body)
		if !ok {
			return
		}
		for _, sd := range details.Scopes {
			value, err := sd.ValueByDiscriminator()
			if err != nil {
				continue // an unknown scope, or not an object: a clean error
			}
			if _, err := json.Marshal(value); err != nil {
				t.Fatalf("%T decoded but does not encode: %v", value, err)
			}
		}
	})
}

func FuzzDecodeDigiLockerStatus(f *testing.F) {
	seedBodies(f, "getDigiLockerStatus", success)
	f.Fuzz(func(t *testing.T, body []byte) { decodeStable[api.DigiLockerStatus](t, body) })
}

func FuzzDecodeConsentStatus(f *testing.F) {
	seedBodies(f, "getConsentStatus", success)
	f.Fuzz(func(t *testing.T, body []byte) { decodeStable[api.ConsentStatus](t, body) })
}

func FuzzDecodeFinancialInformation(f *testing.F) {
	seedBodies(f, "getFinancialInformation", success)
	f.Fuzz(func(t *testing.T, body []byte) { decodeStable[api.FinancialInformation](t, body) })
}

func FuzzDecodeError(f *testing.F) {
	seedBodies(f, "", failure)
	f.Fuzz(func(t *testing.T, body []byte) { decodeStable[api.Error](t, body) })
}

// seedExchanges adds every fixture and negative as (operation, status, body).
func seedExchanges(f *testing.F) {
	ops := operationIDs()
	for _, fx := range fixtures(f) {
		f.Add(uint8(slices.Index(ops, fx.Operation)), uint16(fx.Status), fx.body)
	}
	for _, n := range negatives(f) {
		f.Add(uint8(slices.Index(ops, n.Operation)), uint16(n.Status), n.body)
	}
}

// FuzzValidateResponse: the validator never panics, reports violations in
// the documented shape, and what it accepts the generated types decode
// without losing a field the spec describes.
func FuzzValidateResponse(f *testing.F) {
	seedExchanges(f)
	v := validator(f)
	ops := operationIDs()
	f.Fuzz(func(t *testing.T, opIndex uint8, status uint16, body []byte) {
		op := ops[int(opIndex)%len(ops)]
		err := v.ValidateResponse(context.Background(), op, int(status), jsonHeader, body)
		if err != nil {
			var ve *openapi.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("not a *ValidationError: %T %v", err, err)
			}
			if len(ve.Violations) == 0 || ve.Operation != op || ve.Kind != openapi.KindResponse || ve.Status != int(status) {
				t.Fatalf("malformed ValidationError: %+v", ve)
			}
			for _, vi := range ve.Violations {
				if vi.Location == "" || vi.Message == "" {
					t.Fatalf("violation without location or message: %+v", vi)
				}
				if vi.Location == openapi.LocationBody && !strings.HasPrefix(vi.Path, "$") {
					t.Fatalf("body violation without a JSON path: %+v", vi)
				}
			}
			return
		}
		// Valid: the generated type must decode it, and keep every described field.
		drift, err := v.Drift(op, int(status), body)
		if err != nil {
			t.Fatalf("Drift fails on a valid body: %v", err)
		}
		var skip []string
		for _, d := range drift {
			if d.Kind != openapi.DriftUnknownProperty {
				continue
			}
			if strings.Contains(d.Message, "but for case") {
				// encoding/json would decode this unknown property into a known
				// field the spec never validated: Drift warns, nothing more to check.
				return
			}
			skip = append(skip, d.Path)
		}
		target := newTarget(t, op, int(status))
		if err := json.Unmarshal(body, target); err != nil {
			t.Fatalf("the spec accepts this %s %d body, %T does not decode it: %v", op, status, target, err)
		}
		again, err := json.Marshal(target)
		if err != nil {
			t.Fatal(err)
		}
		if diff := differences(withoutPaths(decodeAny(t, body), skip), withoutPaths(decodeAny(t, again), skip)); len(diff) > 0 {
			t.Fatalf("the spec accepts this %s %d body, %T loses: %v", op, status, target, diff)
		}
	})
}

// FuzzDrift: the drift report never panics, fails only on what it
// documents, and names every finding by a JSON path.
func FuzzDrift(f *testing.F) {
	seedExchanges(f)
	v := validator(f)
	ops := operationIDs()
	f.Fuzz(func(t *testing.T, opIndex uint8, status uint16, body []byte) {
		op := ops[int(opIndex)%len(ops)]
		findings, err := v.Drift(op, int(status), body)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "is not documented") && !strings.Contains(msg, "is not JSON") {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		for _, d := range findings {
			statusFinding := d.Kind == openapi.DriftUndocumentedStatus && d.Path == ""
			if (!statusFinding && !strings.HasPrefix(d.Path, "$")) || d.Operation != op || d.Status != int(status) || d.Message == "" {
				t.Fatalf("malformed finding: %+v", d)
			}
			switch d.Kind {
			case openapi.DriftUnknownProperty:
				if d.Value != "" {
					t.Fatalf("an unknown property's value was copied: %+v", d)
				}
			case openapi.DriftUnknownEnumValue, openapi.DriftUndocumentedStatus:
			default:
				t.Fatalf("unknown kind: %+v", d)
			}
		}
	})
}
