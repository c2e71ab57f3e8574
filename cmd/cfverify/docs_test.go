package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra/doc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliReference is where the generated CLI reference lives (make generate
// rewrites it: see the go:generate line in docs.go).
const cliReference = "../../docs/cli"

// writeCLIReference writes one Markdown page per command into dir.
func writeCLIReference(t *testing.T, dir string) {
	t.Helper()
	root := newTestApp().root
	for _, c := range allCommands(root) {
		c.DisableAutoGenTag = true // no date: the pages only change when the commands do
		c.InitDefaultHelpFlag()
	}
	require.NoError(t, doc.GenMarkdownTreeCustom(root, dir,
		func(string) string {
			return "<!-- Generated from the commands by `make generate`; do not edit. -->\n\n"
		},
		func(name string) string { return name }))
}

// TestCLIReference fails when docs/cli differs from the commands; with
// -update (make generate) it rewrites docs/cli.
func TestCLIReference(t *testing.T) {
	t.Parallel()
	fresh := t.TempDir()
	writeCLIReference(t, fresh)
	if *update {
		old, err := filepath.Glob(filepath.Join(cliReference, "*.md"))
		require.NoError(t, err)
		for _, f := range old {
			require.NoError(t, os.Remove(f))
		}
		require.NoError(t, os.MkdirAll(cliReference, 0o755))
		writeCLIReference(t, cliReference)
	}
	want, err := filepath.Glob(filepath.Join(fresh, "*.md"))
	require.NoError(t, err)
	got, err := filepath.Glob(filepath.Join(cliReference, "*.md"))
	require.NoError(t, err)
	names := func(paths []string) []string {
		out := make([]string, len(paths))
		for i, p := range paths {
			out[i] = filepath.Base(p)
		}
		return out
	}
	require.Equal(t, names(want), names(got), "docs/cli is stale: run make generate")
	for _, f := range want {
		fresh, err := os.ReadFile(f)
		require.NoError(t, err)
		committed, err := os.ReadFile(filepath.Join(cliReference, filepath.Base(f)))
		require.NoError(t, err)
		assert.Equal(t, string(fresh), string(committed), "docs/cli/%s is stale: run make generate", filepath.Base(f))
	}
}
