package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ldContext is the part of a JSON-LD context the hash needs: which IRI a
// CURIE prefix or a term stands for. Remote contexts (a URL string in
// "@context") are not fetched: the hasher does no I/O, and the only remote
// context an EPCIS document needs is the standard EPCIS 2.0 one, whose
// prefixes are built in (defaultContext). An event's own "@context" adds a
// layer over the document's rather than copying it, so that many events
// with a context each cost no more than their own definitions.
type ldContext struct {
	terms  map[string]string // prefix or term → IRI; "" undefines it
	vocab  string            // "@vocab", if set in this layer or below
	parent *ldContext
}

// defaultContext holds the prefixes the EPCIS 2.0 JSON-LD context defines.
func defaultContext() *ldContext {
	return &ldContext{terms: map[string]string{
		"epcis":   nsEPCIS,
		"cbv":     nsCBV,
		"cbvmda":  "urn:epcglobal:cbv:mda:",
		"gs1":     nsGS1,
		"rdfs":    nsRDFS,
		"owl":     "http://www.w3.org/2002/07/owl#",
		"xsd":     "http://www.w3.org/2001/XMLSchema#",
		"dcterms": "http://purl.org/dc/terms/",
	}}
}

// lookup returns the IRI a prefix or term is defined as.
func (c *ldContext) lookup(k string) (string, bool) {
	for ; c != nil; c = c.parent {
		if iri, ok := c.terms[k]; ok {
			return iri, iri != ""
		}
	}
	return "", false
}

// with returns c extended by a "@context" value: a URL (ignored, see
// context), an object of term definitions, or an array of both.
func (c *ldContext) with(raw any) (*ldContext, error) {
	if raw == nil {
		return c, nil
	}
	n := &ldContext{terms: map[string]string{}, vocab: c.vocab, parent: c}
	var add func(v any) error
	add = func(v any) error {
		switch v := v.(type) {
		case string:
			return nil
		case []any:
			for _, x := range v {
				if err := add(x); err != nil {
					return err
				}
			}
			return nil
		case map[string]any:
			for _, k := range sortedKeys(v) {
				def := v[k]
				switch {
				case k == "@vocab":
					s, _ := def.(string)
					n.vocab = n.expandIRI(s)
				case strings.HasPrefix(k, "@"):
				case def == nil:
					n.terms[k] = ""
				default:
					switch d := def.(type) {
					case string:
						if !strings.HasPrefix(d, "@") {
							n.terms[k] = n.expandIRI(d)
						}
					case map[string]any:
						if id, ok := d["@id"].(string); ok && !strings.HasPrefix(id, "@") {
							n.terms[k] = n.expandIRI(id)
						}
					}
				}
			}
			return nil
		}
		return fmt.Errorf("@context: want a URL, an object or an array, got %s", jsonKind(v))
	}
	if err := add(raw); err != nil {
		return nil, err
	}
	return n, nil
}

// expandIRI expands a CURIE whose prefix is defined; other strings are
// returned as they are.
func (c *ldContext) expandIRI(s string) string {
	if p, local, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(local, "//") {
		if ns, ok := c.lookup(p); ok {
			return ns + local
		}
	}
	return s
}

// errUndeclaredPrefix reports a CURIE key whose prefix no context defines.
var errUndeclaredPrefix = errors.New("undeclared namespace prefix")

// expandKey returns the pre-hash name of a member key that is not a
// standard EPCIS term: "{namespace}localName" for a CURIE, an absolute IRI
// or a defined term; the key itself for an undefined bare term (it is hashed
// as written rather than dropped). Keys already in "{ns}local" form (from
// the XML binding) pass through.
func (c *ldContext) expandKey(k string) (string, error) {
	if strings.HasPrefix(k, "{") || strings.HasPrefix(k, "@") {
		return k, nil
	}
	if iri, ok := c.lookup(k); ok {
		return splitIRI(iri), nil
	}
	p, local, ok := strings.Cut(k, ":")
	if !ok {
		if c.vocab != "" {
			return "{" + c.vocab + "}" + k, nil
		}
		return k, nil
	}
	if strings.HasPrefix(local, "//") || p == "urn" {
		return splitIRI(k), nil
	}
	if ns, ok := c.lookup(p); ok {
		return "{" + ns + "}" + local, nil
	}
	return "", fmt.Errorf("%w %q", errUndeclaredPrefix, p)
}

