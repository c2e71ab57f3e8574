package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeAPI serves one canned response per path and remembers request bodies.
type fakeAPI struct {
	t         *testing.T
	responses map[string]cannedResponse
	hits      atomic.Int32
	mu        sync.Mutex
	bodies    [][]byte
}

type cannedResponse struct {
	status int
	header map[string]string
	body   string
}

func newFakeAPI(t *testing.T, responses map[string]cannedResponse) (*fakeAPI, string) {
	f := &fakeAPI{t: t, responses: responses}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/verification" // a base path, as the real API has
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("server read: %v", err)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	c, ok := f.responses[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if _, set := c.header["Content-Type"]; !set {
		w.Header().Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(c.status)
	_, _ = io.WriteString(w, c.body)
}

func getWith(t *testing.T, client *http.Client, url string, header map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(client, req)
}

func do(client *http.Client, req *http.Request) (*http.Response, []byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

var clientCreds = map[string]string{"x-client-id": "id", "x-client-secret": "secret", "x-api-version": "2024-12-01"}

const (
	digiPending  = `{"user_details": {}, "status": "PENDING", "document_requested": ["AADHAAR"], "document_consent": null, "verification_id": "v-1", "reference_id": 1}`
	digiBroken   = `{"user_details": [], "status": "PENDING", "reference_id": 1.5}`
	digiDrifting = `{"user_details": {"name": "A", "selfie": "x"}, "status": "REVIEW", "reference_id": 1}`
)

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestValidatingTransport_validExchangePassesUntouched(t *testing.T) {
	t.Parallel()
	avail := `{"reference_id": 3123123, "verification_id": "v-1", "user": [{"identifier_type": "MOBILE", "identifier_value": "9000000001"}], "available_scopes": [{"scope": "PAN"}]}`
	api, base := newFakeAPI(t, map[string]cannedResponse{
		"/verification/digilocker":             {200, nil, digiPending},
		"/verification/user/data-availability": {200, map[string]string{"Content-Type": "application/json; charset=utf-8"}, avail},
	})
	vt := NewValidatingTransport(nil, WithMode(ModeFail), WithLogger(quietLogger()))
	client := &http.Client{Transport: vt}

	resp, body, err := getWith(t, client, base+"/digilocker?verification_id=v-1", clientCreds)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, digiPending, string(body), "the caller sees the body as sent")

	reqBody := `{"verification_id": "v-1", "user": [{"identifier_type": "MOBILE", "identifier_value": "9000000001"}]}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/user/data-availability", strings.NewReader(reqBody))
	require.NoError(t, err)
	for k, v := range clientCreds {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	headerBefore := req.Header.Clone()
	resp, body, err = do(client, req)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, avail, string(body))
	assert.Equal(t, headerBefore, req.Header)

	api.mu.Lock()
	assert.Equal(t, reqBody, string(api.bodies[1]), "the server sees the request body as sent")
	api.mu.Unlock()
	assert.NoError(t, vt.Err())
	assert.Empty(t, vt.Violations())
	assert.Empty(t, vt.DriftFindings())
}

func TestValidatingTransport_recordMode(t *testing.T) {
	t.Parallel()
	_, base := newFakeAPI(t, map[string]cannedResponse{
		"/verification/digilocker": {200, nil, digiBroken},
		"/verification/aa/consent": {418, map[string]string{"Content-Type": "text/plain"}, "teapot"},
	})
	vt := NewValidatingTransport(http.DefaultTransport, WithLogger(quietLogger()))
	client := &http.Client{Transport: vt}

	resp, body, err := getWith(t, client, base+"/digilocker?verification_id=v-1", clientCreds)
	require.NoError(t, err, "record mode lets the call through")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, digiBroken, string(body))

	_, body, err = getWith(t, client, base+"/aa/consent?consent_ref_id=1", map[string]string{"x-api-version": "2024-12-01"})
	require.NoError(t, err)
	assert.Equal(t, "teapot", string(body))

	got := vt.Violations()
	require.Len(t, got, 3)
	assert.Equal(t, "getDigiLockerStatus", got[0].Operation)
	assert.Equal(t, KindResponse, got[0].Kind)
	assert.Equal(t, []string{"body $.reference_id", "body $.user_details"}, where(t, got[0]))
	assert.Equal(t, KindRequest, got[1].Kind)
	assert.Equal(t, []string{"security x-client-id", "security x-client-secret"}, where(t, got[1]))
	// 418 falls to the default response, which is the vendor's JSON error.
	assert.Equal(t, []string{"content-type Content-Type"}, where(t, got[2]))
	assert.Equal(t, 418, got[2].Status)

	err = vt.Err()
	require.Error(t, err)
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve)

	vt.Reset()
	assert.Empty(t, vt.Violations())
	assert.NoError(t, vt.Err())
}

func TestValidatingTransport_failMode(t *testing.T) {
	t.Parallel()
	api, base := newFakeAPI(t, map[string]cannedResponse{
		"/verification/digilocker": {200, nil, digiBroken},
	})
	vt := NewValidatingTransport(nil, WithMode(ModeFail), WithLogger(quietLogger()))
	client := &http.Client{Transport: vt}

	resp, _, err := getWith(t, client, base+"/digilocker?verification_id=v-1", clientCreds)
	require.Error(t, err)
	assert.Nil(t, resp)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve, "http.Client wraps it; errors.As finds it")
	assert.Equal(t, KindResponse, ve.Kind)
	assert.Equal(t, int32(1), api.hits.Load())

	// A request that breaks the spec is not sent.
	_, _, err = getWith(t, client, base+"/digilocker?reference_id=nope", clientCreds)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, KindRequest, ve.Kind)
	assert.Equal(t, []string{"query reference_id"}, where(t, ve))
	assert.Equal(t, int32(1), api.hits.Load(), "the server never saw the bad request")
	assert.Len(t, vt.Violations(), 2, "fail mode records too")
}

func TestValidatingTransport_driftIsAWarningUnlessStrict(t *testing.T) {
	t.Parallel()
	_, base := newFakeAPI(t, map[string]cannedResponse{
		"/verification/digilocker": {200, nil, digiDrifting},
	})
	wantDrift := []string{"unknown-enum-value $.status=REVIEW", "unknown-property $.user_details.selfie"}

	t.Run("warning", func(t *testing.T) {
		t.Parallel()
		var logs bytes.Buffer
		vt := NewValidatingTransport(nil, WithMode(ModeFail), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		_, body, err := getWith(t, &http.Client{Transport: vt}, base+"/digilocker?verification_id=v-1", clientCreds)
		// REVIEW is not in the closed set: drift, never an error unless strict.
		require.NoError(t, err)
		assert.Equal(t, digiDrifting, string(body))
		assert.Equal(t, wantDrift, findings(vt.DriftFindings()))
		assert.Contains(t, logs.String(), "path=$.user_details.selfie")
		assert.Contains(t, logs.String(), "level=WARN")
		assert.NotContains(t, logs.String(), `"x"`, "no values in logs")
	})
	t.Run("an unknown property alone passes", func(t *testing.T) {
		t.Parallel()
		_, base := newFakeAPI(t, map[string]cannedResponse{
			"/verification/digilocker": {200, nil, `{"status": "PENDING", "liveness": {"score": 1}}`},
		})
		vt := NewValidatingTransport(nil, WithMode(ModeFail), WithLogger(nil))
		_, _, err := getWith(t, &http.Client{Transport: vt}, base+"/digilocker?verification_id=v-1", clientCreds)
		require.NoError(t, err)
		assert.NoError(t, vt.Err())
		assert.Equal(t, []string{"unknown-property $.liveness"}, findings(vt.DriftFindings()))
	})
	t.Run("strict fails the call", func(t *testing.T) {
		t.Parallel()
		_, base := newFakeAPI(t, map[string]cannedResponse{
			"/verification/digilocker": {200, nil, `{"status": "PENDING", "liveness": {"score": 1}}`},
		})
		vt := NewValidatingTransport(nil, WithMode(ModeFail), WithStrictDrift(), WithLogger(nil))
		_, _, err := getWith(t, &http.Client{Transport: vt}, base+"/digilocker?verification_id=v-1", clientCreds)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, []string{"drift $.liveness"}, where(t, ve))
	})
	t.Run("strict in record mode records", func(t *testing.T) {
		t.Parallel()
		_, base := newFakeAPI(t, map[string]cannedResponse{
			"/verification/digilocker": {200, nil, `{"status": "PENDING", "liveness": {"score": 1}}`},
		})
		vt := NewValidatingTransport(nil, WithStrictDrift(), WithLogger(nil))
		_, _, err := getWith(t, &http.Client{Transport: vt}, base+"/digilocker?verification_id=v-1", clientCreds)
		require.NoError(t, err)
		require.Len(t, vt.Violations(), 1)
		assert.Equal(t, []string{"drift $.liveness"}, where(t, vt.Violations()[0]))
	})
}

func TestValidatingTransport_unknownPathIsAViolation(t *testing.T) {
	t.Parallel()
	_, base := newFakeAPI(t, nil)
	vt := NewValidatingTransport(nil, WithLogger(nil))
	resp, _, err := getWith(t, &http.Client{Transport: vt}, base+"/pan", clientCreds)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Len(t, vt.Violations(), 1)
	assert.Equal(t, []string{"path /verification/pan"}, where(t, vt.Violations()[0]))
}

func TestValidatingTransport_headIsNotValidated(t *testing.T) {
	t.Parallel()
	_, base := newFakeAPI(t, map[string]cannedResponse{"/verification/digilocker": {200, nil, digiBroken}})
	vt := NewValidatingTransport(nil, WithLogger(nil))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodHead, base+"/digilocker", nil)
	require.NoError(t, err)
	_, _, err = do(&http.Client{Transport: vt}, req)
	require.NoError(t, err)
	require.Len(t, vt.Violations(), 1, "HEAD has no operation in the spec; only that is reported")
	assert.Equal(t, KindRequest, vt.Violations()[0].Kind)
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type brokenBody struct{ data io.Reader }

func (b *brokenBody) Read(p []byte) (int, error) {
	n, err := b.data.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}
func (*brokenBody) Close() error { return nil }

func TestValidatingTransport_bodyReadErrorsReachTheCaller(t *testing.T) {
	t.Parallel()
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: &brokenBody{strings.NewReader(`{"status": "PEN`)}, Request: r,
		}, nil
	})
	vt := NewValidatingTransport(base, WithMode(ModeFail), WithLogger(nil))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:9/digilocker?verification_id=v", nil)
	require.NoError(t, err)
	for k, v := range clientCreds {
		req.Header.Set(k, v)
	}
	resp, err := vt.RoundTrip(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, `{"status": "PEN`, string(body), "what arrived, then the error")
	assert.Empty(t, vt.Violations(), "a truncated body is a transport error, not a spec violation")
}

