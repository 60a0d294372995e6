package service

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
	"github.com/bulkhead-sms/bulkhead/internal/oscal"
	"github.com/xuri/excelize/v2"
)

// parseLibraryFile reads a CISO Assistant library (YAML) or an OSCAL
// catalog (JSON, recognised by its first character) and validates it.
func parseLibraryFile(file string, data []byte) (*catalog.Library, error) {
	if len(data) > catalog.MaxFileSize {
		return nil, invalidFile("%s: file is larger than the %d MiB limit", file, catalog.MaxFileSize>>20)
	}
	if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		lib, err := oscal.ReadCatalog(data)
		if err != nil {
			if ie := importError(file, err); ie != err {
				return nil, ie
			}
			return nil, invalidFile("%s: %v", file, err)
		}
		return lib, nil
	}
	lib, err := catalog.ParseBytes(data)
	if err == nil {
		err = lib.Validate()
	}
	if err != nil {
		return nil, importError(file, err)
	}
	return lib, nil
}

// SpreadsheetImport completes or replaces the requirements of a library's
// framework from a spreadsheet (CSV or XLSX, first sheet): one row per
// requirement with the columns ref_id, parent, title, summary, groups,
// importance and, optionally, assessable, typical_evidence, guidance and
// provenance. The result is a new version of the library, owned by the
// organisation (a built-in library is replaced for the organisation only).
type SpreadsheetImport struct {
	LibraryID string
	// Replace drops requirements that are not in the sheet; otherwise the
	// sheet completes the catalog (rows add or update requirements by ref
	// ID, the others are kept).
	Replace bool
	File    string
	Data    []byte
}

// MaxSpreadsheetRows bounds the rows of an imported sheet.
const MaxSpreadsheetRows = 20000

// readSheet returns the rows of a CSV or XLSX file (XLSX by extension or
// its zip signature).
func readSheet(file string, data []byte) ([][]string, error) {
	if len(data) > catalog.MaxFileSize {
		return nil, invalidFile("%s: file is larger than the %d MiB limit", file, catalog.MaxFileSize>>20)
	}
	if strings.EqualFold(path.Ext(file), ".xlsx") || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, invalidFile("%s: not a readable XLSX workbook", file)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			return nil, invalidFile("%s: the first sheet cannot be read", file)
		}
		return rows, nil
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalidFile("%s: %v", file, err)
		}
		rows = append(rows, rec)
		if len(rows) > MaxSpreadsheetRows+1 {
			return nil, invalidFile("%s: more than %d rows", file, MaxSpreadsheetRows)
		}
	}
	return rows, nil
}

var sheetColumns = []string{"ref_id", "parent", "title", "summary", "groups", "importance", "assessable", "typical_evidence", "guidance", "provenance"}

