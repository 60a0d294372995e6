package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

// embeddedLibraries parses the catalogs shipped in the binary once.
var embeddedLibraries = sync.OnceValues(catalog.Embedded)

// parsedCache keeps parsed library content by SHA-256 of the canonical
// YAML. Content never changes under a digest, so the cache is safe to share
// between services; it is emptied when it grows past parsedCacheSize.
var parsedCache struct {
	sync.Mutex
	m map[[32]byte]*catalog.Library
}

const parsedCacheSize = 64

// parseStored returns the parsed content of a stored library. Callers must
// not change the result.
func parseStored(l *bulkhead.Library) (*catalog.Library, error) {
	key := sha256.Sum256(l.Content)
	parsedCache.Lock()
	lib := parsedCache.m[key]
	parsedCache.Unlock()
	if lib != nil {
		return lib, nil
	}
	lib, err := catalog.ParseBytes(l.Content)
	if err != nil {
		return nil, fmt.Errorf("library %s: stored content: %w", l.ID, err)
	}
	cacheParsed(l.Content, lib)
	return lib, nil
}

// storedLibrary builds the stored form of a parsed, validated library.
func storedLibrary(lib *catalog.Library) (*bulkhead.Library, error) {
	var buf bytes.Buffer
	if err := catalog.Write(&buf, lib); err != nil {
		return nil, err
	}
	l := &bulkhead.Library{
		URN: lib.URN, Version: lib.Version, RefID: lib.RefID, Name: lib.Name, Description: lib.Description,
		Provider: lib.Provider, Packager: lib.Packager, Copyright: lib.Copyright, Locale: lib.Locale, Content: buf.Bytes(),
	}
	var objects []string
	o := &lib.Objects
	if fw := o.Framework; fw != nil {
		objects = append(objects, "framework")
		l.FrameworkURN = fw.URN
		l.NodeCount = len(fw.RequirementNodes)
		for i := range fw.RequirementNodes {
			n := &fw.RequirementNodes[i]
			if !n.Assessable {
				continue
			}
			l.AssessableCount++
			switch n.Provenance {
			case catalog.ProvenanceVerified:
				l.Verified++
			case catalog.ProvenanceHarmonized:
				l.Harmonized++
			case catalog.ProvenanceSecondary:
				l.Secondary++
			}
		}
	}
	sets := mappingSets(lib)
	if len(sets) > 0 {
		objects = append(objects, "requirement_mapping_sets")
		for _, s := range sets {
			l.MappingCount += len(s.RequirementMappings)
		}
	}
	for _, x := range []struct {
		name string
		n    int
	}{{"risk_matrix", len(o.RiskMatrices)}, {"threats", len(o.Threats)}, {"reference_controls", len(o.ReferenceControls)}, {"metric_definitions", len(o.MetricDefinitions)}} {
		if x.n > 0 {
			objects = append(objects, x.name)
		}
	}
	for _, f := range o.Extra {
		objects = append(objects, f.Key)
	}
	l.Objects = strings.Join(objects, " ")
	return l, nil
}

// mappingSets returns a library's mapping sets in either of the two forms.
func mappingSets(lib *catalog.Library) []*catalog.RequirementMappingSet {
	var out []*catalog.RequirementMappingSet
	if lib.Objects.RequirementMappingSet != nil {
		out = append(out, lib.Objects.RequirementMappingSet)
	}
	for i := range lib.Objects.RequirementMappingSets {
		out = append(out, &lib.Objects.RequirementMappingSets[i])
	}
	return out
}

// builtinStored is the stored form of each shipped catalog, made once per
// process; the parsed catalogs seed the parse cache, so that reading them
// back from the database does not parse them again.
var builtinStored = sync.OnceValues(func() ([]*bulkhead.Library, error) {
	libs, err := embeddedLibraries()
	if err != nil {
		return nil, err
	}
	out := make([]*bulkhead.Library, len(libs))
	for i, lib := range libs {
		l, err := storedLibrary(lib)
		if err != nil {
			return nil, fmt.Errorf("library %s: %w", lib.URN, err)
		}
		out[i] = l
		cacheParsed(l.Content, lib)
	}
	return out, nil
})

// cacheParsed remembers the parsed form of content.
func cacheParsed(content []byte, lib *catalog.Library) {
	key := sha256.Sum256(content)
	parsedCache.Lock()
	defer parsedCache.Unlock()
	if parsedCache.m == nil || len(parsedCache.m) >= parsedCacheSize {
		parsedCache.m = map[[32]byte]*catalog.Library{}
	}
	parsedCache.m[key] = lib
}

