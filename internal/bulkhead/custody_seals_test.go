package bulkhead

import "testing"

func TestContainerNumber(t *testing.T) {
	tests := []struct {
		in                string
		norm              string
		wellFormed, check bool
	}{
		{"CSQU3054383", "CSQU3054383", true, true},
		{"csqu 305438-3", "CSQU3054383", true, true},
		{"MSKU9070323", "MSKU9070323", true, true},
		{"CSQU3054384", "CSQU3054384", true, false}, // wrong check digit: flagged, kept
		{"CSQX3054383", "CSQX3054383", false, false},
		{"CSQU305438", "CSQU305438", false, false},
		{"", "", false, false},
	}
	for _, tt := range tests {
		norm, wf, ok := ContainerNumber(tt.in)
		if norm != tt.norm || wf != tt.wellFormed || ok != tt.check {
			t.Errorf("ContainerNumber(%q) = %q %v %v, want %q %v %v", tt.in, norm, wf, ok, tt.norm, tt.wellFormed, tt.check)
		}
	}
}

func TestSealTransitions(t *testing.T) {
	if n, ok := SealIssued.Next(SealActAffix); !ok || n != SealAffixed {
		t.Errorf("issued → affix = %v %v", n, ok)
	}
	if _, ok := SealIssued.Next(SealActVerify); ok {
		t.Errorf("an issued seal cannot be verified")
	}
	if n, ok := SealVerified.Next(SealActVerify); !ok || n != SealVerified {
		t.Errorf("verified → verify = %v %v", n, ok)
	}
	if _, ok := SealDestroyed.Next(SealActAffix); ok {
		t.Errorf("a destroyed seal cannot be affixed")
	}
}
