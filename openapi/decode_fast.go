package openapi

import (
	"strconv"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeBody decodes a JSON body for validation and drift, and lists the
// paths of its repeated member names. It tries decodeFast first: one pass
// over the bytes, yielding exactly the value json.Unmarshal into `any`
// gives. On anything unusual (a syntax error, a repeated name, invalid
// UTF-8, a number beyond float64) it steps aside and the slow path,
// decodeJSON and duplicateNames, decides and words the error, so both
// paths agree on every input (TestDecodeFast_agreesWithTheSlowPath and
// FuzzDecodeFast prove it).
func decodeBody(body []byte) (value any, duplicates []string, err error) {
	if v, ok := decodeFast(body); ok {
		return v, nil, nil
	}
	return decodeSlow(body)
}

// decodeSlow is encoding/json's decoding followed by the duplicate scan.
func decodeSlow(body []byte) (any, []string, error) {
	v, err := decodeJSON(body)
	if err != nil {
		return nil, nil, err
	}
	return v, duplicateNames(body), nil
}

// maxFastDepth is encoding/json's nesting limit: deeper input is left to it.
const maxFastDepth = 10000

// fastDecoder decodes strict JSON into map[string]any, []any, string,
// float64, bool and nil. Members and items wait on shared stacks until
// their object or array closes, so each map and slice is made at its final
// size; names and strings without escapes share one copy of the body.
type fastDecoder struct {
	data    []byte
	text    string // data as one string: strings without escapes are slices of it
	pos     int
	members []fastMember
	items   []any
	scratch []byte
}

type fastMember struct {
	key   string
	value any
}

// maxPooledStack bounds the stacks a pooled fastDecoder keeps.
const maxPooledStack = 4096

// decoders keeps fastDecoders for reuse: their stacks are grown once, not
// for every body.
var decoders = sync.Pool{New: func() any { return new(fastDecoder) }}

// decodeFast returns the decoded body, or false when the slow path must decide.
func decodeFast(data []byte) (any, bool) {
	d := decoders.Get().(*fastDecoder)
	defer func() {
		// What a decode popped is cleared already; a failed one leaves its
		// pending entries. Stacks a large body grew are not kept.
		clear(d.members)
		clear(d.items)
		*d = fastDecoder{members: d.members[:0], items: d.items[:0], scratch: d.scratch[:0]}
		if cap(d.members) > maxPooledStack {
			d.members = nil
		}
		if cap(d.items) > maxPooledStack {
			d.items = nil
		}
		if cap(d.scratch) > maxPooledStack {
			d.scratch = nil
		}
		decoders.Put(d)
	}()
	d.data, d.text, d.pos = data, string(data), 0
	d.space()
	v, ok := d.value(0)
	if !ok {
		return nil, false
	}
	d.space()
	return v, d.pos == len(d.data)
}

func (d *fastDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *fastDecoder) value(depth int) (any, bool) {
	if d.pos >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case (c == '{' || c == '[') && depth >= maxFastDepth:
		return nil, false
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		return d.string()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	}
	return nil, false
}

func (d *fastDecoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return false
	}
	d.pos += len(word)
	return true
}

func (d *fastDecoder) object(depth int) (any, bool) {
	d.pos++ // {
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return map[string]any{}, true
	}
	base := len(d.members)
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, false
		}
		key, ok := d.string()
		if !ok {
			return nil, false
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, false
		}
		d.pos++
		d.space()
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		d.members = append(d.members, fastMember{key: key.(string), value: v})
		d.space()
		if d.pos >= len(d.data) {
			return nil, false
		}
		c := d.data[d.pos]
		d.pos++
		if c == '}' {
			break
		}
		if c != ',' {
			return nil, false
		}
		d.space()
	}
	n := len(d.members) - base
	m := make(map[string]any, n)
	for _, mb := range d.members[base:] {
		m[mb.key] = mb.value
	}
	clear(d.members[base:])
	d.members = d.members[:base]
	if len(m) != n {
		return nil, false // a repeated name: the slow path reports where
	}
	return m, true
}

func (d *fastDecoder) array(depth int) (any, bool) {
	d.pos++ // [
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return make([]any, 0), true
	}
	base := len(d.items)
	for {
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, false
		}
		c := d.data[d.pos]
		d.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			return nil, false
		}
		d.space()
	}
	out := make([]any, len(d.items)-base)
	copy(out, d.items[base:])
	clear(d.items[base:])
	d.items = d.items[:base]
	return out, true
}

// string decodes the string that opens at d.pos as encoding/json does, but
// declines invalid UTF-8 (which encoding/json replaces with U+FFFD).
func (d *fastDecoder) string() (any, bool) {
	start := d.pos + 1
	i := start
	for i < len(d.data) {
		c := d.data[i]
		if c == '"' {
			d.pos = i + 1
			return d.text[start:i], true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	buf := append(d.scratch[:0], d.data[start:i]...)
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.scratch = buf
			return string(buf), true
		case c < 0x20:
			return nil, false
		case c < utf8.RuneSelf && c != '\\':
			buf = append(buf, c)
			i++
		case c == '\\':
			if i+1 >= len(d.data) {
				return nil, false
			}
			switch e := d.data[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r := hex4(d.data[i+2:])
				if r < 0 {
					return nil, false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// As encoding/json: a valid pair is one rune; a lone
					// surrogate is U+FFFD, and what follows is read afresh.
					if i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
						if r2 := hex4(d.data[i+2:]); r2 >= 0 {
							if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
								buf = utf8.AppendRune(buf, dec)
								i += 6
								continue
							}
						}
					}
					r = unicode.ReplacementChar
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return nil, false
			}
			i += 2
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, false
			}
			buf = append(buf, d.data[i:i+size]...)
			i += size
		}
	}
	return nil, false
}

// hex4 reads four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// number reads a number of JSON's grammar as a float64, declining one
// beyond float64's range (encoding/json fails on it; the slow path keeps
// it as a json.Number).
func (d *fastDecoder) number() (any, bool) {
	start := d.pos
	i := d.pos
	if d.data[i] == '-' {
		i++
	}
	switch {
	case i < len(d.data) && d.data[i] == '0':
		i++
	case i < len(d.data) && '1' <= d.data[i] && d.data[i] <= '9':
		i = digits(d.data, i)
	default:
		return nil, false
	}
	if i < len(d.data) && d.data[i] == '.' {
		j := digits(d.data, i+1)
		if j == i+1 {
			return nil, false
		}
		i = j
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		j := digits(d.data, i)
		if j == i {
			return nil, false
		}
		i = j
	}
	f, err := strconv.ParseFloat(string(d.data[start:i]), 64)
	if err != nil {
		return nil, false
	}
	d.pos = i
	return f, true
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
