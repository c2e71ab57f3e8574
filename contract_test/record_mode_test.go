package contract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecord_againstTheMock runs record mode end to end into a copy of
// testdata: every answer becomes a fixture whose personal values are masked
// but keep their shape, that validates against the spec, and that the index
// annotates; the other index entries stay byte for byte.
func TestRecord_againstTheMock(t *testing.T) {
	t.Parallel()
	srv, err := mock.New()
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	const mobile = "9000000001"
	env := map[string]string{
		client.EnvClientID: mock.DefaultClientID, client.EnvClientSecret: mock.DefaultClientSecret,
		envBaseURL: srv.URL(), envAccessToken: "mock-token-record", envMobile: mobile,
		envDigiLocker: "instant_rec-dl", envConsent: "instant_rec-consent", envFI: "instant_rec-fi",
	}
	cfg := envConfig(func(k string) string { return env[k] })
	res := liveRun(t, cfg)
	res.check(t, true)
	require.Len(t, res.exchanges, 5)

	dir := t.TempDir()
	original, err := os.ReadFile(filepath.Join("testdata", "index.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.json"), original, 0o644))
	meta := recordMeta{RecordedAt: "2026-11-22T04:00:00Z", APIVersion: "2024-12-01", Against: "127.0.0.1"}

	rec, err := newRecorder("test-mask-key", dir)
	require.NoError(t, err)
	files, err := rec.record(res.exchanges, meta)
	require.NoError(t, err)
	assert.Len(t, files, 5)

	v := validator(t)
	var personal []string
	for _, e := range res.exchanges {
		personal = append(personal, personalValues(t, e.body)...)
	}
	require.Contains(t, personal, mobile, "the mock's answers carry the mobile we sent")
	for _, f := range files {
		masked, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		require.NoError(t, err)
		op := strings.Split(f, "/")[0]
		require.NoError(t, v.ValidateResponse(t.Context(), op, 200, jsonHeader, masked), "%s still validates", f)
		for _, p := range personal {
			assert.False(t, strings.Contains(string(masked), p), "%s keeps a personal value of %d characters", f, len(p))
		}
	}
	avail, err := os.ReadFile(filepath.Join(dir, "getDataAvailability", "200_recorded.json"))
	require.NoError(t, err)
	var da struct {
		User []struct {
			IdentifierValue string `json:"identifier_value"`
		} `json:"user"`
	}
	require.NoError(t, json.Unmarshal(avail, &da))
	require.Len(t, da.User, 1)
	assert.Regexp(t, regexp.MustCompile(`^[0-9]{10}$`), da.User[0].IdentifierValue, "a masked mobile is still a mobile")
	assert.Equal(t, rec.masker.Mobile(mobile), da.User[0].IdentifierValue, "masked deterministically under the key")

	// The index: five new annotated entries, every other line unchanged.
	updated, err := os.ReadFile(filepath.Join(dir, "index.json"))
	require.NoError(t, err)
	var index struct {
		Fixtures []fixture `json:"fixtures"`
	}
	require.NoError(t, json.Unmarshal(updated, &index))
	recorded := 0
	for _, f := range index.Fixtures {
		if len(f.Sources) == 1 && f.Sources[0] == sourceRecorded {
			recorded++
			assert.Equal(t, meta.RecordedAt, f.RecordedAt)
			assert.Equal(t, meta.APIVersion, f.APIVersion)
			assert.Equal(t, meta.Against, f.RecordedAgainst)
		}
	}
	assert.Equal(t, 5, recorded)
	for _, line := range strings.Split(string(original), "\n") {
		assert.Contains(t, string(updated), line, "an existing index line was rewritten")
	}

	// Recording again with the same key writes the same bytes.
	first, err := os.ReadFile(filepath.Join(dir, "getFinancialInformation", "200_recorded.json"))
	require.NoError(t, err)
	again, err := newRecorder("test-mask-key", dir)
	require.NoError(t, err)
	_, err = again.record(res.exchanges, meta)
	require.NoError(t, err)
	second, err := os.ReadFile(filepath.Join(dir, "getFinancialInformation", "200_recorded.json"))
	require.NoError(t, err)
	assert.Equal(t, string(first), string(second))
}

// personalValues collects the values of a body's personal fields, the ones
// masking must remove (at least six characters, so that a stand-in cannot
// repeat one by chance).
func personalValues(t *testing.T, body []byte) []string {
	t.Helper()
	var doc any
	require.NoError(t, json.Unmarshal(body, &doc))
	fields := map[string]bool{"mobile": true, "identifier_value": true, "pan": true, "name": true,
		"email": true, "bank_account": true, "address": true, "complete_address": true, "dob": true,
		"registered_name": true, "name_at_bank": true, "narration": true}
	var out []string
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(c, k)
			}
		case []any:
			for _, c := range x {
				walk(c, key)
			}
		case string:
			if fields[key] && len(x) >= 6 {
				out = append(out, x)
			}
		}
	}
	walk(doc, "")
	return out
}
