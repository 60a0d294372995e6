package epcis

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The property-name cache lives as long as the process; the names it is
// given are slices of a whole document's text (see decodeFast), so it must
// keep copies, or it would keep up to a thousand documents alive.
func TestNameCacheKeepsNoDocument(t *testing.T) {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem://names.json", map[string]any{"pattern": "^[a-z:]+$"}); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("mem://names.json")
	if err != nil {
		t.Fatal(err)
	}
	nc := &nameCheck{sch: sch}
	nc.known.Store(&map[string]bool{})
	doc := strings.Repeat("x", 1<<16) + "ex:seal" + strings.Repeat("y", 1<<16)
	name := doc[1<<16 : 1<<16+len("ex:seal")]
	if !nc.valid(name) {
		t.Fatal("ex:seal refused")
	}
	lo := uintptr(unsafe.Pointer(unsafe.StringData(doc)))
	hi := lo + uintptr(len(doc))
	for k := range *nc.known.Load() {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(k))); p >= lo && p < hi {
			t.Errorf("the cache keeps %q inside the document's text", k)
		}
	}
	if len(*nc.known.Load()) != 1 {
		t.Errorf("cache = %v", *nc.known.Load())
	}
}