// sheetLibrary builds the new version of lib from the rows of a sheet.
func sheetLibrary(file string, lib *catalog.Library, rows [][]string, replace bool) (*catalog.Library, error) {
	if len(rows) < 2 {
		return nil, invalidFile("%s: no rows below the header", file)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(sheetColumns, h) {
			return nil, invalidFile("%s: row 1: unknown column %q (expected %s)", file, h, strings.Join(sheetColumns, ", "))
		}
		col[h] = i
	}
	for _, need := range []string{"ref_id", "title"} {
		if _, ok := col[need]; !ok {
			return nil, invalidFile("%s: row 1: column %s is missing", file, need)
		}
	}
	fw := *lib.Objects.Framework
	fw.ImplementationGroupsDefinition = slices.Clone(fw.ImplementationGroupsDefinition)
	prefix := fw.URN
	if len(fw.RequirementNodes) > 0 {
		u := fw.RequirementNodes[0].URN
		prefix = u[:strings.LastIndex(u, ":")]
	} else {
		prefix = strings.Replace(prefix, ":framework:", ":req_node:", 1)
	}
	byRef := map[string]int{}
	var nodes []catalog.RequirementNode
	if !replace {
		nodes = slices.Clone(fw.RequirementNodes)
	}
	for i, n := range nodes {
		if n.RefID != "" {
			byRef[n.RefID] = i
		}
	}
	oldByRef := map[string]*catalog.RequirementNode{}
	for i := range fw.RequirementNodes {
		oldByRef[fw.RequirementNodes[i].RefID] = &fw.RequirementNodes[i]
	}
	parents := map[string]string{}
	rowOf := map[string]int{}
	for k, r := range rows[1:] {
		line := k + 2
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(r) {
				return strings.TrimSpace(r[i])
			}
			return ""
		}
		ref := get("ref_id")
		if ref == "" && strings.Join(r, "") == "" {
			continue // blank line
		}
		place := fmt.Sprintf("%s: row %d (ref %s)", file, line, ref)
		switch {
		case ref == "":
			return nil, invalidFile("%s: row %d: ref_id is empty", file, line)
		case strings.ContainsAny(ref, " \t:"):
			return nil, invalidFile("%s: ref_id must not contain spaces or colons", place)
		case get("title") == "":
			return nil, invalidFile("%s: title is empty", place)
		}
		if first, dup := rowOf[ref]; dup {
			return nil, invalidFile("%s: duplicate ref_id; first at row %d", place, first)
		}
		rowOf[ref] = line
		var n catalog.RequirementNode
		if i, ok := byRef[ref]; ok {
			n = nodes[i]
		} else if old, ok := oldByRef[ref]; ok {
			n = *old // replace keeps the URN of a requirement that stays
			n.ParentURN = ""
		} else {
			n = catalog.RequirementNode{URN: prefix + ":" + ref, RefID: ref, Assessable: true, Provenance: catalog.ProvenanceVerified}
		}
		n.Name = get("title")
		if _, ok := col["summary"]; ok {
			n.Description = get("summary")
		}
		if _, ok := col["typical_evidence"]; ok {
			n.TypicalEvidence = get("typical_evidence")
		}
		if _, ok := col["guidance"]; ok {
			n.Annotation = get("guidance")
		}
		if _, ok := col["groups"]; ok {
			n.ImplementationGroups = nil
			for _, g := range strings.FieldsFunc(get("groups"), func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
				n.ImplementationGroups = append(n.ImplementationGroups, g)
				if !slices.ContainsFunc(fw.ImplementationGroupsDefinition, func(d catalog.ImplementationGroup) bool { return d.RefID == g }) {
					fw.ImplementationGroupsDefinition = append(fw.ImplementationGroupsDefinition, catalog.ImplementationGroup{RefID: g, Name: g})
				}
			}
		}
		if _, ok := col["importance"]; ok {
			switch strings.ToLower(get("importance")) {
			case "must", "mandatory":
				n.Importance = catalog.ImportanceMandatory
			case "should", "recommended":
				n.Importance = catalog.ImportanceRecommended
			case "may", "nice_to_have":
				n.Importance = catalog.ImportanceNiceToHave
			case "":
				n.Importance = ""
			default:
				return nil, invalidFile("%s: importance %q is not must, should, mandatory, recommended or nice_to_have", place, get("importance"))
			}
		}
		if _, ok := col["assessable"]; ok {
			switch strings.ToLower(get("assessable")) {
			case "yes", "true", "1", "y", "":
				n.Assessable = true
			case "no", "false", "0", "n":
				n.Assessable = false
			default:
				return nil, invalidFile("%s: assessable %q is not yes or no", place, get("assessable"))
			}
		}
		if _, ok := col["provenance"]; ok && get("provenance") != "" {
			p := catalog.Provenance(get("provenance"))
			if p != catalog.ProvenanceVerified && p != catalog.ProvenanceHarmonized && p != catalog.ProvenanceSecondary {
				return nil, invalidFile("%s: provenance %q is not verified, harmonized-structure or secondary-source", place, p)
			}
			n.Provenance = p
		}
		if _, ok := col["parent"]; ok {
			parents[ref] = get("parent")
		}
		if i, ok := byRef[ref]; ok {
			nodes[i] = n
		} else {
			byRef[ref] = len(nodes)
			nodes = append(nodes, n)
		}
	}
	// Parents by ref ID; depth from the parent chain (cycles refused).
	for ref, parent := range parents {
		n := &nodes[byRef[ref]]
		if parent == "" {
			n.ParentURN = ""
			continue
		}
		i, ok := byRef[parent]
		if !ok {
			return nil, invalidFile("%s: row %d (ref %s): parent %s does not exist", file, rowOf[ref], ref, parent)
		}
		n.ParentURN = nodes[i].URN
	}
	index := map[string]int{}
	for i, n := range nodes {
		index[n.URN] = i
	}
	for i := range nodes {
		n := &nodes[i]
		depth, cur := 1, n
		for cur.ParentURN != "" {
			j, ok := index[cur.ParentURN]
			if !ok {
				return nil, invalidFile("%s: requirement %s: parent %s is not in the catalog any more", file, n.RefID, cur.ParentURN)
			}
			cur = &nodes[j]
			depth++
			if depth > len(nodes)+1 {
				return nil, invalidFile("%s: row %d (ref %s): parents form a cycle", file, rowOf[n.RefID], n.RefID)
			}
		}
		n.Depth = depth
	}
	// Keep parents before children: order by the first row or position.
	fw.RequirementNodes = orderTree(nodes)
	out := *lib
	out.Objects.Framework = &fw
	out.Version = lib.Version + 1
	if err := out.Validate(); err != nil {
		return nil, importError(file, err)
	}
	return &out, nil
}

