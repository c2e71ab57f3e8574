package openapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// DriftKind says what a DriftFinding found.
type DriftKind string

const (
	// DriftUnknownProperty is a property the body has and the spec does not describe.
	DriftUnknownProperty DriftKind = "unknown-property"
	// DriftUnknownEnumValue is a value of an enumerated field the spec does not list,
	// or a discriminator value that maps to no schema.
	DriftUnknownEnumValue DriftKind = "unknown-enum-value"
)

// DriftFinding is one place where a body has grown past the spec: a
// property the spec does not describe, or an enum value it does not list.
// The spec allows both (it never forbids unknown properties, and Go decodes
// unknown enum values), so drift is a warning that the spec is behind the
// API, not a violation.
type DriftFinding struct {
	Operation string    // operationId
	Status    int       // response status
	Kind      DriftKind // what was found
	Path      string    // JSON path, such as "$.fi_data[0].accounts[1].status"
	// Value is the unlisted enum value, as sent (a JSON string's contents or
	// a number's text); empty for an unknown property, whose value is never
	// copied, as it may be personal data.
	Value   string
	Message string
}

// String renders the finding as "kind path: message".
func (f DriftFinding) String() string {
	return string(f.Kind) + " " + f.Path + ": " + f.Message
}

// Drift lists where a response body of operationID with the given status
// goes beyond the spec: properties the schema does not describe and enum
// values it does not list, each by JSON path. It follows allOf (the
// properties of every part count), oneOf and anyOf (a discriminator picks
// its mapped branch; without one, the branches the value validates against
// count), and additionalProperties (a declared map is not drift).
//
// A status the operation does not list, covered by its default response,
// is reported first (undocumented-status, empty path). It reports nothing
// about type errors or missing fields: ValidateResponse does. The error is
// for an unknown operation, a status nothing describes or a body that is
// not JSON. An empty body has no drift beyond its status.
func (v *Validator) Drift(operationID string, status int, body []byte) ([]DriftFinding, error) {
	o := v.ops[operationID]
	if o == nil {
		return nil, fmt.Errorf("openapi: no operation %q in the spec", operationID)
	}
	resp := o.route.Operation.Responses.Status(status)
	if resp == nil {
		resp = o.route.Operation.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return nil, fmt.Errorf("openapi: status %d is not documented for %s", status, operationID)
	}
	var findings []DriftFinding
	if f := undocumentedStatus(o.route.Operation, operationID, status); f != nil {
		findings = append(findings, *f)
	}
	schema := jsonSchemaOf(resp.Value.Content)
	if schema == nil || len(strings.TrimSpace(string(body))) == 0 {
		return findings, nil
	}
	value, _, err := v.decode(body)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s response body is not JSON: %w", operationID, err)
	}
	return append(findings, v.drift.findings(operationID, status, schema, value)...), nil
}

// findings walks a decoded body beside schema, and returns the drift
// sorted by path.
func (c *driftCompiler) findings(op string, status int, schema *openapi3.Schema, value any) []DriftFinding {
	w := driftWalk{compiler: c, op: op, status: status}
	w.walk(value, []*shape{c.shapeOf(schema)})
	slices.SortStableFunc(w.findings, func(a, b DriftFinding) int { return strings.Compare(a.Path, b.Path) })
	return w.findings
}

// jsonSchemaOf picks the schema of the JSON media type of a response.
func jsonSchemaOf(content openapi3.Content) *openapi3.Schema {
	if mt := content.Get("application/json"); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	for _, name := range sortedKeys(content) {
		if mt := content[name]; isJSON(name) && mt.Schema != nil {
			return mt.Schema.Value
		}
	}
	return nil
}

// shape is what drift detection needs of a schema, with allOf folded in.
type shape struct {
	objectish  bool                // an object schema, or one with properties
	openEnded  bool                // any property is allowed (additionalProperties, or a free-form object)
	props      map[string][]*shape // every part's properties
	additional []*shape            // additionalProperties schemas
	items      []*shape
	enums      [][]any // one list per part that has an enum; a value must be in each
	choices    []*choice
}

