package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cfverify/cfverify/mock"
)

// shutdownGrace is how long a server command (mock, proxy, webhook
// listen) lets the requests in flight finish after SIGINT or SIGTERM:
// it stops accepting connections at once and cuts off what still runs
// after this.
const shutdownGrace = 10 * time.Second

// graceContext is the deadline of a shutdown, started when parent (the
// command's context, ended by the signal) is done.
func graceContext(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(parent), shutdownGrace)
}

// stopMock shuts the mock down gracefully once ctx has ended.
func stopMock(ctx context.Context, srv *mock.Server, stderr io.Writer) {
	grace, cancel := graceContext(ctx)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		fmt.Fprintf(stderr, "cfverify mock: requests still running after %s were cut off\n", shutdownGrace)
	}
}
