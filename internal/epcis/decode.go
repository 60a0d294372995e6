package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeValue decodes exactly one JSON value, keeping numbers as written
// (json.Number) so that the schema sees 1.0 and 1e2 as the numbers they
// are and no number is out of range.
//
// decodeFast does the work for valid documents, in about a third of the
// time encoding/json takes; encoding/json decodes what it refuses (input
// that is not valid JSON, or nested deeper than encoding/json allows), so
// that the errors are those encoding/json gives. Invalid input is thus read
// twice, valid input once.
//
// Decoding the events in parallel instead (each kept as raw JSON by a
// first pass) was tried and dropped: the second pass over the bytes cost as
// much CPU time as the parallelism saved in elapsed time on two cores.
func decodeValue(data []byte) (any, error) {
	if v, ok := decodeFast(data); ok {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the top-level value", ErrNotJSON)
	}
	return v, nil
}

// decodeFast decodes data, which must hold exactly one JSON value, into the
// tree encoding/json builds with UseNumber: map[string]any, []any, string,
// json.Number, bool and nil. It reports false for anything it does not
// handle itself, invalid JSON included; the caller then decodes with
// encoding/json, which gives the result or the error it always gave. So
// this decoder may refuse more than encoding/json does, never less, and
// where it succeeds it builds the same values.
//
// It costs far fewer allocations than encoding/json: the document is copied
// into one string once, and every string and number without escapes is a
// slice of it (so a value kept from the tree keeps the whole document's
// text alive: copy it with strings.Clone to keep it long); objects are
// allocated at their final size, arrays likewise.
func decodeFast(data []byte) (any, bool) {
	d := fastDecoder{data: data, src: string(data)}
	v, err := d.value()
	if err != nil {
		return nil, false
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, false
	}
	return v, true
}

// errDecode makes decodeFast give up; the message is never shown.
var errDecode = errors.New("epcis: fast decoder gives up")

// maxNesting is encoding/json's nesting limit: deeper input is left to it,
// to report.
const maxNesting = 10000

type fastDecoder struct {
	data  []byte
	src   string // data, as one string
	pos   int
	depth int
	stack []keyValue // members of the objects, elements of the arrays being read
}

func (d *fastDecoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *fastDecoder) value() (any, error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, errDecode
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		s, err := d.string()
		if err != nil {
			return nil, err
		}
		return s, nil
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, errDecode
}

func (d *fastDecoder) literal(lit string) error {
	if len(d.data)-d.pos < len(lit) || d.src[d.pos:d.pos+len(lit)] != lit {
		return errDecode
	}
	d.pos += len(lit)
	return nil
}

func (d *fastDecoder) object() (any, error) {
	if d.depth++; d.depth > maxNesting {
		return nil, errDecode
	}
	d.pos++ // {
	base := len(d.stack)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return map[string]any{}, nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, errDecode
		}
		k, err := d.string()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, errDecode
		}
		d.pos++
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.stack = append(d.stack, keyValue{k, v})
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, errDecode
		}
		c := d.data[d.pos]
		d.pos++
		if c == '}' {
			break
		}
		if c != ',' {
			return nil, errDecode
		}
	}
	kvs := d.stack[base:]
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.key] = kv.val // a repeated key: the last one wins, as in encoding/json
	}
	clear(kvs) // let the collector have what only the stack still holds
	d.stack = d.stack[:base]
	d.depth--
	return m, nil
}

func (d *fastDecoder) array() (any, error) {
	if d.depth++; d.depth > maxNesting {
		return nil, errDecode
	}
	d.pos++ // [
	base := len(d.stack)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return []any{}, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.stack = append(d.stack, keyValue{val: v})
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, errDecode
		}
		c := d.data[d.pos]
		d.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			return nil, errDecode
		}
	}
	elems := d.stack[base:]
	out := make([]any, len(elems))
	for i, e := range elems {
		out[i] = e.val
	}
	clear(elems)
	d.stack = d.stack[:base]
	d.depth--
	return out, nil
}

// string reads a string literal. One without escapes, control characters
// or invalid UTF-8 is a slice of src; the others are decoded as
// encoding/json decodes them (unquote).
func (d *fastDecoder) string() (string, error) {
	start := d.pos
	ascii := true
	for i := start + 1; i < len(d.data); i++ {
		c := d.data[i]
		if plainJSON[c] {
			continue
		}
		switch {
		case c == '"':
			s := d.src[start+1 : i]
			if !ascii && !utf8.ValidString(s) {
				return d.unquote(start)
			}
			d.pos = i + 1
			return s, nil
		case c == '\\':
			return d.unquote(start)
		case c < 0x20:
			return "", errDecode
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", errDecode
}

// unquote reads the string literal at data[start:] that has escapes or
// invalid UTF-8, as encoding/json does: the escapes JSON defines, a
// surrogate pair as one rune, a lone surrogate and each byte of invalid
// UTF-8 as U+FFFD.
func (d *fastDecoder) unquote(start int) (string, error) {
	data := d.data
	b := make([]byte, 0, 64)
	for i := start + 1; i < len(data); {
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return string(b), nil
		case c == '\\':
			if i+1 >= len(data) {
				return "", errDecode
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(data[i+2:])
				if r < 0 {
					return "", errDecode
				}
				i += 6
				if utf16.IsSurrogate(r) {
					var r2 rune = -1
					if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2 = hex4(data[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						b = utf8.AppendRune(b, dec)
						i += 6
						continue
					}
					r = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				return "", errDecode
			}
			i += 2
		case c < 0x20:
			return "", errDecode
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
	return "", errDecode
}

// hex4 reads the four hex digits at the start of b; -1 if there are none.
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
		r = r<<4 | rune(c)
	}
	return r
}

// number reads a number literal.
func (d *fastDecoder) number() (any, error) {
	end := scanNumber(d.src, d.pos)
	if end < 0 {
		return nil, errDecode
	}
	n := json.Number(d.src[d.pos:end])
	d.pos = end
	return n, nil
}

// scanNumber returns the end of the number literal at s[i:], as JSON
// defines it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; -1 if there is
// none.
func scanNumber(s string, i int) int {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return -1
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return -1
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return -1
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
