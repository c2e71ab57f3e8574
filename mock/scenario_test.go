package mock_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

// statusPaths are what four polls of each status operation answer for an
// id with a scenario prefix, with one poll per status (WithPolls(1)).
type statusPaths struct {
	digilocker, consent, fi []string
}

var defaultPaths = statusPaths{
	digilocker: []string{"PENDING", "AUTHENTICATED", "AUTHENTICATED", "AUTHENTICATED"},
	consent:    []string{"PENDING", "PROCESSING", "SUCCESS", "SUCCESS"},
	fi:         []string{"PENDING", "ACTIVE", "SUCCESS", "SUCCESS"},
}

func TestScenarios_statusPaths(t *testing.T) {
	t.Parallel()
	cases := map[string]statusPaths{
		"":           defaultPaths,
		"instant_":   {[]string{"AUTHENTICATED", "AUTHENTICATED", "AUTHENTICATED", "AUTHENTICATED"}, []string{"SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"}, []string{"SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"}},
		"expired_":   {[]string{"PENDING", "EXPIRED", "EXPIRED", "EXPIRED"}, []string{"PENDING", "EXPIRED", "EXPIRED", "EXPIRED"}, []string{"PENDING", "EXPIRED", "EXPIRED", "EXPIRED"}},
		"denied_":    {[]string{"PENDING", "CONSENT_DENIED", "CONSENT_DENIED", "CONSENT_DENIED"}, []string{"PENDING", "REJECTED", "REJECTED", "REJECTED"}, []string{"PENDING", "FAILED", "FAILED", "FAILED"}},
		"rejected_":  {defaultPaths.digilocker, []string{"PENDING", "PROCESSING", "REJECTED", "REJECTED"}, defaultPaths.fi},
		"revoked_":   {defaultPaths.digilocker, []string{"PENDING", "PROCESSING", "REVOKED", "REVOKED"}, defaultPaths.fi},
		"paused_":    {defaultPaths.digilocker, []string{"PENDING", "PROCESSING", "PAUSED", "PAUSED"}, defaultPaths.fi},
		"failed_":    {defaultPaths.digilocker, defaultPaths.consent, []string{"PENDING", "ACTIVE", "FAILED", "FAILED"}},
		"partial_":   defaultPaths,
		"empty_":     defaultPaths,
		"noaadhaar_": defaultPaths,
		"slow_":      {[]string{"PENDING", "PENDING", "PENDING", "PENDING"}, []string{"PENDING", "PENDING", "PENDING", "PENDING"}, []string{"PENDING", "PENDING", "PENDING", "PENDING"}},
		// Webhook scenarios (webhook_test.go): events no status names.
		"dlconsentexpired_": {[]string{"PENDING", "AUTHENTICATED", "AUTHENTICATED", "AUTHENTICATED"}, defaultPaths.consent, defaultPaths.fi},
		"dlfailure_":        {[]string{"PENDING", "PENDING", "PENDING", "PENDING"}, defaultPaths.consent, defaultPaths.fi},
		"duplicated_":       defaultPaths,
		// Prefixes stack, left to right.
		"instant_expired_": {[]string{"EXPIRED", "EXPIRED", "EXPIRED", "EXPIRED"}, []string{"EXPIRED", "EXPIRED", "EXPIRED", "EXPIRED"}, []string{"EXPIRED", "EXPIRED", "EXPIRED", "EXPIRED"}},
		"expired_instant_": {[]string{"EXPIRED", "EXPIRED", "EXPIRED", "EXPIRED"}, []string{"EXPIRED", "EXPIRED", "EXPIRED", "EXPIRED"}, []string{"EXPIRED", "EXPIRED", "EXPIRED", "EXPIRED"}},
		// Fault prefixes leave the scenario alone (their faults: faults_test.go).
		"notaprefix_": defaultPaths,
	}
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	for prefix, want := range cases {
		t.Run(prefix, func(t *testing.T) {
			id := prefix + "paths"
			assert.Equal(t, want.digilocker, c.statuses("/digilocker?verification_id="+id, 4), "digilocker")
			assert.Equal(t, want.consent, c.statuses("/aa/consent?consent_verification_id="+id, 4), "consent")
			assert.Equal(t, want.fi, c.statuses("/aa/fi?fi_verification_id="+id, 4), "fi")
		})
	}
}

