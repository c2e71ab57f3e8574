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
