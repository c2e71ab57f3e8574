package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
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

// Validator checks requests and responses against one OpenAPI document. It
// is built once and safe for concurrent use; it never changes the document.
type Validator struct {
	doc     *openapi3.T
	ops     map[string]*operation // by operationId
	ordered []*operation          // most path segments first, for suffix matching

	requestOptions *openapi3filter.Options
	// responseOptions validates status and headers; collector.body validates
	// the body from the caller's bytes, so it is never copied again.
	responseOptions *openapi3filter.Options
	schemaOptions   []openapi3.SchemaValidationOption

	drift *driftCompiler
}

// operation is one method on one path, with what validating it needs.
type operation struct {
	id       string
	method   string
	path     string
	segments []string // path split on "/", empty segments dropped
	route    *routers.Route
	request  *http.Request // a stand-in request for response validation; never modified
}

// NewValidator builds a Validator for doc, which must be loaded with its
// references resolved (openapi3.Loader does that). Every operation needs a
// unique operationId.
func NewValidator(doc *openapi3.T) (*Validator, error) {
	if doc == nil || doc.Paths == nil {
		return nil, errors.New("openapi: NewValidator needs a loaded document with paths")
	}
	formats := map[string]openapi3.StringFormatValidator{
		// Formats are checked as strictly as the generated Go types decode
		// them, so that what validates also decodes.
		"date":      openapi3.NewCallbackValidator(checkDate),
		"date-time": openapi3.NewCallbackValidator(checkDateTime),
	}
	schemaOptions := []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(formats)}
	v := &Validator{
		doc: doc,
		ops: map[string]*operation{},
		requestOptions: &openapi3filter.Options{
			MultiError:              true,
			SkipSettingDefaults:     true, // validation must never change the caller's request
			AuthenticationFunc:      credentialsPresent,
			SchemaValidationOptions: schemaOptions,
		},
		responseOptions: &openapi3filter.Options{
			MultiError:              true,
			IncludeResponseStatus:   true,
			ExcludeResponseBody:     true,
			SchemaValidationOptions: schemaOptions,
		},
		schemaOptions: append([]openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsResponse()}, schemaOptions...),
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, fmt.Errorf("openapi: %s %s has no operationId", method, path)
			}
			if prev, dup := v.ops[op.OperationID]; dup {
				return nil, fmt.Errorf("openapi: operationId %q is used by %s %s and %s %s", op.OperationID, prev.method, prev.path, method, path)
			}
			o := &operation{
				id:       op.OperationID,
				method:   method,
				path:     path,
				segments: splitPath(path),
				route:    &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
				request:  &http.Request{Method: method, Header: http.Header{}},
			}
			v.ops[o.id] = o
			v.ordered = append(v.ordered, o)
		}
	}
	slices.SortStableFunc(v.ordered, func(a, b *operation) int {
		if d := len(b.segments) - len(a.segments); d != 0 {
			return d
		}
		return templated(a.segments) - templated(b.segments)
	})
	v.drift = newDriftCompiler(doc, append([]openapi3.SchemaValidationOption{openapi3.VisitAsResponse()}, schemaOptions...))
	return v, nil
}

var (
	defaultOnce      sync.Once
	defaultValidator *Validator
	defaultErr       error
)

// DefaultValidator returns the Validator of the embedded spec, built on
// first use and shared by every caller.
func DefaultValidator() (*Validator, error) {
	defaultOnce.Do(func() {
		doc, err := Load()
		if err != nil {
			defaultErr = err
			return
		}
		defaultValidator, defaultErr = NewValidator(doc)
	})
	return defaultValidator, defaultErr
}

// Doc returns the document the Validator checks against. Treat it as read-only.
func (v *Validator) Doc() *openapi3.T { return v.doc }

