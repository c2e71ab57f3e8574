package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkJSONText rejects what encoding/json would decode without a word but
// not as the server meant it, before a success body is decoded:
//
//   - invalid UTF-8, and escaped lone surrogates ("\ud800"), which the
//     decoder silently turns into U+FFFD;
//   - an object with the same member name twice, or twice in different
//     case ({"status":"PENDING","STATUS":"AUTHENTICATED"}): the decoder
//     matches names case-insensitively and keeps the last value, so a
//     body could say one thing to a validator and another to the client.
//
// body must be one JSON value, which the decoder checks next; here it is
// one pass over the bytes, allocating only for objects with many members.
func checkJSONText(body []byte) error {
	if !utf8.Valid(body) {
		return errors.New("body is not valid UTF-8")
	}
	var stack []nameSet
	expectKey := false
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			stack = append(stack, nameSet{})
			expectKey = true
		case '[':
			stack = append(stack, nameSet{array: true})
			expectKey = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
		case '"':
			end, escaped := jsonStringEnd(body, i)
			if end < 0 {
				return nil // unterminated: the decoder reports it
			}
			raw := body[i : end+1]
			text := raw[1 : len(raw)-1]
			if escaped {
				var s string
				if json.Unmarshal(raw, &s) != nil {
					return nil // a bad escape: the decoder reports it
				}
				if strings.ContainsRune(s, utf8.RuneError) && !hasEscapedReplacement(raw) {
					return errors.New("body has a string with an invalid escaped character (a lone surrogate)")
				}
				text = []byte(s)
			}
			if expectKey && len(stack) > 0 {
				if !stack[len(stack)-1].add(text) {
					return fmt.Errorf("an object has the member name %q more than once (names compare without case, as the decoder does)", truncate(string(text), 32))
				}
				expectKey = false
			}
			i = end
		}
	}
	return nil
}

// hasEscapedReplacement reports whether a JSON string writes U+FFFD itself,
// escaped or not, so that a U+FFFD in its value is no sign of a bad escape.
func hasEscapedReplacement(raw []byte) bool {
	return bytes.Contains(raw, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`))
}

// jsonStringEnd returns the index of the quote that closes the string
// opening at body[start] (-1 if none) and whether the string has escapes.
func jsonStringEnd(body []byte, start int) (int, bool) {
	escaped := false
	for i := start + 1; i < len(body); {
		j := bytes.IndexAny(body[i:], `"\`)
		if j < 0 {
			return -1, escaped
		}
		i += j
		if body[i] == '"' {
			return i, escaped
		}
		escaped = true
		i += 2
	}
	return -1, escaped
}

// nameSet holds the member names of one open object, folded for case.
type nameSet struct {
	array bool
	names []string
	set   map[string]struct{}
}

// add records a name and reports false if the object had it already.
func (s *nameSet) add(name []byte) bool {
	key := foldName(name)
	if s.set != nil {
		if _, dup := s.set[key]; dup {
			return false
		}
		s.set[key] = struct{}{}
		return true
	}
	for _, n := range s.names {
		if n == key {
			return false
		}
	}
	s.names = append(s.names, key)
	if len(s.names) > 16 {
		s.set = make(map[string]struct{}, 64)
		for _, n := range s.names {
			s.set[n] = struct{}{}
		}
		s.names = nil
	}
	return true
}

// foldName maps a name to one key per case-insensitive class: every rune
// to the smallest rune it folds to (unicode.SimpleFold), which is the
// equivalence encoding/json matches names by.
func foldName(name []byte) string {
	ascii := true
	for _, c := range name {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii { // the least of an ASCII letter's class is its upper case
		return strings.ToUpper(string(name))
	}
	var b strings.Builder
	for _, r := range string(name) {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}
