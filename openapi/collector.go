package openapi

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

func isStatusError(err error) bool {
	var re *openapi3filter.ResponseError
	return errors.As(err, &re) && re.Reason == "status is not supported"
}

// collector turns kin-openapi's nested errors into a flat list of violations.
type collector struct {
	doc        *openapi3.T
	req        *http.Request // for re-checking credentials; nil for responses
	violations []Violation
	// within is the JSON path of the value a body's schema errors are
	// about, when that is a member of the body, not the body itself.
	within []string
}

func (c *collector) add(location, path, message string) {
	c.violations = append(c.violations, Violation{Location: location, Path: path, Message: message})
}

func (c *collector) result(op, kind string, status int) *ValidationError {
	if len(c.violations) == 0 {
		return nil
	}
	return &ValidationError{Operation: op, Kind: kind, Status: status, Violations: c.violations}
}

// body validates a JSON body against the response's schema for its
// content type. It returns the decoded body and its schema when the body
// is JSON and has one.
func (c *collector) body(resp *openapi3.Response, header http.Header, body []byte, decode bodyDecoder, opts []openapi3.SchemaValidationOption) (any, *openapi3.Schema) {
	if len(resp.Content) == 0 {
		return nil, nil
	}
	ct := header.Get("Content-Type")
	mt, base := mediaTypeOf(resp.Content, ct)
	if mt == nil {
		msg := fmt.Sprintf("Content-Type %q is not one the spec lists (%s)", ct, strings.Join(sortedKeys(resp.Content), ", "))
		if ct == "" {
			msg = fmt.Sprintf("Content-Type is missing; the spec lists %s", strings.Join(sortedKeys(resp.Content), ", "))
		}
		c.add(LocationContentType, "Content-Type", msg)
		return nil, nil
	}
	if mt.Schema == nil || mt.Schema.Value == nil || !isJSON(base) {
		return nil, nil
	}
	value, duplicates, err := decode(body)
	if err != nil {
		c.add(LocationBody, "$", "body is not valid JSON: "+err.Error())
		return nil, nil
	}
	for _, path := range duplicates {
		c.add(LocationBody, path, duplicateMessage)
	}
	if err := mt.Schema.Value.VisitJSON(value, opts...); err != nil {
		c.walk(LocationBody, "", err)
	}
	return value, mt.Schema.Value
}

// walk visits a kin-openapi error tree and records a violation for each leaf.
// location is where a SchemaError found under err applies; name is the
// parameter or header it concerns ("" for a body).
func (c *collector) walk(location, name string, err error) {
	switch e := err.(type) {
	case nil:
		return
	case openapi3.MultiError:
		for _, err := range e {
			c.walk(location, name, err)
		}
	case *openapi3filter.RequestError:
		c.requestError(e)
	case *openapi3filter.ResponseError:
		c.responseError(e)
	case *openapi3filter.SecurityRequirementsError:
		c.security(e)
	case *openapi3.SchemaError:
		c.schemaError(location, name, e)
	case *openapi3filter.ParseError:
		msg := e.Reason
		if msg == "" && e.Cause != nil {
			msg = e.Cause.Error()
		}
		if msg == "" {
			msg = "cannot be parsed"
		}
		c.add(location, orDollar(location, name), msg)
	default:
		// Errors wrapping one of the above (fmt.Errorf with %w).
		if u, ok := err.(interface{ Unwrap() []error }); ok {
			for _, err := range u.Unwrap() {
				c.walk(location, name, err)
			}
			return
		}
		if inner := errors.Unwrap(err); inner != nil && isKnown(inner) {
			c.walk(location, name, inner)
			return
		}
		c.add(location, orDollar(location, name), err.Error())
	}
}

func isKnown(err error) bool {
	switch err.(type) {
	case openapi3.MultiError, *openapi3filter.RequestError, *openapi3filter.ResponseError,
		*openapi3filter.SecurityRequirementsError, *openapi3.SchemaError, *openapi3filter.ParseError:
		return true
	}
	return errors.Unwrap(err) != nil && isKnown(errors.Unwrap(err))
}

func orDollar(location, name string) string {
	if name == "" && location == LocationBody {
		return "$"
	}
	return name
}

func (c *collector) requestError(e *openapi3filter.RequestError) {
	switch {
	case e.Parameter != nil:
		loc := e.Parameter.In // "header", "query", "path", "cookie"
		switch {
		case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
			c.add(loc, e.Parameter.Name, "required "+loc+" parameter is missing")
		case errors.Is(e.Err, openapi3filter.ErrInvalidEmptyValue):
			c.add(loc, e.Parameter.Name, "empty value is not allowed")
		case e.Err != nil:
			c.walk(loc, e.Parameter.Name, e.Err)
		default:
			c.add(loc, e.Parameter.Name, e.Reason)
		}
	case strings.HasPrefix(e.Reason, "header Content-Type has unexpected value"):
		c.add(LocationContentType, "Content-Type", "request "+e.Reason)
	case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
		c.add(LocationBody, "$", "request body is required")
	case e.Err != nil && isKnown(e.Err):
		c.walk(LocationBody, "", e.Err)
	case e.Err != nil:
		msg := e.Err.Error()
		if e.Reason != "" {
			msg = e.Reason + ": " + msg
		}
		c.add(LocationBody, "$", msg)
	default:
		c.add(LocationBody, "$", e.Reason)
	}
}