// choice is a oneOf or anyOf: the value matches some of its branches.
type choice struct {
	branches []*shape
	schemas  []*openapi3.Schema
	property string            // discriminator property, "" without one
	mapping  map[string]*shape // discriminator value → branch
}

// driftCompiler turns schemas into shapes, each once. NewValidator compiles
// every response schema, so a Validator's compiler is only read afterwards.
type driftCompiler struct {
	shapes  map[*openapi3.Schema]*shape
	options []openapi3.SchemaValidationOption
	frozen  bool
	noMemo  bool // tests: match every scalar afresh (TestDrift_branchMemoAgrees)
}

func newDriftCompiler(doc *openapi3.T, options []openapi3.SchemaValidationOption) *driftCompiler {
	c := &driftCompiler{shapes: map[*openapi3.Schema]*shape{}, options: append([]openapi3.SchemaValidationOption{openapi3.FailFast()}, options...)}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			if op.Responses == nil {
				continue
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				if s := jsonSchemaOf(resp.Value.Content); s != nil {
					c.shapeOf(s)
				}
			}
		}
	}
	c.frozen = true
	return c
}

// shapeOf returns the shape of s. After construction it only reads; a
// schema it has not seen (none, for a document's own responses) gets a
// shape compiled by a throwaway compiler, so concurrent use stays safe.
func (c *driftCompiler) shapeOf(s *openapi3.Schema) *shape {
	if sh, ok := c.shapes[s]; ok {
		return sh
	}
	if c.frozen {
		tmp := &driftCompiler{shapes: map[*openapi3.Schema]*shape{}, options: c.options}
		return tmp.shapeOf(s)
	}
	sh := &shape{props: map[string][]*shape{}}
	c.shapes[s] = sh // before the parts: schemas may be recursive
	declared := false
	for _, p := range allOfClosure(s) {
		if p.Type.Is(openapi3.TypeObject) || len(p.Properties) > 0 {
			sh.objectish = true
		}
		for _, name := range sortedKeys(p.Properties) {
			if ref := p.Properties[name]; ref != nil && ref.Value != nil {
				sh.props[name] = append(sh.props[name], c.shapeOf(ref.Value))
				declared = true
			}
		}
		if ap := p.AdditionalProperties; ap.Has != nil && *ap.Has {
			sh.openEnded = true
		}
		if ap := p.AdditionalProperties; ap.Schema != nil && ap.Schema.Value != nil {
			sh.additional = append(sh.additional, c.shapeOf(ap.Schema.Value))
		}
		if p.Items != nil && p.Items.Value != nil {
			sh.items = append(sh.items, c.shapeOf(p.Items.Value))
		}
		if len(p.Enum) > 0 {
			sh.enums = append(sh.enums, p.Enum)
		}
		if len(p.OneOf) > 0 {
			sh.choices = append(sh.choices, c.choiceOf(p.OneOf, p.Discriminator))
			declared = true
		}
		if len(p.AnyOf) > 0 {
			sh.choices = append(sh.choices, c.choiceOf(p.AnyOf, p.Discriminator))
			declared = true
		}
	}
	if sh.objectish && !declared && len(sh.additional) == 0 {
		sh.openEnded = true // a free-form object: any property is fine
	}
	return sh
}

func (c *driftCompiler) choiceOf(refs openapi3.SchemaRefs, d *openapi3.Discriminator) *choice {
	ch := &choice{}
	byRef := map[string]*shape{}
	for _, ref := range refs {
		if ref == nil || ref.Value == nil {
			continue
		}
		sh := c.shapeOf(ref.Value)
		ch.branches = append(ch.branches, sh)
		ch.schemas = append(ch.schemas, ref.Value)
		if ref.Ref != "" {
			byRef[ref.Ref] = sh
		}
	}
	if d == nil || d.PropertyName == "" {
		return ch
	}
	ch.property = d.PropertyName
	ch.mapping = map[string]*shape{}
	if len(d.Mapping) > 0 {
		for value, m := range d.Mapping {
			if sh := byRef[m.Ref]; sh != nil {
				ch.mapping[value] = sh
			} else if !strings.Contains(m.Ref, "/") {
				ch.mapping[value] = byRef["#/components/schemas/"+m.Ref]
			}
		}
		return ch
	}
	for ref, sh := range byRef { // implicit mapping: the schema's name
		ch.mapping[ref[strings.LastIndex(ref, "/")+1:]] = sh
	}
	return ch
}

