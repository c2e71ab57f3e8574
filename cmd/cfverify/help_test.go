package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

var update = flag.Bool("update", false, "rewrite the golden help in testdata/help and the reference in docs/cli")

// allCommands walks the tree: every command a user can name, cobra's
// completion scripts included.
func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() || sub.Name() == "help" {
			out = append(out, allCommands(sub)...)
		}
	}
	return out
}

func newTestApp() *app {
	var out, errOut bytes.Buffer
	return newApp(func(string) string { return "" }, &out, &errOut)
}

// The help of every command, against testdata/help (go test -update
// rewrites it); `help CMD` and `CMD --help` print the same, at any depth.
func TestHelp_golden(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{}}
	seen := map[string]bool{}
	for _, cmd := range allCommands(newTestApp().root) {
		path := strings.Fields(cmd.CommandPath())[1:]
		name := strings.Join(append([]string{"cfverify"}, path...), "_")
		seen[name+".golden"] = true
		t.Run(name, func(t *testing.T) {
			r := c.run(append(append([]string{}, path...), "--help")...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			golden := filepath.Join("testdata", "help", name+".golden")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(r.stdout), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "go test ./cmd/cfverify -run TestHelp_golden -update writes it")
			assert.Equal(t, string(want), r.stdout)

			if len(path) > 0 && path[0] != "help" {
				viaHelp := c.run(append([]string{"help"}, path...)...)
				assert.Equal(t, 0, viaHelp.code, viaHelp.stderr)
				assert.Equal(t, r.stdout, viaHelp.stdout, "help %s", strings.Join(path, " "))
			}
			if cmd.HasAvailableSubCommands() && len(path) > 0 {
				bare := c.run(path...)
				assert.Equal(t, 0, bare.code, bare.stderr)
				assert.Equal(t, r.stdout, bare.stdout, "a group without a command prints its help")
			}
		})
	}
	files, err := filepath.Glob(filepath.Join("testdata", "help", "*.golden"))
	require.NoError(t, err)
	for _, f := range files {
		assert.True(t, seen[filepath.Base(f)], "%s is the help of no command: delete it", f)
	}
}

// The defects: `webhook`, `webhook --help` and `help webhook` answered
// "unknown command" or the top-level help.
func TestHelp_groups(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{}}
	for _, args := range [][]string{{"webhook"}, {"webhook", "--help"}, {"help", "webhook"}} {
		r := c.run(args...)
		assert.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stdout, "cfverify webhook [command]", args)
		for _, sub := range []string{"verify", "listen", "send"} {
			assert.Contains(t, r.stdout, "\n  "+sub+" ", args)
		}
	}
	r := c.run("help", "webhook", "listen")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "cfverify webhook listen [--addr 127.0.0.1:8090]")

	top := c.run("--help")
	for _, group := range []string{"API calls", "Local tools:", "Information:"} {
		assert.Contains(t, top.stdout, group)
	}
	api := top.stdout[strings.Index(top.stdout, "API calls"):strings.Index(top.stdout, "Local tools:")]
	tools := top.stdout[strings.Index(top.stdout, "Local tools:"):strings.Index(top.stdout, "Information:")]
	info := top.stdout[strings.Index(top.stdout, "Information:"):]
	for _, name := range []string{"data-availability", "user-details", "digilocker-status", "consent-status", "fi"} {
		assert.Contains(t, api, "\n  "+name+" ")
	}
	for _, name := range []string{"mock", "proxy", "validate", "webhook"} {
		assert.Contains(t, tools, "\n  "+name+" ")
	}
	for _, name := range []string{"spec", "version", "demo", "completion", "help"} {
		assert.Contains(t, info, "\n  "+name+" ")
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{}}
	for args, want := range map[string]string{
		"digilocker-statuss": `cfverify: unknown command "digilocker-statuss" (did you mean "digilocker-status"?) (see cfverify --help)`,
		"webhook veryfy":     `cfverify webhook: unknown command "veryfy" (did you mean "verify"?) (see cfverify webhook --help)`,
		"help webhok":        `cfverify: unknown command "webhok" (did you mean "webhook"?) (see cfverify --help)`,
		"--verbose consent-statu --verification-id": `cfverify: unknown command "consent-statu" (did you mean "consent-status"?) (see cfverify --help)`,
		"fi --verification-idd x":                   `cfverify fi: --verification-idd: unknown flag (did you mean --verification-id?) (see cfverify fi --help)`,
		"consent-status --consent-id x":             `cfverify consent-status: --consent-id: unknown flag (see cfverify consent-status --help)`,
		"nothinglikeit":                             `cfverify: unknown command "nothinglikeit" (see cfverify --help)`,
	} {
		r := c.run(strings.Fields(args)...)
		assert.Equal(t, 2, r.code, args)
		assert.Empty(t, r.stdout, args)
		assert.Equal(t, want+"\n", r.stderr, args)
	}
}

