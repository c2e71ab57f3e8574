package main

import (
	"context"
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cfverify/cfverify/mask"
	"github.com/cfverify/cfverify/verification"

	"github.com/shopspring/decimal"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/openapi"
)

var demoCmd = &command{
	name:    "demo",
	args:    "[--env sandbox [--verification-id ID] [--consent-verification-id ID] [--fi-verification-id ID]] [flags]",
	summary: "walk through the five operations as an integration would, on the built-in mock or the sandbox",
	long: "Without --env or --base-url it runs on a built-in mock: no credentials, no network, and\n" +
		"CASHFREE_* variables are not read. With --env sandbox (or --base-url) it runs there, with the\n" +
		"credentials of CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET and the ids you pass.",
	group: groupInfo,
	example: "  cfverify demo                       # no credentials, no network: the built-in mock\n" +
		"  CASHFREE_CLIENT_ID=… CASHFREE_CLIENT_SECRET=… CASHFREE_ACCESS_TOKEN=… \\\n" +
		"    cfverify demo --env sandbox --verification-id kyc-1 --consent-verification-id consent-1 --fi-verification-id fi-1",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		d := &demo{env: e, flags: demoFlags{
			mobile:    stringFlag(fs, "mobile", "9988123456", "the mobile `NUMBER` data availability asks about"),
			daID:      stringFlag(fs, "availability-id", "", "the verification `ID` of data availability (default: a new one)"),
			token:     stringFlag(fs, "token", "", "on the sandbox: the user's access `TOKEN` (else CASHFREE_ACCESS_TOKEN)"),
			dlID:      stringFlag(fs, "verification-id", "", "on the sandbox: the `ID` of a DigiLocker verification you created"),
			consentID: stringFlag(fs, "consent-verification-id", "", "on the sandbox: the `ID` of a consent you requested"),
			fiID:      stringFlag(fs, "fi-verification-id", "", "on the sandbox: the `ID` of a financial-information request you made"),
			interval:  durationFlag(fs, "poll-interval", 250*time.Millisecond, "the wait between status polls"),
		}}
		aliasFlag(fs, "consent-id", "consent-verification-id", true)
		aliasFlag(fs, "fi-id", "fi-verification-id", true)
		e.addAPIFlags(fs, false)
		timeout := fs.Lookup("timeout") // the demo polls: the --wait deadline
		timeout.Usage, timeout.DefValue = "give up after `duration`, every step included", defaultWaitTimeout.String()
		return d.run
	},
}

// demoFlags are the demo's own flags.
type demoFlags struct {
	mobile, daID, token, dlID, consentID, fiID *flagValue[string]
	interval                                   *flagValue[time.Duration]
}

type demo struct {
	env                                  *env
	flags                                demoFlags
	mobile, daID, token                  string
	dlID, consentID, fiID                string
	interval                             time.Duration
	out                                  io.Writer
	vt                                   *openapi.ValidatingTransport
	started                              time.Time
	stepsDone, stepsSkipped, stepsFailed int
	usingMock                            bool
	mockSrv                              *mock.Server
	hooks                                *demoWebhooks // the mock's webhooks arrive here (demo_webhooks.go)
}

