// The command tree on cobra: groups, help at any depth, did-you-mean, shell
// completion, and one line per error.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// command describes one command; newApp turns it into a cobra.Command.
// Adding a flag to a command is one line in its flags function.
type command struct {
	name    string // the path after "cfverify": "fi", "webhook verify"
	args    string // the synopsis after the name
	summary string // one line
	long    string // more, if the summary is not enough
	example string
	group   string // groupAPI, groupTools or groupInfo (top-level commands)
	// operands is how many arguments may follow the flags (e.args).
	operands int
	// flags registers the command's flags; the function it returns runs it.
	flags func(fs *pflag.FlagSet, e *env) func(ctx context.Context) error
}

// The groups of the top-level help.
const (
	groupAPI   = "api"
	groupTools = "tools"
	groupInfo  = "info"
)

// commands are every command but the groups (webhook), help and completion.
func commands() []*command {
	return []*command{
		dataAvailabilityCmd, userDetailsCmd, digiLockerCmd, consentCmd, fiCmd, // commands.go
		mockCmd, proxyCmd, validateCmd, // mockcmd.go, proxy.go, validate.go
		webhookVerifyCmd, webhookListenCmd, webhookSendCmd, // webhookcmd.go
		specCmd, versionCmd, demoCmd, // commands.go, version.go, demo.go
	}
}

// groupCommands are the commands that only hold others.
var groupCommands = map[string]*command{
	"webhook": {
		name:    "webhook",
		summary: "verify, receive and send Cashfree webhooks signed with the client secret",
		group:   groupTools,
		example: "  cfverify webhook listen --addr 127.0.0.1:8090\n  cfverify help webhook send",
	},
}

func init() {
	cobra.EnableCommandSorting = false // the API's operations in the order an integration calls them
}

const rootLong = `cfverify calls the Cashfree Verification (Secure ID) API, runs a local mock
of it, checks any client's traffic against the spec, and shows all five
operations in a demo.

Credentials come from CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET, the
two-factor signature key from CASHFREE_PUBLIC_KEY (a PEM file), the user's
access token from --token or CASHFREE_ACCESS_TOKEN. The API calls go to
--base-url, else CASHFREE_BASE_URL, else the environment of --env or
CASHFREE_ENV, else the sandbox.

Output: the response JSON on stdout; errors on stderr, one line each.
Exit codes: 0 success; 2 bad usage or input (nothing sent); 3 the API answered
4xx; 4 it answered 5xx or 429, or an undecodable success, after retries;
5 network error or timeout; 6 an exchange broke the spec (proxy, validate);
7 fi --csv: the statement is not ready or empty; 1 anything else.

Start with:  cfverify demo`

// app is one command line: the tree and whether a command's own code ran
// (an error before that is bad usage).
type app struct {
	root *cobra.Command
	ran  bool
}

func newApp(getenv func(string) string, stdout, stderr io.Writer) *app {
	a := &app{}
	root := &cobra.Command{
		Use:   "cfverify",
		Short: "the Cashfree Verification API from the command line: calls, a mock, contract checks",
		Long:  rootLong,
		// Not runnable: execute refuses a bare cfverify, hoistLeadingFlags
		// and help an unknown command (with suggestions; cobra's Find would
		// put them on several lines).
		Args:                       cobra.ArbitraryArgs,
		SilenceErrors:              true,
		SuggestionsMinimumDistance: 2,
		SilenceUsage:               true,
		DisableAutoGenTag:          true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(flagError)
	root.AddGroup(
		&cobra.Group{ID: groupAPI, Title: "API calls (credentials from CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET):"},
		&cobra.Group{ID: groupTools, Title: "Local tools:"},
		&cobra.Group{ID: groupInfo, Title: "Information:"},
	)
	for _, c := range commands() {
		parent := root
		if words := strings.Fields(c.name); len(words) > 1 {
			parent = a.group(root, words[0])
		}
		e := &env{name: c.name, getenv: getenv, stdout: stdout, stderr: stderr}
		parent.AddCommand(a.leaf(c, e))
	}
	root.SetHelpCommand(a.helpCommand())
	root.SetHelpCommandGroupID(groupInfo)
	root.SetCompletionCommandGroupID(groupInfo)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" { // cobra's, worded as the others are
			c.Short = "print a shell completion script: bash, zsh, fish or powershell"
			c.Example = "  source <(cfverify completion bash)\n  cfverify completion zsh > \"${fpath[1]}/_cfverify\""
		}
	}
	a.root = root
	return a
}

// leaf turns a command into a cobra.Command.
func (a *app) leaf(c *command, e *env) *cobra.Command {
	words := strings.Fields(c.name)
	cc := &cobra.Command{
		Use:     strings.TrimSpace(words[len(words)-1] + " " + c.args),
		Short:   c.summary,
		Example: c.example,
		GroupID: c.group,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > c.operands {
				return usagef(c.name, "unexpected argument %q", args[c.operands])
			}
			return nil
		},
	}
	if c.long != "" {
		cc.Long = c.summary + "\n\n" + c.long
	}
	body := c.flags(cc.Flags(), e)
	cc.RunE = func(cmd *cobra.Command, args []string) error {
		if err := checkAliases(cmd.Flags()); err != nil {
			return usagef(c.name, "%v", err)
		}
		if err := e.checkAPIFlags(); err != nil {
			return err
		}
		e.args = args
		a.ran = true
		return body(cmd.Context())
	}
	return cc
}

