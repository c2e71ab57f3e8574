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
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

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
	// memberRequestOptions are the options kin-openapi validates a request
	// body with (validateRequestMember).
	memberRequestOptions []openapi3.SchemaValidationOption

	drift *driftCompiler
	// decode is decodeBody; the agreement tests set decodeSlow.
	decode bodyDecoder
}

// bodyDecoder decodes a JSON body and lists its repeated member names.
type bodyDecoder func(body []byte) (value any, duplicates []string, err error)

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
	return newValidator(doc, declaresReadOrWriteOnly(doc))
}

// newValidator builds the Validator; asResponse makes kin-openapi visit
// bodies as responses, which only matters to readOnly and writeOnly
// properties and costs a sort of every object's property names and a deep
// copy of every oneOf candidate (see response_visit.go).
func newValidator(doc *openapi3.T, asResponse bool) (*Validator, error) {
	formats := map[string]openapi3.StringFormatValidator{
		// Formats are checked as strictly as the generated Go types decode
		// them, so that what validates also decodes.
		"date":      openapi3.NewCallbackValidator(checkDate),
		"date-time": openapi3.NewCallbackValidator(checkDateTime),
	}
	schemaOptions := []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(formats)}
	v := &Validator{
		doc:    doc,
		decode: decodeBody,
		ops:    map[string]*operation{},
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
		schemaOptions: append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, schemaOptions...),
	}
	v.memberRequestOptions = append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest(), openapi3.MultiErrors()}, schemaOptions...)
	var driftOptions []openapi3.SchemaValidationOption
	if asResponse {
		v.schemaOptions = append(v.schemaOptions, openapi3.VisitAsResponse())
		driftOptions = append(driftOptions, openapi3.VisitAsResponse())
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
	v.drift = newDriftCompiler(doc, append(driftOptions, schemaOptions...))
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
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	for _, o := range v.ordered {
		if o.method != method {
			continue
		}
		if params, ok := matchSuffix(o.segments, path); ok {
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
	return v.validateRequest(ctx, o, params, req, body)
}

// validateRequest is ValidateRequest once the route is found (o is nil
// for none), so that a caller that needs the route finds it once.
func (v *Validator) validateRequest(ctx context.Context, o *operation, params map[string]string, req *http.Request, body []byte) error {
	if o == nil {
		path := ""
		if req.URL != nil {
			path = req.URL.Path
		}
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
	value, schema := c.body(resp.Value, header, body, v.decode, v.schemaOptions)
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

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
