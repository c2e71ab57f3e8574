package reliability_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
)

// newTestClient is a client for base with test credentials, no retries
// unless opts say otherwise.
func newTestClient(t testing.TB, base string, opts ...client.Option) *client.Client {
	t.Helper()
	all := append([]client.Option{client.WithBaseURL(base + "/verification"),
		client.WithCredentials("cf_rel_client", "cf_rel_secret"),
		client.WithRetryPolicy(client.RetryPolicy{}), client.WithAttemptTimeout(5 * time.Second)}, opts...)
	c, err := client.New(all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

type oversizeFigures struct {
	Mode           string `json:"mode"`
	Calls          int    `json:"calls"`
	CapBytes       int64  `json:"cap_bytes"`
	OfferedBytes   int64  `json:"offered_bytes"`
	MaxWritten     int64  `json:"max_bytes_server_wrote"`
	MaxWrittenXCap string `json:"max_written_to_cap"`
	SlowestMS      int64  `json:"slowest_ms"`
}

// TestBodies_oversized: a success body beyond the cap fails every operation
// with ErrResponseTooLarge, having read about the cap and no more; the
// server, offering gigabytes, writes little more than the cap plus what
// the sockets buffer.
func TestBodies_oversized(t *testing.T) {
	t.Parallel()
	const capBytes = 1 << 20
	const offered = 4 << 30 // what the server would send if it could
	chunk := bytes.Repeat([]byte(`{"a":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},`), 1024)
	zeros := gzipOfZeros(t, 64<<20) // 64 MiB inflated, about 64 KiB on the wire

	for _, mode := range []string{"chunked", "content-length", "gzip bomb", "error body"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var maxWritten int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var written int64
				defer func() {
					mu.Lock()
					maxWritten = max(maxWritten, written)
					mu.Unlock()
				}()
				w.Header().Set("Content-Type", "application/json")
				status := http.StatusOK
				switch mode {
				case "content-length":
					w.Header().Set("Content-Length", strconv.Itoa(offered))
				case "gzip bomb":
					w.Header().Set("Content-Encoding", "gzip")
					w.Header().Set("Content-Length", strconv.Itoa(len(zeros)))
					w.WriteHeader(status)
					n, _ := w.Write(zeros)
					written = int64(n)
					return
				case "error body":
					status = http.StatusNotFound
				}
				w.WriteHeader(status)
				_, _ = io.WriteString(w, "[")
				deadline := time.Now().Add(10 * time.Second)
				for written < offered && time.Now().Before(deadline) {
					n, err := w.Write(chunk)
					written += int64(n)
					if err != nil {
						return // the client hung up
					}
				}
			}))
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv.URL, client.WithMaxResponseBytes(capBytes))
			fig := oversizeFigures{Mode: mode, CapBytes: capBytes, OfferedBytes: offered}
			if mode == "gzip bomb" {
				fig.OfferedBytes = 64 << 20
			}
			for _, oc := range allOps {
				begin := time.Now()
				res, err := oc.call(t.Context(), c)
				fig.SlowestMS = max(fig.SlowestMS, time.Since(begin).Milliseconds())
				fig.Calls++
				assert.True(t, isNil(res), oc.name)
				if mode == "error body" {
					var apiErr *client.Error
					require.ErrorAs(t, err, &apiErr, oc.name)
					assert.Equal(t, 404, apiErr.StatusCode)
					continue
				}
				require.ErrorIs(t, err, client.ErrResponseTooLarge, oc.name)
				assert.Contains(t, err.Error(), oc.name)
				assert.Contains(t, err.Error(), "limit 1048576 bytes")
			}
			c.CloseIdleConnections()
			srv.CloseClientConnections()
			mu.Lock()
			fig.MaxWritten = maxWritten
			mu.Unlock()
			fig.MaxWrittenXCap = strconv.FormatFloat(float64(fig.MaxWritten)/capBytes, 'f', 1, 64) + "x"
			report(t, fig)
			assert.Less(t, fig.MaxWritten, int64(64<<20), "the client stopped reading: the server wrote a bounded amount, not gigabytes")
		})
	}
}

