package client_test

import (
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

// decryptSignature reverses x-cf-signature with the test's private key.
func decryptSignature(t *testing.T, sig string) string {
	t.Helper()
	ct, err := base64.StdEncoding.DecodeString(sig)
	require.NoError(t, err, "standard padded base64")
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, testKey(), ct, nil)
	require.NoError(t, err, "RSA-OAEP with SHA-1 and MGF1-SHA-1")
	return string(plain)
}

func TestClient_signature_onEveryCredentialOperation(t *testing.T) {
	t.Parallel()
	for _, oc := range credentialOps() {
		t.Run(oc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, failThen(1, 429, "", example(t, oc.example)))
			c := newClient(t, srv, client.WithPublicKeyPEM(publicPEM(t, testKey())))

			_, err := oc.call(t.Context(), c)
			require.NoError(t, err)
			reqs := rec.all()
			require.Len(t, reqs, 2, "one retry: each attempt signed afresh")
			var sigs []string
			for _, r := range reqs {
				sig := r.Header.Get("X-Cf-Signature")
				require.NotEmpty(t, sig)
				sigs = append(sigs, sig)

				id, ts, ok := strings.Cut(decryptSignature(t, sig), ".")
				require.True(t, ok)
				assert.Equal(t, testClientID, id)
				secs, err := strconv.ParseInt(ts, 10, 64)
				require.NoError(t, err)
				assert.InDelta(t, time.Now().Unix(), secs, 5, "timestamp within a few seconds of now")
			}
			assert.NotEqual(t, sigs[0], sigs[1], "a fresh signature per request")
		})
	}
}

func TestClient_signature_notOnUserDetails(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, respond(200, example(t, "UserDetailsSuccess")))
	c := newClient(t, srv, client.WithPublicKeyPEM(publicPEM(t, testKey())))
	_, err := c.UserDetails(t.Context(), testToken)
	require.NoError(t, err)
	assert.Empty(t, rec.last().Header.Get("X-Cf-Signature"))
}