// orderTree lists nodes depth-first in their current order, so that each
// parent comes before its children.
func orderTree(nodes []catalog.RequirementNode) []catalog.RequirementNode {
	children := map[string][]int{}
	for i, n := range nodes {
		children[n.ParentURN] = append(children[n.ParentURN], i)
	}
	out := make([]catalog.RequirementNode, 0, len(nodes))
	var walk func(parent string)
	walk = func(parent string) {
		for _, i := range children[parent] {
			out = append(out, nodes[i])
			walk(nodes[i].URN)
		}
	}
	walk("")
	return out
}

// PreviewSpreadsheetImport says what a spreadsheet import would change,
// storing nothing. EFORBIDDEN, ENOTFOUND, EINVALID (naming file and row).
func (s *Service) PreviewSpreadsheetImport(ctx context.Context, a Actor, in SpreadsheetImport) (*ImportPreview, error) {
	if err := authorize(a, ActLibraryImport); err != nil {
		return nil, err
	}
	d, err := s.Library(ctx, a, in.LibraryID)
	if err != nil {
		return nil, err
	}
	if d.Parsed.Objects.Framework == nil {
		return nil, invalidFile("%s: library %s has no framework to complete", in.File, d.URN)
	}
	rows, err := readSheet(in.File, in.Data)
	if err != nil {
		return nil, err
	}
	lib, err := sheetLibrary(in.File, d.Parsed, rows, in.Replace)
	if err != nil {
		return nil, err
	}
	return s.preview(ctx, a, in.File, lib)
}

// ImportSpreadsheet completes or replaces a catalog from a spreadsheet, all
// or nothing. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) ImportSpreadsheet(ctx context.Context, a Actor, in SpreadsheetImport) (*bulkhead.Library, error) {
	p, err := s.PreviewSpreadsheetImport(ctx, a, in)
	if err != nil {
		return nil, err
	}
	return s.commitImport(ctx, a, p, "library.import_sheet")
}

// ExportLibraryOSCAL returns a library's framework as an OSCAL catalog.
// EFORBIDDEN, ENOTFOUND, EINVALID (no framework).
func (s *Service) ExportLibraryOSCAL(ctx context.Context, a Actor, id string) (*bulkhead.Library, []byte, error) {
	d, err := s.Library(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if d.Parsed.Objects.Framework == nil {
		return nil, nil, bulkhead.Errorf(bulkhead.EINVALID, "Library %s has no framework; only frameworks export as OSCAL catalogs.", d.URN)
	}
	out, err := oscal.Catalog(d.Parsed, s.now())
	return d.Library, out, err
}

// ExportAssessmentOSCAL returns an assessment as OSCAL assessment-results
// (kind "assessment-results") or its open gaps and actions as a POA&M
// (kind "poam"). EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) ExportAssessmentOSCAL(ctx context.Context, a Actor, id, kind string) ([]byte, error) {
	v, err := s.Assessment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	in := &oscal.Assessment{ID: v.ID, Title: v.Name, Description: v.Description, Start: v.CreatedAt, Framework: v.Framework}
	for _, row := range v.Rows {
		if !row.InScope || row.Result == nil {
			continue
		}
		r := oscal.Result{NodeURN: row.Node.URN, Status: string(row.Result.Status), Notes: row.Result.Notes, Justification: row.Result.Justification, Controls: row.Result.Controls}
		for _, e := range row.Evidence {
			r.Evidence = append(r.Evidence, oscal.Evidence{ID: e.ID, Name: e.Name, URL: e.URL, SHA256: e.SHA256, Collected: e.CreatedAt, ValidUntil: e.ValidUntil})
		}
		in.Results = append(in.Results, r)
		for _, c := range row.Actions {
			in.Actions = append(in.Actions, oscal.Action{ID: c.ID, NodeURN: c.NodeURN, Title: c.Title, Notes: c.Notes, Status: string(c.Status), Due: c.Due})
		}
	}
	switch kind {
	case "assessment-results":
		return oscal.AssessmentResults(in, s.now())
	case "poam":
		out, err := oscal.POAM(in, s.now())
		if err == oscal.ErrNoGaps {
			return nil, bulkhead.Errorf(bulkhead.EINVALID, "The assessment has no open gaps; a POA&M needs at least one.")
		}
		return out, err
	}
	return nil, bulkhead.Invalid(map[string]string{"format": bulkhead.FieldChoice})
}
