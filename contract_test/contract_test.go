package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cfverify/cfverify/internal/rawclient"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpec_loadsAndValidates(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load()
	require.NoError(t, err)
	require.NoError(t, doc.Validate(t.Context()), "the spec, its examples included, must validate")
	var ids []string
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	slices.Sort(ids)
	assert.Equal(t, sortedKeys(operations), ids, "the tests know every operation's type")
}

// TestIndex_describesEveryFixture keeps testdata and its index in step.
func TestIndex_describesEveryFixture(t *testing.T) {
	t.Parallel()
	indexed := map[string]bool{}
	vendor := map[int]string{}
	seeds := map[string]string{}
	for _, f := range fixtures(t) {
		assert.False(t, indexed[f.File], "%s is listed twice", f.File)
		indexed[f.File] = true
		dir, name, ok := strings.Cut(f.File, "/")
		require.True(t, ok, f.File)
		assert.Equal(t, f.Operation, dir, "%s sits in its operation's directory", f.File)
		assert.True(t, strings.HasPrefix(name, strconv.Itoa(f.Status)+"_"), "%s starts with its status", f.File)
		assert.True(t, strings.HasSuffix(name, ".json"), f.File)
		require.NotEmpty(t, f.Sources, f.File)
		for _, s := range f.Sources {
			assert.Contains(t, []string{sourceSeed, sourceVendor, sourceEdge, sourceRecorded}, s, f.File)
		}
		if slices.Contains(f.Sources, sourceVendor) {
			require.NotNil(t, f.VendorExample, "%s: which vendor example?", f.File)
			assert.NotContains(t, vendor, *f.VendorExample, "vendor example %d is in two files", *f.VendorExample)
			vendor[*f.VendorExample] = f.File
			assert.NotEmpty(t, f.ExampleName, f.File)
		}
		if slices.Contains(f.Sources, sourceSeed) {
			require.NotEmpty(t, f.Seed, f.File)
			assert.NotContains(t, seeds, f.Seed, "seed page %s is in two files", f.Seed)
			seeds[f.Seed] = f.File
		}
		if slices.Contains(f.Sources, sourceRecorded) {
			assert.NotEmpty(t, f.RecordedAt, "%s: a recorded fixture says when", f.File)
			assert.NotEmpty(t, f.APIVersion, "%s: a recorded fixture says which API version", f.File)
		}
		if slices.Contains(f.Sources, sourceEdge) {
			assert.NotEmpty(t, f.Note, "%s: an edge case says what it covers", f.File)
		}
	}
	for i := range 55 {
		assert.Contains(t, vendor, i, "vendor example %d has no fixture", i)
	}
	assert.Len(t, vendor, 55)
	assert.Len(t, seeds, 5, "one response body per seed page")

	onDisk := map[string]bool{}
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, "testdata"+string(filepath.Separator)))
		if d.IsDir() && (rel == "negative" || rel == "fuzz" || rel == "webhooks") {
			return filepath.SkipDir // their own index (webhook_test.go for webhooks); go test -fuzz's corpus
		}
		if !d.IsDir() && rel != "index.json" {
			onDisk[rel] = true
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, sortedKeys(indexed), sortedKeys(onDisk), "every fixture file is in testdata/index.json, and only those")
}

// TestFixtures_coverEveryDocumentedStatus: each status the spec documents
// for an operation has a fixture.
func TestFixtures_coverEveryDocumentedStatus(t *testing.T) {
	t.Parallel()
	have := map[string]bool{}
	for _, f := range fixtures(t) {
		have[fmt.Sprintf("%s %d", f.Operation, f.Status)] = true
	}
	doc := openapi.MustLoad()
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			for code := range op.Responses.Map() {
				if code == "default" {
					continue // the fixtures left over below are its cases
				}
				key := op.OperationID + " " + code
				assert.True(t, have[key], "no fixture for %s", key)
				delete(have, key)
			}
		}
	}
	// What is left: statuses an operation does not list, which its default
	// response describes. Each operation has one at least.
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			found := false
			for key := range have {
				if strings.HasPrefix(key, op.OperationID+" ") {
					found = true
				}
			}
			assert.True(t, found, "no fixture for a status %s does not list (its default response)", op.OperationID)
		}
	}
}

