package mock

import (
	"encoding/json"
	"errors"
	"log"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is the mock listening on a loopback port: a Handler with an
// address. Close it when done (t.Cleanup(srv.Close) in a test).
type Server struct {
	*Handler
	ln        net.Listener
	srv       *http.Server
	serving   sync.WaitGroup
	closeOnce sync.Once
}

// New starts a mock on 127.0.0.1 and a free port (WithAddr to choose).
func New(opts ...Option) (*Server, error) {
	h, err := NewHandler(opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", h.cfg.addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Handler: h,
		ln:      ln,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			// Faults make net/http complain (a hijacked connection, a
			// short body): those lines go to the logger at debug level.
			ErrorLog: log.New(slogWriter{h.log}, "", 0),
		},
	}
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.log.Error("mock: serve", "err", err)
		}
	}()
	return s, nil
}

// MustNew is New for examples and tests: it panics if New fails.
func MustNew(opts ...Option) *Server {
	s, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// URL is the base URL to give a client, like the real servers' with the
// /verification path: "http://127.0.0.1:PORT/verification".
func (s *Server) URL() string { return s.RootURL() + BasePath }

// RootURL is the server's URL without the base path; the operations are
// served at the bare paths too.
func (s *Server) RootURL() string { return "http://" + s.ln.Addr().String() }

// Addr is the address the server listens on, such as "127.0.0.1:41234".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server: it closes the listener and every connection,
// releases requests waiting in an injected latency, and returns once every
// goroutine it started has ended.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.Handler.closeOnce.Do(func() { close(s.Handler.done) })
		_ = s.srv.Close()
		s.serving.Wait()
		s.Handler.inflight.Wait()
		s.Handler.webhooks.close()
	})
}

type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Debug("mock: net/http", "msg", string(p))
	return len(p), nil
}

// admin serves the mock's own endpoints (see ServeHTTP).
func (h *Handler) admin(w http.ResponseWriter, r *http.Request, what string) {
	writeJSON := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(status int, msg string) {
		writeJSON(status, map[string]string{"type": "invalid_request_error", "code": "mock_admin", "message": msg})
	}
	switch {
	case what == "stats" && r.Method == http.MethodGet:
		writeJSON(http.StatusOK, h.Stats())
	case what == "webhooks" && r.Method == http.MethodGet:
		writeJSON(http.StatusOK, h.Webhooks())
	case what == "reset" && r.Method == http.MethodPost:
		h.Reset()
		writeJSON(http.StatusOK, map[string]string{"status": "reset"})
	case what == "create" && r.Method == http.MethodPost:
		q := r.URL.Query()
		ref, err := h.Create(RecordKind(q.Get("resource")), q.Get("id"), q.Get("scenario"))
		if err != nil {
			fail(http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(http.StatusCreated, map[string]any{"resource": q.Get("resource"), "id": q.Get("id"), "reference_id": ref})
	default:
		fail(http.StatusNotFound, "the mock's endpoints are GET "+AdminPath+"stats, GET "+AdminPath+"webhooks, POST "+AdminPath+"reset and POST "+AdminPath+"create?resource=&id=&scenario=")
	}
}
