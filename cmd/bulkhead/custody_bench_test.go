package main

import (
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// BenchmarkCaptureCPU measures, on one generated 1,000-event document of
// the kind bench epcis-capture sends, the parts of a capture that run
// before the store: the floor (decode and hash) and the whole preparation
// (decode, schema and rules, hash, the values stored). Run it with
// GOMAXPROCS=1 to read CPU time per document.
func BenchmarkCaptureCPU(b *testing.B) {
	doc := newEPCISGen(1, 15000).document(1000, 0)
	b.Run("floor", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := epcis.HashDocument(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prepare", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		now := time.Now()
		for b.Loop() {
			p, err := epcis.Prepare(doc, now)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Report.Problems) > 0 {
				b.Fatalf("problems: %+v", p.Report.Problems[0])
			}
		}
	})
}
