package mock_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/contractcheck"
	"github.com/cfverify/cfverify/mock"
)

// Every built-in scenario (mock.ScenarioNames: the list the mock itself
// resolves prefixes from), on each of the five operations, polled to its
// last status, checked by the contract checker in strict mode: whatever the
// mock answers for a scenario is documented for that operation, with no
// drift. Fault prefixes answer a fault first (the mock counts it in
// Stats.Faults): those answers are faults asked for by the id, which the
// spec cannot all describe, and are retried; what follows them must be
// strict-clean like every other answer.
func TestScenarios_strictClean(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	noViolations(t, srv)
	checker, err := contractcheck.NewChecker(nil, true)
	require.NoError(t, err)
	httpc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	exchanges, faults := 0, 0
	send := func(t *testing.T, method, path string, header http.Header, body string) (int, []byte) {
		t.Helper()
		for range 4 { // a fault prefix fails at most two requests per id
			before := srv.Stats().FaultsInjected()
			var rd io.Reader
			if body != "" {
				rd = strings.NewReader(body)
			}
			req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, rd)
			require.NoError(t, err)
			req.Header = header.Clone()
			resp, err := httpc.Do(req)
			var data []byte
			if err == nil {
				data, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if srv.Stats().FaultsInjected() > before {
				faults++
				continue
			}
			require.NoError(t, err)
			u, _ := url.Parse(srv.URL() + path)
			r := checker.Check(t.Context(), contractcheck.Exchange{
				Method: method, URL: u, RequestHeader: req.Header, RequestBody: []byte(body),
				Status: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: data,
			})
			exchanges++
			assert.False(t, r.Broke, "%s %s answered %d: violations %v, drift %v", method, path, resp.StatusCode, r.Violations, r.Drift)
			assert.Empty(t, r.Drift, "%s %s answered %d", method, path, resp.StatusCode)
			return resp.StatusCode, data
		}
		t.Fatalf("%s %s: still a fault after 4 tries", method, path)
		return 0, nil
	}
	client := http.Header{"X-Client-Id": {mock.DefaultClientID}, "X-Client-Secret": {mock.DefaultClientSecret}, "X-Api-Version": {"2024-12-01"}}
	statusPaths := map[string]string{
		"digilocker": "/digilocker?verification_id=",
		"consent":    "/aa/consent?consent_verification_id=",
		"fi":         "/aa/fi?fi_verification_id=",
	}
	names := mock.ScenarioNames()
	require.NotEmpty(t, names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			id := name + "_strict-1"
			body, _ := json.Marshal(map[string]any{"verification_id": id,
				"user": []map[string]string{{"identifier_type": "MOBILE", "identifier_value": "9999999999"}}})
			h := client.Clone()
			h.Set("Content-Type", "application/json")
			send(t, http.MethodPost, "/user/data-availability", h, string(body))

			send(t, http.MethodGet, "/oauth2/user-details", http.Header{"Authorization": {"Bearer " + id}, "X-Api-Version": {"2024-12-01"}}, "")

			for op, path := range statusPaths {
				// Polled to the last status: slow_ lasts 5 polls a stage, the
				// longest path has 3 stages, so 16 polls reach every end.
				for range 16 {
					status, data := send(t, http.MethodGet, path+id, client, "")
					if status != http.StatusOK {
						break
					}
					var m struct{ Status string }
					require.NoError(t, json.Unmarshal(data, &m), "%s: %s", op, bytes.TrimSpace(data[:min(len(data), 200)]))
					require.NotEmpty(t, m.Status, op)
				}
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("%d exchanges checked in strict mode, %d faults retried", exchanges, faults)
		assert.Positive(t, faults, "the fault prefixes met their faults")
	})
}