func gzipOfZeros(t *testing.T, n int) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(make([]byte, n))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestBodies_defaultCapFitsTheLargestStatement: the default cap holds a
// statement far beyond what an Account Aggregator delivers (10 accounts ×
// 10,000 transactions in the full suite) and says how many transactions
// 64 MiB holds.
func TestBodies_defaultCapFitsTheLargestStatement(t *testing.T) {
	t.Parallel()
	accounts, txs := pick(2, 10), pick(2_000, 10_000)
	fi := mock.GenerateFI(mock.FIOptions{Accounts: accounts, Transactions: txs, Seed: 7})
	body, err := mock.MarshalFI(fi)
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL)
	got, err := c.FinancialInformation(t.Context(), client.ByVerificationID(testID))
	require.NoError(t, err)
	n := 0
	for _, err := range got.Transactions() {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, accounts*txs, n)
	perTx := float64(len(body)) / float64(n)
	report(t, map[string]any{"statement_bytes": len(body), "transactions": n, "bytes_per_transaction": int(perTx),
		"default_cap_bytes": client.DefaultMaxResponseBytes, "transactions_under_default_cap": int(float64(client.DefaultMaxResponseBytes) / perTx)})
	assert.Less(t, int64(len(body)), client.DefaultMaxResponseBytes)
}

// adversarial bodies, answered with 200 (and application/json unless the
// case says otherwise) to every operation: each must be a *DecodeError,
// with no result.
var adversarial = map[string]struct {
	contentType string
	body        string
}{
	"deep nesting":              {"", `{"status":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}`},
	"deep nesting of objects":   {"", strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000)},
	"huge exponent":             {"", `{"status":"PENDING","scopes":[{"scope":"NAME","records":[{"confidence_score":1e999999}]}],"fi_data":[{"accounts":[{"data":1e999}]}],"available_scopes":1e999,"document_consent":1e999,"consent_type":1e999}`},
	"huge number for a string":  {"", `{"status":123456789012345678901234567890123456789,"verification_id":1e400,"consent_verification_id":1e400,"fi_verification_id":1e400}`},
	"duplicate names":           {"", `{"status":"PENDING","status":"AUTHENTICATED","verification_id":"x"}`},
	"invalid UTF-8":             {"", "{\"verification_id\":\"rel\xff\xfe\",\"consent_verification_id\":\"rel\xc0\",\"fi_verification_id\":\"\xed\xa0\x80\"}"},
	"lone surrogate":            {"", `{"verification_id":"\udc00x","consent_verification_id":"\ud800","fi_verification_id":"\udfff"}`},
	"null":                      {"", `null`},
	"array":                     {"", `[{"status":"PENDING"}]`},
	"string":                    {"", `"PENDING"`},
	"number":                    {"", `42`},
	"empty":                     {"", ``},
	"whitespace":                {"", " \r\n\t "},
	"truncated":                 {"", `{"status":"AUTHENTICATED","verification_id":"rel-00`},
	"trailing garbage":          {"", `{"status":"PENDING"} {"status":"AUTHENTICATED"}`},
	"byte order mark":           {"", "\xef\xbb\xbf{\"status\":\"PENDING\"}"},
	"NUL bytes":                 {"", "{\"status\":\"PEN\x00DING\"}"},
	"html, labelled html":       {"text/html", `<html><body>502 Bad Gateway</body></html>`},
	"html, labelled json":       {"application/json", `<html><body>Sign in to the Wi-Fi</body></html>`},
	"xml":                       {"application/xml", `<status>PENDING</status>`},
	"wrong types everywhere":    {"", `{"status":{},"verification_id":[],"reference_id":{},"user_details":"x","available_scopes":{},"scopes":"x","consent_type":"x","fi_data":"x","consent_ref_id":[],"fi_ref_id":true}`},
	"javascript prefix":         {"", `)]}',` + "\n" + `{"status":"PENDING"}`},
	"comment":                   {"", `{"status":"PENDING" /* sneaky */}`},
	"single quotes":             {"", `{'status':'PENDING'}`},
	"unquoted name":             {"", `{status:"PENDING"}`},
	"NaN":                       {"", `{"status":"PENDING","reference_id":NaN}`},
	"leading zeros":             {"", `{"status":"PENDING","reference_id":007}`},
	"unclosed string in a name": {"", `{"status`},
}

type adversarialFigures struct {
	Bodies       int `json:"bodies"`
	Calls        int `json:"calls"`
	DecodeErrors int `json:"decode_errors"`
	Successes    int `json:"successes"`
	Panics       int `json:"panics"`
}

