// Package epcis computes the GS1 EPCIS 2.0 event hash ID defined by the
// Core Business Vocabulary (CBV) 2.0 standard: a SHA-256 digest of a
// canonical "pre-hash" string of an event, written as an RFC 6920 "ni" URI,
// ni:///sha-256;<hex>?ver=CBV2.0.
//
// The hash does not depend on the syntax the event came in: the JSON-LD and
// XML bindings of one event, with members in any order and any whitespace,
// hash alike. The pre-hash string lists the event's members in a fixed
// order with identifiers normalised (EPC URNs and GS1 Digital Link URIs on
// any domain become constrained canonical Digital Link URIs), times in UTC
// with milliseconds, CBV values as Web URIs, numbers without trailing zeros
// and user extensions as sorted {namespace}localName=value strings.
// recordTime, eventID, errorDeclaration and comments are not hashed, nor are
// fields a document lists in an "ignoreFields" member.
//
// ValidateDocument checks an EPCIS 2.0 JSON or JSON-LD document before
// capture: against the official EPCIS 2.0 JSON Schema (embedded in the
// binary) and against the business rules the schema cannot express (see
// Rules), reporting each problem with the event and field at fault.
//
// The package is pure: it parses the bytes it is given and does no I/O (a
// remote JSON-LD context is not fetched; the prefixes of the standard EPCIS
// 2.0 context are built in). Its test vectors are those of the reference
// implementation, github.com/RalphTro/epcis-event-hash-generator.
package epcis

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Version is the algorithm version each hash names: the CBV release that
// defines the event hash ID.
const Version = "CBV2.0"

// EventHash is the event hash ID of one event of a document.
type EventHash struct {
	// Index is the position of the event in document order, from 0.
	Index int
	// EventID is the event's own eventID, if the document gives one. It
	// takes no part in the hash; when it is itself a hash ID, comparing it
	// with Hash checks the event.
	EventID string
	// PreHash is the canonical string the hash is computed from.
	PreHash string
	// Hash is the event hash ID: "ni:///sha-256;<hex>?ver=CBV2.0".
	Hash string
}

// Error reports an event, or a member of one, that the hasher cannot read.
type Error struct {
	// Index is the position of the event in document order, from 0; -1 when
	// the event was given on its own (PreHash, Hash).
	Index int
	// EventID is the event's eventID, if it has one.
	EventID string
	// Field is the path of the member at fault, such as
	// "sensorElementList[0].sensorReport[2].time"; "" for the event itself.
	Field string
	// Err is what is wrong.
	Err error
}

