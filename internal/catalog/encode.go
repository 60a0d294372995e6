package catalog

import (
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Write exports lib as CISO Assistant library YAML. The output is canonical
// (see the package documentation): the same library always gives the same
// bytes. Write does not validate; it fails only on values YAML cannot carry
// (text that is not UTF-8) and on an unknown field whose key repeats a
// modelled or another unknown key.
func Write(w io.Writer, lib *Library) error {
	if lib == nil {
		return errors.New("catalog: write: nil library")
	}
	root, err := buildNode(reflect.ValueOf(lib).Elem(), "")
	if err != nil {
		return fmt.Errorf("catalog: write: %w", err)
	}
	var p printer
	p.mapping(root, 0, false)
	if _, err := w.Write(p.buf); err != nil {
		return fmt.Errorf("catalog: write: %w", err)
	}
	return nil
}

// enode is the output tree: a scalar (already rendered), a mapping or a
// sequence.
type enode struct {
	kind  enodeKind
	text  string   // scalar
	keys  []string // mapping keys, rendered
	items []*enode // mapping values or sequence items
}

type enodeKind int

const (
	scalarNode enodeKind = iota
	mappingNode
	sequenceNode
)

var encoderType = reflect.TypeFor[encoder]()

// buildNode converts a value into an output node; path names it in errors.
func buildNode(v reflect.Value, path string) (*enode, error) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return &enode{text: "null"}, nil
		}
		v = v.Elem()
	}
	if v.Type().Implements(encoderType) {
		return buildNode(reflect.ValueOf(v.Interface().(encoder).encodeValue()), path)
	}
	if v.Type() == fieldsType {
		return buildFields(v.Interface().(Fields), path, nil)
	}
	switch v.Kind() {
	case reflect.String:
		s, err := renderString(v.String(), false)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &enode{text: s}, nil
	case reflect.Bool:
		return &enode{text: strconv.FormatBool(v.Bool())}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &enode{text: strconv.FormatInt(v.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &enode{text: strconv.FormatUint(v.Uint(), 10)}, nil
	case reflect.Float32, reflect.Float64:
		return &enode{text: renderFloat(v.Float())}, nil
	case reflect.Slice, reflect.Array:
		n := &enode{kind: sequenceNode, items: make([]*enode, v.Len())}
		for i := range v.Len() {
			item, err := buildNode(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			n.items[i] = item
		}
		return n, nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%s: map key type %s is not supported", path, v.Type().Key())
		}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		n := &enode{kind: mappingNode}
		for _, k := range keys {
			if err := n.add(k, v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())), join(path, k)); err != nil {
				return nil, err
			}
		}
		return n, nil
	case reflect.Struct:
		return buildStruct(v, path)
	}
	return nil, fmt.Errorf("%s: type %s is not supported", path, v.Type())
}

func buildStruct(v reflect.Value, path string) (*enode, error) {
	info := structInfoOf(v.Type())
	n := &enode{kind: mappingNode}
	for _, f := range info.fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		if err := n.add(f.name, fv, join(path, f.name)); err != nil {
			return nil, err
		}
	}
	if info.extra < 0 {
		return n, nil
	}
	extra := v.Field(info.extra).Interface().(Fields)
	if len(extra) == 0 {
		return n, nil
	}
	return buildFields(extra, path, n)
}

// buildFields appends fs to into (a new mapping when into is nil), refusing
// keys that are already there.
func buildFields(fs Fields, path string, into *enode) (*enode, error) {
	if into == nil {
		into = &enode{kind: mappingNode}
	}
	seen := make(map[string]bool, len(into.keys)+len(fs))
	for _, f := range into.keys {
		seen[f] = true
	}
	for _, f := range fs {
		key, err := renderString(f.Key, true)
		if err != nil {
			return nil, fmt.Errorf("%s: key: %w", path, err)
		}
		if seen[key] {
			return nil, fmt.Errorf("%s: key %q appears twice (an unknown field repeats a key)", path, f.Key)
		}
		seen[key] = true
		if err := into.add(f.Key, reflect.ValueOf(&f.Value).Elem(), join(path, f.Key)); err != nil {
			return nil, err
		}
	}
	return into, nil
}