// TestBodies_adversarialJSON: garbage and adversarial success bodies are a
// *DecodeError for every operation, never a panic, never a result.
func TestBodies_adversarialJSON(t *testing.T) {
	t.Parallel()
	var current atomic.Pointer[string]
	var currentType atomic.Pointer[string]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := *currentType.Load()
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		_, _ = io.WriteString(w, *current.Load())
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL)
	var fig adversarialFigures
	for name, tc := range adversarial {
		fig.Bodies++
		current.Store(&tc.body)
		currentType.Store(&tc.contentType)
		for _, oc := range allOps {
			fig.Calls++
			res, err := callNoPanic(t.Context(), c, oc, &fig.Panics)
			var decErr *client.DecodeError
			if errors.As(err, &decErr) {
				fig.DecodeErrors++
			}
			if !isNil(res) {
				fig.Successes++
			}
			assert.True(t, isNil(res), "%s, %s: a result", name, oc.name)
			if assert.ErrorAs(t, err, &decErr, "%s, %s", name, oc.name) {
				assert.Equal(t, 200, decErr.StatusCode)
				assert.Equal(t, oc.name, decErr.Operation)
			}
		}
	}
	report(t, fig)
	assert.Zero(t, fig.Panics)
}

// A name that differs from the spec's only by case is an unknown member:
// the client reads the exact name, as a validator does, so the answer
// cannot mean one thing to each.
func TestBodies_caseVariantNames_readTheExactName(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"status":"PENDING","Status":"SUCCESS","verification_id":"x"}`,
		`{"Status":"SUCCESS","status":"PENDING","verification_id":"x"}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}))
		c := newTestClient(t, srv.URL)
		for _, oc := range allOps {
			var panics int
			res, err := callNoPanic(t.Context(), c, oc, &panics)
			require.NoError(t, err, "%s, %s", body, oc.name)
			encoded, err := json.Marshal(res)
			require.NoError(t, err)
			var fields map[string]any
			require.NoError(t, json.Unmarshal(encoded, &fields))
			if status, ok := fields["status"]; ok {
				assert.Equal(t, "PENDING", status, "%s, %s", body, oc.name)
			}
			assert.NotContains(t, fields, "Status")
		}
		srv.Close()
	}
}

func callNoPanic(ctx context.Context, c *client.Client, oc opCase, panics *int) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			*panics++
			err = errors.New("panic")
		}
	}()
	return oc.call(ctx, c)
}

// fuzzContentTypes are the content types the fuzzer picks from.
var fuzzContentTypes = []string{"application/json", "", "text/html", "application/json; charset=utf-8",
	"text/plain", "application/problem+json", "application/json; charset=utf-16", "application/octet-stream"}

