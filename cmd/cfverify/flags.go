// The global flags: their values, defaults and checks.

package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/cfverify/cfverify/client"
)

// Values that remember whether the command line set them. The same value
// is registered on the root flag set and on the command's, so that global
// flags work on either side of the command name.
type stringFlag struct {
	val string
	set bool
}

func (f *stringFlag) String() string     { return f.val }
func (f *stringFlag) Set(s string) error { f.val, f.set = s, true; return nil }

type durationFlag struct {
	val time.Duration
	set bool
}

func (f *durationFlag) String() string { return f.val.String() }
func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration such as 30s or 2m")
	}
	f.val, f.set = d, true
	return nil
}

type intFlag struct{ val int }

func (f *intFlag) String() string { return strconv.Itoa(f.val) }
func (f *intFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not a whole number")
	}
	f.val = n
	return nil
}

type boolFlag struct{ val bool }

func (f *boolFlag) String() string { return strconv.FormatBool(f.val) }
func (f *boolFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("not true or false")
	}
	f.val = b
	return nil
}
func (f *boolFlag) IsBoolFlag() bool { return true }

// Defaults of the global flags.
const (
	defaultTimeout     = 60 * time.Second
	defaultWaitTimeout = 10 * time.Minute
	defaultRetries     = 2
)

type globals struct {
	env        stringFlag
	baseURL    stringFlag
	apiVersion stringFlag
	timeout    durationFlag
	retries    intFlag
	pretty     boolFlag
	verbose    boolFlag
}

func newGlobals(getenv func(string) string) *globals {
	g := &globals{}
	g.env.val = "sandbox"
	if e := getenv(client.EnvEnvironment); e != "" {
		g.env.val = e
	}
	g.apiVersion.val = client.DefaultAPIVersion
	g.timeout.val = defaultTimeout
	g.retries.val = defaultRetries
	return g
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.Var(&g.env, "env", "the Cashfree environment, `sandbox|production` (else CASHFREE_ENV, else sandbox)")
	fs.Var(&g.baseURL, "base-url", "send requests to `URL` instead, such as a mock (overrides --env)")
	fs.Var(&g.apiVersion, "api-version", "the x-api-version header, a `YYYY-MM-DD` date")
	fs.Var(&g.timeout, "timeout", "give up after `duration`, retries and polling included (10m with --wait unless set)")
	fs.Var(&g.retries, "retries", "retry a failed request up to `N` times (GETs; the POST only when safe)")
	fs.Var(&g.pretty, "pretty", "indent the JSON output")
	fs.Var(&g.verbose, "verbose", "log each HTTP attempt to stderr (secrets and personal data masked)")
}

func (g *globals) check() error {
	if g.env.set || g.env.val != "sandbox" {
		if _, err := client.ParseEnvironment(g.env.val); err != nil {
			return fmt.Errorf("--env %q: use sandbox or production", g.env.val)
		}
	}
	if g.retries.val < 0 {
		return errors.New("--retries cannot be negative")
	}
	if g.timeout.val <= 0 {
		return errors.New("--timeout must be positive")
	}
	return nil
}