// flagInvocations run each command through the code paths that read its
// flags: every flag its help lists must be read by one of them.
func flagInvocations(t *testing.T, mockURL string) map[string][][]string {
	dir := t.TempDir()
	body := filepath.Join(dir, "body.json")
	require.NoError(t, os.WriteFile(body, []byte(`{"status":"PENDING"}`), 0o600))
	har := filepath.Join(dir, "x.har")
	require.NoError(t, os.WriteFile(har, []byte(`{"log":{"entries":[]}}`), 0o600))
	out := func(name string) string { return filepath.Join(dir, name) }
	api := []string{"--base-url", mockURL, "--api-version", "2024-12-01", "--retries", "0", "--timeout", "20s", "--verbose"}
	badEnv := []string{"--env", "staging"}
	with := func(args ...[]string) []string {
		var all []string
		for _, a := range args {
			all = append(all, a...)
		}
		return all
	}
	return map[string][][]string{
		"data-availability": {
			with([]string{"data-availability", "--verification-id", "read-da", "--mobile", "9988123456", "--pretty"}, api),
			with([]string{"data-availability", "--verification-id", "x", "--mobile", "1"}, badEnv),
		},
		"user-details": {
			with([]string{"user-details", "--token", "t", "--pretty"}, api),
			with([]string{"user-details", "--token", "t"}, badEnv),
		},
		"digilocker-status": {
			with([]string{"digilocker-status", "--verification-id", "read-dl", "--wait", "--poll-interval", "1ms", "--pretty"}, api),
			with([]string{"digilocker-status", "--reference-id", "1"}, badEnv),
		},
		"consent-status": {
			with([]string{"consent-status", "--verification-id", "read-c", "--wait", "--poll-interval", "1ms", "--pretty"}, api),
			with([]string{"consent-status", "--reference-id", "1"}, badEnv),
		},
		"fi": {
			with([]string{"fi", "--verification-id", "read-fi", "--wait", "--poll-interval", "1ms", "--csv"}, api),
			with([]string{"fi", "--verification-id", "read-fi", "--pretty"}, api),
			with([]string{"fi", "--reference-id", "1"}, badEnv),
		},
		"mock": {{"mock", "--addr", "127.0.0.1:0", "--seed", "3", "--polls", "1", "--stage-duration", "1s",
			"--fixture", "../../mock/testdata/fixture.json", "--fault", "kind=status,status=500,ids=x", "--strict", "--no-self-check",
			"--client-id", "a", "--client-secret", "b", "--webhook-url", "http://127.0.0.1:1/h", "--webhook-duplicates", "1", "--verbose",
			"--max-records", "10", "--record-ttl", "1h", "--metrics-addr", "127.0.0.1:0"}},
		"proxy": {
			{"proxy", "--addr", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--report", out("r.jsonl"), "--junit", out("r.xml"),
				"--strict", "--allow-production", "--max-request-bytes", "1000", "--timeout", "1s", "--metrics-addr", "127.0.0.1:0"},
			{"proxy", "--addr", "127.0.0.1:0", "--env", "staging"},
		},
		"validate": {
			{"validate", "--method", "GET", "--path", "/digilocker", "--status", "200", "--content-type", "application/json",
				"--strict", "--report", out("v.jsonl"), "--junit", out("v.xml"), body},
			{"validate", "--har", har},
		},
		"webhook verify": {{"webhook", "verify", "--signature", "s", "--timestamp", "1", "--tolerance", "1m"}},
		"webhook listen": {{"webhook", "listen", "--addr", "127.0.0.1:0", "--tolerance", "1m", "--verbose", "--metrics-addr", "127.0.0.1:0", "--store", "memory"}},
		"webhook send":   {{"webhook", "send", "--url", "http://127.0.0.1:1/h", "--event", "DIGILOCKER_VERIFICATION_SUCCESS", "--id", "x", "--timeout", "1s"}},
		"spec":           {{"spec"}},
		"version":        {{"version"}},
		"demo": {
			{"demo", "--mobile", "9988123456", "--availability-id", "read-demo", "--poll-interval", "1ms",
				"--api-version", "2024-12-01", "--retries", "0", "--timeout", "60s", "--verbose"},
			with([]string{"demo", "--token", "t", "--verification-id", "read-demo-dl", "--consent-verification-id", "read-demo-c",
				"--fi-verification-id", "read-demo-fi", "--poll-interval", "1ms"}, api),
			{"demo", "--env", "staging"},
		},
	}
}

