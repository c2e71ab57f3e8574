package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cfverify/cfverify/internal/specmember"
)

// The member checks are the mock's, not the public API's: they reach it
// through internal/specmember.
func init() {
	specmember.Register(
		func(validator any, ctx context.Context, operationID string, status int, header http.Header, name string, value []byte) (bool, error) {
			v, ok := validator.(*Validator)
			if !ok {
				return false, nil
			}
			return v.validateResponseMember(ctx, operationID, status, header, name, value)
		},
		func(validator any, ctx context.Context, req *http.Request, name string, value []byte) (bool, error) {
			v, ok := validator.(*Validator)
			if !ok {
				return false, nil
			}
			return v.validateRequestMember(ctx, req, name, value)
		})
}

// validateResponseMember checks one top-level member of a JSON object
// response body on its own: value, the member's JSON, against the schema
// the spec gives the property name in the response to operationID with
// status and the header's Content-Type. Violations carry the paths and
// messages a check of the whole body would give them ("$.name...").
//
// It is for a server whose answers differ only in a few members (an id, a
// reference number): one full check of the answer with those members
// replaced by valid stand-ins, then this check of the real values, is the
// full check of the real answer. independent says whether the spec makes
// that so; when it is false nothing was checked and the caller must check
// the whole body. It is true only when
//   - the operation documents status itself: for a status only the default
//     response covers, the undocumented-status drift is reported when the
//     whole body is valid, which no part of it decides alone;
//   - the body's schema is a plain object schema: no enum, no oneOf, anyOf,
//     allOf, not or discriminator, so nothing about the body depends on the
//     member's value but the member's own schema;
//   - the property is declared, and its schema, through any oneOf, anyOf
//     or allOf, is scalar (no object or array), lists no enum, has no not
//     and is neither readOnly nor writeOnly: then the drift report, which
//     is about unknown properties and enum values, has nothing to find in
//     it, so the strict check (ValidateResponseStrict) agrees too;
//   - value is a JSON scalar: an object or array fails such a schema, and
//     is left to the whole body's check to report.
//
// The error is nil or a *ValidationError.
func (v *Validator) validateResponseMember(ctx context.Context, operationID string, status int, header http.Header, name string, value []byte) (independent bool, err error) {
	property := v.independentMember(operationID, status, header, name)
	if property == nil {
		return false, nil
	}
	if !isScalarJSON(value) {
		return false, nil
	}
	decoded, _, derr := v.decode(value)
	if derr != nil {
		return false, nil // not one JSON value: the whole body's check words that
	}
	c := collector{doc: v.doc, within: []string{name}}
	if err := property.Value.VisitJSON(decoded, v.schemaOptions...); err != nil {
		c.walk(LocationBody, "", err)
	}
	if verr := c.result(operationID, KindResponse, status); verr != nil {
		return true, verr
	}
	return true, nil
}

// independentMember returns the schema of the body's property name when
// validateResponseMember may check it on its own, or nil.
func (v *Validator) independentMember(operationID string, status int, header http.Header, name string) *openapi3.SchemaRef {
	o := v.ops[operationID]
	if o == nil {
		return nil
	}
	// Only a documented status: one the default response covers is drift
	// when the whole body is valid (withStatusDrift), which no part decides.
	resp := o.route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil
	}
	return splittableMember(resp.Value.Content, header.Get("Content-Type"), name)
}

// splittableMember returns the schema of property name of the JSON body
// content describes for contentType, when nothing about the body but that
// schema depends on the member's value, and the member's schema is one
// the drift report has nothing to find in; otherwise nil.
func splittableMember(content openapi3.Content, contentType, name string) *openapi3.SchemaRef {
	mt, base := mediaTypeOf(content, contentType)
	if mt == nil || mt.Schema == nil || !isJSON(base) {
		return nil
	}
	root := mt.Schema.Value
	if root == nil || !root.Type.Is(openapi3.TypeObject) || len(root.Enum) > 0 || len(root.OneOf) > 0 ||
		len(root.AnyOf) > 0 || len(root.AllOf) > 0 || root.Not != nil || root.Discriminator != nil {
		return nil
	}
	property := root.Properties[name]
	if property == nil || !scalarWithoutEnum(property.Value) {
		return nil
	}
	return property
}

// validateRequestMember is validateResponseMember for a request body: it
// checks value, the JSON of the top-level member name of req's body,
// against the schema the spec gives it, as ValidateRequest checks the
// whole body (req's body is not read). independent is true under the
// same conditions, for the request body's schema. With independent true, ValidateRequest
// of a body is exactly ValidateRequest of the body with that member
// replaced by a valid stand-in (specmember.Split), plus this check.
func (v *Validator) validateRequestMember(ctx context.Context, req *http.Request, name string, value []byte) (independent bool, err error) {
	path := ""
	if req.URL != nil {
		path = req.URL.Path
	}
	o, _ := v.find(req.Method, path)
	if o == nil {
		return false, nil
	}
	property := splittableMember(requestContent(o), req.Header.Get("Content-Type"), name)
	if property == nil || !isScalarJSON(value) {
		return false, nil
	}
	decoded, ok := decodeScalarAsRequest(bytes.TrimSpace(value))
	if !ok {
		return false, nil // not one JSON value: the whole body's check words that
	}
	// Checked with the options kin-openapi checks a request body with.
	c := collector{doc: v.doc, within: []string{name}}
	if err := property.Value.VisitJSON(decoded, v.memberRequestOptions...); err != nil {
		c.walk(LocationBody, "", err)
	}
	if verr := c.result(o.id, KindRequest, 0); verr != nil {
		return true, verr
	}
	return true, nil
}

// isScalarJSON reports whether value looks like a JSON scalar, not an
// object or array: only a scalar is split off (a member's schema here is
// scalar, so any other value fails it, and its check is the whole body's).
func isScalarJSON(value []byte) bool {
	trimmed := bytes.TrimSpace(value)
	return len(trimmed) > 0 && trimmed[0] != '{' && trimmed[0] != '['
}

// decodeScalarAsRequest decodes a JSON scalar as kin-openapi decodes a
// request body (encoding/json with UseNumber): a string, a json.Number
// holding the number's text, a bool or nil.
func decodeScalarAsRequest(value []byte) (any, bool) {
	switch value[0] {
	case '"':
		var s string
		if json.Unmarshal(value, &s) != nil {
			return nil, false
		}
		return s, true
	case 't', 'f', 'n':
		var b any
		if json.Unmarshal(value, &b) != nil {
			return nil, false
		}
		return b, true
	}
	var n json.Number
	if json.Unmarshal(value, &n) != nil {
		return nil, false
	}
	return n, true
}

// scalarWithoutEnum reports whether every schema s reaches through oneOf,
// anyOf and allOf describes a scalar, lists no enum, has no not and is
// neither readOnly nor writeOnly.
func scalarWithoutEnum(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	if len(s.Enum) > 0 || s.ReadOnly || s.WriteOnly || s.Discriminator != nil || s.Not != nil ||
		s.Items != nil || len(s.Properties) > 0 || s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
		return false
	}
	if s.Type == nil || len(*s.Type) == 0 {
		if len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) == 0 {
			return false // untyped: any value, objects too
		}
	} else {
		for _, t := range *s.Type {
			if t == openapi3.TypeObject || t == openapi3.TypeArray {
				return false
			}
		}
	}
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, ref := range list {
			if !scalarWithoutEnum(ref.Value) {
				return false
			}
		}
	}
	return true
}
