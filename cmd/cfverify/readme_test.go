package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// README and the generated reference agree: README links to docs/cli, and
// every cfverify command line README shows names a command that exists and
// flags that command has, under their current names (not a deprecated alias).
func TestREADME_commandLinesAgreeWithTheCommands(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(data)
	assert.Contains(t, readme, "](docs/cli/cfverify.md)", "README's Command line section links to the generated reference")

	root := newTestApp().root
	invocation := regexp.MustCompile(`(?m)\bcfverify((?: [a-z][a-z-]*)+)((?: +[^\s|;&#>` + "`" + `]+)*)`)
	flagName := regexp.MustCompile(`(?:^|\s|\[)--([a-z][a-z-]*)`)
	checked := 0
	for _, m := range invocation.FindAllStringSubmatch(readme, -1) {
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
			if assert.NotNil(t, flag, "README: %q: cfverify %s has no --%s", strings.TrimSpace(m[0]), pathOf(cmd), name) {
				assert.NotContains(t, flag.Usage, "deprecated", "README: %q uses the deprecated --%s", strings.TrimSpace(m[0]), name)
			}
		}
	}
	assert.Greater(t, checked, 15, "README shows the commands")
}
