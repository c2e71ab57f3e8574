package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/cfverify/cfverify/verification"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

var dataAvailabilityCmd = &command{
	name:    "data-availability",
	args:    "--verification-id ID --mobile NUMBER",
	summary: "POST /user/data-availability: which data scopes exist for a mobile number",
	example: "  CASHFREE_CLIENT_ID=… CASHFREE_CLIENT_SECRET=… \\\n" +
		"    cfverify data-availability --verification-id kyc-2024-001 --mobile 9988123456 --pretty",
	flags: func(fs *flag.FlagSet, e *env) func(context.Context) error {
		id := fs.String("verification-id", "", "your new, unique `ID` of this request (1-50 of A-Z a-z 0-9 . - _)")
		mobile := fs.String("mobile", "", "the user's 10-digit mobile `NUMBER`")
		return func(ctx context.Context) error {
			if *id == "" || *mobile == "" {
				return usagef(e.cmd.name, "give --verification-id and --mobile")
			}
			c, rec, err := e.newClient(true)
			if err != nil {
				return err
			}
			defer c.CloseIdleConnections()
			ctx, cancel := e.deadline(ctx, false)
			defer cancel()
			res, err := c.DataAvailability(ctx, client.DataAvailabilityRequest{VerificationID: *id, Mobile: *mobile})
			if err != nil {
				return err
			}
			return e.printJSON(rec, res)
		}
	},
}

