package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/cfverify/cfverify/webhook"
	"github.com/cfverify/cfverify/webhook/pgstore"
	"github.com/cfverify/cfverify/webhook/redisstore"
)

// storeFlagUsage is the help of webhook listen's --store flag.
const storeFlagUsage = "`URL` of the store where handled events are remembered, shared by replicas: " +
	"redis://HOST:PORT/DB, postgres://USER@HOST:PORT/DB?sslmode=…, or memory (one process only)"

// storeError is a --store whose engine cannot be reached at start: exit 5.
type storeError struct {
	store string // the URL without its password
	err   error
}

func (e *storeError) Error() string {
	return fmt.Sprintf("cfverify webhook listen: --store %s: %v", e.store, e.err)
}
func (e *storeError) Unwrap() error { return e.err }
func (e *storeError) ExitCode() int { return exitNetwork }

// openWebhookStore turns webhook listen's --store URL into a webhook.Store
// and a function that closes its client. It checks the engine answers (and,
// for PostgreSQL, creates the table), so that a wrong URL fails at start,
// not at the first delivery; once running, a store that goes away makes
// deliveries answer 5xx until it is back.
func openWebhookStore(ctx context.Context, e *env, raw string) (webhook.Store, func(), error) {
	if raw == "" || raw == "memory" || raw == "memory://" {
		return webhook.NewMemoryStore(nil), func() {}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, nil, usagef(e.name, "--store: not a URL (redis://HOST:PORT/DB, postgres://USER@HOST:PORT/DB or memory)")
	}
	shown := u.Redacted()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	switch u.Scheme {
	case "redis", "rediss":
		opts, err := redis.ParseURL(raw)
		if err != nil {
			return nil, nil, usagef(e.name, "--store %s: %v", shown, err)
		}
		redis.SetLogger(redisLogger{e.logger()})
		client := redis.NewClient(opts)
		store := redisstore.New(client)
		if err := store.Ping(ctx); err != nil {
			_ = client.Close()
			return nil, nil, &storeError{store: shown, err: err}
		}
		return store, func() { _ = client.Close() }, nil
	case "postgres", "postgresql":
		cfg, err := pgxpool.ParseConfig(raw)
		if err != nil {
			return nil, nil, usagef(e.name, "--store %s: not a PostgreSQL URL", shown)
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, nil, &storeError{store: shown, err: err}
		}
		store, err := pgstore.New(pool)
		if err == nil {
			err = store.EnsureSchema(ctx)
		}
		if err != nil {
			pool.Close()
			return nil, nil, &storeError{store: shown, err: err}
		}
		return store, pool.Close, nil
	}
	return nil, nil, usagef(e.name, "--store %s: scheme %q is not one of redis, rediss, postgres, postgresql, memory", shown, u.Scheme)
}

// redisLogger sends go-redis's own messages (a pool that cannot dial while
// Redis is down) to the CLI's logger, shown with --verbose, instead of
// printing them on stderr: each failed delivery is already logged there.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