// Every flag a command's help lists is one its code reads: the API flags
// are not listed on spec, version, mock or webhook verify, where they
// did nothing. A flag registered but never read fails this test.
func TestHelp_listsOnlyFlagsTheCommandReads(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	env := map[string]string{"CASHFREE_CLIENT_ID": mock.DefaultClientID, "CASHFREE_CLIENT_SECRET": mock.DefaultClientSecret}
	invocations := flagInvocations(t, srv.URL())
	read := map[string]map[string]bool{}
	for name, runs := range invocations {
		read[name] = map[string]bool{}
		for _, args := range runs {
			// Servers (mock, proxy, webhook listen) start and stop at once.
			ctx := t.Context()
			if name == "mock" || name == "proxy" || name == "webhook listen" {
				cancelled, cancel := context.WithCancel(ctx)
				cancel()
				ctx = cancelled
			}
			getenv := func(k string) string { return env[k] }
			if name == "webhook verify" { // stops at the missing secret, its flags read, before reading stdin
				getenv = func(string) string { return "" }
			}
			var out, errOut bytes.Buffer
			a := newApp(getenv, &out, &errOut)
			_, cmd := a.execute(ctx, args, &errOut)
			require.Equal(t, name, pathOf(cmd), "%v ran %q: %s", args, pathOf(cmd), errOut.String())
			cmd.Flags().VisitAll(func(f *pflag.Flag) {
				if tr, ok := f.Value.(readTracker); ok && tr.wasRead() {
					read[name][f.Name] = true
				}
			})
		}
	}
	for _, c := range commands() {
		var cmd *cobra.Command
		for _, cc := range allCommands(newTestApp().root) {
			if pathOf(cc) == c.name {
				cmd = cc
			}
		}
		require.NotNil(t, cmd, c.name)
		require.Contains(t, invocations, c.name, "add invocations of %s that read its flags", c.name)
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			_, tracked := f.Value.(readTracker)
			assert.True(t, tracked, "cfverify %s --%s: register it with the helpers of flagvalue.go", c.name, f.Name)
			assert.True(t, read[c.name][f.Name], "cfverify %s lists --%s, but no run of it read the flag", c.name, f.Name)
		})
	}
	for _, name := range []string{"spec", "version", "mock", "webhook verify", "webhook listen", "validate"} {
		help := (&cli{t: t, env: map[string]string{}}).run(append(strings.Fields(name), "--help")...).stdout
		for _, api := range []string{"--retries", "--base-url", "--api-version", "--pretty"} {
			assert.NotContains(t, help, api, "cfverify %s", name)
		}
	}
}

