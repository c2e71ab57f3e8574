// Package storetest is the conformance kit for webhook.Store: run it from
// the tests of any Store (yours too) to check the fenced-lease contract
// that lets several replicas share one store.
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) webhook.Store { return mystore.New(client) },
//			storetest.WithUnreachable(func(t *testing.T) webhook.Store { return mystore.New(clientOfAClosedPort) }))
//	}
//
// It checks: one winner among 64 concurrent claimers of a key; a lease
// that lapses frees the key; Renew extends a lease; Complete and Release
// with a stale or wrong token change nothing and return
// webhook.ErrClaimLost; a handled key is remembered for its TTL and then
// forgotten; a cancelled context is an error and changes nothing; an
// unreachable engine is an error, never a state or ErrClaimLost. Keys are
// unique per run, so stores may share one server. The lease checks sleep
// a few hundred milliseconds of real time: the engine keeps the clock.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/webhook"
)

// Lease is the lease the timing checks use; a store must keep time to
// better than half of it.
const Lease = 500 * time.Millisecond

// Option configures Run.
type Option func(*config)

type config struct {
	unreachable func(t *testing.T) webhook.Store
}

// WithUnreachable gives Run a store whose engine cannot be reached (a
// client of a closed port, a stopped server): every call must fail with
// an error that is not webhook.ErrClaimLost.
func WithUnreachable(newStore func(t *testing.T) webhook.Store) Option {
	return func(c *config) { c.unreachable = newStore }
}

// Run checks the Store contract against stores made by newStore (called
// once per check, in parallel checks).
func Run(t *testing.T, newStore func(t *testing.T) webhook.Store, opts ...Option) {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	prefix := "storetest:" + webhook.NewClaimToken()[:12] + ":"
	key := func(t *testing.T) string { return prefix + t.Name() }
	checks := []struct {
		name string
		run  func(t *testing.T, s webhook.Store, key string)
	}{
		{"claimStatesAndTokens", claimStatesAndTokens},
		{"oneWinnerOf64ConcurrentClaims", oneWinnerOf64ConcurrentClaims},
		{"leaseLapseFreesTheKeyAndFencesTheOldToken", leaseLapseFencesTheOldToken},
		{"wrongTokenChangesNothing", wrongTokenChangesNothing},
		{"releaseFreesTheKey", releaseFreesTheKey},
		{"doneKeyRefusesItsOldToken", doneKeyRefusesItsOldToken},
		{"renewExtendsTheLease", renewExtendsTheLease},
		{"handledKeyForgottenAfterTTL", handledKeyForgottenAfterTTL},
		{"cancelledContextIsAnErrorAndChangesNothing", cancelledContextChangesNothing},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newStore(t), key(t))
		})
	}
	if cfg.unreachable == nil {
		return // a store with no engine, such as MemoryStore
	}
	t.Run("unreachableEngineIsAnError", func(t *testing.T) {
		t.Parallel()
		unreachableIsAnError(t, cfg.unreachable(t), key(t))
	})
}

func claim(t *testing.T, s webhook.Store, key string, lease time.Duration) webhook.Claim {
	t.Helper()
	c, err := s.Claim(t.Context(), key, lease)
	require.NoError(t, err, "Claim")
	if c.State == webhook.Claimed {
		require.NotEmpty(t, c.Token, "a Claimed claim carries a token")
	} else {
		require.Empty(t, c.Token, "only a Claimed claim carries a token")
	}
	return c
}

func requireState(t *testing.T, s webhook.Store, key string, want webhook.ClaimState, msg string) webhook.Claim {
	t.Helper()
	c := claim(t, s, key, Lease)
	require.Equal(t, want, c.State, msg)
	return c
}

func claimStatesAndTokens(t *testing.T, s webhook.Store, key string) {
	first := requireState(t, s, key, webhook.Claimed, "a new key is claimed")
	requireState(t, s, key, webhook.InProgress, "a held key is in progress")
	other := requireState(t, s, key+":other", webhook.Claimed, "another key is independent")
	assert.NotEqual(t, first.Token, other.Token, "every claim has its own token")
	require.NoError(t, s.Complete(t.Context(), key, first.Token, time.Hour))
	requireState(t, s, key, webhook.Done, "a completed key is done")
	requireState(t, s, key, webhook.Done, "and stays done")
}

