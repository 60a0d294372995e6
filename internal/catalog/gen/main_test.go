package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate runs the generator into a copy of the library
// folder and requires every file to equal the one in the repository: the
// shipped catalogs are what the fact tables and the generator make (run
// go generate ./internal/catalog after changing either).
func TestGeneratedUpToDate(t *testing.T) {
	out := t.TempDir()
	entries, err := os.ReadDir("../library")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("../library", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run("facts", out); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		want, _ := os.ReadFile(filepath.Join("../library", e.Name()))
		got, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("library/%s differs from what the generator writes: run go generate ./internal/catalog", e.Name())
		}
	}
	if after, _ := os.ReadDir(out); len(after) != len(entries) {
		t.Errorf("the generator writes %d files, the library folder holds %d", len(after), len(entries))
	}
}
