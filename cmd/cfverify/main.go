// Command cfverify calls the Cashfree Verification (Secure ID) API from the
// command line, runs a local mock of it, checks traffic against the spec,
// and walks through all five operations in a demo.
//
//	cfverify demo                                    the five operations against the built-in mock
//	cfverify digilocker-status --verification-id ID  one operation against the sandbox
//	cfverify mock --addr 127.0.0.1:8080              a local mock for other languages' tests
//
// Run cfverify --help for the commands, cfverify help COMMAND for one
// command; docs/cli holds the same reference, generated from the commands.
//
// Exit codes: 0 success; 2 bad usage or bad input (nothing sent); 3 the API
// answered 4xx; 4 the API answered 5xx or 429, or a success that does not
// decode, after any retries; 5 a network error or timeout; 6 an exchange
// broke the spec (proxy, validate); 7 fi --csv found no statement to write;
// 1 anything else.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
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
	exitNotReady = 7 // fi --csv: the statement is not ready, or empty
)

// run is the whole command line, testable in-process: it parses args,
// reads the environment through getenv, writes to stdout and stderr, and
// returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	code, _ := newApp(getenv, stdout, stderr).execute(ctx, args, stderr)
	return code
}

// env is what a command runs with: its flags that several commands share,
// its operands, the environment and the output streams.
type env struct {
	name           string // the command's path after "cfverify", for messages
	getenv         func(string) string
	stdout, stderr io.Writer
	args           []string // operands after the flags

	// Shared flags, nil on a command that does not take them.
	api          *apiFlags
	verbose      *flagValue[bool]
	timeout      *flagValue[time.Duration]
	pollInterval *flagValue[time.Duration] // --poll-interval of the status commands

	progress bool // a progress line is on the terminal
}
