package client_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

// seen is what a middleware or transport read from one request's context.
type seen struct {
	operation string
	attempt   int
	hasOp     bool
}

type seenLog struct {
	mu  sync.Mutex
	all []seen
}

func (l *seenLog) add(ctx context.Context) {
	op, okOp := client.OperationID(ctx)
	n, okN := client.Attempt(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, seen{operation: op, attempt: n, hasOp: okOp && okN})
}

func (l *seenLog) get() []seen {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seen(nil), l.all...)
}

// contextTransport records the attempt context a user's transport sees.
type contextTransport struct{ log *seenLog }

func (t contextTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.log.add(req.Context())
	return http.DefaultTransport.RoundTrip(req)
}

func TestClient_Middleware_runsOnEveryAttemptWithOperationAndAttempt(t *testing.T) {
	t.Parallel()
	for _, oc := range operations {
		if oc.method != http.MethodGet {
			continue
		}
		t.Run(oc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, failThen(2, 503, "", example(t, oc.example)))
			var inMiddleware, inTransport seenLog
			var order []string
			var mu sync.Mutex
			mark := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
			c := newClient(t, srv,
				client.WithHTTPClient(&http.Client{Transport: contextTransport{&inTransport}}),
				client.WithMiddleware(func(req *http.Request, next client.MiddlewareNext) (*http.Response, error) {
					mark("outer")
					inMiddleware.add(req.Context())
					return next(req)
				}, func(req *http.Request, next client.MiddlewareNext) (*http.Response, error) {
					mark("inner")
					return next(req)
				}))
			_, err := oc.call(t.Context(), c)
			require.NoError(t, err)
			require.Equal(t, 3, rec.count())
			want := []seen{{oc.op, 1, true}, {oc.op, 2, true}, {oc.op, 3, true}}
			assert.Equal(t, want, inMiddleware.get())
			assert.Equal(t, want, inTransport.get(), "the HTTP client's transport sees the same context")
			assert.Equal(t, []string{"outer", "inner", "outer", "inner", "outer", "inner"}, order)
		})
	}
}

func TestClient_Middleware_canAnswerAndChangeRequests(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, respond(200, example(t, "DigiLockerAuthenticated")))
	c := newClient(t, srv, client.WithMiddleware(func(req *http.Request, next client.MiddlewareNext) (*http.Response, error) {
		req.Header.Set("X-Trace", "t-1")
		return next(req)
	}))
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("verif-1"))
	require.NoError(t, err)
	assert.Equal(t, "t-1", rec.last().Header.Get("X-Trace"))

	refused := errors.New("refused by policy")
	c = newClient(t, srv, client.WithRetryPolicy(client.RetryPolicy{}), client.WithMiddleware(func(*http.Request, client.MiddlewareNext) (*http.Response, error) {
		return nil, refused
	}))
	_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("verif-1"))
	var netErr *client.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.ErrorIs(t, err, refused)
	assert.Equal(t, 1, rec.count(), "the refused attempt never reached the server")
}

func TestClient_OperationID_absentOutsideAnAttempt(t *testing.T) {
	t.Parallel()
	_, ok := client.OperationID(t.Context())
	assert.False(t, ok)
	_, ok = client.Attempt(t.Context())
	assert.False(t, ok)
}

func TestNew_rejectsNilMiddlewareAndObserver(t *testing.T) {
	t.Parallel()
	_, err := client.New(client.WithMiddleware(nil))
	require.ErrorIs(t, err, client.ErrConfig)
	_, err = client.New(client.WithCallObserver(nil))
	require.ErrorIs(t, err, client.ErrConfig)
	_, err = client.New(client.WithOptions(client.WithMiddleware(nil), client.WithAttemptTimeout(-1)))
	require.ErrorIs(t, err, client.ErrConfig)
}

// callLog records what a CallObserver is told.
type callLog struct {
	mu      sync.Mutex
	started []string
	ended   []client.CallEnd
}

type ctxMarker struct{}

func (l *callLog) StartCall(ctx context.Context, op string) context.Context {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.started = append(l.started, op)
	return context.WithValue(ctx, ctxMarker{}, op)
}

func (l *callLog) EndCall(ctx context.Context, end client.CallEnd) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ctx.Value(ctxMarker{}) != end.OperationID {
		panic("EndCall did not get StartCall's context")
	}
	l.ended = append(l.ended, end)
}

func TestClient_CallObserver_seesEachCallOnce(t *testing.T) {
	t.Parallel()
	authenticated := example(t, "DigiLockerAuthenticated")
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case n <= 2:
			writeJSON(w, 503, errorBody("internal_error", "upstream_down", "down"))
		case n == 3:
			writeJSON(w, 200, authenticated)
		default:
			writeJSON(w, 401, errorBody("authentication_error", "authentication_failed", "bad"))
		}
	})
	var calls callLog
	var attemptsSawMarker []bool
	c := newClient(t, srv, client.WithCallObserver(&calls), client.WithMiddleware(func(req *http.Request, next client.MiddlewareNext) (*http.Response, error) {
		attemptsSawMarker = append(attemptsSawMarker, req.Context().Value(ctxMarker{}) != nil)
		return next(req)
	}))
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("verif-1"))
	require.NoError(t, err)
	_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("verif-1"))
	require.Error(t, err)
	_, err = c.DigiLockerStatus(t.Context(), client.ByVerificationID("bad id!"))
	require.Error(t, err)

	assert.Equal(t, []string{client.OpDigiLockerStatus, client.OpDigiLockerStatus}, calls.started, "bad input is refused before the call starts")
	require.Len(t, calls.ended, 2)
	ok, unauthorized := calls.ended[0], calls.ended[1]
	assert.Equal(t, 3, ok.Attempts)
	assert.Equal(t, 200, ok.StatusCode)
	require.NoError(t, ok.Err)
	assert.Positive(t, ok.Duration)
	assert.Equal(t, 1, unauthorized.Attempts)
	assert.Equal(t, 401, unauthorized.StatusCode)
	assert.Equal(t, client.CodeAuthenticationFailed, unauthorized.Code())
	assert.Equal(t, []bool{true, true, true, true}, attemptsSawMarker, "attempts run under StartCall's context")
}
