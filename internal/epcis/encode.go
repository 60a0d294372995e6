package epcis

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// This file writes decoded JSON (the tree decodeValue builds) back as JSON,
// byte for byte as json.Marshal writes it: object members sorted by key,
// strings escaped as encoding/json escapes them (HTML characters included),
// numbers as written. It does without reflection and sorts keys in one
// reused slice, which makes it several times cheaper than json.Marshal on
// the events Prepare stores.

// jsonEncoder appends JSON to buf.
type jsonEncoder struct {
	buf []byte
}

var encoderPool = sync.Pool{New: func() any { return &jsonEncoder{buf: make([]byte, 0, 2048)} }}

func getEncoder() *jsonEncoder {
	e := encoderPool.Get().(*jsonEncoder)
	e.buf = e.buf[:0]
	return e
}

// putEncoder returns e to the pool.
func putEncoder(e *jsonEncoder) {
	if cap(e.buf) > maxPooledBuffer {
		return
	}
	encoderPool.Put(e)
}

// marshalEvent returns the JSON of an event as json.Marshal would write it
// with the members of set added or replacing those of ev (ev itself is not
// changed).
func marshalEvent(ev map[string]any, set ...keyValue) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	if err := e.object(ev, set); err != nil {
		return nil, err
	}
	return slices.Clone(e.buf), nil
}

// marshalTree returns the JSON of a decoded value as json.Marshal would
// write it.
func marshalTree(v any) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	if err := e.value(v); err != nil {
		return nil, err
	}
	return slices.Clone(e.buf), nil
}

func (e *jsonEncoder) value(v any) error {
	switch v := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		e.string(v)
	case json.Number:
		if v == "" || !validNumber(string(v)) {
			return e.marshal(v) // json.Marshal's own treatment and error
		}
		e.buf = append(e.buf, v...)
	case bool:
		e.buf = strconv.AppendBool(e.buf, v)
	case map[string]any:
		if v == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.object(v, nil)
	case []any:
		if v == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		e.buf = append(e.buf, '[')
		for i, x := range v {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(x); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	default:
		return e.marshal(v)
	}
	return nil
}

// marshal appends what json.Marshal writes for v: for values the decoder
// never builds.
func (e *jsonEncoder) marshal(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.buf = append(e.buf, b...)
	return nil
}

// object writes obj with the members of set added or replacing its own.
// The members are gathered and sorted in an array on the stack (for the
// usual object sizes): no allocation, and no write barrier while the
// collector runs.
func (e *jsonEncoder) object(obj map[string]any, set []keyValue) error {
	var local [24]keyValue
	members := local[:0]
	for k, v := range obj {
		if _, ok := setValue(set, k); !ok {
			members = append(members, keyValue{k, v})
		}
	}
	for i, kv := range set {
		if _, later := setValue(set[i+1:], kv.key); !later { // a key set twice: the last value wins
			members = append(members, kv)
		}
	}
	slices.SortFunc(members, func(a, b keyValue) int { return strings.Compare(a.key, b.key) })
	e.buf = append(e.buf, '{')
	for i, kv := range members {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.string(kv.key)
		e.buf = append(e.buf, ':')
		if err := e.value(kv.val); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// string writes s quoted, escaped as json.Marshal escapes it: \" \\ and
// the short escapes \b \f \n \r \t, other control characters and the HTML
// characters < > & as \u00XX, U+2028 and U+2029 as \u2028 and \u2029, and
// each byte of invalid UTF-8 as \ufffd.
func (e *jsonEncoder) string(s string) {
	const hex = "0123456789abcdef"
	b := append(e.buf, '"')
	start := 0 // s[start:i] is still to be copied
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainJSON[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	e.buf = append(b, '"')
}

// plainJSON tells the bytes json.Marshal writes as they are in a string:
// ASCII from space on, other than " \\ < > &.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// validNumber reports whether s is a JSON number literal.
func validNumber(s string) bool { return scanNumber(s, 0) == len(s) }

// setValue returns the value of the last member named key.
func setValue(kvs []keyValue, key string) (any, bool) {
	for i := len(kvs) - 1; i >= 0; i-- {
		if kvs[i].key == key {
			return kvs[i].val, true
		}
	}
	return nil, false
}
