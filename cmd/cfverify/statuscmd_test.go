package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/mock"
)

// TestStatusCommands_coverTable: every status operation of the table has
// its command, in the table's order, and each one looks a record up through
// the mock by either id, under the API's parameter names too.
func TestStatusCommands_coverTable(t *testing.T) {
	t.Parallel()
	ops := operation.Lookups()
	require.Len(t, statusCommands, len(ops))
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	for i, op := range ops {
		cmd := statusCommands[i]
		assert.Equal(t, op.Command, cmd.name)
		assert.True(t, strings.HasPrefix(cmd.summary, "GET /"+op.Path+": "), cmd.summary)

		r := c.run(op.Command, "--verification-id", "cli-table", "--base-url", srv.URL())
		require.Equal(t, 0, r.code, r.stderr)
		m := r.json(t)
		assert.NotEmpty(t, m["status"], op.ID)

		// The API's own name of the id is a deprecated alias (when it differs).
		if op.IDParam != "verification_id" {
			r = c.run(op.Command, "--"+flagName(op.IDParam), "cli-table", "--base-url", srv.URL())
			require.Equal(t, 0, r.code, r.stderr)
		}
		c.run(op.Command, "--reference-id", "42", "--base-url", srv.URL()).
			errorLine(t, 3, op.ID, "HTTP 404", op.RefParam+"_value_invalid")
	}
}