func TestFixtures_validateAgainstTheSpec(t *testing.T) {
	t.Parallel()
	v := validator(t)
	for _, f := range fixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			t.Parallel()
			err := v.ValidateResponse(t.Context(), f.Operation, f.Status, jsonHeader, f.body)
			assert.NoError(t, err)
		})
	}
}

func TestFixtures_driftIsExactlyWhatTheIndexSays(t *testing.T) {
	t.Parallel()
	v := validator(t)
	for _, f := range fixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			t.Parallel()
			got, err := v.Drift(f.Operation, f.Status, f.body)
			require.NoError(t, err)
			want := f.Drift
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, driftStrings(got))
		})
	}
}

func driftStrings(fs []openapi.DriftFinding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, string(f.Kind)+" "+f.Path)
	}
	slices.Sort(out)
	return out
}

// unknownPaths returns the JSON paths of the properties the spec does not describe.
func unknownPaths(drift []string) []string {
	var out []string
	for _, d := range drift {
		if p, ok := strings.CutPrefix(d, string(openapi.DriftUnknownProperty)+" "); ok {
			out = append(out, p)
		}
	}
	return out
}

// roundTrip decodes body into target, encodes it again, and returns what
// differs from the original, leaving out the properties at skip.
func roundTrip(t *testing.T, body []byte, target any, skip []string) []string {
	t.Helper()
	require.NoError(t, json.Unmarshal(body, target), "decoding into %T", target)
	again, err := json.Marshal(target)
	require.NoError(t, err)
	// Unknown properties are left out of both sides: the types drop them.
	return differences(sortedByScope(withoutPaths(decodeAny(t, body), skip)), sortedByScope(withoutPaths(decodeAny(t, again), skip)))
}

func TestFixtures_roundTripThroughTheGeneratedTypes(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			t.Parallel()
			target := newTarget(t, f.Operation, f.Status)
			assert.Empty(t, roundTrip(t, f.body, target, unknownPaths(f.Drift)), "fields lost or changed in %T", target)
		})
	}
}

// allScopes are the scopes UserDetails has typed records for.
var allScopes = []string{"AADHAAR", "PAN", "DOB", "EMAIL", "GENDER", "MOBILE", "NAME", "OCCUPATION", "ADDRESS", "INCOME", "BANK_ACCOUNT"}

// Every scope entry of every user-details fixture decodes into its typed
// records with no field lost: re-encoded, each scope's records are the
// fixture's (UserDetails encodes scopes in its field order, so entries are
// compared by scope, not by position).
func TestFixtures_userDetailsScopesDecodeIntoTypedRecords(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, f := range fixtures(t) {
		if f.Operation != "getUserDetails" || f.Status != http.StatusOK {
			continue
		}
		var details verification.UserDetails
		require.NoError(t, json.Unmarshal(f.body, &details), f.File)
		assert.Empty(t, details.Other, "%s: every fixture scope is a known one", f.File)
		again, err := json.Marshal(&details)
		require.NoError(t, err)
		original := byScope(t, withoutPaths(decodeAny(t, f.body), unknownPaths(f.Drift)))
		encoded := byScope(t, decodeAny(t, again))
		assert.Equal(t, sortedKeys(original), sortedKeys(encoded), f.File)
		for scope, recs := range original {
			assert.Empty(t, differences(recs, encoded[scope]), "%s: %s records lost fields", f.File, scope)
			seen[scope] = true
		}
	}
	want := map[string]bool{}
	for _, s := range allScopes {
		want[s] = true
	}
	assert.Equal(t, sortedKeys(want), sortedKeys(seen), "the fixtures exercise every scope")
}

// byScope gathers a user-details body's records by scope, in order.
func byScope(t *testing.T, body any) map[string]any {
	t.Helper()
	out := map[string]any{}
	entries, _ := body.(map[string]any)["scopes"].([]any)
	for _, e := range entries {
		entry := e.(map[string]any)
		scope, _ := entry["scope"].(string)
		recs, _ := entry["records"].([]any)
		prev, _ := out[scope].([]any)
		out[scope] = append(prev, recs...)
	}
	return out
}

