package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/cfverify/cfverify/internal/contractcheck"
)

// stdin is what "validate -" reads; tests replace it.
var stdin io.Reader = os.Stdin

// maxBodyBytes caps a single body read by validate, as the client caps a response.
const maxBodyBytes = contractcheck.DefaultMaxResponseBytes

var validateCmd = &command{
	name:     "validate",
	operands: 1,
	args:     "(--har FILE | --method M --path P --status S [FILE|-]) [flags]",
	summary:  "check a HAR capture, or one response body, against the spec; exit 6 if anything breaks it",
	long: "With --har, every exchange of the spec's operations in the capture is checked; with --method,\n" +
		"--path and --status, the one response body in FILE, or on stdin for - or no FILE.",
	group: groupTools,
	example: "  cfverify validate --har playwright-report/api.har --junit contract.xml\n" +
		"  curl -s \"$URL/verification/digilocker?verification_id=kyc-1\" -H … | \\\n" +
		"    cfverify validate --method GET --path /digilocker --status 200 -",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		har := stringFlag(fs, "har", "", "check every exchange of the spec's operations in the HAR 1.2 `FILE` (browsers, mitmproxy, Playwright, Charles)")
		report := stringFlag(fs, "report", "", "write one JSON line per exchange checked to `FILE.jsonl`")
		junit := stringFlag(fs, "junit", "", "write a JUnit report to `FILE.xml`")
		strict := boolFlag(fs, "strict", "count drift (fields and enum values the spec does not know) as a violation")
		method := stringFlag(fs, "method", "", "the `METHOD` of the request the body answers (single body)")
		path := stringFlag(fs, "path", "", "the URL `PATH` of that request, such as /digilocker or /verification/aa/fi (single body)")
		status := intFlag(fs, "status", 0, "the HTTP `STATUS` of the response (single body)")
		contentType := stringFlag(fs, "content-type", "application/json", "the response's `Content-Type` (single body)")
		return func(ctx context.Context) error {
			single := method.Get() != "" || path.Get() != "" || status.Get() != 0
			switch {
			case har.Get() != "" && (single || len(e.args) > 0):
				return usagef(e.name, "--har checks a whole capture: leave out --method, --path, --status and FILE")
			case har.Get() == "" && (method.Get() == "" || path.Get() == "" || status.Get() == 0):
				return usagef(e.name, "give --har FILE, or --method, --path and --status for one body")
			case status.Get() != 0 && (status.Get() < 100 || status.Get() > 599):
				return usagef(e.name, "--status %d: want an HTTP status, 100 to 599", status.Get())
			}
			checker, err := contractcheck.NewChecker(nil, strict.Get())
			if err != nil {
				return err
			}
			out, err := openOutputs(e.name, report.Get(), junit.Get())
			if err != nil {
				return err
			}
			defer out.close()
			rec := contractcheck.NewRecorder(out.reportWriter())
			if har.Get() != "" {
				return e.validateHAR(ctx, checker, rec, out, har.Get())
			}
			body, name, err := readOperand(e)
			if err != nil {
				return err
			}
			r := checker.CheckResponse(ctx, method.Get(), path.Get(), status.Get(), http.Header{"Content-Type": {contentType.Get()}}, body)
			if r.Skipped {
				return usagef(e.name, "no operation in the spec for %s %s", r.Method, r.Path)
			}
			rec.Add(r)
			printExchange(e.stdout, r)
			if err := finishCheck(e, out, rec, checker.Strict(), "cfverify validate "+name); err != nil {
				return err
			}
			return nil
		}
	},
}

// validateHAR checks a HAR file: a line per violation on stdout, the
// summary on stderr. An entry that cannot be read makes the exit 2 (bad
// input), as does a HAR in which no entry is one of the spec's operations.
func (e *env) validateHAR(ctx context.Context, checker *contractcheck.Checker, rec *contractcheck.Recorder, out *outputs, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usagef(e.name, "cannot read %s: %v", path, errors.Unwrap(err))
	}
	problems, err := contractcheck.CheckHAR(ctx, checker, data, filepath.Dir(path), rec)
	if err != nil {
		return &badInputError{fmt.Sprintf("cfverify validate: %s: %v", path, err)}
	}
	for _, r := range rec.Results() {
		printExchange(e.stdout, r)
	}
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "cfverify validate: %s\n", p)
	}
	checkErr := finishCheck(e, out, rec, checker.Strict(), "cfverify validate "+filepath.Base(path))
	all, _ := contractcheck.Summarize(rec.Results())
	switch {
	case len(problems) > 0:
		return &badInputError{fmt.Sprintf("cfverify validate: %d entries of %s could not be read (see above)", len(problems), path)}
	case all.Exchanges == 0:
		return &badInputError{fmt.Sprintf("cfverify validate: none of the %d entries of %s is one of the spec's operations: nothing was checked", all.Skipped, path)}
	}
	return checkErr
}

// readOperand reads the single body: the FILE operand, or stdin for "-" or none.
func readOperand(e *env) ([]byte, string, error) {
	name := "-"
	if len(e.args) > 0 {
		name = e.args[0]
	}
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, name, usagef(e.name, "cannot read %s: %v", name, errors.Unwrap(err))
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, maxBodyBytes+1))
	if err != nil {
		return nil, name, usagef(e.name, "reading %s: %v", name, err)
	}
	if len(body) > maxBodyBytes {
		return nil, name, usagef(e.name, "%s is over %d bytes", name, maxBodyBytes)
	}
	if name == "-" {
		name = "stdin"
	}
	return body, name, nil
}