// TestScenarios_everyNameIsTested keeps the scenario table and the tests in step.
func TestScenarios_everyNameIsTested(t *testing.T) {
	t.Parallel()
	tested := []string{"instant", "expired", "denied", "rejected", "revoked", "paused", "failed", "partial", "empty",
		"large", "noaadhaar", "slow", "unknown", "nobalance", "blocked", "invalid",
		"flaky", "ratelimited", "reset", "truncated", "gateway",
		"dlconsentexpired", "dlfailure", "duplicated"} // the last three: webhook_test.go
	for _, name := range mock.ScenarioNames() {
		assert.Contains(t, tested, name, "scenario %q has no test", name)
	}
	assert.Len(t, mock.ScenarioNames(), len(tested))
}

func TestScenarios_slowTakesFiveTimesAsLong(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	got := c.statuses("/digilocker?verification_id=slow_dl", 7)
	assert.Equal(t, []string{"PENDING", "PENDING", "PENDING", "PENDING", "PENDING", "AUTHENTICATED", "AUTHENTICATED"}, got)
}

func TestScenarios_defaultPollsIsTwo(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	assert.Equal(t, []string{"PENDING", "PENDING", "AUTHENTICATED"}, c.statuses("/digilocker?verification_id=two", 3))
	assert.Equal(t, []string{"PENDING", "PENDING", "PROCESSING", "PROCESSING", "SUCCESS"}, c.statuses("/aa/consent?consent_verification_id=two", 5))
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestScenarios_timeMovesStatusesOn(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)}
	srv := start(t, mock.WithPolls(0), mock.WithStageDuration(time.Minute), mock.WithClock(clock.Now))
	c := connect(t, srv)
	path := "/aa/consent?consent_verification_id=timed"
	assert.Equal(t, []string{"PENDING", "PENDING", "PENDING"}, c.statuses(path, 3), "polls alone do nothing")
	clock.Add(time.Minute)
	assert.Equal(t, []string{"PROCESSING"}, c.statuses(path, 1))
	clock.Add(10 * time.Minute)
	assert.Equal(t, []string{"SUCCESS"}, c.statuses(path, 1))
}

func TestScenarios_pollsOrTimeWhicheverFirst(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)}
	srv := start(t, mock.WithPolls(10), mock.WithStageDuration(time.Minute), mock.WithClock(clock.Now))
	c := connect(t, srv)
	assert.Equal(t, []string{"PENDING"}, c.statuses("/digilocker?verification_id=either", 1))
	clock.Add(time.Minute)
	assert.Equal(t, []string{"AUTHENTICATED"}, c.statuses("/digilocker?verification_id=either", 1))
}

func TestScenarios_digiLockerBodies(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	pending := c.get("/digilocker?verification_id=bodies").json(t)
	assert.Equal(t, map[string]any{}, pending["user_details"], "user_details is {} until authenticated")
	assert.Equal(t, []any{}, pending["document_consent"])
	done := c.get("/digilocker?verification_id=bodies").json(t)
	user := done["user_details"].(map[string]any)
	assert.Equal(t, "Y", user["eaadhaar"])
	assert.Regexp(t, `^\d{2}-\d{2}-\d{4}$`, user["dob"], "DD-MM-YYYY like the vendor")
	assert.Equal(t, []any{"AADHAAR", "PAN"}, done["document_consent"])

	c.get("/digilocker?verification_id=noaadhaar_b")
	n := c.get("/digilocker?verification_id=noaadhaar_b").json(t)
	assert.Equal(t, "N", n["user_details"].(map[string]any)["eaadhaar"])
	assert.Contains(t, n, "document_consent")
	assert.Nil(t, n["document_consent"], "null, as in the vendor's example")

	c.get("/digilocker?verification_id=denied_b")
	d := c.get("/digilocker?verification_id=denied_b").json(t)
	assert.Equal(t, "CONSENT_DENIED", d["status"])
	assert.Nil(t, d["document_consent"])
}

