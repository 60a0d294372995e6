package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MaxFileSize is the largest library file Parse accepts: 4 MiB. CISO
// Assistant's largest framework library (NIST SP 800-53 rev. 5) is about
// 1.4 MB and a 2,000-requirement catalog about 1 MiB. The YAML parser reads
// some 5 MB/s and allocates about 60 bytes per byte of ordinary library
// text, so the limit, together with maxTokens and maxNesting, bounds what a
// hostile upload can cost (about a second and a few hundred MB).
const MaxFileSize = 4 << 20

const (
	// maxTokens caps YAML tokens: dense flow-style input costs the parser
	// far more memory per byte than block-style library text (15 bytes per
	// token on average), so size alone is not a bound.
	maxTokens = 400_000
	// maxNesting caps flow nesting ([[[…) and maxEntryColumn the column of a
	// block list entry (- - - …): the parser's time grows with the square of
	// the nesting depth. Real libraries nest five or six levels.
	maxNesting     = 64
	maxEntryColumn = 256
)

// Parse reads one library in CISO Assistant YAML from r. It reports malformed
// YAML, values of the wrong type, YAML anchors, aliases and merge keys, files
// over MaxFileSize and input too deeply nested or too dense to parse cheaply,
// as a *ValidationError whose problems carry line numbers. It does not check
// meaning: call Validate for that.
func Parse(r io.Reader) (*Library, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("catalog: read library: %w", err)
	}
	return ParseBytes(data)
}

// ParseBytes is Parse on a byte slice.
func ParseBytes(data []byte) (*Library, error) {
	var probs problems
	if len(data) > MaxFileSize {
		probs.add(0, "file", fmt.Sprintf("file is larger than the %d MiB limit", MaxFileSize>>20))
		return nil, probs.err()
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		line := invalidUTF8Line(data)
		probs.add(line, placeLine(line, "file"), "file is not valid UTF-8")
		return nil, probs.err()
	}
	tokens := lexer.Tokenize(string(data))
	if line, msg := tooComplex(tokens); msg != "" {
		probs.add(line, placeLine(line, "file"), msg)
		return nil, probs.err()
	}
	file, err := parser.Parse(tokens, 0)
	if err != nil {
		line, msg := yamlErrorLine(err)
		probs.add(line, placeLine(line, "file"), "malformed YAML: "+msg)
		return nil, probs.err()
	}
	var docs []*ast.DocumentNode
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	switch {
	case len(docs) == 0:
		probs.add(0, "file", "file holds no YAML document")
		return nil, probs.err()
	case len(docs) > 1:
		line := nodeLine(docs[1].Body)
		probs.add(line, placeLine(line, "file"), fmt.Sprintf("file holds %d YAML documents; a library is one document", len(docs)))
		return nil, probs.err()
	}
	lib := &Library{pos: &positions{lines: make(map[posKey]int)}}
	d := decoder{pos: lib.pos, probs: &probs}
	d.decode(reflect.ValueOf(lib).Elem(), docs[0].Body)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return lib, nil
}

// tooComplex reports input that would cost the parser too much.
func tooComplex(tokens token.Tokens) (int, string) {
	if len(tokens) > maxTokens {
		return 0, fmt.Sprintf("file has more than %d YAML tokens", maxTokens)
	}
	depth := 0
	for _, tk := range tokens {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			depth++
			if depth > maxNesting {
				return tk.Position.Line, fmt.Sprintf("YAML is nested more than %d levels deep", maxNesting)
			}
		case token.SequenceEndType, token.MappingEndType:
			depth--
		case token.SequenceEntryType:
			if tk.Position.Column > maxEntryColumn {
				return tk.Position.Line, fmt.Sprintf("YAML list entry at column %d; nesting deeper than column %d is not supported", tk.Position.Column, maxEntryColumn)
			}
		}
	}
	return 0, ""
}

