package epcis

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// This file reads the EPCIS XML binding into the shape the canonicaliser
// takes (that of the JSON binding): standard elements under their names,
// extension elements and attributes under "{namespace}localName" keys,
// lists as arrays, the 1.x <extension> and <baseExtension> wrappers
// flattened.

// xmlNode is one element of a parsed XML document.
type xmlNode struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*xmlNode
	text     strings.Builder
}

// maxXMLDepth bounds element nesting.
const maxXMLDepth = 1000

// parseXML builds the element tree of data.
func parseXML(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var root *xmlNode
	var stack []*xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("epcis: not valid XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return nil, errors.New("epcis: XML nested too deeply")
			}
			n := &xmlNode{name: t.Name, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("epcis: not valid XML: more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("epcis: not valid XML: no root element")
	}
	return root, nil
}

// isStandard reports whether an element name is an EPCIS one: unqualified,
// as the XML binding writes event members, or in an EPCIS namespace.
func isStandard(n xml.Name) bool {
	return n.Space == "" || strings.HasPrefix(n.Space, "urn:epcglobal:epcis")
}

// xmlKey is the member key of an element or attribute name.
func xmlKey(n xml.Name) string {
	if isStandard(n) {
		return n.Local
	}
	return "{" + n.Space + "}" + n.Local
}

// skipAttr reports attributes that are XML machinery, not data.
func skipAttr(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" ||
		a.Name.Space == "http://www.w3.org/2001/XMLSchema-instance"
}

// xmlDocument is a parsed XML input: its events in document order and the
// fields its ignoreFields element names.
type xmlDocument struct {
	events []*xmlNode
	ignore []any
}

func readXMLDocument(data []byte) (*xmlDocument, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	d := &xmlDocument{}
	if _, ok := eventTypeOf(root.name.Local); ok && isStandard(root.name) {
		d.events = []*xmlNode{root}
		return d, nil
	}
	d.walk(root)
	return d, nil
}

// walk finds event lists and ignoreFields elements outside events.
func (d *xmlDocument) walk(n *xmlNode) {
	for _, c := range n.children {
		switch {
		case c.name.Local == "ignoreFields":
			for _, f := range c.children {
				d.ignore = append(d.ignore, xmlKey(f.name))
			}
		case c.name.Local == "EventList" && isStandard(c.name):
			d.addEvents(c)
		default:
			d.walk(c)
		}
	}
}

func (d *xmlDocument) addEvents(list *xmlNode) {
	for _, c := range list.children {
		if c.name.Local == "extension" && isStandard(c.name) {
			d.addEvents(c) // EPCIS 1.x wraps newer event types in <extension>
			continue
		}
		d.events = append(d.events, c)
	}
}

func hashXML(doc []byte) ([]EventHash, error) {
	d, err := readXMLDocument(doc)
	if err != nil {
		return nil, err
	}
	// Keys are already expanded, so the context is empty: a bare key must not
	// be mistaken for a JSON-LD term.
	c, err := newCanonicaliser(&ldContext{terms: map[string]string{}}, d.ignore)
	if err != nil {
		return nil, fmt.Errorf("epcis: %w", err)
	}
	out := make([]EventHash, 0, len(d.events))
	for i, n := range d.events {
		ev, err := xmlEvent(n)
		if err != nil {
			return nil, eventError(err, i, "")
		}
		h, err := c.hashEvent(ev, i)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// xmlEvent converts an event element.
func xmlEvent(n *xmlNode) (map[string]any, error) {
	ev := map[string]any{"type": n.name.Local}
	if !isStandard(n.name) {
		ev["type"] = xmlKey(n.name)
	}
	if err := xmlMembers(ev, n, ""); err != nil {
		return nil, err
	}
	return ev, nil
}

// epcLists hold <epc> children; quantityLists hold <quantityElement>s;
// typedLists hold elements whose text is an identifier and whose type
// attribute qualifies it.
var (
	epcLists      = map[string]bool{"epcList": true, "childEPCs": true, "inputEPCList": true, "outputEPCList": true}
	quantityLists = map[string]bool{"quantityList": true, "childQuantityList": true, "inputQuantityList": true, "outputQuantityList": true}
	typedLists    = map[string]bool{"bizTransactionList": true, "sourceList": true, "destinationList": true}
	// objectElements are always objects, even when empty.
	objectElements = map[string]bool{"readPoint": true, "bizLocation": true, "ilmd": true, "persistentDisposition": true,
		"quantityElement": true, "sensorElement": true, "sensorMetadata": true, "sensorReport": true}
)

// xmlMembers adds the children of an event element (or of its extension
// wrappers) to ev.
func xmlMembers(ev map[string]any, n *xmlNode, path string) error {
	for _, c := range n.children {
		key := xmlKey(c.name)
		p := join(path, key)
		if !isStandard(c.name) {
			addMember(ev, key, xmlValue(c, 0))
			continue
		}
		switch name := c.name.Local; {
		case name == "extension" || name == "baseExtension":
			if err := xmlMembers(ev, c, path); err != nil {
				return err
			}
		case name == "errorDeclaration":
			// not hashed; skipped rather than converted
		case epcLists[name]:
			list := []any{}
			for i, e := range c.children {
				if e.name.Local != "epc" || !isStandard(e.name) || len(e.children) > 0 {
					return errAt(index(p, i), "want an <epc> element, got <%s>", e.name.Local)
				}
				list = append(list, e.text.String())
			}
			addMember(ev, name, list)
		case quantityLists[name] || name == "sensorElementList":
			list := []any{}
			for _, e := range c.children {
				list = append(list, xmlValue(e, 0))
			}
			addMember(ev, name, list)
		case typedLists[name]:
			list := []any{}
			for i, e := range c.children {
				if len(e.children) > 0 {
					return errAt(index(p, i), "<%s> has child elements", e.name.Local)
				}
				m := map[string]any{}
				for _, a := range e.attrs {
					if !skipAttr(a) {
						addMember(m, xmlKey(a.Name), a.Value)
					}
				}
				addMember(m, xmlKey(e.name), e.text.String())
				list = append(list, m)
			}
			addMember(ev, name, list)
		default:
			addMember(ev, name, xmlValue(c, 0))
		}
	}
	return nil
}

// xmlValue converts an element generically: its text if it has neither
// attributes nor children, else an object of its attributes and children
// (repeated names become arrays; text beside them goes under the key "").
func xmlValue(n *xmlNode, depth int) any {
	text := strings.TrimSpace(n.text.String())
	m := map[string]any{}
	for _, a := range n.attrs {
		if !skipAttr(a) {
			addMember(m, xmlKey(a.Name), a.Value)
		}
	}
	for _, c := range n.children {
		if depth < maxXMLDepth {
			addMember(m, xmlKey(c.name), xmlValue(c, depth+1))
		}
	}
	if len(m) == 0 && !(isStandard(n.name) && objectElements[n.name.Local]) {
		return text
	}
	if text != "" {
		addMember(m, "", text)
	}
	return m
}

// addMember sets m[key], turning a repeated key into an array.
func addMember(m map[string]any, key string, v any) {
	old, ok := m[key]
	if !ok {
		m[key] = v
		return
	}
	oldList, oldIsList := old.([]any)
	newList, newIsList := v.([]any)
	switch {
	case oldIsList && newIsList:
		m[key] = append(oldList, newList...)
	case oldIsList:
		m[key] = append(oldList, v)
	case newIsList:
		m[key] = append([]any{old}, newList...)
	default:
		m[key] = []any{old, v}
	}
}
