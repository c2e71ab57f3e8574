package mock_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cfverify/cfverify/verification"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
)

// newClient returns the project's client for srv, behind the validating
// transport; the test fails at cleanup if any exchange broke the spec.
func newClient(t testing.TB, srv *mock.Server, opts ...client.Option) *client.Client {
	t.Helper()
	return newClientWith(t, srv, setup{}, opts...)
}

type setup struct {
	// offSpecFaults tolerates the violations deliberate faults cause: a
	// 503 (undocumented) and an HTML page (not JSON).
	offSpecFaults bool
	// noKeepAlive stops net/http from silently resending a GET that met a
	// reset on a reused connection, so that the client's own retry shows.
	noKeepAlive bool
}

func newClientWith(t testing.TB, srv *mock.Server, s setup, opts ...client.Option) *client.Client {
	t.Helper()
	inner := &http.Transport{DisableKeepAlives: s.noKeepAlive}
	vt, err := openapi.NewValidatingTransport(inner, openapi.WithLogger(nil), openapi.WithStrictDrift())
	require.NoError(t, err)
	counting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := vt.RoundTrip(r)
		if err == nil {
			transportChecked.Add(1)
		}
		return resp, err
	})
	base := []client.Option{
		client.WithBaseURL(srv.URL()),
		client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret),
		client.WithHTTPClient(&http.Client{Transport: counting}),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
	}
	c, err := client.New(append(base, opts...)...)
	require.NoError(t, err)
	noViolations(t, srv)
	t.Cleanup(func() {
		c.CloseIdleConnections()
		inner.CloseIdleConnections()
		if !s.offSpecFaults {
			require.NoError(t, specBreaks(vt), "the validating transport saw an exchange break the spec")
			return
		}
		for _, v := range vt.Violations() {
			for _, one := range v.Violations {
				ok := (v.Status == 503 && isUndocumentedStatus(one)) || one.Location == openapi.LocationContentType
				assert.True(t, ok, "a violation no fault explains: %v", v)
			}
		}
	})
	return c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

var fast = client.PollOptions{Interval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

func TestClient_wholeFlow(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := newClient(t, srv)
	ctx := t.Context()

	da, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: "flow-1", Mobile: "9988123456"})
	require.NoError(t, err)
	assert.Len(t, da.AvailableScopes, 11)

	ud, err := c.UserDetails(ctx, "flow-token")
	require.NoError(t, err)
	assert.Len(t, ud.Shared(), 11)
	for _, n := range []int{len(ud.Aadhaar), len(ud.PAN), len(ud.DOB), len(ud.Email), len(ud.Gender),
		len(ud.Mobile), len(ud.Name), len(ud.Occupation), len(ud.Address), len(ud.Income), len(ud.BankAccount)} {
		assert.Equal(t, 1, n)
	}
	assert.Empty(t, ud.Other)
	_, err = verification.ParseDate(*ud.DOB[0].Metadata.DOB)
	require.NoError(t, err)

	dl, err := c.WaitDigiLocker(ctx, client.ByVerificationID("flow-1"), fast)
	require.NoError(t, err)
	assert.Equal(t, verification.DigiLockerAuthenticated, *dl.Status)
	_, err = verification.ParseDate(*dl.UserDetails.DOB)
	require.NoError(t, err)
	// A result's reference id goes back into a lookup as it is.
	again, err := c.DigiLockerStatus(ctx, client.ByReferenceID(dl.ReferenceID))
	require.NoError(t, err)
	assert.Equal(t, "flow-1", *again.VerificationID)

	cs, err := c.WaitConsent(ctx, client.ByVerificationID("flow-1"), fast)
	require.NoError(t, err)
	assert.Equal(t, verification.ConsentSuccess, *cs.Status)

	fi, err := c.WaitFinancialInformation(ctx, client.ByVerificationID("flow-1"), fast)
	require.NoError(t, err)
	assert.Equal(t, verification.FISuccess, *fi.Status)
	assert.Zero(t, fi.PendingAccounts())
	// Per account: the sum of signed amounts takes the balance before the
	// first transaction to the summary's balance.
	sums := map[string]decimal.Decimal{}
	firsts := map[string]decimal.Decimal{}
	n := 0
	for tx, err := range fi.Transactions() {
		require.NoError(t, err)
		if _, seen := firsts[tx.LinkRefNumber]; !seen {
			firsts[tx.LinkRefNumber] = tx.Balance.Decimal.Sub(tx.Signed())
		}
		sums[tx.LinkRefNumber] = sums[tx.LinkRefNumber].Add(tx.Signed())
		n++
	}
	assert.Equal(t, 75, n)
	accounts := 0
	for acc := range fi.Accounts() {
		accounts++
		bal, ok, err := acc.Balance()
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, firsts[acc.LinkRefNumber].Add(sums[acc.LinkRefNumber]).Equal(bal.Current), "balances add up in %s", acc.MaskedAccNumber)
	}
	assert.Equal(t, 3, accounts)
}

