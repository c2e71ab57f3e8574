package openapi

import (
	"fmt"
	"strings"
)

// Where a Violation was found: the values of Violation.Location.
const (
	LocationBody        = "body"
	LocationHeader      = "header"
	LocationQuery       = "query"
	LocationPath        = "path" // the method and URL path match no operation
	LocationStatus      = "status"
	LocationContentType = "content-type"
	LocationSecurity    = "security"
	LocationDrift       = "drift" // a drift finding, counted as a violation by a strict transport
)

// Kinds of exchange a ValidationError is about: the values of ValidationError.Kind.
const (
	KindRequest  = "request"
	KindResponse = "response"
)

// Violation is one way a request or response departs from the spec.
type Violation struct {
	Location string // "body", "header", "query", "status", "content-type", "security" (also "path", "drift")
	Path     string // JSON path into the body like "$.fi_data[0].accounts[1].status", or the header/query name
	Message  string
}

// String renders the violation as "location path: message".
func (v Violation) String() string {
	if v.Path == "" {
		return v.Location + ": " + v.Message
	}
	return v.Location + " " + v.Path + ": " + v.Message
}

// ValidationError lists every violation found (not only the first).
//
// Its messages name the rule that failed, never the value that failed it, so
// that an error about a response full of personal data can be logged.
type ValidationError struct {
	Operation  string // operationId
	Kind       string // "request" or "response"
	Status     int    // response status, 0 for requests
	Violations []Violation
}

// Error names the operation and lists every violation.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("openapi: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteByte(' ')
	}
	b.WriteString(e.Kind)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (status %d)", e.Status)
	}
	fmt.Fprintf(&b, " breaks the spec (%d violation", len(e.Violations))
	if len(e.Violations) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(")")
	for i, v := range e.Violations {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}
