package mock

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckCache_checksEachDistinctResponseOnce(t *testing.T) {
	var c checkCache
	var runs atomic.Int64
	check := func() error { runs.Add(1); return nil }
	key := checkKey{op: OpDigiLockerStatus, status: 200}

	body := []byte(`{"status":"PENDING"}`)
	for i := range 5 {
		err, fresh := c.verdict(key, body, check)
		require.NoError(t, err)
		assert.Equal(t, i == 0, fresh, "send %d", i)
	}
	assert.EqualValues(t, 1, runs.Load(), "the same bytes are checked once")

	// One byte apart, another status, another header: each is its own response.
	_, fresh := c.verdict(key, []byte(`{"status":"PENDINg"}`), check)
	assert.True(t, fresh)
	_, fresh = c.verdict(checkKey{op: OpDigiLockerStatus, status: 201}, body, check)
	assert.True(t, fresh)
	_, fresh = c.verdict(checkKey{op: OpConsentStatus, status: 200}, body, check)
	assert.True(t, fresh)
	_, fresh = c.verdict(checkKey{op: OpDigiLockerStatus, status: 200, header: headerKey(http.Header{"Retry-After": {"1"}})}, body, check)
	assert.True(t, fresh)
	assert.EqualValues(t, 5, runs.Load())
}

func TestCheckCache_keepsFailuresToo(t *testing.T) {
	var c checkCache
	broken := errors.New("breaks the spec")
	runs := 0
	for range 3 {
		err, _ := c.verdict(checkKey{op: OpFinancialInformation, status: 200}, []byte(`{}`), func() error { runs++; return broken })
		assert.ErrorIs(t, err, broken, "every send of a bad body gets the verdict")
	}
	assert.Equal(t, 1, runs)
}

func TestCheckCache_concurrentSendsCheckOnce(t *testing.T) {
	var c checkCache
	var runs atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			err, _ := c.verdict(checkKey{op: OpConsentStatus, status: 200}, []byte(`{"same":true}`), func() error {
				<-release
				runs.Add(1)
				return nil
			})
			assert.NoError(t, err)
		})
	}
	close(release)
	wg.Wait()
	assert.EqualValues(t, 1, runs.Load())
}

func TestCheckCache_boundedByBytes(t *testing.T) {
	c := checkCache{limit: 100}
	runs := 0
	check := func() error { runs++; return nil }
	key := checkKey{op: OpFinancialInformation, status: 200}
	a, b := make([]byte, 60), make([]byte, 60)
	b[0] = 1
	c.verdict(key, a, check)
	c.verdict(key, a, check)
	assert.Equal(t, 1, runs)
	c.verdict(key, b, check) // over the limit: the memory is dropped, b is checked
	assert.Equal(t, 2, runs)
	assert.LessOrEqual(t, c.size, 100)
	c.verdict(key, a, check) // forgotten, so checked again: never skipped
	assert.Equal(t, 3, runs)
}

func TestHeaderKey_isOrderIndependent(t *testing.T) {
	assert.Empty(t, headerKey(nil))
	assert.Equal(t, headerKey(http.Header{"A": {"1"}, "B": {"2"}}), headerKey(http.Header{"B": {"2"}, "A": {"1"}}))
	assert.NotEqual(t, headerKey(http.Header{"A": {"1"}}), headerKey(http.Header{"A": {"2"}}))
}

// countingValidator counts the requests it validates.
type countingValidator struct {
	SpecValidator
	requests atomic.Int64
}

func (c *countingValidator) ValidateRequest(ctx context.Context, r *http.Request, body []byte) error {
	c.requests.Add(1)
	if r.URL.Query().Get("verification_id") == "req_refused" {
		return errors.New("refused by the stand-in validator")
	}
	return c.SpecValidator.ValidateRequest(ctx, r, body)
}