func TestClient_errorsAreTyped(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := newClient(t, srv)
	ctx := t.Context()
	var apiErr *client.Error

	_, err := c.DigiLockerStatus(ctx, client.ByVerificationID("unknown_x"))
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, client.ErrNotFound)
	assert.Equal(t, client.CodeVerificationIDInvalid, apiErr.Code)
	assert.Equal(t, client.TypeNotFound, apiErr.Type)
	assert.NotEmpty(t, apiErr.RequestID)

	_, err = c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: "twice", Mobile: "9988123456"})
	require.NoError(t, err)
	_, err = c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: "twice", Mobile: "9988123456"})
	assert.ErrorIs(t, err, client.ErrConflict)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, client.CodeVerificationIDExists, apiErr.Code)

	_, err = c.UserDetails(ctx, "expired_token")
	assert.ErrorIs(t, err, client.ErrUnauthorized)
	_, err = c.ConsentStatus(ctx, client.ByVerificationID("nobalance_c"))
	assert.ErrorIs(t, err, client.ErrValidation)

	wrong := newClient(t, srv, client.WithCredentials("cf_test_client", "not-the-secret"))
	_, err = wrong.FinancialInformation(ctx, client.ByVerificationID("fi"))
	assert.ErrorIs(t, err, client.ErrUnauthorized)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, client.CodeAuthenticationFailed, apiErr.Code)
}

func TestClient_waitsEndInEveryTerminalStatus(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := newClient(t, srv)
	ctx := t.Context()
	for id, want := range map[string]verification.DigiLockerStatusValue{
		"dl-ok": verification.DigiLockerAuthenticated, "expired_dl": verification.DigiLockerExpired, "denied_dl": verification.DigiLockerConsentDenied,
	} {
		st, err := c.WaitDigiLocker(ctx, client.ByVerificationID(id), fast)
		require.NoError(t, err)
		assert.Equal(t, want, *st.Status, id)
	}
	for id, want := range map[string]verification.ConsentStatusValue{
		"cs-ok": verification.ConsentSuccess, "expired_cs": verification.ConsentExpired, "denied_cs": verification.ConsentRejected,
		"rejected_cs": verification.ConsentRejected, "revoked_cs": verification.ConsentRevoked, "paused_cs": verification.ConsentPaused,
	} {
		st, err := c.WaitConsent(ctx, client.ByVerificationID(id), fast)
		require.NoError(t, err)
		assert.Equal(t, want, *st.Status, id)
	}
	for id, want := range map[string]verification.FIStatusValue{
		"fi-ok": verification.FISuccess, "expired_fi": verification.FIExpired, "failed_fi": verification.FIFailed, "partial_fi": verification.FISuccess, "empty_fi": verification.FISuccess,
	} {
		st, err := c.WaitFinancialInformation(ctx, client.ByVerificationID(id), fast)
		require.NoError(t, err)
		assert.Equal(t, want, *st.Status, id)
	}
}

func TestClient_retriesThroughFaults(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(
		mock.Fault{Kind: mock.FaultRateLimit, IDPrefix: "rl0-", RetryAfter: 0, Times: 1, PerID: true},
		mock.Fault{Kind: mock.FaultStatus, Status: 502, HTML: true, IDPrefix: "html-", Times: 1, PerID: true},
	))
	c := newClientWith(t, srv, setup{offSpecFaults: true, noKeepAlive: true})
	ctx := t.Context()
	for _, id := range []string{"flaky_r", "rl0-r", "html-r", "reset_r", "truncated_r"} {
		var raw client.RawResponse
		st, err := c.DigiLockerStatus(ctx, client.ByVerificationID(id), client.WithRawResponse(&raw))
		require.NoError(t, err, id)
		assert.Equal(t, verification.DigiLockerPending, *st.Status, id)
		assert.Greater(t, raw.Attempts, 1, id)
	}
	assert.Equal(t, 6, srv.FaultsInjected(), "503×2, 429, 502 HTML, reset, truncate")
}

func TestClient_givesUpOnPersistentFaults(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultStatus, Status: 500, Operation: "consent"}))
	c := newClient(t, srv)
	_, err := c.ConsentStatus(t.Context(), client.ByVerificationID("down"))
	var apiErr *client.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.Equal(t, 3, srv.FaultsInjected())
}

func TestClient_timeoutOnLatency(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithFaults(mock.Fault{Kind: mock.FaultLatency, Latency: time.Minute, IDs: []string{"stuck"}}))
	c := newClient(t, srv, client.WithAttemptTimeout(50*time.Millisecond), client.WithRetryPolicy(client.RetryPolicy{}))
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("stuck"))
	var netErr *client.NetworkError
	require.ErrorAs(t, err, &netErr)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = c.DigiLockerStatus(ctx, client.ByVerificationID("stuck"))
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
}