func (c *collector) responseError(e *openapi3filter.ResponseError) {
	switch {
	case e.Reason == "status is not supported":
		c.add(LocationStatus, "", fmt.Sprintf("status %d is not documented for this operation", e.Input.Status))
	case strings.HasPrefix(e.Reason, "response header Content-Type has unexpected value"):
		c.add(LocationContentType, "Content-Type", e.Reason)
	case strings.HasPrefix(e.Reason, "response header "), strings.HasPrefix(e.Reason, "unable to decode header "),
		strings.HasPrefix(e.Reason, "unable to get header "):
		name := between(e.Reason, `"`, `"`)
		if e.Err != nil && isKnown(e.Err) {
			c.walk(LocationHeader, name, e.Err)
		} else {
			c.add(LocationHeader, name, e.Reason)
		}
	case e.Err != nil && isKnown(e.Err):
		c.walk(LocationBody, "", e.Err)
	case e.Err != nil:
		c.add(LocationBody, "$", e.Reason+": "+e.Err.Error())
	default:
		c.add(LocationBody, "$", e.Reason)
	}
}

// schemaError records a SchemaError's leaves. A oneOf or anyOf that tried a
// single branch (a discriminator chose it) reports that branch's errors; one
// that tried several reports itself, since no branch is the right one to
// blame. An allOf reports the errors of every part that failed.
func (c *collector) schemaError(location, name string, e *openapi3.SchemaError) {
	if children := nestedErrors(e); len(children) > 0 {
		if e.SchemaField == "allOf" || len(children) == 1 {
			for _, child := range children {
				c.walk(location, name, child)
			}
			return
		}
	}
	pointer := e.JSONPointer()
	if len(c.within) > 0 {
		pointer = append(slices.Clip(c.within), pointer...)
	}
	if e.SchemaField == "discriminator" && e.Schema != nil && e.Schema.Discriminator != nil {
		pointer = append(pointer, e.Schema.Discriminator.PropertyName)
	}
	path := jsonPath(pointer)
	if location != LocationBody {
		// A parameter or header: its name, then any path inside its value.
		path = name + strings.TrimPrefix(path, "$")
	}
	c.add(location, path, schemaMessage(e))
}

// nestedErrors returns the branch errors a oneOf/anyOf/allOf SchemaError wraps.
func nestedErrors(e *openapi3.SchemaError) []error {
	if e.Origin == nil {
		return nil
	}
	var me openapi3.MultiError
	if errors.As(e.Origin, &me) {
		return me
	}
	return nil
}

// schemaMessage describes a SchemaError by its reason alone: never the value.
func schemaMessage(e *openapi3.SchemaError) string {
	msg := e.Reason
	if msg == "" {
		msg = fmt.Sprintf("doesn't match schema %q", e.SchemaField)
	}
	if children := nestedErrors(e); len(children) > 1 {
		// A oneOf/anyOf that tried several branches: say why each failed.
		reasons := make([]string, 0, len(children))
		for _, child := range children {
			var se *openapi3.SchemaError
			if errors.As(child, &se) {
				reasons = append(reasons, schemaMessage(se))
			}
		}
		if len(reasons) > 0 {
			msg += " (" + strings.Join(reasons, " | ") + ")"
		}
	}
	return msg
}

// security reports, for the requirement closest to being met, every
// credential the request lacks: kin-openapi stops at the first missing one.
func (c *collector) security(e *openapi3filter.SecurityRequirementsError) {
	var best []Violation
	for _, sr := range e.SecurityRequirements {
		missing := []Violation{}
		for _, name := range sortedKeys(sr) {
			scheme := c.scheme(name)
			if scheme == nil || c.req == nil {
				continue
			}
			if msg := credentialMissing(c.req, scheme); msg != "" {
				missing = append(missing, Violation{Location: LocationSecurity, Path: credentialName(scheme), Message: msg})
			}
		}
		if best == nil || len(missing) < len(best) {
			best = missing
		}
	}
	if len(best) == 0 {
		// kin-openapi failed a requirement found met here: report its words.
		for _, err := range e.Errors {
			c.add(LocationSecurity, "", err.Error())
		}
		return
	}
	c.violations = append(c.violations, best...)
}

func (c *collector) scheme(name string) *openapi3.SecurityScheme {
	if c.doc == nil || c.doc.Components == nil {
		return nil
	}
	if ref := c.doc.Components.SecuritySchemes[name]; ref != nil {
		return ref.Value
	}
	return nil
}

func between(s, open, close string) string {
	_, rest, ok := strings.Cut(s, open)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(rest, close)
	return in
}
