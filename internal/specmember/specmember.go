// Package specmember is the mock's access to the spec validator's check of
// one top-level member of a body on its own (package openapi holds the check;
// see its validateResponseMember). It is internal: a server that answers
// with bodies differing in a member or two needs it, a client does not.
package specmember

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"
)

// The member checks, set by package openapi when it is linked in. validator
// is the *openapi.Validator to check with; for any other value, or when
// package openapi is not linked in, independent is false: nothing was
// checked and the caller checks the whole body.
var (
	responseCheck func(validator any, ctx context.Context, operationID string, status int, header http.Header, name string, value []byte) (independent bool, err error)
	requestCheck  func(validator any, ctx context.Context, req *http.Request, name string, value []byte) (independent bool, err error)
)

// Register is called once, by package openapi's init.
func Register(
	response func(validator any, ctx context.Context, operationID string, status int, header http.Header, name string, value []byte) (bool, error),
	request func(validator any, ctx context.Context, req *http.Request, name string, value []byte) (bool, error),
) {
	responseCheck, requestCheck = response, request
}

// CheckResponse checks value, the JSON of the top-level member name of a
// response to operationID, on its own; independent says whether the spec
// makes that check the whole body's check for that member. The error is nil
// or a *openapi.ValidationError.
func CheckResponse(validator any, ctx context.Context, operationID string, status int, header http.Header, name string, value []byte) (independent bool, err error) {
	if responseCheck == nil {
		return false, nil
	}
	return responseCheck(validator, ctx, operationID, status, header, name, value)
}

// CheckRequest is CheckResponse for a request body.
func CheckRequest(validator any, ctx context.Context, req *http.Request, name string, value []byte) (independent bool, err error) {
	if requestCheck == nil {
		return false, nil
	}
	return requestCheck(validator, ctx, req, name, value)
}

// Split finds the top-level member name of a JSON object body and
// returns body with that member's value replaced by standIn (template),
// every other byte as it was, and the member's value as it was. ok is
// false, and nothing is returned, when body is not one valid JSON object
// (by encoding/json/jsontext's strict rules: no repeated names, valid
// UTF-8) or has no member name.
func Split(body []byte, name string, standIn []byte) (template, value []byte, ok bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, nil, false
	}
	var start, end int64 = -1, -1
	for dec.PeekKind() != '}' {
		key, err := dec.ReadToken()
		if err != nil {
			return nil, nil, false
		}
		matches := key.String() == name // the token is void after the next read
		raw, err := dec.ReadValue()
		if err != nil {
			return nil, nil, false
		}
		if matches {
			end = dec.InputOffset()
			start = end - int64(len(raw))
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing brace
		return nil, nil, false
	}
	if _, err := dec.ReadToken(); err != io.EOF || start < 0 {
		return nil, nil, false // trailing data, or no such member
	}
	template = make([]byte, 0, len(body)-int(end-start)+len(standIn))
	template = append(append(append(template, body[:start]...), standIn...), body[end:]...)
	return template, body[start:end], true
}
