package client_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
)

func TestClient_redirectToAnotherHost_isRefused(t *testing.T) {
	t.Parallel()
	for _, oc := range operations {
		t.Run(oc.name, func(t *testing.T) {
			t.Parallel()
			other, otherRec := serve(t, respond(200, example(t, oc.example)))
			srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				code := http.StatusFound
				if r.Method == http.MethodPost {
					code = http.StatusTemporaryRedirect // keeps method and body
				}
				http.Redirect(w, r, other.URL+r.URL.RequestURI(), code)
			})
			c := newClient(t, srv, client.WithPublicKeyPEM(publicPEM(t, testKey())))
			res, err := oc.call(t.Context(), c)
			assert.Nil(t, res)
			require.ErrorIs(t, err, client.ErrRedirectRefused)
			assert.Equal(t, 0, otherRec.count(), "nothing reaches the other host: no credentials, token or signature")
			assert.Equal(t, 1, rec.count(), "a refused redirect is not retried")
		})
	}
}

func TestClient_redirectOnTheSameHost_isFollowedWithCredentials(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			http.Redirect(w, r, prefix+"/digilocker/v2?"+r.URL.RawQuery, http.StatusMovedPermanently)
			return
		}
		writeJSON(w, 200, example(t, "DigiLockerPending"))
	})
	c := newClient(t, srv)
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("v1"))
	require.NoError(t, err)
	require.Equal(t, 2, rec.count())
	second := rec.last()
	assert.Equal(t, prefix+"/digilocker/v2", second.Path)
	assert.Equal(t, testSecret, second.Header.Get("X-Client-Secret"))
	assert.Equal(t, "v1", second.Query.Get("verification_id"))
}

func TestClient_redirectLoop_isRefused(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
	})
	c := newClient(t, srv)
	_, err := c.DigiLockerStatus(t.Context(), client.ByVerificationID("v1"))
	require.ErrorIs(t, err, client.ErrRedirectRefused)
	assert.LessOrEqual(t, rec.count(), 5)
}
