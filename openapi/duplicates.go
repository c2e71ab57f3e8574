package openapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// duplicateMessage is the Violation message for a repeated member name.
const duplicateMessage = "member name appears more than once in its object: decoders disagree on which value counts"

// duplicateNames returns the JSON path of every object member whose name
// its object already has. encoding/json keeps the last value when it
// decodes into `any` (which is what the schema checks see) but visits every
// occurrence when it decodes into a struct, so {"data": "", "data": {}}
// validates and still fails to decode: the only safe answer is to reject it.
//
// data must be valid JSON (it is scanned only after decoding succeeded);
// the scan is one pass over the bytes, allocating only per object.
func duplicateNames(data []byte) []string {
	var d dupScan
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			d.stack = append(d.stack, dupFrame{object: true, expectKey: true, names: len(d.names)})
		case '[':
			d.stack = append(d.stack, dupFrame{})
		case '}', ']':
			if n := len(d.stack); n > 0 {
				if top := d.stack[n-1]; top.object {
					d.names = d.names[:top.names]
				}
				d.stack = d.stack[:n-1]
			}
		case ',':
			if n := len(d.stack); n > 0 {
				if top := &d.stack[n-1]; top.object {
					top.expectKey = true
				} else {
					top.index++
				}
			}
		case '"':
			end, escaped := stringEnd(data, i)
			if end <= i {
				return d.found // an unterminated string: not valid JSON
			}
			if n := len(d.stack); n > 0 && d.stack[n-1].object && d.stack[n-1].expectKey {
				name := data[i+1 : end]
				if escaped || !utf8.Valid(name) { // compare names as decoders see them
					var s string
					_ = json.Unmarshal(data[i:end+1], &s)
					name = []byte(s)
				}
				d.add(name)
			}
			i = end
		}
	}
	return d.found
}

// dupScan is the state of duplicateNames: the open objects and arrays, and
// the names of the open objects' members, one shared slice for all of them
// so that small objects cost no allocation.
type dupScan struct {
	stack []dupFrame
	names [][]byte
	found []string
}

// dupFrame is one open object or array.
type dupFrame struct {
	object    bool
	expectKey bool
	key       []byte              // the current member's name (objects)
	index     int                 // the current item's index (arrays)
	names     int                 // where this object's names start in dupScan.names
	set       map[string]struct{} // once an object has many names
}

// add records a member name of the innermost object, and the path of the
// member if the object had the name already.
func (d *dupScan) add(name []byte) {
	f := &d.stack[len(d.stack)-1]
	f.key, f.expectKey = name, false
	dup := false
	if f.set != nil {
		_, dup = f.set[string(name)]
		f.set[string(name)] = struct{}{}
	} else {
		for _, n := range d.names[f.names:] {
			if bytes.Equal(n, name) {
				dup = true
				break
			}
		}
		if !dup {
			d.names = append(d.names, name)
			if len(d.names)-f.names > 16 {
				f.set = make(map[string]struct{}, 64)
				for _, n := range d.names[f.names:] {
					f.set[string(n)] = struct{}{}
				}
			}
		}
	}
	if dup {
		d.found = append(d.found, dupPath(d.stack, name))
	}
}

func dupPath(stack []dupFrame, name []byte) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, f := range stack[:len(stack)-1] {
		if f.object {
			appendSegment(&b, string(f.key), false)
		} else {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		}
	}
	appendSegment(&b, string(name), false)
	return b.String()
}

// stringEnd returns the index of the quote closing the string that opens
// at data[start], and whether the string has escapes.
func stringEnd(data []byte, start int) (int, bool) {
	escaped := false
	for i := start + 1; i < len(data); {
		j := bytes.IndexAny(data[i:], `"\`)
		if j < 0 {
			return len(data) - 1, escaped
		}
		i += j
		if data[i] == '"' {
			return i, escaped
		}
		escaped = true
		i += 2 // a backslash and the character it escapes
	}
	return len(data) - 1, escaped
}