// sortedByScope is a user-details body with its scope entries in scope
// order, so that two encodings compare regardless of entry order; absent
// or null scopes and records become [] (UserDetails holds "none" one way).
// Other bodies pass unchanged.
func sortedByScope(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	scopes, present := m["scopes"]
	if present && scopes == nil {
		m["scopes"] = []any{}
	}
	entries, ok := m["scopes"].([]any)
	if !ok {
		return v
	}
	entries = slices.Clone(entries)
	for _, e := range entries {
		if entry, ok := e.(map[string]any); ok && entry["records"] == nil {
			entry["records"] = []any{}
		}
	}
	slices.SortStableFunc(entries, func(a, b any) int {
		sa, _ := a.(map[string]any)["scope"].(string)
		sb, _ := b.(map[string]any)["scope"].(string)
		return strings.Compare(sa, sb)
	})
	m["scopes"] = entries
	return m
}

// TestGeneratedClient_decodesEveryFixture serves each fixture with its
// status and calls its operation through the generated client, over the
// validating transport in fail mode: the request the client builds and the
// response it reads must both match the spec, and the body must land in
// the response's field for that status.
func TestGeneratedClient_decodesEveryFixture(t *testing.T) {
	t.Parallel()
	byFile := map[string]fixture{}
	for _, f := range fixtures(t) {
		byFile[f.File] = f
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := byFile[r.Header.Get("X-Fixture")]
		if !ok {
			http.Error(w, "no such fixture", http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		_, _ = w.Write(f.body)
	}))
	t.Cleanup(srv.Close)

	transport, err := openapi.NewValidatingTransport(nil, openapi.WithMode(openapi.ModeFail), openapi.WithLogger(nil))

	require.NoError(t, err)
	client, err := rawclient.NewClientWithResponses(srv.URL+"/verification", rawclient.WithHTTPClient(&http.Client{Transport: transport}))
	require.NoError(t, err)

	const version = "2024-12-01"
	vid, ref := "verif_2024-001", int64(12345)
	for _, f := range fixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			editor := func(_ context.Context, req *http.Request) error {
				req.Header.Set("X-Fixture", f.File)
				if f.Operation == "getUserDetails" {
					req.Header.Set("Authorization", "Bearer test-token")
				} else {
					req.Header.Set("x-client-id", "test-id")
					req.Header.Set("x-client-secret", "test-secret")
				}
				return nil
			}
			var resp any
			var err error
			switch f.Operation {
			case "getDataAvailability":
				resp, err = client.GetDataAvailabilityWithResponse(ctx, &rawclient.GetDataAvailabilityParams{XApiVersion: version},
					rawclient.DataAvailabilityRequest{VerificationID: vid, User: []rawclient.UserIdentifier{{IdentifierType: rawclient.IdentifierTypeMOBILE, IdentifierValue: "9000000001"}}}, editor)
			case "getUserDetails":
				resp, err = client.GetUserDetailsWithResponse(ctx, &rawclient.GetUserDetailsParams{XApiVersion: version}, editor)
			case "getDigiLockerStatus":
				resp, err = client.GetDigiLockerStatusWithResponse(ctx, &rawclient.GetDigiLockerStatusParams{XApiVersion: version, VerificationID: &vid}, editor)
			case "getConsentStatus":
				resp, err = client.GetConsentStatusWithResponse(ctx, &rawclient.GetConsentStatusParams{XApiVersion: version, ConsentRefID: &ref}, editor)
			case "getFinancialInformation":
				resp, err = client.GetFinancialInformationWithResponse(ctx, &rawclient.GetFinancialInformationParams{XApiVersion: version, FIVerificationID: &vid}, editor)
			default:
				t.Fatalf("no call for %s", f.Operation)
			}
			require.NoError(t, err)
			field := reflect.ValueOf(resp).Elem().FieldByName("JSON" + strconv.Itoa(f.Status))
			if !field.IsValid() {
				field = reflect.ValueOf(resp).Elem().FieldByName("JSONDefault") // a status the operation does not list
			}
			require.True(t, field.IsValid(), "%T has no field for status %d", resp, f.Status)
			require.False(t, field.IsNil(), "%T.JSON%d is nil", resp, f.Status)
			again, err := json.Marshal(field.Interface())
			require.NoError(t, err)
			skip := unknownPaths(f.Drift)
			assert.Empty(t, differences(withoutPaths(decodeAny(t, f.body), skip), withoutPaths(decodeAny(t, again), skip)))
		})
	}
	assert.NoError(t, transport.Err())
}