// Error returns a message naming the event and the field.
func (e *Error) Error() string {
	msg := "epcis: event"
	if e.Index >= 0 {
		msg += " " + strconv.Itoa(e.Index)
	}
	if e.EventID != "" {
		msg += fmt.Sprintf(" (eventID %q)", e.EventID)
	}
	if e.Field != "" {
		msg += ", field " + e.Field
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// HashDocument returns the hash of every event in doc, in document order.
// doc is JSON or JSON-LD (an EPCISDocument, an EPCISQueryDocument, a bare
// event or an array of events) or XML (the EPCIS 2.0 or 1.2 XML binding:
// EPCISDocument, EPCISQueryDocument, a query response or a bare event). A
// document without events gives an empty slice.
//
// An event the hasher cannot read (no or an unknown type, no eventTime, a
// timestamp without time zone, a member of the wrong shape, an undeclared
// CURIE prefix) makes the whole call fail with an *Error naming the event
// and the member. Input that is not an EPCIS document at all gives a plain
// error.
func HashDocument(doc []byte) ([]EventHash, error) {
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return hashXML(trimmed)
	}
	return hashJSON(doc)
}

func hashJSON(doc []byte) ([]EventHash, error) {
	d, err := readJSONDocument(doc)
	if err != nil {
		return nil, err
	}
	c, err := newCanonicaliser(d.ctx, d.ignore)
	if err != nil {
		return nil, fmt.Errorf("epcis: %w", err)
	}
	out := make([]EventHash, 0, len(d.events))
	for i, raw := range d.events {
		ev, ok := raw.(map[string]any)
		if !ok {
			return nil, &Error{Index: i, Err: fmt.Errorf("want an object, got %s", jsonKind(raw))}
		}
		h, err := c.hashEvent(ev, i)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// hashEvent hashes one event, reading it in its own "@context" if it has
// one.
func (c *canonicaliser) hashEvent(ev map[string]any, i int) (EventHash, error) {
	h, err := c.hash(ev, i, true)
	h.EventID = strings.Clone(h.EventID) // not a slice of the whole document's text
	return h, err
}

// hash hashes one event as hashEvent does; the PreHash of the result is set
// only if withPreHash.
func (c *canonicaliser) hash(ev map[string]any, i int, withPreHash bool) (EventHash, error) {
	id, _ := ev["eventID"].(string)
	ec := c
	if raw, ok := ev["@context"]; ok {
		ctx, err := c.ctx.with(raw)
		if err != nil {
			return EventHash{}, &Error{Index: i, EventID: id, Field: "@context", Err: err}
		}
		ec = &canonicaliser{ctx: ctx, ignore: c.ignore}
	}
	st := eventStatePool.Get().(*eventState)
	defer st.put()
	pre, err := ec.event(st.buf[:0], ev, &st.path)
	st.buf = pre
	if err != nil {
		return EventHash{}, eventError(err, i, id)
	}
	h := EventHash{Index: i, EventID: id, Hash: hashID(sha256.Sum256(pre))}
	if withPreHash {
		h.PreHash = string(pre)
	}
	return h, nil
}

// eventState is what hashing one event needs besides the event: a buffer
// for the pre-hash string and the path of the member being read.
type eventState struct {
	buf  []byte
	path fieldPath
}

var eventStatePool = sync.Pool{New: func() any { return &eventState{buf: make([]byte, 0, preHashSize)} }}

// maxPooledBuffer bounds the buffers kept for reuse: one outsized event
// should not keep its buffer for good.
const maxPooledBuffer = 64 << 10

// put returns st to the pool, holding no key of the event.
func (st *eventState) put() {
	clear(st.path.segs[:cap(st.path.segs)])
	st.path.segs = st.path.segs[:0]
	if cap(st.buf) > maxPooledBuffer {
		return
	}
	eventStatePool.Put(st)
}

func eventError(err error, i int, id string) *Error {
	e := &Error{Index: i, EventID: id, Err: err}
	var fe *fieldError
	if errors.As(err, &fe) {
		e.Field, e.Err = fe.path, fe.err
	}
	return e
}

// PreHash returns the canonical pre-hash string of one event given as
// decoded JSON: the JSON-LD binding, as encoding/json decodes it into a
// map[string]any (numbers as float64 or json.Number). User extension keys
// are CURIEs; an "@context" member in the event declares their prefixes on
// top of those of the standard EPCIS context. Errors are *Error values with
// Index -1.
func PreHash(event map[string]any) (string, error) {
	h, err := hashMap(event)
	return h.PreHash, err
}

// Hash returns the event hash ID of one event given as PreHash takes it:
// "ni:///sha-256;<hex>?ver=CBV2.0".
func Hash(event map[string]any) (string, error) {
	h, err := hashMap(event)
	return h.Hash, err
}

func hashMap(event map[string]any) (EventHash, error) {
	c, err := newCanonicaliser(defaultContext(), nil)
	if err != nil {
		return EventHash{}, err
	}
	return c.hashEvent(event, -1)
}

// HashPreHash returns the event hash ID of a canonical pre-hash string: its
// SHA-256 digest in hex, in an RFC 6920 "ni" URI naming the CBV version.
func HashPreHash(preHash string) string {
	return hashID(sha256.Sum256([]byte(preHash)))
}

// hashID writes a SHA-256 digest as an event hash ID.
func hashID(sum [sha256.Size]byte) string {
	const head, tail = "ni:///sha-256;", "?ver=" + Version
	var b [len(head) + 2*sha256.Size + len(tail)]byte
	copy(b[:], head)
	hex.Encode(b[len(head):], sum[:])
	copy(b[len(head)+2*sha256.Size:], tail)
	return string(b[:])
}
