package epcis

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// trickyStrings need escaping, or look as if they might.
var trickyStrings = []string{
	"", "plain", `a"b`, `a\b`, "<script>&amp;</script>", "a&b", "a>b", "tab\there", "nl\ncr\r", "\x00\x01\x1f\x7f",
	"\b\f", "café €", "\U0001F600", "\u2028\u2029", "\xff\xfe", "a\xc3", "\xed\xa0\x80", "end\\", "\x7f", "x\u2028y\xe2\x80", "\x1b[0m",
	"urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()", "https://id.gs1.org/01/09520123456788?x=1&y=<2>",
}

func TestMarshalTreeMatchesJSONMarshal(t *testing.T) {
	trees := map[string]any{
		"strings": func() []any {
			var out []any
			for _, s := range trickyStrings {
				out = append(out, s, map[string]any{s: s})
			}
			return out
		}(),
		"scalars":      []any{nil, true, false, json.Number("-12.50e+3"), json.Number("0"), "x", []any{}, map[string]any{}},
		"nil map":      map[string]any{"m": map[string]any(nil), "a": []any(nil)},
		"other values": map[string]any{"f": 1.5, "i": 3, "s": []string{"a"}},
	}
	for name, doc := range gs1Examples(t) {
		v, err := decodeValue(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		trees[name] = v
	}
	vectors, _ := filepath.Glob(filepath.Join(vectorDir, "*.jsonld"))
	for _, path := range vectors {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := decodeValue(data); err == nil {
			trees[path] = v
		}
	}
	for name, v := range trees {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: json.Marshal: %v", name, err)
		}
		got, err := marshalTree(v)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: marshalTree =\n%s, %v\njson.Marshal =\n%s", name, got, err, want)
		}
	}
}

func TestMarshalTreeBadNumber(t *testing.T) {
	for _, n := range []json.Number{"", "1x", "01", "NaN"} {
		want, wantErr := json.Marshal([]any{n})
		got, err := marshalTree([]any{n})
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%q: marshalTree = %s, %v; json.Marshal %s, %v", n, got, err, want, wantErr)
		}
	}
}

func TestMarshalEventStamps(t *testing.T) {
	for _, ev := range []map[string]any{
		{"type": "ObjectEvent", "eventTime": "2020-01-01T00:00:00Z", "action": "OBSERVE"},
		{"type": "ObjectEvent", "eventID": "urn:uuid:x", "recordTime": "old", "ex:a": []any{"<&>"}},
		{},
	} {
		before := maps.Clone(ev)
		got, err := marshalEvent(ev, keyValue{"recordTime", "2026-01-01T00:00:00.000Z"}, keyValue{"eventID", "ni:///x"}, keyValue{"eventID", "ni:///y"})
		if err != nil {
			t.Fatal(err)
		}
		stamped := maps.Clone(ev)
		stamped["recordTime"] = "2026-01-01T00:00:00.000Z"
		stamped["eventID"] = "ni:///y"
		want, _ := json.Marshal(stamped)
		if !bytes.Equal(got, want) {
			t.Errorf("marshalEvent =\n%s\nwant\n%s", got, want)
		}
		if !reflect.DeepEqual(ev, before) {
			t.Errorf("marshalEvent changed the event: %v", ev)
		}
	}
}

func BenchmarkMarshalEvent(b *testing.B) {
	ev := map[string]any{}
	doc := `{"type":"ObjectEvent","eventID":"urn:uuid:00000001-0000-4000-8000-000000000000","eventTime":"2026-01-01T01:00:00.000+01:00","eventTimeZoneOffset":"+01:00",` +
		`"epcList":["urn:epc:id:sgtin:4012345.000001.1","urn:epc:id:sgtin:4012345.000002.2"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",` +
		`"readPoint":{"id":"urn:epc:id:sgln:4012345.00001.1"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"},` +
		`"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:PO-000001"}],` +
		`"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:4012345.00000"}],"destinationList":[{"type":"location","destination":"urn:epc:id:sgln:4098765.00001.0"}],` +
		`"bh:equipment":"MSKU0000001","bh:seal":{"bh:number":"NL0000001","bh:class":"H","bh:state":"affixed"}}`
	v, err := decodeValue([]byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	ev = v.(map[string]any)
	b.Run("own", func(b *testing.B) {
		for b.Loop() {
			marshalEvent(ev, keyValue{"recordTime", "2026-01-01T00:00:00.000Z"}, keyValue{"eventID", "x"})
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			ev["recordTime"] = "2026-01-01T00:00:00.000Z"
			ev["eventID"] = "x"
			json.Marshal(ev)
		}
	})
}

// FuzzMarshalString checks the encoder's string escaping against
// json.Marshal on any text, invalid UTF-8 included.
func FuzzMarshalString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		var e jsonEncoder
		e.string(s)
		if !bytes.Equal(e.buf, want) {
			t.Fatalf("string(%q) = %s, json.Marshal %s", s, e.buf, want)
		}
	})
}
