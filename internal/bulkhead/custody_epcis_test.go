package bulkhead

import (
	"encoding/hex"
	"testing"
)

func TestEventHashKey(t *testing.T) {
	tests := []struct {
		hash string
		want int64
	}{
		{"ni:///sha-256;0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef?ver=CBV2.0", 0x0123456789abcdef},
		{"ni:///sha-256;ffffffffffffffff0000?ver=CBV2.0", -1},
		{"ni:///sha-256;8000000000000000", -1 << 63},
		{"ni:///sha-256;0123456789ABCDEF", 0x0123456789abcdef},
		{"ni:///sha-256;0123456789abcde", 0},  // too short
		{"ni:///sha-256;0123456789abcdeg", 0}, // not hex
		{"ni:///sha-256;+123456789abcdef", 0},
		{"urn:uuid:0123456789abcdef0123456789abcdef", 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := EventHashKey(tt.hash); got != tt.want {
			t.Errorf("EventHashKey(%q) = %#x, want %#x", tt.hash, got, tt.want)
		}
	}
}

func TestEPCKey(t *testing.T) {
	// The first 16 bytes of SHA-256("urn:bulkhead:seal:NLHS-0408113"), as
	// sha256sum prints them.
	want := "19ec543daaa26ed4a6ff8392d2acf8cb"
	if got := hex.EncodeToString(EPCKey("urn:bulkhead:seal:NLHS-0408113")); got != want {
		t.Errorf("EPCKey = %s, want %s", got, want)
	}
	if string(EPCKey("https://id.gs1.org/01/04012345111118/21/9")) == string(EPCKey("https://id.gs1.org/01/04012345111118/21/8")) {
		t.Error("two identifiers share a key")
	}
}
