package contractcheck

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// HAR entries as the tools that write them do. obj is a JSON object.
type obj = map[string]any

func nv(pairs ...string) []obj {
	var out []obj
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, obj{"name": pairs[i], "value": pairs[i+1]})
	}
	return out
}

// lookupHeaders are the request headers of a status lookup, in a browser's
// HTTP/2 spelling: lower case, with pseudo-headers.
func lookupHeaders() []obj {
	return nv(":authority", "sandbox.cashfree.com", ":method", "GET", ":path", "/verification/digilocker", ":scheme", "https",
		"x-client-id", "cf_test_client", "x-client-secret", testSecret, "x-api-version", "2024-12-01", "x-cf-signature", testSignature)
}

func entry(method, url string, reqHeaders []obj, status int, content obj) obj {
	return obj{
		"startedDateTime": "2026-11-30T10:00:00.123Z", "time": 12.5,
		"request":  obj{"method": method, "url": url, "httpVersion": "HTTP/2", "headers": reqHeaders, "queryString": []obj{}, "cookies": []obj{}, "headersSize": -1, "bodySize": 0},
		"response": obj{"status": status, "statusText": "", "httpVersion": "HTTP/2", "headers": nv("content-type", "application/json"), "cookies": []obj{}, "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
		"cache":    obj{}, "timings": obj{"send": 1, "wait": 10, "receive": 1.5},
	}
}

func har(t *testing.T, creator string, entries ...obj) []byte {
	data, err := json.Marshal(obj{"log": obj{"version": "1.2", "creator": obj{"name": creator, "version": "1"}, "entries": entries}})
	require.NoError(t, err)
	return data
}

func checkHAR(t *testing.T, data []byte, dir string, strict bool) ([]Result, []HARProblem, *bytes.Buffer) {
	t.Helper()
	c, err := NewChecker(nil, strict)
	require.NoError(t, err)
	var report bytes.Buffer
	rec := NewRecorder(&report)
	problems, err := CheckHAR(t.Context(), c, data, dir, rec)
	require.NoError(t, err)
	return rec.Results(), problems, &report
}

const digilockerURL = "https://sandbox.cashfree.com/verification/digilocker?verification_id=ABC00123"

func TestCheckHAR_variants(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString([]byte(validDigiLocker))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "0f1e2d.json"), []byte(validDigiLocker), 0o600))

	variants := []struct {
		name string
		data []byte
	}{
		{"browser", har(t, "WebInspector",
			entry("GET", "https://app.example/static/app.js", nv(":path", "/static/app.js"), 200, obj{"size": 10, "mimeType": "text/javascript", "text": "let x = 1;"}),
			entry("OPTIONS", digilockerURL, nv("origin", "https://app.example"), 204, obj{"size": 0, "mimeType": "x-unknown"}),
			entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": len(validDigiLocker), "mimeType": "application/json", "text": validDigiLocker}),
		)},
		{"mitmproxy", har(t, "mitmproxy har_dump",
			entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": len(validDigiLocker), "compression": 0, "mimeType": "application/json", "text": b64, "encoding": "base64"}),
		)},
		{"Playwright attach", har(t, "Playwright",
			entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": -1, "mimeType": "application/json", "_file": "0f1e2d.json"}),
		)},
		{"Charles", append([]byte("\xef\xbb\xbf"), har(t, "Charles Proxy",
			entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": len(validDigiLocker), "mimeType": "application/json; charset=utf-8", "text": b64, "encoding": "base64", "comment": ""}),
		)...)},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			results, problems, report := checkHAR(t, v.data, dir, true)
			assert.Empty(t, problems)
			all, ops := Summarize(results)
			assert.Equal(t, 1, all.Exchanges)
			assert.Equal(t, 0, all.Broke, "%+v", results)
			require.Len(t, ops, 1)
			assert.Equal(t, "getDigiLockerStatus", ops[0].Operation)
			assert.NotContains(t, report.String(), testSecret)
			assert.NotContains(t, report.String(), testSignature)
			var line Result
			require.NoError(t, json.Unmarshal(bytes.Split(report.Bytes(), []byte("\n"))[0], &line))
			assert.Equal(t, 12.5, line.LatencyMS)
			assert.Positive(t, line.Entry)
		})
	}
	results, _, report := checkHAR(t, variants[0].data, dir, false)
	all, _ := Summarize(results)
	assert.Equal(t, 2, all.Skipped, "the script and the CORS preflight are counted, not checked")
	assert.Equal(t, 1, bytes.Count(report.Bytes(), []byte("\n")), "skipped entries are not written to the report")
}