var userDetailsCmd = &command{
	name:    "user-details",
	args:    "[--token TOKEN]",
	summary: "GET /oauth2/user-details: the user's data behind an OAuth access token",
	example: "  CASHFREE_ACCESS_TOKEN=… cfverify user-details --pretty\n" +
		"  cfverify user-details --token \"$TOKEN\" --base-url http://127.0.0.1:8080/verification",
	flags: func(fs *flag.FlagSet, e *env) func(context.Context) error {
		token := fs.String("token", "", "the user's access `TOKEN` (else CASHFREE_ACCESS_TOKEN); prefer the variable, flags show in ps")
		return func(ctx context.Context) error {
			t := *token
			if t == "" {
				t = e.getenv("CASHFREE_ACCESS_TOKEN")
			}
			if t == "" {
				return usagef(e.cmd.name, "give --token or set CASHFREE_ACCESS_TOKEN")
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

// lookupFlags registers the two ways to name what a status command looks up.
func lookupFlags(fs *flag.FlagSet, e *env, idFlag, refFlag, what string) func() (client.Lookup, error) {
	id := fs.String(idFlag, "", "your `ID` of the "+what)
	ref := fs.Int64(refFlag, 0, "Cashfree's reference `N` of the "+what)
	return func() (client.Lookup, error) {
		switch {
		case *id == "" && *ref == 0:
			return client.Lookup{}, usagef(e.cmd.name, "give --%s or --%s", idFlag, refFlag)
		case *id != "" && *ref != 0:
			return client.Lookup{}, usagef(e.cmd.name, "give --%s or --%s, not both", idFlag, refFlag)
		case *ref < 0:
			return client.Lookup{}, usagef(e.cmd.name, "--%s must be a positive number", refFlag)
		}
		return client.Lookup{VerificationID: *id, ReferenceID: *ref}, nil
	}
}

func waitFlag(fs *flag.FlagSet, e *env, until string) *bool {
	fs.DurationVar(&e.pollInterval, "poll-interval", 2*time.Second, "with --wait: the first wait between polls (it grows 1.5× a poll, up to 30s)")
	return fs.Bool("wait", false, "poll until "+until+", showing progress on a terminal (--timeout bounds it, 10m by default)")
}

var digiLockerCmd = &command{
	name:    "digilocker-status",
	args:    "(--verification-id ID | --reference-id N) [--wait]",
	summary: "GET /digilocker: where a DigiLocker verification stands",
	example: "  cfverify digilocker-status --verification-id kyc-2024-001 --wait --pretty",
	flags: func(fs *flag.FlagSet, e *env) func(context.Context) error {
		lookup := lookupFlags(fs, e, "verification-id", "reference-id", "DigiLocker verification")
		wait := waitFlag(fs, e, "AUTHENTICATED, EXPIRED or CONSENT_DENIED")
		return statusRun(e, lookup, wait, (*client.Client).DigiLockerStatus, (*client.Client).WaitDigiLocker,
			func(rec *recorder, res *verification.DigiLockerStatus) error { return e.printJSON(rec, res) })
	},
}

var consentCmd = &command{
	name:    "consent-status",
	args:    "(--consent-verification-id ID | --consent-ref-id N) [--wait]",
	summary: "GET /aa/consent: where an Account Aggregator consent stands",
	example: "  cfverify consent-status --consent-verification-id consent-7 --wait",
	flags: func(fs *flag.FlagSet, e *env) func(context.Context) error {
		lookup := lookupFlags(fs, e, "consent-verification-id", "consent-ref-id", "consent request")
		wait := waitFlag(fs, e, "SUCCESS, PAUSED, EXPIRED, REVOKED or REJECTED")
		return statusRun(e, lookup, wait, (*client.Client).ConsentStatus, (*client.Client).WaitConsent,
			func(rec *recorder, res *verification.ConsentStatus) error { return e.printJSON(rec, res) })
	},
}

var fiCmd = &command{
	name:    "fi",
	args:    "(--fi-verification-id ID | --fi-ref-id N) [--csv] [--wait]",
	summary: "GET /aa/fi: financial information fetched under a consent",
	example: "  cfverify fi --fi-verification-id fi-7 --wait --csv > transactions.csv",
	flags: func(fs *flag.FlagSet, e *env) func(context.Context) error {
		lookup := lookupFlags(fs, e, "fi-verification-id", "fi-ref-id", "financial information request")
		wait := waitFlag(fs, e, "SUCCESS with every account final, FAILED or EXPIRED")
		asCSV := fs.Bool("csv", false, "print every transaction of every account as CSV instead of JSON")
		return statusRun(e, lookup, wait, (*client.Client).FinancialInformation, (*client.Client).WaitFinancialInformation,
			func(rec *recorder, res *verification.FinancialInformation) error {
				if *asCSV {
					return writeCSV(e.stdout, res)
				}
				return e.printJSON(rec, res)
			})
	},
}

// statusRun is the body of the three status commands: look up once, or
// poll until a terminal status with --wait, then print.
func statusRun[T any](e *env, lookup func() (client.Lookup, error), wait *bool,
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
		ctx, cancel := e.deadline(ctx, *wait)
		defer cancel()
		var res *T
		if *wait {
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

// csvHeader names the columns of fi --csv.
var csvHeader = []string{"fip_id", "masked_acc_number", "link_ref_number", "txn_id", "transaction_timestamp",
	"value_date", "type", "mode", "amount", "current_balance", "narration", "reference"}

// writeCSV writes every transaction of every delivered account, amounts as
// exact decimals, timestamps with the offset they came with.
func writeCSV(w io.Writer, fi *verification.FinancialInformation) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for tx, err := range fi.Transactions() {
		if err != nil {
			return err
		}
		ts, vd, bal := "", "", ""
		if !tx.Timestamp.IsZero() {
			ts = tx.Timestamp.Format(time.RFC3339)
		}
		if !tx.ValueDate.IsZero() {
			vd = tx.ValueDate.Format(time.DateOnly)
		}
		if tx.Balance.Valid {
			bal = tx.Balance.Decimal.String()
		}
		if err := cw.Write([]string{tx.FIPID, tx.MaskedAccNumber, tx.LinkRefNumber, tx.TxnID, ts, vd,
			string(tx.Type), string(tx.Mode), tx.Amount.String(), bal, tx.Narration, tx.Reference}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// pollOptions shows progress on a terminal: one line, rewritten each poll.
func (e *env) pollOptions() client.PollOptions {
	o := client.PollOptions{Interval: e.pollInterval}
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
	args:    "",
	summary: "print the OpenAPI document this build was made from (openapi/verification.yaml)",
	example: "  cfverify spec > verification.yaml\n  npx openapi-typescript verification.yaml -o verification.d.ts",
	flags: func(fs *flag.FlagSet, e *env) func(context.Context) error {
		return func(context.Context) error {
			_, err := e.stdout.Write(openapi.YAML)
			return err
		}
	},
}

var versionCmd = &command{
	name:    "version",
	args:    "",
	summary: "print the version of cfverify, of the spec it embeds and of Go",
	example: "  cfverify version",
	flags: func(fs *flag.FlagSet, e *env) func(context.Context) error {
		return func(context.Context) error {
			v := version
			if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
				v = info.Main.Version
			}
			spec := "?"
			if doc, err := openapi.Load(); err == nil && doc.Info != nil {
				spec = doc.Info.Version
			}
			fmt.Fprintf(e.stdout, "cfverify %s (API version %s, spec %s, %s %s/%s)\n",
				v, client.DefaultAPIVersion, spec, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		}
	},
}
