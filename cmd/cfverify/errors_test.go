package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Error lines: one cfverify prefix, flags written --name, the rule in words.
func TestErrorWording(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "not-a-key.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a key"), 0o600))
	c := newCLI(t)
	c.env["CASHFREE_PUBLIC_KEY"] = bad
	for args, want := range map[string]string{
		"digilocker-status --reference-id abc":                                `cfverify digilocker-status: --reference-id: want a number, got "abc" (see cfverify digilocker-status --help)`,
		"digilocker-status --verification-id x --timeout soon":                `cfverify digilocker-status: --timeout: want a duration such as 30s or 2m, got "soon" (see cfverify digilocker-status --help)`,
		"digilocker-status --verification-id x --retries -1":                  `cfverify digilocker-status: --retries: want 0 or more, got -1 (see cfverify digilocker-status --help)`,
		"digilocker-status --verification-id x --env staging":                 `cfverify digilocker-status: --env: want sandbox or production, got "staging" (see cfverify digilocker-status --help)`,
		"digilocker-status --verification-id":                                 `cfverify digilocker-status: --verification-id: needs a value (see cfverify digilocker-status --help)`,
		"mock --seed -1":                                                      `cfverify mock: --seed: want a number, 0 or more, got "-1" (see cfverify mock --help)`,
		"webhook listen --tolerance 5":                                        `cfverify webhook listen: --tolerance: want a duration such as 30s or 2m, got "5" (see cfverify webhook listen --help)`,
		"spec --retries 0":                                                    `cfverify spec: --retries: unknown flag (see cfverify spec --help)`,
		"digilocker-status --verification-id x --base-url http://127.0.0.1:1": "",
	} {
		r := c.run(strings.Fields(args)...)
		assert.Equal(t, 2, r.code, args)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
		message, _, _ := strings.Cut(r.stderr, " (see cfverify")
		assert.Equal(t, 1, strings.Count(message, "cfverify"), "one prefix: %q", r.stderr)
		if want != "" {
			assert.Equal(t, want+"\n", r.stderr, args)
		} else {
			// The library's error carries its own prefix: it is not repeated.
			assert.True(t, strings.HasPrefix(r.stderr, "cfverify: CASHFREE_PUBLIC_KEY: invalid configuration: "), r.stderr)
		}
	}
}

func TestWithOnePrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"CASHFREE_PUBLIC_KEY: cfverify: invalid configuration: bad":              "cfverify: CASHFREE_PUBLIC_KEY: invalid configuration: bad",
		"cfverify: getDigiLockerStatus: HTTP 404":                                "cfverify: getDigiLockerStatus: HTTP 404",
		"cfverify proxy: listen tcp: address in use":                             "cfverify proxy: listen tcp: address in use",
		"cfverify: invalid configuration: a\ncfverify: invalid configuration: b": "cfverify: invalid configuration: a\ninvalid configuration: b",
	} {
		assert.Equal(t, want, withOnePrefix(in))
	}
}