// yamlErrorLine extracts the line and a one-line message from a go-yaml
// error.
func yamlErrorLine(err error) (int, string) {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		line := 0
		if tok := yerr.GetToken(); tok != nil && tok.Position != nil {
			line = tok.Position.Line
		}
		return line, yerr.GetMessage()
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return 0, msg
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// posKey names an object (a pointer into a parsed Library) and optionally
// one of its YAML keys.
type posKey struct {
	obj   any
	field string
}

// positions maps objects of a parsed library to source lines. Keys are
// pointers, so a library that is changed after Parse keeps correct lines for
// the objects that stay in place and loses them for moved ones.
type positions struct {
	lines map[posKey]int
}

func (p *positions) set(obj any, field string, line int) {
	if p != nil && line > 0 {
		p.lines[posKey{obj, field}] = line
	}
}

// line returns the source line of obj's key field, else of obj, else 0.
func (p *positions) line(obj any, field string) int {
	if p == nil {
		return 0
	}
	if field != "" {
		if l, ok := p.lines[posKey{obj, field}]; ok {
			return l
		}
	}
	return p.lines[posKey{obj, ""}]
}

// decoder turns a go-yaml AST into model values. It is written against the
// AST rather than go-yaml's struct decoder so that it can keep unknown keys,
// keep the source spelling of scalars read as text (ref_id: 4.10 stays
// "4.10"), record lines, and report every problem instead of the first.
type decoder struct {
	pos   *positions
	probs *problems
}

// nodeDecoder is implemented by types whose YAML shape differs from their Go
// shape.
type nodeDecoder interface {
	decodeYAML(d *decoder, n ast.Node)
}

// afterDecoder is implemented by types that post-process their fields.
type afterDecoder interface {
	afterDecode()
}

func (d *decoder) fail(n ast.Node, format string, args ...any) {
	line := nodeLine(n)
	where := "document"
	if n != nil {
		if p := strings.TrimPrefix(strings.TrimPrefix(n.GetPath(), "$"), "."); p != "" {
			where = p
		}
	}
	d.probs.add(line, placeLine(line, where), fmt.Sprintf(format, args...))
}

func nodeLine(n ast.Node) int {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return 0
	}
	if tok := n.GetToken(); tok != nil && tok.Position != nil {
		return tok.Position.Line
	}
	return 0
}

// unwrap removes tags and rejects anchors, aliases and merge keys. It
// returns nil when the node must not be decoded further.
func (d *decoder) unwrap(n ast.Node) ast.Node {
	for {
		switch t := n.(type) {
		case nil:
			return nil
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode, *ast.AliasNode:
			d.fail(n, "YAML anchors and aliases are not supported in library files")
			return nil
		case *ast.MergeKeyNode:
			d.fail(n, "YAML merge keys (<<) are not supported in library files")
			return nil
		default:
			return n
		}
	}
}

