package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/openapi/wire"
	"github.com/cfverify/cfverify/verification"
)

var dataAvailabilityCmd = &command{
	name:    "data-availability",
	args:    "--verification-id ID --mobile NUMBER [flags]",
	summary: "POST /user/data-availability: which data scopes exist for a mobile number",
	group:   groupAPI,
	example: "  CASHFREE_CLIENT_ID=… CASHFREE_CLIENT_SECRET=… \\\n" +
		"    cfverify data-availability --verification-id kyc-2024-001 --mobile 9988123456 --pretty",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		id := stringFlag(fs, "verification-id", "", "your new, unique `ID` of this request (1-50 of A-Z a-z 0-9 . - _)")
		mobile := stringFlag(fs, "mobile", "", "the user's 10-digit mobile `NUMBER`")
		e.addAPIFlags(fs, true)
		return func(ctx context.Context) error {
			if id.Get() == "" || mobile.Get() == "" {
				return usagef(e.name, "give --verification-id and --mobile")
			}
			c, rec, err := e.newClient(true)
			if err != nil {
				return err
			}
			defer c.CloseIdleConnections()
			ctx, cancel := e.deadline(ctx, false)
			defer cancel()
			res, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: id.Get(), Mobile: mobile.Get()})
			if err != nil {
				return err
			}
			return e.printJSON(rec, res)
		}
	},
}

var userDetailsCmd = &command{
	name:    "user-details",
	args:    "[--token TOKEN] [flags]",
	summary: "GET /oauth2/user-details: the user's data behind an OAuth access token",
	group:   groupAPI,
	example: "  CASHFREE_ACCESS_TOKEN=… cfverify user-details --pretty\n" +
		"  cfverify user-details --token \"$TOKEN\" --base-url http://127.0.0.1:8080/verification",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		token := stringFlag(fs, "token", "", "the user's access `TOKEN` (else CASHFREE_ACCESS_TOKEN); prefer the variable, flags show in ps")
		e.addAPIFlags(fs, true)
		return func(ctx context.Context) error {
			t := token.Get()
			if t == "" {
				t = e.getenv("CASHFREE_ACCESS_TOKEN")
			}
			if t == "" {
				return usagef(e.name, "give --token or set CASHFREE_ACCESS_TOKEN")
			}
			c, rec, err := e.newClient(false)
			if err != nil {
				return err
			}
			defer c.CloseIdleConnections()
			ctx, cancel := e.deadline(ctx, false)
			defer cancel()
			res, err := c.UserDetails(ctx, t)
			if err != nil {
				return err
			}
			return e.printJSON(rec, res)
		}
	},
}

// lookupFlags registers what a status command looks up: --verification-id
// or --reference-id on every status command, and the API's own names of
// the two (consent-verification-id, fi-ref-id, …) as deprecated aliases.
func lookupFlags(fs *pflag.FlagSet, e *env, what, apiPrefix string) func() (client.Lookup, error) {
	idUsage := "your `ID` of the " + what
	if apiPrefix != "" {
		idUsage += " (the API's " + apiPrefix + "_verification_id)"
	}
	id := stringFlag(fs, "verification-id", "", idUsage)
	ref := int64Flag(fs, "reference-id", 0, "Cashfree's reference `N` of the "+what)
	if apiPrefix != "" {
		aliasFlag(fs, apiPrefix+"-verification-id", "verification-id", true)
		aliasFlag(fs, apiPrefix+"-ref-id", "reference-id", true)
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

func waitFlag(fs *pflag.FlagSet, e *env, until string) *flagValue[bool] {
	e.pollInterval = durationFlag(fs, "poll-interval", 2*time.Second, "with --wait: the first wait between polls (it grows 1.5× a poll, up to 30s)")
	return boolFlag(fs, "wait", "poll until "+until+", showing progress on a terminal (--timeout bounds it, 10m by default)")
}

var digiLockerCmd = &command{
	name:    "digilocker-status",
	args:    "(--verification-id ID | --reference-id N) [--wait] [flags]",
	summary: "GET /digilocker: where a DigiLocker verification stands",
	group:   groupAPI,
	example: "  cfverify digilocker-status --verification-id kyc-2024-001 --wait --pretty",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		lookup := lookupFlags(fs, e, "DigiLocker verification", "")
		wait := waitFlag(fs, e, "AUTHENTICATED, EXPIRED or CONSENT_DENIED")
		e.addAPIFlags(fs, true)
		return statusRun(e, lookup, wait, (*client.Client).DigiLockerStatus, (*client.Client).WaitDigiLocker,
			func(rec *recorder, res *verification.DigiLockerStatus) error { return e.printJSON(rec, res) })
	},
}

var consentCmd = &command{
	name:    "consent-status",
	args:    "(--verification-id ID | --reference-id N) [--wait] [flags]",
	summary: "GET /aa/consent: where an Account Aggregator consent stands",
	group:   groupAPI,
	example: "  cfverify consent-status --verification-id consent-7 --wait",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		lookup := lookupFlags(fs, e, "consent request", "consent")
		wait := waitFlag(fs, e, "SUCCESS, PAUSED, EXPIRED, REVOKED or REJECTED")
		e.addAPIFlags(fs, true)
		return statusRun(e, lookup, wait, (*client.Client).ConsentStatus, (*client.Client).WaitConsent,
			func(rec *recorder, res *verification.ConsentStatus) error { return e.printJSON(rec, res) })
	},
}

