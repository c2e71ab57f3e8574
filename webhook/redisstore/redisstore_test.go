package redisstore_test

import (
	"net"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/internal/testservers"
	"github.com/cfverify/cfverify/webhook"
	"github.com/cfverify/cfverify/webhook/redisstore"
	"github.com/cfverify/cfverify/webhook/storetest"
)

func client(t *testing.T, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestStore_conformance(t *testing.T) {
	t.Parallel()
	srv := testservers.StartRedis(t)
	storetest.Run(t,
		func(t *testing.T) webhook.Store { return redisstore.New(client(t, srv.Addr)) },
		storetest.WithUnreachable(func(t *testing.T) webhook.Store { return redisstore.New(client(t, closedPort(t))) }))
}

func TestStore_prefixSeparatesReceivers(t *testing.T) {
	t.Parallel()
	srv := testservers.StartRedis(t)
	c := client(t, srv.Addr)
	a, b := redisstore.New(c, redisstore.WithPrefix("a:")), redisstore.New(c, redisstore.WithPrefix("b:"))
	ca, err := a.Claim(t.Context(), "k", storetest.Lease)
	require.NoError(t, err)
	require.Equal(t, webhook.Claimed, ca.State)
	cb, err := b.Claim(t.Context(), "k", storetest.Lease)
	require.NoError(t, err)
	require.Equal(t, webhook.Claimed, cb.State, "another prefix is another namespace")
	keys, err := c.Keys(t.Context(), "*").Result()
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"a:k", "b:k"}, keys)
	ttl, err := c.PTTL(t.Context(), "a:k").Result()
	require.NoError(t, err)
	require.Positive(t, ttl, "Redis expires the lease itself")
}
