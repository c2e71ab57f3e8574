package mock

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/openapi"
)

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

// Data availability's answers are new on every call. With a validator that
// cannot check a member on its own (this stand-in), neither they nor their
// requests go through the verdict caches: each is validated in full, a
// refusal or a violation every time, and nothing is remembered.
func TestDataAvailability_validatesEveryRequestAndAnswerInFull(t *testing.T) {
	v, err := defaultValidator()
	require.NoError(t, err)
	counting := &answerCounter{SpecValidator: v}
	h, err := NewHandler(WithValidator(counting))
	require.NoError(t, err)
	defer h.Close()
	post := func(id string) *httptest.ResponseRecorder { return postDataAvailability(h, id) }
	for i := range 4 {
		w := post("da_each_" + strconv.Itoa(i))
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	assert.EqualValues(t, 4, counting.requests.Load(), "each request validated")
	assert.EqualValues(t, 4, counting.responses.Load(), "each answer validated")
	assert.Zero(t, h.checks.Len(), "no 200 remembered")
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

	assert.LessOrEqual(t, h.checks.Len(), 2, "at most the refusal and the stand-in 500 remembered, no 200")
	assert.Zero(t, h.requestChecks.Len(), "no request remembered")
}

// postDataAvailability sends a valid data availability request for id.
func postDataAvailability(h *Handler, id string) *httptest.ResponseRecorder {
	body := `{"verification_id":"` + id + `","user":[{"identifier_type":"MOBILE","identifier_value":"9999912345"}]}`
	r := httptest.NewRequest(http.MethodPost, "/user/data-availability", strings.NewReader(body))
	r.Header = http.Header{"X-Client-Id": {DefaultClientID}, "X-Client-Secret": {DefaultClientSecret},
		"X-Api-Version": {"2024-12-01"}, "Content-Type": {"application/json"}}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// With the spec's validator, data availability's answers are checked by
// shape: the answer with stand-in ids is validated once and remembered,
// and each answer's own reference_id and verification_id are checked on
// every send.
func TestDataAvailability_checksTheShapeOnceAndTheIDsEachTime(t *testing.T) {
	h, err := NewHandler()
	require.NoError(t, err)
	defer h.Close()
	for i := range 5 {
		w := postDataAvailability(h, "da_shape_"+strconv.Itoa(i))
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		assert.Contains(t, w.Body.String(), `"verification_id":"da_shape_`+strconv.Itoa(i)+`"`, "the real answer is sent, not the template")
		assert.NotContains(t, w.Body.String(), `"shape"`)
	}
	s := h.Stats()
	assert.Equal(t, 5, s.Checked)
	assert.Equal(t, 1, s.SelfChecks, "one shape validated whole")
	assert.Equal(t, 1, h.checks.Len(), "the shape's verdict is remembered, not each answer's")
	assert.Equal(t, 1, h.requestChecks.Len(), "and the request's shape, not each request's")
}

// specWith is a validator for the embedded spec with its first old text
// replaced by new.
func specWith(t *testing.T, old, new string) *openapi.Validator {
	t.Helper()
	require.Contains(t, string(openapi.YAML), old)
	doc, err := openapi3.NewLoader().LoadFromData([]byte(strings.Replace(string(openapi.YAML), old, new, 1)))
	require.NoError(t, err)
	v, err := openapi.NewValidator(doc)
	require.NoError(t, err)
	return v
}

// A request id the spec refuses is refused on every request, though the
// request's shape is remembered: here a spec whose request ids may have at
// most 10 characters. The refusal names the member and the rule.
func TestDataAvailability_aBadRequestIDIsRefusedOnEveryRequest(t *testing.T) {
	v := specWith(t, "      minLength: 1\n      maxLength: 50\n", "      minLength: 1\n      maxLength: 10\n")
	h, err := NewHandler(WithValidator(v))
	require.NoError(t, err)
	defer h.Close()
	assert.Equal(t, http.StatusOK, postDataAvailability(h, "da_ok").Code)
	for i := range 3 {
		w := postDataAvailability(h, "da_far_too_long_"+strconv.Itoa(i))
		assert.Equal(t, http.StatusBadRequest, w.Code, "request %d", i)
		assert.Contains(t, w.Body.String(), "$.verification_id")
		assert.Contains(t, w.Body.String(), "maximum string length is 10")
	}
	assert.Equal(t, http.StatusOK, postDataAvailability(h, "da_ok_2").Code)
	assert.Equal(t, 1, h.requestChecks.Len(), "one shape remembered")
}

// A varying member that breaks the spec is stopped on every send, though
// the shape's verdict is remembered: here a spec whose verification_id may
// have at most 10 characters.
func TestDataAvailability_aBadIDIsStoppedOnEverySend(t *testing.T) {
	const field = "          description: Your id of this request, echoed back.\n"
	v := specWith(t, field, field+"          maxLength: 10\n")
	h, err := NewHandler(WithValidator(v))
	require.NoError(t, err)
	defer h.Close()

	assert.Equal(t, http.StatusOK, postDataAvailability(h, "da_ok").Code)
	for i := range 3 {
		w := postDataAvailability(h, "da_far_too_long_"+strconv.Itoa(i))
		assert.Equal(t, http.StatusInternalServerError, w.Code, "send %d", i)
		assert.Equal(t, "1", w.Header().Get("X-Mock-Violation"))
		assert.Contains(t, w.Body.String(), "$.verification_id")
	}
	assert.Equal(t, http.StatusOK, postDataAvailability(h, "da_ok_2").Code)
	s := h.Stats()
	assert.Equal(t, 3, s.Violations)
	assert.Equal(t, 2, s.Checked)
	assert.Equal(t, 1, s.SelfChecks, "one shape validated whole; the ids on each send")
}
