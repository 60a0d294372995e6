package epcis

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hashErrorsGolden holds, for GS1 examples with one member replaced by a
// value of the wrong kind, the error HashDocument gave before the hasher
// was reworked for speed: the errors, the fields they name included, must
// stay the same.
const hashErrorsGolden = "testdata/hash-errors.golden.jsonl"

// hashMutation is one such case: in example, the member at path (keys and
// array indexes) replaced by hashMutationValues[value].
type hashMutation struct {
	Example string `json:"example"`
	Path    []any  `json:"path"`
	Value   int    `json:"value"`
	Err     string `json:"err"`
}

var hashMutationValues = []string{`{"x":1}`, `5.50`, `[[1]]`, `"notatime"`, `null`, `{"zz:q":"a"}`, `" urn:epc:id:sgtin:0614141.107346.2018 "`, `true`, `[]`, `{}`}

// mutateMember returns doc with the member at path replaced by the JSON value.
func mutateMember(t *testing.T, doc []byte, path []any, value string) []byte {
	t.Helper()
	var root any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	var v any
	dec = json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	cur := root
	for i, step := range path {
		last := i == len(path)-1
		switch s := step.(type) {
		case string:
			m := cur.(map[string]any)
			if last {
				m[s] = v
			}
			cur = m[s]
		case float64: // an index, as JSON decodes it
			a := cur.([]any)
			if last {
				a[int(s)] = v
			}
			cur = a[int(s)]
		}
	}
	out, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHashErrorsUnchanged(t *testing.T) {
	f, err := os.Open(filepath.FromSlash(hashErrorsGolden))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	examples := gs1Examples(t)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var m hashMutation
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		doc, ok := examples[m.Example]
		if !ok {
			t.Fatalf("no example %q", m.Example)
		}
		_, err := HashDocument(mutateMember(t, doc, m.Path, hashMutationValues[m.Value]))
		if err == nil || err.Error() != m.Err {
			t.Errorf("%s, %v = %s: error\n%v\nwant\n%s", m.Example, m.Path, hashMutationValues[m.Value], err, m.Err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("only %d cases in %s", n, hashErrorsGolden)
	}
}
