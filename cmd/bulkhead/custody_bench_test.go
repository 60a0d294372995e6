package main

import (
	"strings"
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

// bench epcis-capture --rounds measures each round in a new repository and
// reports the medians; --rounds with --db is refused.
func TestBenchEPCISCaptureRounds(t *testing.T) {
	out := must(t, map[string]string{}, "", "bench", "epcis-capture", "--docs", "2", "--events", "20", "--rounds", "2")
	for _, want := range []string{"round 1 of 2, new repository", "round 2 of 2, new repository", "events stored: 60", "document at the size limit", "median of 2 rounds: capture "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "events stored: 60"); n != 2 {
		t.Errorf("%d rounds stored 60 events, want 2 (each round its own repository):\n%s", n, out)
	}
	code, _, errs := cli(t, map[string]string{}, "", "bench", "epcis-capture", "--rounds", "2", "--db", t.TempDir()+"/x.db")
	if code != exitUsage || !strings.Contains(errs, "--rounds needs") {
		t.Errorf("--rounds with --db: exit %d, %s", code, errs)
	}
}
