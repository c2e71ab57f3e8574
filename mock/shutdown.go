package mock

import "context"

// Shutdown stops the server gracefully: it stops accepting connections,
// lets the requests in flight finish (injected latencies included) until
// ctx ends, then closes everything as Close does. It returns ctx's error
// when requests were still running at the deadline and were cut off.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	s.Close()
	return err
}