// LoadBuiltinLibraries stores the catalogs shipped in the binary that are
// missing from the database and upgrades those stored at a lower version.
// Library reads call it, so a new binary's catalogs appear on first use;
// calling it at start-up does the work early. Safe to call concurrently.
func (s *Service) LoadBuiltinLibraries(ctx context.Context) error {
	libs, err := builtinStored()
	if err != nil {
		return err
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		for _, b := range libs {
			old, err := tx.LibraryByURN(ctx, "", b.URN)
			if err != nil && bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
				return err
			}
			if old != nil && old.Version >= b.Version {
				continue
			}
			l := *b
			l.Builtin, l.ImportedAt, l.ImportedBy = true, s.now(), "bulkhead"
			if old != nil {
				l.ID = old.ID
				if err := tx.UpdateLibrary(ctx, &l); err != nil {
					return err
				}
				continue
			}
			l.ID = bulkhead.NewID()
			if err := tx.CreateLibrary(ctx, &l); err != nil {
				return err
			}
		}
		return nil
	})
	if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
		return nil // another process loaded them at the same moment
	}
	return err
}

// ensureBuiltins loads the shipped catalogs when one of them is missing
// from stored (a list of libraries) or stored at a lower version, and
// reports whether it loaded any.
func (s *Service) ensureBuiltins(ctx context.Context, stored []*bulkhead.Library) (bool, error) {
	libs, err := embeddedLibraries()
	if err != nil {
		return false, err
	}
	have := map[string]int{}
	for _, l := range stored {
		if l.Builtin {
			have[l.URN] = l.Version
		}
	}
	for _, lib := range libs {
		if have[lib.URN] < lib.Version {
			return true, s.LoadBuiltinLibraries(ctx)
		}
	}
	return false, nil
}

// visibleLibraries lists the libraries the organisation sees: its own and
// the built-in ones not replaced by one of its own with the same URN.
func (s *Service) visibleLibraries(ctx context.Context, orgID string) ([]*bulkhead.Library, error) {
	all, err := s.store.Libraries(ctx, orgID)
	if err != nil {
		return nil, err
	}
	loaded, err := s.ensureBuiltins(ctx, all)
	if err != nil {
		return nil, err
	}
	if loaded {
		if all, err = s.store.Libraries(ctx, orgID); err != nil {
			return nil, err
		}
	}
	own := map[string]bool{}
	for _, l := range all {
		if l.OrgID != "" {
			own[l.URN] = true
		}
	}
	out := all[:0:0]
	for _, l := range all {
		if l.OrgID == "" && own[l.URN] {
			continue
		}
		out = append(out, l)
	}
	return out, nil
}

// Libraries lists the requirement libraries of the actor's organisation,
// built-in ones included. EFORBIDDEN.
func (s *Service) Libraries(ctx context.Context, a Actor) ([]*bulkhead.Library, error) {
	if err := authorize(a, ActLibraryRead); err != nil {
		return nil, err
	}
	return s.visibleLibraries(ctx, a.OrgID)
}

// LibraryDetail is a library with its parsed content.
type LibraryDetail struct {
	*bulkhead.Library
	Parsed *catalog.Library // shared: do not change
}

// Library returns a library with its parsed content. EFORBIDDEN, ENOTFOUND.
func (s *Service) Library(ctx context.Context, a Actor, id string) (*LibraryDetail, error) {
	if err := authorize(a, ActLibraryRead); err != nil {
		return nil, err
	}
	if _, err := s.visibleLibraries(ctx, a.OrgID); err != nil {
		return nil, err
	}
	l, err := s.store.Library(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	p, err := parseStored(l)
	if err != nil {
		return nil, err
	}
	return &LibraryDetail{Library: l, Parsed: p}, nil
}

// libraryIndex finds frameworks and requirement nodes of visible libraries.
type libraryIndex struct {
	libs       []*bulkhead.Library
	frameworks map[string]*LibraryDetail // framework URN → library
	nodes      map[string]bool           // lower-case node URN
}

func (s *Service) indexLibraries(ctx context.Context, orgID string) (*libraryIndex, error) {
	libs, err := s.visibleLibraries(ctx, orgID)
	if err != nil {
		return nil, err
	}
	x := &libraryIndex{libs: libs, frameworks: map[string]*LibraryDetail{}, nodes: map[string]bool{}}
	for _, l := range libs {
		if l.FrameworkURN == "" {
			continue
		}
		full, err := s.store.Library(ctx, orgID, l.ID)
		if err != nil {
			return nil, err
		}
		p, err := parseStored(full)
		if err != nil {
			return nil, err
		}
		x.frameworks[strings.ToLower(l.FrameworkURN)] = &LibraryDetail{Library: full, Parsed: p}
		for i := range p.Objects.Framework.RequirementNodes {
			x.nodes[strings.ToLower(p.Objects.Framework.RequirementNodes[i].URN)] = true
		}
	}
	return x, nil
}

// ImportPreview says what importing a library would change.
type ImportPreview struct {
	URN        string
	Name       string
	Version    int
	OldVersion int // 0 for a new library
	Replaces   string
	Added      []string // ref IDs (or URNs) of requirement nodes
	Changed    []string
	Removed    []string
	Mappings   int
	Warnings   []string // unknown keys kept as they are
	lib        *catalog.Library
	old        *bulkhead.Library
}

// importError turns a catalog problem list into one EINVALID error naming
// the file and the places.
func importError(file string, err error) error {
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		var b strings.Builder
		for i, p := range ve.Problems {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(file + ": " + p.String())
		}
		if ve.Omitted > 0 {
			fmt.Fprintf(&b, "\n… and %d more", ve.Omitted)
		}
		return &bulkhead.Error{Code: bulkhead.EINVALID, Message: b.String(), Fields: map[string]string{"file": bulkhead.FieldInvalid}}
	}
	return err
}