func TestValidatingTransport_baseErrorsPassThrough(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection refused")
	vt := NewValidatingTransport(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, boom }), WithLogger(nil))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:9/digilocker", nil)
	require.NoError(t, err)
	_, err = vt.RoundTrip(req)
	assert.ErrorIs(t, err, boom)
}

func TestValidatingTransport_requestBodyIsReadOnceAndReplayable(t *testing.T) {
	t.Parallel()
	const reqBody = `{"verification_id": "v-1", "user": [{"identifier_type": "MOBILE", "identifier_value": "9000000001"}]}`
	var seen []string
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		seen = append(seen, string(b))
		again, err := r.GetBody()
		require.NoError(t, err)
		b, _ = io.ReadAll(again)
		seen = append(seen, string(b))
		assert.Equal(t, int64(len(reqBody)), r.ContentLength)
		return &http.Response{StatusCode: 409, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"type": "validation_error", "code": "verification_id_already_exists"}`)), Request: r}, nil
	})
	vt := NewValidatingTransport(base, WithMode(ModeFail), WithLogger(nil))
	// An io.Reader that is not a bytes/strings reader: no GetBody, unknown length.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://127.0.0.1:9/user/data-availability", io.MultiReader(strings.NewReader(reqBody)))
	require.NoError(t, err)
	for k, v := range clientCreds {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := vt.RoundTrip(req)
	require.NoError(t, err)
	assert.Equal(t, 409, resp.StatusCode)
	assert.Equal(t, []string{reqBody, reqBody}, seen)
	assert.Zero(t, req.ContentLength, "the caller's request is not changed")
	assert.Nil(t, req.GetBody)
}

func TestValidatingTransport_largeBodiesArriveIntact(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"fi_verification_id": "Fi_1", "status": "SUCCESS", "fi_data": [{"fip_id": "F", "accounts": [{"status": "DELIVERED", "data": {"account": {"transactions": {"transaction": [`)
	for i := range 20000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"amount": "%d.00", "mode": "UPI", "type": "DEBIT", "transaction_timestamp": "2021-04-01T13:20:14+05:30", "txn_id": "T%d"}`, i, i)
	}
	b.WriteString(`]}}}}]}]}`)
	large := b.String()
	_, base := newFakeAPI(t, map[string]cannedResponse{"/verification/aa/fi": {200, nil, large}})
	vt := NewValidatingTransport(nil, WithMode(ModeFail), WithLogger(nil))
	_, body, err := getWith(t, &http.Client{Transport: vt}, base+"/aa/fi?fi_verification_id=Fi_1", clientCreds)
	require.NoError(t, err)
	assert.Equal(t, len(large), len(body))
	assert.True(t, large == string(body))
}

func TestValidatingTransport_isSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	_, base := newFakeAPI(t, map[string]cannedResponse{
		"/verification/digilocker": {200, nil, digiBroken},
		"/verification/aa/consent": {200, nil, `{"status": "SUCCESS", "new": 1}`},
	})
	vt := NewValidatingTransport(nil, WithLogger(nil))
	client := &http.Client{Transport: vt}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			path := "/digilocker?verification_id=v"
			if i%2 == 1 {
				path = "/aa/consent?consent_ref_id=1"
			}
			_, _, err := getWith(t, client, base+path, clientCreds)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Len(t, vt.Violations(), 10)
	assert.Len(t, vt.DriftFindings(), 10)
}

func TestValidatingTransport_withAnotherValidator(t *testing.T) {
	t.Parallel()
	v, err := NewValidator(MustLoad())
	require.NoError(t, err)
	seen := false
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = true
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
	})
	vt := NewValidatingTransport(base, WithValidator(v), WithLogger(nil))
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://sandbox.cashfree.com/verification/aa/fi?fi_ref_id=1", nil)
	require.NoError(t, err)
	for k, v := range clientCreds {
		req.Header.Set(k, v)
	}
	_, err = vt.RoundTrip(req)
	require.NoError(t, err)
	assert.True(t, seen)
	assert.NoError(t, vt.Err())
}

type idleCounter struct {
	http.RoundTripper
	closed int
}

func (c *idleCounter) CloseIdleConnections() { c.closed++ }

func TestValidatingTransport_closeIdleConnectionsReachesTheBase(t *testing.T) {
	t.Parallel()
	base := &idleCounter{RoundTripper: http.DefaultTransport}
	hc := &http.Client{Transport: NewValidatingTransport(base)}
	hc.CloseIdleConnections()
	assert.Equal(t, 1, base.closed)
	// A base without the method is fine too.
	NewValidatingTransport(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil })).CloseIdleConnections()
}
