package openapi

import "github.com/getkin/kin-openapi/openapi3"

// declaresReadOrWriteOnly reports whether any schema of doc has a readOnly
// or writeOnly property. Only then does visiting a body "as a response"
// (openapi3.VisitAsResponse) change kin-openapi's verdict: it skips
// required writeOnly properties and rejects present ones. Without such a
// property the option changes nothing but the cost: kin-openapi then sorts
// the property names of every object it visits and deep-copies the value
// for every oneOf and anyOf branch it tries. TestValidator_asResponseAgrees
// holds the two settings to the same verdicts on every fixture.
func declaresReadOrWriteOnly(doc *openapi3.T) bool {
	seen := map[*openapi3.Schema]bool{}
	var visit func(ref *openapi3.SchemaRef) bool
	visit = func(ref *openapi3.SchemaRef) bool {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return false
		}
		s := ref.Value
		seen[s] = true
		if s.ReadOnly || s.WriteOnly {
			return true
		}
		for _, p := range s.Properties {
			if visit(p) {
				return true
			}
		}
		for _, refs := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range refs {
				if visit(r) {
					return true
				}
			}
		}
		return visit(s.Items) || visit(s.Not) || visit(s.AdditionalProperties.Schema)
	}
	if doc.Components != nil {
		for _, ref := range doc.Components.Schemas {
			if visit(ref) {
				return true
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil && visit(p.Value.Schema) {
					return true
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					if visit(mt.Schema) {
						return true
					}
				}
			}
			if op.Responses == nil {
				continue
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					if visit(mt.Schema) {
						return true
					}
				}
				for _, h := range resp.Value.Headers {
					if h.Value != nil && visit(h.Value.Schema) {
						return true
					}
				}
			}
		}
	}
	return false
}
