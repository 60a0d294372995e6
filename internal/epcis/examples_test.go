package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gs1ExamplesDir returns a copy of github.com/gs1/EPCIS (its XML/ example
// folder), kept in shared/research-data beside the repository; the JSON
// examples are also in testdata/gs1-json (see its README), so they run in
// CI. EPCIS_GS1_EXAMPLES names another copy.
func gs1ExamplesDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("EPCIS_GS1_EXAMPLES")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "research-data", "gs1-epcis")
	}
	if _, err := os.Stat(filepath.Join(dir, "JSON")); err != nil {
		t.Skipf("GS1 EPCIS examples not found in %s (set EPCIS_GS1_EXAMPLES to a copy of github.com/gs1/EPCIS): %v", dir, err)
	}
	return dir
}

// gs1Examples returns the GS1 JSON examples kept in testdata (the same
// copies the validation tests read).
func gs1Examples(t *testing.T) map[string][]byte {
	t.Helper()
	return readGS1JSON(t)
}

// TestGS1Examples hashes every GS1 JSON-LD example, then the same documents
// re-serialised with members in other orders, unordered arrays shuffled,
// other whitespace and other string escapes: the hashes must not change.
func TestGS1Examples(t *testing.T) {
	files := gs1Examples(t)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	events := 0
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, err := HashDocument(files[name])
			if err != nil {
				t.Fatalf("HashDocument: %v", err)
			}
			if len(want) == 0 {
				t.Fatal("no events")
			}
			events += len(want)
			for seed := range uint64(3) {
				variant := reserialise(t, files[name], seed)
				got, err := HashDocument(variant)
				if err != nil {
					t.Fatalf("variant %d: HashDocument: %v\n%s", seed, err, variant)
				}
				if len(got) != len(want) {
					t.Fatalf("variant %d: %d events, want %d", seed, len(got), len(want))
				}
				for i := range got {
					if got[i].Hash != want[i].Hash {
						t.Errorf("variant %d, event %d: hash changed\n got %s\nwant %s", seed, i, got[i].PreHash, want[i].PreHash)
					}
				}
			}
		})
	}
	t.Logf("%d examples, %d events hashed", len(files), events)
}

// TestGS1XMLExamples hashes the XML examples of github.com/gs1/EPCIS (some,
// such as capture jobs and master data, hold no events).
func TestGS1XMLExamples(t *testing.T) {
	dir := filepath.Join(gs1ExamplesDir(t), "XML")
	files, events := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
			return err
		}
		doc, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		hs, err := HashDocument(doc)
		if err != nil {
			t.Errorf("%s: %v", path, err)
		}
		files++
		events += len(hs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 30 || events < 50 {
		t.Errorf("%d XML files with %d events; expected the GS1 set (37 files, 60-odd events)", files, events)
	}
	t.Logf("%d XML examples, %d events hashed", files, events)
}

// TestGS1IdenticalHashIDs hashes GS1's own test of the event hash ID
// (XML/WithEventHashID): one event written seven ways — EPCs and quantity
// elements shuffled, other namespace prefixes, xsi:type on extensions, and
// once in JSON-LD — that must all get the same hash ID. The exception is
// file 2, "different time zone but exactly identical event": it also
// changes eventTimeZoneOffset (-05:00 for -06:00), a member the hash covers
// (as the reference vectors show), so it must hash differently, and only
// because of that member.
func TestGS1IdenticalHashIDs(t *testing.T) {
	dir := filepath.Join(gs1ExamplesDir(t), "XML", "WithEventHashID")
	var pre []string
	for i := 1; i <= 7; i++ {
		name := fmt.Sprintf("event_with_identical_hash_id_%d.xml", i)
		if i == 7 {
			name = "event_with_identical_hash_id_7.json"
		}
		doc, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		hs, err := HashDocument(doc)
		if err != nil || len(hs) != 1 {
			t.Fatalf("%s: %d events, %v", name, len(hs), err)
		}
		pre = append(pre, hs[0].PreHash)
	}
	for i, p := range pre {
		want := pre[0]
		if i == 1 {
			want = strings.Replace(want, "eventTimeZoneOffset=-06:00", "eventTimeZoneOffset=-05:00", 1)
		}
		if p != want {
			t.Errorf("file %d (-file 1 +file %d):\n%s", i+1, i+1, cmp.Diff(readable(want), readable(p)))
		}
	}
}

// reserialise writes doc again with members in reverse or random order,
// every array inside an event (a JSON-LD set) shuffled, random whitespace
// and some characters of strings written as \u escapes. Document order of
// the events and of @context entries is kept: both carry meaning.
func reserialise(t *testing.T, doc []byte, seed uint64) []byte {
	t.Helper()
	v, err := decodeJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	r := &reserialiser{rng: rand.New(rand.NewPCG(seed, 42)), seed: seed}
	r.value(v, false, "")
	return r.buf.Bytes()
}

type reserialiser struct {
	buf  bytes.Buffer
	rng  *rand.Rand
	seed uint64
}

func (r *reserialiser) space() {
	r.buf.WriteString([]string{"", " ", "\n", "\t", "\r\n  ", "   "}[r.rng.IntN(6)])
}

func (r *reserialiser) value(v any, inEvent bool, key string) {
	r.space()
	switch v := v.(type) {
	case map[string]any:
		keys := sortedKeys(v)
		if r.seed%2 == 0 {
			slices.Reverse(keys)
		} else {
			r.rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		}
		r.buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				r.buf.WriteByte(',')
			}
			r.space()
			r.str(k)
			r.space()
			r.buf.WriteByte(':')
			r.value(v[k], inEvent, k)
		}
		r.space()
		r.buf.WriteByte('}')
	case []any:
		items := slices.Clone(v)
		if inEvent && key != "@context" {
			r.rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		}
		r.buf.WriteByte('[')
		for i, x := range items {
			if i > 0 {
				r.buf.WriteByte(',')
			}
			r.value(x, inEvent || key == "eventList", "")
		}
		r.space()
		r.buf.WriteByte(']')
	case string:
		r.str(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		r.buf.Write(b)
	}
	r.space()
}

// str writes a JSON string, escaping some letters as \uXXXX.
func (r *reserialiser) str(s string) {
	r.buf.WriteByte('"')
	for _, c := range s {
		if c >= 'a' && c <= 'z' && r.rng.IntN(8) == 0 {
			fmt.Fprintf(&r.buf, `\u%04x`, c)
			continue
		}
		b, _ := json.Marshal(string(c))
		r.buf.Write(b[1 : len(b)-1])
	}
	r.buf.WriteByte('"')
}
