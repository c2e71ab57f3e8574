// The flags of the commands that call the API, and where they call.

package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cfverify/cfverify/client"
)

// Defaults of the shared flags.
const (
	defaultTimeout     = 60 * time.Second
	defaultWaitTimeout = 10 * time.Minute
	defaultRetries     = 2
)

// apiFlags are the flags of a command that calls the API.
type apiFlags struct {
	env        *flagValue[string]
	baseURL    *flagValue[string]
	apiVersion *flagValue[string]
	retries    *flagValue[int]
	pretty     *flagValue[bool] // nil on the demo, which prints no JSON
}

// whereFlags registers --env and --base-url: where a command calls.
func (a *apiFlags) whereFlags(fs *pflag.FlagSet) {
	a.env = stringFlag(fs, "env", "", "the Cashfree environment, `sandbox|production` (else CASHFREE_ENV, else sandbox)")
	a.baseURL = stringFlag(fs, "base-url", "", "send requests to `URL`, such as a mock (else CASHFREE_BASE_URL, else --env)")
}

// addAPIFlags gives a command the flags of an API call; json says whether
// it prints the API's JSON (--pretty).
func (e *env) addAPIFlags(fs *pflag.FlagSet, json bool) {
	a := &apiFlags{}
	a.whereFlags(fs)
	a.apiVersion = stringFlag(fs, "api-version", client.DefaultAPIVersion, "the x-api-version header, a `YYYY-MM-DD` date")
	a.retries = intFlag(fs, "retries", defaultRetries, "retry a failed request up to `N` times (GETs; the POST only when safe)")
	if json {
		a.pretty = boolFlag(fs, "pretty", "indent the JSON output")
	}
	e.api = a
	e.addTimeout(fs, "give up after `duration`, retries and polling included (10m with --wait unless set)")
	e.addVerbose(fs, "log each HTTP attempt and the base URL chosen to stderr (secrets and personal data masked)")
}

func (e *env) addTimeout(fs *pflag.FlagSet, usage string) {
	e.timeout = durationFlag(fs, "timeout", defaultTimeout, usage)
}

func (e *env) addVerbose(fs *pflag.FlagSet, usage string) {
	e.verbose = boolFlag(fs, "verbose", usage)
}

// checkAPIFlags checks the values of the API flags before anything runs
// (CASHFREE_ENV is checked when the client is built: the demo on its mock
// does not read it).
func (e *env) checkAPIFlags() error {
	if e.api == nil {
		return nil
	}
	if name := e.api.env.Get(); name != "" {
		if _, err := client.ParseEnvironment(name); err != nil {
			return usagef(e.name, "--env: want sandbox or production, got %q", name)
		}
	}
	if e.api.retries.Get() < 0 {
		return usagef(e.name, "--retries: want 0 or more, got %d", e.api.retries.Get())
	}
	if e.timeout.Get() <= 0 {
		return usagef(e.name, "--timeout: want a positive duration, got %s", e.timeout.Get())
	}
	return nil
}

// Where a base URL came from, as --verbose names it.
const (
	fromFlag    = "--base-url"
	fromEnvURL  = client.EnvBaseURL
	fromEnvFlag = "--env"
	fromEnvVar  = client.EnvEnvironment
	fromDefault = "default"
)

// where is the base URL a command calls and where it came from: --base-url,
// else CASHFREE_BASE_URL, else the environment of --env or CASHFREE_ENV,
// else the sandbox. client.FromEnv follows the same order for the two
// variables.
func (a *apiFlags) where(getenv func(string) string) (url, from string, err error) {
	if u := a.baseURL.Get(); u != "" {
		return u, fromFlag, nil
	}
	if u := getenv(client.EnvBaseURL); u != "" {
		return u, fromEnvURL, nil
	}
	name, from := a.env.Get(), fromEnvFlag
	if name == "" {
		name, from = getenv(client.EnvEnvironment), fromEnvVar
	}
	if name == "" {
		return client.SandboxBaseURL, fromDefault, nil
	}
	env, err := client.ParseEnvironment(name)
	if err != nil {
		if from == fromEnvFlag {
			return "", "", fmt.Errorf("--env: want sandbox or production, got %q", name)
		}
		return "", "", fmt.Errorf("%s: want sandbox or production, got %q", from, name)
	}
	return env.BaseURL(), from + "=" + strings.ToLower(string(env)), nil
}