func oneWinnerOf64ConcurrentClaims(t *testing.T, s webhook.Store, key string) {
	const claimers, rounds = 64, 3
	for round := range rounds {
		k := key + ":" + string(rune('a'+round))
		var wg sync.WaitGroup
		start := make(chan struct{})
		claims := make([]webhook.Claim, claimers)
		errs := make([]error, claimers)
		for i := range claimers {
			wg.Go(func() {
				<-start
				claims[i], errs[i] = s.Claim(t.Context(), k, time.Minute)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i := range claimers {
			require.NoError(t, errs[i])
			switch claims[i].State {
			case webhook.Claimed:
				won++
			case webhook.InProgress:
			default:
				t.Fatalf("claimer %d found state %d on a new key", i, claims[i].State)
			}
		}
		require.Equal(t, 1, won, "round %d: exactly one of %d concurrent claimers wins", round, claimers)
	}
}

func leaseLapseFencesTheOldToken(t *testing.T, s webhook.Store, key string) {
	ctx := t.Context()
	old := requireState(t, s, key, webhook.Claimed, "a new key is claimed")
	time.Sleep(2 * Lease)
	// The slow holder's calls after its lease lapsed, before anyone else claimed.
	require.ErrorIs(t, s.Renew(ctx, key, old.Token, Lease), webhook.ErrClaimLost, "Renew after the lease lapsed")
	require.ErrorIs(t, s.Complete(ctx, key, old.Token, time.Hour), webhook.ErrClaimLost, "Complete after the lease lapsed")
	newer := requireState(t, s, key, webhook.Claimed, "a lapsed lease frees the key")
	assert.NotEqual(t, old.Token, newer.Token)
	// The slow holder again, now that a retry holds the key.
	require.ErrorIs(t, s.Complete(ctx, key, old.Token, time.Hour), webhook.ErrClaimLost, "a stale Complete")
	require.ErrorIs(t, s.Release(ctx, key, old.Token), webhook.ErrClaimLost, "a stale Release")
	require.ErrorIs(t, s.Renew(ctx, key, old.Token, time.Minute), webhook.ErrClaimLost, "a stale Renew")
	requireState(t, s, key, webhook.InProgress, "the newer claim is untouched by the stale calls")
	require.NoError(t, s.Complete(ctx, key, newer.Token, time.Hour))
	requireState(t, s, key, webhook.Done, "the newer holder's Complete counts")
}

func wrongTokenChangesNothing(t *testing.T, s webhook.Store, key string) {
	ctx := t.Context()
	c := requireState(t, s, key, webhook.Claimed, "a new key is claimed")
	for _, token := range []string{"", "not-the-token", c.Token + "x"} {
		require.ErrorIs(t, s.Complete(ctx, key, token, time.Hour), webhook.ErrClaimLost, "Complete with token %q", token)
		require.ErrorIs(t, s.Release(ctx, key, token), webhook.ErrClaimLost, "Release with token %q", token)
		require.ErrorIs(t, s.Renew(ctx, key, token, time.Minute), webhook.ErrClaimLost, "Renew with token %q", token)
		requireState(t, s, key, webhook.InProgress, "a wrong token changes nothing")
	}
	require.ErrorIs(t, s.Complete(ctx, key+":never-claimed", c.Token, time.Hour), webhook.ErrClaimLost, "a token holds only its own key")
	requireState(t, s, key+":never-claimed", webhook.Claimed, "and the other key stayed free")
	require.NoError(t, s.Complete(ctx, key, c.Token, time.Hour))
}

func releaseFreesTheKey(t *testing.T, s webhook.Store, key string) {
	ctx := t.Context()
	c := requireState(t, s, key, webhook.Claimed, "a new key is claimed")
	require.NoError(t, s.Release(ctx, key, c.Token))
	require.ErrorIs(t, s.Release(ctx, key, c.Token), webhook.ErrClaimLost, "a second Release of one claim")
	again := requireState(t, s, key, webhook.Claimed, "a released key is claimed again at once")
	require.ErrorIs(t, s.Complete(ctx, key, c.Token, time.Hour), webhook.ErrClaimLost, "the released claim's token is stale")
	requireState(t, s, key, webhook.InProgress, "and did not touch the new claim")
	require.NoError(t, s.Release(ctx, key, again.Token))
}

func doneKeyRefusesItsOldToken(t *testing.T, s webhook.Store, key string) {
	ctx := t.Context()
	c := requireState(t, s, key, webhook.Claimed, "a new key is claimed")
	require.NoError(t, s.Complete(ctx, key, c.Token, time.Hour))
	require.ErrorIs(t, s.Complete(ctx, key, c.Token, time.Hour), webhook.ErrClaimLost, "a second Complete")
	require.ErrorIs(t, s.Release(ctx, key, c.Token), webhook.ErrClaimLost, "a Release after Complete")
	require.ErrorIs(t, s.Renew(ctx, key, c.Token, time.Minute), webhook.ErrClaimLost, "a Renew after Complete")
	requireState(t, s, key, webhook.Done, "a done key stays done")
}

func renewExtendsTheLease(t *testing.T, s webhook.Store, key string) {
	ctx := t.Context()
	c := requireState(t, s, key, webhook.Claimed, "a new key is claimed")
	time.Sleep(Lease / 3) // two thirds of the lease left for Renew to arrive, on a loaded machine too
	require.NoError(t, s.Renew(ctx, key, c.Token, 3*Lease))
	time.Sleep(Lease) // past the first lease, well inside the renewed one
	requireState(t, s, key, webhook.InProgress, "a renewed lease still holds the key after the first lease ended")
	require.NoError(t, s.Complete(ctx, key, c.Token, time.Hour))
	requireState(t, s, key, webhook.Done, "the renewed claim completes")
}

func handledKeyForgottenAfterTTL(t *testing.T, s webhook.Store, key string) {
	ctx := t.Context()
	c := requireState(t, s, key, webhook.Claimed, "a new key is claimed")
	require.NoError(t, s.Complete(ctx, key, c.Token, Lease))
	requireState(t, s, key, webhook.Done, "a handled key is remembered within its TTL")
	time.Sleep(2 * Lease)
	requireState(t, s, key, webhook.Claimed, "a handled key is forgotten after its TTL")
}

func cancelledContextChangesNothing(t *testing.T, s webhook.Store, key string) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Claim(cancelled, key, time.Minute)
	require.ErrorIs(t, err, context.Canceled, "Claim on a cancelled context")
	c := requireState(t, s, key, webhook.Claimed, "the cancelled Claim took nothing")
	for name, call := range map[string]func(context.Context) error{
		"Renew":    func(ctx context.Context) error { return s.Renew(ctx, key, c.Token, time.Minute) },
		"Complete": func(ctx context.Context) error { return s.Complete(ctx, key, c.Token, time.Hour) },
		"Release":  func(ctx context.Context) error { return s.Release(ctx, key, c.Token) },
	} {
		err := call(cancelled)
		require.ErrorIs(t, err, context.Canceled, "%s on a cancelled context", name)
		require.NotErrorIs(t, err, webhook.ErrClaimLost)
		requireState(t, s, key, webhook.InProgress, name+" on a cancelled context changed nothing")
	}
	require.NoError(t, s.Complete(t.Context(), key, c.Token, time.Hour), "the claim still holds")
}

func unreachableIsAnError(t *testing.T, s webhook.Store, key string) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, err := s.Claim(ctx, key, time.Minute)
	require.Error(t, err, "Claim on an unreachable engine")
	assert.NotErrorIs(t, err, webhook.ErrClaimLost)
	assert.Empty(t, c.Token, "no token without a claim")
	for name, err := range map[string]error{
		"Renew":    s.Renew(ctx, key, "token", time.Minute),
		"Complete": s.Complete(ctx, key, "token", time.Hour),
		"Release":  s.Release(ctx, key, "token"),
	} {
		require.Error(t, err, name)
		assert.False(t, errors.Is(err, webhook.ErrClaimLost), "%s: an engine error is not a lost claim: %v", name, err)
	}
}
