package contractcheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

// The HARs under testdata/har were recorded from the mock's own traffic by
// the tools teams use (tools/har-record, make record-hars): Playwright's
// recordHar in each content mode, driving Chromium, and mitmproxy's
// har_dump as a reverse proxy. Each holds the same 20 calls of the five
// operations (tools/har-record/traffic.mjs): two data availability POSTs,
// user details answered 200, 401 (expired_) and 403 (denied_), DigiLocker
// polled to AUTHENTICATED then fetched by reference_id and 404 (unknown_),
// consent and FI polled to SUCCESS. Playwright's also hold the test page.

const recordedCalls = 20

// recorded reads one recorded HAR as a JSON tree, to check or to break.
func recorded(t *testing.T, name string) (dir string, tree map[string]any) {
	t.Helper()
	dir = filepath.Join("testdata", "har", name)
	data, err := os.ReadFile(filepath.Join(dir, name+".har"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &tree))
	return dir, tree
}

func harEntries(tree map[string]any) []any {
	return tree["log"].(map[string]any)["entries"].([]any)
}

// entryOf returns the first entry whose request is method and whose URL
// contains part, with its number (from 1).
func entryOf(t *testing.T, tree map[string]any, method, part string) (int, map[string]any) {
	t.Helper()
	for i, e := range harEntries(tree) {
		req := e.(map[string]any)["request"].(map[string]any)
		if req["method"] == method && strings.Contains(req["url"].(string), part) {
			return i + 1, e.(map[string]any)
		}
	}
	t.Fatalf("no %s entry with %q", method, part)
	return 0, nil
}

func marshalHAR(t *testing.T, tree map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(tree)
	require.NoError(t, err)
	return data
}

func TestCheckHAR_recordedFromTheMock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                        string
		skipped, unchecked, reqUnch int
	}{
		{"playwright-embed", 1, 0, 0},
		{"playwright-attach", 1, 0, 0},
		// content "omit": no body at all, requests' and responses' alike,
		// counted as unchecked, none of them a violation.
		{"playwright-omit", 1, recordedCalls, 2},
		{"mitmproxy", 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, tree := recorded(t, tc.name)
			results, problems, _ := checkHAR(t, marshalHAR(t, tree), dir, true)
			assert.Empty(t, problems)
			all, ops := Summarize(results)
			assert.Equal(t, recordedCalls, all.Exchanges)
			assert.Len(t, ops, 5, "all five operations")
			assert.Zero(t, all.Broke, "the mock's traffic is strict-clean: %+v", brokeOnly(results))
			assert.Zero(t, all.Drift)
			assert.Equal(t, tc.skipped, all.Skipped)
			assert.Equal(t, tc.unchecked, all.Unchecked)
			assert.Equal(t, tc.reqUnch, all.RequestsUnchecked)
			for _, r := range results {
				if r.Unchecked != "" {
					assert.Contains(t, r.Unchecked, `content "omit"`, "the hint names what the HAR shows")
					assert.Contains(t, r.Unchecked, `"embed" or "attach"`)
				}
			}
		})
	}
}

// The fixtures are checked in: they may hold the mock's synthetic
// credentials and tokens only, never a real one (a recording pointed at the
// sandbox by mistake fails here).
func TestCheckHAR_recordedHoldNoSecrets(t *testing.T) {
	t.Parallel()
	token := regexp.MustCompile(`^Bearer ((expired|denied)_)?har-[a-z]+-token$`)
	for _, name := range []string{"playwright-embed", "playwright-attach", "playwright-omit", "mitmproxy"} {
		_, tree := recorded(t, name)
		credentials := 0
		for _, e := range harEntries(tree) {
			for _, h := range e.(map[string]any)["request"].(map[string]any)["headers"].([]any) {
				nv := h.(map[string]any)
				value, _ := nv["value"].(string)
				switch strings.ToLower(nv["name"].(string)) {
				case "x-client-id":
					assert.Equal(t, mock.DefaultClientID, value, name)
					credentials++
				case "x-client-secret":
					assert.Equal(t, mock.DefaultClientSecret, value, name)
					credentials++
				case "authorization":
					assert.Regexp(t, token, value, name)
					credentials++
				case "cookie", "x-cf-signature":
					t.Errorf("%s: a %s header was recorded", name, nv["name"])
				}
			}
		}
		assert.Positive(t, credentials, "%s: the credentials were looked at", name)
	}
}

func brokeOnly(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if r.Broke {
			out = append(out, r)
		}
	}
	return out
}