func (d *decoder) decode(v reflect.Value, n ast.Node) {
	n = d.unwrap(n)
	if n == nil {
		return
	}
	if v.CanAddr() {
		if h, ok := v.Addr().Interface().(nodeDecoder); ok {
			h.decodeYAML(d, n)
			return
		}
	}
	_, isNull := n.(*ast.NullNode)
	switch v.Kind() {
	case reflect.String:
		s, ok := scalarText(n)
		if !ok {
			d.fail(n, "expected text, found %s", describe(n))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		switch t := n.(type) {
		case *ast.BoolNode:
			v.SetBool(t.Value)
		case *ast.NullNode:
			v.SetBool(false)
		default:
			d.fail(n, "expected true or false, found %s", describe(n))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if isNull {
			v.SetInt(0)
			return
		}
		t, ok := n.(*ast.IntegerNode)
		if !ok {
			d.fail(n, "expected an integer, found %s", describe(n))
			return
		}
		var i int64
		switch x := t.Value.(type) {
		case int64:
			i = x
		case uint64:
			if x > math.MaxInt64 {
				d.fail(n, "integer %s is too large", t.Token.Value)
				return
			}
			i = int64(x)
		}
		if v.OverflowInt(i) {
			d.fail(n, "integer %s is too large", t.Token.Value)
			return
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		switch t := n.(type) {
		case *ast.IntegerNode:
			switch x := t.Value.(type) {
			case int64:
				v.SetFloat(float64(x))
			case uint64:
				v.SetFloat(float64(x))
			}
		case *ast.FloatNode:
			v.SetFloat(t.Value)
		case *ast.InfinityNode:
			v.SetFloat(t.Value)
		case *ast.NanNode:
			v.SetFloat(math.NaN())
		case *ast.NullNode:
			v.SetFloat(0)
		default:
			d.fail(n, "expected a number, found %s", describe(n))
		}
	case reflect.Pointer:
		if isNull {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decode(p.Elem(), n)
		v.Set(p)
	case reflect.Slice:
		if isNull {
			v.SetZero()
			return
		}
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.fail(n, "expected a list, found %s", describe(n))
			return
		}
		if len(seq.Values) == 0 {
			v.SetZero()
			return
		}
		s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, item := range seq.Values {
			d.decode(s.Index(i), item)
		}
		v.Set(s)
	case reflect.Map:
		if isNull {
			v.SetZero()
			return
		}
		values, ok := mappingValues(n)
		if !ok {
			d.fail(n, "expected a mapping, found %s", describe(n))
			return
		}
		if len(values) == 0 {
			v.SetZero()
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(values))
		keys := d.keys(values)
		for i, mv := range values {
			key, ok := keys[i].text, keys[i].ok
			if !ok {
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(e, mv.Value)
			m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.Struct:
		d.decodeStruct(v, n)
	case reflect.Interface:
		if x := d.anyValue(n); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.fail(n, "internal error: cannot decode into %s", v.Type())
	}
}

func (d *decoder) decodeStruct(v reflect.Value, n ast.Node) {
	ptr := v.Addr().Interface()
	d.pos.set(ptr, "", nodeLine(n))
	if _, ok := n.(*ast.NullNode); ok {
		return
	}
	values, ok := mappingValues(n)
	if !ok {
		d.fail(n, "expected a mapping, found %s", describe(n))
		return
	}
	info := structInfoOf(v.Type())
	var extra Fields
	keys := d.keys(values)
	for i, mv := range values {
		key, ok := keys[i].text, keys[i].ok
		if !ok {
			continue
		}
		if i, ok := info.byName[key]; ok {
			d.pos.set(ptr, key, nodeLine(mv.Key))
			d.decode(v.Field(info.fields[i].index), mv.Value)
			continue
		}
		if info.extra >= 0 {
			extra = append(extra, Field{Key: key, Value: d.anyValue(mv.Value)})
		}
	}
	if info.extra >= 0 {
		v.Field(info.extra).Set(reflect.ValueOf(extra))
	}
	if h, ok := ptr.(afterDecoder); ok {
		h.afterDecode()
	}
}

// mapKey is the text of one mapping key; ok is false when the entry must be
// skipped (the key is not a scalar, or repeats an earlier key).
type mapKey struct {
	text string
	ok   bool
}

// keys returns the text of a mapping's keys. go-yaml rejects repeated keys,
// but distinct YAML keys can have the same text (null, ~ and the empty
// string all read as ""), which the model could not keep apart.
func (d *decoder) keys(values []*ast.MappingValueNode) []mapKey {
	out := make([]mapKey, len(values))
	seen := make(map[string]bool, len(values))
	for i, mv := range values {
		text, ok := d.key(mv)
		if ok && seen[text] {
			d.fail(mv.Key, "mapping key %q appears twice", text)
			ok = false
		}
		seen[text] = true
		out[i] = mapKey{text, ok}
	}
	return out
}

// key returns the text of a mapping key.
func (d *decoder) key(mv *ast.MappingValueNode) (string, bool) {
	var k ast.Node = mv.Key
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		k = mk.Value
	}
	k = d.unwrap(k)
	if k == nil {
		return "", false
	}
	s, ok := scalarText(k)
	if !ok {
		d.fail(k, "a mapping key must be a scalar, found %s", describe(k))
	}
	return s, ok
}

// anyValue decodes a node as plain data for Fields.
func (d *decoder) anyValue(n ast.Node) any {
	n = d.unwrap(n)
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return nil
	case *ast.StringNode:
		return t.Value
	case *ast.LiteralNode:
		s, _ := scalarText(t)
		return s
	case *ast.IntegerNode:
		// go-yaml reads positive integers as uint64 and negative ones as
		// int64 ("-0" included); keep one type per value.
		if u, ok := t.Value.(uint64); ok && u <= math.MaxInt64 {
			return int64(u)
		}
		return t.Value
	case *ast.FloatNode:
		return t.Value
	case *ast.InfinityNode:
		return t.Value
	case *ast.NanNode:
		return math.NaN()
	case *ast.BoolNode:
		return t.Value
	case *ast.SequenceNode:
		out := make([]any, len(t.Values))
		for i, item := range t.Values {
			out[i] = d.anyValue(item)
		}
		return out
	case *ast.MappingNode, *ast.MappingValueNode:
		values, _ := mappingValues(t)
		out := make(Fields, 0, len(values))
		for i, k := range d.keys(values) {
			if k.ok {
				out = append(out, Field{Key: k.text, Value: d.anyValue(values[i].Value)})
			}
		}
		return out
	default:
		d.fail(n, "unsupported YAML value %s", describe(n))
		return nil
	}
}

func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

// scalarText returns a scalar's text. Numbers, booleans and the like keep
// their source spelling, so "ref_id: 4.10" reads as "4.10", not "4.1".
func scalarText(n ast.Node) (string, bool) {
	switch t := n.(type) {
	case *ast.StringNode:
		return t.Value, true
	case *ast.LiteralNode:
		if t.Value == nil {
			return "", true
		}
		return t.Value.Value, true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "null"
	}
	if s, ok := scalarText(n); ok {
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return fmt.Sprintf("%q", s)
	}
	return n.Type().String()
}
