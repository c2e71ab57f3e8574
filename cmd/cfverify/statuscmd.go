// The status commands: one per status operation of the operation table
// (internal/operation), which gives each its name, method, path and lookup
// flags; this file adds what only the CLI knows (the client calls, the
// statuses --wait ends on, help text).

package main

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/openapi/wire"
	"github.com/cfverify/cfverify/verification"
)

// statusCommands are the status lookups, in the table's order;
// TestStatusCommands_coverTable holds them to operation.Lookups.
var statusCommands = []*command{
	statusCommand(operation.DigiLockerStatus, statusCall[verification.DigiLockerStatus]{
		get: (*client.Client).DigiLockerStatus, wait: (*client.Client).WaitDigiLocker,
		summary: "where a DigiLocker verification stands",
		until:   "AUTHENTICATED, EXPIRED or CONSENT_DENIED",
		example: "  cfverify digilocker-status --verification-id kyc-2024-001 --wait --pretty",
	}),
	statusCommand(operation.ConsentStatus, statusCall[verification.ConsentStatus]{
		get: (*client.Client).ConsentStatus, wait: (*client.Client).WaitConsent,
		summary: "where an Account Aggregator consent stands",
		until:   "SUCCESS, PAUSED, EXPIRED, REVOKED or REJECTED",
		example: "  cfverify consent-status --verification-id consent-7 --wait",
	}),
	statusCommand(operation.FinancialInformation, statusCall[verification.FinancialInformation]{
		get: (*client.Client).FinancialInformation, wait: (*client.Client).WaitFinancialInformation,
		summary: "financial information fetched under a consent",
		until:   "SUCCESS with every account final, FAILED or EXPIRED",
		example: "  cfverify fi --verification-id fi-7 --wait --csv > transactions.csv",
		args:    "[--csv]",
		long: "With --csv, a statement that is not ready (any status but SUCCESS) or that holds no\n" +
			"transaction is refused: one line on stderr naming the status, exit 7, nothing on stdout.",
		flags: func(fs *pflag.FlagSet, e *env) func(*recorder, *verification.FinancialInformation) error {
			asCSV := boolFlag(fs, "csv", "print every transaction of every account as CSV instead of JSON; exit 7 if none is ready")
			return func(rec *recorder, res *verification.FinancialInformation) error {
				if asCSV.Get() {
					return writeStatementCSV(e.stdout, res)
				}
				return e.printJSON(rec, res)
			}
		},
	}),
}

// statusCall is what the CLI adds to a status operation of the table.
type statusCall[T any] struct {
	get     func(*client.Client, context.Context, client.Lookup, ...client.CallOption) (*T, error)
	wait    func(*client.Client, context.Context, client.Lookup, client.PollOptions) (*T, error)
	summary string // after "GET /path: "
	until   string // the statuses --wait ends on, for its help
	example string
	args    string // flags of its own, for the synopsis
	long    string
	// flags registers the command's own flags and returns how it prints a
	// result; nil prints JSON.
	flags func(fs *pflag.FlagSet, e *env) func(*recorder, *T) error
}

// statusCommand is the command of a status operation: look up by
// --verification-id or --reference-id, once or with --wait until a terminal
// status, then print.
func statusCommand[T any](op operation.Operation, call statusCall[T]) *command {
	return &command{
		name:    op.Command,
		args:    strings.Join(strings.Fields("(--verification-id ID | --reference-id N) "+call.args+" [--wait] [flags]"), " "),
		summary: op.Method + " /" + op.Path + ": " + call.summary,
		long:    call.long,
		group:   groupAPI,
		example: call.example,
		flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			lookup := lookupFlags(fs, e, op)
			wait := waitFlag(fs, e, call.until)
			print := func(rec *recorder, res *T) error { return e.printJSON(rec, res) }
			if call.flags != nil {
				print = call.flags(fs, e)
			}
			e.addAPIFlags(fs, true)
			return statusRun(e, lookup, wait, call.get, call.wait, print)
		},
	}
}

// lookupFlags registers what a status command looks up: --verification-id
// or --reference-id on every status command, and the API's own names of
// the two (consent-verification-id, fi-ref-id, …) as deprecated aliases.
func lookupFlags(fs *pflag.FlagSet, e *env, op operation.Operation) func() (client.Lookup, error) {
	idUsage := "your `ID` of the " + op.Noun
	apiID, apiRef := flagName(op.IDParam), flagName(op.RefParam)
	if apiID != "verification-id" {
		idUsage += " (the API's " + op.IDParam + ")"
	}
	id := stringFlag(fs, "verification-id", "", idUsage)
	ref := int64Flag(fs, "reference-id", 0, "Cashfree's reference `N` of the "+op.Noun)
	if apiID != "verification-id" {
		aliasFlag(fs, apiID, "verification-id", true)
	}
	if apiRef != "reference-id" {
		aliasFlag(fs, apiRef, "reference-id", true)
	}
	return func() (client.Lookup, error) {
		switch {
		case id.Get() == "" && ref.Get() == 0:
			return client.Lookup{}, usagef(e.name, "give --verification-id or --reference-id")
		case id.Get() != "" && ref.Get() != 0:
			return client.Lookup{}, usagef(e.name, "give --verification-id or --reference-id, not both")
		case ref.Get() < 0:
			return client.Lookup{}, usagef(e.name, "--reference-id: want a positive number, got %d", ref.Get())
		}
		l := client.Lookup{VerificationID: id.Get()}
		if ref.Get() != 0 {
			l.ReferenceID = wire.NewIntID(ref.Get())
		}
		return l, nil
	}
}

// flagName is a query parameter's name as a flag: fi_ref_id → fi-ref-id.
func flagName(param string) string { return strings.ReplaceAll(param, "_", "-") }

func waitFlag(fs *pflag.FlagSet, e *env, until string) *flagValue[bool] {
	e.pollInterval = durationFlag(fs, "poll-interval", 2*time.Second, "with --wait: the first wait between polls (it grows 1.5× a poll, up to 30s)")
	return boolFlag(fs, "wait", "poll until "+until+", showing progress on a terminal (--timeout bounds it, 10m by default)")
}

// statusRun is the body of the status commands: look up once, or poll
// until a terminal status with --wait, then print.
func statusRun[T any](e *env, lookup func() (client.Lookup, error), wait *flagValue[bool],
	get func(*client.Client, context.Context, client.Lookup, ...client.CallOption) (*T, error),
	waitFor func(*client.Client, context.Context, client.Lookup, client.PollOptions) (*T, error),
	print func(*recorder, *T) error,
) func(context.Context) error {
	return func(ctx context.Context) error {
		l, err := lookup()
		if err != nil {
			return err
		}
		c, rec, err := e.newClient(true)
		if err != nil {
			return err
		}
		defer c.CloseIdleConnections()
		ctx, cancel := e.deadline(ctx, wait.Get())
		defer cancel()
		var res *T
		if wait.Get() {
			res, err = waitFor(c, ctx, l, e.pollOptions())
			e.endProgress()
		} else {
			res, err = get(c, ctx, l)
		}
		if err != nil {
			return err
		}
		return print(rec, res)
	}
}