// The request on the data-availability seed page, with its placeholders
// filled, matches the spec.
func TestSeedRequest_validates(t *testing.T) {
	t.Parallel()
	const body = `{
  "verification_id": "123456",
  "user": [
    {
      "identifier_type": "MOBILE",
      "identifier_value": "9988123456"
    }
  ]
}`
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "https://sandbox.cashfree.com/verification/user/data-availability", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-version", "2024-12-01")
	req.Header.Set("x-client-id", "test-id")
	req.Header.Set("x-client-secret", "test-secret")
	assert.NoError(t, validator(t).ValidateRequest(t.Context(), req, []byte(body)))
}

func TestNegatives_areRejectedWithTheirPaths(t *testing.T) {
	t.Parallel()
	v := validator(t)
	for _, n := range negatives(t) {
		t.Run(n.File, func(t *testing.T) {
			t.Parallel()
			if n.StrictOnly {
				drift, err := v.ValidateResponseAndDrift(t.Context(), n.Operation, n.Status, n.header(), n.body)
				require.NoError(t, err, "drift, not a violation, by default: %s", n.Note)
				got := []string{}
				for _, f := range drift {
					if f.Kind == openapi.DriftUnknownEnumValue {
						got = append(got, openapi.LocationDrift+" "+f.Path)
					}
				}
				slices.Sort(got)
				assert.Equal(t, n.Want, got, "the violations of strict mode")
				target := newTarget(t, n.Operation, n.Status)
				assert.Empty(t, roundTrip(t, n.body, target, nil), "%T still decodes this losslessly", target)
				return
			}
			err := v.ValidateResponse(t.Context(), n.Operation, n.Status, n.header(), n.body)
			require.Error(t, err, n.Note)
			var ve *openapi.ValidationError
			require.ErrorAs(t, err, &ve)
			got := make([]string, 0, len(ve.Violations))
			for _, vi := range ve.Violations {
				got = append(got, vi.Location+" "+vi.Path)
				assert.NotEmpty(t, vi.Message)
				if vi.Location == openapi.LocationBody {
					assert.Contains(t, err.Error(), "body "+vi.Path+": ", "the message names the path")
				}
			}
			slices.Sort(got)
			assert.Equal(t, n.Want, got, "every violation, each with its path")

			if n.Decodes {
				target := newTarget(t, n.Operation, n.Status)
				assert.Empty(t, roundTrip(t, n.body, target, nil), "%T still decodes this losslessly", target)
			}
		})
	}
}

func TestNegatives_indexDescribesEveryFile(t *testing.T) {
	t.Parallel()
	indexed := map[string]bool{}
	for _, n := range negatives(t) {
		indexed[n.File] = true
		dir, name, _ := strings.Cut(n.File, "/")
		assert.Equal(t, n.Operation, dir, n.File)
		assert.True(t, strings.HasPrefix(name, strconv.Itoa(n.Status)+"_"), n.File)
		assert.NotEmpty(t, n.Want, n.File)
		assert.True(t, slices.IsSorted(n.Want), "%s: want is sorted", n.File)
		assert.NotEmpty(t, n.Note, n.File)
	}
	onDisk := map[string]bool{}
	root := filepath.Join("testdata", "negative")
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err == nil && rel != "index.json" {
			onDisk[filepath.ToSlash(rel)] = true
		}
		return err
	}))
	assert.Equal(t, sortedKeys(indexed), sortedKeys(onDisk))
	_, err := os.Stat(filepath.Join(root, "index.json"))
	require.NoError(t, err)
}