// allOfClosure returns s and every schema its allOf reaches, each once.
func allOfClosure(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	var visit func(*openapi3.Schema)
	visit = func(s *openapi3.Schema) {
		if s == nil || slices.Contains(out, s) {
			return
		}
		out = append(out, s)
		for _, ref := range s.AllOf {
			if ref != nil {
				visit(ref.Value)
			}
		}
	}
	visit(s)
	return out
}

// driftWalk walks a decoded body beside the shapes that describe it. It
// keeps the path as a stack of segments and renders it only for a finding.
type driftWalk struct {
	compiler *driftCompiler
	op       string
	status   int
	path     []pathSegment
	findings []DriftFinding
	// scalarBranches remembers which branches of a oneOf/anyOf a scalar
	// value matches: a statement repeats the same few values ("DEBIT",
	// "UPI") thousands of times, and each match is a schema check.
	scalarBranches map[branchKey][]*shape
}

// branchKey is a choice and a scalar value (string, float64, bool or nil).
type branchKey struct {
	choice *choice
	value  any
}

// matching returns the branches of ch that value validates against (all
// of them when none does: the value is invalid anyway, and validation
// says so).
func (w *driftWalk) matching(ch *choice, value any) []*shape {
	scalar := false
	switch value.(type) {
	case string, float64, bool, nil:
		scalar = !w.compiler.noMemo
		if m, ok := w.scalarBranches[branchKey{ch, value}]; ok {
			return m
		}
	}
	var matched []*shape
	for j, s := range ch.schemas {
		if s.VisitJSON(value, w.compiler.options...) == nil {
			matched = append(matched, ch.branches[j])
		}
	}
	if len(matched) == 0 {
		matched = ch.branches
	}
	if scalar {
		if w.scalarBranches == nil {
			w.scalarBranches = map[branchKey][]*shape{}
		}
		w.scalarBranches[branchKey{ch, value}] = matched
	}
	return matched
}

// pathSegment is an object member's name, or an array index when key is "" and index >= 0.
type pathSegment struct {
	key   string
	index int
}

func (w *driftWalk) pathString(last ...pathSegment) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, seg := range append(w.path[:len(w.path):len(w.path)], last...) {
		if seg.index >= 0 {
			b.WriteString("[" + strconv.Itoa(seg.index) + "]")
		} else {
			appendSegment(&b, seg.key, false)
		}
	}
	return b.String()
}

func (w *driftWalk) report(kind DriftKind, path, value, msg string) {
	w.findings = append(w.findings, DriftFinding{Operation: w.op, Status: w.status, Kind: kind, Path: path, Value: value, Message: msg})
}

// walk checks value against every shape in shapes (all of them apply).
func (w *driftWalk) walk(value any, shapes []*shape) {
	if value == nil || len(shapes) == 0 {
		return
	}
	shapes, ok := w.expand(value, shapes)
	if !ok {
		return
	}
	switch v := value.(type) {
	case map[string]any:
		objectish, open := false, false
		for _, sh := range shapes {
			objectish = objectish || sh.objectish || len(sh.props) > 0
			open = open || sh.openEnded
		}
		if !objectish {
			return // not an object schema: a type error, which is validation's business
		}
		for key, member := range v {
			children := propertyShapes(shapes, key)
			if len(children) == 0 {
				for _, sh := range shapes {
					children = append(children, sh.additional...)
				}
			}
			if len(children) == 0 {
				if !open {
					w.report(DriftUnknownProperty, w.pathString(pathSegment{key: key, index: -1}), "", unknownPropertyMessage(key, shapes))
				}
				continue
			}
			w.path = append(w.path, pathSegment{key: key, index: -1})
			w.walk(member, children)
			w.path = w.path[:len(w.path)-1]
		}
	case []any:
		var items []*shape
		if len(shapes) == 1 {
			items = shapes[0].items
		} else {
			for _, sh := range shapes {
				items = append(items, sh.items...)
			}
		}
		for i, item := range v {
			w.path = append(w.path, pathSegment{index: i})
			w.walk(item, items)
			w.path = w.path[:len(w.path)-1]
		}
	default:
		for _, sh := range shapes {
			for _, enum := range sh.enums {
				if !enumHas(enum, v) {
					text := scalarText(v)
					w.report(DriftUnknownEnumValue, w.pathString(), text, fmt.Sprintf("value %q is not one the spec lists (%s)", text, enumText(enum)))
					return
				}
			}
		}
	}
}