// splitIRI writes an absolute IRI as "{namespace}localName", splitting after
// the last '#', '/' or ':'.
func splitIRI(iri string) string {
	i := strings.LastIndexAny(iri, "#/")
	if i < 0 {
		i = strings.LastIndex(iri, ":")
	}
	return "{" + iri[:i+1] + "}" + iri[i+1:]
}

// jsonDocument is a parsed JSON or JSON-LD input: its events in document
// order, the JSON-LD context they are read in and the user extension fields
// the document asks to leave out of the hash.
type jsonDocument struct {
	events []any
	ctx    *ldContext
	ignore []any // "ignoreFields" values, still CURIEs
}

// decodeJSON decodes exactly one JSON value, keeping number literals.
func decodeJSON(data []byte) (any, error) {
	if v, ok := decodeFast(data); ok {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("epcis: not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("epcis: not valid JSON: data after the top-level value")
	}
	return v, nil
}

// readJSONDocument finds the events of an EPCISDocument
// (epcisBody.eventList), an EPCISQueryDocument
// (epcisBody.queryResults.resultsBody.eventList), a bare event or a JSON
// array of events.
func readJSONDocument(data []byte) (*jsonDocument, error) {
	root, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	d := &jsonDocument{ctx: defaultContext()}
	if arr, ok := root.([]any); ok {
		d.events = arr
		return d, nil
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("epcis: want a JSON object (an EPCIS document or event), got %s", jsonKind(root))
	}
	if d.ctx, err = d.ctx.with(obj["@context"]); err != nil {
		return nil, fmt.Errorf("epcis: document %w", err)
	}
	body, hasBody := obj["epcisBody"]
	if !hasBody {
		if _, isEvent := eventTypeOf(obj["type"]); isEvent || obj["eventTime"] != nil {
			d.events = []any{obj}
			return d, nil
		}
		return nil, errors.New("epcis: no epcisBody and not an EPCIS event")
	}
	d.collectIgnore(obj)
	bodyObj, ok := body.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("epcis: epcisBody: want an object, got %s", jsonKind(body))
	}
	d.collectIgnore(bodyObj)
	path := "epcisBody"
	list, ok := bodyObj["eventList"]
	if !ok {
		qr, ok := bodyObj["queryResults"].(map[string]any)
		if !ok {
			return nil, errors.New("epcis: epcisBody has neither eventList nor queryResults")
		}
		d.collectIgnore(qr)
		rb, ok := qr["resultsBody"].(map[string]any)
		if !ok {
			return nil, errors.New("epcis: epcisBody.queryResults has no resultsBody object")
		}
		d.collectIgnore(rb)
		list, path = rb["eventList"], "epcisBody.queryResults.resultsBody"
	}
	switch l := list.(type) {
	case []any:
		d.events = l
	case nil:
		// an empty query result may leave eventList out
	default:
		return nil, fmt.Errorf("epcis: %s.eventList: want an array, got %s", path, jsonKind(list))
	}
	return d, nil
}

// collectIgnore records the fields an "ignoreFields" member of a document
// level object names (any namespace, e.g. "repository-x:ignoreFields"), as
// the reference implementation's vectors do: repository-specific fields such
// as a capture ID must not change the hash.
func (d *jsonDocument) collectIgnore(obj map[string]any) {
	for _, k := range sortedKeys(obj) {
		if k == "ignoreFields" || strings.HasSuffix(k, ":ignoreFields") {
			switch v := obj[k].(type) {
			case []any:
				d.ignore = append(d.ignore, v...)
			case string:
				d.ignore = append(d.ignore, v)
			}
		}
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