func (n *enode) add(key string, v reflect.Value, path string) error {
	k, err := renderString(key, true)
	if err != nil {
		return fmt.Errorf("%s: key: %w", path, err)
	}
	child, err := buildNode(v, path)
	if err != nil {
		return err
	}
	n.keys = append(n.keys, k)
	n.items = append(n.items, child)
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// printer writes block-style YAML: two-space indentation for mappings and
// list items at the indentation of their key, as PyYAML (and so CISO
// Assistant) writes them.
type printer struct {
	buf []byte
}

func (p *printer) indent(n int) {
	for range n {
		p.buf = append(p.buf, ' ')
	}
}

// value writes what follows "key:" or "-": a scalar or empty collection on
// the same line, or a nested block.
func (p *printer) value(n *enode, indent int, inSequence bool) {
	switch {
	case n.kind == scalarNode:
		p.buf = append(p.buf, ' ')
		p.buf = append(p.buf, n.text...)
		p.buf = append(p.buf, '\n')
	case n.kind == mappingNode && len(n.items) == 0:
		p.buf = append(p.buf, " {}\n"...)
	case n.kind == sequenceNode && len(n.items) == 0:
		p.buf = append(p.buf, " []\n"...)
	case inSequence:
		// "- key: value" or "- - item": the block starts on this line.
		p.buf = append(p.buf, ' ')
		if n.kind == mappingNode {
			p.mapping(n, indent+2, true)
		} else {
			p.sequence(n, indent+2, true)
		}
	case n.kind == mappingNode:
		p.buf = append(p.buf, '\n')
		p.mapping(n, indent+2, false)
	default:
		p.buf = append(p.buf, '\n')
		p.sequence(n, indent, false)
	}
}

// mapping writes the entries of n at indent; when inline, the first entry
// continues the current line.
func (p *printer) mapping(n *enode, indent int, inline bool) {
	for i, k := range n.keys {
		if i > 0 || !inline {
			p.indent(indent)
		}
		p.buf = append(p.buf, k...)
		p.buf = append(p.buf, ':')
		p.value(n.items[i], indent, false)
	}
}

// sequence writes the items of n at indent; when inline, the first item
// continues the current line.
func (p *printer) sequence(n *enode, indent int, inline bool) {
	for i, item := range n.items {
		if i > 0 || !inline {
			p.indent(indent)
		}
		p.buf = append(p.buf, '-')
		p.value(item, indent, true)
	}
}

// renderFloat writes a float so that YAML 1.1 and 1.2 readers both read it
// back as the same float: always with a decimal point in the mantissa.
func renderFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	mantissa, exp, hasExp := strings.Cut(s, "e")
	if !strings.Contains(mantissa, ".") {
		mantissa += ".0"
	}
	if hasExp {
		return mantissa + "e" + exp
	}
	return mantissa
}

// renderString writes text as a plain scalar when no YAML reader could
// mistake it for anything else, and double-quoted otherwise.
func renderString(s string, key bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("text %q is not valid UTF-8", s)
	}
	if plainSafe(s, key) {
		return s, nil
	}
	return quote(s), nil
}

// yaml11Words are plain scalars that YAML 1.1 readers such as PyYAML resolve
// to booleans or null.
var yaml11Words = map[string]bool{
	"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true,
}

// plainSafe is deliberately conservative: letters, digits, single inner
// spaces and a few punctuation marks, starting with a letter (so no number,
// date or sexagesimal can appear), never ending in ':' and never holding
// ": " or " #". Keys also exclude ':' altogether.
func plainSafe(s string, key bool) bool {
	if s == "" || yaml11Words[strings.ToLower(s)] {
		return false
	}
	prev := rune(0)
	for i, r := range s {
		switch {
		case i == 0:
			if !unicode.IsLetter(r) && r != '_' {
				return false
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case r == ' ':
			if prev == ' ' || prev == ':' {
				return false
			}
		case r == ':':
			if key {
				return false
			}
		case strings.ContainsRune(".,-_/()';+&%", r):
		default:
			return false
		}
		prev = r
	}
	return prev != ' ' && prev != ':'
}

// quote writes a YAML double-quoted scalar. Everything outside printable
// Unicode, and every line break, is escaped.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 ||
				r == 0xfeff || r == 0xfffe || r == 0xffff {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
