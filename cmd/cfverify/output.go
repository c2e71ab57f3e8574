// What a command prints: the JSON it got, one line per error, exit codes.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mask"
)

// printJSON writes the last response body, or v if there is none, to stdout.
func (e *env) printJSON(rec *recorder, v any) error {
	data := rec.body()
	if len(bytes.TrimSpace(data)) == 0 || !json.Valid(data) {
		var err error
		if data, err = json.Marshal(v); err != nil {
			return err
		}
	}
	return writeJSON(e.stdout, data, e.api.pretty.Get())
}

func writeJSON(w io.Writer, data []byte, pretty bool) error {
	var buf bytes.Buffer
	var err error
	if pretty {
		err = json.Indent(&buf, data, "", "  ")
	} else {
		err = json.Compact(&buf, data)
	}
	if err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// report prints err on one line to stderr and returns its exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	msg := err.Error()
	var apiErr *client.Error
	if errors.As(err, &apiErr) && apiErr.Attempts > 1 && apiErr.StatusCode != http.StatusConflict {
		msg += fmt.Sprintf(" (after %d attempts)", apiErr.Attempts)
	}
	var netErr *client.NetworkError
	if errors.As(err, &netErr) && netErr.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", netErr.Attempts)
	}
	fmt.Fprintln(stderr, oneLine(mask.PII(withOnePrefix(msg))))
	return code
}

// withOnePrefix gives an error line one "cfverify" prefix: the library's
// errors carry their own ("cfverify: invalid configuration"), which would
// otherwise repeat inside the line (CASHFREE_PUBLIC_KEY: cfverify: …).
func withOnePrefix(msg string) string {
	head := "cfverify: "
	if strings.HasPrefix(msg, "cfverify ") { // a command's own: "cfverify proxy: …"
		if i := strings.Index(msg, ": "); i > 0 {
			head, msg = msg[:i+2], msg[i+2:]
		}
	}
	return head + strings.ReplaceAll(msg, "cfverify: ", "")
}

// usageError is bad usage: exit 2, with a pointer to --help.
type usageError struct {
	cmd string // the command's path after "cfverify", or "" for cfverify itself
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

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var (
		usage   *usageError
		apiErr  *client.Error
		input   *client.InputError
		decode  *client.DecodeError
		network *client.NetworkError
		coded   interface{ ExitCode() int } // an error that knows its code (webhookcmd.go)
	)
	switch {
	case errors.As(err, &coded):
		return coded.ExitCode()
	case errors.As(err, &usage), errors.As(err, &input),
		errors.Is(err, client.ErrMissingCredentials), errors.Is(err, client.ErrConfig):
		return exitUsage
	case errors.As(err, &apiErr):
		if apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests {
			return exitServer5x
		}
		return exitClient4x
	case errors.As(err, &decode), errors.Is(err, client.ErrResponseTooLarge):
		return exitServer5x
	case errors.As(err, &network), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, client.ErrRedirectRefused):
		return exitNetwork
	}
	return exitOther
}