// Operation finds the operation a method and URL path belong to,
// independent of host and of any base-path prefix: the spec's paths are
// matched as suffixes on segment boundaries, so "/verification/digilocker",
// "/digilocker" and "/anything/digilocker" all find getDigiLockerStatus,
// and "/notdigilocker" finds nothing. The longest match wins.
func (v *Validator) Operation(method, path string) (operationID string, ok bool) {
	o, _ := v.find(method, path)
	if o == nil {
		return "", false
	}
	return o.id, true
}

func (v *Validator) find(method, path string) (*operation, map[string]string) {
	method = strings.ToUpper(method)
	segs := splitPath(path)
	for _, o := range v.ordered {
		if o.method != method {
			continue
		}
		if params, ok := matchSuffix(o.segments, segs); ok {
			return o, params
		}
	}
	return nil, nil
}

// ValidateRequest checks req's parameters, headers, credentials (present,
// not correct) and body against its operation. body is the request body
// (nil for none); req.Body is not read, and req is not changed.
// The error is nil or a *ValidationError.
func (v *Validator) ValidateRequest(ctx context.Context, req *http.Request, body []byte) error {
	path := ""
	if req.URL != nil {
		path = req.URL.Path
	}
	o, params := v.find(req.Method, path)
	if o == nil {
		return &ValidationError{Kind: KindRequest, Violations: []Violation{{
			Location: LocationPath, Path: path,
			Message: fmt.Sprintf("no operation in the spec for %s %s", strings.ToUpper(req.Method), path),
		}}}
	}
	// A shallow copy with its own body: kin-openapi reads and replaces Body.
	r := *req
	r.Body, r.GetBody, r.ContentLength = http.NoBody, nil, 0
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    &r,
		PathParams: params,
		Route:      o.route,
		Options:    v.requestOptions,
	}
	c := collector{doc: v.doc, req: &r}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		c.walk(LocationBody, "", err)
	}
	if _, base := mediaTypeOf(requestContent(o), r.Header.Get("Content-Type")); isJSON(base) && json.Valid(body) {
		for _, path := range duplicateNames(body) {
			c.add(LocationBody, path, duplicateMessage)
		}
	}
	if err := c.result(o.id, KindRequest, 0); err != nil {
		return err
	}
	return nil
}

// ValidateResponse checks a response of operationID: the status must be
// documented (by its own response or the operation's default), the content
// type one the spec lists for it, the headers and the body as the spec
// describes them. Every violation is reported, each body violation with its
// JSON path. An unlisted value of a closed set is not a violation but drift
// (vocabulary.go). The error is nil or a *ValidationError.
func (v *Validator) ValidateResponse(ctx context.Context, operationID string, status int, header http.Header, body []byte) error {
	if err, _ := v.checkResponse(ctx, operationID, status, header, body, false); err != nil {
		return err
	}
	return nil
}

// ValidateResponseAndDrift is ValidateResponse and Drift from one decoding
// of the body, as ValidatingTransport does: about the cost of
// ValidateResponse alone, where calling both decodes the body twice. The
// findings are those of a body that decoded as JSON against a schema; the
// error is nil or a *ValidationError, as from ValidateResponse.
func (v *Validator) ValidateResponseAndDrift(ctx context.Context, operationID string, status int, header http.Header, body []byte) ([]DriftFinding, error) {
	verr, drift := v.checkResponse(ctx, operationID, status, header, body, true)
	if verr != nil {
		return drift, verr
	}
	return drift, nil
}