// fiAccounts returns the status of each account and whether it has data.
func fiAccounts(t testing.TB, fi map[string]any) (statuses []string, withData []bool) {
	for _, fip := range fi["fi_data"].([]any) {
		for _, acc := range fip.(map[string]any)["accounts"].([]any) {
			a := acc.(map[string]any)
			statuses = append(statuses, a["status"].(string))
			require.Contains(t, a, "data", "data is sent, null when absent")
			withData = append(withData, a["data"] != nil)
		}
	}
	return statuses, withData
}

func TestScenarios_fiAccountsByStage(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	type stage struct {
		status   string
		accounts []string
		data     []bool
	}
	cases := map[string][]stage{
		"fi-default": {
			{"PENDING", []string{"PENDING", "PENDING", "PENDING"}, []bool{false, false, false}},
			{"ACTIVE", []string{"DELIVERED", "PENDING", "PENDING"}, []bool{true, false, false}},
			{"SUCCESS", []string{"DELIVERED", "DELIVERED", "DELIVERED"}, []bool{true, true, true}},
		},
		"partial_fi": {
			{"PENDING", []string{"PENDING", "PENDING", "PENDING"}, []bool{false, false, false}},
			{"ACTIVE", []string{"DELIVERED", "PENDING", "PENDING"}, []bool{true, false, false}},
			{"SUCCESS", []string{"DELIVERED", "DENIED", "TIMEOUT"}, []bool{true, false, false}},
		},
		"expired_fi": {
			{"PENDING", []string{"PENDING", "PENDING"}, []bool{false, false}},
			{"EXPIRED", []string{"TIMEOUT", "TIMEOUT"}, []bool{false, false}},
		},
		"failed_fi": {
			{"PENDING", []string{"PENDING", "PENDING"}, []bool{false, false}},
			{"ACTIVE", []string{"DENIED", "PENDING"}, []bool{false, false}},
			{"FAILED", []string{"DENIED", "TIMEOUT"}, []bool{false, false}},
		},
		"empty_fi": {{"PENDING", nil, nil}, {"ACTIVE", nil, nil}, {"SUCCESS", nil, nil}},
	}
	for id, stages := range cases {
		t.Run(id, func(t *testing.T) {
			for _, want := range stages {
				fi := c.get("/aa/fi?fi_verification_id=" + id).json(t)
				assert.Equal(t, want.status, fi["status"])
				got, data := fiAccounts(t, fi)
				assert.Equal(t, want.accounts, got, "accounts at %s", want.status)
				assert.Equal(t, want.data, data, "data at %s", want.status)
			}
		})
	}
}

func TestScenarios_largeFI(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	var fi map[string]any
	for range 3 {
		fi = c.get("/aa/fi?fi_verification_id=large_fi").json(t)
	}
	require.Equal(t, "SUCCESS", fi["status"])
	n, accounts := 0, 0
	for _, fip := range fi["fi_data"].([]any) {
		for _, acc := range fip.(map[string]any)["accounts"].([]any) {
			accounts++
			data := acc.(map[string]any)["data"].(map[string]any)
			n += len(data["account"].(map[string]any)["transactions"].(map[string]any)["transaction"].([]any))
		}
	}
	assert.Equal(t, 4, accounts)
	assert.Equal(t, 10_000, n)
}

