package openapi

import (
	"strconv"
	"strings"
)

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
// path (its empty segments skipped), and the values of its path
// parameters. It reads the path from its end, without splitting it.
func matchSuffix(spec []string, path string) (map[string]string, bool) {
	rest := path
	var params map[string]string
	for i := len(spec) - 1; i >= 0; i-- {
		seg, before, ok := lastSegment(rest)
		if !ok {
			return nil, false
		}
		rest = before
		if s := spec[i]; isTemplate(s) {
			if params == nil {
				params = map[string]string{}
			}
			params[s[1:len(s)-1]] = seg
		} else if s != seg {
			return nil, false
		}
	}
	if len(spec) == 0 {
		_, _, more := lastSegment(rest)
		return nil, !more
	}
	return params, true
}

// lastSegment splits the last non-empty segment off a path.
func lastSegment(p string) (seg, before string, ok bool) {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "", "", false
	}
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return p, "", true
	}
	return p[i+1:], p[:i], true
}