func TestCheckHAR_findsViolationsByEntry(t *testing.T) {
	t.Parallel()
	bad := `{"status":"AUTHENTICATED","verification_id":"ABC00123","reference_id":12345,"document_consent":"AADHAAR","user_details":{"mobile":"` + testMobile + `","surprise":true}}`
	data := har(t, "WebInspector",
		entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": len(validDigiLocker), "text": validDigiLocker}),
		entry("GET", digilockerURL, nv("x-api-version", "2024-12-01"), 200, obj{"size": len(bad), "text": bad}),
	)
	results, problems, report := checkHAR(t, data, "", false)
	assert.Empty(t, problems)
	require.Len(t, results, 2)
	assert.False(t, results[0].Broke)
	r := results[1]
	assert.Equal(t, 2, r.Entry)
	assert.True(t, r.Broke)
	var where []string
	for _, v := range r.Violations {
		where = append(where, v.Kind+" "+v.Location+" "+v.Path)
	}
	assert.Contains(t, where, "request security x-client-id", "credentials missing from the captured request")
	assert.Contains(t, where, "response body $.document_consent")
	require.Len(t, r.Drift, 1)
	assert.Equal(t, "$.user_details.surprise", r.Drift[0].Path)
	assert.NotContains(t, report.String(), testMobile)
}

func TestCheckHAR_incompleteEntries(t *testing.T) {
	t.Parallel()
	data := har(t, "WebInspector",
		entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": 157, "mimeType": "application/json"}), // exported without content
		entry("GET", digilockerURL, lookupHeaders(), 0, obj{"size": 0}),                                     // blocked: no answer
		entry("GET", digilockerURL, lookupHeaders(), 299, obj{"size": 3}),                                   // no text, and a status the operation does not list
	)
	results, problems, _ := checkHAR(t, data, "", true)
	assert.Empty(t, problems)
	require.Len(t, results, 3)
	assert.Contains(t, results[0].Unchecked, "no response text")
	assert.False(t, results[0].Broke, "a body that was not captured is not a violation")
	assert.Contains(t, results[1].Unchecked, "status 0")
	assert.False(t, results[1].Broke)
	assert.True(t, results[2].Broke, "the status alone drifts, and --strict counts drift")
	require.Len(t, results[2].Drift, 1)
	assert.Equal(t, "undocumented-status", results[2].Drift[0].Kind)
	all, _ := Summarize(results)
	assert.Equal(t, 3, all.Unchecked)
}

func TestCheckHAR_unreadableEntries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := har(t, "x",
		entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": 4, "text": "%%%not base64", "encoding": "base64"}),
		entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": 4, "text": "abcd", "encoding": "uuencode"}),
		entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": 4, "_file": "../../etc/passwd"}),
		entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": 4, "_file": "missing.json"}),
		entry("GET", "http://[::1", lookupHeaders(), 200, obj{"size": 0}),
		entry("GET", "https://cdn.example/logo.png", nil, 200, obj{"size": 4, "text": "%%%", "encoding": "base64"}), // not ours: never decoded
		entry("GET", digilockerURL, lookupHeaders(), 200, obj{"size": len(validDigiLocker), "text": validDigiLocker}),
	)
	results, problems, _ := checkHAR(t, data, dir, false)
	require.Len(t, problems, 5)
	for i, want := range []string{"not valid base64", `encoding "uuencode"`, "not a path inside", "missing.json", "does not parse"} {
		assert.Equal(t, i+1, problems[i].Entry)
		assert.Contains(t, problems[i].Message, want)
	}
	all, _ := Summarize(results)
	assert.Equal(t, 1, all.Exchanges, "the readable entry is still checked")
	assert.Equal(t, 1, all.Skipped)
}

func TestCheckHAR_notAHAR(t *testing.T) {
	t.Parallel()
	c, err := NewChecker(nil, false)
	require.NoError(t, err)
	for name, data := range map[string]string{
		"not JSON":        "GET /digilocker HTTP/1.1\nx-client-secret: " + testSecret,
		"truncated":       `{"log":{"entries":[{"request":`,
		"no entries":      `{"log":{"version":"1.2"}}`,
		"wrong shape":     `{"log":{"entries":{"a":1}}}`,
		"a JSON array":    `[1,2,3]`,
		"empty file":      ``,
		"HTML error page": "<html><body>502</body></html>",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := CheckHAR(t.Context(), c, []byte(data), "", NewRecorder(nil))
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrNotHAR))
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
	_, err = CheckHAR(t.Context(), c, []byte("{\n  \"log\": {\n    \"entries\": [ oops ]\n  }\n}"), "", NewRecorder(nil))
	assert.ErrorContains(t, err, "line 3, column 18")
}
