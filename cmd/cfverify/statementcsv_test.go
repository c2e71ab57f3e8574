package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

// fi --csv writes a statement only when there is one: before, a PENDING
// request gave a header-only CSV and exit 0, and a CI job never learned why
// it had no transactions.
func TestFI_csvRefusesAStatementNotReadyOrEmpty(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	base := "--base-url=" + srv.URL()

	c.run("fi", "--verification-id", "csv-pending", "--csv", base).
		errorLine(t, 7, "cfverify fi: --csv: the statement is PENDING, not SUCCESS: no CSV written")
	c.run("fi", "--verification-id", "failed_csv", "--wait", "--poll-interval=1ms", "--csv", base).
		errorLine(t, 7, "the statement is FAILED, not SUCCESS")
	c.run("fi", "--verification-id", "empty_csv", "--wait", "--poll-interval=1ms", "--csv", base).
		errorLine(t, 7, "the statement is SUCCESS but holds no transactions (0 accounts, 0 pending)")

	r := c.run("fi", "--verification-id", "csv-pending", "--wait", "--poll-interval=1ms", "--csv", base)
	require.Equal(t, 0, r.code, "once ready, the same request gives its CSV: %s", r.stderr)
	assert.Equal(t, 1+75, len(lines(r.stdout)))
	assert.Empty(t, r.stderr)
}
