package epcis

import (
	"bytes"
	"encoding/json"
	"time"
)

// ContextURL is the standard EPCIS 2.0 JSON-LD context.
const ContextURL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// StoredEvent is an event as a repository keeps it: its JSON and the
// "@context" of the document it was captured in (nil for none).
type StoredEvent struct {
	JSON    []byte
	Context []byte
}

// QueryDocument writes an EPCISQueryDocument holding events, in order. Its
// "@context" is the standard context plus the term definitions of the
// documents the events came from, so that their extensions keep their
// namespaces; an event whose document defines a prefix differently from an
// earlier one carries its document's context itself.
func QueryDocument(queryName string, events []StoredEvent, created time.Time) ([]byte, error) {
	ctxList := []any{ContextURL}
	terms := map[string]any{}        // merged term definitions
	seen := map[string]bool{}        // contexts already merged, by JSON
	conflicting := map[string]bool{} // contexts that could not be merged
	for _, ev := range events {
		if len(ev.Context) == 0 || seen[string(ev.Context)] || conflicting[string(ev.Context)] {
			continue
		}
		defs, ok := contextTerms(ev.Context)
		for k, v := range defs {
			if old, dup := terms[k]; dup && !jsonEqual(old, v) {
				ok = false
			}
		}
		if !ok {
			conflicting[string(ev.Context)] = true
			continue
		}
		seen[string(ev.Context)] = true
		for k, v := range defs {
			terms[k] = v
		}
	}
	if len(terms) > 0 {
		ctxList = append(ctxList, terms)
	}
	head := map[string]any{
		"@context":      ctxList,
		"type":          "EPCISQueryDocument",
		"schemaVersion": "2.0",
		"creationDate":  created.UTC().Format("2006-01-02T15:04:05.000Z"),
	}
	hb, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(hb) + 128 + len(events)*1024)
	b.Write(hb[:len(hb)-1])
	qn, _ := json.Marshal(queryName)
	b.WriteString(`,"epcisBody":{"queryResults":{"queryName":`)
	b.Write(qn)
	b.WriteString(`,"resultsBody":{"eventList":[`)
	for i, ev := range events {
		if i > 0 {
			b.WriteByte(',')
		}
		body := ev.JSON
		if conflicting[string(ev.Context)] {
			if body, err = withContext(ev.JSON, ev.Context); err != nil {
				return nil, err
			}
		}
		b.Write(body)
	}
	b.WriteString("]}}}}")
	return b.Bytes(), nil
}

// contextTerms returns the term definitions of a document context (objects
// in it, merged); ok is false when it holds something other than the
// standard context URL and objects.
func contextTerms(raw []byte) (map[string]any, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false
	}
	out := map[string]any{}
	var add func(v any) bool
	add = func(v any) bool {
		switch v := v.(type) {
		case string:
			return true // the standard context, or a remote one we never fetch
		case map[string]any:
			for k, x := range v {
				out[k] = x
			}
			return true
		case []any:
			for _, x := range v {
				if !add(x) {
					return false
				}
			}
			return true
		}
		return false
	}
	return out, add(v)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// withContext returns an event's JSON with its document's context as its
// own "@context", unless it has one.
func withContext(event, ctx []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(event, &m); err != nil {
		return nil, err
	}
	if _, own := m["@context"]; own {
		return event, nil
	}
	m["@context"] = ctx
	return json.Marshal(m)
}