// The aliases: one idea, one name, the API's names kept and marked.
func TestFlagAliases(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mock.WithPolls(1))
	c := newCLI(t)
	for cmd, names := range map[string][]string{
		"digilocker-status": {"--verification-id"},
		"consent-status":    {"--verification-id", "--consent-verification-id"},
		"fi":                {"--verification-id", "--fi-verification-id"},
	} {
		for _, name := range names {
			r := c.run(cmd, name, "alias-"+cmd, "--base-url", srv.URL())
			assert.Equal(t, 0, r.code, "%s %s: %s", cmd, name, r.stderr)
			assert.Equal(t, "alias-"+cmd, r.json(t)[map[string]string{
				"digilocker-status": "verification_id", "consent-status": "consent_verification_id", "fi": "fi_verification_id"}[cmd]])
		}
	}
	for cmd, alias := range map[string]string{"consent-status": "consent-ref-id", "fi": "fi-ref-id"} {
		help := c.run(cmd, "--help").stdout
		assert.Regexp(t, `--`+alias+` N +deprecated: use --reference-id N`, help)
	}
	assert.Regexp(t, `--consent-id ID +deprecated: use --consent-verification-id ID`, c.run("demo", "--help").stdout)
	assert.Regexp(t, `--base-url URL +the same as --upstream URL`, c.run("proxy", "--help").stdout)

	r := c.run("fi", "--verification-id", "a", "--fi-verification-id", "b", "--base-url", srv.URL())
	r.errorLine(t, 2, "cfverify fi: --verification-id and --fi-verification-id name the same thing: give one")
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{}}
	dir := t.TempDir()
	checks := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}, "powershell": nil}
	for shell, check := range checks {
		r := c.run("completion", shell)
		require.Equal(t, 0, r.code, r.stderr)
		require.Contains(t, r.stdout, "cfverify", shell)
		if check == nil {
			continue // no PowerShell on Debian's main archive
		}
		if _, err := exec.LookPath(check[0]); err != nil {
			if os.Getenv("CFVERIFY_REQUIRE_SHELLS") != "" {
				t.Fatalf("%s is not installed (.ci/run installs zsh and fish)", check[0])
			}
			t.Logf("%s not installed: its completion script is not syntax-checked here", check[0])
			continue
		}
		script := filepath.Join(dir, "cfverify."+shell)
		require.NoError(t, os.WriteFile(script, []byte(r.stdout), 0o600))
		out, err := exec.CommandContext(t.Context(), check[0], append(check[1:], script)...).CombinedOutput()
		assert.NoError(t, err, "%s: %s", shell, out)
	}

	// What the scripts ask for: names of commands, of group members, of flags.
	complete := func(args ...string) []string {
		r := c.run(append([]string{"__complete"}, args...)...)
		require.Equal(t, 0, r.code, r.stderr)
		var names []string
		for _, line := range strings.Split(r.stdout, "\n") {
			if line != "" && !strings.HasPrefix(line, ":") {
				names = append(names, strings.SplitN(line, "\t", 2)[0])
			}
		}
		sort.Strings(names)
		return names
	}
	assert.Equal(t, []string{"digilocker-status"}, complete("digilocker-st"))
	assert.Equal(t, []string{"listen", "send", "verify"}, complete("webhook", ""))
	assert.Contains(t, complete("fi", "--verif"), "--verification-id")
	assert.NotContains(t, complete("spec", "--"), "--retries")
	assert.Equal(t, []string{"listen", "send", "verify"}, complete("help", "webhook", ""))
}