func (d *demo) run(ctx context.Context) error {
	e := d.env
	d.out = e.stdout
	d.started = time.Now()
	d.mobile, d.daID, d.interval = d.flags.mobile.Get(), d.flags.daID.Get(), d.flags.interval.Get()
	remote := e.api.env.IsSet() || e.api.baseURL.Get() != ""
	setup := clientSetup{needCredentials: true, wrap: d.validating}
	if remote {
		if base, _, err := e.api.where(e.getenv); err == nil && base == client.ProductionBaseURL {
			return usagef("demo", "the demo runs on the mock or the sandbox, not production")
		}
		setup.fromEnv = true
		d.token, d.dlID, d.consentID, d.fiID = d.flags.token.Get(), d.flags.dlID.Get(), d.flags.consentID.Get(), d.flags.fiID.Get()
		if d.token == "" {
			d.token = e.getenv("CASHFREE_ACCESS_TOKEN")
		}
		if d.daID == "" {
			d.daID = "cfverify-demo-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		}
	} else {
		hooks, err := startDemoWebhooks()
		if err != nil {
			return err
		}
		defer hooks.close()
		srv, err := mock.New(append(hooks.mockOptions(), mock.WithPolls(2), mock.WithLogger(e.logger()))...)
		if err != nil {
			return err
		}
		defer srv.Close()
		d.hooks = hooks
		d.usingMock, d.mockSrv = true, srv
		setup.local = true
		setup.extra = []client.Option{
			client.WithBaseURL(srv.URL()),
			client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret),
		}
		d.token, d.dlID, d.consentID, d.fiID = "demo-access-token", "demo-kyc-001", "demo-consent-001", "demo-fi-001"
		if d.daID == "" {
			d.daID = "demo-availability-001"
		}
	}
	c, _, err := e.buildClient(setup)
	if err != nil {
		return err
	}
	defer c.CloseIdleConnections()
	ctx, cancel := e.deadline(ctx, true)
	defer cancel()

	if d.usingMock {
		d.printf("cfverify demo: the five operations of the Cashfree Verification API, against the\n")
		d.printf("built-in mock at %s (no credentials, no network).\n", c.BaseURL())
		d.printf("With CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET set, `cfverify demo --env sandbox` runs it on the sandbox.\n")
	} else {
		d.printf("cfverify demo: the five operations of the Cashfree Verification API, against %s.\n", c.BaseURL())
	}
	d.printf("Personal data below is masked, as it would be in logs.\n")

	steps := []func(context.Context, *client.Client) error{d.availability, d.userDetails, d.digiLocker, d.consent, d.financialInformation}
	var failures []error
	for _, step := range steps {
		if err := step(ctx, c); err != nil {
			d.stepsFailed++
			d.printf("    ✗ %s\n", oneLine(mask.PII(err.Error())))
			failures = append(failures, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	d.summary()
	if len(failures) > 0 {
		return failures[0]
	}
	return nil
}

// validating wraps the demo's transport so that every exchange is checked
// against the spec; the summary reports what it found.
func (d *demo) validating(rt http.RoundTripper) (http.RoundTripper, error) {
	vt, err := openapi.NewValidatingTransport(rt, openapi.WithLogger(nil))
	if err != nil {
		return nil, err
	}
	d.vt = vt
	return vt, nil
}

func (d *demo) printf(format string, args ...any) { fmt.Fprintf(d.out, format, args...) }

func (d *demo) step(n int, title, call string) {
	d.printf("\n%d/5 %s    %s\n", n, title, call)
}

func (d *demo) skip(why string) {
	d.stepsSkipped++
	d.printf("    skipped: %s\n", why)
}

func (d *demo) availability(ctx context.Context, c *client.Client) error {
	d.step(1, "Which data exists for the user?", "POST /user/data-availability")
	d.printf("    verification_id %s, mobile %s\n", d.daID, mask.Field("mobile", d.mobile))
	res, err := c.DataAvailability(ctx, client.DataAvailabilityParams{VerificationID: d.daID, Mobile: d.mobile})
	if err != nil {
		return err
	}
	scopes := make([]string, 0, len(res.AvailableScopes))
	for _, s := range res.AvailableScopes {
		if s.Scope != nil {
			scopes = append(scopes, string(*s.Scope))
		}
	}
	d.printf("    → reference_id %s; %d scopes available: %s\n", refText(res.ReferenceID), len(scopes), strings.Join(scopes, ", "))
	d.stepsDone++
	return nil
}

func (d *demo) userDetails(ctx context.Context, c *client.Client) error {
	d.step(2, "The user shares their data (OAuth)", "GET /oauth2/user-details")
	if d.token == "" {
		d.skip("no access token: pass --token or set CASHFREE_ACCESS_TOKEN")
		return nil
	}
	res, err := c.UserDetails(ctx, d.token)
	if err != nil {
		return err
	}
	shared := res.Shared()
	names := make([]string, len(shared))
	for i, s := range shared {
		names[i] = string(s)
	}
	d.printf("    → %d scopes shared: %s\n", len(shared), strings.Join(names, ", "))
	var facts []string
	if recs := res.Name; len(recs) > 0 && recs[0].Metadata != nil && recs[0].Metadata.Name != nil {
		facts = append(facts, "name "+mask.Field("name", *recs[0].Metadata.Name))
	}
	if recs := res.PAN; len(recs) > 0 && recs[0].Metadata != nil && recs[0].Metadata.PAN != nil {
		facts = append(facts, "PAN "+mask.Field("pan", *recs[0].Metadata.PAN))
	}
	if recs := res.Mobile; len(recs) > 0 && recs[0].Metadata != nil && recs[0].Metadata.Mobile != nil {
		facts = append(facts, "mobile "+mask.Field("mobile", *recs[0].Metadata.Mobile))
	}
	if recs := res.BankAccount; len(recs) > 0 && recs[0].Metadata != nil && recs[0].Metadata.BankAccount != nil {
		facts = append(facts, "bank account "+mask.Field("bank_account", *recs[0].Metadata.BankAccount))
	}
	if len(facts) > 0 {
		d.printf("      %s\n", strings.Join(facts, ", "))
	}
	d.stepsDone++
	return nil
}

// poll returns PollOptions that print a progress line: rewritten in place
// on a terminal, one line per poll otherwise.
func (d *demo) poll() client.PollOptions {
	tty := isTerminal(d.out)
	return client.PollOptions{
		Interval: d.interval, MaxInterval: d.interval, Multiplier: 1,
		OnPoll: func(p client.PollProgress) {
			status := p.Status
			if p.Err != nil {
				status = "temporary error, polling on"
			}
			line := fmt.Sprintf("    … poll %d: %s", p.Poll, status)
			if p.PendingAccounts > 0 {
				line += fmt.Sprintf(" (%d accounts still on their way)", p.PendingAccounts)
			}
			if tty {
				d.printf("\r%-72s", line)
				if p.Done {
					d.printf("\n")
				}
				return
			}
			d.printf("%s\n", line)
		},
	}
}

func (d *demo) digiLocker(ctx context.Context, c *client.Client) error {
	d.step(3, "The user verifies with DigiLocker; wait until they are done", "GET /digilocker")
	if d.dlID == "" {
		d.skip("pass --verification-id of a DigiLocker verification you created")
		return nil
	}
	d.printf("    verification_id %s\n", d.dlID)
	res, err := c.WaitDigiLocker(ctx, client.ByVerificationID(d.dlID), d.poll())
	if err != nil {
		return err
	}
	d.printf("    → %s", *res.Status)
	if res.UserDetails != nil && res.UserDetails.Name != nil {
		d.printf(": %s", mask.Field("name", *res.UserDetails.Name))
		if res.UserDetails.Eaadhaar != nil {
			d.printf(", e-Aadhaar %s", *res.UserDetails.Eaadhaar)
		}
	}
	if len(res.DocumentConsent) > 0 {
		d.printf("; documents shared: %s", strings.Join(res.DocumentConsent, ", "))
	}
	d.printf(" (reference_id %s)\n", refText(res.ReferenceID))
	d.showWebhooks(d.dlID)
	d.stepsDone++
	return nil
}

func (d *demo) consent(ctx context.Context, c *client.Client) error {
	d.step(4, "The user approves the Account Aggregator consent; wait for it", "GET /aa/consent")
	if d.consentID == "" {
		d.skip("pass --consent-verification-id of a consent you requested")
		return nil
	}
	d.printf("    consent_verification_id %s\n", d.consentID)
	res, err := c.WaitConsent(ctx, client.ByVerificationID(d.consentID), d.poll())
	if err != nil {
		return err
	}
	d.printf("    → %s", *res.Status)
	if res.ConsentMode != nil {
		d.printf(": mode %s", *res.ConsentMode)
	}
	if len(res.FITypes) > 0 {
		types := make([]string, len(res.FITypes))
		for i, t := range res.FITypes {
			types[i] = string(t)
		}
		d.printf(", %s", strings.Join(types, ", "))
	}
	if res.FIFrom != nil && res.FITo != nil {
		from, errFrom := res.FIFrom.Time()
		to, errTo := res.FITo.Time()
		if errFrom == nil && errTo == nil {
			d.printf(", data from %s to %s", from.Format(time.DateOnly), to.Format(time.DateOnly))
		}
	}
	d.printf("\n")
	d.showWebhooks(d.consentID)
	d.stepsDone++
	return nil
}

func (d *demo) financialInformation(ctx context.Context, c *client.Client) error {
	d.step(5, "Fetch the financial information and sum it up", "GET /aa/fi")
	if d.fiID == "" {
		d.skip("pass --fi-verification-id of a financial-information request you made")
		return nil
	}
	d.printf("    fi_verification_id %s\n", d.fiID)
	fi, err := c.WaitFinancialInformation(ctx, client.ByVerificationID(d.fiID), d.poll())
	if err != nil {
		return err
	}
	providers := len(fi.FIData)
	type accountSum struct {
		masked, kind, balance string
		txns                  int
	}
	var accounts []accountSum
	delivered := 0
	for acc := range fi.Accounts() {
		s := accountSum{masked: acc.MaskedAccNumber, kind: string(acc.Status)}
		if b, ok, err := acc.Balance(); err == nil && ok {
			s.balance = b.Currency + " " + b.Current.StringFixed(2)
			delivered++
		}
		if acc.Deposit != nil && acc.Deposit.Summary != nil && acc.Deposit.Summary.Type != nil {
			s.kind = string(*acc.Deposit.Summary.Type)
		}
		if acc.Deposit != nil && acc.Deposit.Transactions != nil {
			s.txns = len(acc.Deposit.Transactions.Transaction)
		}
		accounts = append(accounts, s)
	}
	var credits, debits decimal.Decimal
	nCredits, nDebits := 0, 0
	for tx, err := range fi.Transactions() {
		if err != nil {
			return err
		}
		if tx.Type == verification.Credit {
			credits = credits.Add(tx.Amount)
			nCredits++
		} else {
			debits = debits.Add(tx.Amount)
			nDebits++
		}
	}
	d.printf("    → %s: %d providers, %d accounts (%d delivered), %d transactions\n",
		*fi.Status, providers, len(accounts), delivered, nCredits+nDebits)
	for _, a := range accounts {
		line := fmt.Sprintf("      %-12s %-9s", a.masked, a.kind)
		if a.balance != "" {
			line += fmt.Sprintf(" balance %-16s %5d transactions", a.balance, a.txns)
		}
		d.printf("%s\n", strings.TrimRight(line, " "))
	}
	d.printf("      credits %5d  INR %s\n", nCredits, credits.StringFixed(2))
	d.printf("      debits  %5d  INR %s\n", nDebits, debits.StringFixed(2))
	d.printf("      net            INR %s\n", credits.Sub(debits).StringFixed(2))
	d.showWebhooks(d.fiID)
	d.stepsDone++
	return nil
}

func (d *demo) summary() {
	d.printf("\n%d of 5 steps done", d.stepsDone)
	if d.stepsSkipped > 0 {
		d.printf(", %d skipped", d.stepsSkipped)
	}
	if d.stepsFailed > 0 {
		d.printf(", %d failed", d.stepsFailed)
	}
	d.printf(" in %s.", time.Since(d.started).Round(10*time.Millisecond))
	violations, drift := d.vt.Violations(), d.vt.DriftFindings()
	switch {
	case len(violations) == 0 && len(drift) == 0:
		d.printf(" Every request and response matched openapi/verification.yaml.\n")
	default:
		d.printf(" %d exchanges broke openapi/verification.yaml and %d fields drifted from it:\n", len(violations), len(drift))
		for _, v := range violations {
			d.printf("  - %s\n", v)
		}
		for _, f := range drift {
			d.printf("  - %s\n", f)
		}
	}
	if d.usingMock {
		st := d.mockSrv.Stats()
		d.printf("The mock answered %d requests and checked each answer against the spec before sending it.\n", st.Requests)
		d.webhookSummary()
		d.printf("Next: `cfverify --help`, `cfverify mock` for a local sandbox, `make test`.\n")
	}
}

func refText(id verification.ReferenceID) string {
	if id.IsZero() {
		return "-"
	}
	return id.String()
}