func TestCheckSpec_validatesEachDistinctRequestOnce(t *testing.T) {
	v, err := defaultValidator()
	require.NoError(t, err)
	counting := &countingValidator{SpecValidator: v}
	h, err := NewHandler(WithValidator(counting))
	require.NoError(t, err)
	defer h.Close()
	get := func(target string, header http.Header) int {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header = header
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	good := http.Header{"X-Client-Id": {DefaultClientID}, "X-Client-Secret": {DefaultClientSecret}, "X-Api-Version": {"2024-12-01"}}
	for range 3 {
		assert.Equal(t, http.StatusOK, get("/digilocker?verification_id=req_once", good))
	}
	assert.EqualValues(t, 1, counting.requests.Load())
	assert.Equal(t, http.StatusOK, get("/digilocker?verification_id=req_twice", good))
	assert.EqualValues(t, 2, counting.requests.Load(), "another query is another request")

	// A request the spec rejects is rejected every time, from one validation.
	for range 2 {
		assert.Equal(t, http.StatusBadRequest, get("/digilocker?verification_id=req_refused", good))
	}
	assert.EqualValues(t, 3, counting.requests.Load())
}

// answerCounter validates as the spec does, counts each request and
// response it is asked about, and refuses the request and the answer that
// carry a marked id.
type answerCounter struct {
	SpecValidator
	requests, responses atomic.Int64
}

func (c *answerCounter) ValidateRequest(ctx context.Context, r *http.Request, body []byte) error {
	c.requests.Add(1)
	if strings.Contains(string(body), "da_refused") {
		return errors.New("refused by the stand-in validator")
	}
	return c.SpecValidator.ValidateRequest(ctx, r, body)
}

func (c *answerCounter) ValidateResponse(ctx context.Context, op string, status int, header http.Header, body []byte) error {
	c.responses.Add(1)
	if strings.Contains(string(body), "da_broken") {
		return errors.New("broken by the stand-in validator")
	}
	return c.SpecValidator.ValidateResponse(ctx, op, status, header, body)
}

// Data availability's answers are new on every call, so neither they nor
// their requests go through the verdict caches: each is validated in full,
// a refusal or a violation every time, and nothing is remembered.
func TestDataAvailability_validatesEveryRequestAndAnswerInFull(t *testing.T) {
	v, err := defaultValidator()
	require.NoError(t, err)
	counting := &answerCounter{SpecValidator: v}
	h, err := NewHandler(WithValidator(counting))
	require.NoError(t, err)
	defer h.Close()
	post := func(id string) *httptest.ResponseRecorder {
		body := `{"verification_id":"` + id + `","user":[{"identifier_type":"MOBILE","identifier_value":"9999912345"}]}`
		r := httptest.NewRequest(http.MethodPost, "/user/data-availability", strings.NewReader(body))
		r.Header = http.Header{"X-Client-Id": {DefaultClientID}, "X-Client-Secret": {DefaultClientSecret},
			"X-Api-Version": {"2024-12-01"}, "Content-Type": {"application/json"}}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := range 4 {
		w := post("da_each_" + strconv.Itoa(i))
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	assert.EqualValues(t, 4, counting.requests.Load(), "each request validated")
	assert.EqualValues(t, 4, counting.responses.Load(), "each answer validated")
	s := h.Stats()
	assert.Equal(t, 4, s.SelfChecks)
	assert.Equal(t, 4, s.Checked)

	for range 2 {
		assert.Equal(t, http.StatusBadRequest, post("da_refused").Code, "refused on every send")
	}
	assert.EqualValues(t, 6, counting.requests.Load())

	w := post("da_broken")
	assert.Equal(t, http.StatusInternalServerError, w.Code, "a broken answer is stopped")
	assert.Equal(t, "1", w.Header().Get("X-Mock-Violation"))
	assert.Equal(t, 1, h.Stats().Violations)

	for key, bodies := range h.checks.entries {
		if key.status == http.StatusOK {
			assert.Empty(t, bodies, "no 200 remembered (the repeated 400s may be)")
		}
	}
	assert.Zero(t, h.requestChecks.size, "no request remembered")
}
