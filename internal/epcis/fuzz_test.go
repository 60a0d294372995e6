package epcis

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzHashDocument checks that HashDocument never panics and, when it
// succeeds, is deterministic and consistent. Seeds: every vector input and
// a few odd documents. Run with: go test -fuzz=FuzzHashDocument ./internal/epcis/
func FuzzHashDocument(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join(vectorDir, "*.jsonld"))
	xmls, _ := filepath.Glob(filepath.Join(vectorDir, "*.xml"))
	for _, path := range append(inputs, xmls...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `"x"`, `[null]`, `<x/>`, `<?xml version="1.0"?>`,
		`{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "quantityList": [{"quantity": 1e999999999}]}`,
		`{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "ex:a": {"ex:b": [[[{"@value": 1}]]]}, "@context": {"ex": "urn:x:"}}`,
		`{"type": "ObjectEvent", "eventTime": "9999-12-31T23:59:59.9999Z", "epcList": "urn:epc:id:sgtin:0614141.107346.%"}`,
		`{"@context": [{"@vocab": "urn:v:"}, null, 3], "epcisBody": {"eventList": [{"type": "AssociationEvent", "eventTime": "2020-01-01T00:00:00+14:00"}]}}`,
		`{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "readPoint": {"id": "https://a.b/01/12345670/21/%zz"}}`,
		`<ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime><extension><extension><ilmd/></extension></extension></ObjectEvent>`,
		`<a><EventList><extension><ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime><x:y xmlns:x="u:">t<x:z/></x:y></ObjectEvent></extension></EventList></a>`,
		`{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "sensorElementList": {"sensorReport": {"value": "1.0e1", "booleanValue": false}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		hs, err := HashDocument(doc)
		if err != nil {
			if err.Error() == "" || !strings.HasPrefix(err.Error(), "epcis: ") {
				t.Fatalf("error %q does not say where it comes from", err)
			}
			var e *Error
			if errors.As(err, &e) && e.Err == nil {
				t.Fatalf("*Error without a cause: %#v", e)
			}
			return
		}
		again, err := HashDocument(doc)
		if err != nil || len(again) != len(hs) {
			t.Fatalf("second run: %d events, %v; first: %d events", len(again), err, len(hs))
		}
		for i, h := range hs {
			if h.Index != i || h.Hash != HashPreHash(h.PreHash) || again[i] != h {
				t.Fatalf("event %d: inconsistent result %+v / %+v", i, h, again[i])
			}
			if !strings.HasPrefix(h.PreHash, "eventType=") {
				t.Fatalf("event %d: pre-hash %q", i, h.PreHash)
			}
		}
	})
}

// FuzzNormaliseIdentifier checks that identifier normalisation never panics
// and is idempotent: a canonical identifier stays as it is.
func FuzzNormaliseIdentifier(f *testing.F) {
	for _, s := range []string{
		"urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()",
		"urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB",
		"urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234",
		"urn:epc:id:itip:4012345.011111.01.02.987",
		"urn:epc:class:lgtin:4012345.012345.Lot987",
		"https://example.com/gtin/09780345418913/21/765tz?abc=211121",
		"http://brand.example/some/path/01/9506000134352/10/L1/21/S%2F1#x",
		"https://example.org/8010/0614141ABC/8011/12",
		"urn:epcglobal:cbv:bizstep:shipping",
		"https://x/01/12345670/01/12345670",
		"geo:47.506694,11.104301",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normaliseIdentifier(s)
		if again := normaliseIdentifier(n); again != n {
			t.Fatalf("normaliseIdentifier(%q) = %q, then %q", s, n, again)
		}
		if b := appendIdentifier([]byte("x="), s); string(b) != "x="+n {
			t.Fatalf("appendIdentifier(%q) = %q, normaliseIdentifier %q", s, b, n)
		}
	})
}