// checkResponse is ValidateResponse and, with withDrift, the drift report
// of a valid JSON body too, from one decoding of the body.
func (v *Validator) checkResponse(ctx context.Context, operationID string, status int, header http.Header, body []byte, withDrift bool) (*ValidationError, []DriftFinding) {
	o := v.ops[operationID]
	if o == nil {
		return &ValidationError{Operation: operationID, Kind: KindResponse, Status: status, Violations: []Violation{{
			Location: LocationPath, Message: fmt.Sprintf("no operation %q in the spec", operationID),
		}}}, nil
	}
	if header == nil {
		header = http.Header{}
	}
	var c collector
	resp := o.route.Operation.Responses.Status(status)
	if resp == nil {
		resp = o.route.Operation.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		// Checked here too: kin-openapi lets 301, 304, 307 and 308 through unchecked.
		c.add(LocationStatus, "", fmt.Sprintf("status %d is not documented for this operation", status))
		return c.result(o.id, KindResponse, status), nil
	}
	// Status and headers, by kin-openapi.
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: o.request, Route: o.route, Options: v.responseOptions},
		Status:                 status,
		Header:                 header,
		Body:                   http.NoBody,
		Options:                v.responseOptions,
	}
	if err := openapi3filter.ValidateResponse(ctx, input); err != nil {
		c.walk(LocationBody, "", err)
		if isStatusError(err) {
			return c.result(o.id, KindResponse, status), nil
		}
	}
	// Content type and body, from the caller's bytes.
	value, schema := c.body(resp.Value, header, body, v.schemaOptions)
	var drift []DriftFinding
	if schema != nil && (withDrift || len(c.violations) > 0) {
		drift = v.drift.findings(o.id, status, schema, value)
	}
	// The vocabulary policy (vocabulary.go): closed-set values and
	// undocumented statuses are drift, not violations.
	verr := demoteClosedSetValues(c.result(o.id, KindResponse, status), drift, value)
	if !withDrift {
		return verr, nil
	}
	return verr, withStatusDrift(o.route.Operation, o.id, status, verr, drift)
}

func requestContent(o *operation) openapi3.Content {
	if rb := o.route.Operation.RequestBody; rb != nil && rb.Value != nil {
		return rb.Value.Content
	}
	return nil
}

func isStatusError(err error) bool {
	var re *openapi3filter.ResponseError
	return errors.As(err, &re) && re.Reason == "status is not supported"
}

// mediaTypeOf finds the spec's entry for a Content-Type header value.
func mediaTypeOf(content openapi3.Content, contentType string) (*openapi3.MediaType, string) {
	if mt := content.Get(contentType); mt != nil {
		base, _, _ := mime.ParseMediaType(contentType)
		return mt, base
	}
	return nil, ""
}

func isJSON(mediaType string) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// collector turns kin-openapi's nested errors into a flat list of violations.
type collector struct {
	doc        *openapi3.T
	req        *http.Request // for re-checking credentials; nil for responses
	violations []Violation
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
func (c *collector) body(resp *openapi3.Response, header http.Header, body []byte, opts []openapi3.SchemaValidationOption) (any, *openapi3.Schema) {
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
	value, err := decodeJSON(body)
	if err != nil {
		c.add(LocationBody, "$", "body is not valid JSON: "+err.Error())
		return nil, nil
	}
	for _, path := range duplicateNames(body) {
		c.add(LocationBody, path, duplicateMessage)
	}
	if err := mt.Schema.Value.VisitJSON(value, opts...); err != nil {
		c.walk(LocationBody, "", err)
	}
	return value, mt.Schema.Value
}

// decodeJSON decodes one JSON value, and rejects trailing data after it.
//
// Numbers become float64, which is what kin-openapi turns a json.Number
// into before checking it, so validation sees the same values. Only a
// number beyond float64's range makes json.Unmarshal fail; such a body is
// decoded again keeping numbers as json.Number, as kin-openapi would, and
// its schema check reports the number. json.Unmarshal was chosen over a
// json.Decoder for speed: the Decoder copies the body into a buffer it
// grows step by step, about 15% of the decoding time and 40% more memory.
func decodeJSON(body []byte) (any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("body is empty")
	}
	var value any
	err := json.Unmarshal(body, &value)
	var typeErr *json.UnmarshalTypeError
	if err == nil || !errors.As(err, &typeErr) {
		return value, err
	}
	value = nil
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&value); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return value, nil
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