func TestScenarios_errorsByPrefix(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	for _, path := range []string{"/digilocker?verification_id=", "/aa/consent?consent_verification_id=", "/aa/fi?fi_verification_id="} {
		c.get(path+"nobalance_x").errorIs(t, 422, "validation_error", "insufficient_balance", "Insufficient balance to process this request")
		c.get(path+"blocked_x").errorIs(t, 403, "authentication_error", "ip_validation_failed", "")
		c.get(path+"unknown_x").errorIs(t, 404, "not_found_error", "", "")
		// Token-only prefixes do nothing to the status operations.
		assert.Equal(t, http.StatusOK, c.get(path+"invalid_x").status)
	}
}

func TestScenarios_fixtureFile(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFixtureFile("testdata/fixture.json"), mock.WithPolls(1))
	c := connect(t, srv)
	assert.Equal(t, []string{"PENDING", "EXPIRED"}, c.statuses("/digilocker?verification_id=ABC00123", 2), "id table")
	assert.Equal(t, []string{"PENDING", "PENDING", "PENDING", "PENDING", "PENDING", "PENDING", "PENDING"},
		c.statuses("/digilocker?verification_id=KYC-7", 7), "stacked custom scenario")

	fi := c.get("/aa/fi?fi_verification_id=FI-3").json(t)
	assert.Equal(t, "SUCCESS", fi["status"])
	got, _ := fiAccounts(t, fi)
	assert.Equal(t, []string{"DELIVERED", "DENIED", "DELIVERED"}, got)

	// Custom scenarios work as prefixes too.
	assert.Equal(t, []string{"PENDING", "PENDING", "PENDING"}, c.statuses("/aa/consent?consent_verification_id=stuck_c", 3))

	// The fixture's faults.
	p := plain(t, srv)
	html := p.get("/aa/consent?consent_verification_id=CONSENT-HTML")
	assert.Equal(t, http.StatusBadGateway, html.status)
	assert.Contains(t, string(html.body), "<html>")
	began := time.Now()
	assert.Equal(t, http.StatusOK, c.get("/aa/fi?fi_verification_id=FI-SLOW").status)
	assert.GreaterOrEqual(t, time.Since(began), 30*time.Millisecond)
	assert.Equal(t, 2, srv.FaultsInjected())
}

func TestScenarios_strictIDs(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithStrictIDs(true), mock.WithScenarioIDs(map[string]string{"listed": "instant"}))
	c := connect(t, srv)
	assert.Equal(t, []string{"AUTHENTICATED"}, c.statuses("/digilocker?verification_id=listed", 1))
	c.get("/digilocker?verification_id=not-listed").errorIs(t, 404, "not_found_error", "verification_id_value_invalid", "")
}

func TestScenarios_resetForgetsIDs(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	assert.Equal(t, []string{"PENDING", "AUTHENTICATED"}, c.statuses("/digilocker?verification_id=again", 2))
	require.Equal(t, http.StatusOK, c.availability("again", "9988123456").status)
	srv.Reset()
	assert.Equal(t, []string{"PENDING"}, c.statuses("/digilocker?verification_id=again", 1))
	require.Equal(t, http.StatusOK, c.availability("again", "9988123456").status, "no 409 after a reset")
}

func TestScenarios_concurrentPolls(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithPolls(1))
	c := connect(t, srv)
	var wg sync.WaitGroup
	results := make([][]string, 8)
	for i := range results {
		wg.Go(func() { results[i] = c.statuses("/aa/consent?consent_verification_id=shared", 5) })
	}
	wg.Wait()
	var all []string
	for _, r := range results {
		all = append(all, r...)
	}
	assert.Equal(t, 1, count(all, "PENDING"))
	assert.Equal(t, 1, count(all, "PROCESSING"))
	assert.Equal(t, 38, count(all, "SUCCESS"))
}

func count(list []string, v string) int {
	n := 0
	for _, s := range list {
		if s == v {
			n++
		}
	}
	return n
}