var fiCmd = &command{
	name:    "fi",
	args:    "(--verification-id ID | --reference-id N) [--csv] [--wait] [flags]",
	summary: "GET /aa/fi: financial information fetched under a consent",
	long: "With --csv, a statement that is not ready (any status but SUCCESS) or that holds no\n" +
		"transaction is refused: one line on stderr naming the status, exit 7, nothing on stdout.",
	group:   groupAPI,
	example: "  cfverify fi --verification-id fi-7 --wait --csv > transactions.csv",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		lookup := lookupFlags(fs, e, "financial information request", "fi")
		wait := waitFlag(fs, e, "SUCCESS with every account final, FAILED or EXPIRED")
		asCSV := boolFlag(fs, "csv", "print every transaction of every account as CSV instead of JSON; exit 7 if none is ready")
		e.addAPIFlags(fs, true)
		return statusRun(e, lookup, wait, (*client.Client).FinancialInformation, (*client.Client).WaitFinancialInformation,
			func(rec *recorder, res *verification.FinancialInformation) error {
				if asCSV.Get() {
					return writeStatementCSV(e.stdout, res)
				}
				return e.printJSON(rec, res)
			})
	},
}

// statusRun is the body of the three status commands: look up once, or
// poll until a terminal status with --wait, then print.
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

// pollOptions shows progress on a terminal: one line, rewritten each poll.
func (e *env) pollOptions() client.PollOptions {
	o := client.PollOptions{Interval: e.pollInterval.Get()}
	if !isTerminal(e.stderr) {
		return o
	}
	o.OnPoll = func(p client.PollProgress) {
		status := p.Status
		if p.Err != nil {
			status = "retrying after an error"
		}
		line := fmt.Sprintf("\r%s: poll %d: %s", p.Operation, p.Poll, status)
		if p.PendingAccounts > 0 {
			line += fmt.Sprintf(", %d accounts pending", p.PendingAccounts)
		}
		if !p.Done {
			line += fmt.Sprintf(" (next in %s)", p.Next.Round(100*time.Millisecond))
		}
		fmt.Fprintf(e.stderr, "%-78s", line)
		e.progress = true
	}
	return o
}

func (e *env) endProgress() {
	if e.progress {
		fmt.Fprintln(e.stderr)
		e.progress = false
	}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

var specCmd = &command{
	name:    "spec",
	summary: "print the OpenAPI document this build was made from (openapi/verification.yaml)",
	group:   groupInfo,
	example: "  cfverify spec > verification.yaml\n  npx openapi-typescript verification.yaml -o verification.d.ts",
	flags: func(_ *pflag.FlagSet, e *env) func(context.Context) error {
		return func(context.Context) error {
			_, err := e.stdout.Write(openapi.YAML)
			return err
		}
	},
}