// credentialsPresent is the AuthenticationFunc: it checks that the
// credential a security scheme asks for is present, not that it is right.
func credentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if msg := credentialMissing(in.RequestValidationInput.Request, in.SecurityScheme); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// credentialName is the header, query or cookie name a scheme's credential travels in.
func credentialName(s *openapi3.SecurityScheme) string {
	if s.Type == "apiKey" {
		return s.Name
	}
	return "Authorization"
}

// credentialMissing returns why req lacks the credential of s, or "".
func credentialMissing(req *http.Request, s *openapi3.SecurityScheme) string {
	switch s.Type {
	case "apiKey":
		var val string
		switch s.In {
		case "header":
			val = req.Header.Get(s.Name)
		case "query":
			if req.URL != nil {
				val = req.URL.Query().Get(s.Name)
			}
		case "cookie":
			if ck, err := req.Cookie(s.Name); err == nil {
				val = ck.Value
			}
		}
		if strings.TrimSpace(val) == "" {
			return fmt.Sprintf("credential %s (%s) is missing", s.Name, s.In)
		}
		return ""
	case "http":
		scheme := s.Scheme
		if scheme == "" {
			scheme = "bearer"
		}
		auth := req.Header.Get("Authorization")
		prefix, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(prefix, scheme) || strings.TrimSpace(token) == "" {
			return fmt.Sprintf("Authorization header with a %s credential is missing", titleCase(scheme))
		}
		return ""
	default: // oauth2, openIdConnect: a bearer token
		auth := req.Header.Get("Authorization")
		prefix, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(prefix, "bearer") || strings.TrimSpace(token) == "" {
			return "Authorization header with a Bearer token is missing"
		}
		return ""
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// jsonPath renders a JSON pointer's segments as "$.a[0].b". Segments of
// digits are array indexes: the spec has no object keyed by numbers.
func jsonPath(segments []string) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range segments {
		appendSegment(&b, s, isIndex(s))
	}
	return b.String()
}

func appendSegment(b *strings.Builder, s string, index bool) {
	switch {
	case index:
		b.WriteByte('[')
		b.WriteString(s)
		b.WriteByte(']')
	case isIdentifier(s):
		b.WriteByte('.')
		b.WriteString(s)
	default:
		b.WriteString("['")
		b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s))
		b.WriteString("']")
	}
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 63)
	return err == nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func splitPath(p string) []string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	var segs []string
	for s := range strings.SplitSeq(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return segs
}

func templated(segs []string) int {
	n := 0
	for _, s := range segs {
		if isTemplate(s) {
			n++
		}
	}
	return n
}

func isTemplate(s string) bool { return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") }

// matchSuffix reports whether the spec path's segments end the request
// path's segments, and the values of its path parameters.
func matchSuffix(spec, req []string) (map[string]string, bool) {
	if len(spec) > len(req) {
		return nil, false
	}
	if len(spec) == 0 {
		return nil, len(req) == 0
	}
	tail := req[len(req)-len(spec):]
	var params map[string]string
	for i, s := range spec {
		if isTemplate(s) {
			if params == nil {
				params = map[string]string{}
			}
			params[s[1:len(s)-1]] = tail[i]
			continue
		}
		if s != tail[i] {
			return nil, false
		}
	}
	return params, true
}

func between(s, open, close string) string {
	_, rest, ok := strings.Cut(s, open)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(rest, close)
	return in
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkDate accepts what openapi_types.Date decodes: YYYY-MM-DD, a real day.
func checkDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return errors.New("not a date of the form YYYY-MM-DD")
	}
	return nil
}

// checkDateTime accepts what time.Time decodes: RFC 3339 with an offset or Z.
func checkDateTime(s string) error {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return errors.New("not an RFC 3339 date-time with a Z or ±hh:mm offset")
	}
	return nil
}
