package catalog

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:generate go run ./gen

// libraryFS holds the catalogs shipped with Bulkhead (library/*.yaml; all
// but the ISO 28000 outline are written by ./gen from the fact tables).
//
//go:embed library/*.yaml
var libraryFS embed.FS

// Embedded returns the libraries shipped in the binary (library/*.yaml),
// parsed and validated, in file-name order. Each call parses afresh, so
// callers may change the result.
func Embedded() ([]*Library, error) {
	names, err := fs.Glob(libraryFS, "library/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("catalog: embedded libraries: %w", err)
	}
	out := make([]*Library, 0, len(names))
	for _, name := range names {
		data, err := libraryFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded %s: %w", name, err)
		}
		lib, err := ParseBytes(data)
		if err == nil {
			err = lib.Validate()
		}
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded %s: %w", name, err)
		}
		lib.pos = nil // lines are only needed to report problems
		out = append(out, lib)
	}
	return out, nil
}
