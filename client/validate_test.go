package client_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi/wire"
)

func TestClient_badInput_sendsNothing(t *testing.T) {
	t.Parallel()
	dataAvailability := func(id, mobile string) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error {
			_, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: id, Mobile: mobile})
			return err
		}
	}
	digiLocker := func(l client.Lookup) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error { _, err := c.DigiLockerStatus(ctx, l); return err }
	}
	consent := func(l client.Lookup) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error { _, err := c.ConsentStatus(ctx, l); return err }
	}
	fi := func(l client.Lookup) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error {
			_, err := c.FinancialInformation(ctx, l)
			return err
		}
	}
	userDetails := func(token string) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error { _, err := c.UserDetails(ctx, token); return err }
	}
	waitDigiLocker := func(l client.Lookup) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error {
			_, err := c.WaitDigiLocker(ctx, l, client.PollOptions{})
			return err
		}
	}
	waitConsent := func(l client.Lookup) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error {
			_, err := c.WaitConsent(ctx, l, client.PollOptions{})
			return err
		}
	}
	waitFI := func(l client.Lookup) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error {
			_, err := c.WaitFinancialInformation(ctx, l, client.PollOptions{})
			return err
		}
	}

	cases := []struct {
		name  string
		call  func(context.Context, *client.Client) error
		field string
		rule  string
	}{
		{"empty verification id", dataAvailability("", testMobile), "verification_id", "1 to 50"},
		{"51-char verification id", dataAvailability(strings.Repeat("a", 51), testMobile), "verification_id", "1 to 50"},
		{"space in verification id", dataAvailability("a b", testMobile), "verification_id", "letters, digits"},
		{"slash in verification id", dataAvailability("a/b", testMobile), "verification_id", "letters, digits"},
		{"non-ASCII verification id", dataAvailability("vérif", testMobile), "verification_id", "letters, digits"},
		{"empty mobile", dataAvailability("v1", ""), "mobile", "10 digits"},
		{"9-digit mobile", dataAvailability("v1", "987654321"), "mobile", "10 digits"},
		{"11-digit mobile", dataAvailability("v1", "98765432101"), "mobile", "10 digits"},
		{"mobile with country code", dataAvailability("v1", "+919876543210"), "mobile", "10 digits"},
		{"mobile with letters", dataAvailability("v1", "98765abcde"), "mobile", "10 digits"},
		{"mobile with non-ASCII digits", dataAvailability("v1", "٩٨٧٦٥٤٣٢١٠"), "mobile", "10 digits"},
		{"digilocker: neither id", digiLocker(client.Lookup{}), "verification_id/reference_id", "exactly one"},
		{"digilocker: both ids", digiLocker(client.Lookup{VerificationID: "v", ReferenceID: wire.NewIntID(1)}), "verification_id/reference_id", "exactly one"},
		{"digilocker: negative ref", digiLocker(client.ByReferenceID(wire.NewIntID(-5))), "reference_id", "positive"},
		{"digilocker: ref not an integer", digiLocker(client.ByReferenceID(wire.NewStringID("12a"))), "reference_id", "positive"},
		{"digilocker: bad id", digiLocker(client.ByVerificationID("a?b")), "verification_id", "1 to 50"},
		{"consent: neither id", consent(client.Lookup{}), "consent_verification_id/consent_ref_id", "exactly one"},
		{"consent: both ids", consent(client.Lookup{VerificationID: "v", ReferenceID: wire.NewIntID(1)}), "consent_verification_id/consent_ref_id", "exactly one"},
		{"consent: long id", consent(client.ByVerificationID(strings.Repeat("x", 60))), "consent_verification_id", "1 to 50"},
		{"fi: neither id", fi(client.Lookup{}), "fi_verification_id/fi_ref_id", "exactly one"},
		{"fi: negative ref", fi(client.ByReferenceID(wire.NewIntID(-1))), "fi_ref_id", "positive"},
		{"fi: bad id", fi(client.ByVerificationID("a&b=c")), "fi_verification_id", "1 to 50"},
		{"empty access token", userDetails(""), "access_token", "non-empty"},
		{"access token with Bearer prefix", userDetails("Bearer abc"), "access_token", "Bearer"},
		{"access token with newline", userDetails("abc\r\nX-Evil: 1"), "access_token", "whitespace"},
		{"wait digilocker: neither id", waitDigiLocker(client.Lookup{}), "verification_id/reference_id", "exactly one"},
		{"wait consent: both ids", waitConsent(client.Lookup{VerificationID: "v", ReferenceID: wire.NewIntID(2)}), "consent_verification_id/consent_ref_id", "exactly one"},
		{"wait fi: bad id", waitFI(client.ByVerificationID("")), "fi_verification_id/fi_ref_id", "exactly one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, respond(200, "{}"))
			c := newClient(t, srv)
			err := tc.call(t.Context(), c)
			require.ErrorIs(t, err, client.ErrInvalidInput)
			var inErr *client.InputError
			require.ErrorAs(t, err, &inErr)
			assert.Equal(t, tc.field, inErr.Field)
			assert.Contains(t, inErr.Rule, tc.rule)
			assert.Contains(t, err.Error(), tc.field)
			assert.NotEmpty(t, inErr.Operation)
			assert.Equal(t, 0, rec.count(), "no request for bad input")
		})
	}
}

func TestClient_goodInput_edges(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, respond(200, example(t, "DataAvailabilitySuccess")))
	c := newClient(t, srv)
	for _, id := range []string{"a", strings.Repeat("Z", 50), "A.b-c_9"} {
		_, err := c.DataAvailability(t.Context(), client.DataAvailabilityParams{VerificationID: id, Mobile: "0000000000"})
		require.NoError(t, err, id)
	}
	assert.Equal(t, 3, rec.count())
}

func TestClient_withoutCredentials(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, respond(200, example(t, "UserDetailsSuccess")))
	c, err := client.New(client.WithBaseURL(srv.URL + prefix))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	assert.False(t, c.HasCredentials())

	for _, oc := range credentialOps() {
		_, err := oc.call(t.Context(), c)
		require.ErrorIs(t, err, client.ErrMissingCredentials, oc.name)
		assert.Contains(t, err.Error(), oc.op)
	}
	assert.Equal(t, 0, rec.count(), "credential operations fail before the network")

	_, err = c.UserDetails(t.Context(), testToken)
	require.NoError(t, err, "user details needs only the access token")
	assert.Equal(t, 1, rec.count())
}
