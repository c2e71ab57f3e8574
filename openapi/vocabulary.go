package openapi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The vocabulary policy (openapi/SOURCES.md, README "Using the spec from
// other languages") in the validator's terms. Two things the spec's schemas
// reject are drift for cfverify, not violations: a value a closed set does
// not list (Go decodes it, and the API may add values before the spec
// does), and a status the operation does not document, answered with a
// well-formed error body (the operation's `default` response). Both are
// reported by Drift and ValidateResponseAndDrift; ValidateResponse lets them
// through; a strict ValidatingTransport (WithStrictDrift) and the mock's
// self-check count them as violations, as every other drift finding.

// DriftUndocumentedStatus is a status the operation does not list, answered
// with a body its `default` response describes. Its Path is empty.
const DriftUndocumentedStatus DriftKind = "undocumented-status"

// undocumentedStatus returns the drift finding of a status op does not list
// but its default response describes, or nil.
func undocumentedStatus(op *openapi3.Operation, operationID string, status int) *DriftFinding {
	if op.Responses == nil || op.Responses.Status(status) != nil || op.Responses.Default() == nil {
		return nil
	}
	return &DriftFinding{
		Operation: operationID,
		Status:    status,
		Kind:      DriftUndocumentedStatus,
		Message:   fmt.Sprintf("status %d is not documented for this operation; its body matches the default response", status),
	}
}

// withStatusDrift puts the undocumented-status finding first when the body
// is well formed (no violation); a body that breaks the default response is
// a violation, and the status is not drift on top of it.
func withStatusDrift(op *openapi3.Operation, operationID string, status int, verr *ValidationError, drift []DriftFinding) []DriftFinding {
	if verr != nil {
		return drift
	}
	if f := undocumentedStatus(op, operationID, status); f != nil {
		return append([]DriftFinding{*f}, drift...)
	}
	return drift
}

// isEnumRejection reports whether a violation message is kin-openapi's
// rejection of a value an enum does not list, or of a discriminator value
// the mapping does not name; a wrong type at the same path is not one.
func isEnumRejection(message string) bool {
	return strings.HasPrefix(message, "value is not one of the allowed values") ||
		strings.Contains(message, "discriminator")
}

// demoteClosedSetValues removes from verr the body violations that are
// unknown values of a closed set: a string (Go decodes it into the enum
// type) that drift reports as unknown-enum-value at the same path. A value
// of the wrong type stays a violation. It returns nil when none is left.
func demoteClosedSetValues(verr *ValidationError, drift []DriftFinding, body any) *ValidationError {
	if verr == nil {
		return nil
	}
	var unknown []string
	for _, f := range drift {
		if f.Kind == DriftUnknownEnumValue {
			unknown = append(unknown, f.Path)
		}
	}
	if len(unknown) == 0 {
		return verr
	}
	kept := verr.Violations[:0:0]
	for _, v := range verr.Violations {
		if v.Location == LocationBody && slices.Contains(unknown, v.Path) && isEnumRejection(v.Message) && isStringAt(body, v.Path) {
			continue
		}
		kept = append(kept, v)
	}
	if len(kept) == 0 {
		return nil
	}
	out := *verr
	out.Violations = kept
	return &out
}

// isStringAt reports whether the value at path, a JSON path as jsonPath
// writes it ($, .name, ['odd name'], [3]), is a string in body.
func isStringAt(body any, path string) bool {
	rest, ok := strings.CutPrefix(path, "$")
	if !ok {
		return false
	}
	v := body
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "['"):
			var name strings.Builder
			i := 2
			for ; i < len(rest) && rest[i] != '\''; i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				}
				name.WriteByte(rest[i])
			}
			if !strings.HasPrefix(rest[i:], "']") {
				return false
			}
			obj, isObj := v.(map[string]any)
			if !isObj {
				return false
			}
			v, rest = obj[name.String()], rest[i+2:]
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			n, err := strconv.Atoi(rest[1:max(end, 1)])
			arr, isArr := v.([]any)
			if end < 0 || err != nil || !isArr || n < 0 || n >= len(arr) {
				return false
			}
			v, rest = arr[n], rest[end+1:]
		case strings.HasPrefix(rest, "."):
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			obj, isObj := v.(map[string]any)
			if !isObj {
				return false
			}
			v, rest = obj[rest[1:end+1]], rest[end+1:]
		default:
			return false
		}
	}
	_, isString := v.(string)
	return isString
}
