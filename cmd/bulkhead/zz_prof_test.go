package main

import (
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

func BenchmarkZZHash(b *testing.B) {
	doc := newEPCISGen(1, 5000).document(1000, 0)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := epcis.HashDocument(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZZPrepare(b *testing.B) {
	doc := newEPCISGen(1, 5000).document(1000, 0)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := epcis.Prepare(doc, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
