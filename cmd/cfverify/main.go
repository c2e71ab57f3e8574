// Command cfverify calls the Cashfree Verification (Secure ID) API from the
// command line, runs a local mock of it, and walks through all five
// operations in a demo.
//
//	cfverify demo                                    the five operations against the built-in mock
//	cfverify digilocker-status --verification-id ID  one operation against the sandbox
//	cfverify mock --addr 127.0.0.1:8080              a local mock for other languages' tests
//
// Run cfverify --help for the commands and flags, and cfverify COMMAND --help
// for one command with an example.
//
// Exit codes: 0 success; 2 bad usage or bad input (nothing sent); 3 the API
// answered 4xx; 4 the API answered 5xx or 429, or a success that does not
// decode, after any retries; 5 a network error or timeout; 6 an exchange
// broke the spec (proxy, validate); 1 anything else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK       = 0
	exitOther    = 1
	exitUsage    = 2
	exitClient4x = 3
	exitServer5x = 4
	exitNetwork  = 5
	exitBroke    = 6 // proxy, validate: an exchange broke the spec
)

// command is one subcommand.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	example string
	// operands is how many arguments may follow the flags (read with e.fs.Args).
	operands int
	// flags registers the command's own flags; run runs it.
	flags func(fs *flag.FlagSet, e *env) func(ctx context.Context) error
}

// env is what a command runs with: the global flags, the environment and
// the output streams.
type env struct {
	g              *globals
	getenv         func(string) string
	stdout, stderr io.Writer
	cmd            *command
	fs             *flag.FlagSet
	progress       bool          // a progress line is on the terminal
	pollInterval   time.Duration // --poll-interval of the status commands
}

var commands []*command

func init() {
	commands = []*command{
		dataAvailabilityCmd, userDetailsCmd, digiLockerCmd, consentCmd, fiCmd,
		specCmd, mockCmd, proxyCmd, validateCmd, demoCmd, versionCmd,
		webhookVerifyCmd, webhookListenCmd, webhookSendCmd, // webhookcmd.go
	}
}

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is bad usage: exit 2, with a pointer to --help.
type usageError struct {
	cmd string
	msg string
}

func (e *usageError) Error() string {
	if e.cmd == "" {
		return "cfverify: " + e.msg + " (see cfverify --help)"
	}
	return "cfverify " + e.cmd + ": " + e.msg + " (see cfverify " + e.cmd + " --help)"
}

func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// run is the whole command line, testable in-process: it parses args,
// reads the environment through getenv, writes to stdout and stderr, and
// returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	g := newGlobals(getenv)
	root := flag.NewFlagSet("cfverify", flag.ContinueOnError)
	root.SetOutput(io.Discard)
	g.register(root)
	root.Usage = func() {}
	if err := root.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			mainUsage(stdout, root)
			return exitOK
		}
		return report(stderr, usagef("", "%v", err))
	}
	rest := root.Args()
	if len(rest) == 0 {
		mainUsage(stderr, root)
		return exitUsage
	}
	if rest[0] == "help" {
		if len(rest) > 1 && findCommand(rest[1]) != nil {
			rest = []string{rest[1], "--help"}
		} else {
			mainUsage(stdout, root)
			return exitOK
		}
	}
	cmd := findCommand(rest[0])
	if len(rest) > 1 && findCommand(rest[0]+" "+rest[1]) != nil { // two-word commands: "webhook verify"
		cmd, rest = findCommand(rest[0]+" "+rest[1]), rest[1:]
	}
	if cmd == nil {
		return report(stderr, usagef("", "unknown command %q", rest[0]))
	}

	fs := flag.NewFlagSet("cfverify "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	e := &env{g: g, getenv: getenv, stdout: stdout, stderr: stderr, cmd: cmd, fs: fs}
	runCmd := cmd.flags(fs, e)
	g.register(fs) // global flags work after the command name too
	if err := fs.Parse(rest[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			commandUsage(stdout, cmd, fs)
			return exitOK
		}
		return report(stderr, usagef(cmd.name, "%v", err))
	}
	if fs.NArg() > cmd.operands {
		return report(stderr, usagef(cmd.name, "unexpected argument %q", fs.Arg(cmd.operands)))
	}
	if err := g.check(); err != nil {
		return report(stderr, usagef(cmd.name, "%v", err))
	}
	return report(stderr, runCmd(ctx))
}

func mainUsage(w io.Writer, root *flag.FlagSet) {
	fmt.Fprint(w, `cfverify calls the Cashfree Verification (Secure ID) API, runs a local mock
of it, and shows all five operations in a demo.

Usage: cfverify [global flags] COMMAND [flags]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Global flags (before or after the command):
`)
	printFlags(w, root)
	fmt.Fprint(w, `
Credentials come from CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET, the
two-factor signature key from CASHFREE_PUBLIC_KEY (a PEM file), the user's
access token from --token or CASHFREE_ACCESS_TOKEN. The environment is
--env, else CASHFREE_ENV, else sandbox.

Output: the response JSON on stdout; errors on stderr, one line each.
Exit codes: 0 success; 2 bad usage or input (nothing sent); 3 the API answered
4xx; 4 it answered 5xx or 429, or an undecodable success, after retries;
5 network error or timeout; 6 an exchange broke the spec (proxy, validate);
1 anything else.

Start with:  cfverify demo
`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: cfverify %s %s\n\n%s\n\nFlags (global flags included):\n", c.name, c.args, c.summary)
	printFlags(w, fs)
	fmt.Fprintf(w, "\nExample:\n%s\n", c.example)
}

func printFlags(w io.Writer, fs *flag.FlagSet) {
	var lines []string
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if name != "" {
			head += " " + name
		}
		line := fmt.Sprintf("%-34s %s", head, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			line += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		lines = append(lines, line)
	})
	sort.Strings(lines)
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}
