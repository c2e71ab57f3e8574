package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// README, the docs and the generated reference agree: README and
// docs/cli.md link to docs/cli, and every cfverify command line that
// README.md or a page of docs/ shows names a command that exists and flags
// that command has, under their current names (not a deprecated alias).
func TestREADME_commandLinesAgreeWithTheCommands(t *testing.T) {
	t.Parallel()
	pages, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, pages, "docs/ has pages")
	texts := map[string]string{}
	for _, path := range append([]string{"../../README.md"}, pages...) {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		texts[strings.TrimPrefix(path, "../../")] = string(data)
	}
	assert.Contains(t, texts["README.md"], "](docs/cli/cfverify.md)", "README's map links to the generated reference")
	assert.Contains(t, texts["docs/cli.md"], "](cli/cfverify.md)", "docs/cli.md links to the generated reference")

	root := newTestApp().root
	invocation := regexp.MustCompile(`(?m)\bcfverify((?: [a-z][a-z-]*)+)((?: +[^\s|;&#>` + "`" + `]+)*)`)
	flagName := regexp.MustCompile(`(?:^|\s|\[)--([a-z][a-z-]*)`)
	checked := 0
	for file, text := range texts {
		for _, m := range invocation.FindAllStringSubmatch(text, -1) {
			words := strings.Fields(m[1])
			cmd, rest, err := root.Find(words)
			if err != nil || cmd == root || len(rest) == len(words) {
				continue // prose: "cfverify reports them as drift"
			}
			if len(rest) > 0 {
				continue // "cfverify mock process": prose naming a command
			}
			checked++
			for _, f := range flagName.FindAllStringSubmatch(m[2], -1) {
				name := f[1]
				flag := cmd.Flags().Lookup(name)
				if name == "help" {
					continue
				}
				if assert.NotNil(t, flag, "%s: %q: cfverify %s has no --%s", file, strings.TrimSpace(m[0]), pathOf(cmd), name) {
					assert.NotContains(t, flag.Usage, "deprecated", "%s: %q uses the deprecated --%s", file, strings.TrimSpace(m[0]), name)
				}
			}
		}
	}
	assert.Greater(t, checked, 15, "README and docs/ show the commands")
}