// FuzzResponsePath fuzzes the whole response path of every operation: a
// loopback server answers with a fuzzed status, content type and body, and
// the client must return a result with no error only for a 2xx body that
// is valid UTF-8 JSON without repeated names and decodes into the
// operation's type as the result shows it; a typed error naming the
// operation otherwise; an *Error with the status for every non-2xx; and a
// result whenever the spec validator accepts a 200 body. Never a panic.
func FuzzResponsePath(f *testing.F) {
	for _, ex := range []string{"DigiLockerPending", "DigiLockerAuthenticated", "ConsentSuccess", "DataAvailabilitySuccess", "UserDetailsSuccess"} {
		if e, ok := openapi.MustLoad().Components.Examples[ex]; ok {
			b, _ := json.Marshal(e.Value.Value)
			for op := range 5 {
				f.Add(uint8(op), uint16(200), uint8(0), b)
			}
		}
	}
	for _, tc := range adversarial {
		if len(tc.body) < 4096 {
			f.Add(uint8(2), uint16(200), uint8(0), []byte(tc.body))
		}
	}
	f.Add(uint8(3), uint16(503), uint8(2), []byte(`<html>503</html>`))
	f.Add(uint8(4), uint16(429), uint8(0), []byte(`{"type":"rate_limit_error","code":"too_many_requests","message":"slow down 9988123456"}`))
	f.Add(uint8(0), uint16(204), uint8(0), []byte(``))
	f.Add(uint8(1), uint16(302), uint8(0), []byte(`{}`))

	var mu sync.Mutex
	var status int
	var contentType string
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		s, ct, b := status, contentType, body
		mu.Unlock()
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing
		}
		w.WriteHeader(s)
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL+"/verification"), client.WithCredentials("cf_rel_client", "cf_rel_secret"),
		client.WithRetryPolicy(client.RetryPolicy{}), client.WithAttemptTimeout(5*time.Second), client.WithMaxResponseBytes(1<<20))
	if err != nil {
		f.Fatal(err)
	}
	defer c.CloseIdleConnections()
	v, err := openapi.DefaultValidator()
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, opIndex uint8, rawStatus uint16, ctIndex uint8, b []byte) {
		oc := allOps[int(opIndex)%len(allOps)]
		st := 200 + int(rawStatus)%400
		ct := fuzzContentTypes[int(ctIndex)%len(fuzzContentTypes)]
		mu.Lock()
		status, contentType, body = st, ct, b
		mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		slow := time.AfterFunc(8*time.Second, func() {
			panic(fmt.Sprintf("SLOW INPUT op=%s status=%d ct=%q body=%q", oc.name, st, ct, b))
		})
		defer slow.Stop()
		res, err := oc.call(ctx, c)
		if (err == nil) == !isNil(res) {
			// exactly one of result and error
		} else {
			t.Fatalf("%s: result %v with error %v", oc.name, !isNil(res), err)
		}
		if err != nil {
			if k := errorKind(err); k == "untyped" {
				t.Fatalf("%s: untyped error %T: %v", oc.name, err, err)
			}
			if !strings.Contains(err.Error(), oc.name) {
				t.Fatalf("the error does not name %s: %v", oc.name, err)
			}
		}
		bodyless := st == 204 || st == 304
		switch {
		case st < 200 || st >= 300:
			var apiErr *client.Error
			isRedirect := st == 301 || st == 302 || st == 303 || st == 307 || st == 308
			if !errors.As(err, &apiErr) && !isRedirect {
				t.Fatalf("%s: HTTP %d gave %v, want an *Error", oc.name, st, err)
			}
			if apiErr != nil && apiErr.StatusCode != st {
				t.Fatalf("%s: HTTP %d gave an *Error with status %d", oc.name, st, apiErr.StatusCode)
			}
		case err == nil:
			if bodyless || !utf8.Valid(b) || hasRepeatedNames(b) {
				t.Fatalf("%s: success for a body that is not valid JSON text: %q", oc.name, b)
			}
			fresh, gotJSON := decodeFresh(oc.name, b, res)
			if fresh == nil {
				t.Fatalf("%s: success for a body that does not decode: %q", oc.name, b)
			}
			if !bytes.Equal(fresh, gotJSON) {
				t.Fatalf("%s: the result is not the whole body:\n got %s\nwant %s", oc.name, gotJSON, fresh)
			}
		case st == 200 && utf8.Valid(b) && !hasRepeatedNames(b):
			h := http.Header{}
			if ct != "" {
				h.Set("Content-Type", ct)
			}
			if v.ValidateResponse(context.Background(), oc.name, st, h, b) == nil {
				t.Fatalf("%s: the spec accepts the body but the client failed: %v\nbody: %q", oc.name, err, b)
			}
		}
	})
}

// decodeFresh decodes body into a new value of the operation's generated
// type and returns its JSON next to the JSON of the client's result; nil
// if the body does not decode.
func decodeFresh(op string, body []byte, res any) (fresh, got []byte) {
	var out any
	switch op {
	case client.OpDataAvailability:
		out = new(verification.DataAvailability)
	case client.OpUserDetails:
		out = new(verification.UserDetails)
	case client.OpDigiLockerStatus:
		out = new(verification.DigiLockerStatus)
	case client.OpConsentStatus:
		out = new(verification.ConsentStatus)
	default:
		out = new(verification.FinancialInformation)
	}
	if json.Unmarshal(body, out) != nil {
		return nil, nil
	}
	fresh, _ = json.Marshal(out)
	got, _ = json.Marshal(res)
	return fresh, got
}

// hasRepeatedNames reports whether any object in a JSON text names a
// member twice, without regard to case (as encoding/json matches names).
// It walks the tokens, independently of the client's own check.
func hasRepeatedNames(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		object bool
		names  []string
		key    bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{object: tok == '{', key: true})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if top != nil && top.object && top.key {
				for _, n := range top.names {
					if strings.EqualFold(n, tok) {
						return true
					}
				}
				top.names = append(top.names, tok)
				top.key = false
				continue
			}
		}
		if top != nil && top.object {
			top.key = true
		}
	}
}
