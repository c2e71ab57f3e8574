// Package pgstore is a webhook.Store on PostgreSQL (github.com/jackc/pgx/v5),
// for several replicas of a webhook receiver sharing one database.
//
// Each event is one row of one table, keyed by the event's dedupe key:
// while a delivery holds it the row carries the holder's token and the end
// of its lease; once handled, no token and the end of its memory (the
// dedupe TTL). The database's clock (now()) decides every expiry, so
// replicas' clocks do not matter. Claim is one INSERT … ON CONFLICT DO
// UPDATE that takes a lapsed row; Renew, Complete and Release are single
// UPDATE or DELETE statements that act only while the row still holds the
// caller's token and its lease, and otherwise change nothing and return
// webhook.ErrClaimLost.
//
// The table (Schema, or EnsureSchema):
//
//	CREATE TABLE IF NOT EXISTS cfverify_webhook_events (
//	    key        text        PRIMARY KEY,
//	    token      text,                 -- the holder's token; NULL once handled
//	    expires_at timestamptz NOT NULL  -- end of the lease, or of the memory of a handled event
//	);
//	CREATE INDEX IF NOT EXISTS cfverify_webhook_events_expires_at ON cfverify_webhook_events (expires_at);
//
// Rows past expires_at are taken over by the next claim of their key; Sweep
// deletes the others (run it now and then, from a ticker or a cron job).
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cfverify/cfverify/webhook"
)

// DefaultTable is the table a Store uses unless WithTable says otherwise.
const DefaultTable = "cfverify_webhook_events"

// Schema returns the statement that creates table and its index (both IF
// NOT EXISTS), for your migrations.
func Schema(table string) string {
	// An index lives in its table's schema and takes an unqualified name.
	index := table[strings.LastIndex(table, ".")+1:] + "_expires_at"
	return strings.NewReplacer("$table", table, "$index", index).Replace(`CREATE TABLE IF NOT EXISTS $table (
    key        text        PRIMARY KEY,
    token      text,
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS $index ON $table (expires_at);`)
}

// Store is a webhook.Store on PostgreSQL. Use New.
type Store struct {
	pool  *pgxpool.Pool
	table string
	q     queries
}

type queries struct{ claim, renew, complete, release, sweep string }

var _ webhook.Store = (*Store)(nil)

// Option configures a Store; one given a bad value makes New fail.
type Option func(*Store) error

// WithTable sets the table (default DefaultTable): a plain identifier,
// optionally schema-qualified (webhooks.events).
func WithTable(name string) Option {
	return func(s *Store) error {
		for _, part := range strings.Split(name, ".") {
			if !plainIdentifier(part) {
				return fmt.Errorf("pgstore: WithTable(%q): each part must be a lower-case identifier (a-z, 0-9, _; not starting with a digit)", name)
			}
		}
		s.table = name
		return nil
	}
}

func plainIdentifier(s string) bool {
	if s == "" || len(s) > 63 || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// New returns a Store on pool, which the caller owns and closes. The table
// must exist: see EnsureSchema or Schema.
func New(pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: New needs a pool")
	}
	s := &Store{pool: pool, table: DefaultTable}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	r := strings.NewReplacer("$table", s.table)
	s.q = queries{
		// The CTE's SELECT reads the statement's snapshot: the row as it
		// was when the INSERT found it taken. If a concurrent claim
		// committed it after the snapshot, neither part returns a row and
		// Claim asks again.
		claim: r.Replace(`WITH taken AS (
    INSERT INTO $table AS t (key, token, expires_at)
    VALUES ($1, $2, now() + $3 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
    WHERE t.expires_at <= now()
    RETURNING 0 AS state
)
SELECT state FROM taken
UNION ALL
SELECT CASE WHEN token IS NULL THEN 2 ELSE 1 END FROM $table
WHERE key = $1 AND expires_at > now() AND NOT EXISTS (SELECT 1 FROM taken)`),
		renew: r.Replace(`UPDATE $table SET expires_at = now() + $3 * interval '1 millisecond'
WHERE key = $1 AND token = $2 AND expires_at > now()`),
		complete: r.Replace(`UPDATE $table SET token = NULL, expires_at = now() + $3 * interval '1 millisecond'
WHERE key = $1 AND token = $2 AND expires_at > now()`),
		release: r.Replace(`DELETE FROM $table WHERE key = $1 AND token = $2 AND expires_at > now()`),
		sweep:   r.Replace(`DELETE FROM $table WHERE expires_at <= now()`),
	}
	return s, nil
}

// EnsureSchema creates the Store's table and index if they do not exist.
func (s *Store) EnsureSchema(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, Schema(s.table)); err != nil {
		return fmt.Errorf("pgstore: creating table %s: %w", s.table, err)
	}
	return nil
}

// Claim implements webhook.Store.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (webhook.Claim, error) {
	token := webhook.NewClaimToken()
	for range 8 {
		var state int
		err := s.pool.QueryRow(ctx, s.q.claim, key, token, lease.Milliseconds()).Scan(&state)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			continue // taken by a claim our snapshot does not see: ask again
		case err != nil:
			return webhook.Claim{}, fmt.Errorf("pgstore: claim: %w", err)
		case state == 0:
			return webhook.Claim{State: webhook.Claimed, Token: token}, nil
		case state == 2:
			return webhook.Claim{State: webhook.Done}, nil
		default:
			return webhook.Claim{State: webhook.InProgress}, nil
		}
	}
	return webhook.Claim{}, errors.New("pgstore: claim: the row kept changing under 8 attempts")
}

func (s *Store) fenced(ctx context.Context, op, query string, args ...any) error {
	if args[1] == "" {
		return webhook.ErrClaimLost
	}
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	if tag.RowsAffected() != 1 {
		return webhook.ErrClaimLost
	}
	return nil
}

// Renew implements webhook.Store.
func (s *Store) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	return s.fenced(ctx, "renew", s.q.renew, key, token, lease.Milliseconds())
}

// Complete implements webhook.Store.
func (s *Store) Complete(ctx context.Context, key, token string, ttl time.Duration) error {
	return s.fenced(ctx, "complete", s.q.complete, key, token, ttl.Milliseconds())
}

// Release implements webhook.Store.
func (s *Store) Release(ctx context.Context, key, token string) error {
	return s.fenced(ctx, "release", s.q.release, key, token)
}

// Sweep deletes the rows whose lease or memory has ended, and returns how
// many.
func (s *Store) Sweep(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, s.q.sweep)
	if err != nil {
		return 0, fmt.Errorf("pgstore: sweep: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pgstore: ping: %w", err)
	}
	return nil
}