// propertyShapes returns the shapes of a property across shapes, without
// allocating in the common case of one shape.
func propertyShapes(shapes []*shape, key string) []*shape {
	if len(shapes) == 1 {
		return shapes[0].props[key]
	}
	var out []*shape
	for _, sh := range shapes {
		out = append(out, sh.props[key]...)
	}
	return out
}

// unknownPropertyMessage describes an unknown property, warning when its
// name differs only in case from a known one: the client's json v2 decode
// ignores it, but encoding/json matches names case-insensitively, so code
// decoding the generated types with it would fill the known field,
// unvalidated.
func unknownPropertyMessage(key string, shapes []*shape) string {
	for _, sh := range shapes {
		for _, known := range sortedKeys(sh.props) {
			if strings.EqualFold(key, known) {
				return fmt.Sprintf("property is not in the spec; its name matches %q but for case: the cfverify client (json v2) ignores it, while a case-insensitive decoder such as encoding/json puts it into that field", known)
			}
		}
	}
	return "property is not in the spec"
}

// expand adds, for each oneOf/anyOf among shapes, the branches value takes.
// It returns false when a discriminator value maps to no branch: the
// finding is reported, and the object's shape is unknown below it.
func (w *driftWalk) expand(value any, shapes []*shape) ([]*shape, bool) {
	out := shapes
	for i := 0; i < len(out); i++ {
		for _, ch := range out[i].choices {
			if ch.property != "" {
				obj, isObj := value.(map[string]any)
				if !isObj {
					continue
				}
				disc, isStr := obj[ch.property].(string)
				if !isStr {
					continue // missing or not a string: validation reports it
				}
				branch := ch.mapping[disc]
				if branch == nil {
					w.report(DriftUnknownEnumValue, w.pathString(pathSegment{key: ch.property, index: -1}), disc,
						fmt.Sprintf("discriminator value %q maps to no schema (%s)", disc, strings.Join(sortedKeys(ch.mapping), ", ")))
					return nil, false
				}
				out = appendNew(out, branch)
				continue
			}
			for _, sh := range w.matching(ch, value) {
				out = appendNew(out, sh)
			}
		}
	}
	return out, true
}

func appendNew(list []*shape, sh *shape) []*shape {
	if slices.Contains(list, sh) {
		return list
	}
	return append(slices.Clip(list), sh)
}

// enumHas reports whether v (decoded with UseNumber) is one of enum's values.
func enumHas(enum []any, v any) bool {
	for _, e := range enum {
		if sameScalar(e, v) {
			return true
		}
	}
	return false
}

func sameScalar(spec, v any) bool {
	switch s := spec.(type) {
	case nil:
		return v == nil
	case string:
		t, ok := v.(string)
		return ok && s == t
	case bool:
		t, ok := v.(bool)
		return ok && s == t
	}
	a, ok1 := toFloat(spec)
	b, ok2 := toFloat(v)
	return ok1 && ok2 && a == b
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

func scalarText(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case json.Number:
		return s.String()
	case float64:
		return strconv.FormatFloat(s, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

func enumText(enum []any) string {
	parts := make([]string, len(enum))
	for i, e := range enum {
		parts[i] = scalarText(e)
	}
	return strings.Join(parts, ", ")
}
