package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// stdDecode is what decodeFast must agree with: encoding/json with
// UseNumber, one value and nothing after it.
func stdDecode(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// trickyJSON are inputs at the edges of the JSON grammar and of string
// decoding.
var trickyJSON = []string{
	``, ` `, `null`, `true`, `false`, `nul`, `truex`, `0`, `-0`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `1E-7`,
	`-12.5e+03`, `1.0`, `123456789012345678901234567890`, `[]`, `{}`, `[ ]`, `{ }`, `[1,]`, `{"a":1,}`,
	`{"a" 1}`, `{a:1}`, `[1 2]`, `{"a":1}{}`, `{} x`, ` {"a" : [ 1 , 2 ] } `, "\t[\r\n1\n]\t",
	`{"a":1,"a":2}`, `{"a":{"a":{"a":[[[]]]}}}`, `"\u00e9\u20ac\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
	`"\ude00\ud83d"`, `"\uZZZZ"`, `"\/\b\f\n\r\t\"\\"`, `"\x"`, "\"a\x01b\"", "\"\xff\"", "\"caf\xc3\xa9\"",
	"\"\xed\xa0\x80\"", "\"\xe2\x80\xa8\"", `"unterminated`, `"\"`, `"a\\"`, `[` + strings.Repeat(`"x",`, 50) + `"y"]`,
	"{\"\xff\":1}", `{"\u0041":"\u0000"}`, `{"":""}`, `[null,true,false,-1,"s",{},[]]`, "\xef\xbb\xbf{}",
	`{"id":"https:\/\/id.gs1.org\/01\/09520123456788","t":"\u00E9\uD83D\uDE00\uDBFF\uDFFF\u0000\n"}`, `"\ud800\ud800"`, `"\ud800\u0041"`,
	`"\'"`, `"\u12"`, `"\u12G4"`, `"a\`, "\"\\u00e9\xff\xc3\"", "\"\xf0\x9f\x98\"", `"\ud83d\`, `"\ud83d\u"`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
}

func TestDecodeFastMatchesEncodingJSON(t *testing.T) {
	inputs := map[string][]byte{}
	for i, s := range trickyJSON {
		inputs[fmt.Sprintf("tricky %d %q", i, s[:min(len(s), 20)])] = []byte(s)
	}
	for name, doc := range gs1Examples(t) {
		inputs[name] = doc
	}
	vectors, _ := filepath.Glob(filepath.Join(vectorDir, "*.jsonld"))
	for _, path := range vectors {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs[path] = data
	}
	decoded := 0
	for name, data := range inputs {
		want, wantOK := stdDecode(data)
		got, gotOK := decodeFast(data)
		if gotOK && !wantOK {
			t.Errorf("%s: decodeFast accepts what encoding/json refuses: %q", name, data)
			continue
		}
		if gotOK {
			decoded++
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: decodeFast gives\n%#v\nencoding/json\n%#v", name, got, want)
			}
		}
		// whatever decodeFast leaves, decodeValue must still agree
		v, err := decodeValue(data)
		if (err == nil) != wantOK || wantOK && !reflect.DeepEqual(v, want) {
			t.Errorf("%s: decodeValue = %#v, %v; encoding/json %#v, %v", name, v, err, want, wantOK)
		}
	}
	if decoded < len(inputs)/2 {
		t.Errorf("decodeFast handled only %d of %d inputs itself", decoded, len(inputs))
	}
}

func TestDecodeFastHandlesEscapes(t *testing.T) {
	v, ok := decodeFast([]byte(`{"k\u00e9y":["a\"b","\ud83d\ude00","caf` + "\xc3\xa9" + `"]}`))
	want := map[string]any{"kéy": []any{`a"b`, "\U0001F600", "café"}}
	if !ok || !reflect.DeepEqual(v, want) {
		t.Fatalf("decodeFast = %#v, %v; want %#v", v, ok, want)
	}
}

// FuzzDecodeFast checks decodeFast against encoding/json on any input, and
// marshalTree against json.Marshal on what it decodes.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range trickyJSON {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantOK := stdDecode(data)
		got, gotOK := decodeFast(data)
		if gotOK && (!wantOK || !reflect.DeepEqual(got, want)) {
			t.Fatalf("decodeFast(%q) = %#v; encoding/json %#v, %v", data, got, want, wantOK)
		}
		if wantOK {
			b, err := marshalTree(want)
			wantB, wantErr := json.Marshal(want)
			if (err == nil) != (wantErr == nil) || !bytes.Equal(b, wantB) {
				t.Fatalf("marshalTree(%q) = %s, %v; json.Marshal %s, %v", data, b, err, wantB, wantErr)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	var doc bytes.Buffer
	doc.WriteString(`{"epcisBody":{"eventList":[`)
	for i := range 1000 {
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `{"type":"ObjectEvent","eventID":"urn:uuid:%08d-0000-4000-8000-000000000000","eventTime":"2026-01-01T00:00:00.000+01:00","eventTimeZoneOffset":"+01:00","epcList":["urn:epc:id:sgtin:4012345.000001.%d","urn:epc:id:sgtin:4012345.000002.%d"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","readPoint":{"id":"urn:epc:id:sgln:4012345.00001.1"},"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:PO-%06d"}],"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":4.5,"uom":"CEL"}]}]}`, i, i, i, i)
	}
	doc.WriteString(`]}}`)
	data := doc.Bytes()
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, ok := decodeFast(data); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, ok := stdDecode(data); !ok {
				b.Fatal("refused")
			}
		}
	})
}
