package pgstore_test

import (
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/testservers"
	"github.com/cfverify/cfverify/webhook"
	"github.com/cfverify/cfverify/webhook/pgstore"
	"github.com/cfverify/cfverify/webhook/storetest"
)

func pool(t *testing.T, url string) *pgxpool.Pool {
	p, err := pgxpool.New(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

func closedPortURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "postgres://postgres@" + addr + "/postgres?sslmode=disable&connect_timeout=2"
}

func TestStore_conformance(t *testing.T) {
	t.Parallel()
	srv := testservers.StartPostgres(t)
	shared := pool(t, srv.URL)
	s, err := pgstore.New(shared)
	require.NoError(t, err)
	require.NoError(t, s.EnsureSchema(t.Context()))
	require.NoError(t, s.EnsureSchema(t.Context()), "EnsureSchema is idempotent")
	storetest.Run(t,
		func(t *testing.T) webhook.Store { return s },
		storetest.WithUnreachable(func(t *testing.T) webhook.Store {
			s, err := pgstore.New(pool(t, closedPortURL(t)))
			require.NoError(t, err)
			return s
		}))
}

func TestStore_sweepAndTable(t *testing.T) {
	t.Parallel()
	srv := testservers.StartPostgres(t)
	p := pool(t, srv.URL)
	_, err := p.Exec(t.Context(), "CREATE SCHEMA hooks")
	require.NoError(t, err)
	s, err := pgstore.New(p, pgstore.WithTable("hooks.events"))
	require.NoError(t, err)
	require.NoError(t, s.EnsureSchema(t.Context()))
	ctx := t.Context()
	for _, k := range []string{"a", "b", "c"} {
		c, err := s.Claim(ctx, k, 50*time.Millisecond)
		require.NoError(t, err)
		require.Equal(t, webhook.Claimed, c.State)
		if k == "c" {
			require.NoError(t, s.Complete(ctx, k, c.Token, time.Hour))
		}
	}
	time.Sleep(150 * time.Millisecond)
	n, err := s.Sweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n, "the two lapsed claims are swept, the handled event is kept")
	var rows int
	require.NoError(t, p.QueryRow(ctx, "SELECT count(*) FROM hooks.events").Scan(&rows))
	assert.Equal(t, 1, rows)

	for _, bad := range []string{"Events", "events; DROP TABLE x", "1events", "a..b", ""} {
		_, err := pgstore.New(p, pgstore.WithTable(bad))
		assert.ErrorContains(t, err, "WithTable", bad)
	}
}
