package mock_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
)

// Every response the mock sends in this suite is validated twice: by the
// mock's self-check before it leaves, and by the validating transport the
// test clients use when it arrives. These count them.
var (
	selfChecked      atomic.Int64
	transportChecked atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Printf("mock suite: %d responses passed the mock's self-check, %d passed the validating transport\n",
		selfChecked.Load(), transportChecked.Load())
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// start runs a mock for one test. Unless the test expects violations it
// also fails the test when the self-check stopped a response.
func start(t testing.TB, opts ...mock.Option) *mock.Server {
	t.Helper()
	srv, err := mock.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		srv.Close()
		selfChecked.Add(int64(srv.Stats().Checked))
	})
	return srv
}

// violationsExpected holds the servers whose tests provoke the self-check.
var violationsExpected sync.Map

func expectViolations(srv *mock.Server) { violationsExpected.Store(srv, true) }

func noViolations(t testing.TB, srv *mock.Server) {
	t.Helper()
	t.Cleanup(func() {
		if _, ok := violationsExpected.Load(srv); ok {
			return
		}
		for _, v := range srv.Violations() {
			t.Errorf("self-check violation: %v", v)
		}
	})
}

// conn is a raw HTTP client of one mock, behind the validating transport.
type conn struct {
	t         testing.TB
	srv       *mock.Server
	http      *http.Client
	transport *openapi.ValidatingTransport
	base      string
	header    http.Header
}

// connect returns a client that sends the test credentials and api version
// and validates every exchange; at cleanup it fails the test on a violation
// the transport recorded (expectViolations turns that off).
func connect(t testing.TB, srv *mock.Server) *conn {
	t.Helper()
	inner := &http.Transport{}
	vt, err := openapi.NewValidatingTransport(inner, openapi.WithLogger(nil), openapi.WithStrictDrift())
	require.NoError(t, err)
	c := &conn{
		t: t, srv: srv, transport: vt, base: srv.URL(),
		http: &http.Client{Transport: vt},
		header: http.Header{
			"X-Client-Id":     {mock.DefaultClientID},
			"X-Client-Secret": {mock.DefaultClientSecret},
			"X-Api-Version":   {"2024-12-01"},
		},
	}
	noViolations(t, srv)
	t.Cleanup(func() {
		inner.CloseIdleConnections()
		require.NoError(t, specBreaks(vt), "the validating transport saw a request or response break the spec")
	})
	return c
}

// plain returns a client without validation, for faults the spec cannot describe.
func plain(t testing.TB, srv *mock.Server) *conn {
	c := connect(t, srv)
	// No keep-alive: net/http resends a GET that met a closed, reused
	// connection, which would hide a fault from the test.
	inner := &http.Transport{DisableKeepAlives: true}
	c.http = &http.Client{Transport: inner}
	c.transport = nil
	t.Cleanup(inner.CloseIdleConnections)
	return c
}

type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (a answer) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), "body: %s", a.body)
	return m
}

// errorIs asserts an error answer in the vendor's shape.
func (a answer) errorIs(t testing.TB, status int, typ, code, message string) {
	t.Helper()
	require.NoError(t, a.err)
	assert.Equal(t, status, a.status, "body: %s", a.body)
	m := a.json(t)
	assert.Equal(t, typ, m["type"], "type")
	if code != "" {
		assert.Equal(t, code, m["code"], "code")
	}
	if message != "" {
		assert.Equal(t, message, m["message"], "message")
	}
}

func (c *conn) do(method, path string, header http.Header, body string) answer {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, rd)
	require.NoError(c.t, err)
	for k, v := range c.header {
		req.Header[k] = v
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if len(v) == 0 || v[0] == "" {
			req.Header.Del(k)
			continue
		}
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err == nil && c.transport != nil {
		transportChecked.Add(1)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data, err: err}
}

func (c *conn) get(path string) answer { return c.do(http.MethodGet, path, nil, "") }

func (c *conn) getWith(path string, header http.Header) answer {
	return c.do(http.MethodGet, path, header, "")
}

func (c *conn) availability(id, mobile string) answer {
	body, _ := json.Marshal(map[string]any{
		"verification_id": id,
		"user":            []map[string]string{{"identifier_type": "MOBILE", "identifier_value": mobile}},
	})
	return c.do(http.MethodPost, "/user/data-availability", nil, string(body))
}

func (c *conn) userDetails(token string) answer {
	return c.getWith("/oauth2/user-details", http.Header{"Authorization": {"Bearer " + token},
		"X-Client-Id": {""}, "X-Client-Secret": {""}})
}

// statuses polls path n times and returns the "status" of each answer.
func (c *conn) statuses(path string, n int) []string {
	c.t.Helper()
	out := make([]string, 0, n)
	for range n {
		a := c.get(path)
		require.NoError(c.t, a.err)
		require.Equal(c.t, http.StatusOK, a.status, "body: %s", a.body)
		out = append(out, a.json(c.t)["status"].(string))
	}
	return out
}

func compact(t testing.TB, data []byte) string {
	var buf bytes.Buffer
	require.NoError(t, json.Compact(&buf, data))
	return buf.String()
}

// isUndocumentedStatus reports whether a strict transport's violation is an
// undocumented status answered with the vendor's error body: the mock gives
// them only as faults (a fault's 503), and the spec's default response
// describes them. Every scenario's own answers are documented
// (TestScenarios_strictClean).
func isUndocumentedStatus(v openapi.Violation) bool {
	return v.Location == openapi.LocationDrift && strings.HasPrefix(v.Message, string(openapi.DriftUndocumentedStatus)+":")
}

// specBreaks joins the violations a strict transport recorded, leaving out
// undocumented statuses (isUndocumentedStatus).
func specBreaks(vt *openapi.ValidatingTransport) error {
	var errs []error
	for _, ve := range vt.Violations() {
		for _, v := range ve.Violations {
			if !isUndocumentedStatus(v) {
				errs = append(errs, ve)
				break
			}
		}
	}
	return errors.Join(errs...)
}
