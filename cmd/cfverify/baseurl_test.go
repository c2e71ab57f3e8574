package main

import (
	"context"
	"regexp"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
)

// Where a command calls: --base-url > CASHFREE_BASE_URL > --env or
// CASHFREE_ENV > sandbox, the order client.FromEnv follows too. The
// defect: CASHFREE_BASE_URL was ignored, and a user who set it for the
// mock called the real sandbox with those credentials.
func TestBaseURLPrecedence(t *testing.T) {
	t.Parallel()
	fromVar := startMock(t, mock.WithPolls(1))
	fromFlag := startMock(t, mock.WithPolls(1))
	creds := map[string]string{"CASHFREE_CLIENT_ID": mock.DefaultClientID, "CASHFREE_CLIENT_SECRET": mock.DefaultClientSecret}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range creds {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	logged := regexp.MustCompile(`base_url=(\S+) base_url_from=(\S+) api_version=(\S+)`)

	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		wantURL  string
		wantFrom string
	}{
		{"the variable", map[string]string{"CASHFREE_BASE_URL": fromVar.URL()}, nil, fromVar.URL(), "CASHFREE_BASE_URL"},
		{"the variable over CASHFREE_ENV", map[string]string{"CASHFREE_BASE_URL": fromVar.URL(), "CASHFREE_ENV": "production"}, nil, fromVar.URL(), "CASHFREE_BASE_URL"},
		{"the variable over --env", map[string]string{"CASHFREE_BASE_URL": fromVar.URL()}, []string{"--env", "production"}, fromVar.URL(), "CASHFREE_BASE_URL"},
		{"the flag over the variable", map[string]string{"CASHFREE_BASE_URL": fromVar.URL()}, []string{"--base-url", fromFlag.URL()}, fromFlag.URL(), "--base-url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := [2]int{fromVar.Stats().Requests, fromFlag.Stats().Requests}
			c := &cli{t: t, env: with(tc.env)}
			r := c.run(append([]string{"digilocker-status", "--verification-id", "where-1", "--verbose", "--retries", "0"}, tc.args...)...)
			require.Equal(t, 0, r.code, r.stderr)
			m := logged.FindStringSubmatch(r.stderr)
			require.NotNil(t, m, "--verbose logs where it calls: %s", r.stderr)
			assert.Equal(t, tc.wantURL, m[1])
			assert.Equal(t, tc.wantFrom, m[2])
			assert.Equal(t, client.DefaultAPIVersion, m[3], "the API version is not masked as if it were a birth date")
			after := [2]int{fromVar.Stats().Requests, fromFlag.Stats().Requests}
			if tc.wantURL == fromVar.URL() {
				assert.Equal(t, before[0]+1, after[0], "the request reached the mock CASHFREE_BASE_URL names")
				assert.Equal(t, before[1], after[1])
			} else {
				assert.Equal(t, before[1]+1, after[1], "the request reached the mock --base-url names")
				assert.Equal(t, before[0], after[0])
			}
		})
	}

	// Without a base URL: the environment, by flag or variable, else the
	// sandbox. These cases send nothing (no credentials: exit 2 first), but
	// the choice is checked against client.FromEnv's.
	for _, tc := range []struct {
		env      map[string]string
		args     []string
		wantURL  string
		wantFrom string
	}{
		{nil, nil, client.SandboxBaseURL, "default"},
		{map[string]string{"CASHFREE_ENV": "production"}, nil, client.ProductionBaseURL, "CASHFREE_ENV=production"},
		{map[string]string{"CASHFREE_ENV": "production"}, []string{"--env", "sandbox"}, client.SandboxBaseURL, "--env=sandbox"},
		{map[string]string{"CASHFREE_BASE_URL": "http://127.0.0.1:9/verification", "CASHFREE_ENV": "production"}, nil, "http://127.0.0.1:9/verification", "CASHFREE_BASE_URL"},
	} {
		a := &apiFlags{}
		fs := pflag.NewFlagSet("where", pflag.ContinueOnError)
		a.whereFlags(fs)
		require.NoError(t, fs.Parse(tc.args))
		getenv := func(k string) string { return tc.env[k] }
		url, from, err := a.where(getenv)
		require.NoError(t, err)
		assert.Equal(t, tc.wantURL, url, "%v %v", tc.env, tc.args)
		assert.Equal(t, tc.wantFrom, from)
		if len(tc.args) == 0 {
			lib, err := client.New(client.FromEnvLookup(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }))
			require.NoError(t, err)
			assert.Equal(t, url, lib.BaseURL(), "client.FromEnv chooses as the CLI does: %v", tc.env)
		}
	}
}

// The proxy follows the same order, but never picks the sandbox by
// itself, and refuses to forward to itself (CASHFREE_BASE_URL set for its
// clients, say).
func TestProxy_upstreamFromTheEnvironment(t *testing.T) {
	t.Parallel()
	ctx := cancelledContext(t)
	m := startMock(t)
	c := &cli{t: t, env: map[string]string{"CASHFREE_BASE_URL": m.URL()}}
	r := c.runCtx(ctx, "proxy", "--addr", "127.0.0.1:0")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "forwarding to "+m.RootURL())

	loop := &cli{t: t, env: map[string]string{"CASHFREE_BASE_URL": "http://127.0.0.1:18081/verification"}}
	loop.runCtx(ctx, "proxy", "--addr", "127.0.0.1:18081").errorLine(t, 2, "this proxy's own address")

	bad := &cli{t: t, env: map[string]string{"CASHFREE_BASE_URL": "ftp://example.com"}}
	bad.runCtx(ctx, "proxy", "--addr", "127.0.0.1:0").errorLine(t, 2, `CASHFREE_BASE_URL: want an absolute http or https URL, got "ftp://example.com"`)
}

func cancelledContext(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}