// Broken copies of the recordings: each change must give its verdict, at
// its entry, and leave the rest of the HAR as clean as it was.
func TestCheckHAR_recordedBrokenCopies(t *testing.T) {
	t.Parallel()

	t.Run("embed: a response field of the wrong type", func(t *testing.T) {
		t.Parallel()
		dir, tree := recorded(t, "playwright-embed")
		n, e := entryOf(t, tree, "GET", "/digilocker?reference_id=")
		content := e["response"].(map[string]any)["content"].(map[string]any)
		content["text"] = strings.Replace(content["text"].(string), `"status":"AUTHENTICATED"`, `"status":42`, 1)
		results, problems, _ := checkHAR(t, marshalHAR(t, tree), dir, false)
		assert.Empty(t, problems)
		assert.Equal(t, []int{n}, brokenEntries(results))
		assert.Contains(t, findingsOf(results, n), "response body $.status")
	})

	t.Run("embed: an undeclared field is drift, broken only in strict mode", func(t *testing.T) {
		t.Parallel()
		dir, tree := recorded(t, "playwright-embed")
		n, e := entryOf(t, tree, "GET", "/aa/consent")
		content := e["response"].(map[string]any)["content"].(map[string]any)
		content["text"] = strings.Replace(content["text"].(string), "{", `{"surprise":1,`, 1)
		data := marshalHAR(t, tree)
		lenient, _, _ := checkHAR(t, data, dir, false)
		assert.Empty(t, brokenEntries(lenient))
		strict, _, _ := checkHAR(t, data, dir, true)
		assert.Equal(t, []int{n}, brokenEntries(strict))
		assert.Contains(t, findingsOf(strict, n), "$.surprise")
	})

	t.Run("embed: one body cut short (size -1) is unchecked, with that reason", func(t *testing.T) {
		t.Parallel()
		dir, tree := recorded(t, "playwright-embed")
		n, e := entryOf(t, tree, "GET", "/aa/fi")
		content := e["response"].(map[string]any)["content"].(map[string]any)
		delete(content, "text")
		content["size"] = -1
		results, problems, _ := checkHAR(t, marshalHAR(t, tree), dir, true)
		assert.Empty(t, problems)
		assert.Empty(t, brokenEntries(results))
		r := resultOf(results, n)
		assert.Contains(t, r.Unchecked, "size is -1")
		assert.NotContains(t, r.Unchecked, "embed", "the HAR was recorded with content: no advice to record it so")
	})

	t.Run("embed: one body dropped while the others were kept", func(t *testing.T) {
		t.Parallel()
		dir, tree := recorded(t, "playwright-embed")
		n, e := entryOf(t, tree, "POST", "/user/data-availability")
		delete(e["request"].(map[string]any)["postData"].(map[string]any), "text")
		results, _, _ := checkHAR(t, marshalHAR(t, tree), dir, true)
		assert.Empty(t, brokenEntries(results))
		r := resultOf(results, n)
		assert.Contains(t, r.RequestUnchecked, "bodySize says")
		assert.Contains(t, r.RequestUnchecked, "other entries keep theirs")
	})

	t.Run("embed: a request that breaks the spec", func(t *testing.T) {
		t.Parallel()
		dir, tree := recorded(t, "playwright-embed")
		n, e := entryOf(t, tree, "POST", "/user/data-availability")
		pd := e["request"].(map[string]any)["postData"].(map[string]any)
		pd["text"] = strings.Replace(pd["text"].(string), `"MOBILE"`, `"FAX"`, 1)
		results, _, _ := checkHAR(t, marshalHAR(t, tree), dir, false)
		assert.Equal(t, []int{n}, brokenEntries(results))
		assert.Contains(t, findingsOf(results, n), "request body $.user[0].identifier_type")
	})

	t.Run("attach: the request body is read from its _file", func(t *testing.T) {
		t.Parallel()
		src, tree := recorded(t, "playwright-attach")
		n, e := entryOf(t, tree, "POST", "/user/data-availability")
		pd := e["request"].(map[string]any)["postData"].(map[string]any)
		require.Equal(t, "", pd["text"], "Playwright writes an empty text beside _file")
		// A copy of the HAR's directory whose request file breaks the spec.
		dir := t.TempDir()
		files, err := os.ReadDir(src)
		require.NoError(t, err)
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(src, f.Name()))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name()), data, 0o600))
		}
		file := filepath.Join(dir, pd["_file"].(string))
		body, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(body), `"verification_id":"`, `"verification_id":"bad id `, 1)), 0o600))
		results, problems, _ := checkHAR(t, marshalHAR(t, tree), dir, false)
		assert.Empty(t, problems)
		assert.Equal(t, []int{n}, brokenEntries(results))
		assert.Contains(t, findingsOf(results, n), "request body $.verification_id")

		require.NoError(t, os.Remove(file))
		_, problems, _ = checkHAR(t, marshalHAR(t, tree), dir, false)
		require.Len(t, problems, 1)
		assert.Equal(t, n, problems[0].Entry)
		assert.Contains(t, problems[0].Message, "request.postData: _file")
	})

	t.Run("omit: a POST the HAR says went out without a body", func(t *testing.T) {
		t.Parallel()
		dir, tree := recorded(t, "playwright-omit")
		n, e := entryOf(t, tree, "POST", "/user/data-availability")
		req := e["request"].(map[string]any)
		delete(req, "postData")
		req["bodySize"] = 0
		results, _, _ := checkHAR(t, marshalHAR(t, tree), dir, false)
		assert.Equal(t, []int{n}, brokenEntries(results))
		assert.Contains(t, findingsOf(results, n), "request body is required")
		assert.Empty(t, resultOf(results, n).RequestUnchecked)
	})

	t.Run("mitmproxy: a response body that is not JSON", func(t *testing.T) {
		t.Parallel()
		dir, tree := recorded(t, "mitmproxy")
		n, e := entryOf(t, tree, "GET", "/oauth2/user-details")
		content := e["response"].(map[string]any)["content"].(map[string]any)
		text := content["text"].(string)
		content["text"] = text[:len(text)/2]
		results, problems, _ := checkHAR(t, marshalHAR(t, tree), dir, false)
		assert.Empty(t, problems)
		assert.Equal(t, []int{n}, brokenEntries(results))
	})
}

func brokenEntries(results []Result) []int {
	var out []int
	for _, r := range results {
		if r.Broke {
			out = append(out, r.Entry)
		}
	}
	return out
}

func resultOf(results []Result, entry int) Result {
	for _, r := range results {
		if r.Entry == entry {
			return r
		}
	}
	return Result{}
}

func findingsOf(results []Result, entry int) string {
	var b strings.Builder
	r := resultOf(results, entry)
	for _, f := range append(r.Violations, r.Drift...) {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}
