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
	var sc nameScan
	expectKey := false
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			sc.open(false)
			expectKey = true
		case '[':
			sc.open(true)
			expectKey = false
		case '}', ']':
			sc.close()
			expectKey = false
		case ',':
			expectKey = sc.inObject()
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
			if expectKey && sc.inObject() {
				if !sc.add(text) {
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

// nameScan holds the open objects and arrays and the member names of the
// open objects, in one slice shared by all of them, so that the scan
// allocates only for objects with many members.
type nameScan struct {
	frames []nameFrame
	names  [][]byte
}

type nameFrame struct {
	array bool
	start int                 // where this object's names start in names
	set   map[string]struct{} // folded names, once the object has many
}

func (sc *nameScan) open(array bool) {
	sc.frames = append(sc.frames, nameFrame{array: array, start: len(sc.names)})
}

func (sc *nameScan) close() {
	if n := len(sc.frames); n > 0 {
		sc.names = sc.names[:sc.frames[n-1].start]
		sc.frames = sc.frames[:n-1]
	}
}

func (sc *nameScan) inObject() bool {
	return len(sc.frames) > 0 && !sc.frames[len(sc.frames)-1].array
}

// add records a name of the innermost object and reports false if the
// object had it already, compared as encoding/json compares names.
func (sc *nameScan) add(name []byte) bool {
	f := &sc.frames[len(sc.frames)-1]
	if f.set != nil {
		key := foldName(name)
		if _, dup := f.set[key]; dup {
			return false
		}
		f.set[key] = struct{}{}
		return true
	}
	for _, n := range sc.names[f.start:] {
		if bytes.EqualFold(n, name) {
			return false
		}
	}
	sc.names = append(sc.names, name)
	if len(sc.names)-f.start > 16 {
		f.set = make(map[string]struct{}, 64)
		for _, n := range sc.names[f.start:] {
			f.set[foldName(n)] = struct{}{}
		}
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