func invalidFile(format string, args ...any) error {
	return &bulkhead.Error{Code: bulkhead.EINVALID, Message: fmt.Sprintf(format, args...), Fields: map[string]string{"file": bulkhead.FieldInvalid}}
}

// PreviewLibraryImport parses and checks a CISO Assistant library file
// (YAML) or an OSCAL catalog (JSON) and says what importing it would change, without storing anything.
// EFORBIDDEN, EINVALID (with every problem and its place in the message).
func (s *Service) PreviewLibraryImport(ctx context.Context, a Actor, file string, data []byte) (*ImportPreview, error) {
	if err := authorize(a, ActLibraryImport); err != nil {
		return nil, err
	}
	lib, err := parseLibraryFile(file, data)
	if err != nil {
		return nil, err
	}
	return s.preview(ctx, a, file, lib)
}

// preview checks a valid library against what is stored.
func (s *Service) preview(ctx context.Context, a Actor, file string, lib *catalog.Library) (*ImportPreview, error) {
	idx, err := s.indexLibraries(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	p := &ImportPreview{URN: lib.URN, Name: lib.Name, Version: lib.Version, Warnings: lib.UnknownFields(), lib: lib}
	var oldLib *catalog.Library
	for _, l := range idx.libs {
		if strings.EqualFold(l.URN, lib.URN) {
			p.old, p.OldVersion = l, l.Version
			if l.Version >= lib.Version {
				return nil, invalidFile("%s: library %s version %d is not newer than the stored version %d; raise the version to replace it", file, lib.URN, lib.Version, l.Version)
			}
			full, err := s.store.Library(ctx, a.OrgID, l.ID)
			if err != nil {
				return nil, err
			}
			if oldLib, err = parseStored(full); err != nil {
				return nil, err
			}
			p.Replaces = l.ID
		}
	}
	// A framework URN may belong to one library only.
	if fw := lib.Objects.Framework; fw != nil {
		if other, ok := idx.frameworks[strings.ToLower(fw.URN)]; ok && !strings.EqualFold(other.URN, lib.URN) {
			return nil, invalidFile("%s: framework %s already belongs to library %s", file, fw.URN, other.URN)
		}
		for i := range fw.RequirementNodes {
			n := &fw.RequirementNodes[i]
			if idx.nodes[strings.ToLower(n.URN)] && (oldLib == nil || oldLib.Objects.Framework == nil || !hasNode(oldLib.Objects.Framework, n.URN)) {
				return nil, invalidFile("%s: requirement node %s already exists in another library", file, n.URN)
			}
		}
	}
	// Dependencies and mapping targets must be loaded (or in this file).
	for _, dep := range lib.Dependencies {
		if !slices.ContainsFunc(idx.libs, func(l *bulkhead.Library) bool { return strings.EqualFold(l.URN, dep) }) {
			return nil, invalidFile("%s: dependency %s is not loaded; import it first", file, dep)
		}
	}
	here := map[string]bool{}
	if fw := lib.Objects.Framework; fw != nil {
		for i := range fw.RequirementNodes {
			here[strings.ToLower(fw.RequirementNodes[i].URN)] = true
		}
	}
	for _, set := range mappingSets(lib) {
		for _, fwURN := range []string{set.SourceFrameworkURN, set.TargetFrameworkURN} {
			if _, ok := idx.frameworks[strings.ToLower(fwURN)]; !ok && (lib.Objects.Framework == nil || !strings.EqualFold(lib.Objects.Framework.URN, fwURN)) {
				return nil, invalidFile("%s: mapping set %s: framework %s is not loaded; import it first", file, set.URN, fwURN)
			}
		}
		for k, m := range set.RequirementMappings {
			for _, u := range []string{m.SourceRequirementURN, m.TargetRequirementURN} {
				if !idx.nodes[strings.ToLower(u)] && !here[strings.ToLower(u)] {
					return nil, invalidFile("%s: mapping set %s, mapping #%d: requirement %s does not exist", file, set.URN, k+1, u)
				}
			}
		}
		p.Mappings += len(set.RequirementMappings)
	}
	p.Added, p.Changed, p.Removed = diffNodes(oldLib, lib)
	return p, nil
}

func hasNode(fw *catalog.Framework, urn string) bool {
	return slices.ContainsFunc(fw.RequirementNodes, func(n catalog.RequirementNode) bool { return strings.EqualFold(n.URN, urn) })
}

// diffNodes compares the requirement nodes of two versions by URN.
func diffNodes(oldLib, newLib *catalog.Library) (added, changed, removed []string) {
	label := func(n *catalog.RequirementNode) string {
		if n.RefID != "" {
			return n.RefID
		}
		return n.URN
	}
	old := map[string]*catalog.RequirementNode{}
	if oldLib != nil && oldLib.Objects.Framework != nil {
		for i := range oldLib.Objects.Framework.RequirementNodes {
			n := &oldLib.Objects.Framework.RequirementNodes[i]
			old[strings.ToLower(n.URN)] = n
		}
	}
	seen := map[string]bool{}
	if fw := newLib.Objects.Framework; fw != nil {
		for i := range fw.RequirementNodes {
			n := &fw.RequirementNodes[i]
			k := strings.ToLower(n.URN)
			seen[k] = true
			o, ok := old[k]
			switch {
			case !ok:
				added = append(added, label(n))
			case !sameNode(o, n):
				changed = append(changed, label(n))
			}
		}
	}
	for k, n := range old {
		if !seen[k] {
			removed = append(removed, label(n))
		}
	}
	sort.Strings(removed)
	return added, changed, removed
}

func sameNode(a, b *catalog.RequirementNode) bool {
	return a.RefID == b.RefID && a.Name == b.Name && a.Description == b.Description && a.ParentURN == b.ParentURN &&
		a.Assessable == b.Assessable && a.Importance == b.Importance && a.Annotation == b.Annotation && a.Provenance == b.Provenance &&
		a.TypicalEvidence == b.TypicalEvidence && slices.Equal(a.ImplementationGroups, b.ImplementationGroups)
}

// ImportLibrary imports a CISO Assistant library file for the actor's
// organisation: all or nothing, and only over an older version of the same
// URN. EFORBIDDEN, EINVALID.
func (s *Service) ImportLibrary(ctx context.Context, a Actor, file string, data []byte) (*bulkhead.Library, error) {
	p, err := s.PreviewLibraryImport(ctx, a, file, data)
	if err != nil {
		return nil, err
	}
	return s.commitImport(ctx, a, p, "library.import")
}

// commitImport stores a previewed library.
func (s *Service) commitImport(ctx context.Context, a Actor, p *ImportPreview, action string) (*bulkhead.Library, error) {
	l, err := storedLibrary(p.lib)
	if err != nil {
		return nil, err
	}
	l.OrgID, l.ImportedAt, l.ImportedBy = a.OrgID, s.now(), a.Name
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		old, err := tx.LibraryByURN(ctx, a.OrgID, l.URN)
		switch {
		case err == nil:
			if old.Version >= l.Version {
				return invalidFile("library %s version %d is not newer than the stored version %d", l.URN, l.Version, old.Version)
			}
			l.ID = old.ID
			err = tx.UpdateLibrary(ctx, l)
		case bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND:
			l.ID = bulkhead.NewID()
			err = tx.CreateLibrary(ctx, l)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, "library", l.ID, map[string]any{
			"urn": l.URN, "version": l.Version, "old_version": p.OldVersion, "added": len(p.Added), "changed": len(p.Changed), "removed": len(p.Removed),
			"sha256": fmt.Sprintf("%x", sha256.Sum256(l.Content)),
		})
	})
	if err != nil {
		return nil, err
	}
	l.Content = nil
	return l, nil
}

// ExportLibrary returns a library in CISO Assistant YAML. EFORBIDDEN,
// ENOTFOUND.
func (s *Service) ExportLibrary(ctx context.Context, a Actor, id string) (*bulkhead.Library, []byte, error) {
	d, err := s.Library(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	return d.Library, d.Content, nil
}
