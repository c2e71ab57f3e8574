package contract_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
	"github.com/cfverify/cfverify/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// webhookFixture is one entry of testdata/webhooks/index.json: an event
// body the spec, package webhook and the generated union all accept.
type webhookFixture struct {
	File      string   `json:"file"`
	EventType string   `json:"event_type"`
	Sources   []string `json:"sources"`
	Note      string   `json:"note"`
	Drift     []string `json:"drift,omitempty"` // what ValidateWebhookAndDrift reports, as "kind path"
}

// webhookNegative is one entry of testdata/webhooks/negative/index.json.
type webhookNegative struct {
	File   string   `json:"file"`
	Want   []string `json:"want"`   // every violation, as "location path", sorted
	Parses bool     `json:"parses"` // webhook.Parse accepts it all the same
	Note   string   `json:"note"`
}

func readIndex[T any](t *testing.T, path, key string) []T {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var index map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &index))
	var out []T
	require.NoError(t, json.Unmarshal(index[key], &out))
	require.NotEmpty(t, out)
	return out
}

// filesIn lists the files of dir (not below), index.json left out.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != "index.json" {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWebhookFixtures_oneValidEventPerType(t *testing.T) {
	t.Parallel()
	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	dir := filepath.Join("testdata", "webhooks")
	fixtures := readIndex[webhookFixture](t, filepath.Join(dir, "index.json"), "fixtures")

	covered := map[webhook.EventType]bool{}
	var files []string
	forms := map[string]bool{}
	for _, f := range fixtures {
		files = append(files, f.File)
		t.Run(f.File, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, f.File))
			require.NoError(t, err)
			drift, err := v.ValidateWebhookAndDrift(t.Context(), body)
			require.NoError(t, err, "the spec accepts it")
			var gotDrift []string
			for _, d := range drift {
				gotDrift = append(gotDrift, string(d.Kind)+" "+d.Path)
			}
			assert.Equal(t, f.Drift, gotDrift, "drift")

			ev, err := webhook.Parse(body)
			require.NoError(t, err)
			assert.Equal(t, webhook.EventType(f.EventType), ev.Type)
			var union verification.WebhookEvent
			require.NoError(t, json.Unmarshal(body, &union))
			if !ev.Type.Known() {
				// An event type from the future: kept, with no resource.
				assert.Empty(t, ev.ResourceID)
				_, err := union.ValueByDiscriminator()
				assert.Error(t, err, "the generated union knows the documented types only")
				return
			}
			assert.NotEmpty(t, ev.ResourceID)
			if ev.Type.Status() != "" { // every type but the two DigiLocker events no source shows
				assert.NotEmpty(t, ev.Status)
			}
			covered[ev.Type] = true
			if len(ev.RawTime) > 10 {
				forms["event_time "+ev.RawTime[10:11]] = true
			}
			forms["version "+ev.Version] = true

			var raw map[string]any
			require.NoError(t, json.Unmarshal(body, &raw))
			if _, ok := raw["signature"]; ok {
				forms["signature field"] = true
			}

			// The generated union picks the branch of the event's resource.
			got, err := union.ValueByDiscriminator()
			require.NoError(t, err)
			switch ev.Resource {
			case webhook.ResourceDigiLocker:
				e, ok := got.(verification.WebhookDigiLockerEvent)
				require.True(t, ok, "%T", got)
				assert.Equal(t, ev.ResourceID, e.Data.VerificationID)
			case webhook.ResourceConsent:
				e, ok := got.(verification.WebhookConsentEvent)
				require.True(t, ok, "%T", got)
				assert.Equal(t, ev.ResourceID, e.Data.ConsentVerificationID)
			case webhook.ResourceFI:
				e, ok := got.(verification.WebhookFIEvent)
				require.True(t, ok, "%T", got)
				assert.Equal(t, ev.ResourceID, e.Data.FIVerificationID)
			}

			if slices.Contains(f.Sources, sourceEdge) {
				assert.NotEmpty(t, f.Note, "an edge case says what it covers")
			}
		})
	}
	for _, et := range webhook.EventTypes() {
		assert.True(t, covered[et], "no fixture for %s", et)
	}
	assert.Len(t, covered, 14)
	for _, form := range []string{"event_time T", "event_time  ", "version v1", "version 1.0", "signature field"} {
		assert.True(t, forms[form], "no fixture has %q", form)
	}
	slices.Sort(files)
	assert.Equal(t, files, filesIn(t, dir), "every file in testdata/webhooks is indexed, and only those")
}

func TestWebhookNegatives_rejectedWhereExpected(t *testing.T) {
	t.Parallel()
	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	dir := filepath.Join("testdata", "webhooks", "negative")
	negs := readIndex[webhookNegative](t, filepath.Join(dir, "index.json"), "negatives")
	var files []string
	for _, n := range negs {
		files = append(files, n.File)
		t.Run(n.File, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, n.File))
			require.NoError(t, err)
			err = v.ValidateWebhook(t.Context(), body)
			var ve *openapi.ValidationError
			require.True(t, errors.As(err, &ve), "the spec rejects it: %v", err)
			var got []string
			for _, viol := range ve.Violations {
				got = append(got, viol.Location+" "+viol.Path)
			}
			slices.Sort(got)
			got = slices.Compact(got)
			assert.Equal(t, n.Want, got, "%v", err)

			_, perr := webhook.Parse(body)
			if n.Parses {
				assert.NoError(t, perr)
			} else {
				assert.ErrorIs(t, perr, webhook.ErrMalformed)
			}
		})
	}
	slices.Sort(files)
	assert.Equal(t, files, filesIn(t, dir))
}