// group returns the group command name under root, making it the first time.
func (a *app) group(root *cobra.Command, name string) *cobra.Command {
	for _, c := range root.Commands() {
		if c.Name() == name {
			return c
		}
	}
	spec := groupCommands[name]
	g := &cobra.Command{
		Use:     name,
		Short:   spec.summary,
		Example: spec.example,
		GroupID: spec.group,
		// Not runnable: without a command, cobra prints the group's help and
		// exits 0 (what `gh pr` and `kubectl config` do); hoistLeadingFlags
		// refuses an unknown command.
		SuggestionsMinimumDistance: 2,
	}
	root.AddCommand(g)
	return g
}

func unknownCommand(c *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if s := c.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(quoteAll(s), " or "))
	}
	return usagef(pathOf(c), "%s", msg)
}

func quoteAll(s []string) []string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return q
}

// pathOf is a command's path after "cfverify".
func pathOf(c *cobra.Command) string {
	return strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), "cfverify"), " ")
}

// helpCommand is `help [command]...`: any depth; an unknown name is bad
// usage with a suggestion, not the top-level help.
func (a *app) helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "help about any command: cfverify help webhook listen",
		Long:  "Help about any command, at any depth: cfverify help webhook listen.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			parent, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range parent.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil {
				return usagef("help", "%v", err)
			}
			if len(rest) > 0 {
				return unknownCommand(target, rest[0])
			}
			target.InitDefaultHelpFlag() // as --help would: the same text
			return target.Help()
		},
	}
}

// execute runs the command line and returns its exit code and the command
// that ran.
func (a *app) execute(ctx context.Context, args []string, stderr io.Writer) (int, *cobra.Command) {
	if len(args) == 0 {
		fmt.Fprint(stderr, a.root.UsageString())
		return exitUsage, a.root
	}
	args, err := a.hoistLeadingFlags(args)
	if err != nil {
		return report(stderr, err), a.root
	}
	a.root.SetArgs(append([]string{}, args...)) // never nil: nil means os.Args
	cmd, err := a.root.ExecuteContextC(ctx)
	var usage *usageError
	if err != nil && !a.ran && !errors.As(err, &usage) {
		err = usagef(pathOf(cmd), "%v", err) // cobra's own refusals
	}
	return report(stderr, err), cmd
}

// hoistLeadingFlags moves flags written before the command name after it
// (`cfverify --verbose fi …` is `cfverify fi --verbose …`): the command
// then takes them if it has them, and refuses them if not. An unknown
// command name is refused here, with suggestions, before any flag is
// looked at (cobra would print the group's help for `webhook nosuch`).
func (a *app) hoistLeadingFlags(args []string) ([]string, error) {
	var lead []string
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "-" && args[i] != "--" {
		tok := args[i]
		lead = append(lead, tok)
		i++
		name := strings.TrimLeft(tok, "-")
		if name == "help" || name == "h" {
			return args, nil
		}
		if !strings.Contains(tok, "=") && !a.isBoolFlag(name) && i < len(args) {
			lead = append(lead, args[i])
			i++
		}
	}
	rest := args[i:]
	if len(rest) == 0 || strings.HasPrefix(rest[0], "-") ||
		rest[0] == cobra.ShellCompRequestCmd || rest[0] == cobra.ShellCompNoDescRequestCmd { // cobra adds these as it runs
		return args, nil
	}
	cmd, after, err := a.root.Find(rest)
	if err != nil {
		return nil, usagef("", "%v", err)
	}
	if len(after) > 0 && !strings.HasPrefix(after[0], "-") && cmd.HasAvailableSubCommands() {
		return nil, unknownCommand(cmd, after[0]) // cfverify nosuch, cfverify webhook nosuch
	}
	if len(lead) == 0 {
		return args, nil
	}
	words := len(rest) - len(after)
	out := append(append(append([]string{}, rest[:words]...), lead...), rest[words:]...)
	return out, nil
}

// isBoolFlag reports whether any command has a flag called name that takes
// no value.
func (a *app) isBoolFlag(name string) bool {
	found := false
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if f := c.Flags().Lookup(name); f != nil && f.NoOptDefVal != "" {
			found = true
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.root)
	return found
}

// flagError words a flag the command line got wrong: the flag as --name,
// then the rule.
func flagError(c *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	path := pathOf(c)
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if name == "" {
			return usagef(path, "-%s: unknown flag", notExist.GetSpecifiedShortnames())
		}
		msg := fmt.Sprintf("--%s: unknown flag", name)
		if s := flagSuggestions(c.Flags(), name); len(s) > 0 {
			msg += fmt.Sprintf(" (did you mean --%s?)", strings.Join(s, " or --"))
		}
		return usagef(path, "%s", msg)
	case errors.As(err, &noValue):
		return usagef(path, "--%s: needs a value", noValue.GetFlag().Name)
	case errors.As(err, &invalid):
		return usagef(path, "--%s: %v", invalid.GetFlag().Name, errors.Unwrap(invalid))
	case errors.As(err, &syntax):
		return usagef(path, "%q: bad flag syntax", syntax.GetSpecifiedFlag())
	}
	return usagef(path, "%v", err)
}

// flagSuggestions are the flags of fs within two edits of name, or that
// start with it.
func flagSuggestions(fs *pflag.FlagSet, name string) []string {
	var out []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		if editDistance(name, f.Name) <= 2 || (len(name) > 2 && strings.HasPrefix(f.Name, name)) {
			out = append(out, f.Name)
		}
	})
	return out
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
