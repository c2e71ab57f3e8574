package openapi

import (
	"context"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// ValidateResponseMember checks one top-level member of a JSON object
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
//     and is neither readOnly nor writeOnly: then the drift report, which is about
//     unknown properties and enum values, has nothing to find in it, so the
//     strict check (ValidateResponseStrict) agrees too.
//
// The error is nil or a *ValidationError.
func (v *Validator) ValidateResponseMember(ctx context.Context, operationID string, status int, header http.Header, name string, value []byte) (independent bool, err error) {
	property := v.independentMember(operationID, status, header, name)
	if property == nil {
		return false, nil
	}
	decoded, duplicates, derr := v.decode(value)
	c := collector{doc: v.doc}
	switch {
	case derr != nil:
		c.add(LocationBody, jsonPath([]string{name}), "body is not valid JSON: "+derr.Error())
	case len(duplicates) > 0:
		return false, nil // a scalar has no members to repeat; this is not one
	default:
		only := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Properties: openapi3.Schemas{name: property}}
		if err := only.VisitJSON(map[string]any{name: decoded}, v.schemaOptions...); err != nil {
			c.walk(LocationBody, "", err)
		}
	}
	if verr := c.result(operationID, KindResponse, status); verr != nil {
		return true, verr
	}
	return true, nil
}

// independentMember returns the schema of the body's property name when
// ValidateResponseMember may check it on its own, or nil.
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
	mt, base := mediaTypeOf(resp.Value.Content, header.Get("Content-Type"))
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
