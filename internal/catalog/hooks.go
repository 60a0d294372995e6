package catalog

import (
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// provenanceMarker starts the annotation of a node that carries a
// Provenance: "[bulkhead:provenance=<value>]", then one space and the rest
// of the annotation, if any.
const provenanceMarker = "[bulkhead:provenance="

// splitProvenance separates the provenance marker from an annotation.
func splitProvenance(annotation string) (Provenance, string) {
	rest, ok := strings.CutPrefix(annotation, provenanceMarker)
	if !ok {
		return "", annotation
	}
	value, rest, ok := strings.Cut(rest, "]")
	if !ok || strings.ContainsAny(value, "\n[") {
		return "", annotation
	}
	if len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\n') {
		rest = rest[1:]
	}
	return Provenance(value), rest
}

// joinProvenance is the inverse of splitProvenance.
func joinProvenance(p Provenance, annotation string) string {
	if p == "" {
		return annotation
	}
	marker := provenanceMarker + string(p) + "]"
	if annotation == "" {
		return marker
	}
	return marker + " " + annotation
}

func (n *RequirementNode) afterDecode() {
	n.Provenance, n.Annotation = splitProvenance(n.Annotation)
}

// encoder is implemented by types whose YAML shape differs from their Go
// shape: encodeValue returns what Write emits in their place.
type encoder interface {
	encodeValue() any
}

// plainNode is RequirementNode without its encoder hook.
type plainNode RequirementNode

func (n RequirementNode) encodeValue() any {
	p := plainNode(n)
	p.Annotation = joinProvenance(n.Provenance, n.Annotation)
	return p
}

func (qs *Questions) decodeYAML(d *decoder, n ast.Node) {
	if _, ok := n.(*ast.NullNode); ok {
		*qs = nil
		return
	}
	values, ok := mappingValues(n)
	if !ok {
		d.fail(n, "expected a mapping from question URN to question, found %s", describe(n))
		return
	}
	if len(values) == 0 {
		*qs = nil
		return
	}
	// The capacity is final, so &out[i] stays valid for positions.
	out := make(Questions, 0, len(values))
	for i, k := range d.keys(values) {
		if !k.ok {
			continue
		}
		mv := values[i]
		out = append(out, Question{URN: k.text})
		q := &out[len(out)-1]
		if v := d.unwrap(mv.Value); v != nil {
			d.decodeStruct(reflect.ValueOf(q).Elem(), v)
		}
		d.pos.set(q, "", nodeLine(mv.Key))
	}
	*qs = out
}

func (qs Questions) encodeValue() any {
	out := make(Fields, len(qs))
	for i, q := range qs {
		out[i] = Field{Key: q.URN, Value: q}
	}
	return out
}
