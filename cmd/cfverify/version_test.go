package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionFrom(t *testing.T) {
	t.Parallel()
	stamped := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/cfverify/cfverify", Version: "v0.4.1-0.20261205070000-0123456789ab+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-05T07:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	v := versionFrom("", stamped, true)
	assert.Equal(t, "v0.4.1-0.20261205070000-0123456789ab+dirty", v.version, "the module version the toolchain stamped")
	out := v.String()
	assert.Regexp(t, `^cfverify v0\.4\.1-\S+ \(API version 2024-12-01, spec 2024-12-01, go`, out)
	assert.Contains(t, out, "\ncommit 0123456789abcdef0123456789abcdef01234567 (2026-12-05T07:00:00Z), with uncommitted changes\n")

	release := versionFrom("v1.2.3", stamped, true)
	assert.Equal(t, "v1.2.3", release.version, "-ldflags -X main.version wins")
	assert.Equal(t, "0123456789abcdef0123456789abcdef01234567", release.revision)

	assert.Equal(t, "(devel)", versionFrom("", nil, false).version)
	plain := versionFrom("", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true)
	assert.Equal(t, "(devel)", plain.version)
	assert.Equal(t, 1, strings.Count(plain.String(), "\n"), "no commit line without a revision")
}
