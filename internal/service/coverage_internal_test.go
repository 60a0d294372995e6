package service

import "testing"

func TestCompareClause(t *testing.T) {
	tests := []struct {
		x, y string
		want int
	}{
		{"4.2", "4.2", 0},
		{"4.2", "4.2.1", -1},
		{"4.2.2", "4.2.1", 1},
		{"4.10", "4.9", 1},
		{"5", "4.4", 1},
		{"7.5.3", "7.5", 1},
	}
	for _, tt := range tests {
		if got := compareClause(tt.x, tt.y); got != tt.want {
			t.Errorf("compareClause(%q, %q) = %d, want %d", tt.x, tt.y, got, tt.want)
		}
	}
}
